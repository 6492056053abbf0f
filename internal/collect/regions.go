package collect

import (
	"fmt"
	"regexp"
	"slices"

	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// regionPattern is the shape of a region code (us-east-1, eu-central-2,
// us-gov-west-1, ap-southeast-7).
var regionPattern = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)

// validateRegions checks the region codes of Options.Regions.
func validateRegions(regions []string) error {
	for _, r := range regions {
		if !regionPattern.MatchString(r) {
			return fmt.Errorf("invalid region %q: use region codes such as us-east-1", r)
		}
	}
	return nil
}

// chooseRegions decides which regions regional data is read in: the
// --regions of the run, else every region enabled in a collected account
// (account:ListRegions), else, when no account's regions could be read,
// the collector's own region.
func (c *collector) chooseRegions(accounts []snapshot.Account) (regions []string, source string) {
	if len(c.opts.Regions) > 0 {
		return sortedUnique(c.opts.Regions), snapshot.RegionsFromFlag
	}
	for _, a := range accounts {
		regions = append(regions, a.EnabledRegions...)
	}
	if len(regions) > 0 {
		return sortedUnique(regions), snapshot.RegionsFromEnabled
	}
	return []string{c.cfg.Region}, snapshot.RegionsFromDefault
}

// accountRegions are the regions of an account to read: those of the run
// that the account has enabled, or all of them when its enabled regions
// are unknown.
func accountRegions(a *snapshot.Account, regions []string) []string {
	if len(a.EnabledRegions) == 0 {
		return regions
	}
	var out []string
	for _, r := range regions {
		if slices.Contains(a.EnabledRegions, r) {
			out = append(out, r)
		}
	}
	return out
}
