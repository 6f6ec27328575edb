package logstore

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"sluice/internal/vfs"
)

func readFileBytes(t testing.TB, fsys vfs.FS, name string) []byte {
	t.Helper()
	f, err := fsys.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n, _ := f.Size()
	b := make([]byte, n)
	if _, err := f.ReadAt(b, 0); err != nil && !errors.Is(err, io.EOF) {
		t.Fatal(err)
	}
	return b
}

func writeFileBytes(t testing.TB, fsys vfs.FS, name string, b []byte) {
	t.Helper()
	if err := fsys.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := fsys.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := f.Sync(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := fsys.SyncDir(filepath.Dir(name)); err != nil {
		t.Fatal(err)
	}
}

func TestRecoverTornTail(t *testing.T) {
	// Three entries of shard 0 (seqs 1..3) in the active segment.
	build := func() (*vfs.MemFS, string, []int64) {
		mem := vfs.NewCrashableMem()
		l := mustOpen(t, testOptions(mem, newClock(1)))
		var ends []int64
		for i := range 3 {
			mustAppend(t, l, Batch{Shard: 0, Records: []Record{rec(fmt.Sprint(i), 50)}})
			ends = append(ends, l.Stats().Bytes)
		}
		crashed := mem.CrashClone() // no Close: no index
		l.Close()
		return crashed, filepath.Join(testDir, segmentName(1)), ends
	}
	_, _, ends := build()
	all := []uint64{1, 2, 3}
	for _, tc := range []struct {
		name   string
		damage func(b []byte) []byte
		keep   []uint64 // the counters recovered
		size   int64    // the segment's size after recovery
		next   uint64   // the counter of the next append
	}{
		{"intact", func(b []byte) []byte { return b }, all, ends[2], 4},
		{"cut in the last header", func(b []byte) []byte { return b[:ends[1]+10] }, all[:2], ends[1], 3},
		// The last header survived: its counter is not given out again.
		{"cut in the last payload", func(b []byte) []byte { return b[:ends[2]-1] }, all[:2], ends[1], 4},
		{"flip in the last payload", func(b []byte) []byte { b[ends[1]+40] ^= 1; return b }, all[:2], ends[1], 4},
		{"cut at an entry boundary", func(b []byte) []byte { return b[:ends[0]] }, all[:1], ends[0], 2},
		{"zeros appended", func(b []byte) []byte { return append(b, make([]byte, 4096)...) }, all, ends[2], 4},
		{"garbage appended", func(b []byte) []byte { return append(b, bytes.Repeat([]byte{0xA5}, 100)...) }, all, ends[2], 4},
		// Damage followed by intact entries is a hole: skipped, the rest kept.
		{"flip in the second payload", func(b []byte) []byte { b[ends[0]+40] ^= 1; return b }, []uint64{1, 3}, ends[2], 4},
		{"flip in the first crc", func(b []byte) []byte { b[0] ^= 1; return b }, []uint64{2, 3}, ends[2], 4},
		{"first header zeroed", func(b []byte) []byte { clear(b[:entryHeaderSize]); return b }, []uint64{2, 3}, ends[2], 4},
		{"second entry zeroed", func(b []byte) []byte { clear(b[ends[0]:ends[1]]); return b }, []uint64{1, 3}, ends[2], 4},
		{"empty", func(b []byte) []byte { return b[:0] }, nil, 0, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mem, seg, _ := build()
			b := tc.damage(readFileBytes(t, mem, seg))
			writeFileBytes(t, mem, seg, b)
			l := mustOpen(t, testOptions(mem, newClock(2)))
			seqs := func(recs []StoredRecord) []uint64 {
				var out []uint64
				for _, r := range recs {
					out = append(out, r.Seq)
				}
				return out
			}
			if got := seqs(readAll(t, l, 0, 1, 0)); !slices.Equal(got, tc.keep) {
				t.Fatalf("recovered counters %v, want %v", got, tc.keep)
			}
			if st, _ := mem.Stat(seg); st.Size() != tc.size {
				t.Fatalf("segment is %d bytes, want %d", st.Size(), tc.size)
			}
			// The truncation is durable, and appends continue, never
			// reusing a counter.
			if res := mustAppend(t, l, Batch{Shard: 0, Records: []Record{rec("new", 5)}}); res[0].FirstSeq != tc.next {
				t.Fatalf("FirstSeq %d, want %d", res[0].FirstSeq, tc.next)
			}
			crashed := mem.CrashClone()
			l.Close()
			l = mustOpen(t, testOptions(crashed, newClock(3)))
			defer l.Close()
			got := readAll(t, l, 0, 1, 0)
			if want := append(slices.Clone(tc.keep), tc.next); !slices.Equal(seqs(got), want) || got[len(got)-1].PartitionKey != "new" {
				t.Fatalf("after a second crash: counters %v, want %v", seqs(got), want)
			}
		})
	}
}

