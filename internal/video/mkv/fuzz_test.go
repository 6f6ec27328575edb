package mkv

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// fuzzLimits are small so that the fuzzer reaches the limits.
var fuzzLimits = Limits{MaxClusterBytes: 64 << 10, MaxHeaderBytes: 4 << 10}

// FuzzReader feeds arbitrary bodies to the Reader, whole and in pieces of
// 1 to 64 bytes. Properties:
//   - it never panics, and every error is an *Error whose offset lies in
//     the body;
//   - reading in pieces gives the same headers, clusters and error as
//     reading the body whole;
//   - memory is bounded: no Cluster.Raw beyond MaxClusterBytes, no
//     Header.Raw beyond MaxHeaderBytes plus the rewritten Segment head;
//   - Raw round-trips: reading a Header.Raw followed by a Cluster.Raw gives
//     that header (same Raw, scale and tracks) and that cluster (same Raw,
//     timecode and frames); so do ParseHeader and ParseCluster.
func FuzzReader(f *testing.F) {
	for _, seed := range fuzzSeeds() {
		f.Add(seed, uint8(3))
	}
	for _, fx := range fixtures {
		b, err := os.ReadFile(filepath.Join("testdata", fx.file))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, uint8(63))
	}
	f.Fuzz(func(t *testing.T, body []byte, chunk uint8) {
		items, err := readAll(bytes.NewReader(body), fuzzLimits)
		items2, err2 := readAll(&chunkReader{body, int(chunk%64) + 1}, fuzzLimits)
		if errString(err) != errString(err2) || len(items) != len(items2) {
			t.Fatalf("whole: %d items, %v; in pieces: %d items, %v", len(items), err, len(items2), err2)
		}
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v (%T) is not an *Error", err, err)
			}
			if e.Offset < 0 || e.Offset > int64(len(body)) {
				t.Fatalf("error offset %d outside the body of %d bytes", e.Offset, len(body))
			}
		}
		var h *Header
		for i, it := range items {
			if it.h != nil {
				h = it.h
				if len(h.Raw) > fuzzLimits.MaxHeaderBytes+12 {
					t.Fatalf("Header.Raw of %d bytes", len(h.Raw))
				}
				if !bytes.Equal(h.Raw, items2[i].h.Raw) {
					t.Fatalf("header %d differs when read in pieces", i)
				}
				continue
			}
			c := it.c
			if len(c.Raw) > fuzzLimits.MaxClusterBytes {
				t.Fatalf("Cluster.Raw of %d bytes", len(c.Raw))
			}
			if items2[i].c == nil || !bytes.Equal(c.Raw, items2[i].c.Raw) || !sameFrames(c.Frames, items2[i].c.Frames) {
				t.Fatalf("cluster %d differs when read in pieces", i)
			}
			again, err := readAll(bytes.NewReader(append(append([]byte{}, h.Raw...), c.Raw...)), fuzzLimits)
			if err != nil {
				t.Fatalf("re-reading header and cluster %d: %v", i, err)
			}
			if len(again) != 2 || again[0].h == nil || again[1].c == nil {
				t.Fatalf("re-reading header and cluster %d: %d items", i, len(again))
			}
			h2, c2 := again[0].h, again[1].c
			if !bytes.Equal(h2.Raw, h.Raw) || h2.TimecodeScale != h.TimecodeScale || !sameTracks(h2.Tracks, h.Tracks) {
				t.Fatalf("header differs when re-read")
			}
			if !bytes.Equal(c2.Raw, c.Raw) || c2.Timecode != c.Timecode || !sameFrames(c2.Frames, c.Frames) {
				t.Fatalf("cluster %d differs when re-read", i)
			}
			if h3, err := ParseHeader(h.Raw); err != nil || !bytes.Equal(h3.Raw, h.Raw) || !sameTracks(h3.Tracks, h.Tracks) {
				t.Fatalf("ParseHeader: %v", err)
			}
			if c3, err := ParseCluster(c.Raw, h); err != nil || c3.Timecode != c.Timecode || !sameFrames(c3.Frames, c.Frames) {
				t.Fatalf("ParseCluster of cluster %d: %v", i, err)
			}
		}
	})
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// fuzzSeeds are well-formed bodies of each shape the reader knows.
func fuzzSeeds() [][]byte {
	h := testHeader()
	c1 := AppendCluster(nil, 0, testFrames(0, 3, 8))
	c2 := AppendCluster(nil, 120, testFrames(120, 2, 5))
	cat := func(bs ...[]byte) []byte { return bytes.Join(bs, nil) }
	var laced []byte
	laced = appendUint(laced, idTimecode, 7)
	laced = appendMaster(laced, idSimpleBlock, []byte{0x82, 0, 1, 0x82, 2, 3, 1, 'a', 'b', 'c', 'd', 'e', 'f'})
	laced = appendMaster(laced, idSimpleBlock, []byte{0x82, 0, 2, 0x86, 1, 0x82, 'x', 'y', 'z'})
	laced = appendMaster(laced, idSimpleBlock, []byte{0x82, 0, 3, 0x84, 1, 'p', 'q'})
	ebml, info, tracks := splitHeaderBytes(h.Raw)
	seg := cat(appendMaster(nil, idVoid, []byte{0}), info, tracks, c1, appendMaster(nil, idCues, nil))
	return [][]byte{
		cat(h.Raw, c1, c2),
		cat(h.Raw, unknownSized(c1), AppendTags(nil, []SimpleTag{{"a", "b"}}), unknownSized(c2)),
		cat(h.Raw, c1, h.Raw, c2),
		cat(h.Raw, appendMaster(nil, idCluster, laced)),
		cat(ebml, appendMaster(nil, idSegment, seg), h.Raw, c2),
		cat(h.Raw, c1, AppendTags(nil, []SimpleTag{{TagFragmentNumber, "1"}})),
	}
}

// splitHeaderBytes splits a Header.Raw made by AppendHeader into the EBML
// header, Info and Tracks.
func splitHeaderBytes(raw []byte) (ebml, info, tracks []byte) {
	_, size, n := parseHead(raw)
	ebml, raw = raw[:n+int(size)], raw[n+int(size):]
	_, _, n = parseHead(raw)
	raw = raw[n:]
	_, size, n = parseHead(raw)
	return ebml, raw[:n+int(size)], raw[n+int(size):]
}
