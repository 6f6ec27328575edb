package runtime

import (
	"context"
	"fmt"
	"testing"
	"time"

	"sluice/internal/analytics"
	"sluice/internal/firehose"
	"sluice/internal/streams"
)

// startReader runs a reader of f from start until the test ends and
// returns its batches.
func startReader(t *testing.T, f feed, start map[uint32]position, parallelism int) <-chan *batch {
	t.Helper()
	r := newReader(f, start)
	r.heartbeat = 20 * time.Millisecond
	r.retry = 50 * time.Millisecond
	r.parallelism = parallelism
	r.log = testLogger(t)
	r.metrics = &Metrics{}
	out := make(chan *batch, 1)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		r.run(ctx, out)
	}()
	t.Cleanup(func() { cancel(); <-done })
	return out
}

// collect takes batches until it holds n records, checking that records
// come in (arrival, shard, counter) order and heartbeats never go back.
func collect(t *testing.T, batches <-chan *batch, n int) ([]inRecord, []*batch) {
	t.Helper()
	var recs []inRecord
	var all []*batch
	advance := int64(0)
	timeout := time.After(15 * time.Second)
	for len(recs) < n {
		select {
		case b := <-batches:
			all = append(all, b)
			for i := range b.recs {
				if len(recs) > 0 && before(&b.recs[i], &recs[len(recs)-1]) {
					t.Fatalf("record %+v handed on after %+v", b.recs[i], recs[len(recs)-1])
				}
				if b.recs[i].arrival < advance {
					t.Fatalf("record arrived at %d handed on after the clock advanced to %d", b.recs[i].arrival, advance)
				}
				recs = append(recs, b.recs[i])
			}
			if b.advance > 0 {
				if b.advance < advance {
					t.Fatalf("heartbeat went back from %d to %d", advance, b.advance)
				}
				advance = b.advance
			}
		case <-timeout:
			t.Fatalf("timed out with %d of %d records", len(recs), n)
		}
	}
	return recs, all
}

// The reader merges a stream's shards by arrival, children after their
// parents, with each record's metadata, and advances the clock when it is
// caught up.
func TestReaderMergesShards(t *testing.T) {
	s := newServices(t)
	arn := s.createStream(t, "in", 2)
	f, err := newFeedStreams(s.streams, s.caller(), arn)
	if err != nil {
		t.Fatal(err)
	}
	k0, k1 := keyOn(t, 0, 2), keyOn(t, 1, 2)
	s.put(t, arn, [2]string{k0, "before"}) // before the start: NOW skips it
	start, err := startPositions(f, analytics.PositionNow, nil)
	if err != nil {
		t.Fatal(err)
	}
	batches := startReader(t, f, start, 2)

	want := 0
	for i := range 20 {
		s.put(t, arn, [2]string{k0, fmt.Sprintf("a%d", i)}, [2]string{k1, fmt.Sprintf("b%d", i)})
		want += 2
	}
	recs, _ := collect(t, batches, want)
	for _, r := range recs {
		if string(r.data) == "before" {
			t.Fatal("NOW read a record put before the start")
		}
		if r.stream != int(r.shard) || r.shardID != streams.ShardID(r.shard) || r.seq == "" || r.pk == "" {
			t.Fatalf("record metadata: %+v", r)
		}
		seq, ok := streams.ParseSeqNum(r.seq)
		if !ok || seq.Counter != r.counter || seq.ShardIndex != r.shard {
			t.Fatalf("sequence number %s of %+v", r.seq, r)
		}
	}

	// A heartbeat comes while nothing arrives, near the clock.
	deadline := time.After(5 * time.Second)
	for got := false; !got; {
		select {
		case b := <-batches:
			if len(b.recs) > 0 {
				t.Fatalf("records out of nowhere: %+v", b.recs)
			}
			if now := time.Now().UnixMilli(); b.advance > 0 && b.advance > now-1000 {
				got = true
			}
		case <-deadline:
			t.Fatal("no heartbeat")
		}
	}

	// Split shard 0: its children are read after it, from their start.
	if err := s.streams.SplitShard(context.Background(), s.caller(), streams.StreamRef{ARN: arn}, streams.ShardID(0), "85070591730234615865843651857942052864"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the split", func() bool {
		st, _ := s.streams.DescribeStream(context.Background(), s.caller(), streams.StreamRef{ARN: arn}, "")
		return len(st.Shards) == 4
	})
	for i := range 10 {
		s.put(t, arn, [2]string{k0, fmt.Sprintf("c%d", i)}, [2]string{k1, fmt.Sprintf("d%d", i)})
	}
	recs, all := collect(t, batches, 20)
	var added []uint32
	ended := false
	for _, b := range all {
		for _, a := range b.added {
			added = append(added, a.shard)
		}
		for _, e := range b.ended {
			if e == 0 {
				ended = true
			}
		}
	}
	if len(added) != 2 || !ended {
		t.Fatalf("after the split: added %v, shard 0 ended %v", added, ended)
	}
	for _, r := range recs {
		if r.shard == 0 {
			t.Fatalf("a record of the closed shard after the split: %+v", r)
		}
		if r.stream != int(r.shard%2) {
			t.Fatalf("shard %d fed stream %d", r.shard, r.stream)
		}
	}
}