// sealedLog writes records to several segments of shard 0 and 1 and closes.
func sealedLog(t testing.TB) (*vfs.MemFS, Options, *model) {
	t.Helper()
	mem := vfs.NewCrashableMem()
	opts := testOptions(mem, newClock(1))
	opts.SegmentBytes = 1000
	l := mustOpen(t, opts)
	m := newModel()
	for i := range 30 {
		b := Batch{Shard: uint32(i % 2), Records: []Record{rec(fmt.Sprint(i), 100)}}
		m.add(b, mustAppend(t, l, b)[0])
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return mem, opts, m
}

func TestRecoverIndexProblems(t *testing.T) {
	idx := filepath.Join(testDir, indexName(2))
	const rescan, blockScan = "ignoring index, rescanning segment", "index block corrupt, scanning segment"
	for _, tc := range []struct {
		name    string
		break_  func(t *testing.T, fsys *vfs.MemFS)
		wantLog string
	}{
		{"index missing", func(t *testing.T, fsys *vfs.MemFS) { fsys.Remove(idx) }, ""},
		{"index summary corrupt", func(t *testing.T, fsys *vfs.MemFS) {
			b := readFileBytes(t, fsys, idx)
			b[indexHeaderSize+5] ^= 0xff
			writeFileBytes(t, fsys, idx, b)
		}, rescan},
		{"index entry block corrupt", func(t *testing.T, fsys *vfs.MemFS) {
			b := readFileBytes(t, fsys, idx)
			b[len(b)-3] ^= 0xff
			writeFileBytes(t, fsys, idx, b)
		}, blockScan},
		{"index truncated", func(t *testing.T, fsys *vfs.MemFS) {
			b := readFileBytes(t, fsys, idx)
			writeFileBytes(t, fsys, idx, b[:len(b)/2])
		}, rescan},
		{"index of another segment", func(t *testing.T, fsys *vfs.MemFS) {
			writeFileBytes(t, fsys, idx, readFileBytes(t, fsys, filepath.Join(testDir, indexName(1))))
		}, rescan},
		{"newer index version", func(t *testing.T, fsys *vfs.MemFS) {
			b := readFileBytes(t, fsys, idx)
			b[4] = 9
			writeFileBytes(t, fsys, idx, b)
		}, rescan},
		{"leftover temporary files and orphan index", func(t *testing.T, fsys *vfs.MemFS) {
			writeFileBytes(t, fsys, filepath.Join(testDir, "state.tmp"), []byte("junk"))
			writeFileBytes(t, fsys, filepath.Join(testDir, indexName(3)+tmpSuffix), []byte("junk"))
			writeFileBytes(t, fsys, filepath.Join(testDir, indexName(0)), []byte("orphan"))
		}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mem, opts, m := sealedLog(t)
			tc.break_(t, mem)
			var logs bytes.Buffer
			opts.Logger = slog.New(slog.NewTextHandler(&logs, nil))
			l := mustOpen(t, opts)
			defer l.Close()
			m.check(t, l)
			if !strings.Contains(logs.String(), tc.wantLog) {
				t.Fatalf("log does not mention %q:\n%s", tc.wantLog, logs.String())
			}
			if _, err := mem.Stat(idx); err != nil {
				t.Fatalf("index not rebuilt: %v", err)
			}
			names, _ := mem.List(testDir)
			for _, n := range names {
				if filepath.Ext(n) == tmpSuffix || n == indexName(0) {
					t.Fatalf("%s left behind", n)
				}
			}
		})
	}
}

// expiredLog writes records 1..5 of shard 0, lets retention delete them
// all and closes: only the state files remember the counters.
func expiredLog(t testing.TB) (*vfs.MemFS, Options) {
	t.Helper()
	mem := vfs.NewCrashableMem()
	c := newClock(1000)
	opts := testOptions(mem, c)
	l := mustOpen(t, opts)
	for i := range 5 {
		mustAppend(t, l, Batch{Shard: 0, Records: []Record{rec(fmt.Sprint(i), 10)}})
	}
	c.Advance(time.Hour)
	if err := l.Expire(c.Millis()); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return mem, opts
}

