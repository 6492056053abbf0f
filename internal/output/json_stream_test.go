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
