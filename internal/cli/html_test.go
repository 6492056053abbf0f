package cli

import (
	"encoding/json"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/orgaudit/orgaudit/internal/output"
	"github.com/orgaudit/orgaudit/internal/output/browsertest"
)

// htmlPathsCases are the paths pages of the HTML tests: a target per
// bundled fixture, and the graph package's escalation snapshot (a hop of
// every escalation method, both states reached by escalation).
var htmlPathsCases = []struct{ name, fixture, to string }{
	{"identity-account-ous.ou-prod", "fixtures/identity-account-ous.json", "ou:Prod"},
	{"startup-dev-prod.production", "fixtures/startup-dev-prod.json", "production"},
	{"consultancy-clients.client-globex", "fixtures/consultancy-clients.json", "200000000003"},
	{"escalate.ou-prod", "internal/graph/testdata/escalate.json", "ou:Prod"},
}

// TestHTMLAndComplianceGolden renders every fixture's check report as HTML
// and as the compliance table, the paths pages and a handover checklist,
// twice (byte-identical: the only time in them is the snapshot's), and
// compares them with the golden files.
func TestHTMLAndComplianceGolden(t *testing.T) {
	chdirRoot(t)
	same := func(t *testing.T, args ...string) string {
		t.Helper()
		first := run(t, args...)
		if first.code != ExitOK && first.code != ExitFindings && first.code != ExitIncomplete {
			t.Fatalf("exit %d: %s", first.code, first.stderr)
		}
		if second := run(t, args...); second.stdout != first.stdout {
			t.Fatal("two runs over the same snapshot gave different output")
		}
		return first.stdout
	}
	for _, fx := range fixtures {
		name := strings.TrimSuffix(filepath.Base(fx), ".json")
		t.Run(name+".html", func(t *testing.T) {
			golden(t, "html/"+name+".html", same(t, "check", "--snapshot", fx, "--config", fixtureConfig(fx), "--format", "html"))
		})
		t.Run(name+".compliance.txt", func(t *testing.T) {
			golden(t, name+".compliance.txt", same(t, "check", "--snapshot", fx, "--config", fixtureConfig(fx), "--format", "compliance"))
		})
	}
	for _, c := range htmlPathsCases {
		t.Run("paths."+c.name, func(t *testing.T) {
			golden(t, "html/paths."+c.name+".html", same(t, "paths", "--snapshot", c.fixture, "--to", c.to, "--format", "html"))
		})
	}
	t.Run("handover", func(t *testing.T) {
		golden(t, "html/handover-client-globex.html", same(t, "handover", "--snapshot", "fixtures/consultancy-clients.json", "--account", "client-globex", "--format", "html"))
	})
}

