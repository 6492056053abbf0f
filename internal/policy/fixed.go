package policy

import "strings"

// Requests whose answer AWS documents independently of any policy: they
// are decided before the policies are read.

// actionGetCallerIdentity needs no permission and ignores explicit denies
// (AWS STS API Reference, GetCallerIdentity: "No permissions are required
// to perform this operation. If an administrator attaches a policy to your
// identity that explicitly denies access to the sts:GetCallerIdentity
// action, you can still perform this operation.").
const actionGetCallerIdentity = "sts:getcalleridentity"

// managedPolicyWrites are the IAM actions that change a managed policy.
// AWS managed policies cannot be changed by account principals (IAM User
// Guide, Managed policies and inline policies § AWS managed policies:
// "You cannot change the permissions defined in AWS managed policies.").
var managedPolicyWrites = []string{
	"iam:createpolicyversion", "iam:setdefaultpolicyversion", "iam:deletepolicyversion",
	"iam:deletepolicy", "iam:tagpolicy", "iam:untagpolicy",
}

// protectedRoleWrites are the IAM actions that change a role's trust,
// permissions or boundary, or delete it. Service-linked roles are defined
// by their service (IAM User Guide, Service-linked roles: "The linked
// service defines the permissions of its service-linked roles, and unless
// defined otherwise, only that service can assume the roles"; only their
// description can be edited), and the roles IAM Identity Center provisions
// are protected ("Cannot perform the operation on the protected role
// 'AWSReservedSSO_...' - this role is only modifiable by AWS", IAM User
// Guide, Troubleshooting IAM roles).
var protectedRoleWrites = []string{
	"iam:updateassumerolepolicy", "iam:putrolepolicy", "iam:attachrolepolicy",
	"iam:deleterolepolicy", "iam:detachrolepolicy", "iam:putrolepermissionsboundary",
	"iam:deleterolepermissionsboundary", "iam:deleterole",
}

// fixedDecision returns the decision of a request that AWS decides
// whatever the policies say, and false for every other request.
func fixedDecision(p *requestPrincipal, action, resource string) (Result, bool) {
	switch {
	case equalFoldLower(actionGetCallerIdentity, action) && p.iamPrincipal():
		return Result{Decision: Allowed, Statements: []StatementRef{},
			Reason: "allowed whatever the policies say: sts:GetCallerIdentity needs no permission, and an explicit deny does not stop it"}, true
	case IsAWSManagedPolicyARN(resource) && actionIn(action, managedPolicyWrites):
		return Result{Decision: ImplicitlyDenied, Statements: []StatementRef{},
			Reason: "denied whatever the policies say: AWS managed policies cannot be changed by account principals"}, true
	case IsProtectedRoleARN(resource) && actionIn(action, protectedRoleWrites):
		return Result{Decision: ImplicitlyDenied, Statements: []StatementRef{},
			Reason: "denied whatever the policies say: service-linked roles and the roles IAM Identity Center provisions cannot be modified by account principals"}, true
	}
	return Result{}, false
}

func actionIn(action string, lower []string) bool {
	for _, a := range lower {
		if equalFoldLower(a, action) {
			return true
		}
	}
	return false
}

// IsAWSManagedPolicyARN reports whether arn names an AWS managed policy
// (arn:PARTITION:iam::aws:policy/...), which no account principal can
// change.
func IsAWSManagedPolicyARN(arn string) bool {
	a, ok := splitARN(arn)
	return ok && a.service == "iam" && a.account == "aws" && strings.HasPrefix(a.resource, "policy/")
}

// IsProtectedRoleARN reports whether arn names a role that account
// principals cannot modify: a service-linked role (path
// /aws-service-role/) or a role IAM Identity Center provisions (path
// /aws-reserved/sso.amazonaws.com/).
func IsProtectedRoleARN(arn string) bool {
	a, ok := splitARN(arn)
	if !ok || a.service != "iam" {
		return false
	}
	return strings.HasPrefix(a.resource, "role/aws-service-role/") || strings.HasPrefix(a.resource, "role/aws-reserved/sso.amazonaws.com/")
}
