package engine

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/open-policy-agent/opa/v1/ast"
	"golang.org/x/sync/errgroup"
)

// Document is a snapshot's generic document whose accounts are decoded
// one at a time, so that neither the document nor its conversion for
// Rego has to exist whole: Eval then evaluates the rules of scope
// "account" a chunk of accounts at a time, the rules of scope "tables"
// once without accounts, and builds the whole input only for rules of
// scope "organization" (see Rule.Scope).
type Document struct {
	// Rest holds every top-level key of the document but "accounts". It
	// is not modified.
	Rest map[string]any
	// Accounts is the number of accounts.
	Accounts int
	// Account returns the generic document of account i (a fresh value:
	// it is converted and dropped). It may be called concurrently.
	Account func(i int) (any, error)
	// Summaries are SummarizeAccount of every account, in order, when the
	// caller computed them (for instance while loading); nil means Eval
	// computes them.
	Summaries []AccountSummary
}

// DocumentOf is the Document of a whole generic document (not modified).
func DocumentOf(doc map[string]any) *Document {
	rest := make(map[string]any, len(doc))
	for k, v := range doc {
		if k != "accounts" {
			rest[k] = v
		}
	}
	accounts, _ := doc["accounts"].([]any)
	return &Document{
		Rest:     rest,
		Accounts: len(accounts),
		Account:  func(i int) (any, error) { return accounts[i], nil },
	}
}

// defaultChunk is the number of accounts evaluated together: enough that
// the organization-wide work every chunk repeats stays small, few enough
// that a handful of chunks converted for Rego is a small share of the
// snapshot.
func defaultChunk(accounts, workers int) int {
	return min(250, max(16, accounts/(8*max(1, workers))))
}

// groupOutput is one evaluation's results by result key.
type groupOutput = map[string]any

