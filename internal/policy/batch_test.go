package policy_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/orgaudit/orgaudit/internal/policy"
)

// corpusLines returns every case of the corpus as one JSON line each, in
// file name order.
func corpusLines(t testing.TB) ([]byte, []string) {
	t.Helper()
	cases := loadCases(t)
	names := make([]string, 0, len(cases))
	for n := range cases {
		names = append(names, n)
	}
	sort.Strings(names)
	var buf bytes.Buffer
	for _, n := range names {
		if err := json.Compact(&buf, cases[n]); err != nil {
			t.Fatal(err)
		}
		buf.WriteByte('\n')
	}
	return buf.Bytes(), names
}

// simulateLines runs SimulateLines on input and returns, per request line,
// its decision or "error " and the line's error.
func simulateLines(t *testing.T, input string, check func([]byte) error) []string {
	t.Helper()
	var got []string
	err := policy.SimulateLines(strings.NewReader(input), check, func(_ int, _ *policy.SimulationInput, res policy.Result, err error) error {
		if err != nil {
			got = append(got, "error "+err.Error())
		} else {
			got = append(got, string(res.Decision))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestSimulateLines(t *testing.T) {
	lines, names := corpusLines(t)
	// A bad line in the middle, a blank line, and no final newline.
	input := string(lines[:len(lines)-1]) + "\n\n{\"request\":{}}\n" + `{"request":{"principal":"arn:aws:iam::111122223333:user/a","action":"sts:GetCallerIdentity"}}`
	got := simulateLines(t, input, nil)
	if len(got) != len(names)+2 {
		t.Fatalf("%d results for %d lines", len(got), len(names)+2)
	}
	for i, n := range names {
		var cf caseFile
		_ = json.Unmarshal(loadCases(t)[n], &cf)
		if got[i] != string(cf.Want.Decision) {
			t.Errorf("line %d (%s): %s, want %s", i+1, n, got[i], cf.Want.Decision)
		}
	}
	if g := got[len(names)]; !strings.Contains(g, "request.principal is required") {
		t.Errorf("bad line: %s", g)
	}
	if g := got[len(names)+1]; g != "Allowed" {
		t.Errorf("last line without a newline: %s", g)
	}
}

// TestSimulateLinesCheck: a line the check refuses gets the check's error
// and is not decoded; the lines around it are evaluated.
func TestSimulateLinesCheck(t *testing.T) {
	ok := `{"request":{"principal":"arn:aws:iam::111122223333:user/a","action":"sts:GetCallerIdentity"}}`
	input := ok + "\n" + `{"request":{"principal":"p","action":"s3:GetObject","action":"x"}}` + "\n" + ok + "\n"
	check := func(raw []byte) error {
		if bytes.Count(raw, []byte(`"action"`)) > 1 {
			return errors.New("refused")
		}
		return nil
	}
	if got, want := simulateLines(t, input, check), []string{"Allowed", "error refused", "Allowed"}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

// BenchmarkSimulateLines measures batch simulation throughput over the
// case corpus (decode, parse every policy, evaluate), the work of
// `orgaudit simulate --input FILE.jsonl` per line. Decisions per second is
// reported as decisions/s.
func BenchmarkSimulateLines(b *testing.B) {
	lines, names := corpusLines(b)
	b.SetBytes(int64(len(lines)))
	b.ReportAllocs()
	decisions := 0
	for b.Loop() {
		err := policy.SimulateLines(bytes.NewReader(lines), nil, func(int, *policy.SimulationInput, policy.Result, error) error {
			decisions++
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	if decisions < len(names) {
		b.Fatalf("%d decisions", decisions)
	}
	b.ReportMetric(float64(decisions)/b.Elapsed().Seconds(), "decisions/s")
}
