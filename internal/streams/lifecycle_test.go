package streams

import (
	"context"
	"testing"
	"time"

	"sluice/internal/storage/embedded"
)

// An activation timer that fires after DeleteStream replaced it (it was
// already waiting for the lock when it was stopped) must neither activate
// the DELETING stream nor delete it before its delete delay.
func TestSupersededTransitionTimerDoesNothing(t *testing.T) {
	ctx := context.Background()
	backend, err := embedded.Open(embedded.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := New(ctx, Config{CreateDelay: time.Hour, DeleteDelay: time.Hour}, backend)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close(); backend.Close() })
	c := Caller{Account: "000000000000", Region: "us-east-1"}
	one := int64(1)
	if err := svc.CreateStream(ctx, c, CreateParams{Name: "s", ShardCount: &one}); err != nil {
		t.Fatal(err)
	}
	creating := svc.lookup(c, "s").snapshot()
	if err := svc.DeleteStream(ctx, c, StreamRef{Name: "s"}, false); err != nil {
		t.Fatal(err)
	}
	key := streamKey{c.Account, c.Region, "s"}
	svc.finishTransition(key, creating.ID, creating.StatusUntil)

	ls := svc.lookup(c, "s")
	if ls == nil {
		t.Fatal("the stale activation deleted the stream before its delete delay")
	}
	st := ls.snapshot()
	if st.Status != StatusDeleting {
		t.Fatalf("after the stale activation: %s", st.Status)
	}
	// The DELETING transition's own timer still completes the delete.
	svc.finishTransition(key, st.ID, st.StatusUntil)
	if svc.lookup(c, "s") != nil {
		t.Fatal("the delete did not complete")
	}
}
