package cluster

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"sluice/internal/storage"
)

// testFlushFailure takes the object store away during flushes: appends
// fail with ErrWriteFailed, counters stay, the log reports the failure,
// and once the store is back appends succeed with the next counters.
func testFlushFailure(t *testing.T, e *env) {
	o := e.options(prefixOf(t.Name()), e.fence(t))
	o.tuning.opTimeout = 3 * time.Second
	o.tuning.maintainEvery = 20 * time.Millisecond
	b := open(t, o)
	l := openTestLog(t, b, "flushfail-log")
	appendOne(t, l, 0, "a")
	appendOne(t, l, 0, "b")

	e.vgw.Stop()
	stopped := true
	defer func() {
		if stopped {
			e.vgw.Start()
		}
	}()
	for range 2 {
		_, err := l.Append(t.Context(), []storage.Batch{
			{Shard: 0, Records: []storage.Record{{Data: []byte("lost")}}},
			{Shard: 2, Records: []storage.Record{{Data: []byte("lost")}}},
		})
		if !errors.Is(err, storage.ErrWriteFailed) {
			t.Fatalf("append with the store down: %v, want ErrWriteFailed", err)
		}
		if msg, _ := storage.ClientMessage(err); !strings.Contains(msg, "Nothing of it was stored") {
			t.Fatalf("client message of a flush whose put failed: %q", msg)
		}
	}
	if _, next := l.Bounds(0, 0); next != 3 {
		t.Fatalf("next counter after failed flushes: %d, want 3", next)
	}
	if since, err := l.Failure(); err == nil || since.IsZero() {
		t.Fatalf("Failure() while failing: %v, %v", since, err)
	}
	if h := b.Records().Health(); len(h.Failing) != 1 || h.Failing[0].ID != "flushfail-log" {
		t.Fatalf("Health().Failing: %+v", h.Failing)
	}
	if b.Stats().FailedFlushes != 2 {
		t.Fatalf("FailedFlushes = %d", b.Stats().FailedFlushes)
	}

	e.vgw.Start()
	stopped = false
	// With no append, the failure clears once the store answers again.
	eventually(t, 5*time.Second, "the failure did not clear", func() bool { _, err := l.Failure(); return err == nil })
	if seq := appendOne(t, l, 0, "c"); seq != 3 {
		t.Fatalf("counter after the store came back: %d, want 3", seq)
	}
	if seq := appendOne(t, l, 2, "d"); seq != 1 {
		t.Fatalf("shard 2's counter: %d, want 1", seq)
	}
	if _, err := l.Failure(); err != nil {
		t.Fatalf("Failure() after a flush succeeded: %v", err)
	}
	var got []string
	for _, r := range readAll(t, l, 0) {
		got = append(got, string(r.Data))
	}
	if fmtStrings(got) != "[a b c]" {
		t.Fatalf("records: %v", got)
	}
}

// ownEtcd starts an etcd of the test's own (one it can stop) and returns
// it with options for a backend on it, under a fence of its own.
func (e *env) ownEtcd(t *testing.T) (*testEtcd, Options) {
	te := newTestEtcd(t)
	cli := te.client(t)
	resp, err := cli.Put(t.Context(), "/fence", "owner")
	if err != nil {
		t.Fatal(err)
	}
	o := e.options(prefixOf(t.Name()), Fence{Key: "/fence", Revision: resp.Header.Revision})
	o.Etcd = cli
	return te, o
}

