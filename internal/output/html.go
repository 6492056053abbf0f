package output

import (
	"bufio"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"strings"
	"sync"
	"time"
)

// The HTML format renders one self-contained page per report: the style
// sheet and the script are inlined from htmlassets, the access graph is
// inline SVG, and a Content-Security-Policy that allows only those inline
// blocks (by hash) forbids every network request. Every value from a
// snapshot goes through html/template, so it is escaped for where it
// lands (text, attributes, the JSON data blocks the script reads).

//go:embed htmlassets
var htmlAssets embed.FS

// htmlTemplates parses the templates once: one set per page kind, each the
// shared layout plus the page's body.
var htmlTemplates = sync.OnceValues(func() (map[string]*template.Template, error) {
	css, err := htmlAssets.ReadFile("htmlassets/report.css")
	if err != nil {
		return nil, err
	}
	js, err := htmlAssets.ReadFile("htmlassets/report.js")
	if err != nil {
		return nil, err
	}
	style, script := string(css), string(js)
	csp := fmt.Sprintf("default-src 'none'; style-src '%s'; script-src '%s'; img-src data:; base-uri 'none'; form-action 'none'", cspHash(style), cspHash(script))
	funcs := template.FuncMap{
		// The style sheet and the script are orgaudit's own files,
		// embedded in the binary: they are trusted as they are.
		"style":  func() template.CSS { return template.CSS(style) },
		"script": func() template.JS { return template.JS(script) },
		// The policy is built from the hashes above: no input in it.
		"csp": func() template.HTML {
			return template.HTML(`<meta http-equiv="Content-Security-Policy" content="` + csp + `">`)
		},
		// split cuts "ID:STATES" for the findings tables of check.html.
		"split": func(s string) []string { return strings.SplitN(s, ":", 2) },
	}
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(htmlAssets, "htmlassets/layout.html")
	if err != nil {
		return nil, err
	}
	out := map[string]*template.Template{}
	for _, page := range []string{"check", "paths", "handover"} {
		t, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := t.ParseFS(htmlAssets, "htmlassets/"+page+".html"); err != nil {
			return nil, err
		}
		out[page] = t
	}
	return out, nil
})

// cspHash is the Content-Security-Policy source of an inline block.
func cspHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}

// htmlPage is what the layout needs of every page.
type htmlPage struct {
	// Title is the document's title; Kind the page's kind, for the body
	// class ("check", "paths", "handover").
	Title string
	Kind  string
	// Meta are the header's facts, in order.
	Meta []htmlFact
	// Generated says which orgaudit wrote the page and from what.
	Generated string
	// Body is the page kind's own data.
	Body any
}

// htmlFact is one fact of a page header.
type htmlFact struct {
	Name, Value string
	// Code shows Value in a monospace font (ids, ARNs, file names).
	Code bool
}

// renderHTML executes the page template of a kind into w.
func renderHTML(w io.Writer, page *htmlPage) error {
	sets, err := htmlTemplates()
	if err != nil {
		return fmt.Errorf("render html: templates: %w", err)
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	if err := sets[page.Kind].ExecuteTemplate(bw, "layout.html", page); err != nil {
		return fmt.Errorf("render html: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("render html: %w", err)
	}
	return nil
}

// htmlTime renders a snapshot time for page headers.
func htmlTime(t time.Time) string {
	if t.IsZero() {
		return "unknown"
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}
