// Package config reads orgaudit's configuration file, .orgaudit.yaml: the
// environments of the organization, the identity account, known vendor
// accounts, thresholds of the rules, rules to disable, severity overrides
// and exceptions. Parse validates the file (naming line numbers);
// Resolve turns it, against a snapshot, into the document rules read as
// data.orgaudit.config. Without a file, Resolve applies the defaults
// documented in docs/config.md.
package config

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/gobwas/glob"
	"go.yaml.in/yaml/v3"

	"github.com/orgaudit/orgaudit/internal/engine"
	"github.com/orgaudit/orgaudit/internal/input"
)

// DefaultFile is the configuration file `orgaudit check` reads from the
// working directory when --config is not given.
const DefaultFile = ".orgaudit.yaml"

// Version is the configuration format version this build reads.
const Version = 1

// Thresholds lists every threshold a built-in rule reads, with its
// default. The rules use the same defaults (lib.threshold(name, default)).
var Thresholds = map[string]int{
	"root_unused_days":          90,
	"handshake_max_age_days":    7,
	"credentials_unused_days":   45,
	"access_key_max_age_days":   90,
	"password_min_length":       14,
	"password_reuse_prevention": 24,
	"role_unused_days":          90,
}

// File is a parsed and validated configuration file.
type File struct {
	// Path is where the file was read from ("" when parsed from memory).
	Path string

	// Version of the format; 0 when the file does not say.
	Version int `yaml:"version"`
	// IdentityAccount is the account people sign in to: an account id or
	// name.
	IdentityAccount located[string] `yaml:"identity_account"`
	// Environments maps an environment name to selectors (see Selector).
	Environments map[string][]Selector `yaml:"environments"`
	// Vendors maps known third-party account ids to a name.
	Vendors map[string]string `yaml:"vendors"`
	// Thresholds overrides rule thresholds by name.
	Thresholds map[string]located[int] `yaml:"thresholds"`
	// Rules disables rules and overrides severities.
	Rules RuleSettings `yaml:"rules"`
	// Exceptions accept findings.
	Exceptions []Exception `yaml:"exceptions"`
}

// RuleSettings is the rules section of the file.
type RuleSettings struct {
	// Disable lists rule ids that are not evaluated.
	Disable []located[string] `yaml:"disable"`
	// Severity maps a rule id to the severity its findings get.
	Severity map[string]located[string] `yaml:"severity"`
}

// Exception accepts the findings of one rule on the resources a glob
// matches, until a date.
type Exception struct {
	// Rule is the rule id.
	Rule string `yaml:"rule"`
	// Resource is a glob over finding resources (usually ARNs): * matches
	// any run of characters, / included; ?, [abc] and {a,b} work as in
	// Rego's glob.match.
	Resource string `yaml:"resource"`
	// Reason says why the finding is accepted (required).
	Reason string `yaml:"reason"`
	// Owner is who accepted it.
	Owner string `yaml:"owner"`
	// Expires is the last day (YYYY-MM-DD, UTC) the exception suppresses.
	Expires string `yaml:"expires"`

	// Line is the line of the exception in the file.
	Line  int       `yaml:"-"`
	until time.Time // first instant after the expiry day; zero: never
}

// exceptionKeys are the keys an exception may have.
var exceptionKeys = map[string]bool{"rule": true, "resource": true, "reason": true, "owner": true, "expires": true}

// UnmarshalYAML records the exception's line and rejects unknown keys
// (a node's Decode does not inherit the decoder's KnownFields).
func (e *Exception) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.MappingNode {
		var unknown []string
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if !exceptionKeys[k.Value] {
				unknown = append(unknown, fmt.Sprintf("line %d: unknown key %s (an exception has rule, resource, reason, owner, expires)", k.Line, k.Value))
			}
		}
		if len(unknown) > 0 {
			return &yaml.TypeError{Errors: unknown}
		}
	}
	type plain Exception
	var p plain
	if err := n.Decode(&p); err != nil {
		return err
	}
	*e = Exception(p)
	e.Line = n.Line
	return nil
}

// located is a value with the line it was written on.
type located[T any] struct {
	Value T
	Line  int
}

// UnmarshalYAML records the value's line.
func (l *located[T]) UnmarshalYAML(n *yaml.Node) error {
	l.Line = n.Line
	return n.Decode(&l.Value)
}

// Load reads and validates the configuration file at path, at most
// maxSize bytes (input.DefaultMaxSize when not positive), stopping when
// ctx is done.
func Load(ctx context.Context, path string, maxSize int64) (*File, error) {
	raw, err := input.ReadFile(ctx, path, maxSize)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	f, err := Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	f.Path = path
	return f, nil
}

