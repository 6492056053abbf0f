package engine

import (
	"encoding/json"
	"sort"
	"strings"

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
// encoding (json.Marshal sorts map keys, so equal documents encode
// alike): organizations repeat the same inline policies in many accounts,
// and the answer depends on the document alone.
type adminMemo map[string]bool

func (m adminMemo) full(raw any) bool {
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
func fullAdminPolicies(iamAccounts []map[string]any) []any {
	out := []any{}
	memo := adminMemo{}
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
