package output

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"

	"github.com/goccy/go-graphviz"
)

// Graph drawings for HTML pages. The layout is Graphviz's dot, run in
// process through github.com/goccy/go-graphviz (Graphviz compiled to
// WebAssembly, run by the pure-Go wazero runtime): no system Graphviz, no
// cgo. Graphviz only places boxes of the sizes given here and routes the
// edges; the page draws the SVG itself from those positions, so every
// label is text escaped by html/template and styled by the page.

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
}

// num is a coordinate, printed with one decimal.
type num float64

func (n num) String() string { return strconv.FormatFloat(math.Round(float64(n)*10)/10, 'f', -1, 64) }

// Text metrics the node sizes are computed with (pixels per character at
// the page's font sizes); generous, so that text fits in common fonts.
const (
	nameCharWidth = 6.6
	kindCharWidth = 5.6
	nodePadding   = 18
	nodeMinWidth  = 80
	nodeHeight    = 36
	nodeMaxChars  = 44
)

// graphvizMu serialises layouts: go-graphviz runs one WebAssembly module
// for the whole process.
var graphvizMu sync.Mutex

// layout places the graph with Graphviz's dot, left to right, and returns
// the drawing.
func layout(in *drawInput) (*svgGraph, error) {
	var dot bytes.Buffer
	dot.WriteString("digraph G {\n  graph [rankdir=LR, nodesep=0.22, ranksep=0.7, fontname=\"Helvetica\", fontsize=11, margin=0.1];\n  node [shape=box, fixedsize=true, label=\"\"];\n  edge [arrowhead=normal, arrowsize=0.7];\n")
	widths := make([]float64, len(in.Nodes))
	members := make([][]int, len(in.Clusters))
	for i, n := range in.Nodes {
		widths[i] = max(nodeMinWidth, float64(len([]rune(n.Lines[0])))*nameCharWidth+nodePadding, float64(len([]rune(n.Lines[1])))*kindCharWidth+nodePadding)
		if n.Cluster >= 0 {
			members[n.Cluster] = append(members[n.Cluster], i)
		}
		fmt.Fprintf(&dot, "  n%d [width=%.3f, height=%.3f];\n", i, widths[i]/72, float64(nodeHeight)/72)
	}
	for c, label := range in.Clusters {
		fmt.Fprintf(&dot, "  subgraph cluster_%d {\n    label=%s;\n    margin=10;\n", c, strconv.Quote(label))
		for _, i := range members[c] {
			fmt.Fprintf(&dot, "    n%d;\n", i)
		}
		dot.WriteString("  }\n")
	}
	for i, e := range in.Edges {
		fmt.Fprintf(&dot, "  n%d -> n%d [id=\"e%d\"];\n", e.From, e.To, i)
	}
	dot.WriteString("}\n")

	raw, err := runDot(dot.Bytes())
	if err != nil {
		return nil, fmt.Errorf("lay out the graph: %w", err)
	}
	var out struct {
		BB      string `json:"bb"`
		Objects []struct {
			Name string `json:"name"`
			BB   string `json:"bb"`
			LP   string `json:"lp"`
			Pos  string `json:"pos"`
		} `json:"objects"`
		Edges []struct {
			ID  string `json:"id"`
			Pos string `json:"pos"`
		} `json:"edges"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, fmt.Errorf("lay out the graph: read Graphviz's answer: %w", err)
	}
	bb := floats(out.BB)
	if len(bb) != 4 {
		return nil, fmt.Errorf("lay out the graph: no bounding box in Graphviz's answer")
	}
	height := bb[3]
	flip := func(y float64) num { return num(height - y) }
	g := &svgGraph{Width: int(math.Ceil(bb[2])), Height: int(math.Ceil(bb[3]))}
	g.ViewBox = fmt.Sprintf("0 0 %d %d", g.Width, g.Height)
	g.Nodes = make([]svgNode, len(in.Nodes))
	placed := make([]bool, len(in.Nodes))
	for _, o := range out.Objects {
		switch {
		case strings.HasPrefix(o.Name, "cluster_"):
			c, err := strconv.Atoi(strings.TrimPrefix(o.Name, "cluster_"))
			r := floats(o.BB)
			if err != nil || c < 0 || c >= len(in.Clusters) || len(r) != 4 {
				continue
			}
			lp := floats(o.LP)
			if len(lp) != 2 {
				lp = []float64{(r[0] + r[2]) / 2, r[3] - 10}
			}
			g.Clusters = append(g.Clusters, svgCluster{X: num(r[0]), Y: flip(r[3]), W: num(r[2] - r[0]), H: num(r[3] - r[1]),
				LX: num(lp[0]), LY: flip(lp[1]) + 4, Label: in.Clusters[c]})
		case strings.HasPrefix(o.Name, "n"):
			i, err := strconv.Atoi(o.Name[1:])
			p := floats(o.Pos)
			if err != nil || i < 0 || i >= len(in.Nodes) || len(p) != 2 {
				continue
			}
			n := in.Nodes[i]
			x, y := p[0], float64(flip(p[1]))
			g.Nodes[i] = svgNode{I: i, ID: n.ID, Class: n.Class, Title: n.Title,
				X: num(x - widths[i]/2), Y: num(y - nodeHeight/2), W: num(widths[i]), H: nodeHeight,
				TX: num(x), TY1: num(y - 2), TY2: num(y + 11), Line1: n.Lines[0], Line2: n.Lines[1]}
			placed[i] = true
		}
	}
	for i, ok := range placed {
		if !ok {
			return nil, fmt.Errorf("lay out the graph: Graphviz did not place node %d", i)
		}
	}
	for _, e := range out.Edges {
		i, err := strconv.Atoi(strings.TrimPrefix(e.ID, "e"))
		if err != nil || i < 0 || i >= len(in.Edges) {
			continue
		}
		class := "nomfa"
		if in.Edges[i].MFA {
			class = "mfa"
		}
		marker := class
		if in.Edges[i].Escalation {
			class, marker = class+" esc", "esc"
		}
		g.Edges = append(g.Edges, svgEdge{I: i, D: splinePath(e.Pos, flip), Class: class, Marker: marker, Title: in.Edges[i].Title})
	}
	return g, nil
}

// runDot lays out a DOT graph and returns Graphviz's json0 rendering (the
// positions, without drawing operations).
func runDot(dot []byte) ([]byte, error) {
	graphvizMu.Lock()
	defer graphvizMu.Unlock()
	ctx := context.Background()
	gv, err := graphviz.New(ctx)
	if err != nil {
		return nil, err
	}
	defer gv.Close()
	graph, err := graphviz.ParseBytes(dot)
	if err != nil {
		return nil, err
	}
	defer graph.Close()
	var buf bytes.Buffer
	if err := gv.Render(ctx, graph, graphviz.Format("json0"), &buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// floats parses "x,y[,…]" into numbers.
func floats(s string) []float64 {
	var out []float64
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil {
			return nil
		}
		out = append(out, v)
	}
	return out
}

// splinePath turns a Graphviz edge position ("e,x,y x0,y0 x1,y1 …": a
// B-spline of 3n+1 points, and where the arrow ends) into SVG path data.
func splinePath(pos string, flip func(float64) num) string {
	var pts [][2]float64
	var end []float64
	for _, tok := range strings.Fields(pos) {
		switch {
		case strings.HasPrefix(tok, "e,"):
			end = floats(tok[2:])
		case strings.HasPrefix(tok, "s,"):
			// An arrow at the start: not drawn.
		default:
			if p := floats(tok); len(p) == 2 {
				pts = append(pts, [2]float64{p[0], p[1]})
			}
		}
	}
	if len(pts) == 0 {
		return ""
	}
	var b strings.Builder
	pt := func(p [2]float64) string { return num(p[0]).String() + "," + flip(p[1]).String() }
	b.WriteString("M" + pt(pts[0]))
	i := 1
	for ; i+2 < len(pts); i += 3 {
		b.WriteString(" C" + pt(pts[i]) + " " + pt(pts[i+1]) + " " + pt(pts[i+2]))
	}
	for ; i < len(pts); i++ {
		b.WriteString(" L" + pt(pts[i]))
	}
	if len(end) == 2 {
		b.WriteString(" L" + pt([2]float64{end[0], end[1]}))
	}
	return b.String()
}
