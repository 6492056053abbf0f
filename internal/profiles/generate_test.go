package profiles

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/orgaudit/orgaudit/internal/graph"
	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// TestReachableMatchesPaths proves the forward walk against the slow way:
// one paths query per role (role assumption only, --edges assume), for
// every IAM principal of every fixture.
func TestReachableMatchesPaths(t *testing.T) {
	for _, fx := range []string{"startup-dev-prod.json", "identity-account-ous.json", "consultancy-clients.json"} {
		g := loadGraph(t, fx)
		var roles []string
		for _, n := range g.Nodes() {
			if n.Kind == graph.KindRole {
				roles = append(roles, n.ID)
			}
		}
		for _, n := range g.Nodes() {
			if n.Kind != graph.KindUser && n.Kind != graph.KindRole {
				continue
			}
			got, err := Reachable(g, n.ID, 0)
			if err != nil {
				t.Fatal(err)
			}
			byRole := map[string]Reach{}
			for _, r := range got {
				byRole[r.Role] = r
			}
			for _, role := range roles {
				if role == n.ID {
					continue
				}
				res, err := g.Paths(graph.Target{Kind: graph.TargetRole, Role: role}, graph.Options{From: n.ID, Edges: graph.EdgesAssume})
				if err != nil {
					t.Fatal(err)
				}
				r, ok := byRole[role]
				switch {
				case len(res.Sources) == 0 && ok:
					t.Errorf("%s: %s reaches %s, paths says no", fx, n.ID, role)
				case len(res.Sources) == 1 && !ok:
					t.Errorf("%s: paths says %s reaches %s, Reachable does not", fx, n.ID, role)
				case ok && (res.Sources[0].Hops != r.Hops || res.Sources[0].MFARequired != r.MFARequired):
					t.Errorf("%s: %s → %s: hops %d mfa %v, paths says hops %d mfa %v", fx, n.ID, role, r.Hops, r.MFARequired, res.Sources[0].Hops, res.Sources[0].MFARequired)
				}
				if ok && (len(r.Path) == 0 || r.Path[len(r.Path)-1] != role) {
					t.Errorf("%s: %s → %s: path %v", fx, n.ID, role, r.Path)
				}
			}
		}
	}
}

