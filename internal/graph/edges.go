package graph

import (
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/orgaudit/orgaudit/internal/policy"
)

// trustInfo is what a trust policy names as candidate callers, read once
// per distinct document.
type trustInfo struct {
	wildcard  bool     // "*" (or an Allow with NotPrincipal) may call sts:AssumeRole
	accounts  []string // account roots named for sts:AssumeRole, sorted
	arns      []string // IAM user and role ARNs named for sts:AssumeRole, sorted
	federated []fedRef // identity providers, sorted
	sensitive bool     // conditions look at principal-specific keys
	// acctSensitive: conditions look at keys that differ between
	// accounts only (aws:PrincipalAccount, aws:PrincipalOrgPaths).
	acctSensitive bool
	where         map[string]stmtRef
	// individuals are user and role ARNs that a Deny statement or a
	// NotPrincipal element names: the trust treats them apart from the
	// other members of their class, so they are evaluated on their own.
	individuals map[string]bool
	// apart are the accounts such statements name (or whose principals
	// they name): their principals are evaluated per account, never
	// through a class edge decided in another account.
	apart []string
}

type fedRef struct {
	name string
	kind uint8
}

type stmtRef struct {
	index int
	sid   string
}

func (t *trustInfo) aws() bool { return t.wildcard || len(t.accounts) > 0 || len(t.arns) > 0 }

func (b *builder) trustInfoOf(d *pdoc) *trustInfo {
	if t, ok := b.trusts[d]; ok {
		return t
	}
	t := &trustInfo{sensitive: d.sensitive, acctSensitive: d.acctSensitive, where: map[string]stmtRef{}, individuals: map[string]bool{}}
	accounts, arns, feds := map[string]bool{}, map[string]bool{}, map[fedRef]bool{}
	apart := map[string]bool{}
	// individually records what a statement names one by one, where the
	// statement treats principals of one class differently.
	individually := func(pr *policy.Principal) {
		if pr == nil {
			return
		}
		for _, v := range pr.AWS {
			switch v.Kind {
			case policy.KindAccount:
				apart[v.Account] = true
			case policy.KindUser, policy.KindRole:
				t.individuals[v.ARN] = true
				apart[v.Account] = true
			}
		}
	}
	for _, s := range d.doc.Statements {
		if s.MatchesAction(actionAssumeRole) {
			individually(s.NotPrincipal)
			if s.Effect == policy.Deny {
				individually(s.Principal)
			}
		}
		if s.Effect != policy.Allow {
			continue
		}
		assume := s.MatchesAction(actionAssumeRole)
		ref := stmtRef{index: s.Index, sid: s.Sid}
		if s.NotPrincipal != nil && assume {
			t.wildcard = true
		}
		pr := s.Principal
		if pr == nil {
			continue
		}
		if pr.All && assume {
			t.wildcard = true
		}
		if assume {
			for _, v := range pr.AWS {
				switch v.Kind {
				case policy.KindAll:
					t.wildcard = true
				case policy.KindAccount:
					accounts[v.Account] = true
					if _, ok := t.where[v.Account]; !ok {
						t.where[v.Account] = ref
					}
				case policy.KindUser, policy.KindRole:
					arns[v.ARN] = true
					if _, ok := t.where[v.ARN]; !ok {
						t.where[v.ARN] = ref
					}
				}
			}
		}
		for _, f := range pr.Federated {
			switch {
			case strings.Contains(f, ":saml-provider/"):
				if s.MatchesAction(actionAssumeRoleSAML) {
					feds[fedRef{f, EdgeAssumeRoleSAML.index()}] = true
				}
			case s.MatchesAction(actionAssumeRoleWebID):
				feds[fedRef{f, EdgeAssumeRoleWebID.index()}] = true
			}
		}
	}
	t.accounts = slices.Sorted(maps.Keys(accounts))
	t.arns = slices.Sorted(maps.Keys(arns))
	t.apart = slices.Sorted(maps.Keys(apart))
	for f := range feds {
		t.federated = append(t.federated, f)
	}
	sort.Slice(t.federated, func(i, j int) bool {
		if t.federated[i].name != t.federated[j].name {
			return t.federated[i].name < t.federated[j].name
		}
		return t.federated[i].kind < t.federated[j].kind
	})
	b.trusts[d] = t
	return t
}

// caller is the principal side of one evaluation.
type caller struct {
	arn      string
	node     int32
	p        *principal // nil for callers the snapshot does not describe
	account  string
	identity []policy.Policy
	boundary []policy.Policy
	scps     [][]policy.Policy
	mgmt, sl bool
	// inOrg: aws:PrincipalOrgID is the snapshot's organization.
	inOrg bool
	// outsider: the caller is outside the organization; conditions that
	// only the organization's principals can meet are dropped.
	outsider bool
	// anyone: the caller stands for several principals (an account, "*"),
	// so its principal-specific keys are unknown.
	anyone bool
	// anyAccount: the account is unknown too ("*").
	anyAccount bool
	// sessionUnknown: do not decide MFA from the user's devices (used to
	// ask whether a trust policy admits a principal at all).
	sessionUnknown bool
	// accountUnknown: leave the keys that differ between accounts
	// unknown, so that one evaluation serves several accounts (decided per
	// account afterwards with specialize).
	accountUnknown bool
}

