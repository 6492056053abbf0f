package plan

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// allowAll is the document orgaudit evaluates for a policy whose content
// is known only after apply: it could grant (or fail to restrict)
// anything.
var allowAll = json.RawMessage(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)

// administratorAccess is the AWS managed policy AWS attaches to the role
// it creates in a new member account.
const administratorAccess = "arn:aws:iam::aws:policy/AdministratorAccess"

func (a *applier) apply(rc *tfjson.ResourceChange) error {
	c := a.change(rc)
	var summary string
	var accounts []string
	var err error
	switch rc.Type {
	case "aws_organizations_organization":
		summary, err = a.organization(c)
	case "aws_organizations_organizational_unit":
		summary, err = a.ou(c)
	case "aws_organizations_account":
		summary, err = a.account(c)
	case "aws_organizations_policy":
		summary, err = a.orgPolicy(c)
	case "aws_organizations_policy_attachment":
		summary, err = a.orgPolicyAttachment(c)
	case "aws_ssoadmin_permission_set", "aws_ssoadmin_account_assignment", "aws_ssoadmin_managed_policy_attachment", "aws_ssoadmin_permission_set_inline_policy":
		summary, err = a.identityCenter(c)
	default:
		accounts = c.accounts()
		summary, err = a.iam(c, accounts)
	}
	if err != nil {
		return err
	}
	a.res.Resources = append(a.res.Resources, Resource{Address: rc.Address, Type: rc.Type, Actions: actionNames(rc.Change.Actions), Accounts: accounts, Summary: summary})
	return nil
}

// org returns the organization, or an error naming the resource that needs
// one.
func (a *applier) org(c *change) (*snapshot.Organization, error) {
	if a.s.Organization == nil {
		return nil, fmt.Errorf("the snapshot has no organization and the plan creates none before this %s", c.rc.Type)
	}
	return a.s.Organization, nil
}

func (a *applier) organization(c *change) (string, error) {
	if c.deletes() && !c.puts() {
		if a.s.Organization == nil {
			return "organization already absent", nil
		}
		a.s.Organization = nil
		a.s.Metadata.Scope = snapshot.ScopeAccount
		return "organization deleted: the snapshot keeps the management account alone", nil
	}
	o := a.s.Organization
	created := false
	if o == nil {
		mgmt := a.s.Metadata.Caller.AccountID
		if mgmt == "" && len(a.s.Accounts) == 1 {
			mgmt = a.s.Accounts[0].ID
		}
		if mgmt == "" {
			return "", fmt.Errorf("cannot tell the management account: the snapshot names no caller")
		}
		id, ok := c.str("id", nil)
		if !ok || id == "" {
			id = "o-plannedorg1"
		}
		root := "r-plan"
		o = &snapshot.Organization{
			ID: id, ARN: fmt.Sprintf("arn:aws:organizations::%s:organization/%s", mgmt, id), ManagementAccountID: mgmt,
			Roots:               []snapshot.Root{{ID: root, ARN: fmt.Sprintf("arn:aws:organizations::%s:root/%s/%s", mgmt, id, root), Name: "Root", PolicyTypes: []snapshot.PolicyType{}}},
			OrganizationalUnits: []snapshot.OrganizationalUnit{}, Policies: []snapshot.OrgPolicy{}, Handshakes: []snapshot.Handshake{}, DelegatedAdmins: []snapshot.DelegatedAdministrator{},
		}
		a.s.Organization = o
		a.s.Metadata.Scope = snapshot.ScopeOrganization
		for i := range a.s.Accounts {
			if a.s.Accounts[i].ParentID == "" {
				a.s.Accounts[i].ParentID = root
			}
			if a.s.Accounts[i].Status == "" {
				a.s.Accounts[i].Status = "ACTIVE"
			}
		}
		created = true
		a.unknown(c.rc.Address, "id, roots", fmt.Sprintf("known after apply: the organization is %s with root %s here", id, root))
	}
	if fs, ok := c.str("feature_set", nil); ok && fs != "" {
		o.FeatureSet = fs
	} else if o.FeatureSet == "" {
		o.FeatureSet = "ALL" // the provider's default
	}
	if types, ok := c.strings("enabled_policy_types", c.after); ok && len(o.Roots) > 0 && c.has("enabled_policy_types") {
		pt := []snapshot.PolicyType{}
		for _, t := range types {
			pt = append(pt, snapshot.PolicyType{Type: t, Status: "ENABLED"})
		}
		o.Roots[0].PolicyTypes = pt
	}
	c.setValues(map[string]any{"id": o.ID, "arn": o.ARN, "master_account_id": o.ManagementAccountID, "roots[0].id": o.Roots[0].ID})
	verb := "updated"
	if created {
		verb = "created"
	}
	return fmt.Sprintf("organization %s %s, feature set %s", o.ID, verb, o.FeatureSet), nil
}

