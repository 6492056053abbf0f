package collect

import (
	"context"
	"sort"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	atypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"

	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// accountServicePrincipal is AWS Account Management in Organizations'
// trusted access list: the management account reads member accounts'
// contacts and regions only while it is enabled.
const accountServicePrincipal = "account.amazonaws.com"

// CodeTrustedAccessNotEnabled is the error code of a gap whose Account Management data
// was not asked for: trusted access for AWS Account Management is
// not enabled in the organization (AWS would refuse every such call).
const CodeTrustedAccessNotEnabled = "TrustedAccessNotEnabled"

// enableAccountAccess tells how to enable trusted access for AWS Account
// Management; gaps and hints carry it.
const enableAccountAccess = "enable it in the management account with " +
	"`aws organizations enable-aws-service-access --service-principal account.amazonaws.com` " +
	"(or Organizations console > Services > AWS Account Management > Enable trusted access)"

// accountAccess is whether trusted access for AWS Account Management is
// enabled, asked once per run (organizations:ListAWSServiceAccessForOrganization).
type accountAccess struct {
	once  sync.Once
	state trustedAccess
}

type trustedAccess int

const (
	accessUnknown trustedAccess = iota
	accessEnabled
	accessDisabled
)

// accountManagementAccess reads, once per run and in the organization's
// bucket, whether trusted access for AWS Account Management is enabled.
// When it cannot be read the state is unknown and member accounts are
// asked anyway (a refusal then becomes a gap naming the likely cause).
func (c *collector) accountManagementAccess(ctx context.Context) trustedAccess {
	c.acctAccess.once.Do(func() {
		ctx := withBucket(ctx, BucketOrganization)
		oc := organizations.NewFromConfig(c.cfg)
		p := organizations.NewListAWSServiceAccessForOrganizationPaginator(oc, &organizations.ListAWSServiceAccessForOrganizationInput{})
		state := accessDisabled
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				code, msg := classify(err)
				c.log.Warn("cannot tell whether trusted access for AWS Account Management is enabled; asking member accounts anyway",
					"operation", "organizations:ListAWSServiceAccessForOrganization", "error_code", code, "message", msg)
				return
			}
			for _, sp := range page.EnabledServicePrincipals {
				if aws.ToString(sp.ServicePrincipal) == accountServicePrincipal {
					state = accessEnabled
				}
			}
		}
		c.acctAccess.state = state
		if state == accessDisabled {
			c.log.Warn("trusted access for AWS Account Management is not enabled: member accounts' alternate contacts and regions cannot be read; " + enableAccountAccess)
		}
	})
	return c.acctAccess.state
}

// collectAccountSettings reads what AWS Account Management knows of an
// account: its security contact (account:GetAlternateContact) and its
// enabled regions (account:ListRegions). Both are read with the caller's
// own credentials, for a member account with AccountId (which needs
// trusted access for AWS Account Management), so they do not depend on
// the audit role. Calls count in the account's bucket (ctx).
func (c *collector) collectAccountSettings(ctx context.Context, a *snapshot.Account) {
	if a.Status != "" && a.Status != "ACTIVE" {
		return
	}
	in := accountTarget{}
	if a.ID != c.caller.AccountID {
		if c.accountManagementAccess(ctx) == accessDisabled {
			msg := "trusted access for AWS Account Management is not enabled in the organization, so the management account cannot read member accounts' settings: " + enableAccountAccess
			c.addGap(a.ID, snapshot.SectionAlternateContacts, "account:GetAlternateContact", CodeTrustedAccessNotEnabled, msg)
			c.addGap(a.ID, snapshot.SectionRegions, "account:ListRegions", CodeTrustedAccessNotEnabled, msg)
			return
		}
		in.id = aws.String(a.ID)
	}
	ac := account.NewFromConfig(c.cfg)
	c.readSecurityContact(ctx, ac, a, in)
	c.readEnabledRegions(ctx, ac, a, in)
}

// accountTarget is the AccountId of Account Management calls: nil for the
// caller's own account (the management account must not name itself).
type accountTarget struct{ id *string }

// memberHint explains a refused call about a member account.
func (t accountTarget) memberHint(operation string, err error) string {
	if t.id == nil || !strings.HasPrefix(errorCode(err), "AccessDenied") {
		return ""
	}
	return " (reading a member account needs " + operation + " in the caller's policy and trusted access for AWS Account Management: " + enableAccountAccess + ")"
}

func (c *collector) readSecurityContact(ctx context.Context, ac *account.Client, a *snapshot.Account, t accountTarget) {
	const op = "account:GetAlternateContact"
	out, err := ac.GetAlternateContact(ctx, &account.GetAlternateContactInput{
		AccountId:            t.id,
		AlternateContactType: atypes.AlternateContactTypeSecurity,
	})
	switch {
	case err == nil && out.AlternateContact != nil:
		ct := out.AlternateContact
		a.AlternateContacts = &snapshot.AlternateContacts{Security: &snapshot.Contact{
			Name:  aws.ToString(ct.Name),
			Title: aws.ToString(ct.Title),
			Email: aws.ToString(ct.EmailAddress),
			Phone: aws.ToString(ct.PhoneNumber),
		}}
	case err == nil || errorCode(err) == "ResourceNotFoundException":
		// No security contact registered: a fact, not a gap.
		a.AlternateContacts = &snapshot.AlternateContacts{}
	default:
		c.gapHint(ctx, a.ID, snapshot.SectionAlternateContacts, op, t.memberHint(op, err), err)
	}
}

func (c *collector) readEnabledRegions(ctx context.Context, ac *account.Client, a *snapshot.Account, t accountTarget) {
	const op = "account:ListRegions"
	var regions []string
	p := account.NewListRegionsPaginator(ac, &account.ListRegionsInput{
		AccountId:               t.id,
		RegionOptStatusContains: []atypes.RegionOptStatus{atypes.RegionOptStatusEnabled, atypes.RegionOptStatusEnabledByDefault},
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			c.gapHint(ctx, a.ID, snapshot.SectionRegions, op, t.memberHint(op, err), err)
			return
		}
		for _, r := range page.Regions {
			switch r.RegionOptStatus {
			case atypes.RegionOptStatusEnabled, atypes.RegionOptStatusEnabledByDefault:
				regions = append(regions, aws.ToString(r.RegionName))
			}
		}
	}
	sort.Strings(regions)
	a.EnabledRegions = regions
	if len(regions) == 0 {
		c.addGap(a.ID, snapshot.SectionRegions, op, CodeInvalidDocument, "the answer lists no enabled region")
	}
}
