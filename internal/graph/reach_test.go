package graph

import (
	"github.com/orgaudit/orgaudit/internal/snapshot"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// want is what a reachability case expects of one source.
type want struct {
	hops  int
	paths uint64 // 0: not checked
	mfa   bool   // MFA required on every path
	// cond, when set, must appear in the conditions of the shortest path.
	cond string
	kind NodeKind // "": not checked
	// external, when set, must equal Node.External.
	external *bool
}

var yes, no = true, false

func TestReachability(t *testing.T) {
	cases := []struct {
		name, snap, target string
		maxHops            int
		from               string
		// sources lists every source expected (and no other) when exact;
		// otherwise only those listed are checked, plus absent.
		sources map[string]want
		exact   bool
		absent  []string
	}{
		{name: "three-hop role chain", snap: "chain", target: "ou:Prod", exact: true, sources: map[string]want{
			user(idAcct, "alice"):   {hops: 3, paths: 1},
			role(devAcct, "hop1"):   {hops: 2, paths: 1},
			role(stageAcct, "hop2"): {hops: 1, paths: 1},
		}},
		{name: "max hops cuts the chain", snap: "chain", target: "production", maxHops: 2, exact: true, sources: map[string]want{
			role(devAcct, "hop1"):   {hops: 2},
			role(stageAcct, "hop2"): {hops: 1},
		}},
		{name: "explicit deny in a group policy", snap: "group-deny", target: prodAcct, exact: true, sources: map[string]want{
			user(idAcct, "carol"): {hops: 1, paths: 1},
		}},
		{name: "SCP on a parent OU denies AssumeRole into prod", snap: "scp-deny", target: "ou:ou-gt01-prod", sources: map[string]want{
			role(stageAcct, "stageops"): {hops: 1},
		}, absent: []string{role(devAcct, "devops")}},
		{name: "permissions boundary without sts:AssumeRole on users and roles", snap: "boundary", target: "ou:Prod", exact: true, sources: map[string]want{
			user(idAcct, "erin"):  {hops: 1, paths: 2}, // directly, and through dev/free
			role(devAcct, "free"): {hops: 1, paths: 1},
		}},
		{name: "Principal * with aws:PrincipalOrgID of this organization", snap: "org-id", target: role(prodAcct, "shared"), exact: true, sources: map[string]want{
			role(devAcct, "ops"): {hops: 1},
			// prod's own principals are outside a role target; within one
			// account, "*" admits a role without an identity policy
			role(prodAcct, "partner"): {hops: 1},
			// so any principal of the partner organization gets in through it
			"*": {hops: 2, cond: "StringEquals aws:PrincipalOrgID [o-partner0001]"},
		}},
		{name: "Principal * with aws:PrincipalOrgID of another organization", snap: "org-id", target: role(prodAcct, "partner"), sources: map[string]want{
			"*": {hops: 1, cond: "StringEquals aws:PrincipalOrgID [o-partner0001]", kind: KindAnyPrincipal, external: &yes},
		}, absent: []string{role(devAcct, "ops"), role(prodAcct, "shared")}},
		{name: "trust naming one role ARN", snap: "named-role", target: role(prodAcct, "deploy"), exact: true, sources: map[string]want{
			role(devAcct, "ci"): {hops: 1, paths: 1},
		}},
		{name: "trust requiring MFA, user with and without a device", snap: "mfa", target: role(prodAcct, "admin"), exact: true, sources: map[string]want{
			user(idAcct, "frank"): {hops: 1, mfa: true, cond: "Bool aws:MultiFactorAuthPresent [true]"},
		}},
		{name: "MFA not required when another path needs none", snap: "mfa", target: "ou:Prod", exact: true, sources: map[string]want{
			user(idAcct, "frank"): {hops: 1, mfa: true},
			user(idAcct, "gina"):  {hops: 1, mfa: false},
		}},
		{name: "Identity Center group assigned to a prod account", snap: "identity-center", target: "ou:Prod", exact: true, sources: map[string]want{
			"ic:group/g-ops": {hops: 1, kind: KindICGroup},
			"ic:user/u-1":    {hops: 1, kind: KindICUser},
			"ic:user/u-2":    {hops: 1, kind: KindICUser},
			"ic:user/u-3":    {hops: 2, kind: KindICUser},
			"arn:aws:iam::222222222222:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdminAccess_*": {hops: 1, kind: KindSSORole},
		}},
		{name: "trust to an account root expands to the permitted principals", snap: "account-root", target: role(prodAcct, "admin"), exact: true, sources: map[string]want{
			user(idAcct, "hank"): {hops: 1},
			role(idAcct, "kilo"): {hops: 1},
			// ivan has no policy; jobs's boundary has no sts:AssumeRole
		}},
		{name: "external accounts and principals are starting points", snap: "external", target: "ou:Prod", exact: true, sources: map[string]want{
			root("999999999999"):               {hops: 1, kind: KindAccount, external: &yes, cond: "StringEquals sts:ExternalId [abc-123]"},
			role("888888888888", "partner-ci"): {hops: 1, kind: KindPrincipal, external: &yes},
			root("555555555555"):               {hops: 1, kind: KindAccount, external: &no},
		}},
		{name: "trust condition on a principal tag", snap: "sensitive", target: role(prodAcct, "by-tag"), exact: true, sources: map[string]want{
			role(devAcct, "ci-a"): {hops: 1},
		}},
		{name: "trust condition on aws:PrincipalArn", snap: "sensitive", target: role(prodAcct, "by-arn"), exact: true, sources: map[string]want{
			role(devAcct, "ci-a"): {hops: 1}, role(devAcct, "ci-b"): {hops: 1}, role(devAcct, "ci-c"): {hops: 1},
			role(stageAcct, "ci-a"): {hops: 1}, role(stageAcct, "ci-b"): {hops: 1}, role(stageAcct, "ci-c"): {hops: 1},
		}},
		{name: "grant with ${aws:username}", snap: "sensitive", target: role(prodAcct, "lena"), exact: true, sources: map[string]want{
			user(idAcct, "lena"): {hops: 1},
		}},
		{name: "paths are counted without going round a cycle", snap: "cycle", target: "ou:Prod", exact: true, sources: map[string]want{
			user(idAcct, "una"): {hops: 2, paths: 2},
			role(devAcct, "a"):  {hops: 1, paths: 2},
			role(devAcct, "b"):  {hops: 1, paths: 2},
		}},
		{name: "a Deny naming one member of a class", snap: "deny-trust", target: role(prodAcct, "admin"), exact: true, sources: map[string]want{
			user(idAcct, "dan"): {hops: 1}, user(idAcct, "fay"): {hops: 1},
		}},
		{name: "a Deny with NotPrincipal lets one member of a class in", snap: "deny-trust", target: role(prodAcct, "only-dan"), exact: true, sources: map[string]want{
			user(idAcct, "dan"): {hops: 1},
		}},
		{name: "a Deny naming an account under an organization-wide trust", snap: "deny-trust", target: role(prodAcct, "no-staging-2"), sources: map[string]want{
			role(stageAcct, "runner-1"): {hops: 1}, role(stageAcct, "runner-3"): {hops: 1}, role(devAcct, "runner-2"): {hops: 1}, user(idAcct, "eve"): {hops: 1},
		}, absent: []string{role(stage2Acct, "runner-1"), role(stage2Acct, "runner-2"), role(stage2Acct, "runner-3"), "*"}},
		{name: "outsiders never have a member's aws:PrincipalAccount", snap: "deny-trust", target: role(prodAcct, "by-account"), sources: map[string]want{
			user(idAcct, "eve"): {hops: 1},
		}, absent: []string{"*", role(devAcct, "runner-1")}},
		{name: "outsiders never have an aws:PrincipalArn pinned to a member", snap: "deny-trust", target: role(prodAcct, "by-arn"), sources: map[string]want{
			role(stageAcct, "runner-2"): {hops: 1},
		}, absent: []string{"*", role(devAcct, "runner-2")}},
		{name: "from keeps one source", snap: "chain", target: "ou:Prod", from: user(idAcct, "alice"), exact: true, sources: map[string]want{
			user(idAcct, "alice"): {hops: 3},
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := load(t, c.snap)
			tg, err := g.ResolveTarget(c.target, nil)
			if err != nil {
				t.Fatal(err)
			}
			// Role assumption only: escalation has its own tests.
			res, err := g.Paths(tg, Options{MaxHops: c.maxHops, From: c.from, Edges: EdgesAssume})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]Source{}
			for _, s := range res.Sources {
				got[s.Node.ID] = s
			}
			if c.exact {
				var gotIDs, wantIDs []string
				for id := range got {
					gotIDs = append(gotIDs, id)
				}
				for id := range c.sources {
					wantIDs = append(wantIDs, id)
				}
				sort.Strings(gotIDs)
				sort.Strings(wantIDs)
				if !reflect.DeepEqual(gotIDs, wantIDs) {
					t.Fatalf("sources %v, want %v", gotIDs, wantIDs)
				}
			}
			for _, id := range c.absent {
				if _, ok := got[id]; ok {
					t.Errorf("%s reaches the target, want not", id)
				}
			}
			for id, w := range c.sources {
				s, ok := got[id]
				if !ok {
					t.Errorf("%s does not reach the target", id)
					continue
				}
				if s.Hops != w.hops || len(s.Path) != w.hops {
					t.Errorf("%s: hops %d (path of %d), want %d", id, s.Hops, len(s.Path), w.hops)
				}
				if w.paths != 0 && s.Paths != w.paths {
					t.Errorf("%s: %d paths, want %d", id, s.Paths, w.paths)
				}
				if s.MFARequired != w.mfa {
					t.Errorf("%s: MFA required %v, want %v", id, s.MFARequired, w.mfa)
				}
				if w.kind != "" && s.Node.Kind != w.kind {
					t.Errorf("%s: kind %s, want %s", id, s.Node.Kind, w.kind)
				}
				if w.external != nil && s.Node.External != *w.external {
					t.Errorf("%s: external %v, want %v", id, s.Node.External, *w.external)
				}
				if w.cond != "" {
					var conds []string
					for _, h := range s.Path {
						conds = append(conds, h.Conditions.Strings()...)
					}
					if !strings.Contains(strings.Join(conds, "\n"), w.cond) {
						t.Errorf("%s: conditions %q do not mention %q", id, conds, w.cond)
					}
				}
				if s.Path[0].From != id || !contains(res.Targets, s.Path[len(s.Path)-1].To) {
					t.Errorf("%s: path %v does not run from the source into the target", id, s.Path)
				}
			}
		})
	}
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func TestLargeCycleGivesALowerBound(t *testing.T) {
	defer func(v int) { sccExactLimit = v }(sccExactLimit)
	sccExactLimit = 1
	g := load(t, "cycle")
	tg, err := g.ResolveTarget("ou:Prod", nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := g.Paths(tg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range res.Sources {
		if s.Paths < 1 || s.Paths > 2 || !s.PathsAtLeast {
			t.Errorf("%s: %d paths (at least: %v), want a lower bound of 1 or 2", s.Node.ID, s.Paths, s.PathsAtLeast)
		}
	}
}

// TestDenyOnlySCPLevel: a level whose SCPs only deny allows nothing, as in
// AWS; only when the snapshot's organization policies have a gap (an
// attachment may be missing) does the graph assume FullAWSAccess there, so
// that incomplete data never hides a path.
func TestDenyOnlySCPLevel(t *testing.T) {
	build := func(gap bool) *Graph {
		t.Helper()
		s := base()
		// SCPs bind the principals below them: the caller's OU allows nothing.
		s.detachFull("ou-gt01-security")
		s.scp("p-denyleave", "DenyLeave", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"organizations:LeaveOrganization","Resource":"*"}]}`, "ou-gt01-security")
		s.acct(prodAcct).role("admin", trustAWS(root(idAcct), ""), attach(adminARN))
		s.acct(idAcct).user("ann", attach(adminARN))
		if gap {
			s.s.Metadata.Gaps = append(s.s.Metadata.Gaps, snapshot.Gap{Section: snapshot.SectionOrgPolicies, Operation: "organizations:ListTargetsForPolicy", ErrorCode: "AccessDenied", Message: "denied"})
		}
		l, err := snapshot.Parse(s.json())
		if err != nil {
			t.Fatal(err)
		}
		g, err := Build(l.Snapshot)
		if err != nil {
			t.Fatal(err)
		}
		return g
	}
	reaches := func(g *Graph) bool {
		tg, err := g.ResolveTarget("ou:ou-gt01-prod", nil)
		if err != nil {
			t.Fatal(err)
		}
		res, err := g.Paths(tg, Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, src := range res.Sources {
			if strings.HasSuffix(src.Node.ID, ":user/ann") {
				return true
			}
		}
		return false
	}
	complete := build(false)
	if reaches(complete) {
		t.Error("ann's OU has SCPs that only deny, so it allows her nothing, yet she reaches prod")
	}
	if w := strings.Join(complete.Warnings(), "\n"); !strings.Contains(w, "nothing is allowed below it") {
		t.Errorf("no warning about the level that allows nothing: %q", w)
	}
	incomplete := build(true)
	if !reaches(incomplete) {
		t.Error("with a gap in organization policies the graph must assume FullAWSAccess and keep ann's path")
	}
	if w := strings.Join(incomplete.Warnings(), "\n"); !strings.Contains(w, "assuming FullAWSAccess") {
		t.Errorf("no warning about the assumption: %q", w)
	}
}
