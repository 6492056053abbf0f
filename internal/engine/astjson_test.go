package engine

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/orgaudit/orgaudit/internal/input"
	"github.com/orgaudit/orgaudit/internal/orggen"
	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// slowValue is what decodeValue replaces: the generic value, then its
// conversion.
func slowValue(raw []byte) (ast.Value, any, error) {
	g, err := input.DecodeJSON(context.Background(), raw)
	if err != nil {
		return nil, nil, err
	}
	v, err := ast.InterfaceToValue(g)
	if err != nil {
		return nil, nil, &conversionError{err}
	}
	return v, g, nil
}

// checkDecodeValue compares decodeValue with the slow way on raw: the
// same error, or the same value (compared by OPA and by its text, which
// tells numbers apart by how they are written).
func checkDecodeValue(t *testing.T, name string, raw []byte) {
	t.Helper()
	want, _, wantErr := slowValue(raw)
	got, err := decodeValue(context.Background(), raw)
	if wantErr != nil || err != nil {
		var c1, c2 *conversionError
		if err == nil || wantErr == nil || err.Error() != wantErr.Error() || errors.As(err, &c1) != errors.As(wantErr, &c2) {
			t.Fatalf("%s: error %v, want %v", name, err, wantErr)
		}
		return
	}
	if ast.Compare(got, want) != 0 || got.String() != want.String() {
		t.Fatalf("%s: decodeValue gives %s, want %s", name, trim(got.String()), trim(want.String()))
	}
}

func trim(s string) string {
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}

// jsonFiles are every JSON file under fixtures/ and generated
// organizations, by name.
func jsonFiles(t testing.TB) map[string][]byte {
	t.Helper()
	raws := map[string][]byte{}
	err := filepath.WalkDir("../../fixtures", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		raws[path], err = os.ReadFile(path)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(raws) < 10 {
		t.Fatalf("only %d fixtures found", len(raws))
	}
	for _, g := range []struct{ accounts, seed int }{{5, 1}, {40, 7}} {
		raw, err := snapshot.Marshal(orggen.Generate(orggen.Options{Accounts: g.accounts, Seed: uint64(g.seed)}))
		if err != nil {
			t.Fatal(err)
		}
		raws[fmt.Sprintf("generated-%d-%d", g.accounts, g.seed)] = raw
	}
	return raws
}

// accountJSONs are the accounts' JSON of every snapshot among raws.
func accountJSONs(t testing.TB, raws map[string][]byte) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for name, raw := range raws {
		l, err := snapshot.ParseWithOptions(context.Background(), raw, snapshot.ParseOptions{KeepAccounts: true})
		if err != nil {
			continue // not a snapshot
		}
		for i := range l.Accounts() {
			b, err := l.AccountJSON(i)
			if err != nil {
				t.Fatal(err)
			}
			out[fmt.Sprintf("%s account %d", name, i)] = b
		}
	}
	if len(out) < 45 {
		t.Fatalf("only %d accounts found", len(out))
	}
	return out
}

// TestDecodeValue: decodeValue equals ast.InterfaceToValue of
// input.DecodeJSON on every JSON file under fixtures/, on every account of
// the snapshots among them and of generated organizations, and on values
// chosen for their edges (numbers, escapes, empty and nested values).
func TestDecodeValue(t *testing.T) {
	raws := jsonFiles(t)
	for name, raw := range raws {
		checkDecodeValue(t, name, raw)
	}
	for name, raw := range accountJSONs(t, raws) {
		checkDecodeValue(t, name, raw)
	}
	for _, in := range decodeSeeds {
		checkDecodeValue(t, in, []byte(in))
	}
}

// decodeSeeds are values at the edges of the conversion.
var decodeSeeds = []string{
	`{"a":[1,2.5,-3e10,"x",true,false,null,{},[]],"b":{"c":"\u00e9\n"},"n":12345678901234567890}`,
	`[]`, `{}`, `""`, `"s"`, `0`, `-1`, `-0`, `100`, `1.0`, `1e2`, `1E400`, `1e-400`, `null`, `true`,
	" \n{\"k\": [ {\"deep\": [[[1]]]} ]}\n ",
	`{"z":1,"a":2,"m":{"y":[],"b":{}}}`, `{"\u0041":"\ud83d\ude00","A\"":"\\/"}`,
	`["Allow","Allow","sts:AssumeRole","*"]`, `{"a":1,"a":2}`, `{"a":1} x`, `[1,2`, "\"\xff\"", ``,
	// Arrays and objects repeated (shared), brackets in strings.
	`[{"a":[1]},{"a":[1]},{"a":[1]},[{"a":[1]}],[{"a":[1]}]]`,
	`{"x":"[{","y":["\\",{"z":"]}"}],"w":["\\",{"z":"]}"}],"v":[{"q":"\"]"}],"u":[{"q":"\"]"}]}`,
	`[{"a":1,"a":2},{"a":1,"a":2}]`, `[[1],[1],[1,]]`, `[[1],[1]] [[1]]`, `[{"k":"]"},{"k":"]"}`, `[1],"]"`,
}

