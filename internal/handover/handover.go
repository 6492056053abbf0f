// Package handover lists everything that still ties an account to the
// organization that manages it, before the account is handed to its owner:
// who outside the account can reach it (with paths), roles that trust other
// accounts, IAM users and access keys, Identity Center assignments, the
// organization membership and the guardrails (SCPs) it will lose, root
// credentials, and whether its root email is on the manager's domain.
package handover

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/orgaudit/orgaudit/internal/graph"
	"github.com/orgaudit/orgaudit/internal/policy"
	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// Status of a checklist item.
type Status string

// Statuses.
const (
	// Open items must be done before the handover.
	Open Status = "open"
	// Done items need nothing.
	Done Status = "done"
	// Unknown items cannot be decided from the snapshot (a gap): they count
	// as open.
	Unknown Status = "unknown"
	// Note items are facts to tell the new owner; they do not block.
	Note Status = "note"
)

// Item is one line of the checklist.
type Item struct {
	Section  string `json:"section"`
	Status   Status `json:"status"`
	Title    string `json:"title"`
	Resource string `json:"resource,omitempty"`
	// Details are further lines: paths, principals, keys, commands.
	Details []string `json:"details,omitempty"`
}

// Sections, in checklist order.
const (
	SectionAccess         = "Access from outside the account"
	SectionTrust          = "Roles that trust other accounts"
	SectionUsers          = "IAM users and access keys"
	SectionIdentityCenter = "IAM Identity Center"
	SectionOrganization   = "Organization membership"
	SectionRoot           = "Root user"
)

var sectionOrder = []string{SectionAccess, SectionTrust, SectionUsers, SectionIdentityCenter, SectionOrganization, SectionRoot}

// Options tune a checklist.
type Options struct {
	// OurDomains are the email domains of the managing organization; a
	// root email on one of them must change. Empty means the domain of the
	// management account's email.
	OurDomains []string
	// MaxHops bounds the paths searched (graph.DefaultMaxHops when zero).
	MaxHops int
}

// Checklist is the handover checklist of one account.
type Checklist struct {
	AccountID   string `json:"account_id"`
	AccountName string `json:"account_name"`
	Email       string `json:"email,omitempty"`
	// OurDomains are the domains a root email must not be on.
	OurDomains []string `json:"our_domains"`
	Items      []Item   `json:"items"`
	// Open counts open and unknown items: the handover can proceed when it
	// is zero.
	Open int `json:"open"`
}

// Build makes the checklist of the account with the given id.
func Build(s *snapshot.Snapshot, g *graph.Graph, accountID string, opts Options) (*Checklist, error) {
	ix := snapshot.NewIndex(s)
	acct, ok := ix.Account(accountID)
	if !ok {
		var err error
		if named := ix.AccountsNamed(accountID); len(named) == 1 {
			acct = named[0]
		} else {
			err = fmt.Errorf("account %q is not in the snapshot", accountID)
		}
		if err != nil {
			return nil, err
		}
	}
	c := &Checklist{AccountID: acct.ID, AccountName: acct.Name, Email: acct.Email, OurDomains: opts.OurDomains}
	if len(c.OurDomains) == 0 && s.Organization != nil && s.Organization.ManagementAccountEmail != "" {
		c.OurDomains = []string{emailDomain(s.Organization.ManagementAccountEmail)}
	}
	b := &builder{s: s, ix: ix, acct: acct, c: c}
	if err := b.access(g, opts.MaxHops); err != nil {
		return nil, err
	}
	b.trusts()
	b.users()
	b.identityCenter()
	b.organization()
	b.root()
	sort.SliceStable(c.Items, func(i, j int) bool {
		return slices.Index(sectionOrder, c.Items[i].Section) < slices.Index(sectionOrder, c.Items[j].Section)
	})
	for _, it := range c.Items {
		if it.Status == Open || it.Status == Unknown {
			c.Open++
		}
	}
	return c, nil
}

