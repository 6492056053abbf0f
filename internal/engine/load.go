package engine

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/orgaudit/orgaudit/internal/compliance"
	"github.com/orgaudit/orgaudit/rules"
)

// RulesPackage is the Rego package prefix under which every rule lives.
const RulesPackage = "data.orgaudit.rules"

// Source is a set of Rego files: the built-in rules or a user directory.
type Source struct {
	// Name is "builtin" or the directory path; file names in errors and
	// metadata are relative to it.
	Name string
	FS   fs.FS
}

// BuiltinSource returns the rules embedded in the binary.
func BuiltinSource() Source { return Source{Name: "builtin", FS: rules.FS} }

// DirSource returns the Rego files under dir, recursively.
func DirSource(dir string) (Source, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return Source{}, fmt.Errorf("rules directory: %w", err)
	}
	if !st.IsDir() {
		return Source{}, fmt.Errorf("rules directory %s: not a directory", dir)
	}
	return Source{Name: dir, FS: os.DirFS(dir)}, nil
}

func (s Source) displayName(p string) string {
	if s.Name == "builtin" {
		return path.Join("rules", p)
	}
	return filepath.Join(s.Name, filepath.FromSlash(p))
}

// Why built-ins are forbidden: the same snapshot must give the same report
// on any machine at any time, and rules must not reach out.
const (
	reasonNetwork = "network built-ins are disabled in orgaudit rules"
	reasonClock   = "rules must be deterministic, and this built-in reads the clock: use data.orgaudit.lib.now_ns (the snapshot's collection time)"
	reasonRandom  = "rules must be deterministic"
)

// forbiddenBuiltins are rejected in every rule, on top of every built-in
// OPA marks non-deterministic (see forbiddenReason): network access and
// anything that reads the clock or draws random numbers. Pure functions
// (net.cidr_contains and the other net.cidr_* built-ins) are allowed.
var forbiddenBuiltins = map[string]string{
	"http.send":              reasonNetwork,
	"net.lookup_ip_addr":     reasonNetwork,
	"json.match_schema":      "it may fetch remote schemas: " + reasonNetwork,
	"json.verify_schema":     "it may fetch remote schemas: " + reasonNetwork,
	"opa.runtime":            "rules must not depend on the runtime environment",
	"time.now_ns":            reasonClock,
	"io.jwt.decode_verify":   reasonClock + " (tokens expire against the clock)",
	"rand.intn":              reasonRandom,
	"uuid.rfc4122":           reasonRandom,
	"io.jwt.encode_sign":     reasonRandom + " (signatures may be randomized)",
	"io.jwt.encode_sign_raw": reasonRandom + " (signatures may be randomized)",
	"crypto.x509.parse_and_verify_certificates":              reasonClock + " (certificates are checked against the clock)",
	"crypto.x509.parse_and_verify_certificates_with_options": reasonClock + " (certificates are checked against the clock)",
}

// nondeterministic holds the built-ins OPA itself marks non-deterministic.
var nondeterministic = func() map[string]bool {
	out := map[string]bool{}
	for _, b := range ast.CapabilitiesForThisVersion().Builtins {
		if b.Nondeterministic {
			out[b.Name] = true
		}
	}
	return out
}()

func forbiddenReason(name string) (string, bool) {
	if reason, ok := forbiddenBuiltins[name]; ok {
		return reason, true
	}
	if nondeterministic[name] {
		return reasonRandom + " (OPA marks it non-deterministic)", true
	}
	return "", false
}

// capabilities are OPA's capabilities for this version without the
// forbidden built-ins and without network access.
func capabilities() *ast.Capabilities {
	caps := ast.CapabilitiesForThisVersion()
	kept := caps.Builtins[:0]
	for _, b := range caps.Builtins {
		if _, bad := forbiddenReason(b.Name); !bad {
			kept = append(kept, b)
		}
	}
	caps.Builtins = kept
	caps.AllowNet = []string{}
	return caps
}

// module is one parsed Rego file.
type module struct {
	file   string // display name
	source string // Source.Name
	mod    *ast.Module
	test   bool
}

// parseSources parses every .rego file of the sources. Test files
// (*_test.rego) are included only when withTests is set.
func parseSources(sources []Source, withTests bool) ([]module, error) {
	caps := capabilities()
	var out []module
	for _, src := range sources {
		var paths []string
		err := fs.WalkDir(src.FS, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() || !strings.HasSuffix(p, ".rego") {
				return nil
			}
			paths = append(paths, p)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("read rules %s: %w", src.Name, err)
		}
		sort.Strings(paths)
		for _, p := range paths {
			isTest := strings.HasSuffix(p, "_test.rego")
			if isTest && !withTests {
				continue
			}
			name := src.displayName(p)
			b, err := fs.ReadFile(src.FS, p)
			if err != nil {
				return nil, fmt.Errorf("read rule %s: %w", name, err)
			}
			m, err := ast.ParseModuleWithOpts(name, string(b), ast.ParserOptions{
				ProcessAnnotation: true,
				RegoVersion:       ast.RegoV1,
				Capabilities:      caps,
			})
			if err != nil {
				return nil, regoError(err)
			}
			if err := checkForbidden(name, m); err != nil {
				return nil, err
			}
			out = append(out, module{file: name, source: src.Name, mod: m, test: isTest})
		}
	}
	return out, nil
}