// TestPathsHTMLEdges: the page says which edges --edges followed, and
// with role assumption only it draws no escalation and counts none.
func TestPathsHTMLEdges(t *testing.T) {
	chdirRoot(t)
	args := []string{"paths", "--snapshot", "internal/graph/testdata/escalate.json", "--to", "ou:Prod", "--format", "html"}
	tests := []struct {
		edges, header string
		escalations   bool
	}{
		{"all", "role assumption and privilege escalation (--edges all)", true},
		{"assume", "role assumption only (--edges assume)", false},
		{"escalate", "all, listing only principals that need a privilege escalation (--edges escalate)", true},
	}
	for _, tt := range tests {
		t.Run(tt.edges, func(t *testing.T) {
			r := run(t, append(args, "--edges", tt.edges)...)
			if r.code != ExitOK {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			if !strings.Contains(r.stdout, "<dt>Edges followed</dt><dd>"+tt.header+"</dd>") {
				t.Errorf("the header does not say %q", tt.header)
			}
			if got := strings.Contains(r.stdout, ` esc" data-e=`); got != tt.escalations {
				t.Errorf("escalation arrows drawn: %v, want %v", got, tt.escalations)
			}
			if got := strings.Contains(r.stdout, `class="card esc"`); got != tt.escalations {
				t.Errorf("escalation card shown: %v, want %v", got, tt.escalations)
			}
		})
	}
}

// TestComplianceFramework: --framework selects one framework in every
// format with a compliance summary, and an unknown one is a usage error
// with the closest id.
func TestComplianceFramework(t *testing.T) {
	chdirRoot(t)
	fx := "fixtures/startup-dev-prod.json"
	r := run(t, "check", "--snapshot", fx, "--config", fixtureConfig(fx), "--format", "json", "--framework", "cis-v5.0.0")
	var rep output.JSONReport
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Compliance) != 1 || rep.Compliance[0].ID != "cis-v5.0.0" || len(rep.Compliance[0].Controls) != 21 {
		t.Fatalf("compliance %+v, want cis-v5.0.0 alone with 21 controls", rep.Compliance)
	}
	for _, c := range rep.Compliance[0].Controls {
		if c.Status == output.ControlManual && c.Passed+c.Failed+c.NotEvaluated+c.Suppressed != 0 {
			t.Errorf("manual control %s has counts: %+v", c.ID, c)
		}
		if c.Decided() && c.Passed+c.Failed+c.NotEvaluated+c.Suppressed != rep.Compliance[0].Units() {
			t.Errorf("control %s counts do not add up to %s: %+v", c.ID, rep.Compliance[0].UnitsText(), c)
		}
	}
	r = run(t, "check", "--snapshot", fx, "--format", "compliance", "--framework", "orgaudit-practices")
	if !strings.Contains(r.stdout, "orgaudit-practices") || strings.Contains(r.stdout, "cis-v") {
		t.Errorf("--framework orgaudit-practices:\n%s", r.stdout)
	}
	r = run(t, "check", "--snapshot", fx, "--format", "markdown", "--framework", "cis-v3.0.0")
	if !strings.Contains(r.stdout, "### Compliance") || strings.Contains(r.stdout, "cis-v4.0.0 ") {
		t.Errorf("markdown with --framework cis-v3.0.0:\n%s", r.stdout)
	}
	assertCleanError(t, run(t, "check", "--snapshot", fx, "--framework", "cis-v5"), ExitUsage, `unknown framework "cis-v5"`, "did you mean cis-v5.0.0?")

	// Rules left out by the severity filters decide nothing: their
	// controls are not covered, never passed.
	r = run(t, "check", "--snapshot", fx, "--format", "json", "--min-severity", "critical", "--framework", "cis-v3.0.0")
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatal(err)
	}
	for _, c := range rep.Compliance[0].Controls {
		if c.ID == "1.8" && c.Status != output.ControlNotCovered {
			t.Errorf("1.8 (a medium rule) with --min-severity critical: %s, want not_covered", c.Status)
		}
		if c.ID == "1.5" && c.Status != output.ControlFailed {
			t.Errorf("1.5 (a critical rule) with --min-severity critical: %s, want failed", c.Status)
		}
	}
}

