package engine

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// SectionConfig is the pseudo-section a rule that reads only the
// configuration (data.orgaudit.config) lists in custom.requires: no
// snapshot gap affects it.
const SectionConfig = "config"

func validSection(s string) bool { return s == SectionConfig || slices.Contains(snapshot.Sections, s) }

// accountScoped reports whether a section is data read inside an account
// (as opposed to the organization or Identity Center).
func accountScoped(section string) bool {
	return section == snapshot.SectionAccount || strings.HasPrefix(section, "iam.")
}

// affects reports whether a gap in section gapSection hides data that a
// rule requiring `requires` reads. A rule without requirements reads
// everything.
func affects(requires []string, gapSection string) bool {
	if len(requires) == 0 {
		return true
	}
	for _, r := range requires {
		if r == gapSection {
			return true
		}
		// A whole-account gap hides every per-account section.
		if gapSection == snapshot.SectionAccount && accountScoped(r) {
			return true
		}
		// A gap on the whole organization hides its parts.
		if gapSection == snapshot.SectionOrganization && strings.HasPrefix(r, "organization") {
			return true
		}
	}
	return false
}

// notEvaluated lists, per rule, the accounts (or the organization) whose
// data the rule needs but the snapshot lacks, plus what rules reported
// themselves. Data behind a gap is unknown: reporting nothing there would
// be a false "all clear".
func notEvaluated(rules []Rule, s *snapshot.Snapshot, reported []NotEvaluated) []NotEvaluated {
	out := []NotEvaluated{}
	seen := map[[3]string]bool{}
	add := func(n NotEvaluated) {
		k := [3]string{n.RuleID, n.AccountID, n.Section}
		if seen[k] {
			return
		}
		seen[k] = true
		out = append(out, n)
	}
	for _, r := range rules {
		for _, g := range s.Metadata.Gaps {
			if !affects(r.Requires, g.Section) {
				continue
			}
			add(NotEvaluated{
				RuleID:    r.ID,
				AccountID: g.AccountID,
				Section:   g.Section,
				Operation: g.Operation,
				Reason:    gapReason(g),
			})
		}
		if s.Organization == nil && requiresOrganization(r.Requires) {
			note := s.Metadata.ScopeNote
			if note == "" {
				note = "the snapshot covers a single account"
			}
			add(NotEvaluated{
				RuleID:  r.ID,
				Section: snapshot.SectionOrganization,
				Reason:  "no organization data: " + note,
			})
		}
	}
	for _, n := range reported {
		add(n)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		for _, p := range [][2]string{{a.RuleID, b.RuleID}, {a.AccountID, b.AccountID}, {a.Section, b.Section}} {
			if p[0] != p[1] {
				return p[0] < p[1]
			}
		}
		return false
	})
	return out
}

func requiresOrganization(requires []string) bool {
	for _, r := range requires {
		if strings.HasPrefix(r, "organization") {
			return true
		}
	}
	return false
}

func gapReason(g snapshot.Gap) string {
	msg := fmt.Sprintf("%s failed (%s)", g.Operation, g.ErrorCode)
	if g.Message != "" {
		msg += ": " + g.Message
	}
	return msg
}
