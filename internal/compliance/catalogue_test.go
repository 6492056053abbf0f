package compliance

import (
	"strings"
	"testing"
)

func TestCatalogue(t *testing.T) {
	want := map[string]int{CISv3: 22, CISv4: 22, CISv5: 21}
	for _, f := range Frameworks() {
		if len(f.Controls) != want[f.ID] {
			t.Errorf("%s: %d controls, want %d", f.ID, len(f.Controls), want[f.ID])
		}
		seen := map[string]bool{}
		for _, c := range f.Controls {
			if seen[c.ID] {
				t.Errorf("%s: control %s twice", f.ID, c.ID)
			}
			seen[c.ID] = true
			if c.Title == "" || (c.Kind == Manual) != (c.ManualSteps != "") || (c.Kind == NotApplicable) != (c.Reason != "") {
				t.Errorf("%s %s: incomplete %+v", f.ID, c.ID, c)
			}
			// Same is symmetric: the other version maps back.
			for other, id := range c.Same {
				o, ok := Lookup(other)
				if !ok {
					t.Fatalf("%s %s: unknown framework %s", f.ID, c.ID, other)
				}
				oc, ok := o.Control(id)
				if !ok || oc.Same[f.ID] != c.ID || oc.Title != c.Title {
					t.Errorf("%s %s maps to %s %s, which does not map back: %+v", f.ID, c.ID, other, id, oc)
				}
			}
		}
	}
	v3, _ := Lookup(CISv3)
	if c, _ := v3.Control("1.11"); c.Same[CISv5] != "1.10" || !strings.Contains(c.Title, "initial setup") {
		t.Errorf("v3.0.0 1.11 maps to v5.0.0 %q", c.Same[CISv5])
	}
	if c, _ := v3.Control("1.3"); c.Same[CISv5] != "" || c.Same[CISv4] != "1.3" {
		t.Errorf("the security questions control: %+v", c.Same)
	}
}

func TestCoverageAndCheckMapping(t *testing.T) {
	v5, _ := Lookup(CISv5)
	cov := Coverage(v5, []RuleMapping{
		{ID: "B", Frameworks: map[string][]string{CISv5: {"1.3"}}},
		{ID: "A", Frameworks: map[string][]string{CISv5: {"1.3", "1.4"}, "other": {"x"}}},
	})
	byID := map[string]ControlCoverage{}
	for _, c := range cov {
		byID[c.ID] = c
	}
	if c := byID["1.3"]; c.Status != Covered || strings.Join(c.Rules, ",") != "A,B" {
		t.Errorf("1.3: %+v", c)
	}
	if byID["1.1"].Status != StatusManual || byID["1.17"].Status != StatusNotApplicable || byID["1.5"].Status != NotCovered {
		t.Errorf("statuses: %s %s %s", byID["1.1"].Status, byID["1.17"].Status, byID["1.5"].Status)
	}
	if err := CheckMapping(map[string][]string{CISv3: {"1.4"}, "acme": {"anything"}}); err != nil {
		t.Error(err)
	}
	if err := CheckMapping(map[string][]string{CISv5: {"1.22"}}); err == nil || !strings.Contains(err.Error(), `no control "1.22"`) {
		t.Errorf("v5.0.0 1.22: %v", err)
	}
}
