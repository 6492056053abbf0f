package engine

import (
	"context"
	"testing"
)

// TestBuiltinRegoTests runs every built-in rule's _test.rego inside go test.
func TestBuiltinRegoTests(t *testing.T) {
	results, err := RunTests(context.Background(), []Source{BuiltinSource()})
	if err != nil {
		t.Fatal(err)
	}
	if len(results) == 0 {
		t.Fatal("no Rego tests found")
	}
	for _, r := range results {
		t.Run(r.Package+"/"+r.Name, func(t *testing.T) {
			if r.Skip {
				t.Skip("skipped in Rego")
			}
			if !r.Pass {
				t.Error(r.Detail)
			}
		})
	}
}
