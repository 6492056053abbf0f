package snapshot

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/orgaudit/orgaudit/internal/input"
)

func fixturePaths(t testing.TB) []string {
	t.Helper()
	paths, err := filepath.Glob("../../fixtures/*.json")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no fixtures found: %v", err)
	}
	return paths
}

// addFixtureSeeds adds every fixture to a fuzz target's seed corpus.
func addFixtureSeeds(f *testing.F) {
	f.Helper()
	for _, p := range fixturePaths(f) {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

func TestFixturesLoad(t *testing.T) {
	for _, p := range fixturePaths(t) {
		t.Run(filepath.Base(p), func(t *testing.T) {
			l, err := LoadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if l.Snapshot.SchemaVersion != SchemaVersion || len(l.Snapshot.Accounts) == 0 {
				t.Errorf("unexpected snapshot: version %q, %d accounts", l.Snapshot.SchemaVersion, len(l.Snapshot.Accounts))
			}
		})
	}
}

// TestMarshalRoundTrip checks that the model holds every field of the
// fixtures: decoding and encoding again gives the same JSON document.
func TestMarshalRoundTrip(t *testing.T) {
	for _, p := range fixturePaths(t) {
		t.Run(filepath.Base(p), func(t *testing.T) {
			l, err := LoadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			out, err := Marshal(l.Snapshot)
			if err != nil {
				t.Fatal(err)
			}
			again, err := input.DecodeJSON(context.Background(), out)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(again, any(l.Doc)) {
				t.Errorf("re-encoding %s changes it: the model drops or alters a field", p)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	valid, err := os.ReadFile("../../fixtures/startup-dev-prod.json")
	if err != nil {
		t.Fatal(err)
	}
	mutate := func(old, new string) string {
		s := strings.Replace(string(valid), old, new, 1)
		if s == string(valid) {
			t.Fatalf("mutation %q found nothing to replace", old)
		}
		return s
	}
	tests := []struct {
		name  string
		input string
		want  []string
	}{
		{"empty", "", []string{"invalid JSON", "empty"}},
		{"truncated", "{\n  \"a\": [1,\n", []string{"invalid JSON", "line 3"}},
		{"bad token", "{\n  \"a\": tru\n}", []string{"invalid JSON", "line 2, column 11"}},
		{"duplicate top-level key", mutate(`"accounts": [`, `"accounts": [], "accounts": [`), []string{"invalid JSON at line", `duplicate key "accounts" in $`}},
		{"duplicate deep key", mutate(`"id": "222222222222",`, `"id": "222222222222", "id": "222222222223",`), []string{"invalid JSON at line", `duplicate key "id" in $.accounts[1]`}},
		{"invalid UTF-8", mutate(`"name": "master"`, "\"name\": \"mas\xffter\""), []string{"invalid JSON at line", "invalid UTF-8", "$.accounts"}},
		{"trailing data", "{} {}", []string{"invalid JSON", "after the top-level value"}},
		{"not an object", "[]", []string{"top-level JSON value must be an object"}},
		{"no version", "{}", []string{"$.schema_version"}},
		{"numeric version", `{"schema_version": 1}`, []string{"$.schema_version must be a string"}},
		{"unknown version", `{"schema_version": "2"}`, []string{`unsupported schema_version "2"`, `reads schema_version "1"`}},
		{"missing account id", mutate(`"id": "222222222222",`, ``), []string{"missing required field $.accounts[1].id"}},
		{"bad account id", mutate(`"id": "222222222222"`, `"id": "2222"`), []string{"$.accounts[1].id"}},
		{"bad date", mutate(`"collected_at": "2026-11-01T06:00:00Z"`, `"collected_at": "yesterday"`), []string{"$.metadata.collected_at"}},
		{"policy as escaped string", mutate(`"trust_policy": {`, `"trust_policy": "%7B%22Statement%22%3A%5B%5D%7D", "x": {`), []string{"$.accounts[1].iam.roles[0]"}},
		{"unknown field", mutate(`"status": "ACTIVE",`, `"status": "ACTIVE", "colour": "red",`), []string{"colour"}},
		{"bad gap section", mutate(`"gaps": []`, `"gaps": [{"section": "iam.everything", "operation": "x", "error_code": "y", "message": "z"}]`), []string{"$.metadata.gaps[0].section"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.input))
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans lines: %q", err)
			}
		})
	}
}

func TestWriteFileIsAtomicAnd0600(t *testing.T) {
	l, err := LoadFile("../../fixtures/startup-dev-prod.json")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "snap.json")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(path, l.Snapshot); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", st.Mode().Perm())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
	if _, err := LoadFile(path); err != nil {
		t.Errorf("written snapshot does not load: %v", err)
	}
	if err := WriteFile(filepath.Join(dir, "missing", "snap.json"), l.Snapshot); err == nil {
		t.Error("writing into a missing directory should fail")
	}
}

func TestIndex(t *testing.T) {
	l, err := LoadFile("../../fixtures/identity-account-ous.json")
	if err != nil {
		t.Fatal(err)
	}
	ix := NewIndex(l.Snapshot)
	tests := []struct {
		name string
		got  any
		want any
	}{
		{"ancestors of nested account", strings.Join(ix.Ancestors("700000000001"), ","), "ou-env1-prodwork,ou-env1-prod,r-env1"},
		{"account in nested OU", ix.InOU("700000000002", "ou-env1-prod"), true},
		{"account not in OU", ix.InOU("600000000001", "ou-env1-prod"), false},
		{"container name", ix.ContainerName("ou-env1-prodwork"), "Workloads"},
		{"management", ix.IsManagementAccount("500000000000"), true},
		{"accounts by name ignore case", len(ix.AccountsNamed("PROD-WEB")), 1},
		{"credential report gap", ix.HasGap("600000000002", SectionCredentialReport), true},
		{"whole-account gap covers sections", ix.HasGap("600000000009", SectionAuthDetails), true},
		{"no gap", ix.HasGap("700000000001", SectionCredentialReport), false},
		{"aws managed policy", ix.PolicyDocument("arn:aws:iam::aws:policy/AdministratorAccess") != nil, true},
		{"customer managed policy", ix.PolicyDocument("arn:aws:iam::700000000002:policy/DataBoundary") != nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %v, want %v", tt.got, tt.want)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	addFixtureSeeds(f)
	f.Add([]byte(`{"schema_version": "1"}`))
	f.Add([]byte(`{"schema_version": "1", "accounts": [{"id": 1}]}`))
	f.Add([]byte("\xff\xfe"))
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := Parse(data)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("multi-line error: %q", err)
			}
			return
		}
		// Whatever validates must round-trip through the model.
		if _, err := Marshal(l.Snapshot); err != nil {
			t.Errorf("valid snapshot does not marshal: %v", err)
		}
		_ = NewIndex(l.Snapshot)
	})
}

