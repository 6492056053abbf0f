package policy

import (
	"errors"
	"strings"
	"testing"
)

func TestParseForms(t *testing.T) {
	d, err := Parse([]byte(`{
		"Version": "2012-10-17",
		"Id": "example",
		"Statement": [
			{"Sid": "One", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
			{"Effect": "Deny", "NotAction": ["iam:*", "sts:*"], "NotResource": "arn:aws:s3:::b/*",
			 "Condition": {"Bool": {"aws:SecureTransport": false}, "NumericLessThan": {"s3:max-keys": [10, "20"]}}},
			{"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"},
			{"Effect": "Allow", "Principal": {"AWS": ["111122223333", "arn:aws:iam::444455556666:role/x", "AROADBQP57FF2AEXAMPLE", "*"],
			  "Service": "ec2.amazonaws.com", "Federated": ["cognito-identity.amazonaws.com"], "CanonicalUser": "abc"},
			 "Action": "sts:AssumeRole"},
			{"Effect": "Deny", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "*", "Resource": "*"}
		]}`))
	if err != nil {
		t.Fatal(err)
	}
	if d.ID != "example" || len(d.Statements) != 5 {
		t.Fatalf("got %+v", d)
	}
	s1 := d.Statements[1]
	if s1.Effect != Deny || len(s1.NotAction) != 2 || s1.NotResource[0] != "arn:aws:s3:::b/*" {
		t.Errorf("statement 1 = %+v", s1)
	}
	if len(s1.Conditions) != 2 || s1.Conditions[0].Operator != "Bool" || s1.Conditions[0].Values[0] != "false" ||
		s1.Conditions[1].Values[0] != "10" || s1.Conditions[1].Values[1] != "20" {
		t.Errorf("conditions = %+v", s1.Conditions)
	}
	if !d.Statements[2].Principal.All {
		t.Error("Principal * not All")
	}
	p := d.Statements[3].Principal
	want := []struct {
		kind    PrincipalKind
		arn     string
		deleted bool
	}{
		{KindAccount, "arn:aws:iam::111122223333:root", false},
		{KindRole, "arn:aws:iam::444455556666:role/x", false},
		{KindUniqueID, "", true},
		{KindAll, "", false},
	}
	for i, w := range want {
		got := p.AWS[i]
		if got.Kind != w.kind || got.ARN != w.arn || got.Deleted() != w.deleted {
			t.Errorf("AWS[%d] = %+v, want %+v", i, got, w)
		}
	}
	if p.Service[0] != "ec2.amazonaws.com" || p.Federated[0] != "cognito-identity.amazonaws.com" || p.CanonicalUser[0] != "abc" {
		t.Errorf("principal = %+v", p)
	}
	if d.Statements[4].NotPrincipal.AWS[0].Kind != KindAccount {
		t.Error("NotPrincipal not parsed")
	}
}

func TestParseStatementObject(t *testing.T) {
	d, err := Parse([]byte(`{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}`))
	if err != nil || len(d.Statements) != 1 || d.Version != "" {
		t.Fatalf("d=%+v err=%v", d, err)
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct{ doc, want string }{
		{`[]`, "invalid JSON"},
		{`{}`, "missing Statement"},
		{`{"Statement": 3}`, "Statement must be"},
		{`{"Version": "2013-01-01", "Statement": []}`, `unsupported Version "2013-01-01"`},
		{`{"Statement": [], "Foo": 1}`, `unknown element "Foo"`},
		{`{"Statement": [{"Sid": "X", "Effect": "allow", "Action": "*"}]}`, `statement 0 (Sid "X"): invalid Effect "allow"`},
		{`{"Statement": [{"Effect": "Allow", "Action": "*"}, {"Effect": "Permit", "Action": "*"}]}`, `statement 1: invalid Effect "Permit"`},
		{`{"Statement": [{"Effect": "Allow"}]}`, "statement 0: missing Action or NotAction"},
		{`{"Statement": [{"Effect": "Allow", "Action": "*", "NotAction": "*"}]}`, "Action and NotAction cannot both be set"},
		{`{"Statement": [{"Effect": "Allow", "Action": "s3GetObject"}]}`, `invalid action "s3GetObject"`},
		{`{"Statement": [{"Effect": "Allow", "Action": 5}]}`, "Action: must be a string or a list of strings"},
		{`{"Statement": [{"Effect": "Allow", "Action": []}]}`, "Action must not be empty"},
		{`{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*", "NotResource": "*"}]}`, "Resource and NotResource"},
		{`{"Statement": [{"Effect": "Allow", "Action": "*", "Principal": "me"}]}`, `Principal: must be "*" or an object`},
		{`{"Statement": [{"Effect": "Allow", "Action": "*", "Principal": {"IAM": "x"}}]}`, `unknown principal type "IAM"`},
		{`{"Statement": [{"Effect": "Allow", "Action": "*", "Principal": {"AWS": "bob"}}]}`, `invalid AWS principal "bob"`},
		{`{"Statement": [{"Effect": "Allow", "Action": "*", "Principal": "*", "NotPrincipal": "*"}]}`, "Principal and NotPrincipal"},
		{`{"Statement": [{"Effect": "Allow", "Action": "*", "Condition": {"StringEqualz": {"k": "v"}}}]}`, `unknown condition operator "StringEqualz"`},
		{`{"Statement": [{"Effect": "Allow", "Action": "*", "Condition": {"NullIfExists": {"k": "true"}}}]}`, "Null takes no IfExists"},
		{`{"Statement": [{"Effect": "Allow", "Action": "*", "Condition": {"NumericEquals": {"k": "ten"}}}]}`, `NumericEquals k: invalid number "ten"`},
		{`{"Statement": [{"Effect": "Allow", "Action": "*", "Condition": {"DateEquals": {"k": "yesterday"}}}]}`, "invalid date"},
		{`{"Statement": [{"Effect": "Allow", "Action": "*", "Condition": {"IpAddress": {"k": "300.1.1.1/8"}}}]}`, "invalid IP address"},
		{`{"Statement": [{"Effect": "Allow", "Action": "*", "Condition": {"Bool": {"k": "yes"}}}]}`, "invalid boolean"},
		{`{"Statement": [{"Effect": "Allow", "Action": "*", "Condition": {"StringEquals": {"k": {"a": 1}}}}]}`, "value must be a string, boolean, number"},
		{`{"Statement": [{"Effect": "Allow", "Action": "*", "Condition": {"StringEquals": {"k": [null]}}}]}`, "values must be strings"},
		{`{"Statement": [{"Effect": "Allow", "Action": "*", "Condition": []}]}`, "Condition: must be an object"},
	}
	for _, c := range cases {
		_, err := Parse([]byte(c.doc))
		var pe *ParseError
		if err == nil || !errors.As(err, &pe) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Parse(%s) error = %v, want it to contain %q", c.doc, err, c.want)
		}
	}
}

