package engine

import (
	"iter"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gobwas/glob"
	"github.com/open-policy-agent/opa/v1/ast"
)

// FactsKey is the top-level input key under which the engine passes the
// tables it precomputes in Go (input.facts). The rule library reads them
// when present and computes the same tables in Rego otherwise (in rule
// unit tests, for instance): rules should use the library's names
// (lib.trust_grants, lib.admin_roles), never input.facts directly.
const FactsKey = "facts"

// documentTables builds, once per evaluation and from the generic snapshot
// document (before its accounts are converted: see allFacts), what the
// tables of input.facts are computed from. Most trust rules join on them:
//
//   - trust_grants: every Allow statement naming AWS principals in the trust
//     policy of a role that is not service-linked, with its principals
//     sorted, their accounts, which of them are outside the organization,
//     and whether the statement allows sts:AssumeRole, needs MFA or carries
//     sts:ExternalId (lib.trust_grants documents the shape);
//   - admin_roles: role ARN to how the role gets administrator access;
//   - role_activity: when each role (service-linked and Identity Center
//     roles left out) was last used, or created when never used;
//   - full_admin_policies: the customer managed and inline policies that
//     grant full administrator access, decided by the policy evaluator
//     (see fullAdminPolicies);
//
// and the organization-wide tables (see orgTables.facts) that rules
// evaluated a chunk of accounts at a time read about the other accounts.
//
// Computing them in Go keeps their cost independent of the number of rules
// and rule groups; TestFactsMatchRego checks they equal what the Rego
// library computes.
func documentTables(doc map[string]any) *orgTables {
	accounts, _ := doc["accounts"].([]any)
	sums := make([]AccountSummary, len(accounts))
	for i, a := range accounts {
		sums[i] = SummarizeAccount(a)
	}
	return newOrgTables(doc, sums)
}

// allFacts is input.facts of the whole document, its accounts converted
// for the rules.
func (t *orgTables) allFacts(accounts []*ast.Term) (ast.Value, error) {
	pairs, err := convertPairs(t.facts())
	if err != nil {
		return nil, err
	}
	return ast.NewObject(append(pairs, t.accountFacts(accounts, nil)...)...), nil
}

// AccountSummary is what the organization-wide facts need to know of one
// account: SummarizeAccount computes it from the account's generic
// document (for instance while the snapshot loader validates it), so that
// the whole document never has to be kept for them.
type AccountSummary struct {
	id, label  string
	hasID      bool
	hasLabel   bool
	compact    map[string]any
	iam        bool
	managed    []managedPolicy
	orgRegions []string
	readRegion []string
}

type managedPolicy struct {
	arn   string
	admin bool
}

// orgAccountFields are the fields of an account lib.org_accounts keeps.
var orgAccountFields = []string{"id", "name", "arn", "status", "parent_id"}

// SummarizeAccount summarizes one element of the snapshot's accounts.
func SummarizeAccount(a any) AccountSummary {
	var s AccountSummary
	acct, ok := a.(map[string]any)
	if !ok {
		return s
	}
	s.id, s.hasID = acct["id"].(string)
	if name, ok := acct["name"].(string); ok && s.hasID {
		s.label, s.hasLabel = name+" ("+s.id+")", true
	}
	s.compact = map[string]any{}
	for _, k := range orgAccountFields {
		if v, ok := acct[k]; ok {
			s.compact[k] = v
		}
	}
	iam, ok := acct["iam"].(map[string]any)
	if !ok {
		return s
	}
	s.iam = true
	for _, p := range asList(iam["policies"]) {
		pol, ok := p.(map[string]any)
		if !ok {
			continue
		}
		if arn, ok := pol["arn"].(string); ok {
			s.managed = append(s.managed, managedPolicy{arn: arn, admin: isAdminDocument(pol["document"])})
		}
	}
	aa, _ := iam["access_analyzer"].(map[string]any)
	for _, x := range asList(aa["analyzers"]) {
		an, _ := x.(map[string]any)
		if r, ok := an["region"].(string); ok && an["type"] == "ORGANIZATION" && an["status"] == "ACTIVE" {
			s.orgRegions = append(s.orgRegions, r)
		}
	}
	for _, r := range asList(aa["regions"]) {
		if r, ok := r.(string); ok {
			s.readRegion = append(s.readRegion, r)
		}
	}
	return s
}