type builder struct {
	s    *snapshot.Snapshot
	ix   *snapshot.Index
	acct *snapshot.Account
	c    *Checklist
}

func (b *builder) add(it Item) { b.c.Items = append(b.c.Items, it) }

// gap returns an Unknown item when the account's data of the section is
// missing, so that missing data never reads as "nothing left".
func (b *builder) gap(section, what, snapSection string) bool {
	if b.acct.IAM != nil && !b.ix.HasGap(b.acct.ID, snapSection) {
		return false
	}
	reason := "the account's IAM data is missing from the snapshot"
	for _, g := range b.ix.Gaps(b.acct.ID) {
		if g.Section == snapSection || g.Section == snapshot.SectionAccount {
			reason = fmt.Sprintf("%s failed (%s): %s", g.Operation, g.ErrorCode, g.Message)
			break
		}
	}
	b.add(Item{Section: section, Status: Unknown, Title: "Cannot check " + what, Details: []string{reason}})
	return true
}

// access lists every principal outside the account that can reach it.
func (b *builder) access(g *graph.Graph, maxHops int) error {
	if b.gap(SectionAccess, "who can reach the account", snapshot.SectionAuthDetails) {
		return nil
	}
	target, err := g.ResolveTarget(b.acct.ID, nil)
	if err != nil {
		return fmt.Errorf("resolve account %s: %w", b.acct.ID, err)
	}
	res, err := g.Paths(target, graph.Options{MaxHops: maxHops})
	if err != nil {
		return fmt.Errorf("paths into %s: %w", b.acct.ID, err)
	}
	n := 0
	for _, src := range res.Sources {
		if src.Node.AccountID == b.acct.ID {
			continue
		}
		n++
		mfa := "MFA required on every path"
		path := "path: " + pathString(g, src.Path)
		if !src.MFARequired {
			mfa = "reachable without MFA"
			path = "path without MFA: " + pathString(g, src.PathWithoutMFA)
		}
		details := []string{fmt.Sprintf("%d path(s), shortest in %d hop(s), %s", src.Paths, src.Hops, mfa), path}
		details = append(details, incompleteNote(src)...)
		b.add(Item{Section: SectionAccess, Status: Open, Title: fmt.Sprintf("%s can reach the account", b.who(g, &src.Node)), Resource: src.Node.ID, Details: details})
	}
	for _, src := range res.Latent {
		if src.Node.AccountID == b.acct.ID {
			continue
		}
		n++
		details := []string{
			fmt.Sprintf("it has no MFA device, and its way in needs MFA: %d path(s), shortest in %d hop(s), once it registers one", src.Paths, src.Hops),
			"path once it has a device: " + pathString(g, src.Path),
		}
		details = append(details, incompleteNote(src)...)
		b.add(Item{Section: SectionAccess, Status: Open, Title: fmt.Sprintf("%s could reach the account once it registers an MFA device", b.who(g, &src.Node)), Resource: src.Node.ID, Details: details})
	}
	if n == 0 {
		b.add(Item{Section: SectionAccess, Status: Done, Title: "No principal outside the account can reach it"})
	}
	return nil
}

// who names a source for the checklist: Identity Center users and groups
// by user and display name, other principals by id, with their account.
func (b *builder) who(g *graph.Graph, n *graph.Node) string {
	who := nodeName(g, n.ID)
	if n.AccountID != "" {
		who += " [" + b.ix.AccountLabel(n.AccountID) + "]"
	}
	return who
}

// nodeName names a node of a path: an Identity Center user or group by
// its user or display name (with its id when the name is unknown),
// anything else by its id.
func nodeName(g *graph.Graph, id string) string {
	n, ok := g.Node(id)
	if !ok {
		return id
	}
	switch n.Kind {
	case graph.KindICUser:
		return "Identity Center user " + icName(n)
	case graph.KindICGroup:
		return "Identity Center group " + icName(n)
	}
	return id
}

