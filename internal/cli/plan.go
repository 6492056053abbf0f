package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/orgaudit/orgaudit/internal/drift"
	"github.com/orgaudit/orgaudit/internal/engine"
	"github.com/orgaudit/orgaudit/internal/input"
	"github.com/orgaudit/orgaudit/internal/output"
	"github.com/orgaudit/orgaudit/internal/pipeline"
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
	defaults := defaultFailKindNames()
	cmd := &cobra.Command{
		Use:   "plan --snapshot FILE --plan PLAN.json",
		Short: "Check a Terraform plan before it is applied: findings and doors into prod it adds",
		Long: `Apply a Terraform plan (the JSON of terraform show -json PLANFILE) to a snapshot
in memory, run check's rules on the organization before and after, and report
what the change does: the findings it adds and removes (matched by fingerprint,
as check --baseline matches them), the doors into production it opens or
closes, the MFA conditions it drops and the privilege escalations it makes
unnecessary (as diff reports them), and every other change to the
organization's access.

Modelled resource types: ` + strings.Join(plan.Modelled, ", ") + `.
Every other resource change is listed as "not modelled", never ignored.

The account of an IAM resource is read from its known ARN, else from the
provider's assume_role in the plan's configuration, else from --account-map
(PROVIDER=ACCOUNT_ID, PROVIDER as in the configuration: aws, aws.prod); a
resource whose account cannot be told is evaluated in every account of the
organization. Values known only after apply are resolved through the
configuration's references to other planned resources where possible; a trust
or policy document that stays unknown is evaluated as admitting anything. The
report lists each such decision under "unknown until apply". Where the snapshot
has gaps (metadata.gaps), what the plan changes there is listed as unknown, as
diff lists it, never as added or removed.

--format and --output write one report; --report FORMAT=FILE (repeatable;
FORMAT alone for stdout) writes several in one run, files atomically with
mode 0600. --min-severity, --severity, --rule and --skip-rule narrow the
findings compared, as they narrow check's.

` + formatsHelp(output.Plan) + `

Exit codes:
  0  no added finding at or above --fail-on, no change of a --fail-on-change kind
  1  the plan adds a finding at or above --fail-on, or a change of a
     --fail-on-change kind
  2  usage or input error (bad flag, invalid snapshot or plan)
  3  nothing fails, but the planned organization has checks that cannot be
     evaluated, or gaps of the snapshot leave some changes unknown (0 with
     --allow-gaps)`,
		Example: `  # In the Terraform working directory: the plan as JSON
  terraform plan -out tfplan && terraform show -json tfplan > plan.json

  # A bundled plan: a role in prod trusting the dev account
  orgaudit plan --snapshot fixtures/identity-account-ous.json --plan fixtures/plan/dev-trusted-in-prod.plan.json \
    --config fixtures/identity-account-ous.orgaudit.yaml

  # A Markdown summary for the pull request and the JSON report as an
  # artifact; the plan's default provider deploys into the dev account
  orgaudit plan --snapshot fixtures/identity-account-ous.json --plan fixtures/plan/unknowns.plan.json \
    --account-map aws=600000000001 --report markdown --report json=plan-report.json >> "$GITHUB_STEP_SUMMARY"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runPlan(cmd.Context(), app, opts)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.Snapshot, "snapshot", "s", "", "snapshot of the organization the plan applies to (required)")
	f.StringVarP(&opts.Plan, "plan", "p", "", "JSON of terraform show -json PLANFILE (required; - reads standard input)")
	f.StringArrayVar(&opts.AccountMap, "account-map", nil, "PROVIDER=ACCOUNT_ID: the account of a provider configuration's resources (repeatable)")
	f.StringSliceVar(&opts.FailOnChange, "fail-on-change", defaults, "change kinds that make the command exit 1 (comma-separated; \"none\" or \"all\"; see orgaudit diff --help)")
	addFindingFlags(cmd, &opts.check, output.Plan)
	addAllowGapsFlag(cmd, &opts.check)
	addRegoFlags(cmd, &opts.check)
	_ = cmd.MarkFlagRequired("snapshot")
	_ = cmd.MarkFlagRequired("plan")
	_ = cmd.MarkFlagFilename("snapshot", "json")
	_ = cmd.MarkFlagFilename("plan", "json")
	_ = cmd.RegisterFlagCompletionFunc("fail-on-change", completeValues(append(kindNames(), "none", "all")...))
	return cmd
}

func runPlan(ctx context.Context, app *App, opts *planOptions) error {
	failKinds, err := parseKinds("--fail-on-change", opts.FailOnChange)
	if err != nil {
		return usageError(err)
	}
	accounts, err := parseAccountMap(opts.AccountMap)
	if err != nil {
		return usageError(err)
	}
	// The rules, configuration, filters and severities are check's,
	// validated the way check validates them; the destinations are
	// validated against the plan's formats, for which they were bound.
	prep, err := prepareCheck(ctx, app, &opts.check)
	if err != nil {
		return err
	}
	ctx, stop := pipeline.BoundCheckMemory(ctx, opts.check.MaxMemory, opts.check.Snapshot)
	defer stop()
	before, err := app.loadSnapshot(ctx, opts.Snapshot, snapshot.ParseOptions{})
	if err != nil {
		return err
	}
	raw, err := readPlan(ctx, app, opts.Plan)
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
	results := make([]*engine.Result, 0, 2)
	for _, s := range []*snapshot.Loaded{before, after} {
		ev, err := prep.pipe.EvaluateConsuming(ctx, s)
		if err != nil {
			return usageError(err)
		}
		for _, w := range ev.Resolved.Warnings {
			log.Debug(w)
		}
		results = append(results, pipeline.Finish(ev, prep.sel).Result)
	}
	changes, err := drift.Compare(before, after, drift.Options{Reach: pipeline.ProductionPaths(prep.pipe.Config())})
	if err != nil {
		return usageError(err)
	}
	rep := plan.NewReport(opts.Plan, opts.Snapshot, before.Snapshot.Metadata.CollectedAt.UTC().Format("2006-01-02T15:04:05Z"), applied, results[0], results[1], changes)
	if err := writeTo(app, output.Plan, prep.dests, rep); err != nil {
		return err
	}
	if !toStdout(prep.dests) {
		log.Info(rep.SummaryLine(), "report", strings.Join(files(prep.dests), ","))
	}
	if !prep.failOnNone && rep.AddsFindingAtOrAbove(prep.failOn) || changes.Any(failKinds) {
		return &ExitError{Code: ExitFindings}
	}
	if (len(rep.NotEvaluatedAdded) > 0 || rep.Incomplete) && !opts.check.AllowGaps {
		return &ExitError{Code: ExitIncomplete}
	}
	return nil
}

func readPlan(ctx context.Context, app *App, path string) ([]byte, error) {
	if path == "-" {
		raw, err := input.ReadAll(ctx, app.In, app.MaxInputSize)
		if err != nil {
			return nil, fmt.Errorf("read plan from standard input: %w", err)
		}
		return raw, nil
	}
	raw, err := input.ReadFile(ctx, path, app.MaxInputSize)
	if input.IsTooLarge(err) {
		return nil, err
	}
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
