package mototest

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	itypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"
	istypes "github.com/aws/aws-sdk-go-v2/service/identitystore/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	otypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"
	stypes "github.com/aws/aws-sdk-go-v2/service/ssoadmin/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// ManagementAccountID is the account moto gives every access key it does
// not know: the seeded organization's management account.
const ManagementAccountID = "123456789012"

// Region is the region seeded resources live in.
const Region = "us-east-1"

// Seeder writes test fixtures into moto through the AWS SDK (with no
// allowlist: seeding writes).
type Seeder struct {
	Endpoint string
	cfg      aws.Config
}

// NewSeeder returns a seeder acting as the management account.
func NewSeeder(endpoint string) *Seeder {
	cfg := aws.Config{
		Region:           Region,
		Credentials:      credentials.NewStaticCredentialsProvider("AKIAMOTOSEEDER000001", "seeder-secret", ""),
		BaseEndpoint:     aws.String(endpoint),
		RetryMaxAttempts: 1,
	}
	return &Seeder{Endpoint: endpoint, cfg: cfg}
}

// Config is the management account's SDK configuration.
func (s *Seeder) Config() aws.Config { return s.cfg }

// AccountConfig returns an SDK configuration acting in accountID through
// OrganizationAccountAccessRole (the management account's own for it).
func (s *Seeder) AccountConfig(ctx context.Context, accountID string) (aws.Config, error) {
	if accountID == ManagementAccountID {
		return s.cfg, nil
	}
	out, err := sts.NewFromConfig(s.cfg).AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn:         aws.String("arn:aws:iam::" + accountID + ":role/OrganizationAccountAccessRole"),
		RoleSessionName: aws.String("seed"),
	})
	if err != nil {
		return aws.Config{}, fmt.Errorf("assume into %s: %w", accountID, err)
	}
	cfg := s.cfg.Copy()
	c := out.Credentials
	cfg.Credentials = credentials.NewStaticCredentialsProvider(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
	return cfg, nil
}

// Org is what SeedStandard created, for assertions.
type Org struct {
	ID     string
	RootID string
	// OUs by name: Security, Workloads, Prod (in Workloads), NonProd (in
	// Workloads).
	OUs map[string]string
	// Accounts by name: management, identity (in Security), prod (in
	// Prod), dev (in NonProd).
	Accounts map[string]string
	// SCPs by name: DenyLeaveOrganization (on Workloads), DenyIAMUsers
	// (on the prod account).
	SCPs map[string]string

	InstanceARN      string
	IdentityStoreID  string
	PermissionSetARN string
	SSOGroupID       string
	SSOUserID        string
}

