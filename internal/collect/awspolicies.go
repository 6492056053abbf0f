package collect

import (
	"context"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// collectAWSManagedPolicies reads, once per snapshot and with the caller's
// credentials, the default version of every AWS managed policy attached
// somewhere (to a user, group or role of a collected account, as a
// permissions boundary, or to a permission set). AWS managed policies are
// the same in every account, so reading them per account would only
// repeat large documents. attachment_count is the number of users, groups
// and roles they are attached to over the collected accounts.
func (c *collector) collectAWSManagedPolicies(ctx context.Context) []snapshot.Policy {
	c.refsMu.Lock()
	arns := make([]string, 0, len(c.awsRefs))
	for arn := range c.awsRefs {
		arns = append(arns, arn)
	}
	counts := make(map[string]int, len(c.awsRefs))
	for k, v := range c.awsRefs {
		counts[k] = v
	}
	c.refsMu.Unlock()
	sort.Strings(arns)

	ic := iam.NewFromConfig(c.cfg)
	out := make([]*snapshot.Policy, len(arns))
	forEach(ctx, c.opts.Concurrency, len(arns), func(i int) {
		arn := arns[i]
		gp, err := ic.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(arn)})
		if err != nil {
			c.gapAbout(ctx, "", snapshot.SectionAWSManagedPolicies, "iam:GetPolicy", arn, err)
			return
		}
		pol := snapshot.Policy{
			Name:             aws.ToString(gp.Policy.PolicyName),
			ID:               aws.ToString(gp.Policy.PolicyId),
			ARN:              arn,
			Path:             aws.ToString(gp.Policy.Path),
			DefaultVersionID: aws.ToString(gp.Policy.DefaultVersionId),
			AttachmentCount:  counts[arn],
		}
		if pol.Name == "" {
			pol.Name = policyNameFromARN(arn)
		}
		gv, err := ic.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String(pol.DefaultVersionID)})
		if err != nil {
			c.gapAbout(ctx, "", snapshot.SectionAWSManagedPolicies, "iam:GetPolicyVersion", arn, err)
			return
		}
		doc, err := parsePolicyDocument(aws.ToString(gv.PolicyVersion.Document))
		if err != nil {
			c.addGap("", snapshot.SectionAWSManagedPolicies, "iam:GetPolicyVersion", CodeInvalidDocument, arn+": "+err.Error())
			return
		}
		pol.Document = doc
		out[i] = &pol
	})
	policies := []snapshot.Policy{}
	for _, p := range out {
		if p != nil {
			policies = append(policies, *p)
		}
	}
	return policies
}
