package logstore

import (
	"errors"
	"path/filepath"
	"reflect"
	"testing"

	"sluice/internal/vfs"
)

func TestIndexRoundTrip(t *testing.T) {
	fsys := vfs.NewCrashableMem()
	shards := []uint32{0, 3, 900}
	entries := [][]entryMeta{
		{{first: 1, count: 2, arrival: 10, off: 0, length: 50}, {first: 3, count: 1, arrival: 20, off: 100, length: 40}},
		{{first: 7, count: 5, arrival: 10, off: 50, length: 50}},
		{{first: 1, count: 1, arrival: 30, off: 140, length: 60}},
	}
	sums := make([]shardSummary, len(shards))
	for i := range shards {
		for _, e := range entries[i] {
			sums[i].add(e)
		}
	}
	b := encodeIndex(12, 200, shards, sums, entries)
	name := filepath.Join(testDir, indexName(12))
	writeFileBytes(t, fsys, name, b)

	for _, full := range []bool{false, true} {
		ix, err := readIndex(fsys, name, full)
		if err != nil {
			t.Fatal(err)
		}
		if ix.segment != 12 || ix.covered != 200 || !reflect.DeepEqual(ix.shards, shards) || !reflect.DeepEqual(ix.sums, sums) {
			t.Fatalf("full=%v: read back %+v", full, ix)
		}
		if full && !reflect.DeepEqual(ix.entries, entries) {
			t.Fatalf("entries = %+v", ix.entries)
		}
	}
	// Every single-byte corruption is caught, by readIndex or when the
	// damaged block is read.
	for i := range b {
		d := append([]byte(nil), b...)
		d[i] ^= 0x40
		writeFileBytes(t, fsys, name, d)
		if _, err := readIndex(fsys, name, true); !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrUnsupportedVersion) {
			t.Fatalf("corrupting byte %d: %v", i, err)
		}
	}
}

func TestStateRoundTrip(t *testing.T) {
	st := stateFile{lastSegment: 9, lastArrival: 1234, shards: map[uint32]shardMark{
		0: {next: 5, lastArrival: 1000}, 77: {next: 1 << 40, lastArrival: 1234},
	}}
	got, err := decodeState(encodeState(st))
	if err != nil || !reflect.DeepEqual(got, st) {
		t.Fatalf("decodeState = %+v, %v", got, err)
	}
	empty := stateFile{shards: map[uint32]shardMark{}}
	if got, err := decodeState(encodeState(empty)); err != nil || !reflect.DeepEqual(got, empty) {
		t.Fatalf("empty state = %+v, %v", got, err)
	}
	// A missing file is an empty state.
	if got, err := readState(vfs.NewCrashableMem(), testDir); err != nil || len(got.shards) != 0 {
		t.Fatalf("readState(missing) = %+v, %v", got, err)
	}
}
