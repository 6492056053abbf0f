// Package snapshot holds the orgaudit snapshot model: one JSON document that
// describes an AWS organization, every member account's IAM configuration,
// IAM Identity Center, and what could not be collected (gaps). It loads,
// validates and writes snapshots; it does not talk to AWS.
package snapshot

import (
	"encoding/json"
	"time"
)

// SchemaVersion is the snapshot schema version this build reads and writes.
const SchemaVersion = "1"

// Scope values of Metadata.Scope.
const (
	// ScopeOrganization means the snapshot covers an AWS Organization.
	ScopeOrganization = "organization"
	// ScopeAccount means the snapshot covers a single account (the caller was
	// not in a management account, or had no Organizations access).
	ScopeAccount = "account"
)

// Snapshot is the whole graph of one collection run.
type Snapshot struct {
	SchemaVersion string          `json:"schema_version"`
	Metadata      Metadata        `json:"metadata"`
	Organization  *Organization   `json:"organization"`
	Accounts      []Account       `json:"accounts"`
	AWSPolicies   []Policy        `json:"aws_managed_policies"`
	Identity      *IdentityCenter `json:"identity_center"`
}

// Metadata describes the collection run itself.
type Metadata struct {
	CollectedAt time.Time `json:"collected_at"`
	ToolVersion string    `json:"tool_version"`
	Partition   string    `json:"partition"`
	Region      string    `json:"region,omitempty"`
	// Regions are the regions whose regional data (IAM Access Analyzer)
	// was read; RegionsSource says how they were chosen (one of the
	// RegionsFrom* constants). Both are absent in snapshots that read no
	// regional data.
	Regions       []string       `json:"regions,omitempty"`
	RegionsSource string         `json:"regions_source,omitempty"`
	Scope         string         `json:"scope"`
	ScopeNote     string         `json:"scope_note,omitempty"`
	Caller        Caller         `json:"caller"`
	APICalls      map[string]int `json:"api_calls,omitempty"`
	Gaps          []Gap          `json:"gaps"`
}

// Caller is the identity that ran the collection (sts:GetCallerIdentity).
type Caller struct {
	AccountID string `json:"account_id"`
	ARN       string `json:"arn"`
	UserID    string `json:"user_id,omitempty"`
}

// Gap records data that could not be read. Rules treat everything behind a
// gap as unknown, never as compliant.
type Gap struct {
	// AccountID is empty for organization-wide gaps.
	AccountID string `json:"account_id,omitempty"`
	// Section names the part of the snapshot that is missing or partial,
	// one of the Section* constants.
	Section   string `json:"section"`
	Operation string `json:"operation"`
	ErrorCode string `json:"error_code"`
	Message   string `json:"message"`
}

// Sections of a snapshot that a gap can cover and a rule can require.
const (
	SectionOrganization     = "organization"
	SectionOrgPolicies      = "organization.policies"
	SectionHandshakes       = "organization.handshakes"
	SectionDelegatedAdmins  = "organization.delegated_administrators"
	SectionAccount          = "account" // the whole account: the audit role could not be assumed
	SectionAuthDetails      = "iam.authorization_details"
	SectionAccountSummary   = "iam.account_summary"
	SectionCredentialReport = "iam.credential_report"
	SectionPasswordPolicy   = "iam.password_policy"
	SectionAliases          = "iam.aliases"
	SectionMFADevices       = "iam.mfa_devices"
	SectionProviders        = "iam.providers"
	SectionIdentityCenter   = "identity_center"
	// SectionAWSManagedPolicies covers aws_managed_policies: the document
	// of an AWS managed policy attached somewhere could not be read.
	SectionAWSManagedPolicies = "aws_managed_policies"
	// SectionAlternateContacts covers an account's alternate contacts
	// (account:GetAlternateContact, read from the management account).
	SectionAlternateContacts = "account.alternate_contacts"
	// SectionRegions covers an account's enabled regions
	// (account:ListRegions, read from the management account).
	SectionRegions = "account.regions"
	// SectionServerCertificates covers the IAM server certificates.
	SectionServerCertificates = "iam.server_certificates"
	// SectionAccessAnalyzer covers the IAM Access Analyzer analyzers of an
	// account in one or more regions (the message names the region).
	SectionAccessAnalyzer = "iam.access_analyzer"
)

