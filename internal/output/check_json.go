package output

import (
	"fmt"
	"io"
	"runtime"
	"sync"
	"time"

	"github.com/orgaudit/orgaudit/internal/engine"
)

// JSONVersion is the version of the JSON report shape. It changes only
// when a field is removed or changes meaning; new fields may appear.
const JSONVersion = "1"

// JSONReport is the documented, stable shape of `--format json`.
type JSONReport struct {
	ReportVersion string        `json:"report_version"`
	Tool          JSONTool      `json:"tool"`
	Snapshot      JSONSnapshot  `json:"snapshot"`
	Summary       JSONSummary   `json:"summary"`
	Baseline      *BaselineInfo `json:"baseline,omitempty"`
	Findings      []JSONFinding `json:"findings"`
	NotEvaluated  []JSONNotEval `json:"not_evaluated"`
	Rules         []JSONRule    `json:"rules"`
	// Compliance is the per-control summary of each framework the rules
	// map to (or the one --framework selects).
	Compliance []FrameworkSummary `json:"compliance"`
}

// JSONTool names the tool that wrote the report.
type JSONTool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// JSONSnapshot describes the checked snapshot.
type JSONSnapshot struct {
	Path           string    `json:"path"`
	CollectedAt    time.Time `json:"collected_at"`
	Scope          string    `json:"scope"`
	OrganizationID string    `json:"organization_id,omitempty"`
	Accounts       int       `json:"accounts"`
	Gaps           int       `json:"gaps"`
}

// JSONSummary counts findings.
type JSONSummary struct {
	Findings     int            `json:"findings"`
	BySeverity   map[string]int `json:"by_severity"`
	NotEvaluated int            `json:"not_evaluated"`
	Rules        int            `json:"rules"`
	// Suppressed counts the findings exceptions accept; Findings and
	// BySeverity leave them out.
	Suppressed int `json:"suppressed"`
}

// JSONFinding is one finding with the rule's title and the account's name.
type JSONFinding struct {
	RuleID      string         `json:"rule_id"`
	Title       string         `json:"title"`
	Severity    string         `json:"severity"`
	AccountID   string         `json:"account_id"`
	AccountName string         `json:"account_name,omitempty"`
	Resource    string         `json:"resource"`
	Message     string         `json:"message"`
	Evidence    map[string]any `json:"evidence,omitempty"`
	Key         string         `json:"key,omitempty"`
	Fingerprint string         `json:"fingerprint"`
	// Suppression is present when an exception accepts the finding.
	Suppression *engine.Suppression `json:"suppression,omitempty"`
	// BaselineState is "new" or "existing" when a baseline was given.
	BaselineState string `json:"baseline_state,omitempty"`
}

// JSONNotEval is a check that could not be evaluated.
type JSONNotEval struct {
	RuleID      string `json:"rule_id"`
	AccountID   string `json:"account_id,omitempty"`
	AccountName string `json:"account_name,omitempty"`
	Section     string `json:"section"`
	Operation   string `json:"operation,omitempty"`
	Reason      string `json:"reason"`
}

// JSONRule is a rule's metadata.
type JSONRule struct {
	ID               string              `json:"id"`
	Title            string              `json:"title"`
	Severity         string              `json:"severity"`
	Description      string              `json:"description"`
	Remediation      string              `json:"remediation"`
	RelatedResources []string            `json:"related_resources"`
	Frameworks       map[string][]string `json:"frameworks,omitempty"`
	Source           string              `json:"source"`
}

