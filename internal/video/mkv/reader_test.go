package mkv

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

func TestReadRoundTrip(t *testing.T) {
	h := testHeader()
	f1, f2 := testFrames(0, 5, 100), testFrames(200, 3, 1000)
	c1, c2 := AppendCluster(nil, 0, f1), AppendCluster(nil, 200, f2)
	body := append(append(append([]byte{}, h.Raw...), c1...), c2...)

	for name, r := range map[string]func() io.Reader{
		"whole":    func() io.Reader { return bytes.NewReader(body) },
		"one byte": func() io.Reader { return iotest.OneByteReader(bytes.NewReader(body)) },
		"7 bytes":  func() io.Reader { return &chunkReader{body, 7} },
	} {
		t.Run(name, func(t *testing.T) {
			items, err := readAll(r(), Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if len(items) != 3 || items[0].h == nil || items[1].c == nil || items[2].c == nil {
				t.Fatalf("got %d items, want header, cluster, cluster", len(items))
			}
			got := items[0].h
			if !bytes.Equal(got.Raw, h.Raw) {
				t.Errorf("Header.Raw differs from the header written")
			}
			if got.TimecodeScale != DefaultTimecodeScale || !sameTracks(got.Tracks, h.Tracks) {
				t.Errorf("header = %+v, want %+v", got, h)
			}
			for i, want := range []struct {
				tc     int64
				raw    []byte
				frames []Frame
			}{{0, c1, f1}, {200, c2, f2}} {
				c := items[1+i].c
				if c.Timecode != want.tc || !bytes.Equal(c.Raw, want.raw) || !sameFrames(c.Frames, want.frames) {
					t.Errorf("cluster %d: timecode %d, %d frames, raw equal %v; want %d, %d frames",
						i, c.Timecode, len(c.Frames), bytes.Equal(c.Raw, want.raw), want.tc, len(want.frames))
				}
			}
		})
	}
}

// TestUnknownSizes reads what ffmpeg's -live 1 writes: a Segment and
// Clusters of unknown size, each cluster ending where the next top-level
// element starts, then a second document in the same body.
func TestUnknownSizes(t *testing.T) {
	h := testHeader()
	f1, f2 := testFrames(0, 4, 50), testFrames(160, 4, 50)
	c1, c2 := AppendCluster(nil, 0, f1), AppendCluster(nil, 160, f2)
	// The second document has the video track only.
	h2 := &Header{TimecodeScale: 1000, Tracks: h.Tracks[:1]}
	h2.Raw = AppendHeader(nil, h2)
	var f3 []Frame
	for _, f := range testFrames(0, 2, 10) {
		if f.Track == 1 {
			f3 = append(f3, f)
		}
	}
	c3 := AppendCluster(nil, 0, f3)
	var tagsGot [][]SimpleTag

	var body []byte
	body = append(body, h.Raw...)
	body = append(body, unknownSized(c1)...)
	body = AppendTags(body, []SimpleTag{{"PRODUCER_TAG", "a"}})
	body = append(body, unknownSized(c2)...)
	body = append(body, h2.Raw...) // a new document ends the cluster and the segment
	body = append(body, unknownSized(c3)...)

	items, err := readAll(&chunkReader{body, 3}, Limits{OnTags: func(t []SimpleTag) { tagsGot = append(tagsGot, t) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 5 {
		t.Fatalf("got %d items, want 5", len(items))
	}
	for i, want := range []struct {
		raw    []byte
		frames []Frame
	}{{c1, f1}, {c2, f2}, {nil, nil}, {c3, f3}} {
		it := items[i+1]
		if want.raw == nil {
			if it.h == nil || !bytes.Equal(it.h.Raw, h2.Raw) || it.h.TimecodeScale != 1000 || len(it.h.Tracks) != 1 {
				t.Errorf("item %d: want the second header, got %+v", i+1, it)
			}
			continue
		}
		if it.c == nil || !bytes.Equal(it.c.Raw, want.raw) || !sameFrames(it.c.Frames, want.frames) {
			t.Errorf("item %d: cluster differs (raw % X…)", i+1, it.c.Raw[:min(16, len(it.c.Raw))])
		}
	}
	if len(tagsGot) != 1 || len(tagsGot[0]) != 1 || tagsGot[0][0] != (SimpleTag{"PRODUCER_TAG", "a"}) {
		t.Errorf("OnTags got %v", tagsGot)
	}
}

// TestKnownSizeSegment reads a file-like document: a Segment of known size
// with SeekHead, Void and Cues around Info and Tracks; Header.Raw keeps only
// the EBML header, Info and Tracks.
func TestKnownSizeSegment(t *testing.T) {
	h := testHeader()
	ebml, info, tracks := splitHeaderBytes(h.Raw)
	c := AppendCluster(nil, 0, testFrames(0, 3, 20))
	var seg []byte
	seg = appendMaster(seg, idSeekHead, []byte{0x4D, 0xBB, 0x80})
	seg = appendMaster(seg, idVoid, make([]byte, 30))
	seg = append(seg, info...)
	seg = appendMaster(seg, idTags, appendMaster(nil, idTag, nil))
	seg = append(seg, tracks...)
	seg = append(seg, c...)
	seg = appendMaster(seg, idCues, make([]byte, 10))
	body := append(append([]byte{}, ebml...), appendMaster(nil, idSegment, seg)...)
	body = append(body, h.Raw...) // a second document, header only
	items := mustReadAll(t, body)
	if len(items) != 3 || items[0].h == nil || items[1].c == nil || items[2].h == nil {
		t.Fatalf("got %+v, want header, cluster, header", items)
	}
	if !bytes.Equal(items[0].h.Raw, h.Raw) || !bytes.Equal(items[2].h.Raw, h.Raw) {
		t.Errorf("Header.Raw is not EBML header + unknown-size Segment + Info + Tracks")
	}
	if !bytes.Equal(items[1].c.Raw, c) {
		t.Errorf("Cluster.Raw differs")
	}
}

func TestLacing(t *testing.T) {
	h := &Header{TimecodeScale: DefaultTimecodeScale, Tracks: []Track{
		{Number: 1, Type: TrackAudio, CodecID: "A_AAC", DefaultDuration: 20_000_000},
	}}
	h.Raw = AppendHeader(nil, h)
	frames := [][]byte{bytes.Repeat([]byte{1}, 300), bytes.Repeat([]byte{2}, 10), bytes.Repeat([]byte{3}, 255), {4}}
	block := func(lacing byte, sizes []byte, fs [][]byte) []byte {
		b := []byte{0x81, 0x00, 0x0A, 0x80 | lacing<<1, byte(len(fs) - 1)}
		b = append(b, sizes...)
		for _, f := range fs {
			b = append(b, f...)
		}
		return b
	}
	// Xiph: 300 = 255+45, 10, 255 = 255+0.
	xiph := block(1, []byte{255, 45, 10, 255, 0}, frames)
	// EBML: 300 as a vint, then 10-300 = -290, 255-10 = 245 as signed vints
	// of 2 bytes (bias 8191).
	ebmlSizes := appendSize(nil, 300)
	for _, d := range []int{-290, 245} {
		v := uint64(d + 8191)
		ebmlSizes = append(ebmlSizes, 0x40|byte(v>>8), byte(v))
	}
	ebml := block(3, ebmlSizes, frames)
	fixedFrames := [][]byte{{1, 1, 1}, {2, 2, 2}, {3, 3, 3}}
	fixed := block(2, nil, fixedFrames)

	for name, tc := range map[string]struct {
		block  []byte
		frames [][]byte
	}{"xiph": {xiph, frames}, "ebml": {ebml, frames}, "fixed": {fixed, fixedFrames}} {
		t.Run(name, func(t *testing.T) {
			var cl []byte
			cl = appendUint(cl, idTimecode, 1000)
			cl = appendMaster(cl, idSimpleBlock, tc.block)
			body := append(append([]byte{}, h.Raw...), appendMaster(nil, idCluster, cl)...)
			items := mustReadAll(t, body)
			c := items[1].c
			if len(c.Frames) != len(tc.frames) {
				t.Fatalf("got %d frames, want %d", len(c.Frames), len(tc.frames))
			}
			for i, f := range c.Frames {
				if !bytes.Equal(f.Data, tc.frames[i]) || f.Timecode != 1010+int64(20*i) || !f.Key || f.Track != 1 {
					t.Errorf("frame %d: track %d tc %d key %v %d bytes", i, f.Track, f.Timecode, f.Key, len(f.Data))
				}
			}
		})
	}
}

func TestBlockGroupKeyAndDuration(t *testing.T) {
	h := testHeader()
	fs := []Frame{
		{Track: 1, Timecode: 100, Duration: 40, Key: true, Data: []byte("key")},
		{Track: 1, Timecode: 140, Duration: 40, Key: false, Data: []byte("delta")},
		{Track: 1, Timecode: 180, Key: false, Data: []byte("simple delta")},
	}
	items := mustReadAll(t, append(append([]byte{}, h.Raw...), AppendCluster(nil, 100, fs)...))
	c := items[1].c
	if !sameFrames(c.Frames, fs) {
		t.Errorf("frames = %+v, want %+v", c.Frames, fs)
	}
	if !c.StartsWithKeyFrame(1) || c.StartsWithKeyFrame(2) {
		t.Errorf("StartsWithKeyFrame(1, 2) = %v, %v", c.StartsWithKeyFrame(1), c.StartsWithKeyFrame(2))
	}
	if first, last, ok := c.Span(); first != 100 || last != 180 || !ok {
		t.Errorf("Span = %d, %d, %v", first, last, ok)
	}
	// The last frame has no Duration: track 1's DefaultDuration (40 ms).
	if d := c.Duration(h); d != 120 {
		t.Errorf("Duration = %d, want 120", d)
	}
	if d := c.Duration(nil); d != 80 {
		t.Errorf("Duration(nil) = %d, want 80", d)
	}
	if n := c.FrameCount(1); n != 3 {
		t.Errorf("FrameCount(1) = %d", n)
	}
}

func TestNegativeRelativeTimecode(t *testing.T) {
	h := testHeader()
	fs := []Frame{{Track: 1, Timecode: 5000, Key: true, Data: []byte{1}}, {Track: 1, Timecode: 5000 - 32768, Data: []byte{2}}}
	items := mustReadAll(t, append(append([]byte{}, h.Raw...), AppendCluster(nil, 5000, fs)...))
	if got := items[1].c.Frames[1].Timecode; got != 5000-32768 {
		t.Errorf("timecode = %d", got)
	}
}

// TestOnClusterStart checks the hook runs once the Timecode has arrived,
// while the cluster's blocks are still on their way.
func TestOnClusterStart(t *testing.T) {
	h := testHeader()
	c := unknownSized(AppendCluster(nil, 777, testFrames(777, 3, 100)))
	pr, pw := io.Pipe()
	started := make(chan int64, 1)
	r := NewReader(pr, Limits{OnClusterStart: func(tc int64) { started <- tc }})
	go func() {
		_, _ = pw.Write(h.Raw)
		_, _ = pw.Write(c[:12+4]) // Cluster head and Timecode (E7 82 03 09)
	}()
	if hh, _, err := r.Next(); err != nil || hh == nil {
		t.Fatalf("Next = %v, %v; want the header", hh, err)
	}
	done := make(chan *Cluster)
	go func() {
		_, cl, _ := r.Next()
		done <- cl
	}()
	select {
	case tc := <-started:
		if tc != 777 {
			t.Errorf("OnClusterStart(%d), want 777", tc)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("OnClusterStart not called once the Timecode arrived")
	}
	select {
	case <-done:
		t.Fatal("Next returned before the cluster was complete")
	default:
	}
	_, _ = pw.Write(c[16:])
	_ = pw.Close()
	if cl := <-done; cl == nil || cl.Timecode != 777 || len(cl.Frames) != 6 {
		t.Fatalf("cluster = %+v", cl)
	}
	if _, _, err := r.Next(); err != io.EOF {
		t.Errorf("after the last cluster: %v, want io.EOF", err)
	}
}

func TestGetMediaChunksReadBack(t *testing.T) {
	h := testHeader()
	var out bytes.Buffer
	var clusters [][]byte
	for i := range 3 {
		tc := int64(i) * 1000
		c := AppendCluster(nil, tc, testFrames(tc, 2, 30))
		clusters = append(clusters, c)
		number := []SimpleTag{{TagFragmentNumber, "9134385233375400937141249386220411277217600206" + string(rune('0'+i))}}
		if _, err := WriteChunk(&out, h.Raw, number, c, []SimpleTag{{TagMillisBehindNow, "12"}}); err != nil {
			t.Fatal(err)
		}
	}
	var tags [][]SimpleTag
	items, err := readAll(bytes.NewReader(out.Bytes()), Limits{OnTags: func(t []SimpleTag) { tags = append(tags, t) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 6 {
		t.Fatalf("%d items, want 6", len(items))
	}
	for i := range 3 {
		if items[2*i].h == nil || !bytes.Equal(items[2*i+1].c.Raw, clusters[i]) {
			t.Errorf("chunk %d: not a header and its cluster", i)
		}
	}
	// Before each cluster its number, after it the millis behind.
	if len(tags) != 6 || tags[4][0].Name != TagFragmentNumber || !strings.HasSuffix(tags[4][0].Value, "2") || tags[5][0] != (SimpleTag{TagMillisBehindNow, "12"}) {
		t.Errorf("tags = %v", tags)
	}
}

func TestCleanEnds(t *testing.T) {
	h := testHeader()
	if items, err := readAll(bytes.NewReader(nil), Limits{}); err != nil || len(items) != 0 {
		t.Errorf("empty body: %v, %v", items, err)
	}
	// A document with no cluster yet still gives its header.
	items := mustReadAll(t, h.Raw)
	if len(items) != 1 || items[0].h == nil {
		t.Errorf("header only: %+v", items)
	}
}

func TestErrors(t *testing.T) {
	h := testHeader()
	cluster := AppendCluster(nil, 0, testFrames(0, 2, 10))
	cat := func(bs ...[]byte) []byte { return bytes.Join(bs, nil) }
	hdr := func(tracks ...Track) []byte { return AppendHeader(nil, &Header{Tracks: tracks}) }
	video := Track{Number: 1, Type: TrackVideo, CodecID: "V_MPEG4/ISO/AVC"}
	badDocType := func() []byte {
		b := append([]byte{}, h.Raw...)
		i := bytes.Index(b, []byte("matroska"))
		copy(b[i:], "matrosky")
		return b
	}()
	var noTc []byte
	noTc = appendMaster(noTc, idSimpleBlock, []byte{0x81, 0, 0, 0x80, 1})
	clusterTooLong := append([]byte{}, cluster...)
	clusterTooLong[4] += 1 // a size byte of the Cluster: now it claims one byte more than its children
	for _, tc := range []struct {
		name   string
		body   []byte
		limits Limits
		id     ErrorID
		offset int64 // -1: do not check
		msg    string
		eof    bool // wraps io.ErrUnexpectedEOF
	}{
		{"not EBML", []byte("GET / HTTP/1.1\r\n"), Limits{}, ErrorInvalidMKV, 0, "expected an EBML header", false},
		{"zero byte", []byte{0}, Limits{}, ErrorInvalidMKV, 0, "invalid element ID", false},
		{"DocType", badDocType, Limits{}, ErrorInvalidMKV, -1, "DocType", false},
		{"too many tracks", hdr(video, Track{Number: 2}, Track{Number: 3}, Track{Number: 4}), Limits{}, ErrorTooManyTracks, -1, "more than 3 tracks", false},
		{"duplicate track", hdr(video, video), Limits{}, ErrorInvalidMKV, -1, "second track numbered 1", false},
		{"track 0", hdr(Track{Number: 0}), Limits{}, ErrorInvalidMKV, -1, "without a TrackNumber", false},
		{"undeclared track", cat(hdr(video), cluster), Limits{}, ErrorTrackMismatch, -1, "block for track 2", false},
		{"no tracks", cat(h.Raw[:bytes.Index(h.Raw, []byte{0x16, 0x54, 0xAE, 0x6B})], cluster), Limits{}, ErrorInvalidMKV, -1, "no Tracks", false},
		{"cluster too large (size)", cat(h.Raw, cluster), Limits{MaxClusterBytes: len(cluster) - 1}, ErrorFragmentTooLarge, int64(len(h.Raw)), "more than", false},
		{"cluster too large (unknown size)", cat(h.Raw, unknownSized(cluster)), Limits{MaxClusterBytes: len(cluster) - 1}, ErrorFragmentTooLarge, int64(len(h.Raw)), "more than", false},
		{"cluster at the limit", cat(h.Raw, unknownSized(cluster), cluster), Limits{MaxClusterBytes: len(cluster)}, 0, 0, "", false},
		{"header too large", h.Raw, Limits{MaxHeaderBytes: len(h.Raw) - 20}, ErrorInvalidMKV, -1, "larger than", false},
		{"block before timecode", cat(h.Raw, appendMaster(nil, idCluster, noTc)), Limits{}, ErrorInvalidMKV, int64(len(h.Raw) + 4 + 1), "before the Cluster's Timecode", false},
		{"cluster without timecode", cat(h.Raw, appendMaster(nil, idCluster, nil)), Limits{}, ErrorInvalidMKV, int64(len(h.Raw)), "without a Timecode", false},
		{"unknown-size Info", cat(h.Raw[:bytes.Index(h.Raw, []byte{0x15, 0x49, 0xA9, 0x66})], []byte{0x15, 0x49, 0xA9, 0x66, 0xFF}), Limits{}, ErrorInvalidMKV, -1, "unknown size", false},
		{"truncated cluster", cat(h.Raw, cluster[:len(cluster)-3]), Limits{}, ErrorInvalidMKV, int64(len(h.Raw) + len(cluster) - 3), "ends inside", true},
		{"truncated unknown-size cluster", cat(h.Raw, unknownSized(cluster)[:len(cluster)]), Limits{}, ErrorInvalidMKV, -1, "ends inside", true},
		{"truncated head", cat(h.Raw, cluster[:2]), Limits{}, ErrorInvalidMKV, -1, "ends inside", true},
		{"truncated header", h.Raw[:len(h.Raw)-1], Limits{}, ErrorInvalidMKV, -1, "ends inside", true},
		{"EBML header only", h.Raw[:bytes.Index(h.Raw, []byte{0x18, 0x53, 0x80, 0x67})], Limits{}, ErrorInvalidMKV, -1, "ends inside", true},
		{"child past cluster end", cat(h.Raw, clusterTooLong), Limits{}, ErrorInvalidMKV, -1, "", true},
		{"segment in segment", cat(h.Raw, []byte{0x18, 0x53, 0x80, 0x67, 0x80}), Limits{}, ErrorInvalidMKV, int64(len(h.Raw)), "Segment inside a Segment", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := readAll(&chunkReader{tc.body, 5}, tc.limits)
			if tc.id == 0 {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error, want %d", tc.id)
			}
			e := asError(t, err)
			if e.ID != tc.id || (tc.offset >= 0 && e.Offset != tc.offset) || !strings.Contains(e.Error(), tc.msg) {
				t.Errorf("error %v (ID %d, offset %d); want ID %d, offset %d, %q", e, e.ID, e.Offset, tc.id, tc.offset, tc.msg)
			}
			if e.Offset < 0 || e.Offset > int64(len(tc.body)) {
				t.Errorf("offset %d outside the body of %d bytes", e.Offset, len(tc.body))
			}
			if got := errors.Is(err, io.ErrUnexpectedEOF); got != tc.eof {
				t.Errorf("errors.Is(err, io.ErrUnexpectedEOF) = %v", got)
			}
			if ErrorIDOf(err) != tc.id {
				t.Errorf("ErrorIDOf = %d", ErrorIDOf(err))
			}
		})
	}
}

// TestUntrueSizeIsNotAllocated checks a size field alone does not make the
// reader allocate it: a cluster claiming 48 MiB (within the limit), then
// nothing. The reader starts with 1 MiB.
func TestUntrueSizeIsNotAllocated(t *testing.T) {
	h := testHeader()
	var body []byte
	body = append(body, h.Raw...)
	body = appendID(body, idCluster)
	body = append(body, 0x01, 0, 0, 0, 0x03, 0x00, 0x00, 0x00) // 50,331,648 bytes
	body = appendUint(body, idTimecode, 0)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range 10 {
		_, _ = readAll(bytes.NewReader(body), Limits{})
	}
	runtime.ReadMemStats(&after)
	if allocs := (after.TotalAlloc - before.TotalAlloc) / 10; allocs > 2<<20 {
		t.Errorf("reading a truncated 48 MiB cluster allocated %d bytes", allocs)
	}
}

type failingReader struct{ err error }

func (r failingReader) Read([]byte) (int, error) { return 0, r.err }

func TestReadErrorPropagates(t *testing.T) {
	h := testHeader()
	boom := errors.New("connection reset")
	_, err := readAll(io.MultiReader(bytes.NewReader(h.Raw[:40]), failingReader{boom}), Limits{})
	e := asError(t, err)
	if e.ID != ErrorStreamRead || !errors.Is(err, boom) || e.Offset != 40 {
		t.Errorf("error %v (ID %d, offset %d); want 4000 at 40 wrapping the reader's", e, e.ID, e.Offset)
	}
	if ErrorIDOf(boom) != ErrorStreamRead {
		t.Errorf("ErrorIDOf(other error) = %d", ErrorIDOf(boom))
	}
}

func TestErrorIsSticky(t *testing.T) {
	r := NewReader(strings.NewReader("nope"), Limits{})
	_, _, err1 := r.Next()
	_, _, err2 := r.Next()
	if err1 == nil || err1 != err2 {
		t.Errorf("errors %v, %v", err1, err2)
	}
}

func TestParseHeaderAndCluster(t *testing.T) {
	h := testHeader()
	fs := testFrames(300, 4, 33)
	raw := AppendCluster(nil, 300, fs)
	h2, err := ParseHeader(h.Raw)
	if err != nil || !bytes.Equal(h2.Raw, h.Raw) || !sameTracks(h2.Tracks, h.Tracks) {
		t.Fatalf("ParseHeader = %+v, %v", h2, err)
	}
	c, err := ParseCluster(raw, h2)
	if err != nil || c.Timecode != 300 || !sameFrames(c.Frames, fs) || &c.Raw[0] != &raw[0] {
		t.Fatalf("ParseCluster = %+v, %v", c, err)
	}
	for name, bad := range map[string][]byte{
		"empty":        nil,
		"not cluster":  h.Raw,
		"short":        raw[:len(raw)-1],
		"unknown size": unknownSized(raw),
	} {
		if _, err := ParseCluster(bad, h); ErrorIDOf(err) != ErrorInvalidMKV {
			t.Errorf("%s: error %v", name, err)
		}
	}
	if _, err := ParseCluster(raw, &Header{Tracks: h.Tracks[:1]}); ErrorIDOf(err) != ErrorTrackMismatch {
		t.Errorf("undeclared track: error %v", err)
	}
	if _, err := ParseHeader(nil); ErrorIDOf(err) != ErrorInvalidMKV {
		t.Errorf("ParseHeader(nil): %v", err)
	}
	if _, err := ParseHeader(raw); ErrorIDOf(err) != ErrorInvalidMKV {
		t.Errorf("ParseHeader(cluster): %v", err)
	}
}
