package collect_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
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
	for _, latency := range []time.Duration{0, proxy.Delay} {
		endpoint := srv.URL
		if latency > 0 {
			endpoint = proxy.URL
		}
		for _, conc := range []int{1, 8} {
			b.Run(fmt.Sprintf("accounts=%d/latency=%s/concurrency=%d", n, latency, conc), func(b *testing.B) {
				opts := testOptions(endpoint)
				opts.Concurrency = conc
				var calls, total int
				for b.Loop() {
					s, err := collect.Run(ctx, opts)
					if err != nil {
						b.Fatal(err)
					}
					if len(s.Accounts) != n+1 {
						b.Fatalf("%d accounts collected, want %d", len(s.Accounts), n+1)
					}
					calls = s.Metadata.APICalls[ids[0]]
					total = 0
					for _, c := range s.Metadata.APICalls {
						total += c
					}
				}
				b.ReportMetric(float64(calls), "calls/account")
				b.ReportMetric(float64(total), "calls/run")
			})
		}
	}
}
