// Package plan applies a Terraform plan (the JSON of `terraform show -json
// PLANFILE`) to a snapshot in memory, so that the organization a pull
// request would produce can be checked before it is applied.
//
// Every resource change is either modelled (its effect on organizations,
// IAM and Identity Center is applied to a copy of the snapshot) or listed
// as not modelled; none is silently ignored. What the plan cannot tell is
// never guessed in the reassuring direction:
//
//   - a resource's account comes from its known ARN, else from the
//     provider's assume_role in the plan's configuration, else from the
//     account map; where it cannot be told, the resource is applied to
//     every account of the organization;
//   - a value known only after apply is resolved through the configuration's
//     references to other planned resources where it can be (an OU's
//     parent, a provider's account); a trust policy, identity policy or SCP
//     whose document stays unknown is evaluated as admitting anything, a
//     permissions boundary that stays unknown as absent;
//   - accounts the plan creates get a placeholder id (999900000001, …),
//     the OrganizationAccountAccessRole AWS creates in them, and gaps for
//     what cannot be known before they exist (credential report, account
//     summary).
//
// Each such decision is reported as an Unknown.
package plan

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// Parse reads the JSON of `terraform show -json PLANFILE`. Errors are one
// line and never quote values (plans carry sensitive values in clear).
func Parse(raw []byte) (*tfjson.Plan, error) {
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(raw, &probe); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("not JSON: syntax error at byte %d", se.Offset)
		}
		return nil, errors.New("not a Terraform plan: expected a JSON object (terraform show -json PLANFILE)")
	}
	if _, ok := probe["format_version"]; !ok {
		return nil, errors.New("not a Terraform plan: no format_version (write it with terraform show -json PLANFILE)")
	}
	if _, ok := probe["values"]; ok {
		if _, plan := probe["resource_changes"]; !plan {
			return nil, errors.New("this is Terraform state, not a plan: run terraform show -json on the plan file")
		}
	}
	var p tfjson.Plan
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&p); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return nil, fmt.Errorf("not a Terraform plan: field %s has the wrong type", te.Field)
		}
		return nil, fmt.Errorf("not a Terraform plan: %s", safeError(err))
	}
	return &p, nil
}

// safeError keeps an error message that cannot quote plan values: the
// JSON decoder's messages name types and offsets, terraform-json's name
// format versions.
func safeError(err error) string {
	msg := err.Error()
	if strings.Contains(msg, "format version") || strings.HasPrefix(msg, "json:") {
		return msg
	}
	return "invalid plan"
}

// Options tune Apply.
type Options struct {
	// AccountMap maps a provider configuration ("aws", "aws.prod", or the
	// plan's provider_config key) to the account its resources land in.
	AccountMap map[string]string
}

// Result is the planned organization and what it took to build it.
type Result struct {
	// After is the snapshot with the plan applied.
	After *snapshot.Snapshot `json:"-"`
	// Resources are the modelled resource changes, in plan order.
	Resources []Resource `json:"resources"`
	// NotModelled are resource changes orgaudit does not model.
	NotModelled []Resource `json:"not_modelled"`
	// Unknowns say what the plan could not tell and how it was evaluated.
	Unknowns []Unknown `json:"unknowns"`
	// TerraformVersion is the plan's.
	TerraformVersion string `json:"terraform_version,omitempty"`
}

// Resource is one resource change of the plan.
type Resource struct {
	Address string   `json:"address"`
	Type    string   `json:"type"`
	Actions []string `json:"actions"`
	// Accounts are where it was applied (IAM resources), empty for
	// organization-wide resources.
	Accounts []string `json:"accounts,omitempty"`
	// Summary says what was applied.
	Summary string `json:"summary,omitempty"`
}

// Unknown is something the plan does not tell, and how it was evaluated.
type Unknown struct {
	Address string `json:"address"`
	// What is unknown: an attribute, or "account".
	What string `json:"what"`
	// Treatment says how orgaudit evaluated it.
	Treatment string `json:"treatment"`
}

