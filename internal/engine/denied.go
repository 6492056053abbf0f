package engine

import (
	"crypto/sha256"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
)

// denyList is a rule's deny set as one evaluation returned it, decoded
// into findings straight from the Rego value: no generic value of the
// results is made but each finding's evidence (TestDenyFromValue compares
// it with decodeFindings of the generic value).
type denyList struct {
	items []denied
	// list says the value was a list (a set or an array), which the
	// chunks' results of a rule are a union of.
	list bool
	// err is decodeFindings' error for the first invalid result; items
	// then stop before it.
	err error
}

// denied is a finding and what the generic result held besides it: the
// presence of the optional keys, so that its generic value (generic) is
// the one the rule returned.
type denied struct {
	Finding
	hasKey, hasEvidence bool
}

// text is the hash union tells results apart by first: that of their
// text fields (genericText of the generic result; a finding has no
// reason or section).
func (d *denied) text() uint64 {
	return textHash(d.Resource, d.AccountID, d.Key, d.Message, "", "")
}

// generic is the generic value the rule returned for the finding.
func (d *denied) generic() map[string]any {
	m := map[string]any{"resource": d.Resource, "account_id": d.AccountID, "message": d.Message}
	if d.hasKey {
		m["key"] = d.Key
	}
	if d.hasEvidence {
		m["evidence"] = d.Evidence
	}
	return m
}

// full is the hash union compares results alike in text by.
func (d *denied) full() ([sha256.Size]byte, error) { return hash(d.generic()) }

// Result keys of a finding, as ast strings.
var (
	resultResource  = ast.String("resource")
	resultAccountID = ast.String("account_id")
	resultMessage   = ast.String("message")
	resultKey       = ast.String("key")
	resultEvidence  = ast.String("evidence")
)

// decodeDeny decodes rule r's deny value. A set is decoded result by
// result straight from the Rego value; a result that is not plainly
// valid, and any other value, the slow way (decodeFindings of its generic
// value), which says what is wrong with it.
func decodeDeny(r Rule, v ast.Value, evidence *evidences) *denyList {
	set, ok := v.(ast.Set)
	if !ok {
		g, err := ast.JSON(v)
		out := &denyList{err: err}
		if err == nil {
			_, out.list = g.([]any)
			out.items, out.err = deniedGeneric(r, g)
		}
		return out
	}
	out := &denyList{items: make([]denied, 0, set.Len()), list: true}
	_ = set.Iter(func(t *ast.Term) error {
		if d, ok := decodeDenied(r, t.Value, evidence); ok {
			out.items = append(out.items, d)
			return nil
		}
		g, err := ast.JSON(t.Value)
		if err == nil {
			var list []denied
			if list, err = deniedGeneric(r, []any{g}); err == nil {
				out.items = append(out.items, list...)
				return nil
			}
		}
		out.err = err
		return err
	})
	return out
}

// decodeDenied decodes one deny result that holds only the keys a result
// may have, each of its type (resource and message not empty); ok is
// false for anything else.
func decodeDenied(r Rule, v ast.Value, evidence *evidences) (d denied, ok bool) {
	obj, isObj := v.(ast.Object)
	if !isObj {
		return d, false
	}
	d.RuleID, d.Severity = r.ID, r.Severity
	var hasResource, hasAccount, hasMessage bool
	ok = true
	str := func(v ast.Value, dst *string) bool {
		s, isStr := v.(ast.String)
		*dst = string(s)
		return isStr
	}
	obj.Foreach(func(k, v *ast.Term) {
		name, isStr := k.Value.(ast.String)
		if !ok || !isStr {
			ok = false
			return
		}
		switch name {
		case resultResource:
			hasResource, ok = true, str(v.Value, &d.Resource)
		case resultAccountID:
			hasAccount, ok = true, str(v.Value, &d.AccountID)
		case resultMessage:
			hasMessage, ok = true, str(v.Value, &d.Message)
		case resultKey:
			d.hasKey, ok = true, str(v.Value, &d.Key)
		case resultEvidence:
			d.hasEvidence = true
			ev, isObj := v.Value.(ast.Object)
			if !isObj {
				ok = false
				return
			}
			d.Evidence, ok = evidence.generic(ev)
		default:
			ok = false
		}
	})
	if !ok || !hasResource || !hasAccount || !hasMessage || d.Resource == "" || d.Message == "" {
		return denied{}, false
	}
	return d, true
}

