package output

import (
	"cmp"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/orgaudit/orgaudit/internal/graph"
	"github.com/orgaudit/orgaudit/internal/version"
)

// The paths page reads the graph only through graph.Report and the graph
// package's public types (Node, Hop, Source), so that new node and edge
// kinds show up with their names without changes here.

// Drawing limits: up to maxFullNodes nodes (and maxFullClusters accounts)
// the graph is drawn node by node in account clusters; past that, one box
// per account with counts, and past maxGroups accounts the accounts with
// the fewest sources are merged into one box. The limits are for the
// reader: the layout itself takes milliseconds either way
// (BenchmarkLayout).
const (
	maxFullNodes    = 200
	maxFullClusters = 60
	maxGroups       = 300
)

// pathsPage is a paths report being rendered as a page. It has its own
// small helpers instead of the text writers' (paths.go), so that the two
// change apart.
type pathsPage struct {
	*graph.Report
	targets map[string]bool
}

func newPathsPage(r *graph.Report) *pathsPage {
	p := &pathsPage{Report: r, targets: map[string]bool{}}
	for _, id := range r.Result.Targets {
		p.targets[id] = true
	}
	return p
}

func (r *pathsPage) isTarget(id string) bool { return r.targets[id] }

func (r *pathsPage) accountLabels(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = r.AccountLabel(id)
	}
	return out
}

// accountCell names a principal's account, "-" when it has none.
func (r *pathsPage) accountCell(n *graph.Node) string {
	switch {
	case n.AccountID != "":
		return r.AccountLabel(n.AccountID)
	case n.Kind == graph.KindAnyPrincipal:
		return "any"
	}
	return "-"
}

// pathCount is how many paths a source has, ">=N" for a lower bound.
func pathCount(s *graph.Source) string {
	n := strconv.FormatUint(s.Paths, 10)
	if s.PathsAtLeast {
		return ">=" + n
	}
	return n
}

func yesOrNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// pathsHTML is the body of a paths page.
type pathsHTML struct {
	Target, Spec   string
	Verdict        string
	VerdictClass   string
	Sources        int
	WithoutMFA     int
	StartingPoints int
	// EscalationOnly counts the sources that need a privilege escalation
	// on every path.
	EscalationOnly int
	// Latent counts the principals that would reach the target once they
	// register an MFA device.
	Latent int
	// Incomplete counts the drawn hops (each once, however many paths
	// take it) that rest on data the snapshot could not read in full.
	Incomplete int
	// Edges says which edges the query followed (--edges).
	Edges    string
	Unknown  []string
	Warnings []string
	// Graph is the drawing, nil when no principal reaches the target, not
	// even a latent one.
	Graph *svgGraph
	// GraphNote says how a large graph was simplified.
	GraphNote string
	GraphData htmlGraphData
	// Sections are the tables of principals: those that reach the target,
	// then, when there are any, the latent ones.
	Sections []htmlSourceSection
}

// htmlGraphData is what the side panel shows of each drawn node and edge,
// by their index in the drawing.
type htmlGraphData struct {
	Nodes []htmlGraphItem `json:"nodes"`
	Edges []htmlGraphItem `json:"edges"`
}

// htmlGraphItem is one node or edge for the side panel: a title, facts
// (name, value) and lists (heading, lines). Edges also name their ends.
type htmlGraphItem struct {
	Title string      `json:"title"`
	Facts [][2]string `json:"facts"`
	Lists []htmlList  `json:"lists,omitempty"`
	From  int         `json:"from"`
	To    int         `json:"to"`
}

// htmlList is a heading and its lines, a JSON array [heading, [lines]].
type htmlList [2]any

// htmlSourceSection is one table of principals.
type htmlSourceSection struct {
	ID, Title, Note string
	// Latent: the rows are latent sources (a "blocked by" column instead
	// of "MFA on every path").
	Latent bool
	// Empty is what the section says when it has no row.
	Empty string
	Rows  []htmlSource
}

// htmlSource is a principal and its shortest path.
type htmlSource struct {
	// Node is the principal's index in the drawing, -1 when it is not
	// drawn on its own (a collapsed graph).
	Node           int
	ID, Name, Kind string
	Account        string
	External       bool
	MFADevice      string
	Hops           int
	Paths          string
	MFARequired    bool
	// EscalationRequired: every path has a privilege escalation hop.
	EscalationRequired bool
	Path               []htmlHop
	PathWithoutMFA     []htmlHop
	// BlockedBy is what keeps a latent source from the target
	// (graph.BlockedNoMFADevice) and Blocked says it for people.
	BlockedBy, Blocked string
}

