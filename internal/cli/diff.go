package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/orgaudit/orgaudit/internal/drift"
	"github.com/orgaudit/orgaudit/internal/output"
	"github.com/orgaudit/orgaudit/internal/pipeline"
	"github.com/orgaudit/orgaudit/internal/snapshot"
)

type diffOptions struct {
	out       *outputFlags
	FailOn    []string
	Config    string
	AllowGaps bool
	Force     bool
	MaxMemory int64
}

func newDiffCmd(app *App) *cobra.Command {
	opts := &diffOptions{}
	kinds := kindNames()
	defaults := defaultFailKindNames()
	cmd := &cobra.Command{
		Use:   "diff OLD NEW",
		Short: "Compare two snapshots: what changed in the organization and its access",
		Long: `Compare two snapshots of the same organization: accounts joined, left or moved
between OUs; roles, trust policies, users, group memberships, SCPs and
Identity Center assignments added, removed or changed (with the policy
statements that differ); new paths into production, paths that lost their
MFA condition and paths that no longer need a privilege escalation.

Paths are compared door by door: per principal and per production role its
paths enter through. A principal that gains a second way in is path.added
(even though it reached production before); a door that loses its MFA
condition is path.mfa_lost, whatever the principal's other doors require.

Both snapshots must be of one organization (or of one account): snapshots
of different organizations are refused with exit 2, naming both; --force
compares them anyway.

What either snapshot could not read (its metadata.gaps: an account whose
role could not be assumed, an AccessDenied, an unreadable organization) is
never reported as added or removed: such a change is listed with the kind
"unknown", saying what it would have been and which gap hides it.

Change kinds: ` + strings.Join(kinds, ", ") + `

` + formatsHelp(output.Drift) + `

Exit codes:
  0    no change of a --fail-on kind, and both snapshots had what the
       comparison needs
  1    at least one change of a --fail-on kind
  2    usage or input error, or the live heap passed --max-memory (default:
       GOMEMLIMIT when set, else no bound; both snapshots and their access
       graphs are in memory)
  3    no change of a --fail-on kind, but gaps in either snapshot left
       some changes unknown (0 with --allow-gaps)
  130  interrupted`,
		Example: `  orgaudit diff yesterday.json today.json
  orgaudit diff old.json new.json --format markdown >> "$GITHUB_STEP_SUMMARY"
  orgaudit diff old.json new.json --fail-on path.added,role.added --format json
  orgaudit diff old.json new.json --max-memory 4GiB`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDiff(cmd.Context(), app, opts, args[0], args[1])
		},
	}
	opts.out = addOutputFlags(cmd, output.Drift, true)
	f := cmd.Flags()
	f.StringSliceVar(&opts.FailOn, "fail-on", defaults, "change kinds that make the command exit 1 (comma-separated; \"none\" or \"all\")")
	f.BoolVar(&opts.AllowGaps, "allow-gaps", false, "exit 0 rather than 3 when gaps left some changes unknown (they are still listed)")
	f.BoolVar(&opts.Force, "force", false, "compare snapshots of different organizations")
	addMaxMemoryFlag(cmd, &opts.MaxMemory)
	addConfigFlag(cmd, &opts.Config)
	_ = cmd.RegisterFlagCompletionFunc("fail-on", completeValues(append(kinds, "none", "all")...))
	return cmd
}

// parseKinds reads the change kinds of a flag (diff --fail-on, plan
// --fail-on-change).
func parseKinds(flag string, values []string) ([]drift.Kind, error) {
	var out []drift.Kind
	for _, v := range values {
		v = strings.TrimSpace(v)
		switch v {
		case "", "none":
			continue
		case "all":
			return drift.Kinds, nil
		}
		if !drift.ValidKind(drift.Kind(v)) {
			return nil, fmt.Errorf("%s: unknown change kind %q%s", flag, v, suggestKind(v))
		}
		out = append(out, drift.Kind(v))
	}
	return out, nil
}

func runDiff(ctx context.Context, app *App, opts *diffOptions, oldPath, newPath string) error {
	failKinds, err := parseKinds("--fail-on", opts.FailOn)
	if err != nil {
		return usageError(err)
	}
	dests, err := opts.out.destinations()
	if err != nil {
		return err
	}
	cfg, err := loadConfig(ctx, app, opts.Config)
	if err != nil {
		return usageError(err)
	}
	ctx, stop := pipeline.BoundMemory(ctx, opts.MaxMemory)
	defer stop()
	res, err := pipeline.Promptly(ctx, func(ctx context.Context) (*drift.Result, error) {
		old, err := app.loadSnapshot(ctx, oldPath, snapshot.ParseOptions{})
		if err != nil {
			return nil, err
		}
		cur, err := app.loadSnapshot(ctx, newPath, snapshot.ParseOptions{})
		if err != nil {
			return nil, err
		}
		return drift.Compare(old, cur, drift.Options{Reach: pipeline.ProductionPaths(cfg), Force: opts.Force})
	})
	if err != nil {
		return usageError(err)
	}
	if err := writeTo(app, output.Drift, dests, res); err != nil {
		return err
	}
	if !toStdout(dests) {
		app.Logger().Info(res.SummaryLine(), "output", strings.Join(files(dests), ","))
	}
	if res.Any(failKinds) {
		return &ExitError{Code: ExitFindings}
	}
	if res.Incomplete && !opts.AllowGaps {
		return &ExitError{Code: ExitIncomplete, Err: fmt.Errorf("comparison incomplete: %d %s unknown because of gaps in the snapshots (listed as unknown; --allow-gaps exits 0)",
			res.Counts()[drift.Unknown], plural(res.Counts()[drift.Unknown], "change is", "changes are"))}
	}
	return nil
}
