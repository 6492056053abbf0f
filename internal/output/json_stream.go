package output

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
)

// jsonStream writes an indented JSON document (two spaces, HTML
// characters as they are) in one pass: the hot values (findings and their
// evidence) by hand, anything else through encoding/json. Every byte is
// the one json.Encoder with SetIndent("", "  ") would write; the first
// error is kept and returned by flush.
type jsonStream struct {
	w   *bufio.Writer
	buf []byte       // the value being written
	tmp bytes.Buffer // output of the fallback encoder
	err error
}

func newJSONStream(w io.Writer) *jsonStream {
	return &jsonStream{w: bufio.NewWriterSize(w, 1<<18)}
}

func (s *jsonStream) raw(str string) {
	if s.err == nil {
		_, s.err = s.w.WriteString(str)
	}
}

func (s *jsonStream) flushBuf() {
	if s.err == nil {
		_, s.err = s.w.Write(s.buf)
	}
	s.buf = s.buf[:0]
}

func (s *jsonStream) flush() error {
	if s.err != nil {
		return s.err
	}
	return s.w.Flush()
}

// field writes a top-level field and the comma after it.
func (s *jsonStream) field(key string, v any) {
	s.raw(`  "` + key + `": `)
	s.std(v, "  ")
	s.raw(",\n")
}

// last writes the document's last top-level field, closes the document
// and flushes it.
func (s *jsonStream) last(key string, v any) error {
	s.raw(`  "` + key + `": `)
	s.std(v, "  ")
	s.raw("\n}\n")
	if err := s.flush(); err != nil {
		return fmt.Errorf("render json: %w", err)
	}
	return nil
}

// std writes v through encoding/json, its lines after the first starting
// with prefix.
func (s *jsonStream) std(v any, prefix string) {
	s.buf = s.appendStd(s.buf, v, prefix)
	s.flushBuf()
}

func (s *jsonStream) appendStd(b []byte, v any, prefix string) []byte {
	s.tmp.Reset()
	enc := json.NewEncoder(&s.tmp)
	enc.SetEscapeHTML(false)
	enc.SetIndent(prefix, "  ")
	if err := enc.Encode(v); err != nil {
		if s.err == nil {
			s.err = err
		}
		return b
	}
	return append(b, bytes.TrimSuffix(s.tmp.Bytes(), []byte("\n"))...)
}

// appendFinding appends one finding, an element of the top-level findings
// list.
func (s *jsonStream) appendFinding(b []byte, f JSONFinding) []byte {
	const in = "\n      "
	b = append(b, "{"+in+`"rule_id": `...)
	b = s.appendString(b, f.RuleID)
	b = append(b, ","+in+`"title": `...)
	b = s.appendString(b, f.Title)
	b = append(b, ","+in+`"severity": `...)
	b = s.appendString(b, f.Severity)
	b = append(b, ","+in+`"account_id": `...)
	b = s.appendString(b, f.AccountID)
	if f.AccountName != "" {
		b = append(b, ","+in+`"account_name": `...)
		b = s.appendString(b, f.AccountName)
	}
	b = append(b, ","+in+`"resource": `...)
	b = s.appendString(b, f.Resource)
	b = append(b, ","+in+`"message": `...)
	b = s.appendString(b, f.Message)
	if len(f.Evidence) > 0 {
		b = append(b, ","+in+`"evidence": `...)
		b = s.appendValue(b, f.Evidence, in[1:])
	}
	if f.Key != "" {
		b = append(b, ","+in+`"key": `...)
		b = s.appendString(b, f.Key)
	}
	b = append(b, ","+in+`"fingerprint": `...)
	b = s.appendString(b, f.Fingerprint)
	if f.Suppression != nil {
		b = append(b, ","+in+`"suppression": `...)
		b = s.appendStd(b, f.Suppression, in[1:])
	}
	if f.BaselineState != "" {
		b = append(b, ","+in+`"baseline_state": `...)
		b = s.appendString(b, f.BaselineState)
	}
	return append(b, "\n    }"...)
}

