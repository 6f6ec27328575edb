package logstore

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"sluice/internal/vfs"
)

func TestAppendReadRoundTrip(t *testing.T) {
	fsys := vfs.NewCrashableMem()
	c := newClock(1_000_000)
	opts := testOptions(fsys, c)
	opts.SegmentBytes = 128 << 10 // several segments
	l := mustOpen(t, opts)
	m := newModel()
	r := rand.New(rand.NewPCG(1, 1))
	sizes := []int{0, 1, 100, 1000, 5000, 40_000}
	for i := range 300 {
		var batches []Batch
		for range 1 + r.IntN(4) {
			b := Batch{Shard: uint32(r.IntN(20))}
			for j := range 1 + r.IntN(10) {
				b.Records = append(b.Records, rec(fmt.Sprintf("k%d-%d", i, j), sizes[r.IntN(len(sizes))]))
			}
			batches = append(batches, b)
		}
		res := mustAppend(t, l, batches...)
		if len(res) != len(batches) {
			t.Fatalf("%d results for %d batches", len(res), len(batches))
		}
		for k, b := range batches {
			m.add(b, res[k])
		}
		c.Advance(time.Millisecond)
	}
	// Records at the size limit, in one batch with others (split into
	// several entries).
	big := Batch{Shard: 3, Records: []Record{rec("big1", MaxRecordBytes), rec("small", 10), rec("big2", MaxRecordBytes)}}
	m.add(big, mustAppend(t, l, big)[0])

	m.check(t, l)
	if st := l.Stats(); st.Segments < 5 || st.Shards != 20 {
		t.Fatalf("Stats = %+v", st)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	l = mustOpen(t, opts)
	defer l.Close()
	m.check(t, l)
}

func TestCountersDenseAndIncreasing(t *testing.T) {
	l := mustOpen(t, testOptions(vfs.NewCrashableMem(), newClock(1)))
	defer l.Close()
	next := map[uint32]uint64{}
	for i := range 100 {
		batches := []Batch{
			{Shard: uint32(i % 3), Records: make([]Record, 1+i%7)},
			{Shard: 9, Records: make([]Record, 2)},
			{Shard: uint32(i % 3), Records: []Record{{}}}, // same shard twice in one call
			{Shard: 7}, // empty batch: uses no counter
		}
		res := mustAppend(t, l, batches...)
		for k, b := range batches {
			want := max(next[b.Shard], 1)
			if res[k].FirstSeq != want {
				t.Fatalf("append %d batch %d: FirstSeq %d, want %d", i, k, res[k].FirstSeq, want)
			}
			next[b.Shard] = want + uint64(len(b.Records))
		}
	}
	for s, n := range next {
		if _, got := l.Bounds(s, 0); got != n {
			t.Fatalf("shard %d: next %d, want %d", s, got, n)
		}
	}
	if first, next := l.Bounds(1234, 0); first != 1 || next != 1 {
		t.Fatalf("unknown shard bounds = %d, %d", first, next)
	}
}

func TestArrivalNonDecreasing(t *testing.T) {
	c := newClock(5000)
	l := mustOpen(t, testOptions(vfs.NewCrashableMem(), c))
	defer l.Close()
	r1 := mustAppend(t, l, Batch{Shard: 0, Records: []Record{{}}})[0]
	c.Advance(-2 * time.Second) // the clock goes back
	r2 := mustAppend(t, l, Batch{Shard: 1, Records: []Record{{}}})[0]
	c.Advance(10 * time.Second)
	r3 := mustAppend(t, l, Batch{Shard: 0, Records: []Record{{}}})[0]
	if r1.ArrivalMillis != 5000 || r2.ArrivalMillis != 5000 || r3.ArrivalMillis != 13000 {
		t.Fatalf("arrivals %d %d %d", r1.ArrivalMillis, r2.ArrivalMillis, r3.ArrivalMillis)
	}
	if got := l.LastArrival(0); got != 13000 {
		t.Fatalf("LastArrival(0) = %d", got)
	}
	if got := l.LastArrival(1); got != 5000 {
		t.Fatalf("LastArrival(1) = %d", got)
	}
	if got := l.LastArrival(2); got != 0 {
		t.Fatalf("LastArrival(2) = %d", got)
	}
}

func TestReadLimits(t *testing.T) {
	l := mustOpen(t, testOptions(vfs.NewCrashableMem(), newClock(1)))
	defer l.Close()
	// Shard 0: seqs 1..10, each record 10 bytes of data + 2 of key.
	var recs []Record
	for i := range 10 {
		recs = append(recs, Record{PartitionKey: fmt.Sprintf("k%d", i), Data: make([]byte, 10)})
	}
	mustAppend(t, l, Batch{Shard: 0, Records: recs[:4]})
	mustAppend(t, l, Batch{Shard: 0, Records: recs[4:]})
	for _, tc := range []struct {
		name                 string
		from                 uint64
		maxRecords, maxBytes int
		wantFirst, wantN     int
		wantNext             uint64
	}{
		{"all", 1, 0, 0, 1, 10, 11},
		{"from 0 means 1", 0, 0, 0, 1, 10, 11},
		{"max records", 1, 3, 0, 1, 3, 4},
		{"max records across entries", 3, 4, 0, 3, 4, 7},
		{"max bytes exact", 2, 0, 36, 2, 3, 5},
		{"max bytes just under", 2, 0, 35, 2, 2, 4},
		{"at least one record", 5, 0, 1, 5, 1, 6},
		{"both limits", 1, 2, 1000, 1, 2, 3},
		{"from the middle of an entry", 6, 0, 0, 6, 5, 11},
		{"last record", 10, 5, 0, 10, 1, 11},
		{"at the end", 11, 5, 0, 0, 0, 11},
		{"past the end", 50, 5, 0, 0, 0, 11},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, next, err := l.Read(0, tc.from, tc.maxRecords, tc.maxBytes, 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tc.wantN || next != tc.wantNext {
				t.Fatalf("got %d records, next %d; want %d, %d", len(got), next, tc.wantN, tc.wantNext)
			}
			for i, g := range got {
				if g.Seq != uint64(tc.wantFirst+i) || g.PartitionKey != fmt.Sprintf("k%d", tc.wantFirst+i-1) {
					t.Fatalf("record %d = seq %d key %q", i, g.Seq, g.PartitionKey)
				}
			}
		})
	}
	if got, next, err := l.Read(77, 1, 10, 0, 0); err != nil || len(got) != 0 || next != 1 {
		t.Fatalf("unknown shard: %d records, next %d, %v", len(got), next, err)
	}
}

