package graph

import (
	"fmt"
	"runtime"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
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

// dfsBudget bounds the steps of one exact enumeration inside a cycle. A
// variable so that tests can lower it.
var dfsBudget = 200000

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
	// Incomplete is set when the hop rests on data the snapshot could not
	// read in full.
	Incomplete bool `json:"incomplete,omitempty"`
	// BlockedBy is set on the latent hop of a latent source.
	BlockedBy string `json:"blocked_by,omitempty"`
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
	// BlockedBy is set on latent sources (Result.Latent): what keeps them
	// out today, BlockedNoMFADevice.
	BlockedBy string `json:"blocked_by,omitempty"`
}

// Result is the answer of Paths.
type Result struct {
	Target  Target `json:"target"`
	MaxHops int    `json:"max_hops"`
	// Targets are the ids of the roles inside the target.
	Targets []string `json:"targets"`
	// Sources are sorted by hops, then node id.
	Sources []Source `json:"sources"`
	// Latent are the principals that do not reach the target but would
	// once they register an MFA device (IAM users without one, whose
	// first hop needs MFA): same shape as Sources, BlockedBy set, the
	// latent hop first. Sorted like Sources.
	Latent []Source `json:"latent"`
	// UnknownAccounts are target accounts whose IAM data is missing: paths
	// into them cannot be known.
	UnknownAccounts []string `json:"unknown_accounts"`
	// Edges is the edge filter the query used.
	Edges EdgeFilter `json:"edges"`
}

// Incomplete counts the distinct hops (from, to, kind) of the result's
// paths (sources and latent) that rest on data the snapshot could not read
// in full. A hop shared by several paths, or by a source's shortest path
// and its path without MFA, counts once.
func (r *Result) Incomplete() int {
	type hopKey struct {
		from, to string
		kind     EdgeKind
	}
	seen := map[hopKey]bool{}
	for _, list := range [][]Source{r.Sources, r.Latent} {
		for i := range list {
			for _, path := range [][]Hop{list[i].Path, list[i].PathWithoutMFA} {
				for _, h := range path {
					if h.Incomplete {
						seen[hopKey{h.From, h.To, h.Kind}] = true
					}
				}
			}
		}
	}
	return len(seen)
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
	// from is the only source kept (-1: every source).
	from   int32
	filter EdgeFilter
	// scans caches, per class, the class edges path counting looks at
	// (see enumerate).
	scans []*classScan
}

type nextKey struct {
	class, level int32
	noMFA        bool
}

// newQuery prepares a query into t: which nodes are targets and which are
// inside the target, and which edges are followed.
func (g *Graph) newQuery(t Target, opts Options) (*query, *Result, error) {
	q := &query{g: g, maxHops: opts.MaxHops, next: map[nextKey][]int32{}, from: -1}
	if q.maxHops <= 0 {
		q.maxHops = DefaultMaxHops
	}
	q.filter = opts.Edges
	if q.filter == "" {
		q.filter = EdgesAll
	}
	switch q.filter {
	case EdgesAll, EdgesEscalate:
		q.followKinds(len(edgeKinds))
	case EdgesAssume:
		q.followKinds(assumeKinds)
	default:
		return nil, nil, fmt.Errorf("--edges %q: use all, assume or escalate", opts.Edges)
	}
	if opts.From != "" {
		i, ok := g.byID[opts.From]
		if !ok {
			return nil, nil, fmt.Errorf("--from %q: no such principal in the graph", opts.From)
		}
		q.from = i
	}
	n := len(g.nodes)
	q.target, q.inside = make([]bool, n), make([]bool, n)
	res := &Result{Target: t, MaxHops: q.maxHops, Targets: []string{}, Sources: []Source{}, Latent: []Source{}, UnknownAccounts: []string{}, Edges: q.filter}
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
	return q, res, nil
}

// kept reports whether node i may be listed as a source.
func (q *query) kept(i int32) bool {
	return (q.from < 0 || i == q.from) && !q.g.nodes[i].Virtual()
}

