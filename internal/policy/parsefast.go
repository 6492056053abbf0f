package policy

import (
	"bytes"
	"errors"
	"io"

	"github.com/go-json-experiment/json/jsontext"
)

// parseFast parses a document in one pass over its JSON text, for the
// documents that Parse accepts as they usually come: ok is false for
// anything else (an error of any kind, a null anywhere, a duplicate or
// unknown element, text that is not valid UTF-8), and Parse then parses
// the text the slow way, which says what is wrong. Where it succeeds it
// returns the document Parse's slow way returns (FuzzParseFast compares
// the two): every check of the slow way is made here too, without its
// messages.
func parseFast(data []byte) (*Document, bool) {
	p := fastParser{dec: jsontext.NewDecoder(bytes.NewBuffer(data))}
	d, ok := p.document()
	if !ok || p.bad {
		return nil, false
	}
	if _, err := p.dec.ReadToken(); !errors.Is(err, io.EOF) {
		return nil, false // text after the document
	}
	return d, true
}

type fastParser struct {
	dec *jsontext.Decoder
	// bad is set when an object or array ends in an error (see more).
	bad bool
}

// next reads a token, failing on null.
func (p *fastParser) next() (jsontext.Token, bool) {
	t, err := p.dec.ReadToken()
	if err != nil || t.Kind() == 'n' {
		return jsontext.Token{}, false
	}
	return t, true
}

// str reads a string.
func (p *fastParser) str() (string, bool) {
	t, ok := p.next()
	if !ok || t.Kind() != '"' {
		return "", false
	}
	return t.String(), true
}

// begin reads the start of an object or an array.
func (p *fastParser) begin(kind jsontext.Kind) bool {
	t, ok := p.next()
	return ok && t.Kind() == kind
}

// more reports whether the object or array being read has another
// member, reading its end when it has none; at an error it has none, and
// the parse fails (bad).
func (p *fastParser) more() bool {
	switch p.dec.PeekKind() {
	case '}', ']':
		if _, err := p.dec.ReadToken(); err != nil {
			p.bad = true
		}
		return false
	case 0:
		p.bad = true
		return false
	}
	return !p.bad
}

func (p *fastParser) document() (*Document, bool) {
	if !p.begin('{') {
		return nil, false
	}
	d := &Document{}
	var stmts []fastStatement
	sawStatement := false
	for p.more() {
		name, ok := p.str()
		if !ok {
			return nil, false
		}
		switch name {
		case "Version":
			if d.Version, ok = p.str(); !ok {
				return nil, false
			}
		case "Id":
			if d.ID, ok = p.str(); !ok {
				return nil, false
			}
		case "Statement":
			sawStatement = true
			switch p.dec.PeekKind() {
			case '[':
				p.begin('[')
				for p.more() {
					s, ok := p.statement()
					if !ok {
						return nil, false
					}
					stmts = append(stmts, s)
				}
			case '{':
				s, ok := p.statement()
				if !ok {
					return nil, false
				}
				stmts = append(stmts, s)
			default:
				return nil, false
			}
		default:
			return nil, false
		}
	}
	switch d.Version {
	case Version2012:
		d.vars = true
	case Version2008, "":
	default:
		return nil, false
	}
	if !sawStatement {
		return nil, false
	}
	d.Statements = make([]*Statement, 0, len(stmts))
	for i := range stmts {
		s, ok := stmts[i].build(i, d.vars)
		if !ok {
			return nil, false
		}
		d.Statements = append(d.Statements, s)
	}
	return d, true
}

// fastStatement holds the elements of a statement as read, before they
// are checked and compiled (which needs the document's Version, which may
// come after the statements).
type fastStatement struct {
	sid, effect                   string
	hasEffect                     bool
	action, notAction             []string
	resource, notResource         []string
	principal, notPrincipal       *Principal
	hasPrincipal, hasNotPrincipal bool
	conds                         []fastOperator
	hasCondition                  bool
}

// fastOperator is an operator of a Condition element with its keys and
// their values.
type fastOperator struct {
	op   string
	keys []fastKey
}

type fastKey struct {
	key    string
	values []string
}

