package graph

import (
	"cmp"
	"slices"
	"sort"
	"strings"
	"sync"
)

// finish sorts nodes by id, renumbers everything deterministically and
// builds the adjacency indexes.
func (b *builder) finish() *Graph {
	n := len(b.nodes)
	order := b.nodeOrder()
	perm := make([]int32, n) // old → new
	for newI, oldI := range order {
		perm[oldI] = int32(newI)
	}

	// The edges are sorted while the rest is renumbered and indexed.
	edges := b.edges
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := range edges {
			e := &edges[i]
			e.from, e.to = perm[e.from], perm[e.to]
			if e.via >= 0 {
				e.via = perm[e.via]
			}
		}
		edges = sortEdges(edges)
	})

	nodes := make([]Node, n)
	for newI, oldI := range order {
		nodes[newI] = b.nodes[oldI]
	}

	// Classes, numbered by their first member.
	classes := make([]class, len(b.classes))
	cperm := make([]int32, len(b.classes))
	corder := make([]int, len(b.classes))
	for i, c := range b.classes {
		ms := make([]int32, len(c.nodes))
		for j, m := range c.nodes {
			ms[j] = perm[m]
		}
		sort.Slice(ms, func(x, y int) bool { return ms[x] < ms[y] })
		classes[i] = class{members: ms}
		corder[i] = i
	}
	sort.Slice(corder, func(i, j int) bool { return classes[corder[i]].members[0] < classes[corder[j]].members[0] })
	sortedClasses := make([]class, len(classes))
	for newC, oldC := range corder {
		cperm[oldC] = int32(newC)
		sortedClasses[newC] = classes[oldC]
		for _, m := range classes[oldC].members {
			nodes[m].Class = newC
		}
	}

	cedges := b.cedges
	for i := range cedges {
		ce := &cedges[i]
		ce.class, ce.to = cperm[ce.class], perm[ce.to]
	}
	sort.Slice(cedges, func(i, j int) bool {
		a, c := &cedges[i], &cedges[j]
		if a.class != c.class {
			return a.class < c.class
		}
		if a.to != c.to {
			return a.to < c.to
		}
		return a.kind < c.kind
	})

	g := &Graph{
		ix: b.ix, nodes: nodes, byID: make(map[string]int32, n), cedges: cedges,
		classes: sortedClasses, conds: b.conds, unknownAcc: b.unknownAcc, evidence: b.evidence,
	}
	for i := range nodes {
		g.byID[nodes[i].ID] = int32(i)
	}
	g.finishLatent(b.latent, perm)
	g.condMFA = make([]bool, len(b.conds))
	for i := range b.conds {
		g.condMFA[i] = b.conds[i].RequiresMFA()
	}
	g.classOut = make([][]int32, len(sortedClasses))
	g.classIn = make([][]int32, n)
	for i, ce := range cedges {
		g.classOut[ce.class] = append(g.classOut[ce.class], int32(i))
		g.classIn[ce.to] = append(g.classIn[ce.to], int32(i))
	}
	wg.Wait()
	g.edges = edges
	g.outStart = make([]int32, n+1)
	for _, e := range edges {
		g.outStart[e.from+1]++
	}
	for i := 0; i < n; i++ {
		g.outStart[i+1] += g.outStart[i]
	}
	// inIdx: the edges into each node, in edge order, carved out of one
	// array.
	inCount := make([]int32, n)
	for _, e := range edges {
		inCount[e.to]++
	}
	all := make([]int32, len(edges))
	g.inIdx = make([][]int32, n)
	off := int32(0)
	for i, c := range inCount {
		if c > 0 {
			g.inIdx[i] = all[off : off : off+c]
			off += c
		}
	}
	for i, e := range edges {
		g.inIdx[e.to] = append(g.inIdx[e.to], int32(i))
	}

	sort.Strings(b.warns)
	g.warnings = b.warns
	sortMismatches(b.grantsNoTr)
	sortMismatches(b.trustsNoGr)
	g.grantsNoTr, g.trustsNoGr = b.grantsNoTr, b.trustsNoGr
	if g.warnings == nil {
		g.warnings = []string{}
	}
	if g.grantsNoTr == nil {
		g.grantsNoTr = []Mismatch{}
	}
	if g.trustsNoGr == nil {
		g.trustsNoGr = []Mismatch{}
	}
	return g
}

