package orggen

import (
	"bytes"
	"testing"

	"github.com/orgaudit/orgaudit/internal/snapshot"
)

func TestGeneratedSnapshotsValidate(t *testing.T) {
	for _, n := range []int{3, 25} {
		s := Generate(Options{Accounts: n, Seed: 1})
		if len(s.Accounts) != n {
			t.Errorf("%d accounts, want %d", len(s.Accounts), n)
		}
		raw, err := snapshot.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := snapshot.Parse(raw); err != nil {
			t.Fatalf("generated snapshot of %d accounts does not validate: %v", n, err)
		}
		for _, a := range s.Accounts[2:] {
			if len(a.IAM.Roles) != 40 {
				t.Errorf("%s has %d roles, want 40", a.ID, len(a.IAM.Roles))
			}
		}
	}
}

func TestDeterministic(t *testing.T) {
	a, _ := snapshot.Marshal(Generate(Options{Accounts: 30, Seed: 7}))
	b, _ := snapshot.Marshal(Generate(Options{Accounts: 30, Seed: 7}))
	if !bytes.Equal(a, b) {
		t.Error("same options gave different snapshots")
	}
}
