package cluster

import (
	"context"
	"testing"
	"time"

	"sluice/internal/storage"
)

// testWatchMeta: a node follows another's metadata changes under a
// prefix, and is told to reread everything when etcd came back after an
// outage (changes in between may be missed).
func testWatchMeta(t *testing.T, e *env) {
	te, o := e.ownEtcd(t)
	o.tuning.opTimeout = 2 * time.Second
	owner := open(t, o)
	follower, err := OpenReadOnly(t.Context(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { follower.Close() })

	keys := make(chan string, 100)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() {
		defer close(done)
		follower.WatchMeta(ctx, "streams/", func(key string) { keys <- key })
	}()
	t.Cleanup(func() { cancel(); <-done })
	next := func(what string) string {
		t.Helper()
		select {
		case k := <-keys:
			return k
		case <-time.After(20 * time.Second):
			t.Fatalf("no call for %s", what)
			return ""
		}
	}
	if k := next("the start"); k != "" {
		t.Fatalf("first call: %q, want the reread (\"\")", k)
	}
	put := func(key, value string) {
		t.Helper()
		if err := owner.Meta().Update(t.Context(), func(tx storage.MetaTx) error { return tx.Put(key, []byte(value)) }); err != nil {
			t.Fatal(err)
		}
	}
	put("streams/a/r/one", "1")
	put("accounts/a/r", "x") // not under the prefix
	put("streams/a/r/two", "2")
	if err := owner.Meta().Update(t.Context(), func(tx storage.MetaTx) error { return tx.Delete("streams/a/r/one") }); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"streams/a/r/one", "streams/a/r/two", "streams/a/r/one"} {
		if k := next(want); k != want {
			t.Fatalf("call %q, want %q", k, want)
		}
	}

	// etcd's client resumes a watch after an outage from where it was
	// (or the watch starts over, with a reread): changes after it come.
	te.stop()
	te.start(t)
	eventually(t, 20*time.Second, "the owner could not write after etcd came back", func() bool {
		return owner.Meta().Update(t.Context(), func(tx storage.MetaTx) error { return tx.Put("streams/a/r/three", []byte("3")) }) == nil
	})
	k := next("a change after the outage")
	for k == "" {
		k = next("a change after the reread")
	}
	if k != "streams/a/r/three" {
		t.Fatalf("after the outage: %q", k)
	}
}