// jsonReport is the JSON report without its findings.
func (r *CheckReport) jsonReport() JSONReport {
	s := r.Snapshot.Snapshot
	out := JSONReport{
		ReportVersion: JSONVersion,
		Tool:          JSONTool{Name: "orgaudit", Version: r.ToolVersion},
		Snapshot: JSONSnapshot{
			Path:        r.Snapshot.Path,
			CollectedAt: s.Metadata.CollectedAt,
			Scope:       s.Metadata.Scope,
			Accounts:    len(s.Accounts),
			Gaps:        len(s.Metadata.Gaps),
		},
		Summary: JSONSummary{
			Findings:     len(r.Result.Findings) - r.Suppressed(),
			Suppressed:   r.Suppressed(),
			BySeverity:   map[string]int{},
			NotEvaluated: len(r.Result.NotEvaluated),
			Rules:        len(r.Result.Rules),
		},
		Findings:     []JSONFinding{},
		NotEvaluated: []JSONNotEval{},
		Rules:        []JSONRule{},
	}
	if s.Organization != nil {
		out.Snapshot.OrganizationID = s.Organization.ID
	}
	out.Baseline = r.Baseline
	for sev := engine.SeverityInfo; sev <= engine.SeverityCritical; sev++ {
		out.Summary.BySeverity[sev.String()] = 0
	}
	for sev, n := range r.Counts() {
		out.Summary.BySeverity[sev.String()] = n
	}
	for _, n := range r.Result.NotEvaluated {
		out.NotEvaluated = append(out.NotEvaluated, JSONNotEval{
			RuleID:      n.RuleID,
			AccountID:   n.AccountID,
			AccountName: r.AccountName(n.AccountID),
			Section:     n.Section,
			Operation:   n.Operation,
			Reason:      n.Reason,
		})
	}
	for _, rule := range r.Result.Rules {
		out.Rules = append(out.Rules, JSONRule{
			ID:               rule.ID,
			Title:            rule.Title,
			Severity:         rule.Severity.String(),
			Description:      rule.Description,
			Remediation:      rule.Remediation,
			RelatedResources: nonNil(rule.RelatedResources),
			Frameworks:       rule.Frameworks,
			Source:           rule.Source,
		})
	}
	out.Compliance = append([]FrameworkSummary{}, r.Compliance()...)
	return out
}

