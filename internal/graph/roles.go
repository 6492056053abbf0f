package graph

import (
	"runtime"
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
	copies := make([]*builder, workers)
	for w := range copies {
		wb := *b
		wb.roleCtxs = map[roleCtxKey]*policy.Context{}
		wb.edges, wb.cedges, wb.trustsNoGr = nil, nil, nil
		copies[w] = &wb
	}
	specs := make([]map[string]specAnswer, workers)
	for w := range specs {
		specs[w] = map[string]specAnswer{}
	}
	found := make([]roleFindings, rolesPerBatch)
	for lo := 0; lo < len(b.roles); lo += rolesPerBatch {
		batch := b.roles[lo:min(lo+rolesPerBatch, len(b.roles))]
		var next atomic.Int64
		var wg sync.WaitGroup
		for w, wb := range copies {
			wg.Go(func() {
				for {
					i := int(next.Add(1) - 1)
					if i >= len(batch) {
						return
					}
					wb.rec = newRecorder(specs[w])
					wb.roleEdges(batch[i])
					found[i] = roleFindings{rec: wb.rec, edges: wb.edges, cedges: wb.cedges, mismatches: wb.trustsNoGr}
					wb.rec, wb.edges, wb.cedges, wb.trustsNoGr = nil, nil, nil, nil
				}
			})
		}
		wg.Wait()
		for i := range batch {
			b.add(&found[i])
			found[i] = roleFindings{}
		}
	}
}

// roleFindings is what a copy of the builder found for one role; its
// node and condition references are the recorder's.
type roleFindings struct {
	rec        *recorder
	edges      []edge
	cedges     []classEdge
	mismatches []Mismatch
}

// add adds what a copy found for one role, as if the builder had found
// it: nodes created and conditions interned in the order the search
// asked for them, then the edges, class edges, mismatches and warnings.
func (b *builder) add(f *roleFindings) {
	rec := f.rec
	nodes := make([]int32, len(rec.nodes))
	for i, n := range rec.nodes {
		nodes[i] = b.node(n)
	}
	node := func(i int32) int32 {
		if i <= recordedNode {
			return nodes[recordedNode-i]
		}
		return i
	}
	conds := make([]int32, len(rec.conds))
	for _, l := range rec.log {
		conds[l] = b.intern(rec.conds[l])
	}
	for _, e := range f.edges {
		e.from, e.to, e.cond = node(e.from), node(e.to), conds[e.cond]
		b.edges = append(b.edges, e)
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
	conds   []Conditions // 0: no conditions, as the builder's
	condIdx map[string]int32
	log     []int32 // the conditions interned, in call order
	warns   []string
	// spec caches forAccount's answers by conditions and account, for
	// every role a copy searches.
	spec map[string]specAnswer
}

type specAnswer struct {
	cond Conditions
	ok   bool
}

func newRecorder(spec map[string]specAnswer) *recorder {
	return &recorder{nodeIdx: map[string]int32{}, conds: []Conditions{{}}, condIdx: map[string]int32{}, spec: spec}
}

// node returns the reference of a node the builder does not hold.
func (r *recorder) node(n Node) int32 {
	i, ok := r.nodeIdx[n.ID]
	if !ok {
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
		i = int32(len(r.conds))
		r.conds = append(r.conds, c)
		r.condIdx[k] = i
	}
	r.log = append(r.log, i)
	return i
}

// forAccount is builder.forAccount for a copy: the recorder's conditions
// ci decided for account a, cached by their text.
func (r *recorder) forAccount(b *builder, ci int32, a string) int32 {
	c := r.conds[ci]
	k := condKey(c) + "\x00" + a
	ans, ok := r.spec[k]
	if !ok {
		ans.cond, ans.ok = b.specializeFor(c, a)
		r.spec[k] = ans
	}
	if !ans.ok {
		return -1
	}
	return b.intern(ans.cond)
}