// htmlHop is one hop of a path: where it arrives and how. An escalation
// hop has its kind as Action and its evidence (actions, resource,
// deciding statements) as lines.
type htmlHop struct {
	To, Account, Action, Via string
	MFA, Escalation          bool
	// Blocked is set on the first hop of a latent source: what blocks it.
	Blocked string
	// Incomplete: the hop rests on data the snapshot could not read in
	// full.
	Incomplete bool
	Evidence   []string
	Conditions []string
}

func writePathsHTML(w io.Writer, r *graph.Report, _ Options) error {
	v := newPathsPage(r)
	res := r.Result
	s := r.Graph.Index().Snapshot()
	page := &htmlPage{Kind: "paths", Title: "Who can reach " + res.Target.Label}
	org := "none (a single account)"
	if s.Organization != nil {
		org = s.Organization.ID
	}
	targets := v.accountLabels(res.Target.Accounts)
	accounts := strings.Join(targets, ", ")
	if len(targets) > 6 {
		accounts = fmt.Sprintf("%d accounts: %s, …", len(targets), strings.Join(targets[:6], ", "))
	}
	page.Meta = []htmlFact{
		{Name: "Target", Value: res.Target.Label},
		{Name: "--to", Value: r.Spec, Code: true},
		{Name: "Target accounts", Value: accounts},
		{Name: "Roles inside", Value: strconv.Itoa(len(res.Targets))},
		{Name: "Longest path", Value: fmt.Sprintf("%d hops (--max-hops)", res.MaxHops)},
		{Name: "Edges followed", Value: edgesText(res.Edges)},
		{Name: "Organization", Value: org},
		{Name: "Snapshot", Value: r.SnapshotPath, Code: true},
		{Name: "Collected", Value: htmlTime(s.Metadata.CollectedAt)},
		{Name: "orgaudit", Value: version.String()},
	}
	page.Generated = fmt.Sprintf("orgaudit %s, from snapshot %s collected %s", version.String(), r.SnapshotPath, htmlTime(s.Metadata.CollectedAt))
	body, err := v.htmlBody()
	if err != nil {
		return err
	}
	page.Body = body
	return renderHTML(w, page)
}

func (r *pathsPage) htmlBody() (*pathsHTML, error) {
	res := r.Result
	b := &pathsHTML{Target: res.Target.Label, Spec: r.Spec, Unknown: r.accountLabels(res.UnknownAccounts), Warnings: r.Graph.Warnings(), Edges: string(res.Edges)}
	for _, s := range res.Sources {
		b.Sources++
		if !s.MFARequired {
			b.WithoutMFA++
		}
		if s.Node.StartingPoint() {
			b.StartingPoints++
		}
		if s.EscalationRequired {
			b.EscalationOnly++
		}
	}
	b.Latent = len(res.Latent)
	if res.Incomplete() > 0 {
		for _, h := range r.drawnEdges() {
			if h.Incomplete {
				b.Incomplete++
			}
		}
	}
	b.Verdict = fmt.Sprintf("%d %s %s: %d without MFA on some path, %d %s (accounts, providers or principals the snapshot does not describe)",
		b.Sources, plural(b.Sources, "principal reaches", "principals reach"), res.Target.Label, b.WithoutMFA, b.StartingPoints, plural(b.StartingPoints, "starting point", "starting points"))
	if b.Latent > 0 {
		b.Verdict += fmt.Sprintf("; %d more once %s an MFA device", b.Latent, plural(b.Latent, "it registers", "they register"))
	}
	b.Verdict += "."
	switch {
	case b.WithoutMFA > 0:
		b.VerdictClass = "bad"
	case b.Sources > 0 || b.Latent > 0 || len(b.Unknown) > 0 || b.Incomplete > 0:
		b.VerdictClass = "warn"
	default:
		b.VerdictClass = "good"
	}

	nodeIndex := map[string]int{}
	if len(res.Sources) > 0 || len(res.Latent) > 0 {
		in, index, note, data := r.drawingInput()
		g, err := layout(in)
		if err != nil {
			return nil, err
		}
		b.Graph, b.GraphNote, b.GraphData, nodeIndex = g, note, data, index
	}
	section := htmlSourceSection{ID: "sources", Title: "Principals that reach the target", Empty: "No principal reaches the target.",
		Note: "One row per principal: its shortest path, how many paths it has, and whether every path needs MFA. A path without MFA is shown when the shortest one has MFA but another does not. A privilege escalation hop names its kind and the permissions that allow it."}
	for _, s := range res.Sources {
		row := r.sourceRow(&s, nodeIndex)
		if !s.MFARequired && !slices.EqualFunc(s.Path, s.PathWithoutMFA, sameHop) {
			row.PathWithoutMFA = r.htmlHops(s.PathWithoutMFA)
		}
		section.Rows = append(section.Rows, row)
	}
	b.Sections = append(b.Sections, section)
	if len(res.Latent) > 0 {
		latent := htmlSourceSection{ID: "latent", Title: "Latent: principals one MFA device away", Latent: true,
			Note: "IAM users without an MFA device whose way in needs MFA: they do not reach the target today, and would once they register a device (as a \"force MFA\" policy asks them to). One row per user: its shortest path once it has a device, its first hop marked blocked. Close the access, or make sure the device it registers is the user's."}
		for _, s := range res.Latent {
			latent.Rows = append(latent.Rows, r.sourceRow(&s, nodeIndex))
		}
		b.Sections = append(b.Sections, latent)
	}
	return b, nil
}

