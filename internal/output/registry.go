package output

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/orgaudit/orgaudit/internal/drift"
	"github.com/orgaudit/orgaudit/internal/handover"
	"github.com/orgaudit/orgaudit/internal/plan"
	"github.com/orgaudit/orgaudit/internal/version"
)

// formats is the registry: every output format of every command, the
// default (table) first. A format renders the kinds whose writer it sets;
// adding a format, or a kind to a format, is one entry here.
var formats = []Format{
	{
		Name:        "table",
		Description: "text for people: aligned tables that fit the terminal (the default)",
		Check:       writeCheckTable,
		Paths:       writePathsTable,
		Drift:       writeDriftTable,
		Handover:    writeHandoverTable,
		Rules:       writeRulesTable,
		Version:     writeVersionTable,
		Simulate:    writeSimulationTable,
		Plan:        writePlanTable,
	},
	{
		Name:        "json",
		Description: "a stable, versioned JSON document for scripts",
		Check:       writeCheckJSON,
		Paths:       writePathsJSON,
		Drift:       writeJSON[*drift.Result],
		Handover:    writeJSON[*handover.Checklist],
		Rules:       writeRulesJSON,
		Version:     writeJSON[version.Info],
		Simulate:    writeSimulationJSON,
		Plan:        writeJSON[*plan.Report],
	},
	{
		Name:        "sarif",
		Description: "SARIF 2.1.0 for GitHub code scanning and other SARIF viewers",
		Check:       writeCheckSARIF,
	},
	{
		Name:        "markdown",
		Description: "Markdown for CI job summaries and merge-request comments",
		Check:       writeCheckMarkdown,
		Drift:       writeDriftMarkdown,
		Handover:    writeHandoverMarkdown,
		Plan:        writePlanMarkdown,
	},
	{
		Name:        "junit",
		Description: "JUnit XML for CI test-report views",
		Check:       writeCheckJUnit,
	},
	{
		Name:        "dot",
		Description: "Graphviz DOT of the shortest paths (dot -Tsvg)",
		Paths:       writePathsDOT,
	},
	{
		Name:        "mermaid",
		Description: "a Mermaid flowchart of the shortest paths (renders in GitHub and GitLab Markdown)",
		Paths:       writePathsMermaid,
	},
	{
		Name:        "html",
		Description: "one self-contained HTML page (no network needed) to open in a browser, forward or print",
		Check:       writeCheckHTML,
		Paths:       writePathsHTML,
		Handover:    writeHandoverHTML,
	},
	{
		Name:        "compliance",
		Description: "the compliance summary: per framework control, the accounts that pass, fail or could not be evaluated",
		Check:       writeCheckCompliance,
	},
}

// writeJSON renders any value as indented JSON, HTML characters as they
// are.
func writeJSON[T any](w io.Writer, v T, _ Options) error {
	return writeIndentedJSON(w, "json", v)
}

func writeIndentedJSON(w io.Writer, format string, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("render %s: %w", format, err)
	}
	return nil
}
