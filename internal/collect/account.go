package collect

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	itypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// clientsFor returns the clients of an account: the caller's own for the
// management account (or the caller's account), an assumed audit role
// session for any other. Sessions are cached for the run.
func (c *collector) clientsFor(ctx context.Context, accountID string) *accountClients {
	if accountID == c.caller.AccountID {
		return &accountClients{id: accountID, cfg: c.cfg, iam: iam.NewFromConfig(c.cfg)}
	}
	c.assumedMu.Lock()
	ac, ok := c.assumed[accountID]
	if !ok {
		ac = &accountClients{id: accountID}
		c.assumed[accountID] = ac
	}
	c.assumedMu.Unlock()
	ac.once.Do(func() {
		roleARN := fmt.Sprintf("arn:%s:iam::%s:role/%s", c.part, accountID, strings.TrimPrefix(c.opts.RoleName, "/"))
		provider := stscreds.NewAssumeRoleProvider(c.sts, roleARN, func(o *stscreds.AssumeRoleOptions) {
			o.RoleSessionName = "orgaudit-collect"
			if c.opts.ExternalID != "" {
				o.ExternalID = aws.String(c.opts.ExternalID)
			}
		})
		cfg := c.cfg.Copy()
		cfg.Credentials = aws.NewCredentialsCache(rememberingProvider{provider})
		ac.cfg = cfg
		// Assume now, so that an account that cannot be assumed is one
		// gap instead of a failure of every call.
		if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
			ac.err = err
			return
		}
		ac.iam = iam.NewFromConfig(cfg)
	})
	return ac
}

// collectAccount reads the IAM configuration of one account into a.IAM.
// Every call is counted in a's api_calls bucket (ctx carries it).
func (c *collector) collectAccount(ctx context.Context, a *snapshot.Account, mgmt bool) {
	if a.Status != "" && a.Status != "ACTIVE" {
		c.addGap(a.ID, snapshot.SectionAccount, "sts:AssumeRole", CodeAccountNotActive,
			fmt.Sprintf("account status is %s: its IAM cannot be read", a.Status))
		return
	}
	ac := c.clientsFor(ctx, a.ID)
	if ac.err != nil {
		c.gap(ctx, a.ID, snapshot.SectionAccount, "sts:AssumeRole", ac.err)
		return
	}
	ic := ac.iam
	out := &snapshot.IAM{
		Users:         []snapshot.User{},
		Groups:        []snapshot.Group{},
		Roles:         []snapshot.Role{},
		Policies:      []snapshot.Policy{},
		Aliases:       []string{},
		SAMLProviders: []snapshot.SAMLProvider{},
		OIDCProviders: []snapshot.OIDCProvider{},
		VirtualMFA:    []snapshot.VirtualMFA{},
	}
	id := a.ID

	// Start the credential report first: it is generated while the other
	// calls run.
	report := c.startCredentialReport(ctx, id, ic)

	authOK := c.readAuthorizationDetails(ctx, id, ic, out)

	summary, err := ic.GetAccountSummary(ctx, &iam.GetAccountSummaryInput{})
	if err != nil {
		c.gap(ctx, id, snapshot.SectionAccountSummary, "iam:GetAccountSummary", err)
	} else {
		out.Summary = make(map[string]int, len(summary.SummaryMap))
		for k, v := range summary.SummaryMap {
			out.Summary[k] = int(v)
		}
	}

	if err := c.readAliases(ctx, ic, out); err != nil {
		c.gap(ctx, id, snapshot.SectionAliases, "iam:ListAccountAliases", err)
		out.Aliases = []string{}
	}

	pp, err := ic.GetAccountPasswordPolicy(ctx, &iam.GetAccountPasswordPolicyInput{})
	switch {
	case err == nil:
		out.PasswordPolicy = passwordPolicy(pp.PasswordPolicy)
	case errorCode(err) == "NoSuchEntity":
		// No password policy is a fact, not a gap.
	default:
		c.gap(ctx, id, snapshot.SectionPasswordPolicy, "iam:GetAccountPasswordPolicy", err)
	}

	// The summary says whether there is anything to list: no MFA device
	// at all means no virtual one (root's included), no provider means
	// neither SAML nor OIDC, no server certificate none to list. Without
	// a summary, or without its count, nothing is taken for absent: they
	// are listed.
	if n, ok := out.Summary["MFADevices"]; !ok || n > 0 {
		if err := c.readVirtualMFA(ctx, ic, out); err != nil {
			c.gap(ctx, id, snapshot.SectionMFADevices, "iam:ListVirtualMFADevices", err)
		}
	}
	if n, ok := out.Summary["Providers"]; !ok {
		c.readProviders(ctx, id, ic, out, -1)
	} else if n > 0 {
		c.readProviders(ctx, id, ic, out, n)
	}
	if n, ok := out.Summary["ServerCertificates"]; ok && n == 0 {
		out.ServerCertificates = []snapshot.ServerCertificate{}
	} else {
		c.readServerCertificates(ctx, id, ic, out)
	}

	out.CredentialReport = c.finishCredentialReport(ctx, id, ic, report)

	if authOK {
		assignMFADevices(out)
	}
	if a.Name == a.ID && len(out.Aliases) > 0 {
		a.Name = out.Aliases[0]
	}
	if mgmt {
		c.log.Debug("account read with the caller's own credentials", "account", id)
	}
	a.IAM = out
}