// orgTables are the organization-wide facts, built from the document's
// other keys and every account's summary.
type orgTables struct {
	collectedAt   time.Time
	organization  bool
	orgAccounts   map[string]bool
	adminPolicies map[string]bool
	sums          []AccountSummary
}

func newOrgTables(rest map[string]any, sums []AccountSummary) *orgTables {
	t := &orgTables{orgAccounts: map[string]bool{}, adminPolicies: map[string]bool{}, sums: sums}
	_, t.organization = rest["organization"].(map[string]any)
	if md, ok := rest["metadata"].(map[string]any); ok {
		if at, ok := md["collected_at"].(string); ok {
			t.collectedAt, _ = time.Parse(time.RFC3339, at)
		}
	}
	// Later definitions of a policy ARN win, as in
	// lib.managed_policy_documents.
	admin := map[string]bool{}
	for _, p := range asList(rest["aws_managed_policies"]) {
		pol, ok := p.(map[string]any)
		if !ok {
			continue
		}
		if arn, ok := pol["arn"].(string); ok {
			admin[arn] = isAdminDocument(pol["document"])
		}
	}
	for _, s := range sums {
		if s.hasID {
			t.orgAccounts[s.id] = true
		}
		for _, p := range s.managed {
			admin[p.arn] = p.admin
		}
	}
	for arn, yes := range admin {
		if yes {
			t.adminPolicies[arn] = true
		}
	}
	return t
}

// facts are the organization-wide tables: account_labels (account id to
// "name (id)"), org_account_ids (sorted), org_accounts (every account's
// id, name, arn, status and parent_id), organization_analyzer_regions
// (sorted regions of active organization analyzers) and
// analyzer_regions_read (IAM account id to the sorted regions whose
// analyzers were read).
func (t *orgTables) facts() map[string]any {
	labels := map[string]any{}
	ids := make([]string, 0, len(t.sums))
	compact := make([]any, 0, len(t.sums))
	orgRegions := map[string]bool{}
	read := map[string]any{}
	for _, s := range t.sums {
		if s.hasLabel {
			labels[s.id] = s.label
		}
		if s.hasID {
			ids = append(ids, s.id)
		}
		if s.compact != nil {
			compact = append(compact, s.compact)
		}
		if !s.iam {
			continue
		}
		for _, r := range s.orgRegions {
			orgRegions[r] = true
		}
		if s.hasID {
			read[s.id] = sortedSet(s.readRegion)
		}
	}
	slices.Sort(ids)
	regions := make([]string, 0, len(orgRegions))
	for r := range orgRegions {
		regions = append(regions, r)
	}
	return map[string]any{
		"account_labels": labels, "org_account_ids": toAny(slices.Compact(ids)), "org_accounts": compact,
		"organization_analyzer_regions": sortedSet(regions), "analyzer_regions_read": read,
	}
}

func sortedSet(list []string) []any {
	l := slices.Clone(list)
	slices.Sort(l)
	return toAny(slices.Compact(l))
}

func toAny(list []string) []any {
	out := make([]any, len(list))
	for i, s := range list {
		out[i] = s
	}
	return out
}

