package graph

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/orgaudit/orgaudit/internal/policy"
)

// DocumentVersion is the version of the input.graph document; it changes
// when a field is removed or changes meaning.
const DocumentVersion = 1

// Document returns the graph as rules see it, input.graph (documented in
// docs/paths.md): nodes, edges indexed by caller, class edges, the
// reachability of every environment in envs (what `paths --to env:NAME`
// answers, computed once in Go so that rules never walk the graph), and
// the grants without trust and trusts without grant. envSource says where
// envs came from ("configuration" or "names"). Only nodes that take part
// in an edge are listed. The document holds only maps, slices, strings,
// numbers and booleans.
func (g *Graph) Document(envs map[string][]string, envSource string) (map[string]any, error) {
	return g.DocumentKeys(envs, envSource, nil)
}

// DocumentKeys is Document with only the top-level keys want accepts
// (nil: every key): what rules never read is neither built nor kept.
func (g *Graph) DocumentKeys(envs map[string][]string, envSource string, want func(key string) bool) (map[string]any, error) {
	return g.document(envs, envSource, want, func() func(fields) any { return fields.doc }, false)
}

// RulesDocument is DocumentKeys with its nodes, edges, latent edges,
// self-escalations and evidence already converted for Rego (ast values),
// so that the many small maps of the document are never built:
// ast.InterfaceToValue of it equals that of DocumentKeys
// (TestRulesDocumentMatchesDocument).
func (g *Graph) RulesDocument(envs map[string][]string, envSource string, want func(key string) bool) (map[string]any, error) {
	return g.document(envs, envSource, want, func() func(fields) any { return newValuer().value }, true)
}

// document builds input.graph, making each of its many small objects
// (nodes, edges, evidence) with a maker from newMk, which may keep nothing
// of the fields it is given (the edges' are made in one buffer). The parts
// of the document (nodes, edges, latent edges, classes, environments,
// evidence...) are made at the same time on every core, each with its own
// maker; each part is made in one order, so the document is the same on
// any number of cores.
//
// With share, an object mk makes may stand in several places of the
// document (its values are never modified): the evidence's statements
// are made once each.
func (g *Graph) document(envs map[string][]string, envSource string, want func(key string) bool, newMk func() func(fields) any, share bool) (map[string]any, error) {
	if want == nil {
		want = func(string) bool { return true }
	}
	used := make([]bool, len(g.nodes))
	for _, list := range [][]edge{g.edges, g.latent} {
		for i := range list {
			e := &list[i]
			used[e.from], used[e.to] = true, true
			if e.via >= 0 {
				used[e.via] = true
			}
		}
	}
	for c := range g.classes {
		if len(g.classOut[c]) == 0 {
			continue
		}
		for _, m := range g.classes[c].members {
			used[m] = true
		}
		for _, k := range g.classOut[c] {
			used[g.cedges[k].to] = true
		}
	}
	var (
		classes, classEdges, nodes, edges, latent, edgesIn, assumeEdgesIn, selfEscalation map[string]any
		environments                                                                      map[string]any
		extraNodes                                                                        []*Node
		envErr                                                                            error
		conditions, evidence                                                              []any
		grantsNoTr, trustsNoGr                                                            []any
		wg                                                                                sync.WaitGroup
	)
	// (A part no key wanted needs is not made.)
	nodes = map[string]any{}
	if want("nodes") {
		wg.Go(func() { nodes = g.nodesDoc(used, newMk()) })
	}
	if want("edges") || want("edges_in") || want("assume_edges_in") || want("self_escalation") {
		wg.Go(func() {
			edges, edgesIn, assumeEdgesIn, selfEscalation = g.edgesDoc(want, newMk())
		})
	}
	wg.Go(func() {
		environments, extraNodes, envErr = g.environmentsDoc(envs, want("environments") || want("nodes"))
	})
	wg.Go(func() {
		mk := newMk()
		latent = map[string]any{}
		var scratch fields
		for k := 0; k < len(g.latent) && want("latent_edges"); {
			from := g.latent[k].from
			var out []any
			for ; k < len(g.latent) && g.latent[k].from == from; k++ {
				scratch = append(g.edgeDoc(scratch, &g.latent[k]), field{"blocked_by", BlockedNoMFADevice})
				out = append(out, mk(scratch))
			}
			latent[g.nodes[from].ID] = out
		}
		if want("classes") || want("class_edges") {
			classes, classEdges = g.classesDoc()
		}
		conditions = make([]any, len(g.conds))
		if want("conditions") {
			for i := range g.conds {
				conditions[i] = g.condDoc(int32(i))
			}
		}
		if want("evidence") {
			evidence = make([]any, len(g.evidence))
			var evBuf fields
			var stmts map[stmtKey]any // (thousands of records cite a few statements)
			if share {
				stmts = map[stmtKey]any{}
			}
			for i := range g.evidence {
				evidence[i] = evidenceDoc(&g.evidence[i], mk, &evBuf, stmts)
			}
		}
		if want("grants_without_trust") {
			grantsNoTr = mismatchDocs(g.grantsNoTr, func(m *Mismatch) string { return g.PolicyHolder(m.Principal, m.Policy) })
		}
		if want("trusts_without_grant") {
			trustsNoGr = mismatchDocs(g.trustsNoGr, func(m *Mismatch) string { return m.Role })
		}
	})
	wg.Wait()
	if envErr != nil {
		return nil, envErr
	}
	for _, n := range extraNodes { // (a summary may add nodes)
		if nodes[n.ID] == nil {
			nodes[n.ID] = map[string]any{"kind": string(n.Kind), "name": n.Name, "label": nodeLabel(g, n), "external": n.External}
		}
	}
	doc := map[string]any{
		"version":              DocumentVersion,
		"conditions":           conditions,
		"evidence":             evidence,
		"self_escalation":      selfEscalation,
		"nodes":                nodes,
		"edges":                edges,
		"latent_edges":         latent,
		"edges_in":             edgesIn,
		"assume_edges_in":      assumeEdgesIn,
		"classes":              classes,
		"class_edges":          classEdges,
		"environments":         environments,
		"environments_source":  envSource,
		"grants_without_trust": grantsNoTr,
		"trusts_without_grant": trustsNoGr,
		"unknown_accounts":     g.UnknownAccounts(),
		"warnings":             g.warnings,
	}
	for k := range doc {
		if k != "version" && !want(k) {
			delete(doc, k)
		}
	}
	return doc, nil
}

