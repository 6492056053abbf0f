package drift

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// area is a part of the organization that drift compares as a whole: a
// gap (metadata.gaps) hides it entirely on the side that has the gap.
type area int

const (
	// areaTree is the organization tree: which accounts and OUs exist and
	// where they sit.
	areaTree area = iota
	// areaPolicies are the organization policies (SCPs, RCPs) and their
	// attachments.
	areaPolicies
	// areaIAM is one account's roles, users, groups and their policies.
	areaIAM
	// areaIdentityCenter is IAM Identity Center's assignments.
	areaIdentityCenter
	// areaGraph is everything the access graph reads: paths into
	// production (from principals of one account, or from outside the
	// organization) depend on every account's IAM, the policies, the tree
	// and Identity Center, and paths from users on their MFA.
	areaGraph
)

func (a area) String() string {
	return [...]string{"organization tree", "organization policies", "IAM", "Identity Center", "access graph"}[a]
}

// extent is how far a gap's shadow reaches over one area.
type extent int

const (
	// nowhere: the area does not depend on the section's data.
	nowhere extent = iota
	// ofAccount: the area of the gap's own account only (its IAM, or
	// the paths from its principals).
	ofAccount
	// everywhere: the area of the whole organization. For the access
	// graph, a gap in one account hides paths from every account: a
	// role of that account can be a hop, and the organization's
	// policies and Identity Center bound every account.
	everywhere
	// throughUsers: for the access graph, the paths from the gap's
	// account (ofAccount) and, when the account has IAM users, the paths
	// from every account: privilege escalation makes its users hops of
	// paths from anywhere (a principal that may create a user's access key
	// or console password becomes that user).
	throughUsers
)

// hides says, for every section of a snapshot a gap can cover
// (snapshot.Sections), which areas of the comparison the gap hides and
// how far. A section whose data drift does not compare, and that the
// access graph does not read, hides nothing: a gap there cannot turn a
// change into a non-change or the other way round. TestHidesEverySection
// fails when a section is added to the snapshot without a decision here.
var hides = map[string]map[area]extent{
	// DescribeOrganization / ListAccounts / the tree: which accounts and
	// OUs exist, where they sit, the policies' targets, and so every
	// path.
	snapshot.SectionOrganization: {areaTree: everywhere, areaPolicies: everywhere, areaGraph: everywhere},
	// SCPs and RCPs bound every principal of the organization.
	snapshot.SectionOrgPolicies: {areaPolicies: everywhere, areaGraph: everywhere},
	// Invitations and delegated administrators: not compared, not in
	// the graph.
	snapshot.SectionHandshakes:      {},
	snapshot.SectionDelegatedAdmins: {},
	// The audit role could not be assumed: nothing of the account was
	// read, its roles can be hops of any path.
	snapshot.SectionAccount: {areaIAM: ofAccount, areaGraph: everywhere},
	// Roles, users, groups and their policies.
	snapshot.SectionAuthDetails: {areaIAM: ofAccount, areaGraph: everywhere},
	// Counts and settings that drift does not compare and the graph does
	// not read.
	snapshot.SectionAccountSummary: {},
	snapshot.SectionPasswordPolicy: {},
	snapshot.SectionAliases:        {},
	// Whether a user has MFA (the credential report's mfa_active, the
	// user's devices) and a console password (password_enabled): the MFA
	// of paths from and through that account's users, and whether
	// iam:CreateLoginProfile or iam:UpdateLoginProfile takes a user over.
	// A user is a hop of paths from any account once escalation edges
	// lead to it.
	snapshot.SectionCredentialReport: {areaGraph: throughUsers},
	snapshot.SectionMFADevices:       {areaGraph: throughUsers},
	// SAML and OIDC providers: the graph takes federated principals from
	// trust policies, never from the provider list; drift does not
	// compare providers.
	snapshot.SectionProviders: {},
	// Identity Center assignments, and the roles they provision.
	snapshot.SectionIdentityCenter: {areaIdentityCenter: everywhere, areaGraph: everywhere},
	// The document of an AWS managed policy, attached in any account:
	// what the principals it is attached to may do.
	snapshot.SectionAWSManagedPolicies: {areaGraph: everywhere},
	// CIS section 1 data (alternate contacts, enabled regions, server
	// certificates, Access Analyzer): drift does not compare it and the
	// graph does not read it, so a gap there hides no role, user, policy
	// or path.
	snapshot.SectionAlternateContacts:  {},
	snapshot.SectionRegions:            {},
	snapshot.SectionServerCertificates: {},
	snapshot.SectionAccessAnalyzer:     {},
}