// accountFacts are the tables about the given accounts (all of them, or
// a chunk), as the rules see them: trust_grants, admin_roles,
// role_activity and full_admin_policies, those want accepts (nil: all),
// keys sorted. They are read from the accounts' values for the rules, so
// that no generic account is needed (TestAccountFactsMatchGeneric
// compares them with the facts of the generic accounts).
func (t *orgTables) accountFacts(accounts []*ast.Term, want func(string) bool) [][2]*ast.Term {
	if want == nil {
		want = func(string) bool { return true }
	}
	f := factsBuilder{organization: t.organization, orgAccounts: t.orgAccounts, adminPolicies: t.adminPolicies}
	var iamAccounts []iamAccount
	for _, a := range accounts {
		if iam, ok := member(a.Value, keyIAM).(ast.Object); ok {
			id, _ := member(a.Value, keyID).(ast.String)
			iamAccounts = append(iamAccounts, iamAccount{id: string(id), iam: iam})
		}
	}
	wantGrants, wantAdmin, wantActivity := want("trust_grants"), want("admin_roles"), want("role_activity")
	var grants, activity []*ast.Term
	admin := map[string][]string{}
	var adminOrder []string
	for _, acct := range iamAccounts {
		id := ast.StringTerm(acct.id)
		for _, r := range items(member(acct.iam, keyRoles)) {
			role, ok := r.(ast.Object)
			if !ok {
				continue
			}
			if wantAdmin {
				if g := f.adminGrants(role); len(g) > 0 {
					if arn, ok := member(role, keyARN).(ast.String); ok {
						if _, seen := admin[string(arn)]; !seen {
							adminOrder = append(adminOrder, string(arn))
						}
						admin[string(arn)] = g
					}
				}
			}
			if wantGrants {
				grants = f.trustGrants(grants, id, role)
			}
			if wantActivity {
				if a := roleActivity(id, role, t.collectedAt); a != nil {
					activity = append(activity, ast.NewTerm(a))
				}
			}
		}
	}
	var out [][2]*ast.Term
	add := func(k string, v ast.Value) {
		if want(k) {
			out = append(out, [2]*ast.Term{ast.StringTerm(k), ast.NewTerm(v)})
		}
	}
	if wantAdmin {
		pairs := make([][2]*ast.Term, 0, len(admin))
		for _, arn := range adminOrder {
			pairs = append(pairs, [2]*ast.Term{ast.StringTerm(arn), ast.NewTerm(stringArray(admin[arn]))})
		}
		add("admin_roles", ast.NewObject(pairs...))
	}
	if want("full_admin_policies") {
		add("full_admin_policies", fullAdminPolicies(iamAccounts))
	}
	add("role_activity", ast.NewArray(activity...))
	add("trust_grants", ast.NewArray(grants...))
	return out
}

// iamAccount is an account with IAM data: its id ("" when it has none)
// and its iam member.
type iamAccount struct {
	id  string
	iam ast.Object
}

// The members the account facts read.
var (
	keyID           = ast.StringTerm("id")
	keyIAM          = ast.StringTerm("iam")
	keyRoles        = ast.StringTerm("roles")
	keyARN          = ast.StringTerm("arn")
	keyName         = ast.StringTerm("name")
	keyPath         = ast.StringTerm("path")
	keyAttached     = ast.StringTerm("attached_policies")
	keyInline       = ast.StringTerm("inline_policies")
	keyDocument     = ast.StringTerm("document")
	keyBoundary     = ast.StringTerm("permissions_boundary")
	keyTrustPolicy  = ast.StringTerm("trust_policy")
	keyLastUsed     = ast.StringTerm("last_used")
	keyDate         = ast.StringTerm("date")
	keyCreateDate   = ast.StringTerm("create_date")
	keyPolicies     = ast.StringTerm("policies")
	keyStatement    = ast.StringTerm("Statement")
	keyEffect       = ast.StringTerm("Effect")
	keyAction       = ast.StringTerm("Action")
	keyNotAction    = ast.StringTerm("NotAction")
	keyResource     = ast.StringTerm("Resource")
	keyPrincipal    = ast.StringTerm("Principal")
	keyPrincipalAWS = ast.StringTerm("AWS")
	keyCondition    = ast.StringTerm("Condition")
	principalKinds  = []*ast.Term{ast.StringTerm("users"), ast.StringTerm("groups"), keyRoles}
)

// The members and values of the facts' entries, shared by all of them.
var (
	fkAccountID         = ast.StringTerm("account_id")
	fkRoleARN           = ast.StringTerm("role_arn")
	fkRoleName          = ast.StringTerm("role_name")
	fkIndex             = ast.StringTerm("index")
	fkStatement         = ast.StringTerm("statement")
	fkPrincipals        = ast.StringTerm("principals")
	fkPrincipalAccounts = ast.StringTerm("principal_accounts")
	fkExternal          = ast.StringTerm("external")
	fkAssumeRole        = ast.StringTerm("assume_role")
	fkMFA               = ast.StringTerm("mfa")
	fkExternalID        = ast.StringTerm("external_id")
	fkSince             = ast.StringTerm("since")
	fkIdleDays          = ast.StringTerm("idle_days")
	fkWhat              = ast.StringTerm("what")
	fkKind              = ast.StringTerm("kind")
	fkPolicyARN         = ast.StringTerm("policy_arn")
	fkPolicyName        = ast.StringTerm("policy_name")
	fkOwnerARN          = ast.StringTerm("owner_arn")
	fkAttachedTo        = ast.StringTerm("attached_to")
	lastUsed            = ast.StringTerm("last used")
	neverUsed           = ast.StringTerm("never used, created")
	kindInline          = ast.StringTerm("inline")
	kindManaged         = ast.StringTerm("managed")
	emptyString         = ast.StringTerm("")
)

