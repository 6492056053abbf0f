package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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
// FuzzDecodeValue on arbitrary input). With generic, it returns that
// generic value too (what the facts are computed from), built in the same
// pass and sharing its strings with the converted value.
//
// Invalid input gets input.DecodeJSON's error, and a number that
// ast.InterfaceToValue refuses a *conversionError: both come from the
// slow way, which runs only when the fast one fails.
func decodeValue(ctx context.Context, raw []byte, generic bool) (ast.Value, any, error) {
	d := decoders.Get().(*valueDecoder)
	v, g, err := d.decode(ctx, raw, generic)
	d.release()
	decoders.Put(d)
	if err == nil {
		return v, g, nil
	}
	if ctx.Err() != nil {
		return nil, nil, ctx.Err()
	}
	// The slow way says what is wrong, as it always did.
	g, err = input.DecodeJSON(ctx, raw)
	if err != nil {
		return nil, nil, err
	}
	if v, err = ast.InterfaceToValue(g); err != nil {
		return nil, nil, &conversionError{err}
	}
	if !generic {
		g = nil
	}
	return v, g, nil
}

// conversionError is a decoded value ast.InterfaceToValue refuses (a
// number out of range).
type conversionError struct{ err error }

func (e *conversionError) Error() string { return e.err.Error() }
func (e *conversionError) Unwrap() error { return e.err }

// decoders are reused: each keeps its token decoder's buffers, its stacks
// and its table of strings.
var decoders = sync.Pool{New: func() any { return &valueDecoder{strs: map[string]str{}} }}

// valueDecoder builds a value from jsontext's tokens. Arrays and objects
// are built once their elements are read: the elements wait on a stack
// (shared by every level), so that each array or object is allocated
// once, at its size, as ast.InterfaceToValue allocates it.
type valueDecoder struct {
	dec     jsontext.Decoder
	buf     bytes.Buffer
	ctx     context.Context
	tokens  int
	generic bool
	stack   []ast.Value
	gstack  []any
	tuples  [][2]*ast.Term
	unquote []byte
	// termSlab and ptrSlab are what is left of the blocks terms and
	// pointers cut from.
	termSlab []ast.Term
	ptrSlab  []*ast.Term
	// strs holds object keys and short strings already seen, with their
	// converted and generic forms: snapshots repeat them (field names,
	// "Allow", "sts:AssumeRole"), and a hit allocates nothing.
	strs map[string]str
}

// str is a string in both forms.
type str struct {
	v ast.Value
	g any
}

// Strings up to maxShared bytes are kept in a decoder's table, which is
// emptied when it holds maxStrings of them.
const (
	maxShared  = 64
	maxStrings = 1 << 14
)

func (d *valueDecoder) decode(ctx context.Context, raw []byte, generic bool) (ast.Value, any, error) {
	d.ctx, d.generic, d.tokens = ctx, generic, 0
	d.buf = *bytes.NewBuffer(raw)
	d.dec.Reset(&d.buf)
	v, g, err := d.value()
	if err != nil {
		return nil, nil, err
	}
	// Nothing but whitespace may follow.
	if _, err := d.dec.ReadToken(); !errors.Is(err, io.EOF) {
		return nil, nil, errors.New("trailing data")
	}
	if !generic {
		g = nil // (scalars come in both forms)
	}
	return v, g, nil
}

// release drops what the decoder holds of the last value.
func (d *valueDecoder) release() {
	clear(d.stack[:cap(d.stack)])
	clear(d.gstack[:cap(d.gstack)])
	clear(d.tuples[:cap(d.tuples)])
	d.stack, d.gstack, d.tuples = d.stack[:0], d.gstack[:0], d.tuples[:0]
	d.buf = bytes.Buffer{}
	d.dec.Reset(&d.buf)
	d.ctx = nil
	// The next value starts new blocks: one value's blocks keep no other
	// value alive.
	d.termSlab, d.ptrSlab = nil, nil
	if len(d.strs) >= maxStrings {
		clear(d.strs)
	}
}

