package logstore

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"sluice/internal/vfs"
)

// BenchmarkAppend measures durable appends (fdatasync before return) on the
// real filesystem, from many goroutines at once, as PutRecord (one record)
// and PutRecords (a batch of 100) would issue them.
func BenchmarkAppend(b *testing.B) {
	for _, bc := range []struct {
		records, size, parallelism int
		relaxed                    bool
	}{
		{1, 256, 1, false},
		{1, 256, 32, false},
		{100, 256, 2, false},
		{100, 256, 8, false},
		{1, 256, 32, true},
	} {
		name := fmt.Sprintf("records=%d/size=%d/goroutines=%d", bc.records, bc.size, bc.parallelism*2)
		if bc.relaxed {
			name += "/relaxed"
		}
		b.Run(name, func(b *testing.B) {
			opts := Options{Dir: b.TempDir()}
			if bc.relaxed {
				opts.SyncInterval = 10 * time.Millisecond
			}
			l, err := Open(opts)
			if err != nil {
				b.Fatal(err)
			}
			defer l.Close()
			recs := make([]Record, bc.records)
			for i := range recs {
				recs[i] = Record{PartitionKey: fmt.Sprintf("key-%d", i), Data: make([]byte, bc.size)}
			}
			var shard atomic.Uint32
			b.SetBytes(int64(bc.records * (bc.size + 6)))
			b.ReportAllocs()
			b.SetParallelism(bc.parallelism)
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				batch := []Batch{{Shard: shard.Add(1) % 4, Records: recs}}
				for pb.Next() {
					if _, err := l.Append(context.Background(), batch); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N*bc.records)/time.Since(start).Seconds(), "records/s")
			b.ReportMetric(float64(b.N)/float64(l.Stats().Syncs), "appends/fdatasync")
		})
	}
}

// BenchmarkRead measures GetRecords-shaped reads of 1,000 records of 256
// bytes, on the real filesystem (from the page cache) and in memory.
func BenchmarkRead(b *testing.B) {
	for _, fsName := range []string{"os", "mem"} {
		b.Run("fs="+fsName, func(b *testing.B) {
			opts := Options{Dir: b.TempDir(), SegmentBytes: 4 << 20}
			if fsName == "mem" {
				opts.FS, opts.Dir = vfs.NewCrashableMem(), "/bench"
			}
			l, err := Open(opts)
			if err != nil {
				b.Fatal(err)
			}
			defer l.Close()
			const total, perRead = 100_000, 1000
			recs := make([]Record, 100)
			for i := range recs {
				recs[i] = Record{PartitionKey: fmt.Sprintf("key-%d", i), Data: make([]byte, 256)}
			}
			for range total / len(recs) {
				if _, err := l.Append(context.Background(), []Batch{{Shard: 0, Records: recs}}); err != nil {
					b.Fatal(err)
				}
			}
			b.SetBytes(perRead * (256 + 6))
			b.ReportAllocs()
			b.ResetTimer()
			from := uint64(1)
			for b.Loop() {
				got, next, err := l.Read(0, from, perRead, 0, 0)
				if err != nil || len(got) != perRead {
					b.Fatalf("Read: %d records, %v", len(got), err)
				}
				from = next
				if from > total-perRead {
					from = 1
				}
			}
			b.ReportMetric(float64(b.N*perRead)/b.Elapsed().Seconds(), "records/s")
		})
	}
}
