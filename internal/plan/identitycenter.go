package plan

import (
	"fmt"
	"slices"
	"strings"

	"github.com/orgaudit/orgaudit/internal/snapshot"
)

func (a *applier) ic() *snapshot.IdentityCenter {
	if a.s.Identity == nil {
		a.s.Identity = &snapshot.IdentityCenter{Instances: []snapshot.SSOInstance{}, PermissionSets: []snapshot.PermissionSet{}, Assignments: []snapshot.Assignment{},
			Users: []snapshot.IdentityUser{}, Groups: []snapshot.IdentityGroup{}, Memberships: []snapshot.GroupMembership{}}
	}
	return a.s.Identity
}

// permissionSet finds a permission set by ARN, resolving a reference when
// the ARN is known only after apply.
func (a *applier) permissionSet(c *change) (*snapshot.PermissionSet, bool) {
	arn, ok := c.str("permission_set_arn", isARN)
	if !ok {
		a.unknown(c.rc.Address, "permission_set_arn", "known after apply and not resolved through the configuration: the change is not applied")
		return nil, false
	}
	ic := a.ic()
	i := slices.IndexFunc(ic.PermissionSets, func(p snapshot.PermissionSet) bool { return p.ARN == arn })
	if i < 0 {
		a.unknown(c.rc.Address, "permission_set_arn", "permission set "+arn+" is in neither the snapshot nor the plan: the change is not applied")
		return nil, false
	}
	return &ic.PermissionSets[i], true
}