// readAuthorizationDetails reads users, groups, roles and customer managed
// policies in one paginated pass, plus ListRoles for what the pass leaves
// out (role descriptions and maximum session durations). AWS managed
// policies are not requested here: they are the same in every account and
// are read once per snapshot.
func (c *collector) readAuthorizationDetails(ctx context.Context, id string, ic *iam.Client, out *snapshot.IAM) bool {
	in := &iam.GetAccountAuthorizationDetailsInput{
		Filter: []itypes.EntityType{
			itypes.EntityTypeUser, itypes.EntityTypeGroup, itypes.EntityTypeRole, itypes.EntityTypeLocalManagedPolicy,
		},
		MaxItems: aws.Int32(1000),
	}
	var users []itypes.UserDetail
	var groups []itypes.GroupDetail
	var roles []itypes.RoleDetail
	var policies []itypes.ManagedPolicyDetail
	p := iam.NewGetAccountAuthorizationDetailsPaginator(ic, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			c.gap(ctx, id, snapshot.SectionAuthDetails, "iam:GetAccountAuthorizationDetails", err)
			return false
		}
		users = append(users, page.UserDetailList...)
		groups = append(groups, page.GroupDetailList...)
		roles = append(roles, page.RoleDetailList...)
		policies = append(policies, page.Policies...)
	}
	refs := map[string]int{}
	bad := func(what string, err error) {
		c.addGap(id, snapshot.SectionAuthDetails, "iam:GetAccountAuthorizationDetails", CodeInvalidDocument, what+": "+err.Error())
	}
	attached := func(list []itypes.AttachedPolicy) []snapshot.AttachedPolicy {
		out := make([]snapshot.AttachedPolicy, 0, len(list))
		for _, ap := range list {
			arn := aws.ToString(ap.PolicyArn)
			name := aws.ToString(ap.PolicyName)
			if name == "" {
				name = policyNameFromARN(arn)
			}
			if isAWSManagedPolicy(arn) {
				refs[arn]++
			}
			out = append(out, snapshot.AttachedPolicy{ARN: arn, Name: name})
		}
		sort.Slice(out, func(i, j int) bool { return out[i].ARN < out[j].ARN })
		return out
	}
	inline := func(owner string, list []itypes.PolicyDetail) []snapshot.InlinePolicy {
		out := make([]snapshot.InlinePolicy, 0, len(list))
		for _, pd := range list {
			name := aws.ToString(pd.PolicyName)
			doc, err := parsePolicyDocument(aws.ToString(pd.PolicyDocument))
			if err != nil {
				bad(owner+" inline policy "+name, err)
				continue
			}
			out = append(out, snapshot.InlinePolicy{Name: name, Document: doc})
		}
		sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
		return out
	}
	boundary := func(b *itypes.AttachedPermissionsBoundary) *snapshot.AttachedPolicy {
		if b == nil || aws.ToString(b.PermissionsBoundaryArn) == "" {
			return nil
		}
		arn := aws.ToString(b.PermissionsBoundaryArn)
		if isAWSManagedPolicy(arn) {
			// A boundary uses the policy without attaching it: fetch its
			// document, but do not count it as an attachment.
			refs[arn] += 0
		}
		return &snapshot.AttachedPolicy{ARN: arn, Name: policyNameFromARN(arn)}
	}
	iamTags := func(tags []itypes.Tag) map[string]string {
		return tagMap(tags, func(t itypes.Tag) (string, string) { return aws.ToString(t.Key), aws.ToString(t.Value) })
	}

	members := map[string][]string{}
	for _, u := range users {
		name := aws.ToString(u.UserName)
		user := snapshot.User{
			Name:                name,
			ID:                  aws.ToString(u.UserId),
			ARN:                 aws.ToString(u.Arn),
			Path:                aws.ToString(u.Path),
			CreateDate:          timePtr(u.CreateDate),
			Groups:              sortedUnique(u.GroupList),
			InlinePolicies:      inline("user "+name, u.UserPolicyList),
			AttachedPolicies:    attached(u.AttachedManagedPolicies),
			PermissionsBoundary: boundary(u.PermissionsBoundary),
			Tags:                iamTags(u.Tags),
			MFADevices:          []snapshot.MFADevice{},
		}
		for _, g := range user.Groups {
			members[g] = append(members[g], name)
		}
		out.Users = append(out.Users, user)
	}
	for _, g := range groups {
		name := aws.ToString(g.GroupName)
		out.Groups = append(out.Groups, snapshot.Group{
			Name:             name,
			ID:               aws.ToString(g.GroupId),
			ARN:              aws.ToString(g.Arn),
			Path:             aws.ToString(g.Path),
			CreateDate:       timePtr(g.CreateDate),
			InlinePolicies:   inline("group "+name, g.GroupPolicyList),
			AttachedPolicies: attached(g.AttachedManagedPolicies),
			Members:          sortedUnique(members[name]),
		})
	}
	for _, r := range roles {
		name := aws.ToString(r.RoleName)
		trust, err := parsePolicyDocument(aws.ToString(r.AssumeRolePolicyDocument))
		if err != nil {
			bad("role "+name+" trust policy", err)
			continue
		}
		role := snapshot.Role{
			Name:                name,
			ID:                  aws.ToString(r.RoleId),
			ARN:                 aws.ToString(r.Arn),
			Path:                aws.ToString(r.Path),
			CreateDate:          timePtr(r.CreateDate),
			TrustPolicy:         trust,
			InlinePolicies:      inline("role "+name, r.RolePolicyList),
			AttachedPolicies:    attached(r.AttachedManagedPolicies),
			PermissionsBoundary: boundary(r.PermissionsBoundary),
			Tags:                iamTags(r.Tags),
		}
		role.InstanceProfiles = make([]snapshot.InstanceProfile, 0, len(r.InstanceProfileList))
		for _, ip := range r.InstanceProfileList {
			role.InstanceProfiles = append(role.InstanceProfiles, snapshot.InstanceProfile{
				Name: aws.ToString(ip.InstanceProfileName), ARN: aws.ToString(ip.Arn), Path: aws.ToString(ip.Path)})
		}
		sort.Slice(role.InstanceProfiles, func(i, j int) bool { return role.InstanceProfiles[i].ARN < role.InstanceProfiles[j].ARN })
		if lu := r.RoleLastUsed; lu != nil && (lu.LastUsedDate != nil || aws.ToString(lu.Region) != "") {
			role.LastUsed = &snapshot.RoleLastUsed{Date: timePtr(lu.LastUsedDate), Region: aws.ToString(lu.Region)}
		}
		out.Roles = append(out.Roles, role)
	}
	for _, mp := range policies {
		arn := aws.ToString(mp.Arn)
		name := aws.ToString(mp.PolicyName)
		if name == "" {
			name = policyNameFromARN(arn)
		}
		pol := snapshot.Policy{
			Name:             name,
			ID:               aws.ToString(mp.PolicyId),
			ARN:              arn,
			Path:             aws.ToString(mp.Path),
			DefaultVersionID: aws.ToString(mp.DefaultVersionId),
			AttachmentCount:  int(aws.ToInt32(mp.AttachmentCount)),
		}
		for _, v := range mp.PolicyVersionList {
			if v.IsDefaultVersion || (pol.DefaultVersionID != "" && aws.ToString(v.VersionId) == pol.DefaultVersionID) {
				doc, err := parsePolicyDocument(aws.ToString(v.Document))
				if err != nil {
					bad("policy "+arn, err)
					break
				}
				pol.Document = doc
				if pol.DefaultVersionID == "" {
					pol.DefaultVersionID = aws.ToString(v.VersionId)
				}
				break
			}
		}
		if pol.Document == nil {
			if len(mp.PolicyVersionList) == 0 {
				c.addGap(id, snapshot.SectionAuthDetails, "iam:GetAccountAuthorizationDetails", CodeInvalidDocument, "policy "+arn+": no default version document")
			}
			continue
		}
		out.Policies = append(out.Policies, pol)
	}

	// Role descriptions and maximum session durations are only in ListRoles.
	if len(out.Roles) > 0 {
		extra := map[string]itypes.Role{}
		lp := iam.NewListRolesPaginator(ic, &iam.ListRolesInput{MaxItems: aws.Int32(1000)})
		for lp.HasMorePages() {
			page, err := lp.NextPage(ctx)
			if err != nil {
				c.gap(ctx, id, snapshot.SectionAuthDetails, "iam:ListRoles", err)
				break
			}
			for _, r := range page.Roles {
				extra[aws.ToString(r.Arn)] = r
			}
		}
		for i := range out.Roles {
			if r, ok := extra[out.Roles[i].ARN]; ok {
				out.Roles[i].Description = aws.ToString(r.Description)
				out.Roles[i].MaxSessionDuration = int(aws.ToInt32(r.MaxSessionDuration))
			}
		}
	}

	sort.Slice(out.Users, func(i, j int) bool { return out.Users[i].Name < out.Users[j].Name })
	sort.Slice(out.Groups, func(i, j int) bool { return out.Groups[i].Name < out.Groups[j].Name })
	sort.Slice(out.Roles, func(i, j int) bool { return out.Roles[i].Name < out.Roles[j].Name })
	sort.Slice(out.Policies, func(i, j int) bool {
		if out.Policies[i].Name != out.Policies[j].Name {
			return out.Policies[i].Name < out.Policies[j].Name
		}
		return out.Policies[i].ARN < out.Policies[j].ARN
	})
	c.addAWSRefs(refs)
	return true
}