// Paths finds every principal that can reach the target, its shortest
// path, the number of distinct paths and whether MFA is required on every
// path. Paths end at the first node inside the target; principals inside
// the target are not sources. Result.Latent lists the IAM users without
// an MFA device that would reach it once they register one.
func (g *Graph) Paths(t Target, opts Options) (*Result, error) {
	q, res, err := g.newQuery(t, opts)
	if err != nil {
		return nil, err
	}
	q.dist = q.reverseBFS(false)
	q.distNM = q.reverseBFS(true)
	distAssume := q.dist
	if q.filter != EdgesAssume {
		all := q.follow
		q.followKinds(assumeKinds)
		distAssume = q.reverseBFS(false)
		q.follow = all
	}
	lv := q.count()
	for i := range g.nodes {
		d := q.dist[i]
		if d <= 0 || !q.kept(int32(i)) {
			continue
		}
		src := Source{
			Node: g.nodes[i], Hops: int(d), Paths: lv.paths[i], PathsAtLeast: lv.atLeast[i],
			MFARequired: q.distNM[i] < 0, Path: q.shortest(int32(i), q.dist, false),
			EscalationRequired: distAssume[i] < 0,
		}
		if q.filter == EdgesEscalate && !src.EscalationRequired {
			continue
		}
		if !src.MFARequired {
			src.PathWithoutMFA = q.shortest(int32(i), q.distNM, true)
		}
		res.Sources = append(res.Sources, src)
	}
	res.Latent = q.latentSources(lv, distAssume)
	sortSources(res.Sources)
	sortSources(res.Latent)
	return res, nil
}

func sortSources(s []Source) {
	sort.SliceStable(s, func(a, b int) bool {
		if s[a].Hops != s[b].Hops {
			return s[a].Hops < s[b].Hops
		}
		return s[a].Node.ID < s[b].Node.ID
	})
}

// latentSources lists the IAM users that do not reach the target but
// would through one of their latent edges (see latent.go): the latent
// hop, then a shortest path of the graph. A node that does not reach the
// target lies on no path of the graph into it, so the paths after a
// latent hop never come back through its source, and their count is the
// count of the hop's end for the hops left.
func (q *query) latentSources(lv pathCounts, distAssume []int32) []Source {
	g := q.g
	var out []Source
	for k := 0; k < len(g.latent); {
		u := g.latent[k].from
		end := k
		for end < len(g.latent) && g.latent[end].from == u {
			end++
		}
		edges := g.latent[k:end]
		k = end
		if q.dist[u] >= 0 || q.inside[u] || !q.kept(u) {
			continue
		}
		// usable reports whether a latent edge leads into the target
		// within the hops left by the distances dist.
		usable := func(e *edge, dist []int32) bool {
			if !q.follow[e.kind] {
				return false
			}
			if q.target[e.to] {
				return true
			}
			return !q.inside[e.to] && dist[e.to] > 0 && int(dist[e.to]) < q.maxHops
		}
		var best *edge
		var paths uint64
		atLeast, escalation := false, true
		for i := range edges {
			e := &edges[i]
			if !usable(e, q.dist) {
				continue
			}
			if best == nil || q.dist[e.to] < q.dist[best.to] {
				best = e // sorted by target: the first of a distance is the smallest
			}
			paths = satAdd(paths, lv.prev[e.to])
			atLeast = atLeast || lv.prevAtLeast[e.to]
			if e.kind < assumeKinds && usable(e, distAssume) {
				escalation = false
			}
		}
		if best == nil || q.filter == EdgesEscalate && !escalation {
			continue
		}
		hop := Hop(g.publicEdge(best))
		hop.BlockedBy = BlockedNoMFADevice
		out = append(out, Source{
			Node: g.nodes[u], Hops: int(q.dist[best.to]) + 1, Paths: paths, PathsAtLeast: atLeast || paths >= maxCount,
			MFARequired: true, Path: append([]Hop{hop}, q.shortest(best.to, q.dist, false)...),
			EscalationRequired: escalation, BlockedBy: BlockedNoMFADevice,
		})
	}
	if out == nil {
		out = []Source{}
	}
	return out
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
	sc := q.newScratch()
	var starts []int32
	for i, t := range q.target {
		if t {
			starts = append(starts, int32(i))
		}
	}
	q.bfs(sc, starts, noMFA)
	return sc.dist
}