func (a *applier) identityCenter(c *change) (string, error) {
	ic := a.ic()
	switch c.rc.Type {
	case "aws_ssoadmin_permission_set":
		if c.deletes() {
			arn := c.beforeStr("arn")
			ic.PermissionSets = slices.DeleteFunc(ic.PermissionSets, func(p snapshot.PermissionSet) bool { return p.ARN == arn })
			ic.Assignments = slices.DeleteFunc(ic.Assignments, func(x snapshot.Assignment) bool { return x.PermissionSetARN == arn })
			if !c.puts() {
				return "permission set " + c.beforeStr("name") + " deleted", nil
			}
		}
		name, _ := c.str("name", nil)
		inst, _ := c.str("instance_arn", isARN)
		arn, ok := c.str("arn", isARN)
		if !ok || arn == "" {
			arn = fmt.Sprintf("arn:aws:sso:::permissionSet/%s/ps-plan%012d", inst[strings.LastIndexByte(inst, '/')+1:], a.next("ps"))
			a.unknown(c.rc.Address, "arn", "known after apply: the permission set is "+arn+" here")
		}
		ps := snapshot.PermissionSet{ARN: arn, InstanceARN: inst, Name: name, ManagedPolicies: []snapshot.AttachedPolicy{}, CustomerManagedPolicies: []snapshot.CustomerPolicyRef{}}
		if d, ok := c.str("description", nil); ok {
			ps.Description = d
		}
		if d, ok := c.str("session_duration", nil); ok {
			ps.SessionDuration = d
		}
		verb := "created"
		if i := slices.IndexFunc(ic.PermissionSets, func(p snapshot.PermissionSet) bool { return p.ARN == arn }); i >= 0 {
			old := ic.PermissionSets[i]
			ps.ManagedPolicies, ps.CustomerManagedPolicies, ps.InlinePolicy, ps.PermissionsBoundary = old.ManagedPolicies, old.CustomerManagedPolicies, old.InlinePolicy, old.PermissionsBoundary
			ic.PermissionSets[i] = ps
			verb = "updated"
		} else {
			ic.PermissionSets = append(ic.PermissionSets, ps)
		}
		a.ensureInstance(inst)
		c.setValues(map[string]any{"arn": arn, "id": arn + "," + inst})
		return fmt.Sprintf("permission set %s %s", name, verb), nil

	case "aws_ssoadmin_managed_policy_attachment":
		var parts []string
		if c.deletes() {
			ps, arn := c.beforeStr("permission_set_arn"), c.beforeStr("managed_policy_arn")
			for i := range ic.PermissionSets {
				if ic.PermissionSets[i].ARN == ps {
					ic.PermissionSets[i].ManagedPolicies = slices.DeleteFunc(ic.PermissionSets[i].ManagedPolicies, func(p snapshot.AttachedPolicy) bool { return p.ARN == arn })
				}
			}
			parts = append(parts, arn+" detached from "+ps)
		}
		if c.puts() {
			ps, ok := a.permissionSet(c)
			arn, ok2 := c.str("managed_policy_arn", isARN)
			if !ok || !ok2 {
				return strings.Join(append(parts, "not applied"), "; "), nil
			}
			a.ensureAWSPolicy(c.rc.Address, arn)
			if !slices.ContainsFunc(ps.ManagedPolicies, func(p snapshot.AttachedPolicy) bool { return p.ARN == arn }) {
				ps.ManagedPolicies = append(ps.ManagedPolicies, snapshot.AttachedPolicy{ARN: arn, Name: arn[strings.LastIndexByte(arn, '/')+1:]})
			}
			parts = append(parts, arn+" attached to permission set "+ps.Name)
		}
		return strings.Join(parts, "; "), nil

	case "aws_ssoadmin_permission_set_inline_policy":
		if c.deletes() && !c.puts() {
			ps := c.beforeStr("permission_set_arn")
			for i := range ic.PermissionSets {
				if ic.PermissionSets[i].ARN == ps {
					ic.PermissionSets[i].InlinePolicy = nil
				}
			}
			return "inline policy removed from " + ps, nil
		}
		ps, ok := a.permissionSet(c)
		if !ok {
			return "not applied", nil
		}
		ps.InlinePolicy = a.policyDoc(c, "inline_policy", "permission set's inline policy")
		return "inline policy set on permission set " + ps.Name, nil
	}

	// aws_ssoadmin_account_assignment
	var parts []string
	if c.deletes() {
		key := snapshot.Assignment{InstanceARN: c.beforeStr("instance_arn"), AccountID: c.beforeStr("target_id"), PermissionSetARN: c.beforeStr("permission_set_arn"),
			PrincipalType: c.beforeStr("principal_type"), PrincipalID: c.beforeStr("principal_id")}
		ic.Assignments = slices.DeleteFunc(ic.Assignments, func(x snapshot.Assignment) bool { return x == key })
		parts = append(parts, fmt.Sprintf("assignment of %s %s in %s removed", strings.ToLower(key.PrincipalType), key.PrincipalID, key.AccountID))
	}
	if c.puts() {
		ps, ok := a.permissionSet(c)
		if !ok {
			return strings.Join(append(parts, "not applied"), "; "), nil
		}
		ptype, _ := c.str("principal_type", nil)
		pid, ok := c.str("principal_id", isName)
		if !ok || pid == "" {
			pid = fmt.Sprintf("planned-%s-%d", strings.ToLower(ptype), a.next("principal"))
			a.unknown(c.rc.Address, "principal_id", "known after apply: evaluated as a new Identity Center "+strings.ToLower(ptype)+" ("+pid+")")
		}
		targets := []string{}
		if t, ok := c.str("target_id", isAccountID); ok && isAccountID(t) {
			targets = append(targets, t)
		} else {
			for _, acc := range a.s.Accounts {
				targets = append(targets, acc.ID)
			}
			a.unknown(c.rc.Address, "target_id", fmt.Sprintf("known after apply and not resolved through the configuration: the assignment is evaluated in each of the %d accounts", len(targets)))
		}
		inst, _ := c.str("instance_arn", isARN)
		if inst == "" {
			inst = ps.InstanceARN
		}
		for _, t := range targets {
			as := snapshot.Assignment{InstanceARN: inst, AccountID: t, PermissionSetARN: ps.ARN, PrincipalType: ptype, PrincipalID: pid}
			if !slices.Contains(ic.Assignments, as) {
				ic.Assignments = append(ic.Assignments, as)
			}
		}
		parts = append(parts, fmt.Sprintf("%s %s gets permission set %s in %s", strings.ToLower(ptype), pid, ps.Name, strings.Join(targets, ", ")))
	}
	return strings.Join(parts, "; "), nil
}

func (a *applier) ensureInstance(arn string) {
	if arn == "" {
		return
	}
	ic := a.ic()
	if !slices.ContainsFunc(ic.Instances, func(i snapshot.SSOInstance) bool { return i.ARN == arn }) {
		ic.Instances = append(ic.Instances, snapshot.SSOInstance{ARN: arn, IdentityStoreID: "d-planned"})
	}
}
