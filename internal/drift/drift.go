// Package drift compares two snapshots of the same organization and lists
// what changed: accounts that joined, left or moved between OUs; roles,
// trust policies, users, group memberships, SCPs and Identity Center
// assignments added, removed or changed (with the policy statements that
// differ); and, given a reachability function, new paths into production
// and paths that lost their MFA condition.
//
// What either snapshot could not read (its metadata.gaps) is never
// reported as added or removed: a change that relies on unread data is
// reported as Unknown, saying what would have been reported and why it is
// not known, and the result is marked incomplete.
package drift

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/orgaudit/orgaudit/internal/policy"
	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// Kind names a kind of change. Kinds are stable: CI jobs select the kinds
// that fail a run by name.
type Kind string

// Change kinds.
const (
	AccountJoined        Kind = "account.joined"
	AccountLeft          Kind = "account.left"
	AccountMoved         Kind = "account.moved"
	AccountStatus        Kind = "account.status_changed"
	AccountRenamed       Kind = "account.renamed"
	OUAdded              Kind = "ou.added"
	OURemoved            Kind = "ou.removed"
	RoleAdded            Kind = "role.added"
	RoleRemoved          Kind = "role.removed"
	RoleTrustChanged     Kind = "role.trust_changed"
	RolePermsChanged     Kind = "role.permissions_changed"
	UserAdded            Kind = "user.added"
	UserRemoved          Kind = "user.removed"
	UserPermsChanged     Kind = "user.permissions_changed"
	MembershipAdded      Kind = "group_membership.added"
	MembershipRemoved    Kind = "group_membership.removed"
	GroupPermsChanged    Kind = "group.permissions_changed"
	SCPAdded             Kind = "scp.added"
	SCPRemoved           Kind = "scp.removed"
	SCPChanged           Kind = "scp.changed"
	SCPAttached          Kind = "scp.attached"
	SCPDetached          Kind = "scp.detached"
	SSOAssignmentAdded   Kind = "sso_assignment.added"
	SSOAssignmentRemoved Kind = "sso_assignment.removed"
	PathAdded            Kind = "path.added"
	PathRemoved          Kind = "path.removed"
	PathMFALost          Kind = "path.mfa_lost"
	PathMFAGained        Kind = "path.mfa_gained"
	// PathEscalationDropped: a principal that reached the target only by
	// privilege escalation now reaches it by role assumption alone.
	PathEscalationDropped Kind = "path.escalation_dropped"
	// PathEscalationRequired: a principal that reached the target by
	// role assumption now needs a privilege escalation on every path.
	PathEscalationRequired Kind = "path.escalation_required"
	// Unknown is a change that cannot be told because one of the
	// snapshots could not read the data it relies on (a gap): an item
	// missing on the side with the gap may or may not be gone.
	Unknown Kind = "unknown"
)

// Kinds lists every kind, in report order.
var Kinds = []Kind{
	Unknown,
	PathAdded, PathMFALost, PathEscalationDropped, PathRemoved, PathMFAGained, PathEscalationRequired,
	AccountJoined, AccountLeft, AccountMoved, AccountStatus, AccountRenamed, OUAdded, OURemoved,
	SCPAdded, SCPRemoved, SCPChanged, SCPAttached, SCPDetached,
	RoleAdded, RoleRemoved, RoleTrustChanged, RolePermsChanged,
	UserAdded, UserRemoved, UserPermsChanged, MembershipAdded, MembershipRemoved, GroupPermsChanged,
	SSOAssignmentAdded, SSOAssignmentRemoved,
}

// DefaultFailKinds are the kinds that make `orgaudit diff` exit 1 unless
// told otherwise: new ways into production and weakened guardrails.
var DefaultFailKinds = []Kind{PathAdded, PathMFALost, PathEscalationDropped, RoleTrustChanged, SCPRemoved, SCPChanged, SCPDetached}

// ValidKind reports whether k is a known kind.
func ValidKind(k Kind) bool { return slices.Contains(Kinds, k) }

