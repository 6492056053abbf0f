// Package engine evaluates orgaudit's Rego rules over a snapshot. Built-in
// rules (embedded) and user rule directories load through the same path;
// everything is compiled once and all rules are evaluated in a single query,
// so shared helper rules are computed once per run.
//
// A rule is a Rego v1 module in a package under orgaudit.rules with a
// package-scope METADATA block (title, description, related_resources, and
// custom: id, severity, remediation, frameworks, requires) and a
// `deny contains result` rule whose results are objects
// {resource, account_id, message, evidence, key?}.
package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage"
	"github.com/open-policy-agent/opa/v1/storage/inmem"

	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// Options configure an Engine.
type Options struct {
	// Sources are the rule sources; BuiltinSource is not added implicitly.
	Sources []Source
	// Data is mounted under data.orgaudit (e.g. "config" becomes
	// data.orgaudit.config). It must not use the key "rules" or "lib".
	Data map[string]any
}

// Engine holds compiled rules ready to evaluate.
type Engine struct {
	rules []Rule
	query rego.PreparedEvalQuery
}

// New loads, checks and compiles the rules of every source.
func New(ctx context.Context, opts Options) (*Engine, error) {
	mods, err := parseSources(opts.Sources, false)
	if err != nil {
		return nil, err
	}
	compiler, err := compile(mods)
	if err != nil {
		return nil, err
	}
	rules, err := collectRules(mods)
	if err != nil {
		return nil, err
	}
	store, err := dataStore(opts.Data)
	if err != nil {
		return nil, err
	}
	q, err := rego.New(
		rego.Query(resultQuery(rules)),
		rego.Compiler(compiler),
		rego.Store(store),
		rego.StrictBuiltinErrors(true),
	).PrepareForEval(ctx)
	if err != nil {
		return nil, fmt.Errorf("prepare rules: %w", regoError(err))
	}
	return &Engine{rules: rules, query: q}, nil
}

func compile(mods []module) (*ast.Compiler, error) {
	m := make(map[string]*ast.Module, len(mods))
	for _, mod := range mods {
		m[mod.file] = mod.mod
	}
	c := ast.NewCompiler().
		WithCapabilities(capabilities()).
		WithDefaultRegoVersion(ast.RegoV1).
		WithUseTypeCheckAnnotations(true)
	c.Compile(m)
	if c.Failed() {
		return nil, regoError(c.Errors)
	}
	return c, nil
}

// collectRules finds the rule modules (packages under orgaudit.rules),
// decodes their metadata and checks ids are unique and a deny rule exists.
func collectRules(mods []module) ([]Rule, error) {
	var rules []Rule
	byID := map[string]string{}
	byPkg := map[string]string{}
	for _, m := range mods {
		if m.test {
			continue
		}
		pkg := m.mod.Package.Path.String()
		if !strings.HasPrefix(pkg, RulesPackage+".") {
			continue // a library module
		}
		if prev, ok := byPkg[pkg]; ok {
			return nil, fmt.Errorf("%s: package %s is already defined by %s (one rule per package)", m.file, strings.TrimPrefix(pkg, "data."), prev)
		}
		byPkg[pkg] = m.file
		r, err := ruleMeta(m)
		if err != nil {
			return nil, err
		}
		if prev, ok := byID[r.ID]; ok {
			return nil, fmt.Errorf("%s: rule id %s is already used by %s", m.file, r.ID, prev)
		}
		byID[r.ID] = m.file
		if !definesDeny(m.mod) {
			return nil, fmt.Errorf("%s: rule %s defines no deny rule (want `deny contains result if { ... }`)", m.file, r.ID)
		}
		rules = append(rules, r)
	}
	sort.Slice(rules, func(i, j int) bool { return rules[i].ID < rules[j].ID })
	return rules, nil
}

func definesDeny(m *ast.Module) bool {
	for _, r := range m.Rules {
		if ref := r.Head.Ref(); len(ref) == 1 && ref[0].Equal(ast.VarTerm("deny")) {
			return true
		}
	}
	return false
}

// resultQuery builds one query that evaluates every rule's deny set.
func resultQuery(rules []Rule) string {
	var b strings.Builder
	b.WriteString("result := {")
	for i, r := range rules {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%q: %s.deny", r.ID, r.Package)
	}
	b.WriteString("}")
	return b.String()
}

func dataStore(data map[string]any) (storage.Store, error) {
	for _, k := range []string{"rules", "lib"} {
		if _, ok := data[k]; ok {
			return nil, fmt.Errorf("engine data must not use the key %q", k)
		}
	}
	root := map[string]any{"orgaudit": map[string]any{}}
	for k, v := range data {
		root["orgaudit"].(map[string]any)[k] = v
	}
	return inmem.NewFromObjectWithOpts(root, inmem.OptRoundTripOnWrite(true)), nil
}

// Rules returns the metadata of every loaded rule, sorted by id.
func (e *Engine) Rules() []Rule { return slices.Clone(e.rules) }

// Input is what rules see as `input`: the snapshot document, plus derived
// documents (such as the access graph) under their own top-level keys.
type Input struct {
	// Snapshot is the loaded snapshot; its generic document becomes input.
	Snapshot *snapshot.Loaded
	// Extra adds top-level input keys; they must not collide with
	// snapshot keys.
	Extra map[string]any
}

