package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/orgaudit/orgaudit/internal/drift"
	"github.com/orgaudit/orgaudit/internal/plan"
	"github.com/orgaudit/orgaudit/internal/snapshot"
)

type planOptions struct {
	Snapshot     string
	Plan         string
	AccountMap   []string
	FailOnChange []string
	check        checkOptions
}

func newPlanCmd(app *App) *cobra.Command {
	opts := &planOptions{}
	defaults := make([]string, len(drift.DefaultFailKinds))
	for i, k := range drift.DefaultFailKinds {
		defaults[i] = string(k)
	}
	cmd := &cobra.Command{
		Use:   "plan --snapshot FILE --plan PLAN.json",
		Short: "Check a Terraform plan before it is applied: findings and doors into prod it adds",
		Long: `Apply a Terraform plan (the JSON of terraform show -json PLANFILE) to a snapshot
in memory, run check's rules on the organization before and after, and report
what the change does: the findings it adds and removes (matched by fingerprint,
as check --baseline matches them), the doors into production it opens or
closes and the MFA conditions it drops (as diff reports them), and every other
change to the organization's access.

Modelled resource types: ` + strings.Join(plan.Modelled, ", ") + `.
Every other resource change is listed as "not modelled", never ignored.

The account of an IAM resource is read from its known ARN, else from the
provider's assume_role in the plan's configuration, else from --account-map
(PROVIDER=ACCOUNT_ID, PROVIDER as in the configuration: aws, aws.prod); a
resource whose account cannot be told is evaluated in every account of the
organization. Values known only after apply are resolved through the
configuration's references to other planned resources where possible; a trust
or policy document that stays unknown is evaluated as admitting anything. The
report lists each such decision under "unknown until apply".

Exit codes:
  0  no added finding at or above --fail-on, no change of a --fail-on-change kind
  1  the plan adds a finding at or above --fail-on, or a change of a
     --fail-on-change kind
  2  usage or input error (bad flag, invalid snapshot or plan)
  3  nothing fails, but the planned organization has checks that cannot be
     evaluated`,
		Example: `  terraform plan -out tfplan && terraform show -json tfplan > plan.json
  orgaudit plan --snapshot snapshot.json --plan plan.json
  orgaudit plan --snapshot snapshot.json --plan plan.json --account-map aws=111111111111 --format markdown >> "$GITHUB_STEP_SUMMARY"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runPlan(cmd.Context(), app, opts)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.Snapshot, "snapshot", "s", "", "snapshot of the organization the plan applies to (required)")
	f.StringVarP(&opts.Plan, "plan", "p", "", "JSON of terraform show -json PLANFILE (required; - reads standard input)")
	f.StringArrayVar(&opts.AccountMap, "account-map", nil, "PROVIDER=ACCOUNT_ID: the account of a provider configuration's resources (repeatable)")
	f.StringVarP(&opts.check.Format, "format", "f", "table", "output format: "+strings.Join(plan.Formats, ", "))
	f.StringVarP(&opts.check.Output, "output", "o", "", "write the report to this file instead of stdout")
	f.StringVar(&opts.check.MinSeverity, "min-severity", "info", "compare only findings at or above this severity")
	f.StringVar(&opts.check.FailOn, "fail-on", "low", "exit 1 when the plan adds a finding at or above this severity (or none)")
	f.StringSliceVar(&opts.FailOnChange, "fail-on-change", defaults, "change kinds that make the command exit 1 (comma-separated; \"none\" or \"all\"; see orgaudit diff --help)")
	f.StringArrayVar(&opts.check.RuleDirs, "rules", nil, "directory of additional Rego rules (repeatable)")
	addConfigFlag(cmd, &opts.check.Config)
	_ = cmd.MarkFlagRequired("snapshot")
	_ = cmd.MarkFlagRequired("plan")
	_ = cmd.MarkFlagFilename("snapshot", "json")
	_ = cmd.MarkFlagFilename("plan", "json")
	_ = cmd.RegisterFlagCompletionFunc("format", completeValues(plan.Formats...))
	return cmd
}

func runPlan(ctx context.Context, app *App, opts *planOptions) error {
	format := opts.check.Format
	if !slices.Contains(plan.Formats, format) {
		return usageErrorf("unknown format %q (valid: %s)", format, strings.Join(plan.Formats, ", "))
	}
	failKinds, err := parseKinds(opts.FailOnChange)
	if err != nil {
		return usageError(fmt.Errorf("--fail-on-change: %w", err))
	}
	accounts, err := parseAccountMap(opts.AccountMap)
	if err != nil {
		return usageError(err)
	}
	// The rules, configuration and severities are check's, validated the
	// way check validates them (the report format is the plan's own).
	checkOpts := opts.check
	checkOpts.Format = "json"
	prep, err := prepareCheck(ctx, &checkOpts)
	if err != nil {
		return err
	}
	before, err := snapshot.LoadFile(opts.Snapshot)
	if err != nil {
		return usageError(err)
	}
	raw, err := readPlan(app, opts.Plan)
	if err != nil {
		return usageError(err)
	}
	tf, err := plan.Parse(raw)
	if err != nil {
		return usageError(fmt.Errorf("plan %s: %w", opts.Plan, err))
	}
	applied, err := plan.Apply(before.Snapshot, tf, plan.Options{AccountMap: accounts})
	if err != nil {
		return usageError(fmt.Errorf("plan %s: %w", opts.Plan, err))
	}
	after, err := applied.Loaded(opts.Plan)
	if err != nil {
		return usageError(fmt.Errorf("plan %s: %w", opts.Plan, err))
	}
	log := app.Logger()
	evBefore, err := prep.evaluate(ctx, log, before.Doc, before.Snapshot)
	if err != nil {
		return err
	}
	evAfter, err := prep.evaluate(ctx, log, after.Doc, after.Snapshot)
	if err != nil {
		return err
	}
	results := make([]*evaluation, 0, 2)
	for _, ev := range []*evaluation{evBefore, evAfter} {
		for _, w := range ev.resolved.Warnings {
			log.Debug(w)
		}
		ev.resolved.Apply(ev.res)
		ev.res = ev.res.AtOrAbove(prep.minSev)
		results = append(results, ev)
	}
	changes, err := drift.Compare(before, after, drift.Options{Reach: productionPaths(prep.cfg)})
	if err != nil {
		return usageError(err)
	}
	rep := plan.NewReport(opts.Plan, opts.Snapshot, before.Snapshot.Metadata.CollectedAt.UTC().Format("2006-01-02T15:04:05Z"), applied, results[0].res, results[1].res, changes)
	if err := writeOutput(app.Out, opts.check.Output, func(w io.Writer) error { return plan.Write(w, format, rep) }); err != nil {
		return err
	}
	if opts.check.Output != "" && opts.check.Output != "-" {
		log.Info(rep.SummaryLine(), "report", opts.check.Output)
	}
	if !prep.failOnNone && rep.AddsFindingAtOrAbove(prep.failOn) || changes.Any(failKinds) {
		return &ExitError{Code: ExitFindings}
	}
	if len(rep.NotEvaluatedAdded) > 0 {
		return &ExitError{Code: ExitIncomplete}
	}
	return nil
}

func readPlan(app *App, path string) ([]byte, error) {
	if path == "-" {
		raw, err := io.ReadAll(app.In)
		if err != nil {
			return nil, fmt.Errorf("read plan from standard input: %w", err)
		}
		return raw, nil
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read plan: %w", err)
	}
	return raw, nil
}

// parseAccountMap parses PROVIDER=ACCOUNT_ID pairs.
func parseAccountMap(pairs []string) (map[string]string, error) {
	out := map[string]string{}
	for _, p := range pairs {
		prov, acct, ok := strings.Cut(p, "=")
		if !ok || prov == "" || len(acct) != 12 || strings.Trim(acct, "0123456789") != "" {
			return nil, fmt.Errorf("--account-map %q: use PROVIDER=ACCOUNT_ID, e.g. aws.prod=111111111111", p)
		}
		out[prov] = acct
	}
	return out, nil
}