// Values of Metadata.RegionsSource.
const (
	// RegionsFromFlag: the regions were given to collect (--regions).
	RegionsFromFlag = "flag"
	// RegionsFromEnabled: the regions enabled in the collected accounts
	// (account:ListRegions).
	RegionsFromEnabled = "enabled"
	// RegionsFromDefault: no account's enabled regions could be read; only
	// the collector's own region was read (see the gaps).
	RegionsFromDefault = "default"
)

// Sections lists every valid Gap.Section value, in schema order.
var Sections = []string{
	SectionOrganization, SectionOrgPolicies, SectionHandshakes, SectionDelegatedAdmins,
	SectionAccount, SectionAuthDetails, SectionAccountSummary, SectionCredentialReport,
	SectionPasswordPolicy, SectionAliases, SectionMFADevices, SectionProviders,
	SectionIdentityCenter, SectionAWSManagedPolicies,
	SectionAlternateContacts, SectionRegions, SectionServerCertificates, SectionAccessAnalyzer,
}

// Organization is the AWS Organization: its roots, OUs, policies and
// invitations.
type Organization struct {
	ID                     string                   `json:"id"`
	ARN                    string                   `json:"arn"`
	FeatureSet             string                   `json:"feature_set"`
	ManagementAccountID    string                   `json:"management_account_id"`
	ManagementAccountEmail string                   `json:"management_account_email,omitempty"`
	Roots                  []Root                   `json:"roots"`
	OrganizationalUnits    []OrganizationalUnit     `json:"organizational_units"`
	Policies               []OrgPolicy              `json:"policies"`
	Handshakes             []Handshake              `json:"handshakes"`
	DelegatedAdmins        []DelegatedAdministrator `json:"delegated_administrators"`
}

// Root is an organization root.
type Root struct {
	ID          string            `json:"id"`
	ARN         string            `json:"arn"`
	Name        string            `json:"name"`
	PolicyTypes []PolicyType      `json:"policy_types"`
	Tags        map[string]string `json:"tags,omitempty"`
}

// PolicyType is a policy type and whether it is enabled on a root.
type PolicyType struct {
	Type   string `json:"type"`
	Status string `json:"status"`
}

// OrganizationalUnit is an OU; ParentID is a root or another OU.
type OrganizationalUnit struct {
	ID       string            `json:"id"`
	ARN      string            `json:"arn"`
	Name     string            `json:"name"`
	ParentID string            `json:"parent_id"`
	Tags     map[string]string `json:"tags,omitempty"`
}

// OrgPolicy is an organization policy (a service control policy, usually)
// with its parsed document and the roots, OUs and accounts it is attached to.
type OrgPolicy struct {
	ID          string          `json:"id"`
	ARN         string          `json:"arn"`
	Name        string          `json:"name"`
	Description string          `json:"description,omitempty"`
	Type        string          `json:"type"`
	AWSManaged  bool            `json:"aws_managed"`
	Document    json.RawMessage `json:"document"`
	Targets     []PolicyTarget  `json:"targets"`
}

// PolicyTarget is a root, OU or account an organization policy is attached to.
type PolicyTarget struct {
	TargetID string `json:"target_id"`
	Type     string `json:"type"`
	Name     string `json:"name,omitempty"`
}