// classesDoc lists the members and the class edges of every class with
// class edges.
func (g *Graph) classesDoc() (classes, classEdges map[string]any) {
	classes, classEdges = map[string]any{}, map[string]any{}
	for c := range g.classes {
		if len(g.classOut[c]) == 0 {
			continue
		}
		key := classKey(c)
		members := make([]string, len(g.classes[c].members))
		for i, m := range g.classes[c].members {
			members[i] = g.nodes[m].ID
		}
		classes[key] = members
		out := make([]any, 0, len(g.classOut[c]))
		for _, k := range g.classOut[c] {
			ce := &g.cedges[k]
			ed := map[string]any{"to": g.nodes[ce.to].ID, "kind": string(edgeKinds[ce.kind]), "mfa": g.condMFA[ce.cond], "except_accounts": ce.except}
			if ce.cond != 0 {
				ed["conditions"] = int(ce.cond)
			}
			out = append(out, ed)
		}
		classEdges[key] = out
	}
	return classes, classEdges
}

// nodesDoc lists the nodes used, made with mk.
func (g *Graph) nodesDoc(used []bool, mk func(fields) any) map[string]any {
	n := 0
	for _, u := range used {
		if u {
			n++
		}
	}
	nodes := make(map[string]any, n)
	nd := make(fields, 0, 11) // every field a node may have, reused
	for i := range g.nodes {
		if !used[i] {
			continue
		}
		n := &g.nodes[i]
		nd = append(nd[:0], field{"kind", string(n.Kind)}, field{"name", n.Name}, field{"label", unique(nodeLabel(g, n))}, field{"external", n.External})
		if n.AccountID != "" {
			nd = append(nd, field{"account_id", n.AccountID})
		}
		if n.MFA != "" {
			nd = append(nd, field{"mfa_device", n.MFA})
		}
		if n.Admin {
			nd = append(nd, field{"admin", true})
		}
		if n.Kind == KindUserInGroup {
			user, group, _ := strings.Cut(n.ID, "+group/")
			nd = append(nd, field{"user", user}, field{"group", group})
		}
		if n.Incomplete {
			nd = append(nd, field{"incomplete", true})
		}
		if n.Class >= 0 && len(g.classOut[n.Class]) > 0 {
			nd = append(nd, field{"class", classKey(n.Class)})
		}
		nodes[n.ID] = mk(nd)
	}
	return nodes
}

