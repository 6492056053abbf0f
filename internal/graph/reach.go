package graph

import (
	"fmt"
	"sort"
)

// DefaultMaxHops bounds paths when Options.MaxHops is zero.
const DefaultMaxHops = 5

// maxCount caps path counts; a count that reaches it is reported as "at
// least".
const maxCount = uint64(1) << 53

// sccExactLimit is the largest strongly connected component whose simple
// paths are enumerated exactly; larger ones get a lower bound. A variable
// so that tests can lower it.
var sccExactLimit = 64

// dfsBudget bounds the steps of one exact enumeration inside a cycle.
const dfsBudget = 200000

// Options tune a paths query.
type Options struct {
	// MaxHops bounds path length (DefaultMaxHops when zero).
	MaxHops int
	// From, when set, keeps only the source with this node id.
	From string
	// Edges chooses the edges followed (EdgesAll when empty).
	Edges EdgeFilter
}

// Hop is one edge of a path.
type Hop struct {
	From       string     `json:"from"`
	To         string     `json:"to"`
	Kind       EdgeKind   `json:"kind"`
	Conditions Conditions `json:"conditions"`
	MFA        bool       `json:"mfa"`
	Via        string     `json:"via,omitempty"`
	// Evidence is set on escalation hops.
	Evidence *Evidence `json:"evidence,omitempty"`
}

// Source is a principal that reaches the target.
type Source struct {
	Node Node `json:"node"`
	// Hops is the length of the shortest path.
	Hops int `json:"hops"`
	// Paths is the number of distinct simple paths of at most MaxHops hops
	// into the target; PathsAtLeast says it is a lower bound (cycles too
	// large to enumerate, or more than 2^53 paths).
	Paths        uint64 `json:"paths"`
	PathsAtLeast bool   `json:"paths_at_least,omitempty"`
	// MFARequired is set when every such path has an edge that needs MFA.
	MFARequired bool `json:"mfa_required"`
	// Path is the shortest path (ties broken by node id).
	Path []Hop `json:"path"`
	// PathWithoutMFA is a shortest path with no edge that needs MFA, when
	// there is one (MFARequired false); it may equal Path.
	PathWithoutMFA []Hop `json:"path_without_mfa,omitempty"`
	// EscalationRequired is set when every path of at most MaxHops hops
	// has an escalation edge: role assumption alone does not reach the
	// target.
	EscalationRequired bool `json:"escalation_required"`
}

// Result is the answer of Paths.
type Result struct {
	Target  Target `json:"target"`
	MaxHops int    `json:"max_hops"`
	// Targets are the ids of the roles inside the target.
	Targets []string `json:"targets"`
	// Sources are sorted by hops, then node id.
	Sources []Source `json:"sources"`
	// UnknownAccounts are target accounts whose IAM data is missing: paths
	// into them cannot be known.
	UnknownAccounts []string `json:"unknown_accounts"`
	// Edges is the edge filter the query used.
	Edges EdgeFilter `json:"edges"`
}

// query is the state of one Paths call.
type query struct {
	g       *Graph
	maxHops int
	target  []bool
	inside  []bool
	dist    []int32
	distNM  []int32 // distance using only edges that do not need MFA
	// follow says which edge kinds (by index) the query follows.
	follow [len(edgeKinds)]bool
	// next caches, per class, distance and MFA filter, the class edges
	// into nodes at that distance, by target id (see shortest).
	next map[nextKey][]int32
}

type nextKey struct {
	class, level int32
	noMFA        bool
}

