package pipeline

import (
	"context"

	"github.com/orgaudit/orgaudit/internal/config"
	"github.com/orgaudit/orgaudit/internal/drift"
	"github.com/orgaudit/orgaudit/internal/graph"
	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// ProductionPaths returns, for drift, every principal that can reach the
// production environment of a snapshot (as the configuration resolves it
// against that snapshot), whether every one of its paths needs MFA and
// whether every one needs a privilege escalation. A
// snapshot without production accounts has no such paths.
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
		res, err := g.Paths(target, graph.Options{})
		if err != nil {
			return nil, err
		}
		out := make([]drift.Path, 0, len(res.Sources))
		for _, src := range res.Sources {
			p := drift.Path{From: src.Node.ID, To: "production", AccountID: src.Node.AccountID, MFA: src.MFARequired, Escalation: src.EscalationRequired, Hops: src.Hops}
			if n := len(src.Path); n > 0 {
				p.Entry = src.Path[n-1].To
			}
			out = append(out, p)
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
