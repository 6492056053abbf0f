// Package engine evaluates orgaudit's Rego rules over a snapshot. Built-in
// rules (embedded) and user rule directories load through the same path;
// everything is compiled once, and rules are evaluated in a few queries
// (groups), so shared helper rules are computed once per group.
//
// A rule is a Rego v1 module in a package under orgaudit.rules with a
// package-scope METADATA block (title, description, related_resources, and
// custom: id, severity, remediation, frameworks, requires, scope) and a
// `deny contains result` rule whose results are objects
// {resource, account_id, message, evidence, key?}.
//
// # Scope
//
// custom.scope says what a rule's answer depends on (Rule.Scope). Given an
// Input.Document, Eval evaluates the rules of scope "account" a chunk of
// accounts at a time (input.accounts holds the chunk, the rest of the
// input and the library's organization-wide tables are whole; the results
// are the union of the chunks'), those of scope "tables" once with no
// accounts, and converts the whole snapshot only for rules of scope
// "organization" (the default). Given a whole document (Input.Snapshot or
// Input.Prepared), every rule sees the whole input: the slow way the
// declarations are tested against.
//
// # Not evaluated
//
// A check is "not evaluated" (unknown, never passed) in two ways. The
// engine reports it from the snapshot's gaps: where a gap covers a section
// the rule lists in custom.requires, the rule is not evaluated for that
// account (or the organization). And a rule reports it itself, for
// anything else it cannot decide (typically missing configuration), with an
// optional not_evaluated set:
//
//	not_evaluated contains {"reason": "no identity account is designated", "section": "config.identity_account"} if {
//		not lib.identity_account_id
//	}
//
// Each entry is an object with a non-empty "reason" and optionally
// "account_id" (empty or absent for the whole organization) and "section",
// what is missing: a configuration setting such as "config.identity_account"
// or a snapshot section (default "config"). A rule that reports a check as
// not evaluated should not also report findings for it. Both kinds land in
// Result.NotEvaluated and make `orgaudit check` exit 3 when nothing fails.
package engine

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"golang.org/x/sync/errgroup"

	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// Options configure an Engine.
type Options struct {
	// Sources are the rule sources; BuiltinSource is not added implicitly.
	Sources []Source
	// Data is mounted under data.orgaudit (e.g. "config" becomes
	// data.orgaudit.config). It must not use the key "rules" or "lib".
	Data map[string]any
	// Disabled lists rule ids that are loaded (and so validated and listed
	// by Rules) but never evaluated. Unknown ids are an error.
	Disabled []string
	// Severity overrides the severity of rules by id. Unknown ids are an
	// error.
	Severity map[string]Severity
	// Workers is how many groups of rules are evaluated concurrently
	// (default: the number of usable cores, at most 4). Built-in rules are
	// dealt into that many groups; every user rule is a group of its own,
	// so that a rule that runs away is named alone. Rules of one group
	// share the library's cached tables; each group computes the ones it
	// uses.
	Workers int
	// RuleTimeout bounds the evaluation of each group of rules; zero means
	// DefaultRuleTimeout.
	RuleTimeout time.Duration
	// Late lists top-level input keys whose value Eval may receive as a
	// Deferred: the rules that cannot read them (by the compiler's
	// dependency graph, see readsInput) form groups of their own, evaluated
	// while the values are computed.
	Late []string
	// ChunkSize is how many accounts rules of scope "account" see at a
	// time when Eval is given an Input.Document; zero means a size chosen
	// from the number of accounts and workers.
	ChunkSize int
}

// DefaultRuleTimeout bounds the evaluation of a group of rules unless
// Options.RuleTimeout says otherwise: the 33 built-in rules take seconds
// over a thousand accounts.
const DefaultRuleTimeout = 60 * time.Second

// TimeoutError says a group of rules did not finish in time.
type TimeoutError struct {
	// Rules are the rules evaluated together, by id.
	Rules []Rule
	// Timeout is the limit that ran out.
	Timeout time.Duration
}

