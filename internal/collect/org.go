package collect

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	otypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// orgRead is the outcome of reading the organization's tree. The rest of
// the organization (tags, policies, delegated administrators, handshakes)
// is read in the background while the accounts are: wait for it with
// details.
type orgRead struct {
	org      *snapshot.Organization
	accounts []snapshot.Account
	note     string
	details  func()
}

// describeOrganization is the operation whose failure leaves the
// organization undescribed.
const describeOrganization = "organizations:DescribeOrganization"

// collectOrganization reads the organization's tree and accounts, and
// starts reading its tags, policies, delegated administrators and
// handshakes. When the caller is not in an organization, or in one whose
// management account it is not, it returns a nil organization, the
// caller's account alone, and a note saying why. When the organization
// cannot be described (denied, failing after retries, unreadable), it
// fails with an *OrganizationError, or with opts.AllowGaps returns the
// caller's account alone with the gap.
func (c *collector) collectOrganization(ctx context.Context) (orgRead, error) {
	single := func(note string) (orgRead, error) {
		c.log.Info("single-account snapshot", "reason", note)
		return orgRead{accounts: []snapshot.Account{c.callerAccount()}, note: note, details: func() {}}, nil
	}
	oc := organizations.NewFromConfig(c.cfg)
	d, err := oc.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	if err == nil && d.Organization == nil {
		err = &UnparseableResponseError{Reason: "the answer holds no organization"}
	}
	if err != nil {
		if c.parent.Err() != nil {
			return orgRead{}, c.parent.Err()
		}
		if errorCode(err) == "AWSOrganizationsNotInUseException" {
			return single(fmt.Sprintf("account %s is not a member of an organization: single-account snapshot of the caller's account", c.caller.AccountID))
		}
		// Denied or failing: whether the caller is in an organization is
		// unknown, and a single account must not pass for it.
		code, msg := classify(err)
		g := snapshot.Gap{Section: snapshot.SectionOrganization, Operation: describeOrganization, ErrorCode: code, Message: redact(msg)}
		if !c.opts.AllowGaps {
			return orgRead{}, &OrganizationError{Gap: g}
		}
		c.addGap("", g.Section, g.Operation, g.ErrorCode, g.Message)
		return single(fmt.Sprintf("the organization could not be described (%s %s; see gaps): single-account snapshot of the caller's account %s (--allow-gaps)", describeOrganization, code, c.caller.AccountID))
	}
	o := d.Organization
	org := &snapshot.Organization{
		ID:                     aws.ToString(o.Id),
		ARN:                    aws.ToString(o.Arn),
		FeatureSet:             string(o.FeatureSet),
		ManagementAccountID:    aws.ToString(o.MasterAccountId),
		ManagementAccountEmail: aws.ToString(o.MasterAccountEmail),
		Roots:                  []snapshot.Root{},
		OrganizationalUnits:    []snapshot.OrganizationalUnit{},
		Policies:               []snapshot.OrgPolicy{},
		Handshakes:             []snapshot.Handshake{},
		DelegatedAdmins:        []snapshot.DelegatedAdministrator{},
	}
	if org.ManagementAccountID != c.caller.AccountID {
		note := fmt.Sprintf("caller account %s is a member of organization %s, not its management account %s: single-account snapshot of the caller's account",
			c.caller.AccountID, org.ID, org.ManagementAccountID)
		return single(note)
	}
	c.log.Info("reading organization", "organization", org.ID)

	accounts := c.collectTree(ctx, oc, org)
	if err := c.parent.Err(); err != nil {
		return orgRead{}, err
	}
	c.cutShort(ctx, snapshot.SectionOrganization)
	found := false
	for _, a := range accounts {
		if a.ID == org.ManagementAccountID {
			found = true
		}
	}
	if !found {
		// The tree could not be read far enough (see gaps): keep at least
		// the account we know.
		accounts = append(accounts, snapshot.Account{
			ID:     org.ManagementAccountID,
			Name:   org.ManagementAccountID,
			Email:  org.ManagementAccountEmail,
			Status: "ACTIVE",
		})
	}
	sort.Slice(accounts, func(i, j int) bool { return accounts[i].ID < accounts[j].ID })
	sort.Slice(org.Roots, func(i, j int) bool { return org.Roots[i].ID < org.Roots[j].ID })
	sort.Slice(org.OrganizationalUnits, func(i, j int) bool { return org.OrganizationalUnits[i].ID < org.OrganizationalUnits[j].ID })

	// Tags go into the roots, OUs and accounts; the other parts into
	// org's own fields, each written by one goroutine.
	var wg sync.WaitGroup
	wg.Add(3)
	go func() {
		defer wg.Done()
		c.collectTags(ctx, oc, org, accounts)
		c.cutShort(ctx, snapshot.SectionOrganization)
	}()
	go func() {
		defer wg.Done()
		org.Policies = c.collectOrgPolicies(ctx, oc, org)
		c.cutShort(ctx, snapshot.SectionOrgPolicies)
	}()
	go func() {
		defer wg.Done()
		org.DelegatedAdmins = c.collectDelegatedAdmins(ctx, oc)
		c.cutShort(ctx, snapshot.SectionDelegatedAdmins)
		org.Handshakes = c.collectHandshakes(ctx, oc)
		c.cutShort(ctx, snapshot.SectionHandshakes)
	}()
	return orgRead{org: org, accounts: accounts, details: wg.Wait}, nil
}

