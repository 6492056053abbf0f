package profiles

import (
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"

	"github.com/orgaudit/orgaudit/internal/graph"
	"github.com/orgaudit/orgaudit/internal/snapshot"
	"github.com/orgaudit/orgaudit/internal/suggest"
)

// GenerateOptions say whose profiles to write and how to name them.
type GenerateOptions struct {
	// Principal is the ARN of the IAM user or role whose credentials the
	// source profile holds.
	Principal string
	// SourceProfile is the profile holding those credentials.
	SourceProfile string
	// Prefix starts every profile name (e.g. "demo-").
	Prefix string
	// Region, when set, is written into every profile.
	Region string
	// MaxHops bounds the role chains followed (graph.DefaultMaxHops when 0).
	MaxHops int
}

// Generated is one role profile.
type Generated struct {
	Name            string
	RoleARN         string
	AccountID       string
	AccountName     string
	SourceProfile   string
	MFASerial       string
	RoleSessionName string
	Region          string
	// Hops is the length of the path the profile chain follows; MFA says
	// every path into the role needs MFA.
	Hops int
	MFA  bool
	// Notes are written as comments.
	Notes []string
}

// Reach is one role a principal can reach: the same answers as
// `orgaudit paths --to ROLE --from PRINCIPAL`.
type Reach struct {
	Role string
	// Hops is the length of the shortest path.
	Hops int
	// MFARequired is set when every path needs MFA.
	MFARequired bool
	// Path is the chain of roles the profile follows, principal excluded,
	// ending with Role: a shortest path without MFA where there is one,
	// else a shortest path.
	Path []string
}

// Reachable returns every IAM role the principal can reach within maxHops
// by role assumption (sts:AssumeRole, what a role profile does), sorted by
// role ARN. It walks the graph forward from the principal twice (every
// assume edge, then only those usable without MFA), which gives the
// answer of a paths --edges assume query per role in one pass. Roles
// reachable only by privilege escalation get no profile: no profile can
// take that way.
func Reachable(g *graph.Graph, principal string, maxHops int) ([]Reach, error) {
	if _, ok := g.Node(principal); !ok {
		return nil, fmt.Errorf("principal %s is not in the snapshot's access graph", principal)
	}
	if maxHops <= 0 {
		maxHops = graph.DefaultMaxHops
	}
	all := forward(g, principal, maxHops, false)
	noMFA := forward(g, principal, maxHops, true)
	var out []Reach
	for id, st := range all {
		n, _ := g.Node(id)
		if id == principal || n.Kind != graph.KindRole {
			continue
		}
		r := Reach{Role: id, Hops: st.dist}
		tree := all
		if _, ok := noMFA[id]; ok {
			tree = noMFA
		} else {
			r.MFARequired = true
		}
		for cur := id; cur != principal; cur = tree[cur].parent {
			r.Path = append(r.Path, cur)
		}
		slices.Reverse(r.Path)
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b Reach) int { return strings.Compare(a.Role, b.Role) })
	return out, nil
}

type visit struct {
	dist   int
	parent string
}

// forward is a breadth-first walk from the principal; parents are the
// first (lowest id) node at the previous distance, as OutEdges sorts by
// target.
func forward(g *graph.Graph, from string, maxHops int, noMFA bool) map[string]visit {
	seen := map[string]visit{from: {}}
	level := []string{from}
	for d := 1; d <= maxHops && len(level) > 0; d++ {
		var next []string
		for _, id := range level {
			for _, e := range g.OutEdges(id) {
				if e.Kind != graph.EdgeAssumeRole || noMFA && e.MFA {
					continue
				}
				if _, ok := seen[e.To]; ok {
					continue
				}
				seen[e.To] = visit{dist: d, parent: id}
				next = append(next, e.To)
			}
		}
		slices.Sort(next)
		level = next
	}
	return seen
}