// evalDocument is Eval for Input.Document.
func (e *Engine) evalDocument(ctx context.Context, in Input) (*Result, error) {
	doc := in.Document
	if _, ok := doc.Rest["accounts"]; ok {
		return nil, fmt.Errorf("engine document: accounts must not be in Rest")
	}
	if _, ok := doc.Rest[FactsKey]; ok {
		return nil, fmt.Errorf("input key %q is reserved for the engine", FactsKey)
	}
	sums := doc.Summaries
	if sums == nil {
		sums = make([]AccountSummary, doc.Accounts)
		for i := range sums {
			a, err := doc.Account(i)
			if err != nil {
				return nil, err
			}
			sums[i] = SummarizeAccount(a)
		}
	}
	if len(sums) != doc.Accounts {
		return nil, fmt.Errorf("engine document: %d account summaries for %d accounts", len(sums), doc.Accounts)
	}
	tables := newOrgTables(doc.Rest, sums)
	orgFacts, err := convertPairs(tables.facts())
	if err != nil {
		return nil, fmt.Errorf("convert facts for rules: %w", err)
	}
	rest, err := convertPairs(doc.Rest)
	if err != nil {
		return nil, fmt.Errorf("convert snapshot for rules: %w", err)
	}
	extra, deferred, err := e.extraPairs(in, rest)
	if err != nil {
		return nil, err
	}
	chunk := e.chunk
	if chunk <= 0 {
		chunk = defaultChunk(doc.Accounts, e.workers)
	}
	// input builds the value rules see: the document's other keys, the
	// given accounts and their facts beside the organization-wide ones,
	// and the extra keys.
	input := func(accounts []any, late []([2]*ast.Term)) (ast.Value, error) {
		terms, err := convertAccounts(accounts)
		if err != nil {
			return nil, fmt.Errorf("convert snapshot for rules: %w", err)
		}
		chunkFacts, err := convertPairs(tables.accountFacts(accounts))
		if err != nil {
			return nil, fmt.Errorf("convert facts for rules: %w", err)
		}
		facts := ast.NewObject(append(slices.Clone(orgFacts), chunkFacts...)...)
		pairs := make([][2]*ast.Term, 0, len(rest)+len(extra)+len(late)+2)
		pairs = append(pairs, rest...)
		pairs = append(pairs, [2]*ast.Term{ast.StringTerm("accounts"), ast.NewTerm(ast.NewArray(terms...))})
		pairs = append(pairs, [2]*ast.Term{ast.StringTerm(FactsKey), ast.NewTerm(facts)})
		pairs = append(pairs, extra...)
		pairs = append(pairs, late...)
		return ast.NewObject(pairs...), nil
	}
	accountsIn := func(lo, hi int) ([]any, error) {
		out := make([]any, 0, hi-lo)
		for i := lo; i < hi; i++ {
			a, err := doc.Account(i)
			if err != nil {
				return nil, err
			}
			out = append(out, a)
		}
		return out, nil
	}
	// The tasks: each evaluates some groups over one input, its outputs
	// kept in task order so that the result does not depend on which
	// finishes first.
	type task struct {
		groups []group
		lo, hi int // the accounts of the input
		late   bool
	}
	var tasks []task
	byScope := func(scope string, late bool) []group {
		var out []group
		for _, g := range e.groups {
			if g.scope == scope && g.late == late {
				out = append(out, g)
			}
		}
		return out
	}
	hasLate := false
	for _, g := range e.groups {
		hasLate = hasLate || g.late
	}
	for _, late := range []bool{false, true} {
		for _, g := range byScope(ScopeTables, late) {
			tasks = append(tasks, task{groups: []group{g}, late: late})
		}
		for _, g := range byScope(ScopeOrganization, late) {
			tasks = append(tasks, task{groups: []group{g}, hi: doc.Accounts, late: late})
		}
		if gs := byScope(ScopeAccount, late); len(gs) > 0 {
			for lo := 0; lo < doc.Accounts; lo += chunk {
				tasks = append(tasks, task{groups: gs, lo: lo, hi: min(doc.Accounts, lo+chunk), late: late})
			}
		}
	}
	// Up to e.workers tasks run at once; while the deferred values are
	// computed, the late ones wait and the early ones leave that work
	// half the workers.
	sem := make(chan struct{}, e.workers)
	reserved := 0
	if hasLate && len(deferred) > 0 {
		reserved = e.workers - max(1, e.workers/2)
	}
	for range reserved {
		sem <- struct{}{}
	}
	outs := make([][]groupOutput, len(tasks))
	eg, gctx := errgroup.WithContext(ctx)
	start := func(late bool, latePairs [][2]*ast.Term) {
		for i, t := range tasks {
			if t.late != late {
				continue
			}
			eg.Go(func() error {
				return runTask(gctx, sem, func() (err error) {
					outs[i], err = e.evalTask(ctx, gctx, t.groups, t.lo, t.hi, latePairs, accountsIn, input)
					return err
				})
			})
		}
	}
	start(false, nil)
	if hasLate {
		latePairs, err := resolveDeferred(deferred)
		for range reserved {
			<-sem
		}
		if err != nil {
			_ = eg.Wait()
			return nil, err
		}
		start(true, latePairs)
	}
	if err := eg.Wait(); err != nil {
		return nil, err
	}
	// Merge in task order; results of rules evaluated in several chunks
	// are a union, as one evaluation's set would be.
	out := map[string]any{}
	seen := map[string]map[[sha256.Size]byte]bool{}
	chunked := map[string]bool{}
	for _, t := range tasks {
		if t.groups[0].scope == ScopeAccount && doc.Accounts > chunk {
			for _, g := range t.groups {
				for _, r := range g.rules {
					chunked[r.ID], chunked[notEvaluatedKey(r.ID)] = true, true
				}
			}
		}
	}
	for _, list := range outs {
		for _, o := range list {
			for _, k := range slices.Sorted(maps.Keys(o)) {
				items, ok := o[k].([]any)
				if !ok || !chunked[k] {
					out[k] = o[k]
					continue
				}
				if seen[k] == nil {
					seen[k] = map[[sha256.Size]byte]bool{}
				}
				prev, _ := out[k].([]any)
				for _, it := range items {
					// Equal values encode alike (object keys sorted).
					b, err := json.Marshal(it)
					if err != nil {
						return nil, fmt.Errorf("evaluate rules: %w", err)
					}
					h := sha256.Sum256(b)
					if seen[k][h] {
						continue
					}
					seen[k][h] = true
					prev = append(prev, it)
				}
				out[k] = prev
			}
		}
	}
	return e.result(out, in)
}