// TestHTMLInBrowser opens the HTML reports of the bundled fixtures in
// headless Chromium: no console error, no network request, the filters
// narrow the findings, the compliance table says what the JSON report
// says, the access graph has a node per source, and a snapshot whose role
// name holds markup shows it as text.
func TestHTMLInBrowser(t *testing.T) {
	chdirRoot(t)
	browser := browsertest.Start(t)
	dir := t.TempDir()
	write := func(t *testing.T, name string, args ...string) string {
		t.Helper()
		path := filepath.Join(dir, name)
		r := run(t, append(args, "--output", path, "--quiet")...)
		if r.code != ExitOK && r.code != ExitFindings && r.code != ExitIncomplete {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		return path
	}
	jsonOf := func(t *testing.T, v any, args ...string) {
		t.Helper()
		r := run(t, append(args, "--format", "json")...)
		if err := json.Unmarshal([]byte(r.stdout), v); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
	}

	holders := 0
	for _, fx := range fixtures {
		name := strings.TrimSuffix(filepath.Base(fx), ".json")
		t.Run("check/"+name, func(t *testing.T) {
			args := []string{"check", "--snapshot", fx, "--config", fixtureConfig(fx)}
			page := browser.Open(t, write(t, name+".html", append(args, "--format", "html")...))
			var rep output.JSONReport
			jsonOf(t, &rep, args...)
			checkFilters(t, page, &rep, "OA-ROOT")
			checkCompliance(t, page, &rep)
			holders += checkHolderFinding(t, page, &rep)
			page.Clean(t)
		})
	}
	if holders == 0 {
		t.Error("no check report has a finding on the holder of a grant: their details went untested")
	}
	escalations, latent := 0, 0
	for _, c := range htmlPathsCases {
		t.Run("paths/"+c.name, func(t *testing.T) {
			args := []string{"paths", "--snapshot", c.fixture, "--to", c.to}
			page := browser.Open(t, write(t, "paths."+c.name+".html", append(args, "--format", "html")...))
			var rep pathsJSON
			jsonOf(t, &rep, args...)
			ids := browsertest.Eval[[]string](t, page, `Array.from(document.querySelectorAll('svg.graph g.node[data-id]'), g => g.getAttribute('data-id'))`)
			if len(rep.Sources) == 0 {
				t.Fatal("the case has no source: pick a target someone reaches")
			}
			for _, s := range rep.Sources {
				if !slices.Contains(ids, s.ID) {
					t.Errorf("the graph has no node for source %s (nodes: %v)", s.ID, ids)
				}
			}
			for _, s := range rep.Latent {
				if !slices.Contains(ids, s.ID) {
					t.Errorf("the graph has no node for latent source %s (nodes: %v)", s.ID, ids)
				}
			}
			latent += checkLatent(t, page, &rep)
			// A click on a node fills the side panel with its id.
			page.Do(t, chromedp.Click(chromedp.CSS(`svg.graph g.node[data-n="0"] rect`)))
			panel := browsertest.Eval[string](t, page, `document.getElementById('graph-panel').textContent`)
			if !strings.Contains(panel, ids[0]) {
				t.Errorf("the side panel after a click on %s says %q", ids[0], panel)
			}
			escalations += checkEscalationArrows(t, page, &rep)
			page.Clean(t)
		})
	}
	if escalations == 0 {
		t.Error("no paths page has an escalation hop: the escalation drawing went untested")
	}
	if latent == 0 {
		t.Error("no paths page has a latent source: the latent drawing went untested")
	}
	t.Run("paths/incomplete", func(t *testing.T) {
		snap := filepath.Join(dir, "incomplete.json")
		writeIncomplete(t, "fixtures/identity-account-ous.json", snap)
		args := []string{"paths", "--snapshot", snap, "--to", "ou:Prod"}
		page := browser.Open(t, write(t, "paths.incomplete.html", append(args, "--format", "html")...))
		var rep pathsJSON
		jsonOf(t, &rep, args...)
		checkIncomplete(t, page, &rep)
		page.Clean(t)
	})
	t.Run("profiles check", func(t *testing.T) {
		// profiles check renders through check's writers: the same page,
		// about the AWS CLI's files.
		args := []string{"profiles", "check", "--config", "fixtures/profiles/bad/config", "--credentials", "fixtures/profiles/bad/credentials",
			"--snapshot", "fixtures/startup-dev-prod.json"}
		page := browser.Open(t, write(t, "profiles.html", append(args, "--format", "html")...))
		var rep output.JSONReport
		jsonOf(t, &rep, args...)
		title := browsertest.Eval[string](t, page, `document.querySelector('h1').textContent`)
		if !strings.HasPrefix(title, "orgaudit profiles check report") {
			t.Errorf("title %q", title)
		}
		checkFilters(t, page, &rep, "OA-PROFILE-004")
		compliance := browsertest.Eval[string](t, page, `document.getElementById('compliance').textContent`)
		if !strings.Contains(compliance, "No rule of this report maps to a framework.") {
			t.Errorf("the compliance section says %q", compliance)
		}
		page.Clean(t)
	})
	t.Run("handover", func(t *testing.T) {
		args := []string{"handover", "--snapshot", "fixtures/consultancy-clients.json", "--account", "client-globex"}
		page := browser.Open(t, write(t, "handover.html", append(args, "--format", "html")...))
		var list struct {
			Items []any `json:"items"`
		}
		jsonOf(t, &list, args...)
		n := browsertest.Eval[int](t, page, `document.querySelectorAll('ul.checklist > li').length`)
		if n != len(list.Items) {
			t.Errorf("%d checklist items on the page, %d in the JSON checklist", n, len(list.Items))
		}
		// Printed, the page keeps every item and hides nothing of them.
		if _, err := chromedp.Call(page.Ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
			t.Fatal(err)
		}
		shown := browsertest.Eval[int](t, page, `Array.from(document.querySelectorAll('ul.checklist > li')).filter(li => li.offsetParent !== null).length`)
		if shown != n {
			t.Errorf("printed, %d of %d items show", shown, n)
		}
		page.Clean(t)
	})
	t.Run("markup in a role name", func(t *testing.T) {
		evil := injectRoleName(t, dir)
		check := browser.Open(t, write(t, "evil-check.html", "check", "--snapshot", evil, "--format", "html"))
		paths := browser.Open(t, write(t, "evil-paths.html", "paths", "--snapshot", evil, "--to", "development", "--format", "html"))
		for _, page := range []*browsertest.Page{check, paths} {
			pwned := browsertest.Eval[bool](t, page, `window.pwned !== undefined`)
			scripts := browsertest.Eval[int](t, page, `document.querySelectorAll('script').length`)
			imgs := browsertest.Eval[int](t, page, `document.querySelectorAll('img').length`)
			if pwned || scripts != 2 || imgs != 0 {
				t.Errorf("%s: markup from the snapshot ran or became elements (pwned %v, %d scripts, %d images)", page, pwned, scripts, imgs)
			}
			page.Clean(t)
		}
		asText := browsertest.Eval[bool](t, check, `Array.from(document.querySelectorAll('#t-open td')).some(td => td.textContent.includes(`+jsString(evilRole)+`))`)
		if !asText {
			t.Error("the findings table does not show the role name as text")
		}
		asText = browsertest.Eval[bool](t, paths, `Array.from(document.querySelectorAll('svg.graph g.node')).some(g => g.getAttribute('data-id').endsWith(`+jsString(evilRole)+`) && g.textContent.includes('<script>'))`)
		if !asText {
			t.Error("the graph does not show the role name as text")
		}
	})
}

// pathsJSON is what the browser test reads of paths --format json.
type pathsJSON struct {
	Sources []sourceJSON `json:"sources"`
	Latent  []sourceJSON `json:"latent"`
}

type sourceJSON struct {
	ID             string    `json:"id"`
	Path           []hopJSON `json:"path"`
	PathWithoutMFA []hopJSON `json:"path_without_mfa"`
	BlockedBy      string    `json:"blocked_by"`
}

type hopJSON struct {
	From, To, Kind string
	Incomplete     bool   `json:"incomplete"`
	BlockedBy      string `json:"blocked_by"`
	Evidence       *struct {
		Actions  []string `json:"actions"`
		Resource string   `json:"resource"`
	} `json:"evidence"`
}

// hops calls f with every hop of the report's paths: the sources'
// shortest paths and paths without MFA, and the latent sources' paths.
func (r *pathsJSON) hops(f func(h *hopJSON)) {
	for _, list := range [][]sourceJSON{r.Sources, r.Latent} {
		for _, s := range list {
			for _, path := range [][]hopJSON{s.Path, s.PathWithoutMFA} {
				for i := range path {
					f(&path[i])
				}
			}
		}
	}
}

// distinctStroke fails the test when an arrow of the class looks (stroke
// colour and dashes) like an arrow without it.
func distinctStroke(t *testing.T, page *browsertest.Page, class string) {
	t.Helper()
	shared := browsertest.Eval[[]string](t, page, `(() => {
		const look = p => { const s = getComputedStyle(p); return s.stroke + ' ' + s.strokeDasharray; };
		const others = new Set(Array.from(document.querySelectorAll('svg.graph g.edge:not(.`+class+`) path:not(.hit)'), look));
		return Array.from(document.querySelectorAll('svg.graph g.edge.`+class+` path:not(.hit)'), look).filter(l => others.has(l)); })()`)
	if len(shared) > 0 {
		t.Errorf("%s arrows are drawn like other arrows: %v", class, shared)
	}
}

// clickEdge clicks the i-th arrow of the class and returns the side
// panel's text (the click is dispatched: the middle of a curve's box need
// not be on the curve).
func clickEdge(t *testing.T, page *browsertest.Page, class string, i int) string {
	t.Helper()
	return browsertest.Eval[string](t, page, `(() => {
		document.querySelectorAll('svg.graph g.edge.`+class+`')[`+jsInt(i)+`].querySelector('path.hit').dispatchEvent(new MouseEvent('click', {bubbles: true}));
		return document.getElementById('graph-panel').textContent; })()`)
}

// checkLatent: the page lists the JSON report's latent sources in a table
// of their own, saying what blocks them, and draws one latent arrow per
// blocked first hop, styled apart from the others, whose side panel says
// what blocks it. It returns how many latent sources there were.
func checkLatent(t *testing.T, page *browsertest.Page, rep *pathsJSON) int {
	t.Helper()
	rows := browsertest.Eval[[][2]string](t, page, `Array.from(document.querySelectorAll('#latent tr[data-source]'), tr => [tr.getAttribute('data-source'), tr.querySelector('code.blocked-by').textContent])`)
	var want [][2]string
	blocked := map[[3]string]bool{}
	for _, s := range rep.Latent {
		want = append(want, [2]string{s.ID, s.BlockedBy})
		if h := s.Path[0]; h.BlockedBy == "" || s.BlockedBy == "" {
			t.Errorf("latent source %s: blocked by %q, first hop blocked by %q", s.ID, s.BlockedBy, h.BlockedBy)
		} else {
			blocked[[3]string{h.From, h.To, h.Kind}] = true
		}
	}
	if !slices.Equal(rows, want) {
		t.Errorf("latent table rows %v, the JSON report's latent sources %v", rows, want)
	}
	n := browsertest.Eval[int](t, page, `document.querySelectorAll('svg.graph g.edge.latent').length`)
	if n != len(blocked) {
		t.Errorf("%d latent arrows drawn, the JSON report has %d blocked first hops", n, len(blocked))
	}
	if n == 0 {
		return len(rep.Latent)
	}
	distinctStroke(t, page, "latent")
	for i := range n {
		panel := clickEdge(t, page, "latent", i)
		found := false
		for k := range blocked {
			found = found || strings.Contains(panel, k[0]) && strings.Contains(panel, k[1]) && strings.Contains(panel, "Blocked by") && strings.Contains(panel, "no-mfa-device")
		}
		if !found {
			t.Errorf("latent arrow %d: the side panel says %q, no blocked hop of the JSON report", i, panel)
		}
	}
	return len(rep.Latent)
}

// writeIncomplete writes a copy of a snapshot whose first Identity Center
// permission set could be read only in part (a failed call recorded as a
// gap and in the set's incomplete field), so that the hops through its
// provisioned roles rest on incomplete data.
func writeIncomplete(t *testing.T, src, dst string) {
	t.Helper()
	writeMutated(t, src, dst, func(doc map[string]any) {
		const op = "sso:ListManagedPoliciesInPermissionSet"
		ps := doc["identity_center"].(map[string]any)["permission_sets"].([]any)[0].(map[string]any)
		ps["incomplete"] = []any{op}
		addGap(doc, "", "identity_center", op)
	})
}

// checkIncomplete: every hop of the JSON report on incomplete data is
// drawn once with a visible mark, its side panel says so, the tables tag
// it, and a note counts them.
func checkIncomplete(t *testing.T, page *browsertest.Page, rep *pathsJSON) {
	t.Helper()
	want := map[[3]string]bool{}
	rep.hops(func(h *hopJSON) {
		if h.Incomplete {
			want[[3]string{h.From, h.To, h.Kind}] = true
		}
	})
	if len(want) == 0 {
		t.Fatal("no hop of the snapshot rests on incomplete data")
	}
	marks := browsertest.Eval[[]bool](t, page, `Array.from(document.querySelectorAll('svg.graph g.edge.incomplete'), g => {
		const m = g.querySelector('.inc-mark'); if (!m) { return false; }
		const r = m.getBoundingClientRect(), s = getComputedStyle(m);
		return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none' && m.textContent === '?'; })`)
	if len(marks) != len(want) || slices.Contains(marks, false) {
		t.Errorf("incomplete arrows drawn with a visible mark: %v, want %d", marks, len(want))
	}
	if n := browsertest.Eval[int](t, page, `document.querySelectorAll('svg.graph .inc-mark').length`); n != len(want) {
		t.Errorf("%d marks in the graph, want %d", n, len(want))
	}
	for i := range len(marks) {
		if panel := clickEdge(t, page, "incomplete", i); !strings.Contains(panel, "Incomplete data") {
			t.Errorf("incomplete arrow %d: the side panel says %q", i, panel)
		}
	}
	note := browsertest.Eval[string](t, page, `(document.querySelector('#summary .incomplete-note') || {textContent: ''}).textContent`)
	if !strings.HasPrefix(note, fmt.Sprintf("Incomplete: %d hops rest on data the snapshot could not read in full", len(want))) {
		t.Errorf("the incomplete note says %q, want %d hops", note, len(want))
	}
	if n := browsertest.Eval[int](t, page, `document.querySelectorAll('ol.hops .tag-inc').length`); n == 0 {
		t.Error("no hop of the tables is tagged incomplete data")
	}
}

// checkHolderFinding: a finding on the holder of a grant (evidence holder
// and principals, as OA-REACH-004 reports) is found by the text filter
// from the ARN of a principal it concerns, and its details name the holder
// and list every principal. It returns how many such findings the report
// has.
func checkHolderFinding(t *testing.T, page *browsertest.Page, rep *output.JSONReport) int {
	t.Helper()
	// The finding tested: one whose holder is not among its principals (a
	// group's grant) when there is one.
	var f *output.JSONFinding
	n := 0
	for i := range rep.Findings {
		e := rep.Findings[i].Evidence
		h, ok := e["holder"].(string)
		if !ok || rep.Findings[i].Suppression != nil || len(asStrings(e["principals"])) == 0 {
			continue
		}
		n++
		if f == nil || slices.Contains(asStrings(f.Evidence["principals"]), f.Evidence["holder"].(string)) && !slices.Contains(asStrings(e["principals"]), h) {
			f = &rep.Findings[i]
		}
	}
	if f == nil {
		return 0
	}
	principals := asStrings(f.Evidence["principals"])
	// Typed, then applied at once (a change event; typing alone waits for
	// a pause).
	page.Do(t, chromedp.Click(chromedp.CSS(`#f-reset`)), chromedp.SendKeys(chromedp.CSS(`#f-text`), principals[len(principals)-1]))
	shown := browsertest.Eval[int](t, page, `(() => { document.getElementById('f-text').dispatchEvent(new Event('change', {bubbles: true}));
		return document.querySelectorAll('#t-open tr.row').length; })()`)
	row := `Array.from(document.querySelectorAll('#t-open tr.row')).find(r => r.dataset.rule === ` + jsString(f.RuleID) + ` && r.querySelector('td.res').textContent === ` + jsString(f.Resource) + `)`
	if !browsertest.Eval[bool](t, page, `!!`+row) || shown >= rep.Summary.Findings {
		t.Fatalf("filtering by %s shows %d of %d findings, not the %s finding on %s", principals[len(principals)-1], shown, rep.Summary.Findings, f.RuleID, f.Resource)
	}
	detail := browsertest.Eval[struct {
		Facts      string
		Principals []string
	}](t, page, `(() => { `+row+`.click(); const d = `+row+`.nextElementSibling;
		return {Facts: d.querySelector('dl.facts').textContent, Principals: Array.from(d.querySelectorAll('ul.ev-principals li'), li => li.textContent)}; })()`)
	if holder := f.Evidence["holder"].(string); !strings.Contains(detail.Facts, "Holder (edit it)"+holder) {
		t.Errorf("the details of %s on %s do not name its holder %s: %q", f.RuleID, f.Resource, holder, detail.Facts)
	}
	if !slices.Equal(detail.Principals, principals) {
		t.Errorf("the details of %s on %s list principals %v, the evidence %v", f.RuleID, f.Resource, detail.Principals, principals)
	}
	page.Do(t, chromedp.Click(chromedp.CSS(`#f-reset`)))
	return n
}

func asStrings(v any) []string {
	list, _ := v.([]any)
	var out []string
	for _, x := range list {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// checkEscalationArrows: the page draws one escalation arrow per
// escalation hop of the JSON report's paths (shortest, and without MFA),
// styled apart from the others, and a click on each fills the side panel
// with its kind and evidence. It returns how many there were.
func checkEscalationArrows(t *testing.T, page *browsertest.Page, rep *pathsJSON) int {
	t.Helper()
	want := map[[3]string]*hopJSON{}
	rep.hops(func(h *hopJSON) {
		if strings.HasPrefix(h.Kind, "escalate:") {
			want[[3]string{h.From, h.To, h.Kind}] = h
		}
	})
	n := browsertest.Eval[int](t, page, `document.querySelectorAll('svg.graph g.edge.esc').length`)
	if n != len(want) {
		t.Errorf("%d escalation arrows drawn, the JSON report has %d escalation hops", n, len(want))
	}
	// Escalation arrows look like no other: no stroke (colour and dashes)
	// of theirs is one of another arrow.
	distinctStroke(t, page, "esc")
	for i := range n {
		panel := clickEdge(t, page, "esc", i)
		found := false
		for k, h := range want {
			if strings.Contains(panel, k[0]) && strings.Contains(panel, k[1]) && strings.Contains(panel, k[2]) &&
				h.Evidence != nil && strings.Contains(panel, h.Evidence.Resource) && strings.Contains(panel, h.Evidence.Actions[0]) {
				found = true
			}
		}
		if !found {
			t.Errorf("escalation arrow %d: the side panel says %q, no escalation hop of the JSON report with its evidence", i, panel)
		}
	}
	return len(want)
}

// evilRole is a role name made of markup: it must show as text.
const evilRole = `adm<script>window.pwned=1</script><img src=x onerror=window.pwned=2>`

// injectRoleName writes a copy of the startup fixture whose role
// "administrator" (in every ARN and name) is evilRole.
func injectRoleName(t *testing.T, dir string) string {
	t.Helper()
	raw, err := os.ReadFile("fixtures/startup-dev-prod.json")
	if err != nil {
		t.Fatal(err)
	}
	quoted, _ := json.Marshal(evilRole)
	s := strings.ReplaceAll(string(raw), "role/administrator", "role/"+strings.Trim(string(quoted), `"`))
	s = strings.ReplaceAll(s, `"name": "administrator"`, `"name": `+string(quoted))
	path := filepath.Join(dir, "evil.json")
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// checkFilters types a rule id prefix (OA-ROOT) in the text filter: only
// the findings of those rules stay, as many as the JSON report has. Then one severity card leaves that
// severity alone.
func checkFilters(t *testing.T, page *browsertest.Page, rep *output.JSONReport, prefix string) {
	t.Helper()
	wantRoot, wantHigh := 0, 0
	for _, f := range rep.Findings {
		if f.Suppression != nil {
			continue
		}
		if strings.HasPrefix(f.RuleID, prefix) {
			wantRoot++
		}
		if f.Severity == "high" {
			wantHigh++
		}
	}
	total := browsertest.Eval[int](t, page, `document.querySelectorAll('#t-open tr.row').length`)
	if total != rep.Summary.Findings {
		t.Errorf("%d rows before filtering, the JSON report has %d findings", total, rep.Summary.Findings)
	}
	rows := func(attr string) []string {
		return browsertest.Eval[[]string](t, page, `Array.from(document.querySelectorAll('#t-open tr.row'), r => r.getAttribute('`+attr+`'))`)
	}
	page.Do(t, chromedp.SendKeys(chromedp.CSS(`#f-text`), prefix))
	// The filter waits for a pause in typing: give it that time, then
	// read the rows whatever they are.
	_, _ = chromedp.Run(page.Ctx, chromedp.Poll[bool](`(() => { const r = Array.from(document.querySelectorAll('#t-open tr.row'));
		return r.length === `+jsInt(wantRoot)+` && r.every(x => x.dataset.rule.startsWith(`+jsString(prefix)+`)) })()`, chromedp.WithPollingTimeout(3*time.Second)))
	got := rows("data-rule")
	for _, r := range got {
		if !strings.HasPrefix(r, prefix) {
			t.Errorf("filter %s left a %s row", prefix, r)
		}
	}
	if len(got) != wantRoot {
		t.Errorf("filter %s: %d rows, the JSON report has %d of its findings", prefix, len(got), wantRoot)
	}
	page.Do(t, chromedp.Click(chromedp.CSS(`#f-reset`)), chromedp.Click(chromedp.CSS(`button[data-filter-severity="high"]`)))
	got = rows("data-severity")
	for _, s := range got {
		if s != "high" {
			t.Errorf("the high card left a %s row", s)
		}
	}
	if len(got) != wantHigh {
		t.Errorf("high card: %d rows, the JSON report has %d high findings", len(got), wantHigh)
	}
}

func jsInt(n int) string { b, _ := json.Marshal(n); return string(b) }

// checkCompliance reads every control row of the page's compliance tables
// and compares it with the JSON report's compliance section.
func checkCompliance(t *testing.T, page *browsertest.Page, rep *output.JSONReport) {
	t.Helper()
	type row struct {
		Framework, Control, Status               string
		Passed, Failed, NotEvaluated, Suppressed string
	}
	rows := browsertest.Eval[[]row](t, page, `Array.from(document.querySelectorAll('details.framework')).flatMap(d => Array.from(d.querySelectorAll('tr[data-control]'), tr => ({
		Framework: d.getAttribute('data-framework'), Control: tr.getAttribute('data-control'), Status: tr.getAttribute('data-status'),
		Passed: tr.querySelector('.c-passed').textContent, Failed: tr.querySelector('.c-failed').textContent,
		NotEvaluated: tr.querySelector('.c-not_evaluated').textContent, Suppressed: tr.querySelector('.c-suppressed').textContent})))`)
	var want []row
	for _, f := range rep.Compliance {
		for _, c := range f.Controls {
			w := row{Framework: f.ID, Control: c.ID, Status: string(c.Status), Passed: "–", Failed: "–", NotEvaluated: "–", Suppressed: "–"}
			if c.Decided() {
				w.Passed, w.Failed, w.NotEvaluated, w.Suppressed = jsInt(c.Passed), jsInt(c.Failed), jsInt(c.NotEvaluated), jsInt(c.Suppressed)
			}
			want = append(want, w)
		}
	}
	if len(want) == 0 {
		t.Fatal("the JSON report has no compliance summary")
	}
	if !slices.Equal(rows, want) {
		t.Errorf("the compliance tables differ from the JSON report's compliance:\n page: %+v\n json: %+v", rows, want)
	}
}

// TestHandoverHTMLPaths: every path of a handover checklist (a path, the
// path without MFA, a latent user's path once it has a device) shows on
// the page as code under its label, as the text checklist words it, with
// Identity Center users and groups by name.
func TestHandoverHTMLPaths(t *testing.T) {
	chdirRoot(t)
	cases := []struct{ fixture, account string }{
		{"fixtures/consultancy-clients.json", "client-acme"},
		{"fixtures/consultancy-clients.json", "client-globex"},
		{"fixtures/identity-account-ous.json", "dev"},
	}
	labels := map[string]int{}
	for _, c := range cases {
		t.Run(c.account, func(t *testing.T) {
			args := []string{"handover", "--snapshot", c.fixture, "--account", c.account}
			var list struct {
				Items []struct {
					Details []string `json:"details"`
				} `json:"items"`
			}
			if err := json.Unmarshal([]byte(run(t, append(args, "--format", "json")...).stdout), &list); err != nil {
				t.Fatal(err)
			}
			page := run(t, append(args, "--format", "html")...).stdout
			for _, it := range list.Items {
				for _, d := range it.Details {
					label, path, ok := strings.Cut(d, ": ")
					if !ok || !strings.Contains(path, " → ") {
						continue
					}
					labels[label]++
					if want := "<li>" + html.EscapeString(label) + ": <code>" + html.EscapeString(path) + "</code></li>"; !strings.Contains(page, want) {
						t.Errorf("the page does not show %q as code", d)
					}
				}
			}
		})
	}
	for _, label := range []string{"path", "path without MFA", "path once it has a device"} {
		if labels[label] == 0 {
			t.Errorf("no checklist has a %q: that case went untested (labels seen: %v)", label, labels)
		}
	}
	r := run(t, "handover", "--snapshot", "fixtures/consultancy-clients.json", "--account", "client-globex", "--format", "html")
	if !strings.Contains(r.stdout, "Identity Center user carol@metal-consult.example can reach the account") {
		t.Error("the page does not name Identity Center user u-carol by her user name")
	}
}
