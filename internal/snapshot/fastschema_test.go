package snapshot

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/orgaudit/orgaudit/internal/input"
)

// libraryValid says whether the schema library accepts data against sch,
// as the loader asks it (the generic document of input.DecodeJSON).
func libraryValid(t testing.TB, sch *jsonschema.Schema, data []byte) bool {
	t.Helper()
	doc, err := input.DecodeJSON(context.Background(), data)
	if err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	return sch.Validate(doc) == nil
}

func compiledSchemas(t testing.TB) (fastRoot, fastAcct *fastSchema, root, acct *jsonschema.Schema) {
	t.Helper()
	fastRoot, defs, err := compileFastSchema(schemaJSON)
	if err != nil {
		t.Fatalf("the fast validator does not compile the snapshot schema: %v", err)
	}
	if root, err = compiledSchema(); err != nil {
		t.Fatal(err)
	}
	if acct, err = compiledAccountSchema(); err != nil {
		t.Fatal(err)
	}
	if fastAccountSchema() == nil || defs["account"] == nil {
		t.Fatal("no fast account schema")
	}
	return fastRoot, defs["account"], root, acct
}

// TestFastSchemaAcceptsValid: the fast validator settles every account of
// every fixture and of generated organizations (else loading would not
// be faster), and every fixture as a whole.
func TestFastSchemaAcceptsValid(t *testing.T) {
	fastRoot, fastAcct, _, _ := compiledSchemas(t)
	for _, a := range fixtureAccounts(t) {
		if !fastValid(fastAcct, a) || !fastValidChecked(fastAcct, a) {
			t.Errorf("a valid fixture account is not settled by the fast validator:\n%s", a)
		}
	}
	for _, p := range fixturePaths(t) {
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if !fastValid(fastRoot, raw) {
			t.Errorf("%s is not settled by the fast validator", p)
		}
	}
}

// TestFastSchemaRefusesWhatItDoesNotKnow: a keyword, format, $ref or
// combination the fast validator does not implement fails its compilation,
// so that a schema change cannot weaken validation unnoticed.
func TestFastSchemaRefusesWhatItDoesNotKnow(t *testing.T) {
	for _, tc := range []struct{ old, new string }{
		{`"pattern": "^[0-9]{12}$"`, `"pattern": "^[0-9]{12}$", "minLength": 12`},
		{`"format": "date-time"`, `"format": "email"`},
		{`"format": "date-time"`, `"format": "date-time", "const": "x"`},
		{`"type": "object",`, `"type": "object", "patternProperties": {"^x": {}},`},
		{`"type": "object",`, `"type": "object", "unevaluatedProperties": false,`},
		{`"type": "array",`, `"type": "array", "minItems": 1,`},
		{`"type": "array",`, `"type": "array", "prefixItems": [],`},
		{`"type": "object",`, `"type": "object", "anyOf": [{}],`},
		{`"type": "object",`, `"type": "object", "allOf": [{}],`},
		{`"type": "object",`, `"type": "object", "if": {}, "then": {},`},
		{`"format": "date-time"`, `"format": "date-time", "$id": "x"`},
		{`"type": "string"`, `"type": "strings"`},
		{`"$ref": "#/$defs/dateTime"`, `"$ref": "#/$defs/dateTime", "type": "string"`},
		{`"$ref": "#/$defs/dateTime"`, `"$ref": "other.json#/x"`},
		{`"$ref": "#/$defs/dateTime"`, `"$ref": "#/$defs/nothing"`},
		{`"oneOf": [`, `"type": "object", "oneOf": [`},
		{`"enum": [1, 2]`, `"enum": [1.5, 2]`},
		{`"enum": [1, 2]`, `"enum": [true]`},
		{`"minimum": 0`, `"minimum": 0.5`},
		{`"$schema": "https://json-schema.org/draft/2020-12/schema"`, `"$schema": "http://json-schema.org/draft-07/schema#"`},
	} {
		changed := strings.Replace(string(schemaJSON), tc.old, tc.new, 1)
		if changed == string(schemaJSON) {
			t.Fatalf("%s: the schema has no %s", tc.new, tc.old)
		}
		if _, _, err := compileFastSchema([]byte(changed)); err == nil {
			t.Errorf("%s: compiled, want refused", tc.new)
		}
	}
}

