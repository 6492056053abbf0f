package policy

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// PolicyType is the role a policy plays in an evaluation.
type PolicyType string

// Policy types, as they appear in StatementRef.Type.
const (
	IdentityPolicy      PolicyType = "identity"
	ResourcePolicy      PolicyType = "resource"
	PermissionsBoundary PolicyType = "permissions-boundary"
	SessionPolicy       PolicyType = "session"
	SCP                 PolicyType = "scp"
	RCP                 PolicyType = "rcp"
)

// Policy is a parsed document with the caller's label for it (a policy
// ARN, "inline:name", "scp:p-123"...), used to name deciding statements.
type Policy struct {
	Label    string
	Document *Document
}

// Request is what a principal asks for.
type Request struct {
	// Principal is the caller: an IAM user or role ARN, an STS
	// assumed-role or federated-user session ARN, a 12-digit account id or
	// arn:aws:iam::ID:root (the root user), a service principal
	// ("ec2.amazonaws.com"), a SAML/OIDC provider ARN or web identity
	// provider name, or "*"/"anonymous" for unauthenticated requests.
	Principal string
	// Action is "service:Action".
	Action string
	// Resource is the resource ARN, or "*" (also when empty) for actions
	// that do not take a resource.
	Resource string
	// ResourceAccount owns the resource. When empty it is taken from the
	// resource ARN, and failing that the request is treated as within the
	// principal's account.
	ResourceAccount string
	// Context holds the condition keys. Keys it does not set are absent,
	// unless declared unknown. aws:PrincipalAccount, aws:PrincipalArn (for
	// users, roles and root), aws:username (for users) and
	// aws:PrincipalType are derived from Principal when the context does not
	// set them; aws:PrincipalArn of a role session is unknown unless set,
	// because a session ARN does not carry the role's path.
	Context *Context
}

// Input is everything an evaluation looks at. Absent parts mean "none":
// no resource-based policy, no permissions boundary, no session policy, no
// SCPs.
type Input struct {
	Request Request
	// IdentityPolicies are the principal's identity-based policies
	// (inline, managed, and those of its groups).
	IdentityPolicies []Policy
	// ResourcePolicy is the resource-based policy of the resource; for
	// sts:AssumeRole (and the other trust actions) it is the role's trust
	// policy, which is then required.
	ResourcePolicy *Policy
	// PermissionsBoundaries is the principal's permissions boundary (the
	// documents form one boundary: an action is within it if any allows it).
	PermissionsBoundaries []Policy
	// SessionPolicies are the session policies passed when the session was
	// created (one inline and up to ten managed: together they form one
	// limit).
	SessionPolicies []Policy
	// SCPs are the service control policies of the principal's account, one
	// list per level from the organization root down to the account: every
	// level must allow.
	SCPs [][]Policy
	// RCPs are the resource control policies of the resource's account, one
	// list per level, root first: every level must allow.
	RCPs [][]Policy
	// ManagementAccount means the principal belongs to the organization's
	// management account, which SCPs do not restrict.
	ManagementAccount bool
	// ResourceInManagementAccount means the resource belongs to the
	// management account, which RCPs do not restrict.
	ResourceInManagementAccount bool
	// ServiceLinkedRole means the principal is (a session of) a
	// service-linked role, which SCPs and RCPs do not restrict. Roles whose
	// path is /aws-service-role/ or whose name starts with
	// AWSServiceRoleFor are detected without it.
	ServiceLinkedRole bool
}

// Decision is the outcome of an evaluation.
type Decision string

// Decisions. A request that is Allowed may still be conditional: see
// Result.
const (
	Allowed          Decision = "Allowed"
	ImplicitlyDenied Decision = "ImplicitlyDenied"
	ExplicitlyDenied Decision = "ExplicitlyDenied"
)

// StatementRef names one statement of one policy.
type StatementRef struct {
	// Policy is the caller's label of the policy.
	Policy string     `json:"policy"`
	Type   PolicyType `json:"type"`
	// Level is the SCP or RCP level, 0 for the organization root.
	Level  int    `json:"level,omitempty"`
	Index  int    `json:"index"`
	Sid    string `json:"sid,omitempty"`
	Effect Effect `json:"effect"`
}

// String renders the reference for people.
func (r StatementRef) String() string {
	s := fmt.Sprintf("%s policy %q statement %d", r.Type, r.Policy, r.Index)
	if r.Sid != "" {
		s += fmt.Sprintf(" (Sid %q)", r.Sid)
	}
	return s
}

