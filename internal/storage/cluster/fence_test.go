package cluster

import (
	"errors"
	"testing"

	"sluice/internal/storage"
)

// testFencing: a second backend with a new fence takes over; the first's
// appends and updates then fail with ErrFenced, nothing they tried is
// visible, and counters go on from what was committed.
func testFencing(t *testing.T, e *env) {
	prefix := prefixOf(t.Name())
	const id = "fence-log"
	f1 := e.fence(t)
	b1 := open(t, e.options(prefix, f1))
	l1 := openTestLog(t, b1, id)
	for i := range 3 {
		if seq := appendOne(t, l1, 0, "before"); seq != uint64(i+1) {
			t.Fatalf("counter %d, want %d", seq, i+1)
		}
	}
	if err := b1.Meta().Update(t.Context(), func(tx storage.MetaTx) error { return tx.Put("k", []byte("b1")) }); err != nil {
		t.Fatal(err)
	}

	// The first owner's lease lapses (its key goes); another is elected.
	if _, err := e.etcd.Delete(t.Context(), f1.Key); err != nil {
		t.Fatal(err)
	}
	b2 := open(t, e.options(prefix, e.fence(t)))
	l2 := openTestLog(t, b2, id)
	if seq := appendOne(t, l2, 0, "b2"); seq != 4 {
		t.Fatalf("the new owner's first counter is %d, want 4", seq)
	}

	// The first owner still believes it owns the log.
	_, err := l1.Append(t.Context(), []storage.Batch{{Shard: 0, Records: []storage.Record{{PartitionKey: "k", Data: []byte("stale")}}}})
	if !errors.Is(err, ErrFenced) {
		t.Fatalf("stale owner's append: %v, want ErrFenced", err)
	}
	if _, err := l1.Append(t.Context(), []storage.Batch{{Shard: 1, Records: []storage.Record{{Data: []byte("stale")}}}}); !errors.Is(err, ErrFenced) {
		t.Fatalf("stale owner's second append: %v", err)
	}
	err = b1.Meta().Update(t.Context(), func(tx storage.MetaTx) error { return tx.Put("k", []byte("stale")) })
	if !errors.Is(err, ErrFenced) {
		t.Fatalf("stale owner's update: %v, want ErrFenced", err)
	}
	if err := l1.Expire(1 << 62); !errors.Is(err, ErrFenced) {
		t.Fatalf("stale owner's expire: %v, want ErrFenced", err)
	}
	if since, err := l1.Failure(); !errors.Is(err, ErrFenced) || since.IsZero() {
		t.Fatalf("stale owner's Failure: %v", err)
	}
	if !b1.Stats().Fenced || b1.Stats().FencedCommits == 0 {
		t.Fatalf("stale owner's stats: %+v", b1.Stats())
	}

	// Nothing of it is visible, to the new owner or to a fresh reader of
	// etcd, and the new owner's counters go on.
	if v, err := b2.Meta().Get(t.Context(), "k"); err != nil || string(v) != "b1" {
		t.Fatalf("meta after the stale update: %q, %v", v, err)
	}
	if seq := appendOne(t, l2, 0, "b2 again"); seq != 5 {
		t.Fatalf("the new owner's counter is %d, want 5", seq)
	}
	if err := b2.Close(); err != nil {
		t.Fatal(err)
	}
	b3 := open(t, e.options(prefix, e.fence(t)))
	l3 := openTestLog(t, b3, id)
	var got []string
	for _, r := range readAll(t, l3, 0) {
		got = append(got, string(r.Data))
	}
	if want := "[before before before b2 b2 again]"; fmtStrings(got) != want {
		t.Fatalf("records after the takeover: %s, want %s", fmtStrings(got), want)
	}
	if _, next := l3.Bounds(1, 0); next != 1 {
		t.Fatalf("shard 1 has records from the stale owner: next %d", next)
	}
}
