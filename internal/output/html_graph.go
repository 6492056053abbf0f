package output

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
)

// Graph drawings for HTML pages. The layout is computed here, in Go, and
// the page draws the SVG from it, so every label is text escaped by
// html/template and styled by the page. Nothing is compiled, loaded or
// cached at start-up or on disk: a command that draws no graph pays
// nothing for this file (see layout).

// drawInput is a graph to lay out: nodes (optionally in clusters) and
// directed edges between them, by index.
type drawInput struct {
	Clusters []string // labels
	Nodes    []drawNode
	Edges    []drawEdge
}

type drawNode struct {
	// Lines are the text drawn in the box (a name, then a smaller line).
	Lines [2]string
	// Class is the node's CSS classes (target, start, group).
	Class string
	// Title is the hover text.
	Title string
	// Cluster is the index of the node's cluster, -1 for none.
	Cluster int
	// ID is the node's graph id (data-id), empty for groups.
	ID string
}

type drawEdge struct {
	From, To int
	// MFA: every hop the edge stands for needs MFA.
	MFA bool
	// Escalation: the hops the edge stands for are privilege escalations.
	Escalation bool
	// Latent: the hops are the first hops of latent sources, blocked
	// until the user registers an MFA device.
	Latent bool
	// Incomplete: a hop the edge stands for rests on data the snapshot
	// could not read in full; the arrow carries a mark.
	Incomplete bool
	Title      string
}

// svgGraph is a laid-out drawing, in pixels, y downwards.
type svgGraph struct {
	Width, Height int
	ViewBox       string
	Clusters      []svgCluster
	Nodes         []svgNode
	Edges         []svgEdge
}

type svgCluster struct {
	X, Y, W, H, LX, LY num
	Label              string
}

type svgNode struct {
	I                   int
	ID, Class, Title    string
	X, Y, W, H, TX, TY1 num
	TY2                 num
	Line1, Line2        string
}

type svgEdge struct {
	I                    int
	D                    string
	Class, Marker, Title string
	// Mark is where an incomplete edge's mark sits (the middle of its
	// curve), nil for the others.
	Mark *svgPoint
}

// svgPoint is a point of the drawing.
type svgPoint struct{ X, Y num }

// num is a coordinate, printed with one decimal.
type num float64

func (n num) String() string { return strconv.FormatFloat(math.Round(float64(n)*10)/10, 'f', -1, 64) }

// Text metrics the node sizes are computed with (pixels per character at
// the page's font sizes); generous, so that text fits in common fonts.
const (
	nameCharWidth  = 6.6
	kindCharWidth  = 5.6
	labelCharWidth = 6.4
	nodePadding    = 18
	nodeMinWidth   = 80
	nodeHeight     = 36
	nodeMaxChars   = 44
)

// Spacing of the layout, in pixels.
const (
	rankSep      = 64 // between columns
	nodeSep      = 14 // between boxes of a column
	clusterPad   = 10 // inside an account's frame
	clusterLabel = 18 // height of a frame's label
	clusterGap   = 14 // between frames
	graphMargin  = 8
	// layoutSweeps bounds the ordering passes; the best placement seen is
	// kept.
	layoutSweeps = 8
)

// layout places the graph left to right in layers, the way Graphviz's dot
// draws it, in plain Go:
//
//  1. every node gets a column: cycles are broken by depth-first search,
//     the targets (nodes without successors) share the last column, and
//     every other node sits just before its nearest successor, so arrows
//     are short and flow left to right;
//  2. each account is a frame (a band) spanning the columns of its nodes;
//     frames are stacked top to bottom, each as high as the frames it
//     shares columns with allow, so frames of different columns sit side
//     by side;
//  3. the order of the frames, and of the boxes within a frame's column,
//     is improved by barycentre sweeps (each follows the average height of
//     its neighbours), keeping the placement with the shortest arrows;
//  4. arrows are cubic curves from a box's right side to the next one's
//     left side.
//
// It is deterministic: the same input gives the same drawing. Its cost is
// a few milliseconds for the largest drawings pages make (a few hundred
// boxes); it loads nothing and caches nothing.
func layout(in *drawInput) (*svgGraph, error) {
	l, err := newLayering(in)
	if err != nil {
		return nil, err
	}
	l.rank()
	l.makeBands()
	var best *placement
	bestCost := math.Inf(1)
	for range layoutSweeps {
		p := l.place()
		if c := l.cost(p); c < bestCost {
			best, bestCost = p, c
		}
		l.reorder(p)
	}
	return l.draw(best), nil
}

