package compliance

// cisIAM is section 1 (Identity and Access Management) of the CIS Amazon
// Web Services Foundations Benchmark in versions 3.0.0, 4.0.0 and 5.0.0,
// one row per control, with its id in each version ("" where the version
// lacks it). Version 4.0.0 kept the numbering of 3.0.0; version 5.0.0
// dropped the security questions control (3.0.0 1.3), so every later
// control moved up by one. Controls are matched across versions by their
// text, not their number.
var cisIAM = []struct {
	v3, v4, v5 string
	title      string // as in 5.0.0 (3.0.0 for the dropped control)
	kind       Kind
	manual     string
	reason     string
}{
	{v3: "1.1", v4: "1.1", v5: "1.1", title: "Maintain current contact details", kind: Manual,
		manual: "For every account, open the account settings (console: account menu > Account; for a member account, " +
			"AWS Organizations > AWS accounts > the account > Contact info, or `aws account get-contact-information --account-id ID` " +
			"from the management account) and check that the contact address, email and phone reach a team (a mail alias, a hunt group), " +
			"not one person, and are current. Record who checked and when."},
	{v3: "1.2", v4: "1.2", v5: "1.2", title: "Ensure security contact information is registered", kind: Automated},
	{v3: "1.3", v4: "1.3", title: "Ensure security questions are registered in the AWS account", kind: Manual,
		manual: "Sign in as the root user of every account, open Account > Configure security challenge questions (where the console " +
			"still offers it), and check that answers are set and kept where the organization keeps root credentials. " +
			"No API reads them."},
	{v3: "1.4", v4: "1.4", v5: "1.3", title: "Ensure no 'root' user account access key exists", kind: Automated},
	{v3: "1.5", v4: "1.5", v5: "1.4", title: "Ensure MFA is enabled for the 'root' user account", kind: Automated},
	{v3: "1.6", v4: "1.6", v5: "1.5", title: "Ensure hardware MFA is enabled for the 'root' user account", kind: Automated},
	{v3: "1.7", v4: "1.7", v5: "1.6", title: "Eliminate use of the 'root' user for administrative and daily tasks", kind: Automated},
	{v3: "1.8", v4: "1.8", v5: "1.7", title: "Ensure IAM password policy requires minimum length of 14 or greater", kind: Automated},
	{v3: "1.9", v4: "1.9", v5: "1.8", title: "Ensure IAM password policy prevents password reuse", kind: Automated},
	{v3: "1.10", v4: "1.10", v5: "1.9", title: "Ensure multi-factor authentication (MFA) is enabled for all IAM users that have a console password", kind: Automated},
	{v3: "1.11", v4: "1.11", v5: "1.10", title: "Do not create access keys during initial setup for IAM users with a console password", kind: Automated},
	{v3: "1.12", v4: "1.12", v5: "1.11", title: "Ensure credentials unused for 45 days or more are disabled", kind: Automated},
	{v3: "1.13", v4: "1.13", v5: "1.12", title: "Ensure there is only one active access key for any single IAM user", kind: Automated},
	{v3: "1.14", v4: "1.14", v5: "1.13", title: "Ensure access keys are rotated every 90 days or less", kind: Automated},
	{v3: "1.15", v4: "1.15", v5: "1.14", title: "Ensure IAM users receive permissions only through groups", kind: Automated},
	{v3: "1.16", v4: "1.16", v5: "1.15", title: "Ensure IAM policies that allow full \"*:*\" administrative privileges are not attached", kind: Automated},
	{v3: "1.17", v4: "1.17", v5: "1.16", title: "Ensure a support role has been created to manage incidents with AWS Support", kind: Automated},
	{v3: "1.18", v4: "1.18", v5: "1.17", title: "Ensure IAM instance roles are used for AWS resource access from instances", kind: NotApplicable,
		reason: "deciding it needs an inventory of EC2 instances and their instance profiles in every region, which orgaudit does not collect " +
			"(it reads identities and policies, not workloads); check it with the AWS Config managed rule ec2-instance-profile-attached " +
			"or `aws ec2 describe-instances --query 'Reservations[].Instances[?!IamInstanceProfile].InstanceId'` in each region"},
	{v3: "1.19", v4: "1.19", v5: "1.18", title: "Ensure that all expired SSL/TLS certificates stored in AWS IAM are removed", kind: Automated},
	{v3: "1.20", v4: "1.20", v5: "1.19", title: "Ensure that IAM External Access Analyzer is enabled for all regions", kind: Automated},
	{v3: "1.21", v4: "1.21", v5: "1.20", title: "Ensure IAM users are managed centrally via identity federation or AWS Organizations for multi-account environments", kind: Automated},
	{v3: "1.22", v4: "1.22", v5: "1.21", title: "Ensure access to AWSCloudShellFullAccess is restricted", kind: Automated},
}

// frameworks is the catalogue, built from the rows above.
var frameworks = func() []Framework {
	versions := []struct {
		id, title string
		pick      func(v3, v4, v5 string) string
	}{
		{CISv3, "CIS Amazon Web Services Foundations Benchmark v3.0.0", func(v3, _, _ string) string { return v3 }},
		{CISv4, "CIS Amazon Web Services Foundations Benchmark v4.0.0", func(_, v4, _ string) string { return v4 }},
		{CISv5, "CIS Amazon Web Services Foundations Benchmark v5.0.0", func(_, _, v5 string) string { return v5 }},
	}
	var out []Framework
	for _, v := range versions {
		f := Framework{ID: v.id, Title: v.title, Scope: "section 1, Identity and Access Management"}
		for _, row := range cisIAM {
			id := v.pick(row.v3, row.v4, row.v5)
			if id == "" {
				continue
			}
			same := map[string]string{}
			for _, o := range versions {
				if oid := o.pick(row.v3, row.v4, row.v5); o.id != v.id && oid != "" {
					same[o.id] = oid
				}
			}
			f.Controls = append(f.Controls, Control{ID: id, Title: row.title, Kind: row.kind, ManualSteps: row.manual, Reason: row.reason, Same: same})
		}
		out = append(out, f)
	}
	return out
}()
