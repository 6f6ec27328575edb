package firehose

import (
	"context"
	"errors"
	"testing"
	"time"

	"sluice/internal/objectstore"
	"sluice/internal/storage/embedded"
)

// A reader of a delivery stream's log sees the records Put accepted, in
// order, and is woken by the next Put.
func TestLogForReaders(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	backend, err := embedded.Open(embedded.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := New(ctx, Config{Store: &objectstore.Dir{Root: dir + "/s3"}}, backend)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close(); backend.Close() })
	c := Caller{Account: "000000000000", Region: "us-east-1"}
	if _, err := svc.CreateDeliveryStream(ctx, c, CreateParams{Name: "d", S3: &S3Destination{BucketARN: "arn:aws:s3:::b"}}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.Log(c, "missing"); !errors.As(err, new(*Error)) || err.(*Error).Kind != KindNotFound {
		t.Fatalf("log of a missing delivery stream: %v", err)
	}
	ds, lg, err := svc.Log(c, "d")
	if err != nil || ds.Name != "d" {
		t.Fatalf("log: %v %v", ds, err)
	}
	watch := lg.Watch()
	if _, _, err := svc.Put(ctx, c, "d", [][]byte{[]byte("x"), []byte("y")}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-watch:
	case <-time.After(5 * time.Second):
		t.Fatal("the log's watch did not fire on a Put")
	}
	recs, next, err := lg.Read(0, 1, 10, 1<<20, 0)
	if err != nil || len(recs) != 2 || next != 3 || string(recs[0].Data) != "x" || string(recs[1].Data) != "y" || recs[0].ArrivalMillis == 0 {
		t.Fatalf("read: %+v %d %v", recs, next, err)
	}
	// Every record that arrived up to the horizon is readable; an append in
	// flight holds the horizon before its start.
	h, err := svc.Horizon(c, "d")
	if err != nil || h < recs[1].ArrivalMillis-1 {
		t.Fatalf("horizon %d after records that arrived at %d: %v", h, recs[1].ArrivalMillis, err)
	}
	l, _ := svc.get(c, "d")
	end := l.appends.begin(func() time.Time { return time.UnixMilli(h - 10) })
	if h2, _ := svc.Horizon(c, "d"); h2 != h-11 {
		t.Fatalf("horizon with an append in flight since %d: %d", h-10, h2)
	}
	end()
}
