package policy

import (
	"sort"
	"strings"
)

// tri is a three-valued truth: a condition on an unknown context key is
// neither true nor false.
type tri uint8

const (
	triFalse tri = iota
	triTrue
	triUnknown
)

func triOf(b bool) tri {
	if b {
		return triTrue
	}
	return triFalse
}

// KeyState is what a request context says about a key.
type KeyState uint8

const (
	// KeyAbsent means the key is known not to be in the request.
	KeyAbsent KeyState = iota
	// KeyKnown means the key has known values.
	KeyKnown
	// KeyUnknown means the key's presence and values are runtime facts
	// that cannot be decided statically (MFA, source IP, external id...).
	// Conditions on it become residual conditions of the result.
	KeyUnknown
)

const (
	keyAbsent  = KeyAbsent
	keyKnown   = KeyKnown
	keyUnknown = KeyUnknown
)

// String names the state.
func (s KeyState) String() string {
	switch s {
	case KeyKnown:
		return "known"
	case KeyUnknown:
		return "unknown"
	}
	return "absent"
}

type lookuper interface {
	lookup(lowerKey string) ([]string, KeyState)
}

// Context is the request context: condition keys and their values. Keys
// are case-insensitive. A key is known (Set), known absent (SetAbsent or
// simply never set) or unknown (SetUnknown, or matching an unknown
// pattern). A Context is not modified by evaluation and may be shared by
// concurrent evaluations once built.
type Context struct {
	// entries are the keys set, in the order first set (setting a key
	// again replaces its entry). A context holds a dozen keys or so:
	// looking through them is cheaper than a map until index is made (see
	// indexFrom).
	entries []ctxEntry
	index   map[string]int // lower-case key → entry, for large contexts
	unknown []pattern      // lower-case key patterns
	// layers are the contexts under this one (Layered), looked through
	// in order after its own entries and patterns.
	layers []*Context
}

// Layered returns a context holding the keys of every context of layers:
// the first that sets a key (Set, SetAbsent or SetUnknown) decides it,
// and a key none sets is unknown when it matches an unknown pattern of
// any. The layers are not copied: they must not change once layered, and
// may be shared by any number of layered contexts (for instance one
// holding the keys of a caller, another those of a resource). Keys set
// on the layered context itself come before every layer. When no two
// layers set the same key, it answers as one context with every key of
// every layer set in turn.
func Layered(layers ...*Context) *Context {
	return &Context{layers: layers}
}

// entry returns the entry of a lower-case key: the context's own, or
// that of the first layer setting it.
func (c *Context) entry(lower string) (*ctxEntry, bool) {
	if i, ok := c.find(lower); ok {
		return &c.entries[i], true
	}
	for _, l := range c.layers {
		if e, ok := l.entry(lower); ok {
			return e, true
		}
	}
	return nil, false
}

// unknownPattern reports whether a lower-case key matches an unknown
// pattern of the context or of a layer.
func (c *Context) unknownPattern(lower string) bool {
	for i := range c.unknown {
		if c.unknown[i].match(lower, true) {
			return true
		}
	}
	for _, l := range c.layers {
		if l.unknownPattern(lower) {
			return true
		}
	}
	return false
}

type ctxEntry struct {
	lower  string // the key in lower case
	key    string // as last set, for display
	values []string
	state  KeyState
}

// indexFrom is the number of entries from which a context indexes them.
const indexFrom = 24

// NewContext returns an empty context: every key is absent.
func NewContext() *Context { return NewContextSize(16) }

// NewContextSize returns an empty context with room for n keys set
// without growing (for callers that know about how many they set).
func NewContextSize(n int) *Context { return &Context{entries: make([]ctxEntry, 0, n)} }

// Set sets key to values (one value for single-valued keys, several for
// multivalued keys such as aws:TagKeys). An empty list is a present key
// with an empty set of values.
func (c *Context) Set(key string, values ...string) *Context {
	c.put(key, ctxEntry{key: key, values: values, state: KeyKnown})
	return c
}