// Result is the outcome of Evaluate.
//
//   - Decision ExplicitlyDenied: a Deny statement applies whatever the
//     unknown context keys are; Statements lists the deny statements.
//   - Decision ImplicitlyDenied: no combination of Allow statements grants
//     the request, even if every unknown condition held; Reason says which
//     policy was missing an Allow.
//   - Decision Allowed: the request is granted when at least one of
//     AllowedWhen holds (every clause of it) and none of DeniedWhen holds.
//     An empty AllowedWhen means the Allow side holds unconditionally; an
//     empty DeniedWhen means no Deny can apply. Unconditional() reports
//     whether both are empty.
type Result struct {
	Decision Decision `json:"decision"`
	// AllowedWhen are alternative condition sets on unknown context keys;
	// one of them must hold for the request to be allowed. Empty when the
	// Allow side is unconditional, and when the request is denied.
	AllowedWhen []ConditionSet `json:"allowed_when,omitempty"`
	// DeniedWhen are condition sets on unknown context keys under which a
	// Deny statement applies: if any of them holds, the request is
	// explicitly denied.
	DeniedWhen []ConditionSet `json:"denied_when,omitempty"`
	// Statements are the statements that decided: the Allow statements of
	// the granting path (of every alternative when conditional), or the
	// Deny statements.
	Statements []StatementRef `json:"statements"`
	// Reason explains the decision in one sentence.
	Reason string `json:"reason"`
	// Truncated is set when there were more than maxAlternatives
	// alternative condition sets and some were dropped.
	Truncated bool `json:"truncated,omitempty"`
}

// AllowedUnconditionally reports whether the request is allowed whatever
// the unknown context keys turn out to be.
func (r *Result) AllowedUnconditionally() bool {
	return r.Decision == Allowed && len(r.AllowedWhen) == 0 && len(r.DeniedWhen) == 0
}

// AllowedConditionally reports whether the request is allowed only under
// conditions on unknown keys: one set of AllowedWhen must hold (when there
// is any) and no set of DeniedWhen may hold.
func (r *Result) AllowedConditionally() bool {
	return r.Decision == Allowed && (len(r.AllowedWhen) > 0 || len(r.DeniedWhen) > 0)
}

// Denied reports whether the request is denied whatever the unknown keys
// are (explicitly or implicitly).
func (r *Result) Denied() bool { return r.Decision != Allowed }

// trustActions are the actions authorised by a role's trust policy.
var trustActions = []string{
	"sts:assumerole", "sts:assumerolewithsaml", "sts:assumerolewithwebidentity",
	"sts:tagsession", "sts:setsourceidentity", "sts:setcontext",
}

// IsTrustAction reports whether action is authorised by a role trust
// policy (sts:AssumeRole, sts:AssumeRoleWithSAML,
// sts:AssumeRoleWithWebIdentity, sts:TagSession, sts:SetSourceIdentity,
// sts:SetContext).
func IsTrustAction(action string) bool {
	for _, a := range trustActions {
		if equalFoldLower(a, action) {
			return true
		}
	}
	return false
}

// evaluator holds one evaluation's state; it implements lookuper.
type evaluator struct {
	in        Input // held here: one allocation for both
	p         requestPrincipal
	action    string
	resource  string
	deny      formula
	truncated bool

	// derived context values, see Request.Context
	principalAccount [1]string
	principalArn     [1]string
	username         [1]string
	principalType    [1]string
}

func (e *evaluator) lookup(k string) ([]string, KeyState) {
	c := e.in.Request.Context
	if c != nil {
		if ent, ok := c.entry(k); ok {
			return ent.values, ent.state
		}
	}
	switch k {
	case "aws:principalaccount":
		if e.principalAccount[0] != "" {
			return e.principalAccount[:], KeyKnown
		}
	case "aws:principalarn":
		if e.principalArn[0] != "" {
			return e.principalArn[:], KeyKnown
		}
		if e.p.kind == KindAssumedRole {
			return nil, KeyUnknown
		}
	case "aws:username":
		if e.username[0] != "" {
			return e.username[:], KeyKnown
		}
	case "aws:principaltype":
		if e.principalType[0] != "" {
			return e.principalType[:], KeyKnown
		}
	}
	if c != nil && c.unknownPattern(k) {
		return nil, KeyUnknown
	}
	return nil, KeyAbsent
}