// callerAccount is the only account of a single-account snapshot. Its name
// becomes its first alias once IAM is read.
func (c *collector) callerAccount() snapshot.Account {
	return snapshot.Account{ID: c.caller.AccountID, Name: c.caller.AccountID, Status: "ACTIVE"}
}

// collectTree walks the roots and OUs breadth first and returns every
// account with its parent.
func (c *collector) collectTree(ctx context.Context, oc *organizations.Client, org *snapshot.Organization) []snapshot.Account {
	var roots []snapshot.Root
	p := organizations.NewListRootsPaginator(oc, &organizations.ListRootsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			c.gap(ctx, "", snapshot.SectionOrganization, "organizations:ListRoots", err)
			return nil
		}
		for _, r := range page.Roots {
			root := snapshot.Root{
				ID:          aws.ToString(r.Id),
				ARN:         aws.ToString(r.Arn),
				Name:        aws.ToString(r.Name),
				PolicyTypes: []snapshot.PolicyType{},
			}
			for _, pt := range r.PolicyTypes {
				root.PolicyTypes = append(root.PolicyTypes, snapshot.PolicyType{Type: string(pt.Type), Status: string(pt.Status)})
			}
			sort.Slice(root.PolicyTypes, func(i, j int) bool { return root.PolicyTypes[i].Type < root.PolicyTypes[j].Type })
			roots = append(roots, root)
		}
	}
	org.Roots = roots
	if org.Roots == nil {
		org.Roots = []snapshot.Root{}
	}

	var mu sync.Mutex
	var accounts []snapshot.Account
	level := make([]string, 0, len(roots))
	for _, r := range roots {
		level = append(level, r.ID)
	}
	for len(level) > 0 && ctx.Err() == nil {
		var nextLevel []string
		forEach(ctx, c.opts.Concurrency, len(level), func(i int) {
			parent := level[i]
			ous := c.listOUs(ctx, oc, parent)
			accs := c.listAccounts(ctx, oc, parent)
			mu.Lock()
			defer mu.Unlock()
			for _, ou := range ous {
				org.OrganizationalUnits = append(org.OrganizationalUnits, ou)
				nextLevel = append(nextLevel, ou.ID)
			}
			accounts = append(accounts, accs...)
		})
		sort.Strings(nextLevel)
		level = nextLevel
	}
	return accounts
}

func (c *collector) listOUs(ctx context.Context, oc *organizations.Client, parent string) []snapshot.OrganizationalUnit {
	var out []snapshot.OrganizationalUnit
	p := organizations.NewListOrganizationalUnitsForParentPaginator(oc, &organizations.ListOrganizationalUnitsForParentInput{ParentId: aws.String(parent)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			c.gapAbout(ctx, "", snapshot.SectionOrganization, "organizations:ListOrganizationalUnitsForParent", parent, err)
			return out
		}
		for _, ou := range page.OrganizationalUnits {
			out = append(out, snapshot.OrganizationalUnit{
				ID:       aws.ToString(ou.Id),
				ARN:      aws.ToString(ou.Arn),
				Name:     aws.ToString(ou.Name),
				ParentID: parent,
			})
		}
	}
	return out
}