// bfsScratch is the state of a reverse breadth-first search, reusable:
// reset clears only what the last search touched.
type bfsScratch struct {
	dist    []int32 // -1: not reached
	visited []int32
	// remaining holds, per class, the members not reached yet through a
	// class edge; started lists the classes whose list was made.
	remaining [][]int32
	started   []int32
	isStarted []bool
}

func (q *query) newScratch() *bfsScratch {
	sc := &bfsScratch{dist: make([]int32, len(q.g.nodes)), remaining: make([][]int32, len(q.g.classes)), isStarted: make([]bool, len(q.g.classes))}
	for i := range sc.dist {
		sc.dist[i] = -1
	}
	return sc
}

func (sc *bfsScratch) reset() {
	for _, v := range sc.visited {
		sc.dist[v] = -1
	}
	sc.visited = sc.visited[:0]
	for _, c := range sc.started {
		sc.isStarted[c], sc.remaining[c] = false, nil
	}
	sc.started = sc.started[:0]
}

// bfs fills sc.dist with the distance of every node to the nearest of
// starts (distance 0) within maxHops, through nodes outside the target.
func (q *query) bfs(sc *bfsScratch, starts []int32, noMFA bool) {
	g := q.g
	dist := sc.dist
	for _, v := range starts {
		dist[v] = 0
		sc.visited = append(sc.visited, v)
	}
	for head := 0; head < len(sc.visited); head++ {
		v := sc.visited[head]
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
				sc.visited = append(sc.visited, u)
			}
		}
		for _, ci := range g.classIn[v] {
			ce := &g.cedges[ci]
			if noMFA && g.condMFA[ce.cond] || !q.follow[ce.kind] {
				continue
			}
			if !sc.isStarted[ce.class] {
				sc.isStarted[ce.class] = true
				sc.started = append(sc.started, ce.class)
				sc.remaining[ce.class] = append([]int32(nil), g.classes[ce.class].members...)
			}
			rem := sc.remaining[ce.class]
			kept := rem[:0]
			for _, m := range rem {
				switch {
				case dist[m] >= 0 || q.inside[m]:
				case excepted(ce.except, g.nodes[m].AccountID):
					kept = append(kept, m)
				default:
					dist[m] = d + 1
					sc.visited = append(sc.visited, m)
				}
			}
			sc.remaining[ce.class] = kept
		}
	}
}

// Door is one way into a target: a principal, and the role of the target
// its paths enter through (paths end at the first node inside the
// target). A principal has as many doors as entry roles.
type Door struct {
	// Source is the principal's node id, Account its account (empty for
	// Identity Center principals and "*").
	Source  string `json:"source"`
	Account string `json:"account_id,omitempty"`
	// Entry is the id of the role entered.
	Entry string `json:"entry"`
	// Hops is the length of the shortest path through this door.
	Hops int `json:"hops"`
	// MFARequired: every path through this door has an edge that needs
	// MFA.
	MFARequired bool `json:"mfa_required"`
	// EscalationRequired: every path through this door (of at most
	// MaxHops hops) has an escalation edge.
	EscalationRequired bool `json:"escalation_required"`
}

// Doors lists every door into the target: for each role of the target,
// the principals that reach it through nodes outside the target, with
// the MFA and escalation answers of the paths through it. Sorted by entry
// role, then source id. A source of Paths has one door or more; the
// union of its doors' answers is its Paths answer (MFA is required on
// every path when it is on every door, and so on).
func (g *Graph) Doors(t Target, opts Options) ([]Door, error) {
	q, _, err := g.newQuery(t, opts)
	if err != nil {
		return nil, err
	}
	all, noMFA, assume := q.newScratch(), q.newScratch(), q.newScratch()
	every := q.follow
	var out []Door
	for e := range q.target {
		if !q.target[e] {
			continue
		}
		start := []int32{int32(e)}
		q.bfs(all, start, false)
		if len(all.visited) > 1 {
			q.bfs(noMFA, start, true)
			q.followKinds(assumeKinds)
			q.bfs(assume, start, false)
			q.follow = every
			for _, u := range all.visited[1:] {
				if !q.kept(u) {
					continue
				}
				d := Door{Source: g.nodes[u].ID, Account: g.nodes[u].AccountID, Entry: g.nodes[e].ID, Hops: int(all.dist[u]), MFARequired: noMFA.dist[u] < 0, EscalationRequired: assume.dist[u] < 0}
				if q.filter == EdgesEscalate && !d.EscalationRequired {
					continue
				}
				out = append(out, d)
			}
		}
		all.reset()
		noMFA.reset()
		assume.reset()
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Entry != out[j].Entry {
			return out[i].Entry < out[j].Entry
		}
		return out[i].Source < out[j].Source
	})
	return out, nil
}