func (c *collector) readAliases(ctx context.Context, ic *iam.Client, out *snapshot.IAM) error {
	var aliases []string
	p := iam.NewListAccountAliasesPaginator(ic, &iam.ListAccountAliasesInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return err
		}
		aliases = append(aliases, page.AccountAliases...)
	}
	out.Aliases = sortedUnique(aliases)
	return nil
}

func passwordPolicy(p *itypes.PasswordPolicy) *snapshot.PasswordPolicy {
	if p == nil {
		return nil
	}
	return &snapshot.PasswordPolicy{
		MinimumPasswordLength:      int(aws.ToInt32(p.MinimumPasswordLength)),
		RequireSymbols:             p.RequireSymbols,
		RequireNumbers:             p.RequireNumbers,
		RequireUppercaseCharacters: p.RequireUppercaseCharacters,
		RequireLowercaseCharacters: p.RequireLowercaseCharacters,
		AllowUsersToChangePassword: p.AllowUsersToChangePassword,
		ExpirePasswords:            p.ExpirePasswords,
		MaxPasswordAge:             int(aws.ToInt32(p.MaxPasswordAge)),
		PasswordReusePrevention:    int(aws.ToInt32(p.PasswordReusePrevention)),
		HardExpiry:                 aws.ToBool(p.HardExpiry),
	}
}

