// Package suggest finds the name a user most likely meant ("did you
// mean ...?") among the names that exist: formats, targets, rule ids,
// configuration keys, change kinds.
package suggest

import (
	"strings"

	"github.com/agnivade/levenshtein"
)

// Closest returns the candidate nearest to input, or "" when none is near
// enough to be a plausible typo. Names are compared without case, and a
// candidate that starts with input (an abbreviation) counts as near.
func Closest(input string, candidates []string) string {
	in := strings.ToLower(strings.TrimSpace(input))
	if in == "" {
		return ""
	}
	best, bestDist := "", -1
	for _, c := range candidates {
		lc := strings.ToLower(c)
		if lc == in {
			return c
		}
		d := levenshtein.ComputeDistance(in, lc)
		if len(in) >= 3 && strings.HasPrefix(lc, in) {
			d = min(d, 1)
		}
		if d > maxDistance(in, lc) {
			continue
		}
		if bestDist < 0 || d < bestDist || d == bestDist && c < best {
			best, bestDist = c, d
		}
	}
	return best
}

// maxDistance is how many edits still look like a typo: a third of the
// longer name, at least two and at most four.
func maxDistance(a, b string) int {
	return min(max(max(len(a), len(b))/3, 2), 4)
}

// Hint returns " (did you mean X?)" for the candidate nearest to input, or
// "" when there is none.
func Hint(input string, candidates []string) string {
	if c := Closest(input, candidates); c != "" && c != input {
		return " (did you mean " + c + "?)"
	}
	return ""
}
