package snapshot

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-json-experiment/json/jsontext"
)

// The fast validator checks a JSON value against the snapshot schema while
// reading its tokens, without building the generic document the schema
// library needs. It only ever decides "valid": when it answers false the
// value may be invalid or it could not decide (a number such as 1.0 where
// an integer is required, a oneOf it cannot settle by type alone), and the
// loader validates the generic document with the library as before, so
// that every error stays the library's own. It is compiled from schema.json
// and refuses a keyword it does not know, so that a schema change cannot
// silently weaken validation (TestFastSchemaNeverAcceptsInvalid,
// FuzzFastSchema).

// Instance types of a fastSchema's type keyword, as bits.
const (
	typeNull = 1 << iota
	typeBoolean
	typeObject
	typeArray
	typeString
	typeInteger
	typeNumber
)

var typeBits = map[string]uint8{
	"null": typeNull, "boolean": typeBoolean, "object": typeObject, "array": typeArray,
	"string": typeString, "integer": typeInteger, "number": typeNumber,
}

// fastSchema is one compiled schema node. A node that is a $ref or a oneOf
// holds nothing else (but annotations): compile refuses anything beside
// them, so that every node validates one way.
type fastSchema struct {
	// ref is the node a $ref points to.
	ref *fastSchema
	// oneOf are the alternatives, exactly one of which must hold.
	oneOf []*fastSchema
	// types is the type keyword's bits; 0 admits every type.
	types uint8

	props    map[string]*fastSchema
	required map[string]int // name → bit in a uint64
	noAddl   bool           // additionalProperties: false
	addl     *fastSchema    // additionalProperties: a schema
	items    *fastSchema

	enumStrings map[string]bool
	enumInts    map[string]bool // integers, as their canonical literal
	hasEnum     bool
	pattern     *regexp.Regexp
	dateTime    bool
	minimum     *int64
}

// annotations are the keywords that assert nothing.
var annotations = map[string]bool{"description": true, "title": true, "$comment": true}

// compileFastSchema compiles the schema document (draft 2020-12) into
// fast validators, returning the root and the named definitions.
func compileFastSchema(schema []byte) (root *fastSchema, defs map[string]*fastSchema, err error) {
	var doc map[string]any
	dec := json.NewDecoder(bytes.NewReader(schema))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, nil, fmt.Errorf("fast schema: %w", err)
	}
	if doc["$schema"] != "https://json-schema.org/draft/2020-12/schema" {
		return nil, nil, fmt.Errorf("fast schema: unsupported $schema %v", doc["$schema"])
	}
	rawDefs, _ := doc["$defs"].(map[string]any)
	c := &fastCompiler{raw: rawDefs, defs: map[string]*fastSchema{}}
	for name := range rawDefs {
		if _, err := c.def(name); err != nil {
			return nil, nil, err
		}
	}
	top := maps.Clone(doc)
	for _, k := range []string{"$schema", "$id", "$defs"} {
		delete(top, k)
	}
	root, err = c.node(top, "#")
	if err != nil {
		return nil, nil, err
	}
	return root, c.defs, nil
}

type fastCompiler struct {
	raw  map[string]any
	defs map[string]*fastSchema
}

func (c *fastCompiler) def(name string) (*fastSchema, error) {
	if s, ok := c.defs[name]; ok {
		return s, nil
	}
	raw, ok := c.raw[name]
	if !ok {
		return nil, fmt.Errorf("fast schema: no definition %q", name)
	}
	// Placeholder first: definitions may refer to themselves.
	s := &fastSchema{}
	c.defs[name] = s
	compiled, err := c.node(raw, "#/$defs/"+name)
	if err != nil {
		return nil, err
	}
	*s = *compiled
	return s, nil
}

