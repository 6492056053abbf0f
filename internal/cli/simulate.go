package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/orgaudit/orgaudit/internal/graph"
	"github.com/orgaudit/orgaudit/internal/input"
	"github.com/orgaudit/orgaudit/internal/output"
	"github.com/orgaudit/orgaudit/internal/policy"
	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// simulateOptions are the flags of `orgaudit simulate`.
type simulateOptions struct {
	input    string
	out      *outputFlags
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
The input is read within --max-input-size; duplicate keys and invalid UTF-8
are refused with their line and column.

Batch: when FILE holds JSON Lines (one such document per line; a .jsonl or
.ndjson name, or several lines each a whole document), simulate writes one
JSON decision per line, in input order: {"line": N, "decision": ...}, or
{"line": N, "error": "..."} for a line that is not a valid request, and goes
on. A batch always writes JSON Lines, whatever --format says.

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
an error.

` + formatsHelp(output.Simulate),
		Example: `  orgaudit simulate --input request.json
  orgaudit simulate --input - --format json < request.json
  orgaudit simulate --input requests.jsonl > decisions.jsonl
  orgaudit simulate --input request.json --exit-code && echo allowed
  orgaudit simulate --snapshot fixtures/identity-account-ous.json \
    --principal arn:aws:iam::500000000001:user/ali --action sts:AssumeRole \
    --resource arn:aws:iam::700000000001:role/ProdAdmin --unknown aws:MultiFactorAuthPresent
  orgaudit simulate --snapshot fixtures/identity-account-ous.json \
    --principal arn:aws:iam::500000000001:user/sam --action sts:AssumeRole \
    --resource arn:aws:iam::700000000002:role/ReadOnly --context aws:MultiFactorAuthPresent=true`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runSimulate(cmd.Context(), app, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.input, "input", "", "simulation input JSON or JSON Lines file (- reads standard input)")
	opts.out = addOutputFlags(cmd, output.Simulate, false)
	f.BoolVar(&opts.exitCode, "exit-code", false, "exit 0 when allowed, 1 when denied, 2 on an error")
	f.StringVar(&opts.snapshot, "snapshot", "", "take the policies from this snapshot (instead of --input)")
	f.StringVar(&opts.principal, "principal", "", "with --snapshot: ARN of the calling IAM user or role")
	f.StringVar(&opts.action, "action", "", "with --snapshot: the action, service:Action")
	f.StringVar(&opts.resource, "resource", "", "with --snapshot: the resource ARN (default *)")
	f.StringArrayVar(&opts.context, "context", nil, "with --snapshot: condition key KEY=VALUE (repeatable; repeat a key for several values)")
	f.StringArrayVar(&opts.unknown, "unknown", nil, "with --snapshot: condition key or pattern left undecided (repeatable)")
	return cmd
}

func runSimulate(ctx context.Context, app *App, opts *simulateOptions) error {
	if opts.out.Format == "text" { // the table format's name before 0.x, kept as an alias
		opts.out.Format = "table"
	}
	dests, err := opts.out.destinations()
	if err != nil {
		return err
	}
	if opts.snapshot != "" {
		if opts.input != "" {
			return usageErrorf("--input and --snapshot cannot be used together")
		}
		return runSimulateSnapshot(ctx, app, opts, dests)
	}
	for name, v := range map[string]bool{"--principal": opts.principal != "", "--action": opts.action != "", "--resource": opts.resource != "", "--context": len(opts.context) > 0, "--unknown": len(opts.unknown) > 0} {
		if v {
			return usageErrorf("%s needs --snapshot", name)
		}
	}
	if opts.input == "" {
		return usageErrorf("--input is required (or --snapshot FILE with --principal and --action)")
	}
	name := opts.input
	if name == "-" {
		name = "standard input"
	}
	r, done, err := openSimulationInput(ctx, app, opts.input)
	if err != nil {
		return usageErrorf("read simulation input %s: %w", name, err)
	}
	defer done()
	br := bufio.NewReaderSize(r, 64<<10)
	if batch, err := isJSONLines(br, opts.input); err != nil {
		return usageErrorf("read simulation input %s: %w", name, err)
	} else if batch {
		return runSimulateBatch(app, opts.exitCode, name, dests[0], br)
	}
	raw, err := input.ReadJSON(ctx, br, app.MaxInputSize)
	if err == nil {
		err = input.CheckJSON(raw)
	}
	if err != nil {
		return usageErrorf("read simulation input %s: %w", name, err)
	}
	in, res, err := policy.Simulate(bytes.NewReader(raw))
	if err != nil {
		return usageError(fmt.Errorf("%s: %w", name, err))
	}
	return writeSimulation(app, opts, dests, &output.Simulation{Request: in.Request, Result: res})
}

// openSimulationInput opens --input within the --max-input-size cap,
// stopping when ctx is done: the file, or standard input for "-".
func openSimulationInput(ctx context.Context, app *App, name string) (io.Reader, func(), error) {
	if name == "-" {
		r, stop := input.Stream(ctx, app.In, "standard input", app.MaxInputSize)
		return r, func() { stop() }, nil
	}
	f, err := input.Open(ctx, name, app.MaxInputSize)
	if err != nil {
		return nil, nil, err
	}
	return f, func() { _ = f.Close() }, nil
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
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return false, err
	}
	i := bytes.IndexByte(buf, '\n')
	if i < 0 {
		return false, nil
	}
	first := bytes.TrimSpace(buf[:i])
	return len(first) > 0 && json.Valid(first) && len(bytes.TrimSpace(buf[i:])) > 0, nil
}

// checkLine vets one line of a batch as every JSON input is vetted
// (duplicate keys, invalid UTF-8); the position is a column, the output
// line saying which line it is.
func checkLine(raw []byte) error {
	if err := input.CheckJSON(raw); err != nil {
		return errors.New(strings.Replace(err.Error(), "at line 1, column", "at column", 1))
	}
	return nil
}

// runSimulateBatch evaluates JSON Lines and writes one JSON line per
// request, in order, to the destination (stdout, or a file written
// atomically).
func runSimulateBatch(app *App, exitCode bool, name string, dest output.Destination, r io.Reader) error {
	bad, denied, n := 0, 0, 0
	render := func(w io.Writer) error {
		bw := bufio.NewWriter(w)
		lines := output.NewDecisionLines(bw)
		err := policy.SimulateLines(r, checkLine, func(line int, _ *policy.SimulationInput, res policy.Result, err error) error {
			n++
			if err != nil {
				bad++
				return lines.Error(line, err)
			}
			if res.Denied() {
				denied++
			}
			return lines.Decision(line, &res)
		})
		if ferr := bw.Flush(); err == nil {
			err = ferr
		}
		return err
	}
	var err error
	if dest.Stdout() {
		err = render(app.Out)
	} else {
		err = output.WriteFile(dest.Path, render)
	}
	if err != nil {
		return usageErrorf("simulate %s: %w", name, err)
	}
	app.Logger().Debug("batch simulated", "requests", n, "invalid", bad, "denied", denied)
	switch {
	case bad > 0:
		return usageErrorf("%s: %d of %d lines are not valid requests (their errors are in the output)", name, bad, n)
	case exitCode && denied > 0:
		return &ExitError{Code: ExitFindings}
	}
	return nil
}

// writeSimulation writes one decision to every destination; with
// --exit-code, a denial exits 1.
func writeSimulation(app *App, opts *simulateOptions, dests []output.Destination, sim *output.Simulation) error {
	if err := writeTo(app, output.Simulate, dests, sim); err != nil {
		return err
	}
	if opts.exitCode && sim.Result.Denied() {
		return &ExitError{Code: ExitFindings}
	}
	return nil
}

// runSimulateSnapshot evaluates one request with the policies of a
// snapshot.
func runSimulateSnapshot(runCtx context.Context, app *App, opts *simulateOptions, dests []output.Destination) error {
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
	rq := policy.SimulationRequest{Principal: opts.principal, Action: opts.action, Resource: opts.resource}
	probe := policy.SimulationInput{Request: rq}
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
	return writeSimulation(app, opts, dests, &output.Simulation{Request: rq, Result: policy.Evaluate(*in)})
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
