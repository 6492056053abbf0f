package output

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// jsonNode is a JSON value that keeps the order of its object's keys.
type jsonNode struct {
	keys  []string    // object keys, in order
	vals  []*jsonNode // object values, or array items
	array bool
	raw   json.RawMessage // a scalar; nil for objects and arrays
}

func decodeNode(dec *json.Decoder) (*jsonNode, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		n := &jsonNode{array: t == '['}
		for dec.More() {
			if !n.array {
				k, err := dec.Token()
				if err != nil {
					return nil, err
				}
				n.keys = append(n.keys, k.(string))
			}
			v, err := decodeNode(dec)
			if err != nil {
				return nil, err
			}
			n.vals = append(n.vals, v)
		}
		if _, err := dec.Token(); err != nil { // closing delimiter
			return nil, err
		}
		return n, nil
	default:
		raw, err := marshalRaw(t)
		if err != nil {
			return nil, err
		}
		return &jsonNode{raw: raw}, nil
	}
}

// marshalRaw encodes a scalar, HTML characters as they are.
func marshalRaw(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

func (n *jsonNode) empty() bool { return n.raw == nil && len(n.vals) == 0 }

// sarifDefaults are values the SARIF 2.1.0 schema defines as defaults, by
// key: writing them says nothing.
var sarifDefaults = map[string]string{
	"kind":             `"fail"`,
	"enabled":          `true`,
	"language":         `"en-US"`,
	"newlineSequences": `["\r\n","\n"]`,
}

// keepKeys are kept even when empty: a run's results (an empty list means
// "no findings", an absent one "not run").
var keepKeys = map[string]bool{"results": true, "runs": true}

// prune drops from a SARIF document what go-sarif writes for fields that
// are not set: empty lists and objects, -1 indexes and offsets, and values
// equal to the schema's defaults. Property bags are kept as they are: they
// carry evidence, where an empty list or a -1 is data.
func (n *jsonNode) prune() {
	if n.raw != nil {
		return
	}
	if n.array {
		for _, v := range n.vals {
			v.prune()
		}
		return
	}
	var keys []string
	var vals []*jsonNode
	for i, k := range n.keys {
		v := n.vals[i]
		if k != "properties" && k != "partialFingerprints" {
			v.prune()
		}
		if !keepKeys[k] && (v.empty() || string(v.raw) == "-1" || sarifDefaults[k] != "" && compactJSON(v) == sarifDefaults[k]) {
			continue
		}
		keys, vals = append(keys, k), append(vals, v)
	}
	n.keys, n.vals = keys, vals
}

func compactJSON(n *jsonNode) string {
	var b bytes.Buffer
	n.write(&b, "", "")
	return b.String()
}

// write encodes the node with the given indentation ("" for compact).
func (n *jsonNode) write(b *bytes.Buffer, prefix, indent string) {
	if n.raw != nil {
		b.Write(n.raw)
		return
	}
	open, end := byte('{'), byte('}')
	if n.array {
		open, end = '[', ']'
	}
	b.WriteByte(open)
	if len(n.vals) == 0 {
		b.WriteByte(end)
		return
	}
	inner := prefix + indent
	for i, v := range n.vals {
		if i > 0 {
			b.WriteByte(',')
		}
		if indent != "" {
			b.WriteString("\n" + inner)
		}
		if !n.array {
			k, _ := marshalRaw(n.keys[i])
			b.Write(k)
			b.WriteByte(':')
			if indent != "" {
				b.WriteByte(' ')
			}
		}
		v.write(b, inner, indent)
	}
	if indent != "" {
		b.WriteString("\n" + prefix)
	}
	b.WriteByte(end)
}

// writeLeanJSON encodes v as JSON, prunes what SARIF does not need and
// writes it indented, HTML characters as they are.
func writeLeanJSON(w io.Writer, v any) error {
	var raw bytes.Buffer
	enc := json.NewEncoder(&raw)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("render sarif: %w", err)
	}
	dec := json.NewDecoder(&raw)
	dec.UseNumber()
	root, err := decodeNode(dec)
	if err != nil {
		return fmt.Errorf("render sarif: %w", err)
	}
	root.prune()
	var out bytes.Buffer
	root.write(&out, "", "  ")
	out.WriteByte('\n')
	_, err = w.Write(out.Bytes())
	return err
}