// Handshake is an organization invitation or other handshake.
type Handshake struct {
	ID          string           `json:"id"`
	ARN         string           `json:"arn,omitempty"`
	Action      string           `json:"action"`
	State       string           `json:"state"`
	RequestedAt *time.Time       `json:"requested_at,omitempty"`
	ExpiresAt   *time.Time       `json:"expires_at,omitempty"`
	Parties     []HandshakeParty `json:"parties"`
}

// HandshakeParty is one side of a handshake (an account id, an email or the
// organization id).
type HandshakeParty struct {
	ID   string `json:"id"`
	Type string `json:"type"`
}

// DelegatedAdministrator is a member account that administers a service for
// the organization.
type DelegatedAdministrator struct {
	AccountID         string   `json:"account_id"`
	ServicePrincipals []string `json:"service_principals"`
}

// Account is one AWS account: its place in the organization and its IAM
// configuration. IAM is nil when the account could not be read at all (see
// the gaps).
type Account struct {
	ID           string            `json:"id"`
	ARN          string            `json:"arn,omitempty"`
	Name         string            `json:"name"`
	Email        string            `json:"email,omitempty"`
	Status       string            `json:"status"`
	JoinedMethod string            `json:"joined_method,omitempty"`
	JoinedAt     *time.Time        `json:"joined_at,omitempty"`
	ParentID     string            `json:"parent_id,omitempty"`
	Tags         map[string]string `json:"tags,omitempty"`
	// AlternateContacts are the account's alternate contacts; nil when they
	// were not read (a gap with section account.alternate_contacts says
	// why, or the snapshot predates them).
	AlternateContacts *AlternateContacts `json:"alternate_contacts,omitempty"`
	// EnabledRegions lists the regions enabled in the account (enabled by
	// default or opted in); empty when they were not read.
	EnabledRegions []string `json:"enabled_regions,omitempty"`
	IAM            *IAM     `json:"iam"`
}

// AlternateContacts holds an account's alternate contacts by type. A nil
// contact was read and is not registered.
type AlternateContacts struct {
	Security *Contact `json:"security"`
}

// Contact is one alternate contact of an account.
type Contact struct {
	Name  string `json:"name,omitempty"`
	Title string `json:"title,omitempty"`
	Email string `json:"email,omitempty"`
	Phone string `json:"phone,omitempty"`
}

// IAM is one account's IAM configuration.
type IAM struct {
	Users            []User            `json:"users"`
	Groups           []Group           `json:"groups"`
	Roles            []Role            `json:"roles"`
	Policies         []Policy          `json:"policies"`
	Summary          map[string]int    `json:"summary"`
	CredentialReport *CredentialReport `json:"credential_report"`
	PasswordPolicy   *PasswordPolicy   `json:"password_policy"`
	Aliases          []string          `json:"aliases"`
	SAMLProviders    []SAMLProvider    `json:"saml_providers"`
	OIDCProviders    []OIDCProvider    `json:"oidc_providers"`
	VirtualMFA       []VirtualMFA      `json:"virtual_mfa_devices"`
	// ServerCertificates are the IAM server certificates, empty when there
	// are none; nil (and absent from the JSON) when they were not read (gap
	// iam.server_certificates, or an older snapshot).
	ServerCertificates []ServerCertificate `json:"server_certificates,omitzero"`
	// AccessAnalyzer is what IAM Access Analyzer was read of the account;
	// nil when no region was read.
	AccessAnalyzer *AccessAnalyzer `json:"access_analyzer,omitempty"`
}

// ServerCertificate is an IAM server certificate (its metadata only).
type ServerCertificate struct {
	Name       string     `json:"name"`
	ID         string     `json:"id,omitempty"`
	ARN        string     `json:"arn"`
	Path       string     `json:"path,omitempty"`
	UploadDate *time.Time `json:"upload_date,omitempty"`
	Expiration *time.Time `json:"expiration,omitempty"`
}