func (d *valueDecoder) value() (ast.Value, any, error) {
	if d.tokens++; d.tokens%(1<<14) == 0 {
		if err := d.ctx.Err(); err != nil {
			return nil, nil, err
		}
	}
	switch d.dec.PeekKind() {
	case '{':
		return d.object()
	case '[':
		return d.array()
	case '"':
		raw, err := d.dec.ReadValue()
		if err != nil {
			return nil, nil, err
		}
		s, err := d.string(raw)
		return s.v, s.g, err
	case '0':
		raw, err := d.dec.ReadValue()
		if err != nil {
			return nil, nil, err
		}
		n := string(raw)
		var v ast.Value
		if t := ast.InternedIntNumberTermFromString(n); t != nil {
			v = t.Value
		} else if v, err = ast.NumberChecked(n); err != nil {
			return nil, nil, err
		}
		var g any
		if d.generic {
			g = json.Number(n)
		}
		return v, g, nil
	}
	tok, err := d.dec.ReadToken()
	if err != nil {
		return nil, nil, err
	}
	switch tok.Kind() {
	case 't':
		return ast.InternedValue(true), true, nil
	case 'f':
		return ast.InternedValue(false), false, nil
	case 'n':
		return ast.NullValue, nil, nil
	}
	return nil, nil, errors.New("unexpected token")
}

// string converts a JSON string literal (as the decoder checked it).
func (d *valueDecoder) string(raw jsontext.Value) (str, error) {
	text := raw[1 : len(raw)-1]
	if bytes.IndexByte(text, '\\') >= 0 {
		var err error
		if d.unquote, err = jsontext.AppendUnquote(d.unquote[:0], raw); err != nil {
			return str{}, err
		}
		text = d.unquote
	}
	if s, ok := d.strs[string(text)]; ok {
		return s, nil
	}
	s := string(text)
	out := str{v: ast.InternedValue(s), g: s}
	if len(s) <= maxShared {
		d.strs[s] = out
	}
	return out, nil
}

func (d *valueDecoder) object() (ast.Value, any, error) {
	if _, err := d.dec.ReadToken(); err != nil {
		return nil, nil, err
	}
	base := len(d.stack)
	for d.dec.PeekKind() != '}' {
		raw, err := d.dec.ReadValue()
		if err != nil {
			return nil, nil, err
		}
		if len(raw) == 0 || raw[0] != '"' {
			return nil, nil, errors.New("object name is not a string")
		}
		key, err := d.string(raw)
		if err != nil {
			return nil, nil, err
		}
		v, g, err := d.value()
		if err != nil {
			return nil, nil, err
		}
		d.stack = append(d.stack, key.v, v)
		if d.generic {
			d.gstack = append(d.gstack, key.g, g)
		}
	}
	if _, err := d.dec.ReadToken(); err != nil {
		return nil, nil, err
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
	var g any
	if d.generic {
		gbase := len(d.gstack) - 2*n
		m := make(map[string]any, n)
		for i := gbase; i < len(d.gstack); i += 2 {
			m[d.gstack[i].(string)] = d.gstack[i+1]
		}
		clear(d.gstack[gbase:])
		d.gstack = d.gstack[:gbase]
		g = m
	}
	return obj, g, nil
}

func (d *valueDecoder) array() (ast.Value, any, error) {
	if _, err := d.dec.ReadToken(); err != nil {
		return nil, nil, err
	}
	base := len(d.stack)
	for d.dec.PeekKind() != ']' {
		v, g, err := d.value()
		if err != nil {
			return nil, nil, err
		}
		d.stack = append(d.stack, v)
		if d.generic {
			d.gstack = append(d.gstack, g)
		}
	}
	if _, err := d.dec.ReadToken(); err != nil {
		return nil, nil, err
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
	var g any
	if d.generic {
		gbase := len(d.gstack) - len(elems)
		list := make([]any, len(elems))
		copy(list, d.gstack[gbase:])
		clear(d.gstack[gbase:])
		d.gstack = d.gstack[:gbase]
		g = list
	}
	return arr, g, nil
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
// "organization"); the generic accounts only with generic.
func decodeAccounts(ctx context.Context, doc *Document, lo, hi int, generic bool) ([]*ast.Term, []any, error) {
	terms := make([]*ast.Term, hi-lo)
	var accounts []any
	if generic {
		accounts = make([]any, hi-lo)
	}
	one := func(i int) error {
		raw, err := doc.AccountJSON(lo + i)
		if err != nil {
			return err
		}
		v, g, err := decodeValue(ctx, raw, generic)
		if err != nil {
			var conv *conversionError
			if errors.As(err, &conv) {
				return fmt.Errorf("convert snapshot for rules: %w", conv.err)
			}
			return fmt.Errorf("decode snapshot: account %d: %w", lo+i, err)
		}
		terms[i] = ast.NewTerm(v)
		if generic {
			accounts[i] = g
		}
		return nil
	}
	workers := 1
	if hi-lo >= 64 {
		workers = runtime.GOMAXPROCS(0)
	}
	if err := eachIndex(hi-lo, workers, one); err != nil {
		return nil, nil, err
	}
	return terms, accounts, nil
}

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