// unknownPolicies stands for the identity policies of principals outside
// the snapshot: they are not known, so they are taken to allow.
var unknownPolicies = []policy.Policy{{Label: "policies not in the snapshot", Document: allowAll}}

func (b *builder) inOrg(acct string) bool {
	if b.orgID == "" {
		return false
	}
	_, ok := b.ix.Account(acct)
	return ok
}

func (b *builder) callerOf(p *principal) *caller {
	return &caller{
		arn: p.arn, node: p.node, p: p, account: p.account,
		identity: p.identity, boundary: p.boundary, scps: b.scpsOf(p.account),
		mgmt: p.account == b.mgmt, sl: p.serviceLinked, inOrg: b.inOrg(p.account),
	}
}

// context returns the request context of c calling r: what the snapshot
// knows is known, every other key is unknown.
func (b *builder) context(c *caller, r *principal) *policy.Context {
	if c.p == nil || len(r.tags) > 0 && len(b.resourceTagKeys) > 0 {
		return b.contextFor(c, r.account, r.tags, true)
	}
	// The context of a principal's calls is the same for every role of an
	// account without tags the documents read: made once (the builder
	// asks for it role after role, account after account), of the
	// caller's keys and the account's, each made once (layered: they set
	// no key alike).
	k := roleCtxKey{p: c.p, account: c.account, resAccount: r.account, flags: c.contextFlags()}
	if ctx := b.roleCtxs[k]; ctx != nil {
		return ctx
	}
	if len(b.roleCtxs) >= 4096 {
		clear(b.roleCtxs)
	}
	ctx := policy.Layered(b.callerContext(c), b.accountContext(r.account, true))
	b.roleCtxs[k] = ctx
	return ctx
}

// callerContext returns the context of c's own keys (callerFacts), made
// once per principal, account, caller settings and number of principal
// tag keys the documents read so far.
func (b *builder) callerContext(c *caller) *policy.Context {
	ck := callerCtxKey{p: c.p, account: c.account, flags: c.contextFlags(), tagKeys: len(b.principalTagKeys)}
	if ctx := b.callerCtxs[ck]; ctx != nil {
		return ctx
	}
	if len(b.callerCtxs) >= 4096 {
		clear(b.callerCtxs)
	}
	ctx := policy.NewContextSize(contextSize(c, len(b.principalTagKeys), 0, false) - 4)
	b.callerFacts(ctx, c)
	b.callerCtxs[ck] = ctx
	return ctx
}

// accountContext returns the context of the keys of a resource of
// account a without tags, or whose tags are not known (resourceFacts),
// made once per account and number of resource tag keys the documents
// read so far.
func (b *builder) accountContext(a string, tagsKnown bool) *policy.Context {
	ak := acctCtxKey{account: a, tagKeys: -1}
	if tagsKnown {
		ak.tagKeys = len(b.resourceTagKeys)
	}
	if ctx := b.acctCtxs[ak]; ctx != nil {
		return ctx
	}
	ctx := policy.NewContextSize(3 + 2*max(ak.tagKeys, 0))
	b.resourceFacts(ctx, a, nil, tagsKnown)
	b.acctCtxs[ak] = ctx
	return ctx
}

type callerCtxKey struct {
	p       *principal
	account string
	flags   uint8
	tagKeys int
}

type acctCtxKey struct {
	account string
	tagKeys int
}

// roleCtxKey identifies the context of a principal's call on a role (see
// context).
type roleCtxKey struct {
	p                   *principal
	account, resAccount string
	flags               uint8
}

// contextFlags are the caller's settings contextFor reads besides its
// principal and account.
func (c *caller) contextFlags() uint8 {
	var f uint8
	for i, set := range []bool{c.inOrg, c.anyone, c.anyAccount, c.sessionUnknown, c.accountUnknown} {
		if set {
			f |= 1 << i
		}
	}
	return f
}

// contextFor returns the request context of c acting on a resource of
// account resAccount with tags resTags (tagsKnown false: the snapshot does
// not hold the resource's tags, which stay unknown).
func (b *builder) contextFor(c *caller, resAccount string, resTags map[string]string, tagsKnown bool) *policy.Context {
	ctx := policy.NewContextSize(contextSize(c, len(b.principalTagKeys), len(b.resourceTagKeys), tagsKnown))
	b.callerFacts(ctx, c)
	return b.resourceFacts(ctx, resAccount, resTags, tagsKnown)
}

