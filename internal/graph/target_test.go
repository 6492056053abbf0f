package graph

import (
	"github.com/orgaudit/orgaudit/internal/config"
	"reflect"
	"strings"
	"testing"
)

func TestParseTarget(t *testing.T) {
	cases := []struct {
		in   string
		want TargetSpec
		err  string
	}{
		{"444444444444", TargetSpec{TargetAccount, "444444444444"}, ""},
		{"production", TargetSpec{TargetAccount, "production"}, ""},
		{"account:ou:odd-name", TargetSpec{TargetAccount, "ou:odd-name"}, ""},
		{"ou:Prod", TargetSpec{TargetOU, "Prod"}, ""},
		{"OU: ou-ab12-prod ", TargetSpec{TargetOU, "ou-ab12-prod"}, ""},
		{"env:production", TargetSpec{TargetEnvironment, "production"}, ""},
		{"arn:aws:iam::444444444444:role/admin", TargetSpec{TargetRole, "arn:aws:iam::444444444444:role/admin"}, ""},
		{"arn:aws:iam::444444444444:role/path/admin", TargetSpec{TargetRole, "arn:aws:iam::444444444444:role/path/admin"}, ""},
		{"", TargetSpec{}, "empty target"},
		{"ou:", TargetSpec{}, "missing value"},
		{"env:  ", TargetSpec{}, "missing value"},
		{"arn:aws:iam::444444444444:user/bob", TargetSpec{}, "must be a role ARN"},
		{"arn:aws:s3:::bucket", TargetSpec{}, "must be a role ARN"},
		{"arn:aws:iam::44:role/x", TargetSpec{}, "must be a role ARN"},
		{"arn:aws:iam::444444444444:role/", TargetSpec{}, "must be a role ARN"},
	}
	for _, c := range cases {
		got, err := ParseTarget(c.in)
		switch {
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("ParseTarget(%q) error %v, want %q", c.in, err, c.err)
		case c.err == "" && err != nil:
			t.Errorf("ParseTarget(%q): %v", c.in, err)
		case c.err == "" && got != c.want:
			t.Errorf("ParseTarget(%q) = %+v, want %+v", c.in, got, c.want)
		}
	}
}

func FuzzParseTarget(f *testing.F) {
	for _, s := range []string{"ou:Prod", "env:production", "arn:aws:iam::444444444444:role/admin", "444444444444", "account:x", "arn:", "ou:", ":"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ts, err := ParseTarget(s)
		if err != nil {
			return
		}
		if ts.Value == "" || ts.Kind == "" {
			t.Fatalf("ParseTarget(%q) = %+v without error", s, ts)
		}
		if ts.Kind == TargetRole && !strings.Contains(ts.Value, ":role/") {
			t.Fatalf("role target %q", ts.Value)
		}
	})
}

func TestResolveTarget(t *testing.T) {
	g := load(t, "chain")
	cases := []struct {
		spec     string
		envs     map[string][]string
		accounts []string
		label    string
		err      string
	}{
		{spec: "ou:Prod", accounts: []string{prodAcct}, label: "OU Prod (ou-gt01-prod)"},
		{spec: "ou:dev", accounts: []string{devAcct}, label: "OU Dev (ou-gt01-dev)"}, // nested Sandbox included
		{spec: "ou:ou-gt01-sandbox", accounts: []string{devAcct}},
		{spec: "PRODUCTION", accounts: []string{prodAcct}, label: "account production (444444444444)"},
		{spec: prodAcct, accounts: []string{prodAcct}},
		{spec: "env:production", accounts: []string{prodAcct}, label: "environment production (1 account)"},
		{spec: "env:development", accounts: []string{devAcct}},
		{spec: "env:production", envs: map[string][]string{"production": {stageAcct, prodAcct}}, accounts: []string{stageAcct, prodAcct}},
		{spec: "env:qa", err: `environment "qa" has no account`},
		{spec: "ou:Nope", err: "no organizational unit"},
		{spec: "999999999999", err: "no account"},
		{spec: "arn:aws:iam::444444444444:role/nope", err: "no such role"},
		{spec: "arn:aws:iam::444444444444:role/hop3", accounts: []string{}, label: "role arn:aws:iam::444444444444:role/hop3"},
	}
	defaults := config.Environments(nil, g.Index().Snapshot())
	for _, c := range cases {
		t.Run(c.spec, func(t *testing.T) {
			envs := c.envs
			if envs == nil {
				envs = defaults
			}
			tg, err := g.ResolveTarget(c.spec, envs)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("error %v, want %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(tg.Accounts, c.accounts) {
				t.Errorf("accounts %v, want %v", tg.Accounts, c.accounts)
			}
			if c.label != "" && tg.Label != c.label {
				t.Errorf("label %q, want %q", tg.Label, c.label)
			}
		})
	}
}
