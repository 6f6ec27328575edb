package cluster

import (
	"fmt"
	"log/slog"
	"testing"
	"time"

	"go.etcd.io/etcd/api/v3/mvccpb"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// FuzzApplyFlushes feeds a view two watch events made from arbitrary
// input: range keys with valid or arbitrary values, counter marks, other
// keys of the log, puts and deletes, new keys and rewritten ones.
// Properties: it never panics; an index it refuses is left as it was;
// an index it changes stays whole (each shard's spans in counter order
// without gaps, its next counter after its last span, every span's object
// in the sorted object list).
func FuzzApplyFlushes(f *testing.F) {
	f.Add(uint8(0), uint32(0), uint64(4), uint64(6), "", []byte(nil), true, uint8(0), uint32(1), uint64(1), uint64(1), "", []byte(nil), true)
	f.Add(uint8(1), uint32(0), uint64(4), uint64(6), "", []byte{1, 2, 3}, true, uint8(2), uint32(0), uint64(0), uint64(0), "", []byte{1, 9, 0}, true)
	f.Add(uint8(0), uint32(0), uint64(5), uint64(6), "", []byte(nil), true, uint8(3), uint32(0), uint64(0), uint64(0), "manifest", []byte("{}"), true)
	f.Add(uint8(0), uint32(0), uint64(4), uint64(6), "", []byte(nil), false, uint8(0), uint32(0), uint64(7), uint64(7), "", []byte(nil), true)
	f.Fuzz(func(t *testing.T,
		k1 uint8, s1 uint32, first1, last1 uint64, raw1 string, v1 []byte, new1 bool,
		k2 uint8, s2 uint32, first2, last2 uint64, raw2 string, v2 []byte, new2 bool,
	) {
		l := viewLog()
		before := describeIndex(l)
		events := []*clientv3.Event{
			fuzzEvent(l, 11, k1, s1, first1, last1, raw1, v1, new1),
			fuzzEvent(l, 12, k2, s2, first2, last2, raw2, v2, new2),
		}
		if !l.applyFlushes(events) {
			if after := describeIndex(l); after != before {
				t.Fatalf("a refused batch changed the index:\n%s\nto\n%s", before, after)
			}
			return
		}
		checkIndexWhole(t, l)
	})
}

// viewLog returns a view's log (no etcd, no store) whose shard 0 holds
// counters 1 to 3 in one object, at revision 10.
func viewLog() *clusterLog {
	b := &Backend{opts: Options{}.withDefaults(), keys: newKeys("/p/"), readOnly: true}
	l := &clusterLog{b: b, id: "v", log: slog.New(slog.DiscardHandler), shards: map[uint32]*shardIndex{}, indexRev: 10}
	o := &object{name: objectName(1, time.UnixMilli(1_700_000_000_000)), seq: 1, size: 100, shards: []uint32{0}, refs: 1}
	l.objects = []*object{o}
	l.shards[0] = &shardIndex{next: 4, spans: []*span{{shard: 0, first: 1, last: 3, obj: o, size: 100}}}
	return l
}

// fuzzEvent makes one watch event at revision rev: kind picks a range key
// with a valid value (0), a range key with value v (1), a counter mark
// (2), or the log's key raw (3); a delete when the kind's high bit is set.
func fuzzEvent(l *clusterLog, rev int64, kind uint8, shard uint32, first, last uint64, raw string, v []byte, created bool) *clientv3.Event {
	k := l.b.keys
	var key string
	switch kind % 4 {
	case 0:
		key = k.rangeKey(l.id, shard, first)
		v = encodeRange(rangeVal{object: objectName(uint64(rev), time.UnixMilli(1_700_000_000_000)), off: 8, size: 40, last: last, minArrival: 5, maxArrival: 5})
	case 1:
		key = k.rangeKey(l.id, shard, first)
	case 2:
		key = k.mark(l.id, shard)
	default:
		key = k.log(l.id) + raw
	}
	ev := &clientv3.Event{Type: mvccpb.PUT, Kv: &mvccpb.KeyValue{Key: []byte(key), Value: v, CreateRevision: rev, ModRevision: rev}}
	if !created {
		ev.Kv.CreateRevision = 1
	}
	if kind&0x80 != 0 {
		ev.Type = mvccpb.DELETE
	}
	return ev
}

// describeIndex prints the index of l, to compare two states.
func describeIndex(l *clusterLog) string {
	s := fmt.Sprint("rev ", l.indexRev, " objects")
	for _, o := range l.objects {
		s += fmt.Sprintf(" %s/%d/%d", o.name, o.refs, o.size)
	}
	for shard := range uint32(4) {
		if ss := l.shards[shard]; ss != nil {
			s += fmt.Sprintf("\nshard %d next %d:", shard, ss.next)
			for _, sp := range ss.spans {
				s += fmt.Sprintf(" %d-%d@%s", sp.first, sp.last, sp.obj.name)
			}
		}
	}
	return s
}

// checkIndexWhole checks the invariants of a log's index.
func checkIndexWhole(t *testing.T, l *clusterLog) {
	t.Helper()
	for i := 1; i < len(l.objects); i++ {
		if l.objects[i-1].seq > l.objects[i].seq {
			t.Fatalf("objects out of order:\n%s", describeIndex(l))
		}
	}
	for shard, ss := range l.shards {
		want := uint64(1)
		if len(ss.spans) > 0 {
			want = ss.spans[0].first
		}
		for _, sp := range ss.spans {
			if sp.first != want || sp.last < sp.first || l.objectLocked(sp.obj.name) != sp.obj {
				t.Fatalf("shard %d: span %d-%d breaks the index:\n%s", shard, sp.first, sp.last, describeIndex(l))
			}
			want = sp.last + 1
		}
		if ss.next != want {
			t.Fatalf("shard %d: next %d, want %d:\n%s", shard, ss.next, want, describeIndex(l))
		}
	}
}
