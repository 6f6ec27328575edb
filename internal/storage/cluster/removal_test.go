package cluster

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
)

// testStuckRemoval: while Remove deletes a log's objects, Health and the
// Opens of other logs go on; an object the store refuses to delete does
// not fail Remove, nor keep a node from opening the backend (the removal
// is finished in the background, retried until the store deletes it),
// and the log is not opened again meanwhile.
func testStuckRemoval(t *testing.T, e *env) {
	prefix := prefixOf(t.Name())
	k := newKeys(prefix)
	h := &hookedObjects{Objects: e.s3}
	o := e.options(prefix, e.fence(t))
	o.Objects = h
	o.tuning.removeRetry = 20 * time.Millisecond
	b := open(t, o)
	const slow, stuck = "slow-removal", "stuck-removal"
	for _, id := range []string{slow, stuck} {
		l := openTestLog(t, b, id)
		appendOne(t, l, 0, "x")
		appendOne(t, l, 1, "y")
	}

	// A slow store: Remove waits for it, nothing else does.
	release := make(chan struct{})
	unblock := sync.OnceFunc(func() { close(release) })
	defer unblock()
	h.onDelete(func(ctx context.Context, key string) error {
		if strings.Contains(key, "/"+slow+"/") {
			select {
			case <-release:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		return nil
	})
	removed := make(chan error, 1)
	go func() { removed <- b.Records().Remove(context.Background(), slow) }()
	eventually(t, 5*time.Second, "Remove did not start deleting objects", func() bool {
		b.recs.mu.Lock()
		defer b.recs.mu.Unlock()
		return b.recs.removing[slow] > 0
	})
	within(t, 5*time.Second, "Health while a removal deletes objects", func() { b.Records().Health() })
	within(t, 5*time.Second, "Open of another log while a removal deletes objects", func() {
		if _, err := b.Records().Open(t.Context(), "other-log"); err != nil {
			t.Error(err)
		}
	})
	if _, err := b.Records().Open(t.Context(), slow); !errors.Is(err, errRemoving) {
		t.Fatalf("Open of a log whose objects are being deleted: %v, want errRemoving", err)
	}
	unblock()
	if err := <-removed; err != nil {
		t.Fatal(err)
	}
	if keys := e.objects(t, prefix, slow); len(keys) != 0 {
		t.Fatalf("objects left by Remove: %v", keys)
	}

	// A store that refuses to delete an object: Remove returns, the
	// removal goes on in the background, and survives a crash.
	refuse := func(_ context.Context, key string) error {
		if strings.Contains(key, "/"+stuck+"/") {
			return errors.New("access denied")
		}
		return nil
	}
	h.onDelete(refuse)
	if err := b.Records().Remove(t.Context(), stuck); err != nil {
		t.Fatalf("Remove with an object the store refuses to delete: %v", err)
	}
	if _, err := b.Records().Open(t.Context(), stuck); !errors.Is(err, errRemoving) {
		t.Fatalf("Open of a log whose objects are being deleted: %v, want errRemoving", err)
	}
	b.crash()
	b, err := Open(t.Context(), o)
	if err != nil {
		t.Fatalf("Open of the backend with a removal that cannot finish: %v", err)
	}
	t.Cleanup(func() { b.Close() })
	openTestLog(t, b, "other-log")
	gone := func() bool {
		resp, err := e.etcd.Get(t.Context(), k.goneID(stuck), clientv3.WithCountOnly())
		return err == nil && resp.Count == 0 && len(e.objects(t, prefix, stuck)) == 0
	}
	time.Sleep(100 * time.Millisecond) // a few attempts
	if gone() || len(e.objects(t, prefix, stuck)) != 2 {
		t.Fatalf("the removal finished although the store refused: %v", e.objects(t, prefix, stuck))
	}
	h.onDelete(nil)
	eventually(t, 5*time.Second, "the removal did not finish once the store deleted objects again", gone)
	if _, err := b.Records().Open(t.Context(), stuck); err != nil {
		t.Fatalf("Open after the removal finished: %v", err)
	}
}

// within fails the test if f does not return within d.
func within(t *testing.T, d time.Duration, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("%s did not return within %v", what, d)
	}
}
