package graph

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/orgaudit/orgaudit/internal/policy"
	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// Escalation edges: a principal that may take over another principal,
// raise its own permissions, or pass a role to a service that runs its
// code becomes that principal (or an administrator of its account). Every
// action of a method is decided by the policy evaluator with the caller's
// identity policies, boundary and SCPs, conditions kept as conditions.
// docs/paths.md lists the methods with the AWS documentation they rest on.
//
// IAM has no resource-based policies, so an IAM call on another account's
// user, role, group or policy is always denied (the evaluator requires a
// resource-based policy across accounts); services do not take a role of
// another account either. Candidates are therefore the caller's own
// account, which is all the evaluator could allow.

// escMethod is one IAM action that leads to an escalation edge.
type escMethod struct {
	kind   EdgeKind
	action string
}

var (
	userTakeOver = []escMethod{{EdgeCreateAccessKey, "iam:CreateAccessKey"}, {EdgeCreateLoginProfile, "iam:CreateLoginProfile"}, {EdgeUpdateLoginProfile, "iam:UpdateLoginProfile"}}
	roleTakeOver = escMethod{EdgeUpdateTrust, "iam:UpdateAssumeRolePolicy"}
	userSelf     = []escMethod{{EdgePutUserPolicy, "iam:PutUserPolicy"}, {EdgeAttachUserPolicy, "iam:AttachUserPolicy"}}
	groupSelf    = []escMethod{{EdgePutGroupPolicy, "iam:PutGroupPolicy"}, {EdgeAttachGroupPolicy, "iam:AttachGroupPolicy"}}
	roleSelf     = []escMethod{{EdgePutRolePolicy, "iam:PutRolePolicy"}, {EdgeAttachRolePolicy, "iam:AttachRolePolicy"}}
	policySelf   = []escMethod{{EdgeCreatePolicyVersion, "iam:CreatePolicyVersion"}, {EdgeSetDefaultPolicyVersion, "iam:SetDefaultPolicyVersion"}}
	userBoundary = []escMethod{{EdgeDeleteBoundary, "iam:DeleteUserPermissionsBoundary"}, {EdgePutBoundary, "iam:PutUserPermissionsBoundary"}}
	roleBoundary = []escMethod{{EdgeDeleteBoundary, "iam:DeleteRolePermissionsBoundary"}, {EdgePutBoundary, "iam:PutRolePermissionsBoundary"}}
)

const (
	actionAddUserToGroup     = "iam:AddUserToGroup"
	actionPassRole           = "iam:PassRole"
	actionCreateProfile      = "iam:CreateInstanceProfile"
	actionAddRoleToProfile   = "iam:AddRoleToInstanceProfile"
	keyPassedToService       = "iam:PassedToService"
	escalationResourceName   = "orgaudit-escalation"
	maxChosenResources       = 4
	maxConditionAlternatives = 64
	// administratorProbeAction is an action only "*" and "iam:*" cover.
	administratorProbeAction = "iam:OrgauditAdministratorCheck"
)

// passMethod passes a role to a service that runs the caller's code:
// iam:PassRole on the role, the role's trust admits the service, and every
// step allowed (a step is allowed when one of its actions is).
type passMethod struct {
	kind    EdgeKind
	service string
	steps   [][]string
}

var passMethods = []passMethod{
	{EdgePassRoleLambda, "lambda.amazonaws.com", [][]string{{"lambda:CreateFunction"}, {"lambda:InvokeFunction", "lambda:CreateEventSourceMapping"}}},
	{EdgePassRoleEC2, "ec2.amazonaws.com", [][]string{{"ec2:RunInstances"}}},
	{EdgePassRoleCloudFormation, "cloudformation.amazonaws.com", [][]string{{"cloudformation:CreateStack"}}},
	{EdgePassRoleCodeBuild, "codebuild.amazonaws.com", [][]string{{"codebuild:CreateProject"}, {"codebuild:StartBuild"}}},
	{EdgePassRoleGlue, "glue.amazonaws.com", [][]string{{"glue:CreateDevEndpoint"}}},
	{EdgePassRoleSageMaker, "sagemaker.amazonaws.com", [][]string{{"sagemaker:CreateNotebookInstance"}, {"sagemaker:CreatePresignedNotebookInstanceUrl"}}},
	{EdgePassRoleECS, "ecs-tasks.amazonaws.com", [][]string{{"ecs:RegisterTaskDefinition"}, {"ecs:RunTask"}}},
	{EdgePassRoleDataPipeline, "datapipeline.amazonaws.com", [][]string{{"datapipeline:CreatePipeline"}, {"datapipeline:PutPipelineDefinition"}, {"datapipeline:ActivatePipeline"}}},
}

// createdResources are the ARNs of resources a method creates (or runs),
// named by the caller: partition, region, account and a name are filled
// in. The caller also gets to choose a name its policies allow (see
// chosenResources).
var createdResources = map[string]string{
	"lambda:createfunction":                        "arn:%s:lambda:%s:%s:function:%s",
	"lambda:invokefunction":                        "arn:%s:lambda:%s:%s:function:%s",
	"lambda:createeventsourcemapping":              "arn:%s:lambda:%s:%s:event-source-mapping:%s",
	"ec2:runinstances":                             "arn:%s:ec2:%s:%s:instance/%s",
	"cloudformation:createstack":                   "arn:%s:cloudformation:%s:%s:stack/%s/0",
	"codebuild:createproject":                      "arn:%s:codebuild:%s:%s:project/%s",
	"codebuild:startbuild":                         "arn:%s:codebuild:%s:%s:project/%s",
	"glue:createdevendpoint":                       "arn:%s:glue:%s:%s:devEndpoint/%s",
	"sagemaker:createnotebookinstance":             "arn:%s:sagemaker:%s:%s:notebook-instance/%s",
	"sagemaker:createpresignednotebookinstanceurl": "arn:%s:sagemaker:%s:%s:notebook-instance/%s",
	"ecs:registertaskdefinition":                   "arn:%s:ecs:%s:%s:task-definition/%s:1",
	"ecs:runtask":                                  "arn:%s:ecs:%s:%s:task-definition/%s:1",
	"datapipeline:createpipeline":                  "arn:%s:datapipeline:%s:%s:pipeline/%s",
	"datapipeline:putpipelinedefinition":           "arn:%s:datapipeline:%s:%s:pipeline/%s",
	"datapipeline:activatepipeline":                "arn:%s:datapipeline:%s:%s:pipeline/%s",
	"iam:createinstanceprofile":                    "arn:%s:iam:%[3]s:%[3]s:instance-profile/%[4]s",
	"iam:addroletoinstanceprofile":                 "arn:%s:iam:%[3]s:%[3]s:instance-profile/%[4]s",
}