func (e *TimeoutError) Error() string {
	var who string
	if len(e.Rules) == 1 {
		who = fmt.Sprintf("rule %s (%s)", e.Rules[0].ID, e.Rules[0].File)
	} else {
		ids := make([]string, len(e.Rules))
		for i, r := range e.Rules {
			ids[i] = r.ID
		}
		who = fmt.Sprintf("one of the rules %s (evaluated together)", strings.Join(ids, ", "))
	}
	return fmt.Sprintf("%s did not finish within %s: fix the rule, or raise --rule-timeout", who, e.Timeout)
}

// Engine holds compiled rules ready to evaluate.
type Engine struct {
	// rules are every loaded rule; active are the ones evaluated.
	rules []Rule
	// late are Options.Late; lateRead, for a late key whose value the
	// active rules read only in part, the keys of it they may read.
	late     map[string]bool
	lateRead map[string]map[string]bool
	active   []Rule
	groups   []group
	workers  int
	timeout  time.Duration
	chunk    int
}

// group is a set of rules evaluated by one query.
type group struct {
	rules []Rule
	query rego.PreparedEvalQuery
	// late groups may read a key of Options.Late.
	late bool
	// scope is the scope of the group's rules.
	scope string
	// facts are the keys of input.facts the group's rules may read (nil:
	// any); the others need not be computed.
	facts map[string]bool
}

// Compiled is a set of rule sources parsed, checked and compiled once,
// ready to be bound to data by Engine (possibly several times).
type Compiled struct {
	compiler *ast.Compiler
	rules    []Rule
}

// Compile loads, checks and compiles the rules of every source.
func Compile(sources []Source) (*Compiled, error) {
	mods, err := parseSources(sources, false)
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
	return &Compiled{compiler: compiler, rules: rules}, nil
}

// Rules returns the metadata of every compiled rule, sorted by id.
func (c *Compiled) Rules() []Rule { return slices.Clone(c.rules) }

// Engine binds the compiled rules to opts' data, disabled rules, severity
// overrides and workers (opts.Sources is ignored).
func (c *Compiled) Engine(ctx context.Context, opts Options) (*Engine, error) {
	rules := c.Rules() // applyOptions sets severities on its own copy
	active, err := applyOptions(rules, opts)
	if err != nil {
		return nil, err
	}
	store, err := dataStore(opts.Data)
	if err != nil {
		return nil, err
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = min(runtime.GOMAXPROCS(0), 4)
	}
	timeout := opts.RuleTimeout
	if timeout <= 0 {
		timeout = DefaultRuleTimeout
	}
	e := &Engine{rules: rules, active: active, workers: workers, timeout: timeout, chunk: opts.ChunkSize}
	lateKeys := map[string]bool{}
	e.lateRead = map[string]map[string]bool{}
	for _, k := range opts.Late {
		lateKeys[k] = true
		if keys, all := keysRead(c.compiler, active, k); !all {
			e.lateRead[k] = keys
		}
	}
	e.late = lateKeys
	// Rules are grouped by scope and by whether they may read a late key.
	// The early and the late groups share the workers: the early ones run
	// beside the work that computes the late values, the late ones after
	// it. Rules of scope "account" form one group (evaluated on every
	// core a chunk at a time); the others as many groups as workers, so
	// that the library's tables are computed no more often than without
	// late keys.
	type set struct {
		scope string
		late  bool
	}
	sets := map[set][]Rule{}
	for _, r := range active {
		k := set{r.Scope, readsInput(c.compiler, r, lateKeys)}
		sets[k] = append(sets[k], r)
	}
	hasEarly, hasLate := false, false
	for k := range sets {
		hasEarly, hasLate = hasEarly || !k.late, hasLate || k.late
	}
	earlyWorkers := workers
	if hasEarly && hasLate {
		earlyWorkers = max(1, workers/2)
	}
	for _, scope := range Scopes {
		for _, late := range []bool{false, true} {
			n := earlyWorkers
			if late {
				n = max(1, workers-earlyWorkers)
			}
			if scope == ScopeAccount {
				n = 1
			}
			for _, part := range partition(sets[set{scope, late}], n) {
				q, err := rego.New(
					rego.Query(resultQuery(part)),
					rego.Compiler(c.compiler),
					rego.Store(store),
					rego.StrictBuiltinErrors(true),
				).PrepareForEval(ctx)
				if err != nil {
					return nil, fmt.Errorf("prepare rules: %w", regoError(err))
				}
				facts, _ := keysRead(c.compiler, part, FactsKey)
				e.groups = append(e.groups, group{rules: part, query: q, late: late, scope: scope, facts: facts})
			}
		}
	}
	return e, nil
}

