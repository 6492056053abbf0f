package input

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
)

// ReadJSONFile reads the file at path, which must hold one JSON value, as
// ReadJSON does.
func ReadJSONFile(ctx context.Context, path string, max int64) ([]byte, error) {
	f, err := Open(ctx, path, max)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadJSON(ctx, f, max)
}

// ReadJSON reads r, which must hold one JSON value: at most max bytes
// (DefaultMaxSize when max is not positive; an open File keeps its own
// cap), stopping when ctx is done. Input that cannot be JSON (its first
// byte other than whitespace cannot start a value: /dev/zero, a binary
// file) is refused at once, with the line and column. The rest is checked
// by DecodeJSON or CheckJSON, which read the returned bytes in place:
// memory stays one copy of the input, whatever it holds.
func ReadJSON(ctx context.Context, r io.Reader, max int64) ([]byte, error) {
	size := int64(-1)
	f, ok := r.(*File)
	if ok {
		size = f.Size
	} else {
		r = &reader{ctx: ctx, r: r, limit: limit(max)}
	}
	raw, err := readAll(&startCheck{r: r}, size, f)
	if err != nil {
		if errors.Is(err, errNotJSON) {
			return nil, CheckJSON(raw) // says where and what
		}
		return nil, err
	}
	return raw, nil
}

// errNotJSON says the input cannot start a JSON value.
var errNotJSON = errors.New("not JSON")

// startCheck passes reads through until the first byte that is not
// whitespace, and fails with errNotJSON when that byte cannot start a JSON
// value (the bytes up to it are returned with the error).
type startCheck struct {
	r       io.Reader
	started bool
}

func (s *startCheck) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if s.started {
		return n, err
	}
	for i, b := range p[:n] {
		switch b {
		case ' ', '\t', '\r', '\n':
			continue
		case '{', '[', '"', '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 't', 'f', 'n':
			s.started = true
			return n, err
		default:
			return i + 1, errNotJSON
		}
	}
	return n, err
}

// CheckJSON checks that raw is one JSON value without duplicate object
// keys or invalid UTF-8; errors name the line and column.
func CheckJSON(raw []byte) error {
	dec := jsontext.NewDecoder(bytes.NewBuffer(raw))
	err := dec.SkipValue()
	if err == nil {
		err = expectEnd(dec)
	}
	return jsonError(raw, err)
}

// DecodeJSON decodes raw, which must hold one JSON value, into maps,
// slices, strings, json.Number, booleans and nil, refusing duplicate object
// keys and invalid UTF-8 (errors name the line and column). It stops when
// ctx is done.
func DecodeJSON(ctx context.Context, raw []byte) (any, error) {
	d := &decoder{ctx: ctx, dec: jsontext.NewDecoder(bytes.NewBuffer(raw))}
	v, err := d.value()
	if err == nil {
		err = expectEnd(d.dec)
	}
	if err != nil {
		return nil, jsonError(raw, err)
	}
	return v, nil
}

// expectEnd checks that nothing but whitespace follows the value.
func expectEnd(dec *jsontext.Decoder) error {
	end := dec.InputOffset()
	if kind := dec.PeekKind(); kind != 0 {
		return &trailingError{end: end, kind: kind}
	}
	if _, err := dec.ReadToken(); !errors.Is(err, io.EOF) {
		return err
	}
	return nil
}

// trailingError says a value follows the top-level value.
type trailingError struct {
	end  int64 // where the top-level value ends
	kind jsontext.Kind
}

func (e *trailingError) Error() string {
	return fmt.Sprintf("unexpected %s after the top-level value", e.kind)
}

// decoder builds the generic value token by token.
type decoder struct {
	ctx    context.Context
	dec    *jsontext.Decoder
	tokens int
}

// checkEvery is how many tokens are decoded between two looks at the
// context.
const checkEvery = 1 << 14

func (d *decoder) value() (any, error) {
	if d.tokens++; d.tokens%checkEvery == 0 {
		if err := d.ctx.Err(); err != nil {
			return nil, err
		}
	}
	tok, err := d.dec.ReadToken()
	if err != nil {
		return nil, err
	}
	switch tok.Kind() {
	case '{':
		obj := map[string]any{}
		for d.dec.PeekKind() != '}' {
			name, err := d.dec.ReadToken()
			if err != nil {
				return nil, err
			}
			key := name.String() // before the next read voids the token
			v, err := d.value()
			if err != nil {
				return nil, err
			}
			obj[key] = v
		}
		_, err := d.dec.ReadToken()
		return obj, err
	case '[':
		arr := []any{}
		for d.dec.PeekKind() != ']' {
			v, err := d.value()
			if err != nil {
				return nil, err
			}
			arr = append(arr, v)
		}
		_, err := d.dec.ReadToken()
		return arr, err
	case '"':
		return tok.String(), nil
	case '0':
		return json.Number(tok.String()), nil
	case 't':
		return true, nil
	case 'f':
		return false, nil
	default: // 'n'
		return nil, nil
	}
}

