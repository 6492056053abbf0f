package policy

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"math"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// opKind is the base comparison of a condition operator, without its
// negation, IfExists suffix or set qualifier.
type opKind uint8

const (
	opStringEquals opKind = iota
	opStringEqualsIgnoreCase
	opStringLike
	opNumericEquals
	opNumericLessThan
	opNumericLessThanEquals
	opNumericGreaterThan
	opNumericGreaterThanEquals
	opDateEquals
	opDateLessThan
	opDateLessThanEquals
	opDateGreaterThan
	opDateGreaterThanEquals
	opBool
	opBinaryEquals
	opIPAddress
	opArnLike // ArnEquals and ArnLike behave the same
	opNull
)

type setQualifier uint8

const (
	setNone setQualifier = iota
	setAny               // ForAnyValue:
	setAll               // ForAllValues:
)

type operator struct {
	kind     opKind
	negated  bool
	ifExists bool
	set      setQualifier
}

type opName struct {
	kind    opKind
	negated bool
}

// operators maps lower-case operator names (without qualifier and
// IfExists) to their meaning.
var operators = map[string]opName{
	"stringequals":              {opStringEquals, false},
	"stringnotequals":           {opStringEquals, true},
	"stringequalsignorecase":    {opStringEqualsIgnoreCase, false},
	"stringnotequalsignorecase": {opStringEqualsIgnoreCase, true},
	"stringlike":                {opStringLike, false},
	"stringnotlike":             {opStringLike, true},
	"numericequals":             {opNumericEquals, false},
	"numericnotequals":          {opNumericEquals, true},
	"numericlessthan":           {opNumericLessThan, false},
	"numericlessthanequals":     {opNumericLessThanEquals, false},
	"numericgreaterthan":        {opNumericGreaterThan, false},
	"numericgreaterthanequals":  {opNumericGreaterThanEquals, false},
	"dateequals":                {opDateEquals, false},
	"datenotequals":             {opDateEquals, true},
	"datelessthan":              {opDateLessThan, false},
	"datelessthanequals":        {opDateLessThanEquals, false},
	"dategreaterthan":           {opDateGreaterThan, false},
	"dategreaterthanequals":     {opDateGreaterThanEquals, false},
	"bool":                      {opBool, false},
	"binaryequals":              {opBinaryEquals, false},
	"ipaddress":                 {opIPAddress, false},
	"notipaddress":              {opIPAddress, true},
	"arnequals":                 {opArnLike, false},
	"arnlike":                   {opArnLike, false},
	"arnnotequals":              {opArnLike, true},
	"arnnotlike":                {opArnLike, true},
	"null":                      {opNull, false},
}

func parseOperator(name string) (operator, error) {
	var op operator
	n := strings.ToLower(name)
	switch {
	case strings.HasPrefix(n, "foranyvalue:"):
		op.set, n = setAny, n[len("foranyvalue:"):]
	case strings.HasPrefix(n, "forallvalues:"):
		op.set, n = setAll, n[len("forallvalues:"):]
	}
	if strings.HasSuffix(n, "ifexists") {
		op.ifExists, n = true, n[:len(n)-len("ifexists")]
	}
	o, ok := operators[n]
	if !ok {
		return op, fmt.Errorf("unknown condition operator %q", name)
	}
	if o.kind == opNull && (op.ifExists || op.set != setNone) {
		return op, fmt.Errorf("invalid condition operator %q: Null takes no IfExists suffix or set qualifier", name)
	}
	op.kind, op.negated = o.kind, o.negated
	return op, nil
}

// Condition is one (operator, key) pair of a Condition element with its
// values: the condition holds when the request's values for Key compare
// to Values as Operator says. Values of one condition are OR'ed (NOR'ed
// for negated operators).
type Condition struct {
	// Operator is the operator as written, such as
	// "ForAnyValue:StringLikeIfExists".
	Operator string
	// Key is the condition key as written; keys match case-insensitively.
	Key string
	// Values are the values as written; booleans and numbers keep their
	// JSON text.
	Values []string

	op   operator
	key  string // lower case
	vals []condValue
}

// condValue is a policy value, parsed for its operator when it holds no
// variable.
type condValue struct {
	tpl  template
	vars bool
	text string // string operators: the literal text
	num  float64
	tm   time.Time
	pfx  netip.Prefix
	bin  []byte
	bval bool
	arn  [6]string
	arnN int // 6 when arn holds the six ARN fields, else 0
}

