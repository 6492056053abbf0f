package graph

import (
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/orgaudit/orgaudit/internal/policy"
)

// rolesPerBatch is how many roles allRoleEdges searches on every core
// before adding what they found: it bounds what waits to be added. It
// searches on one core when there are fewer roles than two batches.
// Variables so that tests can lower them.
var (
	rolesPerBatch    = 256
	minParallelRoles = 2 * 256
)

// allRoleEdges finds the callers of every role (roleEdges), on every
// core. Each core searches with a copy of the builder whose recorder
// keeps what it finds (nodes to create, conditions to intern, edges,
// class edges, trusts without grant, warnings); the builder then adds
// each role's findings in the order of the roles, which numbers nodes
// and conditions and orders edges exactly as a search on one core does
// (TestBuildSameOnEveryCore compares both). What the copies share is only
// read while they search: the lazily filled tables they would write
// (trust information, SCPs and RCPs, the sorted accounts of classes) are
// filled first.
func (b *builder) allRoleEdges() {
	for _, r := range b.roles {
		if r.trust == nil || r.serviceLinked {
			continue
		}
		ti := b.trustInfoOf(r.trust)
		for _, a := range ti.accounts {
			b.trustedBy[a] = append(b.trustedBy[a], r)
		}
		if ti.wildcard {
			b.wildcardRoles = append(b.wildcardRoles, r)
		}
	}
	workers := runtime.GOMAXPROCS(0)
	if workers < 2 || len(b.roles) < minParallelRoles {
		for _, r := range b.roles {
			b.roleEdges(r)
		}
		return
	}
	b.readOrgPoliciesAhead()
	for _, c := range b.classes {
		c.sortedAccounts()
	}
	b.inParallel(len(b.roles), workers, func(wb *builder, i int) { wb.roleEdges(b.roles[i]) })
}

// allUnitEscalations adds the escalation edges of every unit, on every
// core as allRoleEdges does: the copies record the nodes (administrator
// nodes) they would create, the conditions they would intern, the
// evidence they would store, the edges and the administrators they find;
// the builder adds them unit by unit in order. The index of every unit's
// documents is made first.
func (b *builder) allUnitEscalations(units [][]*principal) {
	workers := runtime.GOMAXPROCS(0)
	if workers < 2 || len(units) < minParallelRoles {
		for _, u := range units {
			b.unitEscalations(u)
		}
		return
	}
	b.readOrgPoliciesAhead()
	for _, u := range units {
		b.escIndexOf(u[0])
	}
	b.inParallel(len(units), workers, func(wb *builder, i int) { wb.unitEscalations(units[i]) })
}