func (p *fastParser) statement() (fastStatement, bool) {
	var s fastStatement
	if !p.begin('{') {
		return s, false
	}
	for p.more() {
		name, ok := p.str()
		if !ok {
			return s, false
		}
		switch name {
		case "Sid":
			s.sid, ok = p.str()
		case "Effect":
			s.effect, ok = p.str()
			s.hasEffect = true
		case "Action":
			s.action, ok = p.strings()
		case "NotAction":
			s.notAction, ok = p.strings()
		case "Resource":
			s.resource, ok = p.strings()
		case "NotResource":
			s.notResource, ok = p.strings()
		case "Principal":
			s.principal, ok = p.principal()
			s.hasPrincipal = true
		case "NotPrincipal":
			s.notPrincipal, ok = p.principal()
			s.hasNotPrincipal = true
		case "Condition":
			s.conds, ok = p.conditions()
			s.hasCondition = true
		default:
			return s, false
		}
		if !ok {
			return s, false
		}
	}
	return s, true
}

// strings reads a string or a non-empty list of strings.
func (p *fastParser) strings() ([]string, bool) {
	switch p.dec.PeekKind() {
	case '"':
		s, ok := p.str()
		return []string{s}, ok
	case '[':
		p.begin('[')
		var out []string
		for p.more() {
			s, ok := p.str()
			if !ok {
				return nil, false
			}
			out = append(out, s)
		}
		return out, len(out) > 0
	}
	return nil, false
}

func (p *fastParser) principal() (*Principal, bool) {
	if p.dec.PeekKind() == '"' {
		s, ok := p.str()
		return &Principal{All: true}, ok && s == "*"
	}
	if !p.begin('{') {
		return nil, false
	}
	pr := &Principal{}
	n := 0
	for p.more() {
		n++
		name, ok := p.str()
		if !ok {
			return nil, false
		}
		vals, ok := p.strings()
		if !ok {
			return nil, false
		}
		if pr.add(name, vals) != nil {
			return nil, false
		}
	}
	return pr, n > 0
}

// conditions reads a Condition element: {operator: {key: values}}, values
// a string, boolean or number or a list of them (numbers keep their
// text).
func (p *fastParser) conditions() ([]fastOperator, bool) {
	if !p.begin('{') {
		return nil, false
	}
	var out []fastOperator
	for p.more() {
		op, ok := p.str()
		if !ok || !p.begin('{') {
			return nil, false
		}
		fo := fastOperator{op: op}
		for p.more() {
			key, ok := p.str()
			if !ok {
				return nil, false
			}
			c := fastKey{key: key}
			if p.dec.PeekKind() == '[' {
				p.begin('[')
				c.values = []string{}
				for p.more() {
					v, ok := p.scalar()
					if !ok {
						return nil, false
					}
					c.values = append(c.values, v)
				}
			} else {
				v, ok := p.scalar()
				if !ok {
					return nil, false
				}
				c.values = []string{v}
			}
			fo.keys = append(fo.keys, c)
		}
		out = append(out, fo)
	}
	return out, true
}

// scalar reads a string, a boolean or a number as text.
func (p *fastParser) scalar() (string, bool) {
	t, ok := p.next()
	if !ok {
		return "", false
	}
	switch t.Kind() {
	case '"', '0':
		return t.String(), true
	case 't':
		return "true", true
	case 'f':
		return "false", true
	}
	return "", false
}

// build checks and compiles a statement as parseStatement does.
func (f *fastStatement) build(i int, vars bool) (*Statement, bool) {
	s := &Statement{Index: i, Sid: f.sid}
	if !f.hasEffect {
		return nil, false
	}
	switch Effect(f.effect) {
	case Allow, Deny:
		s.Effect = Effect(f.effect)
	default:
		return nil, false
	}
	s.Action, s.NotAction = f.action, f.notAction
	if (s.Action != nil) == (s.NotAction != nil) {
		return nil, false
	}
	if _, ok := s.compileActions(); !ok {
		return nil, false
	}
	s.Resource, s.NotResource = f.resource, f.notResource
	if s.Resource != nil && s.NotResource != nil || !s.compileResources(vars) {
		return nil, false
	}
	s.Principal, s.NotPrincipal = f.principal, f.notPrincipal
	if f.hasPrincipal && f.hasNotPrincipal {
		return nil, false
	}
	if f.hasCondition {
		var out []*Condition
		for _, fo := range f.conds {
			op, err := parseOperator(fo.op)
			if err != nil {
				return nil, false
			}
			for _, fk := range fo.keys {
				c, err := newCondition(fo.op, op, fk.key, fk.values, vars)
				if err != nil {
					return nil, false
				}
				out = append(out, c)
			}
		}
		sortConditions(out)
		s.Conditions = out
	}
	return s, true
}
