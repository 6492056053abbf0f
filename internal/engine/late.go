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

// keysRead returns the keys of input[key] that rules may read (through
// any rule or function they depend on): every KEY2 of a reference
// input.key.KEY2. all is set where they may read input[key] whole (a
// reference to input.key itself, input.key[x] with x not a constant,
// input, or input[x]).
func keysRead(c *ast.Compiler, rules []Rule, key string) (keys map[string]bool, all bool) {
	keys = map[string]bool{}
	var queue []util.T
	for _, r := range rules {
		pkg, err := ast.ParseRef(r.Package)
		if err != nil {
			return nil, true
		}
		for _, name := range []string{"deny", "not_evaluated"} {
			for _, rule := range c.GetRulesExact(pkg.Append(ast.StringTerm(name))) {
				queue = append(queue, rule)
			}
		}
	}
	seen := map[util.T]bool{}
	for len(queue) > 0 && !all {
		n := queue[0]
		queue = queue[1:]
		if seen[n] {
			continue
		}
		seen[n] = true
		rule, ok := n.(*ast.Rule)
		if !ok {
			return nil, true
		}
		for ; rule != nil && !all; rule = rule.Else {
			all = ruleKeysRead(rule, key, keys)
		}
		for dep := range c.Graph.Dependencies(n) {
			queue = append(queue, dep)
		}
	}
	if all {
		return nil, true
	}
	return keys, false
}

// ruleKeysRead adds to keys what one rule's own head and body read of
// input[key], and reports whether it may read it whole.
func ruleKeysRead(rule *ast.Rule, key string, keys map[string]bool) bool {
	all := false
	var visit func(x any) bool
	visit = func(x any) bool {
		if all {
			return true
		}
		switch x := x.(type) {
		case ast.Ref:
			if len(x) > 0 && x[0].Equal(ast.InputRootDocument) {
				k, ok := ast.String(""), false
				if len(x) > 1 {
					k, ok = x[1].Value.(ast.String)
				}
				switch {
				case !ok:
					all = true // input, input[x]
				case string(k) != key:
				case len(x) == 2:
					all = true
				default:
					if k2, ok := x[2].Value.(ast.String); ok {
						keys[string(k2)] = true
					} else {
						all = true
					}
				}
				if all {
					return true
				}
			}
			for _, t := range x[1:] {
				ast.NewGenericVisitor(visit).Walk(t)
			}
			return true
		case ast.Var:
			if x.Equal(ast.InputRootDocument.Value) {
				all = true
			}
		}
		return all
	}
	head := *rule.Head
	ast.NewGenericVisitor(visit).Walk(&head)
	ast.NewGenericVisitor(visit).Walk(rule.Body)
	return all
}
