package snapshot

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"

	"github.com/orgaudit/orgaudit/internal/input"
)

//go:embed schema.json
var schemaJSON []byte

// Schema returns the snapshot JSON Schema (draft 2020-12).
func Schema() []byte { return bytes.Clone(schemaJSON) }

// schemaURL is where the embedded schema is registered.
const schemaURL = "https://github.com/orgaudit/orgaudit/snapshot/v1.json"

var schemaCompiler = sync.OnceValues(func() (*jsonschema.Compiler, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schemaJSON))
	if err != nil {
		return nil, fmt.Errorf("parse embedded snapshot schema: %w", err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(schemaURL, doc); err != nil {
		return nil, fmt.Errorf("add snapshot schema: %w", err)
	}
	return c, nil
})

var compiledSchema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	c, err := schemaCompiler()
	if err != nil {
		return nil, err
	}
	return c.Compile(schemaURL)
})

// accountSchema compiles #/$defs/account with the compiler of the whole
// schema (after it), so that both share their definitions.
func accountSchema() (*jsonschema.Schema, error) {
	c, err := schemaCompiler()
	if err != nil {
		return nil, err
	}
	return c.Compile(schemaURL + "#/$defs/account")
}

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
	// Rest is the generic document without "accounts", for callers that
	// decode the accounts again one at a time (ParseOptions.KeepAccounts,
	// see Accounts and Account).
	Rest map[string]any

	// accountJSON is the JSON of each account, kept in memory; or, for a
	// regular file whose bytes were discarded, the accounts are read
	// again from it: spans and sums say where each is and what it held.
	accountJSON [][]byte
	spans       [][2]int64
	sums        []uint32 // of accountJSON, with KeepAccounts and DiscardRaw
	file        *reread
}

// reread is a regular file the accounts are read again from.
type reread struct {
	path  string
	info  os.FileInfo
	spans [][2]int64
	sums  []uint32
}

// Accounts is the number of accounts Account decodes (KeepAccounts).
func (l *Loaded) Accounts() int {
	if l.file != nil {
		return len(l.file.spans)
	}
	return len(l.accountJSON)
}

// crcTable is the Castagnoli polynomial, hardware-accelerated.
var crcTable = crc32.MakeTable(crc32.Castagnoli)

// Account decodes the generic document of account i again, as the loader
// decoded it to validate it (KeepAccounts). Where the file's bytes were
// discarded they are read again from the file, and a file that changed
// since it was loaded is an error, never another answer.
func (l *Loaded) Account(ctx context.Context, i int) (any, error) {
	b, err := l.AccountJSON(i)
	if err != nil {
		return nil, err
	}
	doc, err := input.DecodeJSON(ctx, b)
	if err != nil {
		return nil, fmt.Errorf("decode snapshot: account %d: %w", i, err)
	}
	return doc, nil
}

// AccountJSON returns the JSON of account i as the file holds it
// (KeepAccounts), for callers that decode it their own way; where the
// file's bytes were discarded they are read again as Account reads them.
// The bytes must not be modified.
func (l *Loaded) AccountJSON(i int) ([]byte, error) {
	var buf []byte
	return l.ReadAccountJSON(i, &buf)
}

// ReadAccountJSON is AccountJSON reading the bytes, where they are read
// again from the file, into *buf, grown as needed (*buf is then the grown
// storage): a caller that decodes the accounts one after the other reuses
// one buffer. Bytes kept in memory are returned as they are, and *buf
// left alone. The bytes must not be modified, nor used after *buf's next
// use.
func (l *Loaded) ReadAccountJSON(i int, buf *[]byte) ([]byte, error) {
	if l.file == nil {
		return l.accountJSON[i], nil
	}
	return l.file.read(i, buf)
}