// parent resolves a parent_id, through references when it is known only
// after apply; unknown parents are the root, said so.
func (a *applier) parent(c *change, o *snapshot.Organization) string {
	if p, ok := c.str("parent_id", isParent); ok && isParent(p) {
		return p
	}
	root := ""
	if len(o.Roots) > 0 {
		root = o.Roots[0].ID
	}
	a.unknown(c.rc.Address, "parent_id", "known after apply and not resolved through the configuration: placed under the root "+root)
	return root
}

func (a *applier) ou(c *change) (string, error) {
	o, err := a.org(c)
	if err != nil {
		return "", err
	}
	if c.deletes() {
		id := c.beforeStr("id")
		o.OrganizationalUnits = slices.DeleteFunc(o.OrganizationalUnits, func(u snapshot.OrganizationalUnit) bool { return u.ID == id })
		if !c.puts() {
			return "OU " + c.beforeStr("name") + " deleted", nil
		}
	}
	name, _ := c.str("name", nil)
	parent := a.parent(c, o)
	id, ok := c.str("id", func(s string) bool { return strings.HasPrefix(s, "ou-") })
	if !ok || id == "" {
		id = fmt.Sprintf("ou-plan-%08d", a.next("ou"))
	}
	ou := snapshot.OrganizationalUnit{ID: id, ARN: fmt.Sprintf("arn:aws:organizations::%s:ou/%s/%s", o.ManagementAccountID, o.ID, id), Name: name, ParentID: parent, Tags: c.tags()}
	i := slices.IndexFunc(o.OrganizationalUnits, func(u snapshot.OrganizationalUnit) bool { return u.ID == id })
	verb := "created"
	if i >= 0 {
		o.OrganizationalUnits[i] = ou
		verb = "updated"
	} else {
		o.OrganizationalUnits = append(o.OrganizationalUnits, ou)
	}
	c.setValues(map[string]any{"id": id, "arn": ou.ARN})
	return fmt.Sprintf("OU %s (%s) %s under %s", name, id, verb, parent), nil
}

// placeholderAccount returns an unused 12-digit id for an account the plan
// creates.
func (a *applier) placeholderAccount() string {
	for {
		id := fmt.Sprintf("9999%08d", a.next("account"))
		if !slices.ContainsFunc(a.s.Accounts, func(x snapshot.Account) bool { return x.ID == id }) {
			return id
		}
	}
}