// Paths finds every principal that can reach the target, its shortest
// path, the number of distinct paths and whether MFA is required on every
// path. Paths end at the first node inside the target; principals inside
// the target are not sources.
func (g *Graph) Paths(t Target, opts Options) (*Result, error) {
	q := &query{g: g, maxHops: opts.MaxHops, next: map[nextKey][]int32{}}
	if q.maxHops <= 0 {
		q.maxHops = DefaultMaxHops
	}
	filter := opts.Edges
	if filter == "" {
		filter = EdgesAll
	}
	switch filter {
	case EdgesAll, EdgesEscalate:
		q.followKinds(len(edgeKinds))
	case EdgesAssume:
		q.followKinds(assumeKinds)
	default:
		return nil, fmt.Errorf("--edges %q: use all, assume or escalate", opts.Edges)
	}
	var from int32 = -1
	if opts.From != "" {
		i, ok := g.byID[opts.From]
		if !ok {
			return nil, fmt.Errorf("--from %q: no such principal in the graph", opts.From)
		}
		from = i
	}
	n := len(g.nodes)
	q.target, q.inside = make([]bool, n), make([]bool, n)
	res := &Result{Target: t, MaxHops: q.maxHops, Targets: []string{}, Sources: []Source{}, UnknownAccounts: []string{}, Edges: filter}
	if t.Kind == TargetRole {
		i := g.byID[t.Role]
		q.target[i], q.inside[i] = true, true
	} else {
		in := make(map[string]bool, len(t.Accounts))
		for _, a := range t.Accounts {
			in[a] = true
			if g.unknownAcc[a] {
				res.UnknownAccounts = append(res.UnknownAccounts, a)
			}
		}
		for i := range g.nodes {
			nd := &g.nodes[i]
			if nd.AccountID == "" || !in[nd.AccountID] {
				continue
			}
			switch nd.Kind {
			case KindRole, KindSSORole:
				q.target[i], q.inside[i] = true, true
			case KindUser, KindAccount, KindPrincipal, KindAccountAdmin, KindUserInGroup:
				q.inside[i] = true
			}
		}
	}
	for i := range q.target {
		if q.target[i] {
			res.Targets = append(res.Targets, g.nodes[i].ID)
		}
	}
	q.dist = q.reverseBFS(false)
	q.distNM = q.reverseBFS(true)
	distAssume := q.dist
	if filter != EdgesAssume {
		all := q.follow
		q.followKinds(assumeKinds)
		distAssume = q.reverseBFS(false)
		q.follow = all
	}
	counts, atLeast := q.count()
	for i := range g.nodes {
		d := q.dist[i]
		if d <= 0 || from >= 0 && int32(i) != from || g.nodes[i].Virtual() {
			continue
		}
		src := Source{
			Node: g.nodes[i], Hops: int(d), Paths: counts[i], PathsAtLeast: atLeast[i],
			MFARequired: q.distNM[i] < 0, Path: q.shortest(int32(i), q.dist, false),
			EscalationRequired: distAssume[i] < 0,
		}
		if filter == EdgesEscalate && !src.EscalationRequired {
			continue
		}
		if !src.MFARequired {
			src.PathWithoutMFA = q.shortest(int32(i), q.distNM, true)
		}
		res.Sources = append(res.Sources, src)
	}
	sort.SliceStable(res.Sources, func(a, b int) bool {
		if res.Sources[a].Hops != res.Sources[b].Hops {
			return res.Sources[a].Hops < res.Sources[b].Hops
		}
		return res.Sources[a].Node.ID < res.Sources[b].Node.ID
	})
	return res, nil
}

// followKinds makes the query follow the first n edge kinds.
func (q *query) followKinds(n int) {
	for i := range q.follow {
		q.follow[i] = i < n
	}
}