// jsonFinding is one finding as the JSON report lists it; titles caches
// rule titles by id.
func (r *CheckReport) jsonFinding(f engine.Finding, titles map[string]string) JSONFinding {
	title, ok := titles[f.RuleID]
	if !ok {
		title = r.rules[f.RuleID].Title
		titles[f.RuleID] = title
	}
	return JSONFinding{
		RuleID:        f.RuleID,
		Title:         title,
		Severity:      f.Severity.String(),
		AccountID:     f.AccountID,
		AccountName:   r.AccountName(f.AccountID),
		Resource:      f.Resource,
		Message:       f.Message,
		Evidence:      f.Evidence,
		Key:           f.Key,
		Fingerprint:   f.Fingerprint,
		Suppression:   f.Suppression,
		BaselineState: f.BaselineState,
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// findingSegment is how many findings a worker encodes at a time when
// the findings of the JSON report are encoded on several cores; reports
// of at most two segments are encoded serially.
const findingSegment = 1024

// findingBytes is a generous size of a finding in the JSON report (about
// 650 bytes on average at 1,000 accounts), so that a segment's buffer
// seldom grows.
const findingBytes = 1024

// maxFindingWorkers bounds the workers encoding findings on large
// machines: beyond it the writer is the limit, and each worker holds up to
// two segments (about 1 MB each) in flight.
const maxFindingWorkers = 8

// writeCheckJSON streams the JSON report: the bytes writeIndentedJSON
// gives of the whole JSONReport (TestCheckJSONMatchesEncoder), written in
// one pass, without holding the whole document. The findings are encoded
// on every core, up to maxFindingWorkers (writeFindings).
func writeCheckJSON(w io.Writer, r *CheckReport, _ Options) error {
	return writeCheckJSONOn(w, r, findingSegment, min(runtime.GOMAXPROCS(0), maxFindingWorkers))
}

// writeCheckJSONOn is writeCheckJSON with the findings encoded by workers
// goroutines, segment findings at a time.
func writeCheckJSONOn(w io.Writer, r *CheckReport, segment, workers int) error {
	rep := r.jsonReport()
	s := newJSONStream(w)
	s.raw("{\n")
	s.field("report_version", rep.ReportVersion)
	s.field("tool", rep.Tool)
	s.field("snapshot", rep.Snapshot)
	s.field("summary", rep.Summary)
	if rep.Baseline != nil {
		s.field("baseline", rep.Baseline)
	}
	s.raw(`  "findings": [`)
	writeFindings(s, r, segment, workers)
	if len(r.Result.Findings) > 0 {
		s.raw("\n  ")
	}
	s.raw("],\n")
	s.field("not_evaluated", rep.NotEvaluated)
	s.field("rules", rep.Rules)
	s.raw(`  "compliance": `)
	s.std(rep.Compliance, "  ")
	s.raw("\n}\n")
	if err := s.flush(); err != nil {
		return fmt.Errorf("render json: %w", err)
	}
	return nil
}

// appendFindings appends the findings lo to hi-1 of r as elements of the
// findings list, each after its comma and indent; titles caches rule
// titles by id.
func (s *jsonStream) appendFindings(b []byte, r *CheckReport, lo, hi int, titles map[string]string) []byte {
	for i := lo; i < hi; i++ {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, "\n    "...)
		b = s.appendFinding(b, r.jsonFinding(r.Result.Findings[i], titles))
	}
	return b
}

// findingsSegment is a run of findings a worker encodes and the writer
// then writes.
type findingsSegment struct {
	lo, hi int
	buf    []byte
	err    error
	done   chan struct{} // closed when buf (or err) is set
}

// writeFindings writes the elements of the findings list. Up to two
// segments of findings, or on one core, it encodes them one by one;
// otherwise workers encode segments in parallel, each with its own
// buffers and title cache, and the writer writes them strictly in order.
// At most 2×workers segments are in flight (encoded or being encoded, and
// not yet written), and their buffers are reused. The first error (of
// the writer, or of an encoding, in document order) is kept in s.err and
// stops the work; every goroutine has ended when writeFindings returns.
func writeFindings(s *jsonStream, r *CheckReport, segment, workers int) {
	n := len(r.Result.Findings)
	if n <= 2*segment || workers < 2 {
		titles := map[string]string{}
		for i := range n {
			s.buf = s.appendFindings(s.buf, r, i, i+1, titles)
			s.flushBuf()
		}
		return
	}
	if s.err != nil {
		return
	}
	inFlight := 2 * workers
	jobs := make(chan *findingsSegment)
	order := make(chan *findingsSegment, inFlight-1)
	free := make(chan []byte, inFlight)
	quit := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(jobs)
		defer close(order)
		for lo := 0; lo < n; lo += segment {
			seg := &findingsSegment{lo: lo, hi: min(lo+segment, n), done: make(chan struct{})}
			select {
			case order <- seg:
			case <-quit:
				return
			}
			select {
			case jobs <- seg:
			case <-quit:
				return
			}
		}
	})
	for range workers {
		wg.Go(func() {
			ws := &jsonStream{}
			titles := map[string]string{}
			sizeHint := 0 // the largest segment this worker encoded, in bytes
			for seg := range jobs {
				select {
				case <-quit:
				default:
					var buf []byte
					select {
					case buf = <-free:
					default:
					}
					if want := max(sizeHint+sizeHint/4, (seg.hi-seg.lo)*findingBytes); cap(buf) < want {
						buf = make([]byte, 0, want)
					}
					ws.err = nil
					seg.buf = ws.appendFindings(buf[:0], r, seg.lo, seg.hi, titles)
					seg.err = ws.err
					sizeHint = max(sizeHint, len(seg.buf))
				}
				close(seg.done)
			}
		})
	}
	for seg := range order {
		<-seg.done
		if s.err == nil {
			s.err = seg.err
		}
		if s.err == nil {
			_, s.err = s.w.Write(seg.buf)
		}
		select {
		case free <- seg.buf:
		default:
		}
		if s.err != nil {
			break
		}
	}
	close(quit)
	wg.Wait()
}