// callerFacts sets what the snapshot knows of caller c, and makes its
// principal-specific or account-specific keys unknown as c says.
func (b *builder) callerFacts(ctx *policy.Context, c *caller) {
	if c.inOrg {
		ctx.Set("aws:PrincipalOrgID", b.orgID)
		if path := b.orgPaths[c.account]; path != "" {
			ctx.Set("aws:PrincipalOrgPaths", path)
		}
	}
	if c.p != nil {
		for k := range b.principalTagKeys {
			if v, ok := tag(c.p.tags, k); ok {
				ctx.Set("aws:PrincipalTag/"+k, v)
			} else {
				ctx.SetAbsent("aws:PrincipalTag/" + k)
			}
		}
		ctx.Set("aws:PrincipalIsAWSService", "false")
		if c.p.kind == KindUser && c.p.userID != "" {
			ctx.Set("aws:userid", c.p.userID)
		}
		if c.p.mfa == MFANo && !c.sessionUnknown {
			ctx.SetAbsent("aws:MultiFactorAuthPresent")
			ctx.SetAbsent("aws:MultiFactorAuthAge")
		}
	}
	if c.anyone {
		ctx.SetUnknown("aws:PrincipalArn", "aws:PrincipalType", "aws:username", "aws:userid")
	}
	if c.anyAccount || c.accountUnknown {
		ctx.SetUnknown("aws:PrincipalAccount")
	}
	if c.accountUnknown {
		ctx.SetUnknown("aws:PrincipalOrgPaths")
	}
}

// contextSize bounds the number of keys contextFor sets for c (with
// principalTags and resourceTags keys read by the documents), and one
// more for iam:PassedToService (evalAction), so that the context is
// made at its size once.
func contextSize(c *caller, principalTags, resourceTags int, tagsKnown bool) int {
	n := 4 // aws:ResourceAccount, aws:ResourceOrgID, aws:ResourceOrgPaths, iam:PassedToService
	if tagsKnown {
		n += 2 * resourceTags
	}
	if c.inOrg {
		n += 2
	}
	if c.p != nil {
		n += principalTags + 4
	}
	if c.anyone {
		n += 4
	}
	if c.anyAccount || c.accountUnknown {
		n++
	}
	if c.accountUnknown {
		n++
	}
	return n
}

// resourceFacts sets what the snapshot knows of a resource of account
// resAccount with tags resTags (when tagsKnown), and makes every key not
// set unknown.
func (b *builder) resourceFacts(ctx *policy.Context, resAccount string, resTags map[string]string, tagsKnown bool) *policy.Context {
	ctx.Set("aws:ResourceAccount", resAccount)
	if b.inOrg(resAccount) {
		ctx.Set("aws:ResourceOrgID", b.orgID)
		ctx.Set("aws:ResourceOrgPaths", b.orgPaths[resAccount])
	}
	if tagsKnown {
		for k := range b.resourceTagKeys {
			// IAM resources answer to iam:ResourceTag/ as well.
			if v, ok := tag(resTags, k); ok {
				ctx.Set("aws:ResourceTag/"+k, v).Set("iam:ResourceTag/"+k, v)
			} else {
				ctx.SetAbsent("aws:ResourceTag/" + k).SetAbsent("iam:ResourceTag/" + k)
			}
		}
	}
	ctx.SetUnknown("*")
	return ctx
}

func tag(tags map[string]string, lowerKey string) (string, bool) {
	if v, ok := tags[lowerKey]; ok {
		return v, true
	}
	for k, v := range tags {
		if strings.EqualFold(k, lowerKey) {
			return v, true
		}
	}
	return "", false
}

// eval decides whether c may call action on role r.
func (b *builder) eval(c *caller, r *principal, action string) policy.Result {
	in := policy.Input{
		Request: policy.Request{
			Principal: c.arn, Action: action, Resource: r.arn, ResourceAccount: r.account,
			Context: b.context(c, r),
		},
		IdentityPolicies:            c.identity,
		PermissionsBoundaries:       c.boundary,
		ResourcePolicy:              b.trustPolicy(r),
		SCPs:                        c.scps,
		ManagementAccount:           c.mgmt,
		ServiceLinkedRole:           c.sl,
		RCPs:                        b.rcpsOf(r.account),
		ResourceInManagementAccount: r.account == b.mgmt,
	}
	res := policy.Evaluate(in)
	if res.Truncated {
		b.warn("%s calling %s on %s: too many alternative conditions; some were dropped", c.arn, action, r.arn)
	}
	return res
}

// trustPolicy returns r's trust policy as the resource policy of an
// evaluation. The builder (each copy on its own core) keeps the last one
// made: a role's callers are evaluated one after the other.
func (b *builder) trustPolicy(r *principal) *policy.Policy {
	if b.lastTrust.r != r {
		b.lastTrust.r, b.lastTrust.pol = r, &policy.Policy{Label: "trust policy of " + r.arn, Document: r.trust.doc}
	}
	return b.lastTrust.pol
}

