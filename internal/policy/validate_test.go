package policy

import (
	"errors"
	"strings"
	"testing"
)

// TestPrincipalElementPlacement: AWS JSON policy elements: Principal —
// "You cannot use the Principal element in an identity-based policy" and
// "You must use the Principal element in resource-based policies"; the
// simulation input names the policy and the statement.
func TestPrincipalElementPlacement(t *testing.T) {
	const (
		withPrincipal = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Sid":"Odd","Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:*","Resource":"*"}]}`
		withNot       = `{"Version":"2012-10-17","Statement":{"Effect":"Deny","NotPrincipal":{"AWS":"111122223333"},"Action":"s3:*","Resource":"*"}}`
		noPrincipal   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"},{"Effect":"Allow","Action":"s3:PutObject","Resource":"*"}]}`
	)
	cases := []struct {
		name, input, want string
	}{
		{"Principal in an identity policy", `"identity_policies":[` + withPrincipal + `]`, `identity_policies[0]: policy: statement 1 (Sid "Odd"): Principal is not allowed in an identity-based policy`},
		{"NotPrincipal in a permissions boundary", `"permission_boundaries":[` + withNot + `]`, `permission_boundaries[0]: policy: statement 0: NotPrincipal is not allowed in a permissions boundary`},
		{"Principal in a session policy", `"session_policy":` + withPrincipal, `session_policy: policy: statement 1 (Sid "Odd"): Principal is not allowed in a session policy`},
		{"Principal in an SCP", `"scps":[[{"label":"p-1","document":` + withNot + `}]]`, `scps[0][0]: policy: statement 0: NotPrincipal is not allowed in a service control policy`},
		{"resource policy statement without Principal", `"resource_policy":` + noPrincipal, `resource_policy: policy: statement 1: a statement of a resource-based policy needs a Principal or NotPrincipal element`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := `{"request":{"principal":"arn:aws:iam::111122223333:user/a","action":"s3:GetObject","resource":"arn:aws:s3:::b/k"},` + c.input + `}`
			_, _, err := Simulate(strings.NewReader(in))
			if err == nil || !strings.HasSuffix(err.Error(), c.want) {
				t.Fatalf("error %v, want one ending in %q", err, c.want)
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Errorf("error %T is not a *ParseError", err)
			}
		})
	}
	// Valid placements pass.
	for typ, doc := range map[PolicyType]string{IdentityPolicy: `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`, ResourcePolicy: withNot, RCP: noPrincipal} {
		if err := MustParse(doc).ValidateFor(typ); err != nil {
			t.Errorf("%s: %v", typ, err)
		}
	}
}

func TestProtectedARNs(t *testing.T) {
	for arn, want := range map[string]bool{
		"arn:aws:iam::aws:policy/AdministratorAccess":                                            true,
		"arn:aws-us-gov:iam::aws:policy/job-function/ViewOnlyAccess":                             true,
		"arn:aws:iam::111122223333:policy/aws":                                                   false,
		"arn:aws:iam::111122223333:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS": true,
		"arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_A_1":       true,
		"arn:aws:iam::111122223333:role/aws-reserved/other/x":                                    false,
		"arn:aws:iam::111122223333:role/admin":                                                   false,
	} {
		got := IsAWSManagedPolicyARN(arn) || IsProtectedRoleARN(arn)
		if got != want {
			t.Errorf("%s: protected %v, want %v", arn, got, want)
		}
	}
	// Reads of protected resources are decided by the policies as usual.
	r := Evaluate(Input{
		Request:          Request{Principal: "arn:aws:iam::111122223333:user/a", Action: "iam:GetPolicyVersion", Resource: "arn:aws:iam::aws:policy/AdministratorAccess"},
		IdentityPolicies: []Policy{pol("ro", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:Get*","Resource":"*"}}`)},
	})
	if !r.AllowedUnconditionally() {
		t.Errorf("reading an AWS managed policy: %+v", r)
	}
}

func TestClauseHolds(t *testing.T) {
	cases := []struct {
		cl             Clause
		values         []string
		holds, decided bool
	}{
		{Clause{"StringEquals", "aws:PrincipalAccount", []string{"111122223333"}}, []string{"111122223333"}, true, true},
		{Clause{"StringEquals", "aws:PrincipalAccount", []string{"111122223333"}}, []string{"444455556666"}, false, true},
		{Clause{"StringNotEquals", "aws:PrincipalAccount", []string{"111122223333"}}, nil, true, true},
		{Clause{"ForAnyValue:StringLike", "aws:PrincipalOrgPaths", []string{"o-1/r-1/ou-a/*"}}, []string{"o-1/r-1/ou-a/ou-b/"}, true, true},
		{Clause{"StringEqualsIfExists", "aws:PrincipalAccount", []string{"111122223333"}}, nil, true, true},
		{Clause{"StringEquals", "aws:PrincipalAccount", []string{"${aws:PrincipalTag/acct}"}}, []string{"111122223333"}, false, false},
		{Clause{"Resource", "arn:aws:s3:::b", []string{"arn:aws:s3:::${aws:username}"}}, nil, false, false},
	}
	for _, c := range cases {
		holds, decided := c.cl.Holds(c.values)
		if holds != c.holds || decided != c.decided {
			t.Errorf("%s with %v: holds %v decided %v, want %v %v", c.cl, c.values, holds, decided, c.holds, c.decided)
		}
	}
}