func TestAppendValidation(t *testing.T) {
	l := mustOpen(t, testOptions(vfs.NewCrashableMem(), newClock(1)))
	defer l.Close()
	ctx := context.Background()
	for _, r := range []Record{
		{Data: make([]byte, MaxRecordBytes+1)},
		{PartitionKey: string(make([]byte, MaxPartitionKeyBytes+1))},
	} {
		if _, err := l.Append(ctx, []Batch{{Shard: 0, Records: []Record{{}, r}}}); !errors.Is(err, ErrRecordTooLarge) {
			t.Fatalf("Append(too large) = %v", err)
		}
	}
	res, err := l.Append(ctx, nil)
	if err != nil || len(res) != 0 {
		t.Fatalf("Append(nil) = %v, %v", res, err)
	}
	if _, next := l.Bounds(0, 0); next != 1 {
		t.Fatalf("a rejected Append used counters: next = %d", next)
	}
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := l.Append(canceled, []Batch{{Shard: 0, Records: []Record{{}}}}); !errors.Is(err, context.Canceled) {
		t.Fatalf("Append(canceled) = %v", err)
	}
}

func TestOptionsValidate(t *testing.T) {
	for _, o := range []Options{
		{},
		{Dir: "x", SegmentBytes: -1},
		{Dir: "x", SegmentMaxAge: -1},
		{Dir: "x", SyncInterval: -1},
	} {
		o.FS = vfs.NewCrashableMem()
		if _, err := Open(o); err == nil {
			t.Errorf("Open(%+v) succeeded", o)
		}
	}
}