// Change is one difference between the snapshots.
type Change struct {
	Kind      Kind   `json:"kind"`
	AccountID string `json:"account_id,omitempty"`
	// Resource is the ARN or id of what changed.
	Resource string `json:"resource"`
	// Summary says what changed, for humans.
	Summary string `json:"summary"`
	// PolicyDiff lists the statements removed and added when a policy
	// document changed.
	PolicyDiff *PolicyDiff `json:"policy_diff,omitempty"`
	// WouldBe is, for an Unknown change, the kind that would have been
	// reported had both snapshots read the data.
	WouldBe Kind `json:"would_be,omitempty"`
	// Entry is, for a path change, the role of the target the door opens
	// into: paths are compared per source and entry role.
	Entry string `json:"entry,omitempty"`
}

// PolicyDiff is a statement-level difference of two policy documents;
// statements are compact JSON.
type PolicyDiff struct {
	Removed []string `json:"removed"`
	Added   []string `json:"added"`
}

// Path is a door into a target, as a reachability function reports it:
// a principal and the role of the target its paths enter through. A
// principal with several entry roles has several Paths, compared one by
// one: a new door is reported whatever other doors the principal has.
type Path struct {
	// From is the principal (ARN, external account, "*", Identity Center
	// user or group).
	From string `json:"from"`
	// To is the target (an environment, a role ARN or an account id).
	To string `json:"to"`
	// Entry is the role of the target the door opens into (paths end at
	// the first node inside the target); empty when the reachability
	// function does not tell doors apart.
	Entry string `json:"entry,omitempty"`
	// AccountID is the source's account.
	AccountID string `json:"account_id"`
	// MFA is true when every path through this door requires MFA.
	MFA bool `json:"mfa"`
	// Escalation is true when every path through this door has a
	// privilege escalation hop: role assumption alone does not get there.
	Escalation bool `json:"escalation"`
	// Hops is the length of the shortest path through this door.
	Hops int `json:"hops"`
}

// ReachFunc returns the paths into production of a snapshot.
type ReachFunc func(*snapshot.Snapshot) ([]Path, error)

// Options tune a comparison.
type Options struct {
	// Reach, when set, is called on both snapshots to compare paths into
	// production.
	Reach ReachFunc
	// Force compares snapshots of different organizations (or accounts),
	// which Compare refuses otherwise.
	Force bool
}

// OrganizationMismatchError is Compare's answer to snapshots of two
// different organizations (or single accounts): their differences are
// not drift.
type OrganizationMismatchError struct {
	OldPath, Old, NewPath, New string
}

func (e *OrganizationMismatchError) Error() string {
	return fmt.Sprintf("%s is a snapshot of %s and %s of %s: diff compares two snapshots of one organization (--force compares them anyway)", e.OldPath, e.Old, e.NewPath, e.New)
}

// owner names what a snapshot describes: "organization o-…", or
// "account …" for a snapshot of one account outside an organization; ""
// when it does not say.
func owner(s *snapshot.Snapshot) string {
	switch {
	case s.Organization != nil && s.Organization.ID != "":
		return "organization " + s.Organization.ID
	case s.Metadata.Caller.AccountID != "":
		return "account " + s.Metadata.Caller.AccountID
	case len(s.Accounts) == 1:
		return "account " + s.Accounts[0].ID
	}
	return ""
}

// sameOwner refuses snapshots of different organizations. A snapshot of
// one account is comparable with a snapshot of the organization that
// holds that account (an organization that could not be described is
// collected as the caller's account).
func sameOwner(old, new *snapshot.Loaded) error {
	o, n := owner(old.Snapshot), owner(new.Snapshot)
	if o == "" || n == "" || o == n {
		return nil
	}
	holds := func(org *snapshot.Snapshot, acct string) bool {
		id, ok := strings.CutPrefix(acct, "account ")
		if !ok || org.Organization == nil {
			return false
		}
		return slices.ContainsFunc(org.Accounts, func(a snapshot.Account) bool { return a.ID == id })
	}
	if holds(old.Snapshot, n) || holds(new.Snapshot, o) {
		return nil
	}
	return &OrganizationMismatchError{OldPath: old.Path, Old: o, NewPath: new.Path, New: n}
}

// Result is the list of changes, sorted by kind (in Kinds order), account
// and resource.
type Result struct {
	Old     SnapshotRef `json:"old"`
	New     SnapshotRef `json:"new"`
	Changes []Change    `json:"changes"`
	// PathsCompared is false when no reachability function was given.
	PathsCompared bool `json:"paths_compared"`
	// Incomplete is true when either snapshot could not read data the
	// comparison needs (gaps): the Unknown changes say what.
	Incomplete bool `json:"incomplete"`
}

