package engine

import (
	"sync"

	"github.com/gobwas/glob"
)

// Exception accepts the findings of one rule on the resources a glob
// matches (the configuration's exceptions, resolved against a snapshot).
type Exception struct {
	// Rule is the rule id.
	Rule string
	// Resource is a glob over the finding's resource ("*" for any).
	Resource string
	// Reason, Owner and Expires are reported with the suppressed finding.
	Reason, Owner, Expires string
	// Expired says the exception had expired when the snapshot was
	// collected: it suppresses nothing (OA-CONFIG-001 reports it).
	Expired bool
	// Source names where the exception is written, e.g. ".orgaudit.yaml:12".
	Source string
}

// globs caches compiled resource globs: the same exceptions are applied
// to every finding of a run.
var globs sync.Map // string -> *glob.Pattern (nil when the glob is invalid)

func (e *Exception) matches(rule, resource string) bool {
	if e.Rule != rule {
		return false
	}
	g, ok := globs.Load(e.Resource)
	if !ok {
		compiled, err := glob.Compile(e.Resource)
		if err != nil {
			compiled = nil
		}
		g, _ = globs.LoadOrStore(e.Resource, compiled)
	}
	m, _ := g.(*glob.Pattern)
	return m != nil && m.Match(resource)
}

// ApplyExceptions marks the findings that an exception in force covers as
// suppressed. The first matching exception (in order) wins; expired
// exceptions suppress nothing, and neither does one whose resource is not
// a valid glob (the configuration refuses those when it is read).
func ApplyExceptions(res *Result, exceptions []Exception) {
	for i := range res.Findings {
		f := &res.Findings[i]
		for k := range exceptions {
			e := &exceptions[k]
			if e.Expired || !e.matches(f.RuleID, f.Resource) {
				continue
			}
			f.Suppression = &Suppression{Reason: e.Reason, Owner: e.Owner, Expires: e.Expires, Source: e.Source}
			break
		}
	}
}