// Evaluate decides whether in.Request is allowed, following the IAM policy
// evaluation logic. A few requests are decided whatever the policies say,
// as AWS documents: sts:GetCallerIdentity is allowed to every IAM
// principal, changes to AWS managed policies and to service-linked or
// Identity Center provisioned roles are denied. Otherwise an explicit Deny
// in any applicable policy wins; every
// SCP level and RCP level must allow; identity-based and resource-based
// policies combine by the same-account and cross-account rules, limited by
// the permissions boundary and the session policy; sts:AssumeRole always
// needs the trust policy. Conditions on unknown context keys become
// residual conditions of the result. Evaluate does not modify its input
// and is safe for concurrent use.
func Evaluate(in Input) Result {
	// The evaluator is only read while evaluating (nothing of it reaches
	// the result), so that one serves evaluation after evaluation.
	e := evaluators.Get().(*evaluator)
	defer func() {
		*e = evaluator{} // hold nothing of the input while pooled
		evaluators.Put(e)
	}()
	*e = evaluator{in: in, p: parseRequestPrincipal(in.Request.Principal), action: in.Request.Action, resource: in.Request.Resource}
	if e.resource == "" {
		e.resource = "*"
	}
	e.derive()
	p := &e.p
	if r, ok := fixedDecision(p, e.action, e.resource); ok {
		return r
	}

	resAccount := in.Request.ResourceAccount
	if resAccount == "" {
		// An ARN's account field that is not an account id (the "aws" of
		// AWS managed policies) names no account that could grant across
		// accounts: the request is decided as within the caller's account.
		if a, ok := splitARN(e.resource); ok && IsAccountID(a.account) {
			resAccount = a.account
		}
	}
	if resAccount == "" {
		resAccount = p.account
	}
	sameAccount := p.account == "" || resAccount == p.account
	trust := IsTrustAction(e.action)
	serviceLinked := in.ServiceLinkedRole || p.serviceLinked() ||
		(p.kind == KindAssumedRole || p.kind == KindRole) && strings.HasPrefix(p.name, "AWSServiceRoleFor")

	var reasons []string
	// allow is the conjunction of the organization levels and the grant,
	// made once they are all known (andAll).
	var buf [8]formula
	allow := buf[:0]

	// Organization policies.
	if p.iamPrincipal() && !in.ManagementAccount && !serviceLinked {
		for lvl, pols := range in.SCPs {
			f := e.layer(pols, SCP, lvl)
			if len(f) == 0 {
				reasons = append(reasons, "no service control policy at level "+strconv.Itoa(lvl)+" allows "+e.action)
			}
			allow = append(allow, f)
		}
	}
	if !in.ResourceInManagementAccount && !serviceLinked {
		for lvl, pols := range in.RCPs {
			f := e.layer(pols, RCP, lvl)
			if len(f) == 0 {
				reasons = append(reasons, "no resource control policy at level "+strconv.Itoa(lvl)+" allows "+e.action)
			}
			allow = append(allow, f)
		}
	}

	// Principal side: identity ∧ boundary ∧ session.
	var identity, boundary, session formula
	identityPath := formula(nil)
	if p.iamPrincipal() {
		if p.kind == KindAccount {
			identity = trueF // the root user has full access to its account
		} else {
			identity = e.layer(in.IdentityPolicies, IdentityPolicy, 0)
		}
		boundary, session = trueF, trueF
		if len(in.PermissionsBoundaries) > 0 {
			boundary = e.layer(in.PermissionsBoundaries, PermissionsBoundary, 0)
		}
		if len(in.SessionPolicies) > 0 {
			session = e.layer(in.SessionPolicies, SessionPolicy, 0)
		}
		identityPath = andAll([]formula{identity, boundary, session}, &e.truncated)
	}
	limits := andF(boundary, session, &e.truncated)

	// Resource side.
	var rDirect, rRole, rAccount formula
	if in.ResourcePolicy != nil {
		rDirect, rRole, rAccount = e.resourceLayer(in.ResourcePolicy)
	}
	rAny := orF(orF(rDirect, rRole), rAccount)

	var grant formula
	switch {
	case !p.iamPrincipal():
		// Services, identity providers and anonymous callers have no
		// identity-based policies: only the resource-based policy grants.
		grant = rAny
		if len(grant) == 0 {
			reasons = append(reasons, e.noResourceAllow(trust))
		}
	case trust && sameAccount:
		// The trust policy must allow. Naming the principal itself grants
		// without an identity-based policy; naming the account delegates to
		// the identity-based policies.
		grant = orF(orF(rDirect, andF(rRole, limits, &e.truncated)), andF(rAccount, identityPath, &e.truncated))
		if len(grant) == 0 {
			switch {
			case len(rAny) == 0:
				reasons = append(reasons, e.noResourceAllow(trust))
			default:
				reasons = append(reasons, e.principalSideReason(identity, boundary, session, "the trust policy names the account, so "))
			}
		}
	case sameAccount:
		grant = orF(orF(identityPath, rDirect), andF(rRole, limits, &e.truncated))
		if len(grant) == 0 {
			reasons = append(reasons, e.principalSideReason(identity, boundary, session, ""))
		}
	default:
		// Cross-account: both sides must allow.
		grant = andF(identityPath, rAny, &e.truncated)
		if len(grant) == 0 {
			if len(rAny) == 0 {
				reasons = append(reasons, "cross-account request: "+e.noResourceAllow(trust))
			}
			if len(identityPath) == 0 {
				reasons = append(reasons, "cross-account request: "+e.principalSideReason(identity, boundary, session, ""))
			}
		}
	}
	return e.result(andAll(append(allow, grant), &e.truncated), reasons)
}