// mutate applies to a copy of a generic document: set the value at path
// (dot-separated keys and indexes) to the JSON value, or delete it when
// value is empty.
func mutate(t *testing.T, doc []byte, path, value string) []byte {
	t.Helper()
	var root any
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	if err := dec.Decode(&root); err != nil {
		t.Fatal(err)
	}
	var v any
	if value != "" {
		dec := json.NewDecoder(strings.NewReader(value))
		dec.UseNumber()
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("%s: %v", value, err)
		}
	}
	keys := strings.Split(path, ".")
	node := root
	for i, k := range keys {
		last := i == len(keys)-1
		switch n := node.(type) {
		case map[string]any:
			if last {
				if value == "" {
					delete(n, k)
				} else {
					n[k] = v
				}
			}
			node = n[k]
		case []any:
			idx, err := strconv.Atoi(k)
			if err != nil || idx >= len(n) {
				t.Fatalf("%s: no element %s", path, k)
			}
			if last {
				n[idx] = v
			}
			node = n[idx]
		default:
			t.Fatalf("%s: %s is not in a container", path, k)
		}
	}
	out, err := json.Marshal(root)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestFastSchemaNeverAcceptsInvalid: for each keyword of the schema,
// hand-made invalid accounts (and documents) that the library refuses are
// never accepted by the fast validator; values the library accepts but
// the fast validator cannot settle are left to the library.
func TestFastSchemaNeverAcceptsInvalid(t *testing.T) {
	fastRoot, fastAcct, root, acct := compiledSchemas(t)
	raw, err := os.ReadFile("../../fixtures/startup-dev-prod.json")
	if err != nil {
		t.Fatal(err)
	}
	parts, err := split(context.Background(), raw, nil)
	if err != nil {
		t.Fatal(err)
	}
	account := parts.accounts[0]
	for _, tc := range []struct {
		keyword, path, value string
		doc                  bool // a mutation of the whole document, else of the account
	}{
		{"type string", "name", `7`, false},
		{"type string", "name", `null`, false},
		{"type string", "arn", `["a"]`, false},
		{"type object", "iam", `[]`, false},
		{"type object", "alternate_contacts", `"x"`, false},
		{"type array", "enabled_regions", `{}`, false},
		{"type array", "iam.users", `"u"`, false},
		{"type boolean", "iam.credential_report.rows.0.mfa_active", `"true"`, false},
		{"type boolean", "iam.credential_report.rows.0.mfa_active", `1`, false},
		{"type integer", "iam.policies.0.attachment_count", `"1"`, false},
		{"type integer", "iam.policies.0.attachment_count", `1.5`, false},
		{"type integer", "iam.summary.Users", `true`, false},
		{"type null", "iam.password_policy", `false`, false},
		{"required", "id", ``, false},
		{"required", "iam", ``, false},
		{"required", "iam.users", ``, false},
		{"required", "iam.users.0.arn", ``, false},
		{"required", "iam.credential_report.rows.0.access_keys.0.slot", ``, false},
		{"required", "alternate_contacts.security", ``, false},
		{"additionalProperties false", "colour", `"red"`, false},
		{"additionalProperties false", "iam.colour", `"red"`, false},
		{"additionalProperties false", "iam.users.0.Name", `"u"`, false},
		{"additionalProperties false", "alternate_contacts.security.fax", `"1"`, false},
		{"additionalProperties schema", "iam.summary.Users", `"3"`, false},
		{"additionalProperties schema", "iam.summary.Users", `-1.5`, false},
		{"additionalProperties schema", "tags", `{"a": 1}`, false},
		{"items", "enabled_regions", `["eu-west-1", 2]`, false},
		{"items", "iam.users", `[1]`, false},
		{"items", "iam.aliases", `[null]`, false},
		{"$ref", "iam.users.0", `{"name": "x"}`, false},
		{"$ref", "iam.policies.0.document", `"Allow everything"`, false},
		{"oneOf", "iam", `"none"`, false},
		{"oneOf", "iam.credential_report", `[]`, false},
		{"oneOf", "alternate_contacts.security", `{"name": 1}`, false},
		{"oneOf", "iam.policies.0.document.Statement", `"Allow"`, false},
		{"oneOf", "iam.policies.0.document.Statement", `[1]`, false},
		{"enum", "iam.credential_report.rows.0.access_keys.0.slot", `3`, false},
		{"enum", "iam.credential_report.rows.0.access_keys.0.slot", `0`, false},
		{"enum", "iam.credential_report.rows.0.access_keys.0.slot", `"1"`, false},
		{"enum", "metadata.scope", `"everything"`, true},
		{"enum", "metadata.gaps", `[{"section": "iam.Users", "operation": "x", "error_code": "x", "message": "x"}]`, true},
		{"pattern", "id", `"11111111111"`, false},
		{"pattern", "id", `"1111111111112"`, false},
		{"pattern", "id", `"11111111111a"`, false},
		{"pattern", "id", `"111111111111\n"`, false},
		{"format date-time", "joined_at", `"yesterday"`, false},
		{"format date-time", "joined_at", `"2024-13-01T00:00:00Z"`, false},
		{"format date-time", "joined_at", `"2023-02-29T00:00:00Z"`, false},
		{"format date-time", "joined_at", `"2024-01-01T24:00:00Z"`, false},
		{"format date-time", "joined_at", `"2024-01-01T10:00:60Z"`, false},
		{"format date-time", "joined_at", `"2024-01-01T10:00:00"`, false},
		{"format date-time", "joined_at", `"2024-01-01T10:00:00+2400"`, false},
		{"format date-time", "joined_at", `"2024-01-01T10:00:00.Z"`, false},
		{"format date-time", "joined_at", `"2024-01-01 10:00:00Z"`, false},
		{"format date-time", "iam.users.0.create_date", `5`, false},
		{"minimum", "metadata.api_calls", `{"iam:ListUsers": -1}`, true},
	} {
		name := fmt.Sprintf("%s %s=%s", tc.keyword, tc.path, tc.value)
		fast, lib, in := fastAcct, acct, account
		if tc.doc {
			fast, lib, in = fastRoot, root, raw
		}
		bad := mutate(t, in, tc.path, tc.value)
		if libraryValid(t, lib, bad) {
			t.Errorf("%s: the library accepts it: not a test of the fast validator", name)
			continue
		}
		if fastValid(fast, bad) {
			t.Errorf("%s: the fast validator accepts what the library refuses", name)
		}
	}
	// Valid to the library, not settled by the fast validator: the library
	// decides (the loader then answers as before).
	for _, tc := range []struct{ path, value string }{
		{"iam.policies.0.attachment_count", `1.0`},
		{"iam.policies.0.attachment_count", `1e2`},
		{"iam.credential_report.rows.0.access_keys.0.slot", `1.0`},
		{"joined_at", `"2024-01-01t10:00:00z"`},
		{"joined_at", `"2016-12-31T23:59:60Z"`},
	} {
		in := mutate(t, account, tc.path, tc.value)
		if !libraryValid(t, acct, in) {
			t.Errorf("%s=%s: the library refuses it", tc.path, tc.value)
		}
		if fastValid(fastAcct, in) {
			t.Errorf("%s=%s: the fast validator settled it, want it left to the library", tc.path, tc.value)
		}
	}
}

