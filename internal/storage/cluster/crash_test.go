package cluster

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"sluice/internal/objectstore"
	"sluice/internal/storage"
)

// testCrash stops a backend as a crash would, with an append queued: the
// append fails, what was committed survives a reopen, counters go on from
// it, and the sweep deletes old orphaned objects but leaves young ones.
func testCrash(t *testing.T, e *env) {
	prefix := prefixOf(t.Name())
	const id = "crash-log"
	o := e.options(prefix, e.fence(t))
	o.FlushInterval = time.Hour // only FlushBytes starts a flush
	o.FlushBytes = 100
	b, err := Open(t.Context(), o)
	if err != nil {
		t.Fatal(err)
	}
	l := openTestLog(t, b, id)
	if seq := appendOne(t, l, 0, strings.Repeat("x", 100)); seq != 1 {
		t.Fatalf("counter %d", seq)
	}
	queued := make(chan error, 1)
	go func() {
		_, err := l.Append(t.Context(), []storage.Batch{{Shard: 0, Records: []storage.Record{{Data: []byte("queued")}}}})
		queued <- err
	}()
	eventually(t, 5*time.Second, "the append was not queued", func() bool { n, _, _, _ := l.q.peek(); return n == 1 })
	b.crash()
	if err := <-queued; !errors.Is(err, errClosed) {
		t.Fatalf("the queued append at the crash: %v", err)
	}

	// Orphans: an old one (a crash between put and commit long ago) and a
	// young one (maybe another owner's flush in flight).
	objects := newKeys(prefix).objects(id)
	old := objects + objectName(99, time.Now().Add(-time.Hour))
	young := objects + objectName(100, time.Now())
	for _, k := range []string{old, young} {
		if err := e.s3.Put(t.Context(), objectstore.Object{Bucket: e.bucket, Key: k, Body: []byte("orphan")}); err != nil {
			t.Fatal(err)
		}
	}

	o.FlushInterval = 0
	o.tuning.maintainEvery = 20 * time.Millisecond
	o.tuning.sweepDelay = 20 * time.Millisecond
	o.tuning.sweepAge = time.Minute
	b = open(t, o)
	l = openTestLog(t, b, id)
	if recs := readAll(t, l, 0); len(recs) != 1 || recs[0].Seq != 1 {
		t.Fatalf("records after the crash: %+v", recs)
	}
	if seq := appendOne(t, l, 0, "after"); seq != 2 {
		t.Fatalf("counter after the crash: %d, want 2", seq)
	}
	eventually(t, 5*time.Second, "the old orphan was not swept", func() bool {
		return !slices.Contains(e.objects(t, prefix, id), old)
	})
	if keys := e.objects(t, prefix, id); !slices.Contains(keys, young) || len(keys) != 3 {
		t.Fatalf("objects after the sweep: %v", keys)
	}
}

// testStaleIndex opens one log in two backends with the same fence (a
// misconfiguration, or a commit whose answer was lost): the one whose
// index is behind fails its flush instead of overwriting a range, rereads
// its index, and then appends after the other's records.
func testStaleIndex(t *testing.T, e *env) {
	prefix := prefixOf(t.Name())
	const id = "stale-log"
	o := e.options(prefix, e.fence(t))
	o.tuning.maintainEvery = 20 * time.Millisecond
	o.tuning.retireDelay = time.Millisecond
	b1, b2 := open(t, o), open(t, o)
	l1, l2 := openTestLog(t, b1, id), openTestLog(t, b2, id)
	if seq := appendOne(t, l1, 0, "one"); seq != 1 {
		t.Fatalf("counter %d", seq)
	}
	_, err := l2.Append(t.Context(), []storage.Batch{{Shard: 0, Records: []storage.Record{{Data: []byte("lost")}}}})
	if !errors.Is(err, storage.ErrWriteFailed) || !strings.Contains(err.Error(), "exist in etcd already") {
		t.Fatalf("append with a stale index: %v", err)
	}
	if seq := appendOne(t, l2, 0, "two"); seq != 2 {
		t.Fatalf("counter after rereading the index: %d, want 2", seq)
	}
	eventually(t, 5*time.Second, "the failed flush's object was not deleted", func() bool {
		return len(e.objects(t, prefix, id)) == 2
	})
	b1.Close()
	b2.Close()
	l := openTestLog(t, open(t, o), id)
	if recs := readAll(t, l, 0); len(recs) != 2 || string(recs[0].Data) != "one" || string(recs[1].Data) != "two" {
		t.Fatalf("records: %+v", recs)
	}
}