func (a *applier) account(c *change) (string, error) {
	o, err := a.org(c)
	if err != nil {
		return "", err
	}
	if c.deletes() {
		id := c.beforeStr("id")
		a.s.Accounts = slices.DeleteFunc(a.s.Accounts, func(x snapshot.Account) bool { return x.ID == id })
		for i := range o.Policies {
			o.Policies[i].Targets = slices.DeleteFunc(o.Policies[i].Targets, func(t snapshot.PolicyTarget) bool { return t.TargetID == id })
		}
		if !c.puts() {
			return fmt.Sprintf("account %s (%s) leaves the organization", c.beforeStr("name"), id), nil
		}
	}
	name, _ := c.str("name", nil)
	email, _ := c.str("email", nil)
	parent := a.parent(c, o)
	id, ok := c.str("id", isAccountID)
	i := slices.IndexFunc(a.s.Accounts, func(x snapshot.Account) bool { return ok && x.ID == id })
	if i >= 0 {
		acc := &a.s.Accounts[i]
		from := acc.ParentID
		acc.Name, acc.ParentID = name, parent
		if email != "" {
			acc.Email = email
		}
		if c.has("tags") {
			acc.Tags = c.tags()
		}
		c.setValues(map[string]any{"id": id, "arn": acc.ARN})
		if from != parent {
			return fmt.Sprintf("account %s (%s) moved from %s to %s", name, id, from, parent), nil
		}
		return fmt.Sprintf("account %s (%s) updated", name, id), nil
	}
	if !ok || !isAccountID(id) {
		id = a.placeholderAccount()
		a.unknown(c.rc.Address, "id", fmt.Sprintf("known after apply: the new account %s is %s here", name, id))
	}
	roleName, _ := c.str("role_name", isName)
	if roleName == "" {
		roleName = "OrganizationAccountAccessRole"
	}
	acc := snapshot.Account{
		ID: id, ARN: fmt.Sprintf("arn:aws:organizations::%s:account/%s/%s", o.ManagementAccountID, o.ID, id),
		Name: name, Email: email, Status: "ACTIVE", JoinedMethod: "CREATED", ParentID: parent, Tags: c.tags(),
		IAM: newIAM(),
	}
	acc.IAM.Roles = append(acc.IAM.Roles, snapshot.Role{
		Name: roleName, ID: "AROAPLANNED" + id, ARN: "arn:aws:iam::" + id + ":role/" + roleName, Path: "/",
		TrustPolicy:      json.RawMessage(fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:root"},"Action":"sts:AssumeRole"}]}`, o.ManagementAccountID)),
		InlinePolicies:   []snapshot.InlinePolicy{},
		AttachedPolicies: []snapshot.AttachedPolicy{{ARN: administratorAccess, Name: "AdministratorAccess"}},
	})
	a.ensureAWSPolicy(c.rc.Address, administratorAccess)
	a.s.Accounts = append(a.s.Accounts, acc)
	for _, sec := range []string{snapshot.SectionCredentialReport, snapshot.SectionAccountSummary} {
		a.s.Metadata.Gaps = append(a.s.Metadata.Gaps, snapshot.Gap{AccountID: id, Section: sec, Operation: "terraform:plan", ErrorCode: "KnownAfterApply", Message: "the account does not exist before the plan is applied"})
	}
	c.setValues(map[string]any{"id": id, "arn": acc.ARN})
	return fmt.Sprintf("account %s (%s) created under %s, with role %s trusting the management account", name, id, parent, roleName), nil
}

func newIAM() *snapshot.IAM {
	return &snapshot.IAM{
		Users: []snapshot.User{}, Groups: []snapshot.Group{}, Roles: []snapshot.Role{}, Policies: []snapshot.Policy{},
		Summary: map[string]int{}, Aliases: []string{}, SAMLProviders: []snapshot.SAMLProvider{}, OIDCProviders: []snapshot.OIDCProvider{},
		VirtualMFA: []snapshot.VirtualMFA{},
	}
}

// policyDoc reads a policy document attribute; unknown or unparsable
// content is evaluated as allowing everything, said so.
func (a *applier) policyDoc(c *change, key, what string) json.RawMessage {
	if c.isUnknown(key) {
		a.unknown(c.rc.Address, key, "known after apply: the "+what+" is evaluated as allowing every action on every resource")
		return allowAll
	}
	s, _ := c.after[key].(string)
	var probe map[string]any
	if json.Unmarshal([]byte(s), &probe) != nil {
		a.unknown(c.rc.Address, key, "not a JSON policy document: the "+what+" is evaluated as allowing every action on every resource")
		return allowAll
	}
	return compact(s)
}

func compact(s string) json.RawMessage {
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return json.RawMessage(s)
	}
	raw, _ := json.Marshal(v)
	return raw
}

