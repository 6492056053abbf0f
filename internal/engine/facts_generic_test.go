package engine

// The facts computed from generic accounts (map[string]any), as the engine
// computed them before chunks decoded their accounts straight into Rego
// values: the slow way accountFacts is compared with
// (TestAccountFactsMatchGeneric).

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/orgaudit/orgaudit/internal/input"
)

// accountFactKeys are the keys of input.facts accountFacts computes from
// the accounts (the others need no account's document).
var accountFactKeys = []string{"trust_grants", "admin_roles", "role_activity", "full_admin_policies"}

// computeFacts is input.facts of a whole generic document, as generic
// values (what the facts tests compare).
func computeFacts(doc map[string]any) map[string]any {
	accounts, _ := doc["accounts"].([]any)
	terms, err := convertAccounts(accounts)
	if err != nil {
		panic(err)
	}
	v, err := documentTables(doc).allFacts(terms)
	if err != nil {
		panic(err)
	}
	g, err := ast.JSON(v)
	if err != nil {
		panic(err)
	}
	return g.(map[string]any)
}

// edgeAccounts are accounts with values of unexpected types wherever the
// account facts read one.
const edgeAccounts = `[
  {"id": "444444444444", "name": "n", "iam": {"policies": [
      {"arn": "arn:aws:iam::444444444444:policy/admin", "name": "admin", "document": {"Statement": [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}, {"Effect": "Allow", "Action": "iam:*", "Resource": "*"}]}},
      {"arn": "arn:aws:iam::444444444444:policy/null", "name": "null", "document": null},
      {"arn": "arn:aws:iam::444444444444:policy/star", "name": "star", "document": {"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}},
      {"arn": 5, "name": "no-arn"}, "not a policy"],
    "users": [{"arn": "arn:aws:iam::444444444444:user/u", "attached_policies": [{"arn": "arn:aws:iam::444444444444:policy/admin"}, {"arn": "arn:aws:iam::444444444444:policy/star"}],
               "inline_policies": {"name": "single", "document": {"Statement": {"Effect": "Allow", "Action": ["*"], "Resource": ["*"]}}}}],
    "groups": {"attached_policies": [{"arn": "arn:aws:iam::444444444444:policy/star"}], "inline_policies": null},
    "roles": [
      "not a role", null,
      {"name": "dup", "arn": "arn:aws:iam::444444444444:role/dup", "attached_policies": [{"arn": "arn:aws:iam::444444444444:policy/admin", "name": "admin"}], "inline_policies": null, "last_used": "yesterday", "create_date": "2020-02-30T00:00:00Z",
       "trust_policy": {"Statement": [
         {"Effect": "Allow", "Principal": null, "Action": "sts:AssumeRole"},
         {"Effect": "Allow", "Principal": {"AWS": ["111111111111", "111111111111", 12, null]}, "Action": false, "NotAction": null},
         {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::555555555555:root"}, "Action": null, "Condition": {"Bool": {"aws:MultiFactorAuthPresent": ["TRUE", true]}}},
         {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::555555555555:root"}, "NotAction": ["s3:*"], "Condition": {"Bool": {"aws:MultiFactorAuthPresent": [1]}, "StringLike": "x", "Null": null}},
         {"Effect": "Allow", "Principal": ["*"], "Action": "sts:AssumeRole"},
         {"Effect": "Deny", "Principal": {"AWS": "*"}, "NotAction": "s3:*", "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "False"}}},
         "not a statement"]}},
      {"name": "dup", "arn": "arn:aws:iam::444444444444:role/dup", "permissions_boundary": {"arn": 3}, "inline_policies": [{"name": "root", "document": {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": ["x", "*"]}]}}],
       "last_used": {"date": null}, "create_date": "2021-01-01T00:00:00+02:00", "trust_policy": {"Statement": {"Effect": "Allow", "Principal": "arn:aws:iam::1:root"}}},
      {"arn": "arn:aws:iam::444444444444:role/noname", "path": 3, "attached_policies": "x", "last_used": {"date": "2026-12-01T00:00:00Z"}, "trust_policy": {"Statement": null}},
      {"name": "trust-string", "path": "/", "trust_policy": "x", "create_date": 20200101}
    ]}},
  {"name": "no id", "iam": {"roles": [{"name": "r", "arn": "arn:aws:iam::666666666666:role/r", "create_date": "2024-01-01T00:00:00Z",
     "trust_policy": {"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::666666666666:root"}, "Action": "sts:*"}]}}]}},
  {"id": "777777777777", "iam": []},
  "not an account"
]`

