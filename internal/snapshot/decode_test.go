package snapshot

import (
	"context"
	"encoding/json"
	"os"
	"reflect"
	"testing"

	jsonv1 "github.com/go-json-experiment/json/v1"

	"github.com/orgaudit/orgaudit/internal/input"
)

// fixtureAccounts returns the JSON of every account of every fixture.
func fixtureAccounts(t testing.TB) [][]byte {
	t.Helper()
	var out [][]byte
	for _, p := range fixturePaths(t) {
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		parts, err := split(context.Background(), raw, nil)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, parts.accounts...)
	}
	return out
}

// sameAsEncodingJSON decodes data into a T with the fast decoder and with
// encoding/json, and fails when the fast decoder succeeds with another
// value or where encoding/json fails. It also checks that decodeTyped
// answers exactly what encoding/json answers, error text included. It
// reports whether the fast decoder succeeded.
func sameAsEncodingJSON[T any](t *testing.T, data []byte) bool {
	t.Helper()
	var fast, std, typed T
	fastErr := jsonv1.Unmarshal(data, &fast)
	stdErr := json.Unmarshal(data, &std)
	if fastErr == nil {
		if stdErr != nil {
			t.Fatalf("%T: the fast decoder accepts what encoding/json refuses (%v):\n%s", fast, stdErr, data)
		}
		if !reflect.DeepEqual(fast, std) {
			t.Fatalf("%T: the fast decoder gives another value than encoding/json:\n%s", fast, data)
		}
	}
	err := decodeTyped(data, &typed)
	if (err == nil) != (stdErr == nil) || (err != nil && err.Error() != stdErr.Error()) {
		t.Fatalf("%T: decodeTyped says %v, encoding/json %v", typed, err, stdErr)
	}
	if err == nil && !reflect.DeepEqual(typed, std) {
		t.Fatalf("%T: decodeTyped gives another value than encoding/json:\n%s", typed, data)
	}
	return fastErr == nil
}

// TestDecodeTypedMatchesEncodingJSON: on every fixture, whole and account
// by account, the fast decoder gives the typed model encoding/json gives;
// on what the model cannot hold, decodeTyped gives encoding/json's error.
func TestDecodeTypedMatchesEncodingJSON(t *testing.T) {
	for _, p := range fixturePaths(t) {
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if !sameAsEncodingJSON[Snapshot](t, raw) {
			t.Errorf("%s: the fast decoder refuses a fixture", p)
		}
	}
	for _, a := range fixtureAccounts(t) {
		if !sameAsEncodingJSON[Account](t, a) {
			t.Errorf("the fast decoder refuses a fixture's account:\n%s", a)
		}
	}
	for _, tc := range []struct {
		in   string
		fast bool // the fast decoder takes it
	}{
		{`{"ID": "x", "NAME": "y", "Iam": {"USERS": [{"Name": "u"}]}}`, true}, // v1 matches names case-insensitively
		{`{"id": "a", "ID": "b"}`, true},                                      // the last one wins
		{`{"id": "a", "Id": "b", "id": "c"}`, false},                          // duplicate keys (refused before decoding anyway)
		{`{"iam": {"roles": [{"trust_policy": null, "max_session_duration": 3600}]}}`, true},
		{`{"iam": {"roles": [{"trust_policy": { "a" : [ 1, 2 ] }}]}}`, true}, // raw messages keep their spacing
		{`{"iam": {"policies": [{"attachment_count": 1.0}]}}`, false},        // integers as decimals
		{`{"iam": {"policies": [{"attachment_count": 1e2}]}}`, false},
		{`{"iam": {"policies": [{"attachment_count": 99999999999999999999}]}}`, false},
		{`{"joined_at": "2024-02-30T00:00:00Z"}`, false},
		{`{"joined_at": "2024-01-02T03:04:05.123456789+05:30"}`, true},
		{`{"joined_at": "2024-01-02t03:04:05z"}`, false},
		{`{"joined_at": null, "tags": null, "iam": null}`, true},
		{`{"tags": {"a": "\u00e9\ud83d\ude00", "b": "\ud800"}}`, true},
		{`{"id": 5}`, false},
		{`{"id": "x", "iam": {"users": [{"name": "u", "mfa_devices": "no"}]}}`, false},
		{`[]`, false},
		{`null`, true},
	} {
		if got := sameAsEncodingJSON[Account](t, []byte(tc.in)); got != tc.fast && input.CheckJSON([]byte(tc.in)) == nil {
			t.Errorf("%s: fast decoder took it: %v, want %v", tc.in, got, tc.fast)
		}
	}
}

// FuzzDecodeTyped: on any JSON the loader lets through (one value, no
// duplicate keys, valid UTF-8), whatever the fast decoder accepts
// encoding/json accepts with the same typed model, and decodeTyped answers
// what encoding/json answers.
func FuzzDecodeTyped(f *testing.F) {
	addFixtureSeeds(f)
	for _, a := range fixtureAccounts(f) {
		f.Add(a)
	}
	f.Add([]byte(`{"accounts": [{"ID": "x", "Joined_At": "2024-01-02T03:04:05Z", "iam": {"ROLES": [{"trust_policy": {"a": 1.5e3}}]}}]}`))
	f.Add([]byte(`{"metadata": {"collected_at": "2024-01-02T03:04:05.5-01:00", "api_calls": {"x": 3}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if input.CheckJSON(data) != nil {
			return
		}
		sameAsEncodingJSON[Snapshot](t, data)
		sameAsEncodingJSON[Account](t, data)
	})
}
