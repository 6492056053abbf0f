package snapshot

import (
	"os"
	"testing"
)

func BenchmarkParseFixture(b *testing.B) {
	raw, err := os.ReadFile("../../fixtures/identity-account-ous.json")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		if _, err := Parse(raw); err != nil {
			b.Fatal(err)
		}
	}
}
