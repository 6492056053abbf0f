package output

import (
	"bytes"
	"encoding/json"
	"testing"
)

// FuzzJSONString proves jsonStream.appendString (one pass over printable
// ASCII, the rest through encoding/json) against encoding/json with HTML
// characters as they are, after a prefix already in the buffer.
func FuzzJSONString(f *testing.F) {
	for _, seed := range []string{"", "plain", `quote " and \ backslash`, "\x01\n\t", "é \u2028 \u2029", "\xff invalid", `<b>&"x"\`, "\x7f", `"\`} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, str string) {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(str); err != nil {
			t.Fatal(err)
		}
		s := &jsonStream{}
		got := s.appendString([]byte("prefix:"), str)
		if s.err != nil {
			t.Fatal(s.err)
		}
		if w := "prefix:" + string(bytes.TrimSuffix(want.Bytes(), []byte("\n"))); string(got) != w {
			t.Fatalf("appendString(%q) = %q, want %q", str, got, w)
		}
	})
}

// TestJSONValueDeepAndWide: evidence nested deeper than the indents kept
// as constants, and maps of more keys than fit the sorting scratch, are
// written as encoding/json writes them.
func TestJSONValueDeepAndWide(t *testing.T) {
	deep := any("leaf")
	for i := range 25 {
		if i%2 == 0 {
			deep = map[string]any{"k": deep, "a": i}
		} else {
			deep = []any{i, deep}
		}
	}
	wide := map[string]any{}
	for i := range 40 {
		wide[string(rune('z'-i%26))+string(rune('a'+i))] = i
	}
	for name, v := range map[string]any{"deep": deep, "wide": wide} {
		t.Run(name, func(t *testing.T) {
			var want bytes.Buffer
			enc := json.NewEncoder(&want)
			enc.SetEscapeHTML(false)
			enc.SetIndent("      ", "  ")
			if err := enc.Encode(v); err != nil {
				t.Fatal(err)
			}
			s := &jsonStream{}
			got := s.appendValue(nil, v, "      ")
			if w := bytes.TrimSuffix(want.Bytes(), []byte("\n")); !bytes.Equal(got, w) {
				t.Fatalf("got\n%s\nwant\n%s", got, w)
			}
		})
	}
}
