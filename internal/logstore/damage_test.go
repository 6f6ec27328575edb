package logstore

import (
	"bytes"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"sluice/internal/vfs"
)

// damageEntry flips one payload byte of the first entry of segment num and
// returns that entry's header.
func damageEntry(t *testing.T, mem *vfs.MemFS, num uint64) entryHeader {
	t.Helper()
	path := filepath.Join(testDir, segmentName(num))
	b := readFileBytes(t, mem, path)
	h, err := parseHeader(b)
	if err != nil {
		t.Fatal(err)
	}
	b[entryHeaderSize+3] ^= 0x40
	writeFileBytes(t, mem, path, b)
	return h
}

// TestReadSkipsDamagedEntry damages an entry of a cleanly closed log (so
// no recovery scan sees it): reads skip exactly that entry, every record
// after it stays readable, the damage is counted once and logged, and
// appends go on with the next counter.
func TestReadSkipsDamagedEntry(t *testing.T) {
	mem, opts, m := sealedLog(t)
	h := damageEntry(t, mem, 2)
	var logs bytes.Buffer
	opts.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	l := mustOpen(t, opts)
	defer l.Close()

	for range 2 { // twice: counted once
		for shard, want := range m.shards {
			got := readAll(t, l, shard, 1, 0)
			lost := 0
			if shard == h.shard {
				lost = int(h.count)
			}
			if len(got) != len(want)-lost {
				t.Fatalf("shard %d: read %d records, want %d", shard, len(got), len(want)-lost)
			}
			for _, g := range got {
				if shard == h.shard && g.Seq >= h.first && g.Seq <= h.last() {
					t.Fatalf("damaged record %d was served", g.Seq)
				}
				if err := sameRecord(g, want[g.Seq]); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	if got := l.Stats().Damaged; got != 1 {
		t.Fatalf("Stats.Damaged = %d, want 1", got)
	}
	if !strings.Contains(logs.String(), "level=ERROR") || !strings.Contains(logs.String(), "damaged") {
		t.Fatalf("damage not logged at ERROR:\n%s", logs.String())
	}

	// A reader positioned on the damaged entry moves past it.
	recs, next, err := l.Read(h.shard, h.first, 1, 0, 0)
	if err != nil || len(recs) != 1 || recs[0].Seq != h.last()+1 || next != h.last()+2 {
		t.Fatalf("Read at the damaged entry = %d records (first %v), next %d, %v", len(recs), recs, next, err)
	}
	res := mustAppend(t, l, Batch{Shard: h.shard, Records: []Record{rec("after", 5)}})
	if want := uint64(len(m.shards[h.shard])) + 1; res[0].FirstSeq != want {
		t.Fatalf("FirstSeq = %d, want %d", res[0].FirstSeq, want)
	}
}

// TestRecoverKeepsEntriesAfterDamage damages an entry in the middle of a
// segment that recovery must scan (a crash, no index) and then crashes
// again: every intact record survives both recoveries, and no counter is
// reused.
func TestRecoverKeepsEntriesAfterDamage(t *testing.T) {
	mem := vfs.NewCrashableMem()
	c := newClock(1)
	l := mustOpen(t, testOptions(mem, c))
	m := newModel()
	for i := range 40 {
		b := Batch{Shard: uint32(i % 3), Records: []Record{rec(fmt.Sprint(i), 20+i), rec(fmt.Sprint(i, "b"), 7)}}
		m.add(b, mustAppend(t, l, b)[0])
	}
	crashed := mem.CrashClone()
	l.Close()

	// Flip a byte in the 11th entry.
	path := filepath.Join(testDir, segmentName(1))
	b := readFileBytes(t, crashed, path)
	off := 0
	for range 10 {
		h, err := parseHeader(b[off:])
		if err != nil {
			t.Fatal(err)
		}
		off += int(h.size())
	}
	victim, _ := parseHeader(b[off:])
	b[off+entryHeaderSize+1] ^= 0x01
	writeFileBytes(t, crashed, path, b)

	fsys := crashed
	for round := range 2 {
		l = mustOpen(t, testOptions(fsys, c))
		for shard, want := range m.shards {
			got := readAll(t, l, shard, 1, 0)
			for _, g := range got {
				if err := sameRecord(g, want[g.Seq]); err != nil {
					t.Fatal(err)
				}
			}
			lost := 0
			if shard == victim.shard {
				lost = int(victim.count)
			}
			if len(got) != len(want)-lost {
				t.Fatalf("round %d shard %d: %d records, want %d", round, shard, len(got), len(want)-lost)
			}
		}
		if got := l.Stats().Damaged; got != 1 {
			t.Fatalf("round %d: Stats.Damaged = %d", round, got)
		}
		if round == 0 {
			// New records get counters past every old one.
			b := Batch{Shard: victim.shard, Records: []Record{rec("new", 3)}}
			res := mustAppend(t, l, b)
			if want := uint64(len(m.shards[victim.shard])) + 1; res[0].FirstSeq != want {
				t.Fatalf("FirstSeq = %d, want %d", res[0].FirstSeq, want)
			}
			m.add(b, res[0])
			fsys = fsys.CrashClone()
		}
		l.Close()
	}
}