// escActions lists every action escalation looks at, lower case.
var escActions = func() []string {
	var out []string
	add := func(ms ...escMethod) {
		for _, m := range ms {
			out = append(out, strings.ToLower(m.action))
		}
	}
	add(userTakeOver...)
	add(roleTakeOver)
	add(userSelf...)
	add(groupSelf...)
	add(roleSelf...)
	add(policySelf...)
	add(userBoundary...)
	add(roleBoundary...)
	for _, a := range []string{actionAddUserToGroup, actionPassRole, actionCreateProfile, actionAddRoleToProfile, administratorProbeAction} {
		out = append(out, strings.ToLower(a))
	}
	for _, m := range passMethods {
		for _, st := range m.steps {
			for _, a := range st {
				out = append(out, strings.ToLower(a))
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}()

// lowerActions maps the escalation actions, as this file spells them, to
// lower case.
var lowerActions = func() map[string]string {
	m := map[string]string{}
	add := func(a string) { m[a] = strings.ToLower(a) }
	for _, ms := range [][]escMethod{userTakeOver, {roleTakeOver}, userSelf, groupSelf, roleSelf, policySelf, userBoundary, roleBoundary} {
		for _, em := range ms {
			add(em.action)
		}
	}
	for _, a := range []string{actionAddUserToGroup, actionPassRole, actionCreateProfile, actionAddRoleToProfile, administratorProbeAction} {
		add(a)
	}
	for _, pm := range passMethods {
		for _, st := range pm.steps {
			for _, a := range st {
				add(a)
			}
		}
	}
	return m
}()

func lowerAction(a string) string {
	if l, ok := lowerActions[a]; ok {
		return l
	}
	return strings.ToLower(a)
}

// escIndex holds, for one set of identity documents, the Allow statements
// that match each escalation action: a prefilter, never a decision.
type escIndex struct {
	allow map[string][]*policy.Statement
	// all makes every check pass (the brute-force comparison in tests).
	all bool
}

func (ix *escIndex) empty() bool { return !ix.all && len(ix.allow) == 0 }

// may reports whether some Allow statement may grant action on resource
// ("" for a resource the caller names itself).
func (ix *escIndex) may(action, resource string) bool {
	if ix.all {
		return true
	}
	for _, s := range ix.allow[lowerAction(action)] {
		if resource == "" || s.MayMatchResource(resource) {
			return true
		}
	}
	return false
}

var allIndex = &escIndex{all: true}

// escIndexOf returns the index of p's identity documents, built once per
// set of documents.
func (b *builder) escIndexOf(p *principal) *escIndex {
	// The key is the sorted ids as fmt's %v prints them, made on the
	// stack: only a new index stores it.
	var idBuf [16]int32
	var keyBuf [128]byte
	ids := append(idBuf[:0], p.identityIDs...)
	slices.Sort(ids)
	kb := appendIDs(keyBuf[:0], ids)
	if ix, ok := b.escIdx[string(kb)]; ok {
		return ix
	}
	key := string(kb)
	ix := &escIndex{allow: map[string][]*policy.Statement{}}
	for _, pol := range p.identity {
		for _, s := range pol.Document.Statements {
			if s.Effect != policy.Allow {
				continue
			}
			for _, a := range escActions {
				if s.MatchesAction(a) {
					ix.allow[a] = append(ix.allow[a], s)
				}
			}
		}
	}
	if b.bruteForce {
		ix.all = true
	}
	b.escIdx[key] = ix
	return ix
}

// evalAction decides whether c may call action on resource, a resource of
// c's own account (no resource-based policy: IAM has none, and a created
// resource has none yet). resTags are the resource's tags when tagsKnown;
// passedTo, when set, is the iam:PassedToService of an iam:PassRole.
//
// When no statement of the caller's policies that matches the action can
// tell one resource from another (see resourceInvariant), the answer is
// the same for every resource and is computed once per caller.
func (b *builder) evalAction(c *caller, action, resource string, resTags map[string]string, tagsKnown bool, passedTo string) policy.Result {
	var key evalKey
	cacheable := !policy.IsProtectedRoleARN(resource) && !policy.IsAWSManagedPolicyARN(resource) && b.resourceInvariant(c, action)
	if cacheable {
		key = evalKey{c, action, passedTo}
		if r, ok := b.evalCache[key]; ok {
			return r
		}
	}
	var ctx *policy.Context
	if !tagsKnown || len(b.resourceTagKeys) == 0 {
		// The resource's tags do not matter: one context serves every
		// resource the caller acts on (evaluation does not change it).
		k := ctxKey{c, passedTo}
		if ctx = b.ctxCache[k]; ctx == nil {
			if len(b.ctxCache) > 64 {
				clear(b.ctxCache)
			}
			if b.svcShared != nil {
				// A copy searching on another core, once every document
				// is read: the caller's keys layered over the account's,
				// each made once.
				ctx = policy.Layered(b.callerContext(c), b.accountContext(c.account, false))
			} else {
				ctx = b.contextFor(c, c.account, nil, false)
			}
			if passedTo != "" {
				ctx.Set(keyPassedToService, passedTo)
			}
			b.ctxCache[k] = ctx
		}
	} else {
		ctx = b.contextFor(c, c.account, resTags, tagsKnown)
		if passedTo != "" {
			ctx.Set(keyPassedToService, passedTo)
		}
	}
	in := policy.Input{
		Request:               policy.Request{Principal: c.arn, Action: action, Resource: resource, ResourceAccount: c.account, Context: ctx},
		IdentityPolicies:      c.identity,
		PermissionsBoundaries: c.boundary,
		SCPs:                  c.scps,
		ManagementAccount:     c.mgmt,
		ServiceLinkedRole:     c.sl,
	}
	res := policy.Evaluate(in)
	if res.Truncated {
		b.warn("%s calling %s on %s: too many alternative conditions; some were dropped", c.arn, action, resource)
	}
	if cacheable {
		b.evalCache[key] = res
	}
	return res
}

type evalKey struct {
	c        *caller
	action   string
	passedTo string
}

type ctxKey struct {
	c        *caller
	passedTo string
}

// resourceInvariant reports whether the statements of c's policies
// (identity, boundary, SCPs) that match action give the same answer for
// every resource of c's account: their Resource is "*" (or absent), and
// their conditions look at no resource tag or resource account key.
func (b *builder) resourceInvariant(c *caller, action string) bool {
	k := evalKey{c: c, action: action}
	if v, ok := b.invariant[k]; ok {
		return v
	}
	v := true
	check := func(pols []policy.Policy) {
		for _, pol := range pols {
			for _, s := range pol.Document.Statements {
				if !v || !s.MatchesAction(action) {
					continue
				}
				if s.NotResource != nil || len(s.Resource) > 0 && !slices.Equal(s.Resource, []string{"*"}) {
					v = false
				}
				for _, cond := range s.Conditions {
					key := strings.ToLower(cond.Key)
					if strings.HasPrefix(key, "aws:resource") || strings.HasPrefix(key, "iam:resourcetag/") {
						v = false
					}
				}
			}
		}
	}
	check(c.identity)
	check(c.boundary)
	for _, lvl := range c.scps {
		check(lvl)
	}
	b.invariant[k] = v
	return v
}

// isAdmin reports whether c holds "*" (or "iam:*") on "*" unconditionally:
// an administrator of its account, which no escalation can raise further.
func (b *builder) isAdmin(c *caller, ix *escIndex) bool {
	if !ix.may(administratorProbeAction, "*") {
		return false
	}
	res := b.evalAction(c, administratorProbeAction, "*", nil, false, "")
	return res.AllowedUnconditionally()
}

// grant is an allowed step: conditions and deciding statements.
type grant struct {
	cond    Conditions
	stmts   []policy.StatementRef
	actions []string
}

// grantOf turns an evaluation of one action into a grant; its statements
// are the caller's identity statements that allowed it (the SCP and
// boundary statements that let it through are not what grants it).
func grantOf(res *policy.Result, action string) (grant, bool) {
	c, ok := conditionsOf(res)
	if !ok {
		return grant{}, false
	}
	var refs []policy.StatementRef
	for _, r := range res.Statements {
		if r.Type == policy.IdentityPolicy && r.Effect == policy.Allow && !slices.Contains(refs, r) {
			refs = append(refs, r)
		}
	}
	return grant{cond: c, stmts: refs, actions: []string{action}}, true
}

// and combines two steps that must both be allowed.
func (g grant) and(h grant) grant {
	out := grant{cond: andConditions(g.cond, h.cond)}
	out.stmts = appendRefs(slices.Clone(g.stmts), h.stmts)
	out.actions = append(slices.Clone(g.actions), h.actions...)
	return out
}

func appendRefs(dst, src []policy.StatementRef) []policy.StatementRef {
	for _, r := range src {
		if !slices.Contains(dst, r) {
			dst = append(dst, r)
		}
	}
	return dst
}

// conditionsOf turns an evaluation into edge conditions; ok is false when
// the request is denied whatever the unknowns are.
func conditionsOf(res *policy.Result) (Conditions, bool) {
	if res.Denied() {
		return Conditions{}, false
	}
	cond := Conditions{}
	for _, s := range res.AllowedWhen {
		cond.AllowedWhen = append(cond.AllowedWhen, s.Conditions)
	}
	for _, s := range res.DeniedWhen {
		cond.DeniedWhen = append(cond.DeniedWhen, s.Conditions)
	}
	return cond, true
}

// andConditions is a ∧ b: one alternative of each must hold, and no deny
// of either.
func andConditions(a, b Conditions) Conditions {
	out := Conditions{DeniedWhen: uniqueSets(append(slices.Clone(a.DeniedWhen), b.DeniedWhen...))}
	switch {
	case len(a.AllowedWhen) == 0:
		out.AllowedWhen = b.AllowedWhen
	case len(b.AllowedWhen) == 0:
		out.AllowedWhen = a.AllowedWhen
	default:
		for _, x := range a.AllowedWhen {
			for _, y := range b.AllowedWhen {
				if len(out.AllowedWhen) >= maxConditionAlternatives {
					break
				}
				set := slices.Clone(x)
				for _, c := range y {
					if !slices.ContainsFunc(set, func(d policy.Clause) bool { return clauseKey(c) == clauseKey(d) }) {
						set = append(set, c)
					}
				}
				out.AllowedWhen = append(out.AllowedWhen, set)
			}
		}
		out.AllowedWhen = uniqueSets(out.AllowedWhen)
	}
	return out
}

// orConditions is a ∨ b, widened where the conditions cannot say it
// exactly: the alternatives of both, and only the denies both share. The
// result never holds less often than a ∨ b.
func orConditions(a, b Conditions) Conditions {
	out := Conditions{}
	if len(a.AllowedWhen) > 0 && len(b.AllowedWhen) > 0 {
		out.AllowedWhen = uniqueSets(append(slices.Clone(a.AllowedWhen), b.AllowedWhen...))
	}
	keys := map[string]bool{}
	for _, s := range b.DeniedWhen {
		keys[setKey(s)] = true
	}
	for _, s := range a.DeniedWhen {
		if keys[setKey(s)] {
			out.DeniedWhen = append(out.DeniedWhen, s)
		}
	}
	return out
}

func clauseKey(c policy.Clause) string {
	return strings.ToLower(c.Operator) + "\x00" + strings.ToLower(c.Key) + "\x00" + strings.Join(c.Values, "\x00")
}

func setKey(set []policy.Clause) string {
	keys := make([]string, len(set))
	for i, c := range set {
		keys[i] = clauseKey(c)
	}
	slices.Sort(keys)
	return strings.Join(keys, "\x01")
}

func uniqueSets(sets [][]policy.Clause) [][]policy.Clause {
	seen := map[string]bool{}
	var out [][]policy.Clause
	for _, s := range sets {
		k := setKey(s)
		if !seen[k] {
			seen[k] = true
			out = append(out, s)
		}
	}
	return out
}

// escalationEdge records an edge from each member of unit (but the
// target itself) to node to.
func (b *builder) escalationEdge(unit []*principal, to int32, kind EdgeKind, g grant, ev Evidence) {
	cond, ei := b.internGrant(g, ev)
	b.escalationEdgeAt(unit, to, kind, cond, ei)
}

// internGrant stores a grant's conditions and evidence. Evidence whose
// Resource is empty stands for the edge's target (see publicEdge), so that
// one record serves every target of a grant that holds for all of them.
func (b *builder) internGrant(g grant, ev Evidence) (cond, ei int32) {
	ev.Actions = g.actions
	ev.Statements = g.stmts
	if ev.Statements == nil {
		ev.Statements = []policy.StatementRef{}
	}
	if b.rec != nil {
		ei = int32(len(b.rec.evidence))
		b.rec.evidence = append(b.rec.evidence, ev)
		return b.intern(g.cond), ei
	}
	ei = int32(len(b.evidence))
	b.evidence = append(b.evidence, ev)
	return b.intern(g.cond), ei
}

func (b *builder) escalationEdgeAt(unit []*principal, to int32, kind EdgeKind, cond, ei int32) {
	for _, m := range unit {
		if m.node != to {
			b.edges = append(b.edges, edge{from: m.node, to: to, cond: cond, via: -1, ev: ei, kind: kind.index()})
		}
	}
}

// escalations adds every escalation edge, once the assume edges are known.
func (b *builder) escalations() {
	b.allUnitEscalations(b.units())
	wild := b.wildcardTrusts()
	for _, acct := range slices.Sorted(maps.Keys(b.adminNodes)) {
		b.adminEdges(acct, wild)
		b.forgetCallers()
	}
}

// wildcardTrust is a role whose trust admits any principal, as
// adminEdges reads it for every account.
type wildcardTrust struct {
	r  *principal
	ti *trustInfo
	// classWide: the trust answers the administrators of one class alike
	// (those of other accounts than the role's, but for the management
	// account's), as it neither looks at principal-specific keys nor
	// names principals or accounts apart.
	classWide bool
}

// wildcardTrusts returns wildcardRoles with their trusts.
func (b *builder) wildcardTrusts() []wildcardTrust {
	out := make([]wildcardTrust, len(b.wildcardRoles))
	for i, r := range b.wildcardRoles {
		ti := b.trustInfoOf(r.trust)
		out[i] = wildcardTrust{r: r, ti: ti, classWide: !b.bruteForce && !ti.sensitive && len(ti.individuals) == 0 && len(ti.apart) == 0}
	}
	return out
}

// unitEscalations adds the escalation edges of one unit's members.
func (b *builder) unitEscalations(unit []*principal) {
	rep := unit[0]
	ix := b.escIndexOf(rep)
	if ix.empty() {
		return
	}
	cr := b.callerOf(rep)
	admin := b.isAdmin(cr, ix)
	for _, m := range unit {
		m.admin = admin
		if admin {
			b.setAdmin(m.node)
		}
	}
	b.takeOver(unit, cr, ix)
	b.passRoles(unit, cr, ix)
	if !admin {
		for _, m := range unit {
			b.selfEscalation(m, ix)
		}
	}
	b.forgetCallers()
}

// setAdmin marks node n as an administrator of its account.
func (b *builder) setAdmin(n int32) {
	if b.rec != nil {
		b.rec.admins = append(b.rec.admins, n)
		return
	}
	b.nodes[n].Admin = true
}

// forgetCallers empties the caches of evaluations keyed by caller
// (evalAction, resourceInvariant): every caller is made for one unit,
// user or administrator node and never asked about again, so their
// entries would only stay live until the build ends.
func (b *builder) forgetCallers() {
	clear(b.evalCache)
	clear(b.invariant)
}

// units groups the principals one escalation evaluation decides: same
// documents, boundary, SCPs, tags and MFA state in the same account (the
// classes of role assumption are coarser: they look only at sts:AssumeRole
// statements), or one by one for documents that look at principal-specific
// keys. Units come in the order of their first member.
func (b *builder) units() [][]*principal {
	var out [][]*principal
	idx := map[int32]int{}
	for _, p := range b.principals {
		if p.sensitive || b.bruteForce {
			out = append(out, []*principal{p})
			continue
		}
		i, ok := idx[p.escUnit]
		if !ok {
			i = len(out)
			idx[p.escUnit] = i
			out = append(out, nil)
		}
		out[i] = append(out[i], p)
	}
	return out
}

// takeOver adds the edges to the users and roles of the unit's account
// that its members may take over.
func (b *builder) takeOver(unit []*principal, c *caller, ix *escIndex) {
	acct := unit[0].account
	shared := map[EdgeKind]sharedGrant{}
	for _, t := range b.byAccount[acct] {
		switch {
		case t.variantOf != nil:
		case t.kind == KindUser:
			for _, m := range userTakeOver {
				if m.kind == EdgeCreateLoginProfile && t.console == consoleYes || m.kind == EdgeUpdateLoginProfile && t.console == consoleNo {
					continue // the user has (or has not) a password already: the call would fail
				}
				b.takeOverEdge(unit, c, ix, m, t, shared)
			}
		case t.kind == KindRole && !t.serviceLinked && !policy.IsProtectedRoleARN(t.arn):
			b.takeOverEdge(unit, c, ix, roleTakeOver, t, shared)
		}
	}
}

// sharedGrant is the answer of a method that holds alike for every
// target (resourceInvariant): decided once per unit.
type sharedGrant struct {
	ok       bool
	cond, ev int32
}

func (b *builder) takeOverEdge(unit []*principal, c *caller, ix *escIndex, m escMethod, t *principal, shared map[EdgeKind]sharedGrant) {
	if !ix.may(m.action, t.arn) {
		return
	}
	if sg, ok := shared[m.kind]; ok {
		if sg.ok {
			b.escalationEdgeAt(unit, t.node, m.kind, sg.cond, sg.ev)
		}
		return
	}
	res := b.evalAction(c, m.action, t.arn, t.tags, true, "")
	g, ok := grantOf(&res, m.action)
	if b.resourceInvariant(c, m.action) {
		sg := sharedGrant{ok: ok}
		if ok {
			sg.cond, sg.ev = b.internGrant(g, Evidence{})
			b.escalationEdgeAt(unit, t.node, m.kind, sg.cond, sg.ev)
		}
		shared[m.kind] = sg
		return
	}
	if ok {
		b.escalationEdge(unit, t.node, m.kind, g, Evidence{Resource: t.arn})
	}
}

// chosenResources returns resources the caller may name for a created
// resource: the canonical one, and one instance of each resource pattern
// of its Allow statements for the action (wildcards filled in), in its
// account.
func (b *builder) chosenResources(action, account string, ix *escIndex) []string {
	format := createdResources[lowerAction(action)]
	partition, region := b.partition(), b.region()
	out := []string{fmt.Sprintf(format, partition, region, account, escalationResourceName)}
	for _, s := range ix.allow[lowerAction(action)] {
		for _, r := range s.Resource {
			if inst, ok := instantiate(r, region, account); ok && !slices.Contains(out, inst) && len(out) < maxChosenResources {
				out = append(out, inst)
			}
		}
	}
	return out
}

// instantiate fills the wildcards of an ARN pattern: the region and
// account fields with the caller's, the rest with "x". Patterns with
// policy variables, or in another account, give nothing.
func instantiate(pattern, region, account string) (string, bool) {
	if pattern == "*" || strings.Contains(pattern, "${") {
		return "", false
	}
	parts := strings.SplitN(pattern, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" {
		return "", false
	}
	fill := func(f, with string) string {
		if !strings.ContainsAny(f, "*?") {
			return f
		}
		return with
	}
	parts[1] = fill(parts[1], "aws")
	parts[2] = fill(parts[2], "x")
	parts[3] = fill(parts[3], region)
	if parts[4] != "" {
		parts[4] = fill(parts[4], account)
		if parts[4] != account {
			return "", false
		}
	}
	parts[5] = strings.NewReplacer("*", "x", "?", "x").Replace(parts[5])
	return strings.Join(parts, ":"), true
}

func (b *builder) region() string {
	if r := b.s.Metadata.Region; r != "" {
		return r
	}
	return "us-east-1"
}

// step decides one step of a method: allowed when one of its actions is,
// on one of the resources the caller may name.
func (b *builder) step(c *caller, ix *escIndex, actions []string) (grant, bool) {
	var out grant
	found := false
	for _, a := range actions {
		if !ix.may(a, "") {
			continue
		}
		for _, r := range b.chosenResources(a, c.account, ix) {
			res := b.evalAction(c, a, r, nil, false, "")
			g, ok := grantOf(&res, a)
			if !ok {
				continue
			}
			if !found {
				out, found = g, true
			} else {
				out.cond = orConditions(out.cond, g.cond)
				out.stmts = appendRefs(out.stmts, g.stmts)
			}
			if out.cond.Empty() {
				return out, true
			}
		}
	}
	return out, found
}

// passRoles adds the edges to the roles of the unit's account that its
// members may pass to a service that runs their code.
func (b *builder) passRoles(unit []*principal, c *caller, ix *escIndex) {
	if !ix.may(actionPassRole, "") {
		return
	}
	acct := unit[0].account
	for _, m := range passMethods {
		// The lists are the builder's buffers (this copy's), emptied for
		// every method.
		roles, trusts := b.passBuf.roles[:0], b.passBuf.trusts[:0]
		for _, r := range b.byAccount[acct] {
			if r.kind != KindRole || r.trust == nil || r.serviceLinked || !b.namesService(r, m.service) || !ix.may(actionPassRole, r.arn) {
				continue
			}
			if trust, admits := b.trustsService(r, m.service); admits {
				roles = append(roles, r)
				trusts = append(trusts, trust)
			}
		}
		b.passBuf.roles, b.passBuf.trusts = roles, trusts
		if len(roles) == 0 {
			continue
		}
		method := grant{}
		ok := true
		for i, st := range m.steps {
			g, allowed := b.step(c, ix, st)
			if !allowed {
				ok = false
				break
			}
			if i == 0 {
				method = g
			} else {
				method = method.and(g)
			}
		}
		if !ok {
			continue
		}
		// For roles whose trust admits the service unconditionally, a
		// PassRole that holds alike for every role is decided once.
		invariant := m.kind != EdgePassRoleEC2 && b.resourceInvariant(c, actionPassRole)
		var shared *sharedGrant
		for i, r := range roles {
			trust := trusts[i]
			if shared != nil && trust.Empty() {
				if shared.ok {
					b.escalationEdgeAt(unit, r.node, m.kind, shared.cond, shared.ev)
				}
				continue
			}
			res := b.evalAction(c, actionPassRole, r.arn, r.tags, true, m.service)
			pass, allowed := grantOf(&res, actionPassRole)
			if !allowed {
				if invariant && trust.Empty() {
					shared = &sharedGrant{}
				}
				continue
			}
			g := pass.and(method)
			g.cond = andConditions(g.cond, trust)
			if invariant && trust.Empty() {
				cond, ei := b.internGrant(g, Evidence{Service: m.service})
				shared = &sharedGrant{ok: true, cond: cond, ev: ei}
				b.escalationEdgeAt(unit, r.node, m.kind, cond, ei)
				continue
			}
			ev := Evidence{Resource: r.arn, Service: m.service}
			if m.kind == EdgePassRoleEC2 {
				var profileOK bool
				g, ev.Note, profileOK = b.instanceProfile(c, ix, r, g)
				if !profileOK {
					continue
				}
			}
			b.escalationEdge(unit, r.node, m.kind, g, ev)
		}
	}
}

// instanceProfile completes an EC2 method: the role must be in an
// instance profile, or the caller must be able to make one.
func (b *builder) instanceProfile(c *caller, ix *escIndex, r *principal, g grant) (grant, string, bool) {
	switch {
	case r.profiles == nil:
		return g, "the snapshot does not record instance profiles; one is assumed to hold the role", true
	case len(r.profiles) > 0:
		return g, "instance profile " + r.profiles[0], true
	}
	for _, a := range []string{actionCreateProfile, actionAddRoleToProfile} {
		s, ok := b.step(c, ix, []string{a})
		if !ok {
			return g, "", false
		}
		g = g.and(s)
	}
	return g, "no instance profile holds the role; the caller can create one", true
}

// namesService reports whether r's trust policy names the service
// principal at all (a prefilter for trustsService).
func (b *builder) namesService(r *principal, service string) bool {
	for _, s := range r.trust.doc.Statements {
		if s.Principal == nil {
			continue
		}
		if s.Principal.All || slices.ContainsFunc(s.Principal.AWS, func(v policy.AWSPrincipal) bool { return v.Kind == policy.KindAll }) {
			return true
		}
		for _, sv := range s.Principal.Service {
			if strings.EqualFold(sv, service) {
				return true
			}
		}
	}
	return false
}

// trustsService decides whether r's trust policy lets the service assume
// it, with the conditions it leaves (aws:SourceAccount, aws:SourceArn...).
// Roles with the same trust document in one account are answered alike
// (see svcAlikeKey): most service roles of an organization share a few
// trust documents. The builder also keeps each role's first answer, as
// documents it reads later may add tag keys to the context (see
// svcAlikeKey); the copies searching on other cores start once every
// document is read (see allUnitEscalations), so the alike answers are all
// they need.
func (b *builder) trustsService(r *principal, service string) (Conditions, bool) {
	key := svcKey{r, service}
	if b.svcShared == nil {
		if v, ok := b.svcTrust[key]; ok {
			return v.cond, v.ok
		}
	}
	ctx := b.serviceContext(service, r)
	alike := b.svcAlikeKeyOf(r, service, ctx)
	v, ok := b.svcLoad(alike)
	if !ok {
		res := policy.Evaluate(policy.Input{
			Request:        policy.Request{Principal: service, Action: actionAssumeRole, Resource: r.arn, ResourceAccount: r.account, Context: ctx},
			ResourcePolicy: &policy.Policy{Label: "trust policy of " + r.arn, Document: r.trust.doc},
			RCPs:           b.rcpsOf(r.account), ResourceInManagementAccount: r.account == b.mgmt,
		})
		v.cond, v.ok = conditionsOf(&res)
		b.svcStore(alike, v)
	}
	if b.svcShared == nil {
		b.svcTrust[key] = v
	}
	return v.cond, v.ok
}

// svcLoad and svcStore read and write the trustsService answers: the
// builder's own, or those the copies share (svcShared).
func (b *builder) svcLoad(key any) (svcTrust, bool) {
	if b.svcShared != nil {
		v, ok := b.svcShared.Load(key)
		if !ok {
			return svcTrust{}, false
		}
		return v.(svcTrust), true
	}
	v, ok := b.svcTrust[key]
	return v, ok
}

func (b *builder) svcStore(key any, v svcTrust) {
	if b.svcShared != nil {
		b.svcShared.Store(key, v)
		return
	}
	b.svcTrust[key] = v
}

// svcAlikeKey is what a service's assumption of a role depends on
// besides the role itself: the trust document, the role's account (its
// RCPs, organization facts, management account), and the keys of the
// request context (serviceContext), which are the same for every role of
// the account while the documents read no resource tag the role has; the
// tag keys the documents read so far are counted (they only grow). arn
// is the role's when its answer may depend on it: a trust statement with
// Resource or NotResource, or resource tags that matter. ctx is the
// context itself when serviceContext gives one it made earlier (the
// builder's, which may come from before the documents read further tag
// keys): the answer is the one evaluated with that context.
type svcAlikeKey struct {
	doc                    *pdoc
	service, account, arn  string
	principalTags, resTags int
	ctx                    *policy.Context
}

func (b *builder) svcAlikeKeyOf(r *principal, service string, ctx *policy.Context) svcAlikeKey {
	k := svcAlikeKey{doc: r.trust, service: service, account: r.account,
		principalTags: len(b.principalTagKeys), resTags: len(b.resourceTagKeys)}
	if b.svcShared == nil && len(b.resourceTagKeys) == 0 {
		k.ctx = ctx
	}
	own := b.bruteForce || len(b.resourceTagKeys) > 0 && len(r.tags) > 0
	for _, s := range r.trust.doc.Statements {
		own = own || s.Resource != nil || s.NotResource != nil
	}
	if own {
		k.arn = r.arn
	}
	return k
}

// serviceContext is the request context of a service principal assuming
// r: a service is no member of an organization and has no principal
// account, ARN or tags (AWS global condition context keys); what the
// snapshot says about r is known; everything else (aws:SourceArn,
// aws:SourceAccount...) is unknown. Contexts are shared while the
// resource's tags do not matter.
func (b *builder) serviceContext(service string, r *principal) *policy.Context {
	build := func() *policy.Context {
		return b.resourceFacts(b.serviceFacts(policy.NewContext(), service), r.account, r.tags, true)
	}
	if len(b.resourceTagKeys) > 0 {
		return build()
	}
	if b.svcShared != nil {
		// A copy searching on another core, once every document is read:
		// the context is the service's keys layered over the account's,
		// each made once.
		k := svcCtxKey{service, r.account}
		if ctx := b.svcCtxs[k]; ctx != nil {
			return ctx
		}
		sk := svcCtxKey{service: service}
		sctx := b.svcCtxs[sk]
		if sctx == nil {
			sctx = b.serviceFacts(policy.NewContext(), service)
			b.svcCtxs[sk] = sctx
		}
		ctx := policy.Layered(sctx, b.accountContext(r.account, true))
		b.svcCtxs[k] = ctx
		return ctx
	}
	k := ctxKey{passedTo: service + "\x00" + r.account}
	if ctx := b.ctxCache[k]; ctx != nil {
		return ctx
	}
	if len(b.ctxCache) > 64 {
		clear(b.ctxCache)
	}
	ctx := build()
	b.ctxCache[k] = ctx
	return ctx
}

// serviceFacts sets the keys of a request of a service principal.
func (b *builder) serviceFacts(ctx *policy.Context, service string) *policy.Context {
	ctx.Set("aws:PrincipalIsAWSService", "true").Set("aws:PrincipalServiceName", service).
		SetAbsent("aws:PrincipalOrgID").SetAbsent("aws:PrincipalOrgPaths").SetAbsent("aws:PrincipalAccount").
		SetAbsent("aws:PrincipalArn").SetAbsent("aws:PrincipalType").SetAbsent("aws:username").SetAbsent("aws:userid").
		SetAbsent("aws:MultiFactorAuthPresent").SetAbsent("aws:MultiFactorAuthAge")
	for k := range b.principalTagKeys {
		ctx.SetAbsent("aws:PrincipalTag/" + k)
	}
	return ctx
}

// svcCtxKey names the context of a service's request on a role of an
// account, or with no account the service's own keys (serviceContext).
type svcCtxKey struct {
	service, account string
}

type svcKey struct {
	r       *principal
	service string
}

// svcTrust is a cached trustsService answer.
type svcTrust struct {
	cond Conditions
	ok   bool
}

// selfEscalation adds p's edges to the administrator node of its
// account: p may rewrite its own permissions.
func (b *builder) selfEscalation(p *principal, ix *escIndex) {
	c := b.callerOf(p)
	best := b.selfGrants(p, c, ix, false)
	if len(p.boundary) > 0 {
		// Removing or replacing the boundary helps only if p, without
		// it, is an administrator or could raise itself otherwise.
		methods := userBoundary
		if p.kind != KindUser {
			methods = roleBoundary
		}
		var unbounded *bool
		for _, m := range methods {
			if !ix.may(m.action, p.arn) {
				continue
			}
			res := b.evalAction(c, m.action, p.arn, p.tags, true, "")
			g, ok := grantOf(&res, m.action)
			if !ok {
				continue
			}
			if unbounded == nil {
				free := *c
				free.boundary = nil
				v := b.isAdmin(&free, ix) || len(b.selfGrants(p, &free, ix, true)) > 0
				unbounded = &v
			}
			if *unbounded {
				best = append(best, selfGrant{m.kind, p.arn, g})
			}
		}
	}
	if len(best) == 0 {
		return
	}
	to := b.adminNode(p.account)
	seen := map[EdgeKind]bool{}
	for _, sg := range best {
		if seen[sg.kind] {
			continue
		}
		seen[sg.kind] = true
		b.escalationEdge([]*principal{p}, to, sg.kind, sg.g, Evidence{Resource: sg.resource})
	}
}

type selfGrant struct {
	kind     EdgeKind
	resource string
	g        grant
}

// selfGrants returns the ways p may raise its own permissions (boundary
// methods apart), the unconditional ones of a kind first; first stops at
// the first one found.
func (b *builder) selfGrants(p *principal, c *caller, ix *escIndex, first bool) []selfGrant {
	type try struct {
		m        escMethod
		resource string
		tags     map[string]string
		tagsOK   bool
	}
	var tries []try
	switch p.kind {
	case KindUser:
		for _, m := range userSelf {
			tries = append(tries, try{m, p.arn, p.tags, true})
		}
		for _, g := range p.groups {
			for _, m := range groupSelf {
				tries = append(tries, try{m, g, nil, true})
			}
		}
	case KindRole:
		if !policy.IsProtectedRoleARN(p.arn) && !p.serviceLinked {
			for _, m := range roleSelf {
				tries = append(tries, try{m, p.arn, p.tags, true})
			}
		}
	}
	for _, arn := range p.customerPolicies {
		for _, m := range policySelf {
			tries = append(tries, try{m, arn, nil, false})
		}
	}
	var out []selfGrant
	for _, t := range tries {
		if !ix.may(t.m.action, t.resource) {
			continue
		}
		res := b.evalAction(c, t.m.action, t.resource, t.tags, t.tagsOK, "")
		g, ok := grantOf(&res, t.m.action)
		if !ok {
			continue
		}
		out = append(out, selfGrant{t.m.kind, t.resource, g})
		if first {
			return out
		}
	}
	// By kind, an unconditional grant before a conditional one.
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].kind != out[j].kind {
			return out[i].kind < out[j].kind
		}
		return out[i].g.cond.Empty() && !out[j].g.cond.Empty()
	})
	return out
}

