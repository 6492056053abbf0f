package output

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"runtime"
	"testing"
	"testing/synctest"

	"github.com/orgaudit/orgaudit/internal/engine"
)

// reportWithFindings is r with only its first n findings (a fresh report,
// so nothing cached from r leaks in).
func reportWithFindings(r *CheckReport, n int) *CheckReport {
	res := &engine.Result{Rules: r.Result.Rules, Findings: r.Result.Findings[:n], NotEvaluated: r.Result.NotEvaluated}
	out := NewCheckReport(r.ToolVersion, r.Snapshot, res)
	out.Baseline = r.Baseline
	return out
}

// firstDifference fails t when got is not want, showing where they part.
func firstDifference(t *testing.T, got, want []byte) {
	t.Helper()
	if bytes.Equal(got, want) {
		return
	}
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	t.Fatalf("reports differ at byte %d of %d (want %d):\ngot  %q\nwant %q", i, len(got), len(want), got[max(0, i-80):min(len(got), i+80)], want[max(0, i-80):min(len(want), i+80)])
}

// TestCheckJSONParallelMatchesEncoder proves the findings encoded in
// segments on several workers against the slow way (encoding/json of the
// whole JSONReport): around one segment and around two (where the
// parallel path starts), with every kind of evidence, suppressions,
// baseline states and strings to escape, for the serial path (one
// worker) and the parallel one.
func TestCheckJSONParallelMatchesEncoder(t *testing.T) {
	big := largeCheckReport(300, 35) // 10,500 findings
	const small = 7
	many := 10*findingSegment + 17
	cases := []struct {
		name     string
		segment  int
		findings []int
		workers  []int
	}{
		{"small segments", small, []int{0, 1, small - 1, small, small + 1, 2*small - 1, 2 * small, 2*small + 1, 3 * small, 13*small + 3}, []int{1, 2, 3, 8}},
		{"default segment", findingSegment, []int{0, 1, findingSegment - 1, findingSegment, findingSegment + 1, 2*findingSegment - 1, 2 * findingSegment, 2*findingSegment + 1, many}, []int{1, 2, runtime.GOMAXPROCS(0), 5}},
	}
	for _, c := range cases {
		for _, n := range c.findings {
			r := reportWithFindings(big, n)
			var want bytes.Buffer
			if err := writeIndentedJSON(&want, "json", wholeJSONReport(r)); err != nil {
				t.Fatal(err)
			}
			for _, workers := range c.workers {
				t.Run(fmt.Sprintf("%s/%d findings/%d workers", c.name, n, workers), func(t *testing.T) {
					var got bytes.Buffer
					if err := writeCheckJSONOn(&got, r, c.segment, workers); err != nil {
						t.Fatal(err)
					}
					firstDifference(t, got.Bytes(), want.Bytes())
				})
			}
			if c.segment == findingSegment {
				t.Run(fmt.Sprintf("writeCheckJSON/%d findings", n), func(t *testing.T) {
					var got bytes.Buffer
					if err := writeCheckJSON(&got, r, Options{}); err != nil {
						t.Fatal(err)
					}
					firstDifference(t, got.Bytes(), want.Bytes())
				})
			}
		}
	}
}

var errWriterFull = errors.New("disk full")

// failingWriter accepts limit bytes, then fails every write.
type failingWriter struct {
	bytes.Buffer
	limit int
}

func (w *failingWriter) Write(p []byte) (int, error) {
	if room := w.limit - w.Len(); len(p) > room {
		w.Buffer.Write(p[:max(room, 0)])
		return max(room, 0), errWriterFull
	}
	return w.Buffer.Write(p)
}

// TestCheckJSONParallelWriterFails: when the writer fails part way, the
// parallel writer returns that error, has written only a prefix of the
// report, and leaves no goroutine behind (synctest fails the test on a
// goroutine still blocked, or deadlocked, when the bubble ends).
func TestCheckJSONParallelWriterFails(t *testing.T) {
	r := reportWithFindings(largeCheckReport(40, 10), 397)
	var whole bytes.Buffer
	if err := writeCheckJSONOn(&whole, r, 7, 1); err != nil {
		t.Fatal(err)
	}
	want := whole.Bytes()
	for _, limit := range []int{0, 100, len(want) / 50, len(want) / 3, len(want) / 2, len(want) - 5000, len(want) - 1} {
		for _, workers := range []int{2, 3, 8} {
			t.Run(fmt.Sprintf("after %d bytes/%d workers", limit, workers), func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					w := &failingWriter{limit: limit}
					err := writeCheckJSONOn(w, r, 7, workers)
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

// TestCheckJSONParallelEncodeError: a finding that cannot be encoded
// (NaN evidence) fails the report with the same error on the serial and
// the parallel path, wherever it sits, and leaves no goroutine behind.
func TestCheckJSONParallelEncodeError(t *testing.T) {
	base := largeCheckReport(40, 10)
	for _, at := range []int{0, 6, 7, 200, 399} {
		r := reportWithFindings(base, 400)
		r.Result.Findings = append([]engine.Finding(nil), r.Result.Findings...)
		r.Result.Findings[at].Evidence = map[string]any{"ratio": math.NaN()}
		var serial bytes.Buffer
		want := writeCheckJSONOn(&serial, r, 7, 1)
		if want == nil {
			t.Fatalf("finding %d: serial writer accepted NaN", at)
		}
		for _, workers := range []int{2, 3, 8} {
			t.Run(fmt.Sprintf("finding %d/%d workers", at, workers), func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					var got bytes.Buffer
					err := writeCheckJSONOn(&got, r, 7, workers)
					if err == nil || err.Error() != want.Error() {
						t.Fatalf("error = %v, want %v", err, want)
					}
				})
			})
		}
	}
}

// BenchmarkCheckJSONWorkers writes the JSON report of 40,000 findings
// with the findings encoded serially (one worker) and on every core.
func BenchmarkCheckJSONWorkers(b *testing.B) {
	r := largeCheckReport(1000, 40)
	r.Compliance()
	for _, workers := range []int{1, runtime.GOMAXPROCS(0)} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			benchWrites(b, func(w *bytes.Buffer) error { return writeCheckJSONOn(w, r, findingSegment, workers) })
		})
	}
}

// benchWrites runs write into one buffer, reset before each run, and
// reports the bytes written.
func benchWrites(b *testing.B, write func(*bytes.Buffer) error) {
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := write(&buf); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(buf.Len()))
}
