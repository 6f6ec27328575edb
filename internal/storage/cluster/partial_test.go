package cluster

import (
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"sluice/internal/storage"
)

// testPartialFlush fails the second transaction of a flush over 120
// shards (a range of it exists already): the first one's records are
// stored, and the client is told that some or all of the request may have
// been stored, not that nothing was.
func testPartialFlush(t *testing.T, e *env) {
	prefix := prefixOf(t.Name())
	const id = "partial-log"
	b := open(t, e.options(prefix, e.fence(t)))
	l := openTestLog(t, b, id)
	const shards = maxShardsPerTxn + 10
	// Behind the log's back: shard maxShardsPerTxn+5's first range, in the
	// flush's second transaction.
	taken := newKeys(prefix).rangeKey(id, maxShardsPerTxn+5, 1)
	v := encodeRange(rangeVal{object: objectName(1000, time.Now()), off: objectHeaderSize, size: 1, last: 1})
	if _, err := e.etcd.Put(t.Context(), taken, string(v)); err != nil {
		t.Fatal(err)
	}
	var batches []storage.Batch
	for s := range shards {
		batches = append(batches, storage.Batch{Shard: uint32(s), Records: []storage.Record{{Data: []byte("x")}}})
	}
	_, err := l.Append(t.Context(), batches)
	if !errors.Is(err, storage.ErrWriteFailed) {
		t.Fatalf("a flush whose second transaction fails: %v, want ErrWriteFailed", err)
	}
	msg, _ := storage.ClientMessage(err)
	if !strings.Contains(msg, "Some or all of it may have been stored; retrying may store records twice") ||
		!strings.Contains(msg, "only part of the write") || strings.Contains(msg, "Nothing") {
		t.Fatalf("client message of a flush committed in part: %q", msg)
	}
	if _, next := l.Bounds(0, 0); next != 2 {
		t.Fatalf("shard 0 after its part was committed: next %d, want 2", next)
	}
}

// TestClientMessages checks how the errors of failed flushes are worded
// for clients: nothing stored unless a part was committed or a commit
// went unanswered.
func TestClientMessages(t *testing.T) {
	l := &clusterLog{b: &Backend{log: slog.New(slog.DiscardHandler)}, id: "x", log: slog.New(slog.DiscardHandler)}
	cases := []struct {
		name string
		err  error
		want []string
	}{
		{"put failed", errors.New("put object: connection refused"),
			[]string{"could not store this request: the object store or etcd did not take the write. Nothing of it was stored"}},
		{"ranges exist", errors.New("its ranges exist in etcd already"),
			[]string{"Nothing of it was stored"}},
		{"unanswered commit", &maybeCommitted{err: errors.New("commit: deadline exceeded"), reason: "etcd did not answer"},
			[]string{"could not confirm that this request was stored: etcd did not answer. Some or all of it may have been stored; retrying may store records twice"}},
		{"fenced after a part", &maybeCommitted{err: ErrFenced, reason: "fenced"},
			[]string{"stopped owning the cluster", "some or all of it may have been stored, and retrying may store records twice"}},
		{"fenced", ErrFenced, []string{"so nothing of the request was stored"}},
		{"moved after a part", &maybeCommitted{err: ErrLogMoved, reason: "moved"},
			[]string{"moved to another Sluice node", "some or all of it may have been stored"}},
		{"moved", ErrLogMoved, []string{"is served by another Sluice node", "so nothing of the request was stored"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			msg, ok := storage.ClientMessage(l.failed(tc.err))
			for _, w := range tc.want {
				if !ok || !strings.Contains(msg, w) {
					t.Fatalf("message %q (%v), want it to say %q", msg, ok, w)
				}
			}
			if strings.Contains(tc.name, "after") || strings.Contains(tc.name, "unanswered") {
				if strings.Contains(strings.ToLower(msg), "nothing") {
					t.Fatalf("message %q says nothing was stored", msg)
				}
			}
		})
	}
}