// Documents used by the standard organization.
const (
	mfaTrust            = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:root"},"Action":"sts:AssumeRole","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}`
	anyTrust            = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:root"},"Action":"sts:AssumeRole"}]}`
	oidcTrust           = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::%s:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringLike":{"token.actions.githubusercontent.com:sub":"repo:acme/*"}}}]}`
	assumeAdminPolicy   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::*:role/Admin","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}`
	boundaryPolicy      = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","cloudformation:*"],"Resource":"*"}]}`
	denyLeaveSCP        = `{"Version":"2012-10-17","Statement":[{"Sid":"DenyLeave","Effect":"Deny","Action":"organizations:LeaveOrganization","Resource":"*"}]}`
	denyUsersSCP        = `{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":["iam:CreateUser","iam:CreateAccessKey"],"Resource":"*"}}`
	permissionSetInline = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"organizations:*","Resource":"*"}]}`
)

// createOrganization creates an organization with all features and
// returns its id and its root's id.
func createOrganization(ctx context.Context, oc *organizations.Client) (id, root string, err error) {
	co, err := oc.CreateOrganization(ctx, &organizations.CreateOrganizationInput{FeatureSet: otypes.OrganizationFeatureSetAll})
	if err != nil {
		return "", "", fmt.Errorf("create organization: %w", err)
	}
	roots, err := oc.ListRoots(ctx, &organizations.ListRootsInput{})
	if err != nil {
		return "", "", fmt.Errorf("list roots: %w", err)
	}
	return aws.ToString(co.Organization.Id), aws.ToString(roots.Roots[0].Id), nil
}

// SeedStandard builds the organization the integration tests assert on:
//
//	Root
//	├── management 123456789012: user legacy-admin (AdministratorAccess,
//	│   access key, no MFA), an unassigned virtual MFA device, Identity
//	│   Center (permission set AdministratorAccess assigned to group
//	│   Platform in prod)
//	├── OU Security ── identity: users alice (console, MFA, key; group
//	│                  admins) and bob (key; group developers), password
//	│                  policy, alias acme-identity; delegated
//	│                  administrator for guardduty.amazonaws.com
//	│                  (trusted access for AWS Account Management)
//	└── OU Workloads (SCP DenyLeaveOrganization, tag env)
//	    ├── OU Prod ── prod: roles Admin (trust identity with MFA),
//	    │              ReadOnly (trust identity, no MFA), ci-deploy (OIDC,
//	    │              boundary), OIDC provider; SCP DenyIAMUsers
//	    └── OU NonProd ── dev: role Admin (trust identity, no MFA), SAML
//	                      provider
func (s *Seeder) SeedStandard(ctx context.Context) (*Org, error) {
	o := &Org{OUs: map[string]string{}, Accounts: map[string]string{"management": ManagementAccountID}, SCPs: map[string]string{}}
	oc := organizations.NewFromConfig(s.cfg)
	var err error
	if o.ID, o.RootID, err = createOrganization(ctx, oc); err != nil {
		return nil, err
	}

	mkOU := func(name, parent string, tags ...otypes.Tag) error {
		out, err := oc.CreateOrganizationalUnit(ctx, &organizations.CreateOrganizationalUnitInput{Name: aws.String(name), ParentId: aws.String(parent), Tags: tags})
		if err != nil {
			return fmt.Errorf("create ou %s: %w", name, err)
		}
		o.OUs[name] = aws.ToString(out.OrganizationalUnit.Id)
		return nil
	}
	if err := mkOU("Security", o.RootID); err != nil {
		return nil, err
	}
	if err := mkOU("Workloads", o.RootID, otypes.Tag{Key: aws.String("env"), Value: aws.String("workloads")}); err != nil {
		return nil, err
	}
	if err := mkOU("Prod", o.OUs["Workloads"]); err != nil {
		return nil, err
	}
	if err := mkOU("NonProd", o.OUs["Workloads"]); err != nil {
		return nil, err
	}
	for _, a := range []struct{ name, ou string }{{"identity", "Security"}, {"prod", "Prod"}, {"dev", "NonProd"}} {
		id, err := s.CreateAccount(ctx, a.name, o.OUs[a.ou], otypes.Tag{Key: aws.String("owner"), Value: aws.String("team-" + a.name)})
		if err != nil {
			return nil, err
		}
		o.Accounts[a.name] = id
	}

	for _, p := range []struct{ name, doc, target string }{
		{"DenyLeaveOrganization", denyLeaveSCP, o.OUs["Workloads"]},
		{"DenyIAMUsers", denyUsersSCP, o.Accounts["prod"]},
	} {
		out, err := oc.CreatePolicy(ctx, &organizations.CreatePolicyInput{
			Name: aws.String(p.name), Description: aws.String(p.name), Type: otypes.PolicyTypeServiceControlPolicy, Content: aws.String(p.doc),
		})
		if err != nil {
			return nil, fmt.Errorf("create scp %s: %w", p.name, err)
		}
		id := aws.ToString(out.Policy.PolicySummary.Id)
		o.SCPs[p.name] = id
		if _, err := oc.AttachPolicy(ctx, &organizations.AttachPolicyInput{PolicyId: aws.String(id), TargetId: aws.String(p.target)}); err != nil {
			return nil, fmt.Errorf("attach scp %s: %w", p.name, err)
		}
	}
	if _, err := oc.RegisterDelegatedAdministrator(ctx, &organizations.RegisterDelegatedAdministratorInput{
		AccountId: aws.String(o.Accounts["identity"]), ServicePrincipal: aws.String("guardduty.amazonaws.com"),
	}); err != nil {
		return nil, fmt.Errorf("register delegated administrator: %w", err)
	}
	// Trusted access for AWS Account Management, so that the management
	// account reads member accounts' alternate contacts.
	if _, err := oc.EnableAWSServiceAccess(ctx, &organizations.EnableAWSServiceAccessInput{ServicePrincipal: aws.String("account.amazonaws.com")}); err != nil {
		return nil, fmt.Errorf("enable trusted access for account management: %w", err)
	}

	if err := s.seedManagement(ctx); err != nil {
		return nil, err
	}
	if err := s.seedIdentity(ctx, o.Accounts["identity"]); err != nil {
		return nil, err
	}
	if err := s.seedProd(ctx, o.Accounts["prod"], o.Accounts["identity"]); err != nil {
		return nil, err
	}
	if err := s.seedDev(ctx, o.Accounts["dev"], o.Accounts["identity"]); err != nil {
		return nil, err
	}
	if err := s.seedIdentityCenter(ctx, o); err != nil {
		return nil, err
	}
	return o, nil
}

// CreateAccount creates a member account and moves it under parent. moto
// creates OrganizationAccountAccessRole in it, trusting the management
// account.
func (s *Seeder) CreateAccount(ctx context.Context, name, parent string, tags ...otypes.Tag) (string, error) {
	oc := organizations.NewFromConfig(s.cfg)
	out, err := oc.CreateAccount(ctx, &organizations.CreateAccountInput{
		AccountName: aws.String(name), Email: aws.String(name + "@example.com"), Tags: tags,
	})
	if err != nil {
		return "", fmt.Errorf("create account %s: %w", name, err)
	}
	id := aws.ToString(out.CreateAccountStatus.AccountId)
	if parent != "" {
		roots, err := oc.ListRoots(ctx, &organizations.ListRootsInput{})
		if err != nil {
			return "", fmt.Errorf("list roots: %w", err)
		}
		root := aws.ToString(roots.Roots[0].Id)
		if parent != root {
			if _, err := oc.MoveAccount(ctx, &organizations.MoveAccountInput{
				AccountId: aws.String(id), SourceParentId: aws.String(root), DestinationParentId: aws.String(parent),
			}); err != nil {
				return "", fmt.Errorf("move account %s: %w", name, err)
			}
		}
	}
	return id, nil
}

func (s *Seeder) seedManagement(ctx context.Context) error {
	ic := iam.NewFromConfig(s.cfg)
	steps := []func() error{
		func() error {
			_, err := ic.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("legacy-admin")})
			return err
		},
		func() error {
			_, err := ic.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("legacy-admin"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")})
			return err
		},
		func() error {
			_, err := ic.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("legacy-admin")})
			return err
		},
		func() error {
			_, err := ic.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("spare")})
			return err
		},
	}
	return run("seed management account", steps)
}

func (s *Seeder) seedIdentity(ctx context.Context, account string) error {
	cfg, err := s.AccountConfig(ctx, account)
	if err != nil {
		return err
	}
	ic := iam.NewFromConfig(cfg)
	var serial *string
	steps := []func() error{
		func() error {
			_, err := ic.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("admins")})
			return err
		},
		func() error {
			_, err := ic.PutGroupPolicy(ctx, &iam.PutGroupPolicyInput{GroupName: aws.String("admins"), PolicyName: aws.String("assume-admin"), PolicyDocument: aws.String(assumeAdminPolicy)})
			return err
		},
		func() error {
			_, err := ic.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("developers")})
			return err
		},
		func() error {
			_, err := ic.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String("developers"), PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")})
			return err
		},
		func() error {
			_, err := ic.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("alice"), Tags: []itypes.Tag{{Key: aws.String("team"), Value: aws.String("platform")}}})
			return err
		},
		func() error {
			_, err := ic.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("bob"), Path: aws.String("/dev/")})
			return err
		},
		func() error {
			_, err := ic.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("admins"), UserName: aws.String("alice")})
			return err
		},
		func() error {
			_, err := ic.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("developers"), UserName: aws.String("alice")})
			return err
		},
		func() error {
			_, err := ic.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("developers"), UserName: aws.String("bob")})
			return err
		},
		func() error {
			_, err := ic.CreateLoginProfile(ctx, &iam.CreateLoginProfileInput{UserName: aws.String("alice"), Password: aws.String("Correct-Horse-9!")})
			return err
		},
		func() error {
			_, err := ic.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("alice")})
			return err
		},
		func() error {
			_, err := ic.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("bob")})
			return err
		},
		func() error {
			out, err := ic.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("alice")})
			if err == nil {
				serial = out.VirtualMFADevice.SerialNumber
			}
			return err
		},
		func() error {
			_, err := ic.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{
				UserName: aws.String("alice"), SerialNumber: serial, AuthenticationCode1: aws.String("123456"), AuthenticationCode2: aws.String("654321"),
			})
			return err
		},
		func() error {
			_, err := ic.UpdateAccountPasswordPolicy(ctx, &iam.UpdateAccountPasswordPolicyInput{
				MinimumPasswordLength: aws.Int32(14), RequireSymbols: true, RequireNumbers: true, PasswordReusePrevention: aws.Int32(24),
			})
			return err
		},
		func() error {
			_, err := ic.CreateAccountAlias(ctx, &iam.CreateAccountAliasInput{AccountAlias: aws.String("acme-identity")})
			return err
		},
	}
	return run("seed identity account", steps)
}

func (s *Seeder) seedProd(ctx context.Context, account, identity string) error {
	cfg, err := s.AccountConfig(ctx, account)
	if err != nil {
		return err
	}
	ic := iam.NewFromConfig(cfg)
	var boundaryARN *string
	steps := []func() error{
		func() error {
			_, err := ic.CreateRole(ctx, &iam.CreateRoleInput{
				RoleName: aws.String("Admin"), AssumeRolePolicyDocument: aws.String(fmt.Sprintf(mfaTrust, identity)),
				Description: aws.String("break-glass administrators"), MaxSessionDuration: aws.Int32(3600),
			})
			return err
		},
		func() error {
			_, err := ic.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("Admin"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")})
			return err
		},
		func() error {
			_, err := ic.CreateRole(ctx, &iam.CreateRoleInput{
				RoleName: aws.String("ReadOnly"), AssumeRolePolicyDocument: aws.String(fmt.Sprintf(anyTrust, identity)), MaxSessionDuration: aws.Int32(43200),
			})
			return err
		},
		func() error {
			_, err := ic.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("ReadOnly"), PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")})
			return err
		},
		func() error {
			_, err := ic.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{
				Url: aws.String("https://token.actions.githubusercontent.com"), ClientIDList: []string{"sts.amazonaws.com"},
				ThumbprintList: []string{"6938fd4d98bab03faadb97b34396831e3780aea1"},
			})
			return err
		},
		func() error {
			out, err := ic.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("deploy-boundary"), Path: aws.String("/boundaries/"), PolicyDocument: aws.String(boundaryPolicy)})
			if err == nil {
				boundaryARN = out.Policy.Arn
			}
			return err
		},
		func() error {
			_, err := ic.CreateRole(ctx, &iam.CreateRoleInput{
				RoleName: aws.String("ci-deploy"), Path: aws.String("/ci/"), AssumeRolePolicyDocument: aws.String(fmt.Sprintf(oidcTrust, account)),
				PermissionsBoundary: boundaryARN, Tags: []itypes.Tag{{Key: aws.String("pipeline"), Value: aws.String("github")}},
			})
			return err
		},
		func() error {
			_, err := ic.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("ci-deploy"), PolicyName: aws.String("deploy"), PolicyDocument: aws.String(boundaryPolicy)})
			return err
		},
		func() error {
			_, err := ic.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("ci-deploy"), PolicyArn: boundaryARN})
			return err
		},
	}
	return run("seed prod account", steps)
}

func (s *Seeder) seedDev(ctx context.Context, account, identity string) error {
	cfg, err := s.AccountConfig(ctx, account)
	if err != nil {
		return err
	}
	ic := iam.NewFromConfig(cfg)
	steps := []func() error{
		func() error {
			_, err := ic.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("Admin"), AssumeRolePolicyDocument: aws.String(fmt.Sprintf(anyTrust, identity))})
			return err
		},
		func() error {
			_, err := ic.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("Admin"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")})
			return err
		},
		func() error {
			_, err := ic.CreateSAMLProvider(ctx, &iam.CreateSAMLProviderInput{Name: aws.String("corporate-idp"), SAMLMetadataDocument: aws.String(samlMetadata)})
			return err
		},
	}
	return run("seed dev account", steps)
}

// seedIdentityCenter creates a permission set with every kind of policy
// but a permissions boundary (moto does not implement
// PutPermissionsBoundaryToPermissionSet), a group with a user, and assigns
// the group the permission set in the prod account. moto does not
// provision a permission set on assignment as AWS does, so it is
// provisioned explicitly.
func (s *Seeder) seedIdentityCenter(ctx context.Context, o *Org) error {
	sc := ssoadmin.NewFromConfig(s.cfg)
	isc := identitystore.NewFromConfig(s.cfg)
	inst, err := sc.ListInstances(ctx, &ssoadmin.ListInstancesInput{})
	if err != nil {
		return fmt.Errorf("list identity center instances: %w", err)
	}
	if len(inst.Instances) == 0 {
		return errors.New("list identity center instances: moto returned none")
	}
	o.InstanceARN = aws.ToString(inst.Instances[0].InstanceArn)
	o.IdentityStoreID = aws.ToString(inst.Instances[0].IdentityStoreId)
	steps := []func() error{
		func() error {
			out, err := sc.CreatePermissionSet(ctx, &ssoadmin.CreatePermissionSetInput{
				InstanceArn: aws.String(o.InstanceARN), Name: aws.String("AdministratorAccess"), Description: aws.String("full access"), SessionDuration: aws.String("PT8H"),
			})
			if err == nil {
				o.PermissionSetARN = aws.ToString(out.PermissionSet.PermissionSetArn)
			}
			return err
		},
		func() error {
			_, err := sc.AttachManagedPolicyToPermissionSet(ctx, &ssoadmin.AttachManagedPolicyToPermissionSetInput{
				InstanceArn: aws.String(o.InstanceARN), PermissionSetArn: aws.String(o.PermissionSetARN), ManagedPolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess"),
			})
			return err
		},
		func() error {
			_, err := sc.AttachCustomerManagedPolicyReferenceToPermissionSet(ctx, &ssoadmin.AttachCustomerManagedPolicyReferenceToPermissionSetInput{
				InstanceArn: aws.String(o.InstanceARN), PermissionSetArn: aws.String(o.PermissionSetARN),
				CustomerManagedPolicyReference: &stypes.CustomerManagedPolicyReference{Name: aws.String("deploy-boundary"), Path: aws.String("/boundaries/")},
			})
			return err
		},
		func() error {
			_, err := sc.PutInlinePolicyToPermissionSet(ctx, &ssoadmin.PutInlinePolicyToPermissionSetInput{
				InstanceArn: aws.String(o.InstanceARN), PermissionSetArn: aws.String(o.PermissionSetARN), InlinePolicy: aws.String(permissionSetInline),
			})
			return err
		},
		func() error {
			out, err := isc.CreateUser(ctx, &identitystore.CreateUserInput{
				IdentityStoreId: aws.String(o.IdentityStoreID), UserName: aws.String("jane"), DisplayName: aws.String("Jane Doe"),
				Name:   &istypes.Name{GivenName: aws.String("Jane"), FamilyName: aws.String("Doe")},
				Emails: []istypes.Email{{Value: aws.String("jane@example.com"), Primary: true}},
			})
			if err == nil {
				o.SSOUserID = aws.ToString(out.UserId)
			}
			return err
		},
		func() error {
			out, err := isc.CreateGroup(ctx, &identitystore.CreateGroupInput{IdentityStoreId: aws.String(o.IdentityStoreID), DisplayName: aws.String("Platform"), Description: aws.String("platform team")})
			if err == nil {
				o.SSOGroupID = aws.ToString(out.GroupId)
			}
			return err
		},
		func() error {
			_, err := isc.CreateGroupMembership(ctx, &identitystore.CreateGroupMembershipInput{
				IdentityStoreId: aws.String(o.IdentityStoreID), GroupId: aws.String(o.SSOGroupID), MemberId: &istypes.MemberIdMemberUserId{Value: o.SSOUserID},
			})
			return err
		},
		func() error {
			_, err := sc.CreateAccountAssignment(ctx, &ssoadmin.CreateAccountAssignmentInput{
				InstanceArn: aws.String(o.InstanceARN), PermissionSetArn: aws.String(o.PermissionSetARN),
				PrincipalType: stypes.PrincipalTypeGroup, PrincipalId: aws.String(o.SSOGroupID),
				TargetType: stypes.TargetTypeAwsAccount, TargetId: aws.String(o.Accounts["prod"]),
			})
			return err
		},
		func() error {
			_, err := sc.ProvisionPermissionSet(ctx, &ssoadmin.ProvisionPermissionSetInput{
				InstanceArn: aws.String(o.InstanceARN), PermissionSetArn: aws.String(o.PermissionSetARN),
				TargetType: stypes.ProvisionTargetTypeAwsAccount, TargetId: aws.String(o.Accounts["prod"]),
			})
			return err
		},
	}
	return run("seed identity center", steps)
}

func run(what string, steps []func() error) error {
	for i, step := range steps {
		if err := step(); err != nil {
			return fmt.Errorf("%s, step %d: %w", what, i+1, err)
		}
	}
	return nil
}

// samlMetadata is a minimal SAML metadata document (moto does not parse it
// beyond storing it).
const samlMetadata = `<?xml version="1.0"?><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.example.com/saml"><md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.com/sso"/></md:IDPSSODescriptor></md:EntityDescriptor>`

// SeedTypicalOrg creates an organization with n member accounts in one
// OU, each seeded by SeedTypicalAccount, and returns their ids. Accounts
// are seeded workers at a time.
func (s *Seeder) SeedTypicalOrg(ctx context.Context, n, workers int) ([]string, error) {
	oc := organizations.NewFromConfig(s.cfg)
	_, root, err := createOrganization(ctx, oc)
	if err != nil {
		return nil, err
	}
	ou, err := oc.CreateOrganizationalUnit(ctx, &organizations.CreateOrganizationalUnitInput{Name: aws.String("Workloads"), ParentId: aws.String(root)})
	if err != nil {
		return nil, fmt.Errorf("create ou: %w", err)
	}
	ids := make([]string, n)
	for i := range ids {
		id, err := s.CreateAccount(ctx, fmt.Sprintf("workload-%03d", i), aws.ToString(ou.OrganizationalUnit.Id))
		if err != nil {
			return nil, err
		}
		ids[i] = id
	}
	errs := make(chan error, n)
	next := make(chan string)
	var wg sync.WaitGroup
	for w := 0; w < max(1, workers); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range next {
				if err := s.SeedTypicalAccount(ctx, id, ManagementAccountID); err != nil {
					errs <- err
				}
			}
		}()
	}
	for _, id := range ids {
		next <- id
	}
	close(next)
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return nil, err
	}
	return ids, nil
}

// SeedTypicalAccount gives an account what a typical workload account
// has: an administrator role that requires MFA from the identity account,
// a read-only role, a deployment role with an inline policy and a
// permissions boundary, a break-glass user with console access, MFA and an
// access key, a SAML provider (as Identity Center creates), an alias and a
// password policy.
func (s *Seeder) SeedTypicalAccount(ctx context.Context, account, identity string) error {
	cfg, err := s.AccountConfig(ctx, account)
	if err != nil {
		return err
	}
	ic := iam.NewFromConfig(cfg)
	var boundaryARN, serial *string
	steps := []func() error{
		func() error {
			_, err := ic.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("Admin"), AssumeRolePolicyDocument: aws.String(fmt.Sprintf(mfaTrust, identity))})
			return err
		},
		func() error {
			_, err := ic.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("Admin"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")})
			return err
		},
		func() error {
			_, err := ic.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("ReadOnly"), AssumeRolePolicyDocument: aws.String(fmt.Sprintf(anyTrust, identity))})
			return err
		},
		func() error {
			_, err := ic.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("ReadOnly"), PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")})
			return err
		},
		func() error {
			out, err := ic.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("deploy-boundary"), PolicyDocument: aws.String(boundaryPolicy)})
			if err == nil {
				boundaryARN = out.Policy.Arn
			}
			return err
		},
		func() error {
			_, err := ic.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("Deploy"), AssumeRolePolicyDocument: aws.String(fmt.Sprintf(anyTrust, identity)), PermissionsBoundary: boundaryARN})
			return err
		},
		func() error {
			_, err := ic.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("Deploy"), PolicyName: aws.String("deploy"), PolicyDocument: aws.String(boundaryPolicy)})
			return err
		},
		func() error {
			_, err := ic.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("breakglass")})
			return err
		},
		func() error {
			_, err := ic.CreateLoginProfile(ctx, &iam.CreateLoginProfileInput{UserName: aws.String("breakglass"), Password: aws.String("Correct-Horse-9!")})
			return err
		},
		func() error {
			_, err := ic.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("breakglass")})
			return err
		},
		func() error {
			out, err := ic.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("breakglass")})
			if err == nil {
				serial = out.VirtualMFADevice.SerialNumber
			}
			return err
		},
		func() error {
			_, err := ic.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{
				UserName: aws.String("breakglass"), SerialNumber: serial, AuthenticationCode1: aws.String("123456"), AuthenticationCode2: aws.String("654321"),
			})
			return err
		},
		func() error {
			_, err := ic.CreateSAMLProvider(ctx, &iam.CreateSAMLProviderInput{Name: aws.String("AWSSSO_0123456789abcdef_DO_NOT_DELETE"), SAMLMetadataDocument: aws.String(samlMetadata)})
			return err
		},
		func() error {
			_, err := ic.CreateAccountAlias(ctx, &iam.CreateAccountAliasInput{AccountAlias: aws.String("acme-" + account)})
			return err
		},
		func() error {
			_, err := ic.UpdateAccountPasswordPolicy(ctx, &iam.UpdateAccountPasswordPolicyInput{MinimumPasswordLength: aws.Int32(14)})
			return err
		},
	}
	return run("seed typical account "+account, steps)
}
