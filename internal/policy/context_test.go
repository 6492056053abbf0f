package policy

import (
	"fmt"
	"math/rand/v2"
	"reflect"
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

// TestLayeredMatchesFlat proves Layered against the slow way, one context
// with every key of every layer set in turn: on random layers setting
// disjoint keys (known, absent, unknown, in any case) and unknown
// patterns, both answer every key alike and list the same keys; a key
// set on the layered context itself comes first; and an evaluation
// reading keys of both layers and derived ones decides alike.
func TestLayeredMatchesFlat(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 2))
	pool := []string{"aws:PrincipalOrgID", "aws:PrincipalTag/team", "aws:ResourceAccount", "aws:ResourceTag/env",
		"aws:PrincipalArn", "aws:userid", "aws:SourceIp", "iam:PassedToService", "aws:PrincipalAccount", "aws:CalledVia"}
	patterns := []string{"*", "aws:Resource*", "aws:PrincipalTag/*", "iam:*"}
	for i := range 2000 {
		n := 1 + rng.IntN(3)
		layers := make([]*Context, n)
		for j := range layers {
			layers[j] = NewContextSize(rng.IntN(4))
		}
		flat := NewContext()
		type op struct {
			layer int
			apply func(*Context)
		}
		var ops []op
		for k, key := range pool {
			if rng.IntN(4) == 0 {
				continue
			}
			l := k % n // disjoint: each key in one layer
			for range 1 + rng.IntN(2) {
				spelled := key
				if rng.IntN(2) == 0 {
					spelled = strings.ToUpper(key)
				}
				v := fmt.Sprint(rng.IntN(3))
				switch rng.IntN(3) {
				case 0:
					ops = append(ops, op{l, func(c *Context) { c.Set(spelled, v) }})
				case 1:
					ops = append(ops, op{l, func(c *Context) { c.SetAbsent(spelled) }})
				default:
					ops = append(ops, op{l, func(c *Context) { c.SetUnknown(spelled) }})
				}
			}
		}
		for range rng.IntN(2) {
			p := patterns[rng.IntN(len(patterns))]
			ops = append(ops, op{rng.IntN(n), func(c *Context) { c.SetUnknown(p) }})
		}
		// The flat context sets the layers' keys layer after layer.
		for l := range n {
			for _, o := range ops {
				if o.layer == l {
					o.apply(layers[l])
					o.apply(flat)
				}
			}
		}
		layered := Layered(layers...)
		for _, key := range append(pool, "aws:ResourceOrgID", "iam:ResourceTag/x", "s3:prefix") {
			fv, fs := flat.Lookup(key)
			lv, ls := layered.Lookup(key)
			if fs != ls || !slices.Equal(fv, lv) {
				t.Fatalf("case %d: %s: layered %v %v, flat %v %v", i, key, lv, ls, fv, fs)
			}
		}
		if f, l := flat.Keys(), layered.Keys(); !slices.Equal(f, l) {
			t.Fatalf("case %d: keys: layered %v, flat %v", i, l, f)
		}
		doc := MustParse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole",
			"Condition":{"StringEquals":{"aws:PrincipalOrgID":"1","aws:ResourceAccount":"1","aws:PrincipalTag/team":"2"},
			"StringLike":{"aws:PrincipalArn":"arn:aws:iam::111122223333:*","aws:userid":"0*"}}}]}`)
		in := Input{
			Request:        Request{Principal: "arn:aws:iam::111122223333:user/u", Action: "sts:AssumeRole", Resource: "arn:aws:iam::111122223333:role/r", Context: flat},
			ResourcePolicy: &Policy{Label: "trust", Document: doc},
		}
		slow := Evaluate(in)
		in.Request.Context = layered
		if fast := Evaluate(in); !reflect.DeepEqual(fast, slow) {
			t.Fatalf("case %d: evaluation with layers %+v, flat %+v", i, fast, slow)
		}
	}
	// Keys set on the layered context, and the first layer setting a key,
	// come first.
	a, b := NewContext().Set("k", "a"), NewContext().Set("k", "b").Set("j", "b")
	l := Layered(a, b).Set("j", "own")
	if v, _ := l.Lookup("K"); !slices.Equal(v, []string{"a"}) {
		t.Errorf("k: %v, want the first layer's", v)
	}
	if v, _ := l.Lookup("j"); !slices.Equal(v, []string{"own"}) {
		t.Errorf("j: %v, want the layered context's own", v)
	}
}
