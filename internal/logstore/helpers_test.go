package logstore

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sluice/internal/vfs"
)

// clock is a settable test clock.
type clock struct{ ms atomic.Int64 }

func newClock(ms int64) *clock {
	c := &clock{}
	c.ms.Store(ms)
	return c
}

func (c *clock) Now() time.Time          { return time.UnixMilli(c.ms.Load()) }
func (c *clock) Advance(d time.Duration) { c.ms.Add(d.Milliseconds()) }
func (c *clock) Millis() int64           { return c.ms.Load() }

const testDir = "/log"

// testOptions returns options on fsys with a test clock.
func testOptions(fsys vfs.FS, c *clock) Options {
	return Options{FS: fsys, Dir: testDir, Now: c.Now}
}

func mustOpen(t testing.TB, opts Options) *Log {
	t.Helper()
	l, err := Open(opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return l
}

func mustAppend(t testing.TB, l *Log, batches ...Batch) []BatchResult {
	t.Helper()
	res, err := l.Append(context.Background(), batches)
	if err != nil {
		t.Fatalf("Append: %v", err)
	}
	return res
}

// rec returns a record whose data is derived from id, n bytes long.
func rec(id string, n int) Record {
	return Record{PartitionKey: id, Data: payloadFor(id, n)}
}

func payloadFor(id string, n int) []byte {
	var seed [32]byte
	copy(seed[:], id)
	binary.LittleEndian.PutUint64(seed[24:], uint64(n))
	b := make([]byte, n)
	rand.NewChaCha8(seed).Read(b)
	return b
}

// readAll reads every record of shard from from with the given cutoff.
func readAll(t testing.TB, l *Log, shard uint32, from uint64, cutoff int64) []StoredRecord {
	t.Helper()
	var out []StoredRecord
	for {
		recs, next, err := l.Read(shard, from, 1000, 0, cutoff)
		if err != nil {
			t.Fatalf("Read(%d, %d): %v", shard, from, err)
		}
		if len(recs) == 0 {
			return out
		}
		if next != recs[len(recs)-1].Seq+1 {
			t.Fatalf("Read next = %d after seq %d", next, recs[len(recs)-1].Seq)
		}
		out = append(out, recs...)
		from = next
	}
}

// model is what a test expects a log to hold, per shard: seq -> record.
type model struct {
	mu     sync.Mutex
	shards map[uint32]map[uint64]StoredRecord
}

func newModel() *model { return &model{shards: map[uint32]map[uint64]StoredRecord{}} }

func (m *model) add(b Batch, res BatchResult) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.shards[b.Shard]
	if s == nil {
		s = map[uint64]StoredRecord{}
		m.shards[b.Shard] = s
	}
	for i, r := range b.Records {
		s[res.FirstSeq+uint64(i)] = StoredRecord{
			Seq: res.FirstSeq + uint64(i), ArrivalMillis: res.ArrivalMillis,
			PartitionKey: r.PartitionKey, Data: r.Data,
		}
	}
}

// check verifies that l holds exactly the model's records, densely.
func (m *model) check(t testing.TB, l *Log) {
	t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	for shard, want := range m.shards {
		got := readAll(t, l, shard, 1, 0)
		if len(got) != len(want) {
			t.Fatalf("shard %d: read %d records, want %d", shard, len(got), len(want))
		}
		for i, g := range got {
			w, ok := want[g.Seq]
			if !ok {
				t.Fatalf("shard %d: unexpected seq %d", shard, g.Seq)
			}
			if i > 0 && g.Seq != got[i-1].Seq+1 {
				t.Fatalf("shard %d: seq %d follows %d", shard, g.Seq, got[i-1].Seq)
			}
			if err := sameRecord(g, w); err != nil {
				t.Fatalf("shard %d: %v", shard, err)
			}
		}
		if _, next := l.Bounds(shard, 0); next != got[len(got)-1].Seq+1 {
			t.Fatalf("shard %d: Bounds next = %d, last seq %d", shard, next, got[len(got)-1].Seq)
		}
	}
}

func sameRecord(got, want StoredRecord) error {
	if got.Seq != want.Seq || got.ArrivalMillis != want.ArrivalMillis || got.PartitionKey != want.PartitionKey ||
		!bytes.Equal(got.Data, want.Data) {
		return fmt.Errorf("seq %d: got (%d, %q, %d bytes), want (seq %d, %d, %q, %d bytes)",
			got.Seq, got.ArrivalMillis, got.PartitionKey, len(got.Data),
			want.Seq, want.ArrivalMillis, want.PartitionKey, len(want.Data))
	}
	return nil
}

// opCounter counts filesystem operations by kind and by file suffix.
type opCounter struct {
	mu     sync.Mutex
	counts map[string]int
}

func (c *opCounter) inject(op vfs.Op, name string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.counts == nil {
		c.counts = map[string]int{}
	}
	suffix := name
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		suffix = name[i:]
	}
	c.counts[op.String()+" "+suffix]++
	return nil
}

func (c *opCounter) get(op vfs.Op, suffix string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.counts[op.String()+" "+suffix]
}

func (c *opCounter) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.counts = nil
}

// segmentFiles lists the .log files of the test directory.
func segmentFiles(t testing.TB, fsys vfs.FS) []string {
	t.Helper()
	names, err := fsys.List(testDir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, n := range names {
		if strings.HasSuffix(n, logSuffix) {
			out = append(out, n)
		}
	}
	return out
}

func crc32Castagnoli(b []byte) uint32 { return crc32.Checksum(b, castagnoli) }
