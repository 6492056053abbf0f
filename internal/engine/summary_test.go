package engine

import (
	"context"
	"reflect"
	"testing"

	"github.com/orgaudit/orgaudit/internal/input"
)

// checkSummary compares SummarizeAccountJSON with SummarizeAccount of the
// generic account: the same summary, or the same error.
func checkSummary(t *testing.T, name string, raw []byte) {
	t.Helper()
	ctx := context.Background()
	doc, wantErr := input.DecodeJSON(ctx, raw)
	got, err := SummarizeAccountJSON(ctx, raw)
	if wantErr != nil || err != nil {
		if err == nil || wantErr == nil || err.Error() != wantErr.Error() {
			t.Fatalf("%s: error %v, want %v", name, err, wantErr)
		}
		return
	}
	if want := SummarizeAccount(doc); !reflect.DeepEqual(got, want) {
		t.Fatalf("%s: summary %+v, want %+v", name, got, want)
	}
}

// TestSummarizeAccountJSON: the summary of an account's JSON, decoded
// only where SummarizeAccount reads it, equals the summary of the whole
// generic account, on every account of the fixtures and of generated
// organizations, and on accounts shaped to miss or twist what it reads.
func TestSummarizeAccountJSON(t *testing.T) {
	accounts := accountJSONs(t, jsonFiles(t))
	policies, analyzers := 0, 0
	for name, raw := range accounts {
		checkSummary(t, name, raw)
		s, _ := SummarizeAccountJSON(context.Background(), raw)
		policies += len(s.managed)
		analyzers += len(s.orgRegions) + len(s.readRegion)
	}
	if policies == 0 || analyzers == 0 {
		t.Fatalf("%d managed policies, %d analyzer regions summarized: the comparison proves little", policies, analyzers)
	}
	// The fixtures have no administrator policy of their own: a seed has.
	admin := false
	for _, in := range summarySeeds {
		checkSummary(t, in, []byte(in))
		s, _ := SummarizeAccountJSON(context.Background(), []byte(in))
		admin = admin || len(s.managed) > 0 && s.managed[0].admin
	}
	if !admin {
		t.Fatal("no administrator policy summarized")
	}
}

// summarySeeds are accounts at the edges of a summary.
var summarySeeds = []string{
	`{"id":"111111111111","name":"a","arn":"","status":"ACTIVE","parent_id":"r-1","iam":null,"roles":[1]}`,
	`{"id":"111111111111","iam":{"policies":[{"arn":"p","document":{"Statement":{"Effect":"Allow","Action":"*","Resource":["*"]}}}],` +
		`"access_analyzer":{"regions":["eu-west-1","us-east-1"],"analyzers":[{"region":"eu-west-1","type":"ORGANIZATION","status":"ACTIVE"}]},"roles":[{"x":1}]}}`,
	`{"name":7,"iam":[],"tags":{"id":"x"}}`, `{"iam":{"policies":"x","users":[]}}`, `[]`, `null`, `"x"`, `{}`,
	`{"id":"1","id":"2"}`, `{"iam":{"policies":[1,}}`, `{"id":"1"} {}`, ``,
}

// FuzzSummarizeAccountJSON: on any input, SummarizeAccountJSON gives the
// summary of the generic value, or its error.
func FuzzSummarizeAccountJSON(f *testing.F) {
	for _, s := range summarySeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		checkSummary(t, "input", raw)
	})
}
