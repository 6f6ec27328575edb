// Package storagetest is the conformance suite of storage.Backend: the
// contract every backend (the embedded one, and the distributed one to come)
// must honour, run by each backend's own tests.
package storagetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"sluice/internal/storage"
)

// Opener opens a backend on a directory with a clock; calling it again with
// the same directory must reopen the same data (after the previous backend
// was closed).
type Opener func(t *testing.T, dir string, now func() time.Time) storage.Backend

// clock is a settable clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// Run runs the whole suite.
func Run(t *testing.T, open Opener) {
	t.Run("Meta", func(t *testing.T) { testMeta(t, open) })
	t.Run("Records", func(t *testing.T) { testRecords(t, open) })
	t.Run("Expire", func(t *testing.T) { testExpire(t, open) })
	t.Run("Reopen", func(t *testing.T) { testReopen(t, open) })
	t.Run("Concurrent", func(t *testing.T) { testConcurrent(t, open) })
	t.Run("Disown", func(t *testing.T) { testDisown(t, open) })
}

var ctx = context.Background()

func testMeta(t *testing.T, open Opener) {
	dir := t.TempDir()
	b := open(t, dir, time.Now)
	m := b.Meta()
	if _, err := m.Get(ctx, "a/missing"); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("Get of a missing key: %v", err)
	}
	err := m.Update(ctx, func(tx storage.MetaTx) error {
		for _, k := range []string{"p/2", "p/1", "q/1", "p/3"} {
			if err := tx.Put(k, []byte("v"+k)); err != nil {
				return err
			}
		}
		v, err := tx.Get("p/2")
		if err != nil || string(v) != "vp/2" {
			return fmt.Errorf("read own write: %q %v", v, err)
		}
		return tx.Delete("p/3")
	})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	m.Scan(ctx, "p/", func(k string, v []byte) error {
		keys = append(keys, k+"="+string(v))
		return nil
	})
	if fmt.Sprint(keys) != "[p/1=vp/1 p/2=vp/2]" {
		t.Fatalf("Scan p/: %v", keys)
	}
	boom := errors.New("boom")
	err = m.Update(ctx, func(tx storage.MetaTx) error {
		tx.Put("p/9", []byte("x"))
		tx.Delete("p/1")
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update error: %v", err)
	}
	if _, err := m.Get(ctx, "p/9"); !errors.Is(err, storage.ErrNotFound) {
		t.Fatal("a failed Update wrote")
	}
	if _, err := m.Get(ctx, "p/1"); err != nil {
		t.Fatal("a failed Update deleted")
	}
	b.Close()
	b = open(t, dir, time.Now)
	defer b.Close()
	if v, err := b.Meta().Get(ctx, "q/1"); err != nil || string(v) != "vq/1" {
		t.Fatalf("after reopen: %q %v", v, err)
	}
}

func rec(s string) storage.Record { return storage.Record{PartitionKey: "pk-" + s, Data: []byte(s)} }

