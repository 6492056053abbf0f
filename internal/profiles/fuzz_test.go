package profiles

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse: any config and credentials content parses or fails with an
// error that quotes none of its lines, and never panics.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"good", "bad"} {
		cfg, _ := os.ReadFile(filepath.Join(fixtures, "profiles", name, "config"))
		creds, _ := os.ReadFile(filepath.Join(fixtures, "profiles", name, "credentials"))
		f.Add(cfg, creds)
	}
	f.Add([]byte("[profile a]\nsource_profile = a\n"), []byte("[a\naws_secret_access_key secret-value-here\n"))
	f.Fuzz(func(t *testing.T, cfg, creds []byte) {
		files, err := Parse("config", cfg, "credentials", creds)
		if err != nil {
			for _, line := range strings.Split(string(cfg)+"\n"+string(creds), "\n") {
				line = strings.TrimSpace(line)
				if len(line) >= 12 && strings.Contains(err.Error(), line) {
					t.Fatalf("error quotes an input line: %v", err)
				}
			}
			return
		}
		res := Check(files, CheckOptions{})
		for _, fd := range res.Findings {
			if fd.RuleID == "" || fd.Fingerprint == "" {
				t.Fatalf("incomplete finding %+v", fd)
			}
		}
	})
}
