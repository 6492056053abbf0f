package graph

import (
	"slices"
	"strings"

	"github.com/orgaudit/orgaudit/internal/policy"
	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// Organization policy types.
const (
	typeSCP = "SERVICE_CONTROL_POLICY"
	typeRCP = "RESOURCE_CONTROL_POLICY"
)

// allowAll stands in for the FullAWSAccess policy at an organization
// level whose recorded policies hold only Deny statements while the
// snapshot's record of organization policies is incomplete.
var allowAll = policy.MustParse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)

// organization indexes organization policies by target and computes each
// account's organization path.
func (b *builder) organization() {
	b.attached = map[string]map[string][]*snapshot.OrgPolicy{}
	o := b.s.Organization
	if o == nil {
		return
	}
	enabled := map[string]bool{}
	for _, r := range o.Roots {
		for _, pt := range r.PolicyTypes {
			if strings.EqualFold(pt.Status, "ENABLED") {
				enabled[pt.Type] = true
			}
		}
	}
	for i := range o.Policies {
		p := &o.Policies[i]
		if !enabled[p.Type] || (p.Type != typeSCP && p.Type != typeRCP) {
			continue
		}
		m := b.attached[p.Type]
		if m == nil {
			m = map[string][]*snapshot.OrgPolicy{}
			b.attached[p.Type] = m
		}
		for _, t := range p.Targets {
			m[t.TargetID] = append(m[t.TargetID], p)
		}
	}
	for _, a := range b.s.Accounts {
		anc := b.ix.Ancestors(a.ID) // nearest first, root last
		var sb strings.Builder
		sb.WriteString(o.ID + "/")
		for i := len(anc) - 1; i >= 0; i-- {
			sb.WriteString(anc[i] + "/")
		}
		b.orgPaths[a.ID] = sb.String()
	}
}

// levels returns the containers of an account from the root down to the
// account itself.
func (b *builder) levels(acct string) []string {
	anc := b.ix.Ancestors(acct)
	out := make([]string, 0, len(anc)+1)
	for i := len(anc) - 1; i >= 0; i-- {
		out = append(out, anc[i])
	}
	return append(out, acct)
}

// orgPolicies returns the policies of type typ that apply to an account,
// one list per level, root first. A level with no recorded policy is
// skipped (AWS requires one at every level, so none recorded means the
// snapshot does not say, and the level inherits). A level whose policies
// only deny allows nothing, as in AWS, with a warning; but when the
// snapshot has a gap in its organization policies (an attachment may be
// missing) the level is given FullAWSAccess instead, so that incomplete
// data never hides a path.
func (b *builder) orgPolicies(acct, typ string) [][]policy.Policy {
	cache := b.scps
	if typ == typeRCP {
		cache = b.rcps
	}
	if lv, ok := cache[acct]; ok {
		if ws, ok := b.pendingWarns[pendingKey{typ, acct}]; ok {
			// Read ahead (see readOrgPoliciesAhead): its warnings are
			// given now, as a first read would have.
			for _, w := range ws {
				b.warn("%s", w)
			}
			if b.rec == nil {
				delete(b.pendingWarns, pendingKey{typ, acct})
			}
		}
		return lv
	}
	var out [][]policy.Policy
	m := b.attached[typ]
	if len(m) > 0 {
		if _, inOrg := b.ix.Account(acct); inOrg {
			for _, target := range b.levels(acct) {
				var lvl []policy.Policy
				hasAllow := false
				for _, p := range m[target] {
					d := b.parse(p.Document, func() string { return "organization policy " + p.ID })
					if d == nil {
						continue
					}
					lvl = append(lvl, policy.Policy{Label: orgPolicyLabel(typ, p), Document: d.doc})
					for _, s := range d.doc.Statements {
						if s.Effect == policy.Allow {
							hasAllow = true
						}
					}
				}
				if len(lvl) == 0 {
					continue
				}
				if !hasAllow {
					if b.ix.HasGap("", snapshot.SectionOrgPolicies) {
						b.warn("%s %s has only Deny policies recorded and the snapshot's organization policies are incomplete; assuming FullAWSAccess is attached there too", kindName(typ), b.ix.ContainerName(target))
						lvl = append(lvl, policy.Policy{Label: "assumed FullAWSAccess at " + target, Document: allowAll})
					} else {
						b.warn("%s %s has no policy that allows anything: nothing is allowed below it", kindName(typ), b.ix.ContainerName(target))
					}
				}
				out = append(out, lvl)
			}
		}
	}
	cache[acct] = out
	return out
}

func kindName(typ string) string {
	if typ == typeRCP {
		return "RCP level"
	}
	return "SCP level"
}

func orgPolicyLabel(typ string, p *snapshot.OrgPolicy) string {
	prefix := "scp:"
	if typ == typeRCP {
		prefix = "rcp:"
	}
	return prefix + p.ID + " (" + p.Name + ")"
}

func (b *builder) scpsOf(acct string) [][]policy.Policy { return b.orgPolicies(acct, typeSCP) }

func (b *builder) rcpsOf(acct string) [][]policy.Policy { return b.orgPolicies(acct, typeRCP) }

// scpKey identifies the SCP chain of an account for classing.
func (b *builder) scpKey(acct string) string {
	if acct == b.mgmt {
		return "management"
	}
	var sb strings.Builder
	for _, lvl := range b.scpsOf(acct) {
		labels := make([]string, len(lvl))
		for i, p := range lvl {
			labels[i] = p.Label
		}
		slices.Sort(labels)
		sb.WriteString(strings.Join(labels, ","))
		sb.WriteByte('|')
	}
	return sb.String()
}

// pendingKey names the organization policies of one type of an account
// (pendingWarns).
type pendingKey struct {
	typ, acct string
}

// readOrgPoliciesAhead reads the SCPs and RCPs of every account of the
// snapshot and of every principal, so that copies of the builder
// searching on other cores only read those tables. The warnings a read
// gives are kept until the builder asks for that account's policies, so
// that the warnings are the same as when each is read on first use.
func (b *builder) readOrgPoliciesAhead() {
	if b.pendingWarns == nil {
		b.pendingWarns = map[pendingKey][]string{}
	}
	read := func(acct, typ string) {
		cache := b.scps
		if typ == typeRCP {
			cache = b.rcps
		}
		if _, ok := cache[acct]; ok {
			return
		}
		var ws []string
		b.capture = &ws
		b.orgPolicies(acct, typ)
		b.capture = nil
		if len(ws) > 0 {
			b.pendingWarns[pendingKey{typ, acct}] = ws
		}
	}
	for i := range b.s.Accounts {
		read(b.s.Accounts[i].ID, typeSCP)
		read(b.s.Accounts[i].ID, typeRCP)
	}
	for _, p := range b.principals {
		read(p.account, typeSCP)
		read(p.account, typeRCP)
	}
}
