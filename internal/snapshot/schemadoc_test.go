package snapshot

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite docs/snapshot.md from schema.json")

// TestSchemaDocs keeps docs/snapshot.md, the field reference generated from
// schema.json, up to date, and requires a description on every field.
func TestSchemaDocs(t *testing.T) {
	var root map[string]any
	if err := json.Unmarshal(schemaJSON, &root); err != nil {
		t.Fatal(err)
	}
	defs, _ := root["$defs"].(map[string]any)
	var b strings.Builder
	b.WriteString("# Snapshot schema v" + SchemaVersion + "\n\n")
	b.WriteString("<!-- Generated from internal/snapshot/schema.json by `go test ./internal/snapshot -run TestSchemaDocs -update`. Do not edit. -->\n\n")
	b.WriteString(fmt.Sprint(root["description"]) + "\n\n")
	b.WriteString("The JSON Schema itself is [internal/snapshot/schema.json](../internal/snapshot/schema.json) (draft 2020-12); `orgaudit check` validates every snapshot against it. ")
	b.WriteString("Conventions: times are RFC 3339 strings; a `null` section means *unknown* (see `metadata.gaps`), an empty list means *none*; policy documents are parsed JSON objects, never escaped strings.\n\n")
	var missing []string
	var walk func(path string, node map[string]any)
	walk = func(path string, node map[string]any) {
		node = resolve(defs, node)
		props, _ := node["properties"].(map[string]any)
		if len(props) == 0 {
			return
		}
		required := map[string]bool{}
		if req, ok := node["required"].([]any); ok {
			for _, r := range req {
				required[fmt.Sprint(r)] = true
			}
		}
		fmt.Fprintf(&b, "## `%s`\n\n", path)
		if d := description(defs, node); d != "" {
			b.WriteString(d + "\n\n")
		}
		b.WriteString("| field | type | required | description |\n| --- | --- | --- | --- |\n")
		names := make([]string, 0, len(props))
		for n := range props {
			names = append(names, n)
		}
		sort.Strings(names)
		var children []string
		for _, n := range names {
			p, _ := props[n].(map[string]any)
			d := description(defs, p)
			if d == "" {
				missing = append(missing, path+"."+n)
			}
			req := ""
			if required[n] {
				req = "yes"
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", n, typeName(defs, p), req, strings.ReplaceAll(d, "|", "\\|"))
			if objectLike(defs, p) {
				children = append(children, n)
			}
		}
		b.WriteString("\n")
		for _, n := range children {
			p, _ := props[n].(map[string]any)
			child := p
			suffix := ""
			if items, ok := resolve(defs, p)["items"].(map[string]any); ok {
				child, suffix = items, "[]"
			}
			if alt := nonNullAlt(defs, child); alt != nil {
				child = alt
			}
			walk(path+"."+n+suffix, child)
		}
	}
	walk("$", root)
	if len(missing) > 0 {
		t.Errorf("schema fields without a description: %s", strings.Join(missing, ", "))
	}
	got := b.String()
	const path = "../../docs/snapshot.md"
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil || string(want) != got {
		t.Errorf("docs/snapshot.md is stale: run go test ./internal/snapshot -run TestSchemaDocs -update")
	}
}

func resolve(defs map[string]any, node map[string]any) map[string]any {
	for i := 0; i < 5; i++ {
		ref, ok := node["$ref"].(string)
		if !ok {
			return node
		}
		next, _ := defs[strings.TrimPrefix(ref, "#/$defs/")].(map[string]any)
		if next == nil {
			return node
		}
		node = next
	}
	return node
}

func description(defs map[string]any, node map[string]any) string {
	if d, ok := node["description"].(string); ok {
		return d
	}
	if d, ok := resolve(defs, node)["description"].(string); ok {
		return d
	}
	return ""
}

func nonNullAlt(defs map[string]any, node map[string]any) map[string]any {
	alts, ok := node["oneOf"].([]any)
	if !ok {
		return nil
	}
	for _, a := range alts {
		m, _ := a.(map[string]any)
		if m["type"] != "null" {
			return resolve(defs, m)
		}
	}
	return nil
}

func objectLike(defs map[string]any, node map[string]any) bool {
	n := resolve(defs, node)
	if alt := nonNullAlt(defs, n); alt != nil {
		n = alt
	}
	if items, ok := n["items"].(map[string]any); ok {
		n = resolve(defs, items)
	}
	_, ok := n["properties"].(map[string]any)
	return ok && !strings.HasSuffix(fmt.Sprint(node["$ref"]), "policyDocument")
}

func typeName(defs map[string]any, node map[string]any) string {
	if ref, ok := node["$ref"].(string); ok {
		name := strings.TrimPrefix(ref, "#/$defs/")
		switch name {
		case "dateTime":
			return "date-time"
		case "accountId":
			return "account id"
		case "tags":
			return "map of string"
		case "policyDocument":
			return "policy document"
		}
		return "object"
	}
	if alts, ok := node["oneOf"].([]any); ok {
		var parts []string
		for _, a := range alts {
			parts = append(parts, typeName(defs, a.(map[string]any)))
		}
		return strings.Join(parts, " or ")
	}
	if e, ok := node["enum"].([]any); ok {
		var parts []string
		for _, v := range e {
			parts = append(parts, fmt.Sprintf("`%v`", v))
		}
		return "one of " + strings.Join(parts, ", ")
	}
	switch t := node["type"].(type) {
	case string:
		if t == "array" {
			if items, ok := node["items"].(map[string]any); ok {
				return "list of " + typeName(defs, items)
			}
		}
		if t == "object" {
			if ap, ok := node["additionalProperties"].(map[string]any); ok {
				return "map of " + typeName(defs, ap)
			}
		}
		return t
	case []any:
		var parts []string
		for _, x := range t {
			parts = append(parts, fmt.Sprint(x))
		}
		return strings.Join(parts, " or ")
	}
	return "any"
}
