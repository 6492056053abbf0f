package graph

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/orgaudit/orgaudit/internal/policy"
)

// Formats lists the output formats of Render.
func Formats() []string { return []string{"table", "json", "dot", "mermaid"} }

// Report is a paths result with what renders it: the graph (for names),
// the snapshot it came from, and the target as the user wrote it.
type Report struct {
	Graph  *Graph
	Result *Result
	// Spec is the TARGET as given; SnapshotPath the snapshot file.
	Spec         string
	SnapshotPath string
}

// Render writes the report in one of Formats.
func Render(w io.Writer, format string, r *Report) error {
	switch format {
	case "table":
		return r.table(w)
	case "json":
		return r.json(w)
	case "dot":
		return r.dot(w)
	case "mermaid":
		return r.mermaid(w)
	}
	return fmt.Errorf("unknown format %q (valid: %s)", format, strings.Join(Formats(), ", "))
}

// accountLabel names an account "name (id)", or says it is outside the
// snapshot.
func (r *Report) accountLabel(id string) string {
	if id == "" {
		return ""
	}
	if _, ok := r.Graph.ix.Account(id); ok {
		return r.Graph.ix.AccountLabel(id)
	}
	return id + " (outside the snapshot)"
}

// shortName is how tables and drawings name a node: the resource part of
// an IAM ARN, the name otherwise.
func shortName(n *Node) string {
	switch n.Kind {
	case KindUser:
		return "user/" + n.Name
	case KindRole, KindSSORole:
		// Role names are unique in an account whatever their path.
		return "role/" + n.Name
	case KindPrincipal:
		if i := strings.Index(n.ID, ":user/"); i >= 0 {
			return "user/" + lastSegment(n.ID)
		}
		if i := strings.Index(n.ID, ":role/"); i >= 0 {
			return "role/" + lastSegment(n.ID)
		}
	case KindICUser:
		return "identity-center user " + n.Name
	case KindICGroup:
		return "identity-center group " + n.Name
	case KindAccount:
		return "account " + n.AccountID + " (any principal)"
	case KindAnyPrincipal:
		return "* (any AWS principal)"
	case KindAccountAdmin:
		return "administrator of account " + n.AccountID
	case KindUserInGroup:
		return "user/" + n.Name
	case KindSAMLProvider:
		return "saml-provider/" + n.Name
	case KindOIDCProvider:
		if strings.HasPrefix(n.ID, "arn:") {
			return "oidc-provider/" + n.Name
		}
		return "web identity " + n.Name
	}
	return n.Name
}

func (r *Report) node(id string) *Node {
	if i, ok := r.Graph.byID[id]; ok {
		return &r.Graph.nodes[i]
	}
	return &Node{ID: id, Name: id}
}

func newTable(w io.Writer) *tablewriter.Table {
	return tablewriter.NewTable(w,
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{Symbols: tw.NewSymbols(tw.StyleASCII)})),
		tablewriter.WithRowAutoWrap(tw.WrapNormal),
		tablewriter.WithHeaderAutoFormat(tw.On),
		tablewriter.WithRowMaxWidth(64),
	)
}

// table renders one row per source: who, from where, how far, how many
// paths, whether MFA is needed on every path, and the shortest path with
// the conditions of each hop.
func (r *Report) table(w io.Writer) error {
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
		t := newTable(w)
		t.Header("Principal", "Account", "Hops", "Paths", "MFA on every path", "Shortest path")
		for _, s := range res.Sources {
			if err := t.Append(r.principalCell(&s.Node), r.accountCell(&s.Node), strconv.Itoa(s.Hops), pathsText(&s), yesNo(s.MFARequired), r.pathCell(s.Path)); err != nil {
				return fmt.Errorf("render table: %w", err)
			}
		}
		if err := t.Render(); err != nil {
			return fmt.Errorf("render table: %w", err)
		}
	}
	return r.footer(w)
}

func (r *Report) principalCell(n *Node) string {
	s := shortName(n) + "\n[" + string(n.Kind)
	if n.Kind == KindUser && n.MFA != "" {
		s += ", MFA device: " + n.MFA
	}
	if n.External {
		s += ", external"
	}
	return s + "]"
}

func (r *Report) accountCell(n *Node) string {
	if n.AccountID == "" {
		if n.Kind == KindAnyPrincipal {
			return "any"
		}
		return "-"
	}
	return r.accountLabel(n.AccountID)
}

