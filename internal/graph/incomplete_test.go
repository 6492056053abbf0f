package graph

import (
	"strings"
	"testing"
)

// TestIncompletePermissionSet: a permission set whose description could
// not be read (its name is unknown) still gives its assignments' sign-in
// edges, and every hop through its provisioned role says it rests on
// incomplete data; the graph warns about it.
func TestIncompletePermissionSet(t *testing.T) {
	def := testSnapshots["identity-center"]()
	ps := &def.s.Identity.PermissionSets[0]
	ps.Name, ps.Incomplete = "", []string{"sso:DescribePermissionSet"}
	g, err := Build(def.s)
	if err != nil {
		t.Fatal(err)
	}
	res := pathsInto(t, g, "ou:Prod", Options{})
	role := "arn:aws:iam::" + prodAcct + ":role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_(ps-admin)_*"
	found := map[string]bool{}
	for _, s := range res.Sources {
		found[s.Node.ID] = true
		for _, h := range s.Path {
			if want := strings.Contains(h.From+h.To, "AWSReservedSSO_(ps-admin)"); h.Incomplete != want {
				t.Errorf("%s: hop %s -> %s incomplete %v, want %v", s.Node.ID, h.From, h.To, h.Incomplete, want)
			}
		}
	}
	for _, id := range []string{"ic:user/u-1", "ic:user/u-2", "ic:group/g-ops", "ic:user/u-3"} {
		if !found[id] {
			t.Errorf("%s does not reach prod: the assignments of a set whose description failed must stay", id)
		}
	}
	if res.Incomplete() == 0 {
		t.Error("no hop marked incomplete")
	}
	if n, ok := g.Node(role); !ok || !n.Incomplete {
		t.Errorf("provisioned role %s missing or not marked incomplete", role)
	}
	if w := strings.Join(g.Warnings(), "\n"); !strings.Contains(w, "sso:DescribePermissionSet failed") {
		t.Errorf("no warning: %s", w)
	}
	doc, err := g.Document(nil, "names")
	if err != nil {
		t.Fatal(err)
	}
	marked := false
	for _, e := range doc["edges"].(map[string]any)["ic:user/u-1"].([]any) {
		marked = marked || e.(map[string]any)["incomplete"] == true
	}
	if !marked {
		t.Error("input.graph edges do not say incomplete")
	}
}

// TestIncompleteCountsEachHopOnce: a hop shared by a source's shortest
// path and its path without MFA, or by two sources, counts once.
func TestIncompleteCountsEachHopOnce(t *testing.T) {
	shared := Hop{From: "ic:user/u-1", To: "arn:aws:iam::111111111111:role/r", Kind: EdgeIdentityCenter, Incomplete: true}
	other := Hop{From: "ic:user/u-2", To: "arn:aws:iam::111111111111:role/r", Kind: EdgeIdentityCenter, Incomplete: true}
	complete := Hop{From: "arn:aws:iam::111111111111:role/r", To: "arn:aws:iam::222222222222:role/p", Kind: EdgeAssumeRole}
	res := &Result{
		Sources: []Source{
			{Path: []Hop{shared, complete}, PathWithoutMFA: []Hop{shared, complete}},
			{Path: []Hop{other, complete}},
		},
		Latent: []Source{{Path: []Hop{shared}}},
	}
	if n := res.Incomplete(); n != 2 {
		t.Errorf("Incomplete() = %d, want 2 distinct incomplete hops", n)
	}
}
