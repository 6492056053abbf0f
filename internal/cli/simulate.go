package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/orgaudit/orgaudit/internal/graph"
	"github.com/orgaudit/orgaudit/internal/policy"
	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// simulateOptions are the flags of `orgaudit simulate`.
type simulateOptions struct {
	input  string
	format string

	// --snapshot mode
	snapshot  string
	principal string
	action    string
	resource  string
	context   []string
	unknown   []string
}

func newSimulateCmd(app *App) *cobra.Command {
	opts := &simulateOptions{}
	cmd := &cobra.Command{
		Use:   "simulate (--input FILE | --snapshot FILE --principal ARN --action ACTION [--resource ARN])",
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

With --snapshot, the policies come from a snapshot instead: the principal's
identity policies (inline, attached and its groups'), its permissions boundary,
the SCP levels of its account (the management account is exempt), the RCP
levels of the resource's account, and, when the resource is a role of the
snapshot, the role's trust policy as the resource-based policy. What the
snapshot knows (aws:PrincipalOrgID, aws:PrincipalOrgPaths, aws:PrincipalTag/*,
aws:ResourceAccount, aws:ResourceTag/* of a role...) is set; --context KEY=VALUE
adds or overrides keys (repeat a key for a multivalued key), --unknown KEY
leaves conditions on KEY undecided (patterns such as aws:RequestTag/* or *);
every other key is absent.

The decision is Allowed, ImplicitlyDenied or ExplicitlyDenied. simulate exits
0 whatever the decision, and 2 when the input is invalid.`,
		Example: `  orgaudit simulate --input request.json
  orgaudit simulate --input - --format json < request.json
  orgaudit simulate --snapshot snap.json --principal arn:aws:iam::111122223333:user/alice \
    --action sts:AssumeRole --resource arn:aws:iam::444455556666:role/admin \
    --context aws:MultiFactorAuthPresent=true --unknown sts:ExternalId`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runSimulate(cmd.Context(), app, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.input, "input", "", "simulation input JSON file (- reads standard input)")
	f.StringVar(&opts.format, "format", "text", "output format: text or json")
	f.StringVar(&opts.snapshot, "snapshot", "", "take the policies from this snapshot (instead of --input)")
	f.StringVar(&opts.principal, "principal", "", "with --snapshot: ARN of the calling IAM user or role")
	f.StringVar(&opts.action, "action", "", "with --snapshot: the action, service:Action")
	f.StringVar(&opts.resource, "resource", "", "with --snapshot: the resource ARN (default *)")
	f.StringArrayVar(&opts.context, "context", nil, "with --snapshot: condition key KEY=VALUE (repeatable; repeat a key for several values)")
	f.StringArrayVar(&opts.unknown, "unknown", nil, "with --snapshot: condition key or pattern left undecided (repeatable)")
	return cmd
}

func runSimulate(ctx context.Context, app *App, opts *simulateOptions) error {
	if opts.format != "text" && opts.format != "json" {
		return usageErrorf("invalid --format %q: use text or json", opts.format)
	}
	if opts.snapshot != "" {
		if opts.input != "" {
			return usageErrorf("--input and --snapshot cannot be used together")
		}
		return runSimulateSnapshot(ctx, app, opts)
	}
	for name, v := range map[string]bool{"--principal": opts.principal != "", "--action": opts.action != "", "--resource": opts.resource != "", "--context": len(opts.context) > 0, "--unknown": len(opts.unknown) > 0} {
		if v {
			return usageErrorf("%s needs --snapshot", name)
		}
	}
	if opts.input == "" {
		return usageErrorf("--input is required (or --snapshot FILE with --principal and --action)")
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

// runSimulateSnapshot evaluates one request with the policies of a
// snapshot.
func runSimulateSnapshot(runCtx context.Context, app *App, opts *simulateOptions) error {
	switch {
	case opts.principal == "":
		return usageErrorf("--principal is required with --snapshot")
	case opts.action == "":
		return usageErrorf("--action is required with --snapshot")
	}
	ctx, err := parseContextFlags(opts.context)
	if err != nil {
		return usageError(err)
	}
	for _, k := range opts.unknown {
		if strings.TrimSpace(k) == "" {
			return usageErrorf("--unknown: empty key")
		}
		if _, ok := ctx[k]; ok {
			return usageErrorf("--unknown %s: the key is also set with --context", k)
		}
	}
	// Validate the request shape the same way as --input does.
	probe := policy.SimulationInput{Request: policy.SimulationRequest{Principal: opts.principal, Action: opts.action, Resource: opts.resource}}
	if _, err := probe.Input(); err != nil {
		return usageError(err)
	}
	l, err := app.loadSnapshot(runCtx, opts.snapshot, snapshot.ParseOptions{})
	if err != nil {
		return err
	}
	in, warnings, err := graph.SimulationInput(l.Snapshot, graph.SnapshotRequest{
		Principal: opts.principal, Action: opts.action, Resource: opts.resource, Context: ctx, Unknown: opts.unknown,
	})
	if err != nil {
		return usageError(fmt.Errorf("%s: %w", opts.snapshot, err))
	}
	for _, w := range warnings {
		app.Logger().Warn(w)
	}
	res := policy.Evaluate(*in)
	if opts.format == "json" {
		return writeSimulationJSON(app.Out, res)
	}
	return writeSimulationText(app.Out, &policy.SimulationRequest{Principal: opts.principal, Action: opts.action, Resource: opts.resource}, &res)
}

// parseContextFlags parses --context KEY=VALUE flags: the key is what
// precedes the first '=', the value may be empty, and repeating a key
// gives it several values, in order.
func parseContextFlags(flags []string) (map[string][]string, error) {
	out := map[string][]string{}
	for _, f := range flags {
		k, v, ok := strings.Cut(f, "=")
		k = strings.TrimSpace(k)
		switch {
		case !ok:
			return nil, fmt.Errorf("--context %q: use KEY=VALUE", f)
		case k == "":
			return nil, fmt.Errorf("--context %q: empty key", f)
		case strings.ContainsAny(k, " \t\n\r"):
			return nil, fmt.Errorf("--context %q: the key contains white space", f)
		}
		// Keys are case-insensitive: keep the first spelling.
		for existing := range out {
			if strings.EqualFold(existing, k) {
				k = existing
				break
			}
		}
		out[k] = append(out[k], v)
	}
	return out, nil
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
