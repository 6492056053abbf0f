package policy

import (
	"slices"
	"strings"
)

// Clause is one residual condition: a policy condition that could not be
// decided because its key (or a variable in it) is unknown. It reads as
// "Operator Key Values", exactly as in the policy. Two pseudo-operators
// stand for undecided Resource elements: "Resource" and "NotResource",
// with Key holding the request's resource and Values the element's
// patterns (their variables were unknown).
type Clause struct {
	Operator string   `json:"operator"`
	Key      string   `json:"key"`
	Values   []string `json:"values"`
}

// String renders the clause as `Operator Key [v1 v2]`.
func (c Clause) String() string {
	var b strings.Builder
	b.WriteString(c.Operator)
	b.WriteByte(' ')
	b.WriteString(c.Key)
	b.WriteString(" [")
	for i, v := range c.Values {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(v)
	}
	b.WriteByte(']')
	return b.String()
}

func (c Clause) equal(d Clause) bool {
	return strings.EqualFold(c.Operator, d.Operator) && strings.EqualFold(c.Key, d.Key) && slices.Equal(c.Values, d.Values)
}

// ConditionSet is a conjunction: every clause must hold. An empty set is
// always true. Statements are the statements the set comes from.
type ConditionSet struct {
	Conditions []Clause       `json:"conditions"`
	Statements []StatementRef `json:"statements"`
}

// unconditional reports whether the set holds whatever the unknowns are.
func (s ConditionSet) unconditional() bool { return len(s.Conditions) == 0 }

