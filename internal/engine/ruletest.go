package engine

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/tester"
)

// TestResult is the outcome of one Rego test (a `test_` rule in a
// *_test.rego file).
type TestResult struct {
	File    string
	Package string
	Name    string
	Pass    bool
	Skip    bool
	// Detail says why the test failed or errored.
	Detail string
}

// RunTests runs the Rego tests of the sources with OPA's tester, under the
// same parser, capabilities and checks as evaluation (forbidden built-ins
// are rejected in tests too). Results are sorted by file and name.
func RunTests(ctx context.Context, sources []Source) ([]TestResult, error) {
	mods, err := parseSources(sources, true)
	if err != nil {
		return nil, err
	}
	if _, err := collectRules(mods); err != nil {
		return nil, err
	}
	m := make(map[string]*ast.Module, len(mods))
	for _, mod := range mods {
		m[mod.file] = mod.mod
	}
	compiler := ast.NewCompiler().
		WithCapabilities(capabilities()).
		WithDefaultRegoVersion(ast.RegoV1).
		WithEnablePrintStatements(true)
	ch, err := tester.NewRunner().
		SetCompiler(compiler).
		SetDefaultRegoVersion(ast.RegoV1).
		SetModules(m).
		RaiseBuiltinErrors(true).
		CapturePrintOutput(true).
		RunTests(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("run rule tests: %w", regoError(err))
	}
	var out []TestResult
	for r := range ch {
		tr := TestResult{Package: r.Package, Name: r.Name, Pass: r.Pass(), Skip: r.Skip}
		if r.Location != nil {
			tr.File = r.Location.File
		}
		switch {
		case r.Error != nil:
			tr.Detail = "error: " + r.Error.Error()
		case r.Fail && r.Location != nil:
			tr.Detail = fmt.Sprintf("%s:%d: %s failed", r.Location.File, r.Location.Row, r.Name)
		case r.Fail:
			tr.Detail = r.Name + " failed"
		}
		if len(r.Output) > 0 {
			tr.Detail += "; print output: " + strings.TrimSpace(string(r.Output))
		}
		out = append(out, tr)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].File != out[j].File {
			return out[i].File < out[j].File
		}
		return out[i].Name < out[j].Name
	})
	return out, nil
}
