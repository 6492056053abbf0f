package policy

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// seedDocuments returns every policy document of the case corpus.
func seedDocuments(f testing.TB) [][]byte {
	files, _ := filepath.Glob("testdata/cases/*.json")
	var out [][]byte
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		in, err := DecodeSimulationInput(bytes.NewReader(b))
		if err != nil {
			f.Fatalf("%s: %v", file, err)
		}
		add := func(p PolicyInput) { out = append(out, p.Document) }
		for _, p := range in.IdentityPolicies {
			add(p)
		}
		for _, p := range in.PermissionBoundaries {
			add(p)
		}
		for _, lvl := range append(in.SCPs, in.RCPs...) {
			for _, p := range lvl {
				add(p)
			}
		}
		if in.ResourcePolicy != nil {
			add(*in.ResourcePolicy)
		}
		if in.SessionPolicy != nil {
			add(*in.SessionPolicy)
		}
	}
	return out
}

// FuzzParse checks that no input makes Parse or ParseRaw panic, and that a
// parsed document can be evaluated without panicking.
func FuzzParse(f *testing.F) {
	for _, d := range seedDocuments(f) {
		f.Add(d)
	}
	f.Add([]byte(`{"Statement":{"Effect":"Allow","Action":"*","Resource":"${a}${"}}`))
	f.Add([]byte(`"%7B%22Statement%22%3A%5B%5D%7D"`))
	ctx := NewContext().Set("aws:SourceIp", "10.1.2.3").Set("aws:TagKeys", "a", "b").Set("aws:CurrentTime", "2024-01-01T00:00:00Z").SetUnknown("aws:RequestTag/*", "sts:ExternalId")
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := ParseRaw(data)
		if err != nil {
			if d != nil {
				t.Fatal("document returned with an error")
			}
			return
		}
		p := Policy{Label: "fuzz", Document: d}
		for _, principal := range []string{"arn:aws:iam::111122223333:user/alice", "arn:aws:sts::444455556666:assumed-role/r/s", "ec2.amazonaws.com", "anonymous"} {
			Evaluate(Input{
				Request:          Request{Principal: principal, Action: "sts:AssumeRole", Resource: "arn:aws:iam::111122223333:role/r", Context: ctx},
				IdentityPolicies: []Policy{p}, ResourcePolicy: &p, PermissionsBoundaries: []Policy{p}, SCPs: [][]Policy{{p}},
			})
		}
	})
}

// FuzzCondition checks condition evaluation on arbitrary operators, policy
// values and request values: no panic, and a negated operator is the
// negation of its positive form for a single present value.
func FuzzCondition(f *testing.F) {
	seeds := [][3]string{
		{"StringLike", "a*b?", "axxbc"},
		{"NumericLessThan", "10", "9.5"},
		{"DateGreaterThan", "2020-01-01T00:00:00Z", "1700000000"},
		{"IpAddress", "10.0.0.0/8", "10.1.2.3"},
		{"IpAddress", "2001:db8::/32", "2001:db8::1"},
		{"ArnLike", "arn:aws:iam::*:role/*", "arn:aws:iam::1:role/x"},
		{"Bool", "true", "TRUE"},
		{"BinaryEquals", "YQ==", "YQ=="},
		{"StringEqualsIgnoreCase", "${aws:username}", "ALICE"},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1], s[2])
	}
	pairs := map[string]string{
		"StringEquals": "StringNotEquals", "StringEqualsIgnoreCase": "StringNotEqualsIgnoreCase", "StringLike": "StringNotLike",
		"NumericEquals": "NumericNotEquals", "DateEquals": "DateNotEquals", "IpAddress": "NotIpAddress", "ArnLike": "ArnNotLike", "ArnEquals": "ArnNotEquals",
	}
	f.Fuzz(func(t *testing.T, op, policyValue, requestValue string) {
		values, _ := json.Marshal([]string{policyValue})
		doc := func(op string) *Document {
			d, err := Parse([]byte(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{` +
				mustJSON(op) + `:{"k":` + string(values) + `}}}}`))
			if err != nil {
				return nil
			}
			return d
		}
		d := doc(op)
		if d == nil {
			return
		}
		e := &evaluator{in: Input{Request: Request{Context: NewContext().Set("k", requestValue).Set("aws:username", "alice")}}}
		got := d.Statements[0].Conditions[0].eval(e)
		if neg, ok := pairs[op]; ok {
			if nd := doc(neg); nd != nil {
				if ng := nd.Statements[0].Conditions[0].eval(e); ng != not(got) {
					t.Fatalf("%s=%v but %s=%v for policy %q request %q", op, got, neg, ng, policyValue, requestValue)
				}
			}
		}
	})
}

func mustJSON(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// FuzzSimulateLines checks batch simulation on arbitrary JSON Lines: no
// panic, one result per non-blank line, in order, each a decision or an
// error.
func FuzzSimulateLines(f *testing.F) {
	files, _ := filepath.Glob("testdata/cases/*.json")
	for _, file := range files[:min(len(files), 20)] {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		var line bytes.Buffer
		if err := json.Compact(&line, b); err != nil {
			f.Fatal(err)
		}
		f.Add(line.String() + "\n{}\n\n" + line.String())
	}
	f.Add("not json\n{\"request\":{\"principal\":\"a\",\"action\":\"s3:GetObject\"}}")
	f.Fuzz(func(t *testing.T, input string) {
		want := 0
		for _, l := range strings.Split(input, "\n") {
			if len(bytes.TrimSpace([]byte(l))) > 0 {
				want++
			}
		}
		got, last := 0, 0
		err := SimulateLines(strings.NewReader(input), nil, func(line int, in *SimulationInput, res Result, err error) error {
			got++
			if line <= last {
				t.Fatalf("line %d after line %d", line, last)
			}
			last = line
			if err == nil && (in == nil || res.Decision == "") {
				t.Fatalf("line %d: no decision and no error", line)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Fatalf("%d results for %d non-blank lines", got, want)
		}
	})
}
