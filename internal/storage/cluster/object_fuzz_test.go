package cluster

import (
	"bytes"
	"fmt"
	"testing"

	"sluice/internal/storage"
)

// encodeTestFrames encodes frames of records for the fuzz seeds and the
// round-trip test: n frames of shard 7, counters from 1.
func encodeTestFrames(frames [][]storage.Record) []byte {
	var b []byte
	first := uint64(1)
	for i, recs := range frames {
		var payload []byte
		for _, r := range recs {
			payload = appendRecord(payload, r)
		}
		b = appendFrame(b, 7, first, len(recs), int64(1_700_000_000_000+i), payload)
		first += uint64(len(recs))
	}
	return b
}

// FuzzWalkFrames feeds arbitrary bytes, whole and in prefixes, to the
// object decoder. Properties: it never panics; the intact frames and the
// damaged byte ranges it reports lie inside the input, in order, without
// overlapping, and (reading from the start) together cover all of it;
// every frame it reports decodes again on its own, and none before the
// counter it reads from; and an object's header check and the etcd value
// decoders never panic either.
func FuzzWalkFrames(f *testing.F) {
	good := encodeTestFrames([][]storage.Record{
		{{PartitionKey: "a", Data: []byte("one")}, {PartitionKey: "b", Data: []byte("two")}},
		{{PartitionKey: "", Data: nil}},
		{{PartitionKey: "c", Data: bytes.Repeat([]byte("x"), 300)}},
	})
	f.Add(good)
	f.Add(good[:len(good)/2])
	flipped := bytes.Clone(good)
	flipped[frameHeaderSize+3] ^= 0x40
	f.Add(flipped)
	f.Add(append(appendObjectHeader(nil), good...))
	f.Add([]byte{})
	f.Add(encodeRange(rangeVal{object: "o", off: 8, size: 40, last: 9, minArrival: 1, maxArrival: 2}))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, n := range []int{len(b), len(b) / 2, len(b) / 3} {
			checkWalk(t, b[:n])
			checkWalkFrom(t, b[:n], uint64(n%5))
		}
		checkObjectHeader(b)
		decodeRange(b)
		decodeMark(b)
	})
}

func checkWalk(t *testing.T, b []byte) {
	covered := 0
	walkFrames(b, 0, func(off int, h frameHeader, payload []byte) bool {
		if off != covered || off+h.size() > len(b) {
			t.Fatalf("frame at %d (size %d): covered %d of %d", off, h.size(), covered, len(b))
		}
		if h2, p2, ok := decodeFrame(b[off : off+h.size()]); !ok || h2 != h || !bytes.Equal(p2, payload) {
			t.Fatalf("frame at %d does not decode again", off)
		}
		covered = off + h.size()
		return true
	}, func(off, n int) {
		if off != covered || n <= 0 || off+n > len(b) {
			t.Fatalf("damage at %d+%d: covered %d of %d", off, n, covered, len(b))
		}
		covered = off + n
	})
	if covered != len(b) {
		t.Fatalf("walked %d of %d bytes", covered, len(b))
	}
}

// checkWalkFrom checks a walk that steps over the frames before from: what
// it reports lies inside b, in order, without overlapping.
func checkWalkFrom(t *testing.T, b []byte, from uint64) {
	end := 0
	walkFrames(b, from, func(off int, h frameHeader, _ []byte) bool {
		if off < end || off+h.size() > len(b) || h.last() < from {
			t.Fatalf("frame at %d (size %d, last %d): end %d of %d, from %d", off, h.size(), h.last(), end, len(b), from)
		}
		end = off + h.size()
		return true
	}, func(off, n int) {
		if off < end || n <= 0 || off+n > len(b) {
			t.Fatalf("damage at %d+%d: end %d of %d", off, n, end, len(b))
		}
		end = off + n
	})
}

// TestFramesRoundTrip checks that records encoded in frames come back as
// they went in, across frame boundaries, and that damage in one frame
// costs only that frame.
func TestFramesRoundTrip(t *testing.T) {
	var frames [][]storage.Record
	for i := range 5 {
		var recs []storage.Record
		for j := range i + 1 {
			recs = append(recs, storage.Record{PartitionKey: fmt.Sprintf("k%d%d", i, j), Data: []byte(fmt.Sprintf("data%d%d", i, j))})
		}
		frames = append(frames, recs)
	}
	b := encodeTestFrames(frames)
	read := func(b []byte) (got []string, damaged int) {
		walkFrames(b, 0, func(_ int, h frameHeader, payload []byte) bool {
			walkRecords(payload, h.count, func(i int, key, data []byte) {
				got = append(got, fmt.Sprintf("%d:%s=%s", h.first+uint64(i), key, data))
			})
			return true
		}, func(int, int) { damaged++ })
		return got, damaged
	}
	got, damaged := read(b)
	if len(got) != 15 || damaged != 0 || got[0] != "1:k00=data00" || got[14] != "15:k44=data44" {
		t.Fatalf("decoded %v, %d damaged", got, damaged)
	}
	// Damage the third frame (records 4..6): the others survive.
	off := 0
	for range 2 {
		h, _, _ := decodeFrame(b[off:])
		off += h.size()
	}
	b[off+frameHeaderSize+2] ^= 1
	got, damaged = read(b)
	if len(got) != 12 || damaged != 1 || got[3] != "7:k30=data30" {
		t.Fatalf("after damage: %v, %d damaged", got, damaged)
	}
}

func TestValuesRoundTrip(t *testing.T) {
	v := rangeVal{object: objectName(42, timeZero()), off: 8, size: 1 << 40, last: 1<<63 - 1, minArrival: -5, maxArrival: 1 << 50}
	got, err := decodeRange(encodeRange(v))
	if err != nil || got != v {
		t.Fatalf("range round trip: %+v, %v", got, err)
	}
	m := shardMark{next: 12345, lastArrival: 1_700_000_000_000}
	if got, err := decodeMark(encodeMark(m)); err != nil || got != m {
		t.Fatalf("mark round trip: %+v, %v", got, err)
	}
	seq, written, ok := parseObjectName(v.object)
	if !ok || seq != 42 || !written.Equal(timeZero()) {
		t.Fatalf("object name %s: %d %v %v", v.object, seq, written, ok)
	}
	k := newKeys("/p/")
	shard, first, err := k.parseRangeKey("id", k.rangeKey("id", 0xabcdef01, 77))
	if err != nil || shard != 0xabcdef01 || first != 77 {
		t.Fatalf("range key round trip: %x %d %v", shard, first, err)
	}
	if newKeys("/").objects("id") != "records/id/" || k.objects("id") != "p/records/id/" {
		t.Fatalf("object prefixes: %q %q", newKeys("/").objects("id"), k.objects("id"))
	}
}