// TestDecodeValueShared: a decoder that shares the arrays and objects it
// decoded before gives the slow way's value for every account of
// generated organizations, decoded twice, and shares some.
func TestDecodeValueShared(t *testing.T) {
	d := &valueDecoder{strs: map[string]ast.Value{}, shared: map[string]ast.Value{}}
	ctx := context.Background()
	for _, n := range []int{50, 60} {
		raw, err := snapshot.Marshal(orggen.Generate(orggen.Options{Accounts: n, Seed: uint64(n)}))
		if err != nil {
			t.Fatal(err)
		}
		for name, acct := range accountJSONs(t, map[string][]byte{"generated": raw}) {
			want, _, err := slowValue(acct)
			if err != nil {
				t.Fatal(err)
			}
			for range 2 {
				got, err := d.decode(ctx, acct)
				d.release()
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if ast.Compare(got, want) != 0 || got.String() != want.String() {
					t.Fatalf("%s: decodeValue gives %s, want %s", name, trim(got.String()), trim(want.String()))
				}
			}
		}
	}
	if len(d.shared) == 0 {
		t.Fatal("no array or object shared: the test proves nothing")
	}
}

// FuzzDecodeValue: on any input, decodeValue gives the slow way's value
// or error.
func FuzzDecodeValue(f *testing.F) {
	for _, s := range decodeSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		checkDecodeValue(t, "input", raw)
	})
}

// TestAccountJSONMatchesAccount: rules evaluated over accounts decoded
// from their JSON (Document.AccountJSON, read again from the file, or
// Document.ReadAccountJSON, into reused buffers), their summaries made
// from it too (by Eval, or by a Summarizer while the snapshot loads), give
// the answer the generic accounts converted give, in chunks of several
// sizes, on every fixture and a generated organization.
func TestAccountJSONMatchesAccount(t *testing.T) {
	raws := map[string][]byte{}
	for _, name := range []string{"startup-dev-prod", "identity-account-ous", "consultancy-clients"} {
		raw, err := os.ReadFile(filepath.Join("..", "..", "fixtures", name+".json"))
		if err != nil {
			t.Fatal(err)
		}
		raws[name] = raw
	}
	raw, err := snapshot.Marshal(orggen.Generate(orggen.Options{Accounts: 30, Seed: 3}))
	if err != nil {
		t.Fatal(err)
	}
	raws["generated"] = raw
	ctx := context.Background()
	for name, raw := range raws {
		whole, err := snapshot.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		// The accounts are read again from the file, as check reads them.
		path := filepath.Join(t.TempDir(), "snapshot.json")
		if err := os.WriteFile(path, raw, 0o600); err != nil {
			t.Fatal(err)
		}
		sums := NewSummarizer(ctx)
		kept, err := snapshot.Load(ctx, path, snapshot.ParseOptions{KeepAccounts: true, DiscardRaw: true, Account: sums.Add})
		if err != nil {
			t.Fatal(err)
		}
		slow, err := summarizeAccounts(ctx, &Document{Accounts: kept.Accounts(), AccountJSON: kept.AccountJSON})
		if err != nil {
			t.Fatal(err)
		}
		if fast := sums.Summaries(kept.Accounts()); fast == nil || !reflect.DeepEqual(fast, slow) {
			t.Fatalf("%s: the summaries made while loading differ from those of the accounts read again", name)
		}
		for _, chunk := range []int{1, 4, 0} {
			eng, err := New(ctx, Options{Sources: []Source{BuiltinSource()}, ChunkSize: chunk})
			if err != nil {
				t.Fatal(err)
			}
			want, err := eng.Eval(ctx, Input{Snapshot: whole, Document: DocumentOf(whole.Doc)})
			if err != nil {
				t.Fatal(err)
			}
			if len(want.Findings) == 0 {
				t.Fatalf("%s: no findings: the comparison proves little", name)
			}
			for _, loaded := range []bool{false, true} {
				doc := &Document{
					Rest: kept.Rest, Accounts: kept.Accounts(),
					Account:     func(i int) (any, error) { return kept.Account(ctx, i) },
					AccountJSON: kept.AccountJSON,
				}
				if loaded {
					doc.ReadAccountJSON, doc.Summaries = kept.ReadAccountJSON, sums.Summaries(kept.Accounts())
				}
				got, err := eng.Eval(ctx, Input{Snapshot: kept, Document: doc})
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s (chunks of %d, summaries and buffers of the loader: %v): %d findings, %d not evaluated; the generic accounts give %d, %d",
						name, chunk, loaded, len(got.Findings), len(got.NotEvaluated), len(want.Findings), len(want.NotEvaluated))
				}
			}
		}
	}
}