// edgesDoc lists the edges by caller (made with mk, when want("edges")),
// the callers by target (edges_in, assume_edges_in) and the
// self-escalations.
func (g *Graph) edgesDoc(want func(string) bool, mk func(fields) any) (edges, edgesIn, assumeEdgesIn, selfEscalation map[string]any) {
	edges = map[string]any{}
	selfEsc := map[string][]any{}
	in := map[string][]string{}
	assumeIn := map[string][]string{}
	wantEdges, wantIn, wantAssumeIn := want("edges"), want("edges_in"), want("assume_edges_in")
	var scratch fields
	for i := int32(0); i < int32(len(g.nodes)); i++ {
		lo, hi := g.outStart[i], g.outStart[i+1]
		if lo == hi {
			continue
		}
		var out []any
		if wantEdges {
			out = make([]any, 0, hi-lo)
		}
		for k := lo; k < hi; k++ {
			e := &g.edges[k]
			selfEscalation := e.ev >= 0 && (g.nodes[e.to].Kind == KindAccountAdmin || edgeKinds[e.kind] == EdgeAddUserToGroup)
			var ed fields
			if wantEdges || selfEscalation {
				ed = g.edgeDoc(scratch, e)
				scratch = ed
				if e.via >= 0 {
					ed = append(ed, field{"via", g.nodes[e.via].ID})
				}
			}
			if e.ev >= 0 && ed != nil {
				ed = append(ed, field{"evidence", int(e.ev)})
				if selfEscalation {
					se := append(slices.Clip(ed), field{"holders", g.statementHolders(g.nodes[i].ID, g.evidenceOf(e))})
					selfEsc[g.nodes[i].ID] = append(selfEsc[g.nodes[i].ID], mk(se))
				}
			}
			if wantEdges {
				out = append(out, mk(ed))
			}
			to := g.nodes[e.to].ID
			if l := in[to]; wantIn && (len(l) == 0 || l[len(l)-1] != g.nodes[i].ID) {
				in[to] = append(in[to], g.nodes[i].ID)
			}
			if l := assumeIn[to]; wantAssumeIn && !strings.HasPrefix(string(edgeKinds[e.kind]), "escalate:") && (len(l) == 0 || l[len(l)-1] != g.nodes[i].ID) {
				assumeIn[to] = append(assumeIn[to], g.nodes[i].ID)
			}
		}
		if wantEdges {
			edges[g.nodes[i].ID] = out
		}
	}
	edgesIn = make(map[string]any, len(in))
	for k, v := range in {
		edgesIn[k] = v
	}
	assumeEdgesIn = make(map[string]any, len(assumeIn))
	for k, v := range assumeIn {
		assumeEdgesIn[k] = v
	}
	selfEscalation = make(map[string]any, len(selfEsc))
	for k, v := range selfEsc {
		selfEscalation[k] = v
	}
	return edges, edgesIn, assumeEdgesIn, selfEscalation
}

// environmentsDoc summarises the reachability of every environment (when
// wanted), and returns the source nodes the summaries name, in order.
func (g *Graph) environmentsDoc(envs map[string][]string, wanted bool) (map[string]any, []*Node, error) {
	environments := map[string]any{}
	if !wanted {
		return environments, nil, nil
	}
	names := make([]string, 0, len(envs))
	for name := range envs {
		names = append(names, name)
	}
	sort.Strings(names)
	var named []*Node
	for _, name := range names {
		accts := append([]string(nil), envs[name]...)
		sort.Strings(accts)
		t := Target{Kind: TargetEnvironment, Label: "environment " + name, Accounts: dedupeSorted(accts)}
		res, err := g.Paths(t, Options{})
		if err != nil {
			return nil, nil, fmt.Errorf("environment %s: %w", name, err)
		}
		summaries := func(list []Source) map[string]any {
			out := make(map[string]any, len(list))
			for i := range list {
				s := &list[i]
				out[s.Node.ID] = sourceDoc(s)
				named = append(named, &s.Node)
			}
			return out
		}
		environments[name] = map[string]any{
			"accounts": t.Accounts, "max_hops": res.MaxHops, "reached_by": summaries(res.Sources),
			"latent": summaries(res.Latent), "unknown_accounts": res.UnknownAccounts,
		}
	}
	return environments, named, nil
}

func classKey(c int) string { return "class:" + strconv.Itoa(c) }

// statementHolders lists, sorted, the holders (PolicyHolder) of the
// identity statements of an escalation's evidence.
func (g *Graph) statementHolders(from string, ev *Evidence) []string {
	out := []string{}
	for _, r := range ev.Statements {
		if h := g.PolicyHolder(from, r.Policy); !slices.Contains(out, h) {
			out = append(out, h)
		}
	}
	slices.Sort(out)
	return out
}

