package graph

import (
	"sort"
	"strings"

	"github.com/orgaudit/orgaudit/internal/policy"
)

// BlockedNoMFADevice is why a latent edge cannot be used yet: the IAM
// user has no MFA device, and the role assumption needs MFA.
const BlockedNoMFADevice = "no-mfa-device"

// Latent edges: an IAM user without an MFA device has no MFA key at all,
// so a trust (or an identity policy) that requires MFA admits it nowhere
// and the graph has no edge. Once the user registers a device the same
// request succeeds with MFA: that access is one enrolment away, and a
// reviewer must see it. latentEdges finds, for every such user, the role
// assumptions that its missing device alone blocks: denied with the MFA
// keys absent, allowed (with conditions) when they are left unknown, as
// for a user with a device. They are kept apart from the edges (Paths
// never follows them for sources) and reported as latent sources.

// latentEdges adds the latent edges of every IAM user without an MFA
// device. Once the assume edges are known (trustedBy and wildcardRoles
// are filled by roleEdges).
func (b *builder) latentEdges() {
	named := map[string][]*principal{}
	for _, r := range b.roles {
		if r.trust == nil || r.serviceLinked {
			continue
		}
		for _, arn := range b.trustInfoOf(r.trust).arns {
			named[arn] = append(named[arn], r)
		}
	}
	mfaDoc := map[*policy.Document]bool{}
	mentions := func(pols []policy.Policy) bool {
		for _, pol := range pols {
			v, ok := mfaDoc[pol.Document]
			if !ok {
				v = mentionsMFA(pol.Document)
				mfaDoc[pol.Document] = v
			}
			if v {
				return true
			}
		}
		return false
	}
	// r.trustMFA caches whether the role's trust or its account's RCPs
	// look at MFA.
	mentionsRole := func(r *principal) bool {
		if r.trustMFA != mfaUnread {
			return r.trustMFA == mfaMentioned
		}
		v := mentions([]policy.Policy{{Document: r.trust.doc}}) || anyMentions(mentions, b.rcpsOf(r.account))
		r.trustMFA = mfaNotMentioned
		if v {
			r.trustMFA = mfaMentioned
		}
		return v
	}
	// For a caller whose documents do not look at MFA, only the roles
	// that do count: mfaRoles keeps them, in order, per list of roles (an
	// account's trustedBy, or wildcardRoles, keyed "").
	mfaLists := map[string][]*principal{}
	mfaRoles := func(key string, list []*principal) []*principal {
		kept, ok := mfaLists[key]
		if !ok {
			for _, r := range list {
				if r.trust != nil && !r.serviceLinked && mentionsRole(r) {
					kept = append(kept, r)
				}
			}
			mfaLists[key] = kept
		}
		return kept
	}
	shared := map[shareKey]int32{} // -1: no latent edge
	for _, p := range b.principals {
		if p.kind != KindUser || p.mfa != MFANo || p.variantOf != nil {
			continue
		}
		callerMFA := mentions(p.identity) || mentions(p.boundary) || anyMentions(mentions, b.scpsOf(p.account))
		seen := map[*principal]bool{}
		for li, list := range [][]*principal{named[p.arn], b.trustedBy[p.account], b.wildcardRoles} {
			if li > 0 && !callerMFA {
				key := p.account
				if li == 2 {
					key = ""
				}
				list = mfaRoles(key, list)
			}
			for _, r := range list {
				if r == p || r.trust == nil || r.serviceLinked || !callerMFA && !mentionsRole(r) {
					continue // nothing looks at MFA: a device changes nothing
				}
				if li < 2 {
					seen[r] = true
				} else if seen[r] {
					continue
				}
				b.latentEdge(p, r, shared)
			}
		}
	}
}

// latentEdge evaluates user p (no MFA device) against role r, sharing the
// answer within p's class and account when neither side looks at
// principal-specific keys.
func (b *builder) latentEdge(p, r *principal, shared map[shareKey]int32) {
	ti := b.trustInfoOf(r.trust)
	byARN := containsSorted(ti.arns, p.arn)
	// Within one account a trust naming the user (or "*") grants on its
	// own; otherwise an identity statement must allow the call.
	if !(r.account == p.account && (byARN || ti.wildcard)) && !mayGrant(p, r) {
		return
	}
	k := shareKey{p.cls, p.account, r}
	perPrincipal := byARN || p.sensitive || ti.sensitive || ti.individuals[p.arn]
	cond, ok := shared[k]
	if perPrincipal || !ok {
		cond = b.latentCondition(p, r)
		if !perPrincipal {
			shared[k] = cond
		}
	}
	if cond >= 0 {
		b.latent = append(b.latent, edge{from: p.node, to: r.node, cond: cond, via: -1, ev: -1, kind: EdgeAssumeRole.index()})
	}
}

// shareKey identifies the latent evaluations one answer stands for: the
// members of a class in one account against one role.
type shareKey struct {
	c    *bclass
	acct string
	r    *principal
}

// latentCondition evaluates user p (no MFA device) against role r twice:
// as it is, and as if it had a device. It returns the interned conditions
// of the latent edge, or -1 when the device changes nothing (the user can
// assume the role already, or cannot even with a device).
func (b *builder) latentCondition(p *principal, r *principal) int32 {
	c := b.callerOf(p)
	res := b.eval(c, r, actionAssumeRole)
	if _, ok := b.condition(&res, c); ok {
		return -1
	}
	c.sessionUnknown = true
	res = b.eval(c, r, actionAssumeRole)
	cond, ok := b.condition(&res, c)
	if !ok {
		return -1
	}
	return cond
}

// mayGrant reports whether an identity statement of p may allow
// sts:AssumeRole on r (a prefilter, never a decision).
func mayGrant(p, r *principal) bool {
	if p.cls == nil || p.cls.grant == nil {
		return false
	}
	for _, s := range p.cls.grant.stmts {
		if s.MayMatchResource(r.arn) {
			return true
		}
	}
	return false
}

func anyMentions(mentions func([]policy.Policy) bool, levels [][]policy.Policy) bool {
	for _, lvl := range levels {
		if mentions(lvl) {
			return true
		}
	}
	return false
}

func containsSorted(s []string, v string) bool {
	i := sort.SearchStrings(s, v)
	return i < len(s) && s[i] == v
}

// mentionsMFA reports whether a condition of the document looks at an
// MFA key (aws:MultiFactorAuthPresent, aws:MultiFactorAuthAge).
func mentionsMFA(d *policy.Document) bool {
	if d == nil {
		return false
	}
	for _, s := range d.Statements {
		for _, c := range s.Conditions {
			if strings.HasPrefix(strings.ToLower(c.Key), "aws:multifactorauth") {
				return true
			}
		}
	}
	return false
}

// finishLatent renumbers the latent edges with perm (old node index →
// new) and sorts them by from, to and kind (one per from, to and kind).
func (g *Graph) finishLatent(latent []edge, perm []int32) {
	for i := range latent {
		latent[i].from, latent[i].to = perm[latent[i].from], perm[latent[i].to]
	}
	g.latent = sortEdges(latent)
}

// LatentEdges returns the latent edges (see BlockedNoMFADevice), sorted by
// from, to and kind: role assumptions of IAM users without an MFA device
// that only the missing device blocks.
func (g *Graph) LatentEdges() []Edge {
	out := make([]Edge, len(g.latent))
	for i := range g.latent {
		out[i] = g.publicEdge(&g.latent[i])
		out[i].BlockedBy = BlockedNoMFADevice
	}
	return out
}