// BenchmarkDecodeAccounts compares the ways a chunk's accounts are
// decoded for the rules, with their facts or without: the generic value,
// its conversion and the facts of the generic accounts (slow), or the
// converted value alone and the facts read from it (value: what chunks
// do).
func BenchmarkDecodeAccounts(b *testing.B) {
	raw, err := snapshot.Marshal(orggen.Generate(orggen.Options{Accounts: 100, Seed: 1}))
	if err != nil {
		b.Fatal(err)
	}
	l, err := snapshot.ParseWithOptions(context.Background(), raw, snapshot.ParseOptions{KeepAccounts: true})
	if err != nil {
		b.Fatal(err)
	}
	var accounts [][]byte
	size := 0
	for i := range l.Accounts() {
		a, _ := l.AccountJSON(i)
		accounts = append(accounts, a)
		size += len(a)
	}
	tables := newOrgTables(l.Rest, make([]AccountSummary, len(accounts)))
	for _, facts := range []bool{true, false} {
		for _, way := range []string{"slow", "value"} {
			b.Run(fmt.Sprintf("facts=%v/%s", facts, way), func(b *testing.B) {
				b.SetBytes(int64(size))
				b.ReportAllocs()
				generic := make([]any, len(accounts))
				terms := make([]*ast.Term, len(accounts))
				for b.Loop() {
					for i, a := range accounts {
						var (
							v   ast.Value
							err error
						)
						if way == "slow" {
							v, generic[i], err = slowValue(a)
						} else {
							v, err = decodeValue(context.Background(), a)
						}
						if err != nil {
							b.Fatal(err)
						}
						terms[i] = ast.NewTerm(v)
					}
					if !facts {
						continue
					}
					if way == "value" {
						tables.accountFacts(terms, nil)
					} else if _, err := convertPairs(genericAccountFacts(tables, generic, nil)); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// TestContainerSpans: where the arrays and objects are, on every seed, a
// few strings of backslashes and the fixtures' accounts, as a plain scan
// byte by byte finds them.
func TestContainerSpans(t *testing.T) {
	plain := func(raw []byte) ([]span, bool) {
		var spans []span
		var open []int32
		inString := false
		for i := 0; i < len(raw); i++ {
			c := raw[i]
			if inString {
				switch c {
				case '\\':
					i++
				case '"':
					inString = false
				}
				continue
			}
			switch c {
			case '"':
				inString = true
			case '{', '[':
				open = append(open, int32(len(spans)))
				spans = append(spans, span{start: int32(i)})
			case '}', ']':
				if len(open) == 0 {
					return spans, false
				}
				j := open[len(open)-1]
				open = open[:len(open)-1]
				spans[j].end, spans[j].after = int32(i+1), int32(len(spans))
			}
		}
		return spans, len(open) == 0 && !inString
	}
	inputs := slices.Clone(decodeSeeds)
	inputs = append(inputs, `["\\\\"]`, `["\\\\\"]"]`, `[{"a":"\\"},{"b":"\"{"}]`, `["\\`, `"\\"`, `["a\"]`)
	for _, raw := range accountJSONs(t, jsonFiles(t)) {
		inputs = append(inputs, string(raw))
	}
	for _, in := range inputs {
		want, wantOK := plain([]byte(in))
		got, _, ok := containerSpans([]byte(in), nil, nil)
		if ok != wantOK || ok && !slices.Equal(got, want) {
			t.Errorf("%s: spans %v (%v), want %v (%v)", trim(in), got, ok, want, wantOK)
		}
	}
}