// TestGroupCommit shows that concurrent Appends share fdatasyncs.
func TestGroupCommit(t *testing.T) {
	var counter opCounter
	fsys := vfs.WithInjector(vfs.NewCrashableMem(), func(op vfs.Op, name string) error {
		if op == vfs.OpSync {
			time.Sleep(200 * time.Microsecond) // a disk, roughly
		}
		return counter.inject(op, name)
	})
	l := mustOpen(t, testOptions(fsys, newClock(1)))
	const goroutines, appends = 32, 40
	m := newModel()
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range appends {
				b := Batch{Shard: uint32(g % 4), Records: []Record{rec(fmt.Sprintf("g%d-%d", g, i), 100)}}
				res, err := l.Append(context.Background(), []Batch{b})
				if err != nil {
					t.Error(err)
					return
				}
				m.add(b, res[0])
			}
		})
	}
	wg.Wait()
	m.check(t, l)
	syncs := counter.get(vfs.OpSync, logSuffix)
	st := l.Stats()
	t.Logf("%d appends, %d fdatasyncs, %d writes", goroutines*appends, syncs, counter.get(vfs.OpWrite, logSuffix))
	if syncs > goroutines*appends/4 || uint64(syncs) != st.Syncs {
		t.Fatalf("%d fdatasyncs (stats %d) for %d appends: not shared", syncs, st.Syncs, goroutines*appends)
	}
	if st.Records != goroutines*appends || st.Entries != goroutines*appends {
		t.Fatalf("Stats = %+v", st)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestFailedLogRefusesAppends(t *testing.T) {
	for _, op := range []vfs.Op{vfs.OpWrite, vfs.OpSync} {
		t.Run(op.String(), func(t *testing.T) {
			mem := vfs.NewCrashableMem()
			fail := vfs.FailNth(op, 3)
			fsys := vfs.WithInjector(mem, func(o vfs.Op, name string) error {
				if len(name) > 4 && name[len(name)-4:] == logSuffix {
					return fail(o, name)
				}
				return nil
			})
			l := mustOpen(t, testOptions(fsys, newClock(1)))
			ctx := context.Background()
			var acked int
			var firstErr error
			for i := range 6 {
				_, err := l.Append(ctx, []Batch{{Shard: 0, Records: []Record{rec(fmt.Sprint(i), 10)}}})
				if err == nil {
					if firstErr != nil {
						t.Fatal("Append succeeded after a failure")
					}
					acked++
				} else if firstErr == nil {
					firstErr = err
				}
			}
			if !errors.Is(firstErr, vfs.ErrInjected) {
				t.Fatalf("error = %v", firstErr)
			}
			// Reads of acknowledged data still work.
			if got := readAll(t, l, 0, 1, 0); len(got) != acked {
				t.Fatalf("read %d records, %d acknowledged", len(got), acked)
			}
			l.Close()
			// Reopening recovers: what was acknowledged is there, and
			// appends work again.
			l = mustOpen(t, testOptions(mem, newClock(2)))
			defer l.Close()
			got := readAll(t, l, 0, 1, 0)
			if len(got) < acked {
				t.Fatalf("after reopen %d records, %d acknowledged", len(got), acked)
			}
			res := mustAppend(t, l, Batch{Shard: 0, Records: []Record{{}}})
			if res[0].FirstSeq != uint64(len(got))+1 {
				t.Fatalf("FirstSeq after reopen = %d, want %d", res[0].FirstSeq, len(got)+1)
			}
		})
	}
}

func TestClosed(t *testing.T) {
	l := mustOpen(t, testOptions(vfs.NewCrashableMem(), newClock(1)))
	mustAppend(t, l, Batch{Shard: 0, Records: []Record{{}}})
	w := l.Watch()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-w:
	default:
		t.Fatal("Watch channel not closed by Close")
	}
	select {
	case <-l.Watch():
	default:
		t.Fatal("Watch after Close is not closed")
	}
	if err := l.Close(); !errors.Is(err, ErrClosed) {
		t.Fatalf("second Close = %v", err)
	}
	if _, err := l.Append(context.Background(), []Batch{{Shard: 0}}); !errors.Is(err, ErrClosed) {
		t.Fatalf("Append = %v", err)
	}
	if _, _, err := l.Read(0, 1, 1, 0, 0); !errors.Is(err, ErrClosed) {
		t.Fatalf("Read = %v", err)
	}
	if _, err := l.SeekTime(0, 0, 0); !errors.Is(err, ErrClosed) {
		t.Fatalf("SeekTime = %v", err)
	}
	if err := l.Expire(10); !errors.Is(err, ErrClosed) {
		t.Fatalf("Expire = %v", err)
	}
}

func TestCloseFinishesQueuedAppends(t *testing.T) {
	fsys := vfs.WithInjector(vfs.NewCrashableMem(), func(op vfs.Op, name string) error {
		if op == vfs.OpSync {
			time.Sleep(time.Millisecond)
		}
		return nil
	})
	l := mustOpen(t, testOptions(fsys, newClock(1)))
	var wg sync.WaitGroup
	var mu sync.Mutex
	acked := 0
	for range 50 {
		wg.Go(func() {
			_, err := l.Append(context.Background(), []Batch{{Shard: 0, Records: []Record{{}}}})
			if err == nil {
				mu.Lock()
				acked++
				mu.Unlock()
			} else if !errors.Is(err, ErrClosed) {
				t.Error(err)
			}
		})
	}
	time.Sleep(2 * time.Millisecond)
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	l = mustOpen(t, testOptions(fsys, newClock(1)))
	defer l.Close()
	if got := len(readAll(t, l, 0, 1, 0)); got != acked {
		t.Fatalf("%d records after reopen, %d acknowledged", got, acked)
	}
}

