package policy

import (
	"encoding/json"
	"testing"
)

func pol(label, doc string) Policy { return Policy{Label: label, Document: MustParse(doc)} }

// The API a caller (the access graph) uses: unconditional, conditional
// with alternatives, denied.
func TestPartialEvaluationAPI(t *testing.T) {
	trust := pol("trust", `{"Version":"2012-10-17","Statement":[
		{"Sid":"MFA","Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"sts:AssumeRole","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}},
		{"Sid":"Ext","Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"x"}}},
		{"Sid":"Net","Effect":"Deny","Principal":"*","Action":"sts:AssumeRole","Condition":{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}]}`)
	id := pol("id", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}}`)
	in := Input{
		Request: Request{
			Principal: "arn:aws:iam::444455556666:user/bob",
			Action:    "sts:AssumeRole",
			Resource:  "arn:aws:iam::111122223333:role/target",
			Context:   NewContext().SetUnknown("aws:MultiFactorAuthPresent", "sts:ExternalId", "aws:SourceIp"),
		},
		IdentityPolicies: []Policy{id},
		ResourcePolicy:   &trust,
	}
	r := Evaluate(in)
	if r.Decision != Allowed || !r.AllowedConditionally() || r.AllowedUnconditionally() || r.Denied() {
		t.Fatalf("result = %+v", r)
	}
	if len(r.AllowedWhen) != 2 {
		t.Fatalf("want two alternatives, got %+v", r.AllowedWhen)
	}
	if got := r.AllowedWhen[0].Conditions[0]; got.Key != "aws:MultiFactorAuthPresent" || got.Operator != "Bool" {
		t.Errorf("first alternative = %+v", got)
	}
	if got := r.AllowedWhen[1].Conditions[0]; got.Key != "sts:ExternalId" {
		t.Errorf("second alternative = %+v", got)
	}
	if len(r.DeniedWhen) != 1 || r.DeniedWhen[0].Conditions[0].Key != "aws:SourceIp" || r.DeniedWhen[0].Statements[0].Sid != "Net" {
		t.Errorf("denied_when = %+v", r.DeniedWhen)
	}

	// Known values decide: MFA true, from the office.
	in.Request.Context = NewContext().Set("aws:MultiFactorAuthPresent", "true").Set("aws:SourceIp", "203.0.113.5").SetUnknown("sts:ExternalId")
	r = Evaluate(in)
	if !r.AllowedUnconditionally() {
		t.Fatalf("want unconditional, got %+v", r)
	}
	if len(r.Statements) != 2 || r.Statements[0].Policy != "id" || r.Statements[1].Sid != "MFA" {
		t.Errorf("statements = %+v", r.Statements)
	}

	// A known deny.
	in.Request.Context = NewContext().Set("aws:SourceIp", "198.51.100.1").SetUnknown("*")
	r = Evaluate(in)
	if r.Decision != ExplicitlyDenied || !r.Denied() || r.Statements[0].Sid != "Net" {
		t.Fatalf("want explicit deny, got %+v", r)
	}

	// A conditional deny can never make an Allow unconditional.
	in.ResourcePolicy = &Policy{Label: "trust2", Document: MustParse(`{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"sts:AssumeRole"},
		{"Effect":"Deny","Principal":"*","Action":"sts:AssumeRole","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}]}`)}
	in.Request.Context = NewContext().SetUnknown("aws:MultiFactorAuthPresent")
	r = Evaluate(in)
	if r.Decision != Allowed || r.AllowedUnconditionally() || len(r.AllowedWhen) != 0 || len(r.DeniedWhen) != 1 {
		t.Fatalf("want allowed unless denied, got %+v", r)
	}
}

func TestResultJSON(t *testing.T) {
	r := Evaluate(Input{Request: Request{Principal: "arn:aws:iam::111122223333:user/a", Action: "s3:GetObject"}})
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	if m["decision"] != "ImplicitlyDenied" {
		t.Errorf("json = %s", b)
	}
}