func TestRecoverStateProblems(t *testing.T) {
	flip := func(b []byte) []byte { b[len(b)-1] ^= 1; return b }
	cut := func(b []byte) []byte { return b[:10] }
	newer := func(b []byte) []byte { b[4] = 2; return b }
	for _, tc := range []struct {
		name    string
		damage  map[string]func([]byte) []byte
		next    uint64 // the next counter of shard 0
		wantErr error
		wantLog string
	}{
		{"state corrupt", map[string]func([]byte) []byte{stateName: flip}, 6, nil, "state file damaged"},
		{"state truncated", map[string]func([]byte) []byte{stateName: cut}, 6, nil, "state file damaged"},
		{"copy corrupt", map[string]func([]byte) []byte{stateCopyName: flip}, 6, nil, "state file damaged"},
		{"state deleted", map[string]func([]byte) []byte{stateName: nil}, 6, nil, ""},
		// Both gone: the counters restart from the segments (none here),
		// and the log says so.
		{"both corrupt", map[string]func([]byte) []byte{stateName: flip, stateCopyName: cut}, 1, nil, "both state files damaged"},
		{"newer version", map[string]func([]byte) []byte{stateName: newer}, 0, ErrUnsupportedVersion, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mem, opts := expiredLog(t)
			for name, damage := range tc.damage {
				path := filepath.Join(testDir, name)
				if damage == nil {
					mem.Remove(path)
					continue
				}
				writeFileBytes(t, mem, path, damage(readFileBytes(t, mem, path)))
			}
			var logs bytes.Buffer
			opts.Logger = slog.New(slog.NewTextHandler(&logs, nil))
			l, err := Open(opts)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("Open = %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			defer l.Close()
			if res := mustAppend(t, l, Batch{Shard: 0, Records: []Record{rec("after", 3)}}); res[0].FirstSeq != tc.next {
				t.Fatalf("FirstSeq = %d, want %d", res[0].FirstSeq, tc.next)
			}
			if !strings.Contains(logs.String(), tc.wantLog) {
				t.Fatalf("log does not mention %q:\n%s", tc.wantLog, logs.String())
			}
		})
	}
}

func TestRecoverRefusesNewerEntries(t *testing.T) {
	e := encodeTestEntry(0, 1, 1, []Record{rec("k", 10)})
	newer := bytes.Clone(e)
	newer[4] = 2 // a version 2 entry, intact
	binaryPutCRC(newer)
	mem := vfs.NewCrashableMem()
	seg := filepath.Join(testDir, segmentName(1))
	writeFileBytes(t, mem, seg, append(bytes.Clone(e), newer...))
	if _, err := Open(testOptions(mem, newClock(1))); !errors.Is(err, ErrUnsupportedVersion) {
		t.Fatalf("Open = %v", err)
	}
	if st, _ := mem.Stat(seg); st.Size() != int64(len(e)+len(newer)) {
		t.Fatal("newer data was truncated")
	}
}

// binaryPutCRC recomputes the checksum of an encoded entry.
func binaryPutCRC(b []byte) {
	c := crc32Castagnoli(b[4:])
	b[0], b[1], b[2], b[3] = byte(c), byte(c>>8), byte(c>>16), byte(c>>24)
}

// referenceScan is an independent reading of the recovery rules over a
// byte slice: intact entries whose counters grow per shard and whose
// arrivals do not go back are kept; after damage, the scan resumes at the
// earliest such entry and ends where there is none. floor holds, per shard, the
// counters claimed by damaged headers that followed the shard's last entry.
func referenceScan(b []byte) (end int, recs map[uint32][]StoredRecord, floor map[uint32]uint64) {
	recs, floor = map[uint32][]StoredRecord{}, map[uint32]uint64{}
	next := map[uint32]uint64{}
	var arrival int64
	valid := func(off int) (entryHeader, []byte, bool) {
		h, payload, err := decodeEntry(b[off:])
		return h, payload, err == nil && h.first >= next[h.shard] && h.arrival >= arrival
	}
	for off := 0; off+entryHeaderSize <= len(b); {
		if h, payload, ok := valid(off); ok {
			walkRecords(payload, h.count, func(i int, key, data []byte) {
				recs[h.shard] = append(recs[h.shard], StoredRecord{
					Seq: h.first + uint64(i), ArrivalMillis: h.arrival, PartitionKey: string(key), Data: data,
				})
			})
			next[h.shard] = h.last() + 1
			arrival = h.arrival
			off += int(h.size())
			end = off
			continue
		}
		resume := -1
		if h, err := parseHeader(b[off:]); err == nil {
			if h.first == max(next[h.shard], 1) && h.count <= maxEntryRecords {
				floor[h.shard] = max(floor[h.shard], h.last()+1)
			}
		}
		for p := off + 1; resume < 0 && p+entryHeaderSize <= len(b); p++ {
			if _, _, ok := valid(p); ok {
				resume = p
			}
		}
		if resume < 0 {
			break
		}
		off = resume
	}
	return end, recs, floor
}