// New compiles the rules of opts.Sources and binds them to opts.
func New(ctx context.Context, opts Options) (*Engine, error) {
	c, err := Compile(opts.Sources)
	if err != nil {
		return nil, err
	}
	return c.Engine(ctx, opts)
}

// partition deals the built-in rules into at most workers groups, round
// robin in id order, so that rules of one area (which share helpers)
// spread over the groups and the expensive ones do not pile up in one.
// Every other rule is a group of its own.
func partition(rules []Rule, workers int) [][]Rule {
	var builtin []Rule
	var out [][]Rule
	for _, r := range rules {
		if r.Source == BuiltinSource().Name {
			builtin = append(builtin, r)
		} else {
			out = append(out, []Rule{r})
		}
	}
	if len(builtin) == 0 {
		return out
	}
	workers = max(1, min(workers, len(builtin)))
	groups := make([][]Rule, workers)
	for i, r := range builtin {
		groups[i%workers] = append(groups[i%workers], r)
	}
	return append(groups, out...)
}

// applyOptions sets severity overrides on rules and returns the rules to
// evaluate (those not disabled).
func applyOptions(rules []Rule, opts Options) ([]Rule, error) {
	idx := map[string]int{}
	for i, r := range rules {
		idx[r.ID] = i
	}
	var unknown []string
	for id, sev := range opts.Severity {
		i, ok := idx[id]
		if !ok {
			unknown = append(unknown, id)
			continue
		}
		rules[i].Severity = sev
	}
	off := map[string]bool{}
	for _, id := range opts.Disabled {
		if _, ok := idx[id]; !ok {
			unknown = append(unknown, id)
		}
		off[id] = true
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, fmt.Errorf("unknown rule id %s", strings.Join(unknown, ", "))
	}
	active := make([]Rule, 0, len(rules))
	for _, r := range rules {
		if !off[r.ID] {
			active = append(active, r)
		}
	}
	return active, nil
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
		if !definesRule(m.mod, "deny") {
			return nil, fmt.Errorf("%s: rule %s defines no deny rule (want `deny contains result if { ... }`)", m.file, r.ID)
		}
		r.reportsNotEvaluated = definesRule(m.mod, "not_evaluated")
		rules = append(rules, r)
	}
	sort.Slice(rules, func(i, j int) bool { return rules[i].ID < rules[j].ID })
	return rules, nil
}

// definesRule reports whether a module defines the top-level rule name.
func definesRule(m *ast.Module, name string) bool {
	for _, r := range m.Rules {
		if ref := r.Head.Ref(); len(ref) == 1 && ref[0].Equal(ast.VarTerm(name)) {
			return true
		}
	}
	return false
}

// resultQuery builds one query that evaluates every rule's deny set (and
// not_evaluated set, where the rule defines one).
func resultQuery(rules []Rule) string {
	var b strings.Builder
	b.WriteString("result := {")
	for i, r := range rules {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%q: %s.deny", r.ID, r.Package)
		if r.reportsNotEvaluated {
			fmt.Fprintf(&b, ", %q: %s.not_evaluated", notEvaluatedKey(r.ID), r.Package)
		}
	}
	b.WriteString("}")
	return b.String()
}

// notEvaluatedKey is the result key of a rule's not_evaluated set; rule
// ids cannot contain a space.
func notEvaluatedKey(id string) string { return id + " not_evaluated" }

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
	// The data is converted to Rego values once, here, instead of on
	// every read: the rules read data.orgaudit.config (thresholds,
	// environments, vendors) in every evaluation, that is every chunk of
	// accounts.
	return inmem.NewFromObjectWithOpts(root, inmem.OptReturnASTValuesOnRead(true)), nil
}

