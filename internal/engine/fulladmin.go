package engine

import (
	"encoding/json"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/orgaudit/orgaudit/internal/policy"
)

// Probe tokens stand for "any text" where a pattern has a wildcard. Action
// names and ARNs never contain '#' or '~', so only a wildcard of another
// pattern can match them; two lengths keep fixed-length '?' runs from
// passing for a '*'.
var probeTokens = []string{"#", "#~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~#"}

// probeAccount is the account of the probe principal and resources.
const probeAccount = "000000000000"

// fullAdminDocument reports whether a policy document, attached to an IAM
// principal, allows every action on every resource: "Action": "*" on
// "Resource": "*", or any combination of statements (NotAction and
// NotResource forms included) that adds up to it, explicit denies taken
// into account. The policy evaluator decides it on probe requests: an
// action and a resource that no pattern of the document names, plus, for
// every action and resource pattern of the document, requests inside it
// (its wildcards replaced by text no real name contains). Every probe must
// be allowed, possibly under conditions (an administrator policy limited
// to a source IP or to MFA is still one). Trust actions (sts:AssumeRole
// and the like) are left out: a role's trust policy decides them.
func fullAdminDocument(raw any) bool {
	b, err := json.Marshal(raw)
	if err != nil {
		return false
	}
	return fullAdminJSON(b)
}

// adminMemo remembers fullAdminJSON's answer per document, keyed by its
// text (ast.Value.String, which tells apart any two documents whose JSON
// differs): organizations repeat the same inline policies in many
// accounts, and the answer depends on the document alone. A document
// object seen before (the decoder shares the objects an organization
// repeats, see valueDecoder.shared) is found by its address first,
// without its text.
type adminMemo struct {
	byText   map[string]bool
	byObject map[ast.Object]bool
}

func newAdminMemo() adminMemo {
	return adminMemo{byText: map[string]bool{}, byObject: map[ast.Object]bool{}}
}

// full is fullAdminDocument of a document for the rules (nil when
// absent), decided on the JSON its generic value encodes to.
func (m adminMemo) full(doc ast.Value) bool {
	if doc == nil {
		doc = ast.NullValue
	}
	obj, isObj := doc.(ast.Object)
	if isObj {
		if v, ok := m.byObject[obj]; ok {
			return v
		}
	}
	key := doc.String()
	v, ok := m.byText[key]
	if !ok {
		if g, err := ast.JSON(doc); err == nil {
			v = fullAdminDocument(g)
		}
		m.byText[key] = v
	}
	if isObj {
		m.byObject[obj] = v
	}
	return v
}

// fullAdminJSON is fullAdminDocument of an encoded document.
func fullAdminJSON(b []byte) bool {
	doc, err := policy.Parse(b)
	if err != nil {
		return false
	}
	ctx := policy.NewContext().SetUnknown("*")
	allowed := func(action, resource string) bool {
		r := policy.Evaluate(policy.Input{
			Request: policy.Request{
				Principal:       "arn:aws:iam::" + probeAccount + ":user/orgaudit-probe",
				Action:          action,
				Resource:        resource,
				ResourceAccount: probeAccount,
				Context:         ctx,
			},
			IdentityPolicies: []policy.Policy{{Label: "probe", Document: doc}},
		})
		return r.Decision == policy.Allowed
	}
	// Most documents fail on the first probe.
	if !allowed("orgauditprobe:#", "arn:aws:orgauditprobe:::#") {
		return false
	}
	actions := map[string]bool{"orgauditprobe:#": true}
	resources := map[string]bool{"arn:aws:orgauditprobe:::#": true}
	for _, s := range doc.Statements {
		for _, p := range append(append([]string{}, s.Action...), s.NotAction...) {
			for _, a := range probeInstances(p) {
				if !policy.IsTrustAction(a) {
					actions[a] = true
				}
			}
		}
		for _, p := range append(append([]string{}, s.Resource...), s.NotResource...) {
			for _, r := range probeInstances(p) {
				resources[r] = true
			}
		}
	}
	for _, a := range sortedKeys(actions) {
		for _, r := range sortedKeys(resources) {
			if !allowed(a, r) {
				return false
			}
		}
	}
	return true
}

// probeInstances are requests inside a pattern: its wildcards replaced by
// each probe token.
func probeInstances(pattern string) []string {
	if !strings.ContainsAny(pattern, "*?") {
		return []string{pattern}
	}
	out := make([]string, 0, len(probeTokens))
	for _, tok := range probeTokens {
		r := strings.NewReplacer("*", tok, "?", "#")
		out = append(out, r.Replace(pattern))
	}
	return out
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
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
func fullAdminPolicies(iamAccounts []iamAccount) *ast.Array {
	var out []*ast.Term
	memo := newAdminMemo()
	type entry struct {
		sortKey string
		value   *ast.Term
	}
	for _, acct := range iamAccounts {
		id := ast.StringTerm(acct.id)
		policies := member(acct.iam, keyPolicies)
		admin := map[string]bool{}
		for _, pol := range items(policies) {
			if arn, ok := member(pol, keyARN).(ast.String); ok && memo.full(member(pol, keyDocument)) {
				admin[string(arn)] = true
			}
		}
		attached := map[string][]*ast.Term{}
		var entries []entry
		for _, kind := range principalKinds {
			for _, principal := range items(member(acct.iam, kind)) {
				owner, _ := member(principal, keyARN).(ast.String)
				ownerTerm := ast.NewTerm(owner)
				for _, ap := range items(member(principal, keyAttached)) {
					if arn, _ := member(ap, keyARN).(ast.String); admin[string(arn)] {
						attached[string(arn)] = append(attached[string(arn)], ownerTerm)
					}
				}
				for _, ip := range items(member(principal, keyInline)) {
					if name, ok := member(ip, keyName).(ast.String); ok && memo.full(member(ip, keyDocument)) {
						entries = append(entries, entry{
							sortKey: "inline||" + string(owner) + "|" + string(name),
							value:   adminEntry(id, kindInline, emptyString, ast.NewTerm(name), ownerTerm, ownerTerm),
						})
					}
				}
			}
		}
		for _, pol := range items(policies) {
			arn, _ := member(pol, keyARN).(ast.String)
			if !admin[string(arn)] {
				continue
			}
			name := orNull(member(pol, keyName))
			sortName, _ := name.Value.(ast.String)
			entries = append(entries, entry{
				sortKey: "managed|" + string(arn) + "||" + string(sortName),
				value:   adminEntry(id, kindManaged, ast.NewTerm(arn), name, emptyString, attached[string(arn)]...),
			})
		}
		sort.SliceStable(entries, func(i, j int) bool { return entries[i].sortKey < entries[j].sortKey })
		for _, e := range entries {
			out = append(out, e.value)
		}
	}
	return ast.NewArray(out...)
}

// adminEntry is one lib.full_admin_policies entry.
func adminEntry(accountID, kind, policyARN, name, owner *ast.Term, attachedTo ...*ast.Term) *ast.Term {
	return ast.ObjectTerm(
		ast.Item(fkAccountID, accountID),
		ast.Item(fkKind, kind),
		ast.Item(fkPolicyARN, policyARN),
		ast.Item(fkPolicyName, name),
		ast.Item(fkOwnerARN, owner),
		ast.Item(fkAttachedTo, ast.ArrayTerm(attachedTo...)),
	)
}
