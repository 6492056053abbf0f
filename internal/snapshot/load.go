package snapshot

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"

	"github.com/orgaudit/orgaudit/internal/input"
)

//go:embed schema.json
var schemaJSON []byte

// Schema returns the snapshot JSON Schema (draft 2020-12).
func Schema() []byte { return bytes.Clone(schemaJSON) }

var compiledSchema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schemaJSON))
	if err != nil {
		return nil, fmt.Errorf("parse embedded snapshot schema: %w", err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	const url = "https://github.com/orgaudit/orgaudit/snapshot/v1.json"
	if err := c.AddResource(url, doc); err != nil {
		return nil, fmt.Errorf("add snapshot schema: %w", err)
	}
	return c.Compile(url)
})

// Loaded is a snapshot read from a file: the typed model for Go code and
// the generic JSON value for the rule engine, decoded once each.
type Loaded struct {
	// Path is the file the snapshot was read from.
	Path string
	// Raw is the file content.
	Raw []byte
	// Doc is the snapshot as generic JSON (maps, slices, json.Number).
	Doc map[string]any
	// Snapshot is the typed model.
	Snapshot *Snapshot
}

// ParseOptions tune Load and ParseWithOptions.
type ParseOptions struct {
	// MaxSize caps the size of the snapshot Load reads, in bytes; zero
	// means input.DefaultMaxSize.
	MaxSize int64
	// AfterDecode, when set, receives the generic document and the typed
	// model as soon as both are decoded, and runs concurrently with schema
	// validation: `orgaudit check` converts the document and evaluates the
	// rules there, so that validation costs no time. The snapshot is not
	// validated yet: Parse waits for AfterDecode and, when validation
	// fails, returns the error, and whatever AfterDecode computed must be
	// discarded. AfterDecode must not modify the document or the model. It
	// is not called when the document cannot be decoded.
	AfterDecode func(doc map[string]any, typed *Snapshot)
	// DiscardDocument leaves Loaded.Doc nil and lets the generic document
	// be collected as soon as validation and AfterDecode no longer need
	// it, for callers that work on a converted copy.
	DiscardDocument bool
}

// LoadFile reads and validates the snapshot at path, with the default size
// cap and no way to interrupt it: for tests and tools. Commands use Load.
func LoadFile(path string) (*Loaded, error) {
	return Load(context.Background(), path, ParseOptions{})
}

// Load reads and validates the snapshot at path. The file is read as a
// stream of at most opts.MaxSize bytes and checked as it comes (syntax,
// duplicate keys, invalid UTF-8), so that garbage is refused after its
// first bytes; reading and decoding stop when ctx is done, with ctx's error.
func Load(ctx context.Context, path string, opts ParseOptions) (*Loaded, error) {
	f, err := input.Open(ctx, path, opts.MaxSize)
	if err != nil {
		return nil, fmt.Errorf("read snapshot: %w", err)
	}
	defer f.Close()
	l, err := Read(ctx, f, opts)
	if err != nil {
		return nil, fmt.Errorf("snapshot %s: %w", path, err)
	}
	l.Path = path
	return l, nil
}

// Read reads and validates a snapshot from r as Load does (Path is left
// empty).
func Read(ctx context.Context, r io.Reader, opts ParseOptions) (*Loaded, error) {
	raw, err := input.ReadJSON(ctx, r, opts.MaxSize)
	if err != nil {
		return nil, err
	}
	return ParseWithOptions(ctx, raw, opts)
}

// Parse validates raw snapshot JSON: syntax, duplicate keys and invalid
// UTF-8 (errors name line and column), schema_version, then the JSON
// Schema (errors name the JSON path). It never panics on any input.
func Parse(raw []byte) (*Loaded, error) {
	return ParseWithOptions(context.Background(), raw, ParseOptions{})
}