func pathsText(s *Source) string {
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
func (r *Report) pathCell(path []Hop) string {
	var lines []string
	for i, h := range path {
		to := r.node(h.To)
		lines = append(lines, fmt.Sprintf("%d. %s in %s", i+1, shortName(to), r.accountLabel(to.AccountID)))
		how := "by " + h.Kind.Action()
		if h.Via != "" {
			how += " (group " + r.node(h.Via).Name + ")"
		}
		if h.MFA {
			how += ", needs MFA"
		}
		lines = append(lines, how)
		lines = append(lines, h.Evidence.Lines()...)
		for _, c := range h.Conditions.Strings() {
			lines = append(lines, "if "+c)
		}
	}
	return strings.Join(lines, "\n")
}

func (r *Report) footer(w io.Writer) error {
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
	noMFA, starts := 0, 0
	for _, s := range res.Sources {
		if !s.MFARequired {
			noMFA++
		}
		if s.Node.StartingPoint() {
			starts++
		}
	}
	fmt.Fprintf(&b, "\n%d %s %s: %d without MFA on some path, %d %s (accounts, providers or principals the snapshot does not describe).\n",
		len(res.Sources), plural(len(res.Sources), "principal reaches", "principals reach"), res.Target.Label, noMFA, starts, plural(starts, "starting point", "starting points"))
	_, err := io.WriteString(w, b.String())
	return err
}

func (r *Report) accountLabels(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = r.accountLabel(id)
	}
	return out
}

// JSON output (see docs/paths.md).

type jsonReport struct {
	Version  string        `json:"paths_version"`
	Snapshot jsonSnapshot  `json:"snapshot"`
	Target   jsonTarget    `json:"target"`
	MaxHops  int           `json:"max_hops"`
	Edges    EdgeFilter    `json:"edges"`
	Targets  []string      `json:"targets"`
	Unknown  []string      `json:"unknown_accounts"`
	Summary  jsonSummary   `json:"summary"`
	Sources  []jsonSource  `json:"sources"`
	Warnings []string      `json:"warnings"`
	Graph    jsonGraphStat `json:"graph"`
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
}

type jsonGraphStat = Stats

type jsonSource struct {
	ID           string   `json:"id"`
	Kind         NodeKind `json:"kind"`
	Name         string   `json:"name"`
	AccountID    string   `json:"account_id,omitempty"`
	AccountName  string   `json:"account_name,omitempty"`
	External     bool     `json:"external"`
	MFADevice    string   `json:"mfa_device,omitempty"`
	Hops         int      `json:"hops"`
	Paths        uint64   `json:"paths"`
	PathsAtLeast bool     `json:"paths_at_least"`
	MFARequired  bool     `json:"mfa_required"`
	// EscalationRequired: every path has an escalation hop.
	EscalationRequired bool      `json:"escalation_required"`
	Path               []jsonHop `json:"path"`
	// PathWithoutMFA is empty when MFA is required on every path.
	PathWithoutMFA []jsonHop `json:"path_without_mfa"`
}

type jsonHop struct {
	From       string         `json:"from"`
	To         string         `json:"to"`
	Kind       EdgeKind       `json:"kind"`
	Action     string         `json:"action"`
	MFA        bool           `json:"mfa"`
	Via        string         `json:"via,omitempty"`
	Conditions jsonConditions `json:"conditions"`
	Evidence   *Evidence      `json:"evidence,omitempty"`
}

type jsonConditions struct {
	AllowedWhen [][]policy.Clause `json:"allowed_when"`
	DeniedWhen  [][]policy.Clause `json:"denied_when"`
}

func conditionsJSON(c Conditions) jsonConditions {
	out := jsonConditions(c)
	if out.AllowedWhen == nil {
		out.AllowedWhen = [][]policy.Clause{}
	}
	if out.DeniedWhen == nil {
		out.DeniedWhen = [][]policy.Clause{}
	}
	return out
}

func hopsJSON(hops []Hop) []jsonHop {
	out := make([]jsonHop, len(hops))
	for i, h := range hops {
		out[i] = jsonHop{From: h.From, To: h.To, Kind: h.Kind, Action: h.Kind.Action(), MFA: h.MFA, Via: h.Via, Conditions: conditionsJSON(h.Conditions), Evidence: h.Evidence}
	}
	return out
}