// testEtcdOutage stops etcd (its own, not the shared one) during appends:
// they fail with ErrWriteFailed, the log rereads its index once etcd is
// back (a commit whose answer was lost may have been applied), and
// counters go on without a gap or a reuse. A view of the log follows the
// owner again once etcd is back.
func testEtcdOutage(t *testing.T, e *env) {
	te, o := e.ownEtcd(t)
	o.tuning.opTimeout = 2 * time.Second
	b := open(t, o)
	l := openTestLog(t, b, "etcd-outage-log")
	appendOne(t, l, 0, "a")
	// A view on another node loses its watch with etcd, and follows again.
	ro, err := OpenReadOnly(t.Context(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ro.Close() })
	view := openTestLog(t, ro, "etcd-outage-log")

	te.stop()
	_, err = l.Append(t.Context(), []storage.Batch{{Shard: 0, Records: []storage.Record{{Data: []byte("maybe")}}}})
	if !errors.Is(err, storage.ErrWriteFailed) {
		t.Fatalf("append with etcd down: %v, want ErrWriteFailed", err)
	}
	// Its commit was not answered: it may have been applied.
	if msg, _ := storage.ClientMessage(err); !strings.Contains(msg, "Some or all of it may have been stored") {
		t.Fatalf("client message of a flush whose commit was not answered: %q", msg)
	}
	te.start(t)
	// Appends are retried until one succeeds. An attempt may fail as
	// "may have been stored" (under load etcd can be slow to answer right
	// after its restart) and still be stored: a retried Kinesis put may be
	// stored twice. Every such attempt may add one "b", nothing else may.
	var seq uint64
	maybeStored := 0
	eventually(t, 20*time.Second, "appends did not succeed again after etcd came back", func() bool {
		res, err := l.Append(t.Context(), []storage.Batch{{Shard: 0, Records: []storage.Record{{Data: []byte("b")}}}})
		if err == nil {
			seq = res[0].FirstSeq
		} else if msg, _ := storage.ClientMessage(err); strings.Contains(msg, "may have been stored") {
			maybeStored++
		}
		return err == nil
	})
	recs := readAll(t, l, 0)
	checkAfterOutage(t, recs, seq, maybeStored)
	eventually(t, 20*time.Second, "the view did not follow the owner after etcd came back", func() bool {
		seen := readAll(t, view, 0)
		return len(seen) == len(recs) && string(seen[len(seen)-1].Data) == "b"
	})
}

// checkAfterOutage checks the records of a shard after etcd's outage: "a"
// at 1, then "b" stored once by the append that succeeded (at seq, the
// last) and at most once more by each attempt told its write may have
// been stored, with no gap in the counters. The "maybe" whose commit
// failed while etcd was down cannot be stored: its commit never reached
// an etcd.
func checkAfterOutage(t *testing.T, recs []storage.StoredRecord, seq uint64, maybeStored int) {
	t.Helper()
	if len(recs) < 2 || len(recs) > 2+maybeStored || string(recs[0].Data) != "a" {
		t.Fatalf("records after the outage (%d attempts may have stored): %+v", maybeStored, recs)
	}
	for i, r := range recs {
		if r.Seq != uint64(i+1) {
			t.Fatalf("record %d has counter %d: a gap or a reuse: %+v", i, r.Seq, recs)
		}
		if i > 0 && string(r.Data) != "b" {
			t.Fatalf("record %d is %q, want only retries of b: %+v", i, r.Data, recs)
		}
	}
	if seq != recs[len(recs)-1].Seq {
		t.Fatalf("counter of the successful append after the outage: %d, want the last, %d", seq, recs[len(recs)-1].Seq)
	}
}

// testUnansweredCommit: a commit etcd holds without an answer (its leader
// died, say) fails the flush after commitTimeout, as one that may have
// been applied, rather than hold every append of the log for the much
// longer bound of other etcd calls; appends succeed again once etcd
// answers, after the index is reread.
func testUnansweredCommit(t *testing.T, e *env) {
	te, o := e.ownEtcd(t)
	o.tuning.opTimeout = time.Hour
	o.tuning.commitTimeout = 300 * time.Millisecond
	b := open(t, o)
	l := openTestLog(t, b, "unanswered-log")
	appendOne(t, l, 0, "a")

	te.stop()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	_, err := l.Append(ctx, []storage.Batch{{Shard: 0, Records: []storage.Record{{Data: []byte("maybe")}}}})
	if !errors.Is(err, storage.ErrWriteFailed) {
		t.Fatalf("append whose commit etcd does not answer: %v, want ErrWriteFailed", err)
	}
	if msg, _ := storage.ClientMessage(err); !strings.Contains(msg, "Some or all of it may have been stored") {
		t.Fatalf("client message: %q", msg)
	}
	te.start(t)
	eventually(t, 20*time.Second, "appends did not succeed again after etcd came back", func() bool {
		_, err := l.Append(t.Context(), []storage.Batch{{Shard: 0, Records: []storage.Record{{Data: []byte("b")}}}})
		return err == nil
	})
	if recs := readAll(t, l, 0); len(recs) != 2 || string(recs[1].Data) != "b" {
		t.Fatalf("records after the outage: %+v", recs)
	}
}
