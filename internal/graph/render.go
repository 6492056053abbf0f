package graph

import "strings"

// Report is a paths result with what its writers (package output) need:
// the graph (for names), the snapshot it came from, and the target as the
// user wrote it.
type Report struct {
	Graph  *Graph
	Result *Result
	// Spec is the TARGET as given; SnapshotPath the snapshot file.
	Spec         string
	SnapshotPath string
}

// AccountLabel names an account "name (id)", or says it is outside the
// snapshot.
func (r *Report) AccountLabel(id string) string {
	if id == "" {
		return ""
	}
	if _, ok := r.Graph.Index().Account(id); ok {
		return r.Graph.Index().AccountLabel(id)
	}
	return id + " (outside the snapshot)"
}

// ShortName is how tables and drawings name a node: the resource part of
// an IAM ARN, the name otherwise.
func ShortName(n *Node) string {
	switch n.Kind {
	case KindUser:
		return "user/" + n.Name
	case KindRole, KindSSORole:
		// Role names are unique in an account whatever their path.
		return "role/" + n.Name
	case KindPrincipal:
		if i := strings.Index(n.ID, ":user/"); i >= 0 {
			return "user/" + lastSegment(n.ID)
		}
		if i := strings.Index(n.ID, ":role/"); i >= 0 {
			return "role/" + lastSegment(n.ID)
		}
	case KindICUser:
		return "identity-center user " + n.Name
	case KindICGroup:
		return "identity-center group " + n.Name
	case KindAccount:
		return "account " + n.AccountID + " (any principal)"
	case KindAnyPrincipal:
		return "* (any AWS principal)"
	case KindAccountAdmin:
		return "administrator of account " + n.AccountID
	case KindUserInGroup:
		return "user/" + n.Name
	case KindSAMLProvider:
		return "saml-provider/" + n.Name
	case KindOIDCProvider:
		if strings.HasPrefix(n.ID, "arn:") {
			return "oidc-provider/" + n.Name
		}
		return "web identity " + n.Name
	}
	return n.Name
}

func shortName(n *Node) string { return ShortName(n) }

// Node returns the node with the given id, or a bare node named after the
// id when the graph has none.
func (r *Report) Node(id string) *Node {
	if n, ok := r.Graph.Node(id); ok {
		return &n
	}
	return &Node{ID: id, Name: id}
}

// lastSegment returns what follows the last '/' of an ARN.
func lastSegment(arn string) string { return arn[strings.LastIndexByte(arn, '/')+1:] }