// jsonError words a decoding error for people: what is wrong, at which
// line and column, and where in the document. Errors that are not about
// the content (the size cap, the context, a read error) pass unchanged.
func jsonError(raw []byte, err error) error {
	if err == nil {
		return nil
	}
	var trailing *trailingError
	if errors.As(err, &trailing) {
		off := trailing.end + int64(len(raw[trailing.end:])-len(bytes.TrimLeft(raw[trailing.end:], " \t\r\n")))
		return fmt.Errorf("invalid JSON at %s: %s", Position(raw, off), trailing.Error())
	}
	var se *jsontext.SyntacticError
	if !errors.As(err, &se) {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return fmt.Errorf("invalid JSON at %s: unexpected end of input", Position(raw, int64(len(raw))))
		}
		if errors.Is(err, io.EOF) {
			return errors.New("invalid JSON: the input is empty or blank")
		}
		return unwrapIOError(err)
	}
	ptr := se.JSONPointer
	var what string
	switch {
	case errors.Is(se.Err, jsontext.ErrDuplicateName):
		what = fmt.Sprintf("duplicate key %q in %s", ptr.LastToken(), PointerPath(ptr.Parent()))
		ptr = ""
	case se.Err != nil && strings.Contains(se.Err.Error(), "invalid UTF-8"):
		what = "invalid UTF-8 in a string"
	case errors.Is(se.Err, io.ErrUnexpectedEOF):
		return fmt.Errorf("invalid JSON at %s: unexpected end of input", Position(raw, int64(len(raw))))
	case se.Err != nil:
		what = strings.TrimPrefix(se.Err.Error(), "jsontext: ")
	default:
		what = "syntax error"
	}
	if ptr != "" {
		what += " in " + PointerPath(ptr)
	}
	return fmt.Errorf("invalid JSON at %s: %s", Position(raw, se.ByteOffset), what)
}

// unwrapIOError strips the JSON library's "read error" wrapping, so that
// the size cap and the context come out as themselves.
func unwrapIOError(err error) error {
	var te *TooLargeError
	if errors.As(err, &te) {
		return te
	}
	for _, target := range []error{context.Canceled, context.DeadlineExceeded} {
		if errors.Is(err, target) {
			return target
		}
	}
	return err
}

// Position turns a byte offset of raw into "line L, column C" (both
// 1-based; columns count bytes).
func Position(raw []byte, off int64) string {
	off = max(0, min(off, int64(len(raw))))
	before := raw[:off]
	line := bytes.Count(before, []byte{'\n'}) + 1
	col := int(off) - bytes.LastIndexByte(before, '\n')
	return fmt.Sprintf("line %d, column %d", line, col)
}

// PointerPath renders a JSON pointer as a path: $.accounts[3].iam.
func PointerPath(p jsontext.Pointer) string {
	var loc []string
	for tok := range p.Tokens() {
		loc = append(loc, tok)
	}
	return Path(loc)
}

// Path renders a location, given as its object keys and array indexes,
// as $.a.b[3].c (keys that are not plain words are quoted).
func Path(loc []string) string {
	var b strings.Builder
	b.WriteString("$")
	for _, tok := range loc {
		if _, err := strconv.Atoi(tok); err == nil {
			b.WriteString("[" + tok + "]")
			continue
		}
		if tok == "" || strings.ContainsAny(tok, ".[]\" ") {
			b.WriteString("[" + strconv.Quote(tok) + "]")
			continue
		}
		b.WriteString("." + tok)
	}
	return b.String()
}

// CheckUTF8 refuses text that is not valid UTF-8, naming the line and
// column of the first bad byte.
func CheckUTF8(raw []byte) error {
	if utf8.Valid(raw) {
		return nil
	}
	off := 0
	for off < len(raw) {
		r, n := utf8.DecodeRune(raw[off:])
		if r == utf8.RuneError && n <= 1 {
			break
		}
		off += n
	}
	return fmt.Errorf("invalid UTF-8 at %s", Position(raw, int64(off)))
}