// AccessAnalyzer lists the IAM Access Analyzer analyzers of an account in
// the regions that were read.
type AccessAnalyzer struct {
	// Regions are the regions whose analyzers were listed; a region not
	// here is unknown.
	Regions   []string   `json:"regions"`
	Analyzers []Analyzer `json:"analyzers"`
}

// Analyzer is one IAM Access Analyzer analyzer.
type Analyzer struct {
	Name   string `json:"name"`
	ARN    string `json:"arn"`
	Region string `json:"region"`
	// Type is ACCOUNT, ORGANIZATION, ACCOUNT_UNUSED_ACCESS, ... as AWS
	// names it.
	Type   string `json:"type"`
	Status string `json:"status"`
}

// MFA device types of MFADevice.Type.
const (
	MFAHardware = "hardware"
	MFAVirtual  = "virtual"
)

// InlinePolicy is a policy embedded in a user, group or role.
type InlinePolicy struct {
	Name     string          `json:"name"`
	Document json.RawMessage `json:"document"`
}

// AttachedPolicy references a managed policy by ARN. Its document lives in
// the account's policies (customer managed) or the snapshot's
// aws_managed_policies.
type AttachedPolicy struct {
	ARN  string `json:"arn"`
	Name string `json:"name"`
}

// User is an IAM user.
type User struct {
	Name                string            `json:"name"`
	ID                  string            `json:"id"`
	ARN                 string            `json:"arn"`
	Path                string            `json:"path"`
	CreateDate          *time.Time        `json:"create_date,omitempty"`
	Groups              []string          `json:"groups"`
	InlinePolicies      []InlinePolicy    `json:"inline_policies"`
	AttachedPolicies    []AttachedPolicy  `json:"attached_policies"`
	PermissionsBoundary *AttachedPolicy   `json:"permissions_boundary,omitempty"`
	Tags                map[string]string `json:"tags,omitempty"`
	// MFADevices lists the virtual MFA devices assigned to the user; the
	// credential report's mfa_active also counts hardware devices.
	MFADevices []MFADevice `json:"mfa_devices"`
}

// MFADevice is an MFA device of a user.
type MFADevice struct {
	SerialNumber string     `json:"serial_number"`
	Type         string     `json:"type"`
	EnableDate   *time.Time `json:"enable_date,omitempty"`
}

// AccessKey is one access key slot (1 or 2) of a user or of root. Key ids
// are deliberately not recorded.
type AccessKey struct {
	Slot            int        `json:"slot"`
	Active          bool       `json:"active"`
	LastRotated     *time.Time `json:"last_rotated,omitempty"`
	LastUsed        *time.Time `json:"last_used,omitempty"`
	LastUsedService string     `json:"last_used_service,omitempty"`
	LastUsedRegion  string     `json:"last_used_region,omitempty"`
}

// Group is an IAM group.
type Group struct {
	Name             string           `json:"name"`
	ID               string           `json:"id"`
	ARN              string           `json:"arn"`
	Path             string           `json:"path"`
	CreateDate       *time.Time       `json:"create_date,omitempty"`
	InlinePolicies   []InlinePolicy   `json:"inline_policies"`
	AttachedPolicies []AttachedPolicy `json:"attached_policies"`
	Members          []string         `json:"members"`
}

// Role is an IAM role with its parsed trust policy.
type Role struct {
	Name                string            `json:"name"`
	ID                  string            `json:"id"`
	ARN                 string            `json:"arn"`
	Path                string            `json:"path"`
	Description         string            `json:"description,omitempty"`
	CreateDate          *time.Time        `json:"create_date,omitempty"`
	MaxSessionDuration  int               `json:"max_session_duration,omitempty"`
	TrustPolicy         json.RawMessage   `json:"trust_policy"`
	InlinePolicies      []InlinePolicy    `json:"inline_policies"`
	AttachedPolicies    []AttachedPolicy  `json:"attached_policies"`
	PermissionsBoundary *AttachedPolicy   `json:"permissions_boundary,omitempty"`
	LastUsed            *RoleLastUsed     `json:"last_used,omitempty"`
	Tags                map[string]string `json:"tags,omitempty"`
	// InstanceProfiles are the instance profiles that hold the role
	// (GetAccountAuthorizationDetails' InstanceProfileList). Nil means
	// unknown (snapshots written before they were recorded); an empty list
	// means none.
	InstanceProfiles []InstanceProfile `json:"instance_profiles,omitzero"`
}

