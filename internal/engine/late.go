package engine

import (
	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/util"
)

// Deferred is an Input.Extra value that is computed while the rules are
// evaluated: the rules that cannot read its key (Options.Late) are
// evaluated first, the others once the value is there. `orgaudit check`
// builds the access graph (input.graph) this way while the rules that do
// not look at it run.
type Deferred func() (any, error)

// readsInput reports whether rule r, through any rule or function it
// depends on (the compiler's dependency graph, transitively), may read one
// of the top-level input keys: a reference input.KEY for a key in keys, or
// any reference to input whose key is not a constant (input itself,
// input[k]), which may read them all.
func readsInput(c *ast.Compiler, r Rule, keys map[string]bool) bool {
	if len(keys) == 0 {
		return false
	}
	return anyDependency(c, []Rule{r}, func(ref ast.Ref, _ bool) bool {
		if len(ref) < 2 {
			return true
		}
		key, ok := ref[1].Value.(ast.String)
		return !ok || keys[string(key)]
	})
}

// keysRead returns the keys of input[key] that rules may read (through
// any rule or function they depend on): every KEY2 of a reference
// input.key.KEY2. all is set where they may read input[key] whole (a
// reference to input.key itself, input.key[x] with x not a constant,
// input, or input[x]).
func keysRead(c *ast.Compiler, rules []Rule, key string) (keys map[string]bool, all bool) {
	keys = map[string]bool{}
	all = anyDependency(c, rules, func(ref ast.Ref, test bool) bool {
		if len(ref) < 2 {
			return true
		}
		k, ok := ref[1].Value.(ast.String)
		switch {
		case !ok:
			return true
		case string(k) != key:
			return false
		case len(ref) == 2:
			// `input.key` or `not input.key` alone asks whether it is
			// there, which it is whatever keys it holds.
			return !test
		}
		k2, ok := ref[2].Value.(ast.String)
		if ok {
			keys[string(k2)] = true
		}
		return !ok
	})
	if all {
		return nil, true
	}
	return keys, false
}

// anyDependency walks the deny and not_evaluated rules of rules and
// everything they depend on (the compiler's dependency graph,
// transitively, else branches included) and reports whether f holds for
// one of their references to input (input itself as a value is the
// reference input alone); test tells f the reference is an expression of
// its own (`input.x`, `not input.x`): a test of whether it is defined and
// not false. A dependency that is not a rule counts as holding.
func anyDependency(c *ast.Compiler, rules []Rule, f func(ref ast.Ref, test bool) bool) bool {
	var queue []util.T
	for _, r := range rules {
		pkg, err := ast.ParseRef(r.Package)
		if err != nil {
			return true
		}
		for _, name := range []string{"deny", "not_evaluated"} {
			for _, rule := range c.GetRulesExact(pkg.Append(ast.StringTerm(name))) {
				queue = append(queue, rule)
			}
		}
	}
	seen := map[util.T]bool{}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		if seen[n] {
			continue
		}
		seen[n] = true
		rule, ok := n.(*ast.Rule)
		if !ok {
			return true
		}
		for ; rule != nil; rule = rule.Else {
			if anyInputRef(rule, f) {
				return true
			}
		}
		for dep := range c.Graph.Dependencies(n) {
			queue = append(queue, dep)
		}
	}
	return false
}

// anyInputRef looks at one rule's own head and body (its else branches
// are walked by the caller) for a reference to input f holds for.
func anyInputRef(rule *ast.Rule, f func(ast.Ref, bool) bool) bool {
	found := false
	var visit func(x any) bool
	visit = func(x any) bool {
		if found {
			return true
		}
		switch x := x.(type) {
		case *ast.Expr:
			if t, ok := x.Terms.(*ast.Term); ok && len(x.With) == 0 {
				if ref, ok := t.Value.(ast.Ref); ok && len(ref) > 0 && ref[0].Equal(ast.InputRootDocument) {
					if f(ref, true) {
						found = true
						return true
					}
					for _, t := range ref[1:] {
						ast.NewGenericVisitor(visit).Walk(t)
					}
					return true
				}
			}
		case ast.Ref:
			if len(x) > 0 && x[0].Equal(ast.InputRootDocument) && f(x, false) {
				found = true
				return true
			}
			// The elements after the head may hold refs of their own.
			for _, t := range x[1:] {
				ast.NewGenericVisitor(visit).Walk(t)
			}
			return true
		case ast.Var:
			// input as a value (x := input, with input as ...).
			if x.Equal(ast.InputRootDocument.Value) && f(ast.Ref{ast.InputRootDocument}, false) {
				found = true
			}
		}
		return found
	}
	head := *rule.Head
	ast.NewGenericVisitor(visit).Walk(&head)
	ast.NewGenericVisitor(visit).Walk(rule.Body)
	return found
}
