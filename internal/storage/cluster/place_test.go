package cluster

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"sluice/internal/storage"
)

// testPlacement: two nodes each own logs of their own (Place) and commit
// at once; when one node's placement of a log lapses, its writes to that
// log fail with ErrLogMoved while its other logs go on, and the node that
// takes the log over continues its counters; a log released with appends
// queued is flushed first, so the next owner finds them. Writes of a
// placed log's metadata (the key its manifest names) carry its fence too.
func testPlacement(t *testing.T, e *env) {
	prefix := prefixOf(t.Name())
	oa, ob := e.options(prefix, e.fence(t)), e.options(prefix, e.fence(t))
	oa.FlushInterval = time.Millisecond
	ob.FlushInterval = 50 * time.Millisecond
	a, b := open(t, oa), open(t, ob)
	place := func(be *Backend, id string) Fence {
		t.Helper()
		f := e.fence(t)
		if err := be.Place(id, f); err != nil {
			t.Fatal(err)
		}
		return f
	}
	fx := place(a, "x")
	place(b, "y")
	place(a, "w")
	lx, ly, lw := openTestLog(t, a, "x"), openTestLog(t, b, "y"), openTestLog(t, a, "w")
	if err := a.Place("x", e.fence(t)); err == nil {
		t.Fatal("Place of an open log succeeded")
	}
	// x's metadata is the key its manifest names: writes of it carry x's
	// fence too.
	if err := a.Records().Describe(t.Context(), "x", storage.Manifest{Key: "streams/x", Value: []byte(`{"n":1}`)}); err != nil {
		t.Fatal(err)
	}
	putMeta := func(be *Backend, key string) error {
		return be.Meta().Update(t.Context(), func(tx storage.MetaTx) error { return tx.Put(key, []byte("v")) })
	}
	if err := putMeta(a, "streams/x"); err != nil {
		t.Fatal(err)
	}

	// Both nodes commit at once, each to its own log.
	const n = 30
	var wg sync.WaitGroup
	for _, l := range []storage.Log{lx, ly} {
		wg.Go(func() {
			for i := range n {
				if _, err := l.Append(t.Context(), []storage.Batch{{Shard: 0, Records: []storage.Record{{PartitionKey: "k", Data: fmt.Appendf(nil, "%d", i)}}}}); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}

	// Node a's placement of x lapses (its key is gone): its writes to x
	// fail; its other logs, and its metadata, go on.
	if _, err := e.etcd.Delete(t.Context(), fx.Key); err != nil {
		t.Fatal(err)
	}
	_, err := lx.Append(t.Context(), []storage.Batch{{Shard: 0, Records: []storage.Record{{Data: []byte("stale")}}}})
	if !errors.Is(err, ErrLogMoved) || errors.Is(err, ErrFenced) {
		t.Fatalf("append to a log whose placement lapsed: %v, want ErrLogMoved", err)
	}
	if err := lx.Expire(time.Now().UnixMilli()); !errors.Is(err, ErrLogMoved) {
		t.Fatalf("Expire of a log whose placement lapsed: %v, want ErrLogMoved", err)
	}
	if err := a.Records().Remove(t.Context(), "x"); !errors.Is(err, ErrLogMoved) {
		t.Fatalf("Remove of a log whose placement lapsed: %v, want ErrLogMoved", err)
	}
	if err := a.Records().Describe(t.Context(), "x", storage.Manifest{Key: "k", Value: []byte(`{}`)}); !errors.Is(err, ErrLogMoved) {
		t.Fatalf("Describe of a log whose placement lapsed: %v, want ErrLogMoved", err)
	}
	if _, err := lx.Failure(); !errors.Is(err, ErrLogMoved) {
		t.Fatalf("Failure of a log whose placement lapsed: %v", err)
	}
	if h := a.Records().Health(); len(h.Failing) != 0 {
		t.Fatalf("a log that moved makes the node report failing logs: %+v", h.Failing)
	}
	if seq := appendOne(t, lw, 0, "w"); seq != 1 {
		t.Fatalf("node a's other placed log: counter %d, want 1", seq)
	}
	if seq := appendOne(t, openTestLog(t, a, "z"), 0, "z"); seq != 1 {
		t.Fatalf("node a's unplaced log: counter %d, want 1", seq)
	}
	if err := putMeta(a, "streams/x"); !errors.Is(err, ErrLogMoved) {
		t.Fatalf("update of the metadata of a log whose placement lapsed: %v, want ErrLogMoved", err)
	}
	if err := putMeta(a, "streams/w"); err != nil {
		t.Fatalf("node a's other metadata after one log moved: %v", err)
	}
	if a.Stats().Fenced {
		t.Fatal("node a counts itself fenced after one log moved")
	}
	// A unit without a log (an application): its metadata key and the
	// keys under its prefix carry its fence once FenceMeta names them.
	if err := a.FenceMeta("app", "apps/one"); err == nil {
		t.Fatal("FenceMeta of a unit not placed succeeded")
	}
	fapp := place(a, "app")
	if err := a.FenceMeta("app", "apps/one", "checkpoints/one/"); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"apps/one", "checkpoints/one/state", "apps/one2"} {
		if err := putMeta(a, k); err != nil {
			t.Fatalf("update of %s while its unit is placed: %v", k, err)
		}
	}
	if _, err := e.etcd.Delete(t.Context(), fapp.Key); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"apps/one", "checkpoints/one/state", "checkpoints/one/input/1/x"} {
		if err := putMeta(a, k); !errors.Is(err, ErrLogMoved) {
			t.Fatalf("update of %s after its unit's placement lapsed: %v, want ErrLogMoved", k, err)
		}
	}
	for _, k := range []string{"apps/one2", "checkpoints/two/state"} {
		if err := putMeta(a, k); err != nil {
			t.Fatalf("update of %s, another unit's, after one's placement lapsed: %v", k, err)
		}
	}
	a.Release("app")
	if err := putMeta(a, "checkpoints/one/state"); err != nil {
		t.Fatalf("update of a released unit's metadata (its next owner's to fence): %v", err)
	}

	a.Release("x") // what node a does once it learns that x moved

	// Node b takes x over: counters go on from a's last commit.
	place(b, "x")
	lx2 := openTestLog(t, b, "x")
	if err := b.Records().Describe(t.Context(), "x", storage.Manifest{Key: "streams/x", Value: []byte(`{"n":1}`)}); err != nil {
		t.Fatal(err)
	}
	if err := putMeta(b, "streams/x"); err != nil {
		t.Fatalf("the new owner's update of x's metadata: %v", err)
	}
	if seq := appendOne(t, lx2, 0, "b"); seq != n+1 {
		t.Fatalf("the new owner's first counter: %d, want %d", seq, n+1)
	}
	if recs := readAll(t, lx2, 0); len(recs) != n+1 || string(recs[n-1].Data) != fmt.Sprint(n-1) || string(recs[n].Data) != "b" {
		t.Fatalf("x after the handover: %d records", len(recs))
	}

	// b hands x back, with an append still queued: Release flushes it.
	queued := make(chan error, 1)
	go func() {
		_, err := lx2.Append(t.Context(), []storage.Batch{{Shard: 0, Records: []storage.Record{{Data: []byte("queued")}}}})
		queued <- err
	}()
	eventually(t, 5*time.Second, "the append was not queued", func() bool {
		n, _, _, _ := lx2.q.peek()
		return n > 0
	})
	b.Release("x")
	if err := <-queued; err != nil {
		t.Fatalf("an append queued at Release: %v", err)
	}
	place(a, "x")
	lx3 := openTestLog(t, a, "x")
	if recs := readAll(t, lx3, 0); len(recs) != n+2 || string(recs[n+1].Data) != "queued" {
		t.Fatalf("x after it was released: %d records", len(recs))
	}
	if seq := appendOne(t, lx3, 0, "a again"); seq != n+3 {
		t.Fatalf("counter after the release: %d, want %d", seq, n+3)
	}
	if _, err := lx2.Append(t.Context(), []storage.Batch{{Shard: 0, Records: []storage.Record{{Data: []byte("late")}}}}); err == nil {
		t.Fatal("an append to a released log succeeded")
	}

	// A node that takes a log over fences its metadata from the first
	// update, before it describes the log itself (it reads the manifest).
	fm := place(a, "m")
	openTestLog(t, a, "m")
	if err := a.Records().Describe(t.Context(), "m", storage.Manifest{Key: "streams/m", Value: []byte(`{}`)}); err != nil {
		t.Fatal(err)
	}
	a.Release("m")
	if _, err := e.etcd.Delete(t.Context(), fm.Key); err != nil {
		t.Fatal(err)
	}
	fm2 := place(b, "m")
	openTestLog(t, b, "m")
	if _, err := e.etcd.Delete(t.Context(), fm2.Key); err != nil {
		t.Fatal(err)
	}
	if err := putMeta(b, "streams/m"); !errors.Is(err, ErrLogMoved) {
		t.Fatalf("update of a taken-over log's metadata after its placement lapsed: %v, want ErrLogMoved", err)
	}

	// A removed log's fence goes with it: a new stream of the same name
	// (another log, not placed) writes that metadata key freely.
	fx3 := e.fence(t) // stands for the placement key the coordinator deletes with the stream
	a.Release("x")
	if err := a.Place("x", fx3); err != nil {
		t.Fatal(err)
	}
	openTestLog(t, a, "x")
	if err := a.Records().Remove(t.Context(), "x"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.etcd.Delete(t.Context(), fx3.Key); err != nil {
		t.Fatal(err)
	}
	if err := putMeta(a, "streams/x"); err != nil {
		t.Fatalf("update of the metadata key of a removed placed log: %v", err)
	}
}