// InstanceProfile is an EC2 instance profile: what passes a role to an
// instance.
type InstanceProfile struct {
	Name string `json:"name"`
	ARN  string `json:"arn"`
	Path string `json:"path,omitempty"`
}

// RoleLastUsed is when and where a role was last assumed.
type RoleLastUsed struct {
	Date   *time.Time `json:"date,omitempty"`
	Region string     `json:"region,omitempty"`
}

// Policy is a managed policy (customer managed in an account, or AWS
// managed in the snapshot's aws_managed_policies) with the document of its
// default version.
type Policy struct {
	Name             string          `json:"name"`
	ID               string          `json:"id,omitempty"`
	ARN              string          `json:"arn"`
	Path             string          `json:"path,omitempty"`
	DefaultVersionID string          `json:"default_version_id"`
	AttachmentCount  int             `json:"attachment_count"`
	Document         json.RawMessage `json:"document"`
}

// CredentialReport is the IAM credential report of one account.
type CredentialReport struct {
	GeneratedAt *time.Time            `json:"generated_at,omitempty"`
	Rows        []CredentialReportRow `json:"rows"`
}

// RootUserName is the user column of the root user's credential report row.
const RootUserName = "<root_account>"

// CredentialReportRow is one row of the credential report. Dates are null
// when the report says N/A, no_information or not_supported.
type CredentialReportRow struct {
	User                string      `json:"user"`
	ARN                 string      `json:"arn"`
	UserCreationTime    *time.Time  `json:"user_creation_time,omitempty"`
	PasswordEnabled     bool        `json:"password_enabled"`
	PasswordLastUsed    *time.Time  `json:"password_last_used,omitempty"`
	PasswordLastChanged *time.Time  `json:"password_last_changed,omitempty"`
	PasswordNextRotate  *time.Time  `json:"password_next_rotation,omitempty"`
	MFAActive           bool        `json:"mfa_active"`
	AccessKeys          []AccessKey `json:"access_keys"`
	Cert1Active         bool        `json:"cert_1_active"`
	Cert2Active         bool        `json:"cert_2_active"`
}

// PasswordPolicy is the account password policy. A nil *PasswordPolicy in a
// collected account means no policy is set.
type PasswordPolicy struct {
	MinimumPasswordLength      int  `json:"minimum_password_length"`
	RequireSymbols             bool `json:"require_symbols"`
	RequireNumbers             bool `json:"require_numbers"`
	RequireUppercaseCharacters bool `json:"require_uppercase_characters"`
	RequireLowercaseCharacters bool `json:"require_lowercase_characters"`
	AllowUsersToChangePassword bool `json:"allow_users_to_change_password"`
	ExpirePasswords            bool `json:"expire_passwords"`
	MaxPasswordAge             int  `json:"max_password_age,omitempty"`
	PasswordReusePrevention    int  `json:"password_reuse_prevention,omitempty"`
	HardExpiry                 bool `json:"hard_expiry"`
}

// SAMLProvider is an IAM SAML identity provider.
type SAMLProvider struct {
	ARN        string     `json:"arn"`
	ValidUntil *time.Time `json:"valid_until,omitempty"`
	CreateDate *time.Time `json:"create_date,omitempty"`
}

// OIDCProvider is an IAM OpenID Connect identity provider.
type OIDCProvider struct {
	ARN         string   `json:"arn"`
	URL         string   `json:"url,omitempty"`
	ClientIDs   []string `json:"client_ids"`
	Thumbprints []string `json:"thumbprints"`
}

