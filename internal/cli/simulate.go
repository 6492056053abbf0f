package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/orgaudit/orgaudit/internal/policy"
)

// simulateOptions are the flags of `orgaudit simulate`.
type simulateOptions struct {
	input  string
	format string
}

func newSimulateCmd(app *App) *cobra.Command {
	opts := &simulateOptions{}
	cmd := &cobra.Command{
		Use:   "simulate --input FILE",
		Short: "Evaluate one request against IAM policies, offline",
		Long: `simulate decides whether a request is allowed by the given policies, following
AWS's IAM policy evaluation logic: explicit denies, SCP and RCP levels,
permissions boundaries, session policies, identity-based and resource-based
policies within an account and across accounts, and role trust policies.

The input is a JSON document (see docs/simulate.md):

  {"request": {"principal": ARN, "action": "svc:Action", "resource": ARN,
               "resource_account": ID, "context": {KEY: VALUE-OR-LIST},
               "unknown_context_keys": [KEY-OR-PATTERN, ...]},
   "identity_policies": [DOC, ...], "resource_policy": DOC,
   "permission_boundaries": [DOC, ...], "session_policy": DOC,
   "scps": [[DOC, ...], ...], "rcps": [[DOC, ...], ...],
   "management_account": BOOL, "service_linked_role": BOOL}

Conditions on keys listed in unknown_context_keys are neither true nor false:
the result says under which conditions the request is allowed or denied.

The decision is Allowed, ImplicitlyDenied or ExplicitlyDenied. simulate exits
0 whatever the decision, and 2 when the input is invalid.`,
		Example: `  orgaudit simulate --input request.json
  orgaudit simulate --input - --format json < request.json`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			return runSimulate(app, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.input, "input", "", "simulation input JSON file (- reads standard input)")
	f.StringVar(&opts.format, "format", "text", "output format: text or json")
	return cmd
}

func runSimulate(app *App, opts *simulateOptions) error {
	if opts.input == "" {
		return usageErrorf("--input is required")
	}
	if opts.format != "text" && opts.format != "json" {
		return usageErrorf("invalid --format %q: use text or json", opts.format)
	}
	var data []byte
	var err error
	if opts.input == "-" {
		data, err = io.ReadAll(app.In)
	} else {
		data, err = os.ReadFile(opts.input)
	}
	if err != nil {
		return usageErrorf("read simulation input %s: %v", opts.input, err)
	}
	in, res, err := policy.Simulate(bytes.NewReader(data))
	if err != nil {
		return usageError(fmt.Errorf("%s: %w", opts.input, err))
	}
	if opts.format == "json" {
		return writeSimulationJSON(app.Out, res)
	}
	return writeSimulationText(app.Out, &in.Request, &res)
}

// simulationView is the JSON output of simulate.
type simulationView struct {
	Decision      policy.Decision       `json:"decision"`
	Unconditional bool                  `json:"unconditional"`
	Reason        string                `json:"reason"`
	Statements    []policy.StatementRef `json:"statements"`
	AllowedWhen   []policy.ConditionSet `json:"allowed_when"`
	DeniedWhen    []policy.ConditionSet `json:"denied_when"`
	Truncated     bool                  `json:"truncated,omitempty"`
}

func writeSimulationJSON(w io.Writer, r policy.Result) error {
	v := simulationView{
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
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func writeSimulationText(w io.Writer, rq *policy.SimulationRequest, r *policy.Result) error {
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
		writeSets(&b, r.AllowedWhen)
	}
	if len(r.DeniedWhen) > 0 {
		if r.Decision == policy.Allowed {
			b.WriteString("Denied whenever one of these holds:\n")
		} else {
			b.WriteString("Also denied explicitly whenever one of these holds:\n")
		}
		writeSets(&b, r.DeniedWhen)
	}
	if len(r.Statements) > 0 {
		b.WriteString("Deciding statements:\n")
		for _, s := range r.Statements {
			fmt.Fprintf(&b, "  %s %s\n", s.Effect, s)
		}
	}
	if r.Truncated {
		b.WriteString("Note: too many alternative condition sets; some were dropped.\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeSets(b *strings.Builder, sets []policy.ConditionSet) {
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
