package graph

import (
	"reflect"
	"testing"

	"github.com/orgaudit/orgaudit/internal/policy"
)

func cl(op, key string, vals ...string) policy.Clause {
	return policy.Clause{Operator: op, Key: key, Values: vals}
}

func TestRequiresMFA(t *testing.T) {
	mfa := cl("Bool", "aws:MultiFactorAuthPresent", "true")
	cases := []struct {
		name string
		c    Conditions
		want bool
	}{
		{"unconditional", Conditions{}, false},
		{"bool true", Conditions{AllowedWhen: [][]policy.Clause{{mfa}}}, true},
		{"bool true in lower case", Conditions{AllowedWhen: [][]policy.Clause{{cl("bool", "aws:multifactorauthpresent", "TRUE")}}}, true},
		{"BoolIfExists lets long-term keys in", Conditions{AllowedWhen: [][]policy.Clause{{cl("BoolIfExists", "aws:MultiFactorAuthPresent", "true")}}}, false},
		{"MFA age bound", Conditions{AllowedWhen: [][]policy.Clause{{cl("NumericLessThan", "aws:MultiFactorAuthAge", "3600")}}}, true},
		{"MFA and external id", Conditions{AllowedWhen: [][]policy.Clause{{mfa, cl("StringEquals", "sts:ExternalId", "x")}}}, true},
		{"one alternative without MFA", Conditions{AllowedWhen: [][]policy.Clause{{mfa}, {cl("StringEquals", "sts:ExternalId", "x")}}}, false},
		{"deny without MFA", Conditions{DeniedWhen: [][]policy.Clause{{cl("BoolIfExists", "aws:MultiFactorAuthPresent", "false")}}}, true},
		{"deny on MFA age null", Conditions{DeniedWhen: [][]policy.Clause{{cl("Null", "aws:MultiFactorAuthAge", "true")}}}, true},
		{"deny Bool false lets long-term keys in", Conditions{DeniedWhen: [][]policy.Clause{{cl("Bool", "aws:MultiFactorAuthPresent", "false")}}}, false},
		{"deny without MFA only from some IP", Conditions{DeniedWhen: [][]policy.Clause{{cl("BoolIfExists", "aws:MultiFactorAuthPresent", "false"), cl("IpAddress", "aws:SourceIp", "10.0.0.0/8")}}}, false},
		{"source IP only", Conditions{AllowedWhen: [][]policy.Clause{{cl("IpAddress", "aws:SourceIp", "10.0.0.0/8")}}}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.c.RequiresMFA(); got != c.want {
				t.Errorf("RequiresMFA() = %v, want %v", got, c.want)
			}
		})
	}
}

func TestConditionStrings(t *testing.T) {
	c := Conditions{
		AllowedWhen: [][]policy.Clause{{cl("Bool", "aws:MultiFactorAuthPresent", "true")}, {cl("StringEquals", "sts:ExternalId", "a", "b"), cl("IpAddress", "aws:SourceIp", "10.0.0.0/8")}},
		DeniedWhen:  [][]policy.Clause{{cl("StringNotEquals", "aws:SourceVpc", "vpc-1")}},
	}
	want := []string{
		"(Bool aws:MultiFactorAuthPresent [true]) OR (StringEquals sts:ExternalId [a, b] AND IpAddress aws:SourceIp [10.0.0.0/8])",
		"unless StringNotEquals aws:SourceVpc [vpc-1]",
	}
	if got := c.Strings(); !reflect.DeepEqual(got, want) {
		t.Errorf("Strings() = %q, want %q", got, want)
	}
}

