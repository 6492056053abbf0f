package policy

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
)

// TestAndAllMatchesFold proves the shortcut of andAll against the slow
// way, folding with andF from true: on random formulas (false, bare
// true, one set, several sets; clauses that differ only in case;
// repeated statements; nil and empty slices) both give deeply equal
// formulas (nil and empty slices told apart) and the same truncation.
func TestAndAllMatchesFold(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 1))
	clauses := []Clause{
		{Operator: "StringEquals", Key: "aws:SourceIp", Values: []string{"a"}},
		{Operator: "stringequals", Key: "AWS:SourceIp", Values: []string{"a"}},
		{Operator: "StringEquals", Key: "aws:SourceIp", Values: []string{"b"}},
		{Operator: "Bool", Key: "aws:MultiFactorAuthPresent", Values: []string{"true"}},
		{Operator: "Resource", Key: "arn:aws:iam::1:role/r", Values: []string{"arn:aws:iam::1:role/${aws:username}"}},
	}
	refs := make([]StatementRef, 6)
	for i := range refs {
		refs[i] = StatementRef{Policy: fmt.Sprintf("p%d", i%3), Type: IdentityPolicy, Index: i % 2, Effect: Allow}
	}
	set := func() ConditionSet {
		return ConditionSet{Conditions: pick(rng, clauses), Statements: pick(rng, refs)}
	}
	form := func() formula {
		switch rng.IntN(8) {
		case 0:
			return nil
		case 1:
			return trueF
		case 2:
			return formula{{}}
		case 3:
			n := 2 + rng.IntN(20)
			f := make(formula, n)
			for i := range f {
				f[i] = set()
			}
			return f
		}
		return formula{set()}
	}
	for i := range 200000 {
		fs := make([]formula, rng.IntN(7))
		for j := range fs {
			fs[j] = form()
		}
		var slowTrunc, fastTrunc bool
		slow := trueF
		for _, f := range fs {
			slow = andF(slow, f, &slowTrunc)
		}
		fast := andAll(fs, &fastTrunc)
		if !reflect.DeepEqual(fast, slow) || fastTrunc != slowTrunc {
			t.Fatalf("case %d: andAll(%+v) = %+v (truncated %v), fold = %+v (truncated %v)", i, fs, fast, fastTrunc, slow, slowTrunc)
		}
	}
}

// pick returns nil, an empty slice or one to three elements of pool
// (repeats possible).
func pick[T any](rng *rand.Rand, pool []T) []T {
	switch rng.IntN(3) {
	case 1:
		return []T{}
	case 2:
		var out []T
		for range 1 + rng.IntN(3) {
			out = append(out, pool[rng.IntN(len(pool))])
		}
		return out
	}
	return nil
}