func TestDecodeDocument(t *testing.T) {
	plain := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::a+b/*"}]}`
	enc := "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3A*%22%2C%22Resource%22%3A%22arn%3Aaws%3As3%3A%3A%3Aa+b%2F*%22%7D%5D%7D"
	for _, in := range []string{plain, enc, `"` + enc + `"`, `"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:::a+b/*\"}]}"`} {
		d, err := ParseRaw([]byte(in))
		if err != nil {
			t.Fatalf("ParseRaw(%.30s): %v", in, err)
		}
		if got := d.Statements[0].Resource[0]; got != "arn:aws:s3:::a+b/*" {
			t.Errorf("resource = %q ('+' must stay '+')", got)
		}
	}
	for _, bad := range []string{"", "  ", "%zz", "hello", `"%7"`, `"\"\"\"\""`} {
		if _, err := DecodeDocument([]byte(bad)); err == nil {
			t.Errorf("DecodeDocument(%q) succeeded", bad)
		}
	}
}

func TestGlobMatch(t *testing.T) {
	cases := []struct {
		p, s string
		fold bool
		want bool
	}{
		{"*", "", false, true},
		{"a*c", "abbbc", false, true},
		{"a*c", "abbbd", false, false},
		{"a?c", "abc", false, true},
		{"a?c", "ac", false, false},
		{"*a*b*", "xxaxxbxx", false, true},
		{"s3:get*", "S3:GetObject", true, true},
		{"s3:get*", "S3:GetObject", false, false},
		{"a\x00*b", "a*b", false, true},
		{"a\x00*b", "axb", false, false},
		{"a\x00?", "a?", false, true},
		{"**a", "a", false, true},
		{"a*", "", false, false},
		{"", "", false, true},
	}
	for _, c := range cases {
		if got := globMatch(c.p, c.s, c.fold); got != c.want {
			t.Errorf("globMatch(%q, %q, %v) = %v", c.p, c.s, c.fold, got)
		}
		pat := compilePattern(c.p)
		if c.fold && strings.ToLower(c.p) != c.p {
			continue
		}
		if got := pat.match(c.s, c.fold); got != c.want {
			t.Errorf("pattern(%q).match(%q, %v) = %v", c.p, c.s, c.fold, got)
		}
	}
}

func TestContextStates(t *testing.T) {
	c := NewContext().Set("aws:SourceIp", "10.0.0.1").SetUnknown("aws:RequestTag/*", "sts:ExternalId").SetAbsent("aws:RequestTag/team")
	for _, tc := range []struct {
		key  string
		want KeyState
	}{
		{"AWS:SOURCEIP", KeyKnown},
		{"aws:requesttag/owner", KeyUnknown},
		{"aws:RequestTag/team", KeyAbsent},
		{"sts:externalid", KeyUnknown},
		{"aws:userid", KeyAbsent},
	} {
		if _, got := c.Lookup(tc.key); got != tc.want {
			t.Errorf("Lookup(%s) = %s, want %s", tc.key, got, tc.want)
		}
	}
	if got := c.Keys(); len(got) != 3 {
		t.Errorf("Keys() = %v", got)
	}
}