// TestAccountFactsMatchGeneric: the account facts read from the values
// for the rules (decoded from each account's JSON, as chunks decode them,
// or converted from the generic accounts) equal the facts of the generic
// accounts converted, the same value with the same text, for every
// selection of facts, on the whole organization and in chunks, on every
// snapshot under fixtures/, generated organizations and the policy
// shapes.
func TestAccountFactsMatchGeneric(t *testing.T) {
	raws := jsonFiles(t)
	shapes := shapesDoc(t)
	var edges []any
	if err := json.Unmarshal([]byte(edgeAccounts), &edges); err != nil {
		t.Fatal(err)
	}
	shapes["accounts"] = append(shapes["accounts"].([]any), edges...)
	b, err := json.Marshal(shapes)
	if err != nil {
		t.Fatal(err)
	}
	raws["shapes"] = b
	wants := map[string]func(string) bool{"all": nil}
	for _, k := range accountFactKeys {
		wants[k] = func(x string) bool { return x == k }
	}
	wants["trust_grants+role_activity"] = func(x string) bool { return x == "trust_grants" || x == "role_activity" }
	found := map[string]int{}
	snapshots := 0
	for name, raw := range raws {
		g, err := input.DecodeJSON(context.Background(), raw)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		doc, _ := g.(map[string]any)
		generic, ok := doc["accounts"].([]any)
		if !ok {
			continue // not a snapshot
		}
		snapshots++
		tables := documentTables(doc)
		decoded := make([]*ast.Term, len(generic))
		for i, a := range generic {
			b, err := json.Marshal(a)
			if err != nil {
				t.Fatal(err)
			}
			v, err := decodeValue(context.Background(), b)
			if err != nil {
				t.Fatal(err)
			}
			decoded[i] = ast.NewTerm(v)
		}
		converted, err := convertAccounts(generic)
		if err != nil {
			t.Fatal(err)
		}
		for _, chunk := range []int{len(generic), 7} {
			for lo := 0; lo < max(1, len(generic)); lo += max(1, chunk) {
				hi := min(len(generic), lo+max(1, chunk))
				for wname, want := range wants {
					w, err := convertPairs(genericAccountFacts(tables, generic[lo:hi], want))
					if err != nil {
						t.Fatal(err)
					}
					wantVal := ast.NewObject(w...)
					for way, terms := range map[string][]*ast.Term{"decoded": decoded[lo:hi], "converted": converted[lo:hi]} {
						got := ast.NewObject(tables.accountFacts(terms, want)...)
						if ast.Compare(got, wantVal) != 0 || got.String() != wantVal.String() {
							t.Fatalf("%s, accounts %d to %d, %s facts, %s: %s\nthe generic accounts give %s",
								name, lo, hi, wname, way, trim(got.String()), trim(wantVal.String()))
						}
					}
					if wname == "all" && chunk == len(generic) {
						found[name]++
						wantVal.Foreach(func(k, v *ast.Term) {
							if n, ok := v.Value.(interface{ Len() int }); ok {
								found[string(k.Value.(ast.String))] += n.Len()
							}
						})
					}
				}
			}
		}
	}
	if snapshots < 5 || found["shapes"] == 0 {
		t.Fatalf("only %d snapshots (the shapes: %v)", snapshots, found["shapes"] > 0)
	}
	for _, k := range accountFactKeys {
		if found[k] == 0 {
			t.Errorf("no %s at all: the comparison proves nothing", k)
		}
	}
}

