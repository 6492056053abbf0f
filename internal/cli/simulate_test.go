package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestSimulateGolden runs simulate on every testdata/simulate/*.input.json
// in both formats and compares the output with the golden files. Run
// `go test ./internal/cli -run Simulate -update` to rewrite them.
func TestSimulateGolden(t *testing.T) {
	inputs, err := filepath.Glob("testdata/simulate/*.input.json")
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no inputs: %v", err)
	}
	for _, input := range inputs {
		name := strings.TrimSuffix(filepath.Base(input), ".input.json")
		for _, format := range []string{"table", "json"} {
			t.Run(name+"/"+format, func(t *testing.T) {
				var out, errOut bytes.Buffer
				code := Execute(context.Background(), []string{"simulate", "--input", input, "--format", format}, strings.NewReader(""), &out, &errOut)
				if code != ExitOK || errOut.Len() > 0 {
					t.Fatalf("exit %d, stderr %q", code, errOut.String())
				}
				if format == "table" {
					// "text", the format's former name, is an alias.
					var alias bytes.Buffer
					Execute(context.Background(), []string{"simulate", "--input", input, "--format", "text"}, strings.NewReader(""), &alias, &errOut)
					if alias.String() != out.String() {
						t.Error("--format text differs from --format table")
					}
				}
				ext := map[string]string{"table": ".golden.txt", "json": ".golden.json"}[format]
				golden := filepath.Join("testdata", "simulate", name+ext)
				if *update {
					if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run with -update to create it)", err)
				}
				if !bytes.Equal(out.Bytes(), want) {
					t.Errorf("output differs from %s (run with -update to accept):\n%s", golden, out.String())
				}
			})
		}
	}
}

func TestSimulateStdin(t *testing.T) {
	in, err := os.ReadFile("testdata/simulate/single-carlos-logs-denied.input.json")
	if err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	code := Execute(context.Background(), []string{"simulate", "--input", "-", "--format", "json"}, bytes.NewReader(in), &out, &errOut)
	if code != ExitOK || !strings.Contains(out.String(), `"decision": "ExplicitlyDenied"`) {
		t.Fatalf("exit %d, stdout %s, stderr %s", code, out.String(), errOut.String())
	}
}

func TestSimulateInputErrors(t *testing.T) {
	cases := []struct {
		name  string
		args  []string
		stdin string
		want  string
	}{
		{"no input flag", []string{"simulate"}, "", "--input is required"},
		{"bad format", []string{"simulate", "--input", "-", "--format", "yaml"}, "{}", `unknown format "yaml" for simulate (valid: table, json)`},
		{"misspelt format", []string{"simulate", "--input", "-", "--format", "tabel"}, "{}", "did you mean table?"},
		{"missing file", []string{"simulate", "--input", "testdata/simulate/nope.json"}, "", "read simulation input testdata/simulate/nope.json"},
		{"not json", []string{"simulate", "--input", "-"}, "nope", "read simulation input standard input: invalid JSON at line 1, column 2: invalid character 'o' in literal null"},
		{"not json inside", []string{"simulate", "--input", "-"}, "{\n  nope", "read simulation input standard input: invalid JSON at line 2, column 4"},
		{"duplicate key", []string{"simulate", "--input", "-"}, `{"request":{"principal":"a","action":"s3:GetObject","action":"s3:PutObject"}}`, `invalid JSON at line 1, column 53: duplicate key "action" in $.request`},
		{"invalid UTF-8", []string{"simulate", "--input", "-"}, "{\"request\":{\"principal\":\"\xff\",\"action\":\"s3:GetObject\"}}", "invalid UTF-8"},
		{"over the size cap", []string{"simulate", "--input", "-", "--max-input-size", "64"}, `{"request":{"principal":"arn:aws:iam::111122223333:user/a","action":"s3:GetObject"}}`, "standard input is larger than the limit of 64 bytes (raise it with --max-input-size)"},
		{"file over the size cap", []string{"simulate", "--input", "testdata/simulate/requests.jsonl", "--max-input-size", "1KiB"}, "", "testdata/simulate/requests.jsonl is larger than the limit of 1 KiB"},
		{"unknown field", []string{"simulate", "--input", "-"}, `{"request":{"principal":"a","action":"s3:GetObject"},"identity_policy":[]}`, `unknown field "identity_policy"`},
		{"missing action", []string{"simulate", "--input", "-"}, `{"request":{"principal":"a"}}`, "request.action is required"},
		{"bad policy", []string{"simulate", "--input", "-"}, `{"request":{"principal":"a","action":"s3:GetObject"},"scps":[[{"Statement":{"Effect":"Allow"}}]]}`, "scps[0][0]: policy: statement 0: missing Action or NotAction"},
		{"bad context", []string{"simulate", "--input", "-"}, `{"request":{"principal":"a","action":"s3:GetObject","context":{"k":{"x":1}}}}`, "context value must be"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := Execute(context.Background(), c.args, strings.NewReader(c.stdin), &out, &errOut)
			if code != ExitUsage {
				t.Errorf("exit %d, want %d", code, ExitUsage)
			}
			msg := errOut.String()
			if strings.Count(msg, "\n") != 1 || !strings.Contains(msg, c.want) {
				t.Errorf("stderr %q, want one line containing %q", msg, c.want)
			}
			if out.Len() != 0 {
				t.Errorf("stdout %q, want nothing", out.String())
			}
		})
	}
}

// TestSimulateSnapshotGolden evaluates requests with the policies of the
// bundled fixtures (go test ./internal/cli -update rewrites the goldens).
func TestSimulateSnapshotGolden(t *testing.T) {
	chdirRoot(t)
	cases := []struct {
		name string
		args []string
	}{
		{"mfa-unknown", []string{"--snapshot", "fixtures/identity-account-ous.json", "--principal", "arn:aws:iam::500000000001:user/ali", "--action", "sts:AssumeRole",
			"--resource", "arn:aws:iam::700000000001:role/ProdAdmin", "--unknown", "aws:MultiFactorAuthPresent"}},
		{"mfa-absent", []string{"--snapshot", "fixtures/identity-account-ous.json", "--principal", "arn:aws:iam::500000000001:user/ali", "--action", "sts:AssumeRole",
			"--resource", "arn:aws:iam::700000000001:role/ProdAdmin"}},
		{"grant-without-trust", []string{"--snapshot", "fixtures/identity-account-ous.json", "--principal", "arn:aws:iam::500000000001:user/sam", "--action", "sts:AssumeRole",
			"--resource", "arn:aws:iam::700000000002:role/ReadOnly", "--context", "aws:MultiFactorAuthPresent=true"}},
		{"scp-and-group", []string{"--snapshot", "fixtures/consultancy-clients.json", "--principal", "arn:aws:iam::100000000001:user/alice", "--action", "sts:AssumeRole",
			"--resource", "arn:aws:iam::200000000003:role/org-readonly"}},
		{"not-a-role-resource", []string{"--snapshot", "fixtures/startup-dev-prod.json", "--principal", "arn:aws:iam::111111111111:user/dave", "--action", "s3:GetObject",
			"--resource", "arn:aws:s3:::bucket/key", "--context", "aws:SourceIp=10.0.0.1"}},
	}
	for _, c := range cases {
		for format, ext := range map[string]string{"table": "txt", "json": "json"} {
			name := "simulate-snapshot/" + c.name + "." + ext
			t.Run(name, func(t *testing.T) {
				r := run(t, append([]string{"simulate", "--format", format, "--quiet"}, c.args...)...)
				if r.code != ExitOK || r.stderr != "" {
					t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
				}
				golden(t, name, r.stdout)
			})
		}
	}
}

func TestSimulateSnapshotErrors(t *testing.T) {
	chdirRoot(t)
	fx := "fixtures/identity-account-ous.json"
	ali := "arn:aws:iam::500000000001:user/ali"
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"neither", []string{"simulate"}, "or --snapshot FILE"},
		{"both", []string{"simulate", "--input", "x.json", "--snapshot", fx}, "cannot be used together"},
		{"principal without snapshot", []string{"simulate", "--input", "x.json", "--principal", ali}, "--principal needs --snapshot"},
		{"no principal", []string{"simulate", "--snapshot", fx, "--action", "sts:AssumeRole"}, "--principal is required"},
		{"no action", []string{"simulate", "--snapshot", fx, "--principal", ali}, "--action is required"},
		{"bad action", []string{"simulate", "--snapshot", fx, "--principal", ali, "--action", "AssumeRole"}, "use service:Action"},
		{"bad context", []string{"simulate", "--snapshot", fx, "--principal", ali, "--action", "sts:AssumeRole", "--context", "aws:SourceIp"}, "use KEY=VALUE"},
		{"empty key", []string{"simulate", "--snapshot", fx, "--principal", ali, "--action", "sts:AssumeRole", "--context", "=x"}, "empty key"},
		{"unknown and context", []string{"simulate", "--snapshot", fx, "--principal", ali, "--action", "sts:AssumeRole", "--context", "k=v", "--unknown", "k"}, "also set with --context"},
		{"unknown principal", []string{"simulate", "--snapshot", fx, "--principal", "arn:aws:iam::500000000001:user/nobody", "--action", "sts:AssumeRole"}, "is not an IAM user or role of the snapshot"},
		{"misspelt principal names the nearest", []string{"simulate", "--snapshot", fx, "--principal", "arn:aws:iam::500000000001:user/alli", "--action", "sts:AssumeRole"}, "(nearest: arn:aws:iam::500000000001:user/ali, "},
		{"principal in a gap", []string{"simulate", "--snapshot", fx, "--principal", "arn:aws:iam::600000000009:role/x", "--action", "sts:AssumeRole"}, "IAM data of account 600000000009 is missing"},
		{"missing snapshot", []string{"simulate", "--snapshot", "nope.json", "--principal", ali, "--action", "sts:AssumeRole"}, "read snapshot"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := run(t, c.args...)
			assertCleanError(t, r, ExitUsage, c.want)
		})
	}
}

// TestSimulateMisspeltResource: a role ARN the snapshot does not hold is
// said on stderr, with the nearest ARNs, and the decision still printed.
func TestSimulateMisspeltResource(t *testing.T) {
	chdirRoot(t)
	r := run(t, "simulate", "--snapshot", "fixtures/identity-account-ous.json", "--principal", "arn:aws:iam::500000000001:user/ali",
		"--action", "sts:AssumeRole", "--resource", "arn:aws:iam::700000000001:role/ProdAdmn", "--exit-code")
	if r.code != ExitFindings || !strings.Contains(r.stdout, "Decision:  ImplicitlyDenied") {
		t.Fatalf("exit %d, stdout %q", r.code, r.stdout)
	}
	want := "resource arn:aws:iam::700000000001:role/ProdAdmn is not a user or role of the snapshot (nearest: arn:aws:iam::700000000001:role/ProdAdmin, "
	if !strings.Contains(r.stderr, want) {
		t.Errorf("stderr %q, want %q", r.stderr, want)
	}
	r = run(t, "simulate", "--snapshot", "fixtures/identity-account-ous.json", "--principal", "arn:aws:iam::500000000001:user/ali",
		"--action", "sts:AssumeRole", "--resource", "arn:aws:iam::600000000009:role/x", "--quiet")
	if r.code != ExitOK {
		t.Errorf("without --exit-code a denial exits %d", r.code)
	}
}

// TestSimulateExitCode: --exit-code gives 0 for allowed, 1 for denied, 2
// for an error.
func TestSimulateExitCode(t *testing.T) {
	allowed := `{"request":{"principal":"arn:aws:iam::111122223333:user/a","action":"s3:GetObject","resource":"arn:aws:s3:::b/k"},"identity_policies":[{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}]}`
	denied := `{"request":{"principal":"arn:aws:iam::111122223333:user/a","action":"s3:PutObject","resource":"arn:aws:s3:::b/k"}}`
	for _, c := range []struct {
		name, stdin string
		args        []string
		want        int
	}{
		{"allowed", allowed, []string{"--exit-code"}, ExitOK},
		{"denied", denied, []string{"--exit-code"}, ExitFindings},
		{"denied without the flag", denied, nil, ExitOK},
		{"error", `{"request":{}}`, []string{"--exit-code"}, ExitUsage},
		{"denied as JSON", denied, []string{"--exit-code", "--format", "json"}, ExitFindings},
	} {
		t.Run(c.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := Execute(context.Background(), append([]string{"simulate", "--input", "-"}, c.args...), strings.NewReader(c.stdin), &out, &errOut)
			if code != c.want {
				t.Errorf("exit %d, want %d (stderr %q)", code, c.want, errOut.String())
			}
		})
	}
}

// TestSimulateBatch: JSON Lines in, one JSON decision per line out, in
// order; a bad line gets its error in its line and the run goes on (exit 2
// at the end); --exit-code gives 1 when a line is denied.
func TestSimulateBatch(t *testing.T) {
	allowed := `{"request":{"principal":"arn:aws:iam::111122223333:user/a","action":"sts:GetCallerIdentity"}}`
	denied := `{"request":{"principal":"arn:aws:iam::111122223333:user/a","action":"s3:PutObject","resource":"arn:aws:s3:::b/k"}}`
	type line struct {
		Line     int    `json:"line"`
		Decision string `json:"decision"`
		Error    string `json:"error"`
	}
	decode := func(t *testing.T, s string) []line {
		t.Helper()
		var out []line
		for _, l := range strings.Split(strings.TrimSuffix(s, "\n"), "\n") {
			var v line
			if err := json.Unmarshal([]byte(l), &v); err != nil {
				t.Fatalf("output line %q: %v", l, err)
			}
			out = append(out, v)
		}
		return out
	}
	cases := []struct {
		name, stdin string
		args        []string
		want        []line
		code        int
	}{
		{"in order", allowed + "\n" + denied + "\n" + allowed + "\n", nil,
			[]line{{1, "Allowed", ""}, {2, "ImplicitlyDenied", ""}, {3, "Allowed", ""}}, ExitOK},
		{"exit code", allowed + "\n" + denied + "\n", []string{"--exit-code"}, []line{{1, "Allowed", ""}, {2, "ImplicitlyDenied", ""}}, ExitFindings},
		{"all allowed", allowed + "\n\n" + allowed, []string{"--exit-code"}, []line{{1, "Allowed", ""}, {3, "Allowed", ""}}, ExitOK},
		{"a bad line", allowed + "\n{\"request\":{\"principal\":\"x\"}}\nnot json\n" + denied + "\n", []string{"--exit-code"},
			[]line{{1, "Allowed", ""}, {2, "", "invalid simulation input: request.action is required"}, {3, "", "invalid JSON at column 2: invalid character 'o' in literal null (expecting 'u')"}, {4, "ImplicitlyDenied", ""}}, ExitUsage},
		{"a duplicate key", allowed + "\n" + `{"request":{"principal":"a","action":"s3:GetObject","action":"s3:PutObject"}}` + "\n", nil,
			[]line{{1, "Allowed", ""}, {2, "", `invalid JSON at column 53: duplicate key "action" in $.request`}}, ExitUsage},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := Execute(context.Background(), append([]string{"simulate", "--input", "-"}, c.args...), strings.NewReader(c.stdin), &out, &errOut)
			if code != c.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, c.code, errOut.String())
			}
			if got := decode(t, out.String()); !reflect.DeepEqual(got, c.want) {
				t.Errorf("lines %+v, want %+v", got, c.want)
			}
		})
	}
	// A .jsonl file with a single line is a batch too.
	dir := t.TempDir()
	path := filepath.Join(dir, "one.jsonl")
	if err := os.WriteFile(path, []byte(denied+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if code := Execute(context.Background(), []string{"simulate", "--input", path}, strings.NewReader(""), &out, &errOut); code != ExitOK || !strings.HasPrefix(out.String(), `{"line":1,"decision":"ImplicitlyDenied"`) {
		t.Errorf("exit %d, stdout %q", code, out.String())
	}
}

// BenchmarkSimulateBatch runs `orgaudit simulate --input -` on JSON Lines
// of the policy corpus (every case once per pass), output included:
// decisions/s is the batch throughput.
func BenchmarkSimulateBatch(b *testing.B) {
	files, err := filepath.Glob("../policy/testdata/cases/*.json")
	if err != nil || len(files) == 0 {
		b.Fatalf("no cases: %v", err)
	}
	var in bytes.Buffer
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		if err := json.Compact(&in, raw); err != nil {
			b.Fatal(err)
		}
		in.WriteByte('\n')
	}
	b.ReportAllocs()
	for b.Loop() {
		var out, errOut bytes.Buffer
		if code := Execute(context.Background(), []string{"simulate", "--input", "-"}, bytes.NewReader(in.Bytes()), &out, &errOut); code != ExitOK {
			b.Fatalf("exit %d: %s", code, errOut.String())
		}
	}
	b.ReportMetric(float64(len(files)*b.N)/b.Elapsed().Seconds(), "decisions/s")
}

func TestParseContextFlags(t *testing.T) {
	got, err := parseContextFlags([]string{"aws:TagKeys=a", "aws:tagkeys=b", "aws:SourceIp=10.0.0.1", "sts:ExternalId=", "k=v=w"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{"aws:TagKeys": {"a", "b"}, "aws:SourceIp": {"10.0.0.1"}, "sts:ExternalId": {""}, "k": {"v=w"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func FuzzParseContextFlags(f *testing.F) {
	for _, s := range []string{"aws:SourceIp=10.0.0.1", "k=", "=v", "novalue", "a b=c", "k=v=w"} {
		f.Add(s, "aws:TagKeys=x")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		m, err := parseContextFlags([]string{a, b})
		if err != nil {
			return
		}
		n := 0
		for k, vs := range m {
			if k == "" || strings.ContainsAny(k, " \t\n\r") {
				t.Fatalf("bad key %q", k)
			}
			n += len(vs)
		}
		if n != 2 {
			t.Fatalf("%d values from two flags: %v", n, m)
		}
	})
}

// TestSimulateOutputFile: --output writes the decision (or a batch's JSON
// Lines) to a file with mode 0600 and nothing to stdout; the file holds
// what stdout would have.
func TestSimulateOutputFile(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name, input string
		args        []string
	}{
		{"single as table", "testdata/simulate/single-carlos-logs-denied.input.json", nil},
		{"single as json", "testdata/simulate/single-carlos-logs-denied.input.json", []string{"--format", "json"}},
		{"batch", "testdata/simulate/requests.jsonl", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"simulate", "--input", c.input}, c.args...)
			var want, errOut bytes.Buffer
			if code := Execute(context.Background(), args, strings.NewReader(""), &want, &errOut); code != ExitOK {
				t.Fatalf("exit %d: %s", code, errOut.String())
			}
			path := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "-"))
			var out bytes.Buffer
			if code := Execute(context.Background(), append(args, "--output", path), strings.NewReader(""), &out, &errOut); code != ExitOK || out.Len() > 0 {
				t.Fatalf("exit %d, stdout %q: %s", code, out.String(), errOut.String())
			}
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want.Bytes()) {
				t.Errorf("file:\n%s\nstdout:\n%s", got, want.String())
			}
			if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
				t.Errorf("mode %v (%v), want 0600", st.Mode().Perm(), err)
			}
		})
	}
}
