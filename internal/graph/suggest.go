package graph

import (
	"maps"
	"slices"
	"strings"

	"github.com/orgaudit/orgaudit/internal/suggest"
)

// SuggestTarget returns the target the user most likely meant when spec
// resolved to nothing ("env:production" for "env:prodution", "prod-web"
// for "prod-wbe"), written as a TARGET, or "" when nothing is close. envs
// are the environments ResolveTarget was given.
func (g *Graph) SuggestTarget(spec string, envs map[string][]string) string {
	ts, err := ParseTarget(spec)
	if err != nil {
		return ""
	}
	prefix, _, hasPrefix := strings.Cut(strings.TrimSpace(spec), ":")
	var names []string
	switch ts.Kind {
	case TargetEnvironment:
		names = slices.Sorted(maps.Keys(envs))
	case TargetOU:
		if o := g.ix.Snapshot().Organization; o != nil {
			for _, ou := range o.OrganizationalUnits {
				names = append(names, ou.Name, ou.ID)
			}
		}
	case TargetAccount:
		for _, a := range g.ix.Snapshot().Accounts {
			names = append(names, a.Name, a.ID)
		}
	case TargetRole:
		i := strings.LastIndexByte(ts.Value, ':')
		for _, n := range g.nodes {
			if (n.Kind == KindRole || n.Kind == KindSSORole) && strings.HasPrefix(n.ID, ts.Value[:i+1]) {
				names = append(names, n.ID)
			}
		}
	}
	best := suggest.Closest(ts.Value, names)
	if best == "" || best == ts.Value {
		return ""
	}
	if hasPrefix && ts.Kind != TargetRole {
		return prefix + ":" + best
	}
	return best
}
