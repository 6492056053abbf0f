package engine

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/orgaudit/orgaudit/internal/compliance"
)

// areas names the rule areas by the AREA part of OA-AREA-NNN ids, in the
// order the rules documentation lists them.
var areas = []struct{ prefix, title, intro string }{
	{"OA-ROOT-", "Root user", "The root user of every account: MFA, access keys, use."},
	{"OA-ORG-", "Organization", "The organization itself: features, OUs, invitations, guardrails, the management account, account lifecycle."},
	{"OA-IAM-", "Identity account and IAM users", "Where people live and how they get access: the identity account, groups, credentials, password policy."},
	{"OA-TRUST-", "Cross-account trust", "Who can assume which role from where: MFA, external ids, vendors, open trust, unused roles."},
	{"OA-REACH-", "Reachability", "Who reaches production through chains of role assumptions, read from the access graph (input.graph, see paths.md)."},
	{"OA-CONFIG-", "Configuration", "The configuration file itself."},
}

// WriteRulesMarkdown renders the rules documentation (docs/rules.md):
// a summary table, then every rule grouped by area with its severity,
// framework mapping, the snapshot sections it reads, description,
// remediation and references. The output depends only on the rules.
func WriteRulesMarkdown(w io.Writer, rules []Rule) error {
	var b strings.Builder
	b.WriteString("# Rules\n\n")
	b.WriteString("<!-- Generated from the rules' METADATA by `orgaudit rules docs --output docs/rules.md` (`make golden`). Do not edit. -->\n\n")
	fmt.Fprintf(&b, "orgaudit ships %d built-in rules. Each is one Rego file under [rules/](../rules/) with a sibling `_test.rego`; ", len(rules))
	b.WriteString("`orgaudit rules list` lists them and `orgaudit rules list --format json` gives this metadata to machines. ")
	b.WriteString("Thresholds, the identity account, production environments, known vendors, disabled rules, severity overrides and exceptions are set in [.orgaudit.yaml](config.md).\n\n")
	b.WriteString("A rule whose data is missing from the snapshot (a gap on a section it reads) or whose configuration is missing is reported as *not evaluated*, never as passed.\n\n")

	grouped := map[string][]Rule{}
	var order []string
	for _, r := range rules {
		key := "other"
		for _, a := range areas {
			if strings.HasPrefix(r.ID, a.prefix) {
				key = a.prefix
				break
			}
		}
		if _, ok := grouped[key]; !ok {
			order = append(order, key)
		}
		grouped[key] = append(grouped[key], r)
	}
	title := func(key string) (string, string) {
		for _, a := range areas {
			if a.prefix == key {
				return a.title, a.intro
			}
		}
		return "Other rules", ""
	}
	slices.SortStableFunc(order, func(x, y string) int { return areaIndex(x) - areaIndex(y) })

	b.WriteString("| id | severity | title | CIS v3.0.0 | CIS v4.0.0 | CIS v5.0.0 |\n| --- | --- | --- | --- | --- | --- |\n")
	for _, key := range order {
		for _, r := range grouped[key] {
			fmt.Fprintf(&b, "| [%s](#%s) | %s | %s | %s | %s | %s |\n", r.ID, anchor(r), r.Severity, mdEscape(r.Title),
				strings.Join(r.Frameworks[compliance.CISv3], ", "), strings.Join(r.Frameworks[compliance.CISv4], ", "), strings.Join(r.Frameworks[compliance.CISv5], ", "))
		}
	}
	writeCISMapping(&b, rules)
	for _, key := range order {
		t, intro := title(key)
		fmt.Fprintf(&b, "\n## %s\n\n", t)
		if intro != "" {
			b.WriteString(intro + "\n")
		}
		for _, r := range grouped[key] {
			writeRule(&b, r)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeCISMapping renders the CIS AWS Foundations Benchmark section 1
// controls of the three catalogued versions side by side, each with the
// rules that decide it, or why none does.
func writeCISMapping(b *strings.Builder, rules []Rule) {
	v3, ok := compliance.Lookup(compliance.CISv3)
	if !ok {
		return
	}
	anchors := map[string]string{}
	for _, r := range rules {
		anchors[r.ID] = anchor(r)
	}
	b.WriteString("\n## CIS AWS Foundations Benchmark, section 1\n\n")
	b.WriteString("Every control of section 1 (Identity and Access Management) in versions 3.0.0, 4.0.0 and 5.0.0, matched across versions by its text ")
	b.WriteString("(5.0.0 dropped the security questions control, so the later numbers moved up by one), with the rules that decide it in every account of the organization. ")
	b.WriteString("Manual controls are never reported as passed; `orgaudit rules list --framework ID` lists the same for one version.\n\n")
	b.WriteString("| v3.0.0 | v4.0.0 | v5.0.0 | control | orgaudit |\n| --- | --- | --- | --- | --- |\n")
	for _, c := range compliance.Coverage(v3, FrameworkMappings(rules)) {
		var how string
		switch c.Status {
		case compliance.StatusManual:
			how = "manual: " + c.ManualSteps
		case compliance.StatusNotApplicable:
			how = "not applicable: " + c.Reason
		case compliance.NotCovered:
			how = "not covered by the loaded rules"
		default:
			links := make([]string, len(c.Rules))
			for i, id := range c.Rules {
				links[i] = fmt.Sprintf("[%s](#%s)", id, anchors[id])
			}
			how = strings.Join(links, ", ")
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s |\n", c.ID, dash(c.Same[compliance.CISv4]), dash(c.Same[compliance.CISv5]), mdEscape(c.Title), mdEscape(how))
	}
}

func dash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func areaIndex(key string) int {
	for i, a := range areas {
		if a.prefix == key {
			return i
		}
	}
	return len(areas)
}

// anchor is the GitHub heading anchor of a rule's section.
func anchor(r Rule) string {
	var b strings.Builder
	for _, c := range strings.ToLower(r.ID + " " + r.Title) {
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '-', c == '_':
			b.WriteRune(c)
		case c == ' ':
			b.WriteRune('-')
		}
	}
	return b.String()
}

func mdEscape(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

func writeRule(b *strings.Builder, r Rule) {
	fmt.Fprintf(b, "\n### %s %s\n\n", r.ID, r.Title)
	fmt.Fprintf(b, "- **Severity:** %s\n", r.Severity)
	var fws []string
	for fw, controls := range r.Frameworks {
		name := fw
		if f, ok := compliance.Lookup(fw); ok {
			name = f.Title
		}
		fws = append(fws, fmt.Sprintf("%s %s", name, strings.Join(controls, ", ")))
	}
	slices.Sort(fws)
	if len(fws) > 0 {
		fmt.Fprintf(b, "- **Frameworks:** %s\n", strings.Join(fws, "; "))
	}
	if len(r.Requires) > 0 {
		reads := make([]string, len(r.Requires))
		for i, s := range r.Requires {
			reads[i] = "`" + s + "`"
		}
		fmt.Fprintf(b, "- **Reads:** %s\n", strings.Join(reads, ", "))
	}
	fmt.Fprintf(b, "- **Source:** [%s](../%s)\n", r.File, r.File)
	fmt.Fprintf(b, "\n%s\n", paragraph(r.Description))
	if r.Remediation != "" {
		fmt.Fprintf(b, "\n**Remediation**\n\n```text\n%s\n```\n", strings.TrimSpace(r.Remediation))
	}
	if len(r.RelatedResources) > 0 {
		b.WriteString("\n**References**\n\n")
		for _, ref := range r.RelatedResources {
			text := r.ResourceDescriptions[ref]
			if text == "" {
				text = ref
			}
			fmt.Fprintf(b, "- [%s](%s)\n", mdEscape(text), ref)
		}
	}
}

// paragraph joins the lines of a METADATA description into one paragraph
// per blank-line-separated block.
func paragraph(s string) string {
	var out []string
	for _, block := range strings.Split(strings.TrimSpace(s), "\n\n") {
		out = append(out, strings.Join(strings.Fields(block), " "))
	}
	return strings.Join(out, "\n\n")
}

// FrameworkMappings are the framework mappings of rules, as the compliance
// catalogue reads them.
func FrameworkMappings(rules []Rule) []compliance.RuleMapping {
	out := make([]compliance.RuleMapping, len(rules))
	for i, r := range rules {
		out[i] = compliance.RuleMapping{ID: r.ID, Frameworks: r.Frameworks}
	}
	return out
}