// Modelled lists the resource types whose changes are applied.
var Modelled = []string{
	"aws_iam_group", "aws_iam_group_membership", "aws_iam_group_policy", "aws_iam_group_policy_attachment",
	"aws_iam_policy", "aws_iam_role", "aws_iam_role_policy", "aws_iam_role_policy_attachment",
	"aws_iam_user", "aws_iam_user_group_membership", "aws_iam_user_policy", "aws_iam_user_policy_attachment",
	"aws_organizations_account", "aws_organizations_organization", "aws_organizations_organizational_unit",
	"aws_organizations_policy", "aws_organizations_policy_attachment",
	"aws_ssoadmin_account_assignment", "aws_ssoadmin_managed_policy_attachment", "aws_ssoadmin_permission_set",
	"aws_ssoadmin_permission_set_inline_policy",
}

// order is the order in which resource types are applied, so that what a
// resource refers to exists first.
var order = func() map[string]int {
	seq := []string{
		"aws_organizations_organization", "aws_organizations_organizational_unit", "aws_organizations_account",
		"aws_organizations_policy", "aws_organizations_policy_attachment",
		"aws_iam_policy", "aws_iam_role", "aws_iam_user", "aws_iam_group",
		"aws_iam_role_policy", "aws_iam_role_policy_attachment", "aws_iam_user_policy", "aws_iam_user_policy_attachment",
		"aws_iam_group_policy", "aws_iam_group_policy_attachment", "aws_iam_group_membership", "aws_iam_user_group_membership",
		"aws_ssoadmin_permission_set", "aws_ssoadmin_managed_policy_attachment", "aws_ssoadmin_permission_set_inline_policy",
		"aws_ssoadmin_account_assignment",
	}
	m := map[string]int{}
	for i, t := range seq {
		m[t] = i
	}
	return m
}()

// Apply applies the plan's resource changes to a copy of s.
func Apply(s *snapshot.Snapshot, p *tfjson.Plan, opts Options) (*Result, error) {
	cp, err := clone(s)
	if err != nil {
		return nil, err
	}
	a := newApplier(cp, p, opts)
	a.res.TerraformVersion = p.TerraformVersion
	var changes []*tfjson.ResourceChange
	for _, rc := range p.ResourceChanges {
		if rc == nil || rc.Change == nil || rc.Mode != tfjson.ManagedResourceMode {
			continue
		}
		acts := rc.Change.Actions
		if acts.NoOp() || acts.Read() || len(acts) == 0 {
			a.remember(rc)
			continue
		}
		if _, ok := order[rc.Type]; !ok {
			a.res.NotModelled = append(a.res.NotModelled, Resource{Address: rc.Address, Type: rc.Type, Actions: actionNames(acts)})
			continue
		}
		changes = append(changes, rc)
	}
	slices.SortStableFunc(changes, func(x, y *tfjson.ResourceChange) int { return order[x.Type] - order[y.Type] })
	for _, rc := range changes {
		if err := a.apply(rc); err != nil {
			return nil, fmt.Errorf("%s: %w", rc.Address, err)
		}
	}
	a.res.After = a.s
	return a.res, nil
}

func actionNames(acts tfjson.Actions) []string {
	out := make([]string, len(acts))
	for i, x := range acts {
		out[i] = string(x)
	}
	return out
}

// clone deep-copies a snapshot through its JSON form.
func clone(s *snapshot.Snapshot) (*snapshot.Snapshot, error) {
	raw, err := json.Marshal(s)
	if err != nil {
		return nil, fmt.Errorf("copy snapshot: %w", err)
	}
	var out snapshot.Snapshot
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, fmt.Errorf("copy snapshot: %w", err)
	}
	return &out, nil
}

// Loaded validates the planned snapshot against the snapshot schema and
// returns it as if loaded from path, for the rule engine and drift.
func (r *Result) Loaded(path string) (*snapshot.Loaded, error) {
	raw, err := json.MarshalIndent(r.After, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("planned snapshot: %w", err)
	}
	l, err := snapshot.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("planned snapshot is not valid (a value of the plan does not fit the snapshot model): %w", err)
	}
	l.Path = path
	return l, nil
}
