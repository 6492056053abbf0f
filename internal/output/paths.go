package output

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/orgaudit/orgaudit/internal/graph"
	"github.com/orgaudit/orgaudit/internal/policy"
)

// pathsCellWidth bounds the cells of the paths table in full-width output.
const pathsCellWidth = 64

// pathsView is a paths report being rendered with its options.
type pathsView struct {
	*graph.Report
	o Options
}

func writePathsTable(w io.Writer, r *graph.Report, o Options) error {
	return (&pathsView{r, o}).table(w)
}

func writePathsJSON(w io.Writer, r *graph.Report, o Options) error {
	return (&pathsView{r, o}).json(w)
}

func writePathsDOT(w io.Writer, r *graph.Report, o Options) error {
	return (&pathsView{r, o}).dot(w)
}

func writePathsMermaid(w io.Writer, r *graph.Report, o Options) error {
	return (&pathsView{r, o}).mermaid(w)
}

// table renders one row per source: who, from where, how far, how many
// paths, whether MFA is needed on every path, and the shortest path with
// the conditions of each hop.
func (r *pathsView) table(w io.Writer) error {
	res := r.Result
	var b strings.Builder
	fmt.Fprintf(&b, "Who can reach %s, in at most %d hops (--to %s%s):\n", res.Target.Label, res.MaxHops, r.Spec, edgesNote(res.Edges))
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	if len(res.Sources) == 0 {
		if _, err := fmt.Fprintf(w, "\nNo principal reaches the target.\n"); err != nil {
			return err
		}
	} else {
		t := NewTable(w, r.o, pathsCellWidth, []int{0, 1, 5}, "Principal", "Account", "Hops", "Paths", "MFA on every path", "Shortest path")
		for _, s := range res.Sources {
			t.Row(r.principalCell(&s.Node), r.accountCell(&s.Node), strconv.Itoa(s.Hops), pathsText(&s), yesNo(s.MFARequired), r.pathCell(s.Path))
		}
		if err := t.Render(); err != nil {
			return err
		}
	}
	if len(res.Latent) > 0 {
		if _, err := fmt.Fprintf(w, "\nLatent: %d %s no MFA device and would reach the target once %s one (the first hop needs MFA):\n",
			len(res.Latent), plural(len(res.Latent), "principal has", "principals have"), plural(len(res.Latent), "it registers", "they register")); err != nil {
			return err
		}
		t := NewTable(w, r.o, pathsCellWidth, []int{0, 1, 4}, "Principal", "Account", "Hops", "Paths", "Shortest path once it has a device")
		for _, s := range res.Latent {
			t.Row(r.principalCell(&s.Node), r.accountCell(&s.Node), strconv.Itoa(s.Hops), pathsText(&s), r.pathCell(s.Path))
		}
		if err := t.Render(); err != nil {
			return err
		}
	}
	return r.footer(w)
}

// edgesNote says, in a report's heading, which edges a query followed.
func edgesNote(f graph.EdgeFilter) string {
	switch f {
	case graph.EdgesAssume:
		return ", --edges assume: role assumption only"
	case graph.EdgesEscalate:
		return ", --edges escalate: only sources that need an escalation"
	}
	return ""
}

func (r *pathsView) principalCell(n *graph.Node) string {
	s := graph.ShortName(n) + "\n[" + string(n.Kind)
	if n.Kind == graph.KindUser && n.MFA != "" {
		s += ", MFA device: " + n.MFA
	}
	if n.External {
		s += ", external"
	}
	return s + "]"
}

func (r *pathsView) accountCell(n *graph.Node) string {
	if n.AccountID == "" {
		if n.Kind == graph.KindAnyPrincipal {
			return "any"
		}
		return "-"
	}
	return r.AccountLabel(n.AccountID)
}

func pathsText(s *graph.Source) string {
	if s.PathsAtLeast {
		return ">=" + strconv.FormatUint(s.Paths, 10)
	}
	return strconv.FormatUint(s.Paths, 10)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "NO"
}

// pathCell renders the hops of a path, one line per hop and one per
// condition.
func (r *pathsView) pathCell(path []graph.Hop) string {
	var lines []string
	for i, h := range path {
		to := r.Node(h.To)
		lines = append(lines, fmt.Sprintf("%d. %s in %s", i+1, graph.ShortName(to), r.AccountLabel(to.AccountID)))
		how := "by " + h.Kind.Action()
		if h.Via != "" {
			how += " (group " + r.Node(h.Via).Name + ")"
		}
		if h.MFA {
			how += ", needs MFA"
		}
		if h.BlockedBy == graph.BlockedNoMFADevice {
			how += " (blocked: no MFA device)"
		}
		if h.Incomplete {
			how += " [incomplete data]"
		}
		lines = append(lines, how)
		lines = append(lines, r.evidenceLines(h.Evidence, to.AccountID)...)
		for _, c := range h.Conditions.Strings() {
			lines = append(lines, "if "+c)
		}
	}
	return strings.Join(lines, "\n")
}