// reverseBFS returns every node's distance to the target (-1 when
// unreachable within maxHops), optionally using only edges that need no
// MFA. A class edge is expanded once per class and account, not once per
// member and role.
func (q *query) reverseBFS(noMFA bool) []int32 {
	g := q.g
	dist := make([]int32, len(g.nodes))
	for i := range dist {
		dist[i] = -1
	}
	queue := make([]int32, 0, 64)
	for i, t := range q.target {
		if t {
			dist[i] = 0
			queue = append(queue, int32(i))
		}
	}
	remaining := make([][]int32, len(g.classes))
	started := make([]bool, len(g.classes))
	for head := 0; head < len(queue); head++ {
		v := queue[head]
		d := dist[v]
		if int(d) >= q.maxHops {
			continue
		}
		for _, ei := range g.inIdx[v] {
			e := &g.edges[ei]
			if noMFA && g.condMFA[e.cond] || !q.follow[e.kind] {
				continue
			}
			if u := e.from; dist[u] < 0 && !q.inside[u] {
				dist[u] = d + 1
				queue = append(queue, u)
			}
		}
		for _, ci := range g.classIn[v] {
			ce := &g.cedges[ci]
			if noMFA && g.condMFA[ce.cond] || !q.follow[ce.kind] {
				continue
			}
			if !started[ce.class] {
				started[ce.class] = true
				remaining[ce.class] = append([]int32(nil), g.classes[ce.class].members...)
			}
			rem := remaining[ce.class]
			kept := rem[:0]
			for _, m := range rem {
				switch {
				case dist[m] >= 0 || q.inside[m]:
				case excepted(ce.except, g.nodes[m].AccountID):
					kept = append(kept, m)
				default:
					dist[m] = d + 1
					queue = append(queue, m)
				}
			}
			remaining[ce.class] = kept
		}
	}
	return dist
}

// relevant reports whether node i is a non-target node on some path.
func (q *query) relevant(i int32) bool { return q.dist[i] > 0 }

// count returns, for every node, the number of distinct simple paths of at
// most maxHops hops into the target, and whether that number is a lower
// bound. Outside cycles a dynamic program over hop counts is exact; inside
// strongly connected components simple paths are enumerated (small
// components) or bounded from below by the paths along which the distance
// to the target strictly decreases (large ones).
func (q *query) count() ([]uint64, []bool) {
	g := q.g
	n := len(g.nodes)
	var rel []int32
	for i := 0; i < n; i++ {
		if q.relevant(int32(i)) {
			rel = append(rel, int32(i))
		}
	}
	sccOf, sccSize := q.components(rel)
	large := func(v int32) bool { return sccOf[v] >= 0 && sccSize[sccOf[v]] > sccExactLimit }

	// levels[h][v] counts the paths of at most h hops; al marks lower bounds.
	levels := make([][]uint64, q.maxHops+1)
	al := make([][]bool, q.maxHops+1)
	for h := range levels {
		levels[h], al[h] = make([]uint64, n), make([]bool, n)
		for i, t := range q.target {
			if t {
				levels[h][i] = 1
			}
		}
	}
	var dec []uint64
	for _, v := range rel {
		if large(v) {
			dec = q.decreasingCounts(rel)
			break
		}
	}
	classSum := make([]uint64, len(g.classes))
	classAL := make([]bool, len(g.classes))
	classExcept := make([]map[string]uint64, len(g.classes))
	for h := 1; h <= q.maxHops; h++ {
		prev, prevAL := levels[h-1], al[h-1]
		// Class edge sums at level h-1.
		for c := range g.classes {
			classSum[c], classAL[c], classExcept[c] = 0, false, nil
		}
		for i := range g.cedges {
			ce := &g.cedges[i]
			v := prev[ce.to]
			if v == 0 || !q.follow[ce.kind] {
				continue
			}
			classSum[ce.class] = satAdd(classSum[ce.class], v)
			classAL[ce.class] = classAL[ce.class] || prevAL[ce.to]
			for _, a := range ce.except {
				if classExcept[ce.class] == nil {
					classExcept[ce.class] = map[string]uint64{}
				}
				classExcept[ce.class][a] = satAdd(classExcept[ce.class][a], v)
			}
		}
		for _, v := range rel {
			var sum uint64
			lb := false
			switch {
			case large(v):
				if int(q.dist[v]) <= h {
					sum, lb = dec[v], true
				}
			case sccOf[v] >= 0:
				sum, lb = q.enumerate(v, h, sccOf, levels, al)
			default:
				for k := g.outStart[v]; k < g.outStart[v+1]; k++ {
					e := &g.edges[k]
					if !q.follow[e.kind] {
						continue
					}
					if x := prev[e.to]; x > 0 {
						sum = satAdd(sum, x)
						lb = lb || prevAL[e.to]
					}
				}
				if c := g.nodes[v].Class; c >= 0 && classSum[c] > 0 {
					s := classSum[c]
					if s >= maxCount {
						sum, lb = maxCount, true
					} else {
						sum = satAdd(sum, s-classExcept[c][g.nodes[v].AccountID])
					}
					lb = lb || classAL[c]
				}
			}
			if sum >= maxCount {
				lb = true
			}
			levels[h][v], al[h][v] = sum, lb
		}
	}
	return levels[q.maxHops], al[q.maxHops]
}

