package graph

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/agnivade/levenshtein"

	"github.com/orgaudit/orgaudit/internal/policy"
	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// SnapshotRequest is one request to evaluate with the policies a snapshot
// holds (`orgaudit simulate --snapshot`).
type SnapshotRequest struct {
	// Principal is the ARN of an IAM user or role of the snapshot.
	Principal string
	// Action is "service:Action"; Resource an ARN or "*" (also when empty).
	Action   string
	Resource string
	// Context sets condition keys (several values make a multivalued key).
	// They override what the snapshot says (principal and resource tags,
	// organization id and paths, account).
	Context map[string][]string
	// Unknown lists keys or patterns ("aws:RequestTag/*", "*") whose
	// conditions stay undecided. Every other key is absent.
	Unknown []string
}

// SimulationInput builds the evaluation input of rq from the snapshot:
// the principal's identity policies (inline, attached, and its groups'),
// its permissions boundary, the SCP levels of its account (the management
// account is exempt), the RCP levels of the resource's account, and, when
// the resource is a role of the snapshot, its trust policy as the
// resource-based policy. Request keys the snapshot knows are set unless
// rq.Context sets them. It returns warnings about documents it could not
// use.
func SimulationInput(s *snapshot.Snapshot, rq SnapshotRequest) (*policy.Input, []string, error) {
	if s == nil {
		return nil, nil, errors.New("no snapshot")
	}
	b := newBuilder(s)
	b.organization()
	b.principalsOf()
	b.identityCenterRoles()
	p := b.principalByARN(rq.Principal)
	if p == nil {
		if b.unknownAcc[arnAccount(rq.Principal)] {
			return nil, nil, fmt.Errorf("principal %s: the IAM data of account %s is missing from the snapshot", rq.Principal, arnAccount(rq.Principal))
		}
		return nil, nil, fmt.Errorf("principal %s is not an IAM user or role of the snapshot%s", rq.Principal, b.nearestNote(rq.Principal))
	}
	resource := rq.Resource
	if resource == "" {
		resource = "*"
	}
	in := &policy.Input{
		Request:               policy.Request{Principal: p.arn, Action: rq.Action, Resource: resource},
		IdentityPolicies:      p.identity,
		PermissionsBoundaries: p.boundary,
		SCPs:                  b.scpsOf(p.account),
		ManagementAccount:     p.account == b.mgmt,
		ServiceLinkedRole:     p.serviceLinked,
	}
	ctx := policy.NewContext()
	c := b.callerOf(p)
	if c.inOrg {
		ctx.Set("aws:PrincipalOrgID", b.orgID)
		ctx.Set("aws:PrincipalOrgPaths", b.orgPaths[p.account])
	}
	for _, k := range sortedTagKeys(p.tags) {
		ctx.Set("aws:PrincipalTag/"+k, p.tags[k])
	}
	ctx.Set("aws:PrincipalIsAWSService", "false")
	if p.kind == KindUser && p.userID != "" {
		ctx.Set("aws:userid", p.userID)
	}
	var warnings []string
	if w := b.missingResource(resource); w != "" {
		warnings = append(warnings, w)
	}
	resAcct := arnAccount(resource)
	if r := b.principalByARN(resource); r != nil && r.kind == KindRole {
		resAcct = r.account
		if r.trust != nil {
			in.ResourcePolicy = &policy.Policy{Label: "trust policy of " + r.arn, Document: r.trust.doc}
		}
		for _, k := range sortedTagKeys(r.tags) {
			ctx.Set("aws:ResourceTag/"+k, r.tags[k])
		}
	}
	if resAcct != "" {
		ctx.Set("aws:ResourceAccount", resAcct)
		in.Request.ResourceAccount = resAcct
		in.RCPs = b.rcpsOf(resAcct)
		in.ResourceInManagementAccount = resAcct == b.mgmt
		if b.inOrg(resAcct) {
			ctx.Set("aws:ResourceOrgID", b.orgID)
			ctx.Set("aws:ResourceOrgPaths", b.orgPaths[resAcct])
		}
	}
	keys := make([]string, 0, len(rq.Context))
	for k := range rq.Context {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		ctx.Set(k, rq.Context[k]...)
	}
	for _, k := range rq.Unknown {
		ctx.SetUnknown(k)
	}
	in.Request.Context = ctx
	return in, append(warnings, b.relevantWarnings(p, resource)...), nil
}

// missingResource says when resource is an IAM user or role ARN the
// snapshot should hold but does not (a misspelt ARN answers every request
// with ImplicitlyDenied, or with no trust policy at all).
func (b *builder) missingResource(resource string) string {
	parts := strings.SplitN(resource, ":", 6)
	if len(parts) != 6 || parts[2] != "iam" || !strings.HasPrefix(parts[5], "user/") && !strings.HasPrefix(parts[5], "role/") || b.principalByARN(resource) != nil {
		return ""
	}
	acct := parts[4]
	switch {
	case b.unknownAcc[acct]:
		return fmt.Sprintf("resource %s: the IAM data of account %s is missing from the snapshot", resource, acct)
	case !b.knownAcct[acct]:
		return fmt.Sprintf("resource %s is in account %s, which is not in the snapshot", resource, acct)
	}
	return fmt.Sprintf("resource %s is not a user or role of the snapshot%s", resource, b.nearestNote(resource))
}

// nearestNote names the users and roles of the snapshot whose ARNs are
// closest to arn (by edit distance), for a message.
func (b *builder) nearestNote(arn string) string {
	type cand struct {
		arn  string
		dist int
	}
	var cands []cand
	seen := map[string]bool{}
	for _, p := range b.principals {
		if p.variantOf != nil || seen[p.arn] {
			continue
		}
		seen[p.arn] = true
		cands = append(cands, cand{p.arn, levenshtein.ComputeDistance(arn, p.arn)})
	}
	sort.Slice(cands, func(i, j int) bool {
		if cands[i].dist != cands[j].dist {
			return cands[i].dist < cands[j].dist
		}
		return cands[i].arn < cands[j].arn
	})
	var names []string
	for _, c := range cands[:min(3, len(cands))] {
		names = append(names, c.arn)
	}
	if len(names) == 0 {
		return ""
	}
	return " (nearest: " + strings.Join(names, ", ") + ")"
}

// relevantWarnings keeps the warnings about the documents an evaluation of
// p on resource reads.
func (b *builder) relevantWarnings(p *principal, resource string) []string {
	mentions := []string{p.arn + " ", p.arn + ";", resource + " ", "SCP level", "RCP level"}
	if a, ok := b.ix.Account(p.account); ok && a.IAM != nil && p.kind == KindUser {
		for _, u := range a.IAM.Users {
			if u.ARN != p.arn {
				continue
			}
			for _, g := range u.Groups {
				mentions = append(mentions, "group "+g+" of "+p.arn, ":group/"+g+" ", ":group/"+g+")")
			}
		}
	}
	var out []string
	for _, w := range b.warns {
		for _, m := range mentions {
			if strings.Contains(w+" ", m) {
				out = append(out, w)
				break
			}
		}
	}
	sort.Strings(out)
	return out
}

func sortedTagKeys(tags map[string]string) []string {
	out := make([]string, 0, len(tags))
	for k := range tags {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