// KeysRead says which keys of the object input[key] (a key of
// Options.Late) the evaluated rules may read: all is set when they may
// read it whole (or any key); otherwise read tells the keys they may
// read. The caller may leave the others out of the value (the static
// analysis of the rules and what they depend on decides it).
func (e *Engine) KeysRead(key string) (read func(string) bool, all bool) {
	keys, ok := e.lateRead[key]
	if !ok {
		return func(string) bool { return true }, true
	}
	return func(k string) bool { return keys[k] }, false
}

// Rules returns the metadata of every evaluated rule (disabled rules left
// out), sorted by id, with severity overrides applied.
func (e *Engine) Rules() []Rule { return slices.Clone(e.active) }

// AllRules returns the metadata of every loaded rule, disabled ones
// included, sorted by id.
func (e *Engine) AllRules() []Rule { return slices.Clone(e.rules) }

// Input is what rules see as `input`: the snapshot document, plus derived
// documents (such as the access graph) under their own top-level keys.
type Input struct {
	// Snapshot is the loaded snapshot; its generic document becomes input.
	Snapshot *snapshot.Loaded
	// Prepared, when set, is Snapshot's document already converted by
	// PrepareInput (for instance while the snapshot was being validated);
	// Snapshot.Doc is then not read and may have been released.
	Prepared *PreparedInput
	// Extra adds top-level input keys; they must not collide with
	// snapshot keys. A value may be converted ahead with PrepareValue.
	Extra map[string]any
	// Document, when set, is Snapshot's document given an account at a
	// time (Snapshot.Doc and Prepared are not read): rules are evaluated
	// by scope, the whole input converted only for rules of scope
	// "organization" (see Document).
	Document *Document
}

// PrepareValue converts a value for Input.Extra ahead of Eval (for
// instance concurrently with other work); Eval then uses it as is.
func PrepareValue(v any) (any, error) {
	val, err := ast.InterfaceToValue(v)
	if err != nil {
		return nil, fmt.Errorf("convert input for rules: %w", err)
	}
	return val, nil
}

// PreparedInput is a snapshot document converted for evaluation, with
// the tables the engine precomputes (input.facts).
type PreparedInput struct {
	obj ast.Object
}

// PrepareInput converts a snapshot's generic document for evaluation and
// computes the facts (input.facts). The accounts are converted on every
// core, then the facts read from them; the value equals
// ast.InterfaceToValue of the document with the facts added
// (TestPrepareInputMatchesInterfaceToValue).
func PrepareInput(doc map[string]any) (*PreparedInput, error) {
	return prepareInput(doc, false)
}

// PrepareInputConsuming is PrepareInput for a document the caller no
// longer needs: the summaries the facts need are computed first, then
// every part of the document (each account on its own) is deleted from it
// as soon as it is converted, so that the generic document and its
// conversion never exist whole at the same time. doc is left empty.
func PrepareInputConsuming(doc map[string]any) (*PreparedInput, error) {
	return prepareInput(doc, true)
}

func prepareInput(doc map[string]any, consume bool) (*PreparedInput, error) {
	if _, ok := doc[FactsKey]; ok {
		return nil, fmt.Errorf("input key %q is reserved for the engine", FactsKey)
	}
	// The facts are read from the converted accounts.
	tables := documentTables(doc)
	var accounts []*ast.Term
	pairs := make([][2]*ast.Term, 0, len(doc)+1)
	var convErr error
	for _, k := range slices.Sorted(maps.Keys(doc)) {
		v := doc[k]
		var val ast.Value
		if list, ok := v.([]any); ok && k == "accounts" {
			if val, convErr = convertList(list, consume); convErr == nil {
				accounts = arrayTerms(val.(*ast.Array))
			}
		} else {
			val, convErr = ast.InterfaceToValue(v)
		}
		if convErr != nil {
			break
		}
		if consume {
			delete(doc, k)
		}
		pairs = append(pairs, [2]*ast.Term{ast.StringTerm(k), ast.NewTerm(val)})
	}
	if convErr != nil {
		return nil, fmt.Errorf("convert snapshot for rules: %w", convErr)
	}
	facts, factsErr := tables.allFacts(accounts)
	if factsErr != nil {
		return nil, fmt.Errorf("convert facts for rules: %w", factsErr)
	}
	pairs = append(pairs, [2]*ast.Term{ast.StringTerm(FactsKey), ast.NewTerm(facts)})
	return &PreparedInput{obj: ast.NewObject(pairs...)}, nil
}

