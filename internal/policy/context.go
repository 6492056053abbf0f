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
	entries map[string]ctxEntry
	unknown []pattern // lower-case key patterns
}

type ctxEntry struct {
	key    string // as first set, for display
	values []string
	state  KeyState
}

// NewContext returns an empty context: every key is absent.
func NewContext() *Context { return &Context{entries: map[string]ctxEntry{}} }

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

func (c *Context) put(key string, e ctxEntry) {
	if c.entries == nil {
		c.entries = map[string]ctxEntry{}
	}
	c.entries[strings.ToLower(key)] = e
}

// Lookup returns the state and values of key.
func (c *Context) Lookup(key string) ([]string, KeyState) {
	return c.lookup(strings.ToLower(key))
}

func (c *Context) lookup(lower string) ([]string, KeyState) {
	if c == nil {
		return nil, KeyAbsent
	}
	if e, ok := c.entries[lower]; ok {
		return e.values, e.state
	}
	for i := range c.unknown {
		if c.unknown[i].match(lower, true) {
			return nil, KeyUnknown
		}
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
	for _, e := range c.entries {
		out = append(out, e.key)
	}
	sort.Strings(out)
	return out
}
