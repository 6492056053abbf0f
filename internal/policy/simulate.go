package policy

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// SimulationInput is the JSON input of `orgaudit simulate`: a request and
// the policies that apply to it. Documents may be JSON objects, JSON
// strings (URL-encoded or not), or {"label": ..., "document": ...} objects
// that name the policy in the output. Absent parts mean "none".
type SimulationInput struct {
	Request              SimulationRequest `json:"request"`
	IdentityPolicies     []PolicyInput     `json:"identity_policies,omitempty"`
	ResourcePolicy       *PolicyInput      `json:"resource_policy,omitempty"`
	PermissionBoundaries []PolicyInput     `json:"permission_boundaries,omitempty"`
	SessionPolicy        *PolicyInput      `json:"session_policy,omitempty"`
	SCPs                 [][]PolicyInput   `json:"scps,omitempty"`
	RCPs                 [][]PolicyInput   `json:"rcps,omitempty"`
	// ManagementAccount: the principal is in the organization's management
	// account (SCPs do not apply).
	ManagementAccount bool `json:"management_account,omitempty"`
	// ResourceInManagementAccount: the resource is in the management
	// account (RCPs do not apply).
	ResourceInManagementAccount bool `json:"resource_in_management_account,omitempty"`
	// ServiceLinkedRole: the principal is a service-linked role (SCPs and
	// RCPs do not apply).
	ServiceLinkedRole bool `json:"service_linked_role,omitempty"`

	// Description, Source and Want document a test case; evaluation
	// ignores them.
	Description string          `json:"description,omitempty"`
	Source      string          `json:"source,omitempty"`
	Want        json.RawMessage `json:"want,omitempty"`
}

// SimulationRequest is the request part of a SimulationInput.
type SimulationRequest struct {
	Principal       string `json:"principal"`
	Action          string `json:"action"`
	Resource        string `json:"resource,omitempty"`
	ResourceAccount string `json:"resource_account,omitempty"`
	// Context maps condition keys to a string, a list of strings (for
	// multivalued keys), a boolean or number (taken as its text), or null
	// (known absent).
	Context map[string]ContextValue `json:"context,omitempty"`
	// UnknownContextKeys lists keys, or patterns with '*' and '?', whose
	// values are runtime facts: conditions on them become residual
	// conditions. "*" makes every key not in Context unknown.
	UnknownContextKeys []string `json:"unknown_context_keys,omitempty"`
}

// ContextValue is a context value in JSON: a string, a list of strings, a
// boolean, a number, or null.
type ContextValue struct {
	Values []string
	Null   bool
}

// UnmarshalJSON decodes a string, list, boolean, number or null.
func (v *ContextValue) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		*v = ContextValue{Null: true}
		return nil
	}
	vals, err := conditionValues(b)
	if err != nil {
		return errors.New("context value must be a string, a list of strings, a boolean, a number or null")
	}
	*v = ContextValue{Values: vals}
	return nil
}

// MarshalJSON encodes a single value as a string and several as a list.
func (v ContextValue) MarshalJSON() ([]byte, error) {
	switch {
	case v.Null:
		return []byte("null"), nil
	case len(v.Values) == 1:
		return json.Marshal(v.Values[0])
	}
	return json.Marshal(v.Values)
}

// PolicyInput is a policy document in a SimulationInput, with an optional
// label.
type PolicyInput struct {
	Label    string
	Document json.RawMessage
}

// UnmarshalJSON accepts a document (object or string) or {"label": ...,
// "document": ...}.
func (p *PolicyInput) UnmarshalJSON(b []byte) error {
	var probe struct {
		Label    *string         `json:"label"`
		Document json.RawMessage `json:"document"`
	}
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '{' {
		var keys map[string]json.RawMessage
		if err := json.Unmarshal(b, &keys); err != nil {
			return err
		}
		if _, ok := keys["document"]; ok {
			for k := range keys {
				if k != "label" && k != "document" {
					return fmt.Errorf("unknown field %q next to \"document\"", k)
				}
			}
			if err := json.Unmarshal(b, &probe); err != nil {
				return err
			}
			if probe.Label != nil {
				p.Label = *probe.Label
			}
			p.Document = probe.Document
			return nil
		}
	}
	p.Document = append(json.RawMessage(nil), b...)
	return nil
}

// MarshalJSON encodes the labelled form when there is a label.
func (p PolicyInput) MarshalJSON() ([]byte, error) {
	if p.Label == "" {
		return p.Document, nil
	}
	return json.Marshal(struct {
		Label    string          `json:"label"`
		Document json.RawMessage `json:"document"`
	}{p.Label, p.Document})
}

// DecodeSimulationInput reads a SimulationInput. Unknown fields are errors,
// so that a misspelt key is not silently ignored.
func DecodeSimulationInput(r io.Reader) (*SimulationInput, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var in SimulationInput
	if err := dec.Decode(&in); err != nil {
		return nil, fmt.Errorf("decode simulation input: %w", err)
	}
	if dec.More() {
		return nil, errors.New("decode simulation input: more than one JSON value")
	}
	return &in, nil
}