func icName(n graph.Node) string {
	_, id, _ := strings.Cut(n.ID, "/")
	if n.Name == "" || n.Name == id {
		return id
	}
	return n.Name
}

// incompleteNote says when a source's path rests on data the snapshot
// could not read in full.
func incompleteNote(src graph.Source) []string {
	for _, h := range src.Path {
		if h.Incomplete {
			return []string{"this path rests on data the snapshot could not read in full (see metadata.gaps): check it by hand"}
		}
	}
	return nil
}

func pathString(g *graph.Graph, hops []graph.Hop) string {
	if len(hops) == 0 {
		return ""
	}
	parts := []string{nodeName(g, hops[0].From)}
	for _, h := range hops {
		step := nodeName(g, h.To)
		if h.MFA {
			step += " (MFA)"
		}
		parts = append(parts, step)
	}
	return strings.Join(parts, " → ")
}

// trusts lists roles of the account whose trust policy names principals of
// other accounts or any principal.
func (b *builder) trusts() {
	if b.gap(SectionTrust, "trust policies", snapshot.SectionAuthDetails) {
		return
	}
	n := 0
	for _, r := range b.acct.IAM.Roles {
		if strings.HasPrefix(r.Path, "/aws-service-role/") || strings.HasPrefix(r.Name, "AWSReservedSSO_") {
			continue
		}
		others := foreignPrincipals(r.TrustPolicy, b.acct.ID)
		if len(others) == 0 {
			continue
		}
		n++
		var details []string
		for _, p := range others {
			acct := accountOf(p)
			switch {
			case p == "*":
				details = append(details, "trusts any AWS principal (*)")
			case acct != "":
				details = append(details, fmt.Sprintf("trusts %s [%s]", p, b.ix.AccountLabel(acct)))
			default:
				details = append(details, "trusts "+p)
			}
		}
		details = append(details, fmt.Sprintf("fix: aws iam update-assume-role-policy --role-name %s --policy-document file://trust.json (or aws iam delete-role --role-name %s)", r.Name, r.Name))
		b.add(Item{Section: SectionTrust, Status: Open, Title: fmt.Sprintf("Role %s trusts principals outside the account", r.Name), Resource: r.ARN, Details: details})
	}
	if n == 0 {
		b.add(Item{Section: SectionTrust, Status: Done, Title: "No role trusts principals outside the account"})
	}
}

// users lists the IAM users of the account and their active keys.
func (b *builder) users() {
	if b.gap(SectionUsers, "IAM users", snapshot.SectionAuthDetails) {
		return
	}
	rows := map[string]snapshot.CredentialReportRow{}
	if cr := b.acct.IAM.CredentialReport; cr != nil {
		for _, r := range cr.Rows {
			rows[r.User] = r
		}
	}
	for _, u := range b.acct.IAM.Users {
		var details []string
		if row, ok := rows[u.Name]; ok {
			if row.PasswordEnabled {
				details = append(details, "console password set")
			}
			for _, k := range row.AccessKeys {
				if k.Active {
					d := fmt.Sprintf("active access key %d", k.Slot)
					if k.LastUsed != nil {
						d += ", last used " + k.LastUsed.Format("2006-01-02")
					}
					details = append(details, d)
				}
			}
		} else {
			details = append(details, "credentials unknown (no credential report row)")
		}
		if len(u.Groups) > 0 {
			details = append(details, "groups: "+strings.Join(u.Groups, ", "))
		}
		var tags []string
		for k, v := range u.Tags {
			tags = append(tags, fmt.Sprintf("tag %s=%s", k, v))
		}
		sort.Strings(tags)
		details = append(details, tags...)
		details = append(details, fmt.Sprintf("fix: hand the user over to the new owner, or delete it (aws iam delete-access-key, aws iam delete-login-profile, aws iam delete-user --user-name %s)", u.Name))
		b.add(Item{Section: SectionUsers, Status: Open, Title: fmt.Sprintf("IAM user %s exists", u.Name), Resource: u.ARN, Details: details})
	}
	if len(b.acct.IAM.Users) == 0 {
		b.add(Item{Section: SectionUsers, Status: Done, Title: "No IAM users"})
	}
}

