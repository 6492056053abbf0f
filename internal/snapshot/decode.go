package snapshot

import (
	"encoding/json"

	jsonv1 "github.com/go-json-experiment/json/v1"
)

// decodeTyped decodes b into *v exactly as encoding/json.Unmarshal does
// (case-insensitive field names, time.Time and json.RawMessage through
// their UnmarshalJSON methods, unknown fields ignored), with the
// v1-compatible decoder of go-json-experiment, about twice as fast. When
// that decoder fails, *v is reset and encoding/json decodes b again, so
// that the value and the error are the standard library's own
// (TestDecodeTypedMatchesEncodingJSON, FuzzDecodeTyped).
func decodeTyped[T any](b []byte, v *T) error {
	if err := jsonv1.Unmarshal(b, v); err == nil {
		return nil
	}
	var zero T
	*v = zero
	return json.Unmarshal(b, v)
}