// sourceRow is a source's (or a latent source's) row of a table; its
// path without MFA is left to the caller.
func (r *pathsPage) sourceRow(s *graph.Source, nodeIndex map[string]int) htmlSource {
	n := s.Node
	row := htmlSource{Node: -1, ID: n.ID, Name: graph.ShortName(&n), Kind: kindText(&n), Account: r.accountCell(&n), External: n.StartingPoint(),
		Hops: s.Hops, Paths: pathCount(s), MFARequired: s.MFARequired, EscalationRequired: s.EscalationRequired, Path: r.htmlHops(s.Path),
		BlockedBy: s.BlockedBy}
	if s.BlockedBy != "" {
		_, row.Blocked, _ = blockedText(s.BlockedBy)
	}
	if n.Kind == graph.KindUser {
		row.MFADevice = n.MFA
	}
	if i, ok := nodeIndex[n.ID]; ok {
		row.Node = i
	}
	return row
}

// blockedText says what keeps a latent source from the target, in a few
// words (short), of the source (long) and of its blocked hop (hop). A
// reason this page does not know is shown as it is.
func blockedText(b string) (short, long, hop string) {
	if b == graph.BlockedNoMFADevice {
		return "no MFA device",
			"the user has no MFA device, and its first hop needs MFA: it opens once the user registers one",
			"the user has no MFA device, and this hop needs MFA: it opens once the user registers one"
	}
	return b, b, b
}

// incompleteText says what an incomplete hop or node means for the
// reader.
const incompleteText = "rests on data the snapshot could not read in full (see the warnings and the snapshot's gaps): paths through it may differ, check it by hand"

func sameHop(a, b graph.Hop) bool { return a.From == b.From && a.To == b.To && a.Kind == b.Kind }

func (r *pathsPage) htmlHops(path []graph.Hop) []htmlHop {
	out := make([]htmlHop, len(path))
	for i, h := range path {
		to := r.Node(h.To)
		hop := htmlHop{To: nodeName(to), Account: r.AccountLabel(to.AccountID), Action: h.Kind.Action(), MFA: h.MFA,
			Escalation: h.Kind.Escalation(), Incomplete: h.Incomplete, Evidence: h.Evidence.Lines(), Conditions: h.Conditions.Strings()}
		if h.BlockedBy != "" {
			hop.Blocked, _, _ = blockedText(h.BlockedBy)
		}
		if h.Via != "" {
			hop.Via = r.Node(h.Via).Name
		}
		out[i] = hop
	}
	return out
}

