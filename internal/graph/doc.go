// Package graph builds the access graph of a snapshot: who can assume
// what, under which conditions, across the whole organization, and answers
// path questions over it ("who can reach prod?").
//
// # Nodes
//
// Nodes are the principals that can start or continue a path: IAM users
// and roles, the roles Identity Center provisions for permission sets
// (a virtual node when the snapshot does not hold the provisioned role),
// Identity Center users and groups, SAML and OIDC providers (and web
// identity providers such as accounts.google.com), accounts whose
// principals the snapshot does not describe (accounts outside the snapshot,
// or member accounts whose IAM data is missing), single principals of such
// accounts, and "*", any AWS principal outside the organization. Node ids
// are ARNs where a principal has one (the account root ARN stands for an
// account), "ic:user/ID" and "ic:group/ID" for Identity Center, and "*".
//
// # Edges
//
// An edge means "can assume": sts:AssumeRole, sts:AssumeRoleWithSAML,
// sts:AssumeRoleWithWebIdentity, or an Identity Center sign-in through a
// permission-set assignment. Every AWS edge is decided by the policy
// evaluator with both sides: the caller's identity policies (inline,
// attached and group policies), its permissions boundary and the SCPs of
// its account's path (the management account and service-linked roles are
// exempt), and the role's trust policy (plus RCPs of the role's account).
// Facts the snapshot knows (principal ARN, account, organization id and
// paths, principal and resource tags, whether an IAM user has an MFA
// device) are known to the evaluator; session facts (MFA, sts:ExternalId,
// source IP or VPC, source identity, request tags...) are unknown, so
// conditions on them stay on the edge as Conditions, neither assumed true
// nor false.
//
// Escalation edges ("escalate:..." kinds, escalate.go) mean "becomes": the
// caller may take over a user (access key, console password) or a role
// (its trust policy), add itself to a group (a user-in-group node), raise
// its own permissions (an edge to the account's administrator node), or
// pass a role to a service that runs its code. Each is decided by the
// evaluator like an assume edge and carries its Evidence. Administrator
// and user-in-group nodes are states, never sources.
//
// # Scale
//
// The builder never evaluates all pairs. Trust policies are read once per
// role and name their candidate callers (named principals, account roots,
// "*"); identity policies are indexed by the role ARNs their
// sts:AssumeRole statements may cover, so principals without such a grant
// are never evaluated against other accounts' roles. Principals with
// identical policy sets, SCP path, tags and MFA state form a class; where
// neither the class's policies nor the trust policy look at
// principal-specific keys (aws:PrincipalArn, aws:PrincipalAccount,
// aws:username, aws:userid, aws:PrincipalOrgPaths) one evaluation decides
// for the whole class and is stored as one class edge ("every member of
// class C, except those in the listed accounts, can assume R"), which
// keeps an organization-wide trust ("Principal": "*" with
// aws:PrincipalOrgID) linear in size. Classes look only at the statements
// that can match sts:AssumeRole; keys that differ only between accounts
// (aws:PrincipalAccount, aws:PrincipalOrgPaths) are decided per account;
// principals a trust names in a Deny or NotPrincipal are evaluated on
// their own. Tests compare every shortcut with per-principal evaluation.
//
// # Paths
//
// Paths follow role chaining transitively and stop at the first node
// inside the target. For each principal that reaches the target, Paths
// gives the shortest path, the number of distinct simple paths of at most
// MaxHops hops, and whether every such path needs MFA.
package graph
