package cli

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/orgaudit/orgaudit/internal/config"
	"github.com/orgaudit/orgaudit/internal/graph"
	"github.com/orgaudit/orgaudit/internal/output"
	"github.com/orgaudit/orgaudit/internal/pipeline"
	"github.com/orgaudit/orgaudit/internal/snapshot"
	"github.com/orgaudit/orgaudit/internal/suggest"
)

// maxHopsLimit bounds --max-hops.
const maxHopsLimit = 20

// pathsOptions are the flags of `orgaudit paths`.
type pathsOptions struct {
	Snapshot string
	To       string
	From     string
	out      *outputFlags
	MaxHops  int
	Config   string
	Edges    string
	// MaxMemory is --max-memory: 0 when not given.
	MaxMemory int64
}

func newPathsCmd(app *App) *cobra.Command {
	opts := &pathsOptions{}
	cmd := &cobra.Command{
		Use:   "paths --snapshot FILE --to TARGET",
		Short: "Show who can reach an account, OU, role or environment, and how",
		Long: `paths builds the access graph of a snapshot (who can assume which role, decided
by the IAM policy evaluator on both sides: identity policies, permissions
boundaries and SCPs of the caller, trust policy of the role; and who can
escalate: take over another user or role, raise its own permissions, or pass
a role to a service that runs its code) and lists every principal that can
reach TARGET: its shortest path, the number of distinct paths, the conditions
along the way, and whether MFA is required on every path. IAM users without an
MFA device that would reach TARGET once they register one are listed apart as
latent (JSON latent[], blocked_by "no-mfa-device"); hops that rest on data the
snapshot could not read in full are marked incomplete.

--edges chooses the edges followed: all (default), assume (role assumption
only, as before escalation edges existed), or escalate (all edges, listing
only the sources that reach TARGET through an escalation on every path).

TARGET is one of:
  ACCOUNT-ID or NAME     an account (account:NAME for names that look like something else)
  ou:NAME or ou:ID       an organizational unit, nested OUs included
  ROLE-ARN               one role
  env:NAME               an environment of the configuration file (--config, or
                         .orgaudit.yaml); without one, env:production means the
                         accounts under an OU or with a name or environment tag
                         like prod/production (likewise staging and development)

External accounts, principals outside the snapshot, identity providers and "*"
(any AWS principal) appear as starting points. Reachability is not a failure:
paths exits 0 whatever it finds, and 2 on a usage or input error, or when the
live heap passes --max-memory (default: GOMEMLIMIT when set, else no bound;
without either, paths keeps its peak near 4 times the snapshot's size). See
docs/paths.md for the JSON format.

` + formatsHelp(output.Paths) + `

--report FORMAT=FILE (repeatable; FORMAT alone for stdout) writes several in
one run.`,
		Example: `  orgaudit paths --snapshot fixtures/identity-account-ous.json --to ou:Prod
  orgaudit paths --snapshot fixtures/identity-account-ous.json --to env:production --format json
  orgaudit paths --snapshot fixtures/consultancy-clients.json \
    --to arn:aws:iam::200000000003:role/org-readonly --from ic:user/u-dan
  orgaudit paths --snapshot fixtures/identity-account-ous.json --to prod-web --format dot | dot -Tsvg > paths.svg
  orgaudit paths --snapshot fixtures/startup-dev-prod.json --to production \
    --report table --report mermaid=paths.mmd
  orgaudit paths --snapshot fixtures/identity-account-ous.json --to ou:Prod --format html --output paths.html
  orgaudit paths --snapshot fixtures/identity-account-ous.json --to ou:Prod --format json --output paths.json --max-memory 2GiB`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runPaths(cmd.Context(), app, opts)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.Snapshot, "snapshot", "s", "", "snapshot file (required)")
	f.StringVar(&opts.To, "to", "", "TARGET: account id or name, ou:NAME-OR-ID, role ARN, or env:NAME (required)")
	f.StringVar(&opts.From, "from", "", "show only this principal (an ARN, ic:user/ID, ic:group/ID or *)")
	opts.out = addOutputFlags(cmd, output.Paths, true)
	f.IntVar(&opts.MaxHops, "max-hops", graph.DefaultMaxHops, fmt.Sprintf("longest path to follow, in hops (1-%d)", maxHopsLimit))
	f.StringVar(&opts.Edges, "edges", string(graph.EdgesAll), "edges to follow: all, assume (role assumption only) or escalate (all, listing only sources that need an escalation)")
	addMaxMemoryFlag(cmd, &opts.MaxMemory)
	addConfigFlag(cmd, &opts.Config)
	_ = cmd.MarkFlagRequired("snapshot")
	_ = cmd.MarkFlagRequired("to")
	return cmd
}