// TestFastPathLoadsAsBefore: loading without the generic document (the
// fast validator) answers what loading with it answers: the same error,
// byte for byte, or the same typed model; on every fixture and every
// mutation of TestStreamValidationMatchesWhole.
func TestFastPathLoadsAsBefore(t *testing.T) {
	for name, doc := range streamCases(t) {
		t.Run(name, func(t *testing.T) {
			sameAsWithDocument(t, []byte(doc))
		})
	}
}

// sameAsWithDocument checks that Parse without the generic document
// answers what Parse with it answers.
func sameAsWithDocument(t *testing.T, data []byte) {
	t.Helper()
	want, wantErr := Parse(data)
	for _, opts := range []ParseOptions{{DiscardDocument: true}, {KeepAccounts: true}, {DiscardDocument: true, DiscardRaw: true}} {
		got, err := ParseWithOptions(context.Background(), data, opts)
		if fmt.Sprint(err) != fmt.Sprint(wantErr) {
			t.Fatalf("%+v: %v\nwith the document: %v", opts, err, wantErr)
		}
		if err == nil && !reflect.DeepEqual(got.Snapshot, want.Snapshot) {
			t.Fatalf("%+v: typed models differ", opts)
		}
	}
}

// FuzzFastSchema: the fast validator never accepts what the library
// refuses, on arbitrary JSON and on schema-level mutations of valid
// accounts (the value at the pick-th location replaced by data, or
// deleted when data is empty); and loading without the generic document
// answers what loading with it answers.
func FuzzFastSchema(f *testing.F) {
	accounts := fixtureAccounts(f)
	for i, a := range accounts {
		f.Add(a, uint16(i))
	}
	f.Add([]byte(`"2024-01-01T10:00:00Z"`), uint16(7))
	f.Add([]byte(`{"a": 1}`), uint16(40))
	f.Add([]byte(`1.0`), uint16(300))
	f.Add([]byte(``), uint16(12))
	_, fastAcct, _, acct := compiledSchemas(f)
	f.Fuzz(func(t *testing.T, data []byte, pick uint16) {
		if input.CheckJSON(data) == nil {
			if fastValid(fastAcct, data) && !libraryValid(t, acct, data) {
				t.Fatalf("the fast validator accepts what the library refuses:\n%s", data)
			}
			if fastValidChecked(fastAcct, data) != fastValid(fastAcct, data) {
				t.Fatalf("fastValidChecked and fastValid differ on checked JSON:\n%s", data)
			}
			doc := []byte(`{"schema_version": "1", "accounts": [` + string(data) + `]}`)
			if input.CheckJSON(doc) == nil {
				sameAsWithDocument(t, doc)
			}
		}
		if len(data) > 0 && input.CheckJSON(data) != nil {
			return
		}
		base := accounts[int(pick)%len(accounts)]
		paths := locations(t, base)
		mutated := mutate(t, base, paths[int(pick/7)%len(paths)], string(data))
		if fastValid(fastAcct, mutated) && !libraryValid(t, acct, mutated) {
			t.Fatalf("the fast validator accepts what the library refuses:\n%s", mutated)
		}
	})
}