// trustAdmits asks whether r's trust policy admits c whatever c's own
// policies say.
func (b *builder) trustAdmits(c *caller, r *principal) policy.Result {
	tc := *c
	tc.identity, tc.boundary, tc.scps, tc.sessionUnknown = unknownPolicies, nil, nil, true
	return b.eval(&tc, r, actionAssumeRole)
}

// condition turns an evaluation into interned edge conditions; ok is false
// when there is no edge.
func (b *builder) condition(res *policy.Result, c *caller) (int32, bool) {
	if res.Denied() {
		return 0, false
	}
	cond := Conditions{}
	for _, s := range res.AllowedWhen {
		cond.AllowedWhen = append(cond.AllowedWhen, s.Conditions)
	}
	for _, s := range res.DeniedWhen {
		cond.DeniedWhen = append(cond.DeniedWhen, s.Conditions)
	}
	if c.outsider && b.orgID != "" {
		var ok bool
		if cond, ok = outsiderConditions(cond, b.orgID, b.inOrg); !ok {
			return 0, false
		}
	}
	return b.intern(cond), true
}

func (b *builder) intern(c Conditions) int32 {
	if c.Empty() {
		return 0
	}
	k := condKey(c)
	if b.rec != nil {
		return b.rec.intern(k, c)
	}
	return b.internKeyed(k, c)
}

// internKeyed interns non-empty conditions c whose key is k.
func (b *builder) internKeyed(k string, c Conditions) int32 {
	if i, ok := b.condIdx[k]; ok {
		return i
	}
	i := int32(len(b.conds))
	b.conds = append(b.conds, c)
	b.condIdx[k] = i
	return i
}

// condKey is the text conditions are interned by.
func condKey(c Conditions) string {
	var sb strings.Builder
	write := func(sets [][]policy.Clause) {
		for _, set := range sets {
			for _, cl := range set {
				sb.WriteString(cl.Operator)
				sb.WriteByte(0)
				sb.WriteString(cl.Key)
				for _, v := range cl.Values {
					sb.WriteByte(0)
					sb.WriteString(v)
				}
				sb.WriteByte(1)
			}
			sb.WriteByte(2)
		}
		sb.WriteByte(3)
	}
	write(c.AllowedWhen)
	write(c.DeniedWhen)
	return sb.String()
}

// outsiderConditions drops the clauses that principals outside the
// organization org always meet, and the alternatives holding a clause they
// never meet (see outsiderClause); member says whether an account belongs
// to the organization. ok is false when the edge cannot hold for them.
func outsiderConditions(c Conditions, org string, member func(string) bool) (Conditions, bool) {
	return specialize(c, func(cl policy.Clause) (bool, bool) { return outsiderClause(cl, org, member) })
}

// specialize drops the clauses decide says always hold, and the
// alternatives (denies) holding a clause it says never holds. ok is false
// when the edge cannot hold.
func specialize(c Conditions, decide func(policy.Clause) (alwaysTrue, alwaysFalse bool)) (Conditions, bool) {
	out := Conditions{}
	if len(c.AllowedWhen) > 0 {
		unconditional := false
		for _, set := range c.AllowedWhen {
			kept, possible := decideSet(set, decide)
			if !possible {
				continue
			}
			if len(kept) == 0 {
				unconditional = true
				break
			}
			out.AllowedWhen = append(out.AllowedWhen, kept)
		}
		if unconditional {
			out.AllowedWhen = nil
		} else if len(out.AllowedWhen) == 0 {
			return Conditions{}, false
		}
	}
	for _, set := range c.DeniedWhen {
		kept, possible := decideSet(set, decide)
		if !possible {
			continue
		}
		if len(kept) == 0 {
			return Conditions{}, false // the deny always applies
		}
		out.DeniedWhen = append(out.DeniedWhen, kept)
	}
	return out, true
}

// decideSet drops the clauses of a condition set that always hold;
// possible is false when one of them never holds (the whole set is then
// false).
func decideSet(set []policy.Clause, decide func(policy.Clause) (bool, bool)) (kept []policy.Clause, possible bool) {
	kept = []policy.Clause{}
	for _, cl := range set {
		t, f := decide(cl)
		switch {
		case f:
			return nil, false
		case !t:
			kept = append(kept, cl)
		}
	}
	return kept, true
}

