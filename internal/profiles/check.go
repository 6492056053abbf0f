package profiles

import (
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/orgaudit/orgaudit/internal/engine"
	"github.com/orgaudit/orgaudit/internal/graph"
	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// CheckOptions give the checks that compare profiles with an organization
// what they need.
type CheckOptions struct {
	// Graph is the access graph of a snapshot; nil runs only the checks
	// that read the files alone.
	Graph *graph.Graph
	// SourceUsers maps a source profile to the ARN of the IAM user whose
	// keys it holds. Where a source profile is not listed, its user is
	// inferred from the mfa_serial of the role profiles that use it.
	SourceUsers map[string]string
	// Disabled lists rule ids that do not run (--rule, --skip-rule): they
	// report neither findings nor checks not evaluated, and are not listed
	// among the rules.
	Disabled []string
}

// Check audits the profiles and returns the result in the shape of a rule
// evaluation, so that every report format renders it.
func Check(f *Files, opts CheckOptions) *engine.Result {
	var rules []engine.Rule
	for _, r := range Rules(opts.Graph != nil) {
		if !slices.Contains(opts.Disabled, r.ID) {
			rules = append(rules, r)
		}
	}
	c := &checker{f: f, opts: opts, res: &engine.Result{Rules: rules, Findings: []engine.Finding{}, NotEvaluated: []engine.NotEvaluated{}}}
	c.sev = map[string]engine.Severity{}
	for _, r := range c.res.Rules {
		c.sev[r.ID] = r.Severity
	}
	c.files()
	sources := map[string]bool{}
	for _, p := range f.Profiles {
		if p.SourceProfile != "" {
			sources[p.SourceProfile] = true
		}
	}
	for i := range f.Profiles {
		p := &f.Profiles[i]
		c.keys(p, sources)
		if p.RoleARN == "" && p.SourceProfile == "" {
			continue
		}
		if p.SourceProfile != "" {
			if !c.chain(p) {
				continue
			}
		}
		if opts.Graph != nil && p.RoleARN != "" {
			c.role(p)
		}
	}
	for i := range c.res.Findings {
		f := &c.res.Findings[i]
		f.Fingerprint = engine.Fingerprint(f.RuleID, f.AccountID, f.Resource, f.Key)
	}
	engine.SortFindings(c.res.Findings)
	slices.SortFunc(c.res.NotEvaluated, func(a, b engine.NotEvaluated) int {
		return strings.Compare(a.RuleID+"\x00"+a.AccountID+"\x00"+a.Reason, b.RuleID+"\x00"+b.AccountID+"\x00"+b.Reason)
	})
	return c.res
}

type checker struct {
	f    *Files
	opts CheckOptions
	res  *engine.Result
	sev  map[string]engine.Severity
}

func (c *checker) add(rule, account, resource, msg string, evidence map[string]any) {
	if _, enabled := c.sev[rule]; !enabled {
		return
	}
	c.res.Findings = append(c.res.Findings, engine.Finding{
		RuleID: rule, Severity: c.sev[rule], AccountID: account, Resource: resource, Message: msg, Evidence: evidence,
	})
}

func (c *checker) notEvaluated(rule, account, section, reason string) {
	if _, enabled := c.sev[rule]; !enabled {
		return
	}
	c.res.NotEvaluated = append(c.res.NotEvaluated, engine.NotEvaluated{RuleID: rule, AccountID: account, Section: section, Reason: reason})
}

// profileResource names a profile as a finding's resource.
func profileResource(p *Profile) string { return "profile:" + p.Name }

// files checks the permissions of the files that hold keys.
func (c *checker) files() {
	holds := map[string]bool{}
	for _, p := range c.f.Profiles {
		if p.Keys != nil {
			holds[p.Keys.File] = true
		}
	}
	check := func(path string, mode fs.FileMode, what string) {
		if mode == 0 || mode&0o044 == 0 {
			return
		}
		who := "its group"
		if mode&0o004 != 0 {
			who = "every user"
		}
		c.add(RuleFileReadable, "", path, fmt.Sprintf("The %s %s holds access keys and is readable by %s (mode %04o)", what, path, who, mode),
			map[string]any{"file": path, "mode": fmt.Sprintf("%04o", mode)})
	}
	if holds[c.f.CredentialsPath] {
		check(c.f.CredentialsPath, c.f.CredentialsMode, "credentials file")
	}
	if holds[c.f.ConfigPath] {
		check(c.f.ConfigPath, c.f.ConfigMode, "config file")
	}
}

// keys checks where long-term keys are kept.
func (c *checker) keys(p *Profile, sources map[string]bool) {
	k := p.Keys
	if k == nil || !k.LongTerm {
		return
	}
	ev := map[string]any{"profile": p.Name, "file": k.File, "access_key_id": k.MaskedID}
	switch {
	case p.Name == DefaultProfile:
		c.add(RuleDefaultKeys, "", profileResource(p), fmt.Sprintf("The default profile holds long-term access key %s (%s): commands without --profile use it", k.MaskedID, k.File), ev)
	case !sources[p.Name]:
		c.add(RuleKeysOutsideSrc, "", profileResource(p), fmt.Sprintf("Profile %s holds long-term access key %s (%s) but no profile uses it as source_profile", p.Name, k.MaskedID, k.File), ev)
	}
}

// chain follows source_profile from p as the SDK does and reports a
// missing profile or a cycle; it returns whether the chain resolves.
func (c *checker) chain(p *Profile) bool {
	seen := []string{p.Name}
	cur := p
	for cur.SourceProfile != "" {
		next, ok := c.f.Profile(cur.SourceProfile)
		if !ok {
			c.add(RuleSourceMissing, "", profileResource(p), fmt.Sprintf("Profile %s: source_profile %s (of profile %s) is not defined in %s or %s", p.Name, cur.SourceProfile, cur.Name, c.f.ConfigPath, c.f.CredentialsPath),
				map[string]any{"profile": p.Name, "source_profile": cur.SourceProfile, "chain": slices.Clone(seen)})
			return false
		}
		if slices.Contains(seen, next.Name) {
			// A profile that names itself (or a profile already on the
			// chain) is fine when it holds keys: the SDK uses them.
			if next.Keys != nil {
				return true
			}
			c.add(RuleSourceCycle, "", profileResource(p), fmt.Sprintf("Profile %s: source_profile chain %s → %s comes back without reaching credentials", p.Name, strings.Join(seen, " → "), next.Name),
				map[string]any{"profile": p.Name, "chain": append(slices.Clone(seen), next.Name)})
			return false
		}
		seen = append(seen, next.Name)
		if next.RoleARN == "" && next.Keys == nil && !next.SSO && !next.Process && next.CredentialSource == "" && next.SourceProfile == "" {
			c.add(RuleSourceMissing, "", profileResource(p), fmt.Sprintf("Profile %s: source profile %s holds no credentials (no keys, SSO, credential_process or role)", p.Name, next.Name),
				map[string]any{"profile": p.Name, "source_profile": next.Name, "chain": slices.Clone(seen)})
			return false
		}
		if next.RoleARN == "" || next.Keys != nil && next.SourceProfile == "" {
			return true
		}
		cur = next
	}
	return true
}

// role checks a role profile against the snapshot and its access graph.
func (c *checker) role(p *Profile) {
	g := c.opts.Graph
	ix := g.Index()
	res := profileResource(p)
	acct, name, ok := roleARNParts(p.RoleARN)
	ev := map[string]any{"profile": p.Name, "role_arn": p.RoleARN}
	if !ok {
		c.add(RuleRoleMissing, "", res, fmt.Sprintf("Profile %s: role_arn %q is not an IAM role ARN", p.Name, p.RoleARN), ev)
		return
	}
	a, inSnap := ix.Account(acct)
	switch {
	case !inSnap:
		for _, id := range []string{RuleRoleMissing, RuleMFASerialMissing, RuleMFADeviceUnknown, RuleCannotAssume} {
			c.notEvaluated(id, acct, "account", fmt.Sprintf("profile %s: account %s of role_arn is not in the snapshot", p.Name, acct))
		}
		return
	case a.IAM == nil || ix.HasGap(acct, snapshot.SectionAccount) || ix.HasGap(acct, snapshot.SectionAuthDetails):
		for _, id := range []string{RuleRoleMissing, RuleMFASerialMissing, RuleMFADeviceUnknown, RuleCannotAssume} {
			c.notEvaluated(id, acct, snapshot.SectionAuthDetails, fmt.Sprintf("profile %s: the roles of account %s could not be read", p.Name, ix.AccountLabel(acct)))
		}
		return
	}
	var role *snapshot.Role
	for i := range a.IAM.Roles {
		if r := &a.IAM.Roles[i]; r.ARN == p.RoleARN || r.Name == name {
			role = r
			break
		}
	}
	if role == nil {
		c.add(RuleRoleMissing, acct, res, fmt.Sprintf("Profile %s: role %s does not exist in %s", p.Name, name, ix.AccountLabel(acct)), ev)
		return
	}
	ev["role"] = role.ARN

	principal, how := c.principal(p)
	if how != "" {
		ev["source_principal"] = principal
		ev["source_principal_from"] = how
	}
	into := edgesInto(g, role.ARN)
	var mine []graph.Edge
	known := principal != ""
	if known {
		if _, ok := g.Node(principal); !ok {
			known = false
		}
	}
	if known {
		for _, e := range g.OutEdges(principal) {
			if e.To == role.ARN && e.Kind == graph.EdgeAssumeRole {
				mine = append(mine, e)
			}
		}
	}
	switch {
	case known && len(mine) == 0:
		c.add(RuleCannotAssume, acct, res, fmt.Sprintf("Profile %s: %s cannot assume %s according to the access graph", p.Name, principal, role.ARN), ev)
		return
	case !known && len(into) == 0:
		c.add(RuleCannotAssume, acct, res, fmt.Sprintf("Profile %s: no principal can assume %s according to the access graph", p.Name, role.ARN), ev)
		return
	case !known:
		c.notEvaluated(RuleCannotAssume, acct, "profiles.source_user", fmt.Sprintf("profile %s: the user behind source profile %s is unknown (pass --source-user %s=USER-ARN, or set mfa_serial)", p.Name, p.SourceProfile, orDefault(p.SourceProfile)))
	}

	// MFA: the principal's own edges, or (principal unknown) every edge
	// into the role.
	edges := mine
	if !known {
		edges = into
	}
	if p.MFASerial == "" {
		if allMFA(edges) {
			c.add(RuleMFASerialMissing, acct, res, fmt.Sprintf("Profile %s has no mfa_serial, but %s can only be assumed with MFA", p.Name, role.ARN), ev)
		} else if !known {
			c.notEvaluated(RuleMFASerialMissing, acct, "profiles.source_user", fmt.Sprintf("profile %s: the role admits some principals without MFA, and the user behind source profile %s is unknown", p.Name, orDefault(p.SourceProfile)))
		}
	}
	if p.MFASerial != "" {
		c.device(p, principal, how, acct, res, ev)
	}
}

// device checks that mfa_serial is a device of the source user.
func (c *checker) device(p *Profile, principal, how, acct, res string, ev map[string]any) {
	ix := c.opts.Graph.Index()
	if principal == "" || !strings.Contains(principal, ":user/") {
		c.notEvaluated(RuleMFADeviceUnknown, acct, "profiles.source_user", fmt.Sprintf("profile %s: the IAM user behind source profile %s is unknown", p.Name, orDefault(p.SourceProfile)))
		return
	}
	if how == "mfa_serial of profile "+p.Name {
		return // the user was found through this very device
	}
	uacct, _, _ := strings.Cut(strings.TrimPrefix(principal, "arn:aws:iam::"), ":")
	if ix.HasGap(uacct, snapshot.SectionMFADevices) || ix.HasGap(uacct, snapshot.SectionAuthDetails) || ix.HasGap(uacct, snapshot.SectionAccount) {
		c.notEvaluated(RuleMFADeviceUnknown, uacct, snapshot.SectionMFADevices, fmt.Sprintf("profile %s: the MFA devices of %s could not be read", p.Name, principal))
		return
	}
	user := findUser(ix.Snapshot(), principal)
	if user == nil {
		c.notEvaluated(RuleMFADeviceUnknown, uacct, "profiles.source_user", fmt.Sprintf("profile %s: source user %s is not in the snapshot", p.Name, principal))
		return
	}
	for _, d := range user.MFADevices {
		if d.SerialNumber == p.MFASerial {
			return
		}
	}
	ev["mfa_serial"] = p.MFASerial
	c.add(RuleMFADeviceUnknown, acct, res, fmt.Sprintf("Profile %s: mfa_serial %s is not an MFA device of %s", p.Name, p.MFASerial, principal), ev)
}

func orDefault(s string) string {
	if s == "" {
		return DefaultProfile
	}
	return s
}

// principal returns the principal that calls AssumeRole for profile p and
// how it is known: the role of a chained source profile, the user named
// by --source-user, or the user owning the mfa_serial of a profile with
// the same source.
func (c *checker) principal(p *Profile) (string, string) {
	if p.SourceProfile == "" {
		return "", "" // credential_source: the environment's credentials
	}
	src, ok := c.f.Profile(p.SourceProfile)
	if !ok {
		return "", ""
	}
	if src.RoleARN != "" && src.Name != p.Name {
		return src.RoleARN, "role_arn of profile " + src.Name
	}
	if arn, ok := c.opts.SourceUsers[src.Name]; ok {
		return arn, "--source-user"
	}
	if src.Keys == nil {
		return "", ""
	}
	s := c.opts.Graph.Index().Snapshot()
	// The profile's own mfa_serial first, then the other profiles of the
	// same source, by name.
	cands := []*Profile{p}
	for i := range c.f.Profiles {
		q := &c.f.Profiles[i]
		if q.SourceProfile == src.Name && q.Name != p.Name {
			cands = append(cands, q)
		}
	}
	for _, q := range cands {
		if q.MFASerial == "" {
			continue
		}
		if u := deviceOwner(s, q.MFASerial); u != "" {
			return u, "mfa_serial of profile " + q.Name
		}
	}
	return "", ""
}

// deviceOwner returns the ARN of the user that has the MFA device.
func deviceOwner(s *snapshot.Snapshot, serial string) string {
	for _, a := range s.Accounts {
		if a.IAM == nil {
			continue
		}
		for _, u := range a.IAM.Users {
			for _, d := range u.MFADevices {
				if d.SerialNumber == serial {
					return u.ARN
				}
			}
		}
		for _, v := range a.IAM.VirtualMFA {
			if v.SerialNumber == serial && v.UserARN != "" {
				return v.UserARN
			}
		}
	}
	return ""
}

func findUser(s *snapshot.Snapshot, arn string) *snapshot.User {
	for _, a := range s.Accounts {
		if a.IAM == nil {
			continue
		}
		for i := range a.IAM.Users {
			if a.IAM.Users[i].ARN == arn {
				return &a.IAM.Users[i]
			}
		}
	}
	return nil
}

// edgesInto returns the sts:AssumeRole edges into a role, class edges
// included.
func edgesInto(g *graph.Graph, role string) []graph.Edge {
	var out []graph.Edge
	for _, e := range g.Edges() {
		if e.To == role && e.Kind == graph.EdgeAssumeRole {
			out = append(out, e)
		}
	}
	for _, ce := range g.ClassEdges() {
		if ce.To == role && ce.Kind == graph.EdgeAssumeRole {
			out = append(out, graph.Edge{To: ce.To, Kind: ce.Kind, Conditions: ce.Conditions, MFA: ce.MFA})
		}
	}
	return out
}

func allMFA(edges []graph.Edge) bool {
	if len(edges) == 0 {
		return false
	}
	for _, e := range edges {
		if !e.MFA {
			return false
		}
	}
	return true
}

// roleARNParts splits arn:aws:iam::ACCOUNT:role/PATH/NAME.
func roleARNParts(arn string) (account, name string, ok bool) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "iam" || !strings.HasPrefix(parts[5], "role/") {
		return "", "", false
	}
	if len(parts[4]) != 12 || strings.Trim(parts[4], "0123456789") != "" {
		return "", "", false
	}
	res := parts[5]
	return parts[4], res[strings.LastIndexByte(res, '/')+1:], true
}
