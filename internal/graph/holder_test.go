package graph

import "testing"

func TestPolicyHolder(t *testing.T) {
	s := base()
	cust := "arn:aws:iam::" + idAcct + ":policy/Assume"
	s.acct(idAcct).policy("Assume", assume("*")).
		group("Devs", inline("g", assume("*")), attach(cust), attach(readARN)).
		user("ali", inGroup("Devs"), inline("own", assume("*"))).
		user("bo", attach(readARN))
	s.permissionSet("ps-1", "Ops", readARN)
	s.assign(prodAcct, "ps-1", "USER", "u-1").icUser("u-1", "one")
	g, err := Build(s.s)
	if err != nil {
		t.Fatal(err)
	}
	ssoRole := "arn:aws:iam::" + prodAcct + ":role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Ops_*"
	for _, c := range []struct{ principal, label, want string }{
		{user(idAcct, "ali"), "inline:own", user(idAcct, "ali")},
		{user(idAcct, "ali"), "group/Devs:inline:g", "arn:aws:iam::" + idAcct + ":group/Devs"},
		{user(idAcct, "ali"), cust, cust},
		{user(idAcct, "ali"), readARN, "arn:aws:iam::" + idAcct + ":group/Devs"},
		{user(idAcct, "bo"), readARN, user(idAcct, "bo")},
		{ssoRole, readARN, psARN("ps-1")},
		{ssoRole, "permission-set:Ops:inline", psARN("ps-1")},
		{user(idAcct, "ali"), "group/Gone:inline:g", user(idAcct, "ali")},
	} {
		if got := g.PolicyHolder(c.principal, c.label); got != c.want {
			t.Errorf("PolicyHolder(%s, %s) = %s, want %s", c.principal, c.label, got, c.want)
		}
	}
}
