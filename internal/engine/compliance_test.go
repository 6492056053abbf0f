package engine

import (
	"slices"
	"testing"

	"github.com/orgaudit/orgaudit/internal/compliance"
)

// TestBuiltinCISMapping: every built-in rule that maps to a CIS control
// names the same control in all three versions (by the catalogue's
// cross-version mapping), so that a summary of any version counts it.
func TestBuiltinCISMapping(t *testing.T) {
	rules, err := LoadRules([]Source{BuiltinSource()})
	if err != nil {
		t.Fatal(err)
	}
	cis := []string{compliance.CISv3, compliance.CISv4, compliance.CISv5}
	for _, r := range rules {
		for _, fw := range cis {
			f, _ := compliance.Lookup(fw)
			for _, id := range r.Frameworks[fw] {
				c, _ := f.Control(id)
				for _, other := range cis {
					if want := c.Same[other]; other != fw && want != "" && !slices.Contains(r.Frameworks[other], want) {
						t.Errorf("%s maps %s %s but not %s %s", r.ID, fw, id, other, want)
					}
				}
			}
		}
	}
}
