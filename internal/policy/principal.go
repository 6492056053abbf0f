package policy

import "strings"

// requestPrincipal is the principal of a request, split for matching.
type requestPrincipal struct {
	raw     string
	kind    PrincipalKind
	account string
	// name is the user name, role name (of a role or a session), or
	// federated user name.
	name string
	// session is the session name of an assumed-role session.
	session string
	// path is the IAM path of a user or role ("/" when none), empty for
	// sessions whose role path is not in their ARN.
	path string
}

// webIdentityProviders are Federated principal names that are not ARNs.
var webIdentityProviders = map[string]bool{
	"cognito-identity.amazonaws.com": true,
	"accounts.google.com":            true,
	"graph.facebook.com":             true,
	"www.amazon.com":                 true,
}

// parseRequestPrincipal classifies a request principal: an IAM or STS ARN,
// a 12-digit account id (the root user), a service principal, a SAML or
// OIDC provider, or "*"/"anonymous" for unauthenticated requests.
func parseRequestPrincipal(s string) requestPrincipal {
	p := requestPrincipal{raw: s}
	switch {
	case s == "" || s == "*" || strings.EqualFold(s, "anonymous"):
		p.kind = KindAnonymous
		return p
	case IsAccountID(s):
		p.kind, p.account = KindAccount, s
		return p
	case !strings.HasPrefix(s, "arn:"):
		switch {
		case webIdentityProviders[strings.ToLower(s)]:
			p.kind = KindFederatedProvider
		case strings.Contains(s, "."):
			p.kind = KindService
		default:
			p.kind = KindOther // e.g. an S3 canonical user id
		}
		return p
	}
	a, ok := splitARN(s)
	if !ok {
		p.kind = KindOther
		return p
	}
	p.account = a.account
	p.kind = classifyARN(a)
	switch p.kind {
	case KindUser, KindRole:
		// user/path/name or role/path/name
		rest := a.resource[strings.IndexByte(a.resource, '/')+1:]
		if i := strings.LastIndexByte(rest, '/'); i >= 0 {
			p.path, p.name = "/"+rest[:i+1], rest[i+1:]
		} else {
			p.path, p.name = "/", rest
		}
	case KindAssumedRole:
		rest := strings.TrimPrefix(a.resource, "assumed-role/")
		p.name, p.session, _ = strings.Cut(rest, "/")
	case KindFederatedUser:
		p.name = strings.TrimPrefix(a.resource, "federated-user/")
	}
	return p
}

// iamPrincipal reports whether p is an IAM identity of an account (root,
// user, role session, federated user): the principals that identity-based
// policies, permissions boundaries and SCPs apply to.
func (p *requestPrincipal) iamPrincipal() bool {
	switch p.kind {
	case KindAccount, KindUser, KindRole, KindAssumedRole, KindFederatedUser:
		return true
	}
	return false
}

// serviceLinked reports whether the principal is a service-linked role
// (its path is /aws-service-role/...).
func (p *requestPrincipal) serviceLinked() bool {
	return p.kind == KindRole && strings.HasPrefix(p.path, "/aws-service-role/")
}

// matchClass says how a resource-based policy statement names the
// request's principal, which decides whether the grant needs the
// principal's identity-based policies (see evaluate.go).
type matchClass uint8

const (
	matchNone matchClass = iota
	// matchAccount: the statement names the principal's account; the
	// account then delegates to its identity-based policies.
	matchAccount
	// matchRole: the statement names the IAM role of a role session; the
	// grant is limited by the session's permissions boundary and session
	// policy.
	matchRole
	// matchDirect: the statement names the principal itself (IAM user,
	// role session, federated user, service, provider, anonymous).
	matchDirect
)

// Principal "*" and {"AWS": "*"} are equivalent (AWS JSON policy
// elements: Principal § All principals) and name every caller, services,
// identity providers and anonymous callers included. Whether a wildcard
// grant to a role session is limited by the session's permissions boundary
// and session policy, as a grant naming the role is, AWS does not document:
// orgaudit takes it as naming the session itself (matchDirect), the answer
// that never hides access (see docs/simulate.md).

// matchPrincipal returns how the Principal element pr names p (matchNone
// when it does not).
func matchPrincipal(pr *Principal, p *requestPrincipal) matchClass {
	if pr.All {
		return matchDirect
	}
	best := matchNone
	for i := range pr.AWS {
		if c := matchAWSValue(&pr.AWS[i], p); c > best {
			best = c
		}
	}
	switch p.kind {
	case KindService:
		for _, s := range pr.Service {
			if strings.EqualFold(s, p.raw) {
				return matchDirect
			}
		}
		for _, s := range pr.Federated {
			if strings.EqualFold(s, p.raw) {
				return matchDirect
			}
		}
	case KindFederatedProvider:
		for _, s := range pr.Federated {
			if s == p.raw || strings.EqualFold(s, p.raw) && !strings.HasPrefix(s, "arn:") {
				return matchDirect
			}
		}
	case KindOther, KindAnonymous:
		for _, s := range pr.CanonicalUser {
			if s == p.raw {
				return matchDirect
			}
		}
	}
	return best
}

func matchAWSValue(v *AWSPrincipal, p *requestPrincipal) matchClass {
	switch v.Kind {
	case KindAll:
		return matchDirect
	case KindUniqueID:
		return matchNone // a deleted principal never matches
	case KindAccount:
		if p.account == v.Account && p.iamPrincipal() {
			if p.kind == KindAccount {
				return matchDirect
			}
			return matchAccount
		}
	case KindUser:
		if p.kind == KindUser && v.ARN == p.raw {
			return matchDirect
		}
	case KindRole:
		switch p.kind {
		case KindRole:
			if v.ARN == p.raw {
				return matchRole
			}
		case KindAssumedRole:
			if v.Account == p.account && roleName(v.ARN) == p.name {
				return matchRole
			}
		}
	default:
		if v.ARN == p.raw {
			return matchDirect
		}
	}
	return matchNone
}

// roleName returns the last path segment of a role ARN.
func roleName(arn string) string {
	return arn[strings.LastIndexByte(arn, '/')+1:]
}

// notPrincipalExcludes reports whether the NotPrincipal element np lists
// every identity the request is evaluated as, so that the statement does
// not apply. As the NotPrincipal documentation describes, a role session
// is its session ARN, its role and its account; an IAM user is the user
// and its account: listing only some of them does not exclude the
// request.
func notPrincipalExcludes(np *Principal, p *requestPrincipal) bool {
	if np.All {
		return true
	}
	listedAccount := func() bool {
		for i := range np.AWS {
			v := &np.AWS[i]
			if v.Kind == KindAll || (v.Kind == KindAccount && v.Account == p.account) {
				return true
			}
		}
		return false
	}
	switch p.kind {
	case KindAccount:
		return listedAccount()
	case KindUser, KindFederatedUser:
		return listedAccount() && listsExact(np, p)
	case KindAssumedRole:
		if !listedAccount() || !listsExact(np, p) {
			return false
		}
		for i := range np.AWS {
			v := &np.AWS[i]
			if v.Kind == KindAll || v.Kind == KindRole && v.Account == p.account && roleName(v.ARN) == p.name {
				return true
			}
		}
		return false
	case KindRole:
		return listedAccount() && listsExact(np, p)
	}
	return matchPrincipal(np, p) != matchNone
}

func listsExact(np *Principal, p *requestPrincipal) bool {
	for i := range np.AWS {
		v := &np.AWS[i]
		if v.Kind == KindAll || v.Kind != KindUniqueID && v.Kind != KindAccount && v.ARN == p.raw {
			return true
		}
	}
	return false
}
