package snapshot

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/orgaudit/orgaudit/internal/input"
)

// wholeDocument is how snapshots were loaded before accounts were
// streamed: the generic document decoded and validated whole, the typed
// model decoded from the whole file. It is the reference the streaming
// loader must agree with.
func wholeDocument(raw []byte) (map[string]any, *Snapshot, error) {
	obj, err := decodeObject(context.Background(), raw)
	if err != nil {
		return nil, nil, err
	}
	sch, err := compiledSchema()
	if err != nil {
		return nil, nil, err
	}
	if err := sch.Validate(any(obj)); err != nil {
		return nil, nil, schemaError(err)
	}
	var typed Snapshot
	if err := json.Unmarshal(raw, &typed); err != nil {
		return nil, nil, fmt.Errorf("decode snapshot: %w", err)
	}
	return obj, &typed, nil
}

// TestStreamValidationMatchesWhole: on valid snapshots the streaming
// loader gives the same generic document and typed model as decoding the
// whole file, and on invalid ones the same error, whichever part of the
// document (top level, one account, several accounts) is wrong.
func TestStreamValidationMatchesWhole(t *testing.T) {
	for name, doc := range streamCases(t) {
		t.Run(name, func(t *testing.T) {
			wantDoc, wantTyped, wantErr := wholeDocument([]byte(doc))
			l, err := Parse([]byte(doc))
			if fmt.Sprint(err) != fmt.Sprint(wantErr) {
				t.Fatalf("streaming: %v\nwhole:     %v", err, wantErr)
			}
			if err != nil {
				return
			}
			if !reflect.DeepEqual(l.Doc, wantDoc) {
				t.Error("generic documents differ")
			}
			if !reflect.DeepEqual(l.Snapshot, wantTyped) {
				t.Error("typed models differ")
			}
		})
	}
}

// streamCases are the fixtures and mutations of one of them, valid and
// invalid in each part of the document, by name.
func streamCases(t *testing.T) map[string]string {
	t.Helper()
	var docs []string
	for _, p := range fixturePaths(t) {
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, string(raw))
	}
	base := docs[len(docs)-1] // startup-dev-prod.json
	// Mutations: every occurrence (n = -1) or the first n.
	mutations := []struct {
		old, new string
		n        int
	}{
		{`"id": "222222222222"`, `"id": "2222"`, 1},
		{`"status": "ACTIVE",`, `"status": "ACTIVE", "colour": "red",`, -1},
		{`"status": "ACTIVE",`, `"status": 7,`, 2},
		{`"trust_policy": {`, `"trust_policy": "x", "y": {`, -1},
		{`"arn": "arn:aws:iam::`, `"arn": 5, "x": "arn:aws:iam::`, 3},
		{`"collected_at": "2026-11-01T06:00:00Z"`, `"collected_at": "yesterday"`, 1},
		{`"accounts": [`, `"accounts": {"a": [`, 1},
		{`"accounts": [`, `"accounts": [7, "x", null, `, 1},
		{`"accounts": [`, `"accounts": [], "x": [`, 1},
		{`"organization": {`, `"organization": {"x": 1, `, 1},
		{`"identity_center": `, `"identity_center": 3, "ic": `, 1},
		{`"schema_version": "1"`, `"schema_version": "2"`, 1},
		{`"name": "`, `"name": 1, "n": "`, -1},
	}
	cases := map[string]string{}
	for i, d := range docs {
		cases[fmt.Sprintf("fixture %d", i)] = d
	}
	for i, m := range mutations {
		got := strings.Replace(base, m.old, m.new, m.n)
		if got == base {
			t.Fatalf("mutation %d changes nothing", i)
		}
		cases[fmt.Sprintf("mutation %d", i)] = got
	}
	// Account order and placement: accounts before the metadata.
	cases["accounts first"] = regexp.MustCompile(`(?s)^\{(.*?)("accounts": \[.*?\n  \]),`).ReplaceAllString(base, "{$2,$1")
	if cases["accounts first"] == base {
		t.Fatal("accounts first: the document did not change")
	}
	return cases
}

// TestStreamedDocumentMatchesDecodeJSON: the assembled generic document
// is input.DecodeJSON's of the whole file.
func TestStreamedDocumentMatchesDecodeJSON(t *testing.T) {
	for _, p := range fixturePaths(t) {
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		want, err := input.DecodeJSON(context.Background(), raw)
		if err != nil {
			t.Fatal(err)
		}
		l, err := Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(any(l.Doc), want) {
			t.Errorf("%s: documents differ", p)
		}
	}
}

// FuzzStreamMatchesWhole: on any input the streaming loader answers what
// decoding and validating the whole document answers: the same error, or
// the same generic document and typed model.
func FuzzStreamMatchesWhole(f *testing.F) {
	addFixtureSeeds(f)
	f.Add([]byte(`{"schema_version": "1", "accounts": [{"id": 1}, 2, []]}`))
	f.Add([]byte(`{"accounts": [], "schema_version": "1", "accounts": []}`))
	f.Add([]byte(`{"schema_version": "1", "accounts": {"id": 1}} x`))
	f.Fuzz(func(t *testing.T, data []byte) {
		wantDoc, wantTyped, wantErr := wholeDocument(data)
		l, err := Parse(data)
		if wantErr != nil && err != nil && strings.HasPrefix(wantErr.Error(), "decode snapshot:") && strings.HasPrefix(err.Error(), "decode snapshot:") {
			return // the typed-model guard: its wording names the part that failed
		}
		if fmt.Sprint(err) != fmt.Sprint(wantErr) {
			t.Fatalf("streaming: %v\nwhole:     %v", err, wantErr)
		}
		if err != nil {
			return
		}
		if !reflect.DeepEqual(l.Doc, wantDoc) || !reflect.DeepEqual(l.Snapshot, wantTyped) {
			t.Fatal("documents differ")
		}
	})
}

// TestAccountsItemsAreAccountSchema: streaming validates each account
// against #/$defs/account, which is right while the schema says the
// accounts array holds exactly such items and nothing constrains the array
// as a whole.
func TestAccountsItemsAreAccountSchema(t *testing.T) {
	var s struct {
		Properties map[string]map[string]any `json:"properties"`
	}
	if err := json.Unmarshal(schemaJSON, &s); err != nil {
		t.Fatal(err)
	}
	got := s.Properties["accounts"]
	want := map[string]any{"type": "array", "items": map[string]any{"$ref": "#/$defs/account"}}
	delete(got, "description")
	if !reflect.DeepEqual(got, want) {
		t.Errorf("schema properties.accounts is %v: streaming validation assumes %v", got, want)
	}
}
