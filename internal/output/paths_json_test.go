package output

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/orgaudit/orgaudit/internal/graph"
	"github.com/orgaudit/orgaudit/internal/policy"
)

// wholePathsJSON is the paths JSON report of r built whole, the way the
// report was written before its lists were encoded in segments.
func wholePathsJSON(r *pathsView) jsonReport {
	out := r.jsonHead()
	out.Sources = make([]jsonSource, 0, len(r.Result.Sources))
	out.Latent = make([]jsonSource, 0, len(r.Result.Latent))
	for i := range r.Result.Sources {
		out.Sources = append(out.Sources, r.sourceJSON(&r.Result.Sources[i]))
	}
	for i := range r.Result.Latent {
		out.Latent = append(out.Latent, r.sourceJSON(&r.Result.Latent[i]))
	}
	return out
}

// pathsWith is r with only its first sources sources, latent latent
// sources and targets targets (fewer when r has fewer).
func pathsWith(r *graph.Report, sources, latent, targets int) *pathsView {
	res := *r.Result
	res.Sources = res.Sources[:min(sources, len(res.Sources))]
	res.Latent = res.Latent[:min(latent, len(res.Latent))]
	res.Targets = res.Targets[:min(targets, len(res.Targets))]
	return &pathsView{&graph.Report{Graph: r.Graph, Result: &res, Spec: r.Spec, SnapshotPath: r.SnapshotPath}, Options{}}
}

// segmentSizes are the list sizes around one and two segments (where the
// parallel path starts), and many segments.
func segmentSizes(segment int) []int {
	return []int{0, 1, segment - 1, segment, segment + 1, 2*segment - 1, 2 * segment, 2*segment + 1, 7*segment + 3}
}

// TestPathsJSONMatchesEncoder proves the paths JSON report of a generated
// organization, its sources and targets encoded in segments on several
// workers, against the slow way (encoding/json of the whole jsonReport):
// for list sizes around one and two segments and many segments, with
// small segments and the default one, on one worker (the serial path) and
// several.
func TestPathsJSONMatchesEncoder(t *testing.T) {
	rep := pathsReport(t, 600)
	if n := len(rep.Result.Sources); n < 7*pathsSegment+3 {
		t.Fatalf("the generated organization has %d sources, too few for several segments of %d", n, pathsSegment)
	}
	if len(rep.Result.Latent) == 0 {
		t.Fatal("the generated organization has no latent source")
	}
	for _, segment := range []int{7, pathsSegment} {
		sizes := segmentSizes(segment)
		if segment == pathsSegment {
			sizes = append(sizes, len(rep.Result.Sources))
		}
		for _, n := range sizes {
			if n > len(rep.Result.Sources) {
				continue
			}
			r := pathsWith(rep, n, n, n)
			var want bytes.Buffer
			if err := writeIndentedJSON(&want, "json", wholePathsJSON(r)); err != nil {
				t.Fatal(err)
			}
			for _, workers := range []int{1, 2, 3, 8} {
				t.Run(fmt.Sprintf("segment %d/%d sources/%d workers", segment, n, workers), func(t *testing.T) {
					var got bytes.Buffer
					if err := r.writeJSON(&got, listWriter{segment: segment, workers: workers}); err != nil {
						t.Fatal(err)
					}
					firstDifference(t, got.Bytes(), want.Bytes())
				})
			}
			if segment == pathsSegment {
				t.Run(fmt.Sprintf("writePathsJSON/%d sources", n), func(t *testing.T) {
					var got bytes.Buffer
					if err := writePathsJSON(&got, r.Report, Options{}); err != nil {
						t.Fatal(err)
					}
					firstDifference(t, got.Bytes(), want.Bytes())
				})
			}
		}
	}
}

// oddStrings are names with HTML characters, escapes, control characters,
// line separators, non-ASCII and invalid UTF-8.
var oddStrings = []string{
	"plain", `<script>alert("x")</script> & co`, `back\slash "quoted"`, "tab\tnew\nline\r\x00\x1f\x7f",
	"unicode é ü 日本 \u2028 \u2029", "invalid \xff\xfe utf-8", "", "a&b=c<d>e",
}

