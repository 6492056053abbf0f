package plan

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// wildcardTrust is the trust policy orgaudit evaluates for a role whose
// trust is known only after apply: it could admit any principal.
var wildcardTrust = json.RawMessage(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}`)

// iam applies an IAM resource change in each of the accounts.
func (a *applier) iam(c *change, accounts []string) (string, error) {
	var summary []string
	for _, acct := range accounts {
		acc := a.accountByID(acct)
		if acc == nil || acc.IAM == nil {
			a.unknown(c.rc.Address, "account", fmt.Sprintf("account %s is not in the snapshot (or its IAM data is missing): the change is not evaluated there", acct))
			continue
		}
		s, err := a.iamIn(c, acc)
		if err != nil {
			return "", err
		}
		if len(summary) == 0 {
			summary = append(summary, s)
		}
	}
	if len(accounts) > 1 {
		summary = append(summary, fmt.Sprintf("in each of %d accounts", len(accounts)))
	}
	return strings.Join(summary, " "), nil
}

func (a *applier) accountByID(id string) *snapshot.Account {
	for i := range a.s.Accounts {
		if a.s.Accounts[i].ID == id {
			return &a.s.Accounts[i]
		}
	}
	return nil
}

func (a *applier) iamIn(c *change, acc *snapshot.Account) (string, error) {
	switch c.rc.Type {
	case "aws_iam_role":
		return a.role(c, acc), nil
	case "aws_iam_user":
		return a.user(c, acc), nil
	case "aws_iam_group":
		return a.group(c, acc), nil
	case "aws_iam_policy":
		return a.managedPolicy(c, acc), nil
	case "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy":
		return a.inlinePolicy(c, acc)
	case "aws_iam_role_policy_attachment", "aws_iam_user_policy_attachment", "aws_iam_group_policy_attachment":
		return a.attachment(c, acc)
	case "aws_iam_group_membership":
		return a.groupMembership(c, acc)
	case "aws_iam_user_group_membership":
		return a.userGroupMembership(c, acc)
	}
	return "", fmt.Errorf("resource type %s has no IAM model", c.rc.Type)
}

// iamARN builds arn:aws:iam::ACCOUNT:KIND/PATH/NAME.
func iamARN(acct, kind, path, name string) string {
	if path == "" {
		path = "/"
	}
	return "arn:aws:iam::" + acct + ":" + kind + path + name
}

// name reads a resource's own name; a name_prefix gives a placeholder.
func (a *applier) name(c *change) string {
	if n, ok := c.str("name", isName); ok && n != "" {
		return n
	}
	prefix, _ := c.after["name_prefix"].(string)
	n := fmt.Sprintf("%sPLANNED%d", prefix, a.next("name"))
	a.unknown(c.rc.Address, "name", "known after apply: named "+n+" here")
	return n
}

func (a *applier) boundary(c *change) *snapshot.AttachedPolicy {
	if c.isUnknown("permissions_boundary") {
		a.unknown(c.rc.Address, "permissions_boundary", "known after apply: evaluated as no permissions boundary")
		return nil
	}
	arn, _ := c.after["permissions_boundary"].(string)
	if arn == "" {
		return nil
	}
	a.ensureAWSPolicy(c.rc.Address, arn)
	return &snapshot.AttachedPolicy{ARN: arn, Name: arn[strings.LastIndexByte(arn, '/')+1:]}
}

func (a *applier) role(c *change, acc *snapshot.Account) string {
	roles := &acc.IAM.Roles
	oldName := c.beforeStr("name")
	if c.deletes() {
		*roles = slices.DeleteFunc(*roles, func(r snapshot.Role) bool { return r.Name == oldName })
		if !c.puts() {
			return "role " + oldName + " deleted"
		}
	}
	name := a.name(c)
	path, _ := c.str("path", nil)
	r := snapshot.Role{Name: name, ID: "AROAPLANNED" + strings.ToUpper(name), ARN: iamARN(acc.ID, "role", path, name), Path: orName(path, "/"),
		InlinePolicies: []snapshot.InlinePolicy{}, AttachedPolicies: []snapshot.AttachedPolicy{}}
	if d, ok := c.str("description", nil); ok {
		r.Description = d
	}
	if c.isUnknown("assume_role_policy") {
		refs := ""
		if cr := c.configResource(); cr != nil && cr.Expressions["assume_role_policy"] != nil && cr.Expressions["assume_role_policy"].ExpressionData != nil {
			refs = strings.Join(cr.Expressions["assume_role_policy"].References, ", ")
		}
		treat := "known after apply: the trust policy is evaluated as admitting any AWS principal"
		if refs != "" {
			treat += " (it depends on " + refs + ")"
		}
		a.unknown(c.rc.Address, "assume_role_policy", treat)
		r.TrustPolicy = wildcardTrust
	} else {
		s, _ := c.after["assume_role_policy"].(string)
		r.TrustPolicy = compact(s)
	}
	r.PermissionsBoundary = a.boundary(c)
	r.Tags = c.tags()
	i := slices.IndexFunc(*roles, func(x snapshot.Role) bool { return x.Name == name || oldName != "" && x.Name == oldName })
	verb := "created"
	if i >= 0 {
		old := (*roles)[i]
		r.ID, r.CreateDate, r.LastUsed = old.ID, old.CreateDate, old.LastUsed
		r.InlinePolicies, r.AttachedPolicies = old.InlinePolicies, old.AttachedPolicies
		// aws_iam_role does not say which instance profiles hold the
		// role (aws_iam_instance_profile is not modelled): keep what the
		// snapshot knew. A created role has none known (nil), which the
		// access graph takes as possibly held by one.
		r.InstanceProfiles = old.InstanceProfiles
		verb = "updated"
	}
	// inline_policy blocks and managed_policy_arns, when configured, are
	// exclusive; when computed they reflect other resources.
	if list, ok := c.after["inline_policy"].([]any); ok && !c.isUnknown("inline_policy") && len(list) > 0 {
		r.InlinePolicies = []snapshot.InlinePolicy{}
		for _, x := range list {
			m, _ := x.(map[string]any)
			n, _ := m["name"].(string)
			doc, _ := m["policy"].(string)
			if n == "" {
				continue
			}
			r.InlinePolicies = append(r.InlinePolicies, snapshot.InlinePolicy{Name: n, Document: compact(doc)})
		}
	}
	if arns, ok := c.strings("managed_policy_arns", nil); ok && !c.isUnknown("managed_policy_arns") && len(arns) > 0 {
		r.AttachedPolicies = []snapshot.AttachedPolicy{}
		for _, arn := range arns {
			a.ensurePolicy(c.rc.Address, acc, arn)
			r.AttachedPolicies = append(r.AttachedPolicies, snapshot.AttachedPolicy{ARN: arn, Name: arn[strings.LastIndexByte(arn, '/')+1:]})
		}
	}
	if i >= 0 {
		(*roles)[i] = r
	} else {
		*roles = append(*roles, r)
	}
	c.setValues(map[string]any{"arn": r.ARN, "name": name, "id": name, "unique_id": r.ID})
	return fmt.Sprintf("role %s %s", r.ARN, verb)
}

func (a *applier) user(c *change, acc *snapshot.Account) string {
	users := &acc.IAM.Users
	oldName := c.beforeStr("name")
	if c.deletes() {
		arn := c.beforeStr("arn")
		*users = slices.DeleteFunc(*users, func(u snapshot.User) bool { return u.Name == oldName })
		for i := range acc.IAM.Groups {
			acc.IAM.Groups[i].Members = slices.DeleteFunc(acc.IAM.Groups[i].Members, func(m string) bool { return m == oldName || m == arn })
		}
		if cr := acc.IAM.CredentialReport; cr != nil {
			cr.Rows = slices.DeleteFunc(cr.Rows, func(r snapshot.CredentialReportRow) bool { return r.User == oldName })
		}
		if !c.puts() {
			return "user " + oldName + " deleted"
		}
	}
	name := a.name(c)
	path, _ := c.str("path", nil)
	u := snapshot.User{Name: name, ID: "AIDAPLANNED" + strings.ToUpper(name), ARN: iamARN(acc.ID, "user", path, name), Path: orName(path, "/"),
		Groups: []string{}, InlinePolicies: []snapshot.InlinePolicy{}, AttachedPolicies: []snapshot.AttachedPolicy{}, MFADevices: []snapshot.MFADevice{}}
	u.PermissionsBoundary = a.boundary(c)
	u.Tags = c.tags()
	verb := "created"
	if i := slices.IndexFunc(*users, func(x snapshot.User) bool { return x.Name == name || oldName != "" && x.Name == oldName }); i >= 0 {
		old := (*users)[i]
		u.ID, u.CreateDate, u.Groups, u.InlinePolicies, u.AttachedPolicies, u.MFADevices = old.ID, old.CreateDate, old.Groups, old.InlinePolicies, old.AttachedPolicies, old.MFADevices
		(*users)[i] = u
		verb = "updated"
	} else {
		*users = append(*users, u)
		// A new user has no password, no MFA device and no access key
		// until other resources (not modelled here) give them.
		if cr := acc.IAM.CredentialReport; cr != nil {
			cr.Rows = append(cr.Rows, snapshot.CredentialReportRow{User: name, ARN: u.ARN, AccessKeys: []snapshot.AccessKey{}})
		}
	}
	c.setValues(map[string]any{"arn": u.ARN, "name": name, "id": name, "unique_id": u.ID})
	return fmt.Sprintf("user %s %s", u.ARN, verb)
}

func (a *applier) group(c *change, acc *snapshot.Account) string {
	groups := &acc.IAM.Groups
	oldName := c.beforeStr("name")
	if c.deletes() {
		*groups = slices.DeleteFunc(*groups, func(g snapshot.Group) bool { return g.Name == oldName })
		for i := range acc.IAM.Users {
			acc.IAM.Users[i].Groups = slices.DeleteFunc(acc.IAM.Users[i].Groups, func(g string) bool { return g == oldName })
		}
		if !c.puts() {
			return "group " + oldName + " deleted"
		}
	}
	name := a.name(c)
	path, _ := c.str("path", nil)
	g := snapshot.Group{Name: name, ID: "AGPAPLANNED" + strings.ToUpper(name), ARN: iamARN(acc.ID, "group", path, name), Path: orName(path, "/"),
		InlinePolicies: []snapshot.InlinePolicy{}, AttachedPolicies: []snapshot.AttachedPolicy{}, Members: []string{}}
	verb := "created"
	if i := slices.IndexFunc(*groups, func(x snapshot.Group) bool { return x.Name == name || oldName != "" && x.Name == oldName }); i >= 0 {
		old := (*groups)[i]
		g.ID, g.CreateDate, g.InlinePolicies, g.AttachedPolicies, g.Members = old.ID, old.CreateDate, old.InlinePolicies, old.AttachedPolicies, old.Members
		(*groups)[i] = g
		verb = "updated"
	} else {
		*groups = append(*groups, g)
	}
	c.setValues(map[string]any{"arn": g.ARN, "name": name, "id": name, "unique_id": g.ID})
	return fmt.Sprintf("group %s %s", g.ARN, verb)
}

func (a *applier) managedPolicy(c *change, acc *snapshot.Account) string {
	pols := &acc.IAM.Policies
	oldARN := c.beforeStr("arn")
	if c.deletes() {
		*pols = slices.DeleteFunc(*pols, func(p snapshot.Policy) bool { return p.ARN == oldARN })
		if !c.puts() {
			return "policy " + oldARN + " deleted"
		}
	}
	name := a.name(c)
	path, _ := c.str("path", nil)
	arn := iamARN(acc.ID, "policy", path, name)
	p := snapshot.Policy{Name: name, ARN: arn, Path: orName(path, "/"), DefaultVersionID: "v1", Document: a.policyDoc(c, "policy", "policy")}
	verb := "created"
	if i := slices.IndexFunc(*pols, func(x snapshot.Policy) bool { return x.ARN == arn || x.ARN == oldARN }); i >= 0 {
		old := (*pols)[i]
		p.ID, p.AttachmentCount = old.ID, old.AttachmentCount
		p.DefaultVersionID = nextVersion(old.DefaultVersionID)
		(*pols)[i] = p
		verb = "updated to version " + p.DefaultVersionID
	} else {
		*pols = append(*pols, p)
	}
	c.setValues(map[string]any{"arn": arn, "name": name, "id": arn, "policy_id": "ANPAPLANNED"})
	return fmt.Sprintf("policy %s %s", arn, verb)
}

func nextVersion(v string) string {
	var n int
	if _, err := fmt.Sscanf(v, "v%d", &n); err != nil {
		return "v2"
	}
	return fmt.Sprintf("v%d", n+1)
}

// principalKey is the attribute naming the principal of a policy or
// attachment resource.
func principalKey(typ string) string {
	switch {
	case strings.HasPrefix(typ, "aws_iam_role_"):
		return "role"
	case strings.HasPrefix(typ, "aws_iam_user_"):
		return "user"
	}
	return "group"
}

// principalPolicies returns the policy lists of the named principal.
func principalPolicies(acc *snapshot.Account, kind, name string) (*[]snapshot.InlinePolicy, *[]snapshot.AttachedPolicy) {
	switch kind {
	case "role":
		for i := range acc.IAM.Roles {
			if r := &acc.IAM.Roles[i]; r.Name == name || r.ARN == name {
				return &r.InlinePolicies, &r.AttachedPolicies
			}
		}
	case "user":
		for i := range acc.IAM.Users {
			if u := &acc.IAM.Users[i]; u.Name == name || u.ARN == name {
				return &u.InlinePolicies, &u.AttachedPolicies
			}
		}
	default:
		for i := range acc.IAM.Groups {
			if g := &acc.IAM.Groups[i]; g.Name == name || g.ARN == name {
				return &g.InlinePolicies, &g.AttachedPolicies
			}
		}
	}
	return nil, nil
}

// principalName reads the role, user or group a policy resource names.
func (a *applier) principalName(c *change, kind string, before bool) (string, bool) {
	if before {
		return c.beforeStr(kind), c.beforeStr(kind) != ""
	}
	n, ok := c.str(kind, func(s string) bool { return s != "" })
	if !ok || n == "" {
		a.unknown(c.rc.Address, kind, "known after apply and not resolved through the configuration: the change is not applied")
		return "", false
	}
	return n, true
}

func (a *applier) inlinePolicy(c *change, acc *snapshot.Account) (string, error) {
	kind := principalKey(c.rc.Type)
	var parts []string
	if c.deletes() {
		if who, ok := a.principalName(c, kind, true); ok {
			if in, _ := principalPolicies(acc, kind, who); in != nil {
				name := c.beforeStr("name")
				*in = slices.DeleteFunc(*in, func(p snapshot.InlinePolicy) bool { return p.Name == name })
				parts = append(parts, fmt.Sprintf("inline policy %s removed from %s %s", name, kind, who))
			}
		}
	}
	if c.puts() {
		who, ok := a.principalName(c, kind, false)
		if !ok {
			return strings.Join(append(parts, "not applied"), "; "), nil
		}
		in, _ := principalPolicies(acc, kind, who)
		if in == nil {
			a.unknown(c.rc.Address, kind, fmt.Sprintf("%s %s is not in account %s: the policy is not evaluated there", kind, who, acc.ID))
			return strings.Join(append(parts, "not applied"), "; "), nil
		}
		name := a.name(c)
		doc := a.policyDoc(c, "policy", "inline policy")
		if i := slices.IndexFunc(*in, func(p snapshot.InlinePolicy) bool { return p.Name == name }); i >= 0 {
			(*in)[i].Document = doc
		} else {
			*in = append(*in, snapshot.InlinePolicy{Name: name, Document: doc})
		}
		parts = append(parts, fmt.Sprintf("inline policy %s on %s %s", name, kind, who))
	}
	return strings.Join(parts, "; "), nil
}

func (a *applier) attachment(c *change, acc *snapshot.Account) (string, error) {
	kind := principalKey(c.rc.Type)
	var parts []string
	if c.deletes() {
		if who, ok := a.principalName(c, kind, true); ok {
			if _, at := principalPolicies(acc, kind, who); at != nil {
				arn := c.beforeStr("policy_arn")
				*at = slices.DeleteFunc(*at, func(p snapshot.AttachedPolicy) bool { return p.ARN == arn })
				parts = append(parts, fmt.Sprintf("%s detached from %s %s", arn, kind, who))
			}
		}
	}
	if c.puts() {
		who, ok := a.principalName(c, kind, false)
		arn, ok2 := c.str("policy_arn", isARN)
		if !ok || !ok2 {
			if !ok2 {
				a.unknown(c.rc.Address, "policy_arn", "known after apply and not resolved through the configuration: the attachment is not applied")
			}
			return strings.Join(append(parts, "not applied"), "; "), nil
		}
		_, at := principalPolicies(acc, kind, who)
		if at == nil {
			a.unknown(c.rc.Address, kind, fmt.Sprintf("%s %s is not in account %s: the attachment is not evaluated there", kind, who, acc.ID))
			return strings.Join(append(parts, "not applied"), "; "), nil
		}
		a.ensurePolicy(c.rc.Address, acc, arn)
		if !slices.ContainsFunc(*at, func(p snapshot.AttachedPolicy) bool { return p.ARN == arn }) {
			*at = append(*at, snapshot.AttachedPolicy{ARN: arn, Name: arn[strings.LastIndexByte(arn, '/')+1:]})
		}
		parts = append(parts, fmt.Sprintf("%s attached to %s %s", arn, kind, who))
	}
	return strings.Join(parts, "; "), nil
}

// ensurePolicy makes sure the document of an attached managed policy is
// in the snapshot: an AWS managed policy the snapshot lacks is evaluated
// as allowing everything; a customer managed policy must exist.
func (a *applier) ensurePolicy(addr string, acc *snapshot.Account, arn string) {
	if strings.HasPrefix(arn, "arn:aws:iam::aws:") {
		a.ensureAWSPolicy(addr, arn)
		return
	}
	owner := a.accountByID(arnAccount(arn))
	if owner != nil && owner.IAM != nil && slices.ContainsFunc(owner.IAM.Policies, func(p snapshot.Policy) bool { return p.ARN == arn }) {
		return
	}
	if acc.IAM != nil {
		acc.IAM.Policies = append(acc.IAM.Policies, snapshot.Policy{Name: arn[strings.LastIndexByte(arn, '/')+1:], ARN: arn, DefaultVersionID: "v1", Document: allowAll})
	}
	a.unknown(addr, "policy_arn", "customer managed policy "+arn+" is in neither the snapshot nor the plan: evaluated as allowing every action on every resource")
}

func (a *applier) ensureAWSPolicy(addr, arn string) {
	if !strings.HasPrefix(arn, "arn:aws:iam::aws:") {
		return
	}
	if slices.ContainsFunc(a.s.AWSPolicies, func(p snapshot.Policy) bool { return p.ARN == arn }) {
		return
	}
	a.s.AWSPolicies = append(a.s.AWSPolicies, snapshot.Policy{Name: arn[strings.LastIndexByte(arn, '/')+1:], ARN: arn, Path: "/", DefaultVersionID: "v1", Document: allowAll})
	if arn != administratorAccess {
		a.unknown(addr, "policy_arn", "the document of AWS managed policy "+arn+" is not in the snapshot: evaluated as allowing every action on every resource")
	}
}

// setMembership puts user into group (or takes it out), both ways.
func setMembership(acc *snapshot.Account, user, group string, in bool) bool {
	ui := slices.IndexFunc(acc.IAM.Users, func(u snapshot.User) bool { return u.Name == user })
	gi := slices.IndexFunc(acc.IAM.Groups, func(g snapshot.Group) bool { return g.Name == group })
	if ui < 0 || gi < 0 {
		return false
	}
	u, g := &acc.IAM.Users[ui], &acc.IAM.Groups[gi]
	u.Groups = slices.DeleteFunc(u.Groups, func(x string) bool { return x == group })
	g.Members = slices.DeleteFunc(g.Members, func(x string) bool { return x == user || x == u.ARN })
	if in {
		u.Groups = append(u.Groups, group)
		slices.Sort(u.Groups)
		g.Members = append(g.Members, user)
		slices.Sort(g.Members)
	}
	return true
}

func (a *applier) groupMembership(c *change, acc *snapshot.Account) (string, error) {
	var parts []string
	if c.deletes() {
		group := c.beforeStr("group")
		users, _ := c.strings("users", c.before)
		for _, u := range users {
			setMembership(acc, u, group, false)
		}
		parts = append(parts, fmt.Sprintf("%d users removed from group %s", len(users), group))
	}
	if c.puts() {
		group, ok := a.principalName(c, "group", false)
		users, ok2 := c.strings("users", nil)
		if !ok || !ok2 {
			if !ok2 {
				a.unknown(c.rc.Address, "users", "known after apply: the membership is not applied")
			}
			return strings.Join(append(parts, "not applied"), "; "), nil
		}
		// Exclusive: the group has exactly these members.
		for _, u := range acc.IAM.Users {
			if slices.Contains(u.Groups, group) && !slices.Contains(users, u.Name) {
				setMembership(acc, u.Name, group, false)
			}
		}
		var missing []string
		for _, u := range users {
			if !setMembership(acc, u, group, true) {
				missing = append(missing, u)
			}
		}
		if len(missing) > 0 {
			a.unknown(c.rc.Address, "users", fmt.Sprintf("user(s) %s or group %s not in account %s: those memberships are not evaluated", strings.Join(missing, ", "), group, acc.ID))
		}
		parts = append(parts, fmt.Sprintf("group %s members: %s", group, strings.Join(users, ", ")))
	}
	return strings.Join(parts, "; "), nil
}

func (a *applier) userGroupMembership(c *change, acc *snapshot.Account) (string, error) {
	var parts []string
	oldGroups, _ := c.strings("groups", c.before)
	user := c.beforeStr("user")
	var newGroups []string
	if c.puts() {
		u, ok := a.principalName(c, "user", false)
		g, ok2 := c.strings("groups", nil)
		if !ok || !ok2 {
			if !ok2 {
				a.unknown(c.rc.Address, "groups", "known after apply: the membership is not applied")
			}
			return "not applied", nil
		}
		user, newGroups = u, g
	}
	for _, g := range oldGroups {
		if !slices.Contains(newGroups, g) {
			setMembership(acc, user, g, false)
			parts = append(parts, fmt.Sprintf("user %s removed from %s", user, g))
		}
	}
	for _, g := range newGroups {
		if !setMembership(acc, user, g, true) {
			a.unknown(c.rc.Address, "groups", fmt.Sprintf("user %s or group %s not in account %s: the membership is not evaluated", user, g, acc.ID))
			continue
		}
		parts = append(parts, fmt.Sprintf("user %s added to %s", user, g))
	}
	return strings.Join(parts, "; "), nil
}
