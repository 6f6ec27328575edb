package streams

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"testing"
	"time"

	"sluice/internal/storage"
	"sluice/internal/storage/embedded"
)

// placementNodes are two Services over one store, as two nodes of a
// cluster over its etcd and bucket: a owns every stream at start, b none.
func placementNodes(t *testing.T, bCfg Config) (a, b *Service) {
	t.Helper()
	ctx := context.Background()
	backend, err := embedded.Open(embedded.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { backend.Close() })
	if a, err = New(ctx, Config{}, backend); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	one := int64(2)
	for _, name := range []string{"s1", "s2"} {
		if err := a.CreateStream(ctx, testCaller, CreateParams{Name: name, ShardCount: &one}); err != nil {
			t.Fatal(err)
		}
	}
	bCfg.Owns = func(string) bool { return false }
	if b, err = New(ctx, bCfg, backend); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return a, b
}

var testCaller = Caller{Account: "000000000000", Region: "us-east-1"}

func putOne(svc *Service, stream, data string) (PutResult, error) {
	_, res, err := svc.PutRecord(context.Background(), testCaller, StreamRef{Name: stream},
		PutEntry{PartitionKey: "k", Data: []byte(data)}, "", false)
	return res, err
}

// readStream reads every record of the stream's shards through svc.
func readRecords(t *testing.T, svc *Service, stream string) []string {
	t.Helper()
	ctx := context.Background()
	st, err := svc.DescribeStream(ctx, testCaller, StreamRef{Name: stream}, "DescribeStream")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, sh := range st.Shards {
		it, err := svc.GetShardIterator(ctx, testCaller, StreamRef{Name: stream}, IteratorParams{ShardID: sh.ID(), Type: "TRIM_HORIZON"})
		if err != nil {
			t.Fatal(err)
		}
		page, err := svc.GetRecords(ctx, testCaller, it, "", 10000, false)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range page.Records {
			out = append(out, string(r.Data))
		}
	}
	return out
}

// seqLess compares two decimal sequence numbers.
func seqLess(a, b string) bool {
	x, _ := new(big.Int).SetString(a, 10)
	y, _ := new(big.Int).SetString(b, 10)
	return x.Cmp(y) < 0
}

func wantElsewhere(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, storage.ErrMoved) {
		t.Fatalf("%s on a stream another node owns: %v, want storage.ErrMoved", what, err)
	}
	if m, ok := storage.MovedUnit(err); !ok || m.Kind != storage.KindStream || m.ID == "" || m.Name == "" {
		t.Fatalf("%s: %v does not name the stream for the router", what, err)
	}
	if msg, ok := storage.ClientMessage(err); !ok || msg == "" {
		t.Fatalf("%s: no client message for %v", what, err)
	}
}