// layering is a graph being laid out.
type layering struct {
	in     *drawInput
	widths []float64
	// out and in are the successors and predecessors of each node (no
	// self loops, no duplicates), for ranking with back edges reversed.
	out, inc [][]int
	ranks    []int
	nRanks   int
	colX     []float64 // left side of each column
	colW     []float64 // width of each column
	bands    []*band
	bandOf   []int // band of each node
	order    []int // bands, top to bottom
}

// band is an account's frame (framed), or a node without an account.
type band struct {
	framed     bool
	label      string
	cols       map[int][]int // column -> nodes, top to bottom
	minR, maxR int
	x0, x1     float64 // frame's horizontal extent
	height     float64
	key        float64 // sort key of the current sweep
}

// placement is where the bands and nodes are: the top of each band and
// the centre of each node.
type placement struct {
	top    []float64
	nx, ny []float64
}

func newLayering(in *drawInput) (*layering, error) {
	n := len(in.Nodes)
	l := &layering{in: in, widths: make([]float64, n), out: make([][]int, n), inc: make([][]int, n), ranks: make([]int, n), bandOf: make([]int, n)}
	for i, nd := range in.Nodes {
		l.widths[i] = max(nodeMinWidth, float64(len([]rune(nd.Lines[0])))*nameCharWidth+nodePadding, float64(len([]rune(nd.Lines[1])))*kindCharWidth+nodePadding)
		if nd.Cluster >= len(in.Clusters) {
			return nil, fmt.Errorf("lay out the graph: node %d is in cluster %d of %d", i, nd.Cluster, len(in.Clusters))
		}
	}
	seen := map[[2]int]bool{}
	for _, e := range in.Edges {
		if e.From < 0 || e.From >= n || e.To < 0 || e.To >= n {
			return nil, fmt.Errorf("lay out the graph: an edge joins %d and %d of %d nodes", e.From, e.To, n)
		}
		if e.From != e.To && !seen[[2]int{e.From, e.To}] {
			seen[[2]int{e.From, e.To}] = true
			l.out[e.From] = append(l.out[e.From], e.To)
			l.inc[e.To] = append(l.inc[e.To], e.From)
		}
	}
	return l, nil
}

// rank gives every node its column (step 1 of layout).
func (l *layering) rank() {
	n := len(l.in.Nodes)
	// Break cycles: edges to a node on the depth-first stack are reversed.
	back := map[[2]int]bool{}
	state := make([]byte, n) // 0 new, 1 on the stack, 2 done
	var visit func(v int)
	visit = func(v int) {
		state[v] = 1
		for _, w := range l.out[v] {
			switch state[w] {
			case 0:
				visit(w)
			case 1:
				back[[2]int{v, w}] = true
			}
		}
		state[v] = 2
	}
	for v := range n {
		if state[v] == 0 {
			visit(v)
		}
	}
	succ, pred := make([][]int, n), make([][]int, n)
	for v := range n {
		for _, w := range l.out[v] {
			a, b := v, w
			if back[[2]int{v, w}] {
				a, b = w, v
			}
			succ[a] = append(succ[a], b)
			pred[b] = append(pred[b], a)
		}
	}
	// Topological order (Kahn, smallest index first), then the longest
	// path from the sources.
	indeg := make([]int, n)
	for v := range n {
		indeg[v] = len(pred[v])
	}
	var topo, ready []int
	for v := range n {
		if indeg[v] == 0 {
			ready = append(ready, v)
		}
	}
	for len(ready) > 0 {
		v := ready[0]
		ready = ready[1:]
		topo = append(topo, v)
		for _, w := range succ[v] {
			if indeg[w]--; indeg[w] == 0 {
				ready = append(ready, w)
			}
		}
	}
	for _, v := range topo {
		for _, u := range pred[v] {
			l.ranks[v] = max(l.ranks[v], l.ranks[u]+1)
		}
		l.nRanks = max(l.nRanks, l.ranks[v]+1)
	}
	// Targets (no successor) in the last column; every other node just
	// before its nearest successor.
	for i := len(topo) - 1; i >= 0; i-- {
		v := topo[i]
		if len(succ[v]) == 0 {
			if len(pred[v]) > 0 {
				l.ranks[v] = l.nRanks - 1
			}
			continue
		}
		r := l.nRanks
		for _, w := range succ[v] {
			r = min(r, l.ranks[w])
		}
		l.ranks[v] = r - 1
	}
	l.colW = make([]float64, l.nRanks)
	for v := range n {
		l.colW[l.ranks[v]] = max(l.colW[l.ranks[v]], l.widths[v])
	}
	l.colX = make([]float64, l.nRanks)
	x := float64(graphMargin + clusterPad)
	for r := range l.nRanks {
		l.colX[r] = x
		x += l.colW[r] + rankSep
	}
}