// evidenceLines renders an escalation hop's evidence; on a terminal, ARNs
// of the hop's account are shortened to their resource part, the hop's
// line above naming the account.
func (r *pathsView) evidenceLines(ev *graph.Evidence, account string) []string {
	if r.o.Width <= 0 {
		return ev.Lines()
	}
	return ev.LinesNaming(func(arn string) string { return shortARN(arn, account) })
}

func (r *pathsView) footer(w io.Writer) error {
	res := r.Result
	var b strings.Builder
	if len(res.UnknownAccounts) > 0 {
		fmt.Fprintf(&b, "\nNot known: the IAM data of %s is missing from the snapshot; paths into it cannot be seen.\n", strings.Join(r.accountLabels(res.UnknownAccounts), ", "))
	}
	if ws := r.Graph.Warnings(); len(ws) > 0 {
		b.WriteString("\nWarnings:\n")
		for _, s := range ws {
			b.WriteString("  - " + s + "\n")
		}
	}
	if n := res.Incomplete(); n > 0 {
		fmt.Fprintf(&b, "\nIncomplete: %d %s marked [incomplete data] %s on data the snapshot could not read in full (metadata.gaps); paths through them may differ.\n",
			n, plural(n, "hop", "hops"), plural(n, "rests", "rest"))
	}
	noMFA, starts := 0, 0
	for _, s := range res.Sources {
		if !s.MFARequired {
			noMFA++
		}
		if s.Node.StartingPoint() {
			starts++
		}
	}
	latent := ""
	if len(res.Latent) > 0 {
		latent = fmt.Sprintf("; %d more once they register an MFA device", len(res.Latent))
	}
	fmt.Fprintf(&b, "\n%d %s %s: %d without MFA on some path, %d %s (accounts, providers or principals the snapshot does not describe)%s.\n",
		len(res.Sources), plural(len(res.Sources), "principal reaches", "principals reach"), res.Target.Label, noMFA, starts, plural(starts, "starting point", "starting points"), latent)
	_, err := io.WriteString(w, b.String())
	return err
}

func (r *pathsView) accountLabels(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = r.AccountLabel(id)
	}
	return out
}

// JSON output (see docs/paths.md).

type jsonReport struct {
	Version  string           `json:"paths_version"`
	Snapshot jsonSnapshot     `json:"snapshot"`
	Target   jsonTarget       `json:"target"`
	MaxHops  int              `json:"max_hops"`
	Edges    graph.EdgeFilter `json:"edges"`
	Targets  []string         `json:"targets"`
	Unknown  []string         `json:"unknown_accounts"`
	Summary  jsonSummary      `json:"summary"`
	Sources  []jsonSource     `json:"sources"`
	// Latent are the principals that would reach the target once they
	// register an MFA device: sources' shape plus blocked_by.
	Latent   []jsonSource `json:"latent"`
	Warnings []string     `json:"warnings"`
	Graph    graph.Stats  `json:"graph"`
}

type jsonSnapshot struct {
	Path           string `json:"path,omitempty"`
	CollectedAt    string `json:"collected_at"`
	OrganizationID string `json:"organization_id,omitempty"`
}

type jsonTarget struct {
	Spec     string   `json:"spec"`
	Kind     string   `json:"kind"`
	Label    string   `json:"label"`
	Accounts []string `json:"accounts"`
	Role     string   `json:"role,omitempty"`
}

type jsonSummary struct {
	Sources        int `json:"sources"`
	WithoutMFA     int `json:"without_mfa"`
	StartingPoints int `json:"starting_points"`
	Latent         int `json:"latent"`
	// IncompleteHops counts the hops that rest on data the snapshot could
	// not read in full.
	IncompleteHops int `json:"incomplete_hops"`
}