func (c *collector) listAccounts(ctx context.Context, oc *organizations.Client, parent string) []snapshot.Account {
	var out []snapshot.Account
	p := organizations.NewListAccountsForParentPaginator(oc, &organizations.ListAccountsForParentInput{ParentId: aws.String(parent)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			c.gapAbout(ctx, "", snapshot.SectionOrganization, "organizations:ListAccountsForParent", parent, err)
			return out
		}
		for _, a := range page.Accounts {
			status := string(a.Status)
			if status == "" {
				status = string(a.State)
			}
			out = append(out, snapshot.Account{
				ID:           aws.ToString(a.Id),
				ARN:          aws.ToString(a.Arn),
				Name:         aws.ToString(a.Name),
				Email:        aws.ToString(a.Email),
				Status:       status,
				JoinedMethod: string(a.JoinedMethod),
				JoinedAt:     timePtr(a.JoinedTimestamp),
				ParentID:     parent,
			})
		}
	}
	return out
}

// collectTags reads the tags of every root, OU and account.
func (c *collector) collectTags(ctx context.Context, oc *organizations.Client, org *snapshot.Organization, accounts []snapshot.Account) {
	type target struct {
		id   string
		tags *map[string]string
	}
	var targets []target
	for i := range org.Roots {
		targets = append(targets, target{org.Roots[i].ID, &org.Roots[i].Tags})
	}
	for i := range org.OrganizationalUnits {
		targets = append(targets, target{org.OrganizationalUnits[i].ID, &org.OrganizationalUnits[i].Tags})
	}
	for i := range accounts {
		if accounts[i].ARN == "" {
			continue // not listed by the tree walk; nothing to ask about
		}
		targets = append(targets, target{accounts[i].ID, &accounts[i].Tags})
	}
	forEach(ctx, c.opts.Concurrency, len(targets), func(i int) {
		t := targets[i]
		var tags []otypes.Tag
		p := organizations.NewListTagsForResourcePaginator(oc, &organizations.ListTagsForResourceInput{ResourceId: aws.String(t.id)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				c.gapAbout(ctx, "", snapshot.SectionOrganization, "organizations:ListTagsForResource", t.id, err)
				return
			}
			tags = append(tags, page.Tags...)
		}
		*t.tags = tagMap(tags, func(t otypes.Tag) (string, string) { return aws.ToString(t.Key), aws.ToString(t.Value) })
	})
}

// authorizationPolicyTypes are the organization policy types that limit
// permissions. SCPs are always read; the others when enabled on a root.
var authorizationPolicyTypes = []otypes.PolicyType{
	otypes.PolicyTypeServiceControlPolicy,
	otypes.PolicyTypeResourceControlPolicy,
}

// collectOrgPolicies reads the organization's authorization policies with
// their documents and targets.
func (c *collector) collectOrgPolicies(ctx context.Context, oc *organizations.Client, org *snapshot.Organization) []snapshot.OrgPolicy {
	enabled := map[string]bool{string(otypes.PolicyTypeServiceControlPolicy): true}
	for _, r := range org.Roots {
		for _, pt := range r.PolicyTypes {
			if pt.Status == string(otypes.PolicyTypeStatusEnabled) {
				enabled[pt.Type] = true
			}
		}
	}
	var summaries []otypes.PolicySummary
	for _, typ := range authorizationPolicyTypes {
		if !enabled[string(typ)] {
			continue
		}
		p := organizations.NewListPoliciesPaginator(oc, &organizations.ListPoliciesInput{Filter: typ})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				c.gapAbout(ctx, "", snapshot.SectionOrgPolicies, "organizations:ListPolicies", string(typ), err)
				break
			}
			summaries = append(summaries, page.Policies...)
		}
	}
	out := make([]*snapshot.OrgPolicy, len(summaries))
	forEach(ctx, c.opts.Concurrency, len(summaries), func(i int) {
		sum := summaries[i]
		id := aws.ToString(sum.Id)
		pol := &snapshot.OrgPolicy{
			ID:          id,
			ARN:         aws.ToString(sum.Arn),
			Name:        aws.ToString(sum.Name),
			Description: aws.ToString(sum.Description),
			Type:        string(sum.Type),
			AWSManaged:  sum.AwsManaged,
			Targets:     []snapshot.PolicyTarget{},
		}
		d, err := oc.DescribePolicy(ctx, &organizations.DescribePolicyInput{PolicyId: aws.String(id)})
		if err != nil {
			c.gapAbout(ctx, "", snapshot.SectionOrgPolicies, "organizations:DescribePolicy", id, err)
			return
		}
		doc, err := parsePolicyDocument(aws.ToString(d.Policy.Content))
		if err != nil {
			c.addGap("", snapshot.SectionOrgPolicies, "organizations:DescribePolicy", CodeInvalidDocument, id+": "+err.Error())
			return
		}
		pol.Document = doc
		p := organizations.NewListTargetsForPolicyPaginator(oc, &organizations.ListTargetsForPolicyInput{PolicyId: aws.String(id)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				c.gapAbout(ctx, "", snapshot.SectionOrgPolicies, "organizations:ListTargetsForPolicy", id, err)
				return
			}
			for _, t := range page.Targets {
				pol.Targets = append(pol.Targets, snapshot.PolicyTarget{
					TargetID: aws.ToString(t.TargetId),
					Type:     string(t.Type),
					Name:     aws.ToString(t.Name),
				})
			}
		}
		sort.Slice(pol.Targets, func(i, j int) bool { return pol.Targets[i].TargetID < pol.Targets[j].TargetID })
		out[i] = pol
	})
	policies := []snapshot.OrgPolicy{}
	for _, p := range out {
		if p != nil {
			policies = append(policies, *p)
		}
	}
	sort.Slice(policies, func(i, j int) bool { return policies[i].ID < policies[j].ID })
	return policies
}

