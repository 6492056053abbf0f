// Package compliance holds the control catalogues of the benchmarks that
// orgaudit's rules map to: for each framework its controls, and for each
// control whether orgaudit decides it with rules (automated), leaves it to
// a person (manual, with the steps) or cannot check it at all (not
// applicable, with the reason), and the same control's id in the other
// versions of the benchmark. Rules name the controls they implement in
// their METADATA (custom.frameworks, keyed by the framework ids below);
// Coverage joins the two, so that a compliance summary can list every
// control of a framework, not only those a finding mentions.
package compliance

import (
	"fmt"
	"maps"
	"slices"
)

// Framework ids, as rules name them in custom.frameworks and as
// --framework selects them.
const (
	CISv3 = "cis-v3.0.0"
	CISv4 = "cis-v4.0.0"
	CISv5 = "cis-v5.0.0"
)

// Kind is how orgaudit treats a control.
type Kind string

// Kinds of control.
const (
	// Automated controls are decided by the rules that map to them.
	Automated Kind = "automated"
	// Manual controls cannot be decided by an API: a person checks them
	// (Control.ManualSteps says how). They are never reported as passed.
	Manual Kind = "manual"
	// NotApplicable controls need data orgaudit does not collect
	// (Control.Reason says which).
	NotApplicable Kind = "not_applicable"
)

// Control is one control of a framework.
type Control struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Kind  Kind   `json:"kind"`
	// ManualSteps says how to check a manual control by hand.
	ManualSteps string `json:"manual_steps,omitempty"`
	// Reason says why orgaudit cannot check a not applicable control.
	Reason string `json:"reason,omitempty"`
	// Same maps the id of another framework of the catalogue to the id the
	// same control has there; a framework that lacks the control is
	// absent.
	Same map[string]string `json:"same,omitempty"`
}

// Framework is a benchmark (one version) and the controls orgaudit knows
// of it.
type Framework struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	// Scope says which part of the benchmark the catalogue covers.
	Scope    string    `json:"scope"`
	Controls []Control `json:"controls"`
}

// Control returns the control with the given id.
func (f Framework) Control(id string) (Control, bool) {
	for _, c := range f.Controls {
		if c.ID == id {
			return c, true
		}
	}
	return Control{}, false
}

// Frameworks returns every framework of the catalogue, in a stable order.
func Frameworks() []Framework {
	out := make([]Framework, len(frameworks))
	for i, f := range frameworks {
		out[i] = f
		out[i].Controls = slices.Clone(f.Controls)
	}
	return out
}

// IDs lists the framework ids of the catalogue.
func IDs() []string {
	out := make([]string, len(frameworks))
	for i, f := range frameworks {
		out[i] = f.ID
	}
	return out
}

// Lookup returns the framework with the given id.
func Lookup(id string) (Framework, bool) {
	for _, f := range Frameworks() {
		if f.ID == id {
			return f, true
		}
	}
	return Framework{}, false
}

// CheckMapping checks the framework mapping of one rule (custom.frameworks)
// against the catalogue: every control it names in a catalogued framework
// exists there. Frameworks the catalogue does not know are left alone.
func CheckMapping(mapping map[string][]string) error {
	for _, fw := range slices.Sorted(maps.Keys(mapping)) {
		f, ok := Lookup(fw)
		if !ok {
			continue
		}
		for _, id := range mapping[fw] {
			if _, ok := f.Control(id); !ok {
				return fmt.Errorf("framework %s has no control %q", fw, id)
			}
		}
	}
	return nil
}