func testRecords(t *testing.T, open Opener) {
	c := &clock{t: time.UnixMilli(1_700_000_000_000)}
	b := open(t, t.TempDir(), c.now)
	defer b.Close()
	l, err := b.Records().Open(ctx, "aaaaaaaaaaaaaaaaaaaa-aaa")
	if err != nil {
		t.Fatal(err)
	}
	if first, next := l.Bounds(0, 0); first != 1 || next != 1 || l.LastArrival(0) != 0 {
		t.Fatalf("empty shard: bounds %d %d", first, next)
	}
	watch := l.Watch()
	res, err := l.Append(ctx, []storage.Batch{
		{Shard: 0, Records: []storage.Record{rec("a"), rec("b")}},
		{Shard: 3, Records: []storage.Record{rec("x")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-watch:
	default:
		t.Fatal("Watch channel not closed by a durable append")
	}
	if res[0].FirstSeq != 1 || res[1].FirstSeq != 1 || res[0].ArrivalMillis != c.now().UnixMilli() {
		t.Fatalf("results %+v", res)
	}
	c.advance(time.Second)
	res, _ = l.Append(ctx, []storage.Batch{{Shard: 0, Records: []storage.Record{rec("c")}}})
	if res[0].FirstSeq != 3 {
		t.Fatalf("counter after 2 records: %d", res[0].FirstSeq)
	}
	recs, next, err := l.Read(0, 1, 10, 1<<20, 0)
	if err != nil || len(recs) != 3 || next != 4 {
		t.Fatalf("Read: %d records, next %d, %v", len(recs), next, err)
	}
	for i, want := range []string{"a", "b", "c"} {
		r := recs[i]
		if r.Seq != uint64(i+1) || string(r.Data) != want || r.PartitionKey != "pk-"+want {
			t.Fatalf("record %d: %+v", i, r)
		}
	}
	if recs, next, _ := l.Read(0, 2, 1, 1<<20, 0); len(recs) != 1 || recs[0].Seq != 2 || next != 3 {
		t.Fatalf("Read limit 1 from 2: %v %d", recs, next)
	}
	var arena storage.Arena
	for range 2 { // the second read reuses the memory the first released
		got, next, err := l.ReadArena(0, 1, 10, 1<<20, 0, &arena)
		if err != nil || len(got) != 3 || next != 4 || string(got[2].Data) != "c" || got[2].PartitionKey != "pk-c" {
			t.Fatalf("ReadArena: %+v, next %d, %v", got, next, err)
		}
		arena.Release()
	}
	if ts, _ := l.SeekTime(0, c.now().UnixMilli(), 0); ts != 3 {
		t.Fatalf("SeekTime(now) = %d", ts)
	}
	if ts, _ := l.SeekTime(0, 0, 0); ts != 1 {
		t.Fatalf("SeekTime(0) = %d", ts)
	}
	if ts, _ := l.SeekTime(0, c.now().Add(time.Hour).UnixMilli(), 0); ts != 4 {
		t.Fatalf("SeekTime(future) = %d", ts)
	}
	if l.LastArrival(0) != c.now().UnixMilli() {
		t.Fatalf("LastArrival %d", l.LastArrival(0))
	}
	ids, err := b.Records().IDs(ctx)
	if err != nil || fmt.Sprint(ids) != "[aaaaaaaaaaaaaaaaaaaa-aaa]" {
		t.Fatalf("IDs %v %v", ids, err)
	}
	if err := b.Records().Remove(ctx, "aaaaaaaaaaaaaaaaaaaa-aaa"); err != nil {
		t.Fatal(err)
	}
	if ids, _ := b.Records().IDs(ctx); len(ids) != 0 {
		t.Fatalf("IDs after Remove %v", ids)
	}
	l2, _ := b.Records().Open(ctx, "aaaaaaaaaaaaaaaaaaaa-aaa")
	if _, next := l2.Bounds(0, 0); next != 1 {
		t.Fatal("a removed log kept its records")
	}
}

func testExpire(t *testing.T, open Opener) {
	c := &clock{t: time.UnixMilli(1_700_000_000_000)}
	b := open(t, t.TempDir(), c.now)
	defer b.Close()
	l, _ := b.Records().Open(ctx, "bbbbbbbbbbbbbbbbbbbb-bbb")
	for range 3 {
		l.Append(ctx, []storage.Batch{{Shard: 1, Records: []storage.Record{rec("old")}}})
	}
	c.advance(25 * time.Hour)
	l.Append(ctx, []storage.Batch{{Shard: 1, Records: []storage.Record{rec("new")}}})
	cutoff := c.now().Add(-24 * time.Hour).UnixMilli()
	recs, _, _ := l.Read(1, 1, 100, 1<<20, cutoff)
	if len(recs) != 1 || string(recs[0].Data) != "new" || recs[0].Seq != 4 {
		t.Fatalf("read past the cutoff: %+v", recs)
	}
	if first, next := l.Bounds(1, cutoff); first != 4 || next != 5 {
		t.Fatalf("bounds with cutoff: %d %d", first, next)
	}
	if err := l.Expire(cutoff); err != nil {
		t.Fatal(err)
	}
	c.advance(25 * time.Hour)
	if err := l.Expire(c.now().Add(-24 * time.Hour).UnixMilli()); err != nil {
		t.Fatal(err)
	}
	res, err := l.Append(ctx, []storage.Batch{{Shard: 1, Records: []storage.Record{rec("later")}}})
	if err != nil || res[0].FirstSeq != 5 {
		t.Fatalf("counter after expiring everything: %v %v", res, err)
	}
}

func testReopen(t *testing.T, open Opener) {
	dir := t.TempDir()
	c := &clock{t: time.UnixMilli(1_700_000_000_000)}
	b := open(t, dir, c.now)
	l, _ := b.Records().Open(ctx, "cccccccccccccccccccc-ccc")
	for i := range 10 {
		l.Append(ctx, []storage.Batch{{Shard: uint32(i % 2), Records: []storage.Record{rec(fmt.Sprint(i))}}})
	}
	b.Close()
	b = open(t, dir, c.now)
	defer b.Close()
	l, _ = b.Records().Open(ctx, "cccccccccccccccccccc-ccc")
	for shard := range uint32(2) {
		recs, next, _ := l.Read(shard, 1, 100, 1<<20, 0)
		if len(recs) != 5 || next != 6 {
			t.Fatalf("shard %d after reopen: %d records, next %d", shard, len(recs), next)
		}
	}
	res, _ := l.Append(ctx, []storage.Batch{{Shard: 0, Records: []storage.Record{rec("more")}}})
	if res[0].FirstSeq != 6 {
		t.Fatalf("counter after reopen %d", res[0].FirstSeq)
	}
}

func testConcurrent(t *testing.T, open Opener) {
	b := open(t, t.TempDir(), time.Now)
	defer b.Close()
	l, _ := b.Records().Open(ctx, "dddddddddddddddddddd-ddd")
	var wg sync.WaitGroup
	var mu sync.Mutex
	seen := map[uint64]bool{}
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				res, err := l.Append(ctx, []storage.Batch{{Shard: 0, Records: []storage.Record{rec(fmt.Sprint(g, i))}}})
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				if seen[res[0].FirstSeq] {
					t.Errorf("counter %d given twice", res[0].FirstSeq)
				}
				seen[res[0].FirstSeq] = true
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if _, next := l.Bounds(0, 0); next != 801 {
		t.Fatalf("after 800 appends next = %d", next)
	}
}