// outsiderClause says whether a clause is always true or always false for
// a principal outside organization org. Such a principal has no
// aws:PrincipalOrgID or aws:PrincipalOrgPaths of org, and its
// aws:PrincipalAccount and aws:PrincipalArn (always present for an AWS
// principal) never name a member account: a comparison of these keys with
// values that are all the organization's never matches, and its negation
// always does. Values with wildcards are decided only where the wildcard
// cannot reach the organization or account part.
func outsiderClause(cl policy.Clause, org string, member func(string) bool) (alwaysTrue, alwaysFalse bool) {
	key := strings.ToLower(cl.Key)
	var ours func(string) bool
	alwaysPresent := false
	switch key {
	case "aws:principalorgid":
		ours = func(v string) bool { return strings.EqualFold(v, org) && !strings.ContainsAny(v, "*?") }
	case "aws:principalorgpaths":
		ours = func(v string) bool { return strings.HasPrefix(strings.ToLower(v), strings.ToLower(org)+"/") }
	case "aws:principalaccount":
		ours = func(v string) bool { return policy.IsAccountID(v) && member(v) }
		alwaysPresent = true
	case "aws:principalarn":
		ours = func(v string) bool {
			acct, ok := pinnedAccount(v)
			return ok && member(acct)
		}
		alwaysPresent = true
	default:
		return false, false
	}
	if len(cl.Values) == 0 {
		return false, false
	}
	for _, v := range cl.Values {
		if !ours(v) {
			return false, false
		}
	}
	op := strings.ToLower(cl.Operator)
	op = strings.TrimPrefix(strings.TrimPrefix(op, "foranyvalue:"), "forallvalues:")
	ifExists := strings.HasSuffix(op, "ifexists")
	op = strings.TrimSuffix(op, "ifexists")
	switch op {
	case "stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike":
		// With IfExists an absent key passes: decided only for keys every
		// AWS principal has.
		if ifExists && !alwaysPresent {
			return false, false
		}
		return false, true
	case "stringnotequals", "stringnotequalsignorecase", "stringnotlike", "arnnotequals", "arnnotlike":
		return true, false
	}
	return false, false
}

// pinnedAccount returns the account of an ARN pattern whose partition,
// service, region and account fields hold no wildcard, so that every ARN it
// matches belongs to that account.
func pinnedAccount(pattern string) (string, bool) {
	parts := strings.SplitN(pattern, ":", 6)
	if len(parts) < 6 || parts[0] != "arn" {
		return "", false
	}
	for _, f := range parts[:5] {
		if strings.ContainsAny(f, "*?") {
			return "", false
		}
	}
	return parts[4], policy.IsAccountID(parts[4])
}

// roleEdges finds every caller of role r from its trust policy and
// evaluates them.
func (b *builder) roleEdges(r *principal) {
	if r.trust == nil || r.serviceLinked {
		return
	}
	ti := b.trustInfoOf(r.trust)
	for _, f := range ti.federated {
		b.federatedEdge(r, f)
	}
	if !ti.aws() {
		return
	}
	rc := &roleCtx{r: r, ti: ti, named: map[*principal]bool{}, seen: map[unit]bool{}, grants: map[*grantGroup]bool{}}
	except := []string{r.account}
	var named []*principal
	for _, arn := range ti.arns {
		p := b.principalByARN(arn)
		if p == nil {
			b.unresolvedEdge(rc, arn)
			continue
		}
		if p == r {
			continue
		}
		rc.named[p] = true
		named = append(named, p)
		except = appendUnique(except, p.account)
		for _, v := range b.variants[arn] {
			rc.named[v] = true
			rc.variants = append(rc.variants, v)
		}
	}
	for _, a := range ti.accounts {
		except = appendUnique(except, a)
	}
	for _, a := range ti.apart {
		except = appendUnique(except, a)
	}
	sort.Strings(except)
	for _, p := range named {
		b.namedEdge(rc, p)
	}
	for _, v := range rc.variants {
		vc := b.callerOf(v)
		res := b.eval(vc, rc.r, actionAssumeRole)
		if cond, ok := b.condition(&res, vc); ok {
			b.addEdge(v.node, rc.r.node, cond, EdgeAssumeRole.index())
		}
	}
	for _, a := range ti.accounts {
		if b.knownAcct[a] {
			if n := b.accountClasses(rc, a, true); n == 0 {
				ref := ti.where[a]
				b.trustsNoGr = append(b.trustsNoGr, Mismatch{
					Principal: b.rootARN(a), PrincipalAccount: a, Role: r.arn, RoleAccount: r.account,
					Policy: "trust", Statement: ref.index, Sid: ref.sid,
					Reason: "no identity policy of a principal in account " + a + " allows sts:AssumeRole on the role",
				})
			}
			continue
		}
		b.accountNodeEdge(rc, a)
	}
	if !ti.wildcard {
		return
	}
	b.anyPrincipalEdge(rc)
	b.accountClasses(rc, r.account, false)
	for _, a := range except {
		if a != r.account && b.knownAcct[a] {
			b.accountClasses(rc, a, true)
		}
	}
	for _, g := range b.groups {
		if !rc.granted(g) {
			continue
		}
		for _, c := range g.classes {
			b.classEdge(rc, c, except)
		}
	}
}