// relevant reports whether node i is a non-target node on some path.
func (q *query) relevant(i int32) bool { return q.dist[i] > 0 }

// count returns, for every node, the number of distinct simple paths of at
// most maxHops (and maxHops-1) hops into the target, and whether that
// number is a lower bound. Outside cycles a dynamic program over hop counts is exact; inside
// strongly connected components simple paths are enumerated (small
// components) or bounded from below by the paths along which the distance
// to the target strictly decreases (large ones).
func (q *query) count() pathCounts {
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
	q.prepareScans(rel, sccOf)
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
		// Each node's count at level h depends only on the levels below
		// (enumerate reads none above h-1): the nodes are counted on
		// every core, each writing its own entries.
		q.forEachParallel(rel, func(v int32) {
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
		})
	}
	return pathCounts{paths: levels[q.maxHops], atLeast: al[q.maxHops], prev: levels[q.maxHops-1], prevAtLeast: al[q.maxHops-1]}
}

// countChunk is how many nodes a core takes at a time when counting one
// level; minParallelCount the fewest relevant nodes counted on several
// cores (tests lower both).
var countChunk, minParallelCount = 64, 2048

// forEachParallel calls count for every node of rel, on every core when
// rel is long enough. count must write nothing another call reads.
func (q *query) forEachParallel(rel []int32, count func(v int32)) {
	workers := runtime.GOMAXPROCS(0)
	if workers < 2 || len(rel) < minParallelCount {
		for _, v := range rel {
			count(v)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				lo := int(next.Add(int64(countChunk))) - countChunk
				if lo >= len(rel) {
					return
				}
				for _, v := range rel[lo:min(lo+countChunk, len(rel))] {
					count(v)
				}
			}
		})
	}
	wg.Wait()
}

// prepareScans fills the caches enumerate reads (classScanOf, forAccount)
// for every relevant node inside a component, so that counting on several
// cores only reads them.
func (q *query) prepareScans(rel, sccOf []int32) {
	g := q.g
	for _, v := range rel {
		if sccOf[v] < 0 {
			continue
		}
		if c := g.nodes[v].Class; c >= 0 && len(g.classOut[c]) > 0 {
			q.classScanOf(int32(c)).forAccount(g.nodes[v].AccountID)
		}
	}
}