func (c *collector) readVirtualMFA(ctx context.Context, ic *iam.Client, out *snapshot.IAM) error {
	var devices []snapshot.VirtualMFA
	p := iam.NewListVirtualMFADevicesPaginator(ic, &iam.ListVirtualMFADevicesInput{MaxItems: aws.Int32(1000)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return err
		}
		for _, d := range page.VirtualMFADevices {
			v := snapshot.VirtualMFA{SerialNumber: aws.ToString(d.SerialNumber), EnableDate: timePtr(d.EnableDate)}
			if d.User != nil {
				v.UserARN = aws.ToString(d.User.Arn)
			}
			devices = append(devices, v)
		}
	}
	sort.Slice(devices, func(i, j int) bool { return devices[i].SerialNumber < devices[j].SerialNumber })
	if devices == nil {
		devices = []snapshot.VirtualMFA{}
	}
	out.VirtualMFA = devices
	return nil
}

// assignMFADevices gives each user the virtual MFA devices assigned to it.
func assignMFADevices(out *snapshot.IAM) {
	byARN := map[string][]snapshot.MFADevice{}
	for _, d := range out.VirtualMFA {
		if d.UserARN == "" {
			continue
		}
		byARN[d.UserARN] = append(byARN[d.UserARN], snapshot.MFADevice{
			SerialNumber: d.SerialNumber,
			Type:         snapshot.MFAVirtual,
			EnableDate:   d.EnableDate,
		})
	}
	for i := range out.Users {
		if ds, ok := byARN[out.Users[i].ARN]; ok {
			out.Users[i].MFADevices = ds
		}
	}
}