func (c *fastCompiler) node(raw any, at string) (*fastSchema, error) {
	m, ok := raw.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("fast schema: %s is not a schema object", at)
	}
	fail := func(format string, args ...any) (*fastSchema, error) {
		return nil, fmt.Errorf("fast schema: %s: %s", at, fmt.Sprintf(format, args...))
	}
	assertions := 0
	for k := range m {
		if !annotations[k] {
			assertions++
		}
	}
	if ref, ok := m["$ref"]; ok {
		if assertions != 1 {
			return fail("$ref beside other keywords")
		}
		name, ok := strings.CutPrefix(fmt.Sprint(ref), "#/$defs/")
		if !ok || strings.Contains(name, "/") {
			return fail("unsupported $ref %v", ref)
		}
		// The target may still be a placeholder; it is filled in place.
		if _, ok := c.defs[name]; !ok {
			if _, err := c.def(name); err != nil {
				return nil, err
			}
		}
		return &fastSchema{ref: c.defs[name]}, nil
	}
	if alts, ok := m["oneOf"]; ok {
		if assertions != 1 {
			return fail("oneOf beside other keywords")
		}
		list, ok := alts.([]any)
		if !ok || len(list) == 0 {
			return fail("oneOf is not a list of schemas")
		}
		s := &fastSchema{}
		for i, alt := range list {
			a, err := c.node(alt, fmt.Sprintf("%s/oneOf/%d", at, i))
			if err != nil {
				return nil, err
			}
			s.oneOf = append(s.oneOf, a)
		}
		return s, nil
	}
	s := &fastSchema{}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		v := m[k]
		switch k {
		case "description", "title", "$comment":
		case "type":
			var names []any
			switch t := v.(type) {
			case string:
				names = []any{t}
			case []any:
				names = t
			}
			if len(names) == 0 {
				return fail("unsupported type %v", v)
			}
			for _, n := range names {
				bit, ok := typeBits[fmt.Sprint(n)]
				if !ok {
					return fail("unknown type %v", n)
				}
				s.types |= bit
			}
		case "properties":
			props, ok := v.(map[string]any)
			if !ok {
				return fail("properties is not an object")
			}
			s.props = map[string]*fastSchema{}
			for name, p := range props {
				ps, err := c.node(p, at+"/properties/"+name)
				if err != nil {
					return nil, err
				}
				s.props[name] = ps
			}
		case "required":
			names, ok := v.([]any)
			if !ok || len(names) > 64 {
				return fail("unsupported required %v", v)
			}
			s.required = map[string]int{}
			for _, n := range names {
				name, ok := n.(string)
				if !ok {
					return fail("required holds a non-string")
				}
				if _, dup := s.required[name]; !dup {
					s.required[name] = len(s.required)
				}
			}
		case "additionalProperties":
			switch a := v.(type) {
			case bool:
				s.noAddl = !a
			default:
				as, err := c.node(a, at+"/additionalProperties")
				if err != nil {
					return nil, err
				}
				s.addl = as
			}
		case "items":
			is, err := c.node(v, at+"/items")
			if err != nil {
				return nil, err
			}
			s.items = is
		case "enum":
			list, ok := v.([]any)
			if !ok || len(list) == 0 {
				return fail("enum is not a list")
			}
			s.hasEnum = true
			s.enumStrings, s.enumInts = map[string]bool{}, map[string]bool{}
			for _, e := range list {
				switch e := e.(type) {
				case string:
					s.enumStrings[e] = true
				case json.Number:
					i, err := strconv.ParseInt(e.String(), 10, 64)
					if err != nil {
						return fail("unsupported enum value %v", e)
					}
					s.enumInts[strconv.FormatInt(i, 10)] = true
				default:
					return fail("unsupported enum value %v", e)
				}
			}
		case "pattern":
			p, ok := v.(string)
			if !ok {
				return fail("pattern is not a string")
			}
			// The library compiles patterns with Go's regexp too.
			re, err := regexp.Compile(p)
			if err != nil {
				return fail("pattern: %v", err)
			}
			s.pattern = re
		case "format":
			if v != "date-time" {
				return fail("unsupported format %v", v)
			}
			s.dateTime = true
		case "minimum":
			n, ok := v.(json.Number)
			if !ok {
				return fail("minimum is not a number")
			}
			i, err := strconv.ParseInt(n.String(), 10, 64)
			if err != nil {
				return fail("unsupported minimum %v", v)
			}
			s.minimum = &i
		default:
			return fail("unsupported keyword %q", k)
		}
	}
	return s, nil
}

