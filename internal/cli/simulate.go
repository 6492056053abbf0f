package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/orgaudit/orgaudit/internal/graph"
	"github.com/orgaudit/orgaudit/internal/policy"
	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// simulateOptions are the flags of `orgaudit simulate`.
type simulateOptions struct {
	input    string
	format   string
	exitCode bool

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
		Short: "Evaluate requests against IAM policies, offline",
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

Batch: when FILE holds JSON Lines (one such document per line; a .jsonl or
.ndjson name, or several lines each a whole document), simulate writes one
JSON decision per line, in input order: {"line": N, "decision": ...}, or
{"line": N, "error": "..."} for a line that is not a valid request, and goes on.

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

With --snapshot, a principal that is not in the snapshot is an error, and a
role or user ARN as --resource that is not in it is a warning on stderr; both
name the nearest ARNs the snapshot holds.

The decision is Allowed (also when only under conditions), ImplicitlyDenied
or ExplicitlyDenied. simulate exits 0 whatever the decision, and 2 when the
input is invalid (in a batch: when a line was). With --exit-code it exits 0
when the request is allowed, 1 when it is denied (in a batch: any line), 2 on
an error.`,
		Example: `  orgaudit simulate --input request.json
  orgaudit simulate --input - --format json < request.json
  orgaudit simulate --input requests.jsonl > decisions.jsonl
  orgaudit simulate --input request.json --exit-code && echo allowed
  orgaudit simulate --snapshot snap.json --principal arn:aws:iam::111122223333:user/alice \
    --action sts:AssumeRole --resource arn:aws:iam::444455556666:role/admin \
    --context aws:MultiFactorAuthPresent=true --unknown sts:ExternalId`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			return runSimulate(app, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.input, "input", "", "simulation input JSON file (- reads standard input)")
	f.StringVar(&opts.format, "format", "table", "output format: table or json (a batch always writes JSON Lines)")
	f.BoolVar(&opts.exitCode, "exit-code", false, "exit 0 when allowed, 1 when denied, 2 on an error")
	f.StringVar(&opts.snapshot, "snapshot", "", "take the policies from this snapshot (instead of --input)")
	f.StringVar(&opts.principal, "principal", "", "with --snapshot: ARN of the calling IAM user or role")
	f.StringVar(&opts.action, "action", "", "with --snapshot: the action, service:Action")
	f.StringVar(&opts.resource, "resource", "", "with --snapshot: the resource ARN (default *)")
	f.StringArrayVar(&opts.context, "context", nil, "with --snapshot: condition key KEY=VALUE (repeatable; repeat a key for several values)")
	f.StringArrayVar(&opts.unknown, "unknown", nil, "with --snapshot: condition key or pattern left undecided (repeatable)")
	return cmd
}

func runSimulate(app *App, opts *simulateOptions) error {
	switch opts.format {
	case "table", "json":
	case "text": // the format's name before 0.x, kept as an alias
		opts.format = "table"
	default:
		return usageErrorf("invalid --format %q: use table or json", opts.format)
	}
	if opts.snapshot != "" {
		if opts.input != "" {
			return usageErrorf("--input and --snapshot cannot be used together")
		}
		return runSimulateSnapshot(app, opts)
	}
	for name, v := range map[string]bool{"--principal": opts.principal != "", "--action": opts.action != "", "--resource": opts.resource != "", "--context": len(opts.context) > 0, "--unknown": len(opts.unknown) > 0} {
		if v {
			return usageErrorf("%s needs --snapshot", name)
		}
	}
	if opts.input == "" {
		return usageErrorf("--input is required (or --snapshot FILE with --principal and --action)")
	}
	r := app.In
	if opts.input != "-" {
		f, err := os.Open(opts.input)
		if err != nil {
			return usageErrorf("read simulation input %s: %v", opts.input, err)
		}
		defer f.Close()
		r = f
	}
	br := bufio.NewReaderSize(r, 64<<10)
	if batch, err := isJSONLines(br, opts.input); err != nil {
		return usageErrorf("read simulation input %s: %v", opts.input, err)
	} else if batch {
		return runSimulateBatch(app, opts, br)
	}
	data, err := io.ReadAll(br)
	if err != nil {
		return usageErrorf("read simulation input %s: %v", opts.input, err)
	}
	in, res, err := policy.Simulate(bytes.NewReader(data))
	if err != nil {
		return usageError(fmt.Errorf("%s: %w", opts.input, err))
	}
	if err := writeSimulation(app.Out, opts.format, &in.Request, &res); err != nil {
		return err
	}
	return decisionExit(opts, &res)
}

// isJSONLines tells a batch from one document: a .jsonl or .ndjson name,
// or a first line that is a whole JSON value followed by more lines. It
// looks at the first 64 KiB: a longer first line is taken for one document
// (name the file .jsonl to say otherwise).
func isJSONLines(br *bufio.Reader, name string) (bool, error) {
	if ext := strings.ToLower(filepath.Ext(name)); ext == ".jsonl" || ext == ".ndjson" {
		return true, nil
	}
	buf, err := br.Peek(br.Size())
	if err != nil && !errors.Is(err, io.EOF) {
		return false, err
	}
	i := bytes.IndexByte(buf, '\n')
	if i < 0 {
		return false, nil
	}
	first := bytes.TrimSpace(buf[:i])
	return len(first) > 0 && json.Valid(first) && len(bytes.TrimSpace(buf[i:])) > 0, nil
}

// batchLine is one line of a batch's output: a decision or an error.
type batchLine struct {
	Line int `json:"line"`
	*simulationView
	Error string `json:"error,omitempty"`
}

// runSimulateBatch evaluates JSON Lines and writes one JSON line per
// request, in order.
func runSimulateBatch(app *App, opts *simulateOptions, r io.Reader) error {
	w := bufio.NewWriter(app.Out)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	bad, denied, n := 0, 0, 0
	err := policy.SimulateLines(r, func(line int, _ *policy.SimulationInput, res policy.Result, err error) error {
		n++
		out := batchLine{Line: line}
		if err != nil {
			bad++
			out.Error = err.Error()
		} else {
			v := newSimulationView(res)
			out.simulationView = &v
			if res.Denied() {
				denied++
			}
		}
		return enc.Encode(out)
	})
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	if err != nil {
		return usageErrorf("simulate %s: %v", opts.input, err)
	}
	app.Logger().Debug("batch simulated", "requests", n, "invalid", bad, "denied", denied)
	switch {
	case bad > 0:
		return usageErrorf("%s: %d of %d lines are not valid requests (their errors are in the output)", opts.input, bad, n)
	case opts.exitCode && denied > 0:
		return &ExitError{Code: ExitFindings}
	}
	return nil
}

// decisionExit is the exit of a single simulation: with --exit-code, 1
// when the request is denied.
func decisionExit(opts *simulateOptions, res *policy.Result) error {
	if opts.exitCode && res.Denied() {
		return &ExitError{Code: ExitFindings}
	}
	return nil
}

func writeSimulation(w io.Writer, format string, rq *policy.SimulationRequest, res *policy.Result) error {
	if format == "json" {
		return writeSimulationJSON(w, *res)
	}
	return writeSimulationText(w, rq, res)
}

// runSimulateSnapshot evaluates one request with the policies of a
// snapshot.
func runSimulateSnapshot(app *App, opts *simulateOptions) error {
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
	l, err := snapshot.LoadFile(opts.snapshot)
	if err != nil {
		return usageError(err)
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
	if err := writeSimulation(app.Out, opts.format, &policy.SimulationRequest{Principal: opts.principal, Action: opts.action, Resource: opts.resource}, &res); err != nil {
		return err
	}
	return decisionExit(opts, &res)
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
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(newSimulationView(r))
}

func newSimulationView(r policy.Result) simulationView {
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
	return v
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