func satAdd(a, b uint64) uint64 {
	if s := a + b; s < maxCount && s >= a {
		return s
	}
	return maxCount
}

// enumerate counts the simple paths of at most h hops from v: it walks
// simple paths inside v's component and, where a path leaves it, adds the
// leaving node's count for the hops left (levels below h are complete).
func (q *query) enumerate(v int32, h int, sccOf []int32, levels [][]uint64, al [][]bool) (uint64, bool) {
	comp := sccOf[v]
	onPath := map[int32]bool{v: true}
	steps := 0
	lb := false
	var total uint64
	var dfs func(u int32, left int)
	dfs = func(u int32, left int) {
		if left <= 0 || steps > dfsBudget {
			return
		}
		q.g.forOut(u, func(e edge) {
			if !q.follow[e.kind] {
				return
			}
			to := e.to
			steps++
			if steps > dfsBudget {
				lb = true
				return
			}
			switch {
			case q.target[to]:
				total = satAdd(total, 1)
			case !q.relevant(to) || onPath[to] || int(q.dist[to]) > left-1:
			case sccOf[to] == comp:
				onPath[to] = true
				dfs(to, left-1)
				delete(onPath, to)
			default:
				total = satAdd(total, levels[left-1][to])
				lb = lb || al[left-1][to]
			}
		})
	}
	dfs(v, h)
	return total, lb || total >= maxCount
}

// decreasingCounts counts, for every relevant node, the paths along which
// the distance to the target strictly decreases: simple paths, so a lower
// bound of all paths.
func (q *query) decreasingCounts(rel []int32) []uint64 {
	g := q.g
	cnt := make([]uint64, len(g.nodes))
	for i, t := range q.target {
		if t {
			cnt[i] = 1
		}
	}
	order := append([]int32(nil), rel...)
	sort.Slice(order, func(a, b int) bool { return q.dist[order[a]] < q.dist[order[b]] })
	for _, v := range order {
		var sum uint64
		g.forOut(v, func(e edge) {
			if to := e.to; q.follow[e.kind] && (q.target[to] || q.relevant(to)) && q.dist[to] < q.dist[v] {
				sum = satAdd(sum, cnt[to])
			}
		})
		cnt[v] = sum
	}
	return cnt
}