func TestOutsiderConditions(t *testing.T) {
	const org = "o-ours"
	ours := cl("StringEquals", "aws:PrincipalOrgID", org)
	theirs := cl("StringEquals", "aws:PrincipalOrgID", "o-theirs")
	notOurs := cl("StringNotEquals", "aws:PrincipalOrgID", org)
	ext := cl("StringEquals", "sts:ExternalId", "x")
	cases := []struct {
		name   string
		in     Conditions
		want   Conditions
		wantOK bool
	}{
		{"only our organization", Conditions{AllowedWhen: [][]policy.Clause{{ours}}}, Conditions{}, false},
		{"another organization stays a condition", Conditions{AllowedWhen: [][]policy.Clause{{theirs}}}, Conditions{AllowedWhen: [][]policy.Clause{{theirs}}}, true},
		{"ours or an external id", Conditions{AllowedWhen: [][]policy.Clause{{ours}, {ext}}}, Conditions{AllowedWhen: [][]policy.Clause{{ext}}}, true},
		{"negation always holds", Conditions{AllowedWhen: [][]policy.Clause{{notOurs, ext}}}, Conditions{AllowedWhen: [][]policy.Clause{{ext}}}, true},
		{"negation alone makes it unconditional", Conditions{AllowedWhen: [][]policy.Clause{{notOurs}, {ext}}}, Conditions{}, true},
		{"deny outside the organization always applies", Conditions{DeniedWhen: [][]policy.Clause{{notOurs}}}, Conditions{}, false},
		{"deny inside the organization never applies", Conditions{DeniedWhen: [][]policy.Clause{{ours}, {ext}}}, Conditions{DeniedWhen: [][]policy.Clause{{ext}}}, true},
		{"wildcard org id is not decided", Conditions{AllowedWhen: [][]policy.Clause{{cl("StringLike", "aws:PrincipalOrgID", "o-our*")}}}, Conditions{AllowedWhen: [][]policy.Clause{{cl("StringLike", "aws:PrincipalOrgID", "o-our*")}}}, true},
		{"org paths of our organization", Conditions{AllowedWhen: [][]policy.Clause{{cl("ForAnyValue:StringLike", "aws:PrincipalOrgPaths", "o-ours/r-1/*")}}}, Conditions{}, false},
		{"principal account of a member", Conditions{AllowedWhen: [][]policy.Clause{{cl("StringEquals", "aws:PrincipalAccount", "111111111111", "222222222222")}}}, Conditions{}, false},
		{"principal account of a member, IfExists", Conditions{AllowedWhen: [][]policy.Clause{{cl("StringEqualsIfExists", "aws:PrincipalAccount", "111111111111")}, {ext}}}, Conditions{AllowedWhen: [][]policy.Clause{{ext}}}, true},
		{"principal account outside stays a condition", Conditions{AllowedWhen: [][]policy.Clause{{cl("StringEquals", "aws:PrincipalAccount", "111111111111", "999999999999")}}}, Conditions{AllowedWhen: [][]policy.Clause{{cl("StringEquals", "aws:PrincipalAccount", "111111111111", "999999999999")}}}, true},
		{"deny unless a member account always applies", Conditions{DeniedWhen: [][]policy.Clause{{cl("StringNotEquals", "aws:PrincipalAccount", "111111111111")}}}, Conditions{}, false},
		{"principal ARN pinned to a member", Conditions{AllowedWhen: [][]policy.Clause{{cl("ArnLike", "aws:PrincipalArn", "arn:aws:iam::111111111111:role/ci-*")}}}, Conditions{}, false},
		{"principal ARN with a wildcard account stays", Conditions{AllowedWhen: [][]policy.Clause{{cl("ArnLike", "aws:PrincipalArn", "arn:aws:iam::*:role/ci-*")}}}, Conditions{AllowedWhen: [][]policy.Clause{{cl("ArnLike", "aws:PrincipalArn", "arn:aws:iam::*:role/ci-*")}}}, true},
		{"principal ARN with a wildcard before the account stays", Conditions{AllowedWhen: [][]policy.Clause{{cl("StringLike", "aws:PrincipalArn", "arn:aws*:iam::111111111111:role/x")}}}, Conditions{AllowedWhen: [][]policy.Clause{{cl("StringLike", "aws:PrincipalArn", "arn:aws*:iam::111111111111:role/x")}}}, true},
		{"negated principal ARN of a member holds", Conditions{DeniedWhen: [][]policy.Clause{{cl("ArnNotEquals", "aws:PrincipalArn", "arn:aws:iam::111111111111:role/admin"), ext}}}, Conditions{DeniedWhen: [][]policy.Clause{{ext}}}, true},
	}
	member := func(a string) bool { return a == "111111111111" || a == "222222222222" }
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := outsiderConditions(c.in, org, member)
			if ok != c.wantOK {
				t.Fatalf("ok = %v, want %v (%+v)", ok, c.wantOK, got)
			}
			if ok && !reflect.DeepEqual(got.Strings(), c.want.Strings()) {
				t.Errorf("got %q, want %q", got.Strings(), c.want.Strings())
			}
		})
	}
}