// drawnEdges is the union of the hops the page draws: every source's
// shortest path and, where it differs, its shortest path without MFA, and
// every latent source's shortest path (its first hop blocked). A hop on a
// source's path and a latent one is drawn as the source's: not blocked.
func (r *pathsPage) drawnEdges() []graph.Hop {
	seen := map[[3]string]bool{}
	var out []graph.Hop
	add := func(path []graph.Hop) {
		for _, h := range path {
			k := [3]string{h.From, h.To, string(h.Kind)}
			if !seen[k] {
				seen[k] = true
				out = append(out, h)
			}
		}
	}
	for _, s := range r.Result.Sources {
		add(s.Path)
		add(s.PathWithoutMFA)
	}
	for _, s := range r.Result.Latent {
		add(s.Path)
	}
	slices.SortFunc(out, func(a, b graph.Hop) int {
		return cmp.Or(strings.Compare(a.From, b.From), strings.Compare(a.To, b.To), strings.Compare(string(a.Kind), string(b.Kind)))
	})
	return out
}

// groupOf is the box a node goes in: its account, Identity Center, or the
// node itself (any principal, a web identity provider).
func groupOf(n *graph.Node) string {
	switch {
	case n.AccountID != "":
		return "account:" + n.AccountID
	case n.Kind == graph.KindICUser || n.Kind == graph.KindICGroup:
		return "identity-center"
	}
	return "node:" + n.ID
}

func (r *pathsPage) groupLabel(key string) string {
	switch {
	case strings.HasPrefix(key, "account:"):
		return r.AccountLabel(strings.TrimPrefix(key, "account:"))
	case key == "identity-center":
		return "IAM Identity Center"
	}
	return graph.ShortName(r.Node(strings.TrimPrefix(key, "node:")))
}

// drawingInput builds the drawing of the paths: node by node in account
// clusters, or one box per account when the graph is large. It returns
// the drawing, the index of each drawn graph node, a note when the graph
// was simplified, and the side panel's data.
func (r *pathsPage) drawingInput() (*drawInput, map[string]int, string, htmlGraphData) {
	edges := r.drawnEdges()
	ids := map[string]bool{}
	for _, list := range [][]graph.Source{r.Result.Sources, r.Result.Latent} {
		for _, s := range list {
			ids[s.Node.ID] = true
		}
	}
	groups := map[string]bool{}
	for _, h := range edges {
		ids[h.From], ids[h.To] = true, true
	}
	for id := range ids {
		groups[groupOf(r.Node(id))] = true
	}
	if len(ids) <= maxFullNodes && len(groups) <= maxFullClusters {
		in, index, data := r.fullDrawing(slices.Sorted(maps.Keys(ids)), edges)
		return in, index, "", data
	}
	in, note, data := r.groupedDrawing(slices.Sorted(maps.Keys(ids)), edges)
	return in, map[string]int{}, note, data
}