// evaluators holds evaluators between evaluations.
var evaluators = sync.Pool{New: func() any { return new(evaluator) }}

// derive fills the context values derived from the principal.
func (e *evaluator) derive() {
	p := &e.p
	e.principalAccount[0] = p.account
	switch p.kind {
	case KindAccount:
		e.principalArn[0] = "arn:aws:iam::" + p.account + ":root"
		e.principalType[0] = "Account"
	case KindUser:
		e.principalArn[0] = p.raw
		e.username[0] = p.name
		e.principalType[0] = "User"
	case KindRole:
		e.principalArn[0] = p.raw
		e.principalType[0] = "AssumedRole"
	case KindAssumedRole:
		e.principalType[0] = "AssumedRole"
	case KindFederatedUser:
		e.principalArn[0] = p.raw
		e.principalType[0] = "FederatedUser"
	}
}

func (e *evaluator) noResourceAllow(trust bool) string {
	switch {
	case trust && e.in.ResourcePolicy == nil:
		return e.action + " needs the role's trust policy to allow " + e.p.raw + ", and no trust policy was given"
	case trust:
		return "the role's trust policy does not allow " + e.p.raw + " to " + e.action
	case e.in.ResourcePolicy == nil:
		return "no resource-based policy allows " + e.p.raw + ", and none was given"
	}
	return "the resource-based policy does not allow " + e.p.raw + " to " + e.action
}

func (e *evaluator) principalSideReason(identity, boundary, session formula, prefix string) string {
	switch {
	case len(identity) == 0:
		return prefix + "no identity-based policy allows " + e.action + " on " + e.resource
	case len(boundary) == 0:
		return prefix + "the permissions boundary does not allow " + e.action + " on " + e.resource
	case len(session) == 0:
		return prefix + "the session policy does not allow " + e.action + " on " + e.resource
	}
	return prefix + "no policy allows " + e.action + " on " + e.resource
}

func (e *evaluator) result(allow formula, reasons []string) Result {
	r := Result{Truncated: e.truncated}
	deny := e.deny
	for _, s := range deny {
		if s.unconditional() {
			r.Decision = ExplicitlyDenied
			for _, d := range deny {
				if d.unconditional() {
					r.Statements = append(r.Statements, d.Statements...)
				}
			}
			r.Reason = "explicit deny in " + r.Statements[0].String()
			return r
		}
	}
	r.DeniedWhen = deny
	if len(allow) == 0 {
		r.Decision = ImplicitlyDenied
		r.Statements = []StatementRef{}
		if len(reasons) == 0 {
			reasons = append(reasons, "no policy allows the request")
		}
		r.Reason = "implicitly denied: " + strings.Join(reasons, "; ")
		return r
	}
	r.Decision = Allowed
	if allow.isTrue() {
		for _, s := range allow {
			if s.unconditional() {
				r.Statements = s.Statements
				break
			}
		}
	} else {
		r.AllowedWhen = allow
		n := 0
		for _, s := range allow {
			n += len(s.Statements)
		}
		r.Statements = make([]StatementRef, 0, n)
		for _, s := range allow {
			for _, ref := range s.Statements {
				if !containsRef(r.Statements, ref) {
					r.Statements = append(r.Statements, ref)
				}
			}
		}
	}
	if r.Statements == nil {
		r.Statements = []StatementRef{}
	}
	switch {
	case len(r.AllowedWhen) > 0 && len(r.DeniedWhen) > 0:
		r.Reason = "allowed only when conditions on unknown context keys hold and deny conditions do not"
	case len(r.AllowedWhen) > 0:
		r.Reason = "allowed only when conditions on unknown context keys hold"
	case len(r.DeniedWhen) > 0:
		r.Reason = "allowed unless a deny condition on unknown context keys holds"
	case len(r.Statements) > 0:
		r.Reason = "allowed: every policy that must allow the request has an applicable Allow statement"
	default:
		r.Reason = "allowed: the root user has full access to its own account"
	}
	return r
}