// appendValue appends a value decoded from JSON or Rego, indented; the
// line it starts on begins with prefix.
func (s *jsonStream) appendValue(b []byte, v any, prefix string) []byte {
	switch v := v.(type) {
	case nil:
		return append(b, "null"...)
	case bool:
		return strconv.AppendBool(b, v)
	case string:
		return s.appendString(b, v)
	case int:
		return strconv.AppendInt(b, int64(v), 10)
	case json.Number:
		if plainInteger(string(v)) {
			return append(b, v...)
		}
	case float64:
		// encoding/json writes these in 'f' format; others in 'e'.
		if a := math.Abs(v); a == 0 || a >= 1e-6 && a < 1e21 {
			return strconv.AppendFloat(b, v, 'f', -1, 64)
		}
	case map[string]any:
		if v == nil {
			return append(b, "null"...)
		}
		var small [16]string // evidence has a few keys: no allocation
		keys := small[:0]
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		return appendIndented(b, keys, '{', '}', prefix, func(b []byte, k string, inner string) []byte {
			b = s.appendString(b, k)
			b = append(b, ": "...)
			return s.appendValue(b, v[k], inner)
		})
	case []any:
		if v == nil {
			return append(b, "null"...)
		}
		return appendIndented(b, v, '[', ']', prefix, s.appendValue)
	case []string:
		if v == nil {
			return append(b, "null"...)
		}
		return appendIndented(b, v, '[', ']', prefix, func(b []byte, str string, _ string) []byte { return s.appendString(b, str) })
	}
	return s.appendStd(b, v, prefix)
}

// appendIndented appends an indented JSON array or object (open and end
// its delimiters) of the given items, each written by item.
func appendIndented[T any](b []byte, items []T, open, end byte, prefix string, item func([]byte, T, string) []byte) []byte {
	if len(items) == 0 {
		return append(b, open, end)
	}
	inner := indent(prefix)
	b = append(b, open)
	for i, v := range items {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '\n')
		b = append(b, inner...)
		b = item(b, v, inner)
	}
	b = append(b, '\n')
	b = append(b, prefix...)
	return append(b, end)
}

// blanks holds the indents of values nested not too deep.
const blanks = "                                "

// indent returns prefix and two spaces: the indent of the items of a
// value whose line starts with prefix.
func indent(prefix string) string {
	if n := len(prefix) + 2; n <= len(blanks) && prefix == blanks[:len(prefix)] {
		return blanks[:n]
	}
	return prefix + "  "
}

// jsonPlain marks the bytes a JSON string holds as they are: printable
// ASCII but the quote and the backslash.
var jsonPlain = func() (t [256]bool) {
	for c := 0x20; c < 0x7f; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// appendString appends a JSON string in one pass: printable ASCII directly
// (quotes and backslashes escaped), a string with anything else through
// encoding/json.
func (s *jsonStream) appendString(b []byte, str string) []byte {
	start := len(b)
	b = append(b, '"')
	done := 0 // str[:done] is appended
	for i := 0; i < len(str); i++ {
		c := str[i]
		if jsonPlain[c] {
			continue
		}
		if c != '"' && c != '\\' {
			return s.appendStd(b[:start], str, "")
		}
		b = append(b, str[done:i]...)
		b = append(b, '\\', c)
		done = i + 1
	}
	b = append(b, str[done:]...)
	return append(b, '"')
}

// plainInteger reports whether n is an integer as JSON writes it: an
// optional minus, then digits without a leading zero.
func plainInteger(n string) bool {
	n = strings.TrimPrefix(n, "-")
	if n == "" || n[0] == '0' && len(n) > 1 {
		return false
	}
	for i := 0; i < len(n); i++ {
		if n[i] < '0' || n[i] > '9' {
			return false
		}
	}
	return true
}
