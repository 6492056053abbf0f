package engine

import (
	"fmt"
	"reflect"
	"slices"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
)

// denyValues are deny values a rule may return, valid or not in every way
// decodeFindings tells.
var denyValues = []string{
	`set()`,
	`{{"resource": "r", "account_id": "1", "message": "m", "evidence": {"n": 1, "s": "x", "b": true, "z": null}},
	  {"resource": "r", "account_id": "1", "message": "m2", "evidence": {"n": 1.0, "s": "x", "b": true, "z": null}},
	  {"resource": "r", "account_id": "1", "message": "m3", "evidence": {"n": 1, "s": "x", "b": true, "z": null}}}`,
	`{{"resource": "r", "account_id": "1", "message": "m"}}`,
	`{{"resource": "r", "account_id": "", "message": "m", "key": "", "evidence": {}}}`,
	`{{"resource": "r", "account_id": "1", "message": "m", "key": "k", "evidence": {"n": 1.50, "s": {"b", "a"}, "l": [1, "x", null, true], "o": {"x": {"y": 2}}}},
	  {"resource": "r2", "account_id": "1", "message": "m", "evidence": {"n": 1}}}`,
	`{{"resource": "r", "account_id": "1", "message": "m", "evidence": {1: "number key", "a": [{"b": set()}]}}}`,
	`{{"resource": "r", "account_id": "1"}}`,
	`{{"resource": "", "account_id": "1", "message": "m"}}`,
	`{{"resource": "r", "account_id": "1", "message": ""}}`,
	`{{"resource": "r", "account_id": 1, "message": "m"}}`,
	`{{"resource": "r", "account_id": "1", "message": "m", "key": 2}}`,
	`{{"resource": "r", "account_id": "1", "message": "m", "evidence": null}}`,
	`{{"resource": "r", "account_id": "1", "message": "m", "evidence": ["x"]}}`,
	`{{"resource": "r", "account_id": "1", "message": "m", "extra": true}}`,
	`{{"resource": "r", "account_id": "1", "message": "m", 7: "number key"}}`,
	`{{"resource": "r", "account_id": "1", "message": "m"}, "not an object", {"resource": "r3"}}`,
	`{"resource", "account_id"}`,
	`[{"resource": "r", "account_id": "1", "message": "m"}]`,
	`{"resource": "r", "account_id": "1", "message": "m"}`,
	`null`,
	`"text"`,
}

// TestDenyFromValue: deny values decoded straight from Rego values give
// the findings, and the error, decodeFindings gives of their generic
// values (the slow way), and the text and value union compares them by.
func TestDenyFromValue(t *testing.T) {
	r := Rule{ID: "OA-TEST-001", File: "test.rego", Severity: SeverityHigh}
	// One table of evidence for every value (and each value twice): what
	// it gives is what each evidence converted gives.
	evidence := newEvidences()
	for _, src := range append(slices.Clone(denyValues), denyValues...) {
		v := ast.MustParseTerm(src).Value
		generic, err := ast.JSON(v)
		if err != nil {
			t.Fatal(err)
		}
		want, wantErr := decodeFindings(r, generic)
		got := decodeDeny(r, v, evidence)
		if fmt.Sprint(got.err) != fmt.Sprint(wantErr) {
			t.Errorf("%s: error %v, the slow way %v", src, got.err, wantErr)
			continue
		}
		if wantErr != nil {
			continue
		}
		if _, list := generic.([]any); got.list != list {
			t.Errorf("%s: list %v, want %v", src, got.list, list)
		}
		findings := make([]Finding, len(got.items))
		for i, d := range got.items {
			findings[i] = d.Finding
			item := generic.([]any)[i]
			if g := d.generic(); !reflect.DeepEqual(g, item) {
				t.Errorf("%s: result %d is %v, the slow way %v", src, i, g, item)
			}
			if d.text() != genericText(item) {
				t.Errorf("%s: result %d: text hash differs from the slow way's", src, i)
			}
		}
		if len(want) == 0 {
			want = nil
		}
		if len(findings) == 0 {
			findings = nil
		}
		if !reflect.DeepEqual(findings, want) {
			t.Errorf("%s:\n got %+v\nwant %+v", src, findings, want)
		}
	}
}

