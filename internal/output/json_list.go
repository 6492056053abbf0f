package output

import "sync"

// jsonList is a top-level list of a streamed JSON report (findings,
// sources, target ids), encoded element by element: n elements, item
// appending element i (without its comma and indent) with the stream it
// is given, which holds the encoder's scratch buffer and the first
// encoding error.
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

// stringList is the list of the strings of v.
func stringList(v []string) jsonList {
	return jsonList{n: len(v), item: func(s *jsonStream, b []byte, i int) []byte { return s.appendString(b, v[i]) }}
}

// listWriter writes the top-level lists of a streamed JSON report,
// encoded by up to workers goroutines, segment elements at a time.
type listWriter struct {
	segment, workers int
}

// maxListWorkers bounds the workers encoding a list on large machines:
// beyond it the writer is the limit, and each worker holds up to two
// segments (about 1 MB each) in flight.
const maxListWorkers = 8

// strings writes a top-level list of strings (null when v is nil, as
// encoding/json writes it) and the comma after it.
func (p listWriter) strings(s *jsonStream, key string, v []string) {
	if v == nil {
		s.field(key, v)
		return
	}
	p.list(s, key, stringList(v))
}

// list writes a top-level list (never null) and the comma after it.
func (p listWriter) list(s *jsonStream, key string, l jsonList) {
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
