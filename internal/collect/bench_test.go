package collect_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/orgaudit/orgaudit/internal/collect"
	"github.com/orgaudit/orgaudit/internal/collect/mototest"
)

// BenchmarkCollect seeds an organization of typical workload accounts in
// moto (50 unless ORGAUDIT_BENCH_ACCOUNTS says otherwise; seeding is not
// timed) and collects it with concurrency 1 and 8, straight against moto
// (whose single Python process is then the bottleneck) and through a proxy
// that adds 25ms to every call, as a network round trip to AWS would. It
// reports the API calls of a typical member account and the wall time per
// collection (ns/op). Run it with:
//
//	go test ./internal/collect -run '^$' -bench Collect -benchtime 1x
//
// ORGAUDIT_BENCH_CONCURRENCY (a comma-separated list, default 1,8) sets
// the concurrencies, ORGAUDIT_BENCH_LATENCY_ONLY=1 skips the runs straight
// against moto. With latency, limit-s is the floor the API's latency sets
// (calls x latency / concurrency) and limit-ratio the wall time over it
// (`make bench-collect`: 200 accounts, concurrency 16). moto's own time
// per call (one Python process for every caller) bounds those runs, so a
// last run per concurrency is replayed: a proxy records moto's answers to
// one untimed collection and answers the timed one from the recording
// after the latency alone (moto-calls/run says how many calls still
// reached moto: none when the recording is complete).
func BenchmarkCollect(b *testing.B) {
	n := 50
	if v := os.Getenv("ORGAUDIT_BENCH_ACCOUNTS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 {
			b.Fatalf("ORGAUDIT_BENCH_ACCOUNTS=%q: want a positive number", v)
		}
	}
	srv := mototest.Shared(b)
	std.mu.Lock()
	std.org = nil
	std.mu.Unlock()
	ctx := context.Background()
	if err := srv.Reset(ctx); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	ids, err := mototest.NewSeeder(srv.URL).SeedTypicalOrg(ctx, n, 4)
	if err != nil {
		b.Fatalf("seed: %v\n%s", err, srv.Log())
	}
	b.Logf("seeded %d accounts in %s", n, time.Since(start).Round(time.Millisecond))
	mototest.UseCredentials(b, "AKIAORGAUDITBENCH001", "bench-secret")

	proxy, err := mototest.NewFaultProxy(srv.URL)
	if err != nil {
		b.Fatal(err)
	}
	defer proxy.Close()
	proxy.Delay = 25 * time.Millisecond
	concs := []int{1, 8}
	if v := os.Getenv("ORGAUDIT_BENCH_CONCURRENCY"); v != "" {
		concs = nil
		for _, f := range strings.Split(v, ",") {
			c, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || c < 1 {
				b.Fatalf("ORGAUDIT_BENCH_CONCURRENCY=%q: want positive numbers", v)
			}
			concs = append(concs, c)
		}
	}
	latencies := []time.Duration{0, proxy.Delay}
	if os.Getenv("ORGAUDIT_BENCH_LATENCY_ONLY") == "1" {
		latencies = latencies[1:]
	}
	for _, latency := range latencies {
		endpoint := srv.URL
		if latency > 0 {
			endpoint = proxy.URL
		}
		for _, conc := range concs {
			b.Run(fmt.Sprintf("accounts=%d/latency=%s/concurrency=%d", n, latency, conc), func(b *testing.B) {
				benchCollectRun(b, ctx, srv, endpoint, conc, latency, ids[0], n, nil)
			})
		}
	}

	// moto's own time per call bounds the runs above. Replayed, moto's
	// recorded answers come back after the latency alone: the run then
	// shows how near the collector itself comes to the limit.
	replayer, err := mototest.NewFaultProxy(srv.URL)
	if err != nil {
		b.Fatal(err)
	}
	defer replayer.Close()
	replayer.Replay = true
	for _, conc := range concs {
		opts := testOptions(replayer.URL)
		opts.Concurrency = conc
		if _, err := collect.Run(ctx, opts); err != nil {
			b.Fatalf("recording moto's answers: %v", err)
		}
		replayer.Delay = proxy.Delay
		b.Run(fmt.Sprintf("accounts=%d/latency=%s/concurrency=%d/replayed", n, proxy.Delay, conc), func(b *testing.B) {
			benchCollectRun(b, ctx, srv, replayer.URL, conc, proxy.Delay, ids[0], n, replayer)
		})
		replayer.Delay = 0
	}
}

// benchCollectRun times collections through endpoint and reports the calls
// of the member account typical, the calls per run and, with latency, the
// limit it sets and the wall time's ratio to it. With a replaying proxy it
// also reports how many calls still reached moto (none, when the
// recording is complete). Where moto's processor time can be read
// (Linux), it reports moto's milliseconds per call and, with latency,
// moto's processor time over the limit (moto-cpu-ratio): moto's
// interpreter runs one thread at a time, so the wall time's ratio cannot
// be much below it.
func benchCollectRun(b *testing.B, ctx context.Context, srv *mototest.Server, endpoint string, conc int, latency time.Duration, typical string, n int, replayer *mototest.FaultProxy) {
	opts := testOptions(endpoint)
	opts.Concurrency = conc
	var calls, total int
	recorded := 0
	if replayer != nil {
		recorded = replayer.Counts()["recorded"]
	}
	motoBefore, motoErr := srv.CPU()
	start := time.Now()
	for b.Loop() {
		if replayer != nil {
			replayer.Rewind()
		}
		s, err := collect.Run(ctx, opts)
		if err != nil {
			b.Fatal(err)
		}
		if len(s.Accounts) != n+1 {
			b.Fatalf("%d accounts collected, want %d", len(s.Accounts), n+1)
		}
		calls = s.Metadata.APICalls[typical]
		total = 0
		for _, c := range s.Metadata.APICalls {
			total += c
		}
	}
	wall := time.Since(start) / time.Duration(b.N)
	var moto time.Duration // moto's processor time per run
	if motoErr == nil {
		var after time.Duration
		if after, motoErr = srv.CPU(); motoErr == nil {
			moto = (after - motoBefore) / time.Duration(b.N)
		}
	}
	if motoErr != nil {
		b.Logf("moto's processor time is not reported: %v", motoErr)
	}
	b.ReportMetric(float64(calls), "calls/account")
	b.ReportMetric(float64(total), "calls/run")
	if motoErr == nil && total > 0 {
		b.ReportMetric(float64(moto.Microseconds())/1000/float64(total), "moto-cpu-ms/call")
	}
	if latency > 0 {
		limit := time.Duration(total) * latency / time.Duration(conc)
		b.ReportMetric(limit.Seconds(), "limit-s")
		b.ReportMetric(wall.Seconds()/limit.Seconds(), "limit-ratio")
		if motoErr == nil {
			b.ReportMetric(moto.Seconds()/limit.Seconds(), "moto-cpu-ratio")
		}
	}
	if replayer != nil {
		b.ReportMetric(float64(replayer.Counts()["recorded"]-recorded)/float64(b.N), "moto-calls/run")
	}
}
