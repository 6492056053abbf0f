package output

import (
	"io"
	"runtime"

	"github.com/orgaudit/orgaudit/internal/graph"
)

// pathsSegment is how many elements of a list of the paths JSON report (a
// source, or a target id) a worker encodes at a time when the list is
// encoded on several cores; lists of at most two segments are encoded
// serially. A source is about 1.6 KB of JSON at 10,000 accounts.
const pathsSegment = 256

// json writes the paths JSON report: the bytes writeIndentedJSON gives of
// the whole jsonReport (TestPathsJSONMatchesEncoder), written in one
// pass, the sources built and encoded in segments on every core (up to
// maxListWorkers), never the whole report in memory.
func (r *pathsView) json(w io.Writer) error {
	return r.writeJSON(w, listWriter{segment: pathsSegment, workers: min(runtime.GOMAXPROCS(0), maxListWorkers)})
}

// writeJSON is json with the lists encoded by p.
func (r *pathsView) writeJSON(w io.Writer, p listWriter) error {
	res := r.Result
	source := func(list []graph.Source) jsonList {
		return jsonList{n: len(list), item: func(s *jsonStream, b []byte, i int) []byte {
			js := r.sourceJSON(&list[i])
			return s.appendSource(b, &js, "    ")
		}}
	}
	return p.writePaths(w, r.jsonHead(), source(res.Sources), source(res.Latent))
}

// jsonHead is the paths JSON report without its sources and latent
// sources (which are nil), its summary counting them.
func (r *pathsView) jsonHead() jsonReport {
	res := r.Result
	s := r.Graph.Index().Snapshot()
	out := jsonReport{
		Version:  "1",
		Snapshot: jsonSnapshot{Path: r.SnapshotPath, CollectedAt: s.Metadata.CollectedAt.UTC().Format("2006-01-02T15:04:05Z07:00")},
		Target:   jsonTarget{Spec: r.Spec, Kind: string(res.Target.Kind), Label: res.Target.Label, Accounts: res.Target.Accounts, Role: res.Target.Role},
		MaxHops:  res.MaxHops, Edges: res.Edges, Targets: res.Targets, Unknown: res.UnknownAccounts,
		Warnings: r.Graph.Warnings(), Graph: r.Graph.Stats(),
	}
	if s.Organization != nil {
		out.Snapshot.OrganizationID = s.Organization.ID
	}
	for i := range res.Sources {
		src := &res.Sources[i]
		out.Summary.Sources++
		if !src.MFARequired {
			out.Summary.WithoutMFA++
		}
		if src.Node.StartingPoint() {
			out.Summary.StartingPoints++
		}
	}
	out.Summary.Latent, out.Summary.IncompleteHops = len(res.Latent), res.Incomplete()
	return out
}

// writePaths writes rep (whose Sources and Latent are left out) with the
// given sources and latent sources, the lists encoded in segments.
func (p listWriter) writePaths(w io.Writer, rep jsonReport, sources, latent jsonList) error {
	s := newJSONStream(w)
	s.raw("{\n")
	s.field("paths_version", rep.Version)
	s.field("snapshot", rep.Snapshot)
	s.field("target", rep.Target)
	s.field("max_hops", rep.MaxHops)
	s.field("edges", rep.Edges)
	p.strings(s, "targets", rep.Targets)
	p.strings(s, "unknown_accounts", rep.Unknown)
	s.field("summary", rep.Summary)
	p.list(s, "sources", sources)
	p.list(s, "latent", latent)
	p.strings(s, "warnings", rep.Warnings)
	return s.last("graph", rep.Graph)
}
