package graph

import (
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/orgaudit/orgaudit/internal/orggen"
)

// TestBuildSameOnEveryCore: the graph built on one core (documents
// parsed, class keys computed and roles searched there) is the graph
// built on several (preparse, classKeys, allRoleEdges with its recorders
// and their replay), node for node, edge for edge, warnings and
// mismatches included: on a generated organization large enough for
// several workers, and on every test snapshot and fixture with batches of
// two roles.
func TestBuildSameOnEveryCore(t *testing.T) {
	snaps := testAndFixtureSnapshots(t)
	snaps["orggen-40"] = orggen.Generate(orggen.Options{Accounts: 40, Seed: 3})
	snaps["replay"] = replaySnapshot().s
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	defer func(b, m int) { rolesPerBatch, minParallelRoles = b, m }(rolesPerBatch, minParallelRoles)
	for name, s := range snaps {
		t.Run(name, func(t *testing.T) {
			if name != "orggen-40" {
				rolesPerBatch, minParallelRoles = 2, 0
			}
			runtime.GOMAXPROCS(1)
			one := build(s, false)
			runtime.GOMAXPROCS(4)
			several := build(s, false)
			if !reflect.DeepEqual(one, several) {
				t.Fatal("the graph built on several cores differs from the one built on one")
			}
			switch name {
			case "orggen-40":
				if st := several.Stats(); st.ClassEdges == 0 || st.EscalationEdges == 0 {
					t.Fatalf("the organization exercises too little: %+v", st)
				}
			case "replay":
				// The SCP read ahead for the account a trust names gives its
				// warning; the one of an account nothing asks about does not.
				var dark, unasked bool
				for _, w := range several.Warnings() {
					dark = dark || strings.Contains(w, "dark-ou")
					unasked = unasked || strings.Contains(w, "unasked-ou")
				}
				if !dark || unasked {
					t.Errorf("warnings %q: want the one of dark-ou only", several.Warnings())
				}
			}
		})
	}
}

// replaySnapshot has a role whose search interns several new conditions
// (two named users, each with its own condition) and names an account
// without IAM data under an SCP level that allows nothing (a warning the
// first read of its SCPs gives); another such account is named by no
// trust.
func replaySnapshot() *tsnap {
	t := base()
	deny := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}`
	t.ou("ou-gt01-dark", "dark-ou", tRoot).ou("ou-gt01-unasked", "unasked-ou", tRoot)
	t.detachFull("ou-gt01-dark").detachFull("ou-gt01-unasked")
	t.scp("p-denyall", "DenyAll", deny, "ou-gt01-dark", "ou-gt01-unasked")
	t.account("555555555555", "dark", "ou-gt01-dark").a.IAM = nil
	t.account("777777777777", "unasked", "ou-gt01-unasked").a.IAM = nil
	t.acct(idAcct).
		user("frank", inline("assume", assume(role(prodAcct, "*"))), withMFA()).
		user("gina", inline("assume", assume(role(prodAcct, "*")))).
		user("hank", inline("assume", assume(role(prodAcct, "*"))))
	t.acct(prodAcct).role("doors", `{"Version":"2012-10-17","Statement":[`+
		`{"Effect":"Allow","Principal":{"AWS":"`+user(idAcct, "gina")+`"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"g"}}},`+
		`{"Effect":"Allow","Principal":{"AWS":"`+user(idAcct, "frank")+`"},"Action":"sts:AssumeRole","Condition":`+mfaCond+`},`+
		`{"Effect":"Allow","Principal":{"AWS":"`+user(idAcct, "hank")+`"},"Action":"sts:AssumeRole","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}},`+
		`{"Effect":"Allow","Principal":{"AWS":"555555555555"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"d"}}}]}`, attach(adminARN))
	return t
}

// TestPathsSameOnEveryCore: path counts made on several cores (each level
// of count shared out a node at a time) equal those made on one, for every
// environment target of a generated organization and every account of
// the test snapshots.
func TestPathsSameOnEveryCore(t *testing.T) {
	snaps := testAndFixtureSnapshots(t)
	snaps["orggen-60"] = orggen.Generate(orggen.Options{Accounts: 60, Seed: 5})
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	defer func(c, m int) { countChunk, minParallelCount = c, m }(countChunk, minParallelCount)
	countChunk, minParallelCount = 1, 0
	counted := 0
	for name, s := range snaps {
		g, err := Build(s)
		if err != nil {
			t.Fatal(err)
		}
		specs := []string{"ou:Prod"}
		for i := range s.Accounts {
			specs = append(specs, s.Accounts[i].ID)
		}
		for _, spec := range specs {
			tg, err := g.ResolveTarget(spec, nil)
			if err != nil {
				continue // (no such OU in this snapshot)
			}
			runtime.GOMAXPROCS(1)
			one, err1 := g.Paths(tg, Options{})
			runtime.GOMAXPROCS(4)
			several, err2 := g.Paths(tg, Options{})
			if (err1 == nil) != (err2 == nil) || !reflect.DeepEqual(one, several) {
				t.Fatalf("%s, %s: paths on several cores differ from those on one", name, spec)
			}
			if err1 == nil {
				counted += len(one.Sources)
			}
		}
	}
	if counted == 0 {
		t.Fatal("no target has a source: the test compares nothing")
	}
}
