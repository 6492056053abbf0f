package policy_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/orgaudit/orgaudit/internal/policy"
)

// want is the expected outcome recorded in a case file.
type want struct {
	Decision policy.Decision `json:"decision"`
	// Conditional, when set, says whether an Allowed result must be
	// conditional (true) or unconditional (false).
	Conditional *bool `json:"conditional,omitempty"`
	// AllowedWhenKeys lists, per alternative, the condition keys of the
	// residual AllowedWhen sets (order-insensitive within a set).
	AllowedWhenKeys [][]string `json:"allowed_when_keys,omitempty"`
	// DeniedWhenKeys is the same for DeniedWhen.
	DeniedWhenKeys [][]string `json:"denied_when_keys,omitempty"`
	// Statements lists deciding statements as "label#index".
	Statements []string `json:"statements,omitempty"`
}

// caseFile is the part of a case file the test reads besides the
// simulation input.
type caseFile struct {
	Source string `json:"source"`
	Want   want   `json:"want"`
}

// loadCases returns every case of testdata/cases, one per file, by file
// name.
func loadCases(t testing.TB) map[string][]byte {
	t.Helper()
	files, err := filepath.Glob("testdata/cases/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no case files: %v", err)
	}
	out := map[string][]byte{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out[strings.TrimSuffix(filepath.Base(f), ".json")] = b
	}
	return out
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}

func keysOf(sets []policy.ConditionSet) [][]string {
	var out [][]string
	for _, s := range sets {
		var ks []string
		for _, c := range s.Conditions {
			ks = append(ks, strings.ToLower(c.Key))
		}
		sort.Strings(ks)
		out = append(out, ks)
	}
	sort.Slice(out, func(i, j int) bool { return strings.Join(out[i], ",") < strings.Join(out[j], ",") })
	return out
}

func normKeys(in [][]string) [][]string {
	var out [][]string
	for _, s := range in {
		ks := make([]string, len(s))
		for i, k := range s {
			ks[i] = strings.ToLower(k)
		}
		sort.Strings(ks)
		out = append(out, ks)
	}
	sort.Slice(out, func(i, j int) bool { return strings.Join(out[i], ",") < strings.Join(out[j], ",") })
	return out
}

// TestCorpus runs every documented case through policy.Simulate, the
// function `orgaudit simulate` calls.
func TestCorpus(t *testing.T) {
	cases := loadCases(t)
	names := make([]string, 0, len(cases))
	for n := range cases {
		names = append(names, n)
	}
	sort.Strings(names)
	sources := map[string]int{}
	for _, name := range names {
		raw := cases[name]
		t.Run(name, func(t *testing.T) {
			var cf caseFile
			if err := json.Unmarshal(raw, &cf); err != nil {
				t.Fatal(err)
			}
			if cf.Source == "" {
				t.Fatal("case has no source")
			}
			page, _, ok := strings.Cut(cf.Source, " § ")
			if !ok {
				t.Fatalf("source %q: want \"Page title § Section\"", cf.Source)
			}
			sources[page]++
			if cf.Want.Decision == "" {
				t.Fatal("case has no want.decision")
			}
			_, res, err := policy.Simulate(bytes.NewReader(raw))
			if err != nil {
				t.Fatalf("simulate: %v", err)
			}
			w := cf.Want
			if res.Decision != w.Decision {
				t.Fatalf("decision = %s, want %s (reason: %s; allowed_when %v; denied_when %v)", res.Decision, w.Decision, res.Reason, res.AllowedWhen, res.DeniedWhen)
			}
			if w.Conditional != nil && res.AllowedConditionally() != *w.Conditional {
				t.Errorf("conditional = %v, want %v (allowed_when %v; denied_when %v)", res.AllowedConditionally(), *w.Conditional, res.AllowedWhen, res.DeniedWhen)
			}
			if w.AllowedWhenKeys != nil && !slices.EqualFunc(keysOf(res.AllowedWhen), normKeys(w.AllowedWhenKeys), slices.Equal) {
				t.Errorf("allowed_when keys = %v, want %v", keysOf(res.AllowedWhen), normKeys(w.AllowedWhenKeys))
			}
			if w.DeniedWhenKeys != nil && !slices.EqualFunc(keysOf(res.DeniedWhen), normKeys(w.DeniedWhenKeys), slices.Equal) {
				t.Errorf("denied_when keys = %v, want %v", keysOf(res.DeniedWhen), normKeys(w.DeniedWhenKeys))
			}
			if w.Statements != nil {
				var got []string
				for _, r := range res.Statements {
					got = append(got, r.Policy+"#"+itoa(r.Index))
				}
				sort.Strings(got)
				exp := slices.Clone(w.Statements)
				sort.Strings(exp)
				if !slices.Equal(got, exp) {
					t.Errorf("statements = %v, want %v", got, exp)
				}
			}
		})
	}
	if len(cases) < 150 {
		t.Errorf("corpus has %d cases, want at least 150", len(cases))
	}
	t.Logf("%d cases; by source page: %v", len(cases), sources)
}
