package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgaudit/orgaudit/internal/output"
	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// writeDiffPair writes old.json (a fixture) and new.json (the fixture with
// typical drift) into a temporary directory and changes into it, so that
// reports name the files the same way on every machine.
func writeDiffPair(t *testing.T) {
	t.Helper()
	dir := t.TempDir()
	makeDiffPair(t, filepath.Join(repoRoot, "fixtures"), dir, "old.json", "new.json")
	t.Chdir(dir)
}

// makeDiffPair writes into dir oldName, the identity-account-ous fixture of
// fixtures, and newName, the same with typical drift.
func makeDiffPair(t *testing.T, fixtures, dir, oldName, newName string) {
	t.Helper()
	writePairFiles(t, fixtures, dir, oldName, newName, typicalDrift)
}

// typicalDrift changes the identity-account-ous fixture as an organization
// drifts: an account leaves (and its gaps with it), one moves, a role loses
// its MFA condition, a role open to anyone appears, a user joins an admin
// group and an SCP is detached.
func typicalDrift(doc map[string]any) {
	accounts := doc["accounts"].([]any)
	kept := accounts[:0]
	for _, a := range accounts {
		acct := a.(map[string]any)
		switch acct["id"] {
		case "600000000009":
			continue // left the organization
		case "600000000001":
			acct["parent_id"] = "ou-env1-staging" // moved
		case "700000000001":
			iam := acct["iam"].(map[string]any)
			for _, r := range iam["roles"].([]any) {
				role := r.(map[string]any)
				if role["name"] == "ProdAdmin" { // lost its MFA condition
					stmt := role["trust_policy"].(map[string]any)["Statement"].([]any)[0].(map[string]any)
					delete(stmt, "Condition")
				}
			}
			iam["roles"] = append(iam["roles"].([]any), map[string]any{
				"name": "open-door", "id": "AROAOPENDOOR0000001", "arn": "arn:aws:iam::700000000001:role/open-door", "path": "/",
				"trust_policy":    map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{"Effect": "Allow", "Principal": map[string]any{"AWS": "*"}, "Action": "sts:AssumeRole"}}},
				"inline_policies": []any{}, "attached_policies": []any{},
			})
		case "500000000001":
			for _, u := range acct["iam"].(map[string]any)["users"].([]any) {
				user := u.(map[string]any)
				if user["name"] == "sam" {
					user["groups"] = append(user["groups"].([]any), "ProdAdmins")
				}
			}
		}
		kept = append(kept, acct)
	}
	doc["accounts"] = kept
	md := doc["metadata"].(map[string]any)
	gaps := md["gaps"].([]any)[:0]
	for _, g := range md["gaps"].([]any) {
		if g.(map[string]any)["account_id"] != "600000000009" { // it left
			gaps = append(gaps, g)
		}
	}
	md["gaps"] = gaps
	for _, p := range doc["organization"].(map[string]any)["policies"].([]any) {
		pol := p.(map[string]any)
		if pol["name"] == "ProdGuardrails" {
			pol["targets"] = []any{}
		}
	}
}

// TestDiffGolden renders the drifted pair, whose gaps leave a change
// unknown, in every diff format of the registry.
func TestDiffGolden(t *testing.T) {
	writeDiffPair(t)
	exts := map[string]string{"table": "txt", "json": "json", "markdown": "md"}
	for _, format := range output.Drift.Formats() {
		ext, ok := exts[format]
		if !ok {
			t.Errorf("diff format %s has no golden file: add its extension here and run make golden", format)
			continue
		}
		t.Run(format, func(t *testing.T) {
			r := run(t, "diff", "old.json", "new.json", "--format", format)
			if r.code != ExitFindings {
				t.Fatalf("exit %d, want 1 (trust change, detached SCP): %s", r.code, r.stderr)
			}
			if again := run(t, "diff", "old.json", "new.json", "--format", format); again.stdout != r.stdout {
				t.Fatal("diff output is not deterministic")
			}
			golden(t, "diff."+ext, r.stdout)
		})
	}
}

func TestDiffExitCodes(t *testing.T) {
	writeDiffPair(t)
	tests := []struct {
		name string
		args []string
		want int
	}{
		// The fixture has gaps: what they hide is unknown (exit 3).
		{"same snapshot", []string{"diff", "old.json", "old.json"}, ExitIncomplete},
		{"same snapshot, gaps allowed", []string{"diff", "old.json", "old.json", "--allow-gaps"}, ExitOK},
		{"fail on nothing", []string{"diff", "old.json", "new.json", "--fail-on", "none"}, ExitIncomplete},
		{"fail on nothing, gaps allowed", []string{"diff", "old.json", "new.json", "--fail-on", "none", "--allow-gaps"}, ExitOK},
		{"kind absent", []string{"diff", "old.json", "new.json", "--fail-on", "sso_assignment.added", "--allow-gaps"}, ExitOK},
		{"fail on unknown", []string{"diff", "old.json", "new.json", "--fail-on", "unknown"}, ExitFindings},
		{"kind present", []string{"diff", "old.json", "new.json", "--fail-on", "account.moved"}, ExitFindings},
		{"all kinds", []string{"diff", "old.json", "new.json", "--fail-on", "all"}, ExitFindings},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if r := run(t, tt.args...); r.code != tt.want {
				t.Errorf("exit %d, want %d (%s)", r.code, tt.want, r.stderr)
			}
		})
	}
	assertCleanError(t, run(t, "diff", "old.json", "new.json", "--fail-on", "role.exploded"), ExitUsage, "role.exploded")
	assertCleanError(t, run(t, "diff", "old.json", "missing.json"), ExitUsage, "missing.json")
	assertCleanError(t, run(t, "diff", "old.json"), ExitUsage, "2 arg")
	assertCleanError(t, run(t, "diff", "old.json", "new.json", "--format", "sarif"), ExitUsage, "sarif")
}

