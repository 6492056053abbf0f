package policy

import "testing"

func TestStatementMatches(t *testing.T) {
	cases := []struct {
		name, doc, action, resource string
		action2, res2               bool
	}{
		{"exact", `{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::111122223333:role/a"}`, "sts:assumerole", "arn:aws:iam::111122223333:role/a", true, true},
		{"other role", `{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::111122223333:role/a"}`, "sts:AssumeRole", "arn:aws:iam::111122223333:role/b", true, false},
		{"wildcards", `{"Effect":"Allow","Action":"sts:Assume*","Resource":"arn:aws:iam::*:role/deploy-?"}`, "sts:AssumeRoleWithSAML", "arn:aws:iam::111122223333:role/deploy-1", true, true},
		{"not action", `{"Effect":"Allow","NotAction":["iam:*","organizations:*"],"Resource":"*"}`, "sts:AssumeRole", "arn:aws:iam::111122223333:role/a", true, true},
		{"not action excludes", `{"Effect":"Allow","NotAction":"sts:*","Resource":"*"}`, "sts:AssumeRole", "x", false, true},
		{"other action", `{"Effect":"Allow","Action":"s3:*","Resource":"*"}`, "sts:AssumeRole", "x", false, true},
		{"variable may match", `{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::*:role/${aws:username}"}`, "sts:AssumeRole", "arn:aws:iam::111122223333:role/alice", true, true},
		{"variable is undecided, so may match", `{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:s3:::${aws:username}"}`, "sts:AssumeRole", "arn:aws:iam::111122223333:role/alice", true, true},
		{"not resource", `{"Effect":"Allow","Action":"sts:AssumeRole","NotResource":"arn:aws:iam::*:role/admin"}`, "sts:AssumeRole", "arn:aws:iam::111122223333:role/admin", true, false},
		{"no resource element", `{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}`, "sts:AssumeRole", "arn:aws:iam::111122223333:role/admin", true, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := MustParse(`{"Version":"2012-10-17","Statement":` + c.doc + `}`)
			s := d.Statements[0]
			if got := s.MatchesAction(c.action); got != c.action2 {
				t.Errorf("MatchesAction(%q) = %v, want %v", c.action, got, c.action2)
			}
			if got := s.MayMatchResource(c.resource); got != c.res2 {
				t.Errorf("MayMatchResource(%q) = %v, want %v", c.resource, got, c.res2)
			}
		})
	}
}