// adminNode returns the administrator node of an account, creating it.
func (b *builder) adminNode(acct string) int32 {
	if n, ok := b.adminNodes[acct]; ok {
		return n
	}
	_, inSnapshot := b.ix.Account(acct)
	n := b.node(Node{ID: "admin:" + acct, Kind: KindAccountAdmin, Name: "administrator of " + b.accountName(acct), AccountID: acct, External: !inSnapshot && b.orgID != ""})
	if b.rec == nil {
		b.adminNodes[acct] = n // a copy's node is the builder's once added (see add)
	}
	return n
}

// adminCaller is the administrator of an account: any principal of it
// with every permission its SCPs leave (evaluated as the account's root
// with its principal-specific keys unknown).
func (b *builder) adminCaller(acct string) *caller {
	return &caller{arn: b.rootARN(acct), node: b.adminNodes[acct], account: acct, anyone: true,
		scps: b.scpsOf(acct), mgmt: acct == b.mgmt, inOrg: b.inOrg(acct)}
}

// adminEdges adds the edges of an account's administrator node: it takes
// over every user and role of the account its SCPs let it, and assumes
// every role that trusts the account or any principal (wild).
func (b *builder) adminEdges(acct string, wild []wildcardTrust) {
	c := b.adminCaller(acct)
	unit := []*principal{{node: c.node, account: acct}}
	b.takeOver(unit, c, allIndex)
	seen := map[*principal]bool{}
	for _, r := range b.trustedBy[acct] {
		seen[r] = true
		b.adminAssumes(c, r)
	}
	// Administrators of accounts under the same SCPs answer a trust that
	// admits any principal alike (across accounts, and unless the trust
	// names principals or accounts apart): they form a class, and the
	// answer is one class edge, which keeps organization-wide trusts
	// linear. A trust that looks at the keys that differ between accounts
	// is decided once for the class and then per account.
	cls := b.adminClass(acct)
	// The class's answers, by role of wild (notAsked until evaluated).
	answers := b.adminAssume[cls]
	if answers == nil {
		answers = make([]int32, len(wild))
		for i := range answers {
			answers[i] = notAsked
		}
		b.adminAssume[cls] = answers
	}
	for i, w := range wild {
		r, ti := w.r, w.ti
		if seen[r] {
			continue
		}
		if !w.classWide || r.account == acct || acct == b.mgmt {
			b.adminAssumes(c, r)
			continue
		}
		ci := answers[i]
		if ci == notAsked {
			cc := *c
			cc.accountUnknown = ti.acctSensitive
			res := b.eval(&cc, r, actionAssumeRole)
			var ok bool
			if ci, ok = b.condition(&res, &cc); !ok {
				ci = -1
			}
			answers[i] = ci
			if ci >= 0 && !ti.acctSensitive {
				b.cedges = append(b.cedges, classEdge{class: cls.idx, to: r.node, cond: ci, kind: EdgeAssumeRole.index(), except: []string{r.account}})
			}
		}
		if ci >= 0 && ti.acctSensitive {
			if spec := b.forAccount(ci, acct); spec >= 0 {
				b.addEdge(c.node, r.node, spec, EdgeAssumeRole.index())
			}
		}
	}
}

