package logstore

import (
	"context"
	"flag"
	"fmt"
	"maps"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sluice/internal/vfs"
)

// TestCrashRecovery runs cycles of: open (recovering the previous crash),
// check, append concurrently while expiring, crash at a random filesystem
// operation. After every crash:
//
//   - every record acknowledged before the crash is present, with its seq,
//     arrival, key and data, unless retention may have deleted it;
//   - every record present is one that was appended (its data checks out),
//     and none is present twice;
//   - counters continue above every acknowledged record, expired or not.
//
// Variants keep a random part of unsynced data and directory changes, and
// corrupt part of it.
var (
	crashSeed   = flag.Uint64("crash.seed", 0, "TestCrashRecovery: seed (0: fixed per variant)")
	crashCycles = flag.Int("crash.cycles", 40, "TestCrashRecovery: crash cycles per variant")
)

func TestCrashRecovery(t *testing.T) {
	cycles := *crashCycles
	if testing.Short() {
		cycles = min(cycles, 10)
	}
	for _, v := range []crashVariant{
		{name: "clean"},
		{name: "torn", torn: true},
		{name: "torn-corrupt", torn: true, corrupt: true},
		{name: "relaxed", torn: true, relaxed: true},
	} {
		t.Run(v.name, func(t *testing.T) {
			t.Parallel()
			seed := uint64(len(v.name))
			if *crashSeed != 0 {
				seed = *crashSeed
				t.Logf("seed %d", seed)
			}
			newCrashRun(t, v, seed).run(cycles)
		})
	}
}

type crashVariant struct {
	name                   string
	torn, corrupt, relaxed bool
}

type recID string // "c<cycle>-g<goroutine>-<n>", the record's partition key

type placed struct {
	shard   uint32
	seq     uint64
	arrival int64
}

type crashRun struct {
	t     *testing.T
	v     crashVariant
	r     *rand.Rand
	clock *clock

	mu        sync.Mutex
	acked     map[recID]placed // acknowledged in the current cycle
	durable   map[recID]placed // known to have survived a crash
	maxSeq    map[uint32]uint64
	maxCutoff atomic.Int64 // largest cutoff passed to Expire so far

	// For the log: how much the run exercised.
	midRun, checked, expired, unacked int
}

func newCrashRun(t *testing.T, v crashVariant, seed uint64) *crashRun {
	return &crashRun{
		t: t, v: v, r: rand.New(rand.NewPCG(seed, 42)), clock: newClock(1_000_000),
		durable: map[recID]placed{}, maxSeq: map[uint32]uint64{},
	}
}

// crashPoint is the state captured at the crash.
type crashPoint struct {
	fs        *vfs.MemFS
	acked     map[recID]placed
	maxCutoff int64
}

func (cr *crashRun) run(cycles int) {
	t := cr.t
	cur := vfs.NewCrashableMem()
	var prev *crashPoint
	opsPerCycle := int64(300)
	for cycle := range cycles {
		// Crash anywhere in the cycle, from Open to the end, or (about
		// one time in six) after it.
		var ops atomic.Int64
		crashAt := 1 + cr.r.Int64N(opsPerCycle*6/5)
		var point atomic.Pointer[crashPoint]
		crashRand := rand.New(rand.NewPCG(cr.r.Uint64(), cr.r.Uint64()))
		mem := cur
		crash := func() {
			cr.mu.Lock()
			p := &crashPoint{acked: maps.Clone(cr.acked), maxCutoff: cr.maxCutoff.Load()}
			cr.mu.Unlock()
			if cr.v.torn {
				p.fs = mem.CrashCloneWith(vfs.CrashOptions{Rand: crashRand, Corrupt: cr.v.corrupt})
			} else {
				p.fs = mem.CrashClone()
			}
			point.Store(p)
		}
		fsys := vfs.WithInjector(mem, func(op vfs.Op, name string) error {
			if ops.Add(1) == crashAt {
				crash()
			}
			return nil
		})
		opts := Options{FS: fsys, Dir: testDir, Now: cr.clock.Now, SegmentBytes: 1024 + cr.r.Int64N(8192)}
		if cr.v.relaxed {
			opts.SyncInterval = time.Millisecond
		}
		cr.mu.Lock()
		cr.acked = map[recID]placed{}
		cr.mu.Unlock()
		l, err := Open(opts)
		if err != nil {
			t.Fatalf("cycle %d: Open: %v", cycle, err)
		}
		if prev != nil {
			cr.verify(cycle, l, prev)
		}
		cr.appendAndExpire(cycle, l)
		if point.Load() == nil {
			crash()
		} else {
			cr.midRun++
		}
		opsPerCycle = max(ops.Load(), 10)
		l.Close() // the original carries on; the crash is in the clone
		prev = point.Load()
		cur = prev.fs
	}
	t.Logf("%d cycles, %d crashes mid-run; %d acknowledged records checked, %d excused by retention, %d unacknowledged survivors",
		cycles, cr.midRun, cr.checked, cr.expired, cr.unacked)
}

