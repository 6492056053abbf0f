package graph

import (
	"reflect"
	"testing"

	"github.com/orgaudit/orgaudit/internal/orggen"
	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// TestPreparseFindsEveryRead: preparse lists the documents principalsOf
// parses in its order, so that principalsOf finds every one without
// hashing its text (a read out of order is still right, found by its
// hash, only slower): on every test snapshot and fixture and a generated
// organization.
func TestPreparseFindsEveryRead(t *testing.T) {
	for name, s := range principalSnapshots(t) {
		t.Run(name, func(t *testing.T) {
			b := readPrincipals(s)
			if b.readsMissed > 0 {
				t.Fatalf("principalsOf parsed %d documents out of preparse's order", b.readsMissed)
			}
			found := 0
			for _, rs := range b.aheadReads {
				found += len(rs)
			}
			if found == 0 && len(b.principals) > 0 {
				t.Fatal("preparse found no document")
			}
		})
	}
}

// TestDocIndexHashClash: two texts with the same hash get their own
// slots, each found again.
func TestDocIndexHashClash(t *testing.T) {
	b := newBuilder(orggen.Generate(orggen.Options{Accounts: 1, Seed: 1}))
	x, y := []byte(`{"a":1}`), []byte(`{"b":2}`)
	ix, iy := b.docIndex(x, 42), b.docIndex(y, 42)
	if ix == iy {
		t.Fatalf("two texts share slot %d", ix)
	}
	if got := b.docIndex([]byte(`{"a":1}`), 42); got != ix {
		t.Errorf("first text again: slot %d, want %d", got, ix)
	}
	if got := b.docIndex([]byte(`{"b":2}`), 42); got != iy {
		t.Errorf("second text again: slot %d, want %d", got, iy)
	}
	if got := b.docIndex([]byte(`{"c":3}`), 42); got == ix || got == iy {
		t.Errorf("third text: slot %d, one of the others'", got)
	}
}

// TestFreshNodesSameAsNode: principalsOf makes its principals' nodes
// without looking for their ids; the graph is the one node makes (looking
// for each id), on every test snapshot and fixture, a generated
// organization, and one where users and roles share ARNs (the nodes are
// then made again).
func TestFreshNodesSameAsNode(t *testing.T) {
	snaps := principalSnapshots(t)
	dup := orggen.Generate(orggen.Options{Accounts: 6, RolesPerAccount: 6, Seed: 9})
	var iams []*snapshot.IAM
	for i := range dup.Accounts {
		if iam := dup.Accounts[i].IAM; iam != nil && len(iam.Roles) >= 3 && len(iam.Users) >= 2 {
			iams = append(iams, iam)
		}
	}
	if len(iams) < 2 {
		t.Fatalf("the generated organization has %d accounts with 3 roles and 2 users", len(iams))
	}
	first, last := iams[0], iams[len(iams)-1]
	last.Roles[2].ARN = first.Roles[2].ARN
	last.Users[0].ARN = first.Users[1].ARN
	first.Roles[1].ARN = first.Roles[0].ARN
	snaps["shared-arns"] = dup
	for name, s := range snaps {
		t.Run(name, func(t *testing.T) {
			fresh := newBuilder(s).build()
			b := newBuilder(s)
			b.slowNodes = true
			if slow := b.build(); !reflect.DeepEqual(fresh, slow) {
				t.Fatal("the graph with nodes made fresh differs from the one made by node")
			}
			if name == "shared-arns" {
				b := readPrincipals(s)
				if len(b.nodes) != len(b.principals)-3 {
					t.Fatalf("%d nodes for %d principals, 3 of them sharing another's ARN", len(b.nodes), len(b.principals))
				}
			}
		})
	}
}

// principalSnapshots are the test snapshots and fixtures and a generated
// organization with tags, boundaries and sensitive documents.
func principalSnapshots(t *testing.T) map[string]*snapshot.Snapshot {
	snaps := testAndFixtureSnapshots(t)
	snaps["orggen-30"] = orggen.Generate(orggen.Options{Accounts: 30, RolesPerAccount: 12, Seed: 7})
	return snaps
}

// readPrincipals returns a builder of s that has read the principals.
func readPrincipals(s *snapshot.Snapshot) *builder {
	b := newBuilder(s)
	b.organization()
	b.preparse()
	b.principalsOf()
	return b
}