// accountFacts are the tables about the given accounts (all of them, or
// a chunk): trust_grants, admin_roles, role_activity and
// full_admin_policies, those want accepts (nil: all).
func genericAccountFacts(t *orgTables, accounts []any, want func(string) bool) map[string]any {
	if want == nil {
		want = func(string) bool { return true }
	}
	f := gFactsBuilder{organization: t.organization, orgAccounts: t.orgAccounts, adminPolicies: t.adminPolicies}
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
				if a := gRoleActivity(id, role, t.collectedAt); a != nil {
					activity = append(activity, a)
				}
			}
		}
	}
	out := map[string]any{"trust_grants": grants, "admin_roles": admin, "role_activity": activity}
	if want("full_admin_policies") {
		out["full_admin_policies"] = gFullAdminPolicies(iamAccounts)
	}
	for k := range out {
		if !want(k) {
			delete(out, k)
		}
	}
	return out
}

type gFactsBuilder struct {
	organization  bool
	orgAccounts   map[string]bool
	adminPolicies map[string]bool
}

// adminGrants is the value of lib.admin_roles for a role ([] when the role
// is not administrative or a boundary caps it).
func (f *gFactsBuilder) adminGrants(role map[string]any) []any {
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

// gAwsPrincipals is lib.aws_principals; ok is false where the library's
// function is undefined (a Principal that is neither "*" nor an object).
func gAwsPrincipals(st map[string]any) (ps []string, ok bool) {
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

// gAllowsAction is lib.allows_action for a lower-case action.
func gAllowsAction(st map[string]any, action string) bool {
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

type gCondition struct {
	op, key string
	values  []any
}

// conditions is lib.conditions, with operator and key lower-cased.
func gConditions(st map[string]any) []gCondition {
	c, _ := st["Condition"].(map[string]any)
	var out []gCondition
	for op, block := range c {
		b, _ := block.(map[string]any)
		for k, v := range b {
			out = append(out, gCondition{op: strings.ToLower(op), key: strings.ToLower(k), values: asList(v)})
		}
	}
	return out
}

// gBoolValue is lib.bool_value.
func gBoolValue(v any) string { return strings.ToLower(fmt.Sprintf("%v", v)) }

func gAllBool(vals []any, want string) bool {
	if len(vals) == 0 {
		return false
	}
	for _, v := range vals {
		if gBoolValue(v) != want {
			return false
		}
	}
	return true
}

// gRequiresMFA is lib.requires_mfa.
func gRequiresMFA(st map[string]any) bool {
	for _, c := range gConditions(st) {
		if c.op == "bool" && c.key == "aws:multifactorauthpresent" && gAllBool(c.values, "true") {
			return true
		}
		if (c.op == "numericlessthan" || c.op == "numericlessthanequals") && c.key == "aws:multifactorauthage" {
			return true
		}
	}
	return false
}

// gMfaEnforcedByDeny is lib.mfa_enforced_by_deny.
func gMfaEnforcedByDeny(doc any) bool {
	for _, s := range statements(doc) {
		st, ok := s.(map[string]any)
		if !ok || st["Effect"] != "Deny" {
			continue
		}
		ps, _ := gAwsPrincipals(st)
		if !slices.Contains(ps, "*") || !gAllowsAction(st, "sts:assumerole") {
			continue
		}
		for _, c := range gConditions(st) {
			if (c.op == "bool" || c.op == "boolifexists") && c.key == "aws:multifactorauthpresent" && gAllBool(c.values, "false") {
				return true
			}
		}
	}
	return false
}

// trustGrants returns the lib.trust_grants entries of one role.
func (f *gFactsBuilder) trustGrants(accountID string, role map[string]any) []any {
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
		ps, ok := gAwsPrincipals(st)
		if !ok || len(ps) == 0 {
			continue
		}
		mfa := gRequiresMFA(st)
		if !mfa {
			if denyMFA == nil {
				v := gMfaEnforcedByDeny(doc)
				denyMFA = &v
			}
			mfa = *denyMFA
		}
		externalID := false
		for _, c := range gConditions(st) {
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
			"assume_role":        gAllowsAction(st, "sts:assumerole"),
			"mfa":                mfa,
			"external_id":        externalID,
		})
	}
	return out
}

// roleActivity is a role's lib.role_activity entry, or nil.
func gRoleActivity(accountID string, role map[string]any, now time.Time) map[string]any {
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

// gAdminMemo remembers fullAdminJSON's answer per document, keyed by its
// encoding (json.Marshal sorts map keys, so equal documents encode
// alike): organizations repeat the same inline policies in many accounts,
// and the answer depends on the document alone.
type gAdminMemo map[string]bool

func (m gAdminMemo) full(raw any) bool {
	b, err := json.Marshal(raw)
	if err != nil {
		return false
	}
	if v, ok := m[string(b)]; ok {
		return v
	}
	v := fullAdminJSON(b)
	m[string(b)] = v
	return v
}

// fullAdminPolicies is the value of lib.full_admin_policies: every
// customer managed policy and inline policy of iamAccounts whose document
// is full administrator access (see fullAdminDocument), as
//
//	{account_id, kind ("managed" or "inline"), policy_arn (managed),
//	 policy_name, owner_arn (inline: its user, group or role),
//	 attached_to (the ARNs of the users, groups and roles it applies to)}
//
// sorted by account, kind, policy ARN or owner, and name.
func gFullAdminPolicies(iamAccounts []map[string]any) []any {
	out := []any{}
	memo := gAdminMemo{}
	for _, acct := range iamAccounts {
		id, _ := acct["id"].(string)
		iam, _ := acct["iam"].(map[string]any)
		admin := map[string]bool{}
		for _, p := range asList(iam["policies"]) {
			pol, _ := p.(map[string]any)
			if arn, ok := pol["arn"].(string); ok && memo.full(pol["document"]) {
				admin[arn] = true
			}
		}
		attached := map[string][]any{}
		var entries []map[string]any
		for _, kind := range []string{"users", "groups", "roles"} {
			for _, x := range asList(iam[kind]) {
				principal, _ := x.(map[string]any)
				owner, _ := principal["arn"].(string)
				for _, p := range asList(principal["attached_policies"]) {
					ap, _ := p.(map[string]any)
					if arn, _ := ap["arn"].(string); admin[arn] {
						attached[arn] = append(attached[arn], owner)
					}
				}
				for _, p := range asList(principal["inline_policies"]) {
					ip, _ := p.(map[string]any)
					if name, ok := ip["name"].(string); ok && memo.full(ip["document"]) {
						entries = append(entries, map[string]any{
							"account_id": id, "kind": "inline", "policy_arn": "", "policy_name": name,
							"owner_arn": owner, "attached_to": []any{owner},
						})
					}
				}
			}
		}
		for _, p := range asList(iam["policies"]) {
			pol, _ := p.(map[string]any)
			arn, _ := pol["arn"].(string)
			if !admin[arn] {
				continue
			}
			to := attached[arn]
			if to == nil {
				to = []any{}
			}
			entries = append(entries, map[string]any{
				"account_id": id, "kind": "managed", "policy_arn": arn, "policy_name": pol["name"],
				"owner_arn": "", "attached_to": to,
			})
		}
		sort.SliceStable(entries, func(i, j int) bool {
			a, b := entries[i], entries[j]
			ka := a["kind"].(string) + "|" + a["policy_arn"].(string) + "|" + a["owner_arn"].(string) + "|" + a["policy_name"].(string)
			kb := b["kind"].(string) + "|" + b["policy_arn"].(string) + "|" + b["owner_arn"].(string) + "|" + b["policy_name"].(string)
			return ka < kb
		})
		for _, e := range entries {
			out = append(out, e)
		}
	}
	return out
}
