package engine

import (
	"context"
	"encoding/json"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/orgaudit/orgaudit/internal/orggen"
	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// TestFactsMatchRego checks that the tables the engine precomputes in Go
// (input.facts) equal what the rule library computes in Rego without
// them, on every bundled fixture, a generated organization and policy
// shapes the fixtures lack.
func TestFactsMatchRego(t *testing.T) {
	docs := map[string]map[string]any{}
	for _, name := range []string{"startup-dev-prod", "consultancy-clients", "identity-account-ous"} {
		l, err := snapshot.LoadFile(filepath.Join("..", "..", "fixtures", name+".json"))
		if err != nil {
			t.Fatal(err)
		}
		docs[name] = l.Doc
	}
	raw, err := snapshot.Marshal(orggen.Generate(orggen.Options{Accounts: 30, Seed: 7}))
	if err != nil {
		t.Fatal(err)
	}
	gen, err := snapshot.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	docs["generated"] = gen.Doc
	docs["shapes"] = shapesDoc(t)

	mods, err := parseSources([]Source{BuiltinSource()}, false)
	if err != nil {
		t.Fatal(err)
	}
	compiler, err := compile(mods)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	q, err := rego.New(
		rego.Query(`x := {"trust_grants": data.orgaudit.lib.trust_grants, "admin_roles": data.orgaudit.lib.admin_roles, "role_activity": data.orgaudit.lib.role_activity,
			"account_labels": data.orgaudit.lib.account_labels, "org_account_ids": data.orgaudit.lib.org_account_ids,
			"org_accounts": data.orgaudit.lib.org_accounts, "organization_analyzer_regions": data.orgaudit.lib.organization_analyzer_regions,
			"analyzer_regions_read": data.orgaudit.lib.analyzer_regions_read}`),
		rego.Compiler(compiler),
		rego.StrictBuiltinErrors(true),
	).PrepareForEval(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for name, doc := range docs {
		t.Run(name, func(t *testing.T) {
			val, err := ast.InterfaceToValue(doc)
			if err != nil {
				t.Fatal(err)
			}
			rs, err := q.Eval(ctx, rego.EvalParsedInput(val))
			if err != nil {
				t.Fatal(err)
			}
			want := normalize(t, rs[0].Bindings["x"])
			facts := computeFacts(doc)
			delete(facts, "full_admin_policies") // decided by the evaluator: TestFullAdminPolicies
			got := normalize(t, facts)
			if !reflect.DeepEqual(got, want) {
				g, _ := json.MarshalIndent(got, "", " ")
				w, _ := json.MarshalIndent(want, "", " ")
				t.Errorf("Go facts differ from the Rego library's\ngo:   %s\nrego: %s", g, w)
			}
			for _, table := range []string{"trust_grants", "role_activity", "org_account_ids", "org_accounts"} {
				if len(want.(map[string]any)[table].([]any)) == 0 {
					t.Errorf("no %s at all: the comparison proves nothing", table)
				}
			}
		})
	}
}

// normalize round-trips a value through JSON so that Go and Rego results
// compare by content.
func normalize(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// shapesDoc is a snapshot document with the policy forms the trust and
// admin tables must handle alike: Statement as an object, Principal "*"
// and lists, NotAction, wildcards, MFA by Deny, MFA age, ExternalId in
// other cases, boundaries, service-linked roles.
func shapesDoc(t *testing.T) map[string]any {
	t.Helper()
	const doc = `{
	  "metadata": {"collected_at": "2026-11-01T00:00:00Z"},
	  "organization": {"id": "o-1", "management_account_id": "111111111111"},
	  "aws_managed_policies": [
	    {"arn": "arn:aws:iam::aws:policy/AdministratorAccess", "name": "AdministratorAccess", "document": {"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}},
	    {"arn": "arn:aws:iam::aws:policy/ReadOnlyAccess", "name": "ReadOnlyAccess", "document": {"Statement": [{"Effect": "Allow", "Action": ["s3:Get*"], "Resource": "*"}]}}
	  ],
	  "accounts": [
	    {"id": "111111111111", "name": "m", "iam": null},
	    {"id": "222222222222", "name": "p", "iam": {"policies": [
	        {"arn": "arn:aws:iam::222222222222:policy/all", "name": "all", "document": {"Statement": [{"Effect": "Allow", "Action": ["*"], "Resource": ["*"]}]}}
	      ], "roles": [
	      {"name": "a", "arn": "arn:aws:iam::222222222222:role/a", "path": "/", "create_date": "2025-01-01T00:00:00Z", "last_used": {"region": "us-east-1"}, "attached_policies": [{"arn": "arn:aws:iam::222222222222:policy/all", "name": "all"}], "inline_policies": [],
	       "trust_policy": {"Statement": {"Effect": "Allow", "Principal": "*", "Action": "sts:*", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-1"}}}}},
	      {"name": "b", "arn": "arn:aws:iam::222222222222:role/b", "path": "/", "create_date": "2025-01-01T00:00:00Z", "last_used": {"date": "2026-10-01T12:30:00.5Z"}, "attached_policies": [{"arn": "arn:aws:iam::aws:policy/AdministratorAccess", "name": "AdministratorAccess"}],
	       "permissions_boundary": {"arn": "arn:aws:iam::aws:policy/ReadOnlyAccess", "name": "ReadOnlyAccess"}, "inline_policies": [],
	       "trust_policy": {"Statement": [
	         {"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::999999999999:root", "111111111111", "AROAUNIQUEID", "arn:aws:iam::222222222222:user/x"]}, "NotAction": "s3:*"},
	         {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:role/r"}, "NotAction": ["sts:*"]},
	         {"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole", "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": false}}}
	       ]}},
	      {"name": "c", "arn": "arn:aws:iam::222222222222:role/c", "path": "/aws-reserved/sso.amazonaws.com/", "create_date": "2025-01-01T00:00:00Z", "attached_policies": [], "inline_policies": [{"name": "root", "document": {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}}],
	       "trust_policy": {"Statement": [
	         {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:root", "Service": "ec2.amazonaws.com"}, "Action": ["STS:AssumeRole"], "Condition": {"NumericLessThan": {"aws:MultiFactorAuthAge": 3600}, "StringEquals": {"STS:EXTERNALID": "x"}}},
	         {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:root"}, "Action": "sts:AssumeRol?", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": ["true", "false"]}}},
	         {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"},
	         {"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::222222222222:saml-provider/x"}, "Action": "sts:AssumeRoleWithSAML"}
	       ]}},
	      {"name": "AWSServiceRoleForSupport", "arn": "arn:aws:iam::222222222222:role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport", "path": "/aws-service-role/support.amazonaws.com/", "attached_policies": [], "inline_policies": [],
	       "trust_policy": {"Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]}}
	    ]}}
	  ]
	}`
	var out map[string]any
	if err := json.Unmarshal([]byte(doc), &out); err != nil {
		t.Fatal(err)
	}
	return out
}
