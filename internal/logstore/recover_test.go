package logstore

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

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
	for _, tc := range []struct {
		name     string
		damage   func(b []byte) []byte
		wantRecs int
	}{
		{"intact", func(b []byte) []byte { return b }, 3},
		{"cut in the last header", func(b []byte) []byte { return b[:ends[1]+10] }, 2},
		{"cut in the last payload", func(b []byte) []byte { return b[:ends[2]-1] }, 2},
		{"cut at an entry boundary", func(b []byte) []byte { return b[:ends[0]] }, 1},
		{"zeros appended", func(b []byte) []byte { return append(b, make([]byte, 4096)...) }, 3},
		{"garbage appended", func(b []byte) []byte { return append(b, bytes.Repeat([]byte{0xA5}, 100)...) }, 3},
		{"flip in the second payload", func(b []byte) []byte { b[ends[0]+40] ^= 1; return b }, 1},
		{"flip in the first crc", func(b []byte) []byte { b[0] ^= 1; return b }, 0},
		{"empty", func(b []byte) []byte { return b[:0] }, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mem, seg, _ := build()
			b := tc.damage(readFileBytes(t, mem, seg))
			writeFileBytes(t, mem, seg, b)
			l := mustOpen(t, testOptions(mem, newClock(2)))
			got := readAll(t, l, 0, 1, 0)
			if len(got) != tc.wantRecs {
				t.Fatalf("recovered %d records, want %d", len(got), tc.wantRecs)
			}
			wantSize := int64(0)
			if tc.wantRecs > 0 {
				wantSize = ends[tc.wantRecs-1]
			}
			if st, _ := mem.Stat(seg); st.Size() != wantSize {
				t.Fatalf("segment is %d bytes, want the valid prefix %d", st.Size(), wantSize)
			}
			// The truncation is durable, and appends continue.
			if res := mustAppend(t, l, Batch{Shard: 0, Records: []Record{rec("new", 5)}}); res[0].FirstSeq != uint64(tc.wantRecs)+1 {
				t.Fatalf("FirstSeq %d", res[0].FirstSeq)
			}
			crashed := mem.CrashClone()
			l.Close()
			l = mustOpen(t, testOptions(crashed, newClock(3)))
			defer l.Close()
			if got := readAll(t, l, 0, 1, 0); len(got) != tc.wantRecs+1 || got[tc.wantRecs].PartitionKey != "new" {
				t.Fatalf("after a second crash: %d records", len(got))
			}
		})
	}
}

// sealedLog writes records to several segments of shard 0 and 1 and closes.
func sealedLog(t *testing.T) (*vfs.MemFS, Options, *model) {
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

func TestRecoverStateProblems(t *testing.T) {
	state := filepath.Join(testDir, stateName)
	for _, tc := range []struct {
		name    string
		damage  func(b []byte) []byte
		wantErr error
	}{
		{"corrupt", func(b []byte) []byte { b[len(b)-1] ^= 1; return b }, ErrCorrupt},
		{"truncated", func(b []byte) []byte { return b[:10] }, ErrCorrupt},
		{"newer version", func(b []byte) []byte { b[4] = 2; return b }, ErrUnsupportedVersion},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mem, opts, _ := sealedLog(t)
			writeFileBytes(t, mem, state, tc.damage(readFileBytes(t, mem, state)))
			if _, err := Open(opts); !errors.Is(err, tc.wantErr) {
				t.Fatalf("Open = %v, want %v", err, tc.wantErr)
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

// referenceScan is an independent reading of the recovery rules: the
// longest prefix of whole, intact entries whose counters grow per shard and
// whose arrivals do not go back.
func referenceScan(b []byte) (end int, recs map[uint32][]StoredRecord) {
	recs = map[uint32][]StoredRecord{}
	next := map[uint32]uint64{}
	var arrival int64
	for end < len(b) {
		h, payload, err := decodeEntry(b[end:])
		if err != nil || h.first < next[h.shard] || h.arrival < arrival {
			break
		}
		walkRecords(payload, h.count, func(i int, key, data []byte) {
			recs[h.shard] = append(recs[h.shard], StoredRecord{
				Seq: h.first + uint64(i), ArrivalMillis: h.arrival, PartitionKey: string(key), Data: data,
			})
		})
		next[h.shard] = h.last() + 1
		arrival = h.arrival
		end += int(h.size())
	}
	return end, recs
}

// FuzzRecover feeds arbitrary bytes as the only segment of a log that
// crashed, and checks that Open succeeds, keeps exactly the valid prefix
// (truncating the rest), serves its records, and that the log accepts and
// keeps appends afterwards.
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
	f.Fuzz(func(t *testing.T, seg []byte, fix bool) {
		if fix {
			// Let the fuzzer build intact entries with odd contents.
			seg = fixCRCs(seg)
		}
		wantEnd, want := referenceScan(seg)
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
		var next uint64 = 1
		if w := want[0]; len(w) > 0 {
			next = w[len(w)-1].Seq + 1
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
