package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/orgaudit/orgaudit/internal/output/browsertest"
)

// BenchmarkHTMLReport writes the HTML check report and the paths page
// (--to env:production) of generated organizations and opens them in
// headless Chromium. It reports the file sizes, the first contentful
// paint and when the script has built the page (the slowest of the
// runs), and fails when a report of 1,000 accounts is over 20 MB or paints
// after 3 s (docs/benchmarks.md):
//
//	go test ./internal/cli -run '^$' -bench HTMLReport -benchtime 3x
func BenchmarkHTMLReport(b *testing.B) {
	browser := browsertest.Start(b)
	for _, accounts := range []int{100, 1000} {
		dir := b.TempDir()
		snap := filepath.Join(dir, "org.json")
		runBench(b, "generate", "--accounts", strconv.Itoa(accounts), "--output", snap)
		for _, page := range []struct {
			name string
			args []string
		}{
			{"check", []string{"check", "--snapshot", snap}},
			{"paths", []string{"paths", "--snapshot", snap, "--to", "env:production"}},
		} {
			b.Run(fmt.Sprintf("%s/accounts=%d", page.name, accounts), func(b *testing.B) {
				out := filepath.Join(dir, page.name+".html")
				start := time.Now()
				runBench(b, append(page.args, "--format", "html", "--output", out)...)
				write := time.Since(start)
				st, err := os.Stat(out)
				if err != nil {
					b.Fatal(err)
				}
				var paint, ready time.Duration
				for b.Loop() {
					p := browser.Open(b, out)
					paint, ready = max(paint, p.FirstPaint(b)), max(ready, p.Ready(b))
					p.Clean(b)
				}
				mb := float64(st.Size()) / 1e6
				b.ReportMetric(mb, "MB")
				b.ReportMetric(float64(paint.Milliseconds()), "ms-first-paint")
				b.ReportMetric(float64(ready.Milliseconds()), "ms-ready")
				b.ReportMetric(write.Seconds(), "s-to-write")
				if accounts == 1000 && (mb > 20 || paint > 3*time.Second) {
					b.Errorf("%s of %d accounts: %.1f MB, first paint after %s; the bounds are 20 MB and 3 s", page.name, accounts, mb, paint)
				}
			})
		}
	}
}

// runBench runs the command line in-process; exit codes 0, 1 and 3 are
// results, anything else fails.
func runBench(b *testing.B, args ...string) {
	b.Helper()
	var out, errOut bytes.Buffer
	code := Execute(context.Background(), append(args, "--quiet"), strings.NewReader(""), &out, &errOut)
	if code != ExitOK && code != ExitFindings && code != ExitIncomplete {
		b.Fatalf("%v: exit %d: %s", args, code, errOut.String())
	}
}
