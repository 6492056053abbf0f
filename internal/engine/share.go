package engine

import "github.com/open-policy-agent/opa/v1/ast"

// sharer makes the parts of a value that are alike one value: a string,
// array or object seen before, the same in every way (its JSON text, see
// same), takes the place of another. The access graph's document repeats
// most of its strings and half its arrays and objects (evidence, node
// references): shared, they weigh far less for as long as the rules run.
// Rego values are never modified, so one serves every place.
//
// Sharing costs more than converting (a hash and a table per part): a
// sharer that has found few parts alike among the first it saw
// (probeParts, less than one in shareWorth) stops, and leaves the rest
// of the value as it is (the graph's nodes are all different: sharing
// them took 4 times their conversion and saved nothing).
type sharer struct {
	strs   map[string]ast.Value
	byHash map[int][]ast.Value
	// parts and alike count the arrays and objects seen and those
	// shared; off says sharing stopped.
	parts, alike int
	off          bool
}

// A sharer decides whether sharing pays after probeParts arrays and
// objects: it does when at least one in shareWorth was alike another.
const (
	probeParts = 4096
	shareWorth = 16
)

func newSharer() *sharer {
	return &sharer{strs: map[string]ast.Value{}, byHash: map[int][]ast.Value{}}
}

// share shares the parts of v, children first, writing what replaces a
// part into the term that holds it (the term, not the value, changes: v
// must be the caller's alone, as a document being converted is), and
// returns the value that replaces v itself; replaced says it is not v.
// Empty arrays and objects, and values of other kinds, are left alone.
func (s *sharer) share(v ast.Value) (_ ast.Value, replaced bool) {
	if s.off {
		return v, false
	}
	switch x := v.(type) {
	case ast.String:
		if c, ok := s.strs[string(x)]; ok {
			return c, true
		}
		s.strs[string(x)] = v
		return v, false
	case *ast.Array:
		if x.Len() == 0 {
			return v, false
		}
		for i := range x.Len() {
			t := x.Elem(i)
			if c, ok := s.share(t.Value); ok {
				t.Value = c
			}
		}
	case ast.Object:
		if x.Len() == 0 {
			return v, false
		}
		x.Foreach(func(_, t *ast.Term) {
			if c, ok := s.share(t.Value); ok {
				t.Value = c
			}
		})
	default:
		return v, false
	}
	if s.parts++; s.parts == probeParts && s.alike*shareWorth < s.parts {
		s.off = true
	}
	h := v.Hash()
	for _, c := range s.byHash[h] {
		if same(c, v) {
			s.alike++
			return c, true
		}
	}
	s.byHash[h] = append(s.byHash[h], v)
	return v, false
}

// same reports whether a and b are the same value in every way, their
// text included (ast.Compare holds 1 and 1.0 equal; same does not): the
// same strings, numbers, booleans or null, arrays of the same elements,
// objects of the same members (named by strings). Parts already shared are compared by
// address. Values of other kinds are never the same.
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