// appendAndExpire appends from several goroutines while another expires.
func (cr *crashRun) appendAndExpire(cycle int, l *Log) {
	const goroutines, appends = 4, 25
	var wg sync.WaitGroup
	seeds := make([]uint64, goroutines)
	for i := range seeds {
		seeds[i] = cr.r.Uint64()
	}
	for g := range goroutines {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(seeds[g], 7))
			for i := range appends {
				var batches []Batch
				for b := range 1 + r.IntN(3) {
					batch := Batch{Shard: uint32(r.IntN(6))}
					for k := range 1 + r.IntN(4) {
						size := r.IntN(300)
						if r.IntN(20) == 0 {
							size = 5000
						}
						key := fmt.Sprintf("c%d-g%d-%d-%d-%d", cycle, g, i, b, k)
						batch.Records = append(batch.Records, Record{PartitionKey: key, Data: payloadFor(key, size)})
					}
					batches = append(batches, batch)
				}
				cr.clock.Advance(100 * time.Millisecond)
				res, err := l.Append(context.Background(), batches)
				if err != nil {
					cr.t.Errorf("cycle %d: Append: %v", cycle, err)
					return
				}
				cr.mu.Lock()
				for b, batch := range batches {
					if res[b].FirstSeq <= cr.maxSeq[batch.Shard] && !cr.v.relaxed {
						cr.t.Errorf("cycle %d: shard %d FirstSeq %d, but %d was acknowledged before",
							cycle, batch.Shard, res[b].FirstSeq, cr.maxSeq[batch.Shard])
					}
					for k, rec := range batch.Records {
						cr.acked[recID(rec.PartitionKey)] = placed{batch.Shard, res[b].FirstSeq + uint64(k), res[b].ArrivalMillis}
					}
				}
				cr.mu.Unlock()
			}
		})
	}
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
			}
			cutoff := cr.clock.Millis() - 3000
			if cutoff > cr.maxCutoff.Load() {
				cr.maxCutoff.Store(cutoff)
			}
			if err := l.Expire(cutoff); err != nil {
				cr.t.Errorf("cycle %d: Expire: %v", cycle, err)
			}
		}
	}()
	wg.Wait()
	close(stop)
	<-done
}

// verify checks the recovered log l against the crash point p.
func (cr *crashRun) verify(cycle int, l *Log, p *crashPoint) {
	t := cr.t
	// Everything known durable, plus what was acknowledged before the
	// crash (unless relaxed), must be there.
	want := maps.Clone(cr.durable)
	if !cr.v.relaxed {
		maps.Copy(want, p.acked)
		for _, pl := range p.acked {
			cr.maxSeq[pl.shard] = max(cr.maxSeq[pl.shard], pl.seq)
		}
	}
	seen := map[recID]placed{}
	for shard := range uint32(6) {
		var last uint64
		for _, rec := range readAll(t, l, shard, 1, 0) {
			id := recID(rec.PartitionKey)
			if _, dup := seen[id]; dup {
				t.Fatalf("cycle %d: record %s present twice", cycle, id)
			}
			if rec.Seq <= last {
				t.Fatalf("cycle %d: shard %d seq %d after %d", cycle, shard, rec.Seq, last)
			}
			last = rec.Seq
			if string(rec.Data) != string(payloadFor(rec.PartitionKey, len(rec.Data))) {
				t.Fatalf("cycle %d: record %s has data that was never appended", cycle, id)
			}
			pl := placed{shard, rec.Seq, rec.ArrivalMillis}
			if w, ok := want[id]; ok && w != pl {
				t.Fatalf("cycle %d: record %s at %+v, acknowledged at %+v", cycle, id, pl, w)
			}
			seen[id] = pl
		}
		_, next := l.Bounds(shard, 0)
		if next <= last || (!cr.v.relaxed && next <= cr.maxSeq[shard]) {
			t.Fatalf("cycle %d: shard %d next %d, but seq %d is present and %d was acknowledged",
				cycle, shard, next, last, cr.maxSeq[shard])
		}
	}
	for id, w := range want {
		_, ok := seen[id]
		if !ok && w.arrival >= p.maxCutoff {
			t.Fatalf("cycle %d: acknowledged record %s (%+v) lost; cutoff %d", cycle, id, w, p.maxCutoff)
		}
		if ok {
			cr.checked++
		} else {
			cr.expired++
		}
	}
	for id := range seen {
		if _, ok := want[id]; !ok {
			cr.unacked++
		}
	}
	// What survived a crash is durable from now on; forget what expired.
	cr.durable = seen
	for _, pl := range seen {
		cr.maxSeq[pl.shard] = max(cr.maxSeq[pl.shard], pl.seq)
	}
}