// TestMergeDenyLists: the results of a rule evaluated in several chunks,
// merged as decoded findings, are the findings (or the error) the union
// of the chunks' generic values gives, whether or not the rule is
// chunked.
func TestMergeDenyLists(t *testing.T) {
	r := Rule{ID: "OA-TEST-001", File: "test.rego", Severity: SeverityHigh}
	a := `{"resource": "a", "account_id": "1", "message": "m", "evidence": {"x": [1, 2]}}`
	a2 := `{"resource": "a", "account_id": "1", "message": "m", "evidence": {"x": {1, 2}}}` // alike in JSON
	b := `{"resource": "b", "account_id": "1", "message": "m", "key": ""}`
	b2 := `{"resource": "b", "account_id": "1", "message": "m"}` // alike in text, not in value
	bad := `{"resource": "c", "account_id": "1"}`
	for _, chunks := range [][]string{
		{"{" + a + "," + b + "}", "{" + a2 + "," + b2 + "}", "{" + a + "}"},
		{"{" + a + "}", "{" + b + "," + bad + "}", "{" + bad + "}"},
		{"{" + a + "}", `{"resource": "r"}`, "{" + b + "}"},
		{"{" + b + "}", "null", "[" + a + "," + a + "]"},
		{"{" + bad + "}", "{" + a + "}"},
	} {
		for _, chunked := range []bool{true, false} {
			fast, slow := map[string]any{}, map[string]any{}
			fastSeen, slowSeen := map[string]*union{}, map[string]*union{}
			for _, src := range chunks {
				v := ast.MustParseTerm(src).Value
				generic, err := ast.JSON(v)
				if err != nil {
					t.Fatal(err)
				}
				if err := merge(fast, r.ID, decodeDeny(r, v, newEvidences()), chunked, fastSeen); err != nil {
					t.Fatal(err)
				}
				if err := merge(slow, r.ID, generic, chunked, slowSeen); err != nil {
					t.Fatal(err)
				}
			}
			want, wantErr := decodeFindings(r, slow[r.ID])
			dl := fast[r.ID].(*denyList)
			if fmt.Sprint(dl.err) != fmt.Sprint(wantErr) {
				t.Errorf("%v (chunked %v): error %v, the slow way %v", chunks, chunked, dl.err, wantErr)
				continue
			}
			var got []Finding
			for _, d := range dl.items {
				got = append(got, d.Finding)
			}
			if len(want) == 0 {
				want = nil
			}
			if wantErr == nil && !reflect.DeepEqual(got, want) {
				t.Errorf("%v (chunked %v):\n got %+v\nwant %+v", chunks, chunked, got, want)
			}
		}
	}
}

// TestEvidenceCacheKeepsNoInputTerm: the evidence cache keeps an equal
// object, none of whose terms is the rule's (which may be the input's:
// kept, they would keep alive what the input was decoded into).
func TestEvidenceCacheKeepsNoInputTerm(t *testing.T) {
	tests := []string{
		`{}`,
		`{"reference": "last used", "since": "2026-01-01T00:00:00Z", "days": 300, "window_days": 90}`,
		`{"b": true, "z": null, "n": 1.5, "s": "x"}`,
	}
	for _, tt := range tests {
		t.Run(tt, func(t *testing.T) {
			ev := ast.MustParseTerm(tt).Value.(ast.Object)
			e := newEvidences()
			m, ok := e.generic(ev)
			if !ok {
				t.Fatal("not converted")
			}
			if again, _ := e.generic(ast.MustParseTerm(tt).Value.(ast.Object)); !reflect.DeepEqual(again, m) || fmt.Sprintf("%p", again) != fmt.Sprintf("%p", m) {
				t.Error("an equal evidence is not shared")
			}
			ours := map[*ast.Term]bool{}
			ev.Foreach(func(k, v *ast.Term) { ours[k], ours[v] = true, true })
			for _, list := range e.byHash {
				for _, c := range list {
					if c.v.Compare(ev) != 0 {
						t.Errorf("cache holds %v, want %v", c.v, ev)
					}
					c.v.Foreach(func(k, v *ast.Term) {
						if ours[k] || ours[v] {
							t.Errorf("cache holds the rule's term %v", v)
						}
					})
				}
			}
		})
	}
}

// TestSame: same holds values alike in every way, their text included,
// and never values that differ in their text only (numbers Rego holds
// equal, sets beside arrays, keys that are not strings).
func TestSame(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{`{"a": [1, "x"]}`, `{"a": [1, "x"]}`, true},
		{`{"b": 1, "a": 2}`, `{"a": 2, "b": 1}`, true},
		{`["s", {"k": true}]`, `["s", {"k": true}]`, true},
		{`null`, `null`, true},
		{`{"a": [1, "x"]}`, `{"a": [1.0, "x"]}`, false},
		{`{"a": [1, "x"]}`, `{"a": [1, "x"], "b": null}`, false},
		{`["s", {"k": true}]`, `["s", {"k": "true"}]`, false},
		{`{"y": {1, 2}}`, `{"y": {1, 2}}`, false},
		{`{"y": {1, 2}}`, `{"y": [1, 2]}`, false},
		{`{1: "a"}`, `{1: "a"}`, false},
		{`{"a": 2, "b": 1}`, `{"a": 2, "c": 1}`, false},
		{`[]`, `{}`, false},
	} {
		a, b := ast.MustParseTerm(tc.a).Value, ast.MustParseTerm(tc.b).Value
		if got := same(a, b); got != tc.want {
			t.Errorf("same(%s, %s) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}
