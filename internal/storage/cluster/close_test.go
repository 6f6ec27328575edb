package cluster

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"sluice/internal/storage"
)

// testSlowClose closes a backend whose object store hangs, with a flush
// in flight and an append queued in each of three logs: Close returns
// within its bound (the logs close at once, not one after the other, and
// none waits for its flushes' timeouts), and every append fails with
// ErrWriteFailed; the queued ones are told that nothing was stored.
func testSlowClose(t *testing.T, e *env) {
	prefix := prefixOf(t.Name())
	h := &hookedObjects{Objects: e.s3}
	o := e.options(prefix, e.fence(t))
	o.Objects = h
	o.tuning.opTimeout = 5 * time.Second
	o.tuning.closeTimeout = 500 * time.Millisecond
	b, err := Open(t.Context(), o)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	puts := make(chan string, 10)
	h.onPut(func(ctx context.Context, key string) error {
		puts <- key
		<-ctx.Done() // a store that does not answer
		return ctx.Err()
	})
	const logs = 3
	inFlight, queued := make(chan error, logs), make(chan error, logs)
	for i := range logs {
		l := openTestLog(t, b, fmt.Sprint("slow-close-", i))
		batch := []storage.Batch{{Shard: 0, Records: []storage.Record{{Data: []byte("x")}}}}
		go func() { _, err := l.Append(context.Background(), batch); inFlight <- err }()
		<-puts // its flush is in flight
		go func() { _, err := l.Append(context.Background(), batch); queued <- err }()
		eventually(t, 5*time.Second, "the second append was not queued", func() bool { n, _, _, _ := l.q.peek(); return n == 1 })
	}
	start := time.Now()
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > o.tuning.closeTimeout+time.Second {
		t.Fatalf("Close took %v with the store hanging; its bound is %v", d, o.tuning.closeTimeout)
	}
	for range logs {
		if err := <-inFlight; !errors.Is(err, storage.ErrWriteFailed) {
			t.Fatalf("the append in flight at the close: %v, want ErrWriteFailed", err)
		}
		err := <-queued
		if !errors.Is(err, storage.ErrWriteFailed) {
			t.Fatalf("the append queued at the close: %v, want ErrWriteFailed", err)
		}
		if msg, _ := storage.ClientMessage(err); !strings.Contains(msg, "did not answer before the log closed") || !strings.Contains(msg, "Nothing of it was stored") {
			t.Fatalf("client message of the queued append: %q", msg)
		}
	}
	if _, err := b.Records().Open(t.Context(), "after-close"); err == nil {
		t.Fatal("Open after Close succeeded")
	}
}