// oddSource is a source of a constructed report, its strings taken from
// oddStrings by i (some empty), its lists sometimes empty or nil, its
// optional fields sometimes set.
func oddSource(i int, latent bool) jsonSource {
	str := func(k int) string {
		if (i+k)%3 == 0 {
			return oddStrings[(i+k)%len(oddStrings)]
		}
		return oddStrings[(i+k)%len(oddStrings)] + fmt.Sprint(i)
	}
	values := []string{str(7), str(0)}
	switch i % 5 {
	case 2:
		values = nil
	case 3:
		values = []string{}
	}
	hop := jsonHop{
		From: str(0), To: str(1), Kind: graph.EdgeKind(str(2)), Action: str(3), MFA: i%2 == 0, Via: str(4),
		Conditions: jsonConditions{
			AllowedWhen: [][]policy.Clause{{{Operator: str(5), Key: str(6), Values: values}, {Operator: str(1), Key: str(2)}}, {}},
			DeniedWhen:  [][]policy.Clause{},
		},
		Incomplete: i%3 == 0,
	}
	switch i % 7 {
	case 3:
		hop.Conditions = jsonConditions{AllowedWhen: nil, DeniedWhen: [][]policy.Clause{nil, {{Operator: str(3)}}}}
	case 4:
		hop.Conditions = jsonConditions{AllowedWhen: [][]policy.Clause{}, DeniedWhen: nil}
	}
	switch i % 4 {
	case 1:
		hop.Evidence = &graph.Evidence{Actions: []string{str(1), "iam:PassRole"}, Resource: str(2), Service: str(3), Note: str(4),
			Statements: []policy.StatementRef{{Policy: str(5), Type: policy.PolicyType(str(6)), Level: i % 3, Index: i, Sid: str(7), Effect: "Allow"}, {}}}
	case 2:
		hop.Evidence = &graph.Evidence{Actions: []string{}}
	}
	src := jsonSource{ID: str(0), Kind: graph.NodeKind(str(1)), Name: str(2), AccountID: str(3), AccountName: str(4), External: i%5 == 0,
		MFADevice: str(5), Hops: i % 7, Paths: uint64(i) << 40, PathsAtLeast: i%6 == 0, MFARequired: i%2 == 1, EscalationRequired: i%3 == 1,
		Path: []jsonHop{hop, hop}, PathWithoutMFA: []jsonHop{}}
	switch i % 6 {
	case 1:
		src.PathWithoutMFA = []jsonHop{hop}
	case 2:
		src.Path, src.PathWithoutMFA = nil, nil
	}
	if latent {
		src.BlockedBy = graph.BlockedNoMFADevice
		first := hop
		first.BlockedBy = graph.BlockedNoMFADevice
		src.Path = []jsonHop{first, hop}
	}
	return src
}

// oddReport is a constructed paths report of n sources, n/3 latent ones
// and n targets, its strings from oddStrings; withNil leaves the lists of
// strings nil when they are empty.
func oddReport(n int, withNil bool) jsonReport {
	rep := jsonReport{
		Version:  "1",
		Snapshot: jsonSnapshot{Path: "org <&> \"x\".json", CollectedAt: "2026-11-01T06:00:00Z"},
		Target:   jsonTarget{Spec: "ou:<Prod>&", Kind: "ou", Label: oddStrings[1], Accounts: []string{oddStrings[2]}},
		MaxHops:  4, Edges: graph.EdgeFilter(oddStrings[3]),
		Summary: jsonSummary{Sources: n, Latent: n / 3},
		Sources: []jsonSource{}, Latent: []jsonSource{},
		Graph: graph.Stats{Nodes: n},
	}
	if !withNil || n > 0 {
		rep.Targets, rep.Unknown, rep.Warnings = []string{}, []string{}, []string{}
	}
	for i := range n {
		rep.Sources = append(rep.Sources, oddSource(i, false))
		rep.Targets = append(rep.Targets, oddStrings[i%len(oddStrings)]+fmt.Sprint(i))
		if i%3 == 0 {
			rep.Unknown = append(rep.Unknown, oddStrings[(i+1)%len(oddStrings)])
			rep.Warnings = append(rep.Warnings, oddStrings[(i+2)%len(oddStrings)])
		}
	}
	for i := range n / 3 {
		rep.Latent = append(rep.Latent, oddSource(i, true))
	}
	return rep
}

