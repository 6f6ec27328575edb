package cluster_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"sluice/internal/bench"
	"sluice/internal/cluster/clustertest"
)

// TestBenchCluster measures clusters of 1, 2 and 3 nodes on this machine
// (3 etcd members in the test process, versitygw, the nodes as
// processes): PutRecords throughput with one `sluice bench` client per
// node, all at once, each to a stream of its own (the owner creates each
// on the least loaded node, so each node runs one), and PutRecord latency
// at a fixed rate through the owner and through a follower, at the
// default flush interval. The clients hold 12 connections in all whatever
// the number of nodes. It prints
// medians over RUNS runs (default 3) for docs/benchmarks.md. It runs only
// with SLUICE_BENCH_CLUSTER=1 (make bench-cluster): a benchmark, not a
// test.
func TestBenchCluster(t *testing.T) {
	if os.Getenv("SLUICE_BENCH_CLUSTER") == "" {
		t.Skip("a benchmark: make bench-cluster runs it")
	}
	runs := 3
	if n, err := strconv.Atoi(os.Getenv("RUNS")); err == nil && n > 0 {
		runs = n
	}
	type figures struct {
		throughput, ownerP50, ownerP99, followerP50, followerP99, cpu []float64
	}
	results := map[int]*figures{}
	for nodes := 1; nodes <= 3; nodes++ {
		f := &figures{}
		results[nodes] = f
		t.Run(fmt.Sprintf("%d nodes", nodes), func(t *testing.T) {
			c := clustertest.Start(t, nodes)
			owner, _ := c.WaitOwner(30*time.Second, nil)
			var follower *clustertest.Node
			for _, n := range c.Nodes {
				if n != owner {
					follower = n
					break
				}
			}
			for r := range runs {
				// Throughput: one client per node, 12 connections in all
				// (so the sizes differ only by where requests land),
				// PutRecords of 500 × 256 B to a 4-shard stream of its own.
				cpu0 := nodesCPU(c)
				var mu sync.Mutex
				var wg sync.WaitGroup
				total := 0.0
				for i, n := range c.Nodes {
					wg.Add(1)
					go func() {
						defer wg.Done()
						res := runBench(t, "-endpoint", n.Endpoint(), "-stream", fmt.Sprintf("tp-%d-%d", r, i), "-shards", "4",
							"-concurrency", strconv.Itoa(12/len(c.Nodes)), "-warmup", "2s", "-duration", "10s", "putrecords")
						mu.Lock()
						total += lastPhase(res).RecordsPerSec
						mu.Unlock()
					}()
				}
				wg.Wait()
				cpu := nodesCPU(c) - cpu0
				f.throughput = append(f.throughput, total)
				// CPU seconds of all the nodes per 1,000 records, over
				// the 12 s (warm-up included) at the measured rate.
				f.cpu = append(f.cpu, cpu/(total*12)*1000)
				if st, err := c.Status(context.Background()); err == nil {
					where := map[string]int{}
					for _, p := range st.Placement {
						where[p.Node]++
					}
					t.Logf("%d nodes, run %d: streams per node %v", nodes, r+1, where)
				}
				// Latency: PutRecord at 500/s from 16 connections.
				lat := func(n *clustertest.Node) bench.Latency {
					res := runBench(t, "-endpoint", n.Endpoint(), "-stream", fmt.Sprintf("lat-%d-%s", r, n.ID), "-shards", "4",
						"-concurrency", "16", "-rate", "500", "-warmup", "2s", "-duration", "10s", "put")
					return lastPhase(res).Latency
				}
				l := lat(owner)
				f.ownerP50, f.ownerP99 = append(f.ownerP50, l.P50), append(f.ownerP99, l.P99)
				if follower != nil {
					l = lat(follower)
					f.followerP50, f.followerP99 = append(f.followerP50, l.P50), append(f.followerP99, l.P99)
				}
				t.Logf("%d nodes, run %d: %.0f records/s, nodes' CPU %.3f s per 1,000 records, PutRecord through the owner p50 %.1f p99 %.1f ms",
					nodes, r+1, total, f.cpu[len(f.cpu)-1], f.ownerP50[len(f.ownerP50)-1], f.ownerP99[len(f.ownerP99)-1])
			}
		})
	}
	t.Logf("medians of %d runs:", runs)
	t.Logf("| nodes | PutRecords records/s (all nodes) | nodes' CPU s / 1,000 records | PutRecord p50 / p99 via owner (ms) | via a follower (ms) |")
	t.Logf("|---|---|---|---|---|")
	for nodes := 1; nodes <= 3; nodes++ {
		f := results[nodes]
		via := "—"
		if len(f.followerP50) > 0 {
			via = fmt.Sprintf("%.1f / %.1f", median(f.followerP50), median(f.followerP99))
		}
		t.Logf("| %d | %.0f | %.3f | %.1f / %.1f | %s |", nodes, median(f.throughput), median(f.cpu), median(f.ownerP50), median(f.ownerP99), via)
	}
}

// nodesCPU is the CPU seconds the cluster's node processes have used.
func nodesCPU(c *clustertest.Cluster) float64 {
	total := 0.0
	for _, n := range c.Nodes {
		total += n.CPUSeconds()
	}
	return total
}

func runBench(t *testing.T, args ...string) bench.Result {
	t.Helper()
	var out, errs bytes.Buffer
	args = append(args, "-json")
	if code := bench.Main(context.Background(), args, nil, &out, &errs); code != 0 {
		t.Fatalf("sluice bench %v: exit %d: %s", args, code, errs.String())
	}
	var res bench.Result
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatalf("sluice bench output: %v: %s", err, out.String())
	}
	return res
}

func lastPhase(r bench.Result) bench.Phase {
	if len(r.Phases) == 0 {
		return bench.Phase{}
	}
	return r.Phases[len(r.Phases)-1]
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}
