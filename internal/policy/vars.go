package policy

import "strings"

// template is a Resource or condition value that may hold policy variables
// (${aws:username}, ${aws:PrincipalTag/team, 'none'}, ${*}, ...). Without
// variables it is a plain precompiled pattern.
type template struct {
	raw   string
	pat   pattern   // when parts is nil
	parts []tplPart // nil when the text has no variables
}

type tplPart struct {
	text    string // literal text
	special bool   // text from ${*}, ${?} or ${$}: a literal character
	key     string // lower-cased variable key; empty for text parts
	def     string // default value of ${key, 'default'}
	hasDef  bool
}

// compileTemplate compiles s; variables are recognised only when vars is
// true (Version 2012-10-17). A malformed "${" is literal text.
func compileTemplate(s string, vars bool) template {
	t := template{raw: s}
	if !vars || !strings.Contains(s, "${") {
		t.pat = compilePattern(s)
		return t
	}
	rest := s
	for rest != "" {
		i := strings.Index(rest, "${")
		if i < 0 {
			t.parts = append(t.parts, tplPart{text: rest})
			break
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			t.parts = append(t.parts, tplPart{text: rest})
			break
		}
		if i > 0 {
			t.parts = append(t.parts, tplPart{text: rest[:i]})
		}
		inner := rest[i+2 : i+j]
		t.parts = append(t.parts, parseVariable(inner, rest[i:i+j+1]))
		rest = rest[i+j+1:]
	}
	return t
}

func parseVariable(inner, whole string) tplPart {
	switch inner {
	case "*", "?", "$":
		return tplPart{text: inner, special: true}
	}
	key, def, hasDef := strings.Cut(inner, ",")
	key = strings.TrimSpace(key)
	if key == "" || strings.ContainsAny(key, " '\"${") {
		return tplPart{text: whole}
	}
	p := tplPart{key: strings.ToLower(key)}
	if hasDef {
		def = strings.TrimSpace(def)
		if len(def) < 2 || def[0] != '\'' || def[len(def)-1] != '\'' {
			return tplPart{text: whole}
		}
		p.def, p.hasDef = def[1:len(def)-1], true
	}
	return p
}

// hasVars reports whether the template holds variables.
func (t *template) hasVars() bool { return t.parts != nil }

// expand substitutes the variables. The result is a pattern: wildcards in
// the policy text stay wildcards, substituted values and ${*} ${?} are
// escaped literals. ok is false when a variable has no value and no
// default (the element then matches nothing); unknown is true when a
// variable's key is unknown.
func (t *template) expand(l lookuper) (s string, ok, unknown bool) {
	var b strings.Builder
	b.Grow(len(t.raw) + 16)
	for i := range t.parts {
		p := &t.parts[i]
		switch {
		case p.key == "" && p.special:
			escapeWildcards(&b, p.text)
		case p.key == "":
			b.WriteString(p.text)
		default:
			vals, st := l.lookup(p.key)
			switch {
			case st == keyUnknown:
				return "", false, true
			case st == keyKnown && len(vals) == 1:
				escapeWildcards(&b, vals[0])
			case p.hasDef && (st == keyAbsent || len(vals) == 0):
				escapeWildcards(&b, p.def)
			default:
				// absent without default, or a multivalued key, which
				// cannot be used as a variable
				return "", false, false
			}
		}
	}
	return b.String(), true, false
}

// matchTri matches s against the template: true, false or unknown.
func (t *template) matchTri(s string, fold bool, l lookuper) tri {
	if t.parts == nil {
		return triOf(t.pat.match(s, fold))
	}
	p, ok, unknown := t.expand(l)
	if unknown {
		return triUnknown
	}
	if !ok {
		return triFalse
	}
	return triOf(globMatch(p, s, fold))
}
