package policy

import "strings"

// esc marks the next byte of a pattern as a literal character rather than
// a wildcard. It is how ${*}, ${?} and substituted variable values keep
// their '*' and '?' literal. Requests never contain NUL bytes.
const esc = '\x00'

type patternKind uint8

const (
	patExact  patternKind = iota // no wildcard
	patAll                       // "*"
	patPrefix                    // one trailing '*' and no other wildcard
	patGlob                      // anything else
)

// pattern is a precompiled wildcard pattern: '*' matches any run of
// characters (including none), '?' matches exactly one.
type pattern struct {
	raw  string
	kind patternKind
	lit  string // the exact text, or the prefix before '*'
}

func compilePattern(p string) pattern {
	if p == "*" {
		return pattern{raw: p, kind: patAll}
	}
	i := strings.IndexAny(p, "*?\x00")
	switch {
	case i < 0:
		return pattern{raw: p, kind: patExact, lit: p}
	case i == len(p)-1 && p[i] == '*':
		return pattern{raw: p, kind: patPrefix, lit: p[:i]}
	}
	return pattern{raw: p, kind: patGlob}
}

// match reports whether s matches the pattern; fold compares ASCII letters
// case-insensitively (the pattern must then be lower case).
func (p *pattern) match(s string, fold bool) bool {
	switch p.kind {
	case patAll:
		return true
	case patExact:
		if fold {
			return equalFoldLower(p.lit, s)
		}
		return p.lit == s
	case patPrefix:
		if len(s) < len(p.lit) {
			return false
		}
		if fold {
			return equalFoldLower(p.lit, s[:len(p.lit)])
		}
		return s[:len(p.lit)] == p.lit
	}
	return globMatch(p.raw, s, fold)
}

// equalFoldLower compares lower-case lower with s, folding ASCII case in s.
func equalFoldLower(lower, s string) bool {
	if len(lower) != len(s) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if lower[i] != toLower(s[i]) {
			return false
		}
	}
	return true
}

func toLower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// globMatch matches s against pattern p with '*', '?' and esc-escaped
// literals. It runs in O(len(p)*len(s)) time in the worst case and does
// not allocate.
func globMatch(p, s string, fold bool) bool {
	pi, si := 0, 0
	starP, starS := -1, 0
	for si < len(s) {
		if pi < len(p) {
			c := p[pi]
			switch c {
			case '*':
				starP, starS = pi, si
				pi++
				continue
			case '?':
				pi++
				si++
				continue
			case esc:
				if pi+1 < len(p) {
					if eqByte(p[pi+1], s[si], fold) {
						pi += 2
						si++
						continue
					}
				}
			default:
				if eqByte(c, s[si], fold) {
					pi++
					si++
					continue
				}
			}
		}
		if starP < 0 {
			return false
		}
		starS++
		si = starS
		pi = starP + 1
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

func eqByte(p, s byte, fold bool) bool {
	if fold {
		return p == toLower(s)
	}
	return p == s
}

// escapeWildcards writes s to b with '*', '?' and esc escaped.
func escapeWildcards(b *strings.Builder, s string) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '*' || c == '?' || c == esc {
			b.WriteByte(esc)
		}
		b.WriteByte(c)
	}
}

// unescape removes esc markers from a substituted pattern, for equality
// comparisons.
func unescape(s string) string {
	if strings.IndexByte(s, esc) < 0 {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == esc && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