// runTask runs f holding one of sem's slots, unless ctx is done first.
func runTask(ctx context.Context, sem chan struct{}, f func() error) error {
	select {
	case sem <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-sem }()
	if err := ctx.Err(); err != nil {
		return err
	}
	return f()
}

// evalTask evaluates groups over the input of the accounts lo to hi.
func (e *Engine) evalTask(ctx, gctx context.Context, groups []group, lo, hi int, late [][2]*ast.Term,
	accountsIn func(lo, hi int) ([]any, error), input func([]any, [][2]*ast.Term) (ast.Value, error),
) ([]groupOutput, error) {
	accounts, err := accountsIn(lo, hi)
	if err != nil {
		return nil, err
	}
	val, err := input(accounts, late)
	if err != nil {
		return nil, err
	}
	accounts = nil
	out := make([]groupOutput, len(groups))
	for i, g := range groups {
		if out[i], err = e.evalGroup(ctx, gctx, g, val); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// extraPairs converts the extra keys that are not Deferred, and returns
// the Deferred ones by key.
func (e *Engine) extraPairs(in Input, rest [][2]*ast.Term) ([][2]*ast.Term, map[string]Deferred, error) {
	var pairs [][2]*ast.Term
	deferred := map[string]Deferred{}
	for _, k := range slices.Sorted(maps.Keys(in.Extra)) {
		if k == "accounts" || k == FactsKey || slices.ContainsFunc(rest, func(p [2]*ast.Term) bool { return p[0].Equal(ast.StringTerm(k)) }) {
			return nil, nil, fmt.Errorf("input key %q is already a snapshot field", k)
		}
		v := in.Extra[k]
		if d, ok := v.(Deferred); ok {
			if !e.late[k] {
				return nil, nil, fmt.Errorf("input key %q is deferred but not in Options.Late", k)
			}
			deferred[k] = d
			continue
		}
		val, err := ast.InterfaceToValue(v)
		if err != nil {
			return nil, nil, fmt.Errorf("convert input %s for rules: %w", k, err)
		}
		pairs = append(pairs, [2]*ast.Term{ast.StringTerm(k), ast.NewTerm(val)})
	}
	return pairs, deferred, nil
}

// resolveDeferred computes and converts the deferred values.
func resolveDeferred(deferred map[string]Deferred) ([][2]*ast.Term, error) {
	var pairs [][2]*ast.Term
	for _, k := range slices.Sorted(maps.Keys(deferred)) {
		v, err := deferred[k]()
		if err != nil {
			return nil, err
		}
		val, err := ast.InterfaceToValue(v)
		if err != nil {
			return nil, fmt.Errorf("convert input %s for rules: %w", k, err)
		}
		pairs = append(pairs, [2]*ast.Term{ast.StringTerm(k), ast.NewTerm(val)})
	}
	return pairs, nil
}

// convertPairs converts an object's values, keys sorted.
func convertPairs(m map[string]any) ([][2]*ast.Term, error) {
	pairs := make([][2]*ast.Term, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		v, err := ast.InterfaceToValue(m[k])
		if err != nil {
			return nil, err
		}
		pairs = append(pairs, [2]*ast.Term{ast.StringTerm(k), ast.NewTerm(v)})
	}
	return pairs, nil
}

// convertAccounts converts accounts, on every core when they are many
// (the whole input of rules of scope "organization").
func convertAccounts(accounts []any) ([]*ast.Term, error) {
	terms := make([]*ast.Term, len(accounts))
	if len(accounts) < 64 {
		for i, a := range accounts {
			v, err := ast.InterfaceToValue(a)
			if err != nil {
				return nil, err
			}
			terms[i] = ast.NewTerm(v)
		}
		return terms, nil
	}
	v, err := convertList(accounts, false)
	if err != nil {
		return nil, err
	}
	arr := v.(*ast.Array)
	for i := range terms {
		terms[i] = arr.Elem(i)
	}
	return terms, nil
}
