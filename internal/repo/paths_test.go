package repo

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// root is the repository root, from this package's directory.
const root = "../.."

// outsidePrefixes are absolute paths that name something on one machine
// (a home, a work area), never in a fresh clone.
var outsidePrefixes = regexp.MustCompile(`(^|[\s"'=(:])(/work/|/home/|/root/|/Users/|/srv/|/mnt/|/opt/|~/|\$HOME/|\$\{HOME\}/)`)

// escapes reports whether a path written in dir leaves the repository.
func escapes(dir, p string) bool {
	if p == "" || filepath.IsAbs(p) || strings.Contains(p, "://") || !strings.Contains(p, "..") {
		return false
	}
	rel, err := filepath.Rel(root, filepath.Join(dir, p))
	return err != nil || rel == ".." || strings.HasPrefix(rel, "../")
}

// missing reports whether a path that starts by climbing ("../x/...")
// from dir reaches a first folder or file that is not in the repository:
// one that was beside the author's checkout, not in a stranger's clone.
func missing(dir, p string) bool {
	if escapes(dir, p) || !strings.HasPrefix(p, "../") {
		return false
	}
	base, rest := dir, p
	for strings.HasPrefix(rest, "../") {
		base, rest = filepath.Join(base, ".."), strings.TrimPrefix(rest, "../")
	}
	first, _, _ := strings.Cut(rest, "/")
	if first == "" || first == ".." || strings.ContainsAny(first, "*?[") {
		return false
	}
	_, err := os.Stat(filepath.Join(base, first))
	return err != nil
}

// problems lists the paths outside the repository that one text (a string
// literal or a script line) in dir names.
func problems(dir, text string) []string {
	var out []string
	if m := outsidePrefixes.FindStringSubmatch(text); m != nil {
		out = append(out, "names the machine path "+strings.TrimSpace(m[2]))
	}
	for _, word := range strings.FieldsFunc(text, func(r rune) bool { return strings.ContainsRune(" \t\n\"'`=(),;:$<>|", r) }) {
		switch {
		case escapes(dir, word):
			out = append(out, "names "+word+", outside the repository")
		case word == strings.TrimSpace(text) && missing(dir, word):
			out = append(out, "names "+word+", which is not in the repository")
		}
	}
	return out
}

// goTestTexts returns the string literals of a Go test file, and for each
// call whose arguments are all string literals (filepath.Join("..",
// "elsewhere")) their joined path.
func goTestTexts(t *testing.T, path string) []string {
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BasicLit:
			if n.Kind == token.STRING {
				if s, err := strconv.Unquote(n.Value); err == nil {
					out = append(out, s)
				}
			}
		case *ast.CallExpr:
			var parts []string
			for _, a := range n.Args {
				lit, ok := a.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					return true
				}
				s, _ := strconv.Unquote(lit.Value)
				parts = append(parts, s)
			}
			if len(parts) > 1 {
				out = append(out, filepath.Join(parts...))
			}
		}
		return true
	})
	return out
}

// isScript reports whether a file is a script run by make or CI.
func isScript(path string) bool {
	base := filepath.Base(path)
	return base == "Makefile" || strings.HasSuffix(base, ".sh") || strings.HasPrefix(filepath.ToSlash(path), filepath.ToSlash(filepath.Join(root, ".ci"))+"/")
}

// TestNoPathOutsideRepository fails when a Go test or a script (Makefile,
// .ci/, *.sh) refers to a path outside the repository: a relative path
// that climbs out of it or names nothing in it, or a machine's absolute
// path.
func TestNoPathOutsideRepository(t *testing.T) {
	checked := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") && name != ".ci" || name == "testdata" || name == "bin") {
				return filepath.SkipDir
			}
			return nil
		}
		var texts []string
		switch {
		case path == filepath.Join(root, "internal", "repo", "paths_test.go"):
			return nil // its own examples of outside paths
		case strings.HasSuffix(path, "_test.go"):
			texts = goTestTexts(t, path)
		case isScript(path):
			raw, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for _, line := range strings.Split(string(raw), "\n") {
				if !strings.HasPrefix(strings.TrimSpace(line), "#") { // comments read nothing
					texts = append(texts, line)
				}
			}
		default:
			return nil
		}
		checked++
		rel, _ := filepath.Rel(root, path)
		for _, text := range texts {
			for _, p := range problems(filepath.Dir(path), text) {
				t.Errorf("%s %s: %q", rel, p, text)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 20 {
		t.Fatalf("only %d tests and scripts checked", checked)
	}
}

// TestProblemsCatchesOutsidePaths shows the check failing on the paths it
// exists for, and passing on paths inside the repository.
func TestProblemsCatchesOutsidePaths(t *testing.T) {
	dir := filepath.Join(root, "internal", "cli")
	tests := []struct {
		text string
		bad  bool
	}{
		{"../elsewhere/schemas/sarif-schema-2.1.0.json", true},
		{"../../../elsewhere/x.json", true},
		{"../../../other-repo/file", true},
		{"/work/main/fixtures/a.json", true},
		{"cat ~/notes.txt", true},
		{"$HOME/.aws/config", true},
		{"../../fixtures/startup-dev-prod.json", false},
		{"testdata/golden/a.txt", false},
		{"/dev/null", false},
		{"/nonexistent/dir/s.json", false},
		{"https://example.com/../x", false},
		{"arn:aws:iam::111111111111:role/a", false},
	}
	for _, tt := range tests {
		if got := len(problems(dir, tt.text)) > 0; got != tt.bad {
			t.Errorf("%q: problem %v, want %v (%v)", tt.text, got, tt.bad, problems(dir, tt.text))
		}
	}
}
