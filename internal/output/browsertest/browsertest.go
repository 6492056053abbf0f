// Package browsertest drives a headless Chromium for tests of the HTML
// reports: it opens a page from a file, and records every console error,
// uncaught exception and network request the page makes.
//
// The browser is the system's (Debian's chromium package at
// /usr/bin/chromium, or ORGAUDIT_CHROMIUM). Without one, Start skips the
// test and says how to install it; under CI=true it fails instead, so a CI
// machine that lost its browser cannot pass by skipping.
package browsertest

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// EnvBrowser names a Chromium binary to use instead of the system's.
const EnvBrowser = "ORGAUDIT_CHROMIUM"

// Flags are the command-line switches the browser starts with, besides a
// fresh --user-data-dir: headless, no sandbox (tests run as root in
// containers), and nothing that reaches the network on its own.
var Flags = []string{
	"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
	"--disable-background-networking", "--disable-component-update", "--disable-sync",
}

// Find returns the path of the Chromium binary, or "" when there is none.
func Find() string {
	if p := os.Getenv(EnvBrowser); p != "" {
		return p
	}
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// stopper is what missing needs of a test.
type stopper interface {
	Helper()
	Skip(args ...any)
	Fatal(args ...any)
}

// missing stops a test that needs a browser when there is none: it fails
// on CI (a CI machine must have one), and skips elsewhere, saying how to
// get one.
func missing(t stopper, ci bool) {
	t.Helper()
	msg := "no Chromium found: install it (apt-get install -y chromium) or set " + EnvBrowser + " to run the HTML report tests in a browser"
	if ci {
		t.Fatal(msg + " (CI=true: a missing browser fails)")
		return
	}
	t.Skip(msg)
}

// Browser is a running headless Chromium.
type Browser struct {
	ctx    context.Context
	cancel func()
}

// Start launches the browser for the test and stops it when the test
// ends. Without a browser it skips the test (fails it under CI=true).
func Start(t testing.TB) *Browser {
	t.Helper()
	path := Find()
	if path == "" {
		missing(t, os.Getenv("CI") == "true")
	}
	opts := []chromedp.ExecAllocatorOption{chromedp.ExecPath(path), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900)}
	for _, f := range Flags {
		opts = append(opts, chromedp.Flag(strings.TrimPrefix(f, "--"), true))
	}
	actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		acancel()
		t.Fatalf("start %s: %v", path, err)
	}
	b := &Browser{ctx: ctx, cancel: func() { cancel(); acancel() }}
	t.Cleanup(b.cancel)
	return b
}

// Page is a page opened from a file, with what it did while loading and
// since.
type Page struct {
	// Ctx runs actions in the page's tab (chromedp.Run(p.Ctx, ...)).
	Ctx    context.Context
	URL    string
	cancel func()

	mu       sync.Mutex
	errors   []string
	requests []string
}

// Open loads the file in a new tab and waits until its document is
// loaded.
func (b *Browser) Open(t testing.TB, file string) *Page {
	t.Helper()
	abs, err := filepath.Abs(file)
	if err != nil {
		t.Fatal(err)
	}
	u := (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String()
	ctx, cancel := chromedp.NewContext(b.ctx)
	ctx, tcancel := context.WithTimeout(ctx, 60*time.Second)
	p := &Page{Ctx: ctx, URL: u, cancel: func() { tcancel(); cancel() }}
	t.Cleanup(p.cancel)
	err = chromedp.Listen(ctx, func(ev any) {
		p.mu.Lock()
		defer p.mu.Unlock()
		switch e := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeAssert {
				p.errors = append(p.errors, "console."+string(e.Type)+": "+argsText(e.Args))
			}
		case *runtime.EventExceptionThrown:
			p.errors = append(p.errors, "exception: "+exceptionText(e.ExceptionDetails))
		case *log.EventEntryAdded:
			if e.Entry.Level == log.EntryLevelError {
				p.errors = append(p.errors, "log: "+e.Entry.Text+" "+e.Entry.URL)
			}
		case *network.EventRequestWillBeSent:
			p.requests = append(p.requests, e.Request.URL)
		}
	})
	if err == nil {
		err = chromedp.Do(ctx, chromedp.Navigate(u), chromedp.WaitReady(chromedp.CSS("body")))
	}
	if err != nil {
		t.Fatalf("open %s: %v", u, err)
	}
	return p
}

func exceptionText(d *runtime.ExceptionDetails) string {
	if d == nil {
		return "unknown"
	}
	text := d.Text
	if d.Exception != nil && d.Exception.Description != "" {
		text += " " + d.Exception.Description
	}
	return fmt.Sprintf("%s (line %d)", text, d.LineNumber+1)
}

func argsText(args []*runtime.RemoteObject) string {
	var parts []string
	for _, a := range args {
		if a.Value != nil {
			parts = append(parts, string(a.Value))
		} else {
			parts = append(parts, a.Description)
		}
	}
	return strings.Join(parts, " ")
}

// Errors returns the console errors, uncaught exceptions and error log
// entries (blocked requests, CSP violations) seen so far.
func (p *Page) Errors() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.errors...)
}

// Requests returns the URLs the page requested besides its own document.
func (p *Page) Requests() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for _, r := range p.requests {
		if r != p.URL {
			out = append(out, r)
		}
	}
	return out
}

// Eval evaluates a JavaScript expression in the page and returns its
// value decoded as T.
func Eval[T any](t testing.TB, p *Page, expr string) T {
	t.Helper()
	v, err := chromedp.Run(p.Ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// Do runs chromedp actions in the page.
func (p *Page) Do(t testing.TB, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(p.Ctx, actions...); err != nil {
		t.Fatalf("in %s: %v", p.URL, err)
	}
}

// Clean fails the test when the page logged an error or requested
// anything besides its own file.
func (p *Page) Clean(t testing.TB) {
	t.Helper()
	// Let late events (a failed request, an error in a timer) arrive.
	_ = chromedp.Do(p.Ctx, chromedp.Sleep(50*time.Millisecond))
	if errs := p.Errors(); len(errs) > 0 {
		t.Errorf("%s: console errors:\n  %s", p.URL, strings.Join(errs, "\n  "))
	}
	if reqs := p.Requests(); len(reqs) > 0 {
		t.Errorf("%s: network requests besides the page itself:\n  %s", p.URL, strings.Join(reqs, "\n  "))
	}
}

// FirstPaint returns the time from navigation to the first contentful
// paint, as the page's Performance API reports it.
func (p *Page) FirstPaint(t testing.TB) time.Duration {
	t.Helper()
	return p.waitMillis(t, "first paint", `(() => { const e = performance.getEntriesByName('first-contentful-paint')[0]; return e ? e.startTime : 0 })()`)
}

// Ready returns the time from navigation to when the page's script has
// built the page (it sets data-ready-ms on the document element).
func (p *Page) Ready(t testing.TB) time.Duration {
	t.Helper()
	return p.waitMillis(t, "ready", `Number(document.documentElement.getAttribute('data-ready-ms') || 0)`)
}

// waitMillis polls a JavaScript expression until it gives a positive
// number of milliseconds.
func (p *Page) waitMillis(t testing.TB, what, expr string) time.Duration {
	t.Helper()
	ms, err := chromedp.Run(p.Ctx, chromedp.Poll[float64](expr, chromedp.WithPollingTimeout(30*time.Second)))
	if err != nil || ms <= 0 {
		t.Fatalf("%s: no %s recorded: %v", p.URL, what, err)
	}
	return time.Duration(ms * float64(time.Millisecond))
}

// String names the page in messages.
func (p *Page) String() string { return p.URL }
