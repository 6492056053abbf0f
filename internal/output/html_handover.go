package output

import (
	"io"
	"strings"

	"github.com/orgaudit/orgaudit/internal/handover"
	"github.com/orgaudit/orgaudit/internal/version"
)

// handoverHTML is the body of a handover checklist page.
type handoverHTML struct {
	Summary string
	Ready   bool
	Counts  []htmlMarkCount
	// Sections are the checklist's sections in order.
	Sections []htmlHandoverSection
}

type htmlMarkCount struct {
	Status handover.Status
	Mark   string
	Label  string
	N      int
}

type htmlHandoverSection struct {
	Title string
	Items []htmlHandoverItem
}

type htmlHandoverItem struct {
	Status          handover.Status
	Mark, MarkLabel string
	Title, Resource string
	Details         []htmlDetail
}

// htmlDetail is a line of an item: a command to run (fix: …) or a path is
// shown as code.
type htmlDetail struct {
	Label, Text string
	Code        bool
}

// htmlHandoverMarks are the marks of the page: an empty box to tick on
// paper for what is left to do.
var htmlHandoverMarks = map[handover.Status]string{handover.Open: "", handover.Unknown: "?", handover.Done: "✓", handover.Note: "i"}

// handoverMarkLabels say what each mark means, for the legend and for
// screen readers.
var handoverMarkLabels = map[handover.Status]string{
	handover.Open: "to do", handover.Unknown: "unknown (treat as to do)", handover.Done: "done", handover.Note: "note",
}

func writeHandoverHTML(w io.Writer, c *handover.Checklist, _ Options) error {
	page := &htmlPage{Kind: "handover", Title: "Handover checklist: " + c.AccountName + " (" + c.AccountID + ")"}
	page.Meta = []htmlFact{
		{Name: "Account", Value: c.AccountName + " (" + c.AccountID + ")"},
	}
	if c.Email != "" {
		page.Meta = append(page.Meta, htmlFact{Name: "Root email", Value: c.Email, Code: true})
	}
	if len(c.OurDomains) > 0 {
		page.Meta = append(page.Meta, htmlFact{Name: "Our domains", Value: strings.Join(c.OurDomains, ", "), Code: true})
	}
	page.Meta = append(page.Meta, htmlFact{Name: "orgaudit", Value: version.String()})
	page.Generated = "orgaudit " + version.String()
	body := &handoverHTML{Summary: c.Summary(), Ready: c.Open == 0}
	count := map[handover.Status]int{}
	for _, it := range c.Items {
		count[it.Status]++
		if n := len(body.Sections); n == 0 || body.Sections[n-1].Title != it.Section {
			body.Sections = append(body.Sections, htmlHandoverSection{Title: it.Section})
		}
		item := htmlHandoverItem{Status: it.Status, Mark: htmlHandoverMarks[it.Status], MarkLabel: handoverMarkLabels[it.Status], Title: it.Title}
		if !strings.Contains(it.Title, it.Resource) {
			item.Resource = it.Resource
		}
		for _, d := range it.Details {
			item.Details = append(item.Details, handoverDetail(d))
		}
		s := &body.Sections[len(body.Sections)-1]
		s.Items = append(s.Items, item)
	}
	for _, st := range []handover.Status{handover.Open, handover.Unknown, handover.Done, handover.Note} {
		body.Counts = append(body.Counts, htmlMarkCount{Status: st, Mark: htmlHandoverMarks[st], Label: handoverMarkLabels[st], N: count[st]})
	}
	page.Body = body
	return renderHTML(w, page)
}

// handoverDetailLabels are the labels of the details shown as code: a
// command to run, and the paths of the access section (the path without
// MFA when there is one, a latent source's path once it has a device).
var handoverDetailLabels = []string{"fix", "path", "path without MFA", "path once it has a device"}

// handoverDetail splits "fix: COMMAND" and "path: A → B" (and the other
// handoverDetailLabels) into a label and code.
func handoverDetail(d string) htmlDetail {
	for _, label := range handoverDetailLabels {
		if rest, ok := strings.CutPrefix(d, label+": "); ok {
			return htmlDetail{Label: label, Text: rest, Code: true}
		}
	}
	return htmlDetail{Text: d}
}