func (r *pathsPage) fullDrawing(ids []string, edges []graph.Hop) (*drawInput, map[string]int, htmlGraphData) {
	in := &drawInput{}
	clusters := map[string]int{}
	index := make(map[string]int, len(ids))
	data := htmlGraphData{}
	sources, latent := map[string]*graph.Source{}, map[string]*graph.Source{}
	for i := range r.Result.Sources {
		sources[r.Result.Sources[i].Node.ID] = &r.Result.Sources[i]
	}
	for i := range r.Result.Latent {
		latent[r.Result.Latent[i].Node.ID] = &r.Result.Latent[i]
	}
	for _, id := range ids {
		n := r.Node(id)
		dn := drawNode{ID: id, Cluster: -1, Lines: [2]string{clip(nodeName(n)), kindText(n)}}
		var classes []string
		if r.isTarget(id) {
			classes = append(classes, "target")
			dn.Lines[1] += ", target"
		}
		if n.StartingPoint() {
			classes = append(classes, "start")
			dn.Lines[1] += ", starting point"
		}
		if n.Virtual() {
			classes = append(classes, "virtual")
		}
		if latent[id] != nil {
			classes = append(classes, "latent")
			dn.Lines[1] += ", latent: no MFA device"
		}
		if n.Admin {
			dn.Lines[1] += ", administrator"
		}
		dn.Class = strings.Join(classes, " ")
		if g := groupOf(n); g != "node:"+id {
			c, ok := clusters[g]
			if !ok {
				c = len(in.Clusters)
				clusters[g] = c
				in.Clusters = append(in.Clusters, r.groupLabel(g))
			}
			dn.Cluster = c
		}
		item := htmlGraphItem{Title: r.fullName(n), From: -1, To: -1, Facts: [][2]string{{"Id", n.ID}, {"Kind", string(n.Kind)}}}
		if what := virtualText(n); what != "" {
			item.Facts = append(item.Facts, [2]string{"What it is", what})
		}
		if n.AccountID != "" {
			item.Facts = append(item.Facts, [2]string{"Account", r.AccountLabel(n.AccountID)})
		}
		if n.Kind == graph.KindUser && n.MFA != "" {
			item.Facts = append(item.Facts, [2]string{"MFA device", n.MFA})
		}
		if n.Admin {
			item.Facts = append(item.Facts, [2]string{"Administrator", "holds * (or iam:*) on * without condition: already an administrator of its account"})
		}
		if n.StartingPoint() {
			item.Facts = append(item.Facts, [2]string{"Starting point", "the snapshot does not describe who is behind it"})
		}
		if r.isTarget(id) {
			item.Facts = append(item.Facts, [2]string{"Target", "a role inside " + r.Result.Target.Label})
		}
		if s := sources[id]; s != nil {
			item.Facts = append(item.Facts, [2]string{"Reaches the target", fmt.Sprintf("in %d %s, %s %s; MFA on every path: %s",
				s.Hops, plural(s.Hops, "hop", "hops"), pathCount(s), plural(int(min(s.Paths, 2)), "path", "paths"), yesOrNo(s.MFARequired))})
		}
		if s := latent[id]; s != nil {
			_, why, _ := blockedText(s.BlockedBy)
			item.Facts = append(item.Facts,
				[2]string{"Would reach the target", fmt.Sprintf("once it registers an MFA device: in %d %s, %s %s",
					s.Hops, plural(s.Hops, "hop", "hops"), pathCount(s), plural(int(min(s.Paths, 2)), "path", "paths"))},
				[2]string{"Blocked by", s.BlockedBy + ": " + why})
		}
		if n.Incomplete {
			item.Facts = append(item.Facts, [2]string{"Incomplete data", incompleteText})
		}
		dn.Title = r.fullName(n) + "\n" + kindText(n)
		if n.AccountID != "" {
			dn.Title += " in " + r.AccountLabel(n.AccountID)
		}
		if latent[id] != nil {
			dn.Title += "\nlatent: would reach the target once it registers an MFA device"
		}
		if n.Incomplete {
			dn.Title += "\nincomplete data: " + incompleteText
		}
		index[id] = len(in.Nodes)
		in.Nodes = append(in.Nodes, dn)
		data.Nodes = append(data.Nodes, item)
	}
	for _, h := range edges {
		in.Edges = append(in.Edges, drawEdge{From: index[h.From], To: index[h.To], MFA: h.MFA, Escalation: h.Kind.Escalation(),
			Latent: h.BlockedBy != "", Incomplete: h.Incomplete, Title: r.edgeTitle(h)})
		item := r.edgeItem(h)
		item.From, item.To = index[h.From], index[h.To]
		data.Edges = append(data.Edges, item)
	}
	return in, index, data
}

// edgeTitle is a hop's hover text: how, whether it needs MFA, and for an
// escalation its evidence, then its conditions.
func (r *pathsPage) edgeTitle(h graph.Hop) string {
	lines := []string{h.Kind.Action()}
	if h.Kind.Escalation() {
		lines[0] += " (privilege escalation)"
	}
	if h.MFA {
		lines[0] += ", needs MFA"
	} else {
		lines[0] += ", no MFA needed"
	}
	if h.BlockedBy != "" {
		short, _, _ := blockedText(h.BlockedBy)
		lines = append(lines, "blocked: "+short+" (latent)")
	}
	if h.Incomplete {
		lines = append(lines, "incomplete data: "+incompleteText)
	}
	lines = append(lines, h.Evidence.Lines()...)
	for _, c := range h.Conditions.Strings() {
		lines = append(lines, "if "+c)
	}
	return strings.Join(lines, "\n")
}

