package config

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/gobwas/glob"
	"go.yaml.in/yaml/v3"

	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// Selector picks accounts for an environment. Its forms:
//
//	ou:Prod                 accounts in the OU named Prod (or with that id), at any depth below it
//	account:222222222222    the account with that id
//	account:prod-*          accounts whose name matches the glob (case-insensitive)
//	tag:environment=production
//	                        accounts tagged so, or in an OU tagged so
//	222222222222            a bare 12-digit account id
//
// OU names are globs too (ou:prod-*); names and tag values compare
// case-insensitively.
type Selector struct {
	// Raw is the selector as written.
	Raw string
	// Line is where it was written (0 for defaults).
	Line int

	kind    string // "ou", "account", "tag"
	value   string // OU name/id, account id/name, or tag key
	tagVal  string
	matcher *glob.Pattern // OU or account name, lower-cased
}

// UnmarshalYAML reads a selector string and records its line.
func (s *Selector) UnmarshalYAML(n *yaml.Node) error {
	s.Line = n.Line
	return n.Decode(&s.Raw)
}

// String returns the selector as written.
func (s Selector) String() string { return s.Raw }

func (s *Selector) compile() error {
	raw := strings.TrimSpace(s.Raw)
	if accountIDRe.MatchString(raw) {
		s.kind, s.value = "account", raw
		return nil
	}
	kind, value, ok := strings.Cut(raw, ":")
	value = strings.TrimSpace(value)
	if !ok || value == "" {
		return fmt.Errorf("selector %q: want ou:NAME-OR-ID, account:ID-OR-NAME, tag:KEY=VALUE or a 12-digit account id", s.Raw)
	}
	s.kind = strings.ToLower(strings.TrimSpace(kind))
	switch s.kind {
	case "ou", "account":
		s.value = value
		g, err := glob.Compile(strings.ToLower(value))
		if err != nil {
			return fmt.Errorf("selector %q: not a valid glob: %w", s.Raw, err)
		}
		s.matcher = g
	case "tag":
		k, v, ok := strings.Cut(value, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return fmt.Errorf("selector %q: want tag:KEY=VALUE", s.Raw)
		}
		s.value, s.tagVal = strings.TrimSpace(k), strings.TrimSpace(v)
	default:
		return fmt.Errorf("selector %q: unknown kind %q (want ou, account or tag)", s.Raw, kind)
	}
	return nil
}

func mustSelectors(raw ...string) []Selector {
	out := make([]Selector, len(raw))
	for i, r := range raw {
		out[i] = Selector{Raw: r}
		if err := out[i].compile(); err != nil {
			panic(err) // static defaults
		}
	}
	return out
}

// DefaultEnvironments are the environments used when the configuration
// does not define them: OUs and accounts named after the environment, and
// the environment tag.
var DefaultEnvironments = map[string][]Selector{
	"production": mustSelectors("ou:prod", "ou:production", "account:prod", "account:production",
		"account:prod-*", "account:*-prod", "account:production-*", "account:*-production",
		"tag:environment=production", "tag:environment=prod"),
	"staging": mustSelectors("ou:staging", "ou:stage", "account:staging", "account:stage",
		"account:staging-*", "account:*-staging", "tag:environment=staging", "tag:environment=stage"),
	"development": mustSelectors("ou:dev", "ou:development", "account:dev", "account:development",
		"account:dev-*", "account:*-dev", "tag:environment=development", "tag:environment=dev"),
}

// identityNameRe recognizes the name of an identity account when none is
// configured: "identity", "identities", or such a word between -, _ or .
var identityNameRe = regexp.MustCompile(`(?i)(^|[-_.\s])identit(y|ies)($|[-_.\s])`)

// Resolved is the configuration applied to one snapshot.
type Resolved struct {
	// Environments maps environment names to sorted account ids.
	Environments map[string][]string
	// IdentityAccount is the identity account id ("" when unknown).
	IdentityAccount string
	// IdentitySource says how it was found: "configured" or "inferred".
	IdentitySource string
	// Vendors maps known vendor account ids to names.
	Vendors map[string]string
	// Thresholds holds every threshold, defaults filled in.
	Thresholds map[string]int
	// Exceptions are the configured exceptions; Expired says whether each
	// had expired when the snapshot was collected.
	Exceptions []ResolvedException
	// Warnings are selectors that matched nothing and similar hints.
	Warnings []string

	source string
}

// ResolvedException is an exception and whether it had expired when the
// snapshot was collected.
type ResolvedException struct {
	*Exception
	Expired bool
}

// Resolve applies the configuration f (nil for none) to a snapshot:
// environments become account id lists, the identity account is found
// (configured by id or name, or inferred from account names), thresholds
// get their defaults, and exceptions are dated against the snapshot's
// collection time (never the clock, so reports are reproducible).
func Resolve(f *File, s *snapshot.Snapshot) *Resolved {
	r := &Resolved{
		Environments: map[string][]string{},
		Vendors:      map[string]string{},
		Thresholds:   map[string]int{},
		source:       f.source(),
	}
	ix := snapshot.NewIndex(s)
	envs := map[string][]Selector{}
	for name, sel := range DefaultEnvironments {
		envs[name] = sel
	}
	if f != nil {
		for name, sel := range f.Environments {
			envs[name] = sel
		}
	}
	for _, name := range slices.Sorted(maps.Keys(envs)) {
		ids := map[string]bool{}
		for _, sel := range envs[name] {
			matched := sel.accounts(s, ix)
			if len(matched) == 0 && sel.Line > 0 {
				r.Warnings = append(r.Warnings, fmt.Sprintf("%s:%d: environments.%s: %q matches no account of the snapshot", r.source, sel.Line, name, sel.Raw))
			}
			for _, id := range matched {
				ids[id] = true
			}
		}
		r.Environments[name] = slices.Sorted(maps.Keys(ids))
	}
	r.resolveIdentity(f, s, ix)
	for k, v := range Thresholds {
		r.Thresholds[k] = v
	}
	if f != nil {
		for id, name := range f.Vendors {
			r.Vendors[id] = name
		}
		for k, v := range f.Thresholds {
			r.Thresholds[k] = v.Value
		}
		for i := range f.Exceptions {
			e := &f.Exceptions[i]
			r.Exceptions = append(r.Exceptions, ResolvedException{Exception: e, Expired: e.ExpiredAt(s.Metadata.CollectedAt)})
		}
	}
	return r
}

