package profiles

import "github.com/orgaudit/orgaudit/internal/engine"

// Rule ids of the profile checks.
const (
	RuleDefaultKeys      = "OA-PROFILE-001"
	RuleKeysOutsideSrc   = "OA-PROFILE-002"
	RuleSourceMissing    = "OA-PROFILE-003"
	RuleSourceCycle      = "OA-PROFILE-004"
	RuleFileReadable     = "OA-PROFILE-005"
	RuleRoleMissing      = "OA-PROFILE-006"
	RuleMFASerialMissing = "OA-PROFILE-007"
	RuleMFADeviceUnknown = "OA-PROFILE-008"
	RuleCannotAssume     = "OA-PROFILE-009"
)

const (
	refFiles     = "https://docs.aws.amazon.com/sdkref/latest/guide/file-format.html"
	refRoleCreds = "https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-role.html"
	refKeys      = "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#bp-workloads-use-roles"
	refLocation  = "https://docs.aws.amazon.com/sdkref/latest/guide/file-location.html"
	refMFA       = "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html"
)

// snapshotRules are the rules that need a snapshot.
var snapshotRules = map[string]bool{RuleRoleMissing: true, RuleMFASerialMissing: true, RuleMFADeviceUnknown: true, RuleCannotAssume: true}

// Rules returns the metadata of the profile checks, sorted by id. Without
// a snapshot only the checks that read the files alone run.
func Rules(withSnapshot bool) []engine.Rule {
	var out []engine.Rule
	for _, r := range allRules {
		if snapshotRules[r.ID] && !withSnapshot {
			continue
		}
		r.Package = "orgaudit.profiles"
		r.File = "internal/profiles/rules.go"
		r.Source = "builtin"
		out = append(out, r)
	}
	return out
}

var allRules = []engine.Rule{
	{
		ID:       RuleDefaultKeys,
		Title:    "The default profile holds long-term access keys",
		Severity: engine.SeverityHigh,
		Description: "A [default] profile with an IAM user's access keys is used by every command that names no " +
			"--profile: with many accounts, a command meant for one lands in another. Keep long-term keys only " +
			"in a named source profile and leave [default] without credentials.",
		Remediation: "Move aws_access_key_id and aws_secret_access_key from [default] to a named profile, e.g.\n" +
			"  [demo-master-cobus]\n  aws_access_key_id = AKIA...\n  aws_secret_access_key = ...\n" +
			"and pass --profile (or AWS_PROFILE) explicitly.",
		RelatedResources: []string{refFiles, refKeys},
	},
	{
		ID:       RuleKeysOutsideSrc,
		Title:    "Long-term access keys in a profile that is not a source profile",
		Severity: engine.SeverityMedium,
		Description: "Long-term keys belong in one source profile per person, which role profiles name as " +
			"source_profile; keys in any other profile are extra copies of long-term credentials, used " +
			"directly instead of through a role.",
		Remediation: "Delete the keys from this profile (and deactivate them in IAM if they are a second key), " +
			"and reach the account through a role profile:\n" +
			"  [profile demo-development-cobus]\n  role_arn = arn:aws:iam::ACCOUNT:role/ROLE\n  source_profile = demo-master-cobus",
		RelatedResources: []string{refRoleCreds, refKeys},
	},
	{
		ID:       RuleSourceMissing,
		Title:    "A profile's source_profile does not exist or holds no credentials",
		Severity: engine.SeverityMedium,
		Description: "A role profile names a source_profile that neither file defines, or one without " +
			"any credentials: the CLI and SDKs refuse to use it.",
		Remediation:      "Point source_profile at the profile holding the credentials, or add that profile.",
		RelatedResources: []string{refRoleCreds},
	},
	{
		ID:       RuleSourceCycle,
		Title:    "A profile's source_profile chain forms a cycle",
		Severity: engine.SeverityMedium,
		Description: "Following source_profile from this profile comes back to a profile already on the " +
			"chain without reaching credentials: the SDK cannot resolve it.",
		Remediation: "Break the cycle: the last profile of a chain must hold credentials (keys, SSO, " +
			"credential_process) or use credential_source.",
		RelatedResources: []string{refRoleCreds},
	},
	{
		ID:       RuleFileReadable,
		Title:    "A file holding credentials is readable by other users",
		Severity: engine.SeverityHigh,
		Description: "The shared credentials file (or a config file holding keys) can be read by the " +
			"file's group or by everyone: other local users and processes can copy the keys.",
		Remediation:      "chmod 600 ~/.aws/credentials (and ~/.aws/config if it holds keys).",
		RelatedResources: []string{refLocation},
	},
	{
		ID:       RuleRoleMissing,
		Title:    "A profile's role does not exist",
		Severity: engine.SeverityMedium,
		Description: "The profile's role_arn names a role that the snapshot's account does not have (or " +
			"is not a role ARN): the profile cannot work, and a role created later under that name would " +
			"be assumed without review.",
		Remediation:      "Fix role_arn (orgaudit profiles generate writes profiles for the roles that exist), or delete the profile.",
		RelatedResources: []string{refRoleCreds},
	},
	{
		ID:       RuleMFASerialMissing,
		Title:    "A role profile has no mfa_serial while the role requires MFA",
		Severity: engine.SeverityLow,
		Description: "The role can only be assumed with MFA, but the profile has no mfa_serial: the CLI " +
			"never asks for a code, so every use of the profile is denied.",
		Remediation:      "Add mfa_serial = arn:aws:iam::ACCOUNT:mfa/USER (the source user's device) to the profile.",
		RelatedResources: []string{refRoleCreds, refMFA},
	},
	{
		ID:       RuleMFADeviceUnknown,
		Title:    "A profile's mfa_serial is not a device of the source user",
		Severity: engine.SeverityLow,
		Description: "The mfa_serial names an MFA device that the source profile's user does not have: " +
			"AssumeRole fails, or the profile belongs to someone else.",
		Remediation:      "Set mfa_serial to the ARN of the source user's MFA device (aws iam list-mfa-devices).",
		RelatedResources: []string{refRoleCreds, refMFA},
	},
	{
		ID:       RuleCannotAssume,
		Title:    "A role profile's source cannot assume the role",
		Severity: engine.SeverityMedium,
		Description: "According to the access graph (identity policies, groups, boundaries, SCPs and the " +
			"role's trust policy), the principal behind the source profile cannot assume the profile's " +
			"role at all: the profile is stale, or the grant or trust it relies on is missing.",
		Remediation: "Delete the profile, or grant sts:AssumeRole on the role to the source user's group and " +
			"trust the source account in the role (orgaudit paths shows who can reach the role).",
		RelatedResources: []string{refRoleCreds},
	},
}
