package snapshot

import (
	"encoding/json"
	"strings"
)

// Index answers the lookups most consumers of a snapshot need (by id, by
// ARN, the OU path of an account) in constant time. Build it once with
// NewIndex; it does not copy the snapshot and must not outlive changes to it.
type Index struct {
	s        *Snapshot
	accounts map[string]*Account
	byName   map[string][]*Account
	ous      map[string]*OrganizationalUnit
	roots    map[string]*Root
	policies map[string]*Policy // customer and AWS managed, by ARN
	gaps     map[string][]Gap   // by account id ("" for organization-wide)
}

// NewIndex builds the index of s.
func NewIndex(s *Snapshot) *Index {
	ix := &Index{
		s:        s,
		accounts: make(map[string]*Account, len(s.Accounts)),
		byName:   make(map[string][]*Account, len(s.Accounts)),
		ous:      map[string]*OrganizationalUnit{},
		roots:    map[string]*Root{},
		policies: map[string]*Policy{},
		gaps:     map[string][]Gap{},
	}
	for i := range s.Accounts {
		a := &s.Accounts[i]
		ix.accounts[a.ID] = a
		ix.byName[strings.ToLower(a.Name)] = append(ix.byName[strings.ToLower(a.Name)], a)
		if a.IAM != nil {
			for j := range a.IAM.Policies {
				ix.policies[a.IAM.Policies[j].ARN] = &a.IAM.Policies[j]
			}
		}
	}
	for i := range s.AWSPolicies {
		ix.policies[s.AWSPolicies[i].ARN] = &s.AWSPolicies[i]
	}
	if o := s.Organization; o != nil {
		for i := range o.OrganizationalUnits {
			ix.ous[o.OrganizationalUnits[i].ID] = &o.OrganizationalUnits[i]
		}
		for i := range o.Roots {
			ix.roots[o.Roots[i].ID] = &o.Roots[i]
		}
	}
	for _, g := range s.Metadata.Gaps {
		ix.gaps[g.AccountID] = append(ix.gaps[g.AccountID], g)
	}
	return ix
}

// Snapshot returns the indexed snapshot.
func (ix *Index) Snapshot() *Snapshot { return ix.s }

// Account returns the account with the given id.
func (ix *Index) Account(id string) (*Account, bool) {
	a, ok := ix.accounts[id]
	return a, ok
}

// AccountLabel names an account for people: "name (id)", or the id alone
// when the account is not in the snapshot or has no name.
func (ix *Index) AccountLabel(id string) string {
	if a, ok := ix.accounts[id]; ok && a.Name != "" {
		return a.Name + " (" + id + ")"
	}
	return id
}

// AccountsNamed returns the accounts whose name matches, ignoring case.
func (ix *Index) AccountsNamed(name string) []*Account { return ix.byName[strings.ToLower(name)] }

// OU returns the organizational unit with the given id.
func (ix *Index) OU(id string) (*OrganizationalUnit, bool) {
	ou, ok := ix.ous[id]
	return ou, ok
}

// Root returns the organization root with the given id.
func (ix *Index) Root(id string) (*Root, bool) {
	r, ok := ix.roots[id]
	return r, ok
}

// ManagedPolicy returns the managed policy (customer or AWS managed) with
// the given ARN.
func (ix *Index) ManagedPolicy(arn string) (*Policy, bool) {
	p, ok := ix.policies[arn]
	return p, ok
}

// PolicyDocument returns the document of the managed policy with the given
// ARN, or nil when the snapshot does not hold it.
func (ix *Index) PolicyDocument(arn string) json.RawMessage {
	if p, ok := ix.policies[arn]; ok {
		return p.Document
	}
	return nil
}

// Ancestors returns the ids of the containers above the account or OU with
// the given id, nearest first, ending with the root. It stops at a missing
// parent and never loops.
func (ix *Index) Ancestors(id string) []string {
	var parent string
	if a, ok := ix.accounts[id]; ok {
		parent = a.ParentID
	} else if ou, ok := ix.ous[id]; ok {
		parent = ou.ParentID
	}
	var out []string
	seen := map[string]bool{id: true}
	for parent != "" && !seen[parent] {
		seen[parent] = true
		out = append(out, parent)
		ou, ok := ix.ous[parent]
		if !ok {
			break
		}
		parent = ou.ParentID
	}
	return out
}

// InOU reports whether the account or OU with the given id is the OU ouID
// or lies beneath it at any depth.
func (ix *Index) InOU(id, ouID string) bool {
	if id == ouID {
		return true
	}
	for _, anc := range ix.Ancestors(id) {
		if anc == ouID {
			return true
		}
	}
	return false
}

// ContainerName returns the name of a root or OU, or the id when unknown.
func (ix *Index) ContainerName(id string) string {
	if ou, ok := ix.ous[id]; ok {
		return ou.Name
	}
	if r, ok := ix.roots[id]; ok {
		return r.Name
	}
	return id
}

// IsManagementAccount reports whether id is the organization's management
// account.
func (ix *Index) IsManagementAccount(id string) bool {
	return ix.s.Organization != nil && ix.s.Organization.ManagementAccountID == id
}

// Gaps returns the gaps recorded for an account ("" for organization-wide
// gaps).
func (ix *Index) Gaps(accountID string) []Gap { return ix.gaps[accountID] }

// HasGap reports whether data of the given section is missing for the
// account: a gap in that section, or a gap that covers the whole account.
func (ix *Index) HasGap(accountID, section string) bool {
	for _, g := range ix.gaps[accountID] {
		if g.Section == section || g.Section == SectionAccount {
			return true
		}
	}
	return false
}
