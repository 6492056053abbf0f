package policy

// ValidateFor checks the elements a document may hold in the role typ
// gives it, as AWS enforces when the policy is saved (AWS JSON policy
// elements: Principal: "You cannot use the Principal element in an
// identity-based policy"; "You must use the Principal element in
// resource-based policies"):
//
//   - identity-based policies, permissions boundaries, session policies
//     and SCPs have no Principal or NotPrincipal element;
//   - every statement of a resource-based policy (a role trust policy
//     included) has a Principal or a NotPrincipal element.
//
// RCPs are not checked. The error is a *ParseError naming the statement.
func (d *Document) ValidateFor(typ PolicyType) error {
	if d == nil {
		return nil
	}
	for _, s := range d.Statements {
		switch typ {
		case IdentityPolicy, PermissionsBoundary, SessionPolicy, SCP:
			if s.Principal != nil || s.NotPrincipal != nil {
				el := "Principal"
				if s.Principal == nil {
					el = "NotPrincipal"
				}
				return &ParseError{Statement: s.Index, Sid: s.Sid, Msg: el + " is not allowed in " + typeArticle(typ)}
			}
		case ResourcePolicy:
			if s.Principal == nil && s.NotPrincipal == nil {
				return &ParseError{Statement: s.Index, Sid: s.Sid, Msg: "a statement of a resource-based policy needs a Principal or NotPrincipal element"}
			}
		}
	}
	return nil
}

func typeArticle(typ PolicyType) string {
	switch typ {
	case IdentityPolicy:
		return "an identity-based policy"
	case PermissionsBoundary:
		return "a permissions boundary"
	case SessionPolicy:
		return "a session policy"
	case SCP:
		return "a service control policy"
	}
	return "a " + string(typ) + " policy"
}
