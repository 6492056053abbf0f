package collect

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"
	istypes "github.com/aws/aws-sdk-go-v2/service/identitystore/types"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"
	stypes "github.com/aws/aws-sdk-go-v2/service/ssoadmin/types"

	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// ssoServicePrincipal is the service principal of IAM Identity Center in
// Organizations' delegated administrators.
const ssoServicePrincipal = "sso.amazonaws.com"

// collectIdentityCenter reads IAM Identity Center from the management
// account, or from the delegated administrator for sso.amazonaws.com when
// the management account has no access or no instance. It returns nil when
// Identity Center is not enabled (no instance) or could not be read (a
// gap then says why). Assignments are read for accountIDs.
func (c *collector) collectIdentityCenter(ctx context.Context, delegated func() []snapshot.DelegatedAdministrator, accountIDs []string) *snapshot.IdentityCenter {
	type source struct {
		account string
		cfg     aws.Config
	}
	sources := []source{{c.caller.AccountID, c.cfg}}
	var lastErr error
	for i := 0; ; i++ {
		if i == 1 {
			// Not readable from the caller's account: ask the delegated
			// administrators.
			for _, d := range delegated() {
				for _, sp := range d.ServicePrincipals {
					if sp == ssoServicePrincipal && d.AccountID != c.caller.AccountID {
						sources = append(sources, source{account: d.AccountID})
					}
				}
			}
		}
		if i >= len(sources) {
			break
		}
		src := sources[i]
		cfg := src.cfg
		if src.account != c.caller.AccountID {
			ac := c.clientsFor(ctx, src.account)
			if ac.err != nil {
				lastErr = ac.err
				continue
			}
			cfg = ac.cfg
		}
		sc := ssoadmin.NewFromConfig(cfg)
		var instances []stypes.InstanceMetadata
		p := ssoadmin.NewListInstancesPaginator(sc, &ssoadmin.ListInstancesInput{})
		var err error
		for p.HasMorePages() {
			var page *ssoadmin.ListInstancesOutput
			page, err = p.NextPage(ctx)
			if err != nil {
				break
			}
			instances = append(instances, page.Instances...)
		}
		if err != nil {
			lastErr = err
			continue
		}
		if len(instances) == 0 {
			lastErr = nil
			continue
		}
		c.log.Info("reading Identity Center", "account", src.account, "instances", len(instances))
		return c.readIdentityCenter(ctx, cfg, instances, accountIDs)
	}
	if lastErr != nil {
		c.gap(ctx, "", snapshot.SectionIdentityCenter, "sso:ListInstances", lastErr)
		return nil
	}
	c.log.Info("no IAM Identity Center instance: identity_center is null (if it is enabled in another region, pass that region with --region)",
		"region", c.cfg.Region)
	return nil
}

func (c *collector) readIdentityCenter(ctx context.Context, cfg aws.Config, instances []stypes.InstanceMetadata, accountIDs []string) *snapshot.IdentityCenter {
	sc := ssoadmin.NewFromConfig(cfg)
	isc := identitystore.NewFromConfig(cfg)
	ic := &snapshot.IdentityCenter{
		Instances:      []snapshot.SSOInstance{},
		PermissionSets: []snapshot.PermissionSet{},
		Assignments:    []snapshot.Assignment{},
		Users:          []snapshot.IdentityUser{},
		Groups:         []snapshot.IdentityGroup{},
		Memberships:    []snapshot.GroupMembership{},
	}
	unsupported := &opMemo{}
	for _, inst := range instances {
		instARN := aws.ToString(inst.InstanceArn)
		storeID := aws.ToString(inst.IdentityStoreId)
		ic.Instances = append(ic.Instances, snapshot.SSOInstance{
			ARN:             instARN,
			IdentityStoreID: storeID,
			OwnerAccountID:  aws.ToString(inst.OwnerAccountId),
			Name:            aws.ToString(inst.Name),
			Status:          string(inst.Status),
		})
		sets := c.readPermissionSets(ctx, sc, instARN, unsupported)
		ic.PermissionSets = append(ic.PermissionSets, sets...)
		ic.Assignments = append(ic.Assignments, c.readAssignments(ctx, sc, instARN, accountIDs)...)
		users, groups, members := c.readIdentityStore(ctx, isc, storeID)
		ic.Users = append(ic.Users, users...)
		ic.Groups = append(ic.Groups, groups...)
		ic.Memberships = append(ic.Memberships, members...)
	}
	sort.Slice(ic.Instances, func(i, j int) bool { return ic.Instances[i].ARN < ic.Instances[j].ARN })
	sort.Slice(ic.PermissionSets, func(i, j int) bool { return ic.PermissionSets[i].ARN < ic.PermissionSets[j].ARN })
	sort.Slice(ic.Assignments, func(i, j int) bool {
		a, b := ic.Assignments[i], ic.Assignments[j]
		for _, pair := range [][2]string{
			{a.AccountID, b.AccountID}, {a.PermissionSetARN, b.PermissionSetARN},
			{a.PrincipalType, b.PrincipalType}, {a.PrincipalID, b.PrincipalID}, {a.InstanceARN, b.InstanceARN},
		} {
			if pair[0] != pair[1] {
				return pair[0] < pair[1]
			}
		}
		return false
	})
	sort.Slice(ic.Users, func(i, j int) bool {
		if ic.Users[i].UserName != ic.Users[j].UserName {
			return ic.Users[i].UserName < ic.Users[j].UserName
		}
		return ic.Users[i].ID < ic.Users[j].ID
	})
	sort.Slice(ic.Groups, func(i, j int) bool {
		if ic.Groups[i].DisplayName != ic.Groups[j].DisplayName {
			return ic.Groups[i].DisplayName < ic.Groups[j].DisplayName
		}
		return ic.Groups[i].ID < ic.Groups[j].ID
	})
	sort.Slice(ic.Memberships, func(i, j int) bool {
		if ic.Memberships[i].GroupID != ic.Memberships[j].GroupID {
			return ic.Memberships[i].GroupID < ic.Memberships[j].GroupID
		}
		return ic.Memberships[i].UserID < ic.Memberships[j].UserID
	})
	return ic
}

