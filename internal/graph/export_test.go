package graph

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/orgaudit/orgaudit/internal/orggen"
)

func TestDocument(t *testing.T) {
	g := load(t, "mfa")
	doc, err := g.Document(map[string][]string{"production": {prodAcct}}, "configuration")
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Version      int                                   `json:"version"`
		Nodes        map[string]map[string]any             `json:"nodes"`
		Edges        map[string][]map[string]any           `json:"edges"`
		EdgesIn      map[string][]string                   `json:"edges_in"`
		Conditions   []map[string][][]map[string]any       `json:"conditions"`
		Environments map[string]map[string]json.RawMessage `json:"environments"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	frank, gina := user(idAcct, "frank"), user(idAcct, "gina")
	if v.Version != DocumentVersion || v.Nodes[frank]["mfa_device"] != "yes" || v.Nodes[gina]["mfa_device"] != "no" {
		t.Errorf("nodes: %v", v.Nodes)
	}
	e := v.Edges[frank]
	if len(e) != 1 || e[0]["to"] != role(prodAcct, "admin") || e[0]["mfa"] != true {
		t.Fatalf("edges of frank: %v", e)
	}
	cond := v.Conditions[int(e[0]["conditions"].(float64))]
	if cond["allowed_when"][0][0]["key"] != "aws:MultiFactorAuthPresent" || len(v.Conditions[0]["allowed_when"]) != 0 {
		t.Errorf("conditions: %v", v.Conditions)
	}
	// gina assumes it; prod's administrator role could rewrite its trust.
	if !reflect.DeepEqual(v.EdgesIn[role(prodAcct, "readonly")], []string{gina, role(prodAcct, "admin")}) {
		t.Errorf("edges_in: %v", v.EdgesIn)
	}
	var reached map[string]struct {
		MFARequired    bool     `json:"mfa_required"`
		Path           []string `json:"path"`
		PathWithoutMFA []string `json:"path_without_mfa"`
	}
	if err := json.Unmarshal(v.Environments["production"]["reached_by"], &reached); err != nil {
		t.Fatal(err)
	}
	if r := reached[frank]; !r.MFARequired || len(r.PathWithoutMFA) != 0 || !reflect.DeepEqual(r.Path, []string{frank, role(prodAcct, "admin")}) {
		t.Errorf("frank: %+v", r)
	}
	if r := reached[gina]; r.MFARequired || !reflect.DeepEqual(r.PathWithoutMFA, []string{gina, role(prodAcct, "readonly")}) {
		t.Errorf("gina: %+v", r)
	}
}

func TestDocumentClassEdges(t *testing.T) {
	g, err := Build(orggen.Generate(orggen.Options{Accounts: 30, RolesPerAccount: 12, Seed: 2}))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := g.Document(nil, "names")
	if err != nil {
		t.Fatal(err)
	}
	classes := doc["classes"].(map[string]any)
	classEdges := doc["class_edges"].(map[string]any)
	nodes := doc["nodes"].(map[string]any)
	if len(classes) == 0 || len(classes) != len(classEdges) {
		t.Fatalf("%d classes, %d with class edges", len(classes), len(classEdges))
	}
	for key, members := range classes {
		for _, m := range members.([]string) {
			n, ok := nodes[m].(map[string]any)
			if !ok || n["class"] != key {
				t.Errorf("member %s of %s: node %v", m, key, nodes[m])
			}
		}
	}
}