func (a *applier) orgPolicy(c *change) (string, error) {
	o, err := a.org(c)
	if err != nil {
		return "", err
	}
	if c.deletes() {
		id := c.beforeStr("id")
		o.Policies = slices.DeleteFunc(o.Policies, func(p snapshot.OrgPolicy) bool { return p.ID == id })
		if !c.puts() {
			return "policy " + c.beforeStr("name") + " deleted", nil
		}
	}
	name, _ := c.str("name", nil)
	typ, _ := c.str("type", nil)
	if typ == "" {
		typ = "SERVICE_CONTROL_POLICY"
	}
	desc, _ := c.str("description", nil)
	id, ok := c.str("id", func(s string) bool { return strings.HasPrefix(s, "p-") })
	if !ok || id == "" {
		id = fmt.Sprintf("p-plan%04d", a.next("policy"))
	}
	pol := snapshot.OrgPolicy{ID: id, ARN: fmt.Sprintf("arn:aws:organizations::%s:policy/%s/%s/%s", o.ManagementAccountID, o.ID, strings.ToLower(typ), id),
		Name: name, Description: desc, Type: typ, Document: a.policyDoc(c, "content", "policy"), Targets: []snapshot.PolicyTarget{}}
	verb := "created"
	if i := slices.IndexFunc(o.Policies, func(p snapshot.OrgPolicy) bool { return p.ID == id }); i >= 0 {
		pol.Targets = o.Policies[i].Targets
		o.Policies[i] = pol
		verb = "updated"
	} else {
		o.Policies = append(o.Policies, pol)
	}
	c.setValues(map[string]any{"id": id, "arn": pol.ARN})
	return fmt.Sprintf("%s %s (%s) %s", typ, name, id, verb), nil
}

func (a *applier) orgPolicyAttachment(c *change) (string, error) {
	o, err := a.org(c)
	if err != nil {
		return "", err
	}
	var parts []string
	if c.deletes() {
		pid, target := c.beforeStr("policy_id"), c.beforeStr("target_id")
		for i := range o.Policies {
			if o.Policies[i].ID == pid {
				o.Policies[i].Targets = slices.DeleteFunc(o.Policies[i].Targets, func(t snapshot.PolicyTarget) bool { return t.TargetID == target })
			}
		}
		parts = append(parts, fmt.Sprintf("policy %s detached from %s", pid, target))
	}
	if c.puts() {
		pid, ok1 := c.str("policy_id", func(s string) bool { return strings.HasPrefix(s, "p-") })
		target, ok2 := c.str("target_id", isOrgTarget)
		if !ok1 || !ok2 {
			a.unknown(c.rc.Address, "policy_id, target_id", "known after apply and not resolved through the configuration: the attachment is not applied, so no guardrail is credited to it")
			return "attachment not applied (unknown policy or target)", nil
		}
		i := slices.IndexFunc(o.Policies, func(p snapshot.OrgPolicy) bool { return p.ID == pid })
		if i < 0 {
			return "", fmt.Errorf("policy %s is neither in the snapshot nor in the plan", pid)
		}
		if !slices.ContainsFunc(o.Policies[i].Targets, func(t snapshot.PolicyTarget) bool { return t.TargetID == target }) {
			o.Policies[i].Targets = append(o.Policies[i].Targets, snapshot.PolicyTarget{TargetID: target, Type: targetType(target), Name: a.targetName(target)})
		}
		parts = append(parts, fmt.Sprintf("policy %s attached to %s", o.Policies[i].Name, target))
	}
	return strings.Join(parts, "; "), nil
}

func targetType(id string) string {
	switch {
	case strings.HasPrefix(id, "r-"):
		return "ROOT"
	case strings.HasPrefix(id, "ou-"):
		return "ORGANIZATIONAL_UNIT"
	}
	return "ACCOUNT"
}

func (a *applier) targetName(id string) string {
	if acc := a.accountByID(id); acc != nil {
		return acc.Name
	}
	return snapshot.NewIndex(a.s).ContainerName(id)
}