// opMemo remembers operations the endpoint does not implement, so that a
// per-permission-set call that cannot work is one gap, not one per set.
type opMemo struct {
	mu  sync.Mutex
	ops map[string]bool
}

func (m *opMemo) skip(op string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.ops[op]
}

// mark records op as unsupported and tells whether it was the first time.
func (m *opMemo) mark(op string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.ops == nil {
		m.ops = map[string]bool{}
	}
	first := !m.ops[op]
	m.ops[op] = true
	return first
}

// psFail records a failed per-permission-set call. An operation the
// endpoint does not implement is recorded once and not called again.
func (c *collector) psFail(ctx context.Context, memo *opMemo, op, psARN string, err error) {
	if c.parent.Err() != nil {
		return
	}
	if isNotImplemented(err) {
		if memo.mark(op) {
			code, msg := classify(err)
			c.addGap("", snapshot.SectionIdentityCenter, op, code, "every permission set: "+msg)
		}
		return
	}
	c.gapAbout(ctx, "", snapshot.SectionIdentityCenter, op, psARN, err)
}

func (c *collector) readPermissionSets(ctx context.Context, sc *ssoadmin.Client, instARN string, memo *opMemo) []snapshot.PermissionSet {
	var arns []string
	p := ssoadmin.NewListPermissionSetsPaginator(sc, &ssoadmin.ListPermissionSetsInput{InstanceArn: aws.String(instARN)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			c.gapAbout(ctx, "", snapshot.SectionIdentityCenter, "sso:ListPermissionSets", instARN, err)
			return nil
		}
		arns = append(arns, page.PermissionSets...)
	}
	arns = sortedUnique(arns)
	out := make([]*snapshot.PermissionSet, len(arns))
	refs := map[string]int{}
	var refsMu sync.Mutex
	forEach(ctx, c.opts.Concurrency, len(arns), func(i int) {
		psARN := arns[i]
		in := func() (*string, *string) { return aws.String(instARN), aws.String(psARN) }
		inst, ps := in()
		// The set is known by its ARN: what fails for it is a gap and
		// is listed in set.Incomplete, and every other call is still made,
		// so that one failure never hides what could be read (its
		// assignments are read by account, see readAssignments).
		set := &snapshot.PermissionSet{
			ARN:                     psARN,
			InstanceARN:             instARN,
			ManagedPolicies:         []snapshot.AttachedPolicy{},
			CustomerManagedPolicies: []snapshot.CustomerPolicyRef{},
		}
		fail := func(op string, err error) {
			c.psFail(ctx, memo, op, psARN, err)
			set.Incomplete = append(set.Incomplete, op)
		}
		d, err := sc.DescribePermissionSet(ctx, &ssoadmin.DescribePermissionSetInput{InstanceArn: inst, PermissionSetArn: ps})
		if err != nil {
			fail("sso:DescribePermissionSet", err)
		} else {
			set.Name = aws.ToString(d.PermissionSet.Name)
			set.Description = aws.ToString(d.PermissionSet.Description)
			set.SessionDuration = aws.ToString(d.PermissionSet.SessionDuration)
		}
		mp := ssoadmin.NewListManagedPoliciesInPermissionSetPaginator(sc, &ssoadmin.ListManagedPoliciesInPermissionSetInput{InstanceArn: inst, PermissionSetArn: ps})
		for mp.HasMorePages() {
			page, err := mp.NextPage(ctx)
			if err != nil {
				fail("sso:ListManagedPoliciesInPermissionSet", err)
				break
			}
			for _, m := range page.AttachedManagedPolicies {
				arn := aws.ToString(m.Arn)
				name := aws.ToString(m.Name)
				if name == "" {
					name = policyNameFromARN(arn)
				}
				set.ManagedPolicies = append(set.ManagedPolicies, snapshot.AttachedPolicy{ARN: arn, Name: name})
				if isAWSManagedPolicy(arn) {
					refsMu.Lock()
					refs[arn] += 0
					refsMu.Unlock()
				}
			}
		}
		sort.Slice(set.ManagedPolicies, func(i, j int) bool { return set.ManagedPolicies[i].ARN < set.ManagedPolicies[j].ARN })
		cp := ssoadmin.NewListCustomerManagedPolicyReferencesInPermissionSetPaginator(sc, &ssoadmin.ListCustomerManagedPolicyReferencesInPermissionSetInput{InstanceArn: inst, PermissionSetArn: ps})
		for cp.HasMorePages() {
			page, err := cp.NextPage(ctx)
			if err != nil {
				fail("sso:ListCustomerManagedPolicyReferencesInPermissionSet", err)
				break
			}
			for _, r := range page.CustomerManagedPolicyReferences {
				set.CustomerManagedPolicies = append(set.CustomerManagedPolicies, snapshot.CustomerPolicyRef{Name: aws.ToString(r.Name), Path: aws.ToString(r.Path)})
			}
		}
		sort.Slice(set.CustomerManagedPolicies, func(i, j int) bool {
			a, b := set.CustomerManagedPolicies[i], set.CustomerManagedPolicies[j]
			if a.Path != b.Path {
				return a.Path < b.Path
			}
			return a.Name < b.Name
		})
		if op := "sso:GetInlinePolicyForPermissionSet"; memo.skip(op) {
			set.Incomplete = append(set.Incomplete, op)
		} else {
			ip, err := sc.GetInlinePolicyForPermissionSet(ctx, &ssoadmin.GetInlinePolicyForPermissionSetInput{InstanceArn: inst, PermissionSetArn: ps})
			switch {
			case err != nil:
				fail(op, err)
			case strings.TrimSpace(aws.ToString(ip.InlinePolicy)) != "":
				doc, perr := parsePolicyDocument(aws.ToString(ip.InlinePolicy))
				if perr != nil {
					c.addGap("", snapshot.SectionIdentityCenter, op, CodeInvalidDocument, psARN+": "+perr.Error())
					set.Incomplete = append(set.Incomplete, op)
				} else {
					set.InlinePolicy = doc
				}
			}
		}
		if op := "sso:GetPermissionsBoundaryForPermissionSet"; memo.skip(op) {
			set.Incomplete = append(set.Incomplete, op)
		} else {
			b, err := sc.GetPermissionsBoundaryForPermissionSet(ctx, &ssoadmin.GetPermissionsBoundaryForPermissionSetInput{InstanceArn: inst, PermissionSetArn: ps})
			switch {
			case err == nil && b.PermissionsBoundary != nil:
				set.PermissionsBoundary = boundaryRef(b.PermissionsBoundary)
				if arn := aws.ToString(b.PermissionsBoundary.ManagedPolicyArn); isAWSManagedPolicy(arn) {
					refsMu.Lock()
					refs[arn] += 0
					refsMu.Unlock()
				}
			case err == nil:
			case errorCode(err) == "ResourceNotFoundException":
				// No boundary: a fact.
			default:
				fail(op, err)
			}
		}
		out[i] = set
	})
	c.addAWSRefs(refs)
	var sets []snapshot.PermissionSet
	for _, s := range out {
		if s != nil {
			sets = append(sets, *s)
		}
	}
	return sets
}