// edgeDoc is an edge as input.graph lists it (without via and evidence),
// made in buf (reused: nil, or the fields of an edge already made).
func (g *Graph) edgeDoc(buf fields, e *edge) fields {
	ed := buf[:0]
	if cap(ed) < 7 {
		ed = make(fields, 0, 7) // room for what callers add
	}
	ed = append(ed, field{"to", g.nodes[e.to].ID}, field{"kind", string(edgeKinds[e.kind])}, field{"mfa", g.condMFA[e.cond]})
	if e.cond != 0 {
		ed = append(ed, field{"conditions", int(e.cond)})
	}
	if g.nodes[e.from].Incomplete || g.nodes[e.to].Incomplete {
		ed = append(ed, field{"incomplete", true})
	}
	return ed
}

// sourceDoc is the summary of one source of an environment (reached_by,
// latent).
func sourceDoc(s *Source) map[string]any {
	r := map[string]any{
		"kind": string(s.Node.Kind), "hops": s.Hops, "paths": s.Paths, "paths_at_least": s.PathsAtLeast,
		"mfa_required": s.MFARequired, "path": pathDoc(s.Path), "path_without_mfa": pathDoc(s.PathWithoutMFA),
		"external": s.Node.External, "path_kinds": kindsDoc(s.Path), "escalation_required": s.EscalationRequired,
	}
	if s.Node.AccountID != "" {
		r["account_id"] = s.Node.AccountID
	}
	if s.BlockedBy != "" {
		r["blocked_by"] = s.BlockedBy
	}
	incomplete := false
	for _, h := range s.Path {
		incomplete = incomplete || h.Incomplete
	}
	if incomplete {
		r["incomplete"] = true
	}
	return r
}

// nodeLabel names a node for messages: "user/alice in identity
// (111111111111)".
func nodeLabel(g *Graph, n *Node) string {
	s := shortName(n)
	if n.Kind == KindAccountAdmin {
		if a, ok := g.ix.Account(n.AccountID); ok {
			return "administrator of " + a.Name + " (" + n.AccountID + ")"
		}
	}
	if n.AccountID == "" || n.Kind == KindAccount || n.Kind == KindAccountAdmin {
		return s
	}
	if a, ok := g.ix.Account(n.AccountID); ok {
		return s + " in " + a.Name + " (" + n.AccountID + ")"
	}
	return s + " in " + n.AccountID
}

func (g *Graph) condDoc(c int32) map[string]any {
	cond := &g.conds[c]
	return map[string]any{"allowed_when": setsDoc(cond.AllowedWhen), "denied_when": setsDoc(cond.DeniedWhen)}
}

func setsDoc(sets [][]policy.Clause) []any {
	out := make([]any, len(sets))
	for i, set := range sets {
		cl := make([]any, len(set))
		for j, c := range set {
			vals := c.Values
			if vals == nil {
				vals = []string{}
			}
			cl[j] = map[string]any{"operator": c.Operator, "key": c.Key, "values": vals}
		}
		out[i] = cl
	}
	return out
}

// pathDoc lists the node ids of a path, source first; empty for no path.
func pathDoc(hops []Hop) []string {
	if len(hops) == 0 {
		return []string{}
	}
	out := make([]string, 0, len(hops)+1)
	out = append(out, hops[0].From)
	for _, h := range hops {
		out = append(out, h.To)
	}
	return out
}

// kindsDoc lists the edge kinds of a path's hops, in order.
func kindsDoc(hops []Hop) []string {
	out := make([]string, len(hops))
	for i, h := range hops {
		out[i] = string(h.Kind)
	}
	return out
}

// evidenceDoc is an evidence record as input.graph lists it, its objects'
// fields made in *buf (reused from one record to the next). With stmts,
// the object of each statement is made once and shared.
func evidenceDoc(ev *Evidence, mk func(fields) any, buf *fields, stmts map[stmtKey]any) any {
	if cap(*buf) < 5 {
		*buf = make(fields, 0, 5)
	}
	list := make([]any, len(ev.Statements))
	for i, r := range ev.Statements {
		k := stmtKey{r.Policy, string(r.Type), r.Index, r.Sid}
		if o, ok := stmts[k]; ok {
			list[i] = o
			continue
		}
		*buf = append((*buf)[:0], field{"policy", r.Policy}, field{"type", string(r.Type)}, field{"index", r.Index}, field{"sid", r.Sid})
		list[i] = mk(*buf)
		if stmts != nil {
			stmts[k] = list[i]
		}
	}
	doc := append((*buf)[:0], field{"actions", ev.Actions}, field{"statements", list})
	if ev.Resource != "" {
		doc = append(doc, field{"resource", ev.Resource}) // absent: the edge's target
	}
	if ev.Service != "" {
		doc = append(doc, field{"service", ev.Service})
	}
	if ev.Note != "" {
		doc = append(doc, field{"note", ev.Note})
	}
	return mk(doc)
}

