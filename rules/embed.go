// Package rules embeds orgaudit's built-in Rego rules: one rule per file,
// each with a sibling _test.rego, plus the shared library under lib/.
package rules

import "embed"

// FS holds every built-in .rego file, tests included (the engine skips
// *_test.rego when evaluating; `go test` runs them).
//
//go:embed */*.rego
var FS embed.FS