// checkForbidden names the first forbidden built-in a module calls, with
// file and line.
func checkForbidden(file string, m *ast.Module) error {
	var found error
	check := func(ref ast.Ref, loc *ast.Location) {
		if found != nil {
			return
		}
		name := ref.String()
		if reason, bad := forbiddenReason(name); bad {
			line := 0
			if loc != nil {
				line = loc.Row
			}
			found = fmt.Errorf("%s:%d: %s is not allowed: %s", file, line, name, reason)
		}
	}
	ast.WalkExprs(m, func(e *ast.Expr) bool {
		if e.IsCall() {
			check(e.Operator(), e.Location)
		}
		return found != nil
	})
	ast.WalkTerms(m, func(t *ast.Term) bool {
		if call, ok := t.Value.(ast.Call); ok && len(call) > 0 {
			if ref, ok := call[0].Value.(ast.Ref); ok {
				check(ref, t.Location)
			}
		}
		return found != nil
	})
	return found
}

// regoError renders OPA parse and compile errors as "file:line: message",
// at most three of them, on one line.
func regoError(err error) error {
	var errs ast.Errors
	if !errors.As(err, &errs) {
		return err
	}
	var parts []string
	for _, e := range errs {
		msg := e.Message
		if e.Location != nil {
			parts = append(parts, fmt.Sprintf("%s:%d: %s", e.Location.File, e.Location.Row, msg))
		} else {
			parts = append(parts, msg)
		}
	}
	const maxShown = 3
	out := strings.Join(parts[:min(len(parts), maxShown)], "; ")
	if len(parts) > maxShown {
		out += fmt.Sprintf(" (and %d more errors)", len(parts)-maxShown)
	}
	return errors.New(out)
}

// ruleMeta extracts and checks the package-scope METADATA of a rule module.
func ruleMeta(m module) (Rule, error) {
	pkg := m.mod.Package.Path.String()
	var ann *ast.Annotations
	for _, a := range m.mod.Annotations {
		if a.Scope == "package" {
			ann = a
			break
		}
	}
	if ann == nil {
		return Rule{}, fmt.Errorf("%s: package %s has no package-scope METADATA block (every rule needs title, description and custom id, severity, remediation)", m.file, strings.TrimPrefix(pkg, "data."))
	}
	c, err := decodeCustom(ann.Custom)
	if err != nil {
		return Rule{}, fmt.Errorf("%s: %w", m.file, err)
	}
	r := Rule{
		ID:          c.ID,
		Title:       ann.Title,
		Description: strings.TrimSpace(ann.Description),
		Remediation: strings.TrimSpace(c.Remediation),
		Frameworks:  c.Frameworks,
		Requires:    c.Requires,
		Scope:       c.Scope,
		Package:     pkg,
		File:        m.file,
		Source:      m.source,
	}
	for _, rr := range ann.RelatedResources {
		r.RelatedResources = append(r.RelatedResources, rr.Ref.String())
		if d := strings.TrimSpace(rr.Description); d != "" {
			if r.ResourceDescriptions == nil {
				r.ResourceDescriptions = map[string]string{}
			}
			r.ResourceDescriptions[rr.Ref.String()] = d
		}
	}
	var missing []string
	if r.ID == "" {
		missing = append(missing, "custom.id")
	}
	if r.Title == "" {
		missing = append(missing, "title")
	}
	if r.Description == "" {
		missing = append(missing, "description")
	}
	if c.Severity == "" {
		missing = append(missing, "custom.severity")
	}
	if r.Remediation == "" {
		missing = append(missing, "custom.remediation")
	}
	if len(missing) > 0 {
		return Rule{}, fmt.Errorf("%s: METADATA lacks %s", m.file, strings.Join(missing, ", "))
	}
	if r.Severity, err = ParseSeverity(c.Severity); err != nil {
		return Rule{}, fmt.Errorf("%s: METADATA custom.severity: %w", m.file, err)
	}
	if err := compliance.CheckMapping(r.Frameworks); err != nil {
		return Rule{}, fmt.Errorf("%s: METADATA custom.frameworks: %w", m.file, err)
	}
	switch r.Scope {
	case "":
		r.Scope = ScopeOrganization
	case ScopeOrganization, ScopeAccount, ScopeTables:
	default:
		return Rule{}, fmt.Errorf("%s: METADATA custom.scope: unknown scope %q (valid: %s)", m.file, r.Scope, strings.Join(Scopes, ", "))
	}
	for _, s := range r.Requires {
		if !validSection(s) {
			return Rule{}, fmt.Errorf("%s: METADATA custom.requires: unknown snapshot section %q", m.file, s)
		}
	}
	return r, nil
}
