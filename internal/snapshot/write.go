package snapshot

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/orgaudit/orgaudit/internal/atomicfile"
)

// Marshal renders a snapshot as indented JSON with a trailing newline. The
// same snapshot always gives the same bytes.
func Marshal(s *Snapshot) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(s); err != nil {
		return nil, fmt.Errorf("encode snapshot: %w", err)
	}
	return buf.Bytes(), nil
}

// WriteFile writes the snapshot to path atomically (a temporary file in the
// same directory, then a rename) with mode 0600: a snapshot describes who
// can get into which account and is for its owner's eyes only.
func WriteFile(path string, s *Snapshot) error {
	data, err := Marshal(s)
	if err != nil {
		return err
	}
	return writeAtomic(path, data)
}

// WriteBytes writes an already marshalled snapshot (Marshal's output) the
// way WriteFile does: atomically, mode 0600.
func WriteBytes(path string, data []byte) error { return writeAtomic(path, data) }

func writeAtomic(path string, data []byte) error {
	if err := atomicfile.Write(path, func(w io.Writer) error { _, err := w.Write(data); return err }); err != nil {
		return fmt.Errorf("write snapshot: %w", err)
	}
	return nil
}
