package collect

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"
)

// ErrOperationNotAllowed is returned, before anything is sent, for every AWS
// API operation that is not on the collector's read-only allowlist.
var ErrOperationNotAllowed = errors.New("operation not on the read-only allowlist")

// allowedService is one AWS service the collector talks to: the SDK's
// service id, the IAM action prefix of its operations, and the operations
// the collector may call.
type allowedService struct {
	serviceID  string
	iamPrefix  string
	operations []string
}

// allowlist names every operation the collector may call, explicitly, per
// service. Anything else fails in the client before it is signed or sent.
// docs/audit-role-policy.json grants exactly these actions (a test keeps the
// two equal).
var allowlist = []allowedService{
	{
		serviceID: "IAM",
		iamPrefix: "iam",
		operations: []string{
			"GenerateCredentialReport",
			"GetAccountAuthorizationDetails",
			"GetAccountPasswordPolicy",
			"GetAccountSummary",
			"GetCredentialReport",
			"GetOpenIDConnectProvider",
			"GetPolicy",
			"GetPolicyVersion",
			"ListAccountAliases",
			"ListOpenIDConnectProviders",
			"ListRoles",
			"ListSAMLProviders",
			"ListServerCertificates",
			"ListVirtualMFADevices",
		},
	},
	{
		serviceID: "Organizations",
		iamPrefix: "organizations",
		operations: []string{
			"DescribeOrganization",
			"DescribePolicy",
			"ListAWSServiceAccessForOrganization",
			"ListAccountsForParent",
			"ListDelegatedAdministrators",
			"ListDelegatedServicesForAccount",
			"ListHandshakesForOrganization",
			"ListOrganizationalUnitsForParent",
			"ListPolicies",
			"ListRoots",
			"ListTagsForResource",
			"ListTargetsForPolicy",
		},
	},
	{
		serviceID: "Account",
		iamPrefix: "account",
		operations: []string{
			"GetAlternateContact",
			"ListRegions",
		},
	},
	{
		serviceID: "AccessAnalyzer",
		iamPrefix: "access-analyzer",
		operations: []string{
			"ListAnalyzers",
		},
	},
	{
		serviceID: "STS",
		iamPrefix: "sts",
		operations: []string{
			"AssumeRole",
			"GetCallerIdentity",
		},
	},
	{
		serviceID: "SSO Admin",
		iamPrefix: "sso",
		operations: []string{
			"DescribePermissionSet",
			"GetInlinePolicyForPermissionSet",
			"GetPermissionsBoundaryForPermissionSet",
			"ListAccountAssignments",
			"ListCustomerManagedPolicyReferencesInPermissionSet",
			"ListInstances",
			"ListManagedPoliciesInPermissionSet",
			"ListPermissionSets",
			"ListPermissionSetsProvisionedToAccount",
		},
	},
	{
		serviceID: "identitystore",
		iamPrefix: "identitystore",
		operations: []string{
			"ListGroupMemberships",
			"ListGroups",
			"ListUsers",
		},
	},
}

// allowed is the allowlist as a set of "service id/operation".
var allowed = func() map[string]string {
	m := map[string]string{}
	for _, s := range allowlist {
		for _, op := range s.operations {
			m[s.serviceID+"/"+op] = s.iamPrefix + ":" + op
		}
	}
	return m
}()

// AllowedActions returns the IAM actions (service:Operation) of every
// operation the collector may call, sorted.
func AllowedActions() []string {
	out := make([]string, 0, len(allowed))
	for _, action := range allowed {
		out = append(out, action)
	}
	sort.Strings(out)
	return out
}

// allowlistMiddleware rejects, at the start of the middleware stack (before
// serialization, signing and sending), every operation not on the
// allowlist.
var allowlistMiddleware = middleware.InitializeMiddlewareFunc("OrgauditReadOnlyAllowlist",
	func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
		service, op := operationOf(ctx)
		if _, ok := allowed[service+"/"+op]; !ok {
			return middleware.InitializeOutput{}, middleware.Metadata{},
				fmt.Errorf("%s %s: %w", service, op, ErrOperationNotAllowed)
		}
		return next.HandleInitialize(ctx, in)
	})

// operationOf names the operation of a request being initialized: from the
// context the client's invokeOperation sets (every SDK module version),
// else from the stack values of its service metadata middleware (which
// older modules only set later in the initialize step).
func operationOf(ctx context.Context) (service, op string) {
	service, op = middleware.GetServiceID(ctx), middleware.GetOperationName(ctx)
	if service == "" {
		service = awsmiddleware.GetServiceID(ctx)
	}
	if op == "" {
		op = awsmiddleware.GetOperationName(ctx)
	}
	return service, op
}

// addAllowlist installs the allowlist as the first initialize middleware.
func addAllowlist(stack *middleware.Stack) error {
	return stack.Initialize.Add(allowlistMiddleware, middleware.Before)
}

// AuditRolePolicy returns the minimal IAM policy document the collector
// needs: every allowlisted action and nothing else, one statement per
// service. docs/audit-role-policy.json is this document.
func AuditRolePolicy() []byte {
	var b strings.Builder
	b.WriteString("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n")
	services := slices.Clone(allowlist)
	sort.Slice(services, func(i, j int) bool { return services[i].iamPrefix < services[j].iamPrefix })
	for i, s := range services {
		ops := slices.Clone(s.operations)
		sort.Strings(ops)
		sid := "OrgauditRead" + sidName(s.iamPrefix)
		fmt.Fprintf(&b, "    {\n      \"Sid\": %q,\n      \"Effect\": \"Allow\",\n      \"Action\": [\n", sid)
		for j, op := range ops {
			sep := ","
			if j == len(ops)-1 {
				sep = ""
			}
			fmt.Fprintf(&b, "        %q%s\n", s.iamPrefix+":"+op, sep)
		}
		sep := ","
		if i == len(services)-1 {
			sep = ""
		}
		fmt.Fprintf(&b, "      ],\n      \"Resource\": \"*\"\n    }%s\n", sep)
	}
	b.WriteString("  ]\n}\n")
	return []byte(b.String())
}

func sidName(prefix string) string {
	switch prefix {
	case "iam":
		return "IAM"
	case "sts":
		return "STS"
	case "sso":
		return "IdentityCenter"
	case "identitystore":
		return "IdentityStore"
	case "organizations":
		return "Organizations"
	case "access-analyzer":
		return "AccessAnalyzer"
	}
	return strings.ToUpper(prefix[:1]) + prefix[1:]
}