// SnapshotRef names a compared snapshot.
type SnapshotRef struct {
	Path        string `json:"path"`
	CollectedAt string `json:"collected_at"`
}

// Counts returns the number of changes per kind.
func (r *Result) Counts() map[Kind]int {
	c := map[Kind]int{}
	for _, ch := range r.Changes {
		c[ch.Kind]++
	}
	return c
}

// Any reports whether a change of one of the kinds is present.
func (r *Result) Any(kinds []Kind) bool {
	for _, ch := range r.Changes {
		if slices.Contains(kinds, ch.Kind) {
			return true
		}
	}
	return false
}

// Compare lists the changes from old to new. Snapshots of different
// organizations are refused (an *OrganizationMismatchError) unless
// opts.Force.
func Compare(old, new *snapshot.Loaded, opts Options) (*Result, error) {
	if !opts.Force {
		if err := sameOwner(old, new); err != nil {
			return nil, err
		}
	}
	c := &comparer{
		old: snapshot.NewIndex(old.Snapshot), new: snapshot.NewIndex(new.Snapshot),
		oldSide: newSide("old", old.Snapshot), newSide: newSide("new", new.Snapshot),
		mentioned: map[scope]bool{},
	}
	res := &Result{
		Old:     SnapshotRef{Path: old.Path, CollectedAt: old.Snapshot.Metadata.CollectedAt.UTC().Format("2006-01-02T15:04:05Z")},
		New:     SnapshotRef{Path: new.Path, CollectedAt: new.Snapshot.Metadata.CollectedAt.UTC().Format("2006-01-02T15:04:05Z")},
		Changes: []Change{},
	}
	c.organization(old.Snapshot, new.Snapshot)
	c.accounts(old.Snapshot, new.Snapshot)
	c.identityCenter(old.Snapshot, new.Snapshot)
	if opts.Reach != nil {
		if err := c.paths(old.Snapshot, new.Snapshot, opts.Reach); err != nil {
			return nil, err
		}
		res.PathsCompared = true
	}
	res.Incomplete = c.unknownAreas(commonAccounts(old.Snapshot, new.Snapshot), opts.Reach != nil)
	order := map[Kind]int{}
	for i, k := range Kinds {
		order[k] = i
	}
	sort.SliceStable(c.changes, func(i, j int) bool {
		a, b := c.changes[i], c.changes[j]
		if a.Kind != b.Kind {
			return order[a.Kind] < order[b.Kind]
		}
		if a.AccountID != b.AccountID {
			return a.AccountID < b.AccountID
		}
		if a.Resource != b.Resource {
			return a.Resource < b.Resource
		}
		return a.Summary < b.Summary
	})
	if c.changes != nil {
		res.Changes = c.changes
	}
	return res, nil
}

type comparer struct {
	old, new         *snapshot.Index
	oldSide, newSide side
	// mentioned records the areas an Unknown change already covers.
	mentioned map[scope]bool
	changes   []Change
}

func (c *comparer) add(ch Change) { c.changes = append(c.changes, ch) }

// containerPath renders where an account sits: "Root/Prod/Workloads".
func containerPath(ix *snapshot.Index, parent string) string {
	parts := []string{ix.ContainerName(parent)}
	if ou, ok := ix.OU(parent); ok {
		for _, anc := range ix.Ancestors(ou.ID) {
			parts = append(parts, ix.ContainerName(anc))
		}
	}
	slices.Reverse(parts)
	return strings.Join(parts, "/")
}