// hiddenBy reports whether a gap hides area a (of account, for areaIAM and
// for the paths from one account's principals; "" for the whole area),
// taking throughUsers as everywhere (side.hides knows whether the account
// has users). A section this build does not know (a snapshot from a newer
// orgaudit) is taken to hide everything: unknown, never compliant.
func hiddenBy(g snapshot.Gap, a area, account string) bool {
	shadow, known := hides[g.Section]
	if !known {
		return true
	}
	switch shadow[a] {
	case nowhere:
		return false
	case ofAccount:
		return g.AccountID == account
	}
	return true // everywhere
}

// side is one of the compared snapshots, with what it could not read.
type side struct {
	name string // "old" or "new"
	s    *snapshot.Snapshot
	// iamNotRead lists accounts of the snapshot whose IAM was not
	// collected at all (iam null): by a gap, or left out by --accounts.
	iamNotRead map[string]bool
	// inactive lists suspended or closing accounts: nobody can act in
	// them, so what is unknown about their IAM opens no path.
	inactive map[string]bool
	// withUsers lists the accounts that have IAM users.
	withUsers map[string]bool
	// setOps are the per-permission-set operations that failed for some
	// permission set of the snapshot (PermissionSet.Incomplete), and
	// setSources the sources whose paths go through the roles of such a
	// set (see permissionSetSources).
	setOps     map[string]bool
	setSources map[string]bool
	setNames   []string
}

func newSide(name string, s *snapshot.Snapshot) side {
	sd := side{name: name, s: s, iamNotRead: map[string]bool{}, inactive: map[string]bool{}, withUsers: map[string]bool{}, setOps: map[string]bool{}}
	sd.setSources, sd.setNames = permissionSetSources(s, sd.setOps)
	for _, a := range s.Accounts {
		if a.IAM == nil {
			sd.iamNotRead[a.ID] = true
		} else if len(a.IAM.Users) > 0 {
			sd.withUsers[a.ID] = true
		}
		if a.Status != "" && a.Status != "ACTIVE" {
			sd.inactive[a.ID] = true
		}
	}
	return sd
}

// permissionSetOps are the Identity Center operations made for one
// permission set: a gap of one of them leaves that set's name or policies
// unknown, not the assignments (read by account) nor the other sets.
var permissionSetOps = map[string]bool{
	"sso:DescribePermissionSet":                              true,
	"sso:ListManagedPoliciesInPermissionSet":                 true,
	"sso:ListCustomerManagedPolicyReferencesInPermissionSet": true,
	"sso:GetInlinePolicyForPermissionSet":                    true,
	"sso:GetPermissionsBoundaryForPermissionSet":             true,
}

// permissionSetSources returns the sources of paths that go through a
// role provisioned for a permission set the snapshot could not read in
// full (PermissionSet.Incomplete): the Identity Center users and groups
// assigned it (directly or through a group), and the provisioned roles of
// the accounts it is assigned in; only Identity Center sign-ins lead into
// those roles. It records the failed operations in ops and returns the
// names (or ARNs) of the sets.
func permissionSetSources(s *snapshot.Snapshot, ops map[string]bool) (map[string]bool, []string) {
	sources := map[string]bool{}
	ic := s.Identity
	if ic == nil {
		return sources, nil
	}
	incomplete := map[string]bool{}
	var names []string
	for _, ps := range ic.PermissionSets {
		if len(ps.Incomplete) == 0 {
			continue
		}
		incomplete[ps.ARN] = true
		name := ps.Name
		if name == "" {
			name = ps.ARN
		}
		names = append(names, name)
		for _, op := range ps.Incomplete {
			ops[op] = true
		}
	}
	members := map[string][]string{}
	for _, m := range ic.Memberships {
		members[m.GroupID] = append(members[m.GroupID], m.UserID)
	}
	for _, a := range ic.Assignments {
		if !incomplete[a.PermissionSetARN] {
			continue
		}
		sources["account:"+a.AccountID] = true
		if strings.EqualFold(a.PrincipalType, "GROUP") {
			sources["ic:group/"+a.PrincipalID] = true
			for _, u := range members[a.PrincipalID] {
				sources["ic:user/"+u] = true
			}
		} else {
			sources["ic:user/"+a.PrincipalID] = true
		}
	}
	sort.Strings(names)
	return sources, names
}