// roleCtx is the state of one role's edge search.
type roleCtx struct {
	r     *principal
	ti    *trustInfo
	named map[*principal]bool
	// variants are the user-in-group principals of the named users.
	variants []*principal
	seen     map[unit]bool
	grants   map[*grantGroup]bool
	// members and singles are accountClasses' buffers.
	members, singles []*principal
}

type unit struct {
	c *bclass
	a string
}

// granted reports whether an identity statement of group g may allow
// sts:AssumeRole on the role.
func (rc *roleCtx) granted(g *grantGroup) bool {
	if v, ok := rc.grants[g]; ok {
		return v
	}
	v := false
	for _, s := range g.stmts {
		if s.MayMatchResource(rc.r.arn) {
			v = true
			break
		}
	}
	rc.grants[g] = v
	return v
}

func appendUnique(s []string, v string) []string {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}

func (b *builder) addEdge(from, to, cond int32, kind uint8) {
	if from == to {
		return
	}
	b.edges = append(b.edges, edge{from: from, to: to, cond: cond, via: -1, ev: -1, kind: kind})
}

// namedEdge evaluates a principal the trust policy names by ARN.
func (b *builder) namedEdge(rc *roleCtx, p *principal) {
	c := b.callerOf(p)
	res := b.eval(c, rc.r, actionAssumeRole)
	if cond, ok := b.condition(&res, c); ok {
		b.addEdge(p.node, rc.r.node, cond, EdgeAssumeRole.index())
		return
	}
	if adm := b.trustAdmits(c, rc.r); adm.Denied() {
		return // the trust itself refuses (a condition the principal cannot meet)
	}
	ref := rc.ti.where[p.arn]
	b.trustsNoGr = append(b.trustsNoGr, Mismatch{
		Principal: p.arn, PrincipalAccount: p.account, Role: rc.r.arn, RoleAccount: rc.r.account,
		Policy: "trust", Statement: ref.index, Sid: ref.sid, Reason: res.Reason,
	})
}

// accountClasses evaluates the principals of account a, once per class
// (once per principal for classes or trusts that look at
// principal-specific keys), and returns how many classes it evaluated.
// grantOnly restricts it to classes whose identity policies may grant
// sts:AssumeRole on the role.
func (b *builder) accountClasses(rc *roleCtx, a string, grantOnly bool) int {
	n := 0
	for _, c := range b.acctClass[a] {
		if grantOnly && (c.grant == nil || !rc.granted(c.grant)) {
			continue
		}
		u := unit{c, a}
		if rc.seen[u] {
			n++
			continue
		}
		rc.seen[u] = true
		members, singles := rc.members[:0], rc.singles[:0]
		for _, m := range c.byAccount[a] {
			switch {
			case m == rc.r || rc.named[m]:
			case c.sensitive || rc.ti.sensitive || rc.ti.individuals[m.arn]:
				singles = append(singles, m)
			default:
				members = append(members, m)
			}
		}
		rc.members, rc.singles = members, singles
		if len(members)+len(singles) == 0 {
			continue
		}
		n++
		for _, m := range singles {
			mc := b.callerOf(m)
			res := b.eval(mc, rc.r, actionAssumeRole)
			if cond, ok := b.condition(&res, mc); ok {
				b.addEdge(m.node, rc.r.node, cond, EdgeAssumeRole.index())
			}
		}
		if len(members) == 0 {
			continue
		}
		mc := b.callerOf(members[0])
		res := b.eval(mc, rc.r, actionAssumeRole)
		if cond, ok := b.condition(&res, mc); ok {
			for _, m := range members {
				b.addEdge(m.node, rc.r.node, cond, EdgeAssumeRole.index())
			}
		}
	}
	return n
}

// classEdge evaluates class c against a role trusting "*" for its members
// outside the excepted accounts (which are evaluated per account).
func (b *builder) classEdge(rc *roleCtx, c *bclass, except []string) {
	var outside []*principal
	count := len(c.members)
	for _, a := range except {
		count -= len(c.byAccount[a])
	}
	if count <= 0 {
		return
	}
	if rc.ti.acctSensitive && !c.sensitive && !rc.ti.sensitive && count > 2 {
		b.classEdgePerAccount(rc, c, except)
		return
	}
	if c.sensitive || rc.ti.sensitive || count <= 2 {
		for _, m := range c.members {
			if !excepted(except, m.account) {
				outside = append(outside, m)
			}
		}
		for _, m := range outside {
			mc := b.callerOf(m)
			res := b.eval(mc, rc.r, actionAssumeRole)
			if cond, ok := b.condition(&res, mc); ok {
				b.addEdge(m.node, rc.r.node, cond, EdgeAssumeRole.index())
			}
		}
		return
	}
	mc := b.callerOf(firstOutside(c, except))
	res := b.eval(mc, rc.r, actionAssumeRole)
	if cond, ok := b.condition(&res, mc); ok {
		b.cedges = append(b.cedges, classEdge{class: c.idx, to: rc.r.node, cond: cond, kind: EdgeAssumeRole.index(), except: except})
	}
}