// Generate returns the role profiles of every role the principal can
// reach, sorted by name. A role reached in one hop is sourced from
// opts.SourceProfile, with mfa_serial when every path into it needs MFA;
// a role further away is sourced from the profile of the role before it on
// its path (role chaining), where MFA is given by the chain's first
// profile.
func Generate(g *graph.Graph, opts GenerateOptions) ([]Generated, error) {
	n, ok := g.Node(opts.Principal)
	if !ok {
		var principals []string
		for _, n := range g.Nodes() {
			if n.Kind == graph.KindUser || n.Kind == graph.KindRole {
				principals = append(principals, n.ID)
			}
		}
		return nil, fmt.Errorf("principal %s is not in the snapshot's access graph%s", opts.Principal, suggest.Hint(opts.Principal, principals))
	}
	if n.Kind != graph.KindUser && n.Kind != graph.KindRole {
		return nil, fmt.Errorf("principal %s is a %s: profiles are written for IAM users and roles", opts.Principal, n.Kind)
	}
	reach, err := Reachable(g, opts.Principal, opts.MaxHops)
	if err != nil {
		return nil, err
	}
	ix := g.Index()
	serial, serialNote := mfaSerial(ix.Snapshot(), n)
	names := profileNames(ix, reach, opts.Prefix)
	mfaFirst := map[string]bool{}
	for _, r := range reach {
		mfaFirst[r.Role] = r.MFARequired && len(r.Path) == 1
	}
	out := make([]Generated, 0, len(reach))
	for _, r := range reach {
		role, _ := g.Node(r.Role)
		p := Generated{
			Name: names[r.Role], RoleARN: r.Role, AccountID: role.AccountID, Hops: r.Hops, MFA: r.MFARequired,
			SourceProfile: opts.SourceProfile, RoleSessionName: sessionName(n.Name), Region: opts.Region,
		}
		if a, ok := ix.Account(role.AccountID); ok {
			p.AccountName = a.Name
		}
		switch {
		case len(r.Path) > 1:
			// Role chaining: the source is the previous role's profile;
			// MFA can only be given by the first profile of the chain.
			p.SourceProfile = names[r.Path[len(r.Path)-2]]
			first := r.Path[0]
			if r.MFARequired && mfaFirst[first] {
				p.Notes = append(p.Notes, "MFA is asked when profile "+names[first]+" starts the chain")
			} else if r.MFARequired {
				p.Notes = append(p.Notes, "every path needs MFA after the first hop, which a role session cannot give: this profile may be denied")
			}
		case r.MFARequired:
			p.MFASerial = serial
			if serialNote != "" {
				p.Notes = append(p.Notes, serialNote)
			}
		}
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b Generated) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// profileNames names each role's profile <prefix><account-name>-<role-name>,
// adding the account id where two roles would get the same name.
func profileNames(ix *snapshot.Index, reach []Reach, prefix string) map[string]string {
	base := map[string]string{}
	count := map[string]int{}
	for _, r := range reach {
		acct, name, _ := roleARNParts(r.Role)
		label := acct
		if a, ok := ix.Account(acct); ok && a.Name != "" {
			label = a.Name
		}
		b := prefix + strings.Trim(unsafeName.ReplaceAllString(label, "-"), "-") + "-" + unsafeName.ReplaceAllString(name, "-")
		base[r.Role] = b
		count[b]++
	}
	out := map[string]string{}
	for _, r := range reach {
		name := base[r.Role]
		if count[name] > 1 {
			acct, _, _ := roleARNParts(r.Role)
			name += "-" + acct
		}
		out[r.Role] = name
	}
	return out
}

var sessionUnsafe = regexp.MustCompile(`[^\w+=,.@-]+`)

// sessionName makes a valid role session name (2 to 64 characters of
// [\w+=,.@-]) from the principal's name.
func sessionName(name string) string {
	s := sessionUnsafe.ReplaceAllString(name, "-")
	if len(s) > 64 {
		s = s[:64]
	}
	for len(s) < 2 {
		s += "-"
	}
	return s
}

// mfaSerial returns the MFA device the principal's profiles name: the
// user's first device by serial, or the conventional virtual device ARN
// with a note when the snapshot knows none.
func mfaSerial(s *snapshot.Snapshot, n graph.Node) (string, string) {
	if n.Kind != graph.KindUser {
		return "", "the principal is a role: MFA cannot be added to its sessions, every path into this role needs it"
	}
	if u := findUser(s, n.ID); u != nil && len(u.MFADevices) > 0 {
		serials := make([]string, 0, len(u.MFADevices))
		for _, d := range u.MFADevices {
			serials = append(serials, d.SerialNumber)
		}
		slices.Sort(serials)
		return serials[0], ""
	}
	return fmt.Sprintf("arn:aws:iam::%s:mfa/%s", n.AccountID, n.Name), "the snapshot lists no MFA device of " + n.ID + ": check mfa_serial"
}

// WriteINI writes the profiles as config-file blocks, with a header
// naming where they come from.
func WriteINI(w io.Writer, header []string, profiles []Generated) error {
	var b strings.Builder
	for _, h := range header {
		b.WriteString("# " + h + "\n")
	}
	for _, p := range profiles {
		b.WriteString("\n")
		where := p.AccountID
		if p.AccountName != "" {
			where = p.AccountName + " (" + p.AccountID + ")"
		}
		mfa := "MFA not required on every path"
		if p.MFA {
			mfa = "MFA required on every path"
		}
		fmt.Fprintf(&b, "# %s in %s: %d %s, %s\n", p.RoleARN, where, p.Hops, plural(p.Hops, "hop", "hops"), mfa)
		for _, n := range p.Notes {
			b.WriteString("# " + n + "\n")
		}
		fmt.Fprintf(&b, "[profile %s]\n", p.Name)
		fmt.Fprintf(&b, "role_arn = %s\n", p.RoleARN)
		fmt.Fprintf(&b, "source_profile = %s\n", p.SourceProfile)
		if p.MFASerial != "" {
			fmt.Fprintf(&b, "mfa_serial = %s\n", p.MFASerial)
		}
		fmt.Fprintf(&b, "role_session_name = %s\n", p.RoleSessionName)
		if p.Region != "" {
			fmt.Fprintf(&b, "region = %s\n", p.Region)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
