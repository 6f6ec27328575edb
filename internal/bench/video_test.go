package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/kinesisvideo"
	kvtypes "github.com/aws/aws-sdk-go-v2/service/kinesisvideo/types"

	"sluice/internal/testserver"
	"sluice/internal/video/mkv"
)

// The video workloads end to end with tiny numbers: fragments PERSISTED
// with their latencies, none refused, the live readers get every one,
// the store's readers fetch HLS segments and clips, and the video streams
// are deleted.
func TestVideoWorkloads(t *testing.T) {
	srv := testserver.Start(t)
	for _, tc := range []struct {
		workload string
		phases   []string
	}{
		{"video-put", []string{"put"}},
		{"video-live", []string{"put"}},
		{"video-store", []string{"store", "hls", "clip"}},
	} {
		t.Run(tc.workload, func(t *testing.T) {
			c := quick(srv, tc.workload)
			c.Fragment, c.FPS, c.Bitrate, c.StreamProducers, c.ServerPID = 200*time.Millisecond, 10, 400_000, 2, os.Getpid()
			c.Warmup, c.Duration = 400*time.Millisecond, time.Second
			if tc.workload == "video-store" {
				c.StreamProducers, c.Concurrency, c.VideoHours, c.Clip = 1, 2, 0.02, 5*time.Second
			}
			res := runQuick(t, srv, c)
			if len(res.Phases) != len(tc.phases) {
				t.Fatalf("phases %+v, want %v", res.Phases, tc.phases)
			}
			for i, p := range res.Phases {
				if p.Name != tc.phases[i] || len(p.Errors) > 0 {
					t.Errorf("phase %d: %+v, want %s", i, p, tc.phases[i])
				}
			}
			v := res.Video
			if v == nil || res.Records == 0 || v.Fragments != res.Records || v.Unacknowledged != 0 || v.MbitPerSec <= 0 || v.ServerCPUPerMiB <= 0 {
				t.Fatalf("video %+v, headline %+v", v, res.Phase)
			}
			if res.Latency.Count != res.Records || res.Latency.P99 > res.Latency.Max || v.BufferingToPersisted.Count != res.Records {
				t.Errorf("latency %+v, BUFFERING -> PERSISTED %+v", res.Latency, v.BufferingToPersisted)
			}
			switch tc.workload {
			case "video-put":
				if v.Streams != 2 || v.Producers != 4 || v.Live != nil {
					t.Errorf("video %+v", v)
				}
				// 4 producers x 1 s of 200 ms fragments.
				if res.Records < 16 || res.Records > 24 {
					t.Errorf("%d fragments measured, want about 20", res.Records)
				}
				// BUFFERING comes with the first frame, PERSISTED after the
				// last, 100 ms later at 10 fps.
				if v.BufferingToPersisted.P50 < 95 {
					t.Errorf("BUFFERING -> PERSISTED %+v: less than the fragment's frames take", v.BufferingToPersisted)
				}
			case "video-live":
				if v.Live == nil || v.LiveAcked != res.Records || v.LiveReceived != v.LiveAcked || v.LiveMissing != 0 || v.Live.Count != v.LiveReceived {
					t.Errorf("live %+v of %+v", v.Live, v)
				}
			case "video-store":
				if v.HoursStored < 0.019 || v.Speedup <= 1 || res.Memory == nil || len(res.Memory.Samples) < 2 {
					t.Errorf("store %+v, memory %+v", v, res.Memory)
				}
				// Each session fetches two playlists, but for those each of
				// the c.Concurrency readers had under way when the store ended.
				if res.Phases[1].Records == 0 || v.HLSSessions == 0 || v.HLSPlaylists < 2*(v.HLSSessions-int64(c.Concurrency)) {
					t.Errorf("HLS: %+v, %d sessions, %d playlists", res.Phases[1], v.HLSSessions, v.HLSPlaylists)
				}
				if res.Phases[2].Records == 0 || res.Phases[2].Bytes == 0 {
					t.Errorf("clips: %+v", res.Phases[2])
				}
			}
			out, err := srv.VideoClient().ListStreams(context.Background(), &kinesisvideo.ListStreamsInput{})
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range out.StreamInfoList {
				if s.Status != kvtypes.StatusDeleting {
					t.Errorf("video stream %s left %s", *s.StreamName, s.Status)
				}
			}
			var text bytes.Buffer
			if err := res.WriteText(&text); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(text.String(), "fragments PERSISTED while measuring") {
				t.Errorf("report:\n%s", text.String())
			}
		})
	}
}

