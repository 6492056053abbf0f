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
	pkg, err := ast.ParseRef(r.Package)
	if err != nil {
		return true
	}
	var queue []util.T
	for _, name := range []string{"deny", "not_evaluated"} {
		for _, rule := range c.GetRulesExact(pkg.Append(ast.StringTerm(name))) {
			queue = append(queue, rule)
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
			if ruleReadsInput(rule, keys) {
				return true
			}
		}
		for dep := range c.Graph.Dependencies(n) {
			queue = append(queue, dep)
		}
	}
	return false
}

// ruleReadsInput looks at one rule's own head and body (its else branches
// are walked by the caller).
func ruleReadsInput(rule *ast.Rule, keys map[string]bool) bool {
	found := false
	var visit func(x any) bool
	visit = func(x any) bool {
		if found {
			return true
		}
		switch x := x.(type) {
		case ast.Ref:
			if len(x) > 0 && x[0].Equal(ast.InputRootDocument) {
				if len(x) == 1 {
					found = true
					return true
				}
				if key, ok := x[1].Value.(ast.String); !ok || keys[string(key)] {
					found = true
					return true
				}
			}
			// The elements after the head may hold refs of their own.
			for _, t := range x[1:] {
				ast.NewGenericVisitor(visit).Walk(t)
			}
			return true
		case ast.Var:
			// input as a value (x := input, with input as ...).
			if x.Equal(ast.InputRootDocument.Value) {
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