func (r *Report) json(w io.Writer) error {
	res := r.Result
	s := r.Graph.ix.Snapshot()
	out := jsonReport{
		Version:  "1",
		Snapshot: jsonSnapshot{Path: r.SnapshotPath, CollectedAt: s.Metadata.CollectedAt.UTC().Format("2006-01-02T15:04:05Z07:00")},
		Target:   jsonTarget{Spec: r.Spec, Kind: string(res.Target.Kind), Label: res.Target.Label, Accounts: res.Target.Accounts, Role: res.Target.Role},
		MaxHops:  res.MaxHops, Edges: res.Edges, Targets: res.Targets, Unknown: res.UnknownAccounts,
		Sources: make([]jsonSource, 0, len(res.Sources)), Warnings: r.Graph.Warnings(), Graph: r.Graph.Stats(),
	}
	if s.Organization != nil {
		out.Snapshot.OrganizationID = s.Organization.ID
	}
	for _, src := range res.Sources {
		n := src.Node
		js := jsonSource{ID: n.ID, Kind: n.Kind, Name: n.Name, AccountID: n.AccountID, External: n.External, MFADevice: n.MFA,
			Hops: src.Hops, Paths: src.Paths, PathsAtLeast: src.PathsAtLeast, MFARequired: src.MFARequired, EscalationRequired: src.EscalationRequired}
		if a, ok := r.Graph.ix.Account(n.AccountID); ok {
			js.AccountName = a.Name
		}
		js.Path, js.PathWithoutMFA = hopsJSON(src.Path), hopsJSON(src.PathWithoutMFA)
		out.Summary.Sources++
		if !src.MFARequired {
			out.Summary.WithoutMFA++
		}
		if n.StartingPoint() {
			out.Summary.StartingPoints++
		}
		out.Sources = append(out.Sources, js)
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// drawing is the union of the shortest paths, for DOT and Mermaid.
type drawing struct {
	nodes []string // sorted ids
	edges []Hop    // sorted by from, to, kind
}

func (r *Report) drawing() drawing {
	nodes := map[string]bool{}
	edges := map[[3]string]Hop{}
	for _, s := range r.Result.Sources {
		for _, h := range s.Path {
			nodes[h.From], nodes[h.To] = true, true
			edges[[3]string{h.From, h.To, string(h.Kind)}] = h
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

func (r *Report) isTarget(id string) bool {
	i := sort.SearchStrings(r.Result.Targets, id)
	return i < len(r.Result.Targets) && r.Result.Targets[i] == id
}

func (r *Report) nodeLabel(id string) string {
	n := r.node(id)
	label := shortName(n)
	if n.AccountID != "" && n.Kind != KindAccount {
		label += "\n" + r.accountLabel(n.AccountID)
	}
	return label
}

func edgeLabel(h Hop) string {
	parts := []string{h.Kind.Action()}
	if h.Evidence != nil {
		parts = append(parts, strings.Join(h.Evidence.Actions, " + "))
	}
	if h.MFA {
		parts = append(parts, "MFA")
	}
	parts = append(parts, h.Conditions.Strings()...)
	return strings.Join(parts, "\n")
}

func dotQuote(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	s = strings.ReplaceAll(s, `"`, `\"`)
	return `"` + strings.ReplaceAll(s, "\n", `\n`) + `"`
}

func (r *Report) dot(w io.Writer) error {
	d := r.drawing()
	var b strings.Builder
	fmt.Fprintf(&b, "// orgaudit paths --to %s: shortest paths of %d principals into %s\n", r.Spec, len(r.Result.Sources), r.Result.Target.Label)
	b.WriteString("digraph paths {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\", fontsize=10];\n  edge [fontname=\"Helvetica\", fontsize=9];\n")
	for _, id := range d.nodes {
		n := r.node(id)
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

func (r *Report) mermaid(w io.Writer) error {
	d := r.drawing()
	ids := make(map[string]string, len(d.nodes))
	var b strings.Builder
	fmt.Fprintf(&b, "%%%% orgaudit paths --to %s: shortest paths of %d principals into %s\n", r.Spec, len(r.Result.Sources), r.Result.Target.Label)
	b.WriteString("flowchart LR\n")
	var targets, starts []string
	for i, id := range d.nodes {
		key := "n" + strconv.Itoa(i)
		ids[id] = key
		n := r.node(id)
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
		if !h.MFA {
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

// lastSegment returns what follows the last '/' of an ARN.
func lastSegment(arn string) string { return arn[strings.LastIndexByte(arn, '/')+1:] }