// A stream another node owns is described from the metadata followed,
// and every other operation on it fails as moved, changing nothing.
func TestRemoteStreamRefusesAllButDescriptions(t *testing.T) {
	ctx := context.Background()
	a, b := placementNodes(t, Config{})
	if _, err := putOne(a, "s1", "a1"); err != nil {
		t.Fatal(err)
	}
	page, err := b.ListStreams(ctx, testCaller, ListStreamsParams{})
	if err != nil || len(page.Streams) != 2 {
		t.Fatalf("ListStreams on the follower: %v, %v", page.Streams, err)
	}
	st, err := b.DescribeStream(ctx, testCaller, StreamRef{Name: "s1"}, "DescribeStreamSummary")
	if err != nil || len(st.Shards) != 2 {
		t.Fatalf("DescribeStreamSummary of a remote stream: %+v, %v", st, err)
	}
	if _, err := b.ListShards(ctx, testCaller, ListShardsParams{Ref: StreamRef{Name: "s1"}}); err != nil {
		t.Fatalf("ListShards of a remote stream: %v", err)
	}

	_, err = putOne(b, "s1", "lost")
	wantElsewhere(t, "PutRecord", err)
	_, _, err = b.PutRecords(ctx, testCaller, StreamRef{Name: "s1"}, []PutEntry{{PartitionKey: "k", Data: []byte("lost")}}, false)
	wantElsewhere(t, "PutRecords", err)
	_, err = b.GetShardIterator(ctx, testCaller, StreamRef{Name: "s1"}, IteratorParams{ShardID: ShardID(0), Type: "LATEST"})
	wantElsewhere(t, "GetShardIterator", err)
	wantElsewhere(t, "AddTagsToStream", b.AddTags(ctx, testCaller, StreamRef{Name: "s1"}, "AddTagsToStream", map[string]string{"k": "v"}))
	wantElsewhere(t, "DeleteStream", b.DeleteStream(ctx, testCaller, StreamRef{Name: "s1"}, false))
	_, err = b.UpdateShardCount(ctx, testCaller, StreamRef{Name: "s1"}, 4)
	wantElsewhere(t, "UpdateShardCount", err)
	_, err = b.RegisterConsumer(ctx, testCaller, st.ARN(), "c", nil)
	wantElsewhere(t, "RegisterStreamConsumer", err)
	_, err = b.ReadShard(testCaller, StreamRef{Name: "s1"}, st.ID, 0, 1, 100, 1<<20)
	wantElsewhere(t, "an internal read", err)
	// An iterator the owner gave is refused by the follower, not served
	// from a log it does not own.
	it, err := a.GetShardIterator(ctx, testCaller, StreamRef{Name: "s1"}, IteratorParams{ShardID: ShardID(0), Type: "TRIM_HORIZON"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = b.GetRecords(ctx, testCaller, it, "", 10, false)
	wantElsewhere(t, "GetRecords", err)
	if err := b.CreateStream(ctx, testCaller, CreateParams{Name: "s1"}); KindOf(err) != KindInUse {
		t.Fatalf("CreateStream of a name another node serves: %v, want ResourceInUse", err)
	}

	// Nothing changed: the owner sees one record and no tag, the stream
	// ACTIVE with its 2 shards.
	if got := readRecords(t, a, "s1"); len(got) != 1 || got[0] != "a1" {
		t.Fatalf("records after the refused operations: %v", got)
	}
	tags, _, err := a.ListTags(ctx, testCaller, StreamRef{Name: "s1"}, "ListTagsForStream", "", 50)
	if err != nil || len(tags) != 0 {
		t.Fatalf("tags after the refused operations: %v, %v", tags, err)
	}
	if st := a.lookup(testCaller, "s1").snapshot(); st.Status != StatusActive || len(st.OpenShards()) != 2 {
		t.Fatalf("stream after the refused operations: %s, %d open shards", st.Status, len(st.OpenShards()))
	}
}

// A stream moves from one node to the other: the old owner's
// subscriptions end, it refuses writes, and the new owner goes on with the
// same records and counters.
func TestStreamMovesBetweenNodes(t *testing.T) {
	ctx := context.Background()
	a, b := placementNodes(t, Config{})
	first, err := putOne(a, "s1", "before")
	if err != nil {
		t.Fatal(err)
	}
	st := a.lookup(testCaller, "s1").snapshot()
	cons, err := a.RegisterConsumer(ctx, testCaller, st.ARN(), "c", nil)
	if err != nil {
		t.Fatal(err)
	}
	sub, err := a.Subscribe(ctx, testCaller, cons.ARN, ShardID(0), StartingPosition{Type: "LATEST"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sub.Next(ctx); err != nil { // the first, empty event
		t.Fatal(err)
	}
	ended := make(chan error, 1)
	go func() {
		for {
			if _, err := sub.Next(ctx); err != nil {
				ended <- err
				return
			}
		}
	}()

	a.DropStream(st.ID)
	select {
	case err := <-ended:
		if !errors.Is(err, ErrSubscriptionEnded) {
			t.Fatalf("subscription on a dropped stream: %v, want ErrSubscriptionEnded", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the subscription did not end when its stream was dropped")
	}
	_, err = putOne(a, "s1", "lost")
	wantElsewhere(t, "PutRecord after the drop", err)

	if err := b.LoadStream(ctx, st.ID); err != nil {
		t.Fatal(err)
	}
	second, err := putOne(b, "s1", "after")
	if err != nil {
		t.Fatalf("PutRecord at the new owner: %v", err)
	}
	if second.ShardID == first.ShardID && seqLess(second.SeqNum, first.SeqNum) {
		t.Fatalf("sequence number at the new owner %s, not after %s", second.SeqNum, first.SeqNum)
	}
	if got := readRecords(t, b, "s1"); len(got) != 2 || got[0] != "before" || got[1] != "after" {
		t.Fatalf("records at the new owner: %v", got)
	}
	if _, err := b.Subscribe(ctx, testCaller, cons.ARN, ShardID(0), StartingPosition{Type: "TRIM_HORIZON"}); err != nil {
		t.Fatalf("subscribing at the new owner: %v", err)
	}
	// The other stream stays where it was.
	if _, err := putOne(a, "s2", "x"); err != nil {
		t.Fatalf("PutRecord to the stream that did not move: %v", err)
	}
	_, err = putOne(b, "s2", "x")
	wantElsewhere(t, "PutRecord to the other's stream", err)
}

// The new owner of a stream dropped in the middle of a reshard finishes it.
func TestLoadStreamResumesTransition(t *testing.T) {
	ctx := context.Background()
	a, b := placementNodes(t, Config{UpdateDelay: 50 * time.Millisecond})
	a.cfg.UpdateDelay = time.Hour // a's own timer would not fire during the test
	if _, err := a.UpdateShardCount(ctx, testCaller, StreamRef{Name: "s1"}, 4); err != nil {
		t.Fatal(err)
	}
	st := a.lookup(testCaller, "s1").snapshot()
	if st.Status != StatusUpdating {
		t.Fatalf("status after UpdateShardCount: %s", st.Status)
	}
	a.DropStream(st.ID)
	if err := b.LoadStream(ctx, st.ID); err != nil {
		t.Fatal(err)
	}
	// The transition ends at its StatusUntil (an hour from now, a's
	// setting): b's timer for it is what must exist and fire.
	b.mu.Lock()
	timer := b.timers[st.ID]
	b.mu.Unlock()
	if timer == nil {
		t.Fatal("the new owner did not resume the stream's transition")
	}
	b.finishTransition(streamKey{testCaller.Account, testCaller.Region, "s1"}, st.ID, st.StatusUntil)
	if got := b.lookup(testCaller, "s1").snapshot(); got.Status != StatusActive || len(got.OpenShards()) != 4 {
		t.Fatalf("after the new owner finished the reshard: %s, %d open shards", got.Status, len(got.OpenShards()))
	}
	a.mu.Lock()
	stale := a.timers[st.ID]
	a.mu.Unlock()
	if stale != nil {
		t.Fatal("the old owner kept the stream's transition timer")
	}
}

// A follower rereads what the owner changed: tags, a new stream, a
// deletion; its own streams it leaves alone.
func TestFollowRereadsOthersStreams(t *testing.T) {
	ctx := context.Background()
	a, b := placementNodes(t, Config{})
	key := streamMetaKey(a.lookup(testCaller, "s1").snapshot())
	if err := a.AddTags(ctx, testCaller, StreamRef{Name: "s1"}, "AddTagsToStream", map[string]string{"team": "x"}); err != nil {
		t.Fatal(err)
	}
	if err := b.Follow(ctx, key); err != nil {
		t.Fatal(err)
	}
	tags, _, err := b.ListTags(ctx, testCaller, StreamRef{Name: "s1"}, "ListTagsForStream", "", 50)
	if err != nil || len(tags) != 1 || tags[0].Value != "x" {
		t.Fatalf("tags the follower sees: %v, %v", tags, err)
	}

	one := int64(1)
	if err := a.CreateStream(ctx, testCaller, CreateParams{Name: "s3", ShardCount: &one}); err != nil {
		t.Fatal(err)
	}
	if err := b.Follow(ctx, streamMetaKey(a.lookup(testCaller, "s3").snapshot())); err != nil {
		t.Fatal(err)
	}
	if _, err := b.DescribeStream(ctx, testCaller, StreamRef{Name: "s3"}, "DescribeStream"); err != nil {
		t.Fatalf("a stream created elsewhere, followed: %v", err)
	}
	_, err = putOne(b, "s3", "x")
	wantElsewhere(t, "PutRecord to a followed new stream", err)

	if err := a.DeleteStream(ctx, testCaller, StreamRef{Name: "s1"}, false); err != nil {
		t.Fatal(err)
	}
	if err := b.Follow(ctx, key); err != nil {
		t.Fatal(err)
	}
	if _, err := b.DescribeStream(ctx, testCaller, StreamRef{Name: "s1"}, "DescribeStream"); KindOf(err) != KindNotFound {
		t.Fatalf("a stream deleted elsewhere, followed: %v, want ResourceNotFound", err)
	}

	// b owns s2 now; a rereading its metadata does not make it remote at b.
	s2 := a.lookup(testCaller, "s2").snapshot()
	a.DropStream(s2.ID)
	if err := b.LoadStream(ctx, s2.ID); err != nil {
		t.Fatal(err)
	}
	if err := b.Follow(ctx, streamMetaKey(s2)); err != nil {
		t.Fatal(err)
	}
	if _, err := putOne(b, "s2", "x"); err != nil {
		t.Fatalf("the owner followed its own stream and lost it: %v", err)
	}
}

// FollowAll catches up on what a watch that started over missed: a stream
// created and one deleted elsewhere meanwhile.
func TestFollowAllCatchesUp(t *testing.T) {
	ctx := context.Background()
	a, b := placementNodes(t, Config{})
	one := int64(1)
	if err := a.CreateStream(ctx, testCaller, CreateParams{Name: "s3", ShardCount: &one}); err != nil {
		t.Fatal(err)
	}
	if err := a.DeleteStream(ctx, testCaller, StreamRef{Name: "s1"}, false); err != nil {
		t.Fatal(err)
	}
	if err := b.FollowAll(ctx); err != nil {
		t.Fatal(err)
	}
	page, err := b.ListStreams(ctx, testCaller, ListStreamsParams{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, st := range page.Streams {
		names = append(names, st.Name)
	}
	if fmt.Sprint(names) != "[s2 s3]" {
		t.Fatalf("streams the follower lists after FollowAll: %v", names)
	}
}
