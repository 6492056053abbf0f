package output

import (
	"strings"
	"testing"
)

func TestWriteLeanJSON(t *testing.T) {
	in := map[string]any{
		"version": "2.1.0",
		"runs": []any{map[string]any{
			"results":          []any{},
			"graphs":           []any{},
			"language":         "en-US",
			"newlineSequences": []string{"\r\n", "\n"},
			"artifacts":        []any{map[string]any{"length": -1, "location": map[string]any{"uri": "a<b>.json", "index": -1}}},
			"properties":       map[string]any{"evidence": map[string]any{"empty": []any{}, "minus": -1}},
			"kind":             "fail",
			"other":            map[string]any{"kind": "pass", "rank": 10},
		}},
	}
	var b strings.Builder
	if err := writeLeanJSON(&b, in); err != nil {
		t.Fatal(err)
	}
	want := `{
  "runs": [
    {
      "artifacts": [
        {
          "location": {
            "uri": "a<b>.json"
          }
        }
      ],
      "other": {
        "kind": "pass",
        "rank": 10
      },
      "properties": {
        "evidence": {
          "empty": [],
          "minus": -1
        }
      },
      "results": []
    }
  ],
  "version": "2.1.0"
}
`
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}
