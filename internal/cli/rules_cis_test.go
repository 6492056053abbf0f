package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestRulesListCISSection1: every control of CIS AWS Foundations v3.0.0
// section 1 is listed as covered (with its rules), manual (with the
// console steps) or not applicable (with the reason), and v5.0.0 maps the
// same controls under their new numbers.
func TestRulesListCISSection1(t *testing.T) {
	type control struct {
		ID          string            `json:"id"`
		Status      string            `json:"status"`
		Rules       []string          `json:"rules"`
		ManualSteps string            `json:"manual_steps"`
		Reason      string            `json:"reason"`
		Same        map[string]string `json:"same"`
	}
	list := func(fw string) map[string]control {
		r := run(t, "rules", "list", "--framework", fw, "--format", "json")
		if r.code != 0 {
			t.Fatalf("%s: exit %d: %s", fw, r.code, r.stderr)
		}
		var out struct {
			ID       string    `json:"id"`
			Controls []control `json:"controls"`
		}
		if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
			t.Fatal(err)
		}
		byID := map[string]control{}
		for _, c := range out.Controls {
			byID[c.ID] = c
		}
		return byID
	}
	v3 := list("cis-v3.0.0")
	if len(v3) != 22 {
		t.Fatalf("%d controls of v3.0.0 section 1, want 22", len(v3))
	}
	for i := 1; i <= 22; i++ {
		id := "1." + strconv.Itoa(i)
		c, ok := v3[id]
		if !ok {
			t.Errorf("control %s missing", id)
			continue
		}
		switch c.Status {
		case "covered":
			if len(c.Rules) == 0 {
				t.Errorf("%s covered by no rule", id)
			}
		case "manual":
			if c.ManualSteps == "" || len(c.Rules) != 0 {
				t.Errorf("%s manual without steps, or with rules that would pass it: %+v", id, c)
			}
		case "not_applicable":
			if c.Reason == "" {
				t.Errorf("%s not applicable without a reason", id)
			}
		default:
			t.Errorf("%s: status %q", id, c.Status)
		}
	}
	for id, want := range map[string]string{"1.1": "manual", "1.3": "manual", "1.18": "not_applicable"} {
		if v3[id].Status != want {
			t.Errorf("%s: %s, want %s", id, v3[id].Status, want)
		}
	}
	if !strings.Contains(v3["1.18"].Reason, "EC2") {
		t.Errorf("1.18 does not say it needs an EC2 inventory: %q", v3["1.18"].Reason)
	}

	v5 := list("cis-v5.0.0")
	if len(v5) != 21 || v3["1.3"].Same["cis-v5.0.0"] != "" {
		t.Errorf("v5.0.0 has %d controls (want 21, without the security questions)", len(v5))
	}
	for id, c := range v3 {
		v5id := c.Same["cis-v5.0.0"]
		if v5id == "" {
			continue
		}
		if got := strings.Join(v5[v5id].Rules, ","); got != strings.Join(c.Rules, ",") {
			t.Errorf("v3.0.0 %s and v5.0.0 %s are the same control, decided by %q and %q", id, v5id, c.Rules, v5[v5id].Rules)
		}
	}
}

// TestRulesListFrameworkOutput: the controls of a framework render
// through the output registry like the rules: the table (golden, full
// width) and JSON to stdout or to a file, the formats of rules list only,
// and one clean error with a did-you-mean for an unknown framework.
func TestRulesListFrameworkOutput(t *testing.T) {
	chdirRoot(t)
	r := run(t, "rules", "list", "--framework", "cis-v3.0.0")
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	golden(t, "rules-cis-v3.0.0.txt", r.stdout)

	out := filepath.Join(t.TempDir(), "cis.json")
	if r := run(t, "rules", "list", "--framework", "cis-v5.0.0", "--format", "json", "--output", out); r.code != ExitOK || r.stdout != "" {
		t.Fatalf("exit %d, stdout %q: %s", r.code, r.stdout, r.stderr)
	}
	if got, want := readFile(t, out), run(t, "rules", "list", "--framework", "cis-v5.0.0", "--format", "json").stdout; got != want {
		t.Error("--output differs from stdout")
	}
	if st, err := os.Stat(out); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("%s: %v %v, want mode 0600", out, err, st)
	}

	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"unknown framework", []string{"--framework", "cis-v9"}, []string{`unknown framework "cis-v9"`, "cis-v3.0.0, cis-v4.0.0, cis-v5.0.0"}},
		{"did you mean", []string{"--framework", "cis-v5"}, []string{"did you mean cis-v5.0.0?"}},
		{"format of other commands", []string{"--framework", "cis-v3.0.0", "--format", "sarif"}, []string{`unknown format "sarif" for rules list (valid: table, json)`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assertCleanError(t, run(t, append([]string{"rules", "list"}, tt.args...)...), ExitUsage, tt.want...)
		})
	}
}