// member is v's member k, or nil when v is not an object or has no such
// member (a generic map's v[k], null aside: that is ast.Null).
func member(v ast.Value, k *ast.Term) ast.Value {
	obj, ok := v.(ast.Object)
	if !ok {
		return nil
	}
	if t := obj.Get(k); t != nil {
		return t.Value
	}
	return nil
}

// items is asList of a value for the rules, with indexes: an array's
// elements, nothing for an absent value or null, anything else alone.
func items(v ast.Value) iter.Seq2[int, ast.Value] {
	return func(yield func(int, ast.Value) bool) {
		switch x := v.(type) {
		case nil, ast.Null:
		case *ast.Array:
			for i := range x.Len() {
				if !yield(i, x.Elem(i).Value) {
					return
				}
			}
		default:
			yield(0, v)
		}
	}
}

// isString reports whether v is the string s.
func isString(v ast.Value, s string) bool {
	x, ok := v.(ast.String)
	return ok && string(x) == s
}

// orNull is a member's value for a fact: null when absent, as
// ast.InterfaceToValue converts a generic map's missing member.
func orNull(v ast.Value) *ast.Term {
	if v == nil {
		return ast.NullTerm()
	}
	return ast.NewTerm(v)
}

func stringArray(list []string) *ast.Array {
	terms := make([]*ast.Term, len(list))
	for i, s := range list {
		terms[i] = ast.StringTerm(s)
	}
	return ast.NewArray(terms...)
}

type factsBuilder struct {
	organization  bool
	orgAccounts   map[string]bool
	adminPolicies map[string]bool
}

// asList is the library's as_array: a list as is, anything else as a list
// of one, and nothing for an absent value.
func asList(v any) []any {
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		return x
	default:
		return []any{x}
	}
}

// statements is lib.statements: Statement as a list.
func statements(doc any) []any {
	d, ok := doc.(map[string]any)
	if !ok {
		return nil
	}
	s, ok := d["Statement"]
	if !ok {
		return nil
	}
	return asList(s)
}

func contains(vals []any, s string) bool {
	for _, v := range vals {
		if v == s {
			return true
		}
	}
	return false
}

// isAdminDocument is lib.is_admin_document: an Allow of "*" on "*".
func isAdminDocument(doc any) bool {
	for _, s := range statements(doc) {
		st, ok := s.(map[string]any)
		if !ok || st["Effect"] != "Allow" {
			continue
		}
		if contains(asList(st["Action"]), "*") && contains(asList(st["Resource"]), "*") {
			return true
		}
	}
	return false
}

// adminGrants is the value of lib.admin_roles for a role (nothing when
// the role is not administrative or a boundary caps it).
func (f *factsBuilder) adminGrants(role ast.Object) []string {
	var out []string
	for _, p := range items(member(role, keyAttached)) {
		arn, _ := member(p, keyARN).(ast.String)
		name, ok := member(p, keyName).(ast.String)
		if ok && f.adminPolicies[string(arn)] {
			out = append(out, "policy "+string(name))
		}
	}
	for _, p := range items(member(role, keyInline)) {
		name, ok := member(p, keyName).(ast.String)
		if ok && isAdminValue(member(p, keyDocument)) {
			out = append(out, "inline "+string(name))
		}
	}
	if len(out) == 0 {
		return nil
	}
	if b, ok := member(role, keyBoundary).(ast.Object); ok {
		if arn, ok := member(b, keyARN).(ast.String); ok && !f.adminPolicies[string(arn)] {
			return nil
		}
	}
	return out
}

// isAdminValue is isAdminDocument of a value for the rules.
func isAdminValue(doc ast.Value) bool {
	for _, st := range items(member(doc, keyStatement)) {
		if !isString(member(st, keyEffect), "Allow") {
			continue
		}
		if hasString(member(st, keyAction), "*") && hasString(member(st, keyResource), "*") {
			return true
		}
	}
	return false
}

