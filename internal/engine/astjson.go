package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/open-policy-agent/opa/v1/ast"
	"golang.org/x/sync/errgroup"

	"github.com/orgaudit/orgaudit/internal/input"
)

// decodeValue decodes raw, which must hold one JSON value, straight into
// the value rules see: ast.InterfaceToValue(input.DecodeJSON(ctx, raw))
// in one pass, without the generic value in between (TestDecodeValue
// compares them on every fixture and generated organizations,
// FuzzDecodeValue on arbitrary input). The facts are read from that
// value too (orgTables.accountFacts).
//
// Invalid input gets input.DecodeJSON's error, and a number that
// ast.InterfaceToValue refuses a *conversionError: both come from the
// slow way, which runs only when the fast one fails.
func decodeValue(ctx context.Context, raw []byte) (ast.Value, error) {
	d := decoders.Get().(*valueDecoder)
	v, err := d.decode(ctx, raw)
	d.release()
	decoders.Put(d)
	if err == nil {
		return v, nil
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	// The slow way says what is wrong, as it always did.
	g, err := input.DecodeJSON(ctx, raw)
	if err != nil {
		return nil, err
	}
	if v, err = ast.InterfaceToValue(g); err != nil {
		return nil, &conversionError{err}
	}
	return v, nil
}

// conversionError is a decoded value ast.InterfaceToValue refuses (a
// number out of range).
type conversionError struct{ err error }

func (e *conversionError) Error() string { return e.err.Error() }
func (e *conversionError) Unwrap() error { return e.err }

// decoders are reused: each keeps its token decoder's buffers, its stacks
// and its table of strings.
var decoders = sync.Pool{New: func() any {
	return &valueDecoder{strs: map[string]ast.Value{}, shared: map[string]ast.Value{}}
}}

// valueDecoder builds a value from jsontext's tokens. Arrays and objects
// are built once their elements are read: the elements wait on a stack
// (shared by every level), so that each array or object is allocated
// once, at its size, as ast.InterfaceToValue allocates it.
type valueDecoder struct {
	dec     jsontext.Decoder
	buf     bytes.Buffer
	ctx     context.Context
	tokens  int
	stack   []ast.Value
	tuples  [][2]*ast.Term
	unquote []byte
	// termSlab and ptrSlab are what is left of the blocks terms and
	// pointers cut from.
	termSlab []ast.Term
	ptrSlab  []*ast.Term
	// strs holds object keys and short strings already seen, converted:
	// snapshots repeat them (field names, "Allow", "sts:AssumeRole"), and
	// a hit allocates nothing.
	strs map[string]ast.Value
	// raw is the JSON being decoded; spans are its arrays and objects in
	// the order they open (containerSpans), next the index in spans of the
	// next one to open (nil spans: none is shared).
	raw   []byte
	spans []span
	next  int
	open  []int32
	// shared holds small arrays and objects already decoded, by their
	// JSON text: an organization repeats them (the same policy documents
	// and trust policies in every account), and a hit allocates nothing.
	// Rego values are never modified: one value serves every account that
	// holds the same text.
	shared map[string]ast.Value
	// sharedJSON is the size of the JSON text of the values shared.
	sharedJSON int
}

// span is where an array or object is in the JSON being decoded, and the
// index in spans of the first one to open after it ends.
type span struct{ start, end, after int32 }

// Arrays and objects of at most maxSharedJSON bytes of JSON are shared;
// a decoder's table is emptied when their JSON adds up to more than
// maxSharedTotal bytes (the values it keeps alive weigh some times that).
const (
	maxSharedJSON  = 1024
	maxSharedTotal = 256 << 10
)

// Strings up to maxShared bytes are kept in a decoder's table, which is
// emptied when it holds maxStrings of them.
const (
	maxShared  = 64
	maxStrings = 1 << 14
)

func (d *valueDecoder) decode(ctx context.Context, raw []byte) (ast.Value, error) {
	d.ctx, d.tokens = ctx, 0
	d.raw, d.next = raw, 0
	var ok bool
	if d.spans, d.open, ok = containerSpans(raw, d.spans[:0], d.open[:0]); !ok || len(raw) > math.MaxInt32 {
		d.spans = d.spans[:0]
	}
	d.buf = *bytes.NewBuffer(raw)
	d.dec.Reset(&d.buf)
	v, err := d.value()
	if err != nil {
		return nil, err
	}
	// Nothing but whitespace may follow.
	if _, err := d.dec.ReadToken(); !errors.Is(err, io.EOF) {
		return nil, errors.New("trailing data")
	}
	return v, nil
}

// release drops what the decoder holds of the last value.
func (d *valueDecoder) release() {
	clear(d.stack[:cap(d.stack)])
	clear(d.tuples[:cap(d.tuples)])
	d.stack, d.tuples = d.stack[:0], d.tuples[:0]
	d.buf = bytes.Buffer{}
	d.dec.Reset(&d.buf)
	d.ctx, d.raw = nil, nil
	if d.sharedJSON > maxSharedTotal {
		clear(d.shared)
		d.sharedJSON = 0
	}
	// The next value starts new blocks: one value's blocks keep no other
	// value alive.
	d.termSlab, d.ptrSlab = nil, nil
	if len(d.strs) >= maxStrings {
		clear(d.strs)
	}
}

func (d *valueDecoder) value() (ast.Value, error) {
	if d.tokens++; d.tokens%(1<<14) == 0 {
		if err := d.ctx.Err(); err != nil {
			return nil, err
		}
	}
	switch kind := d.dec.PeekKind(); kind {
	case '{', '[':
		return d.container(kind)
	case '"':
		raw, err := d.dec.ReadValue()
		if err != nil {
			return nil, err
		}
		return d.string(raw)
	case '0':
		raw, err := d.dec.ReadValue()
		if err != nil {
			return nil, err
		}
		n := string(raw)
		if t := ast.InternedIntNumberTermFromString(n); t != nil {
			return t.Value, nil
		}
		return ast.NumberChecked(n)
	}
	tok, err := d.dec.ReadToken()
	if err != nil {
		return nil, err
	}
	switch tok.Kind() {
	case 't':
		return ast.InternedValue(true), nil
	case 'f':
		return ast.InternedValue(false), nil
	case 'n':
		return ast.NullValue, nil
	}
	return nil, errors.New("unexpected token")
}

// string converts a JSON string literal (as the decoder checked it).
func (d *valueDecoder) string(raw jsontext.Value) (ast.Value, error) {
	text := raw[1 : len(raw)-1]
	if bytes.IndexByte(text, '\\') >= 0 {
		var err error
		if d.unquote, err = jsontext.AppendUnquote(d.unquote[:0], raw); err != nil {
			return nil, err
		}
		text = d.unquote
	}
	if v, ok := d.strs[string(text)]; ok {
		return v, nil
	}
	s := string(text)
	v := ast.InternedValue(s)
	if len(s) <= maxShared {
		d.strs[s] = v
	}
	return v, nil
}

// errSpan says the decoder and containerSpans disagree on where a value
// is: decodeValue then takes the slow way.
var errSpan = errors.New("value not where its span says")

// container decodes the array or object that opens next, or takes the
// one decoded before from the same JSON text.
func (d *valueDecoder) container(kind jsontext.Kind) (ast.Value, error) {
	decode := d.array
	if kind == '{' {
		decode = d.object
	}
	if d.next >= len(d.spans) {
		return decode()
	}
	sp := d.spans[d.next]
	d.next++
	text := d.raw[sp.start:sp.end]
	if len(text) > maxSharedJSON {
		return decode()
	}
	if v, ok := d.shared[string(text)]; ok {
		if err := d.dec.SkipValue(); err != nil {
			return nil, err
		}
		if d.dec.InputOffset() != int64(sp.end) {
			return nil, errSpan
		}
		d.next = int(sp.after)
		return v, nil
	}
	v, err := decode()
	if err != nil {
		return nil, err
	}
	if d.dec.InputOffset() != int64(sp.end) || d.next != int(sp.after) {
		return nil, errSpan
	}
	d.shared[string(text)] = v
	d.sharedJSON += len(text)
	return v, nil
}

// containerSpans appends to spans where each array and object of raw is,
// in the order they open (open is a stack it may reuse); ok is false when
// the brackets do not match (raw is not JSON: the decoder says why).
func containerSpans(raw []byte, spans []span, open []int32) (_ []span, _ []int32, ok bool) {
	for i := 0; i < len(raw); i++ {
		switch raw[i] {
		case '"':
			// The string ends at the next quote not escaped: one after an
			// even number of backslashes.
			for {
				j := bytes.IndexByte(raw[i+1:], '"')
				if j < 0 {
					return spans, open, false
				}
				i += 1 + j
				n := 0
				for raw[i-1-n] == '\\' {
					n++
				}
				if n%2 == 0 {
					break
				}
			}
		case '{', '[':
			open = append(open, int32(len(spans)))
			spans = append(spans, span{start: int32(i)})
		case '}', ']':
			if len(open) == 0 {
				return spans, open, false
			}
			j := open[len(open)-1]
			open = open[:len(open)-1]
			spans[j].end, spans[j].after = int32(i+1), int32(len(spans))
		}
	}
	return spans, open[:0], len(open) == 0
}

func (d *valueDecoder) object() (ast.Value, error) {
	if _, err := d.dec.ReadToken(); err != nil {
		return nil, err
	}
	base := len(d.stack)
	for d.dec.PeekKind() != '}' {
		raw, err := d.dec.ReadValue()
		if err != nil {
			return nil, err
		}
		if len(raw) == 0 || raw[0] != '"' {
			return nil, errors.New("object name is not a string")
		}
		key, err := d.string(raw)
		if err != nil {
			return nil, err
		}
		v, err := d.value()
		if err != nil {
			return nil, err
		}
		d.stack = append(d.stack, key, v)
	}
	if _, err := d.dec.ReadToken(); err != nil {
		return nil, err
	}
	elems := d.stack[base:]
	n := len(elems) / 2
	terms := d.terms(len(elems))
	tuples := d.tuples[:0]
	for i := range n {
		terms[2*i].Value, terms[2*i+1].Value = elems[2*i], elems[2*i+1]
		tuples = append(tuples, [2]*ast.Term{&terms[2*i], &terms[2*i+1]})
	}
	// NewObject copies the pairs: the buffer serves the next object.
	obj := ast.NewObject(tuples...)
	clear(tuples)
	d.tuples = tuples[:0]
	clear(elems)
	d.stack = d.stack[:base]
	return obj, nil
}

func (d *valueDecoder) array() (ast.Value, error) {
	if _, err := d.dec.ReadToken(); err != nil {
		return nil, err
	}
	base := len(d.stack)
	for d.dec.PeekKind() != ']' {
		v, err := d.value()
		if err != nil {
			return nil, err
		}
		d.stack = append(d.stack, v)
	}
	if _, err := d.dec.ReadToken(); err != nil {
		return nil, err
	}
	elems := d.stack[base:]
	terms := d.terms(len(elems))
	ptrs := d.pointers(len(elems))
	for i, v := range elems {
		terms[i].Value = v
		ptrs[i] = &terms[i]
	}
	arr := ast.NewArray(ptrs...)
	clear(elems)
	d.stack = d.stack[:base]
	return arr, nil
}

// slab is how many terms (and term pointers) the decoder allocates at a
// time: the terms of small arrays and objects are cut from one block, a
// value's parts live as long as each other.
const slab = 256

// terms returns n new terms.
func (d *valueDecoder) terms(n int) []ast.Term {
	if n > slab/4 {
		return make([]ast.Term, n)
	}
	if len(d.termSlab) < n {
		d.termSlab = make([]ast.Term, slab)
	}
	out := d.termSlab[:n:n]
	d.termSlab = d.termSlab[n:]
	return out
}

// pointers returns n new term pointers, their capacity n (an append to
// the array must not write over another's).
func (d *valueDecoder) pointers(n int) []*ast.Term {
	if n > slab/4 {
		return make([]*ast.Term, n)
	}
	if len(d.ptrSlab) < n {
		d.ptrSlab = make([]*ast.Term, slab)
	}
	out := d.ptrSlab[:n:n]
	d.ptrSlab = d.ptrSlab[n:]
	return out
}

// decodeAccounts decodes accounts lo to hi of doc with decodeValue, on
// every core when they are many (the whole input of rules of scope
// "organization").
func decodeAccounts(ctx context.Context, doc *Document, lo, hi int) ([]*ast.Term, error) {
	terms := make([]*ast.Term, hi-lo)
	read := func(i int, buf *[]byte) ([]byte, error) {
		if doc.ReadAccountJSON == nil {
			return doc.AccountJSON(i)
		}
		return doc.ReadAccountJSON(i, buf)
	}
	one := func(i int) error {
		buf := buffers.Get().(*[]byte)
		defer func() {
			if cap(*buf) > maxBuffer {
				*buf = nil
			}
			buffers.Put(buf)
		}()
		raw, err := read(lo+i, buf)
		if err != nil {
			return err
		}
		v, err := decodeValue(ctx, raw)
		if err != nil {
			var conv *conversionError
			if errors.As(err, &conv) {
				return fmt.Errorf("convert snapshot for rules: %w", conv.err)
			}
			return fmt.Errorf("decode snapshot: account %d: %w", lo+i, err)
		}
		terms[i] = ast.NewTerm(v)
		return nil
	}
	workers := 1
	if hi-lo >= 64 {
		workers = runtime.GOMAXPROCS(0)
	}
	if err := eachIndex(hi-lo, workers, one); err != nil {
		return nil, err
	}
	return terms, nil
}

// buffers hold the accounts' JSON while they are decoded (decodeValue
// copies what it keeps); one larger than maxBuffer is not kept.
var buffers = sync.Pool{New: func() any { return new([]byte) }}

const maxBuffer = 4 << 20

// eachIndex calls f with every index below n, on up to workers
// goroutines, and returns the first error.
func eachIndex(n, workers int, f func(i int) error) error {
	var next atomic.Int64
	var eg errgroup.Group
	for range max(1, min(workers, n)) {
		eg.Go(func() error {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return nil
				}
				if err := f(i); err != nil {
					return err
				}
			}
		})
	}
	return eg.Wait()
}