func TestWatch(t *testing.T) {
	l := mustOpen(t, testOptions(vfs.NewCrashableMem(), newClock(1)))
	defer l.Close()
	w := l.Watch()
	if w != l.Watch() {
		t.Fatal("two Watch calls before an append return different channels")
	}
	select {
	case <-w:
		t.Fatal("closed before any append")
	default:
	}
	done := make(chan []StoredRecord)
	go func() {
		<-w
		recs, _, _ := l.Read(5, 1, 10, 0, 0)
		done <- recs
	}()
	mustAppend(t, l, Batch{Shard: 5, Records: []Record{{Data: []byte("x")}}})
	select {
	case recs := <-done:
		if len(recs) != 1 {
			t.Fatalf("woken reader saw %d records", len(recs))
		}
	case <-time.After(5 * time.Second):
		t.Fatal("watcher not woken")
	}
	select {
	case <-l.Watch():
		t.Fatal("new Watch channel already closed")
	default:
	}
}

func TestDelete(t *testing.T) {
	fsys := vfs.NewCrashableMem()
	opts := testOptions(fsys, newClock(1))
	opts.SegmentBytes = 1000
	l := mustOpen(t, opts)
	for range 10 {
		mustAppend(t, l, Batch{Shard: 0, Records: []Record{rec("k", 400)}})
	}
	if err := l.Delete(); err != nil {
		t.Fatal(err)
	}
	if _, err := fsys.List(testDir); err == nil {
		t.Fatal("directory still exists")
	}
	if _, err := fsys.CrashClone().List(testDir); err == nil {
		t.Fatal("directory removal not durable")
	}
	if err := l.Delete(); err != nil {
		t.Fatalf("second Delete: %v", err)
	}
}

func TestRelaxedMode(t *testing.T) {
	var counter opCounter
	mem := vfs.NewCrashableMem()
	fsys := vfs.WithInjector(mem, counter.inject)
	opts := testOptions(fsys, newClock(1))
	opts.SyncInterval = 5 * time.Millisecond
	l := mustOpen(t, opts)
	for i := range 20 {
		mustAppend(t, l, Batch{Shard: 0, Records: []Record{rec(fmt.Sprint(i), 10)}})
	}
	if got := len(readAll(t, l, 0, 1, 0)); got != 20 {
		t.Fatalf("read %d records", got)
	}
	deadline := time.Now().Add(5 * time.Second)
	for counter.get(vfs.OpSync, logSuffix) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("relaxed mode never synced")
		}
		time.Sleep(time.Millisecond)
	}
	if syncs := counter.get(vfs.OpSync, logSuffix); syncs > 10 {
		t.Fatalf("%d syncs for 20 relaxed appends", syncs)
	}
	mustAppend(t, l, Batch{Shard: 0, Records: []Record{rec("last", 10)}})
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	// Close synced everything: a crash now loses nothing.
	l = mustOpen(t, testOptions(mem.CrashClone(), newClock(1)))
	defer l.Close()
	if got := len(readAll(t, l, 0, 1, 0)); got != 21 {
		t.Fatalf("after Close and crash: %d records", got)
	}
}

func TestAppendContextCanceledWhileWaiting(t *testing.T) {
	release := make(chan struct{})
	var once sync.Once
	fsys := vfs.WithInjector(vfs.NewCrashableMem(), func(op vfs.Op, name string) error {
		if op == vfs.OpSync && len(name) > 4 && name[len(name)-4:] == logSuffix {
			once.Do(func() { <-release })
		}
		return nil
	})
	l := mustOpen(t, testOptions(fsys, newClock(1)))
	defer l.Close()
	// The first Append is taken by the writer, which blocks in fdatasync;
	// the second waits in the queue.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	errs := make(chan error, 2)
	go func() {
		_, err := l.Append(ctx, []Batch{{Shard: 0, Records: []Record{{PartitionKey: "taken"}}}})
		errs <- err
	}()
	time.Sleep(5 * time.Millisecond)
	go func() {
		_, err := l.Append(ctx, []Batch{{Shard: 0, Records: []Record{{PartitionKey: "queued"}}}})
		errs <- err
	}()
	for range 2 {
		if err := <-errs; !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Append = %v", err)
		}
	}
	close(release)
	// The taken write landed anyway; the queued one was dropped.
	res := mustAppend(t, l, Batch{Shard: 0, Records: []Record{{PartitionKey: "next"}}})
	if res[0].FirstSeq != 2 {
		t.Fatalf("FirstSeq = %d", res[0].FirstSeq)
	}
	got := readAll(t, l, 0, 1, 0)
	if len(got) != 2 || got[0].PartitionKey != "taken" || got[1].PartitionKey != "next" {
		t.Fatalf("records: %+v", got)
	}
}