func (c *collector) collectDelegatedAdmins(ctx context.Context, oc *organizations.Client) []snapshot.DelegatedAdministrator {
	var ids []string
	p := organizations.NewListDelegatedAdministratorsPaginator(oc, &organizations.ListDelegatedAdministratorsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			c.gap(ctx, "", snapshot.SectionDelegatedAdmins, "organizations:ListDelegatedAdministrators", err)
			return []snapshot.DelegatedAdministrator{}
		}
		for _, a := range page.DelegatedAdministrators {
			ids = append(ids, aws.ToString(a.Id))
		}
	}
	ids = sortedUnique(ids)
	out := make([]snapshot.DelegatedAdministrator, len(ids))
	forEach(ctx, c.opts.Concurrency, len(ids), func(i int) {
		out[i] = snapshot.DelegatedAdministrator{AccountID: ids[i], ServicePrincipals: []string{}}
		var sps []string
		p := organizations.NewListDelegatedServicesForAccountPaginator(oc, &organizations.ListDelegatedServicesForAccountInput{AccountId: aws.String(ids[i])})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				c.gapAbout(ctx, "", snapshot.SectionDelegatedAdmins, "organizations:ListDelegatedServicesForAccount", ids[i], err)
				return
			}
			for _, s := range page.DelegatedServices {
				sps = append(sps, aws.ToString(s.ServicePrincipal))
			}
		}
		out[i].ServicePrincipals = sortedUnique(sps)
	})
	return out
}

func (c *collector) collectHandshakes(ctx context.Context, oc *organizations.Client) []snapshot.Handshake {
	out := []snapshot.Handshake{}
	p := organizations.NewListHandshakesForOrganizationPaginator(oc, &organizations.ListHandshakesForOrganizationInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			c.gap(ctx, "", snapshot.SectionHandshakes, "organizations:ListHandshakesForOrganization", err)
			return out
		}
		for _, h := range page.Handshakes {
			hs := snapshot.Handshake{
				ID:          aws.ToString(h.Id),
				ARN:         aws.ToString(h.Arn),
				Action:      string(h.Action),
				State:       string(h.State),
				RequestedAt: timePtr(h.RequestedTimestamp),
				ExpiresAt:   timePtr(h.ExpirationTimestamp),
				Parties:     []snapshot.HandshakeParty{},
			}
			for _, party := range h.Parties {
				hs.Parties = append(hs.Parties, snapshot.HandshakeParty{ID: aws.ToString(party.Id), Type: string(party.Type)})
			}
			sort.Slice(hs.Parties, func(i, j int) bool {
				if hs.Parties[i].Type != hs.Parties[j].Type {
					return hs.Parties[i].Type < hs.Parties[j].Type
				}
				return hs.Parties[i].ID < hs.Parties[j].ID
			})
			out = append(out, hs)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// gapAbout records a gap whose message names the resource it concerns.
func (c *collector) gapAbout(_ context.Context, accountID, section, operation, subject string, err error) {
	if c.parent.Err() != nil {
		return
	}
	code, msg := classify(err)
	c.addGap(accountID, section, operation, code, subject+": "+msg)
}
