package cluster

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"sluice/internal/storage"
)

// testExpireObjects checks what Expire does to etcd and the store: the
// expired ranges and their objects go, the counter marks stay, and a
// reopened log goes on with its counters and last arrival even once
// everything expired.
func testExpireObjects(t *testing.T, e *env) {
	prefix := prefixOf(t.Name())
	const id = "expire-log"
	c := &testClock{t: time.UnixMilli(1_700_000_000_000)}
	o := e.options(prefix, e.fence(t))
	o.Now = c.now
	o.tuning.maintainEvery = 20 * time.Millisecond
	o.tuning.retireDelay = 20 * time.Millisecond
	b := open(t, o)
	l := openTestLog(t, b, id)
	for range 3 {
		appendOne(t, l, 0, "old")
	}
	c.advance(25 * time.Hour)
	appendOne(t, l, 0, "new")
	if err := l.Expire(c.now().Add(-24 * time.Hour).UnixMilli()); err != nil {
		t.Fatal(err)
	}
	if n := e.rangeKeys(t, prefix, id); n != 1 {
		t.Fatalf("%d range keys after Expire, want 1", n)
	}
	eventually(t, 5*time.Second, "expired objects were not deleted", func() bool { return len(e.objects(t, prefix, id)) == 1 })

	c.advance(25 * time.Hour)
	if err := l.Expire(c.now().Add(-24 * time.Hour).UnixMilli()); err != nil {
		t.Fatal(err)
	}
	last := l.LastArrival(0)
	eventually(t, 5*time.Second, "objects left after everything expired", func() bool { return len(e.objects(t, prefix, id)) == 0 })
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	b = open(t, o)
	l = openTestLog(t, b, id)
	if first, next := l.Bounds(0, 0); first != 5 || next != 5 || l.LastArrival(0) != last {
		t.Fatalf("after reopen: bounds %d %d, last arrival %d (want 5 5 %d)", first, next, l.LastArrival(0), last)
	}
	if seq := appendOne(t, l, 0, "later"); seq != 5 {
		t.Fatalf("counter after expiring everything and reopening: %d", seq)
	}
}

// testRemoveAndAdopt checks that Remove leaves nothing of a log in etcd or
// the store, and that a quarantined log whose restore key an operator put
// is handed to adopt with its manifest and becomes live again.
func testRemoveAndAdopt(t *testing.T, e *env) {
	prefix := prefixOf(t.Name())
	k := newKeys(prefix)
	b := open(t, e.options(prefix, e.fence(t)))
	recs := b.Records()
	const id = "removed-log"
	l := openTestLog(t, b, id)
	appendOne(t, l, 0, "x")
	appendOne(t, l, 3, "y")
	if err := recs.Remove(t.Context(), id); err != nil {
		t.Fatal(err)
	}
	if keys := e.objects(t, prefix, id); len(keys) != 0 {
		t.Fatalf("objects left by Remove: %v", keys)
	}
	for _, p := range []string{k.log(id), k.id(id), k.goneID(id)} {
		if resp, err := e.etcd.Get(t.Context(), p, clientv3.WithPrefix(), clientv3.WithCountOnly()); err != nil || resp.Count != 0 {
			t.Fatalf("keys under %s after Remove: %v, %v", p, resp.Count, err)
		}
	}
	if _, err := l.Append(t.Context(), []storage.Batch{{Shard: 0, Records: []storage.Record{{Data: []byte("z")}}}}); err == nil {
		t.Fatal("append to a removed log succeeded")
	}

	const q = "quarantined-log"
	m := storage.Manifest{Key: "streams/a/b/c", Value: json.RawMessage(`{"id":"q"}`)}
	if err := recs.Describe(t.Context(), q, m); err != nil {
		t.Fatal(err)
	}
	rev := e.modRevision(t, k.manifest(q))
	if err := recs.Describe(t.Context(), q, m); err != nil || e.modRevision(t, k.manifest(q)) != rev {
		t.Fatalf("Describe with the same manifest wrote it again (%v)", err)
	}
	refuse := func(storage.Manifest) error { t.Fatal("adopt called without a restore key"); return nil }
	if d, err := recs.Disown(t.Context(), q, refuse); err != nil || d != storage.Quarantined {
		t.Fatalf("Disown: %v, %v", d, err)
	}
	if _, err := e.etcd.Put(t.Context(), k.restore(q), "restore"); err != nil {
		t.Fatal(err)
	}
	var adopted storage.Manifest
	d, err := recs.Disown(t.Context(), q, func(m storage.Manifest) error { adopted = m; return nil })
	if err != nil || d != storage.Adopted || adopted.Key != m.Key || string(adopted.Value) != string(m.Value) {
		t.Fatalf("Disown with a restore key: %v, %v, adopted %+v", d, err, adopted)
	}
	if ids, err := recs.IDs(t.Context()); err != nil || !slices.Contains(ids, q) {
		t.Fatalf("IDs after adoption: %v, %v", ids, err)
	}
	if h := recs.Health(); len(h.Quarantined) != 0 {
		t.Fatalf("still quarantined: %v", h.Quarantined)
	}
}

func (e *env) modRevision(t testing.TB, key string) int64 {
	t.Helper()
	resp, err := e.etcd.Get(t.Context(), key)
	if err != nil || len(resp.Kvs) == 0 {
		t.Fatalf("get %s: %v", key, err)
	}
	return resp.Kvs[0].ModRevision
}