// makeBands groups the nodes into frames (step 2 of layout).
func (l *layering) makeBands() {
	byCluster := make([]int, len(l.in.Clusters))
	for c := range byCluster {
		byCluster[c] = -1
	}
	for v, nd := range l.in.Nodes {
		b := -1
		if nd.Cluster >= 0 {
			b = byCluster[nd.Cluster]
		}
		if b < 0 {
			b = len(l.bands)
			bd := &band{cols: map[int][]int{}, minR: l.ranks[v], maxR: l.ranks[v]}
			if nd.Cluster >= 0 {
				bd.framed, bd.label = true, l.in.Clusters[nd.Cluster]
				byCluster[nd.Cluster] = b
			}
			l.bands = append(l.bands, bd)
			l.order = append(l.order, b)
		}
		bd := l.bands[b]
		r := l.ranks[v]
		bd.cols[r] = append(bd.cols[r], v)
		bd.minR, bd.maxR = min(bd.minR, r), max(bd.maxR, r)
		l.bandOf[v] = b
	}
	for _, bd := range l.bands {
		bd.x0, bd.x1 = l.colX[bd.minR], l.colX[bd.maxR]+l.colW[bd.maxR]
		rows := 0
		for _, vs := range bd.cols {
			rows = max(rows, len(vs))
		}
		bd.height = float64(rows)*nodeHeight + float64(rows-1)*nodeSep
		if bd.framed {
			bd.x0 -= clusterPad
			bd.x1 += clusterPad
			bd.x1 = max(bd.x1, bd.x0+float64(len([]rune(bd.label)))*labelCharWidth+2*clusterPad)
			bd.height += clusterLabel + 2*clusterPad
		}
	}
}

// place stacks the bands in their order, each below the frames it shares
// columns with, and the nodes of each column centred in their band.
func (l *layering) place() *placement {
	p := &placement{top: make([]float64, len(l.bands)), nx: make([]float64, len(l.in.Nodes)), ny: make([]float64, len(l.in.Nodes))}
	var placed []int
	for _, b := range l.order {
		bd := l.bands[b]
		y := float64(graphMargin)
		for _, o := range placed {
			ob := l.bands[o]
			if bd.x0 < ob.x1+clusterGap && ob.x0 < bd.x1+clusterGap {
				y = max(y, p.top[o]+ob.height+clusterGap)
			}
		}
		p.top[b] = y
		placed = append(placed, b)
		inner, avail := y, bd.height
		if bd.framed {
			inner += clusterLabel + clusterPad
			avail -= clusterLabel + 2*clusterPad
		}
		for r, vs := range bd.cols {
			h := float64(len(vs))*nodeHeight + float64(len(vs)-1)*nodeSep
			cy := inner + (avail-h)/2 + nodeHeight/2
			for _, v := range vs {
				p.nx[v], p.ny[v] = l.colX[r]+l.colW[r]/2, cy
				cy += nodeHeight + nodeSep
			}
		}
	}
	return p
}

// cost is what the sweeps minimise: the total height the arrows climb,
// and the drawing's height.
func (l *layering) cost(p *placement) float64 {
	c := 0.0
	for v, ws := range l.out {
		for _, w := range ws {
			c += math.Abs(p.ny[v] - p.ny[w])
		}
	}
	bottom := 0.0
	for b, bd := range l.bands {
		bottom = max(bottom, p.top[b]+bd.height)
	}
	return c + bottom
}