// deniedGeneric is decodeFindings of a generic deny value, each result
// with the presence of its optional keys.
func deniedGeneric(r Rule, v any) ([]denied, error) {
	items, ok := v.([]any)
	if !ok {
		_, err := decodeFindings(r, v)
		return nil, err
	}
	out := make([]denied, 0, len(items))
	for _, it := range items {
		fs, err := decodeFindings(r, []any{it})
		if err != nil {
			return out, err
		}
		obj := it.(map[string]any) // decodeFindings accepts only objects
		_, hasKey := obj["key"]
		_, hasEvidence := obj["evidence"]
		out = append(out, denied{Finding: fs[0], hasKey: hasKey, hasEvidence: hasEvidence})
	}
	return out, nil
}

// evidences are the generic values of the evidence of one evaluation's
// findings: an evidence object whose members are all strings, numbers,
// booleans or null, the same as one converted before (same: its text
// too), gets that one's map. Rules repeat their evidence (at 1,000
// accounts, 40,782 findings have 3,445 different ones), and nothing
// modifies a finding's evidence. It may be used concurrently.
type evidences struct {
	mu     sync.Mutex
	byHash map[int][]evidence
}

type evidence struct {
	v ast.Object
	m map[string]any
}

func newEvidences() *evidences { return &evidences{byHash: map[int][]evidence{}} }

// generic is ev's generic value; ok is false when ev does not convert to
// an object.
func (e *evidences) generic(ev ast.Object) (_ map[string]any, ok bool) {
	convert := func() (map[string]any, bool) {
		g, err := ast.JSON(ev)
		m, ok := g.(map[string]any)
		return m, ok && err == nil
	}
	if !flat(ev) {
		return convert()
	}
	h := ev.Hash()
	e.mu.Lock()
	for _, c := range e.byHash[h] {
		if same(c.v, ev) {
			e.mu.Unlock()
			return c.m, true
		}
	}
	e.mu.Unlock()
	m, ok := convert()
	if ok {
		// A copy made of terms of its own: a rule's evidence may hold the
		// very terms of its input, which the decoder cuts from blocks
		// shared by a whole account (valueDecoder.terms). Kept for the
		// rest of the run, one such term kept its block, and all the
		// block's terms lead to, alive: most of the accounts' decoded
		// values at 1,000 accounts (40-50 MB more live heap).
		kept := ev.Copy()
		e.mu.Lock()
		e.byHash[h] = append(e.byHash[h], evidence{v: kept, m: m})
		e.mu.Unlock()
	}
	return m, ok
}

// flat reports whether every member of obj is named by a string and is
// a string, number, boolean or null.
func flat(obj ast.Object) bool {
	return !obj.Until(func(k, v *ast.Term) bool {
		if _, ok := k.Value.(ast.String); !ok {
			return true
		}
		switch v.Value.(type) {
		case ast.String, ast.Number, ast.Boolean, ast.Null:
			return false
		}
		return true
	})
}

// same reports whether a and b are the same value in every way, their
// text included (ast.Compare holds 1 and 1.0 equal; same does not): the
// same strings, numbers, booleans or null, arrays of the same elements,
// objects of the same members (named by strings); an array or object is
// the same as itself. Values of other kinds are never the same.
func same(a, b ast.Value) bool {
	switch x := a.(type) {
	case ast.String:
		y, ok := b.(ast.String)
		return ok && x == y
	case ast.Number:
		y, ok := b.(ast.Number)
		return ok && x == y
	case ast.Boolean:
		y, ok := b.(ast.Boolean)
		return ok && x == y
	case ast.Null:
		_, ok := b.(ast.Null)
		return ok
	case *ast.Array:
		y, ok := b.(*ast.Array)
		if !ok || x.Len() != y.Len() {
			return false
		}
		if x == y {
			return true
		}
		for i := range x.Len() {
			if !same(x.Elem(i).Value, y.Elem(i).Value) {
				return false
			}
		}
		return true
	case ast.Object:
		y, ok := b.(ast.Object)
		if !ok || x.Len() != y.Len() {
			return false
		}
		if x == y {
			return true
		}
		// As many members, each of x in y (string names only).
		eq := true
		x.Until(func(k, v *ast.Term) bool {
			w := y.Get(k)
			if _, ok := k.Value.(ast.String); !ok || w == nil || !same(v.Value, w.Value) {
				eq = false
			}
			return !eq
		})
		return eq
	}
	return false
}