// inParallel calls search(copy, i) for i in [0, n) on workers copies of
// the builder, in batches of rolesPerBatch, each call with a recorder of
// its own, and adds what each call found in the order of i.
func (b *builder) inParallel(n, workers int, search func(wb *builder, i int)) {
	// Each worker keeps its caches of contexts across batches; its
	// copy of the builder is made again for every batch, so that it sees
	// the nodes, conditions and evidence added after the last one.
	type caches struct {
		roleCtxs   map[roleCtxKey]*policy.Context
		ctxCache   map[ctxKey]*policy.Context
		callerCtxs map[callerCtxKey]*policy.Context
		acctCtxs   map[acctCtxKey]*policy.Context
		svcCtxs    map[svcCtxKey]*policy.Context
	}
	kept := make([]caches, workers)
	for w := range kept {
		kept[w] = caches{map[roleCtxKey]*policy.Context{}, map[ctxKey]*policy.Context{}, map[callerCtxKey]*policy.Context{}, map[acctCtxKey]*policy.Context{}, map[svcCtxKey]*policy.Context{}}
	}
	// Answers that depend on nothing but their key are shared by the
	// copies: forAccount's (see recorder) and trustsService's.
	spec, svc := &sync.Map{}, &sync.Map{}
	copies := make([]*builder, workers)
	newCopies := func() {
		for w := range copies {
			wb := *b
			wb.roleCtxs, wb.ctxCache, wb.svcTrust, wb.svcShared = kept[w].roleCtxs, kept[w].ctxCache, nil, svc
			wb.callerCtxs, wb.acctCtxs, wb.svcCtxs = kept[w].callerCtxs, kept[w].acctCtxs, kept[w].svcCtxs
			wb.evalCache, wb.invariant = map[evalKey]policy.Result{}, map[evalKey]bool{}
			wb.edges, wb.cedges, wb.trustsNoGr = nil, nil, nil
			wb.passBuf.roles, wb.passBuf.trusts = nil, nil // a copy's own buffers
			copies[w] = &wb
		}
	}
	found := make([]roleFindings, rolesPerBatch)
	for lo := 0; lo < n; lo += rolesPerBatch {
		size := min(rolesPerBatch, n-lo)
		newCopies()
		var next atomic.Int64
		var wg sync.WaitGroup
		for _, wb := range copies {
			wg.Go(func() {
				for {
					i := int(next.Add(1) - 1)
					if i >= size {
						return
					}
					// The slot's recorder and slices, emptied once added,
					// serve again.
					f := &found[i]
					if f.rec == nil {
						f.rec = newRecorder(spec)
					}
					wb.rec, wb.edges, wb.cedges, wb.trustsNoGr = f.rec, f.edges, f.cedges, f.mismatches
					search(wb, lo+i)
					*f = roleFindings{rec: wb.rec, edges: wb.edges, cedges: wb.cedges, mismatches: wb.trustsNoGr}
					wb.rec, wb.edges, wb.cedges, wb.trustsNoGr = nil, nil, nil, nil
				}
			})
		}
		wg.Wait()
		for i := range size {
			b.add(&found[i])
			found[i].reset()
		}
	}
}

// growDoubling returns s with room for n more elements, doubling its
// capacity when it grows: append grows large slices by a quarter, which
// for the edges of a build (hundreds of thousands, added role by role)
// allocates and copies about five times their final size.
func growDoubling[T any](s []T, n int) []T {
	if cap(s)-len(s) >= n {
		return s
	}
	return slices.Grow(s, max(n, len(s)))
}

// roleFindings is what a copy of the builder found for one role; its
// node and condition references are the recorder's.
type roleFindings struct {
	rec        *recorder
	edges      []edge
	cedges     []classEdge
	mismatches []Mismatch
}

// reset empties f, keeping its recorder and the room of its slices.
func (f *roleFindings) reset() {
	f.rec.reset()
	f.edges, f.cedges, f.mismatches = f.edges[:0], clear0(f.cedges), clear0(f.mismatches)
}

// clear0 empties s, keeping its room but none of what it pointed to.
func clear0[T any](s []T) []T {
	clear(s)
	return s[:0]
}

// add adds what a copy found for one role, as if the builder had found
// it: nodes created and conditions interned in the order the search
// asked for them, then the edges, class edges, mismatches and warnings.
func (b *builder) add(f *roleFindings) {
	rec := f.rec
	nodes := make([]int32, len(rec.nodes))
	for i, n := range rec.nodes {
		nodes[i] = b.node(n)
		if _, ok := b.adminNodes[n.AccountID]; !ok && n.Kind == KindAccountAdmin {
			b.adminNodes[n.AccountID] = nodes[i]
		}
	}
	node := func(i int32) int32 {
		if i <= recordedNode {
			return nodes[recordedNode-i]
		}
		return i
	}
	conds := make([]int32, len(rec.conds)+1) // 0: no conditions
	for _, l := range rec.log {
		conds[l] = b.internKeyed(rec.keys[l-1], rec.conds[l-1])
	}
	evidence := make([]int32, len(rec.evidence))
	b.evidence = growDoubling(b.evidence, len(rec.evidence))
	for i, ev := range rec.evidence {
		evidence[i] = int32(len(b.evidence))
		b.evidence = append(b.evidence, ev)
	}
	b.edges = growDoubling(b.edges, len(f.edges))
	for _, e := range f.edges {
		e.from, e.to, e.cond = node(e.from), node(e.to), conds[e.cond]
		if e.ev >= 0 {
			e.ev = evidence[e.ev]
		}
		b.edges = append(b.edges, e)
	}
	for _, n := range rec.admins {
		b.nodes[n].Admin = true
	}
	for _, ce := range f.cedges {
		ce.to, ce.cond = node(ce.to), conds[ce.cond]
		b.cedges = append(b.cedges, ce)
	}
	b.trustsNoGr = append(b.trustsNoGr, f.mismatches...)
	for _, w := range rec.warns {
		b.warn("%s", w)
	}
}