// VirtualMFA is a virtual MFA device and the user it is assigned to, if any.
type VirtualMFA struct {
	SerialNumber string     `json:"serial_number"`
	UserARN      string     `json:"user_arn,omitempty"`
	EnableDate   *time.Time `json:"enable_date,omitempty"`
}

// IdentityCenter is IAM Identity Center: instances, permission sets,
// account assignments and the identity store's users and groups.
type IdentityCenter struct {
	Instances      []SSOInstance     `json:"instances"`
	PermissionSets []PermissionSet   `json:"permission_sets"`
	Assignments    []Assignment      `json:"assignments"`
	Users          []IdentityUser    `json:"users"`
	Groups         []IdentityGroup   `json:"groups"`
	Memberships    []GroupMembership `json:"group_memberships"`
}

// SSOInstance is an Identity Center instance.
type SSOInstance struct {
	ARN             string `json:"arn"`
	IdentityStoreID string `json:"identity_store_id"`
	OwnerAccountID  string `json:"owner_account_id,omitempty"`
	Name            string `json:"name,omitempty"`
	Status          string `json:"status,omitempty"`
}

// PermissionSet is an Identity Center permission set with its policies.
type PermissionSet struct {
	ARN                     string              `json:"arn"`
	InstanceARN             string              `json:"instance_arn"`
	Name                    string              `json:"name"`
	Description             string              `json:"description,omitempty"`
	SessionDuration         string              `json:"session_duration,omitempty"`
	ManagedPolicies         []AttachedPolicy    `json:"managed_policies"`
	CustomerManagedPolicies []CustomerPolicyRef `json:"customer_managed_policies"`
	InlinePolicy            json.RawMessage     `json:"inline_policy,omitempty"`
	PermissionsBoundary     *BoundaryRef        `json:"permissions_boundary,omitempty"`
	// Incomplete lists the operations that failed for this permission set
	// (each also a gap): what they read is unknown, the rest was read.
	// After sso:DescribePermissionSet failed, Name is empty.
	Incomplete []string `json:"incomplete,omitempty"`
}

// CustomerPolicyRef names a customer managed policy that must exist in each
// account a permission set is provisioned to.
type CustomerPolicyRef struct {
	Name string `json:"name"`
	Path string `json:"path,omitempty"`
}

// BoundaryRef is a permission set's permissions boundary: an AWS managed
// policy ARN or a customer managed policy reference.
type BoundaryRef struct {
	ManagedPolicyARN string             `json:"managed_policy_arn,omitempty"`
	CustomerPolicy   *CustomerPolicyRef `json:"customer_managed_policy,omitempty"`
}

// Assignment gives an Identity Center user or group a permission set in an
// account.
type Assignment struct {
	InstanceARN      string `json:"instance_arn"`
	AccountID        string `json:"account_id"`
	PermissionSetARN string `json:"permission_set_arn"`
	// PrincipalType is USER or GROUP.
	PrincipalType string `json:"principal_type"`
	PrincipalID   string `json:"principal_id"`
}

// IdentityUser is an Identity Store user.
type IdentityUser struct {
	ID              string   `json:"id"`
	IdentityStoreID string   `json:"identity_store_id"`
	UserName        string   `json:"user_name"`
	DisplayName     string   `json:"display_name,omitempty"`
	Emails          []string `json:"emails,omitempty"`
}

// IdentityGroup is an Identity Store group.
type IdentityGroup struct {
	ID              string `json:"id"`
	IdentityStoreID string `json:"identity_store_id"`
	DisplayName     string `json:"display_name"`
	Description     string `json:"description,omitempty"`
}

// GroupMembership puts an Identity Store user in a group.
type GroupMembership struct {
	IdentityStoreID string `json:"identity_store_id"`
	GroupID         string `json:"group_id"`
	UserID          string `json:"user_id"`
}