// FuzzRecover feeds arbitrary bytes as the only segment of a log that
// crashed, and checks that Open succeeds, keeps exactly the intact entries
// the rules keep (skipping holes, truncating a torn tail), serves their
// records, and that the log accepts and keeps appends afterwards without
// reusing a counter.
func FuzzRecover(f *testing.F) {
	e1 := encodeTestEntry(0, 1, 100, []Record{rec("a", 10), rec("b", 0)})
	e2 := encodeTestEntry(1, 1, 100, []Record{rec("c", 30)})
	e3 := encodeTestEntry(0, 3, 200, []Record{rec("d", 5)})
	back := encodeTestEntry(0, 2, 300, []Record{rec("e", 5)}) // counter goes back after e3
	early := encodeTestEntry(1, 2, 50, []Record{rec("f", 5)}) // arrival goes back
	gap := encodeTestEntry(0, 10, 300, []Record{rec("g", 5)}) // a gap is allowed
	valid := bytes.Join([][]byte{e1, e2, e3}, nil)
	f.Add([]byte{}, false)
	f.Add(valid, false)
	for _, cut := range []int{1, entryHeaderSize - 1, entryHeaderSize, len(e1) - 1, len(e1) + 3, len(valid) - 1} {
		f.Add(valid[:cut], false)
	}
	f.Add(append(bytes.Clone(valid), back...), false)
	f.Add(append(bytes.Clone(valid), early...), false)
	f.Add(append(bytes.Clone(valid), gap...), false)
	f.Add(append(bytes.Clone(valid), make([]byte, 100)...), false)
	f.Add(bytes.Repeat([]byte{0xff}, 200), false)
	f.Add(append(bytes.Clone(valid), 0xff, 0xff), true)
	holed := bytes.Clone(valid)
	holed[len(e1)+entryHeaderSize] ^= 0x10 // e2's payload
	f.Add(holed, false)
	f.Add(append(make([]byte, 7), valid...), false)
	f.Add(append(append(bytes.Clone(e1), 0xA5, 0xA5, 0xA5), e3...), false)
	f.Fuzz(func(t *testing.T, seg []byte, fix bool) {
		if fix {
			// Let the fuzzer build intact entries with odd contents.
			seg = fixCRCs(seg)
		}
		wantEnd, want, floor := referenceScan(seg)
		mem := vfs.NewCrashableMem()
		name := filepath.Join(testDir, segmentName(1))
		writeFileBytes(t, mem, name, seg)
		l, err := Open(testOptions(mem, newClock(1000)))
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		defer l.Close()
		if st, _ := mem.Stat(name); st.Size() != int64(wantEnd) {
			t.Fatalf("segment is %d bytes after recovery, valid prefix is %d", st.Size(), wantEnd)
		}
		check := func(l *Log) {
			for shard, w := range want {
				got := readAll(t, l, shard, 1, 0)
				if len(got) < len(w) {
					t.Fatalf("shard %d: %d records, want %d", shard, len(got), len(w))
				}
				for i := range w {
					if err := sameRecord(got[i], w[i]); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
		check(l)
		next := max(floor[0], 1)
		if w := want[0]; len(w) > 0 {
			next = max(next, w[len(w)-1].Seq+1)
		}
		res, err := l.Append(t.Context(), []Batch{{Shard: 0, Records: []Record{rec("after", 3)}}})
		if err != nil {
			t.Fatalf("Append after recovery: %v", err)
		}
		if res[0].FirstSeq != next {
			t.Fatalf("FirstSeq after recovery = %d, want %d", res[0].FirstSeq, next)
		}
		crashed := mem.CrashClone()
		l2, err := Open(testOptions(crashed, newClock(1000)))
		if err != nil {
			t.Fatalf("second Open: %v", err)
		}
		defer l2.Close()
		check(l2)
		got := readAll(t, l2, 0, next, 0)
		if len(got) != 1 || got[0].PartitionKey != "after" {
			t.Fatalf("append after recovery lost: %d records", len(got))
		}
	})
}