// recordedNode is the reference to the first node a recorder creates;
// the next ones count down from it (-1 means "no node" in edges).
const recordedNode = -2

// recorder keeps what a copy of the builder finds for one role (see
// allRoleEdges): the nodes it would create and the conditions it would
// intern, numbered in its own tables, and the order of its intern calls.
type recorder struct {
	nodes   []Node
	nodeIdx map[string]int32
	conds   []Conditions // condition i is conds[i-1]; 0 is no conditions, as the builder's
	keys    []string     // their keys (condKey)
	condIdx map[string]int32
	log     []int32 // the conditions interned, in call order
	warns   []string
	// evidence are the escalation evidence records stored, admins the
	// nodes found to be administrators (unitEscalations).
	evidence []Evidence
	admins   []int32
	// spec caches forAccount's answers by conditions text (a *specTable
	// per text), shared by every copy (answers depend on nothing else).
	spec *sync.Map
}

type specAnswer struct {
	cond Conditions
	key  string // condKey(cond), "" for no conditions
	ok   bool
}

func newRecorder(spec *sync.Map) *recorder {
	return &recorder{spec: spec}
}

// reset empties r for another search, keeping the room of its tables.
func (r *recorder) reset() {
	r.nodes, r.conds, r.keys, r.log = clear0(r.nodes), clear0(r.conds), clear0(r.keys), r.log[:0]
	r.warns, r.evidence, r.admins = clear0(r.warns), clear0(r.evidence), r.admins[:0]
	clear(r.nodeIdx)
	clear(r.condIdx)
}

// node returns the reference of a node the builder does not hold.
func (r *recorder) node(n Node) int32 {
	i, ok := r.nodeIdx[n.ID]
	if !ok {
		if r.nodeIdx == nil {
			r.nodeIdx = map[string]int32{}
		}
		i = int32(len(r.nodes))
		r.nodes = append(r.nodes, n)
		r.nodeIdx[n.ID] = i
	}
	return recordedNode - i
}

// intern numbers non-empty conditions with key k in the recorder's table.
func (r *recorder) intern(k string, c Conditions) int32 {
	i, ok := r.condIdx[k]
	if !ok {
		if r.condIdx == nil {
			r.condIdx = map[string]int32{}
		}
		r.conds = append(r.conds, c)
		r.keys = append(r.keys, k)
		i = int32(len(r.conds))
		r.condIdx[k] = i
	}
	r.log = append(r.log, i)
	return i
}

// forAccountOf is builder.forAccountOf for a copy: the recorder's
// conditions ci decided account by account, the answers shared by the
// copies per condition text (one table per conditions, read once per
// call).
func (r *recorder) forAccountOf(b *builder, ci int32) func(a string) int32 {
	var c Conditions
	key := ""
	if ci > 0 {
		c, key = r.conds[ci-1], r.keys[ci-1]
	}
	v, _ := r.spec.LoadOrStore(key, &specTable{answers: map[string]specAnswer{}})
	t := v.(*specTable)
	return func(a string) int32 {
		t.mu.Lock()
		ans, ok := t.answers[a]
		t.mu.Unlock()
		if !ok {
			ans.cond, ans.ok = b.specializeFor(c, a)
			if ans.ok && !ans.cond.Empty() {
				ans.key = condKey(ans.cond)
			}
			t.mu.Lock()
			t.answers[a] = ans
			t.mu.Unlock()
		}
		switch {
		case !ans.ok:
			return -1
		case ans.key == "":
			return 0
		}
		return r.intern(ans.key, ans.cond)
	}
}

// specTable holds the decisions of one conditions text per account.
type specTable struct {
	mu      sync.Mutex
	answers map[string]specAnswer
}