// TRIM_HORIZON reads what the stream holds; saved positions resume after
// what was taken in.
func TestReaderStartingPositions(t *testing.T) {
	s := newServices(t)
	arn := s.createStream(t, "in", 1)
	f, err := newFeedStreams(s.streams, s.caller(), arn)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		s.put(t, arn, [2]string{"k", fmt.Sprintf("r%d", i)})
	}
	start, err := startPositions(f, analytics.PositionTrimHorizon, nil)
	if err != nil {
		t.Fatal(err)
	}
	recs, _ := collect(t, startReader(t, f, start, 1), 5)
	if string(recs[0].data) != "r0" || string(recs[4].data) != "r4" {
		t.Fatalf("TRIM_HORIZON read %q … %q", recs[0].data, recs[4].data)
	}
	saved := &checkpointInput{Shards: map[uint32]position{0: {Next: recs[3].counter}}}
	start, err = startPositions(f, analytics.PositionLastStopped, saved)
	if err != nil {
		t.Fatal(err)
	}
	recs, _ = collect(t, startReader(t, f, start, 1), 2)
	if string(recs[0].data) != "r3" || string(recs[1].data) != "r4" {
		t.Fatalf("resumed at %q, %q", recs[0].data, recs[1].data)
	}
}

// A delivery stream's records are dealt out to the in-application
// streams in turn.
func TestReaderDeliveryStream(t *testing.T) {
	s := newServices(t)
	c := firehose.Caller{Account: testAccount, Region: testRegion}
	if _, err := s.firehose.CreateDeliveryStream(context.Background(), c, firehose.CreateParams{
		Name: "d", S3: &firehose.S3Destination{BucketARN: "arn:aws:s3:::b"},
	}); err != nil {
		t.Fatal(err)
	}
	f, err := newFeedFirehose(s.firehose, c, firehose.ARN(testRegion, testAccount, "d"))
	if err != nil {
		t.Fatal(err)
	}
	start, err := startPositions(f, analytics.PositionNow, nil)
	if err != nil {
		t.Fatal(err)
	}
	batches := startReader(t, f, start, 3)
	if _, _, err := s.firehose.Put(context.Background(), c, "d", [][]byte{[]byte("0"), []byte("1"), []byte("2"), []byte("3")}); err != nil {
		t.Fatal(err)
	}
	recs, _ := collect(t, batches, 4)
	for i, r := range recs {
		if r.stream != i%3 || r.seq != "" || r.shardID != "" || string(r.data) != fmt.Sprint(i) {
			t.Fatalf("record %d: %+v", i, r)
		}
	}
	if _, err := newFeedFirehose(s.firehose, c, "arn:aws:firehose:us-east-1:111111111111:deliverystream/d"); err == nil {
		t.Fatal("a delivery stream of another account was opened")
	}
}

// TestCursorMemoryIsBounded hands records on while one stays queued every
// time (steady input: a record past the horizon is always waiting): the
// cursor's buffer must stay the size of what is queued, not grow with the
// records that went through it.
func TestCursorMemoryIsBounded(t *testing.T) {
	c := &cursor{}
	for i := range 100_000 {
		c.compact()
		c.pending = append(c.pending, inRecord{counter: uint64(2 * i)}, inRecord{counter: uint64(2*i + 1)})
		if got := c.take(len(c.queued()) - 1); len(got) == 0 {
			t.Fatal("nothing taken")
		}
	}
	if len(c.queued()) != 1 {
		t.Fatalf("%d records queued, want 1", len(c.queued()))
	}
	if n := cap(c.pending); n > 64 {
		t.Fatalf("the cursor's buffer holds room for %d records after 100,000 went through with one queued", n)
	}
}