// adminAssumes evaluates the administrator of an account assuming r.
func (b *builder) adminAssumes(c *caller, r *principal) {
	res := b.eval(c, r, actionAssumeRole)
	if ci, ok := b.condition(&res, c); ok {
		b.addEdge(c.node, r.node, ci, EdgeAssumeRole.index())
	}
}

// adminClass returns the class of the administrator node of acct: one
// per SCP chain and organization membership, created on first use.
func (b *builder) adminClass(acct string) *bclass {
	key := "admin|" + b.scpKey(acct) + "|" + fmt.Sprint(b.inOrg(acct))
	c := b.adminClasses[key]
	if c == nil {
		c = &bclass{idx: int32(len(b.classes)), key: key, byAccount: map[string][]*principal{}}
		b.adminClasses[key] = c
		b.classes = append(b.classes, c)
	}
	n := b.adminNodes[acct]
	m := &principal{node: n, kind: KindAccountAdmin, arn: b.nodes[n].ID, account: acct, escUnit: -1}
	c.members = append(c.members, m)
	c.byAccount[acct] = append(c.byAccount[acct], m)
	b.nodes[n].Class = int(c.idx)
	return c
}

// notAsked marks an evaluation of adminAssume not made yet.
const notAsked = -2

// groupVariants creates, before classes are formed, the user-in-group
// principals: a user that may add itself to a group it is not in becomes a
// principal with its own policies and the group's.
func (b *builder) groupVariants() {
	for ai := range b.s.Accounts {
		a := &b.s.Accounts[ai]
		if !b.knownAcct[a.ID] {
			continue
		}
		for _, u := range slices.Clone(b.byAccount[a.ID]) {
			if u.kind != KindUser {
				continue
			}
			ix := b.escIndexOf(u)
			if !ix.may(actionAddUserToGroup, "") {
				continue
			}
			c := b.callerOf(u)
			if b.isAdmin(c, ix) {
				continue // it has every permission a group could give
			}
			for gi := range a.IAM.Groups {
				g := &a.IAM.Groups[gi]
				if slices.Contains(u.groups, g.ARN) || !ix.may(actionAddUserToGroup, g.ARN) {
					continue
				}
				res := b.evalAction(c, actionAddUserToGroup, g.ARN, nil, true, "")
				gr, ok := grantOf(&res, actionAddUserToGroup)
				if !ok {
					continue
				}
				v := b.variant(u, g)
				b.escalationEdge([]*principal{u}, v.node, EdgeAddUserToGroup, gr, Evidence{Resource: g.ARN})
			}
			b.forgetCallers()
		}
	}
}

// variant returns user u as a member of group g too.
func (b *builder) variant(u *principal, g *snapshot.Group) *principal {
	v := &principal{
		kind: KindUser, arn: u.arn, account: u.account, tags: u.tags, mfa: u.mfa, userID: u.userID, console: u.console, escUnit: -1,
		identity: slices.Clone(u.identity), identityIDs: slices.Clone(u.identityIDs),
		boundary: u.boundary, boundaryIDs: u.boundaryIDs, variantOf: u,
		groups: append(slices.Clone(u.groups), g.ARN), customerPolicies: slices.Clone(u.customerPolicies),
	}
	b.addGroupPolicies(v, g)
	id := u.arn + "+group/" + g.Name
	v.node = b.node(Node{ID: id, Kind: KindUserInGroup, Name: b.nodes[u.node].Name + " in group " + g.Name, AccountID: u.account, MFA: u.mfa})
	b.principals = append(b.principals, v)
	b.byAccount[v.account] = append(b.byAccount[v.account], v)
	b.variants[u.arn] = append(b.variants[u.arn], v)
	return v
}
