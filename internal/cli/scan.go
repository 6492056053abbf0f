package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/orgaudit/orgaudit/internal/collect"
	"github.com/orgaudit/orgaudit/internal/output"
	"github.com/orgaudit/orgaudit/internal/pipeline"
	"github.com/orgaudit/orgaudit/internal/snapshot"
)

type scanOptions struct {
	collect        collectOptions
	check          checkOptions
	snapshotOutput string
}

func newScanCmd(app *App) *cobra.Command {
	o := &scanOptions{}
	cmd := &cobra.Command{
		Use:   "scan",
		Short: "Collect a live organization and check it, in one process (for nightly jobs)",
		Long: `scan runs collect and then check in one process: it snapshots the organization
(read-only, the same flags and credentials as collect), evaluates the rules
(the same flags as check) and writes the reports (--format/--output, and
--report FORMAT=FILE, repeatable). Flags, rules and report destinations are
validated before any AWS call. --snapshot-output keeps the snapshot too
(mode 0600), e.g. as the next run's diff input.

Data that could not be collected is reported as "not evaluated", never as
passed.

--allow-gaps accepts gaps, for both halves of the run: checks that could not
be evaluated make the run exit 0 instead of 3 (the reports still list them),
and when the organization itself cannot be described (DescribeOrganization
denied, failing or unreadable after retries) the caller's account is
scanned alone, its snapshot recording that gap, instead of stopping with
exit 2. Such a run exits 3 even with --allow-gaps (1 on findings): its
reports cover one account, not the organization.

` + formatsHelp(output.Check) + `

Exit codes:
  0    no finding at or above --fail-on, every check evaluated
  1    findings at or above --fail-on (new ones only, with --baseline)
  2    usage, configuration, credential or input error, a rule that ran past
       --rule-timeout, or an organization that could not be described
       (without --allow-gaps)
  3    no finding at or above --fail-on, but gaps left some checks unevaluated
       (0 with --allow-gaps), or the organization could not be described
       (with --allow-gaps)
  130  interrupted (nothing written)`,
		Example: `  # nightly CI job: SARIF for code scanning and a Markdown summary, fail on
  # new high findings
  orgaudit scan --role-name OrgAuditReadOnly --report sarif=orgaudit.sarif \
    --report markdown=summary.md --fail-on high --baseline previous/orgaudit.sarif \
    --snapshot-output snapshot.json

  # a quick look at the whole organization
  orgaudit scan --profile mgmt`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runScan(cmd.Context(), app, o)
		},
	}
	addCollectFlags(cmd.Flags(), &o.collect)
	addCheckFlags(cmd, &o.check)
	cmd.Flags().StringVar(&o.snapshotOutput, "snapshot-output", "", "also write the collected snapshot to this file")
	cmd.Flags().BoolVar(&o.check.AllowGaps, "allow-gaps", false, allowGapsScanUsage)
	_ = cmd.MarkFlagFilename("snapshot-output", "json")
	return cmd
}

// allowGapsScanUsage documents scan's --allow-gaps, which accepts the gaps
// of both collect and check.
const allowGapsScanUsage = "exit 0 instead of 3 when checks could not be evaluated (they are still reported); when the organization cannot be described, scan the caller's account alone (exit 3) instead of stopping (exit 2)"

func runScan(ctx context.Context, app *App, o *scanOptions) error {
	o.collect.allowGaps = o.check.AllowGaps
	prep, err := prepareCheck(ctx, app, &o.check)
	if err != nil {
		return err
	}
	if o.snapshotOutput != "" {
		if err := checkWritable(o.snapshotOutput); err != nil {
			return err
		}
	}
	for _, path := range files(prep.dests) {
		if err := checkWritable(path); err != nil {
			return err
		}
	}
	s, err := collectSnapshot(ctx, app, &o.collect)
	if err != nil {
		return err
	}
	raw, err := snapshot.Marshal(s)
	if err != nil {
		return err
	}
	loaded, err := snapshot.Parse(raw)
	if err != nil {
		return fmt.Errorf("collected snapshot does not validate: %w", err)
	}
	loaded.Path = o.snapshotOutput
	if o.snapshotOutput != "" {
		if err := snapshot.WriteBytes(o.snapshotOutput, raw); err != nil {
			return err
		}
	}
	app.Logger().Info("organization collected", "accounts", len(s.Accounts), "gaps", len(s.Metadata.Gaps), "snapshot", o.snapshotOutput)
	ctx, stop := pipeline.BoundCheckMemory(ctx, o.check.MaxMemory, o.check.Snapshot)
	defer stop()
	err = prep.run(ctx, app, loaded)
	if g, ok := collect.OrganizationGap(s); ok && err == nil {
		// --allow-gaps accepts checks left unevaluated, not one account
		// standing in for the organization.
		return &ExitError{Code: ExitIncomplete, Err: fmt.Errorf("the organization could not be described (%s: %s): the reports cover the caller's account alone , not the organization (--allow-gaps)",
			g.Operation, g.ErrorCode)}
	}
	return err
}