type jsonSource struct {
	ID           string         `json:"id"`
	Kind         graph.NodeKind `json:"kind"`
	Name         string         `json:"name"`
	AccountID    string         `json:"account_id,omitempty"`
	AccountName  string         `json:"account_name,omitempty"`
	External     bool           `json:"external"`
	MFADevice    string         `json:"mfa_device,omitempty"`
	Hops         int            `json:"hops"`
	Paths        uint64         `json:"paths"`
	PathsAtLeast bool           `json:"paths_at_least"`
	MFARequired  bool           `json:"mfa_required"`
	// EscalationRequired: every path has an escalation hop.
	EscalationRequired bool      `json:"escalation_required"`
	Path               []jsonHop `json:"path"`
	// PathWithoutMFA is empty when MFA is required on every path.
	PathWithoutMFA []jsonHop `json:"path_without_mfa"`
	// BlockedBy is set on latent sources: "no-mfa-device".
	BlockedBy string `json:"blocked_by,omitempty"`
}

type jsonHop struct {
	From       string          `json:"from"`
	To         string          `json:"to"`
	Kind       graph.EdgeKind  `json:"kind"`
	Action     string          `json:"action"`
	MFA        bool            `json:"mfa"`
	Via        string          `json:"via,omitempty"`
	Conditions jsonConditions  `json:"conditions"`
	Evidence   *graph.Evidence `json:"evidence,omitempty"`
	// Incomplete: the hop rests on data the snapshot could not read in
	// full.
	Incomplete bool `json:"incomplete,omitempty"`
	// BlockedBy is set on the first hop of a latent source.
	BlockedBy string `json:"blocked_by,omitempty"`
}

type jsonConditions struct {
	AllowedWhen [][]policy.Clause `json:"allowed_when"`
	DeniedWhen  [][]policy.Clause `json:"denied_when"`
}

func conditionsJSON(c graph.Conditions) jsonConditions {
	out := jsonConditions(c)
	if out.AllowedWhen == nil {
		out.AllowedWhen = [][]policy.Clause{}
	}
	if out.DeniedWhen == nil {
		out.DeniedWhen = [][]policy.Clause{}
	}
	return out
}

func hopsJSON(hops []graph.Hop) []jsonHop {
	out := make([]jsonHop, len(hops))
	for i, h := range hops {
		out[i] = jsonHop{From: h.From, To: h.To, Kind: h.Kind, Action: h.Kind.Action(), MFA: h.MFA, Via: h.Via, Conditions: conditionsJSON(h.Conditions), Evidence: h.Evidence,
			Incomplete: h.Incomplete, BlockedBy: h.BlockedBy}
	}
	return out
}

func (r *pathsView) sourceJSON(src *graph.Source) jsonSource {
	n := src.Node
	js := jsonSource{ID: n.ID, Kind: n.Kind, Name: n.Name, AccountID: n.AccountID, External: n.External, MFADevice: n.MFA,
		Hops: src.Hops, Paths: src.Paths, PathsAtLeast: src.PathsAtLeast, MFARequired: src.MFARequired, EscalationRequired: src.EscalationRequired,
		BlockedBy: src.BlockedBy}
	if a, ok := r.Graph.Index().Account(n.AccountID); ok {
		js.AccountName = a.Name
	}
	js.Path, js.PathWithoutMFA = hopsJSON(src.Path), hopsJSON(src.PathWithoutMFA)
	return js
}

// drawing is the union of the shortest paths, for DOT and Mermaid.
type drawing struct {
	nodes []string    // sorted ids
	edges []graph.Hop // sorted by from, to, kind
}

func (r *pathsView) drawing() drawing {
	nodes := map[string]bool{}
	edges := map[[3]string]graph.Hop{}
	for _, list := range [][]graph.Source{r.Result.Sources, r.Result.Latent} {
		for _, s := range list {
			for _, h := range s.Path {
				nodes[h.From], nodes[h.To] = true, true
				k := [3]string{h.From, h.To, string(h.Kind)}
				if _, ok := edges[k]; !ok || edges[k].BlockedBy != "" {
					edges[k] = h
				}
			}
		}
	}
	var d drawing
	for id := range nodes {
		d.nodes = append(d.nodes, id)
	}
	sort.Strings(d.nodes)
	for _, h := range edges {
		d.edges = append(d.edges, h)
	}
	sort.Slice(d.edges, func(i, j int) bool {
		a, b := d.edges[i], d.edges[j]
		if a.From != b.From {
			return a.From < b.From
		}
		if a.To != b.To {
			return a.To < b.To
		}
		return a.Kind < b.Kind
	})
	return d
}

func (r *pathsView) isTarget(id string) bool {
	i := sort.SearchStrings(r.Result.Targets, id)
	return i < len(r.Result.Targets) && r.Result.Targets[i] == id
}

func (r *pathsView) nodeLabel(id string) string {
	n := r.Node(id)
	label := graph.ShortName(n)
	if n.AccountID != "" && n.Kind != graph.KindAccount {
		label += "\n" + r.AccountLabel(n.AccountID)
	}
	return label
}

