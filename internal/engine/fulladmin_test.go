package engine

import (
	"context"
	"encoding/json"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// TestFullAdminDocument: the answer on each document, generic and as the
// rules see it through adminMemo (one memo for every document; each
// document decoded twice into one shared object, found the second time
// by its address).
func TestFullAdminDocument(t *testing.T) {
	memo := newAdminMemo()
	d := &valueDecoder{strs: map[string]ast.Value{}, shared: map[string]ast.Value{}}
	for _, tc := range []struct {
		name string
		doc  string
		want bool
	}{
		{"star on star", `{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`, true},
		{"star on star, lists", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["*"],"Resource":["*"]}]}`, true},
		{"every service wildcard", `{"Statement":{"Effect":"Allow","Action":"*:*","Resource":"*"}}`, true},
		{"NotAction of nothing real", `{"Statement":{"Effect":"Allow","NotAction":"nosuchservice:Nothing","Resource":"*"}}`, false},
		{"NotAction iam plus iam", `{"Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"},{"Effect":"Allow","Action":"iam:*","Resource":"*"}]}`, true},
		{"NotAction iam alone (PowerUser)", `{"Statement":{"Effect":"Allow","NotAction":["iam:*","organizations:*"],"Resource":"*"}}`, false},
		{"NotAction iam plus part of iam", `{"Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"},{"Effect":"Allow","Action":"iam:Get*","Resource":"*"}]}`, false},
		{"NotResource of one bucket", `{"Statement":{"Effect":"Allow","Action":"*","NotResource":"arn:aws:s3:::secret"}}`, false},
		{"NotResource plus that bucket", `{"Statement":[{"Effect":"Allow","Action":"*","NotResource":"arn:aws:s3:::secret"},{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::secret"}]}`, true},
		{"one service", `{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`, false},
		{"star on some resources", `{"Statement":{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::*"}}`, false},
		{"star on star minus a deny", `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"iam:*","Resource":"*"}]}`, false},
		{"star on star with a deny on sts:AssumeRole only", `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"sts:AssumeRole","Resource":"*"}]}`, true},
		{"star on star under MFA", `{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}}`, true},
		{"fixed-length pattern is not a wildcard", `{"Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"},{"Effect":"Allow","Action":"iam:?","Resource":"*"}]}`, false},
		{"deny only", `{"Statement":{"Effect":"Deny","Action":"*","Resource":"*"}}`, false},
		{"not a document", `{"Statement":"nope"}`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var doc any
			if err := json.Unmarshal([]byte(tc.doc), &doc); err != nil {
				t.Fatal(err)
			}
			if got := fullAdminDocument(doc); got != tc.want {
				t.Errorf("fullAdminDocument = %v, want %v", got, tc.want)
			}
			v, err := d.decode(context.Background(), []byte("["+tc.doc+","+tc.doc+"]"))
			d.release()
			if err != nil {
				t.Fatal(err)
			}
			first, second := v.(*ast.Array).Elem(0).Value, v.(*ast.Array).Elem(1).Value
			if first != second {
				t.Fatal("the decoder did not share the document")
			}
			for _, doc := range []ast.Value{first, second} {
				if got := memo.full(doc); got != tc.want {
					t.Errorf("adminMemo.full = %v, want %v", got, tc.want)
				}
			}
		})
	}
}

// TestFullAdminPolicies: on the fixtures and the policy shapes, what the
// evaluator finds (input.facts) contains what the Rego library's literal
// form finds, and on the shapes it finds the NotAction forms as well.
func TestFullAdminPolicies(t *testing.T) {
	shapes := shapesDoc(t)
	var extra any
	if err := json.Unmarshal([]byte(`{"id": "444444444444", "name": "n", "iam": {"policies": [], "users": [], "groups": [], "roles": [
	  {"name": "notaction-admin", "arn": "arn:aws:iam::444444444444:role/notaction-admin", "path": "/", "attached_policies": [], "trust_policy": {"Statement": []},
	   "inline_policies": [{"name": "everything-but", "document": {"Statement": [
	     {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}, {"Effect": "Allow", "Action": "iam:*", "Resource": "*"}]}}]}]}}`), &extra); err != nil {
		t.Fatal(err)
	}
	shapes["accounts"] = append(shapes["accounts"].([]any), extra)
	docs := map[string]map[string]any{"shapes": shapes}
	for _, name := range []string{"startup-dev-prod", "consultancy-clients", "identity-account-ous"} {
		l, err := snapshot.LoadFile(filepath.Join("..", "..", "fixtures", name+".json"))
		if err != nil {
			t.Fatal(err)
		}
		docs[name] = l.Doc
	}
	mods, err := parseSources([]Source{BuiltinSource()}, false)
	if err != nil {
		t.Fatal(err)
	}
	compiler, err := compile(mods)
	if err != nil {
		t.Fatal(err)
	}
	q, err := rego.New(rego.Query(`x := data.orgaudit.lib.full_admin_policies`), rego.Compiler(compiler)).PrepareForEval(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	key := func(e any) string {
		m := e.(map[string]any)
		return m["account_id"].(string) + "|" + m["kind"].(string) + "|" + m["policy_arn"].(string) + "|" + m["owner_arn"].(string) + "|" + m["policy_name"].(string)
	}
	for name, doc := range docs {
		t.Run(name, func(t *testing.T) {
			val, err := ast.InterfaceToValue(doc)
			if err != nil {
				t.Fatal(err)
			}
			rs, err := q.Eval(context.Background(), rego.EvalParsedInput(val))
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]any{}
			for _, e := range normalize(t, computeFacts(doc)["full_admin_policies"]).([]any) {
				got[key(e)] = e
			}
			for _, e := range normalize(t, rs[0].Bindings["x"]).([]any) {
				if g, ok := got[key(e)]; !ok {
					t.Errorf("the library finds %s, the evaluator does not", key(e))
				} else if !reflect.DeepEqual(g, e) {
					t.Errorf("entries differ:\ngo:   %v\nrego: %v", g, e)
				}
			}
			if name == "shapes" {
				if _, ok := got["444444444444|inline||arn:aws:iam::444444444444:role/notaction-admin|everything-but"]; !ok {
					t.Errorf("the NotAction administrator policy of the shapes is not found: %v", got)
				}
			}
		})
	}
}