func newCondition(opText string, op operator, key string, values []string, vars bool) (*Condition, error) {
	c := &Condition{Operator: opText, Key: key, Values: values, op: op, key: strings.ToLower(key)}
	if key == "" {
		return nil, fmt.Errorf("empty condition key")
	}
	c.vals = make([]condValue, len(values))
	for i, v := range values {
		tpl := compileTemplate(v, vars && op.kind != opNull)
		if tpl.hasVars() {
			c.vals[i] = condValue{tpl: tpl, vars: true}
			continue
		}
		cv, err := parseCondValue(op.kind, v, false)
		if err != nil {
			return nil, err
		}
		cv.tpl = tpl
		c.vals[i] = cv
	}
	return c, nil
}

// parseCondValue parses a policy value for kind. escaped is true when s
// comes from variable substitution and holds esc markers.
func parseCondValue(kind opKind, s string, escaped bool) (condValue, error) {
	var cv condValue
	plain := s
	if escaped {
		plain = unescape(s)
	}
	switch kind {
	case opStringEquals:
		cv.text = plain
	case opStringEqualsIgnoreCase:
		cv.text = plain
	case opStringLike:
		cv.text = s
	case opNumericEquals, opNumericLessThan, opNumericLessThanEquals, opNumericGreaterThan, opNumericGreaterThanEquals:
		f, ok := parseNumber(plain)
		if !ok {
			return cv, fmt.Errorf("invalid number %q", plain)
		}
		cv.num = f
	case opDateEquals, opDateLessThan, opDateLessThanEquals, opDateGreaterThan, opDateGreaterThanEquals:
		t, ok := parseDate(plain)
		if !ok {
			return cv, fmt.Errorf("invalid date %q: use ISO 8601 or epoch seconds", plain)
		}
		cv.tm = t
	case opBool, opNull:
		b, ok := parseBool(plain)
		if !ok {
			return cv, fmt.Errorf("invalid boolean %q: use true or false", plain)
		}
		cv.bval = b
	case opBinaryEquals:
		if b, err := base64.StdEncoding.DecodeString(plain); err == nil {
			cv.bin = b
		} else {
			cv.bin = []byte(plain)
		}
	case opIPAddress:
		p, ok := parsePrefix(plain)
		if !ok {
			return cv, fmt.Errorf("invalid IP address or CIDR %q", plain)
		}
		cv.pfx = p
	case opArnLike:
		cv.text = s
		// Each of the six ARN fields is matched separately; a value with
		// fewer fields leaves the missing ones empty. A value without any
		// colon (such as "*") is matched as a whole.
		if strings.Contains(s, ":") {
			copy(cv.arn[:], strings.SplitN(s, ":", 6))
			cv.arnN = 6
		}
	}
	return cv, nil
}

func parseNumber(s string) (float64, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(f) {
		return 0, false
	}
	return f, true
}

func parseBool(s string) (bool, bool) {
	switch {
	case strings.EqualFold(s, "true"):
		return true, true
	case strings.EqualFold(s, "false"):
		return false, true
	}
	return false, false
}

var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04",
	"20060102T150405Z",
	"2006-01-02",
}

func parseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && len(s) != 8 {
		return time.Unix(n, 0).UTC(), true
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func parsePrefix(s string) (netip.Prefix, bool) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, false
		}
		if p.Addr().Is4In6() {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
			if p.Bits() < 0 {
				return netip.Prefix{}, false
			}
		}
		return p.Masked(), true
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, false
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), true
}

// eval decides the condition against the request context: true, false, or
// unknown when the key (or a variable in a value) is unknown.
func (c *Condition) eval(l lookuper) tri {
	vals, st := l.lookup(c.key)
	if st == keyUnknown {
		return triUnknown
	}
	present := st == keyKnown && len(vals) > 0
	if c.op.kind == opNull {
		// Null: "true" means the key must be absent, "false" present.
		for i := range c.vals {
			if c.vals[i].bval != present {
				return triTrue
			}
		}
		return triFalse
	}
	if !present {
		switch {
		case c.op.ifExists, c.op.set == setAll, c.op.negated && c.op.set == setNone:
			return triTrue
		}
		return triFalse
	}
	// Combine per request value.
	var acc tri
	switch c.op.set {
	case setAll:
		acc = triTrue
	case setAny:
		acc = triFalse
	default:
		if c.op.negated {
			acc = triTrue // none of the request values may match
		} else {
			acc = triFalse // one request value must match
		}
	}
	for _, v := range vals {
		r := c.matchValue(v, l)
		if c.op.negated {
			r = not(r)
		}
		switch {
		case c.op.set == setAll || (c.op.set == setNone && c.op.negated):
			acc = and(acc, r)
			if acc == triFalse {
				return triFalse
			}
		default:
			acc = or(acc, r)
			if acc == triTrue {
				return triTrue
			}
		}
	}
	return acc
}