// throughIncompleteSet reports whether the paths of source may go through
// a role provisioned for a permission set the side could not read in
// full.
func (sd side) throughIncompleteSet(source string) bool {
	if sd.setSources[source] {
		return true
	}
	// A provisioned role: arn:PARTITION:iam::ACCOUNT:role/aws-reserved/sso.amazonaws.com/...
	if i := strings.Index(source, ":role/aws-reserved/sso.amazonaws.com/"); i >= 0 {
		parts := strings.SplitN(source[:i], ":", 6)
		return len(parts) == 5 && sd.setSources["account:"+parts[4]]
	}
	return false
}

// perSetGap reports whether gap g is about permission sets the snapshot
// marks as incomplete: it hides only the paths through their roles (and
// nothing of the assignments). A snapshot that does not mark them (written
// before PermissionSet.Incomplete existed) gets the section's whole
// shadow.
func (sd side) perSetGap(g snapshot.Gap) bool {
	return g.Section == snapshot.SectionIdentityCenter && permissionSetOps[g.Operation] && sd.setOps[g.Operation]
}

// hidden tells why the side cannot speak about area a (of account, for
// areaIAM), or "" when it can.
func (sd side) hidden(a area, account string) string { return sd.hiddenFrom(a, account, "") }

// hiddenFrom is hidden for the paths of one source (areaGraph): gaps about
// single permission sets hide the paths of the sources that go through
// their roles, and only those; with source "", they hide nothing (the
// paths they hide are said apart, see unknownAreas).
func (sd side) hiddenFrom(a area, account, source string) string {
	for _, g := range sd.s.Metadata.Gaps {
		if a == areaGraph && sd.inactive[g.AccountID] {
			continue
		}
		if sd.perSetGap(g) {
			if a != areaGraph || source == "" || !sd.throughIncompleteSet(source) {
				continue
			}
			return fmt.Sprintf("the %s snapshot could not read permission set %s in full (%s: %s), and these paths go through its roles", sd.name, strings.Join(sd.setNames, ", "), g.Operation, g.ErrorCode)
		}
		if sd.hides(g, a, account) {
			where := g.Section
			switch {
			case g.Section == snapshot.SectionAccount:
				where = "account " + g.AccountID
			case g.AccountID != "":
				where += " of account " + g.AccountID
			}
			return fmt.Sprintf("the %s snapshot could not read %s (%s: %s)", sd.name, where, g.Operation, g.ErrorCode)
		}
	}
	switch {
	case (a == areaTree || a == areaPolicies) && sd.s.Organization == nil:
		note := sd.s.Metadata.ScopeNote
		if note == "" {
			note = "no organization data"
		}
		return fmt.Sprintf("the %s snapshot has no organization (%s)", sd.name, note)
	case a == areaIAM && sd.iamNotRead[account]:
		return fmt.Sprintf("the %s snapshot did not collect the IAM of account %s", sd.name, account)
	case a == areaGraph:
		for _, id := range sortedKeys(sd.iamNotRead) {
			if !sd.inactive[id] {
				return fmt.Sprintf("the %s snapshot did not collect the IAM of account %s", sd.name, id)
			}
		}
	}
	return ""
}

// hides is hiddenBy on this side: a gap whose shadow passes through an
// account's users reaches only that account's paths when it has none.
func (sd side) hides(g snapshot.Gap, a area, account string) bool {
	if hides[g.Section][a] == throughUsers && !sd.withUsers[g.AccountID] {
		return g.AccountID == account
	}
	return hiddenBy(g, a, account)
}

// need says which sides a change relies on: an addition relies on the old
// snapshot (it did not have the item), a removal on the new one, a change
// on both.
type need int

const (
	needOld need = 1 << iota
	needNew
	needBoth = needOld | needNew
)

// scope is an area of one account (or of the organization).
type scope struct {
	area    area
	account string
}