// resolved follows $refs.
func (s *fastSchema) resolved() *fastSchema {
	for s.ref != nil {
		s = s.ref
	}
	return s
}

// mayAdmit says whether a value of kind k can hold against s (false means
// it surely cannot: its type is wrong).
func (s *fastSchema) mayAdmit(k jsontext.Kind) bool {
	s = s.resolved()
	if s.oneOf != nil {
		return slices.ContainsFunc(s.oneOf, func(a *fastSchema) bool { return a.mayAdmit(k) })
	}
	return s.types == 0 || s.types&kindBits(k) != 0
}

// kindBits are the type bits a value of kind k may satisfy.
func kindBits(k jsontext.Kind) uint8 {
	switch k {
	case 'n':
		return typeNull
	case 't', 'f':
		return typeBoolean
	case '{':
		return typeObject
	case '[':
		return typeArray
	case '"':
		return typeString
	case '0':
		return typeInteger | typeNumber
	}
	return 0
}

// valid reads the next value from dec and says whether it surely holds
// against s. After false, dec is left anywhere: the caller gives up on it.
func (s *fastSchema) valid(dec *jsontext.Decoder) bool {
	s = s.resolved()
	k := dec.PeekKind()
	if s.oneOf != nil {
		// Settled only when the value's kind rules out every alternative
		// but one; that one must then hold.
		var only *fastSchema
		for _, a := range s.oneOf {
			if a.mayAdmit(k) {
				if only != nil {
					return false
				}
				only = a
			}
		}
		return only != nil && only.valid(dec)
	}
	if s.types != 0 && s.types&kindBits(k) == 0 {
		return false
	}
	switch k {
	case '{':
		return !s.hasEnum && s.object(dec)
	case '[':
		return !s.hasEnum && s.array(dec)
	case '"':
		return s.str(dec)
	case '0':
		return s.number(dec)
	case 'n', 't', 'f':
		_, err := dec.ReadToken()
		return err == nil && !s.hasEnum
	}
	return false
}

func (s *fastSchema) object(dec *jsontext.Decoder) bool {
	if _, err := dec.ReadToken(); err != nil {
		return false
	}
	var seen uint64
	var unquoted []byte
	for dec.PeekKind() != '}' {
		name, err := dec.ReadValue()
		if err != nil || len(name) < 2 {
			return false
		}
		key := name[1 : len(name)-1]
		if bytes.IndexByte(key, '\\') >= 0 {
			if unquoted, err = jsontext.AppendUnquote(unquoted[:0], name); err != nil {
				return false
			}
			key = unquoted
		}
		if bit, ok := s.required[string(key)]; ok {
			seen |= 1 << bit
		}
		switch p := s.props[string(key)]; {
		case p != nil:
			if !p.valid(dec) {
				return false
			}
		case s.noAddl:
			return false
		case s.addl != nil:
			if !s.addl.valid(dec) {
				return false
			}
		default:
			if dec.SkipValue() != nil {
				return false
			}
		}
	}
	if _, err := dec.ReadToken(); err != nil {
		return false
	}
	return seen == 1<<len(s.required)-1
}

func (s *fastSchema) array(dec *jsontext.Decoder) bool {
	if _, err := dec.ReadToken(); err != nil {
		return false
	}
	for dec.PeekKind() != ']' {
		if s.items != nil {
			if !s.items.valid(dec) {
				return false
			}
		} else if dec.SkipValue() != nil {
			return false
		}
	}
	_, err := dec.ReadToken()
	return err == nil
}