// reorder sorts the boxes of each band's columns, and the bands, by the
// average height of their neighbours in p (step 3 of layout).
func (l *layering) reorder(p *placement) {
	bary := func(v int) (float64, bool) {
		sum, k := 0.0, 0
		for _, w := range l.out[v] {
			sum, k = sum+p.ny[w], k+1
		}
		for _, u := range l.inc[v] {
			sum, k = sum+p.ny[u], k+1
		}
		if k == 0 {
			return p.ny[v], false
		}
		return sum / float64(k), true
	}
	for _, bd := range l.bands {
		for r, vs := range bd.cols {
			keys := map[int]float64{}
			for _, v := range vs {
				keys[v], _ = bary(v)
			}
			slices.SortStableFunc(vs, func(a, b int) int { return cmp.Compare(keys[a], keys[b]) })
			bd.cols[r] = vs
		}
	}
	for b, bd := range l.bands {
		sum, k := 0.0, 0
		for _, vs := range bd.cols {
			for _, v := range vs {
				for _, w := range append(slices.Clone(l.out[v]), l.inc[v]...) {
					if l.bandOf[w] != b {
						sum, k = sum+p.ny[w], k+1
					}
				}
			}
		}
		bd.key = p.top[b] + bd.height/2
		if k > 0 {
			bd.key = sum / float64(k)
		}
	}
	slices.SortStableFunc(l.order, func(a, b int) int { return cmp.Compare(l.bands[a].key, l.bands[b].key) })
}

// draw turns a placement into the drawing (step 4 of layout).
func (l *layering) draw(p *placement) *svgGraph {
	g := &svgGraph{Nodes: make([]svgNode, len(l.in.Nodes))}
	right, bottom := 0.0, 0.0
	for _, b := range l.order {
		bd := l.bands[b]
		right, bottom = max(right, bd.x1), max(bottom, p.top[b]+bd.height)
		if bd.framed {
			g.Clusters = append(g.Clusters, svgCluster{X: num(bd.x0), Y: num(p.top[b]), W: num(bd.x1 - bd.x0), H: num(bd.height),
				LX: num((bd.x0 + bd.x1) / 2), LY: num(p.top[b] + clusterLabel - 4), Label: bd.label})
		}
	}
	for i, n := range l.in.Nodes {
		w, x, y := l.widths[i], p.nx[i], p.ny[i]
		g.Nodes[i] = svgNode{I: i, ID: n.ID, Class: n.Class, Title: n.Title,
			X: num(x - w/2), Y: num(y - nodeHeight/2), W: num(w), H: nodeHeight,
			TX: num(x), TY1: num(y - 2), TY2: num(y + 11), Line1: n.Lines[0], Line2: n.Lines[1]}
	}
	// Arrows between the same two boxes (of different kinds) are spread
	// apart so that each stays visible and clickable.
	pairs := map[[2]int][]int{}
	for i, e := range l.in.Edges {
		pairs[[2]int{e.From, e.To}] = append(pairs[[2]int{e.From, e.To}], i)
	}
	for i, e := range l.in.Edges {
		same := pairs[[2]int{e.From, e.To}]
		spread := (float64(slices.Index(same, i)) - float64(len(same)-1)/2) * 10
		class := "nomfa"
		if e.MFA {
			class = "mfa"
		}
		marker := class
		if e.Escalation {
			class, marker = class+" esc", "esc"
		}
		if e.Latent {
			class, marker = class+" latent", "latent"
		}
		d, mid := l.curve(p, e.From, e.To, spread)
		se := svgEdge{I: i, D: d, Class: class, Marker: marker, Title: e.Title}
		if e.Incomplete {
			se.Class += " incomplete"
			se.Mark = &mid
		}
		g.Edges = append(g.Edges, se)
	}
	g.Width, g.Height = int(math.Ceil(right+graphMargin)), int(math.Ceil(bottom+graphMargin))
	g.ViewBox = fmt.Sprintf("0 0 %d %d", g.Width, g.Height)
	return g
}

// curve is the SVG path of an arrow from box a to box b: from a's right
// side to b's left side, leaving and arriving horizontally; an arrow that
// goes back (a cycle) or stays in its column loops out to the right and
// comes back in from the left. spread shifts it up or down. It also
// returns the middle of the curve.
func (l *layering) curve(p *placement, a, b int, spread float64) (string, svgPoint) {
	x1, y1 := p.nx[a]+l.widths[a]/2, p.ny[a]+spread
	x2, y2 := p.nx[b]-l.widths[b]/2, p.ny[b]+spread
	d := (x2 - x1) / 2
	if x2 <= x1 {
		d = rankSep
	}
	pt := func(x, y float64) string { return num(x).String() + "," + num(y).String() }
	// A cubic curve at t = 1/2: (P0 + 3·P1 + 3·P2 + P3) / 8.
	mid := svgPoint{X: num((x1 + 3*(x1+d) + 3*(x2-d) + x2) / 8), Y: num((y1 + 3*y1 + 3*y2 + y2) / 8)}
	return "M" + pt(x1, y1) + " C" + pt(x1+d, y1) + " " + pt(x2-d, y2) + " " + pt(x2, y2), mid
}