func runPaths(ctx context.Context, app *App, opts *pathsOptions) error {
	dests, err := opts.out.destinations()
	if err != nil {
		return err
	}
	if !slices.Contains(graph.EdgeFilters(), opts.Edges) {
		return usageErrorf("invalid --edges %q: use %s%s", opts.Edges, strings.Join(graph.EdgeFilters(), ", "), suggest.Hint(opts.Edges, graph.EdgeFilters()))
	}
	if opts.MaxHops < 1 || opts.MaxHops > maxHopsLimit {
		return usageErrorf("invalid --max-hops %d: use 1 to %d", opts.MaxHops, maxHopsLimit)
	}
	if _, err := graph.ParseTarget(opts.To); err != nil {
		return usageErrorf("--to: %v", err)
	}
	cfg, err := loadConfig(ctx, app, opts.Config)
	if err != nil {
		return usageError(err)
	}
	ctx, stop := pipeline.BoundPathsMemory(ctx, opts.MaxMemory, opts.Snapshot)
	defer stop()
	rep, err := pipeline.Promptly(ctx, func(ctx context.Context) (*graph.Report, error) {
		return findPaths(ctx, app, opts, cfg)
	})
	if err != nil {
		return usageError(err)
	}
	return writeTo(app, output.Paths, dests, rep)
}

// findPaths loads the snapshot, builds its access graph and finds the
// paths to the target.
func findPaths(ctx context.Context, app *App, opts *pathsOptions, cfg *config.File) (*graph.Report, error) {
	log := app.Logger()
	start := time.Now()
	// The graph is built once Load has returned: the file's bytes (as
	// large as the snapshot) are garbage by then, not live beside the
	// graph under construction.
	l, err := app.loadSnapshot(ctx, opts.Snapshot, snapshot.ParseOptions{DiscardDocument: true, DiscardRaw: true})
	if err != nil {
		return nil, usageError(err)
	}
	t0 := time.Now()
	g, err := graph.Build(l.Snapshot)
	if err != nil {
		return nil, usageError(err)
	}
	built := time.Since(t0)
	snap := l.Snapshot
	st := g.Stats()
	log.Debug("snapshot loaded and access graph built", "file", opts.Snapshot, "accounts", len(snap.Accounts), "nodes", st.Nodes, "edges", st.Edges,
		"class_edges", st.ClassEdges, "classes", st.Classes, "expanded_edges", st.ExpandedEdges, "graph", built.Round(time.Millisecond), "elapsed", time.Since(start).Round(time.Millisecond))
	start = time.Now()
	envs := config.Environments(cfg, snap)
	t, err := g.ResolveTarget(opts.To, envs)
	if err != nil {
		if s := g.SuggestTarget(opts.To, envs); s != "" {
			return nil, usageErrorf("--to: %v; did you mean --to %s?", err, s)
		}
		return nil, usageErrorf("--to: %v", err)
	}
	if t.Kind == graph.TargetEnvironment && cfg == nil {
		log.Info("environment resolved from account and OU names (no configuration file)", "target", opts.To, "accounts", strings.Join(t.Accounts, ","))
	}
	res, err := g.Paths(t, graph.Options{MaxHops: opts.MaxHops, From: opts.From, Edges: graph.EdgeFilter(opts.Edges)})
	if err != nil {
		return nil, usageError(err)
	}
	log.Debug("paths found", "sources", len(res.Sources), "targets", len(res.Targets), "elapsed", time.Since(start).Round(time.Millisecond))
	return &graph.Report{Graph: g, Result: res, Spec: opts.To, SnapshotPath: opts.Snapshot}, nil
}

// addMaxMemoryFlag binds --max-memory (check, scan, plan, paths, handover,
// diff): the bound pipeline.BoundMemory, BoundCheckMemory and
// BoundPathsMemory apply.
func addMaxMemoryFlag(cmd *cobra.Command, n *int64) {
	cmd.Flags().Var(sizeValue{n}, "max-memory", "stop with a clear error (exit 2) when the live heap passes this size, e.g. 3GiB (default: GOMEMLIMIT when set, else no bound)")
}