// firstOutside returns the first member of c outside the excepted
// accounts, which stands for the class (the caller knows there is one).
func firstOutside(c *bclass, except []string) *principal {
	for _, m := range c.members {
		if !excepted(except, m.account) {
			return m
		}
	}
	return nil
}

// classEdgePerAccount evaluates class c once against a trust that looks
// at the keys that differ between accounts (aws:PrincipalAccount,
// aws:PrincipalOrgPaths), with those keys unknown, and decides them per
// account: an edge for the members of each account that meets them, a
// class edge when the answer does not depend on them.
func (b *builder) classEdgePerAccount(rc *roleCtx, c *bclass, except []string) {
	mc := b.callerOf(firstOutside(c, except))
	mc.accountUnknown = true
	res := b.eval(mc, rc.r, actionAssumeRole)
	cond, ok := conditionsOf(&res)
	if !ok {
		return // denied whatever the account
	}
	ci := b.intern(cond)
	if !mentionsKeys(cond, accountKeys) {
		b.cedges = append(b.cedges, classEdge{class: c.idx, to: rc.r.node, cond: ci, kind: EdgeAssumeRole.index(), except: except})
		return
	}
	decide := b.forAccountOf(ci)
	for _, a := range c.sortedAccounts() {
		if excepted(except, a) {
			continue
		}
		if spec := decide(a); spec >= 0 {
			for _, m := range c.byAccount[a] {
				b.addEdge(m.node, rc.r.node, spec, EdgeAssumeRole.index())
			}
		}
	}
}

// forAccount decides the clauses of interned conditions ci on the keys
// that differ between accounts for the principals of account a: the
// interned remaining conditions, or -1 when they cannot hold. Decisions
// are kept per conditions and account.
func (b *builder) forAccount(ci int32, a string) int32 {
	return b.forAccountOf(ci)(a)
}

// forAccountOf returns forAccount for conditions ci, account by account.
func (b *builder) forAccountOf(ci int32) func(a string) int32 {
	if b.rec != nil {
		return b.rec.forAccountOf(b, ci)
	}
	return func(a string) int32 { return b.decideForAccount(ci, a) }
}

func (b *builder) decideForAccount(ci int32, a string) int32 {
	k := acctCond{ci, a}
	if v, ok := b.acctConds[k]; ok {
		return v
	}
	v := int32(-1)
	if spec, ok := b.specializeFor(b.conds[ci], a); ok {
		v = b.intern(spec)
	}
	b.acctConds[k] = v
	return v
}

// specializeFor decides conditions c for the principals of account a (see
// forAccount): the remaining conditions; ok is false when they cannot
// hold.
func (b *builder) specializeFor(c Conditions, a string) (Conditions, bool) {
	known := map[string][]string{"aws:principalaccount": {a}}
	if b.inOrg(a) {
		known["aws:principalorgpaths"] = []string{b.orgPaths[a]}
	}
	spec, ok := specialize(c, func(cl policy.Clause) (bool, bool) {
		vals, isKnown := known[strings.ToLower(cl.Key)]
		if !isKnown {
			return false, false
		}
		holds, decided := cl.Holds(vals)
		return decided && holds, decided && !holds
	})
	return spec, ok
}

type acctCond struct {
	cond int32
	acct string
}

// mentionsKeys reports whether a clause of the conditions is on one of
// keys (lower case).
func mentionsKeys(c Conditions, keys map[string]bool) bool {
	for _, sets := range [][][]policy.Clause{c.AllowedWhen, c.DeniedWhen} {
		for _, set := range sets {
			for _, cl := range set {
				if keys[strings.ToLower(cl.Key)] {
					return true
				}
			}
		}
	}
	return false
}

func (b *builder) rootARN(acct string) string {
	return "arn:" + b.partition() + ":iam::" + acct + ":root"
}

func (b *builder) accountName(acct string) string {
	if a, ok := b.ix.Account(acct); ok && a.Name != "" {
		return a.Name
	}
	return acct
}

// accountNodeEdge evaluates an account the snapshot does not describe
// (outside it, or its IAM data is missing), standing for any principal of
// it whose own policies allow the call.
func (b *builder) accountNodeEdge(rc *roleCtx, a string) {
	_, inSnapshot := b.ix.Account(a)
	n := b.node(Node{ID: b.rootARN(a), Kind: KindAccount, Name: b.accountName(a), AccountID: a, External: !inSnapshot})
	c := &caller{arn: b.rootARN(a), node: n, account: a, anyone: true, inOrg: b.inOrg(a), outsider: !inSnapshot}
	if inSnapshot {
		c.scps, c.mgmt = b.scpsOf(a), a == b.mgmt
	}
	res := b.eval(c, rc.r, actionAssumeRole)
	if cond, ok := b.condition(&res, c); ok {
		b.addEdge(n, rc.r.node, cond, EdgeAssumeRole.index())
	}
}