// stmtKey is what evidenceDoc lists of a statement.
type stmtKey struct {
	policy, typ string
	index       int
	sid         string
}

// field is one key of an object of input.graph; fields an object, made
// either a generic map (doc) or a Rego value (value).
type field struct {
	k string
	v any
}

type fields []field

// unique is a string value that no other object of the document holds
// (a node's label): its term is made on its own, never looked up for
// sharing.
type unique string

func (f fields) doc() any {
	m := make(map[string]any, len(f))
	for _, x := range f {
		if u, ok := x.v.(unique); ok {
			m[x.k] = string(u)
			continue
		}
		m[x.k] = x.v
	}
	return m
}

// valuer converts the objects of one document for Rego (value). Terms
// are never modified once made, so one term serves every object with the
// same string, number or boolean (node ids, edge kinds, condition
// numbers...); NewObject copies the pairs, so one buffer serves every
// object.
type valuer struct {
	pairs []([2]*ast.Term)
	strs  map[string]*ast.Term
	ints  map[int]*ast.Term
	// lists holds the terms of short string lists, by their strings
	// joined with NUL.
	lists map[string]*ast.Term
	bools [2]*ast.Term
}

func newValuer() *valuer {
	return &valuer{
		strs: map[string]*ast.Term{}, ints: map[int]*ast.Term{}, lists: map[string]*ast.Term{},
		bools: [2]*ast.Term{ast.BooleanTerm(false), ast.BooleanTerm(true)},
	}
}

// value converts the object for Rego. Its values are strings, numbers,
// booleans, string lists and values already converted, which
// ast.InterfaceToValue always converts.
func (v *valuer) value(f fields) any {
	pairs := v.pairs[:0]
	for _, x := range f {
		key, ok := fieldKeys[x.k]
		if !ok {
			key = ast.StringTerm(x.k)
		}
		pairs = append(pairs, [2]*ast.Term{key, v.term(x.v)})
	}
	v.pairs = pairs
	return ast.NewObject(pairs...)
}

// term converts one value, sharing the terms of strings, numbers and
// booleans.
func (v *valuer) term(x any) *ast.Term {
	switch x := x.(type) {
	case string:
		return sharedTerm(v.strs, x)
	case unique:
		return ast.StringTerm(string(x))
	case []string:
		if len(x) <= maxSharedList { // (the evidence's actions: a dozen lists)
			key := strings.Join(x, "\x00")
			t := v.lists[key]
			if t == nil {
				t = ast.NewTerm(ast.MustInterfaceToValue(x))
				v.lists[key] = t
			}
			return t
		}
	case int:
		return sharedTerm(v.ints, x)
	case bool:
		if x {
			return v.bools[1]
		}
		return v.bools[0]
	}
	return ast.NewTerm(ast.MustInterfaceToValue(x))
}

// maxSharedList is the length of the longest string list whose term
// valuer shares.
const maxSharedList = 8

// fieldKeys are the keys of the objects fields.value makes, converted once
// and shared (never modified).
var fieldKeys = func() map[string]*ast.Term {
	m := map[string]*ast.Term{}
	for _, k := range strings.Fields(`kind name label external account_id mfa_device admin user group incomplete class
		to mfa conditions via evidence holders blocked_by policy type index sid actions statements resource service note`) {
		m[k] = ast.StringTerm(k)
	}
	return m
}()

// sharedTerm returns the term of x held in terms, made the first time.
func sharedTerm[K string | int](terms map[K]*ast.Term, x K) *ast.Term {
	t := terms[x]
	if t == nil {
		t = ast.NewTerm(ast.MustInterfaceToValue(x))
		terms[x] = t
	}
	return t
}

// mismatchDocs lists mismatches with the holder of each one's policy:
// what a person edits to fix it.
func mismatchDocs(ms []Mismatch, holder func(*Mismatch) string) []any {
	out := make([]any, len(ms))
	for i := range ms {
		m := &ms[i]
		out[i] = map[string]any{
			"principal": m.Principal, "principal_account": m.PrincipalAccount, "role": m.Role, "role_account": m.RoleAccount,
			"policy": m.Policy, "statement": m.Statement, "sid": m.Sid, "reason": m.Reason, "holder": holder(m),
		}
	}
	return out
}