// TestReachableSkipsEscalation: dev-local (identity-account-ous) attaches
// policies to itself and, as dev's administrator, rewrites role/ci's
// trust; no role profile can take that way, so it gets no profile.
func TestReachableSkipsEscalation(t *testing.T) {
	g := loadGraph(t, "identity-account-ous.json")
	const devLocal, ci = "arn:aws:iam::600000000001:user/dev-local", "arn:aws:iam::600000000001:role/ci"
	res, err := g.Paths(graph.Target{Kind: graph.TargetRole, Role: ci}, graph.Options{From: devLocal})
	if err != nil || len(res.Sources) != 1 || !res.Sources[0].EscalationRequired {
		t.Fatalf("the fixture no longer lets dev-local escalate into role/ci: %+v, %v", res, err)
	}
	got, err := Reachable(g, devLocal, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range got {
		if r.Role == ci {
			t.Errorf("role/ci is reachable only by escalation, yet gets a profile: %+v", r)
		}
		for _, id := range r.Path {
			if n, _ := g.Node(id); n.Virtual() {
				t.Errorf("path %v goes through %s", r.Path, id)
			}
		}
	}
}

func doc(v any) json.RawMessage {
	raw, _ := json.Marshal(v)
	return raw
}

func trust(principal string, mfa bool) json.RawMessage {
	st := map[string]any{"Effect": "Allow", "Principal": map[string]any{"AWS": principal}, "Action": "sts:AssumeRole"}
	if mfa {
		st["Condition"] = map[string]any{"Bool": map[string]any{"aws:MultiFactorAuthPresent": "true"}}
	}
	return doc(map[string]any{"Version": "2012-10-17", "Statement": []any{st}})
}

var assumeAll = snapshot.InlinePolicy{Name: "assume", Document: doc(map[string]any{
	"Version": "2012-10-17", "Statement": []any{map[string]any{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}},
})}

// chainSnapshot: user alice (A) → hub (B, MFA) → admin (C) and → ops (B
// again, name clash with ops in C).
func chainSnapshot() *snapshot.Snapshot {
	iam := func(users []snapshot.User, roles []snapshot.Role) *snapshot.IAM {
		return &snapshot.IAM{Users: users, Roles: roles, Groups: []snapshot.Group{}, Policies: []snapshot.Policy{}}
	}
	role := func(acct, name string, tr json.RawMessage) snapshot.Role {
		return snapshot.Role{Name: name, ID: "AROA" + name, ARN: "arn:aws:iam::" + acct + ":role/" + name, Path: "/", TrustPolicy: tr,
			InlinePolicies: []snapshot.InlinePolicy{assumeAll}, AttachedPolicies: []snapshot.AttachedPolicy{}}
	}
	return &snapshot.Snapshot{
		SchemaVersion: "1",
		Metadata:      snapshot.Metadata{Scope: snapshot.ScopeAccount, Partition: "aws"},
		Accounts: []snapshot.Account{
			{ID: "111111111111", Name: "identity", Status: "ACTIVE", IAM: iam([]snapshot.User{{
				Name: "alice", ID: "AIDAALICE", ARN: "arn:aws:iam::111111111111:user/alice", Path: "/", Groups: []string{},
				InlinePolicies: []snapshot.InlinePolicy{assumeAll}, AttachedPolicies: []snapshot.AttachedPolicy{},
				MFADevices: []snapshot.MFADevice{{SerialNumber: "arn:aws:iam::111111111111:mfa/alice", Type: snapshot.MFAVirtual}},
			}}, nil)},
			{ID: "222222222222", Name: "shared services", Status: "ACTIVE", IAM: iam(nil, []snapshot.Role{
				role("222222222222", "hub", trust("arn:aws:iam::111111111111:user/alice", true)),
				role("222222222222", "ops", trust("arn:aws:iam::222222222222:role/hub", false)),
			})},
			{ID: "333333333333", Name: "shared services", Status: "ACTIVE", IAM: iam(nil, []snapshot.Role{
				role("333333333333", "admin", trust("arn:aws:iam::222222222222:role/hub", false)),
				role("333333333333", "ops", trust("arn:aws:iam::111111111111:user/alice", false)),
			})},
		},
	}
}

func TestGenerateChainsAndNames(t *testing.T) {
	g, err := graph.Build(chainSnapshot())
	if err != nil {
		t.Fatal(err)
	}
	gen, err := Generate(g, GenerateOptions{Principal: "arn:aws:iam::111111111111:user/alice", SourceProfile: "alice", Prefix: "x-", Region: "eu-west-1"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range gen {
		got = append(got, strings.Join([]string{p.Name, p.RoleARN, p.SourceProfile, p.MFASerial}, " "))
	}
	want := []string{
		"x-shared-services-admin arn:aws:iam::333333333333:role/admin x-shared-services-hub ",
		"x-shared-services-hub arn:aws:iam::222222222222:role/hub alice arn:aws:iam::111111111111:mfa/alice",
		"x-shared-services-ops-222222222222 arn:aws:iam::222222222222:role/ops x-shared-services-hub ",
		"x-shared-services-ops-333333333333 arn:aws:iam::333333333333:role/ops alice ",
	}
	if !slices.Equal(got, want) {
		t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	// What is written parses back to the same profiles.
	var b strings.Builder
	if err := WriteINI(&b, []string{"test"}, gen); err != nil {
		t.Fatal(err)
	}
	f, err := Parse("config", []byte(b.String()), "credentials", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range gen {
		q, ok := f.Profile(p.Name)
		if !ok || q.RoleARN != p.RoleARN || q.SourceProfile != p.SourceProfile || q.MFASerial != p.MFASerial || q.Region != "eu-west-1" || q.RoleSessionName != "alice" {
			t.Errorf("profile %s parsed back as %+v", p.Name, q)
		}
	}
}

func TestGenerateRejects(t *testing.T) {
	g, err := graph.Build(chainSnapshot())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Generate(g, GenerateOptions{Principal: "arn:aws:iam::111111111111:user/nobody"}); err == nil {
		t.Error("unknown principal accepted")
	}
	for _, n := range g.Nodes() {
		if n.Kind != graph.KindUser {
			continue
		}
		typo := n.ID[:len(n.ID)-1]
		_, err := Generate(g, GenerateOptions{Principal: typo})
		if err == nil || !strings.Contains(err.Error(), "did you mean "+n.ID+"?") {
			t.Errorf("%s: %v, want a did-you-mean naming %s", typo, err, n.ID)
		}
		break
	}
}

func TestSessionName(t *testing.T) {
	for in, want := range map[string]string{"alice": "alice", "a": "a-", "bad name!": "bad-name-", strings.Repeat("x", 70): strings.Repeat("x", 64)} {
		if got := sessionName(in); got != want {
			t.Errorf("sessionName(%q) = %q, want %q", in, got, want)
		}
	}
}