func TestFrameSizes(t *testing.T) {
	for _, tc := range []struct {
		bitrate  float64
		fragment time.Duration
		fps      int
		frames   int
	}{
		{2e6, 2 * time.Second, 25, 50},
		{2e6, time.Second, 30, 30},
		{1e6, 100 * time.Millisecond, 25, 3}, // 2.5 frames round to 3
		{10_000, 100 * time.Millisecond, 240, 24},
		{5e6, time.Second, 1, 1},
	} {
		sizes := frameSizes(tc.bitrate, tc.fragment, tc.fps)
		if len(sizes) != tc.frames {
			t.Errorf("%+v: %d frames, want %d", tc, len(sizes), tc.frames)
			continue
		}
		sum := 0
		for i, n := range sizes {
			if n < minFrameBytes {
				t.Errorf("%+v: frame %d of %d bytes", tc, i, n)
			}
			sum += n
		}
		want := int(tc.bitrate / 8 * tc.fragment.Seconds())
		if sum != max(want, minFrameBytes*tc.frames) && !(sum > want && sizes[len(sizes)-1] == minFrameBytes) {
			t.Errorf("%+v: %d bytes a fragment, want %d", tc, sum, want)
		}
		if len(sizes) > 2 && sizes[1] >= minFrameBytes*2 && sizes[0] != keyFrameWeight*sizes[1] {
			t.Errorf("%+v: key frame %d bytes, others %d", tc, sizes[0], sizes[1])
		}
	}
}

// A synthetic fragment reads back as PutMedia's reader sees it: one
// cluster of the frames, a key frame first, timed 1/fps apart, with the
// ends of the frames where cluster says.
func TestSynthCluster(t *testing.T) {
	s, err := newSynth(2e6, 2*time.Second, 25, 7)
	if err != nil {
		t.Fatal(err)
	}
	raw, ends, err := s.cluster(123_000)
	if err != nil {
		t.Fatal(err)
	}
	r := mkv.NewReader(bytes.NewReader(append(append([]byte{}, s.header...), raw...)), mkv.Limits{})
	h, _, err := r.Next()
	if err != nil || h == nil || len(h.Tracks) != 1 || h.Tracks[0].CodecID != "V_MPEG4/ISO/AVC" {
		t.Fatalf("header %+v, %v", h, err)
	}
	_, c, err := r.Next()
	if err != nil || c == nil {
		t.Fatalf("cluster: %v", err)
	}
	if c.Timecode != 123_000 || len(c.Frames) != 50 || !c.StartsWithKeyFrame(videoTrack) || c.Duration(h) != 2000 {
		t.Fatalf("cluster at %d, %d frames, key first %v, %d ms", c.Timecode, len(c.Frames), c.StartsWithKeyFrame(videoTrack), c.Duration(h))
	}
	if len(ends) != len(c.Frames) || ends[len(ends)-1] != len(raw) {
		t.Fatalf("%d ends for %d frames, the last %d of %d bytes", len(ends), len(c.Frames), ends[len(ends)-1], len(raw))
	}
	total := 0
	for k, f := range c.Frames {
		if f.Timecode != 123_000+int64(k)*40 || f.Key != (k == 0) || len(f.Data) != s.sizes[k] {
			t.Errorf("frame %d: at %d, key %v, %d bytes", k, f.Timecode, f.Key, len(f.Data))
		}
		if nal := int(f.Data[0])<<24 | int(f.Data[1])<<16 | int(f.Data[2])<<8 | int(f.Data[3]); nal != len(f.Data)-4 {
			t.Errorf("frame %d: NAL unit of %d bytes in %d", k, nal, len(f.Data))
		}
		if !bytes.Equal(raw[ends[k]-len(f.Data):ends[k]], f.Data) {
			t.Errorf("frame %d does not end at %d", k, ends[k])
		}
		total += len(f.Data)
	}
	if total != 500_000 {
		t.Errorf("%d frame bytes, want 500,000 (2 Mbit/s for 2 s)", total)
	}
	raw2, _, _ := s.cluster(125_000)
	if bytes.Equal(raw[len(raw)-1000:], raw2[len(raw2)-1000:]) {
		t.Error("two fragments end alike: frames are not random")
	}
}

