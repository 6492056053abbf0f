package graph

import (
	"sort"
	"strconv"
	"strings"

	"github.com/orgaudit/orgaudit/internal/policy"
	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// NodeKind classifies a node.
type NodeKind string

// Node kinds.
const (
	// KindUser is an IAM user.
	KindUser NodeKind = "iam-user"
	// KindRole is an IAM role of the snapshot.
	KindRole NodeKind = "iam-role"
	// KindSSORole is the role Identity Center provisions for a permission
	// set in an account, when the snapshot does not hold it. Its id is
	// arn:aws:iam::ACCOUNT:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_NAME_*.
	KindSSORole NodeKind = "sso-role"
	// KindICUser is an Identity Center (identity store) user.
	KindICUser NodeKind = "ic-user"
	// KindICGroup is an Identity Center (identity store) group.
	KindICGroup NodeKind = "ic-group"
	// KindSAMLProvider is an IAM SAML identity provider.
	KindSAMLProvider NodeKind = "saml-provider"
	// KindOIDCProvider is an IAM OIDC provider or a web identity provider
	// name (accounts.google.com, cognito-identity.amazonaws.com...).
	KindOIDCProvider NodeKind = "oidc-provider"
	// KindAccount is an account whose principals the snapshot does not
	// describe: outside the snapshot (External), or a member account whose
	// IAM data is missing. Its id is the account root ARN. It stands for
	// every principal of that account whose own policies allow the call.
	KindAccount NodeKind = "account"
	// KindPrincipal is one principal the snapshot does not describe, named
	// by ARN in a trust policy.
	KindPrincipal NodeKind = "principal"
	// KindAnyPrincipal is "*": any AWS principal outside the organization.
	KindAnyPrincipal NodeKind = "any-principal"
	// KindAccountAdmin stands for "an administrator of the account": what a
	// principal becomes when it raises its own permissions (an escalation
	// edge leads there). Its id is "admin:ACCOUNT". It is a state, not a
	// principal: it is never listed as a source.
	KindAccountAdmin NodeKind = "account-admin"
	// KindUserInGroup is an IAM user once it has added itself to a group
	// (iam:AddUserToGroup): its own policies and the group's. Its id is the
	// user ARN followed by "+group/NAME". Like KindAccountAdmin it is a
	// state of the user, never a source.
	KindUserInGroup NodeKind = "iam-user-in-group"
)

// MFA states of an IAM user (Node.MFA).
const (
	MFAYes     = "yes"
	MFANo      = "no"
	MFAUnknown = "unknown"
)

// Node is a principal in the graph.
type Node struct {
	// ID is unique: an ARN, "ic:user/ID", "ic:group/ID" or "*".
	ID   string   `json:"id"`
	Kind NodeKind `json:"kind"`
	// Name is short and readable: the user, role, group or provider name.
	Name string `json:"name"`
	// AccountID is the account of IAM principals, provisioned roles,
	// providers and accounts; empty for Identity Center and "*".
	AccountID string `json:"account_id,omitempty"`
	// External is set for nodes outside the snapshot's organization.
	External bool `json:"external,omitempty"`
	// MFA says whether an IAM user has an MFA device: MFAYes, MFANo or
	// MFAUnknown (data missing). Empty for other kinds.
	MFA string `json:"mfa,omitempty"`
	// Admin is set for IAM principals that hold "*" (or "iam:*") on "*"
	// unconditionally: administrators of their account.
	Admin bool `json:"admin,omitempty"`
	// Incomplete is set when what the node stands for rests on data the
	// snapshot could not read in full (a permission set whose details or
	// policies could not be read): edges from and to it may be wrong.
	Incomplete bool `json:"incomplete,omitempty"`
	// Class is the evaluation class of an IAM principal, -1 when none.
	Class int `json:"-"`
}

// Virtual reports whether the node is a state a principal reaches
// (administrator of an account, user added to a group) rather than a
// principal: paths pass through it but it is never a source.
func (n *Node) Virtual() bool { return n.Kind == KindAccountAdmin || n.Kind == KindUserInGroup }

// StartingPoint reports whether the node stands for principals the
// snapshot does not describe (accounts, unknown principals, "*",
// identity providers): paths start there but nothing is known behind it.
func (n *Node) StartingPoint() bool {
	switch n.Kind {
	case KindAccount, KindPrincipal, KindAnyPrincipal, KindSAMLProvider, KindOIDCProvider:
		return true
	}
	return false
}

// EdgeKind is how the caller gets to the target: it assumes a role
// (assume-role, assume-role-saml, assume-role-web-identity,
// identity-center), or it escalates ("escalate:..."): it takes over
// another principal, raises its own permissions, or passes a role to a
// service that runs its code.
type EdgeKind string

// Edge kinds. docs/paths.md documents each escalation kind with the AWS
// documentation it rests on.
const (
	EdgeAssumeRole      EdgeKind = "assume-role"
	EdgeAssumeRoleSAML  EdgeKind = "assume-role-saml"
	EdgeAssumeRoleWebID EdgeKind = "assume-role-web-identity"
	EdgeIdentityCenter  EdgeKind = "identity-center"

	// Take over another principal of the account.
	EdgeCreateAccessKey    EdgeKind = "escalate:create-access-key"
	EdgeCreateLoginProfile EdgeKind = "escalate:create-login-profile"
	EdgeUpdateLoginProfile EdgeKind = "escalate:update-login-profile"
	EdgeUpdateTrust        EdgeKind = "escalate:update-trust"
	EdgeAddUserToGroup     EdgeKind = "escalate:add-user-to-group"

	// Raise one's own permissions: the edge leads to the account's
	// administrator node.
	EdgePutUserPolicy           EdgeKind = "escalate:put-user-policy"
	EdgeAttachUserPolicy        EdgeKind = "escalate:attach-user-policy"
	EdgePutGroupPolicy          EdgeKind = "escalate:put-group-policy"
	EdgeAttachGroupPolicy       EdgeKind = "escalate:attach-group-policy"
	EdgePutRolePolicy           EdgeKind = "escalate:put-role-policy"
	EdgeAttachRolePolicy        EdgeKind = "escalate:attach-role-policy"
	EdgeCreatePolicyVersion     EdgeKind = "escalate:create-policy-version"
	EdgeSetDefaultPolicyVersion EdgeKind = "escalate:set-default-policy-version"
	EdgeDeleteBoundary          EdgeKind = "escalate:delete-permissions-boundary"
	EdgePutBoundary             EdgeKind = "escalate:put-permissions-boundary"

	// Pass a role to a service that runs the caller's code.
	EdgePassRoleLambda         EdgeKind = "escalate:pass-role:lambda"
	EdgePassRoleEC2            EdgeKind = "escalate:pass-role:ec2"
	EdgePassRoleCloudFormation EdgeKind = "escalate:pass-role:cloudformation"
	EdgePassRoleCodeBuild      EdgeKind = "escalate:pass-role:codebuild"
	EdgePassRoleGlue           EdgeKind = "escalate:pass-role:glue"
	EdgePassRoleSageMaker      EdgeKind = "escalate:pass-role:sagemaker"
	EdgePassRoleECS            EdgeKind = "escalate:pass-role:ecs"
	EdgePassRoleDataPipeline   EdgeKind = "escalate:pass-role:datapipeline"

	actionAssumeRole               = "sts:AssumeRole"
	actionAssumeRoleSAML           = "sts:AssumeRoleWithSAML"
	actionAssumeRoleWebID          = "sts:AssumeRoleWithWebIdentity"
	identityCenterActionLabel      = "Identity Center sign-in"
	identityCenterNoConditionsNote = "Identity Center sign-in (MFA is set in Identity Center, not in the snapshot)"
)

// edgeKinds lists every kind; an edge stores its index. The assume kinds
// come first (assumeKinds of them).
var edgeKinds = [...]EdgeKind{EdgeAssumeRole, EdgeAssumeRoleSAML, EdgeAssumeRoleWebID, EdgeIdentityCenter,
	EdgeCreateAccessKey, EdgeCreateLoginProfile, EdgeUpdateLoginProfile, EdgeUpdateTrust, EdgeAddUserToGroup,
	EdgePutUserPolicy, EdgeAttachUserPolicy, EdgePutGroupPolicy, EdgeAttachGroupPolicy, EdgePutRolePolicy, EdgeAttachRolePolicy,
	EdgeCreatePolicyVersion, EdgeSetDefaultPolicyVersion, EdgeDeleteBoundary, EdgePutBoundary,
	EdgePassRoleLambda, EdgePassRoleEC2, EdgePassRoleCloudFormation, EdgePassRoleCodeBuild, EdgePassRoleGlue,
	EdgePassRoleSageMaker, EdgePassRoleECS, EdgePassRoleDataPipeline}

// assumeKinds is the number of assume kinds at the start of edgeKinds.
const assumeKinds = 4

// EdgeKinds returns every edge kind, assume kinds first.
func EdgeKinds() []EdgeKind { return edgeKinds[:] }

func (k EdgeKind) index() uint8 {
	for i, e := range edgeKinds {
		if e == k {
			return uint8(i)
		}
	}
	return 0
}

// Escalation reports whether the kind is an escalation ("escalate:...").
func (k EdgeKind) Escalation() bool { return strings.HasPrefix(string(k), "escalate:") }

// Action returns the API action of an assume kind ("Identity Center
// sign-in" for assignments); for an escalation kind, the kind itself (its
// actions are in the edge's Evidence).
func (k EdgeKind) Action() string {
	switch k {
	case EdgeAssumeRole:
		return actionAssumeRole
	case EdgeAssumeRoleSAML:
		return actionAssumeRoleSAML
	case EdgeAssumeRoleWebID:
		return actionAssumeRoleWebID
	case EdgeIdentityCenter:
		return identityCenterActionLabel
	}
	return string(k)
}

// EdgeFilter chooses the edges a paths query follows.
type EdgeFilter string

// Edge filters (paths --edges).
const (
	// EdgesAll follows every edge (the default).
	EdgesAll EdgeFilter = "all"
	// EdgesAssume follows role assumption only (sts:AssumeRole, SAML, web
	// identity, Identity Center sign-in): the graph without escalation.
	EdgesAssume EdgeFilter = "assume"
	// EdgesEscalate follows every edge and keeps only the sources that
	// reach the target through an escalation on every path: the access that
	// role assumption alone does not show.
	EdgesEscalate EdgeFilter = "escalate"
)

// EdgeFilters lists the valid filters.
func EdgeFilters() []string {
	return []string{string(EdgesAll), string(EdgesAssume), string(EdgesEscalate)}
}

// Evidence says why an escalation edge exists: the API actions the method
// needs (all of them allowed), the resource it acts on, the service a role
// is passed to, and the deciding Allow statements of the caller's
// policies.
type Evidence struct {
	// Actions are the actions the caller is allowed, in the order the
	// method uses them.
	Actions []string `json:"actions"`
	// Resource is what the first action acts on: the user, role, group or
	// policy ARN; for pass-role methods the role passed.
	Resource string `json:"resource"`
	// Service is the service principal a role is passed to (pass-role
	// methods).
	Service string `json:"service,omitempty"`
	// Note adds what the snapshot could not tell (instance profiles not
	// recorded, a boundary removed...).
	Note string `json:"note,omitempty"`
	// Statements are the Allow statements that granted the actions.
	Statements []policy.StatementRef `json:"statements"`
}

// Conditions are what must hold at request time for an edge to be usable,
// as the evaluator left them undecided: the request is allowed when every
// clause of one AllowedWhen set holds (an empty AllowedWhen means the
// Allow side is unconditional) and no DeniedWhen set holds.
type Conditions struct {
	AllowedWhen [][]policy.Clause `json:"allowed_when,omitempty"`
	DeniedWhen  [][]policy.Clause `json:"denied_when,omitempty"`
}

// Empty reports whether the edge holds unconditionally.
func (c *Conditions) Empty() bool { return len(c.AllowedWhen) == 0 && len(c.DeniedWhen) == 0 }

// RequiresMFA reports whether the conditions can only hold with MFA: every
// AllowedWhen set needs MFA (Bool aws:MultiFactorAuthPresent true, or a
// bound on aws:MultiFactorAuthAge), or a DeniedWhen set denies whenever MFA
// is absent (BoolIfExists aws:MultiFactorAuthPresent false, Null
// aws:MultiFactorAuthAge true).
func (c *Conditions) RequiresMFA() bool {
	if len(c.AllowedWhen) > 0 {
		all := true
		for _, set := range c.AllowedWhen {
			if !setNeedsMFA(set) {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	for _, set := range c.DeniedWhen {
		if len(set) > 0 && allClauses(set, deniesWithoutMFA) {
			return true
		}
	}
	return false
}

func setNeedsMFA(set []policy.Clause) bool {
	for _, cl := range set {
		if needsMFA(cl) {
			return true
		}
	}
	return false
}

func allClauses(set []policy.Clause, f func(policy.Clause) bool) bool {
	for _, cl := range set {
		if !f(cl) {
			return false
		}
	}
	return true
}

// needsMFA reports whether an Allow-side clause can hold only in a request
// made with MFA.
func needsMFA(c policy.Clause) bool {
	op, key := strings.ToLower(c.Operator), strings.ToLower(c.Key)
	switch key {
	case "aws:multifactorauthpresent":
		return op == "bool" && allValues(c.Values, "true")
	case "aws:multifactorauthage":
		switch op {
		case "numericlessthan", "numericlessthanequals", "numericequals", "numericgreaterthan", "numericgreaterthanequals":
			return true
		case "null":
			return allValues(c.Values, "false")
		}
	}
	return false
}

// deniesWithoutMFA reports whether a Deny-side clause holds whenever the
// request carries no MFA.
func deniesWithoutMFA(c policy.Clause) bool {
	op, key := strings.ToLower(c.Operator), strings.ToLower(c.Key)
	switch key {
	case "aws:multifactorauthpresent":
		return op == "boolifexists" && allValues(c.Values, "false")
	case "aws:multifactorauthage":
		return op == "null" && allValues(c.Values, "true")
	}
	return false
}

func allValues(vals []string, want string) bool {
	if len(vals) == 0 {
		return false
	}
	for _, v := range vals {
		if !strings.EqualFold(v, want) {
			return false
		}
	}
	return true
}

// Strings renders the conditions for people, one line per alternative:
// "Bool aws:MultiFactorAuthPresent [true] AND ...", then "unless ..." lines.
func (c *Conditions) Strings() []string {
	var out []string
	for _, set := range c.AllowedWhen {
		out = append(out, joinClauses(set))
	}
	if len(c.AllowedWhen) > 1 {
		for i := range out {
			out[i] = "(" + out[i] + ")"
		}
		out = []string{strings.Join(out, " OR ")}
	}
	for _, set := range c.DeniedWhen {
		out = append(out, "unless "+joinClauses(set))
	}
	return out
}

func joinClauses(set []policy.Clause) string {
	parts := make([]string, len(set))
	for i, cl := range set {
		parts[i] = cl.String()
	}
	return strings.Join(parts, " AND ")
}

// Lines renders the evidence for people, one line for the actions and
// resource and one for the deciding statements; none for a nil Evidence.
func (ev *Evidence) Lines() []string { return ev.LinesNaming(nil) }

// LinesNaming is Lines with the ARNs (the resource, the policies of the
// statements) passed through name, e.g. to shorten them on a terminal; a
// nil name keeps them whole.
func (ev *Evidence) LinesNaming(name func(arn string) string) []string {
	if ev == nil {
		return nil
	}
	if name == nil {
		name = func(arn string) string { return arn }
	}
	line := strings.Join(ev.Actions, " + ") + " on " + name(ev.Resource)
	if ev.Service != "" {
		line += " for " + ev.Service
	}
	out := []string{line}
	if ev.Note != "" {
		out = append(out, "("+ev.Note+")")
	}
	if len(ev.Statements) > 0 {
		refs := make([]string, len(ev.Statements))
		for i, r := range ev.Statements {
			refs[i] = name(r.Policy) + "#" + strconv.Itoa(r.Index)
			if r.Sid != "" {
				refs[i] += " (" + r.Sid + ")"
			}
		}
		out = append(out, "granted by "+strings.Join(refs, ", "))
	}
	return out
}

// Edge is one "can assume" or "can escalate to" relation.
type Edge struct {
	From string   `json:"from"`
	To   string   `json:"to"`
	Kind EdgeKind `json:"kind"`
	// Conditions must hold at request time.
	Conditions Conditions `json:"conditions"`
	// MFA is set when the edge can only be used with MFA.
	MFA bool `json:"mfa"`
	// Via names the Identity Center group of a sign-in edge that comes
	// from a group assignment.
	Via string `json:"via,omitempty"`
	// Evidence is set on escalation edges.
	Evidence *Evidence `json:"evidence,omitempty"`
	// Incomplete is set when the edge rests on data the snapshot could not
	// read in full (see Node.Incomplete).
	Incomplete bool `json:"incomplete,omitempty"`
	// BlockedBy is set on latent edges: BlockedNoMFADevice.
	BlockedBy string `json:"blocked_by,omitempty"`
}

// ClassEdge says that every member of a class, except members of the
// listed accounts, can assume a role: one evaluation decided it for all
// of them (see the package documentation).
type ClassEdge struct {
	Class          int        `json:"class"`
	To             string     `json:"to"`
	Kind           EdgeKind   `json:"kind"`
	Conditions     Conditions `json:"conditions"`
	MFA            bool       `json:"mfa"`
	ExceptAccounts []string   `json:"except_accounts"`
}

// Mismatch is a grant without a matching trust, or a trust without a
// matching grant.
type Mismatch struct {
	// Principal is the node id of the caller (an account root ARN for a
	// trusted account none of whose principals may assume the role).
	Principal string `json:"principal"`
	// PrincipalAccount is the caller's account.
	PrincipalAccount string `json:"principal_account"`
	// Role is the role's ARN and RoleAccount its account.
	Role        string `json:"role"`
	RoleAccount string `json:"role_account"`
	// Policy names the identity policy (grant without trust) or is
	// "trust" (trust without grant); Statement and Sid locate the
	// statement.
	Policy    string `json:"policy"`
	Statement int    `json:"statement"`
	Sid       string `json:"sid,omitempty"`
	// Reason is the evaluator's explanation.
	Reason string `json:"reason"`
}

// edge is the internal form of an edge: node indexes and interned
// conditions.
type edge struct {
	from, to int32
	cond     int32
	via      int32 // node index of the Identity Center group, -1
	ev       int32 // index into Graph.evidence, -1
	kind     uint8
}

type classEdge struct {
	class, to int32
	cond      int32
	kind      uint8
	except    []string // sorted account ids
}

// class is a set of principals evaluated once.
type class struct {
	members []int32 // node indexes, ascending
}

// Graph is the access graph of one snapshot. It is immutable once built
// and safe for concurrent queries.
type Graph struct {
	ix       *snapshot.Index
	nodes    []Node
	byID     map[string]int32
	edges    []edge      // sorted by from, to, kind
	latent   []edge      // latent edges (latent.go), sorted by from, to, kind
	cedges   []classEdge // sorted by class, to, kind
	classes  []class
	conds    []Conditions
	condMFA  []bool
	evidence []Evidence
	outStart []int32 // CSR over edges by from
	inIdx    [][]int32
	classOut [][]int32 // class → class edge indexes
	classIn  [][]int32 // node → class edge indexes into it

	warnings   []string
	grantsNoTr []Mismatch
	trustsNoGr []Mismatch
	unknownAcc map[string]bool // member accounts whose IAM data is missing
}

// Nodes returns every node, sorted by id.
func (g *Graph) Nodes() []Node { return g.nodes }

// Node returns the node with the given id.
func (g *Graph) Node(id string) (Node, bool) {
	i, ok := g.byID[id]
	if !ok {
		return Node{}, false
	}
	return g.nodes[i], true
}

// Edges returns the individual edges (class edges not expanded), sorted by
// from, to and kind.
func (g *Graph) Edges() []Edge {
	out := make([]Edge, len(g.edges))
	for i := range g.edges {
		out[i] = g.publicEdge(&g.edges[i])
	}
	return out
}

func (g *Graph) publicEdge(e *edge) Edge {
	pe := Edge{From: g.nodes[e.from].ID, To: g.nodes[e.to].ID, Kind: edgeKinds[e.kind], Conditions: g.conds[e.cond], MFA: g.condMFA[e.cond],
		Incomplete: g.nodes[e.from].Incomplete || g.nodes[e.to].Incomplete}
	if e.via >= 0 {
		pe.Via = g.nodes[e.via].ID
	}
	if e.ev >= 0 {
		pe.Evidence = g.evidenceOf(e)
	}
	return pe
}

// evidenceOf returns the evidence of an escalation edge; a stored record
// without a resource stands for the edge's target.
func (g *Graph) evidenceOf(e *edge) *Evidence {
	ev := &g.evidence[e.ev]
	if ev.Resource != "" {
		return ev
	}
	c := *ev
	c.Resource = g.nodes[e.to].ID
	return &c
}

// ClassEdges returns the class edges, sorted by class, target and kind.
func (g *Graph) ClassEdges() []ClassEdge {
	out := make([]ClassEdge, len(g.cedges))
	for i := range g.cedges {
		ce := &g.cedges[i]
		out[i] = ClassEdge{Class: int(ce.class), To: g.nodes[ce.to].ID, Kind: edgeKinds[ce.kind], Conditions: g.conds[ce.cond], MFA: g.condMFA[ce.cond], ExceptAccounts: ce.except}
	}
	return out
}

// ClassMembers returns the node ids of a class's members, sorted.
func (g *Graph) ClassMembers(c int) []string {
	if c < 0 || c >= len(g.classes) {
		return nil
	}
	out := make([]string, len(g.classes[c].members))
	for i, m := range g.classes[c].members {
		out[i] = g.nodes[m].ID
	}
	return out
}

// NumClasses returns the number of evaluation classes.
func (g *Graph) NumClasses() int { return len(g.classes) }

// OutEdges returns every edge leaving the node, class edges expanded for
// it, sorted by target and kind.
func (g *Graph) OutEdges(id string) []Edge {
	i, ok := g.byID[id]
	if !ok {
		return nil
	}
	var out []Edge
	g.forOut(i, func(e edge) {
		out = append(out, g.publicEdge(&e))
	})
	sort.SliceStable(out, func(a, b int) bool {
		if out[a].To != out[b].To {
			return out[a].To < out[b].To
		}
		return out[a].Kind < out[b].Kind
	})
	return out
}

// forOut calls f for every edge leaving node i, class edges included.
func (g *Graph) forOut(i int32, f func(e edge)) {
	for k := g.outStart[i]; k < g.outStart[i+1]; k++ {
		f(g.edges[k])
	}
	c := g.nodes[i].Class
	if c < 0 {
		return
	}
	acct := g.nodes[i].AccountID
	for _, k := range g.classOut[c] {
		ce := &g.cedges[k]
		if ce.to == i || excepted(ce.except, acct) {
			continue
		}
		f(edge{from: i, to: ce.to, kind: ce.kind, cond: ce.cond, via: -1, ev: -1})
	}
}

func excepted(except []string, acct string) bool {
	for _, a := range except {
		if a == acct {
			return true
		}
	}
	return false
}

// Stats counts what the graph holds.
type Stats struct {
	Nodes      int `json:"nodes"`
	Edges      int `json:"edges"`
	ClassEdges int `json:"class_edges"`
	Classes    int `json:"classes"`
	// ExpandedEdges counts edges with class edges expanded per member.
	ExpandedEdges int `json:"expanded_edges"`
	// EscalationEdges counts the individual edges of escalation kinds.
	EscalationEdges int `json:"escalation_edges"`
}

// Stats returns the graph's size.
func (g *Graph) Stats() Stats {
	st := Stats{Nodes: len(g.nodes), Edges: len(g.edges), ClassEdges: len(g.cedges), Classes: len(g.classes)}
	for i := range g.edges {
		if g.edges[i].kind >= assumeKinds {
			st.EscalationEdges++
		}
	}
	st.ExpandedEdges = len(g.edges)
	perAccount := make([]map[string]int, len(g.classes))
	for i := range g.cedges {
		ce := &g.cedges[i]
		if perAccount[ce.class] == nil {
			m := map[string]int{}
			for _, n := range g.classes[ce.class].members {
				m[g.nodes[n].AccountID]++
			}
			perAccount[ce.class] = m
		}
		n := len(g.classes[ce.class].members)
		for _, a := range ce.except {
			n -= perAccount[ce.class][a]
		}
		st.ExpandedEdges += n
	}
	return st
}

// Warnings returns what the builder could not model exactly (unparsable
// documents, managed policies missing from the snapshot, SCP levels
// without an Allow), sorted.
func (g *Graph) Warnings() []string { return g.warnings }

// GrantsWithoutTrust lists identity policy statements that grant
// sts:AssumeRole on a role named by its exact ARN whose trust policy does
// not admit the principal.
func (g *Graph) GrantsWithoutTrust() []Mismatch { return g.grantsNoTr }

// TrustsWithoutGrant lists trust policy statements that name a principal
// (or an account of the snapshot) that cannot assume the role: the
// principal is not in the snapshot, or its own policies, boundary or SCPs
// do not allow the call (for an account: no principal of it may).
func (g *Graph) TrustsWithoutGrant() []Mismatch { return g.trustsNoGr }

// UnknownAccounts returns the member accounts whose IAM data is missing
// from the snapshot: their roles are not in the graph and their
// principals appear only as account nodes.
func (g *Graph) UnknownAccounts() []string {
	out := make([]string, 0, len(g.unknownAcc))
	for a := range g.unknownAcc {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}

// Index returns the snapshot index the graph was built from.
func (g *Graph) Index() *snapshot.Index { return g.ix }