// Input validates the simulation input, parses its documents and builds
// the evaluation Input. Policies without a label are named by their place
// in the input ("identity_policies[0]", "scps[1][0]"...).
func (s *SimulationInput) Input() (*Input, error) {
	rq := s.Request
	switch {
	case rq.Principal == "":
		return nil, errors.New("request.principal is required")
	case rq.Action == "":
		return nil, errors.New("request.action is required")
	case rq.Action != "*" && !validAction(rq.Action):
		return nil, fmt.Errorf("request.action %q: use service:Action", rq.Action)
	case rq.ResourceAccount != "" && !IsAccountID(rq.ResourceAccount):
		return nil, fmt.Errorf("request.resource_account %q: use a 12-digit account id", rq.ResourceAccount)
	}
	ctx := NewContext()
	for k, v := range rq.Context {
		if k == "" {
			return nil, errors.New("request.context: empty key")
		}
		if v.Null {
			ctx.SetAbsent(k)
		} else {
			ctx.Set(k, v.Values...)
		}
	}
	for _, k := range rq.UnknownContextKeys {
		if k == "" {
			return nil, errors.New("request.unknown_context_keys: empty key")
		}
		if _, ok := rq.Context[k]; ok {
			return nil, fmt.Errorf("request.unknown_context_keys: %q is also in request.context", k)
		}
		ctx.SetUnknown(k)
	}
	in := &Input{
		Request: Request{
			Principal:       rq.Principal,
			Action:          rq.Action,
			Resource:        rq.Resource,
			ResourceAccount: rq.ResourceAccount,
			Context:         ctx,
		},
		ManagementAccount:           s.ManagementAccount,
		ResourceInManagementAccount: s.ResourceInManagementAccount,
		ServiceLinkedRole:           s.ServiceLinkedRole,
	}
	var err error
	if in.IdentityPolicies, err = parseInputs(s.IdentityPolicies, "identity_policies", IdentityPolicy); err != nil {
		return nil, err
	}
	if in.PermissionsBoundaries, err = parseInputs(s.PermissionBoundaries, "permission_boundaries", PermissionsBoundary); err != nil {
		return nil, err
	}
	if s.ResourcePolicy != nil {
		p, err := parseInput(*s.ResourcePolicy, "resource_policy", ResourcePolicy)
		if err != nil {
			return nil, err
		}
		in.ResourcePolicy = &p
	}
	if s.SessionPolicy != nil {
		p, err := parseInput(*s.SessionPolicy, "session_policy", SessionPolicy)
		if err != nil {
			return nil, err
		}
		in.SessionPolicies = []Policy{p}
	}
	for i, lvl := range s.SCPs {
		ps, err := parseInputs(lvl, "scps["+strconv.Itoa(i)+"]", SCP)
		if err != nil {
			return nil, err
		}
		in.SCPs = append(in.SCPs, ps)
	}
	for i, lvl := range s.RCPs {
		ps, err := parseInputs(lvl, "rcps["+strconv.Itoa(i)+"]", RCP)
		if err != nil {
			return nil, err
		}
		in.RCPs = append(in.RCPs, ps)
	}
	return in, nil
}

func parseInputs(ps []PolicyInput, where string, typ PolicyType) ([]Policy, error) {
	var out []Policy
	for i, p := range ps {
		pol, err := parseInput(p, where+"["+strconv.Itoa(i)+"]", typ)
		if err != nil {
			return nil, err
		}
		out = append(out, pol)
	}
	return out, nil
}

// parseInput parses one policy of the input and checks the elements its
// role allows (Document.ValidateFor).
func parseInput(p PolicyInput, where string, typ PolicyType) (Policy, error) {
	label := p.Label
	if label == "" {
		label = where
	}
	if len(bytes.TrimSpace(p.Document)) == 0 || bytes.Equal(bytes.TrimSpace(p.Document), []byte("null")) {
		return Policy{}, fmt.Errorf("%s: missing document", where)
	}
	doc, err := ParseRaw(p.Document)
	if err == nil {
		err = doc.ValidateFor(typ)
	}
	if err != nil {
		return Policy{}, fmt.Errorf("%s: %w", where, err)
	}
	return Policy{Label: label, Document: doc}, nil
}

// Simulate decodes a SimulationInput from r and evaluates it. It is what
// `orgaudit simulate` runs. Errors are input errors.
func Simulate(r io.Reader) (*SimulationInput, Result, error) {
	s, err := DecodeSimulationInput(r)
	if err != nil {
		return nil, Result{}, err
	}
	in, err := s.Input()
	if err != nil {
		return nil, Result{}, fmt.Errorf("invalid simulation input: %w", err)
	}
	return s, Evaluate(*in), nil
}

// SimulateLines evaluates JSON Lines: one SimulationInput per line of r
// (blank lines are skipped), calling emit with the line number (from 1),
// the decoded input and its result, or the line's error, in input order.
// check, when not nil, vets each line's bytes before they are decoded (its
// error is the line's error). A bad line does not stop the run; only a
// read error or an error from emit does.
func SimulateLines(r io.Reader, check func(raw []byte) error, emit func(line int, in *SimulationInput, res Result, err error) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	for n := 1; ; n++ {
		raw, err := br.ReadBytes('\n')
		if len(bytes.TrimSpace(raw)) > 0 {
			var (
				in   *SimulationInput
				res  Result
				serr error
			)
			if check != nil {
				serr = check(raw)
			}
			if serr == nil {
				in, res, serr = Simulate(bytes.NewReader(raw))
			}
			if eerr := emit(n, in, res, serr); eerr != nil {
				return eerr
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read line %d: %w", n, err)
		}
	}
}