// convertList converts the elements of a list (the accounts) on every
// core; with consume, each element is cleared from the list once
// converted.
func convertList(list []any, consume bool) (ast.Value, error) {
	terms := make([]*ast.Term, len(list))
	err := eachIndex(len(list), runtime.GOMAXPROCS(0), func(i int) error {
		v, err := ast.InterfaceToValue(list[i])
		if err != nil {
			return err
		}
		terms[i] = ast.NewTerm(v)
		if consume {
			list[i] = nil
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return ast.NewArray(terms...), nil
}

// PrepareObjectConsuming converts a generic object for Input.Extra (the
// access graph document) one top-level key at a time, on every core,
// dropping each key's generic value once converted: the generic value and
// its conversion never exist whole at the same time. m is left empty.
// (The parts of the graph's document that are alike were once made one
// value after the conversion: at 10,000 accounts that took 1.6-2.1 s on
// one core for no lower peak, and changed nothing at 1,000.)
func PrepareObjectConsuming(m map[string]any) (any, error) {
	keys := slices.Sorted(maps.Keys(m))
	vals := make([]any, len(keys))
	for i, k := range keys {
		vals[i] = m[k]
	}
	clear(m)
	pairs := make([][2]*ast.Term, len(keys))
	var eg errgroup.Group
	eg.SetLimit(runtime.GOMAXPROCS(0))
	for i := range keys {
		eg.Go(func() error {
			v, err := ast.InterfaceToValue(vals[i])
			if err != nil {
				return fmt.Errorf("convert input for rules: %w", err)
			}
			vals[i] = nil
			pairs[i] = [2]*ast.Term{ast.StringTerm(keys[i]), ast.NewTerm(v)}
			return nil
		})
	}
	if err := eg.Wait(); err != nil {
		return nil, err
	}
	return ast.NewObject(pairs...), nil
}

// input builds the evaluation input: the prepared (or converted) snapshot
// plus the extra keys. The snapshot's values are shared, not copied.
// Deferred extra values are left out (early) or resolved (late).
func (in Input) input(late bool) (ast.Value, error) {
	p := in.Prepared
	if p == nil {
		var err error
		if p, err = PrepareInput(in.Snapshot.Doc); err != nil {
			return nil, err
		}
	}
	if len(in.Extra) == 0 {
		return p.obj, nil
	}
	pairs := make([][2]*ast.Term, 0, p.obj.Len()+len(in.Extra))
	p.obj.Foreach(func(k, v *ast.Term) { pairs = append(pairs, [2]*ast.Term{k, v}) })
	for _, k := range slices.Sorted(maps.Keys(in.Extra)) {
		v := in.Extra[k]
		key := ast.StringTerm(k)
		if p.obj.Get(key) != nil {
			return nil, fmt.Errorf("input key %q is already a snapshot field", k)
		}
		if d, ok := v.(Deferred); ok {
			if !late {
				continue
			}
			var err error
			if v, err = d(); err != nil {
				return nil, err
			}
		}
		val, err := ast.InterfaceToValue(v)
		if err != nil {
			return nil, fmt.Errorf("convert input %s for rules: %w", k, err)
		}
		pairs = append(pairs, [2]*ast.Term{key, ast.NewTerm(val)})
	}
	return ast.NewObject(pairs...), nil
}

// Eval runs every rule over the input once and returns findings and the
// checks that could not be evaluated because of gaps, both sorted.
//
// The groups of rules that cannot read a Deferred key are evaluated
// first; the Deferred values are resolved meanwhile, and the other groups
// evaluated with them.
func (e *Engine) Eval(ctx context.Context, in Input) (*Result, error) {
	if in.Document != nil {
		return e.evalDocument(ctx, in)
	}
	for k, v := range in.Extra {
		if _, ok := v.(Deferred); ok && !e.late[k] {
			return nil, fmt.Errorf("input key %q is deferred but not in Options.Late", k)
		}
	}
	early, err := in.input(false)
	if err != nil {
		return nil, err
	}
	outs := make([]map[string]any, len(e.groups))
	evidence := newEvidences()
	eg, gctx := errgroup.WithContext(ctx)
	eg.SetLimit(e.workers)
	run := func(late bool, val ast.Value) {
		for i, g := range e.groups {
			if g.late != late {
				continue
			}
			eg.Go(func() error {
				var err error
				outs[i], err = e.evalGroup(ctx, gctx, g, val, evidence)
				return err
			})
		}
	}
	run(false, early)
	full, err := in.input(true)
	if err != nil {
		_ = eg.Wait()
		return nil, err
	}
	run(true, full)
	if err := eg.Wait(); err != nil {
		return nil, err
	}
	out := map[string]any{}
	for i := range e.groups {
		for k, v := range outs[i] {
			out[k] = v
		}
	}
	return e.result(out, in)
}

// result decodes the rules' results (by result key) into findings and
// checks not evaluated. Each rule's findings are decoded, fingerprinted
// and sorted on every core (the findings of one rule are all of its id
// and severity, so that the sorted lists joined in the order of their
// rules are the sort of all findings: TestJoinFindingsIsTheSlowWay).
func (e *Engine) result(out map[string]any, in Input) (*Result, error) {
	res := &Result{Rules: e.Rules(), NotEvaluated: []NotEvaluated{}}
	found := make([][]Finding, len(e.active))
	errs := make([]error, len(e.active))
	_ = eachIndex(len(e.active), runtime.GOMAXPROCS(0), func(i int) error {
		r := e.active[i]
		if dl, ok := out[r.ID].(*denyList); ok {
			if dl.err != nil {
				errs[i] = dl.err
				return nil
			}
			found[i] = make([]Finding, len(dl.items))
			for j := range dl.items {
				found[i][j] = dl.items[j].Finding
			}
		} else if found[i], errs[i] = decodeFindings(r, out[r.ID]); errs[i] != nil {
			return nil
		}
		fingerprint(found[i])
		SortFindings(found[i])
		return nil
	})
	var reported []NotEvaluated
	for i, r := range e.active {
		if errs[i] != nil {
			return nil, errs[i]
		}
		if r.reportsNotEvaluated {
			ne, err := decodeNotEvaluated(r, out[notEvaluatedKey(r.ID)])
			if err != nil {
				return nil, err
			}
			reported = append(reported, ne...)
		}
	}
	res.Findings = joinFindings(e.active, found)
	res.NotEvaluated = notEvaluated(e.active, in.Snapshot.Snapshot, reported)
	return res, nil
}

// joinFindings joins the findings of each rule (found[i] those of
// rules[i], fingerprinted and sorted) into the sort of all findings
// (SortFindings): by severity, highest first, then rule id. Fingerprints
// are those fingerprint gives all findings: one's rule id is part of it,
// so that findings of two rules never collide.
func joinFindings(rules []Rule, found [][]Finding) []Finding {
	order := make([]int, len(rules))
	n := 0
	for i := range order {
		order[i] = i
		n += len(found[i])
	}
	slices.SortStableFunc(order, func(a, b int) int {
		if c := cmp.Compare(rules[b].Severity, rules[a].Severity); c != 0 {
			return c
		}
		return strings.Compare(rules[a].ID, rules[b].ID)
	})
	out := make([]Finding, 0, n)
	for _, i := range order {
		out = append(out, found[i]...)
	}
	return out
}

// evalGroup runs one group's query within the rule timeout. ctx is the
// caller's (done on Ctrl-C), gctx the group's (also done when another
// group failed).
func (e *Engine) evalGroup(ctx, gctx context.Context, g group, input ast.Value, evidence *evidences) (map[string]any, error) {
	tctx, cancel := context.WithTimeout(gctx, e.timeout)
	defer cancel()
	out, err := g.eval(tctx, input, evidence)
	switch {
	case err == nil:
		return out, nil
	case ctx.Err() != nil:
		return nil, fmt.Errorf("evaluate rules: %w", ctx.Err())
	case gctx.Err() == nil && errors.Is(tctx.Err(), context.DeadlineExceeded):
		return nil, &TimeoutError{Rules: g.rules, Timeout: e.timeout}
	}
	return nil, err
}

// eval runs one group's query. The rules' deny sets are decoded straight
// from the Rego values (decodeDeny), their other results converted to
// generic values.
func (g group) eval(ctx context.Context, input ast.Value, evidence *evidences) (map[string]any, error) {
	rs, err := g.query.Eval(ctx, rego.EvalParsedInput(input), rego.EvalGenerateJSON(regoValue))
	if err != nil {
		return nil, fmt.Errorf("evaluate rules: %w", regoError(err))
	}
	if len(rs) != 1 {
		return nil, fmt.Errorf("evaluate rules: query returned %d results", len(rs))
	}
	t, _ := rs[0].Bindings["result"].(*ast.Term)
	var obj ast.Object
	if t != nil {
		obj, _ = t.Value.(ast.Object)
	}
	if obj == nil {
		var v any = t
		if t != nil {
			v, _ = ast.JSON(t.Value)
		}
		return nil, fmt.Errorf("evaluate rules: unexpected result %T", v)
	}
	out := make(map[string]any, obj.Len())
	err = obj.Iter(func(k, v *ast.Term) error {
		key, ok := k.Value.(ast.String)
		if !ok {
			return fmt.Errorf("evaluate rules: unexpected result key %v", k)
		}
		if i := slices.IndexFunc(g.rules, func(r Rule) bool { return r.ID == string(key) }); i >= 0 {
			out[string(key)] = decodeDeny(g.rules[i], v.Value, evidence)
			return nil
		}
		g, err := ast.JSON(v.Value)
		out[string(key)] = g
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// regoValue keeps a query's result as the Rego value it is.
func regoValue(t *ast.Term, _ *rego.EvalContext) (any, error) { return t, nil }

// decodeNotEvaluated checks and converts a rule's not_evaluated set.
func decodeNotEvaluated(r Rule, v any) ([]NotEvaluated, error) {
	items, ok := v.([]any)
	if !ok {
		if v == nil {
			return nil, nil
		}
		return nil, fmt.Errorf("rule %s (%s): not_evaluated must be a set of objects, got %T", r.ID, r.File, v)
	}
	out := make([]NotEvaluated, 0, len(items))
	for _, it := range items {
		obj, ok := it.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("rule %s (%s): not_evaluated entry must be an object, got %v", r.ID, r.File, compact(it))
		}
		n := NotEvaluated{RuleID: r.ID, Section: "config"}
		var bad []string
		for k, raw := range obj {
			s, isStr := raw.(string)
			switch k {
			case "reason", "account_id", "section":
				if !isStr {
					bad = append(bad, k+" is not a string")
					continue
				}
			default:
				bad = append(bad, "unknown field "+k)
				continue
			}
			switch k {
			case "reason":
				n.Reason = s
			case "account_id":
				n.AccountID = s
			case "section":
				if s != "" {
					n.Section = s
				}
			}
		}
		if n.Reason == "" && !slices.Contains(bad, "reason is not a string") {
			bad = append(bad, "missing reason")
		}
		if len(bad) > 0 {
			sort.Strings(bad)
			return nil, fmt.Errorf("rule %s (%s): invalid not_evaluated entry %v: %s", r.ID, r.File, compact(obj), strings.Join(bad, ", "))
		}
		out = append(out, n)
	}
	return out, nil
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
// account, resource, key and message, and findings alike in all of those
// by their evidence (its JSON encoding, object keys sorted), so that the
// order never depends on how the rules' work was split (chunks of
// accounts, workers).
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
		return evidenceKey(a.Evidence) < evidenceKey(b.Evidence)
	})
}

// evidenceKey is the JSON encoding of a finding's evidence, the last
// tie-breaker of SortFindings. Evidence comes from Rego values, which
// always encode.
func evidenceKey(ev map[string]any) string {
	if len(ev) == 0 {
		return ""
	}
	b, err := json.Marshal(ev)
	if err != nil {
		return fmt.Sprint(ev)
	}
	return string(b)
}

// LoadRules parses the sources and returns the metadata of every rule,
// sorted by id, without compiling them: enough to validate configuration
// that names rules before building an Engine.
func LoadRules(sources []Source) ([]Rule, error) {
	mods, err := parseSources(sources, false)
	if err != nil {
		return nil, err
	}
	return collectRules(mods)
}