// writePair writes old.json (the fixture identity-account-ous.json) and
// new.json (the fixture changed by mutate) into a temporary directory and
// changes into it.
func writePair(t *testing.T, mutate func(doc map[string]any)) {
	t.Helper()
	dir := t.TempDir()
	writePairFiles(t, filepath.Join(repoRoot, "fixtures"), dir, "old.json", "new.json", mutate)
	t.Chdir(dir)
}

// writePairFiles writes into dir oldName, the identity-account-ous fixture
// of fixtures, and newName, the same changed by mutate.
func writePairFiles(t *testing.T, fixtures, dir, oldName, newName string, mutate func(doc map[string]any)) {
	t.Helper()
	src := filepath.Join(fixtures, "identity-account-ous.json")
	raw, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, oldName), raw, 0o600); err != nil {
		t.Fatal(err)
	}
	writeMutated(t, src, filepath.Join(dir, newName), mutate)
}

func addGap(doc map[string]any, account, section, operation string) {
	md := doc["metadata"].(map[string]any)
	g := map[string]any{"section": section, "operation": operation, "error_code": "AccessDenied", "message": "injected"}
	if account != "" {
		g["account_id"] = account
	}
	md["gaps"] = append(md["gaps"].([]any), g)
}

// TestDiffAccessDenied: the second snapshot could not assume the audit
// role in prod-web. Its roles and the paths through them are unknown,
// never removed, and diff exits 3. The fixture's other gaps (a credential
// report, and CIS data: Access Analyzer, server certificates, alternate
// contacts) are in both snapshots and hide none of it: every unknown
// change names the AssumeRole gap.
func TestDiffAccessDenied(t *testing.T) {
	writePair(t, func(doc map[string]any) {
		for _, a := range doc["accounts"].([]any) {
			if acct := a.(map[string]any); acct["id"] == "700000000001" {
				acct["iam"] = nil
			}
		}
		addGap(doc, "700000000001", "account", "sts:AssumeRole")
	})
	r := run(t, "diff", "old.json", "new.json", "--format", "json")
	if r.code != ExitIncomplete || !strings.Contains(r.stderr, "unknown because of gaps") {
		t.Fatalf("exit %d, want %d: %s", r.code, ExitIncomplete, r.stderr)
	}
	var res struct {
		Incomplete bool `json:"incomplete"`
		Changes    []struct {
			Kind    string `json:"kind"`
			WouldBe string `json:"would_be"`
			Summary string `json:"summary"`
		} `json:"changes"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil {
		t.Fatal(err)
	}
	old, err := snapshot.LoadFile("old.json")
	if err != nil {
		t.Fatal(err)
	}
	prodWeb, _ := snapshot.NewIndex(old.Snapshot).Account("700000000001")
	roles := len(prodWeb.IAM.Roles)
	would := map[string]int{}
	for _, c := range res.Changes {
		if c.Kind != "unknown" {
			t.Errorf("a change reported as fact over a gap: %+v", c)
		}
		would[c.WouldBe]++
		if !strings.Contains(c.Summary, "sts:AssumeRole: AccessDenied") {
			t.Errorf("unknown change does not say which gap: %s", c.Summary)
		}
	}
	if !res.Incomplete || roles == 0 || would["role.removed"] != roles || would["path.removed"] == 0 {
		t.Errorf("incomplete %v, unknown changes by would-be kind %v: want the %d roles of prod-web and paths through them", res.Incomplete, would, roles)
	}
	if r := run(t, "diff", "old.json", "new.json", "--allow-gaps"); r.code != ExitOK || !strings.Contains(r.stdout, "unknown") {
		t.Errorf("--allow-gaps: exit %d\n%s", r.code, r.stdout)
	}
}

// TestDiffOrganizationUnreadable: the organization of the second snapshot
// could not be described: no account is reported as having left.
func TestDiffOrganizationUnreadable(t *testing.T) {
	writePair(t, func(doc map[string]any) {
		doc["organization"] = nil
		doc["accounts"] = doc["accounts"].([]any)[:1]
		doc["metadata"].(map[string]any)["scope"] = "account"
		addGap(doc, "", "organization", "organizations:DescribeOrganization")
	})
	r := run(t, "diff", "old.json", "new.json", "--format", "json", "--fail-on", "all")
	if strings.Contains(r.stdout, `"kind": "account.left"`) || strings.Contains(r.stdout, `"kind": "ou.removed"`) || strings.Contains(r.stdout, `"kind": "scp.removed"`) {
		t.Fatalf("accounts, OUs or SCPs reported as removed while the organization could not be read:\n%s", r.stdout)
	}
	if !strings.Contains(r.stdout, `"would_be": "account.left"`) || r.code != ExitFindings {
		t.Errorf("exit %d (want 1: --fail-on all includes unknown), output:\n%s", r.code, r.stdout)
	}
}