// recordingWriter notes when each write came and its bytes.
type recordingWriter struct {
	mu     sync.Mutex
	start  time.Time
	at     []time.Duration
	chunks [][]byte
}

func (w *recordingWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.at = append(w.at, time.Since(w.start))
	w.chunks = append(w.chunks, append([]byte{}, b...))
	return len(b), nil
}

// Paced producers write each frame when it is due: the header at once,
// then fragment i's frame k at i*fragment + k/fps, the first write holding
// the cluster's head; the fragments started in the window are measured.
func TestPacing(t *testing.T) {
	r := newRun(Defaults(), &bytes.Buffer{})
	s, err := newSynth(400_000, 200*time.Millisecond, 25, 1) // 5 frames, 40 ms apart
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	p := r.newProducer(0, &videoStream{}, s, 1)
	p.paced, p.base = true, start
	w := &recordingWriter{start: start}
	win := window{start: start, from: start.Add(200 * time.Millisecond), end: start.Add(400 * time.Millisecond)}
	if err := r.writeFragments(context.Background(), p, w, win); err != nil {
		t.Fatal(err)
	}
	if len(w.chunks) != 1+2*5 || !bytes.Equal(w.chunks[0], s.header) {
		t.Fatalf("%d writes", len(w.chunks))
	}
	for i := range 2 {
		raw, ends, _ := s.cluster(int64(i) * 200)
		var got []byte
		for k := range 5 {
			j := 1 + i*5 + k
			due := time.Duration(i)*200*time.Millisecond + time.Duration(k)*40*time.Millisecond
			if w.at[j] < due || w.at[j] > due+30*time.Millisecond {
				t.Errorf("fragment %d frame %d written at %v, due at %v", i, k, w.at[j], due)
			}
			from := 0
			if k > 0 {
				from = ends[k-1]
			}
			if len(w.chunks[j]) != ends[k]-from {
				t.Errorf("fragment %d frame %d: a write of %d bytes, want %d", i, k, len(w.chunks[j]), ends[k]-from)
			}
			got = append(got, w.chunks[j]...)
		}
		if len(got) != len(raw) || !bytes.Equal(got[:8], raw[:8]) {
			t.Errorf("fragment %d: %d bytes written, cluster of %d", i, len(got), len(raw))
		}
	}
	if len(p.frags) != 2 || p.frags[0].measured || !p.frags[200].measured || p.open != 1 {
		t.Errorf("fragments %+v, %d open", p.frags, p.open)
	}
}