// record adds a change, or, when a side it relies on could not read the
// area, an Unknown change that says what would have been reported and why
// it is not known.
func (c *comparer) record(ch Change, a area, account string, n need) {
	var why []string
	source := ""
	if a == areaGraph {
		source = ch.Resource // a path change is about its source's paths
	}
	if n&needOld != 0 {
		if r := c.oldSide.hiddenFrom(a, account, source); r != "" {
			why = append(why, r)
		}
	}
	if n&needNew != 0 {
		if r := c.newSide.hiddenFrom(a, account, source); r != "" {
			why = append(why, r)
		}
	}
	if len(why) == 0 {
		c.add(ch)
		return
	}
	c.mentioned[scope{a, account}] = true
	c.add(Change{
		Kind:      Unknown,
		AccountID: ch.AccountID,
		Resource:  ch.Resource,
		Summary:   fmt.Sprintf("%s? unknown: %s", ch.Summary, strings.Join(why, "; ")),
		WouldBe:   ch.Kind,
		Entry:     ch.Entry,
	})
}

// unknownAreas adds one Unknown change for every area a side could not read
// (of the accounts given, for IAM) and that no change mentions yet, so that the report says what it could
// not compare even where nothing differs. It returns whether anything was
// hidden at all.
func (c *comparer) unknownAreas(accounts []string, paths bool) bool {
	areas := []scope{{areaTree, ""}, {areaPolicies, ""}, {areaIdentityCenter, ""}}
	for _, id := range accounts {
		areas = append(areas, scope{areaIAM, id})
	}
	if paths {
		areas = append(areas, scope{areaGraph, ""})
		for _, id := range accounts {
			areas = append(areas, scope{areaGraph, id})
		}
	}
	incomplete, allPaths := false, false
	if paths {
		// Paths through the roles of permission sets read in part.
		var why []string
		for _, sd := range []side{c.oldSide, c.newSide} {
			for _, g := range sd.s.Metadata.Gaps {
				if sd.perSetGap(g) {
					why = append(why, fmt.Sprintf("the %s snapshot could not read permission set %s in full (%s: %s)", sd.name, strings.Join(sd.setNames, ", "), g.Operation, g.ErrorCode))
					break
				}
			}
		}
		if len(why) > 0 {
			incomplete = true
			c.add(Change{Kind: Unknown, Resource: "identity_center", Summary: fmt.Sprintf("changes to the paths into production through the roles Identity Center provisions for the permission sets read in part (from the users and groups assigned them) are unknown: %s", strings.Join(why, "; "))})
		}
	}
	for _, sc := range areas {
		var why []string
		for _, sd := range []side{c.oldSide, c.newSide} {
			if r := sd.hidden(sc.area, sc.account); r != "" {
				why = append(why, r)
			}
		}
		if len(why) == 0 {
			continue
		}
		incomplete = true
		if sc == (scope{areaGraph, ""}) {
			allPaths = true // a gap that hides every path: said once
		}
		if c.mentioned[sc] || (sc.area == areaGraph && sc.account != "" && allPaths) {
			continue
		}
		what := sc.area.String()
		resource := "organization"
		switch {
		case sc.area == areaIAM:
			what = fmt.Sprintf("IAM of account %s", c.label(sc.account))
			resource = sc.account
		case sc.area == areaGraph && sc.account != "":
			what = fmt.Sprintf("paths into production from account %s", c.label(sc.account))
			resource = sc.account
		case sc.area == areaGraph:
			what = "paths into production"
		}
		c.add(Change{Kind: Unknown, AccountID: sc.account, Resource: resource,
			Summary: fmt.Sprintf("changes to the %s are unknown: %s", what, strings.Join(why, "; "))})
	}
	return incomplete
}

// label names an account from whichever snapshot knows it.
func (c *comparer) label(id string) string {
	if _, ok := c.new.Account(id); ok {
		return c.new.AccountLabel(id)
	}
	return c.old.AccountLabel(id)
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// commonAccounts lists the ids of the accounts in both snapshots, whose
// IAM is compared (an account in one snapshot only joined or left).
func commonAccounts(old, new *snapshot.Snapshot) []string {
	inOld := map[string]bool{}
	for _, a := range old.Accounts {
		inOld[a.ID] = true
	}
	var ids []string
	for _, a := range new.Accounts {
		if inOld[a.ID] {
			ids = append(ids, a.ID)
		}
	}
	sort.Strings(ids)
	return slices.Compact(ids)
}