// SetAbsent marks key as known absent, overriding unknown patterns.
func (c *Context) SetAbsent(key string) *Context {
	c.put(key, ctxEntry{key: key, state: KeyAbsent})
	return c
}

// SetUnknown marks keys as unknown. A key may be a pattern with '*' and
// '?' ("aws:RequestTag/*"; "*" makes every key that is not set unknown).
func (c *Context) SetUnknown(keys ...string) *Context {
	for _, k := range keys {
		if strings.ContainsAny(k, "*?") {
			c.unknown = append(c.unknown, compilePattern(strings.ToLower(k)))
			continue
		}
		c.put(k, ctxEntry{key: k, state: KeyUnknown})
	}
	return c
}

// globalKeys are the lower-case forms of the global condition keys
// request contexts set most, by their documented spelling: put looks them
// up instead of lowering them again for every context.
var globalKeys = func() map[string]string {
	m := map[string]string{}
	for _, k := range []string{
		"aws:PrincipalOrgID", "aws:PrincipalOrgPaths", "aws:PrincipalAccount", "aws:PrincipalArn",
		"aws:PrincipalType", "aws:PrincipalIsAWSService", "aws:PrincipalServiceName",
		"aws:MultiFactorAuthPresent", "aws:MultiFactorAuthAge",
		"aws:ResourceAccount", "aws:ResourceOrgID", "aws:ResourceOrgPaths",
		"aws:SourceAccount", "aws:SourceArn", "aws:SourceIp", "aws:SourceVpc", "aws:SourceVpce",
		"aws:SourceIdentity", "aws:CurrentTime", "aws:EpochTime", "aws:SecureTransport",
		"aws:CalledVia", "aws:ViaAWSService", "aws:RequestedRegion", "aws:TagKeys",
		"iam:PassedToService", "sts:ExternalId", "sts:RoleSessionName", "sts:SourceIdentity",
	} {
		m[k] = strings.ToLower(k)
	}
	return m
}()

func (c *Context) put(key string, e ctxEntry) {
	var ok bool
	if e.lower, ok = globalKeys[key]; !ok {
		e.lower = strings.ToLower(key)
	}
	if i, ok := c.find(e.lower); ok {
		c.entries[i] = e
		return
	}
	c.entries = append(c.entries, e)
	switch {
	case c.index != nil:
		c.index[e.lower] = len(c.entries) - 1
	case len(c.entries) >= indexFrom:
		c.index = make(map[string]int, 2*len(c.entries))
		for i := range c.entries {
			c.index[c.entries[i].lower] = i
		}
	}
}

// find returns the position of the entry of a lower-case key.
func (c *Context) find(lower string) (int, bool) {
	if c.index != nil {
		i, ok := c.index[lower]
		return i, ok
	}
	for i := range c.entries {
		if c.entries[i].lower == lower {
			return i, true
		}
	}
	return 0, false
}

// Lookup returns the state and values of key.
func (c *Context) Lookup(key string) ([]string, KeyState) {
	return c.lookup(strings.ToLower(key))
}

func (c *Context) lookup(lower string) ([]string, KeyState) {
	if c == nil {
		return nil, KeyAbsent
	}
	if e, ok := c.entry(lower); ok {
		return e.values, e.state
	}
	if c.unknownPattern(lower) {
		return nil, KeyUnknown
	}
	return nil, KeyAbsent
}

// Keys returns the keys set with Set, SetAbsent or SetUnknown, sorted, as
// first written.
func (c *Context) Keys() []string {
	if c == nil {
		return nil
	}
	out := make([]string, 0, len(c.entries))
	seen := map[string]bool{}
	var walk func(c *Context)
	walk = func(c *Context) {
		for _, e := range c.entries {
			if !seen[e.lower] {
				seen[e.lower] = true
				out = append(out, e.key)
			}
		}
		for _, l := range c.layers {
			walk(l)
		}
	}
	walk(c)
	sort.Strings(out)
	return out
}