func (c *comparer) organization(old, new *snapshot.Snapshot) {
	var oldOUs, newOUs map[string]snapshot.OrganizationalUnit
	var oldPol, newPol map[string]snapshot.OrgPolicy
	if old.Organization != nil {
		oldOUs = byKey(old.Organization.OrganizationalUnits, func(o snapshot.OrganizationalUnit) string { return o.ID })
		oldPol = byKey(old.Organization.Policies, func(p snapshot.OrgPolicy) string { return p.ID })
	}
	if new.Organization != nil {
		newOUs = byKey(new.Organization.OrganizationalUnits, func(o snapshot.OrganizationalUnit) string { return o.ID })
		newPol = byKey(new.Organization.Policies, func(p snapshot.OrgPolicy) string { return p.ID })
	}
	for _, id := range slices.Sorted(maps.Keys(newOUs)) {
		if _, ok := oldOUs[id]; !ok {
			ou := newOUs[id]
			c.record(Change{Kind: OUAdded, Resource: ou.ARN, Summary: fmt.Sprintf("OU %s added under %s", ou.Name, containerPath(c.new, ou.ParentID))}, areaTree, "", needOld)
		}
	}
	for _, id := range slices.Sorted(maps.Keys(oldOUs)) {
		if _, ok := newOUs[id]; !ok {
			ou := oldOUs[id]
			c.record(Change{Kind: OURemoved, Resource: ou.ARN, Summary: fmt.Sprintf("OU %s removed from %s", ou.Name, containerPath(c.old, ou.ParentID))}, areaTree, "", needNew)
		}
	}
	for _, id := range slices.Sorted(maps.Keys(newPol)) {
		np := newPol[id]
		op, existed := oldPol[id]
		if !existed {
			c.record(Change{Kind: SCPAdded, Resource: np.ARN, Summary: fmt.Sprintf("%s %s added, attached to %s", policyKind(np.Type), np.Name, targetNames(np.Targets))}, areaPolicies, "", needOld)
			continue
		}
		if d := diffDocuments(op.Document, np.Document); d != nil {
			c.record(Change{Kind: SCPChanged, Resource: np.ARN, Summary: fmt.Sprintf("%s %s document changed", policyKind(np.Type), np.Name), PolicyDiff: d}, areaPolicies, "", needBoth)
		}
		oldT := byKey(op.Targets, func(t snapshot.PolicyTarget) string { return t.TargetID })
		newT := byKey(np.Targets, func(t snapshot.PolicyTarget) string { return t.TargetID })
		for _, t := range slices.Sorted(maps.Keys(newT)) {
			if _, ok := oldT[t]; !ok {
				c.record(Change{Kind: SCPAttached, Resource: np.ARN, Summary: fmt.Sprintf("%s %s attached to %s", policyKind(np.Type), np.Name, targetName(newT[t]))}, areaPolicies, "", needBoth)
			}
		}
		for _, t := range slices.Sorted(maps.Keys(oldT)) {
			if _, ok := newT[t]; !ok {
				c.record(Change{Kind: SCPDetached, Resource: np.ARN, Summary: fmt.Sprintf("%s %s detached from %s", policyKind(np.Type), np.Name, targetName(oldT[t]))}, areaPolicies, "", needBoth)
			}
		}
	}
	for _, id := range slices.Sorted(maps.Keys(oldPol)) {
		if _, ok := newPol[id]; !ok {
			op := oldPol[id]
			c.record(Change{Kind: SCPRemoved, Resource: op.ARN, Summary: fmt.Sprintf("%s %s removed (was attached to %s)", policyKind(op.Type), op.Name, targetNames(op.Targets))}, areaPolicies, "", needNew)
		}
	}
}

func policyKind(t string) string {
	if t == "SERVICE_CONTROL_POLICY" || t == "" {
		return "SCP"
	}
	return strings.ToLower(strings.ReplaceAll(t, "_", " "))
}

func targetName(t snapshot.PolicyTarget) string {
	if t.Name != "" && t.Name != t.TargetID {
		return fmt.Sprintf("%s (%s)", t.Name, t.TargetID)
	}
	return t.TargetID
}