func not(t tri) tri {
	switch t {
	case triTrue:
		return triFalse
	case triFalse:
		return triTrue
	}
	return triUnknown
}

func and(a, b tri) tri {
	if a == triFalse || b == triFalse {
		return triFalse
	}
	if a == triUnknown || b == triUnknown {
		return triUnknown
	}
	return triTrue
}

func or(a, b tri) tri {
	if a == triTrue || b == triTrue {
		return triTrue
	}
	if a == triUnknown || b == triUnknown {
		return triUnknown
	}
	return triFalse
}

// matchValue reports whether request value v matches any policy value.
func (c *Condition) matchValue(v string, l lookuper) tri {
	acc := triFalse
	rv := reqValue{s: v}
	for i := range c.vals {
		pv := &c.vals[i]
		if pv.vars {
			s, ok, unknown := pv.tpl.expand(l)
			if unknown {
				acc = triUnknown
				continue
			}
			if !ok {
				continue // a variable without value matches nothing
			}
			cv, err := parseCondValue(c.op.kind, s, true)
			if err != nil {
				continue
			}
			if matchOne(c.op.kind, &rv, &cv) {
				return triTrue
			}
			continue
		}
		if matchOne(c.op.kind, &rv, pv) {
			return triTrue
		}
	}
	return acc
}

// reqValue is a request value with its parsed forms, parsed at most once.
type reqValue struct {
	s      string
	parsed bool
	ok     bool
	num    float64
	tm     time.Time
	addr   netip.Addr
	bval   bool
	arn    [6]string
	arnN   int
	bin    []byte
}

func (r *reqValue) parse(kind opKind) bool {
	if r.parsed {
		return r.ok
	}
	r.parsed = true
	switch kind {
	case opNumericEquals, opNumericLessThan, opNumericLessThanEquals, opNumericGreaterThan, opNumericGreaterThanEquals:
		r.num, r.ok = parseNumber(r.s)
	case opDateEquals, opDateLessThan, opDateLessThanEquals, opDateGreaterThan, opDateGreaterThanEquals:
		r.tm, r.ok = parseDate(r.s)
	case opBool:
		r.bval, r.ok = parseBool(r.s)
	case opIPAddress:
		a, err := netip.ParseAddr(strings.TrimSpace(r.s))
		r.addr, r.ok = a.Unmap(), err == nil
	case opArnLike:
		s := r.s
		for i := range 5 {
			j := strings.IndexByte(s, ':')
			if j < 0 {
				return r.ok
			}
			r.arn[i], s = s[:j], s[j+1:]
		}
		r.arn[5], r.arnN, r.ok = s, 6, r.arn[0] == "arn"
	case opBinaryEquals:
		if b, err := base64.StdEncoding.DecodeString(r.s); err == nil {
			r.bin = b
		} else {
			r.bin = []byte(r.s)
		}
		r.ok = true
	default:
		r.ok = true
	}
	return r.ok
}

func matchOne(kind opKind, r *reqValue, pv *condValue) bool {
	switch kind {
	case opStringEquals:
		return r.s == pv.text
	case opStringEqualsIgnoreCase:
		return strings.EqualFold(r.s, pv.text)
	case opStringLike:
		return globMatch(pv.text, r.s, false)
	}
	if !r.parse(kind) {
		return false
	}
	switch kind {
	case opNumericEquals:
		return r.num == pv.num
	case opNumericLessThan:
		return r.num < pv.num
	case opNumericLessThanEquals:
		return r.num <= pv.num
	case opNumericGreaterThan:
		return r.num > pv.num
	case opNumericGreaterThanEquals:
		return r.num >= pv.num
	case opDateEquals:
		return r.tm.Equal(pv.tm)
	case opDateLessThan:
		return r.tm.Before(pv.tm)
	case opDateLessThanEquals:
		return !r.tm.After(pv.tm)
	case opDateGreaterThan:
		return r.tm.After(pv.tm)
	case opDateGreaterThanEquals:
		return !r.tm.Before(pv.tm)
	case opBool:
		return r.bval == pv.bval
	case opBinaryEquals:
		return bytes.Equal(r.bin, pv.bin)
	case opIPAddress:
		return pv.pfx.IsValid() && pv.pfx.Contains(r.addr)
	case opArnLike:
		if pv.arnN != 6 {
			return globMatch(pv.text, r.s, false)
		}
		for i := range 6 {
			if !globMatch(pv.arn[i], r.arn[i], false) {
				return false
			}
		}
		return true
	}
	return false
}

// clause returns the condition as a residual clause.
func (c *Condition) clause() Clause {
	return Clause{Operator: c.Operator, Key: c.Key, Values: c.Values}
}
