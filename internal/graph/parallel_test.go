package graph

import (
	"reflect"
	"runtime"
	"testing"

	"github.com/orgaudit/orgaudit/internal/orggen"
)

// TestBuildSameOnEveryCore: the graph built with the documents parsed and
// the principals' keys computed on one core is the graph built on
// several (preparse, classKeys), on a generated organization large
// enough for several workers.
func TestBuildSameOnEveryCore(t *testing.T) {
	s := orggen.Generate(orggen.Options{Accounts: 40, Seed: 3})
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	one := build(s, false)
	runtime.GOMAXPROCS(4)
	several := build(s, false)
	if !reflect.DeepEqual(one, several) {
		t.Fatal("the graph built on several cores differs from the one built on one")
	}
	if st := several.Stats(); st.ClassEdges == 0 || st.EscalationEdges == 0 {
		t.Fatalf("the organization exercises too little: %+v", st)
	}
}