func containsRef(refs []StatementRef, r StatementRef) bool {
	for _, x := range refs {
		if x == r {
			return true
		}
	}
	return false
}

// layer evaluates the policies of one layer (identity, boundary, session,
// one SCP or RCP level) and returns the formula under which the layer
// allows the request. Deny statements are added to e.deny.
func (e *evaluator) layer(pols []Policy, typ PolicyType, level int) formula {
	var allow formula
	unconditional := false
	for pi := range pols {
		doc := pols[pi].Document
		if doc == nil {
			continue
		}
		for _, s := range doc.Statements {
			if s.Effect == Allow && unconditional {
				continue // already granted: further Allows change nothing
			}
			t, clauses := e.applies(s)
			if t == triFalse {
				continue
			}
			f := single(clauses, StatementRef{Policy: pols[pi].Label, Type: typ, Level: level, Index: s.Index, Sid: s.Sid, Effect: s.Effect})
			if s.Effect == Deny {
				e.deny = orF(e.deny, f)
				continue
			}
			if t == triTrue {
				unconditional = true
				allow = f
				continue
			}
			allow = orF(allow, f)
		}
	}
	return allow
}

// resourceLayer evaluates a resource-based policy and returns the formulas
// under which it allows the request by naming the principal directly, by
// naming its role, and by naming its account.
func (e *evaluator) resourceLayer(pol *Policy) (direct, role, account formula) {
	doc := pol.Document
	if doc == nil {
		return nil, nil, nil
	}
	boundaryQuirk := len(e.in.PermissionsBoundaries) > 0 && (e.p.kind == KindUser || e.p.kind == KindAssumedRole || e.p.kind == KindRole)
	for _, s := range doc.Statements {
		var class matchClass
		switch {
		case s.Principal != nil:
			class = matchPrincipal(s.Principal, &e.p)
		case s.NotPrincipal != nil:
			// A Deny with NotPrincipal always denies principals that have a
			// permissions boundary (see the permissions boundaries guide).
			if !notPrincipalExcludes(s.NotPrincipal, &e.p) || s.Effect == Deny && boundaryQuirk {
				class = matchDirect
			}
		}
		if class == matchNone {
			continue
		}
		t, clauses := e.applies(s)
		if t == triFalse {
			continue
		}
		f := single(clauses, StatementRef{Policy: pol.Label, Type: ResourcePolicy, Index: s.Index, Sid: s.Sid, Effect: s.Effect})
		if s.Effect == Deny {
			e.deny = orF(e.deny, f)
			continue
		}
		switch class {
		case matchDirect:
			direct = orF(direct, f)
		case matchRole:
			role = orF(role, f)
		case matchAccount:
			account = orF(account, f)
		}
	}
	return direct, role, account
}

// applies decides whether statement s applies to the request, apart from
// its Principal: true, false, or unknown with the undecided clauses.
func (e *evaluator) applies(s *Statement) (tri, []Clause) {
	// Action / NotAction, case-insensitive.
	matched := false
	for i := range s.actions {
		if s.actions[i].match(e.action, true) {
			matched = true
			break
		}
	}
	if matched == (s.NotAction != nil) {
		return triFalse, nil
	}
	var clauses []Clause
	// Resource / NotResource, case-sensitive, with variables.
	if len(s.resources) > 0 {
		rt := triFalse
		for i := range s.resources {
			rt = or(rt, s.resources[i].matchTri(e.resource, false, e))
			if rt == triTrue {
				break
			}
		}
		if s.NotResource != nil {
			rt = not(rt)
		}
		switch rt {
		case triFalse:
			return triFalse, nil
		case triUnknown:
			op, vals := "Resource", s.Resource
			if s.NotResource != nil {
				op, vals = "NotResource", s.NotResource
			}
			clauses = append(clauses, Clause{Operator: op, Key: e.resource, Values: vals})
		}
	}
	for _, c := range s.Conditions {
		switch c.eval(e) {
		case triFalse:
			return triFalse, nil
		case triUnknown:
			clauses = append(clauses, c.clause())
		}
	}
	if len(clauses) > 0 {
		return triUnknown, clauses
	}
	return triTrue, nil
}
