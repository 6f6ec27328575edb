package fragments

import (
	"bytes"
	"context"
	"io"
	"sync"
	"testing"
	"time"

	"sluice/internal/storage/embedded"
	"sluice/internal/video"
	"sluice/internal/video/mkv"
)

// clock is a settable time.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type env struct {
	t     *testing.T
	dir   string
	clock *clock
	cfg   Config
	b     *embedded.Backend
	store *Store
}

func newEnv(t *testing.T, cfg Config) *env {
	e := &env{t: t, dir: t.TempDir(), clock: &clock{t: time.UnixMilli(1_700_000_000_000)}, cfg: cfg}
	e.open()
	t.Cleanup(e.close)
	return e
}

func (e *env) open() {
	b, err := embedded.Open(embedded.Options{Dir: e.dir, Now: e.clock.Now})
	if err != nil {
		e.t.Fatal(err)
	}
	cfg := e.cfg
	cfg.Now = e.clock.Now
	if cfg.Keys != nil {
		cfg.Meta = b.Meta()
	}
	e.b, e.store = b, New(cfg, b.Records())
}

func (e *env) close() {
	if e.store != nil {
		e.store.Close()
		e.b.Close()
		e.store = nil
	}
}

func (e *env) reopen() { e.close(); e.open() }

func testStream(hours int64) *video.Stream {
	return &video.Stream{ID: "abc123", Name: "cam", RetentionHours: hours}
}

func (e *env) stream(st *video.Stream) *Stream {
	fs, err := e.store.Open(context.Background(), st)
	if err != nil {
		e.t.Fatal(err)
	}
	return fs
}

func testHeader() *mkv.Header {
	h := &mkv.Header{
		TimecodeScale: mkv.DefaultTimecodeScale,
		Tracks: []mkv.Track{{Number: 1, UID: 1, Type: mkv.TrackVideo, CodecID: "V_MPEG4/ISO/AVC",
			CodecPrivate: []byte{1, 0x42, 0xC0, 0x1E, 0xFF, 0xE1, 0, 4, 0x67, 0x42, 0xC0, 0x1E}, DefaultDuration: 40_000_000,
			PixelWidth: 160, PixelHeight: 120}},
	}
	h.Raw = mkv.AppendHeader(nil, h)
	return h
}

// cluster makes a cluster of n video frames 40 ms apart from tc, the first
// a key frame (unless noKey).
func cluster(tc int64, n, size int, noKey bool) []byte {
	var fs []mkv.Frame
	for i := range n {
		fs = append(fs, mkv.Frame{Track: 1, Timecode: tc + int64(40*i), Key: i == 0 && !noKey, Data: bytes.Repeat([]byte{byte(tc/40 + int64(i))}, size)})
	}
	return mkv.AppendCluster(nil, tc, fs)
}

// body is a header and clusters at timecodes 0, 2000, ...
func body(n int) ([]byte, [][]byte) {
	b := testHeader().Raw
	var cs [][]byte
	for i := range n {
		c := cluster(int64(i*2000), 50, 100, false)
		cs = append(cs, c)
		b = append(b, c...)
	}
	return b, cs
}

// ingest runs a session over r and returns its ACKs and error.
func ingest(fs *Stream, r io.Reader, p IngestParams) ([]Ack, error) {
	var acks []Ack
	var mu sync.Mutex
	err := fs.Ingest(context.Background(), r, p, func(a Ack) error {
		mu.Lock()
		acks = append(acks, a)
		mu.Unlock()
		return nil
	})
	return acks, err
}

func events(acks []Ack) string {
	var b bytes.Buffer
	for _, a := range acks {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(a.EventType[:1])
		if a.EventType == EventError {
			b.WriteString(ErrorCodes[a.ErrorID])
		}
	}
	return b.String()
}