// subsetOf reports whether every clause of s is in t.
func (s ConditionSet) subsetOf(t ConditionSet) bool {
	for _, c := range s.Conditions {
		found := false
		for _, d := range t.Conditions {
			if c.equal(d) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// maxAlternatives bounds the alternatives of a formula; beyond it the
// result is marked truncated.
const maxAlternatives = 256

// formula is a disjunction of condition sets (disjunctive normal form):
// nil is false; a formula holding an empty set is true.
type formula []ConditionSet

func (f formula) isTrue() bool {
	for _, s := range f {
		if s.unconditional() {
			return true
		}
	}
	return false
}

// trueF always holds and names no statement. Formulas are never modified
// in place, so it can be shared.
var trueF = formula{{}}

// bareTrue reports whether f is true without naming any statement, so
// that f ∧ g is g.
func (f formula) bareTrue() bool {
	return len(f) == 1 && len(f[0].Conditions) == 0 && len(f[0].Statements) == 0
}

// single returns the formula of one statement's condition set, in one
// allocation.
func single(clauses []Clause, ref StatementRef) formula {
	s := &struct {
		set [1]ConditionSet
		ref [1]StatementRef
	}{}
	s.ref[0] = ref
	s.set[0] = ConditionSet{Conditions: clauses, Statements: s.ref[:]}
	return s.set[:]
}

// orF returns a ∨ b, simplified.
func orF(a, b formula) formula {
	switch {
	case len(a) == 0:
		return b
	case len(b) == 0:
		return a
	}
	out := make(formula, 0, len(a)+len(b))
	out = append(out, a...)
	out = append(out, b...)
	return simplify(out)
}

// andF returns a ∧ b, distributed into DNF and simplified. truncated is
// set when alternatives had to be dropped.
func andF(a, b formula, truncated *bool) formula {
	switch {
	case len(a) == 0 || len(b) == 0:
		return nil
	case a.bareTrue():
		return b
	case b.bareTrue():
		return a
	}
	out := make(formula, 0, len(a)*len(b))
	for _, x := range a {
		for _, y := range b {
			if len(out) >= maxAlternatives {
				*truncated = true
				return simplify(out)
			}
			out = append(out, mergeSets(x, y))
		}
	}
	return simplify(out)
}

// andAll returns the conjunction of fs, as andF folds it from true
// (trueF ∧ fs[0] ∧ fs[1] ∧ ...), with the same sets, clauses and
// statements in the same order. When every formula has at most one set,
// the conjunction is one set made at once, instead of one set per step;
// otherwise it folds with andF.
func andAll(fs []formula, truncated *bool) formula {
	nc, ns, parts := 0, 0, 0
	var last formula // the last formula that is not bare true
	for _, f := range fs {
		if len(f) > 1 {
			acc := trueF
			for _, g := range fs {
				acc = andF(acc, g, truncated)
			}
			return acc
		}
		if len(f) == 0 {
			return nil
		}
		if !f.bareTrue() {
			nc += len(f[0].Conditions)
			ns += len(f[0].Statements)
			parts++
			last = f
		}
	}
	switch {
	case parts == 1:
		return last
	case parts == 0 && len(fs) == 0:
		return trueF
	case parts == 0:
		return fs[len(fs)-1]
	}
	out := make(formula, 1)
	set := &out[0]
	if nc > 0 {
		set.Conditions = make([]Clause, 0, nc)
	}
	set.Statements = make([]StatementRef, 0, ns)
	first := true
	for _, f := range fs {
		if f.bareTrue() {
			continue
		}
		x := f[0]
		if first {
			set.Conditions = append(set.Conditions, x.Conditions...)
			set.Statements = append(set.Statements, x.Statements...)
			first = false
			continue
		}
		for _, c := range x.Conditions {
			if !slices.ContainsFunc(set.Conditions, c.equal) {
				set.Conditions = append(set.Conditions, c)
			}
		}
		for _, r := range x.Statements {
			if !slices.Contains(set.Statements, r) {
				set.Statements = append(set.Statements, r)
			}
		}
	}
	return out
}

func mergeSets(x, y ConditionSet) ConditionSet {
	var s ConditionSet
	if len(x.Conditions)+len(y.Conditions) > 0 {
		s.Conditions = make([]Clause, 0, len(x.Conditions)+len(y.Conditions))
		s.Conditions = append(s.Conditions, x.Conditions...)
		for _, c := range y.Conditions {
			dup := false
			for _, d := range s.Conditions {
				if c.equal(d) {
					dup = true
					break
				}
			}
			if !dup {
				s.Conditions = append(s.Conditions, c)
			}
		}
	}
	s.Statements = make([]StatementRef, 0, len(x.Statements)+len(y.Statements))
	s.Statements = append(s.Statements, x.Statements...)
	for _, r := range y.Statements {
		if !slices.Contains(s.Statements, r) {
			s.Statements = append(s.Statements, r)
		}
	}
	return s
}

// simplify drops alternatives implied by others (absorption: A ∨ (A ∧ B)
// is A) and duplicates, keeping the first of equal sets.
func simplify(f formula) formula {
	if len(f) < 2 {
		return f
	}
	var out formula
	for i, s := range f {
		if absorbed(f, i) {
			if out == nil {
				out = make(formula, 0, len(f)-1)
				out = append(out, f[:i]...)
			}
			continue
		}
		if out != nil {
			out = append(out, s)
		}
	}
	if out == nil {
		return f
	}
	return out
}

// absorbed reports whether f[i] is implied by another set of f (or equal
// to an earlier one).
func absorbed(f formula, i int) bool {
	s := f[i]
	for j, t := range f {
		if i != j && t.subsetOf(s) && (j < i || !s.subsetOf(t)) {
			return true
		}
	}
	return false
}

// Holds decides the clause for a request in which its key has the given
// values (none: the key is absent), with the policy evaluator's condition
// logic. decided is false when the clause cannot be decided from them: a
// policy variable in its values names another key, or it is not a
// condition (the Resource and NotResource pseudo-operators).
func (c Clause) Holds(values []string) (holds, decided bool) {
	op, err := parseOperator(c.Operator)
	if err != nil {
		return false, false
	}
	cond, err := newCondition(c.Operator, op, c.Key, c.Values, true)
	if err != nil {
		return false, false
	}
	switch cond.eval(oneKey{key: cond.key, values: values}) {
	case triTrue:
		return true, true
	case triFalse:
		return false, true
	}
	return false, false
}

// oneKey is a lookuper that knows one key; every other key is unknown.
type oneKey struct {
	key    string
	values []string
}

func (o oneKey) lookup(k string) ([]string, KeyState) {
	switch {
	case k != o.key:
		return nil, KeyUnknown
	case len(o.values) == 0:
		return nil, KeyAbsent
	}
	return o.values, KeyKnown
}