func targetNames(ts []snapshot.PolicyTarget) string {
	if len(ts) == 0 {
		return "nothing"
	}
	var out []string
	for _, t := range ts {
		out = append(out, targetName(t))
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}

func (c *comparer) accounts(old, new *snapshot.Snapshot) {
	oldA := byKey(old.Accounts, func(a snapshot.Account) string { return a.ID })
	newA := byKey(new.Accounts, func(a snapshot.Account) string { return a.ID })
	for _, id := range slices.Sorted(maps.Keys(newA)) {
		na := newA[id]
		oa, existed := oldA[id]
		if !existed {
			c.record(Change{Kind: AccountJoined, AccountID: id, Resource: id, Summary: fmt.Sprintf("account %s joined, in %s", c.new.AccountLabel(id), containerPath(c.new, na.ParentID))}, areaTree, "", needOld)
			continue
		}
		if oa.ParentID != na.ParentID && na.ParentID != "" {
			c.record(Change{Kind: AccountMoved, AccountID: id, Resource: id, Summary: fmt.Sprintf("account %s moved from %s to %s", c.new.AccountLabel(id), containerPath(c.old, oa.ParentID), containerPath(c.new, na.ParentID))}, areaTree, "", needBoth)
		}
		if oa.Name != na.Name && oa.Name != "" && na.Name != "" {
			c.record(Change{Kind: AccountRenamed, AccountID: id, Resource: id, Summary: fmt.Sprintf("account %s renamed from %s to %s", id, oa.Name, na.Name)}, areaTree, "", needBoth)
		}
		if oa.Status != na.Status {
			c.record(Change{Kind: AccountStatus, AccountID: id, Resource: id, Summary: fmt.Sprintf("account %s status %s → %s", c.new.AccountLabel(id), oa.Status, na.Status)}, areaTree, "", needBoth)
		}
		if oa.IAM != nil || na.IAM != nil {
			// An IAM that was not read is compared as empty: what the
			// other side has is then Unknown, never added or removed.
			c.iam(id, orEmpty(oa.IAM), orEmpty(na.IAM))
		}
	}
	for _, id := range slices.Sorted(maps.Keys(oldA)) {
		if _, ok := newA[id]; !ok {
			c.record(Change{Kind: AccountLeft, AccountID: id, Resource: id, Summary: fmt.Sprintf("account %s left the organization", c.old.AccountLabel(id))}, areaTree, "", needNew)
		}
	}
}

func (c *comparer) iam(acct string, old, new *snapshot.IAM) {
	label := c.new.AccountLabel(acct)
	oldR := byKey(old.Roles, func(r snapshot.Role) string { return r.ARN })
	newR := byKey(new.Roles, func(r snapshot.Role) string { return r.ARN })
	for _, arn := range slices.Sorted(maps.Keys(newR)) {
		nr := newR[arn]
		or, existed := oldR[arn]
		if !existed {
			c.record(Change{Kind: RoleAdded, AccountID: acct, Resource: arn, Summary: fmt.Sprintf("role %s added in %s, trusting %s", nr.Name, label, trustSummary(nr.TrustPolicy)),
				PolicyDiff: diffDocuments(nil, nr.TrustPolicy)}, areaIAM, acct, needOld)
			continue
		}
		if d := diffDocuments(or.TrustPolicy, nr.TrustPolicy); d != nil {
			c.record(Change{Kind: RoleTrustChanged, AccountID: acct, Resource: arn, Summary: fmt.Sprintf("trust policy of role %s in %s changed", nr.Name, label), PolicyDiff: d}, areaIAM, acct, needBoth)
		}
		if s, d := permissionsDiff(or.InlinePolicies, nr.InlinePolicies, or.AttachedPolicies, nr.AttachedPolicies, or.PermissionsBoundary, nr.PermissionsBoundary); s != "" {
			c.record(Change{Kind: RolePermsChanged, AccountID: acct, Resource: arn, Summary: fmt.Sprintf("permissions of role %s in %s changed: %s", nr.Name, label, s), PolicyDiff: d}, areaIAM, acct, needBoth)
		}
	}
	for _, arn := range slices.Sorted(maps.Keys(oldR)) {
		if _, ok := newR[arn]; !ok {
			c.record(Change{Kind: RoleRemoved, AccountID: acct, Resource: arn, Summary: fmt.Sprintf("role %s removed from %s", oldR[arn].Name, label)}, areaIAM, acct, needNew)
		}
	}

	oldU := byKey(old.Users, func(u snapshot.User) string { return u.ARN })
	newU := byKey(new.Users, func(u snapshot.User) string { return u.ARN })
	for _, arn := range slices.Sorted(maps.Keys(newU)) {
		nu := newU[arn]
		ou, existed := oldU[arn]
		if !existed {
			c.record(Change{Kind: UserAdded, AccountID: acct, Resource: arn, Summary: fmt.Sprintf("user %s added in %s (groups: %s)", nu.Name, label, listOrNone(nu.Groups))}, areaIAM, acct, needOld)
			for _, g := range nu.Groups {
				c.record(Change{Kind: MembershipAdded, AccountID: acct, Resource: arn, Summary: fmt.Sprintf("user %s added to group %s in %s", nu.Name, g, label)}, areaIAM, acct, needOld)
			}
			continue
		}
		for _, g := range setDiff(nu.Groups, ou.Groups) {
			c.record(Change{Kind: MembershipAdded, AccountID: acct, Resource: arn, Summary: fmt.Sprintf("user %s added to group %s in %s", nu.Name, g, label)}, areaIAM, acct, needBoth)
		}
		for _, g := range setDiff(ou.Groups, nu.Groups) {
			c.record(Change{Kind: MembershipRemoved, AccountID: acct, Resource: arn, Summary: fmt.Sprintf("user %s removed from group %s in %s", nu.Name, g, label)}, areaIAM, acct, needBoth)
		}
		if s, d := permissionsDiff(ou.InlinePolicies, nu.InlinePolicies, ou.AttachedPolicies, nu.AttachedPolicies, ou.PermissionsBoundary, nu.PermissionsBoundary); s != "" {
			c.record(Change{Kind: UserPermsChanged, AccountID: acct, Resource: arn, Summary: fmt.Sprintf("permissions of user %s in %s changed: %s", nu.Name, label, s), PolicyDiff: d}, areaIAM, acct, needBoth)
		}
	}
	for _, arn := range slices.Sorted(maps.Keys(oldU)) {
		if _, ok := newU[arn]; !ok {
			c.record(Change{Kind: UserRemoved, AccountID: acct, Resource: arn, Summary: fmt.Sprintf("user %s removed from %s", oldU[arn].Name, label)}, areaIAM, acct, needNew)
		}
	}

	oldG := byKey(old.Groups, func(g snapshot.Group) string { return g.ARN })
	for _, ng := range new.Groups {
		og, ok := oldG[ng.ARN]
		if !ok {
			continue
		}
		if s, d := permissionsDiff(og.InlinePolicies, ng.InlinePolicies, og.AttachedPolicies, ng.AttachedPolicies, nil, nil); s != "" {
			c.record(Change{Kind: GroupPermsChanged, AccountID: acct, Resource: ng.ARN, Summary: fmt.Sprintf("permissions of group %s in %s changed: %s", ng.Name, label, s), PolicyDiff: d}, areaIAM, acct, needBoth)
		}
	}
}

// orEmpty returns iam, or an empty IAM for one that was not read.
func orEmpty(iam *snapshot.IAM) *snapshot.IAM {
	if iam == nil {
		return &snapshot.IAM{}
	}
	return iam
}

func listOrNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

// permissionsDiff summarises changes of a principal's policies: attached
// policies added or removed, inline policies added, removed or changed
// (with the statements), and the permissions boundary.
func permissionsDiff(oldIn, newIn []snapshot.InlinePolicy, oldAt, newAt []snapshot.AttachedPolicy, oldB, newB *snapshot.AttachedPolicy) (string, *PolicyDiff) {
	var parts []string
	diff := &PolicyDiff{Removed: []string{}, Added: []string{}}
	oldAtN := names(oldAt)
	newAtN := names(newAt)
	for _, a := range setDiff(newAtN, oldAtN) {
		parts = append(parts, "attached "+a)
	}
	for _, a := range setDiff(oldAtN, newAtN) {
		parts = append(parts, "detached "+a)
	}
	oi := byKey(oldIn, func(p snapshot.InlinePolicy) string { return p.Name })
	ni := byKey(newIn, func(p snapshot.InlinePolicy) string { return p.Name })
	for _, n := range slices.Sorted(maps.Keys(ni)) {
		op, ok := oi[n]
		var d *PolicyDiff
		if !ok {
			parts = append(parts, "inline policy "+n+" added")
			d = diffDocuments(nil, ni[n].Document)
		} else if d = diffDocuments(op.Document, ni[n].Document); d != nil {
			parts = append(parts, "inline policy "+n+" changed")
		}
		if d != nil {
			diff.Removed = append(diff.Removed, d.Removed...)
			diff.Added = append(diff.Added, d.Added...)
		}
	}
	for _, n := range slices.Sorted(maps.Keys(oi)) {
		if _, ok := ni[n]; !ok {
			parts = append(parts, "inline policy "+n+" removed")
			if d := diffDocuments(oi[n].Document, nil); d != nil {
				diff.Removed = append(diff.Removed, d.Removed...)
			}
		}
	}
	ob, nb := "", ""
	if oldB != nil {
		ob = oldB.ARN
	}
	if newB != nil {
		nb = newB.ARN
	}
	switch {
	case ob == nb:
	case nb == "":
		parts = append(parts, "permissions boundary removed")
	case ob == "":
		parts = append(parts, "permissions boundary set to "+nb)
	default:
		parts = append(parts, "permissions boundary changed to "+nb)
	}
	if len(parts) == 0 {
		return "", nil
	}
	if len(diff.Removed) == 0 && len(diff.Added) == 0 {
		diff = nil
	}
	return strings.Join(parts, "; "), diff
}

func names(ps []snapshot.AttachedPolicy) []string {
	out := make([]string, 0, len(ps))
	for _, p := range ps {
		out = append(out, p.ARN)
	}
	return out
}

func (c *comparer) identityCenter(old, new *snapshot.Snapshot) {
	key := func(a snapshot.Assignment) string {
		return a.AccountID + "|" + a.PermissionSetARN + "|" + a.PrincipalType + "|" + a.PrincipalID
	}
	var oldA, newA map[string]snapshot.Assignment
	if old.Identity != nil {
		oldA = byKey(old.Identity.Assignments, key)
	}
	if new.Identity != nil {
		newA = byKey(new.Identity.Assignments, key)
	}
	describe := func(s *snapshot.Snapshot, ix *snapshot.Index, a snapshot.Assignment) string {
		return fmt.Sprintf("%s %s gets permission set %s in %s", strings.ToLower(a.PrincipalType), ssoPrincipalName(s, a), permissionSetName(s, a.PermissionSetARN), ix.AccountLabel(a.AccountID))
	}
	for _, k := range slices.Sorted(maps.Keys(newA)) {
		if _, ok := oldA[k]; !ok {
			a := newA[k]
			c.record(Change{Kind: SSOAssignmentAdded, AccountID: a.AccountID, Resource: a.PermissionSetARN, Summary: "Identity Center assignment added: " + describe(new, c.new, a)}, areaIdentityCenter, "", needOld)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(oldA)) {
		if _, ok := newA[k]; !ok {
			a := oldA[k]
			c.record(Change{Kind: SSOAssignmentRemoved, AccountID: a.AccountID, Resource: a.PermissionSetARN, Summary: "Identity Center assignment removed: " + describe(old, c.old, a)}, areaIdentityCenter, "", needNew)
		}
	}
}

func ssoPrincipalName(s *snapshot.Snapshot, a snapshot.Assignment) string {
	if s.Identity == nil {
		return a.PrincipalID
	}
	if a.PrincipalType == "GROUP" {
		for _, g := range s.Identity.Groups {
			if g.ID == a.PrincipalID {
				return g.DisplayName
			}
		}
	} else {
		for _, u := range s.Identity.Users {
			if u.ID == a.PrincipalID {
				return u.UserName
			}
		}
	}
	return a.PrincipalID
}

func permissionSetName(s *snapshot.Snapshot, arn string) string {
	if s.Identity != nil {
		for _, ps := range s.Identity.PermissionSets {
			if ps.ARN == arn {
				return ps.Name
			}
		}
	}
	return arn
}

// paths compares reachability into production door by door: per source
// and entry role. A door that opens is path.added whatever other doors
// its source has; a door that loses its MFA condition is path.mfa_lost.
func (c *comparer) paths(old, new *snapshot.Snapshot, reach ReachFunc) error {
	op, err := reach(old)
	if err != nil {
		return fmt.Errorf("paths of the old snapshot: %w", err)
	}
	np, err := reach(new)
	if err != nil {
		return fmt.Errorf("paths of the new snapshot: %w", err)
	}
	key := func(p Path) string { return p.From + "\x00" + p.To + "\x00" + p.Entry }
	oldP := byKey(op, key)
	newP := byKey(np, key)
	mfa := func(b bool) string {
		if b {
			return "with MFA on every path"
		}
		return "without MFA on some path"
	}
	door := func(p Path) Change {
		return Change{AccountID: p.AccountID, Resource: p.From, Entry: p.Entry}
	}
	with := func(ch Change, kind Kind, summary string) Change {
		ch.Kind, ch.Summary = kind, summary
		return ch
	}
	for _, k := range slices.Sorted(maps.Keys(newP)) {
		p := newP[k]
		o, existed := oldP[k]
		d := door(p)
		switch {
		case !existed:
			c.record(with(d, PathAdded, fmt.Sprintf("new door into %s: %s can reach %s in %d hop(s), %s", p.To, p.From, entry(p), p.Hops, mfa(p.MFA))), areaGraph, p.AccountID, needOld)
			continue
		case o.MFA && !p.MFA:
			c.record(with(d, PathMFALost, fmt.Sprintf("%s can now reach %s without MFA (MFA was required on every path through it before)", p.From, entry(p))), areaGraph, p.AccountID, needBoth)
		case !o.MFA && p.MFA:
			c.record(with(d, PathMFAGained, fmt.Sprintf("%s now needs MFA on every path into %s", p.From, entry(p))), areaGraph, p.AccountID, needBoth)
		}
		switch {
		case o.Escalation && !p.Escalation:
			c.record(with(d, PathEscalationDropped, fmt.Sprintf("%s can now reach %s by role assumption alone (every path through it needed a privilege escalation before)", p.From, entry(p))), areaGraph, p.AccountID, needBoth)
		case !o.Escalation && p.Escalation:
			c.record(with(d, PathEscalationRequired, fmt.Sprintf("%s now needs a privilege escalation on every path into %s", p.From, entry(p))), areaGraph, p.AccountID, needBoth)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(oldP)) {
		if _, ok := newP[k]; !ok {
			p := oldP[k]
			c.record(with(door(p), PathRemoved, fmt.Sprintf("%s can no longer reach %s", p.From, entry(p))), areaGraph, p.AccountID, needNew)
		}
	}
	return nil
}

// entry names where a door enters its target.
func entry(p Path) string {
	if p.Entry != "" {
		return p.To + " through " + p.Entry
	}
	return p.To
}

// diffDocuments compares two policy documents statement by statement.
// It returns nil when they are equivalent.
func diffDocuments(old, new json.RawMessage) *PolicyDiff {
	os, on := statements(old), statements(new)
	d := &PolicyDiff{Removed: setDiff(os, on), Added: setDiff(on, os)}
	if len(d.Removed) == 0 && len(d.Added) == 0 {
		return nil
	}
	return d
}

// statements renders a document's statements as canonical compact JSON
// (object keys sorted), whether Statement is an object or a list.
func statements(doc json.RawMessage) []string {
	if len(doc) == 0 {
		return nil
	}
	var d struct {
		Statement json.RawMessage `json:"Statement"`
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		return []string{string(doc)}
	}
	var list []any
	if err := json.Unmarshal(d.Statement, &list); err != nil {
		var one any
		if err := json.Unmarshal(d.Statement, &one); err != nil {
			return nil
		}
		list = []any{one}
	}
	out := make([]string, 0, len(list))
	for _, s := range list {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(s); err == nil {
			out = append(out, strings.TrimSpace(buf.String()))
		}
	}
	return out
}

// trustSummary names who a trust policy admits, for messages.
func trustSummary(doc json.RawMessage) string {
	d, err := policy.ParseRaw(doc)
	if err != nil {
		return "?"
	}
	var who []string
	for _, st := range d.Statements {
		if st.Effect != policy.Allow || st.Principal == nil {
			continue
		}
		p := st.Principal
		if p.All {
			who = append(who, "*")
		}
		for _, a := range p.AWS {
			who = append(who, a.Raw)
		}
		who = append(append(append(who, p.Service...), p.Federated...), p.CanonicalUser...)
	}
	if len(who) == 0 {
		return "nobody"
	}
	sort.Strings(who)
	return strings.Join(slices.Compact(who), ", ")
}

func byKey[T any](items []T, key func(T) string) map[string]T {
	m := make(map[string]T, len(items))
	for _, it := range items {
		m[key(it)] = it
	}
	return m
}

// setDiff returns the sorted elements of a that are not in b.
func setDiff(a, b []string) []string {
	in := make(map[string]bool, len(b))
	for _, x := range b {
		in[x] = true
	}
	var out []string
	for _, x := range a {
		if !in[x] {
			out = append(out, x)
			in[x] = true
		}
	}
	sort.Strings(out)
	return out
}