// edgeItem is what the side panel shows of a hop: its ends and kind, what
// an escalation does and the permissions that allow it, and the
// conditions.
func (r *pathsPage) edgeItem(h graph.Hop) htmlGraphItem {
	from, to := r.Node(h.From), r.Node(h.To)
	item := htmlGraphItem{Title: r.fullName(from) + " → " + r.fullName(to),
		Facts: [][2]string{{"From", from.ID}, {"To", to.ID}, {"How", h.Kind.Action()}}}
	if h.Kind.Escalation() {
		item.Facts = append(item.Facts, [2]string{"Privilege escalation", escalationText(h, to)})
	}
	item.Facts = append(item.Facts, [2]string{"Needs MFA", yesOrNo(h.MFA)})
	if h.BlockedBy != "" {
		_, _, why := blockedText(h.BlockedBy)
		item.Facts = append(item.Facts, [2]string{"Blocked by", h.BlockedBy + ": " + why})
	}
	if h.Incomplete {
		item.Facts = append(item.Facts, [2]string{"Incomplete data", incompleteText})
	}
	if h.Via != "" {
		item.Facts = append(item.Facts, [2]string{"Through group", r.Node(h.Via).Name})
	}
	if h.Evidence != nil {
		item.Lists = append(item.Lists, htmlList{"Evidence", h.Evidence.Lines()})
	}
	conds := h.Conditions.Strings()
	if len(conds) == 0 {
		conds = []string{"none: the policies allow it unconditionally"}
	}
	item.Lists = append(item.Lists, htmlList{"Conditions", conds})
	return item
}

// escalationText says what an escalation hop does, from where it leads
// (so that new escalation kinds read right without changes here).
func escalationText(h graph.Hop, to *graph.Node) string {
	switch {
	case to.Kind == graph.KindAccountAdmin:
		return "the caller raises its own permissions and becomes an administrator of its account"
	case to.Kind == graph.KindUserInGroup:
		return "the user adds itself to the group and gets the group's permissions"
	case h.Evidence != nil && h.Evidence.Service != "":
		return "the caller passes the role to " + h.Evidence.Service + ", which runs code the caller controls with the role's permissions"
	}
	return "the caller takes over " + graph.ShortName(to) + " and acts as it"
}

// nodeName is a node's name in its box and in a path: the graph's short
// name, except for an account's administrator, whose box sits in its
// account's and whose hop names the account.
func nodeName(n *graph.Node) string {
	if n.Kind == graph.KindAccountAdmin {
		return "account administrator"
	}
	return graph.ShortName(n)
}

// fullName is a node's name where nothing around it names its account
// (hover text, the side panel's title).
func (r *pathsPage) fullName(n *graph.Node) string {
	if n.Kind == graph.KindAccountAdmin {
		return "administrator of " + r.AccountLabel(n.AccountID)
	}
	return graph.ShortName(n)
}

// kindText is a node's kind as the page shows it; a state a principal
// reaches by escalation (graph.Node.Virtual) says so.
func kindText(n *graph.Node) string {
	if n.Virtual() {
		return string(n.Kind) + " (reached by escalation)"
	}
	return string(n.Kind)
}

// virtualText says what a state reached by escalation stands for; "" for
// principals.
func virtualText(n *graph.Node) string {
	switch n.Kind {
	case graph.KindAccountAdmin:
		return "not a principal: whoever raises its own permissions in this account becomes its administrator, who reaches every role of the account that trusts the account, and every user of it"
	case graph.KindUserInGroup:
		return "not a principal: the user once it has added itself to the group, with its own policies and the group's"
	}
	return ""
}

// edgesText says which edges a paths query followed (--edges).
func edgesText(f graph.EdgeFilter) string {
	switch f {
	case graph.EdgesAssume:
		return "role assumption only (--edges assume)"
	case graph.EdgesEscalate:
		return "all, listing only principals that need a privilege escalation (--edges escalate)"
	}
	return "role assumption and privilege escalation (--edges all)"
}