func (r *Resolved) resolveIdentity(f *File, s *snapshot.Snapshot, ix *snapshot.Index) {
	if f != nil && f.IdentityAccount.Line > 0 {
		want := strings.TrimSpace(f.IdentityAccount.Value)
		if accountIDRe.MatchString(want) {
			r.IdentityAccount, r.IdentitySource = want, "configured"
			if _, ok := ix.Account(want); !ok {
				r.Warnings = append(r.Warnings, fmt.Sprintf("%s:%d: identity_account %s is not an account of the snapshot", r.source, f.IdentityAccount.Line, want))
			}
			return
		}
		named := ix.AccountsNamed(want)
		switch len(named) {
		case 1:
			r.IdentityAccount, r.IdentitySource = named[0].ID, "configured"
		case 0:
			r.Warnings = append(r.Warnings, fmt.Sprintf("%s:%d: identity_account %q names no account of the snapshot", r.source, f.IdentityAccount.Line, want))
		default:
			r.Warnings = append(r.Warnings, fmt.Sprintf("%s:%d: identity_account %q names %d accounts: use the account id", r.source, f.IdentityAccount.Line, want, len(named)))
		}
		return
	}
	var candidates []string
	for _, a := range s.Accounts {
		if a.Status == "ACTIVE" && identityNameRe.MatchString(a.Name) && !ix.IsManagementAccount(a.ID) {
			candidates = append(candidates, a.ID)
		}
	}
	if len(candidates) == 1 {
		r.IdentityAccount, r.IdentitySource = candidates[0], "inferred"
	}
}

// accounts returns the ids of the accounts the selector picks.
func (s Selector) accounts(snap *snapshot.Snapshot, ix *snapshot.Index) []string {
	var out []string
	switch s.kind {
	case "account":
		for _, a := range snap.Accounts {
			if a.ID == s.value || s.matcher != nil && s.matcher.Match(strings.ToLower(a.Name)) {
				out = append(out, a.ID)
			}
		}
	case "ou":
		if snap.Organization == nil {
			return nil
		}
		var ous []string
		for _, ou := range snap.Organization.OrganizationalUnits {
			if ou.ID == s.value || s.matcher.Match(strings.ToLower(ou.Name)) {
				ous = append(ous, ou.ID)
			}
		}
		for _, a := range snap.Accounts {
			for _, ou := range ous {
				if ix.InOU(a.ID, ou) {
					out = append(out, a.ID)
					break
				}
			}
		}
	case "tag":
		tagged := map[string]bool{}
		if snap.Organization != nil {
			for _, ou := range snap.Organization.OrganizationalUnits {
				if tagMatches(ou.Tags, s.value, s.tagVal) {
					tagged[ou.ID] = true
				}
			}
		}
		for _, a := range snap.Accounts {
			if tagMatches(a.Tags, s.value, s.tagVal) {
				out = append(out, a.ID)
				continue
			}
			for _, anc := range ix.Ancestors(a.ID) {
				if tagged[anc] {
					out = append(out, a.ID)
					break
				}
			}
		}
	}
	return out
}

func tagMatches(tags map[string]string, key, value string) bool {
	v, ok := tags[key]
	return ok && strings.EqualFold(v, value)
}

// Environments resolves the environments of f (nil for the defaults)
// against a snapshot: environment name to sorted account ids. The paths
// command uses it to answer "who can reach production?".
func Environments(f *File, s *snapshot.Snapshot) map[string][]string {
	return Resolve(f, s).Environments
}

// Data is the document rules read as data.orgaudit.config (see
// rules/lib/orgaudit.rego).
func (r *Resolved) Data() map[string]any {
	envs := map[string]any{}
	for name, ids := range r.Environments {
		list := make([]any, len(ids))
		for i, id := range ids {
			list[i] = id
		}
		envs[name] = list
	}
	vendors := map[string]any{}
	for id, name := range r.Vendors {
		vendors[id] = name
	}
	thresholds := map[string]any{}
	for k, v := range r.Thresholds {
		thresholds[k] = v
	}
	exceptions := make([]any, 0, len(r.Exceptions))
	for _, e := range r.Exceptions {
		exceptions = append(exceptions, map[string]any{
			"rule":     e.Rule,
			"resource": e.Resource,
			"reason":   e.Reason,
			"owner":    e.Owner,
			"expires":  e.Expires,
			"expired":  e.Expired,
			"source":   r.Source(e.Exception),
		})
	}
	d := map[string]any{
		"environments":    envs,
		"vendor_accounts": vendors,
		"thresholds":      thresholds,
		"exceptions":      exceptions,
	}
	if r.IdentityAccount != "" {
		d["identity_account"] = r.IdentityAccount
	}
	return d
}

// Source names where an exception of the file is written, e.g.
// ".orgaudit.yaml:12".
func (r *Resolved) Source(e *Exception) string { return fmt.Sprintf("%s:%d", r.source, e.Line) }
