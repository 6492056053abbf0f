// Package policy parses IAM policy documents and evaluates requests against
// them by AWS's documented policy evaluation logic. It knows nothing of
// snapshots or the network: callers hand it parsed documents and a request.
//
// # Parsing
//
// Parse accepts every form of the policy grammar (Statement as an object or
// a list; Action, Resource, Principal values as a string or a list;
// Principal as "*" or an object with AWS, Service, Federated and
// CanonicalUser keys; condition values as strings, booleans or numbers) and
// returns *ParseError values that name the statement (index and Sid).
// DecodeDocument and ParseRaw accept the URL-encoded and JSON-string forms
// the IAM API returns. Parse once and evaluate many times: action and
// resource wildcards, policy variables and condition values are
// precompiled. Unique ids of deleted principals (AROA..., AIDA...) are kept
// as AWSPrincipal values with Deleted() true; they never match.
//
// # Matching
//
// Actions match case-insensitively, resources and ARNs case-sensitively,
// with '*' and '?' wildcards. In documents of Version 2012-10-17, policy
// variables (${aws:username}, ${aws:PrincipalTag/team, 'default'}, ${*},
// ${?}, ${$}) are substituted in Resource and condition values from the
// request context. All condition operator families are implemented, with
// the IfExists suffix, the ForAnyValue and ForAllValues set qualifiers and
// the documented rules for missing keys and negated operators.
//
// # Partial evaluation
//
// A request context key is known (it has values), known absent, or
// unknown: a runtime fact that cannot be decided statically, such as MFA,
// sts:ExternalId, the source IP or request tags (Context.SetUnknown, which
// also takes patterns such as "aws:RequestTag/*" or "*"). A condition on an
// unknown key is neither true nor false. Evaluate carries it as a residual
// Clause instead of deciding it:
//
//   - Every statement that applies yields a ConditionSet: the conjunction
//     of its undecided clauses (empty when the statement applies
//     unconditionally).
//   - Allow statements of one policy layer are alternatives (OR); the
//     layers that must all allow (SCP levels, RCP levels, identity policy,
//     permissions boundary, session policy, resource policy) are combined
//     with AND. The result is kept in disjunctive normal form, simplified by
//     absorption, in Result.AllowedWhen: the request is allowed when any one
//     of those condition sets holds. Two Allow statements with different
//     unknown conditions give two alternatives.
//   - Deny statements whose conditions are undecided go to
//     Result.DeniedWhen: the request is explicitly denied when any of them
//     holds. Such a Deny can never make an Allowed result unconditional. A
//     Deny that applies whatever the unknowns are makes the decision
//     ExplicitlyDenied.
//
// So a caller asks Result.AllowedUnconditionally (Allowed, no residual
// condition), Result.AllowedConditionally (Allowed provided one set of
// AllowedWhen holds, if there is any, and no set of DeniedWhen holds) or
// Result.Denied (ImplicitlyDenied or ExplicitlyDenied whatever the
// unknowns are). Result.Statements names the deciding statements by the
// caller's policy label, statement index and Sid.
//
// # Evaluation
//
// Evaluate follows the IAM User Guide: an explicit Deny in any applicable
// policy wins; every SCP level of the principal's account must allow
// (except for the management account and service-linked roles), and every
// RCP level of the resource's account; the permissions boundary and session
// policies intersect with identity-based policies. Within one account an
// identity-based or a resource-based policy can allow: a resource-based
// policy naming the IAM user or the role session grants directly, naming
// the role is still limited by the boundary and session policy, naming the
// account delegates to identity-based policies. Across accounts both the
// identity side and the resource-based policy must allow. For
// sts:AssumeRole (and the other trust actions) the role's trust policy is
// the resource-based policy and is always required.
//
// Some requests are decided whatever the policies say, as AWS documents:
// sts:GetCallerIdentity is allowed to every IAM principal (even against an
// explicit Deny); changing an AWS managed policy (IsAWSManagedPolicyARN),
// or the trust, policies or boundary of a service-linked role or of a role
// IAM Identity Center provisioned (IsProtectedRoleARN), is denied.
// Principal "*" and {"AWS": "*"} are equivalent and name every caller,
// services included; a wildcard grant to a role session is not limited by
// its permissions boundary or session policy (AWS does not say; this is
// the answer that never hides access). A policy variable with no value
// matches nothing, so an inverted operator (StringNotEquals, ArnNotLike)
// holds and a NotResource with it covers every resource, as the IAM User
// Guide documents.
//
// Document.ValidateFor checks where Principal elements may appear:
// never in identity-based policies, boundaries, session policies and
// SCPs, always in resource-based policies.
//
// The simulate command's JSON input is SimulationInput; Simulate decodes
// and evaluates it, and the test corpus under testdata/cases runs through
// it.
package policy