// nodeOrder returns the indexes of the nodes in order of their ids (ids
// are unique: any sort gives the one order): each half sorted on its own
// core, then merged.
func (b *builder) nodeOrder() []int32 {
	n := len(b.nodes)
	byID := func(i, j int32) int { return strings.Compare(b.nodes[i].ID, b.nodes[j].ID) }
	halves := make([]int32, n)
	for i := range halves {
		halves[i] = int32(i)
	}
	lo, hi := halves[:n/2], halves[n/2:]
	var wg sync.WaitGroup
	wg.Go(func() { slices.SortFunc(lo, byID) })
	slices.SortFunc(hi, byID)
	wg.Wait()
	order := make([]int32, 0, n)
	for len(lo) > 0 && len(hi) > 0 {
		if byID(lo[0], hi[0]) < 0 {
			order, lo = append(order, lo[0]), lo[1:]
		} else {
			order, hi = append(order, hi[0]), hi[1:]
		}
	}
	return append(append(order, lo...), hi...)
}

func sortMismatches(ms []Mismatch) {
	sort.Slice(ms, func(i, j int) bool {
		a, c := ms[i], ms[j]
		for _, p := range [][2]string{{a.Role, c.Role}, {a.Principal, c.Principal}, {a.Policy, c.Policy}} {
			if p[0] != p[1] {
				return p[0] < p[1]
			}
		}
		return a.Statement < c.Statement
	})
}

// sortEdges sorts edges by from, to and kind (the direct, unconditional
// one first) and keeps one edge per from, to and kind.
func sortEdges(edges []edge) []edge {
	sortByFrom(edges)
	for lo := 0; lo < len(edges); {
		hi := lo + 1
		for hi < len(edges) && edges[hi].from == edges[lo].from {
			hi++
		}
		if hi-lo > 1 {
			slices.SortFunc(edges[lo:hi], compareEdges)
		}
		lo = hi
	}
	dedup := edges[:0]
	for i := range edges {
		if i > 0 {
			p := &dedup[len(dedup)-1]
			if p.from == edges[i].from && p.to == edges[i].to && p.kind == edges[i].kind {
				continue
			}
		}
		dedup = append(dedup, edges[i])
	}
	return dedup
}

// compareEdges orders edges by from, to and kind, then the direct
// assignment (via -1) before one through a group, the unconditional edge
// (cond 0) first, and by evidence: every field, so that any sort gives
// the one order.
func compareEdges(a, c edge) int {
	if a.from != c.from {
		return cmp.Compare(a.from, c.from)
	}
	if a.to != c.to {
		return cmp.Compare(a.to, c.to)
	}
	if a.kind != c.kind {
		return cmp.Compare(a.kind, c.kind)
	}
	if a.via != c.via {
		return cmp.Compare(a.via, c.via)
	}
	if a.cond != c.cond {
		return cmp.Compare(a.cond, c.cond)
	}
	return cmp.Compare(a.ev, c.ev)
}

// sortByFrom puts edges in order of from, in place and in linear time
// (a bucket sort swapping each edge into its bucket); the order within a
// bucket is left to sortEdges.
func sortByFrom(edges []edge) {
	if len(edges) < 2 {
		return
	}
	n := int32(0)
	for i := range edges {
		n = max(n, edges[i].from+1)
	}
	next := make([]int32, n+1) // next free slot of each bucket, then its end
	for i := range edges {
		next[edges[i].from+1]++
	}
	for b := int32(0); b < n; b++ {
		next[b+1] += next[b]
	}
	end := make([]int32, n)
	copy(end, next[1:])
	for b := int32(0); b < n; b++ {
		for i := next[b]; i < end[b]; {
			f := edges[i].from
			if f == b {
				i++
				next[b] = i
				continue
			}
			edges[i], edges[next[f]] = edges[next[f]], edges[i]
			next[f]++
		}
	}
}
