package plan

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// applier holds the snapshot being changed and what is known about the
// plan's resources.
type applier struct {
	s    *snapshot.Snapshot
	plan *tfjson.Plan
	opts Options
	res  *Result
	// values are the attributes of every resource instance of the plan
	// (planned values, prior values for no-op changes, placeholders for
	// values known after apply), by address, for references.
	values map[string]map[string]any
	// config are the configuration's resources by absolute address
	// (module path without instance keys, then type.name).
	config map[string]*tfjson.ConfigResource
	seq    map[string]int
}

func newApplier(s *snapshot.Snapshot, p *tfjson.Plan, opts Options) *applier {
	a := &applier{s: s, plan: p, opts: opts, res: &Result{Resources: []Resource{}, NotModelled: []Resource{}, Unknowns: []Unknown{}},
		values: map[string]map[string]any{}, config: map[string]*tfjson.ConfigResource{}, seq: map[string]int{}}
	if p.Config != nil && p.Config.RootModule != nil {
		a.indexModule("", p.Config.RootModule)
	}
	return a
}

func (a *applier) indexModule(prefix string, m *tfjson.ConfigModule) {
	for _, r := range m.Resources {
		if r != nil {
			a.config[prefix+r.Address] = r
		}
	}
	for name, call := range m.ModuleCalls {
		if call != nil && call.Module != nil {
			a.indexModule(prefix+"module."+name+".", call.Module)
		}
	}
}

// remember records the values of a resource that does not change.
func (a *applier) remember(rc *tfjson.ResourceChange) {
	if m, ok := rc.Change.Before.(map[string]any); ok {
		a.values[rc.Address] = m
	} else if m, ok := rc.Change.After.(map[string]any); ok {
		a.values[rc.Address] = m
	}
}

func (a *applier) unknown(addr, what, treatment string) {
	u := Unknown{Address: addr, What: what, Treatment: treatment}
	if !slices.Contains(a.res.Unknowns, u) {
		a.res.Unknowns = append(a.res.Unknowns, u)
	}
}

// change is one resource change with helpers to read its values.
type change struct {
	rc      *tfjson.ResourceChange
	before  map[string]any
	after   map[string]any
	unknown map[string]any
	a       *applier
}

func (a *applier) change(rc *tfjson.ResourceChange) *change {
	c := &change{rc: rc, a: a}
	c.before, _ = rc.Change.Before.(map[string]any)
	c.after, _ = rc.Change.After.(map[string]any)
	c.unknown, _ = rc.Change.AfterUnknown.(map[string]any)
	if c.after == nil && rc.Change.Actions.Create() {
		c.after = map[string]any{}
	}
	return c
}

func (c *change) deletes() bool {
	acts := c.rc.Change.Actions
	return acts.Delete() || acts.Replace()
}

func (c *change) puts() bool {
	acts := c.rc.Change.Actions
	return acts.Create() || acts.Update() || acts.Replace()
}

// isUnknown reports whether an after value is known only after apply.
func (c *change) isUnknown(key string) bool {
	v, ok := c.unknown[key]
	if !ok {
		return false
	}
	b, _ := v.(bool)
	return b
}

// str returns a planned string value. A value known after apply is
// resolved through the configuration's references when one of them names
// a value that passes want (nil: any); ok is false when it stays unknown.
func (c *change) str(key string, want func(string) bool) (string, bool) {
	if c.isUnknown(key) {
		return c.resolve(key, want)
	}
	v, ok := c.after[key].(string)
	return v, ok
}

// has reports whether the after value is set (non-null).
func (c *change) has(key string) bool {
	v, ok := c.after[key]
	return ok && v != nil
}

// beforeStr returns a prior string value.
func (c *change) beforeStr(key string) string {
	v, _ := c.before[key].(string)
	return v
}

