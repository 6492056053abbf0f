package engine

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"maps"
	"slices"
	"sync"

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
	// AccountJSON, when set, returns the JSON of account i (it may be
	// called concurrently): Eval then decodes each chunk's accounts
	// straight into the value rules see (decodeValue), which the facts
	// are read from too, and summarizes each account from its JSON
	// without decoding it whole (SummarizeAccountJSON); Account is not
	// called.
	AccountJSON func(i int) ([]byte, error)
	// ReadAccountJSON, when set, is AccountJSON that may read the JSON
	// into *buf, growing it (snapshot.Loaded.ReadAccountJSON): the
	// chunks' accounts are read through it, each into a buffer reused
	// once the account is decoded (the value rules see keeps nothing of
	// it).
	ReadAccountJSON func(i int, buf *[]byte) ([]byte, error)
	// Summaries, when it holds one summary per account, are the
	// accounts' summaries already made (SummarizeAccountJSON of each
	// account's JSON, for instance while the snapshot was loaded, see
	// Summarizer): Eval does not read the accounts for them.
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

// defaultChunk is the number of accounts evaluated together: about 1% of
// the organization, at least 8 and at most 64. Enough that the
// organization-wide work every chunk repeats stays small; few enough that
// the chunks being converted for Rego (one per core) are a small share of
// the live heap: at 1,000 accounts, chunks of 10 instead of 31 kept about
// 25 MB less live under check's tight memory limit (pipeline.TuneMemory),
// for no more CPU.
func defaultChunk(accounts int) int {
	return max(8, min(64, accounts/100))
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
	switch {
	case len(sums) == doc.Accounts:
	case doc.AccountJSON != nil:
		var err error
		if sums, err = summarizeAccounts(ctx, doc); err != nil {
			return nil, err
		}
	default:
		sums = make([]AccountSummary, doc.Accounts)
		for i := range sums {
			a, err := doc.Account(i)
			if err != nil {
				return nil, err
			}
			sums[i] = SummarizeAccount(a)
		}
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
		chunk = defaultChunk(doc.Accounts)
	}
	// input builds the pairs of the value rules see: the document's
	// other keys, the given accounts and their facts beside the
	// organization-wide ones, and the extra keys that are not deferred.
	input := func(lo, hi int, want func(string) bool) ([][2]*ast.Term, error) {
		terms, err := chunkAccounts(ctx, doc, lo, hi)
		if err != nil {
			return nil, err
		}
		chunkFacts := tables.accountFacts(terms, want)
		facts := ast.NewObject(append(slices.Clone(orgFacts), chunkFacts...)...)
		pairs := make([][2]*ast.Term, 0, len(rest)+len(extra)+2)
		pairs = append(pairs, rest...)
		pairs = append(pairs, [2]*ast.Term{ast.StringTerm("accounts"), ast.NewTerm(ast.NewArray(terms...))})
		pairs = append(pairs, [2]*ast.Term{ast.StringTerm(FactsKey), ast.NewTerm(facts)})
		return append(pairs, extra...), nil
	}
	// The tasks: each evaluates some groups over one input, its outputs
	// kept in task order so that the result does not depend on which
	// finishes first. A task with late groups waits for the deferred
	// values. The rules of scope "account" are one task per chunk, its
	// early and late groups together: the chunk's accounts are decoded
	// and its facts computed once. (Running the early groups while the
	// deferred values are computed, and the late ones after, decoded most
	// chunks twice: at 10,000 accounts 8 s more CPU than the waiting
	// leaves idle.)
	type task struct {
		early, late []group
		lo, hi      int // the accounts of the input
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
	// The groups of scope "tables" and "organization" are a task each.
	alone := func(late bool) {
		for _, scope := range []string{ScopeTables, ScopeOrganization} {
			for _, g := range byScope(scope, late) {
				t := task{early: []group{g}}
				if late {
					t = task{late: t.early}
				}
				if scope == ScopeOrganization {
					t.hi = doc.Accounts
				}
				tasks = append(tasks, t)
			}
		}
	}
	alone(false)
	// The results of the rules evaluated in several chunks.
	chunked := map[string]bool{}
	if early, late := byScope(ScopeAccount, false), byScope(ScopeAccount, true); len(early)+len(late) > 0 {
		// (One chunk, empty, when there are no accounts: what the rules
		// find about the organization does not depend on them.)
		for lo := 0; lo < max(1, doc.Accounts); lo += chunk {
			tasks = append(tasks, task{early: early, late: late, lo: lo, hi: min(doc.Accounts, lo+chunk)})
		}
		if doc.Accounts > chunk {
			for _, g := range slices.Concat(early, late) {
				for _, r := range g.rules {
					chunked[r.ID], chunked[notEvaluatedKey(r.ID)] = true, true
				}
			}
		}
	}
	alone(true)
	hasLate := slices.ContainsFunc(e.groups, func(g group) bool { return g.late })
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
	evidence := newEvidences()
	eg, gctx := errgroup.WithContext(ctx)
	// The outputs are merged in task order as the tasks end, while the
	// others run, each task's once those before it are merged: no
	// merging is left for after the last task.
	m := newMerger(len(tasks), outs, chunked)
	// run starts the tasks that wait for the deferred values (latePairs)
	// or those that do not.
	run := func(waits bool, latePairs [][2]*ast.Term) {
		for i, t := range tasks {
			if (len(t.late) > 0) != waits {
				continue
			}
			eg.Go(func() error {
				err := runTask(gctx, sem, func() error {
					base, err := input(t.lo, t.hi, e.factsRead(append(slices.Clip(t.early), t.late...)))
					if err != nil {
						return err
					}
					early, err := e.evalGroups(ctx, gctx, t.early, base, nil, evidence)
					if err != nil {
						return err
					}
					late, err := e.evalGroups(ctx, gctx, t.late, base, latePairs, evidence)
					outs[i] = append(early, late...)
					return err
				})
				if err != nil {
					return err
				}
				return m.done(i)
			})
		}
	}
	run(false, nil)
	if hasLate {
		latePairs, err := resolveDeferred(deferred)
		for range reserved {
			<-sem
		}
		if err != nil {
			_ = eg.Wait()
			return nil, err
		}
		run(true, latePairs)
	}
	if err := eg.Wait(); err != nil {
		return nil, err
	}
	return e.result(m.out, in)
}

// merger merges the tasks' outputs in task order, each task's as soon as
// it and every task before it have ended: results of rules evaluated in
// several chunks are a union, as one evaluation's set would be.
type merger struct {
	mu      sync.Mutex
	ended   []bool
	next    int  // the first task not merged
	merging bool // a goroutine is merging
	outs    [][]groupOutput
	chunked map[string]bool
	out     map[string]any
	seen    map[string]*union
}

func newMerger(tasks int, outs [][]groupOutput, chunked map[string]bool) *merger {
	return &merger{ended: make([]bool, tasks), outs: outs, chunked: chunked, out: map[string]any{}, seen: map[string]*union{}}
}

// done says task i ended, its output in outs[i], and merges what can be:
// one goroutine at a time merges, the others only mark their task ended
// (the merging one merges theirs too).
func (m *merger) done(i int) error {
	m.mu.Lock()
	m.ended[i] = true
	if m.merging {
		m.mu.Unlock()
		return nil
	}
	m.merging = true
	for m.next < len(m.ended) && m.ended[m.next] {
		j := m.next
		m.next++
		m.mu.Unlock()
		err := m.merge(j)
		m.mu.Lock()
		if err != nil {
			m.merging = false
			m.mu.Unlock()
			return err
		}
	}
	m.merging = false
	m.mu.Unlock()
	return nil
}

// merge merges task j's output and drops it.
func (m *merger) merge(j int) error {
	for _, o := range m.outs[j] {
		for _, k := range slices.Sorted(maps.Keys(o)) {
			if err := merge(m.out, k, o[k], m.chunked[k], m.seen); err != nil {
				return fmt.Errorf("evaluate rules: %w", err)
			}
		}
	}
	m.outs[j] = nil
	return nil
}

// merge adds one evaluation's result v of key k to out: in place of the
// one there, or, for the result of a rule evaluated in several chunks
// (chunked) that is a list, to the results of the chunks before that it
// is not one of.
func merge(out map[string]any, k string, v any, chunked bool, seen map[string]*union) error {
	if dl, ok := v.(*denyList); ok {
		if !dl.list || !chunked {
			out[k] = dl
			return nil
		}
		prev, ok := out[k].(*denyList)
		if !ok || !prev.list {
			prev = &denyList{list: true}
			out[k] = prev
		}
		if prev.err == nil {
			// The first result that is not valid comes first.
			prev.err = dl.err
		}
		u := unionOf(seen, k)
		for i := range dl.items {
			d := &dl.items[i]
			dup, err := u.seen(d.text(), d.full)
			if err != nil {
				return err
			}
			if !dup {
				prev.items = append(prev.items, *d)
			}
		}
		return nil
	}
	items, ok := v.([]any)
	if !ok || !chunked {
		out[k] = v
		return nil
	}
	prev, _ := out[k].([]any)
	u := unionOf(seen, k)
	for _, it := range items {
		dup, err := u.seen(genericText(it), func() ([sha256.Size]byte, error) { return hash(it) })
		if err != nil {
			return err
		}
		if !dup {
			prev = append(prev, it)
		}
	}
	out[k] = prev
	return nil
}

// union tells whether a rule's result was already found in another
// chunk. Results are first told apart cheaply, by a hash of their text
// fields (resource, account, key, message, reason, section); only results
// alike in those are compared by their whole value, encoded (object keys
// sorted, so that equal values encode alike) and hashed with SHA-256.
type union struct {
	pending map[uint64]func() ([sha256.Size]byte, error) // the full hash of the one result of a text, not computed yet
	hashed  map[uint64]bool
	full    map[[sha256.Size]byte]bool
}

// seen tells whether the result of text hash text, whose full hash full
// computes, was seen before.
func (u *union) seen(text uint64, full func() ([sha256.Size]byte, error)) (bool, error) {
	if u.pending == nil {
		u.pending, u.hashed, u.full = map[uint64]func() ([sha256.Size]byte, error){}, map[uint64]bool{}, map[[sha256.Size]byte]bool{}
	}
	if !u.hashed[text] {
		prev, ok := u.pending[text]
		if !ok {
			u.pending[text] = full
			return false, nil
		}
		delete(u.pending, text)
		u.hashed[text] = true
		sum, err := prev()
		if err != nil {
			return false, err
		}
		u.full[sum] = true
	}
	sum, err := full()
	if err != nil {
		return false, err
	}
	if u.full[sum] {
		return true, nil
	}
	u.full[sum] = true
	return false, nil
}

// textFields are the fields of a result whose text union tells results
// apart by first (textHash).
var textFields = [...]string{"resource", "account_id", "key", "message", "reason", "section"}

// textHash is the hash of a result's text fields, in the order of
// textFields ("" for one absent or not a string).
func textHash(fields ...string) uint64 {
	h := fnv.New64a()
	for _, s := range fields {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return h.Sum64()
}

// unionOf is the union of key k's results in seen, made when first
// needed (a key whose results are not a union of lists has none).
func unionOf(seen map[string]*union, k string) *union {
	u := seen[k]
	if u == nil {
		u = &union{}
		seen[k] = u
	}
	return u
}

// genericText is the hash of a generic result's text fields.
func genericText(it any) uint64 {
	m, ok := it.(map[string]any)
	if !ok {
		return textHash()
	}
	var fields [len(textFields)]string
	for i, k := range textFields {
		fields[i], _ = m[k].(string)
	}
	return textHash(fields[:]...)
}

func hash(it any) ([sha256.Size]byte, error) {
	b, err := json.Marshal(it)
	if err != nil {
		return [sha256.Size]byte{}, err
	}
	return sha256.Sum256(b), nil
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

// factsRead says which keys of input.facts groups may read (nil: any).
func (e *Engine) factsRead(groups []group) func(string) bool {
	keys := map[string]bool{}
	for _, g := range groups {
		if g.facts == nil {
			return nil
		}
		for k := range g.facts {
			keys[k] = true
		}
	}
	return func(k string) bool { return keys[k] }
}

// evalGroups evaluates groups over the input made of base and late.
func (e *Engine) evalGroups(ctx, gctx context.Context, groups []group, base, late [][2]*ast.Term, evidence *evidences) ([]groupOutput, error) {
	if len(groups) == 0 {
		return nil, nil
	}
	val := ast.NewObject(append(slices.Clip(base), late...)...)
	out := make([]groupOutput, len(groups))
	for i, g := range groups {
		var err error
		if out[i], err = e.evalGroup(ctx, gctx, g, val, evidence); err != nil {
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

// chunkAccounts returns accounts lo to hi of doc converted for the
// rules.
func chunkAccounts(ctx context.Context, doc *Document, lo, hi int) ([]*ast.Term, error) {
	if doc.AccountJSON != nil {
		return decodeAccounts(ctx, doc, lo, hi)
	}
	accounts := make([]any, 0, hi-lo)
	for i := lo; i < hi; i++ {
		a, err := doc.Account(i)
		if err != nil {
			return nil, err
		}
		accounts = append(accounts, a)
	}
	terms, err := convertAccounts(accounts)
	if err != nil {
		return nil, fmt.Errorf("convert snapshot for rules: %w", err)
	}
	return terms, nil
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
	return arrayTerms(v.(*ast.Array)), nil
}

// arrayTerms are the elements of arr.
func arrayTerms(arr *ast.Array) []*ast.Term {
	terms := make([]*ast.Term, arr.Len())
	for i := range terms {
		terms[i] = arr.Elem(i)
	}
	return terms
}