// hasString reports whether s is among items(v).
func hasString(v ast.Value, s string) bool {
	for _, x := range items(v) {
		if isString(x, s) {
			return true
		}
	}
	return false
}

// awsPrincipals is lib.aws_principals; ok is false where the library's
// function is undefined (a Principal that is neither "*" nor an object).
func awsPrincipals(st ast.Value) (ps []string, ok bool) {
	switch p := member(st, keyPrincipal).(type) {
	case nil:
		return nil, true
	case ast.String:
		if p == "*" {
			return []string{"*"}, true
		}
		return nil, false
	case ast.Object:
		for _, v := range items(member(p, keyPrincipalAWS)) {
			if s, ok := v.(ast.String); ok && !slices.Contains(ps, string(s)) {
				ps = append(ps, string(s))
			}
		}
		sort.Strings(ps)
		return ps, true
	}
	return nil, false
}

// globCache holds compiled action patterns (few distinct ones per
// organization); safe for concurrent evaluations.
var globCache sync.Map // pattern -> *glob.Pattern (nil when invalid)

// globMatch is Rego's glob.match(pattern, null, s).
func globMatch(pattern, s string) bool {
	v, ok := globCache.Load(pattern)
	if !ok {
		g, err := glob.Compile(pattern)
		if err != nil {
			g = nil
		}
		v, _ = globCache.LoadOrStore(pattern, g)
	}
	g := v.(*glob.Pattern)
	return g != nil && g.Match(s)
}

// allowsAction is lib.allows_action for a lower-case action.
func allowsAction(st ast.Value, action string) bool {
	matches := func(list ast.Value) bool {
		for _, p := range items(list) {
			if s, ok := p.(ast.String); ok && globMatch(strings.ToLower(string(s)), action) {
				return true
			}
		}
		return false
	}
	if a := member(st, keyAction); a != nil && a != ast.Boolean(false) {
		return matches(a)
	}
	na := member(st, keyNotAction)
	if na == nil || na == ast.Boolean(false) {
		return false
	}
	return !matches(na)
}

// conditions is lib.conditions: f is called with every operator and key
// (lower-cased) and the values, until it returns true.
func conditions(st ast.Value, f func(op, key string, values ast.Value) bool) bool {
	c, _ := member(st, keyCondition).(ast.Object)
	if c == nil {
		return false
	}
	return c.Until(func(op, block *ast.Term) bool {
		b, _ := block.Value.(ast.Object)
		if b == nil {
			return false
		}
		o, _ := op.Value.(ast.String)
		lop := strings.ToLower(string(o))
		return b.Until(func(k, v *ast.Term) bool {
			key, _ := k.Value.(ast.String)
			return f(lop, strings.ToLower(string(key)), v.Value)
		})
	})
}

// allBool reports whether values, as a list, is not empty and each of
// them is lib.bool_value want ("true" or "false"): the string, whatever
// its case, or the boolean.
func allBool(values ast.Value, want string) bool {
	n := 0
	for _, v := range items(values) {
		n++
		switch x := v.(type) {
		case ast.String:
			if strings.ToLower(string(x)) != want {
				return false
			}
		case ast.Boolean:
			if strconv.FormatBool(bool(x)) != want {
				return false
			}
		default:
			return false
		}
	}
	return n > 0
}

// requiresMFA is lib.requires_mfa.
func requiresMFA(st ast.Value) bool {
	return conditions(st, func(op, key string, values ast.Value) bool {
		if op == "bool" && key == "aws:multifactorauthpresent" && allBool(values, "true") {
			return true
		}
		return (op == "numericlessthan" || op == "numericlessthanequals") && key == "aws:multifactorauthage"
	})
}

// mfaEnforcedByDeny is lib.mfa_enforced_by_deny.
func mfaEnforcedByDeny(doc ast.Value) bool {
	for _, st := range items(member(doc, keyStatement)) {
		if !isString(member(st, keyEffect), "Deny") {
			continue
		}
		ps, _ := awsPrincipals(st)
		if !slices.Contains(ps, "*") || !allowsAction(st, "sts:assumerole") {
			continue
		}
		if conditions(st, func(op, key string, values ast.Value) bool {
			return (op == "bool" || op == "boolifexists") && key == "aws:multifactorauthpresent" && allBool(values, "false")
		}) {
			return true
		}
	}
	return false
}

var accountIDRe = regexp.MustCompile(`^[0-9]{12}$`)

