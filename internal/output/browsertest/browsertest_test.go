package browsertest

import (
	"fmt"
	"strings"
	"testing"
)

type recorder struct{ skipped, failed string }

func (r *recorder) Helper()           {}
func (r *recorder) Skip(args ...any)  { r.skipped = fmt.Sprint(args...) }
func (r *recorder) Fatal(args ...any) { r.failed = fmt.Sprint(args...) }

// TestMissingBrowser: without a browser, CI fails and a developer's run
// skips, both saying how to install one.
func TestMissingBrowser(t *testing.T) {
	var ci, dev recorder
	missing(&ci, true)
	missing(&dev, false)
	if ci.failed == "" || ci.skipped != "" || !strings.Contains(ci.failed, "apt-get install -y chromium") {
		t.Errorf("under CI: %+v, want a failure saying how to install Chromium", ci)
	}
	if dev.skipped == "" || dev.failed != "" || !strings.Contains(dev.skipped, EnvBrowser) {
		t.Errorf("outside CI: %+v, want a skip naming %s", dev, EnvBrowser)
	}
}