// groupedDrawing draws one box per account (or Identity Center, or
// starting point without an account) with the number of principals (and
// latent ones) and target roles in it, and one arrow per pair of boxes
// that hops join (apart for privilege escalations and for the blocked
// first hops of latent sources).
// Boxes no arrow joins (principals that reach a target in their own
// account) are left out, and past maxGroups boxes those with the fewest
// principals are merged into one; the note says so.
func (r *pathsPage) groupedDrawing(ids []string, edges []graph.Hop) (*drawInput, string, htmlGraphData) {
	type group struct {
		sources, latent, nodes, targets, starts int
		insideHops, insideWithoutMFA            int
		insideEscalations, insideIncomplete     int
		names, latentNames                      []string
		linked                                  bool
	}
	groups := map[string]*group{}
	get := func(key string) *group {
		g := groups[key]
		if g == nil {
			g = &group{}
			groups[key] = g
		}
		return g
	}
	for _, id := range ids {
		n := r.Node(id)
		g := get(groupOf(n))
		g.nodes++
		if r.isTarget(id) {
			g.targets++
		}
		if n.StartingPoint() {
			g.starts++
		}
	}
	for _, s := range r.Result.Sources {
		g := get(groupOf(&s.Node))
		g.sources++
		if len(g.names) < 25 {
			g.names = append(g.names, graph.ShortName(&s.Node))
		}
	}
	for _, s := range r.Result.Latent {
		g := get(groupOf(&s.Node))
		g.latent++
		if len(g.latentNames) < 25 {
			g.latentNames = append(g.latentNames, graph.ShortName(&s.Node))
		}
	}
	type pair struct{ from, to string }
	for _, h := range edges {
		from, to := groupOf(r.Node(h.From)), groupOf(r.Node(h.To))
		if from == to {
			groups[from].insideHops++
			if !h.MFA {
				groups[from].insideWithoutMFA++
			}
			if h.Kind.Escalation() {
				groups[from].insideEscalations++
			}
			if h.Incomplete {
				groups[from].insideIncomplete++
			}
			continue
		}
		groups[from].linked, groups[to].linked = true, true
	}
	var keys []string
	isolated := 0
	for k, g := range groups {
		if g.linked {
			keys = append(keys, k)
		} else {
			isolated++
		}
	}
	slices.SortFunc(keys, func(a, b string) int {
		ga, gb := groups[a], groups[b]
		return cmp.Or(cmp.Compare(gb.targets, ga.targets), cmp.Compare(gb.sources, ga.sources), cmp.Compare(gb.latent, ga.latent), strings.Compare(a, b))
	})
	note := fmt.Sprintf("The graph has %d nodes in %d accounts (or other boxes): too many to draw one by one, so each account is one box with its counts, and each arrow stands for every hop between two boxes.", len(ids), len(groups))
	if isolated > 0 {
		note += fmt.Sprintf(" %d %s whose principals reach the target only through roles of the same box %s not drawn.", isolated, plural(isolated, "box", "boxes"), plural(isolated, "is", "are"))
	}
	const other = "other"
	boxOf := map[string]string{}
	for i, k := range keys {
		boxOf[k] = k
		if i >= maxGroups {
			boxOf[k] = other
		}
	}
	if len(keys) > maxGroups {
		merged := &group{names: []string{fmt.Sprintf("%d more accounts or starting points", len(keys)-maxGroups)}}
		for _, k := range keys[maxGroups:] {
			g := groups[k]
			merged.sources += g.sources
			merged.latent += g.latent
			merged.nodes += g.nodes
			merged.targets += g.targets
			merged.starts += g.starts
			merged.insideHops += g.insideHops
			merged.insideWithoutMFA += g.insideWithoutMFA
			merged.insideEscalations += g.insideEscalations
			merged.insideIncomplete += g.insideIncomplete
		}
		note += fmt.Sprintf(" Only the %d boxes with the most principals are drawn; %d more are merged into one box.", maxGroups, len(keys)-maxGroups)
		groups[other] = merged
		keys = append(keys[:maxGroups], other)
	}
	note += " The table below lists every principal."

	in := &drawInput{}
	data := htmlGraphData{}
	index := map[string]int{}
	for _, k := range keys {
		g := groups[k]
		label := r.boxLabel(k, g.names)
		line := fmt.Sprintf("%d %s", g.sources, plural(g.sources, "principal", "principals"))
		if g.latent > 0 {
			line += fmt.Sprintf(", %d latent", g.latent)
		}
		dn := drawNode{Cluster: -1, Class: "group"}
		if g.targets > 0 {
			dn.Class += " target"
			line += fmt.Sprintf(", %d target %s", g.targets, plural(g.targets, "role", "roles"))
		}
		if g.starts == g.nodes {
			dn.Class += " start"
		}
		dn.Lines = [2]string{clip(label), line}
		dn.Title = label + "\n" + line
		index[k] = len(in.Nodes)
		in.Nodes = append(in.Nodes, dn)
		item := htmlGraphItem{Title: label, From: -1, To: -1, Facts: [][2]string{
			{"Principals that reach the target", strconv.Itoa(g.sources)},
			{"Latent principals (once they register an MFA device)", strconv.Itoa(g.latent)},
			{"Nodes on the drawn paths", strconv.Itoa(g.nodes)},
			{"Target roles", strconv.Itoa(g.targets)},
			{"Starting points", strconv.Itoa(g.starts)},
		}}
		if g.insideHops > 0 {
			item.Facts = append(item.Facts, [2]string{"Hops inside", fmt.Sprintf("%d (%d without MFA, %d %s)", g.insideHops, g.insideWithoutMFA,
				g.insideEscalations, plural(g.insideEscalations, "privilege escalation", "privilege escalations"))})
		}
		if g.insideIncomplete > 0 {
			item.Facts = append(item.Facts, [2]string{"Hops inside on incomplete data", strconv.Itoa(g.insideIncomplete)})
		}
		if k != other && g.sources > 0 {
			item.Lists = append(item.Lists, namesList("Principals", g.names, g.sources))
		}
		if k != other && g.latent > 0 {
			item.Lists = append(item.Lists, namesList("Latent principals", g.latentNames, g.latent))
		}
		data.Nodes = append(data.Nodes, item)
	}
	type agg struct{ hops, withoutMFA, incomplete int }
	type arrow struct {
		pair
		esc, latent bool
	}
	aggs := map[arrow]*agg{}
	var order []arrow
	for _, h := range edges {
		from, to := boxOf[groupOf(r.Node(h.From))], boxOf[groupOf(r.Node(h.To))]
		if from == "" || to == "" || from == to {
			continue
		}
		p := arrow{pair{from, to}, h.Kind.Escalation(), h.BlockedBy != ""}
		a := aggs[p]
		if a == nil {
			a = &agg{}
			aggs[p] = a
			order = append(order, p)
		}
		a.hops++
		if !h.MFA {
			a.withoutMFA++
		}
		if h.Incomplete {
			a.incomplete++
		}
	}
	for _, p := range order {
		a := aggs[p]
		what, how := plural(a.hops, "hop", "hops"), "role assumption"
		if p.esc {
			what, how = plural(a.hops, "privilege escalation", "privilege escalations"), "privilege escalation"
		}
		if p.latent {
			how += ", the first hop of latent principals (blocked: no MFA device)"
		}
		title := fmt.Sprintf("%d %s, %d without MFA", a.hops, what, a.withoutMFA)
		if p.latent {
			title += ", blocked until the users register an MFA device"
		}
		facts := [][2]string{{"How", how}, {"Hops", strconv.Itoa(a.hops)}, {"Without MFA", strconv.Itoa(a.withoutMFA)}}
		if a.incomplete > 0 {
			title += fmt.Sprintf(", %d on incomplete data", a.incomplete)
			facts = append(facts, [2]string{"On incomplete data", fmt.Sprintf("%d: %s", a.incomplete, incompleteText)})
		}
		in.Edges = append(in.Edges, drawEdge{From: index[p.from], To: index[p.to], MFA: a.withoutMFA == 0, Escalation: p.esc, Latent: p.latent,
			Incomplete: a.incomplete > 0, Title: title})
		data.Edges = append(data.Edges, htmlGraphItem{Title: r.boxLabel(p.from, groups[p.from].names) + " → " + r.boxLabel(p.to, groups[p.to].names),
			From: index[p.from], To: index[p.to], Facts: facts})
	}
	return in, note, data
}

// namesList is a box's list of principals for the side panel: the first
// names, and how many more there are.
func namesList(heading string, names []string, total int) htmlList {
	if total > len(names) {
		names = append(slices.Clone(names), fmt.Sprintf("… and %d more (see the table)", total-len(names)))
	}
	return htmlList{heading, names}
}

func (r *pathsPage) boxLabel(key string, names []string) string {
	if key == "other" && len(names) > 0 {
		return names[0]
	}
	return r.groupLabel(key)
}

// clip shortens a name for a box; the full name is in the hover text and
// the side panel.
func clip(s string) string {
	if rs := []rune(s); len(rs) > nodeMaxChars {
		return string(rs[:nodeMaxChars-1]) + "…"
	}
	return s
}
