package graph

import (
	"slices"
	"strings"

	"github.com/orgaudit/orgaudit/internal/policy"
	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// PolicyHolder returns what holds the identity policy a statement of
// principal's came from, as the graph labels it (policy.StatementRef.Policy,
// Mismatch.Policy): the thing a person edits to change the grant.
//
//   - "inline:NAME": the principal's own inline policy: the principal;
//   - "group/NAME:inline:P": an inline policy of the principal's group: the
//     group's ARN;
//   - a customer managed policy ARN: that ARN (editing it changes every
//     principal it is attached to);
//   - an AWS managed policy ARN (which nobody can edit): what it is
//     attached to, the principal itself or, for a user, the first of its
//     groups that attaches it; for a role Identity Center provisions, the
//     permission set;
//   - "permission-set:NAME:inline": the permission set's ARN.
//
// Anything else, and what the snapshot cannot resolve, is the principal.
func (g *Graph) PolicyHolder(principal, label string) string {
	acct := arnAccount(principal)
	switch {
	case strings.HasPrefix(label, "inline:"):
		if n, ok := g.Node(principal); ok && n.Kind == KindUserInGroup {
			user, _, _ := strings.Cut(principal, "+group/")
			return user
		}
		return principal
	case strings.HasPrefix(label, "group/"):
		name, _, _ := strings.Cut(strings.TrimPrefix(label, "group/"), ":inline:")
		if grp := g.group(acct, name); grp != nil {
			return grp.ARN
		}
	case strings.HasPrefix(label, "permission-set:"):
		name := strings.TrimSuffix(strings.TrimPrefix(label, "permission-set:"), ":inline")
		if ps := g.permissionSet(name); ps != nil {
			return ps.ARN
		}
	case strings.HasPrefix(label, "arn:"):
		if !policy.IsAWSManagedPolicyARN(label) {
			return label
		}
		return g.attachedTo(principal, acct, label)
	}
	return principal
}

// attachedTo returns what an AWS managed policy reaches principal
// through: the principal, one of its groups, or its permission set.
func (g *Graph) attachedTo(principal, acct, arn string) string {
	n, ok := g.Node(principal)
	if !ok {
		return principal
	}
	switch n.Kind {
	case KindSSORole:
		name := strings.TrimSuffix(strings.TrimPrefix(n.Name, "AWSReservedSSO_"), "_*")
		if ps := g.permissionSet(name); ps != nil {
			return ps.ARN
		}
	case KindUser, KindUserInGroup:
		userARN, _, _ := strings.Cut(principal, "+group/")
		a, ok := g.ix.Account(acct)
		if !ok || a.IAM == nil {
			return principal
		}
		for i := range a.IAM.Users {
			u := &a.IAM.Users[i]
			if u.ARN != userARN {
				continue
			}
			if attaches(u.AttachedPolicies, arn) {
				return userARN
			}
			groups := slices.Clone(u.Groups)
			if n.Kind == KindUserInGroup {
				_, joined, _ := strings.Cut(principal, "+group/")
				groups = append(groups, joined)
			}
			for _, name := range groups {
				if grp := g.group(acct, name); grp != nil && attaches(grp.AttachedPolicies, arn) {
					return grp.ARN
				}
			}
		}
	}
	return principal
}

func attaches(ps []snapshot.AttachedPolicy, arn string) bool {
	return slices.ContainsFunc(ps, func(p snapshot.AttachedPolicy) bool { return p.ARN == arn })
}

// group returns the IAM group of account acct with the given name.
func (g *Graph) group(acct, name string) *snapshot.Group {
	a, ok := g.ix.Account(acct)
	if !ok || a.IAM == nil {
		return nil
	}
	for i := range a.IAM.Groups {
		if a.IAM.Groups[i].Name == name {
			return &a.IAM.Groups[i]
		}
	}
	return nil
}

// permissionSet returns the permission set of the given name (or, for a
// set whose name could not be read, "(ID)").
func (g *Graph) permissionSet(name string) *snapshot.PermissionSet {
	ic := g.ix.Snapshot().Identity
	if ic == nil {
		return nil
	}
	for i := range ic.PermissionSets {
		if n, _ := permissionSetName(&ic.PermissionSets[i]); n == name {
			return &ic.PermissionSets[i]
		}
	}
	return nil
}
