package graph

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/orgaudit/orgaudit/internal/policy"
	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// TargetKind says what a target names.
type TargetKind string

// Target kinds.
const (
	TargetAccount     TargetKind = "account"
	TargetOU          TargetKind = "ou"
	TargetRole        TargetKind = "role"
	TargetEnvironment TargetKind = "environment"
)

// TargetSpec is a parsed TARGET argument, not yet resolved against a
// snapshot.
type TargetSpec struct {
	Kind TargetKind
	// Value is the account id or name, the OU id or name, the role ARN or
	// the environment name.
	Value string
}

// ParseTarget parses a TARGET: "ou:NAME-OR-ID", "env:NAME", a role ARN
// (arn:PARTITION:iam::ACCOUNT:role/...), a 12-digit account id, or an
// account name ("account:NAME" forces a name that looks like something
// else).
func ParseTarget(s string) (TargetSpec, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return TargetSpec{}, errors.New("empty target")
	}
	if prefix, rest, ok := strings.Cut(s, ":"); ok {
		switch strings.ToLower(prefix) {
		case "ou":
			return nonEmpty(TargetOU, rest, "ou:NAME-OR-ID")
		case "env":
			return nonEmpty(TargetEnvironment, rest, "env:NAME")
		case "account":
			return nonEmpty(TargetAccount, rest, "account:NAME-OR-ID")
		case "arn":
			parts := strings.SplitN(s, ":", 6)
			if len(parts) != 6 || parts[1] == "" || parts[2] != "iam" || !policy.IsAccountID(parts[4]) || !strings.HasPrefix(parts[5], "role/") || len(parts[5]) == len("role/") {
				return TargetSpec{}, fmt.Errorf("target %q: an ARN target must be a role ARN (arn:aws:iam::ACCOUNT:role/NAME)", s)
			}
			return TargetSpec{Kind: TargetRole, Value: s}, nil
		}
	}
	return TargetSpec{Kind: TargetAccount, Value: s}, nil
}

func nonEmpty(k TargetKind, v, form string) (TargetSpec, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return TargetSpec{}, fmt.Errorf("target %s:: missing value (use %s)", k, form)
	}
	return TargetSpec{Kind: k, Value: v}, nil
}

// Target is a resolved target: the accounts it covers (nil for a role) and
// the roles paths end in.
type Target struct {
	Spec TargetSpec `json:"-"`
	Kind TargetKind `json:"kind"`
	// Label names the target for people, e.g. "OU Prod (ou-abc)".
	Label string `json:"label"`
	// Accounts are the ids of the accounts inside the target, sorted;
	// empty for a role target.
	Accounts []string `json:"accounts"`
	// Role is the role ARN of a role target.
	Role string `json:"role,omitempty"`
}

// ResolveTarget resolves a TARGET against the graph's snapshot. envs maps
// environment names to account ids, as the configuration package resolves
// them (config.Environments: the configuration file, or its defaults).
func (g *Graph) ResolveTarget(spec string, envs map[string][]string) (Target, error) {
	ts, err := ParseTarget(spec)
	if err != nil {
		return Target{}, err
	}
	ix := g.ix
	t := Target{Spec: ts, Kind: ts.Kind}
	switch ts.Kind {
	case TargetAccount:
		var accts []*snapshot.Account
		if a, ok := ix.Account(ts.Value); ok {
			accts = []*snapshot.Account{a}
		} else {
			accts = ix.AccountsNamed(ts.Value)
		}
		if len(accts) == 0 {
			return Target{}, fmt.Errorf("target %q: no account with that id or name in the snapshot", spec)
		}
		labels := make([]string, len(accts))
		for i, a := range accts {
			t.Accounts = append(t.Accounts, a.ID)
			labels[i] = fmt.Sprintf("%s (%s)", a.Name, a.ID)
		}
		t.Label = "account " + strings.Join(labels, ", ")
	case TargetOU:
		ous := findOUs(ix, ts.Value)
		if len(ous) == 0 {
			return Target{}, fmt.Errorf("target %q: no organizational unit with that id or name in the snapshot", spec)
		}
		labels := make([]string, len(ous))
		for i, ou := range ous {
			labels[i] = fmt.Sprintf("%s (%s)", ou.Name, ou.ID)
		}
		t.Label = "OU " + strings.Join(labels, ", ")
		for _, a := range ix.Snapshot().Accounts {
			for _, ou := range ous {
				if ix.InOU(a.ID, ou.ID) {
					t.Accounts = append(t.Accounts, a.ID)
					break
				}
			}
		}
	case TargetRole:
		n, ok := g.Node(ts.Value)
		if !ok || n.Kind != KindRole && n.Kind != KindSSORole {
			return Target{}, fmt.Errorf("target %q: no such role in the snapshot", spec)
		}
		t.Role, t.Label = n.ID, "role "+n.ID
	case TargetEnvironment:
		ids, ok := lookupEnv(envs, ts.Value)
		if !ok || len(ids) == 0 {
			return Target{}, fmt.Errorf("target %q: environment %q has no account (define it in the configuration file: see docs/config.md)", spec, ts.Value)
		}
		t.Accounts = append(t.Accounts, ids...)
		t.Label = fmt.Sprintf("environment %s (%d %s)", ts.Value, len(ids), plural(len(ids), "account", "accounts"))
	}
	sort.Strings(t.Accounts)
	t.Accounts = dedupeSorted(t.Accounts)
	if t.Accounts == nil {
		t.Accounts = []string{}
	}
	return t, nil
}

func lookupEnv(envs map[string][]string, name string) ([]string, bool) {
	if ids, ok := envs[name]; ok {
		return ids, true
	}
	for k, ids := range envs {
		if strings.EqualFold(k, name) {
			return ids, true
		}
	}
	return nil, false
}

func dedupeSorted(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

func findOUs(ix *snapshot.Index, v string) []*snapshot.OrganizationalUnit {
	if ou, ok := ix.OU(v); ok {
		return []*snapshot.OrganizationalUnit{ou}
	}
	o := ix.Snapshot().Organization
	if o == nil {
		return nil
	}
	var out []*snapshot.OrganizationalUnit
	for i := range o.OrganizationalUnits {
		if strings.EqualFold(o.OrganizationalUnits[i].Name, v) {
			out = append(out, &o.OrganizationalUnits[i])
		}
	}
	return out
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
