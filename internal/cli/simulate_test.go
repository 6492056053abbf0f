package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
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
		for _, format := range []string{"text", "json"} {
			t.Run(name+"/"+format, func(t *testing.T) {
				var out, errOut bytes.Buffer
				code := Execute(context.Background(), []string{"simulate", "--input", input, "--format", format}, strings.NewReader(""), &out, &errOut)
				if code != ExitOK || errOut.Len() > 0 {
					t.Fatalf("exit %d, stderr %q", code, errOut.String())
				}
				ext := map[string]string{"text": ".golden.txt", "json": ".golden.json"}[format]
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
		{"bad format", []string{"simulate", "--input", "-", "--format", "yaml"}, "{}", `invalid --format "yaml"`},
		{"missing file", []string{"simulate", "--input", "testdata/simulate/nope.json"}, "", "read simulation input testdata/simulate/nope.json"},
		{"not json", []string{"simulate", "--input", "-"}, "nope", "decode simulation input"},
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
