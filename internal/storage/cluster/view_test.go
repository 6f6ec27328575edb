package cluster

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"

	"sluice/internal/storage"
)

// testView: a read-only backend's view of a log reads what the owner
// commits, follows its flushes, its Expire, its compactions and its
// removal of the log, without writing anything; and its writes fail.
func testView(t *testing.T, e *env) {
	prefix := prefixOf(t.Name())
	const id = "view-log"
	c := &testClock{t: time.UnixMilli(1_700_000_000_000)}
	o := e.options(prefix, e.fence(t))
	o.Now = c.now
	o.FlushInterval = time.Millisecond
	o.tuning.maintainEvery = time.Hour // compactions only when the test says
	o.tuning.retireDelay = time.Millisecond
	owner := open(t, o)
	ol := openTestLog(t, owner, id)
	appendOne(t, ol, 0, "before the view")

	ro, err := OpenReadOnly(t.Context(), e.options(prefix, Fence{}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ro.Close() })
	v := openTestLog(t, ro, id)
	sameAsOwner := func(what string) {
		t.Helper()
		eventually(t, 10*time.Second, what+": the view does not read what the owner does", func() bool {
			for shard := range uint32(3) {
				of, on := ol.Bounds(shard, 0)
				vf, vn := v.Bounds(shard, 0)
				if of != vf || on != vn || ol.LastArrival(shard) != v.LastArrival(shard) {
					return false
				}
				ow, vw := readAll(t, ol, shard), readAll(t, v, shard)
				if !slices.EqualFunc(ow, vw, sameRecord) {
					return false
				}
			}
			return ol.Stats().Segments == v.Stats().Segments
		})
	}
	sameAsOwner("opened")

	// Flushes arrive through the watch, and wake the view's watchers.
	watch := v.Watch()
	for i := range 20 {
		_, err := ol.Append(t.Context(), []storage.Batch{
			{Shard: 0, Records: []storage.Record{{PartitionKey: "a", Data: fmt.Appendf(nil, "a%d", i)}}},
			{Shard: uint32(1 + i%2), Records: []storage.Record{{PartitionKey: "b", Data: fmt.Appendf(nil, "b%d", i)}}},
		})
		if err != nil {
			t.Fatal(err)
		}
		c.advance(time.Second)
	}
	select {
	case <-watch:
	case <-time.After(10 * time.Second):
		t.Fatal("the view's watch channel was not closed by the owner's flushes")
	}
	sameAsOwner("after flushes")
	if seq, err := v.SeekTime(0, c.now().UnixMilli()-5_500, 0); err != nil || seq != 17 {
		t.Fatalf("the view's SeekTime: %d, %v; want 17", seq, err)
	}

	// A compaction swaps ranges and retires objects: the view rereads. A
	// second view, which has read nothing (its cache is empty), is made
	// to lag below.
	ro2, err := OpenReadOnly(t.Context(), e.options(prefix, Fence{}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ro2.Close() })
	lagging := openTestLog(t, ro2, id)
	lagging.mu.RLock()
	staleShards, staleObjects, staleRev := lagging.shards, lagging.objects, lagging.indexRev
	lagging.mu.RUnlock()
	ol.mu.Lock()
	for _, o := range ol.objects {
		o.written = o.written.Add(-time.Minute)
	}
	ol.mu.Unlock()
	ol.compactSome()
	if ol.Stats().Segments != 1 {
		t.Fatalf("the owner has %d objects after compaction, want 1", ol.Stats().Segments)
	}
	time.Sleep(5 * time.Millisecond)
	ol.deleteRetired(time.Now())
	sameAsOwner("after a compaction")
	// A view that lags (its watch has not delivered the swap yet) finds
	// the retired objects gone: it rereads the index rather than calling
	// them damaged, and reads the records where they are now.
	lagging.mu.Lock()
	lagging.shards, lagging.objects, lagging.indexRev = staleShards, staleObjects, staleRev
	lagging.mu.Unlock()
	for shard := range uint32(3) {
		if got, want := readAll(t, lagging, shard), readAll(t, ol, shard); !slices.EqualFunc(got, want, sameRecord) {
			t.Fatalf("a lagging view read %d records of shard %d, want %d", len(got), shard, len(want))
		}
	}
	if n := lagging.Stats().Damaged; n != 0 {
		t.Fatalf("a lagging view counted %d damaged ranges in objects a compaction retired", n)
	}
	// Many readers of a lagging view share its rereads.
	lagging.mu.Lock()
	lagging.shards, lagging.objects, lagging.indexRev = staleShards, staleObjects, staleRev
	lagging.mu.Unlock()
	const readers = 8
	before := lagging.rereadsBegun.Load()
	var wg sync.WaitGroup
	want := readAll(t, ol, 0)
	for range readers {
		wg.Go(func() {
			recs, _, err := lagging.Read(0, 1, 0, 0, 0)
			if err != nil || !slices.EqualFunc(recs, want, sameRecord) {
				t.Errorf("a reader of a lagging view: %d records, %v; want %d", len(recs), err, len(want))
			}
		})
	}
	wg.Wait()
	if n := lagging.rereadsBegun.Load() - before; n > readers/2 {
		t.Fatalf("%d readers of a lagging view reread its index %d times", readers, n)
	}
	// A view whose watch must resume from revisions etcd has compacted
	// (it was cut off from etcd meanwhile) is told so, rather than
	// waiting for events that will never come: follow then rereads.
	resp, err := e.etcd.Put(t.Context(), "/view-test/later", "a revision past the view's")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.etcd.Compact(t.Context(), resp.Header.Revision); err != nil {
		t.Fatal(err)
	}
	lagging.mu.Lock()
	lagging.indexRev = staleRev
	lagging.mu.Unlock()
	wctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := lagging.watchIndex(wctx); !errors.Is(err, rpctypes.ErrCompacted) {
		t.Fatalf("a watch from a compacted revision ended with %v, want ErrCompacted", err)
	}

	// Expire deletes ranges and writes counter marks.
	appendOne(t, ol, 0, "newest")
	if err := ol.Expire(c.now().UnixMilli()); err != nil {
		t.Fatal(err)
	}
	sameAsOwner("after Expire")
	if first, next := v.Bounds(0, 0); first != 22 || next != 23 {
		t.Fatalf("the view's bounds of shard 0 after Expire: %d, %d; want 22, 23", first, next)
	}

	// The view writes nothing.
	_, err = v.Append(t.Context(), []storage.Batch{{Shard: 0, Records: []storage.Record{{Data: []byte("x")}}}})
	if !errors.Is(err, ErrReadOnly) {
		t.Fatalf("the view's Append: %v, want ErrReadOnly", err)
	}
	if err := v.Expire(c.now().UnixMilli() + 1); !errors.Is(err, ErrReadOnly) {
		t.Fatalf("the view's Expire: %v, want ErrReadOnly", err)
	}
	if err := ro.Meta().Update(t.Context(), func(tx storage.MetaTx) error { return tx.Put("k", []byte("v")) }); !errors.Is(err, ErrReadOnly) {
		t.Fatalf("the read-only MetaStore's Update: %v, want ErrReadOnly", err)
	}
	if err := ro.Records().Remove(t.Context(), id); !errors.Is(err, ErrReadOnly) {
		t.Fatalf("the read-only Remove: %v, want ErrReadOnly", err)
	}
	if err := ro.Records().Describe(t.Context(), id, storage.Manifest{Key: "k", Value: []byte(`{}`)}); !errors.Is(err, ErrReadOnly) {
		t.Fatalf("the read-only Describe: %v, want ErrReadOnly", err)
	}
	if _, err := ro.Records().Disown(t.Context(), id, func(storage.Manifest) error { return nil }); !errors.Is(err, ErrReadOnly) {
		t.Fatalf("the read-only Disown: %v, want ErrReadOnly", err)
	}
	sameAsOwner("after the view's refused writes")
	if _, err := ro.Records().Open(t.Context(), "never-written"); err != nil {
		t.Fatal(err)
	}
	if n := e.rangeKeys(t, prefix, "never-written"); n != 0 {
		t.Fatalf("opening a view wrote %d range keys", n)
	}
	if ids, err := owner.Records().IDs(t.Context()); err != nil || !slices.Equal(ids, []string{id}) {
		t.Fatalf("the logs after a view opened one never written: %v, %v", ids, err)
	}

	// The owner removes the log: the view is left with no records.
	if err := owner.Records().Remove(t.Context(), id); err != nil {
		t.Fatal(err)
	}
	eventually(t, 10*time.Second, "the view still reads records of a removed log", func() bool {
		first, next := v.Bounds(0, 0)
		return first == next && len(readAll(t, v, 0)) == 0
	})
}

func sameRecord(a, b storage.StoredRecord) bool {
	return a.Seq == b.Seq && a.ArrivalMillis == b.ArrivalMillis && a.PartitionKey == b.PartitionKey && string(a.Data) == string(b.Data)
}