// Eval runs every rule over the input once and returns findings and the
// checks that could not be evaluated because of gaps, both sorted.
func (e *Engine) Eval(ctx context.Context, in Input) (*Result, error) {
	doc := in.Snapshot.Doc
	if len(in.Extra) > 0 {
		doc = make(map[string]any, len(in.Snapshot.Doc)+len(in.Extra))
		for k, v := range in.Snapshot.Doc {
			doc[k] = v
		}
		for k, v := range in.Extra {
			if _, clash := in.Snapshot.Doc[k]; clash {
				return nil, fmt.Errorf("input key %q is already a snapshot field", k)
			}
			doc[k] = v
		}
	}
	val, err := ast.InterfaceToValue(doc)
	if err != nil {
		return nil, fmt.Errorf("convert snapshot for rules: %w", err)
	}
	rs, err := e.query.Eval(ctx, rego.EvalParsedInput(val))
	if err != nil {
		return nil, fmt.Errorf("evaluate rules: %w", regoError(err))
	}
	if len(rs) != 1 {
		return nil, fmt.Errorf("evaluate rules: query returned %d results", len(rs))
	}
	out, ok := rs[0].Bindings["result"].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("evaluate rules: unexpected result %T", rs[0].Bindings["result"])
	}
	res := &Result{Rules: e.Rules(), Findings: []Finding{}, NotEvaluated: []NotEvaluated{}}
	for _, r := range e.rules {
		found, err := decodeFindings(r, out[r.ID])
		if err != nil {
			return nil, err
		}
		res.Findings = append(res.Findings, found...)
	}
	fingerprint(res.Findings)
	SortFindings(res.Findings)
	res.NotEvaluated = notEvaluated(e.rules, in.Snapshot.Snapshot)
	return res, nil
}

func decodeFindings(r Rule, v any) ([]Finding, error) {
	items, ok := v.([]any)
	if !ok {
		if v == nil {
			return nil, nil
		}
		return nil, fmt.Errorf("rule %s (%s): deny must be a set of objects, got %T", r.ID, r.File, v)
	}
	out := make([]Finding, 0, len(items))
	for _, it := range items {
		obj, ok := it.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("rule %s (%s): deny result must be an object, got %v", r.ID, r.File, it)
		}
		f := Finding{RuleID: r.ID, Severity: r.Severity}
		var bad []string
		str := func(key string, dst *string, required bool) {
			raw, present := obj[key]
			if !present {
				if required {
					bad = append(bad, "missing "+key)
				}
				return
			}
			s, ok := raw.(string)
			if !ok {
				bad = append(bad, key+" is not a string")
				return
			}
			if required && s == "" && key != "account_id" {
				bad = append(bad, key+" is empty")
			}
			*dst = s
		}
		str("resource", &f.Resource, true)
		str("account_id", &f.AccountID, true)
		str("message", &f.Message, true)
		str("key", &f.Key, false)
		if ev, present := obj["evidence"]; present {
			m, ok := ev.(map[string]any)
			if !ok {
				bad = append(bad, "evidence is not an object")
			}
			f.Evidence = m
		}
		for k := range obj {
			switch k {
			case "resource", "account_id", "message", "evidence", "key":
			default:
				bad = append(bad, "unknown field "+k)
			}
		}
		if len(bad) > 0 {
			sort.Strings(bad)
			return nil, fmt.Errorf("rule %s (%s): invalid result %v: %s", r.ID, r.File, compact(obj), strings.Join(bad, ", "))
		}
		out = append(out, f)
	}
	return out, nil
}

func compact(v any) string {
	s := fmt.Sprint(v)
	if len(s) > 120 {
		s = s[:117] + "..."
	}
	return s
}

// Fingerprint returns the stable identity of a finding: the first 32 hex
// digits of SHA-256 over "orgaudit/v1", rule id, account id, resource and
// key, separated by NUL bytes. It does not depend on the message, the
// evidence, the severity or the orgaudit version.
func Fingerprint(ruleID, accountID, resource, key string) string {
	h := sha256.New()
	for _, s := range []string{"orgaudit/v1", ruleID, accountID, resource, key} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// fingerprint sets every finding's fingerprint. Findings of one rule that
// collide (same account, resource and key) are told apart by their
// message, so that each fingerprint identifies one finding.
func fingerprint(fs []Finding) {
	count := map[string]int{}
	for i := range fs {
		f := &fs[i]
		f.Fingerprint = Fingerprint(f.RuleID, f.AccountID, f.Resource, f.Key)
		count[f.Fingerprint]++
	}
	for i := range fs {
		f := &fs[i]
		if count[f.Fingerprint] > 1 {
			f.Fingerprint = Fingerprint(f.RuleID, f.AccountID, f.Resource, f.Key+"\x00"+f.Message)
		}
	}
}

// SortFindings orders findings by severity (highest first), then rule id,
// account, resource, key and message.
func SortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Severity != b.Severity {
			return a.Severity > b.Severity
		}
		for _, p := range [][2]string{{a.RuleID, b.RuleID}, {a.AccountID, b.AccountID}, {a.Resource, b.Resource}, {a.Key, b.Key}, {a.Message, b.Message}} {
			if p[0] != p[1] {
				return p[0] < p[1]
			}
		}
		return false
	})
}
