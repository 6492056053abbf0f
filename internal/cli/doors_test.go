package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDiffAcrossOrganizations: snapshots of two organizations are not
// drift: diff refuses them (exit 2, both named), --force compares them.
func TestDiffAcrossOrganizations(t *testing.T) {
	chdirRoot(t)
	r := run(t, "diff", "fixtures/identity-account-ous.json", "fixtures/startup-dev-prod.json")
	assertCleanError(t, r, ExitUsage, "o-envlayout01", "o-dyn6example1", "--force")
	if r.stdout != "" {
		t.Errorf("a refused comparison printed %q", r.stdout)
	}
	if r := run(t, "diff", "fixtures/identity-account-ous.json", "fixtures/startup-dev-prod.json", "--force", "--fail-on", "none", "--allow-gaps"); r.code != ExitOK || !strings.Contains(r.stdout, "account.joined") {
		t.Errorf("--force: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
}

// TestDiffAccountRenamed: same id, new name.
func TestDiffAccountRenamed(t *testing.T) {
	writePair(t, func(doc map[string]any) {
		for _, a := range doc["accounts"].([]any) {
			if acct := a.(map[string]any); acct["id"] == "600000000001" {
				acct["name"] = "dev-renamed"
			}
		}
	})
	r := run(t, "diff", "old.json", "new.json", "--format", "json", "--allow-gaps")
	changes := driftChanges(t, r)
	if !hasChange(changes, func(c driftChange) bool {
		return c.Kind == "account.renamed" && c.Resource == "600000000001" && strings.Contains(c.Summary, "from dev to dev-renamed")
	}) {
		t.Errorf("no account.renamed in %+v", changes)
	}
	if r.code != ExitOK {
		t.Errorf("a rename alone fails the default --fail-on: exit %d", r.code)
	}
}

// TestDiffSecondDoor: a role trusting {"AWS": "*"} with
// AdministratorAccess, added to a production account, is a new door for
// "any principal" even though it reached production before through
// another role (legacy-open, in both snapshots): path.added, and the
// default --fail-on fails.
func TestDiffSecondDoor(t *testing.T) {
	cfg, err := filepath.Abs(filepath.Join(repoRoot, "fixtures", "identity-account-ous.orgaudit.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	openRole := func(name string) func(doc map[string]any) {
		return func(doc map[string]any) {
			for _, a := range doc["accounts"].([]any) {
				acct := a.(map[string]any)
				if acct["id"] != "700000000001" {
					continue
				}
				iam := acct["iam"].(map[string]any)
				iam["roles"] = append(iam["roles"].([]any), map[string]any{
					"name": name, "id": "AROA" + strings.ToUpper(strings.ReplaceAll(name, "-", "")) + "01", "arn": "arn:aws:iam::700000000001:role/" + name, "path": "/",
					"trust_policy":    map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{"Effect": "Allow", "Principal": map[string]any{"AWS": "*"}, "Action": "sts:AssumeRole"}}},
					"inline_policies": []any{}, "attached_policies": []any{map[string]any{"arn": "arn:aws:iam::aws:policy/AdministratorAccess", "name": "AdministratorAccess"}},
				})
			}
		}
	}
	dir := t.TempDir()
	writeMutated(t, filepath.Join(repoRoot, "fixtures", "identity-account-ous.json"), filepath.Join(dir, "old.json"), openRole("legacy-open"))
	writeMutated(t, filepath.Join(dir, "old.json"), filepath.Join(dir, "new.json"), openRole("drift-open"))
	t.Chdir(dir)
	before := run(t, "paths", "--snapshot", "old.json", "--to", "env:production", "--config", cfg, "--from", "*", "--format", "json")
	if !strings.Contains(before.stdout, `"id": "*"`) {
		t.Fatalf("any principal must reach production in the old snapshot already: %s %s", before.stdout, before.stderr)
	}
	r := run(t, "diff", "old.json", "new.json", "--config", cfg, "--format", "json")
	changes := driftChanges(t, r)
	if !hasChange(changes, func(c driftChange) bool {
		return c.Kind == "path.added" && c.Resource == "*" && c.Entry == "arn:aws:iam::700000000001:role/drift-open"
	}) {
		t.Errorf("no new door for * through drift-open: %+v", changes)
	}
	if r.code != ExitFindings {
		t.Errorf("exit %d, want %d: a new door fails the default --fail-on", r.code, ExitFindings)
	}
}

// driftChange is a change of diff's JSON report.
type driftChange struct{ Kind, Resource, Entry, Summary string }

// driftChanges reads the changes of a diff run's JSON report.
func driftChanges(t *testing.T, r runResult) []driftChange {
	t.Helper()
	var res struct {
		Changes []driftChange `json:"changes"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil {
		t.Fatalf("%v: %s", err, r.stderr)
	}
	return res.Changes
}

func hasChange(changes []driftChange, match func(driftChange) bool) bool {
	for _, c := range changes {
		if match(c) {
			return true
		}
	}
	return false
}

// writeMutated writes to dst the snapshot src changed by mutate.
func writeMutated(t *testing.T, src, dst string, mutate func(doc map[string]any)) {
	t.Helper()
	raw, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	mutate(doc)
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, out, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestGroupGrantOneFinding: a group's statement granting sts:AssumeRole on
// a role that does not trust its members is one OA-REACH-004 finding, on
// the group, listing its three members.
func TestGroupGrantOneFinding(t *testing.T) {
	writePair(t, func(doc map[string]any) {
		for _, a := range doc["accounts"].([]any) {
			acct := a.(map[string]any)
			if acct["id"] != "500000000001" {
				continue
			}
			iam := acct["iam"].(map[string]any)
			for _, name := range []string{"tess", "uma"} {
				iam["users"] = append(iam["users"].([]any), map[string]any{
					"name": name, "id": "AIDA" + strings.ToUpper(name) + "000000000001", "arn": "arn:aws:iam::500000000001:user/" + name, "path": "/",
					"groups": []any{"DataReaders"}, "inline_policies": []any{}, "attached_policies": []any{}, "mfa_devices": []any{},
				})
			}
		}
	})
	r := run(t, "check", "--snapshot", "new.json", "--rule", "OA-REACH-004", "--format", "json", "--allow-gaps")
	var rep struct {
		Findings []struct {
			Resource string `json:"resource"`
			Message  string `json:"message"`
			Evidence struct {
				Principals []string `json:"principals"`
			} `json:"evidence"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("%v: %s", err, r.stderr)
	}
	if len(rep.Findings) != 1 {
		t.Fatalf("%d findings, want 1: %+v", len(rep.Findings), rep.Findings)
	}
	f := rep.Findings[0]
	if f.Resource != "arn:aws:iam::500000000001:group/DataReaders" || len(f.Evidence.Principals) != 3 || !strings.Contains(f.Message, "the 3 principals it is granted to") {
		t.Errorf("finding %+v", f)
	}
	for _, u := range []string{"user/sam", "user/tess", "user/uma"} {
		if !strings.Contains(f.Message, u) {
			t.Errorf("message %q does not name %s", f.Message, u)
		}
	}
}

// TestHandoverConsultancy: alice reaches client-acme without MFA: the
// checklist prints that path, not her MFA one; Identity Center users and
// groups are named by user and display name.
func TestHandoverConsultancy(t *testing.T) {
	chdirRoot(t)
	r := run(t, "handover", "--snapshot", "fixtures/consultancy-clients.json", "--account", "client-acme")
	if r.code != ExitFindings {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{
		"path without MFA: arn:aws:iam::100000000001:user/alice → arn:aws:iam::200000000002:role/OrganizationAccountAccessRole",
		"Identity Center user carol@metal-consult.example can reach the account",
		"Identity Center group consultants can reach the account",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("handover lacks %q:\n%s", want, r.stdout)
		}
	}
	for _, bad := range []string{"ic:user/", "ic:group/", "alice → arn:aws:iam::200000000002:role/ConsultancyAdmin (MFA)"} {
		if strings.Contains(r.stdout, bad) {
			t.Errorf("handover still says %q", bad)
		}
	}
}