func boundaryRef(b *stypes.PermissionsBoundary) *snapshot.BoundaryRef {
	ref := &snapshot.BoundaryRef{ManagedPolicyARN: aws.ToString(b.ManagedPolicyArn)}
	if r := b.CustomerManagedPolicyReference; r != nil {
		ref.CustomerPolicy = &snapshot.CustomerPolicyRef{Name: aws.ToString(r.Name), Path: aws.ToString(r.Path)}
	}
	if ref.ManagedPolicyARN == "" && ref.CustomerPolicy == nil {
		return nil
	}
	return ref
}

// readAssignments lists, per account, the permission sets provisioned to
// it and who is assigned each.
func (c *collector) readAssignments(ctx context.Context, sc *ssoadmin.Client, instARN string, accountIDs []string) []snapshot.Assignment {
	var mu sync.Mutex
	var out []snapshot.Assignment
	forEach(ctx, c.opts.Concurrency, len(accountIDs), func(i int) {
		account := accountIDs[i]
		var sets []string
		p := ssoadmin.NewListPermissionSetsProvisionedToAccountPaginator(sc, &ssoadmin.ListPermissionSetsProvisionedToAccountInput{
			InstanceArn: aws.String(instARN), AccountId: aws.String(account),
		})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				c.gapAbout(ctx, "", snapshot.SectionIdentityCenter, "sso:ListPermissionSetsProvisionedToAccount", "account "+account, err)
				return
			}
			sets = append(sets, page.PermissionSets...)
		}
		for _, ps := range sortedUnique(sets) {
			ap := ssoadmin.NewListAccountAssignmentsPaginator(sc, &ssoadmin.ListAccountAssignmentsInput{
				InstanceArn: aws.String(instARN), AccountId: aws.String(account), PermissionSetArn: aws.String(ps),
			})
			for ap.HasMorePages() {
				page, err := ap.NextPage(ctx)
				if err != nil {
					c.gapAbout(ctx, "", snapshot.SectionIdentityCenter, "sso:ListAccountAssignments", fmt.Sprintf("account %s, %s", account, ps), err)
					break
				}
				mu.Lock()
				for _, a := range page.AccountAssignments {
					out = append(out, snapshot.Assignment{
						InstanceARN:      instARN,
						AccountID:        aws.ToString(a.AccountId),
						PermissionSetARN: aws.ToString(a.PermissionSetArn),
						PrincipalType:    string(a.PrincipalType),
						PrincipalID:      aws.ToString(a.PrincipalId),
					})
				}
				mu.Unlock()
			}
		}
	})
	return out
}