// Parse decodes and validates a configuration file. Errors name the line
// of each problem; unknown keys, values of the wrong type, bad dates, bad
// globs, bad selectors, unknown thresholds and severities are all
// rejected. Rule ids are checked separately by CheckRules, once the rules
// are loaded.
func Parse(raw []byte) (*File, error) {
	if err := input.CheckUTF8(raw); err != nil {
		return nil, err
	}
	f := &File{}
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(f); err != nil && !errors.Is(err, io.EOF) {
		return nil, yamlError(err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, fmt.Errorf("line %d: only one YAML document is allowed", extra.Line)
	}
	if err := f.validate(); err != nil {
		return nil, err
	}
	return f, nil
}

var (
	reUnknownField = regexp.MustCompile(`field (\S+) not found in type \S+`)
	reTypeMismatch = regexp.MustCompile("cannot unmarshal !!(\\w+)(?: `(.*)`)? into (\\S+)")
)

// yamlError rewrites the YAML library's errors (which name Go types) for
// people editing the file.
func yamlError(err error) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return fmt.Errorf("invalid YAML: %s", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	msgs := make([]string, 0, len(te.Errors))
	for _, m := range te.Errors {
		m = reUnknownField.ReplaceAllString(m, "unknown key $1")
		m = reTypeMismatch.ReplaceAllStringFunc(m, func(s string) string {
			sub := reTypeMismatch.FindStringSubmatch(s)
			if sub[2] == "" {
				return fmt.Sprintf("found a %s, want %s", yamlKind(sub[1]), goKind(sub[3]))
			}
			return fmt.Sprintf("%s %q is not %s", yamlKind(sub[1]), sub[2], goKind(sub[3]))
		})
		msgs = append(msgs, m)
	}
	return errors.New(joinProblems(msgs))
}

func yamlKind(tag string) string {
	switch tag {
	case "str":
		return "text"
	case "int", "float":
		return "number"
	case "bool":
		return "boolean"
	case "seq":
		return "list"
	case "map":
		return "mapping"
	case "timestamp":
		return "date"
	}
	return tag
}

func goKind(goType string) string {
	switch {
	case strings.HasPrefix(goType, "[]"):
		return "a list"
	case strings.HasPrefix(goType, "map["):
		return "a mapping"
	case goType == "int":
		return "an integer"
	case goType == "string":
		return "text"
	case goType == "bool":
		return "true or false"
	}
	return "a mapping"
}

// joinProblems renders at most five problems on one line.
func joinProblems(msgs []string) string {
	const maxShown = 5
	out := strings.Join(msgs[:min(len(msgs), maxShown)], "; ")
	if len(msgs) > maxShown {
		out += fmt.Sprintf(" (and %d more)", len(msgs)-maxShown)
	}
	return out
}

var (
	accountIDRe = regexp.MustCompile(`^[0-9]{12}$`)
	ruleIDRe    = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.-]*$`)
	envNameRe   = regexp.MustCompile(`^[a-z][a-z0-9_-]*$`)
)

func (f *File) validate() error {
	var probs []string
	add := func(line int, format string, args ...any) {
		probs = append(probs, fmt.Sprintf("line %d: ", line)+fmt.Sprintf(format, args...))
	}
	if f.Version != 0 && f.Version != Version {
		probs = append(probs, fmt.Sprintf("version %d is not supported (this build reads version %d)", f.Version, Version))
	}
	if v := f.IdentityAccount; v.Line > 0 && strings.TrimSpace(v.Value) == "" {
		add(v.Line, "identity_account is empty (an account id or name)")
	}
	for _, name := range slices.Sorted(maps.Keys(f.Environments)) {
		if !envNameRe.MatchString(name) {
			probs = append(probs, fmt.Sprintf("environment name %q must be lower case letters, digits, - or _", name))
		}
		for i := range f.Environments[name] {
			s := &f.Environments[name][i]
			if err := s.compile(); err != nil {
				add(s.Line, "environments.%s: %v", name, err)
			}
		}
	}
	for _, id := range slices.Sorted(maps.Keys(f.Vendors)) {
		if !accountIDRe.MatchString(id) {
			probs = append(probs, fmt.Sprintf("vendors: %q is not a 12-digit account id (quote ids in YAML)", id))
		}
		if strings.TrimSpace(f.Vendors[id]) == "" {
			probs = append(probs, fmt.Sprintf("vendors: account %s has no name", id))
		}
	}
	for _, name := range slices.Sorted(maps.Keys(f.Thresholds)) {
		t := f.Thresholds[name]
		if _, ok := Thresholds[name]; !ok {
			add(t.Line, "unknown threshold %q (known: %s)", name, strings.Join(slices.Sorted(maps.Keys(Thresholds)), ", "))
			continue
		}
		if t.Value <= 0 {
			add(t.Line, "threshold %s must be a positive integer, got %d", name, t.Value)
		}
	}
	for _, d := range f.Rules.Disable {
		if !ruleIDRe.MatchString(d.Value) {
			add(d.Line, "rules.disable: %q is not a rule id", d.Value)
		}
	}
	for _, id := range slices.Sorted(maps.Keys(f.Rules.Severity)) {
		s := f.Rules.Severity[id]
		if _, err := engine.ParseSeverity(s.Value); err != nil {
			add(s.Line, "rules.severity.%s: %v", id, err)
		}
	}
	for i := range f.Exceptions {
		e := &f.Exceptions[i]
		for _, p := range e.compile() {
			add(e.Line, "exceptions[%d]: %s", i, p)
		}
	}
	if len(probs) > 0 {
		return errors.New(joinProblems(probs))
	}
	return nil
}

// compile checks an exception and prepares its glob and expiry.
func (e *Exception) compile() []string {
	var probs []string
	if strings.TrimSpace(e.Rule) == "" {
		probs = append(probs, "rule is required")
	}
	if strings.TrimSpace(e.Resource) == "" {
		probs = append(probs, `resource is required (a glob; "*" for every resource)`)
	} else if _, err := glob.Compile(e.Resource); err != nil {
		probs = append(probs, fmt.Sprintf("resource %q is not a valid glob: %v", e.Resource, err))
	}
	if strings.TrimSpace(e.Reason) == "" {
		probs = append(probs, "reason is required: say why the finding is accepted")
	}
	if e.Expires != "" {
		d, err := time.Parse(time.DateOnly, e.Expires)
		if err != nil {
			probs = append(probs, fmt.Sprintf("expires %q is not a date (YYYY-MM-DD)", e.Expires))
		} else {
			e.until = d.AddDate(0, 0, 1)
		}
	}
	return probs
}

// ExpiredAt reports whether the exception has expired at t: t is after the
// end (UTC) of its expires day.
func (e *Exception) ExpiredAt(t time.Time) bool {
	return !e.until.IsZero() && !t.Before(e.until)
}

// CheckRules reports configuration entries that name rules which are not
// loaded (rules.disable, rules.severity and exceptions), with their lines.
func (f *File) CheckRules(known []string) error {
	if f == nil {
		return nil
	}
	ok := map[string]bool{}
	for _, id := range known {
		ok[id] = true
	}
	var probs []string
	unknown := func(line int, where, id string) {
		msg := fmt.Sprintf("line %d: %s: unknown rule id %q", line, where, id)
		if s := closest(id, known); s != "" {
			msg += fmt.Sprintf(" (did you mean %s?)", s)
		}
		probs = append(probs, msg)
	}
	for _, d := range f.Rules.Disable {
		if !ok[d.Value] {
			unknown(d.Line, "rules.disable", d.Value)
		}
	}
	for _, id := range slices.Sorted(maps.Keys(f.Rules.Severity)) {
		if !ok[id] {
			unknown(f.Rules.Severity[id].Line, "rules.severity", id)
		}
	}
	for i, e := range f.Exceptions {
		if e.Rule != "" && !ok[e.Rule] {
			unknown(e.Line, fmt.Sprintf("exceptions[%d]", i), e.Rule)
		}
	}
	if len(probs) > 0 {
		return errors.New(joinProblems(probs))
	}
	return nil
}

// closest suggests a known id that differs from id only by case or
// separators.
func closest(id string, known []string) string {
	norm := func(s string) string { return strings.ToUpper(strings.NewReplacer("_", "-", " ", "-").Replace(s)) }
	for _, k := range known {
		if norm(k) == norm(id) {
			return k
		}
	}
	return ""
}

// Disabled returns the ids of the disabled rules.
func (f *File) Disabled() []string {
	if f == nil {
		return nil
	}
	out := make([]string, 0, len(f.Rules.Disable))
	for _, d := range f.Rules.Disable {
		out = append(out, d.Value)
	}
	return out
}

// SeverityOverrides returns the configured severities by rule id.
func (f *File) SeverityOverrides() map[string]engine.Severity {
	if f == nil || len(f.Rules.Severity) == 0 {
		return nil
	}
	out := make(map[string]engine.Severity, len(f.Rules.Severity))
	for id, s := range f.Rules.Severity {
		sev, err := engine.ParseSeverity(s.Value)
		if err == nil { // validated by Parse
			out[id] = sev
		}
	}
	return out
}

// source names the file for suppression records and messages.
func (f *File) source() string {
	if f == nil || f.Path == "" {
		return DefaultFile
	}
	return f.Path
}