func (s *fastSchema) str(dec *jsontext.Decoder) bool {
	if !s.hasEnum && s.pattern == nil && !s.dateTime {
		return dec.SkipValue() == nil
	}
	tok, err := dec.ReadToken()
	if err != nil {
		return false
	}
	v := tok.String()
	return (!s.hasEnum || s.enumStrings[v]) &&
		(s.pattern == nil || s.pattern.MatchString(v)) &&
		(!s.dateTime || strictDateTime(v))
}

func (s *fastSchema) number(dec *jsontext.Decoder) bool {
	lit, err := dec.ReadValue()
	if err != nil {
		return false
	}
	integer := !bytes.ContainsAny(lit, ".eE")
	if s.types&typeNumber == 0 && s.types&typeInteger != 0 && !integer {
		return false // 1.0 is an integer to the schema: the library decides
	}
	if !s.hasEnum && s.minimum == nil {
		return true
	}
	if !integer {
		return false
	}
	i, err := strconv.ParseInt(string(lit), 10, 64)
	if err != nil {
		return false
	}
	return (!s.hasEnum || s.enumInts[string(lit)]) && (s.minimum == nil || i >= *s.minimum)
}

// strictDateTime accepts a subset of RFC 3339 date-times that the schema
// library's date-time format surely accepts:
// YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM) with a real calendar date and
// no leap second.
func strictDateTime(s string) bool {
	if len(s) < 20 || s[10] != 'T' {
		return false
	}
	if _, err := time.Parse("2006-01-02", s[:10]); err != nil {
		return false
	}
	digits := func(s string) (int, bool) {
		n := 0
		for _, c := range []byte(s) {
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	t := s[11:]
	if t[2] != ':' || t[5] != ':' {
		return false
	}
	h, ok1 := digits(t[0:2])
	m, ok2 := digits(t[3:5])
	sec, ok3 := digits(t[6:8])
	if !ok1 || !ok2 || !ok3 || h > 23 || m > 59 || sec > 59 {
		return false
	}
	t = t[8:]
	if rest, ok := strings.CutPrefix(t, "."); ok {
		n := 0
		for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
			n++
		}
		if n == 0 {
			return false
		}
		t = rest[n:]
	}
	if t == "Z" {
		return true
	}
	if len(t) != 6 || (t[0] != '+' && t[0] != '-') || t[3] != ':' {
		return false
	}
	zh, ok1 := digits(t[1:3])
	zm, ok2 := digits(t[4:6])
	return ok1 && ok2 && zh <= 23 && zm <= 59
}

// fastAccountSchema is the compiled snapshot schema's account definition, or
// nil when the schema uses what the fast validator does not support (a
// test fails then; loading falls back to the library).
var fastAccountSchema = sync.OnceValue(func() *fastSchema {
	_, defs, err := compileFastSchema(schemaJSON)
	if err != nil {
		return nil
	}
	return defs["account"]
})

// decoders are reused across accounts.
var decoders = sync.Pool{New: func() any { return jsontext.NewDecoder(bytes.NewBuffer(nil)) }}

// fastValidChecked is fastValid of a value the loader already read whole
// with jsontext's checks (syntax, duplicate names, valid UTF-8: cut reads
// each account so before it is validated): the decoder does not check
// the names again, which changes nothing for such a value.
func fastValidChecked(s *fastSchema, b []byte) bool {
	return fastValid(s, b, jsontext.AllowDuplicateNames(true))
}

// fastValid says whether b, one JSON value, surely holds against s; opts
// go to the decoder.
func fastValid(s *fastSchema, b []byte, opts ...jsontext.Options) bool {
	if s == nil {
		return false
	}
	dec := decoders.Get().(*jsontext.Decoder)
	defer decoders.Put(dec)
	dec.Reset(bytes.NewBuffer(b), opts...) // parsed in place, not copied
	if !s.valid(dec) {
		return false
	}
	_, err := dec.ReadToken()
	return errors.Is(err, io.EOF)
}