// writeOdd writes a constructed report with the writer under test.
func writeOdd(w *bytes.Buffer, rep jsonReport, p listWriter) error {
	return p.writePaths(w, rep, sourceList(rep.Sources), sourceList(rep.Latent))
}

// TestPathsJSONWriterEscapes proves the writer on constructed reports
// whose every string has HTML characters or something to escape, against
// encoding/json of the same jsonReport, for list sizes around one and two
// segments and many, null and empty lists of strings.
func TestPathsJSONWriterEscapes(t *testing.T) {
	const segment = 5
	for _, n := range segmentSizes(segment) {
		for _, withNil := range []bool{false, true} {
			rep := oddReport(n, withNil)
			var want bytes.Buffer
			if err := writeIndentedJSON(&want, "json", rep); err != nil {
				t.Fatal(err)
			}
			for _, workers := range []int{1, 2, 3, 8} {
				t.Run(fmt.Sprintf("%d sources/nil %v/%d workers", n, withNil, workers), func(t *testing.T) {
					var got bytes.Buffer
					if err := writeOdd(&got, rep, listWriter{segment: segment, workers: workers}); err != nil {
						t.Fatal(err)
					}
					firstDifference(t, got.Bytes(), want.Bytes())
				})
			}
		}
	}
	if rep := oddReport(0, true); !strings.Contains(mustPathsJSON(t, rep), `"targets": null`) {
		t.Error("a nil list of targets is not written null")
	}
}

func mustPathsJSON(t *testing.T, rep jsonReport) string {
	t.Helper()
	var b bytes.Buffer
	if err := writeOdd(&b, rep, listWriter{segment: 5, workers: 2}); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestPathsJSONWriterFails: when the writer fails part way, the paths
// JSON writer returns that error, has written only a prefix of the
// report, and leaves no goroutine behind (synctest fails the test on a
// goroutine still blocked, or deadlocked, when the bubble ends).
func TestPathsJSONWriterFails(t *testing.T) {
	rep := oddReport(200, false)
	var whole bytes.Buffer
	if err := writeOdd(&whole, rep, listWriter{segment: 7, workers: 1}); err != nil {
		t.Fatal(err)
	}
	want := whole.Bytes()
	for _, limit := range []int{0, 100, len(want) / 50, len(want) / 3, len(want) / 2, len(want) - 5000, len(want) - 1} {
		for _, workers := range []int{1, 2, 3, 8} {
			t.Run(fmt.Sprintf("after %d bytes/%d workers", limit, workers), func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					w := &failingWriter{limit: limit}
					err := listWriter{segment: 7, workers: workers}.writePaths(w, rep, sourceList(rep.Sources), sourceList(rep.Latent))
					if !errors.Is(err, errWriterFull) {
						t.Fatalf("error = %v, want %v", err, errWriterFull)
					}
					if !bytes.HasPrefix(want, w.Bytes()) {
						t.Fatalf("wrote %d bytes that are not the start of the report", w.Len())
					}
				})
			})
		}
	}
}

// BenchmarkPathsJSONWorkers writes the paths JSON report of a generated
// organization of 1,000 accounts the way it was written before
// (encoding/json of the whole report), and with its lists encoded
// serially (one worker) and on every core.
func BenchmarkPathsJSONWorkers(b *testing.B) {
	r := &pathsView{pathsReport(b, 1000), Options{}}
	b.Run("encoding-json", func(b *testing.B) {
		var buf bytes.Buffer
		b.ReportAllocs()
		for b.Loop() {
			buf.Reset()
			if err := writeIndentedJSON(&buf, "json", wholePathsJSON(r)); err != nil {
				b.Fatal(err)
			}
		}
		b.SetBytes(int64(buf.Len()))
	})
	for _, workers := range []int{1, runtime.GOMAXPROCS(0)} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			benchWrites(b, func(w *bytes.Buffer) error {
				return r.writeJSON(w, listWriter{segment: pathsSegment, workers: workers})
			})
		})
	}
}

// sourceList is the list of the sources of v.
func sourceList(v []jsonSource) jsonList {
	return jsonList{n: len(v), item: func(s *jsonStream, b []byte, i int) []byte { return s.appendSource(b, &v[i], "    ") }}
}