func TestConditionUnknownVariableInValue(t *testing.T) {
	id := pol("id", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*",
		"Condition":{"StringLike":{"s3:prefix":"home/${aws:PrincipalTag/team}/*"}}}}`)
	in := Input{
		Request: Request{
			Principal: "arn:aws:iam::111122223333:user/a", Action: "s3:ListBucket", Resource: "arn:aws:s3:::b",
			Context: NewContext().Set("s3:prefix", "home/blue/x").SetUnknown("aws:PrincipalTag/team"),
		},
		IdentityPolicies: []Policy{id},
	}
	r := Evaluate(in)
	if !r.AllowedConditionally() || r.AllowedWhen[0].Conditions[0].Key != "s3:prefix" {
		t.Fatalf("got %+v", r)
	}
}

// benchInput is a typical cross-account trust + identity evaluation: a
// role session in one account assumes a role of another; its account has
// two SCP levels; its identity policies hold a dozen statements.
func benchInput(ctx *Context) Input {
	ids := []Policy{
		pol("arn:aws:iam::aws:policy/ReadOnlyAccess", `{"Version":"2012-10-17","Statement":[
			{"Effect":"Allow","Action":["a4b:Get*","a4b:List*","acm:Describe*","acm:Get*","acm:List*","apigateway:GET","autoscaling:Describe*","cloudformation:Describe*","cloudformation:Get*","cloudformation:List*","cloudtrail:Describe*","cloudtrail:Get*","cloudtrail:List*","cloudwatch:Describe*","cloudwatch:Get*","cloudwatch:List*","dynamodb:Describe*","dynamodb:Get*","dynamodb:List*","ec2:Describe*","ec2:Get*","iam:Get*","iam:List*","kms:Describe*","kms:Get*","kms:List*","lambda:Get*","lambda:List*","s3:Get*","s3:List*","sqs:Get*","sqs:List*"],"Resource":"*"}]}`),
		pol("inline:assume", `{"Version":"2012-10-17","Statement":[
			{"Sid":"AssumeProd","Effect":"Allow","Action":"sts:AssumeRole","Resource":["arn:aws:iam::1111222233*:role/deploy-*","arn:aws:iam::*:role/audit"]},
			{"Sid":"TagSession","Effect":"Allow","Action":"sts:TagSession","Resource":"*"},
			{"Sid":"NoIAMWrites","Effect":"Deny","Action":["iam:Create*","iam:Delete*","iam:Put*","iam:Attach*"],"Resource":"*"},
			{"Sid":"NoLeaving","Effect":"Deny","Action":"organizations:LeaveOrganization","Resource":"*"}]}`),
		pol("arn:aws:iam::444455556666:policy/team", `{"Version":"2012-10-17","Statement":[
			{"Effect":"Allow","Action":["s3:PutObject","s3:DeleteObject"],"Resource":"arn:aws:s3:::team-${aws:PrincipalTag/team}/*"},
			{"Effect":"Allow","Action":"sqs:*","Resource":"arn:aws:sqs:*:444455556666:team-*"},
			{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`),
	}
	trust := pol("trust", `{"Version":"2012-10-17","Statement":[
		{"Sid":"FromCI","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::444455556666:role/ci","arn:aws:iam::444455556666:role/deployer"]},"Action":["sts:AssumeRole","sts:TagSession"],
		 "Condition":{"StringEquals":{"sts:ExternalId":"ci-4f1e"},"StringLike":{"aws:PrincipalTag/team":"platform*"}}},
		{"Sid":"Breakglass","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"sts:AssumeRole",
		 "Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"},"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}}}]}`)
	full := pol("p-FullAWSAccess", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`)
	region := pol("p-region", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotAction":["iam:*","sts:*","organizations:*","support:*"],"Resource":"*",
		"Condition":{"StringNotEquals":{"aws:RequestedRegion":["eu-west-1","eu-central-1"]}}}]}`)
	return Input{
		Request: Request{
			Principal: "arn:aws:sts::444455556666:assumed-role/deployer/build-42",
			Action:    "sts:AssumeRole",
			Resource:  "arn:aws:iam::111122223333:role/deploy-prod",
			Context:   ctx,
		},
		IdentityPolicies: ids,
		ResourcePolicy:   &trust,
		SCPs:             [][]Policy{{full}, {full, region}},
	}
}

func BenchmarkEvaluate(b *testing.B) {
	b.Run("known", func(b *testing.B) {
		in := benchInput(NewContext().Set("sts:ExternalId", "ci-4f1e").Set("aws:PrincipalTag/team", "platform").
			Set("aws:SecureTransport", "true").Set("aws:RequestedRegion", "eu-west-1"))
		if r := Evaluate(in); !r.AllowedUnconditionally() {
			b.Fatalf("unexpected %+v", r)
		}
		b.ReportAllocs()
		for b.Loop() {
			Evaluate(in)
		}
	})
	b.Run("unknown", func(b *testing.B) {
		in := benchInput(NewContext().Set("aws:PrincipalTag/team", "platform").SetUnknown("*"))
		if r := Evaluate(in); !r.AllowedConditionally() || len(r.AllowedWhen) != 2 {
			b.Fatalf("unexpected %+v", r)
		}
		b.ReportAllocs()
		for b.Loop() {
			Evaluate(in)
		}
	})
	b.Run("denied", func(b *testing.B) {
		in := benchInput(NewContext().Set("aws:PrincipalTag/team", "platform"))
		in.Request.Resource = "arn:aws:iam::999999999999:role/other"
		if r := Evaluate(in); r.Decision != ImplicitlyDenied {
			b.Fatalf("unexpected %+v", r)
		}
		b.ReportAllocs()
		for b.Loop() {
			Evaluate(in)
		}
	})
}