// readProviders lists SAML providers, then OIDC providers with their
// details. total is the summary's provider count (SAML and OIDC together),
// or -1 when unknown: when the SAML providers are all of them, there is no
// OIDC provider to list.
func (c *collector) readProviders(ctx context.Context, id string, ic *iam.Client, out *snapshot.IAM, total int) {
	saml, err := ic.ListSAMLProviders(ctx, &iam.ListSAMLProvidersInput{})
	if err != nil {
		c.gap(ctx, id, snapshot.SectionProviders, "iam:ListSAMLProviders", err)
	} else {
		for _, p := range saml.SAMLProviderList {
			out.SAMLProviders = append(out.SAMLProviders, snapshot.SAMLProvider{
				ARN:        aws.ToString(p.Arn),
				ValidUntil: timePtr(p.ValidUntil),
				CreateDate: timePtr(p.CreateDate),
			})
		}
		sort.Slice(out.SAMLProviders, func(i, j int) bool { return out.SAMLProviders[i].ARN < out.SAMLProviders[j].ARN })
		if total >= 0 && len(out.SAMLProviders) >= total {
			return
		}
	}
	oidc, err := ic.ListOpenIDConnectProviders(ctx, &iam.ListOpenIDConnectProvidersInput{})
	if err != nil {
		c.gap(ctx, id, snapshot.SectionProviders, "iam:ListOpenIDConnectProviders", err)
		return
	}
	for _, entry := range oidc.OpenIDConnectProviderList {
		arn := aws.ToString(entry.Arn)
		d, err := ic.GetOpenIDConnectProvider(ctx, &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn)})
		if err != nil {
			c.gapAbout(ctx, id, snapshot.SectionProviders, "iam:GetOpenIDConnectProvider", arn, err)
			continue
		}
		out.OIDCProviders = append(out.OIDCProviders, snapshot.OIDCProvider{
			ARN:         arn,
			URL:         aws.ToString(d.Url),
			ClientIDs:   sortedUnique(d.ClientIDList),
			Thumbprints: sortedUnique(d.ThumbprintList),
		})
	}
	sort.Slice(out.OIDCProviders, func(i, j int) bool { return out.OIDCProviders[i].ARN < out.OIDCProviders[j].ARN })
}

// reportStart is the outcome of asking for a credential report.
type reportStart struct {
	err error // generation could not be started
}

func (c *collector) startCredentialReport(ctx context.Context, id string, ic *iam.Client) reportStart {
	_, err := ic.GenerateCredentialReport(ctx, &iam.GenerateCredentialReportInput{})
	return reportStart{err: err}
}

// finishCredentialReport fetches the report, waiting (bounded) while it is
// generated.
func (c *collector) finishCredentialReport(ctx context.Context, id string, ic *iam.Client, start reportStart) *snapshot.CredentialReport {
	if start.err != nil {
		c.gap(ctx, id, snapshot.SectionCredentialReport, "iam:GenerateCredentialReport", start.err)
		return nil
	}
	deadline := time.Now().Add(c.opts.CredentialReportWait)
	delay := 250 * time.Millisecond
	for {
		out, err := ic.GetCredentialReport(ctx, &iam.GetCredentialReportInput{})
		if err == nil {
			rows, perr := parseCredentialReport(out.Content)
			if perr != nil {
				c.addGap(id, snapshot.SectionCredentialReport, "iam:GetCredentialReport", CodeInvalidDocument, perr.Error())
				return nil
			}
			return &snapshot.CredentialReport{GeneratedAt: timePtr(out.GeneratedTime), Rows: rows}
		}
		code := errorCode(err)
		switch code {
		case "ReportInProgress", "ReportNotPresent", "ReportExpired":
		default:
			c.gap(ctx, id, snapshot.SectionCredentialReport, "iam:GetCredentialReport", err)
			return nil
		}
		if time.Now().Add(delay).After(deadline) {
			c.addGap(id, snapshot.SectionCredentialReport, "iam:GetCredentialReport", CodeTimeout,
				fmt.Sprintf("the credential report was not ready after %s (last answer: %s)", c.opts.CredentialReportWait, code))
			return nil
		}
		if code != "ReportInProgress" {
			// Not present or expired: ask for it again.
			if _, gerr := ic.GenerateCredentialReport(ctx, &iam.GenerateCredentialReportInput{}); gerr != nil {
				c.gap(ctx, id, snapshot.SectionCredentialReport, "iam:GenerateCredentialReport", gerr)
				return nil
			}
		}
		if !sleep(ctx, delay) {
			return nil // the run stopped: cutShortAccount records the gap
		}
		delay = min(delay*2, 4*time.Second)
	}
}

// sleep waits d or until ctx is done; it tells whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