// A producer's latencies: last byte -> PERSISTED (0 when the ACK is read
// before the write is noted), BUFFERING -> PERSISTED, ERROR ACKs by code,
// fragments never acknowledged; only measured fragments count.
func TestProducerAcks(t *testing.T) {
	r := newRun(Defaults(), &bytes.Buffer{})
	s, _ := newSynth(400_000, 200*time.Millisecond, 25, 1)
	p := r.newProducer(0, &videoStream{}, s, 1)
	t0 := time.Now()
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	tc := func(v int64) *int64 { return &v }
	for i, measured := range []bool{false, true, true, true, true} {
		p.frags[int64(i)] = &sentFrag{measured: measured, bytes: 1000}
		if measured {
			p.open++
		}
	}
	p.ack(ack{EventType: "BUFFERING", FragmentTimecode: tc(0)}, at(0))
	p.wrote(0, at(200))
	p.ack(ack{EventType: "PERSISTED", FragmentTimecode: tc(0)}, at(210)) // not measured
	p.ack(ack{EventType: "BUFFERING", FragmentTimecode: tc(1)}, at(200))
	p.wrote(1, at(400))
	p.ack(ack{EventType: "PERSISTED", FragmentTimecode: tc(1)}, at(407))
	p.ack(ack{EventType: "BUFFERING", FragmentTimecode: tc(2)}, at(400))
	p.ack(ack{EventType: "PERSISTED", FragmentTimecode: tc(2)}, at(610)) // read before the write is noted
	p.wrote(2, at(612))
	p.ack(ack{EventType: "ERROR", FragmentTimecode: tc(3), ErrorID: 4004, ErrorCode: "FRAGMENT_TIMECODE_LESSER_THAN_PREVIOUS"}, at(620))
	p.ack(ack{EventType: "ERROR", ErrorID: 5000}, at(630))
	p.ack(ack{EventType: "IDLE"}, at(640))
	rep := &Video{}
	ph := producerPhase("put", time.Second, []*producer{p}, rep)
	if ph.Records != 2 || ph.Bytes != 2000 || ph.Latency.Count != 2 || ph.Latency.Max != 7 || ph.Latency.P50 != 0 {
		t.Errorf("phase %+v", ph)
	}
	if rep.BufferingToPersisted.Count != 2 || rep.BufferingToPersisted.P50 != 207 || rep.BufferingToPersisted.Max != 210 || rep.Unacknowledged != 1 {
		t.Errorf("report %+v (fragment 4 is unacknowledged)", rep)
	}
	want := map[string]int64{"FRAGMENT_TIMECODE_LESSER_THAN_PREVIOUS": 1, "ErrorId5000": 1, "NoAck": 1}
	if len(ph.Errors) != len(want) {
		t.Errorf("errors %v, want %v", ph.Errors, want)
	}
	for code, n := range want {
		if ph.Errors[code] != n {
			t.Errorf("errors %v, want %v", ph.Errors, want)
		}
	}
}