// strings returns a planned list or set of strings; ok is false when it is
// unknown.
func (c *change) strings(key string, m map[string]any) ([]string, bool) {
	if m == nil {
		m = c.after
	} else if c.isUnknown(key) {
		return nil, false
	}
	if m == nil {
		return nil, true
	}
	list, _ := m[key].([]any)
	out := make([]string, 0, len(list))
	for _, x := range list {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return out, true
}

func (c *change) tags() map[string]string {
	m, _ := c.after["tags"].(map[string]any)
	if len(m) == 0 {
		return nil
	}
	out := map[string]string{}
	for k, v := range m {
		if s, ok := v.(string); ok {
			out[k] = s
		}
	}
	return out
}

// configResource returns the configuration of the change's resource.
func (c *change) configResource() *tfjson.ConfigResource {
	mod := instanceKeys.ReplaceAllString(c.rc.ModuleAddress, "")
	prefix := ""
	if mod != "" {
		prefix = mod + "."
	}
	return c.a.config[prefix+c.rc.Type+"."+c.rc.Name]
}

var instanceKeys = regexp.MustCompile(`\[[^\]]*\]`)

// resolve follows the references of an attribute's expression to planned
// or prior values of other resources, and to variables.
func (c *change) resolve(key string, want func(string) bool) (string, bool) {
	cr := c.configResource()
	if cr == nil {
		return "", false
	}
	e := cr.Expressions[key]
	if e == nil || e.ExpressionData == nil {
		return "", false
	}
	return c.a.resolveRefs(c.rc.ModuleAddress, e.References, want)
}

// resolveRefs returns the first value a reference names that passes want.
func (a *applier) resolveRefs(module string, refs []string, want func(string) bool) (string, bool) {
	for _, ref := range refs {
		v, ok := a.lookup(module, ref)
		if ok && (want == nil || want(v)) {
			return v, true
		}
	}
	return "", false
}

// lookup resolves "var.NAME" or "TYPE.NAME[KEY].ATTR[.…]" within a module.
func (a *applier) lookup(module, ref string) (string, bool) {
	if name, ok := strings.CutPrefix(ref, "var."); ok && module == "" {
		if v, ok := a.plan.Variables[name]; ok && v != nil {
			s, ok := v.Value.(string)
			return s, ok
		}
		return "", false
	}
	parts := strings.SplitN(ref, ".", 3)
	if len(parts) < 3 || strings.HasPrefix(ref, "data.") || strings.HasPrefix(ref, "module.") {
		return "", false
	}
	addr := parts[0] + "." + parts[1]
	if module != "" {
		addr = module + "." + addr
	}
	vals, ok := a.values[addr]
	if !ok {
		// count/for_each: a reference without a key names the only
		// instance, if there is one.
		var match []string
		for k := range a.values {
			if strings.HasPrefix(k, addr+"[") {
				match = append(match, k)
			}
		}
		if len(match) != 1 {
			return "", false
		}
		vals = a.values[match[0]]
	}
	v, ok := vals[parts[2]].(string)
	return v, ok && v != ""
}

// setValues records the values a resource will have, placeholders
// included, for later references.
func (c *change) setValues(extra map[string]any) {
	m := map[string]any{}
	for k, v := range c.after {
		m[k] = v
	}
	for k, v := range extra {
		m[k] = v
	}
	c.a.values[c.rc.Address] = m
}

// placeholder returns the next placeholder of a kind.
func (a *applier) next(kind string) int {
	a.seq[kind]++
	return a.seq[kind]
}

// Validators of resolved values.
func isAccountID(s string) bool { return len(s) == 12 && strings.Trim(s, "0123456789") == "" }
func isARN(s string) bool       { return strings.HasPrefix(s, "arn:") }
func isName(s string) bool {
	return s != "" && !strings.HasPrefix(s, "arn:") && !strings.ContainsAny(s, ": ")
}
func isOrgTarget(s string) bool {
	return isAccountID(s) || strings.HasPrefix(s, "ou-") || strings.HasPrefix(s, "r-")
}
func isParent(s string) bool { return strings.HasPrefix(s, "ou-") || strings.HasPrefix(s, "r-") }

// arnAccount returns the account of an ARN ("" for AWS managed or global
// resources without one).
func arnAccount(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 || !isAccountID(parts[4]) {
		return ""
	}
	return parts[4]
}

// accounts returns the accounts an IAM resource lands in: its known ARN,
// the provider's assume_role, the account map, or (unknown) every
// account of the organization with IAM data.
func (c *change) accounts() []string {
	for _, m := range []map[string]any{c.after, c.before} {
		if arn, ok := m["arn"].(string); ok {
			if acct := arnAccount(arn); acct != "" {
				return []string{acct}
			}
		}
	}
	key, prov := c.provider()
	if prov != nil {
		if acct, ok := c.a.assumeRoleAccount(c.rc.ModuleAddress, prov); ok {
			return []string{acct}
		}
	}
	for _, k := range c.providerNames(key, prov) {
		if acct, ok := c.a.opts.AccountMap[k]; ok {
			return []string{acct}
		}
	}
	var all []string
	for _, acc := range c.a.s.Accounts {
		if acc.IAM != nil {
			all = append(all, acc.ID)
		}
	}
	slices.Sort(all)
	c.a.unknown(c.rc.Address, "account", fmt.Sprintf("the account cannot be told (no known ARN, no assume_role in provider %s, no --account-map %s=ACCOUNT): evaluated in each of the %d accounts with IAM data", orName(key, "aws"), orName(key, "aws"), len(all)))
	return all
}

func orName(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// provider returns the provider configuration key and configuration of
// the change's resource.
func (c *change) provider() (string, *tfjson.ProviderConfig) {
	cr := c.configResource()
	key := "aws"
	if cr != nil && cr.ProviderConfigKey != "" {
		key = cr.ProviderConfigKey
	}
	if c.a.plan.Config == nil {
		return key, nil
	}
	if p, ok := c.a.plan.Config.ProviderConfigs[key]; ok {
		return key, p
	}
	// Module resources may name "module.x:aws" or the root's "aws".
	if i := strings.LastIndexByte(key, ':'); i >= 0 {
		if p, ok := c.a.plan.Config.ProviderConfigs[key[i+1:]]; ok {
			return key[i+1:], p
		}
	}
	return key, nil
}

// providerNames are the names --account-map may use for a provider.
func (c *change) providerNames(key string, p *tfjson.ProviderConfig) []string {
	names := []string{key}
	if p != nil {
		n := p.Name
		if p.Alias != "" {
			n += "." + p.Alias
		}
		names = append(names, n)
	}
	return names
}

// assumeRoleAccount reads the account of a provider's assume_role
// role_arn: a constant, or references to a planned account, a variable or
// another resource's ARN.
func (a *applier) assumeRoleAccount(module string, p *tfjson.ProviderConfig) (string, bool) {
	e := p.Expressions["assume_role"]
	if e == nil || e.ExpressionData == nil || len(e.NestedBlocks) == 0 {
		return "", false
	}
	ra := e.NestedBlocks[0]["role_arn"]
	if ra == nil || ra.ExpressionData == nil {
		return "", false
	}
	if s, ok := ra.ConstantValue.(string); ok {
		acct := arnAccount(s)
		return acct, acct != ""
	}
	v, ok := a.resolveRefs(strings.TrimSuffix(p.ModuleAddress, "."), ra.References, func(s string) bool { return isAccountID(s) || arnAccount(s) != "" })
	if !ok {
		return "", false
	}
	if isAccountID(v) {
		return v, true
	}
	return arnAccount(v), true
}