// identityCenter lists the Identity Center assignments into the account.
func (b *builder) identityCenter() {
	ic := b.s.Identity
	if ic == nil {
		for _, g := range b.ix.Gaps("") {
			if g.Section == snapshot.SectionIdentityCenter {
				b.add(Item{Section: SectionIdentityCenter, Status: Unknown, Title: "Cannot check Identity Center assignments", Details: []string{fmt.Sprintf("%s failed (%s): %s", g.Operation, g.ErrorCode, g.Message)}})
				return
			}
		}
		b.add(Item{Section: SectionIdentityCenter, Status: Done, Title: "Identity Center is not in use"})
		return
	}
	psName := map[string]string{}
	for _, ps := range ic.PermissionSets {
		psName[ps.ARN] = ps.Name
	}
	principal := func(a snapshot.Assignment) string {
		if a.PrincipalType == "GROUP" {
			for _, g := range ic.Groups {
				if g.ID == a.PrincipalID {
					return "group " + g.DisplayName
				}
			}
			return "group " + a.PrincipalID
		}
		for _, u := range ic.Users {
			if u.ID == a.PrincipalID {
				return "user " + u.UserName
			}
		}
		return "user " + a.PrincipalID
	}
	n := 0
	for _, a := range ic.Assignments {
		if a.AccountID != b.acct.ID {
			continue
		}
		n++
		name := psName[a.PermissionSetARN]
		if name == "" {
			name = a.PermissionSetARN
		}
		b.add(Item{Section: SectionIdentityCenter, Status: Open, Title: fmt.Sprintf("Identity Center %s has permission set %s", principal(a), name), Resource: a.PermissionSetARN,
			Details: []string{fmt.Sprintf("fix: aws sso-admin delete-account-assignment --instance-arn %s --target-id %s --target-type AWS_ACCOUNT --permission-set-arn %s --principal-type %s --principal-id %s", a.InstanceARN, a.AccountID, a.PermissionSetARN, a.PrincipalType, a.PrincipalID)}})
	}
	if n == 0 {
		b.add(Item{Section: SectionIdentityCenter, Status: Done, Title: "No Identity Center assignment into the account"})
	}
}

// organization reports the membership and the SCPs the account will lose.
func (b *builder) organization() {
	o := b.s.Organization
	if o == nil {
		b.add(Item{Section: SectionOrganization, Status: Done, Title: "The snapshot has no organization: nothing to leave"})
		return
	}
	if o.ManagementAccountID == b.acct.ID {
		b.add(Item{Section: SectionOrganization, Status: Open, Title: fmt.Sprintf("The account is the management account of organization %s", o.ID),
			Details: []string{"a management account cannot leave its organization: remove the member accounts, then delete the organization (aws organizations delete-organization)"}})
		return
	}
	b.add(Item{Section: SectionOrganization, Status: Open, Title: fmt.Sprintf("The account is a member of organization %s", o.ID), Resource: b.acct.ARN,
		Details: []string{
			"a standalone account pays its own bills: before it can leave, it needs its own payment method, contact information and a verified root email",
			fmt.Sprintf("fix: aws organizations remove-account-from-organization --account-id %s (from the management account)", b.acct.ID),
		}})
	scope := append([]string{b.acct.ID}, b.ix.Ancestors(b.acct.ID)...)
	var lost []string
	for _, p := range o.Policies {
		if p.AWSManaged && p.Name == "FullAWSAccess" {
			continue
		}
		for _, t := range p.Targets {
			if slices.Contains(scope, t.TargetID) {
				where := b.ix.ContainerName(t.TargetID)
				if t.TargetID == b.acct.ID {
					where = "the account"
				}
				lost = append(lost, fmt.Sprintf("%s (%s, attached to %s)", p.Name, p.ID, where))
				break
			}
		}
	}
	sort.Strings(lost)
	if len(lost) > 0 {
		b.add(Item{Section: SectionOrganization, Status: Note, Title: fmt.Sprintf("Leaving removes %d guardrail %s", len(lost), plural(len(lost), "policy", "policies")),
			Details: append(lost, "tell the new owner which protections these gave, so that they can recreate them")})
	}
}

