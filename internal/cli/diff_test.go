package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
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
	raw, err := os.ReadFile(filepath.Join(fixtures, "identity-account-ous.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
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
	for _, p := range doc["organization"].(map[string]any)["policies"].([]any) {
		pol := p.(map[string]any)
		if pol["name"] == "ProdGuardrails" {
			pol["targets"] = []any{}
		}
	}
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, oldName), raw, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, newName), out, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestDiffGolden(t *testing.T) {
	writeDiffPair(t)
	for format, ext := range map[string]string{"table": "txt", "json": "json", "markdown": "md"} {
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
		{"same snapshot", []string{"diff", "old.json", "old.json"}, ExitOK},
		{"fail on nothing", []string{"diff", "old.json", "new.json", "--fail-on", "none"}, ExitOK},
		{"kind absent", []string{"diff", "old.json", "new.json", "--fail-on", "sso_assignment.added"}, ExitOK},
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