// Live latency pairs an ACK and a chunk whichever comes first; a chunk
// before its ACK is 0; unmeasured fragments do not count.
func TestLiveMatch(t *testing.T) {
	m := newLiveMatch(100)
	t0 := time.Now()
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	m.persisted("1", at(0), true)
	m.chunk("1", at(5))
	m.chunk("2", at(10))
	m.persisted("2", at(12), true) // read after the chunk
	m.persisted("3", at(20), false)
	m.chunk("3", at(100))
	m.persisted("4", at(30), true) // never read
	m.chunk("5", at(40))           // no ACK: not this run's
	l, sent, received, early := m.summary()
	if sent != 3 || received != 2 || early != 1 || l.Count != 2 || l.Max != 5 || l.P50 != 0 {
		t.Errorf("%+v, %d sent, %d received, %d early", l, sent, received, early)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	m.wait(ctx, time.Hour) // returns: the context is done
	m.wait(context.Background(), 10*time.Millisecond)
}

func TestStoredPick(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	s := &stored{start: 1_000_000}
	s.end.Store(s.start)
	if _, _, ok := s.pick(rng, time.Minute); ok {
		t.Error("picked from nothing stored")
	}
	s.end.Store(s.start + 30_000)
	from, to, ok := s.pick(rng, time.Minute)
	if !ok || from.UnixMilli() != s.start || to.UnixMilli() != s.start+30_000 {
		t.Errorf("less than the range stored: %v to %v", from, to)
	}
	s.end.Store(s.start + 3_600_000)
	for range 1000 {
		from, to, _ := s.pick(rng, time.Minute)
		if from.UnixMilli() < s.start || to.UnixMilli() > s.end.Load() || to.Sub(from) != time.Minute {
			t.Fatalf("picked %d to %d of %d to %d", from.UnixMilli(), to.UnixMilli(), s.start, s.end.Load())
		}
	}
}

func TestPlaylist(t *testing.T) {
	media := []byte("#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-MAP:URI=\"getMP4InitFragment.mp4?SessionToken=x&TrackNumber=1\"\n" +
		"#EXTINF:2.000,\ngetMP4MediaFragment.mp4?FragmentNumber=1&SessionToken=x&TrackNumber=1\n\n" +
		"#EXTINF:2.000,\n  getMP4MediaFragment.mp4?FragmentNumber=2&SessionToken=x&TrackNumber=1\n#EXT-X-ENDLIST\n")
	uris := playlistURIs(media)
	if len(uris) != 2 || !strings.HasPrefix(uris[1], "getMP4MediaFragment.mp4?FragmentNumber=2") {
		t.Errorf("URIs %q", uris)
	}
	if m := mapURI(media); m != "getMP4InitFragment.mp4?SessionToken=x&TrackNumber=1" {
		t.Errorf("map %q", m)
	}
	u, err := resolve("http://127.0.0.1:1/hls/v1/getHLSMediaPlaylist.m3u8?SessionToken=x", uris[0])
	if err != nil || u != "http://127.0.0.1:1/hls/v1/getMP4MediaFragment.mp4?FragmentNumber=1&SessionToken=x&TrackNumber=1" {
		t.Errorf("resolved %q, %v", u, err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	if got := sampleOf(rng, uris, 3); len(got) != 2 {
		t.Errorf("sample %q", got)
	}
	if got := sampleOf(rng, []string{"a", "b", "c", "d"}, 3); len(got) != 3 || got[0] == got[1] || got[1] == got[2] || got[0] == got[2] {
		t.Errorf("sample %q", got)
	}
}

func TestVideoFlags(t *testing.T) {
	c, err := parseFlags([]string{"video-put"}, &bytes.Buffer{})
	if err != nil || c.Concurrency != 50 || c.Warmup != 4*time.Second || c.Bitrate != 2e6 || c.Fragment != 2*time.Second || c.FPS != 25 || c.StreamProducers != 1 {
		t.Errorf("video-put defaults %+v, %v", c, err)
	}
	c, err = parseFlags([]string{"video-live", "-fragment", "1s", "-concurrency", "10", "-stream-producers", "5"}, &bytes.Buffer{})
	if err != nil || c.Warmup != 2*time.Second || c.Concurrency != 10 || c.StreamProducers != 5 {
		t.Errorf("video-live %+v, %v", c, err)
	}
	c, err = parseFlags([]string{"video-store", "-video-hours", "2"}, &bytes.Buffer{})
	if err != nil || c.Concurrency != 2 || c.VideoHours != 2 || c.Clip != time.Minute {
		t.Errorf("video-store %+v, %v", c, err)
	}
	for _, args := range [][]string{
		{"video-put", "-fragment", "11s"}, {"video-put", "-bitrate", "0"}, {"video-put", "-fps", "0"},
		{"video-put", "-concurrency", "2", "-stream-producers", "3"}, {"video-store", "-video-hours", "25"}, {"video-store", "-clip", "0s"},
	} {
		if _, err := parseFlags(args, &bytes.Buffer{}); err == nil {
			t.Errorf("%q accepted", args)
		}
	}
}

func TestVideoJSON(t *testing.T) {
	res := sample()
	res.Video = &Video{Live: &Latency{}}
	var b bytes.Buffer
	if err := res.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Video map[string]any `json:"video"`
	}
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"fragments", "unacknowledged", "buffering_to_persisted_ms", "live_ms", "mbit_per_sec", "late_writes"} {
		if _, ok := got.Video[k]; !ok {
			t.Errorf("video lacks %s: %v", k, got.Video)
		}
	}
}