// principalAccount is lib.principal_account.
func principalAccount(p string) (string, bool) {
	if accountIDRe.MatchString(p) {
		return p, true
	}
	if strings.HasPrefix(p, "arn:") {
		if parts := strings.Split(p, ":"); len(parts) > 4 {
			return parts[4], true
		}
	}
	return "", false
}

// trustGrants appends the lib.trust_grants entries of one role to out.
func (f *factsBuilder) trustGrants(out []*ast.Term, accountID *ast.Term, role ast.Object) []*ast.Term {
	if path, _ := member(role, keyPath).(ast.String); strings.HasPrefix(string(path), "/aws-service-role/") {
		return out
	}
	doc := member(role, keyTrustPolicy)
	var denyMFA *bool
	for i, st := range items(member(doc, keyStatement)) {
		if _, ok := st.(ast.Object); !ok || !isString(member(st, keyEffect), "Allow") {
			continue
		}
		ps, ok := awsPrincipals(st)
		if !ok || len(ps) == 0 {
			continue
		}
		mfa := requiresMFA(st)
		if !mfa {
			if denyMFA == nil {
				v := mfaEnforcedByDeny(doc)
				denyMFA = &v
			}
			mfa = *denyMFA
		}
		externalID := conditions(st, func(_, key string, _ ast.Value) bool { return key == "sts:externalid" })
		principals := make([]*ast.Term, len(ps))
		var accounts [][2]*ast.Term
		external := []*ast.Term{}
		for j, p := range ps {
			principals[j] = ast.StringTerm(p)
			if acct, ok := principalAccount(p); ok {
				accounts = append(accounts, [2]*ast.Term{principals[j], ast.StringTerm(acct)})
				if f.organization && !f.orgAccounts[acct] {
					external = append(external, principals[j])
				}
			}
		}
		out = append(out, ast.ObjectTerm(
			ast.Item(fkAccountID, accountID),
			ast.Item(fkRoleARN, orNull(member(role, keyARN))),
			ast.Item(fkRoleName, orNull(member(role, keyName))),
			ast.Item(fkIndex, ast.IntNumberTerm(i)),
			ast.Item(fkStatement, ast.NewTerm(st)),
			ast.Item(fkPrincipals, ast.ArrayTerm(principals...)),
			ast.Item(fkPrincipalAccounts, ast.ObjectTerm(accounts...)),
			ast.Item(fkExternal, ast.ArrayTerm(external...)),
			ast.Item(fkAssumeRole, ast.BooleanTerm(allowsAction(st, "sts:assumerole"))),
			ast.Item(fkMFA, ast.BooleanTerm(mfa)),
			ast.Item(fkExternalID, ast.BooleanTerm(externalID)),
		))
	}
	return out
}

// roleActivity is a role's lib.role_activity entry, or nil.
func roleActivity(accountID *ast.Term, role ast.Object, now time.Time) ast.Object {
	path, _ := member(role, keyPath).(ast.String)
	if strings.HasPrefix(string(path), "/aws-service-role/") || strings.HasPrefix(string(path), "/aws-reserved/") {
		return nil
	}
	var since ast.String
	var what *ast.Term
	if d, ok := member(member(role, keyLastUsed), keyDate).(ast.String); ok {
		since, what = d, lastUsed
	} else if d, ok := member(role, keyCreateDate).(ast.String); ok {
		since, what = d, neverUsed
	} else {
		return nil
	}
	t, err := time.Parse(time.RFC3339, string(since))
	if err != nil {
		return nil
	}
	return ast.NewObject(
		ast.Item(fkAccountID, accountID),
		ast.Item(fkRoleARN, orNull(member(role, keyARN))),
		ast.Item(fkRoleName, orNull(member(role, keyName))),
		ast.Item(fkSince, ast.NewTerm(since)),
		ast.Item(fkIdleDays, ast.InternedTerm(daysBetween(t, now))),
		ast.Item(fkWhat, what),
	)
}

// daysBetween is lib.days_since: whole days from t to now, rounded down
// (negative for a t after now).
func daysBetween(t, now time.Time) int64 {
	const day = int64(24 * time.Hour)
	d := now.UnixNano() - t.UnixNano()
	q := d / day
	if d%day != 0 && d < 0 {
		q--
	}
	return q
}
