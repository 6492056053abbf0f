package collect_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"
	stypes "github.com/aws/aws-sdk-go-v2/service/ssoadmin/types"

	"github.com/orgaudit/orgaudit/internal/cli"
	"github.com/orgaudit/orgaudit/internal/collect/mototest"
	"github.com/orgaudit/orgaudit/internal/graph"
	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// seededStandard resets moto and seeds the standard organization for a
// test that changes it.
func seededStandard(t *testing.T) (*mototest.Server, *mototest.Org, *mototest.Seeder) {
	t.Helper()
	srv := emptyMoto(t)
	if err := srv.Reset(context.Background()); err != nil {
		t.Fatal(err)
	}
	seeder := mototest.NewSeeder(srv.URL)
	org, err := seeder.SeedStandard(context.Background())
	if err != nil {
		t.Fatalf("seed: %v\nmoto log: %s", err, srv.Log())
	}
	return srv, org, seeder
}

// TestDiffSecondDoorFromMoto collects the standard organization, adds a
// role drift-open to the prod account trusting {"AWS": "*"} with
// AdministratorAccess, collects again, and compares the two snapshots as
// a user does. alice (identity, administrators) reached prod before
// through Admin and ReadOnly: drift-open is a second door for her, and a
// new one for any principal; both are path.added and fail the run.
func TestDiffSecondDoorFromMoto(t *testing.T) {
	srv, org, seeder := seededStandard(t)
	t.Setenv("AWS_MAX_ATTEMPTS", "2")
	ctx := context.Background()
	dir := t.TempDir()
	old, cur := filepath.Join(dir, "old.json"), filepath.Join(dir, "new.json")
	if code, _, stderr := execute(ctx, "collect", "--endpoint-url", srv.URL, "--output", old); code != cli.ExitIncomplete {
		t.Fatalf("collect: exit %d\n%s", code, stderr)
	}
	cfg, err := seeder.AccountConfig(ctx, org.Accounts["prod"])
	if err != nil {
		t.Fatal(err)
	}
	ic := iam.NewFromConfig(cfg)
	if _, err := ic.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("drift-open"),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := ic.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("drift-open"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")}); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := execute(ctx, "collect", "--endpoint-url", srv.URL, "--output", cur); code != cli.ExitIncomplete {
		t.Fatalf("collect: exit %d\n%s", code, stderr)
	}
	alice := "arn:aws:iam::" + org.Accounts["identity"] + ":user/alice"
	_, before, _ := execute(ctx, "paths", "--snapshot", old, "--to", "env:production", "--from", alice, "--format", "json")
	if !strings.Contains(before, `"id": "`+alice+`"`) {
		t.Fatalf("alice must reach prod before drift-open exists:\n%s", before)
	}
	code, stdout, stderr := execute(ctx, "diff", old, cur, "--format", "json")
	if code != cli.ExitFindings {
		t.Errorf("diff: exit %d, want %d\n%s", code, cli.ExitFindings, stderr)
	}
	var res struct {
		Changes []struct{ Kind, Resource, Entry, Summary string } `json:"changes"`
	}
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	door := "arn:aws:iam::" + org.Accounts["prod"] + ":role/drift-open"
	added := map[string]bool{}
	for _, c := range res.Changes {
		if c.Kind == "path.added" && c.Entry == door {
			added[c.Resource] = true
		}
	}
	for _, who := range []string{alice, "*"} {
		if !added[who] {
			t.Errorf("no path.added for %s through drift-open: %+v", who, res.Changes)
		}
	}
}

