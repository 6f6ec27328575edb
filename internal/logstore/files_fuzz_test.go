package logstore

import (
	"errors"
	"path/filepath"
	"reflect"
	"testing"
)

// FuzzIndexFile replaces an index file of a cleanly closed log with
// arbitrary bytes: Open never fails or panics on it, and every record is
// still read back (an index that does not check is ignored and its segment
// scanned).
func FuzzIndexFile(f *testing.F) {
	mem, _, _ := sealedLog(f)
	idx := filepath.Join(testDir, indexName(2))
	good := readFileBytes(f, mem, idx)
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add(good[:indexHeaderSize])
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		mem, opts, m := sealedLog(t)
		writeFileBytes(t, mem, idx, b)
		l, err := Open(opts)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		defer l.Close()
		m.check(t, l)
	})
}

// FuzzStateFile decodes arbitrary bytes as a state file: decodeState
// returns a state or an error, never panics, and what it accepts encodes
// back to the same bytes.
func FuzzStateFile(f *testing.F) {
	st := stateFile{lastSegment: 7, lastArrival: 99, shards: map[uint32]shardMark{0: {next: 5, lastArrival: 90}, 3: {next: 1, lastArrival: 1}}}
	f.Add(encodeState(st))
	f.Add(encodeState(stateFile{shards: map[uint32]shardMark{}}))
	f.Add([]byte("SLST"))
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := decodeState(b)
		if err != nil {
			return
		}
		again, err := decodeState(encodeState(got))
		if err != nil || !reflect.DeepEqual(again, got) {
			t.Fatalf("accepted state does not round-trip: %+v / %+v, %v", got, again, err)
		}
	})
}

// FuzzStateFiles gives a log whose records all expired arbitrary bytes as
// one of its two state files: Open never fails or panics, and counters
// never go back while the other file is intact.
func FuzzStateFiles(f *testing.F) {
	mem, _ := expiredLog(f)
	f.Add(readFileBytes(f, mem, filepath.Join(testDir, stateName)), false)
	f.Add([]byte{}, true)
	f.Add([]byte("SLST\x01\x00"), false)
	f.Fuzz(func(t *testing.T, b []byte, copyFile bool) {
		mem, opts := expiredLog(t)
		name := stateName
		if copyFile {
			name = stateCopyName
		}
		writeFileBytes(t, mem, filepath.Join(testDir, name), b)
		l, err := Open(opts)
		if errors.Is(err, ErrUnsupportedVersion) {
			return // a newer version is refused, as it must be
		}
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		defer l.Close()
		if res := mustAppend(t, l, Batch{Shard: 0, Records: []Record{rec("after", 1)}}); res[0].FirstSeq < 6 {
			t.Fatalf("FirstSeq = %d: a counter went back", res[0].FirstSeq)
		}
	})
}