// root reports root credentials and the root email domain.
func (b *builder) root() {
	if dom := emailDomain(b.acct.Email); dom != "" && slices.Contains(b.c.OurDomains, dom) {
		b.add(Item{Section: SectionRoot, Status: Open, Title: fmt.Sprintf("The root email %s is on our domain %s", b.acct.Email, dom),
			Details: []string{fmt.Sprintf("change it to an address the new owner controls: sign in as root > Account > Account settings, or from the management account: aws account start-primary-email-update --account-id %s --primary-email NEW-ADDRESS (then accept-primary-email-update with the code sent there)", b.acct.ID)}})
	} else if b.acct.Email != "" {
		b.add(Item{Section: SectionRoot, Status: Done, Title: fmt.Sprintf("The root email %s is not on our domains", b.acct.Email)})
	} else {
		b.add(Item{Section: SectionRoot, Status: Unknown, Title: "The root email is not in the snapshot"})
	}
	if b.gap(SectionRoot, "root credentials", snapshot.SectionAccountSummary) {
		return
	}
	sum := b.acct.IAM.Summary
	if sum["AccountAccessKeysPresent"] > 0 {
		b.add(Item{Section: SectionRoot, Status: Open, Title: "The root user has access keys",
			Details: []string{"delete them: sign in as root > Security credentials > Access keys"}})
	} else {
		b.add(Item{Section: SectionRoot, Status: Done, Title: "The root user has no access keys"})
	}
	if sum["AccountMFAEnabled"] == 1 {
		kind := "a hardware"
		for _, v := range b.acct.IAM.VirtualMFA {
			if v.UserARN == "arn:aws:iam::"+b.acct.ID+":root" || strings.HasSuffix(v.UserARN, ":"+b.acct.ID+":root") {
				kind = "a virtual"
			}
		}
		b.add(Item{Section: SectionRoot, Status: Note, Title: fmt.Sprintf("Root MFA is enabled with %s device", kind),
			Details: []string{"hand the device over with the root password, or remove it so that the new owner registers their own"}})
	} else {
		b.add(Item{Section: SectionRoot, Status: Note, Title: "Root MFA is not enabled",
			Details: []string{"the new owner must reset the root password and enable MFA right after taking over"}})
	}
}

// foreignPrincipals lists the AWS principals of a trust policy's Allow
// statements that are not of the account: other accounts' principals and
// "*" (also "Principal": "*"). Federated and service principals are left
// out. A document that does not parse names nobody.
func foreignPrincipals(doc json.RawMessage, account string) []string {
	d, err := policy.ParseRaw(doc)
	if err != nil {
		return nil
	}
	var out []string
	for _, st := range d.Statements {
		if st.Effect != policy.Allow || st.Principal == nil {
			continue
		}
		if st.Principal.All {
			out = append(out, "*")
		}
		for _, p := range st.Principal.AWS {
			if p.Raw == "*" || (p.Account != "" && p.Account != account) {
				out = append(out, p.Raw)
			}
		}
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// accountOf returns the account id of an AWS principal (ARN or bare id).
func accountOf(p string) string {
	if policy.IsAccountID(p) {
		return p
	}
	if parts := strings.Split(p, ":"); len(parts) > 4 && parts[0] == "arn" {
		return parts[4]
	}
	return ""
}

func emailDomain(email string) string {
	_, dom, ok := strings.Cut(email, "@")
	if !ok {
		return ""
	}
	return strings.ToLower(dom)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
