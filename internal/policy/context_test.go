package policy

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// TestContextEntries: a context answers as a map from lower-case keys to
// the last Set, SetAbsent or SetUnknown of the key, whatever the case it
// was written in and whether its entries are looked through or indexed
// (small and large contexts).
func TestContextEntries(t *testing.T) {
	for _, n := range []int{0, 1, 5, indexFrom - 1, indexFrom, 3 * indexFrom} {
		t.Run(fmt.Sprint(n, " keys"), func(t *testing.T) {
			c := NewContext().SetUnknown("aws:RequestTag/*")
			type want struct {
				key    string
				values []string
				state  KeyState
			}
			ref := map[string]want{}
			for i := range n {
				k := fmt.Sprintf("aws:PrincipalTag/Key%d", i)
				c.Set(k, "v", fmt.Sprint(i))
				ref[strings.ToLower(k)] = want{k, []string{"v", fmt.Sprint(i)}, KeyKnown}
			}
			// Set again, in another case: the last one counts.
			for i := 0; i < n; i += 2 {
				k := fmt.Sprintf("AWS:PRINCIPALTAG/KEY%d", i)
				if i%4 == 0 {
					c.SetAbsent(k)
					ref[strings.ToLower(k)] = want{k, nil, KeyAbsent}
				} else {
					c.SetUnknown(k)
					ref[strings.ToLower(k)] = want{k, nil, KeyUnknown}
				}
			}
			for i := range n + 2 {
				k := fmt.Sprintf("aws:principaltag/key%d", i)
				vals, st := c.Lookup(k)
				w, ok := ref[k]
				if !ok {
					w.state = KeyAbsent
				}
				if st != w.state || !slices.Equal(vals, w.values) {
					t.Errorf("%s: %v %v, want %v %v", k, vals, st, w.values, w.state)
				}
			}
			// A global key in its documented spelling (globalKeys), then in
			// another.
			c.Set("aws:PrincipalOrgID", "o-1")
			if v, st := c.Lookup("AWS:principalorgid"); st != KeyKnown || !slices.Equal(v, []string{"o-1"}) {
				t.Errorf("aws:PrincipalOrgID: %v %v", v, st)
			}
			c.SetAbsent("AWS:PRINCIPALORGID")
			ref["aws:principalorgid"] = want{"AWS:PRINCIPALORGID", nil, KeyAbsent}
			if _, st := c.Lookup("aws:PrincipalOrgID"); st != KeyAbsent {
				t.Errorf("aws:PrincipalOrgID set absent: %v", st)
			}
			if _, st := c.Lookup("aws:requesttag/x"); st != KeyUnknown {
				t.Errorf("pattern key: %v, want unknown", st)
			}
			var keys []string
			for _, w := range ref {
				keys = append(keys, w.key)
			}
			slices.Sort(keys)
			if got := c.Keys(); !slices.Equal(got, keys) {
				t.Errorf("keys %v, want %v", got, keys)
			}
		})
	}
}