// endless never ends: a snapshot's opening, then whitespace forever.
type endless struct{ started bool }

func (e *endless) Read(p []byte) (int, error) {
	if !e.started {
		e.started = true
		return copy(p, `{"schema_version": "1", "accounts": [`), nil
	}
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}

func TestLoadBounds(t *testing.T) {
	path := "../../fixtures/startup-dev-prod.json"
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	size := int64(len(raw))

	t.Run("at the cap", func(t *testing.T) {
		if _, err := Load(ctx, path, ParseOptions{MaxSize: size}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("over the cap", func(t *testing.T) {
		_, err := Load(ctx, path, ParseOptions{MaxSize: size - 1})
		if !input.IsTooLarge(err) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "--max-input-size") {
			t.Fatalf("Load over the cap: %v", err)
		}
	})
	t.Run("stream over the cap", func(t *testing.T) {
		_, err := Read(ctx, &endless{}, ParseOptions{MaxSize: 1 << 20})
		if !input.IsTooLarge(err) {
			t.Fatalf("Read of an endless stream: %v, want the size cap", err)
		}
	})
	t.Run("endless stream canceled", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := Read(ctx, &endless{}, ParseOptions{MaxSize: 1 << 62})
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Read of an endless stream: %v, want the context's error", err)
		}
		if took := time.Since(start); took > 5*time.Second {
			t.Errorf("took %s to stop", took)
		}
	})
	t.Run("canceled before decoding", func(t *testing.T) {
		ctx, cancel := context.WithCancel(ctx)
		cancel()
		called := false
		_, err := ParseWithOptions(ctx, raw, ParseOptions{AfterDecode: func(map[string]any, *Snapshot) { called = true }})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("ParseWithOptions after cancel: %v", err)
		}
		_ = called // AfterDecode may or may not have run; its work is discarded
	})
}

// TestPrefetch: a snapshot read in the background loads as Load loads it,
// with Load's errors, and Close stops a read blocked on a silent pipe.
func TestPrefetch(t *testing.T) {
	ctx := context.Background()
	opts := ParseOptions{KeepAccounts: true, DiscardRaw: true}
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"schema_version": `), 0o600); err != nil {
		t.Fatal(err)
	}
	paths := append(fixturePaths(t), filepath.Join(dir, "missing.json"), bad)
	for _, p := range paths {
		t.Run(filepath.Base(p), func(t *testing.T) {
			want, wantErr := Load(ctx, p, opts)
			pre := Prefetch(ctx, p, 0)
			time.Sleep(time.Millisecond) // let the read run ahead
			got, err := pre.Load(ctx, opts)
			if (err == nil) != (wantErr == nil) || (err != nil && err.Error() != wantErr.Error()) {
				t.Fatalf("error %v, want %v", err, wantErr)
			}
			if err != nil {
				return
			}
			if !reflect.DeepEqual(got.Snapshot, want.Snapshot) || !reflect.DeepEqual(got.Rest, want.Rest) || got.Accounts() != want.Accounts() {
				t.Fatal("prefetched snapshot differs from the loaded one")
			}
			for i := range got.Accounts() {
				a, err := got.AccountJSON(i)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := want.AccountJSON(i)
				if string(a) != string(b) {
					t.Fatalf("account %d differs", i)
				}
			}
		})
	}
	t.Run("closed while blocked", func(t *testing.T) {
		fifo := filepath.Join(dir, "fifo")
		if err := syscall.Mkfifo(fifo, 0o600); err != nil {
			t.Skipf("mkfifo: %v", err)
		}
		// Held open read-write (Linux does not block on that), the pipe
		// has a writer that never writes.
		w, err := os.OpenFile(fifo, os.O_RDWR, 0)
		if err != nil {
			t.Skipf("open the pipe: %v", err)
		}
		defer w.Close()
		pre := Prefetch(ctx, fifo, 0)
		time.Sleep(20 * time.Millisecond)
		start := time.Now()
		pre.Close()
		if took := time.Since(start); took > 5*time.Second {
			t.Errorf("Close took %s", took)
		}
	})
}