// locations lists the dot-separated paths of every value in doc.
func locations(t *testing.T, doc []byte) []string {
	t.Helper()
	var root any
	if err := json.Unmarshal(doc, &root); err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		join := func(k string) string {
			if prefix == "" {
				return k
			}
			return prefix + "." + k
		}
		switch v := v.(type) {
		case map[string]any:
			for k, c := range v {
				if strings.Contains(k, ".") {
					continue
				}
				out = append(out, join(k))
				walk(join(k), c)
			}
		case []any:
			for i, c := range v {
				out = append(out, join(strconv.Itoa(i)))
				walk(join(strconv.Itoa(i)), c)
			}
		}
	}
	walk("", root)
	slices.Sort(out)
	return out
}

// TestAdditionalPropertiesErrorIsStable: the properties an object must not
// have are named in sorted order, the same on every load (the library
// lists them in map order).
func TestAdditionalPropertiesErrorIsStable(t *testing.T) {
	raw, err := os.ReadFile("../../fixtures/startup-dev-prod.json")
	if err != nil {
		t.Fatal(err)
	}
	doc := strings.Replace(string(raw), `"status": "ACTIVE",`, `"status": "ACTIVE", "zz": 1, "mm": 2, "aa": 3, "kk": 4,`, 1)
	want := `additional properties 'aa', 'kk', 'mm', 'zz' not allowed`
	for range 20 {
		_, err := Parse([]byte(doc))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("got %v, want it to say %s", err, want)
		}
	}
}
