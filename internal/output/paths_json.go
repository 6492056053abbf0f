package output

import (
	"io"
	"runtime"
	"sync"

	"github.com/orgaudit/orgaudit/internal/graph"
)

// pathsSegment is how many elements of a list of the paths JSON report (a
// source, or a target id) a worker encodes at a time when the list is
// encoded on several cores; lists of at most two segments are encoded
// serially. A source is about 1.6 KB of JSON at 10,000 accounts.
const pathsSegment = 256

// jsonList is a top-level list of the paths JSON report, encoded element
// by element: n elements, item appending element i (without its comma and
// indent) with the stream it is given, which holds the encoder's scratch
// buffer and the first encoding error.
type jsonList struct {
	n    int
	item func(s *jsonStream, b []byte, i int) []byte
	// size, when set, is a generous size of an element in bytes, so that
	// a segment's buffer seldom grows.
	size int
}

// appendRange appends the elements lo to hi-1 of l, each after its comma
// and indent.
func (l jsonList) appendRange(s *jsonStream, b []byte, lo, hi int) []byte {
	for i := lo; i < hi; i++ {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, "\n    "...)
		b = l.item(s, b, i)
	}
	return b
}

// sourceList is the list of the sources of v.
func sourceList(v []jsonSource) jsonList {
	return jsonList{n: len(v), item: func(s *jsonStream, b []byte, i int) []byte { return s.appendSource(b, &v[i], "    ") }}
}

// stringList is the list of the strings of v.
func stringList(v []string) jsonList {
	return jsonList{n: len(v), item: func(s *jsonStream, b []byte, i int) []byte { return s.appendString(b, v[i]) }}
}

// pathsJSONWriter writes the paths JSON report with its lists encoded by
// up to workers goroutines, segment elements at a time.
type pathsJSONWriter struct {
	segment, workers int
}

// json writes the paths JSON report: the bytes writeIndentedJSON gives of
// the whole jsonReport (TestPathsJSONMatchesEncoder), written in one
// pass, the sources built and encoded in segments on every core (up to
// maxFindingWorkers), never the whole report in memory.
func (r *pathsView) json(w io.Writer) error {
	return r.writeJSON(w, pathsJSONWriter{segment: pathsSegment, workers: min(runtime.GOMAXPROCS(0), maxFindingWorkers)})
}

// writeJSON is json with the lists encoded by p.
func (r *pathsView) writeJSON(w io.Writer, p pathsJSONWriter) error {
	res := r.Result
	source := func(list []graph.Source) jsonList {
		return jsonList{n: len(list), item: func(s *jsonStream, b []byte, i int) []byte {
			js := r.sourceJSON(&list[i])
			return s.appendSource(b, &js, "    ")
		}}
	}
	return p.write(w, r.jsonHead(), source(res.Sources), source(res.Latent))
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

// write writes rep (whose Sources and Latent are left out) with the given
// sources and latent sources, the lists encoded in segments.
func (p pathsJSONWriter) write(w io.Writer, rep jsonReport, sources, latent jsonList) error {
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

// strings writes a top-level list of strings (null when v is nil, as
// encoding/json writes it) and the comma after it.
func (p pathsJSONWriter) strings(s *jsonStream, key string, v []string) {
	if v == nil {
		s.field(key, v)
		return
	}
	p.list(s, key, stringList(v))
}

// list writes a top-level list (never null) and the comma after it.
func (p pathsJSONWriter) list(s *jsonStream, key string, l jsonList) {
	s.raw(`  "` + key + `": [`)
	writeSegments(s, l, p.segment, p.workers)
	if l.n > 0 {
		s.raw("\n  ")
	}
	s.raw("],\n")
}

// listSegment is a run of elements a worker encodes and the writer then
// writes.
type listSegment struct {
	lo, hi int
	buf    []byte
	err    error
	done   chan struct{} // closed when buf (or err) is set
}

// writeSegments writes the elements of l. Up to two segments of elements,
// or on one worker, it encodes them a segment at a time; otherwise
// workers encode segments in parallel, each with its own buffers, and the
// writer writes them strictly in order. At most 2×workers segments are in
// flight (encoded or being encoded, and not yet written), and their
// buffers are reused. The first error (of the writer, or of an encoding,
// in document order) is kept in s.err and stops the work; every goroutine
// has ended when writeSegments returns.
func writeSegments(s *jsonStream, l jsonList, segment, workers int) {
	n := l.n
	segment = max(segment, 1)
	if n <= 2*segment || workers < 2 {
		for lo := 0; lo < n && s.err == nil; lo += segment {
			s.buf = l.appendRange(s, s.buf, lo, min(lo+segment, n))
			s.flushBuf()
		}
		return
	}
	if s.err != nil {
		return
	}
	inFlight := 2 * workers
	jobs := make(chan *listSegment)
	order := make(chan *listSegment, inFlight-1)
	free := make(chan []byte, inFlight)
	quit := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(jobs)
		defer close(order)
		for lo := 0; lo < n; lo += segment {
			seg := &listSegment{lo: lo, hi: min(lo+segment, n), done: make(chan struct{})}
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
					if want := max(sizeHint+sizeHint/4, (seg.hi-seg.lo)*l.size); cap(buf) < want {
						buf = make([]byte, 0, want)
					}
					ws.err = nil
					seg.buf = l.appendRange(ws, buf[:0], seg.lo, seg.hi)
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