// readIdentityStore lists the users, groups and group memberships of an
// identity store.
func (c *collector) readIdentityStore(ctx context.Context, isc *identitystore.Client, storeID string) ([]snapshot.IdentityUser, []snapshot.IdentityGroup, []snapshot.GroupMembership) {
	var users []snapshot.IdentityUser
	up := identitystore.NewListUsersPaginator(isc, &identitystore.ListUsersInput{IdentityStoreId: aws.String(storeID)})
	for up.HasMorePages() {
		page, err := up.NextPage(ctx)
		if err != nil {
			c.gapAbout(ctx, "", snapshot.SectionIdentityCenter, "identitystore:ListUsers", storeID, err)
			break
		}
		for _, u := range page.Users {
			user := snapshot.IdentityUser{
				ID:              aws.ToString(u.UserId),
				IdentityStoreID: storeID,
				UserName:        aws.ToString(u.UserName),
				DisplayName:     aws.ToString(u.DisplayName),
			}
			for _, e := range u.Emails {
				if v := aws.ToString(e.Value); v != "" {
					user.Emails = append(user.Emails, v)
				}
			}
			if len(user.Emails) > 0 {
				user.Emails = sortedUnique(user.Emails)
			}
			users = append(users, user)
		}
	}
	var groups []snapshot.IdentityGroup
	gp := identitystore.NewListGroupsPaginator(isc, &identitystore.ListGroupsInput{IdentityStoreId: aws.String(storeID)})
	for gp.HasMorePages() {
		page, err := gp.NextPage(ctx)
		if err != nil {
			c.gapAbout(ctx, "", snapshot.SectionIdentityCenter, "identitystore:ListGroups", storeID, err)
			break
		}
		for _, g := range page.Groups {
			groups = append(groups, snapshot.IdentityGroup{
				ID:              aws.ToString(g.GroupId),
				IdentityStoreID: storeID,
				DisplayName:     aws.ToString(g.DisplayName),
				Description:     aws.ToString(g.Description),
			})
		}
	}
	var mu sync.Mutex
	var members []snapshot.GroupMembership
	forEach(ctx, c.opts.Concurrency, len(groups), func(i int) {
		gid := groups[i].ID
		mp := identitystore.NewListGroupMembershipsPaginator(isc, &identitystore.ListGroupMembershipsInput{IdentityStoreId: aws.String(storeID), GroupId: aws.String(gid)})
		for mp.HasMorePages() {
			page, err := mp.NextPage(ctx)
			if err != nil {
				c.gapAbout(ctx, "", snapshot.SectionIdentityCenter, "identitystore:ListGroupMemberships", "group "+gid, err)
				return
			}
			mu.Lock()
			for _, m := range page.GroupMemberships {
				if uid, ok := m.MemberId.(*istypes.MemberIdMemberUserId); ok {
					members = append(members, snapshot.GroupMembership{IdentityStoreID: storeID, GroupID: gid, UserID: uid.Value})
				}
			}
			mu.Unlock()
		}
	})
	return users, groups, members
}
