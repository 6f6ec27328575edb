package cluster

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sluice/internal/objectstore"
	"sluice/internal/storage"
)

// BenchmarkAppend measures appends against embedded etcd and versitygw at
// the default flush interval, from 16 concurrent producers: PutRecord-like
// appends of one 1 KiB record, and PutRecords-like appends of 500 records
// over 4 shards. It reports append latency (p50, p99), records/s, objects
// written per second, and their average size and put time.
func BenchmarkAppend(b *testing.B) {
	e := startEnv(b)
	for _, c := range []struct {
		name    string
		records int
	}{{"PutRecord", 1}, {"PutRecords500", 500}} {
		b.Run(c.name, func(b *testing.B) {
			o := e.options(prefixOf(b.Name()+fmt.Sprint(b.N)), e.fence(b))
			to := &timedObjects{Objects: o.Objects}
			o.Objects = to
			bk := open(b, o)
			l := openTestLog(b, bk, "bench-log")
			batches := make([]storage.Batch, 4)
			for i := range batches {
				batches[i].Shard = uint32(i)
			}
			for i := range c.records {
				r := storage.Record{PartitionKey: fmt.Sprint("key-", i), Data: make([]byte, 1024)}
				batches[i%4].Records = append(batches[i%4].Records, r)
			}
			batches = slices.DeleteFunc(batches, func(b storage.Batch) bool { return len(b.Records) == 0 })
			var mu sync.Mutex
			var lat []time.Duration
			var n atomic.Int64
			b.SetBytes(int64(c.records * 1024))
			b.ReportAllocs()
			b.SetParallelism(8) // 16 producers on 2 CPUs
			start := time.Now()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				var mine []time.Duration
				for pb.Next() {
					t0 := time.Now()
					if _, err := l.Append(b.Context(), batches); err != nil {
						b.Error(err)
						return
					}
					mine = append(mine, time.Since(t0))
					n.Add(int64(c.records))
				}
				mu.Lock()
				lat = append(lat, mine...)
				mu.Unlock()
			})
			b.StopTimer()
			elapsed := time.Since(start)
			slices.Sort(lat)
			if len(lat) > 0 {
				b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
				b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
			}
			b.ReportMetric(float64(n.Load())/elapsed.Seconds(), "records/s")
			if to.puts.Load() > 0 {
				b.ReportMetric(float64(to.putNanos.Load()/to.puts.Load())/1e6, "put-ms")
				b.ReportMetric(float64(to.putBytes.Load()/to.puts.Load())/1e6, "put-MB")
			}
			st := bk.Stats()
			b.ReportMetric(float64(st.ObjectsWritten)/elapsed.Seconds(), "objects/s")
		})
	}
}

// timedObjects counts the puts of the objects it wraps, and their time.
type timedObjects struct {
	Objects
	puts, putNanos, putBytes atomic.Int64
}

func (o *timedObjects) Put(ctx context.Context, obj objectstore.Object) error {
	t0 := time.Now()
	err := o.Objects.Put(ctx, obj)
	o.puts.Add(1)
	o.putNanos.Add(int64(time.Since(t0)))
	o.putBytes.Add(int64(len(obj.Body)))
	return err
}

// BenchmarkViewLag measures how long after an append is acknowledged a
// read-only view on another backend (another node) can read it: one
// producer appends one 1 KiB record at a time, and a reader of the view
// waits for each. It reports the lag's p50 and p99.
func BenchmarkViewLag(b *testing.B) {
	e := startEnv(b)
	prefix := prefixOf(b.Name() + fmt.Sprint(b.N))
	o := e.options(prefix, e.fence(b))
	l := openTestLog(b, open(b, o), "lag-log")
	ro, err := OpenReadOnly(b.Context(), o)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ro.Close() })
	v := openTestLog(b, ro, "lag-log")
	rec := []storage.Batch{{Shard: 0, Records: []storage.Record{{PartitionKey: "k", Data: make([]byte, 1024)}}}}
	lags := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		watch := v.Watch()
		res, err := l.Append(b.Context(), rec)
		if err != nil {
			b.Fatal(err)
		}
		acked := time.Now()
		for {
			if _, next := v.Bounds(0, 0); next > res[0].FirstSeq {
				break
			}
			<-watch
			watch = v.Watch()
		}
		lags = append(lags, time.Since(acked))
	}
	b.StopTimer()
	slices.Sort(lags)
	b.ReportMetric(float64(lags[len(lags)/2].Microseconds())/1000, "lag-p50-ms")
	b.ReportMetric(float64(lags[len(lags)*99/100].Microseconds())/1000, "lag-p99-ms")
}
