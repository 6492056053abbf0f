package graph

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/orgaudit/orgaudit/internal/policy"
)

// TestKeysMatchFmt: keysOf builds the escalation and grant keys with
// appends; they are the text the fmt verbs it names give (the reference
// below), on every test snapshot and fixture and a generated organization
// with tags, boundaries and sensitive documents. The class key numbers
// the assumeKeys instead of holding their text: it groups the principals
// exactly as the reference's text does.
func TestKeysMatchFmt(t *testing.T) {
	snaps := principalSnapshots(t)
	// Documents that look at the account, tags with quotes and escapes.
	acctDoc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalAccount":"` + prodAcct + `"}}}]}`
	k := base()
	k.acct(idAcct).user("acct-a", inline("acct", acctDoc), tagged("team", `a "quoted" \ name`, "Ünï", "x\ty")).
		user("acct-b", inline("acct", acctDoc), boundary(adminARN))
	snaps["account-keys"] = k.s
	for name, s := range snaps {
		t.Run(name, func(t *testing.T) {
			b := readPrincipals(s)
			b.identityCenterRoles()
			b.groupVariants()
			var kb keyBuf
			classOf, refOf := map[string]string{}, map[string]string{} // reference ↔ class key
			for _, p := range b.principals {
				scpKey := b.scpKey(p.account)
				got := b.keysOf(p, scpKey, &kb)
				want := b.keysByFmt(p, scpKey)
				if got.esc != want.esc || got.grant != want.grant {
					t.Fatalf("%s: keys %+v, want %+v", p.arn, got, want)
				}
				if c, ok := classOf[want.class]; ok && c != got.class {
					t.Fatalf("%s: class key %q, want %q as another principal of its class", p.arn, got.class, c)
				}
				if r, ok := refOf[got.class]; ok && r != want.class {
					t.Fatalf("%s: class key %q shared by principals of different classes", p.arn, got.class)
				}
				classOf[want.class], refOf[got.class] = got.class, want.class
			}
			if len(b.principals) == 0 {
				t.Skip("no principal")
			}
		})
	}
}

// keysByFmt is keysOf as it was written with fmt (p.sensitive set by
// keysOf before).
func (b *builder) keysByFmt(p *principal, scpKey string) principalKeys {
	acctSensitive := false
	for _, pol := range p.identity {
		acctSensitive = acctSensitive || b.docAcctSens[pol.Document]
	}
	for _, pol := range p.boundary {
		acctSensitive = acctSensitive || b.docAcctSens[pol.Document]
	}
	for _, lvl := range b.scps[p.account] {
		for _, pol := range lvl {
			acctSensitive = acctSensitive || b.docAcctSens[pol.Document]
		}
	}
	var kb strings.Builder
	fmt.Fprintf(&kb, "%s|%s|%t|%t|%s|", p.kind, scpKey, p.account == b.mgmt, p.serviceLinked, p.mfa)
	tagKeys := make([]string, 0, len(p.tags))
	for k := range p.tags {
		tagKeys = append(tagKeys, k)
	}
	sort.Strings(tagKeys)
	for _, k := range tagKeys {
		fmt.Fprintf(&kb, "%q=%q,", k, p.tags[k])
	}
	switch {
	case p.sensitive:
		kb.WriteString("|" + p.arn)
	case acctSensitive:
		kb.WriteString("|" + p.account)
	}
	rest := kb.String()
	ids, bids := slices.Clone(p.identityIDs), slices.Clone(p.boundaryIDs)
	slices.Sort(ids)
	slices.Sort(bids)
	return principalKeys{
		esc:   fmt.Sprintf("%v|%v|%s|%s", ids, bids, rest, p.account),
		class: assumeProjectionText(p.identity) + "|" + assumeProjectionText(p.boundary) + "|" + fmt.Sprint(len(p.boundary) > 0) + "|" + rest,
		grant: fmt.Sprint(ids),
	}
}

// assumeProjectionText is the sorted set of the assumeKeys of pols'
// documents, as text.
func assumeProjectionText(pols []policy.Policy) string {
	keys := make([]string, 0, len(pols))
	for _, pol := range pols {
		if k := assumeKey(pol.Document); k != "" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return strings.Join(slices.Compact(keys), "\x00")
}