// ParseWithOptions is Parse with options (MaxSize aside, which applies to
// reading). The work is spread over the available cores: the typed model
// is decoded while the generic document is decoded, then validation and
// AfterDecode run concurrently. Decoding stops when ctx is done.
func ParseWithOptions(ctx context.Context, raw []byte, opts ParseOptions) (*Loaded, error) {
	var (
		typed    Snapshot
		typedErr error
		wg       sync.WaitGroup
	)
	typedDone := make(chan struct{})
	wg.Go(func() {
		defer close(typedDone)
		typedErr = json.Unmarshal(raw, &typed)
	})
	defer wg.Wait() // never leave the decoder running past Parse

	obj, err := decodeObject(ctx, raw)
	if err != nil {
		return nil, err
	}
	sch, err := compiledSchema()
	if err != nil {
		return nil, err
	}
	if opts.AfterDecode != nil {
		// The document is handed over through a channel, not captured, so
		// that nothing but AfterDecode's own frames keeps it alive.
		handOver := make(chan map[string]any, 1)
		handOver <- obj
		wg.Go(func() {
			<-typedDone
			doc := <-handOver
			if typedErr == nil {
				opts.AfterDecode(doc, &typed)
			}
		})
	}
	// Validation holds the only other reference to the document (obj is
	// not used below): with DiscardDocument, it is garbage as soon as
	// validation and AfterDecode are done with it, even while AfterDecode
	// keeps working.
	var (
		kept   map[string]any
		valErr error
	)
	func(doc map[string]any) {
		if valErr = sch.Validate(any(doc)); valErr == nil && !opts.DiscardDocument {
			kept = doc
		}
	}(obj)
	if valErr != nil {
		return nil, schemaError(valErr)
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if typedErr != nil {
		// The schema admits what the model decodes; this is a guard, not a
		// path users should see.
		return nil, fmt.Errorf("decode snapshot: %w", typedErr)
	}
	return &Loaded{Raw: raw, Doc: kept, Snapshot: &typed}, nil
}

// decodeObject decodes the generic document and checks it is a snapshot
// object of a version this build reads.
func decodeObject(ctx context.Context, raw []byte) (map[string]any, error) {
	doc, err := input.DecodeJSON(ctx, raw)
	if err != nil {
		return nil, err
	}
	obj, ok := doc.(map[string]any)
	if !ok {
		return nil, errors.New("not a snapshot: the top-level JSON value must be an object")
	}
	if err := checkVersion(obj); err != nil {
		return nil, err
	}
	return obj, nil
}

func checkVersion(obj map[string]any) error {
	v, ok := obj["schema_version"]
	if !ok {
		return fmt.Errorf("missing required field $.schema_version (this build reads schema_version %q)", SchemaVersion)
	}
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("$.schema_version must be a string (this build reads schema_version %q)", SchemaVersion)
	}
	if s != SchemaVersion {
		return fmt.Errorf("unsupported schema_version %q: this build reads schema_version %q", s, SchemaVersion)
	}
	return nil
}

// schemaError reduces a validation error tree to its deepest leaves and
// names each by JSON path.
func schemaError(err error) error {
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return fmt.Errorf("invalid snapshot: %w", err)
	}
	var leaves []string
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			if req, ok := e.ErrorKind.(*kind.Required); ok {
				for _, m := range req.Missing {
					leaves = append(leaves, "missing required field "+input.Path(append(slices.Clone(e.InstanceLocation), m)))
				}
				return
			}
			leaves = append(leaves, fmt.Sprintf("%s: %s", input.Path(e.InstanceLocation), leafMessage(e)))
			return
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	sort.Strings(leaves)
	leaves = dedupe(leaves)
	const maxShown = 3
	msg := strings.Join(leaves[:min(len(leaves), maxShown)], "; ")
	if len(leaves) > maxShown {
		msg += fmt.Sprintf(" (and %d more)", len(leaves)-maxShown)
	}
	return fmt.Errorf("invalid snapshot: %s", msg)
}

func leafMessage(e *jsonschema.ValidationError) string {
	// The error's own message names the keyword failure; strip the
	// location prefix the library adds.
	msg := e.Error()
	if i := strings.Index(msg, ": "); i >= 0 && strings.HasPrefix(msg, "at ") {
		msg = msg[i+2:]
	}
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	return msg
}

func dedupe(sorted []string) []string {
	out := sorted[:0]
	for i, s := range sorted {
		if i == 0 || s != sorted[i-1] {
			out = append(out, s)
		}
	}
	return out
}