func edgeLabel(h graph.Hop) string {
	parts := []string{h.Kind.Action()}
	if h.Evidence != nil {
		parts = append(parts, strings.Join(h.Evidence.Actions, " + "))
	}
	if h.MFA {
		parts = append(parts, "MFA")
	}
	if h.BlockedBy != "" {
		parts = append(parts, "latent: no MFA device")
	}
	if h.Incomplete {
		parts = append(parts, "incomplete data")
	}
	parts = append(parts, h.Conditions.Strings()...)
	return strings.Join(parts, "\n")
}

func dotQuote(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	s = strings.ReplaceAll(s, `"`, `\"`)
	return `"` + strings.ReplaceAll(s, "\n", `\n`) + `"`
}

// latentNote says, in a drawing's heading comment, how many latent
// sources it shows (their first hop dotted).
func (r *pathsView) latentNote() string {
	if n := len(r.Result.Latent); n > 0 {
		return fmt.Sprintf(", and of %d %s once %s an MFA device (dotted)", n, plural(n, "principal", "principals"), plural(n, "it registers", "they register"))
	}
	return ""
}

func (r *pathsView) dot(w io.Writer) error {
	d := r.drawing()
	var b strings.Builder
	fmt.Fprintf(&b, "// orgaudit paths --to %s: shortest paths of %d principals into %s%s\n", r.Spec, len(r.Result.Sources), r.Result.Target.Label, r.latentNote())
	b.WriteString("digraph paths {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\", fontsize=10];\n  edge [fontname=\"Helvetica\", fontsize=9];\n")
	for _, id := range d.nodes {
		n := r.Node(id)
		attrs := "label=" + dotQuote(r.nodeLabel(id))
		switch {
		case r.isTarget(id):
			attrs += ", style=filled, fillcolor=\"#f8d7da\""
		case n.StartingPoint():
			attrs += ", shape=ellipse, style=dashed"
		}
		fmt.Fprintf(&b, "  %s [%s];\n", dotQuote(id), attrs)
	}
	for _, h := range d.edges {
		attrs := "label=" + dotQuote(edgeLabel(h))
		if !h.MFA {
			attrs += ", color=\"#c0392b\""
		}
		if h.BlockedBy != "" || h.Incomplete {
			attrs += ", style=dotted"
		}
		fmt.Fprintf(&b, "  %s -> %s [%s];\n", dotQuote(h.From), dotQuote(h.To), attrs)
	}
	b.WriteString("}\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// mermaidText escapes text for a quoted Mermaid label.
func mermaidText(s string) string {
	s = strings.ReplaceAll(s, "#", "#35;")
	s = strings.ReplaceAll(s, `"`, "#quot;")
	s = strings.ReplaceAll(s, "<", "#lt;")
	s = strings.ReplaceAll(s, ">", "#gt;")
	return strings.ReplaceAll(s, "\n", "<br/>")
}

func (r *pathsView) mermaid(w io.Writer) error {
	d := r.drawing()
	ids := make(map[string]string, len(d.nodes))
	var b strings.Builder
	fmt.Fprintf(&b, "%%%% orgaudit paths --to %s: shortest paths of %d principals into %s%s\n", r.Spec, len(r.Result.Sources), r.Result.Target.Label, r.latentNote())
	b.WriteString("flowchart LR\n")
	var targets, starts []string
	for i, id := range d.nodes {
		key := "n" + strconv.Itoa(i)
		ids[id] = key
		n := r.Node(id)
		switch {
		case r.isTarget(id):
			targets = append(targets, key)
		case n.StartingPoint():
			starts = append(starts, key)
		}
		fmt.Fprintf(&b, "  %s[\"%s\"]\n", key, mermaidText(r.nodeLabel(id)))
	}
	for _, h := range d.edges {
		arrow := "-->"
		switch {
		case h.BlockedBy != "" || h.Incomplete:
			arrow = "-.->"
		case !h.MFA:
			arrow = "==>"
		}
		fmt.Fprintf(&b, "  %s %s|\"%s\"| %s\n", ids[h.From], arrow, mermaidText(edgeLabel(h)), ids[h.To])
	}
	b.WriteString("  classDef target fill:#f8d7da,stroke:#c0392b\n  classDef start stroke-dasharray: 5 5\n")
	if len(targets) > 0 {
		fmt.Fprintf(&b, "  class %s target\n", strings.Join(targets, ","))
	}
	if len(starts) > 0 {
		fmt.Fprintf(&b, "  class %s start\n", strings.Join(starts, ","))
	}
	_, err := io.WriteString(w, b.String())
	return err
}