// unresolvedEdge handles a trust naming a user or role ARN that is not in
// the snapshot: if its account's IAM data is complete the principal does
// not exist (a trust without grant); otherwise it is a node of its own.
func (b *builder) unresolvedEdge(rc *roleCtx, arn string) {
	acct := arnAccount(arn)
	ref := rc.ti.where[arn]
	if b.knownAcct[acct] {
		b.trustsNoGr = append(b.trustsNoGr, Mismatch{
			Principal: arn, PrincipalAccount: acct, Role: rc.r.arn, RoleAccount: rc.r.account,
			Policy: "trust", Statement: ref.index, Sid: ref.sid,
			Reason: "the principal is not in the snapshot, although the IAM data of its account is",
		})
		return
	}
	_, inSnapshot := b.ix.Account(acct)
	n := b.node(Node{ID: arn, Kind: KindPrincipal, Name: arn[strings.LastIndexByte(arn, '/')+1:], AccountID: acct, External: !inSnapshot})
	c := &caller{arn: arn, node: n, account: acct, identity: unknownPolicies, inOrg: b.inOrg(acct), outsider: !inSnapshot}
	if inSnapshot {
		c.scps, c.mgmt = b.scpsOf(acct), acct == b.mgmt
	}
	res := b.eval(c, rc.r, actionAssumeRole)
	if cond, ok := b.condition(&res, c); ok {
		b.addEdge(n, rc.r.node, cond, EdgeAssumeRole.index())
	}
}

// anyPrincipalRepresentative is the request principal standing for any
// principal outside the organization: the root of an account that is in
// no snapshot, with every principal-specific key unknown.
const anyPrincipalRepresentative = "arn:aws:iam::000000000000:root"

func (b *builder) anyPrincipalEdge(rc *roleCtx) {
	n := b.node(Node{ID: "*", Kind: KindAnyPrincipal, Name: "any AWS principal", External: true})
	c := &caller{arn: anyPrincipalRepresentative, node: n, anyone: true, anyAccount: true, outsider: true}
	res := b.eval(c, rc.r, actionAssumeRole)
	if cond, ok := b.condition(&res, c); ok {
		b.addEdge(n, rc.r.node, cond, EdgeAssumeRole.index())
	}
}

// federatedEdge evaluates an identity provider named by the trust policy.
func (b *builder) federatedEdge(r *principal, f fedRef) {
	kind := KindOIDCProvider
	if f.kind == EdgeAssumeRoleSAML.index() {
		kind = KindSAMLProvider
	}
	acct := arnAccount(f.name)
	name := f.name
	if i := strings.Index(name, "-provider/"); i >= 0 {
		name = name[i+len("-provider/"):]
	}
	_, inSnapshot := b.ix.Account(acct)
	n := b.node(Node{ID: f.name, Kind: kind, Name: name, AccountID: acct, External: acct != "" && !inSnapshot})
	c := &caller{arn: f.name, node: n, account: acct}
	res := b.eval(c, r, edgeKinds[f.kind].Action())
	if cond, ok := b.condition(&res, c); ok {
		b.addEdge(n, r.node, cond, f.kind)
	}
}

// arnAccount returns the account field of an ARN, or "".
func arnAccount(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return ""
	}
	return parts[4]
}

// grantsWithoutTrust finds identity statements that allow sts:AssumeRole on
// a role named by its exact ARN whose trust policy does not admit the
// principal.
func (b *builder) grantsWithoutTrust() {
	type key struct {
		p, r   *principal
		policy string
		index  int
	}
	seen := map[key]bool{}
	for _, p := range b.principals {
		if p.cls.grant == nil || p.variantOf != nil {
			continue
		}
		for _, pol := range p.identity {
			for _, s := range pol.Document.Statements {
				if s.Effect != policy.Allow || !s.MatchesAction(actionAssumeRole) {
					continue
				}
				for _, v := range s.Resource {
					if strings.ContainsAny(v, "*?") || strings.Contains(v, "${") {
						continue
					}
					r := b.principalByARN(v)
					if r == nil || r == p || r.kind != KindRole || r.trust == nil || r.serviceLinked {
						continue
					}
					k := key{p, r, pol.Label, s.Index}
					if seen[k] {
						continue
					}
					seen[k] = true
					if res := b.trustAdmits(b.callerOf(p), r); res.Denied() {
						b.grantsNoTr = append(b.grantsNoTr, Mismatch{
							Principal: p.arn, PrincipalAccount: p.account, Role: r.arn, RoleAccount: r.account,
							Policy: pol.Label, Statement: s.Index, Sid: s.Sid, Reason: res.Reason,
						})
					}
				}
			}
		}
	}
}
