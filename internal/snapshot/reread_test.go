package snapshot

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestKeepAccounts: the accounts decoded again, from memory or read again
// from the file, equal the whole document's; a file changed since it was
// loaded is an error, never another answer.
func TestKeepAccounts(t *testing.T) {
	ctx := context.Background()
	for _, path := range fixturePaths(t) {
		whole, err := LoadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		want := whole.Doc["accounts"].([]any)
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		tmp := filepath.Join(t.TempDir(), "snap.json")
		if err := os.WriteFile(tmp, raw, 0o600); err != nil {
			t.Fatal(err)
		}
		for _, discard := range []bool{false, true} {
			l, err := Load(ctx, tmp, ParseOptions{KeepAccounts: true, DiscardRaw: discard})
			if err != nil {
				t.Fatal(err)
			}
			if l.Doc != nil || l.Rest == nil || l.Rest["accounts"] != nil {
				t.Fatalf("%s: KeepAccounts keeps the rest of the document without the accounts, and no whole document", path)
			}
			if (l.file != nil) != discard {
				t.Errorf("%s: read again from the file: %v, want %v", path, l.file != nil, discard)
			}
			if l.Accounts() != len(want) {
				t.Fatalf("%s: %d accounts, want %d", path, l.Accounts(), len(want))
			}
			// ReadAccountJSON through one buffer, too small at first: the
			// bytes AccountJSON gives; kept in memory, the buffer is left
			// alone.
			buf := make([]byte, 0, 1)
			for i := range want {
				got, err := l.Account(ctx, i)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, want[i]) {
					t.Errorf("%s: account %d differs from the whole document's", path, i)
				}
				b, err := l.AccountJSON(i)
				if err != nil {
					t.Fatal(err)
				}
				prev := buf
				r, err := l.ReadAccountJSON(i, &buf)
				if err != nil {
					t.Fatal(err)
				}
				if string(r) != string(b) {
					t.Errorf("%s: ReadAccountJSON of account %d differs from AccountJSON", path, i)
				}
				if !discard && (cap(buf) != cap(prev) || len(buf) != len(prev)) {
					t.Errorf("%s: ReadAccountJSON of bytes in memory changed the buffer", path)
				}
			}
		}
	}
	// A changed file.
	path := fixturePaths(t)[0]
	raw, _ := os.ReadFile(path)
	tmp := filepath.Join(t.TempDir(), "snap.json")
	if err := os.WriteFile(tmp, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	l, err := Load(ctx, tmp, ParseOptions{KeepAccounts: true, DiscardRaw: true})
	if err != nil {
		t.Fatal(err)
	}
	changed := []byte(strings.Replace(string(raw), `"id"`, `"Id"`, 1))
	if err := os.WriteFile(tmp+".new", changed, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp+".new", tmp); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Account(ctx, 0); err == nil || !strings.Contains(err.Error(), "changed while it was being checked") {
		t.Errorf("a replaced file: %v, want an error", err)
	}
}