// components finds the strongly connected components among relevant
// nodes, with each class as a hub node between its members and the
// targets of its class edges. It returns the component of each node (-1
// for nodes on no cycle) and component sizes in real nodes.
func (q *query) components(rel []int32) ([]int32, []int) {
	g := q.g
	n := len(g.nodes)
	total := n + len(g.classes)
	succ := func(v int32, f func(int32)) {
		if int(v) >= n {
			for _, k := range g.classOut[int(v)-n] {
				if to := g.cedges[k].to; q.relevant(to) && q.follow[g.cedges[k].kind] {
					f(to)
				}
			}
			return
		}
		for k := g.outStart[v]; k < g.outStart[v+1]; k++ {
			if to := g.edges[k].to; q.relevant(to) && q.follow[g.edges[k].kind] {
				f(to)
			}
		}
		if c := g.nodes[v].Class; c >= 0 && len(g.classOut[c]) > 0 {
			f(int32(n + c))
		}
	}
	index := make([]int32, total)
	low := make([]int32, total)
	for i := range index {
		index[i] = -1
	}
	onStack := make([]bool, total)
	var stack []int32
	sccOf := make([]int32, n)
	for i := range sccOf {
		sccOf[i] = -1
	}
	var sizes []int
	next := int32(0)
	type frame struct {
		v     int32
		succs []int32
		i     int
	}
	for _, root := range rel {
		if index[root] >= 0 {
			continue
		}
		var call []frame
		push := func(v int32) {
			index[v], low[v] = next, next
			next++
			stack = append(stack, v)
			onStack[v] = true
			var ss []int32
			succ(v, func(w int32) { ss = append(ss, w) })
			call = append(call, frame{v: v, succs: ss})
		}
		push(root)
		for len(call) > 0 {
			f := &call[len(call)-1]
			if f.i < len(f.succs) {
				w := f.succs[f.i]
				f.i++
				if index[w] < 0 {
					push(w)
				} else if onStack[w] && index[w] < low[f.v] {
					low[f.v] = index[w]
				}
				continue
			}
			v := f.v
			call = call[:len(call)-1]
			if len(call) > 0 {
				p := &call[len(call)-1]
				if low[v] < low[p.v] {
					low[p.v] = low[v]
				}
			}
			if low[v] != index[v] {
				continue
			}
			var members []int32
			for {
				w := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				onStack[w] = false
				members = append(members, w)
				if w == v {
					break
				}
			}
			real := 0
			for _, w := range members {
				if int(w) < n {
					real++
				}
			}
			if len(members) > 1 && real > 1 {
				id := int32(len(sizes))
				sizes = append(sizes, real)
				for _, w := range members {
					if int(w) < n {
						sccOf[w] = id
					}
				}
			}
		}
	}
	return sccOf, sizes
}

// shortest returns the shortest path from s into the target by the
// distances dist (computed without MFA edges when noMFA), choosing at each
// step the next node with the smallest id among those one hop closer.
// Class edges are not expanded per member: the class edges into nodes at
// the wanted distance are listed once per class and distance.
func (q *query) shortest(s int32, dist []int32, noMFA bool) []Hop {
	g := q.g
	var path []Hop
	u := s
	for !q.target[u] {
		d := dist[u]
		best := edge{to: -1}
		consider := func(e edge) {
			if dist[e.to] != d-1 || (!q.target[e.to] && q.inside[e.to]) || noMFA && g.condMFA[e.cond] || !q.follow[e.kind] {
				return
			}
			if best.to < 0 || e.to < best.to || e.to == best.to && e.kind < best.kind {
				best = e
			}
		}
		for k := g.outStart[u]; k < g.outStart[u+1]; k++ {
			consider(g.edges[k])
		}
		if c := g.nodes[u].Class; c >= 0 && len(g.classOut[c]) > 0 {
			acct := g.nodes[u].AccountID
			for _, k := range q.classNext(int32(c), d-1, dist, noMFA) {
				ce := &g.cedges[k]
				if ce.to != u && !excepted(ce.except, acct) {
					consider(edge{from: u, to: ce.to, kind: ce.kind, cond: ce.cond, via: -1, ev: -1})
					break // sorted by target: the first usable one is the smallest
				}
			}
		}
		if best.to < 0 {
			break // cannot happen: dist says a closer node exists
		}
		e := g.publicEdge(&best)
		path = append(path, Hop(e))
		u = best.to
	}
	return path
}

// classNext returns the class edges of class c into nodes at distance
// level, sorted by target and kind.
func (q *query) classNext(c, level int32, dist []int32, noMFA bool) []int32 {
	k := nextKey{c, level, noMFA}
	if l, ok := q.next[k]; ok {
		return l
	}
	var l []int32
	for _, i := range q.g.classOut[c] {
		ce := &q.g.cedges[i]
		if dist[ce.to] == level && (q.target[ce.to] || !q.inside[ce.to]) && (!noMFA || !q.g.condMFA[ce.cond]) && q.follow[ce.kind] {
			l = append(l, i)
		}
	}
	q.next[k] = l
	return l
}
