package config

import (
	"errors"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"github.com/orgaudit/orgaudit/internal/suggest"
)

var (
	reUnknownKey       = regexp.MustCompile(`unknown key (\S+)`)
	reUnknownThreshold = regexp.MustCompile(`unknown threshold "([^"]+)"`)
	reUnknownRule      = regexp.MustCompile(`unknown rule id "([^"]+)"`)
)

// Keys lists every key a configuration file may use, at any level.
func Keys() []string {
	keys := map[string]bool{}
	for _, t := range []reflect.Type{reflect.TypeFor[File](), reflect.TypeFor[RuleSettings](), reflect.TypeFor[Exception]()} {
		for f := range t.Fields() {
			if tag, _, _ := strings.Cut(f.Tag.Get("yaml"), ","); tag != "" && tag != "-" {
				keys[tag] = true
			}
		}
	}
	return slices.Sorted(maps.Keys(keys))
}

// WithSuggestions adds "did you mean ...?" to the unknown keys, thresholds
// and rule ids an error of Load or CheckRules names, choosing among the
// keys of the format, the thresholds and the given rule ids.
func WithSuggestions(err error, ruleIDs []string) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	out := msg
	for _, r := range []struct {
		re    *regexp.Regexp
		names []string
	}{
		{reUnknownKey, Keys()},
		{reUnknownThreshold, slices.Sorted(maps.Keys(Thresholds))},
		{reUnknownRule, ruleIDs},
	} {
		out = r.re.ReplaceAllStringFunc(out, func(m string) string {
			name := r.re.FindStringSubmatch(m)[1]
			if strings.Contains(msg[strings.Index(msg, m):], m+" (did you mean") {
				return m
			}
			return m + suggest.Hint(name, r.names)
		})
	}
	if out == msg {
		return err
	}
	return errors.New(out)
}