// read reads account i into *buf, grown when too small.
func (r *reread) read(i int, buf *[]byte) ([]byte, error) {
	changed := fmt.Errorf("snapshot %s changed while it was being checked: check it again", r.path)
	f, err := os.Open(r.path)
	if err != nil {
		return nil, fmt.Errorf("read snapshot again: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("read snapshot again: %w", err)
	}
	if !os.SameFile(st, r.info) || st.Size() != r.info.Size() || !st.ModTime().Equal(r.info.ModTime()) {
		return nil, changed
	}
	span := r.spans[i]
	n := int(span[1] - span[0])
	if cap(*buf) < n {
		*buf = make([]byte, n)
	}
	b := (*buf)[:n]
	if _, err := f.ReadAt(b, span[0]); err != nil {
		return nil, fmt.Errorf("read snapshot again: %w", err)
	}
	if crc32.Checksum(b, crcTable) != r.sums[i] {
		return nil, changed
	}
	return b, nil
}

// ParseOptions tune Load and ParseWithOptions.
type ParseOptions struct {
	// MaxSize caps the size of the snapshot Load reads, in bytes; zero
	// means input.DefaultMaxSize.
	MaxSize int64
	// AfterDecode, when set, receives the generic document (nil with
	// DiscardDocument) and the typed model once both are decoded and
	// validated. It is not called when the document is not valid.
	AfterDecode func(doc map[string]any, typed *Snapshot)
	// DiscardDocument leaves Loaded.Doc nil: the generic document is never
	// assembled, each account's is dropped once validated.
	DiscardDocument bool
	// DiscardRaw leaves Loaded.Raw nil, for callers that never look at
	// the file's bytes again (only SARIF reports do, to locate findings).
	DiscardRaw bool
	// KeepAccounts fills Loaded.Rest and lets Loaded.Account decode each
	// account again (and leaves Loaded.Doc nil): the caller decodes
	// accounts when it needs them instead of keeping the whole generic
	// document (three times the file's size) alive. With DiscardRaw,
	// Load of a regular file keeps only where each account is in the
	// file, and reads it again from there.
	KeepAccounts bool
	// Account, when set, is called with the JSON of every valid account
	// as it is validated, on several goroutines at once: a caller that
	// needs something of each account gets it while the bytes are at
	// hand, instead of reading them again. It must not modify or keep
	// raw. It is not called for an account that is not valid; it may be
	// called for accounts of a document refused afterwards (Load then
	// returns an error and what it was given is of no use).
	Account func(i int, raw []byte)
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
	return Prefetch(ctx, path, opts.MaxSize).Load(ctx, opts)
}

// Prefetched is a snapshot file being read in the background (Prefetch),
// for a caller with other work to do first (compiling the rules).
type Prefetched struct {
	path   string
	done   chan struct{}
	cancel context.CancelFunc
	raw    []byte
	size   int64 // the regular file's size, else -1
	err    error
}

// Prefetch starts reading the snapshot file at path (at most maxSize
// bytes; zero means the default cap) as Load does, in the background:
// Load then validates what was read, with the errors Load gives. Close
// stops and drops it when it is not loaded.
func Prefetch(ctx context.Context, path string, maxSize int64) *Prefetched {
	ctx, cancel := context.WithCancel(ctx)
	p := &Prefetched{path: path, done: make(chan struct{}), cancel: cancel, size: -1}
	go func() {
		defer close(p.done)
		f, err := input.Open(ctx, path, maxSize)
		if err != nil {
			p.err = fmt.Errorf("read snapshot: %w", err)
			return
		}
		defer f.Close()
		raw, err := input.ReadJSON(ctx, f, maxSize)
		if err != nil {
			p.err = fmt.Errorf("snapshot %s: %w", path, err)
			return
		}
		p.raw, p.size = raw, f.Size
	}()
	return p
}

// Close stops reading and waits until the background read is over.
func (p *Prefetched) Close() {
	p.cancel()
	<-p.done
	p.raw = nil
}

// Load validates the snapshot read (Load's ParseWithOptions with opts,
// opts.MaxSize aside: the cap was Prefetch's), waiting for the read to
// end. A Prefetched is loaded once.
func (p *Prefetched) Load(ctx context.Context, opts ParseOptions) (*Loaded, error) {
	defer p.Close()
	select {
	case <-p.done:
	case <-ctx.Done():
		return nil, fmt.Errorf("snapshot %s: %w", p.path, ctx.Err())
	}
	if p.err != nil {
		return nil, p.err
	}
	raw := p.raw
	p.raw = nil
	l, err := ParseWithOptions(ctx, raw, opts)
	if err != nil {
		return nil, fmt.Errorf("snapshot %s: %w", p.path, err)
	}
	l.Path = p.path
	if opts.KeepAccounts && opts.DiscardRaw && p.size >= 0 {
		if info, err := os.Stat(p.path); err == nil && info.Mode().IsRegular() && info.Size() == p.size {
			// The checksums were taken as the accounts were validated.
			l.file, l.accountJSON = &reread{path: p.path, info: info, spans: l.spans, sums: l.sums}, nil
		}
	}
	l.spans, l.sums = nil, nil
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
// reading). The document is read once as a stream of tokens (syntax,
// duplicate keys and invalid UTF-8 are refused there); every account is
// then decoded, typed and generic, and validated against the schema on its
// own, spread over the available cores, and dropped as soon as it is
// validated unless the generic document is kept. When the generic
// document is not kept, an account
// the fast validator settles (see fastSchema) is never decoded generic;
// what it does not settle is validated by the library as always, so that
// errors stay the same (TestFastPathLoadsAsBefore). The whole generic
// document never has to exist at once: memory stays the input, the typed
// model and one account per core. The answer is the one validating the
// whole document gives (TestStreamValidationMatchesWhole). Decoding stops
// when ctx is done.
func ParseWithOptions(ctx context.Context, raw []byte, opts ParseOptions) (*Loaded, error) {
	sch, err := compiledSchema()
	if err != nil {
		return nil, err
	}
	acctSch, err := compiledAccountSchema()
	if err != nil {
		return nil, err
	}
	keep := !opts.DiscardDocument && !opts.KeepAccounts
	fastSch := fastAccountSchema()
	// The accounts, typed and generic, decoded and validated on every core
	// as the document is cut: each worker keeps what it decoded, put in
	// place once the document is cut whole.
	type cutAccount struct {
		i int
		b []byte
	}
	type decoded struct {
		i    int
		acct Account
		doc  any
		fail error
		sum  uint32 // the account's checksum, with wantSum
	}
	// Where the accounts may be read again from the file (Load), their
	// checksums are taken on the workers, while the bytes are at hand.
	wantSum := opts.KeepAccounts && opts.DiscardRaw
	var (
		work    = make(chan cutAccount, 256)
		wg      sync.WaitGroup
		stopErr atomic.Value
		workers = max(1, runtime.GOMAXPROCS(0))
		outs    = make([][]decoded, workers)
	)
	for w := range workers {
		wg.Go(func() {
			for it := range work {
				if stopErr.Load() != nil {
					continue
				}
				if err := ctx.Err(); err != nil {
					stopErr.CompareAndSwap(nil, err)
					continue
				}
				d := decoded{i: it.i}
				// When the generic document is not kept, the fast
				// validator may settle the account; whatever it does not
				// accept is decoded and validated by the library.
				if keep || !fastValidChecked(fastSch, it.b) {
					var err error
					if d.doc, err = input.DecodeJSON(ctx, it.b); err != nil {
						stopErr.CompareAndSwap(nil, err)
						continue
					}
					if err := acctSch.Validate(d.doc); err != nil {
						d.fail = prefixed(err, "accounts", strconv.Itoa(it.i))
						outs[w] = append(outs[w], d)
						continue
					}
				}
				if err := decodeTyped(it.b, &d.acct); err != nil {
					d.fail = fmt.Errorf("decode snapshot: account %d: %w", it.i, err)
				}
				if !keep {
					d.doc = nil
				}
				if d.fail == nil && opts.Account != nil {
					opts.Account(it.i, it.b)
				}
				if wantSum {
					d.sum = crc32.Checksum(it.b, crcTable)
				}
				outs[w] = append(outs[w], d)
			}
		})
	}
	parts, err := split(ctx, raw, func(i int, b []byte) { work <- cutAccount{i, b} })
	close(work)
	if err != nil {
		wg.Wait()
		return nil, err
	}
	// The rest of the document (everything but the accounts) meanwhile.
	obj, restErr := decodeObject(ctx, parts.rest)
	var typed Snapshot
	var valErr, typedErr error
	if restErr == nil {
		if parts.streamed {
			obj["accounts"] = []any{}
		}
		valErr = sch.Validate(any(obj))
		if valErr == nil {
			typedErr = decodeTyped(parts.rest, &typed)
		}
	}
	wg.Wait()
	if err, _ := stopErr.Load().(error); err != nil {
		return nil, err
	}
	// The decoded accounts put in place.
	accounts := make([]Account, len(parts.accounts))
	var generic []any
	if keep {
		generic = make([]any, len(parts.accounts))
	}
	failures := make([]error, len(parts.accounts))
	var sums []uint32
	if wantSum {
		sums = make([]uint32, len(parts.accounts))
	}
	for _, list := range outs {
		for _, d := range list {
			accounts[d.i], failures[d.i] = d.acct, d.fail
			if keep {
				generic[d.i] = d.doc
			}
			if wantSum {
				sums[d.i] = d.sum
			}
		}
	}
	if restErr != nil {
		return nil, restErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var schemaErrs []error
	if valErr != nil {
		schemaErrs = append(schemaErrs, valErr)
	}
	for _, f := range failures {
		var ve *jsonschema.ValidationError
		if errors.As(f, &ve) {
			schemaErrs = append(schemaErrs, f)
		}
	}
	if len(schemaErrs) > 0 {
		return nil, schemaError(schemaErrs...)
	}
	if typedErr != nil {
		// The schema admits what the model decodes; this is a guard, not a
		// path users should see.
		return nil, fmt.Errorf("decode snapshot: %w", typedErr)
	}
	for _, f := range failures {
		if f != nil {
			return nil, f
		}
	}
	if parts.streamed {
		typed.Accounts = accounts
		if keep {
			obj["accounts"] = generic
		}
	}
	l := &Loaded{Raw: raw, Snapshot: &typed}
	if keep {
		l.Doc = obj
	}
	if opts.KeepAccounts {
		delete(obj, "accounts")
		l.Rest, l.accountJSON, l.spans = obj, parts.accounts, parts.spans
		l.sums = sums
	}
	if opts.DiscardRaw {
		l.Raw = nil
	}
	if opts.AfterDecode != nil {
		opts.AfterDecode(l.Doc, l.Snapshot)
	}
	return l, nil
}

// parts is a snapshot document cut for decoding: the accounts one by one,
// and the rest.
type parts struct {
	// rest is the top-level object without the accounts when they were
	// streamed (as the document has them otherwise).
	rest []byte
	// accounts are the elements of the accounts array.
	accounts [][]byte
	// streamed says the accounts were cut out of rest (accounts is an
	// array).
	streamed bool
	// spans are where each account is in the document.
	spans [][2]int64
}

// split reads the document as a stream of tokens, refusing what is not
// one JSON value without duplicate keys or invalid UTF-8 (the error names
// the line and column, as input.DecodeJSON does), and cuts it into parts.
// A top-level value that is not an object is returned whole as rest.
func split(ctx context.Context, raw []byte, emit func(i int, account []byte)) (*parts, error) {
	p, err := cut(ctx, raw, emit)
	if err == nil {
		return p, nil
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	// The checking decoder says where and what.
	if cerr := input.CheckJSON(raw); cerr != nil {
		return nil, cerr
	}
	return nil, err
}

func cut(ctx context.Context, raw []byte, emit func(i int, account []byte)) (*parts, error) {
	// A bytes.Buffer is parsed in place: the decoder does not copy the
	// document into a buffer of its own.
	dec := jsontext.NewDecoder(bytes.NewBuffer(raw))
	if dec.PeekKind() != '{' {
		if err := input.CheckJSON(raw); err != nil {
			return nil, err
		}
		return &parts{rest: raw}, nil
	}
	if _, err := dec.ReadToken(); err != nil {
		return nil, err
	}
	p := &parts{}
	rest := make([]byte, 0, 4096)
	rest = append(rest, '{')
	first := true
	for dec.PeekKind() != '}' {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		name, err := readValue(dec, raw)
		if err != nil {
			return nil, err
		}
		key := string(name)
		if key == `"accounts"` && dec.PeekKind() == '[' && !p.streamed {
			if _, err := dec.ReadToken(); err != nil {
				return nil, err
			}
			for dec.PeekKind() != ']' {
				if len(p.accounts)%64 == 0 {
					if err := ctx.Err(); err != nil {
						return nil, err
					}
				}
				v, err := readValue(dec, raw)
				if err != nil {
					return nil, err
				}
				p.accounts = append(p.accounts, v)
				if emit != nil {
					emit(len(p.accounts)-1, v)
				}
				end := dec.InputOffset()
				p.spans = append(p.spans, [2]int64{end - int64(len(v)), end})
			}
			if _, err := dec.ReadToken(); err != nil {
				return nil, err
			}
			p.streamed = true
			continue
		}
		v, err := readValue(dec, raw)
		if err != nil {
			return nil, err
		}
		if !first {
			rest = append(rest, ',')
		}
		first = false
		rest = append(rest, name...)
		rest = append(rest, ':')
		rest = append(rest, v...)
	}
	if _, err := dec.ReadToken(); err != nil {
		return nil, err
	}
	if _, err := dec.ReadToken(); !errors.Is(err, io.EOF) {
		return nil, errors.New("trailing data")
	}
	p.rest = append(rest, '}')
	return p, nil
}

// readValue reads the next value and returns it as a slice of raw (the
// decoder's own buffer is reused by the next read).
func readValue(dec *jsontext.Decoder, raw []byte) ([]byte, error) {
	v, err := dec.ReadValue()
	if err != nil {
		return nil, err
	}
	end := dec.InputOffset()
	return raw[end-int64(len(v)) : end], nil
}

// compiledAccountSchema is the schema of one account
// (#/$defs/account), which the accounts array's items refer to.
var compiledAccountSchema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	if _, err := compiledSchema(); err != nil {
		return nil, err
	}
	return accountSchema()
})

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

// schemaError reduces validation error trees to their deepest leaves and
// names each by JSON path.
func schemaError(errs ...error) error {
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
			if ap, ok := e.ErrorKind.(*kind.AdditionalProperties); ok {
				// The library lists them in map order: sorted, the same
				// snapshot always gives the same message.
				slices.Sort(ap.Properties)
			}
			leaves = append(leaves, fmt.Sprintf("%s: %s", input.Path(e.InstanceLocation), leafMessage(e)))
			return
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	for _, err := range errs {
		var ve *jsonschema.ValidationError
		if !errors.As(err, &ve) {
			return fmt.Errorf("invalid snapshot: %w", err)
		}
		walk(ve)
	}
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

// prefixed returns a validation error of a part of the document with its
// instance locations made absolute: the part sits at path.
func prefixed(err error, path ...string) error {
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		e.InstanceLocation = append(slices.Clone(path), e.InstanceLocation...)
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	return ve
}