// TestDescribePermissionSetFails: when sso:DescribePermissionSet fails for
// one permission set, its assignments and policies are still collected
// (the set is known by ARN), the gap names it, the set says what is
// missing, and the graph keeps the Identity Center user's path into prod,
// marked incomplete.
func TestDescribePermissionSetFails(t *testing.T) {
	srv, org, seeder := seededStandard(t)
	ctx := context.Background()
	sc := ssoadmin.NewFromConfig(seeder.Config())
	out, err := sc.CreatePermissionSet(ctx, &ssoadmin.CreatePermissionSetInput{InstanceArn: aws.String(org.InstanceARN), Name: aws.String("ReadOnly"), SessionDuration: aws.String("PT1H")})
	if err != nil {
		t.Fatal(err)
	}
	readOnly := aws.ToString(out.PermissionSet.PermissionSetArn)
	for _, step := range []func() error{
		func() error {
			_, err := sc.AttachManagedPolicyToPermissionSet(ctx, &ssoadmin.AttachManagedPolicyToPermissionSetInput{
				InstanceArn: aws.String(org.InstanceARN), PermissionSetArn: aws.String(readOnly), ManagedPolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")})
			return err
		},
		func() error {
			_, err := sc.CreateAccountAssignment(ctx, &ssoadmin.CreateAccountAssignmentInput{
				InstanceArn: aws.String(org.InstanceARN), PermissionSetArn: aws.String(readOnly), PrincipalType: stypes.PrincipalTypeUser,
				PrincipalId: aws.String(org.SSOUserID), TargetType: stypes.TargetTypeAwsAccount, TargetId: aws.String(org.Accounts["dev"])})
			return err
		},
		func() error {
			_, err := sc.ProvisionPermissionSet(ctx, &ssoadmin.ProvisionPermissionSetInput{
				InstanceArn: aws.String(org.InstanceARN), PermissionSetArn: aws.String(readOnly), TargetType: stypes.ProvisionTargetTypeAwsAccount, TargetId: aws.String(org.Accounts["dev"])})
			return err
		},
	} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	proxy, err := mototest.NewFaultProxy(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	proxy.Rules = []mototest.Rule{{Operation: "DescribePermissionSet", BodyContains: org.PermissionSetARN, Status: 400, Code: "AccessDeniedException"}}
	s := runCollect(t, testOptions(proxy.URL))

	if !hasGap(s, "", snapshot.SectionIdentityCenter, "sso:DescribePermissionSet", "AccessDeniedException") {
		t.Fatalf("no gap for the failed description: %+v", s.Metadata.Gaps)
	}
	for _, g := range s.Metadata.Gaps {
		if g.Operation == "sso:DescribePermissionSet" && !strings.Contains(g.Message, org.PermissionSetARN) {
			t.Errorf("the gap does not name the permission set: %+v", g)
		}
	}
	sets := map[string]snapshot.PermissionSet{}
	for _, ps := range s.Identity.PermissionSets {
		sets[ps.ARN] = ps
	}
	failed, ok := sets[org.PermissionSetARN]
	if !ok {
		t.Fatalf("the permission set whose description failed is gone: %+v", s.Identity.PermissionSets)
	}
	if failed.Name != "" || !strings.Contains(strings.Join(failed.Incomplete, ","), "sso:DescribePermissionSet") ||
		len(failed.ManagedPolicies) != 1 || failed.ManagedPolicies[0].ARN != "arn:aws:iam::aws:policy/AdministratorAccess" || len(failed.CustomerManagedPolicies) != 1 {
		t.Errorf("failed set: %+v", failed)
	}
	if ro := sets[readOnly]; ro.Name != "ReadOnly" || strings.Contains(strings.Join(ro.Incomplete, ","), "sso:DescribePermissionSet") {
		t.Errorf("the other set: %+v", ro)
	}
	found := false
	for _, a := range s.Identity.Assignments {
		if a.PermissionSetARN == org.PermissionSetARN && a.AccountID == org.Accounts["prod"] && a.PrincipalID == org.SSOGroupID {
			found = true
		}
	}
	if !found {
		t.Errorf("the failed set's assignment was not collected: %+v", s.Identity.Assignments)
	}

	g, err := graph.Build(s)
	if err != nil {
		t.Fatal(err)
	}
	tg, err := g.ResolveTarget(org.Accounts["prod"], nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := g.Paths(tg, graph.Options{})
	if err != nil {
		t.Fatal(err)
	}
	jane := "ic:user/" + org.SSOUserID
	var hop *graph.Hop
	for _, src := range res.Sources {
		if src.Node.ID == jane {
			hop = &src.Path[0]
		}
	}
	if hop == nil || !hop.Incomplete {
		t.Fatalf("jane's path into prod is missing or not marked incomplete: %+v", hop)
	}

	path := filepath.Join(t.TempDir(), "snap.json")
	if err := snapshot.WriteFile(path, s); err != nil {
		t.Fatal(err)
	}
	_, table, _ := execute(ctx, "paths", "--snapshot", path, "--to", org.Accounts["prod"])
	if !strings.Contains(table, "[incomplete data]") || !strings.Contains(table, "Incomplete: ") {
		t.Errorf("the table does not say which hops rest on incomplete data:\n%s", table)
	}
	_, js, _ := execute(ctx, "paths", "--snapshot", path, "--to", org.Accounts["prod"], "--format", "json")
	if !strings.Contains(js, `"incomplete": true`) {
		t.Errorf("paths JSON has no incomplete hop")
	}
}
