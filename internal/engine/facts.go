package engine

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/gobwas/glob"
)

// FactsKey is the top-level input key under which the engine passes the
// tables it precomputes in Go (input.facts). The rule library reads them
// when present and computes the same tables in Rego otherwise (in rule
// unit tests, for instance): rules should use the library's names
// (lib.trust_grants, lib.admin_roles), never input.facts directly.
const FactsKey = "facts"

// computeFacts builds, once per evaluation and from the generic snapshot
// document, the normalized tables that most trust rules join on:
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
func computeFacts(doc map[string]any) map[string]any {
	accounts, _ := doc["accounts"].([]any)
	sums := make([]AccountSummary, len(accounts))
	for i, a := range accounts {
		sums[i] = SummarizeAccount(a)
	}
	t := newOrgTables(doc, sums)
	facts := t.facts()
	for k, v := range t.accountFacts(accounts, nil) {
		facts[k] = v
	}
	return facts
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

// accountFactKeys are the keys of input.facts accountFacts computes from
// the accounts (the others need no account's document).
var accountFactKeys = []string{"trust_grants", "admin_roles", "role_activity", "full_admin_policies"}

// accountFacts are the tables about the given accounts (all of them, or
// a chunk): trust_grants, admin_roles, role_activity and
// full_admin_policies, those want accepts (nil: all).
func (t *orgTables) accountFacts(accounts []any, want func(string) bool) map[string]any {
	if want == nil {
		want = func(string) bool { return true }
	}
	f := factsBuilder{organization: t.organization, orgAccounts: t.orgAccounts, adminPolicies: t.adminPolicies}
	var iamAccounts []map[string]any
	for _, a := range accounts {
		acct, ok := a.(map[string]any)
		if !ok {
			continue
		}
		if _, ok := acct["iam"].(map[string]any); ok {
			iamAccounts = append(iamAccounts, acct)
		}
	}
	wantGrants, wantAdmin, wantActivity := want("trust_grants"), want("admin_roles"), want("role_activity")
	grants := []any{}
	admin := map[string]any{}
	activity := []any{}
	for _, acct := range iamAccounts {
		id, _ := acct["id"].(string)
		iam := acct["iam"].(map[string]any)
		for _, r := range asList(iam["roles"]) {
			role, ok := r.(map[string]any)
			if !ok {
				continue
			}
			if wantAdmin {
				if g := f.adminGrants(role); len(g) > 0 {
					if arn, ok := role["arn"].(string); ok {
						admin[arn] = g
					}
				}
			}
			if wantGrants {
				grants = append(grants, f.trustGrants(id, role)...)
			}
			if wantActivity {
				if a := roleActivity(id, role, t.collectedAt); a != nil {
					activity = append(activity, a)
				}
			}
		}
	}
	out := map[string]any{"trust_grants": grants, "admin_roles": admin, "role_activity": activity}
	if want("full_admin_policies") {
		out["full_admin_policies"] = fullAdminPolicies(iamAccounts)
	}
	for k := range out {
		if !want(k) {
			delete(out, k)
		}
	}
	return out
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

// adminGrants is the value of lib.admin_roles for a role ([] when the role
// is not administrative or a boundary caps it).
func (f *factsBuilder) adminGrants(role map[string]any) []any {
	var out []any
	for _, p := range asList(role["attached_policies"]) {
		pol, _ := p.(map[string]any)
		arn, _ := pol["arn"].(string)
		name, ok := pol["name"].(string)
		if ok && f.adminPolicies[arn] {
			out = append(out, "policy "+name)
		}
	}
	for _, p := range asList(role["inline_policies"]) {
		pol, _ := p.(map[string]any)
		name, ok := pol["name"].(string)
		if ok && isAdminDocument(pol["document"]) {
			out = append(out, "inline "+name)
		}
	}
	if len(out) == 0 {
		return nil
	}
	if b, ok := role["permissions_boundary"].(map[string]any); ok {
		if arn, ok := b["arn"].(string); ok && !f.adminPolicies[arn] {
			return nil
		}
	}
	return out
}

// awsPrincipals is lib.aws_principals; ok is false where the library's
// function is undefined (a Principal that is neither "*" nor an object).
func awsPrincipals(st map[string]any) (ps []string, ok bool) {
	switch p := st["Principal"].(type) {
	case nil:
		_, present := st["Principal"]
		return nil, !present
	case string:
		if p == "*" {
			return []string{"*"}, true
		}
		return nil, false
	case map[string]any:
		seen := map[string]bool{}
		for _, v := range asList(p["AWS"]) {
			if s, ok := v.(string); ok && !seen[s] {
				seen[s] = true
				ps = append(ps, s)
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
func allowsAction(st map[string]any, action string) bool {
	if a, ok := st["Action"]; ok && a != false {
		for _, p := range asList(a) {
			if s, ok := p.(string); ok && globMatch(strings.ToLower(s), action) {
				return true
			}
		}
		return false
	}
	na, ok := st["NotAction"]
	if !ok || na == false {
		return false
	}
	for _, p := range asList(na) {
		if s, ok := p.(string); ok && globMatch(strings.ToLower(s), action) {
			return false
		}
	}
	return true
}

type condition struct {
	op, key string
	values  []any
}

// conditions is lib.conditions, with operator and key lower-cased.
func conditions(st map[string]any) []condition {
	c, _ := st["Condition"].(map[string]any)
	var out []condition
	for op, block := range c {
		b, _ := block.(map[string]any)
		for k, v := range b {
			out = append(out, condition{op: strings.ToLower(op), key: strings.ToLower(k), values: asList(v)})
		}
	}
	return out
}

// boolValue is lib.bool_value.
func boolValue(v any) string { return strings.ToLower(fmt.Sprintf("%v", v)) }

func allBool(vals []any, want string) bool {
	if len(vals) == 0 {
		return false
	}
	for _, v := range vals {
		if boolValue(v) != want {
			return false
		}
	}
	return true
}

// requiresMFA is lib.requires_mfa.
func requiresMFA(st map[string]any) bool {
	for _, c := range conditions(st) {
		if c.op == "bool" && c.key == "aws:multifactorauthpresent" && allBool(c.values, "true") {
			return true
		}
		if (c.op == "numericlessthan" || c.op == "numericlessthanequals") && c.key == "aws:multifactorauthage" {
			return true
		}
	}
	return false
}

// mfaEnforcedByDeny is lib.mfa_enforced_by_deny.
func mfaEnforcedByDeny(doc any) bool {
	for _, s := range statements(doc) {
		st, ok := s.(map[string]any)
		if !ok || st["Effect"] != "Deny" {
			continue
		}
		ps, _ := awsPrincipals(st)
		if !containsString(ps, "*") || !allowsAction(st, "sts:assumerole") {
			continue
		}
		for _, c := range conditions(st) {
			if (c.op == "bool" || c.op == "boolifexists") && c.key == "aws:multifactorauthpresent" && allBool(c.values, "false") {
				return true
			}
		}
	}
	return false
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
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

// trustGrants returns the lib.trust_grants entries of one role.
func (f *factsBuilder) trustGrants(accountID string, role map[string]any) []any {
	if path, _ := role["path"].(string); strings.HasPrefix(path, "/aws-service-role/") {
		return nil
	}
	doc := role["trust_policy"]
	var out []any
	var denyMFA *bool
	for i, s := range statements(doc) {
		st, ok := s.(map[string]any)
		if !ok || st["Effect"] != "Allow" {
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
		externalID := false
		for _, c := range conditions(st) {
			if c.key == "sts:externalid" {
				externalID = true
				break
			}
		}
		principals := make([]any, len(ps))
		accounts := map[string]any{}
		external := []any{}
		for j, p := range ps {
			principals[j] = p
			if acct, ok := principalAccount(p); ok {
				accounts[p] = acct
				if f.organization && !f.orgAccounts[acct] {
					external = append(external, p)
				}
			}
		}
		out = append(out, map[string]any{
			"account_id":         accountID,
			"role_arn":           role["arn"],
			"role_name":          role["name"],
			"index":              i,
			"statement":          st,
			"principals":         principals,
			"principal_accounts": accounts,
			"external":           external,
			"assume_role":        allowsAction(st, "sts:assumerole"),
			"mfa":                mfa,
			"external_id":        externalID,
		})
	}
	return out
}

// roleActivity is a role's lib.role_activity entry, or nil.
func roleActivity(accountID string, role map[string]any, now time.Time) map[string]any {
	path, _ := role["path"].(string)
	if strings.HasPrefix(path, "/aws-service-role/") || strings.HasPrefix(path, "/aws-reserved/") {
		return nil
	}
	since, what := "", ""
	if lu, ok := role["last_used"].(map[string]any); ok {
		if d, ok := lu["date"].(string); ok {
			since, what = d, "last used"
		}
	}
	if what == "" {
		d, ok := role["create_date"].(string)
		if !ok {
			return nil
		}
		since, what = d, "never used, created"
	}
	t, err := time.Parse(time.RFC3339, since)
	if err != nil {
		return nil
	}
	return map[string]any{
		"account_id": accountID,
		"role_arn":   role["arn"],
		"role_name":  role["name"],
		"since":      since,
		"idle_days":  daysBetween(t, now),
		"what":       what,
	}
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
