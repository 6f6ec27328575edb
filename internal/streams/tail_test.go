package streams

import (
	"context"
	"testing"
	"time"

	"sluice/internal/storage/embedded"
)

// An internal consumer reads shards by counter, sees the trim horizon and
// the tip, is woken by an append, learns when a split closed a shard, and
// never reads a stream created again under the same name in place of the
// one it started on.
func TestInternalConsumer(t *testing.T) {
	ctx := context.Background()
	backend, err := embedded.Open(embedded.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := New(ctx, Config{Limits: true}, backend)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close(); backend.Close() })
	c := Caller{Account: "000000000000", Region: "us-east-1"}
	one := int64(1)
	if err := svc.CreateStream(ctx, c, CreateParams{Name: "s", ShardCount: &one}); err != nil {
		t.Fatal(err)
	}
	ref := StreamRef{ARN: StreamARN(c.Region, c.Account, "s")}
	st, err := svc.DescribeStream(ctx, c, ref, "")
	if err != nil {
		t.Fatal(err)
	}
	id := st.ID

	first, next, err := svc.ShardBounds(c, ref, id, 0)
	if err != nil || first != 1 || next != 1 {
		t.Fatalf("bounds of an empty shard: %d %d %v", first, next, err)
	}
	w, err := svc.WatchStream(c, ref, id)
	if err != nil || w.LastArrival != 0 {
		t.Fatalf("watch of an empty stream: %+v %v", w, err)
	}
	entries := []PutEntry{{PartitionKey: "a", Data: []byte("1")}, {PartitionKey: "b", Data: []byte("2")}}
	if _, _, err := svc.PutRecords(ctx, c, ref, entries, false); err != nil {
		t.Fatal(err)
	}
	select {
	case <-w.Records:
	case <-time.After(5 * time.Second):
		t.Fatal("the watch did not fire on an append")
	}
	// Far more reads than GetRecords' five a second: internal reads are not
	// limited.
	for range 20 {
		r, err := svc.ReadShard(c, ref, id, 0, 1, 0, 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Records) != 2 || r.Next != 3 || r.End || string(r.Records[1].Data) != "2" || r.Records[0].PartitionKey != "a" {
			t.Fatalf("read: %+v", r)
		}
	}
	w, err = svc.WatchStream(c, ref, id)
	if err != nil || w.LastArrival == 0 || w.Horizon < w.LastArrival-1 || w.Horizon >= time.Now().UnixMilli() {
		t.Fatalf("watch after an append: %+v %v", w, err)
	}
	// An append in flight holds the horizon before its start.
	end := svc.lookup(c, "s").appends.begin(func() time.Time { return time.UnixMilli(w.LastArrival - 5) })
	if w2, _ := svc.WatchStream(c, ref, id); w2.Horizon != w.LastArrival-6 {
		t.Fatalf("horizon with an append in flight from %d: %d", w.LastArrival-5, w2.Horizon)
	}
	end()
	if w2, _ := svc.WatchStream(c, ref, id); w2.Horizon < w.LastArrival-1 {
		t.Fatalf("horizon after the append ended: %d", w2.Horizon)
	}
	if r, err := svc.ReadShard(c, ref, id, 0, 3, 10, 1<<20); err != nil || len(r.Records) != 0 || r.Next != 3 {
		t.Fatalf("read at the tip: %+v %v", r, err)
	}

	// A split closes the shard: read to its end, it says so, and the
	// watch's Changes channel fires.
	if err := svc.SplitShard(ctx, c, ref, ShardID(0), "170141183460469231731687303715884105728"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return len(mustDescribe(t, svc, c, ref).Shards) == 3 })
	select {
	case <-w.Changes:
	default:
		t.Fatal("the watch did not fire on the split")
	}
	r, err := svc.ReadShard(c, ref, id, 0, 3, 10, 1<<20)
	if err != nil || !r.End {
		t.Fatalf("read past the end of a closed shard: %+v %v", r, err)
	}

	// A stream of the same name created again is another stream.
	if err := svc.DeleteStream(ctx, c, ref, false); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { _, err := svc.DescribeStream(ctx, c, ref, ""); return err != nil })
	if err := svc.CreateStream(ctx, c, CreateParams{Name: "s", ShardCount: &one}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ReadShard(c, ref, id, 0, 1, 10, 1<<20); KindOf(err) != KindNotFound {
		t.Fatalf("read of the old stream's ID: %v", err)
	}
	if _, err := svc.WatchStream(c, ref, id); KindOf(err) != KindNotFound {
		t.Fatalf("watch of the old stream's ID: %v", err)
	}
}

func mustDescribe(t *testing.T, svc *Service, c Caller, ref StreamRef) *Stream {
	t.Helper()
	st, err := svc.DescribeStream(context.Background(), c, ref, "")
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func waitFor(t *testing.T, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