// pathCounts are the path counts of every node: of at most maxHops hops
// (paths), and of at most maxHops-1 (prev, what a hop into the node
// leaves); the *AtLeast slices mark lower bounds.
type pathCounts struct {
	paths, prev          []uint64
	atLeast, prevAtLeast []bool
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
// The walk bounds its steps (dfsBudget): every edge followed is a step.
// Class edges into nodes on no path into the target are not looked at one
// by one: their steps are added in runs (classScan), which gives the same
// counts as looking at each (slowEnumerate, which tests compare).
func (q *query) enumerate(v int32, h int, sccOf []int32, levels [][]uint64, al [][]bool) (uint64, bool) {
	comp := sccOf[v]
	onPath := map[int32]bool{v: true}
	steps := 0
	lb := false
	var total uint64
	var dfs func(u int32, left int)
	visit := func(to int32, left int) {
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
	}
	skip := func(n int32) {
		if n > 0 {
			steps += int(n)
			if steps > dfsBudget {
				lb = true
			}
		}
	}
	dfs = func(u int32, left int) {
		if left <= 0 || steps > dfsBudget {
			return
		}
		q.forCountedOut(u, func(to int32) { visit(to, left) }, skip)
	}
	dfs(v, h)
	return total, lb || total >= maxCount
}

// forCountedOut calls visit with the target of every followed out-edge of
// u that path counting looks at: every direct edge, and the class edges
// into a target or a node on a path into it (classScan). skip(n) is
// called, in order among the visits, for each run of n followed class
// edges that are not looked at. Under slowEnumerate every followed edge
// is visited.
func (q *query) forCountedOut(u int32, visit func(to int32), skip func(n int32)) {
	g := q.g
	if slowEnumerate {
		g.forOut(u, func(e edge) {
			if q.follow[e.kind] {
				visit(e.to)
			}
		})
		return
	}
	for k := g.outStart[u]; k < g.outStart[u+1]; k++ {
		if e := &g.edges[k]; q.follow[e.kind] {
			visit(e.to)
		}
	}
	c := g.nodes[u].Class
	if c < 0 || len(g.classOut[c]) == 0 {
		return
	}
	cs := q.classScanOf(int32(c))
	as := cs.forAccount(g.nodes[u].AccountID)
	for j, ci := range cs.rel {
		skip(as.skip[j])
		if ce := &g.cedges[ci]; ce.to != u && !as.excepted[j] {
			visit(ce.to)
		}
	}
	skip(as.skip[len(cs.rel)])
}

// slowEnumerate makes path counting look at every class edge of every
// member (tests compare both ways).
var slowEnumerate = false

// classScan is what a query needs of one class's edges when it walks
// the out-edges of a member: the followed class edges into a target or a
// node on a path into it (rel, in classOut order), and how many followed
// class edges lie before each of them (irr, cumulative; the last entry
// counts them all), which the walk counts as steps without looking at
// them.
type classScan struct {
	rel []int32 // class edge indexes
	pos []int32 // their positions in classOut
	irr []int32 // len(rel)+1
	// excPos lists, per account, the positions of the followed class
	// edges that except it, ascending.
	excPos   map[string][]int32
	accounts map[string]*acctScan
}

// acctScan is a classScan seen from the members of one account: the
// steps to count before each relevant class edge (and after the last),
// and whether the edge excepts the account.
type acctScan struct {
	skip     []int32 // len(rel)+1
	excepted []bool
}

func (q *query) classScanOf(c int32) *classScan {
	if q.scans == nil {
		q.scans = make([]*classScan, len(q.g.classes))
	}
	if cs := q.scans[c]; cs != nil {
		return cs
	}
	g := q.g
	cs := &classScan{excPos: map[string][]int32{}, accounts: map[string]*acctScan{}}
	var followed int32
	for p, ci := range g.classOut[c] {
		ce := &g.cedges[ci]
		if !q.follow[ce.kind] {
			continue
		}
		for _, a := range ce.except {
			if l := cs.excPos[a]; len(l) == 0 || l[len(l)-1] != int32(p) {
				cs.excPos[a] = append(l, int32(p))
			}
		}
		if q.target[ce.to] || q.relevant(ce.to) {
			cs.rel = append(cs.rel, ci)
			cs.pos = append(cs.pos, int32(p))
			cs.irr = append(cs.irr, followed)
		}
		followed++
	}
	// irr[j] counts the followed edges before rel[j], relevant ones
	// included; make it count the others only.
	for j := range cs.irr {
		cs.irr[j] -= int32(j)
	}
	cs.irr = append(cs.irr, followed-int32(len(cs.rel)))
	q.scans[c] = cs
	return cs
}

// forAccount returns the scan seen from the members of account acct: a
// followed class edge counts as a step unless it excepts the account.
func (cs *classScan) forAccount(acct string) *acctScan {
	if as := cs.accounts[acct]; as != nil {
		return as
	}
	n := len(cs.rel)
	as := &acctScan{skip: make([]int32, n+1), excepted: make([]bool, n)}
	for j := 0; j <= n; j++ {
		as.skip[j] = cs.irr[j]
		if j > 0 {
			as.skip[j] -= cs.irr[j-1]
		}
	}
	for _, p := range cs.excPos[acct] {
		// The relevant edges before position p, and whether p is one.
		j, found := slices.BinarySearch(cs.pos, p)
		if found {
			as.excepted[j] = true
		} else {
			as.skip[j]--
		}
	}
	cs.accounts[acct] = as
	return as
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
		add := func(to int32) {
			if (q.target[to] || q.relevant(to)) && q.dist[to] < q.dist[v] {
				sum = satAdd(sum, cnt[to])
			}
		}
		// Only edges into targets or relevant nodes count: the class
		// edges forCountedOut does not look at are neither.
		q.forCountedOut(v, add, func(int32) {})
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
