package output

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/orgaudit/orgaudit/internal/policy"
)

// Simulation is what simulate renders for one request: the request as
// given and the evaluator's answer.
type Simulation struct {
	Request policy.SimulationRequest
	Result  policy.Result
}

// simulationJSON is the JSON form of a decision (see docs/simulate.md).
type simulationJSON struct {
	Decision      policy.Decision       `json:"decision"`
	Unconditional bool                  `json:"unconditional"`
	Reason        string                `json:"reason"`
	Statements    []policy.StatementRef `json:"statements"`
	AllowedWhen   []policy.ConditionSet `json:"allowed_when"`
	DeniedWhen    []policy.ConditionSet `json:"denied_when"`
	Truncated     bool                  `json:"truncated,omitempty"`
}

func newSimulationJSON(r *policy.Result) simulationJSON {
	v := simulationJSON{
		Decision:      r.Decision,
		Unconditional: r.AllowedUnconditionally(),
		Reason:        r.Reason,
		Statements:    r.Statements,
		AllowedWhen:   r.AllowedWhen,
		DeniedWhen:    r.DeniedWhen,
		Truncated:     r.Truncated,
	}
	if v.Statements == nil {
		v.Statements = []policy.StatementRef{}
	}
	if v.AllowedWhen == nil {
		v.AllowedWhen = []policy.ConditionSet{}
	}
	if v.DeniedWhen == nil {
		v.DeniedWhen = []policy.ConditionSet{}
	}
	return v
}

func writeSimulationJSON(w io.Writer, s *Simulation, _ Options) error {
	return writeIndentedJSON(w, "json", newSimulationJSON(&s.Result))
}

// writeSimulationTable renders a decision for people: the decision, the
// request, the reason, the condition sets and the deciding statements.
func writeSimulationTable(w io.Writer, s *Simulation, _ Options) error {
	rq, r := &s.Request, &s.Result
	var b strings.Builder
	decision := string(r.Decision)
	switch {
	case r.AllowedUnconditionally():
		decision += " (unconditionally)"
	case r.AllowedConditionally():
		decision += " (only under conditions)"
	}
	resource := rq.Resource
	if resource == "" {
		resource = "*"
	}
	fmt.Fprintf(&b, "Decision:  %s\n", decision)
	fmt.Fprintf(&b, "Request:   %s calls %s on %s\n", rq.Principal, rq.Action, resource)
	fmt.Fprintf(&b, "Reason:    %s\n", r.Reason)
	if len(r.AllowedWhen) > 0 {
		b.WriteString("Allowed only when one of these holds:\n")
		writeConditionSets(&b, r.AllowedWhen)
	}
	if len(r.DeniedWhen) > 0 {
		if r.Decision == policy.Allowed {
			b.WriteString("Denied whenever one of these holds:\n")
		} else {
			b.WriteString("Also denied explicitly whenever one of these holds:\n")
		}
		writeConditionSets(&b, r.DeniedWhen)
	}
	if len(r.Statements) > 0 {
		b.WriteString("Deciding statements:\n")
		for _, st := range r.Statements {
			fmt.Fprintf(&b, "  %s %s\n", st.Effect, st)
		}
	}
	if r.Truncated {
		b.WriteString("Note: too many alternative condition sets; some were dropped.\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeConditionSets(b *strings.Builder, sets []policy.ConditionSet) {
	for i, s := range sets {
		clauses := make([]string, len(s.Conditions))
		for j, c := range s.Conditions {
			clauses[j] = c.String()
		}
		fmt.Fprintf(b, "  %d. %s\n", i+1, strings.Join(clauses, " AND "))
		for _, ref := range s.Statements {
			fmt.Fprintf(b, "       from %s\n", ref)
		}
	}
}

// DecisionLines writes the decisions of a simulate batch as JSON Lines,
// one line per request in input order: {"line": N, <the decision's JSON
// fields>}, or {"line": N, "error": "..."} for a request that is not
// valid.
type DecisionLines struct {
	enc *json.Encoder
}

// NewDecisionLines writes JSON Lines to w.
func NewDecisionLines(w io.Writer) *DecisionLines {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return &DecisionLines{enc: enc}
}

// decisionLine is one line of a batch's output.
type decisionLine struct {
	Line int `json:"line"`
	*simulationJSON
	Error string `json:"error,omitempty"`
}

// Decision writes the decision of input line n.
func (d *DecisionLines) Decision(n int, r *policy.Result) error {
	v := newSimulationJSON(r)
	return d.enc.Encode(decisionLine{Line: n, simulationJSON: &v})
}

// Error writes the error of input line n.
func (d *DecisionLines) Error(n int, err error) error {
	return d.enc.Encode(decisionLine{Line: n, Error: err.Error()})
}
