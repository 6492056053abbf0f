package pipeline

import (
	"context"

	"github.com/orgaudit/orgaudit/internal/config"
	"github.com/orgaudit/orgaudit/internal/drift"
	"github.com/orgaudit/orgaudit/internal/graph"
	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// ProductionPaths returns, for drift, every door into the production
// environment of a snapshot (as the configuration resolves it against
// that snapshot): each principal and production role its paths enter
// through, whether every path through it needs MFA and whether every one
// needs a privilege escalation. A snapshot without production accounts
// has no such doors.
func ProductionPaths(cfg *config.File) drift.ReachFunc {
	return func(s *snapshot.Snapshot) ([]drift.Path, error) {
		envs := config.Environments(cfg, s)
		if len(envs["production"]) == 0 {
			return nil, nil
		}
		g, err := graph.Build(s)
		if err != nil {
			return nil, err
		}
		target, err := g.ResolveTarget("env:production", envs)
		if err != nil {
			return nil, err
		}
		doors, err := g.Doors(target, graph.Options{})
		if err != nil {
			return nil, err
		}
		out := make([]drift.Path, 0, len(doors))
		for _, d := range doors {
			out = append(out, drift.Path{From: d.Source, To: "production", Entry: d.Entry, AccountID: d.Account,
				MFA: d.MFARequired, Escalation: d.EscalationRequired, Hops: d.Hops})
		}
		return out, nil
	}
}

// LoadGraph loads the snapshot at path (at most maxSize bytes; zero means
// the default cap) and builds its access graph, while the snapshot is
// still validated; the graph is returned only once validation succeeded.
func LoadGraph(ctx context.Context, path string, maxSize int64) (*snapshot.Loaded, *graph.Graph, error) {
	var (
		g        *graph.Graph
		graphErr error
	)
	l, err := snapshot.Load(ctx, path, snapshot.ParseOptions{
		MaxSize:         maxSize,
		DiscardDocument: true,
		AfterDecode: func(_ map[string]any, typed *snapshot.Snapshot) {
			g, graphErr = graph.Build(typed)
		},
	})
	if err != nil {
		return nil, nil, err
	}
	if graphErr != nil {
		return nil, nil, graphErr
	}
	return l, g, nil
}
