package bench

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	kvam "github.com/aws/aws-sdk-go-v2/service/kinesisvideoarchivedmedia"
	kvamtypes "github.com/aws/aws-sdk-go-v2/service/kinesisvideoarchivedmedia/types"
)

// hlsSpan is the range of an HLS session of video-store, and
// hlsSegments the media segments fetched from each.
const (
	hlsSpan     = 10 * time.Minute
	hlsSegments = 3
)

// storeMemoryInterval is how often video-store samples the server's RSS.
const storeMemoryInterval = 500 * time.Millisecond

// stored is what video-store's producer has had PERSISTED: the producer
// timestamps from start to end (ms).
type stored struct {
	start int64
	end   atomic.Int64
}

// pick returns a random range of length d within what is stored (all of
// it when less is), or false while less than a fragment is.
func (s *stored) pick(rng *rand.Rand, d time.Duration) (from, to time.Time, ok bool) {
	end := s.end.Load()
	if end <= s.start {
		return from, to, false
	}
	span := d.Milliseconds()
	at := s.start
	if end-s.start > span {
		at += rng.Int64N(end - s.start - span + 1)
	}
	return time.UnixMilli(at), time.UnixMilli(min(at+span, end)), true
}

// videoStore runs video-store.
func (r *run) videoStore(ctx context.Context, res *Result) error {
	v := r.newVideoRun()
	defer r.deleteVideoStreams(ctx, v)
	if err := r.createVideoStreams(ctx, v, 1); err != nil {
		return err
	}
	s := v.streams[0]
	v.rep = r.videoReport(1)
	v.rep.Producers, v.rep.ProducersPerStream = 1, 1
	v.rep.ClipSeconds = r.cfg.Clip.Seconds()
	res.Video = v.rep
	res.Streams = 1
	am := kvam.NewFromConfig(sdkConfig(r.cfg, r.tr), func(o *kvam.Options) { o.BaseEndpoint = aws.String(s.endpoint) })

	sy, err := newSynth(r.cfg.Bitrate, r.cfg.Fragment, r.cfg.FPS, 1)
	if err != nil {
		return err
	}
	video := time.Duration(r.cfg.VideoHours * float64(time.Hour))
	mem := startMemory(ctx, r.cfg.ServerPID, storeMemoryInterval)
	now := time.Now()
	p := r.newProducer(0, s, sy, 1)
	p.absolute = true
	p.startMs = now.Add(-video).UnixMilli()
	p.fragments = max(int(video/r.cfg.Fragment), 1)
	st := &stored{start: p.startMs}
	st.end.Store(p.startMs)
	p.persisted = func(_ string, tc int64, _ time.Time, _ bool) {
		end := tc + r.cfg.Fragment.Milliseconds()
		for {
			old := st.end.Load()
			if end <= old || st.end.CompareAndSwap(old, end) {
				return
			}
		}
	}

	r.logf("storing %g hours of video (%d fragments of %v at %s Mbit/s) as fast as the server takes them, %d readers of HLS and GetClip",
		r.cfg.VideoHours, p.fragments, r.cfg.Fragment, fmt.Sprint(r.cfg.Bitrate/1e6), r.cfg.Concurrency)
	win := window{start: now, from: now, end: forever}
	cpu := startCPU(ctx, r.cfg.ServerPID, now)
	rctx, stopReaders := context.WithCancel(ctx)
	readers := make([]*worker, r.cfg.Concurrency)
	var hls, clips, clipBytes atomic.Int64
	var wg sync.WaitGroup
	for i := range readers {
		w := r.newWorker(i, (r.cfg.Concurrency+1)/2)
		readers[i] = w
		wg.Go(func() {
			for rctx.Err() == nil {
				if i%2 == 0 {
					r.hlsSession(rctx, v, am, s, st, w, &hls)
				} else if n := r.clip(rctx, am, s, st, w); n > 0 {
					clips.Add(1)
					clipBytes.Add(n)
				}
			}
		})
	}
	r.putMedia(ctx, v.hc, p, win)
	end := time.Now()
	stopReaders()
	wg.Wait()
	ph := producerPhase("store", end.Sub(now), []*producer{p}, v.rep)
	ph.CPU = cpu.stop(ph.Records)
	res.add(ph, true)
	v.rep.finish(ph)
	var hw, cw []*worker
	for i, w := range readers {
		if i%2 == 0 {
			hw = append(hw, w)
		} else {
			cw = append(cw, w)
		}
	}
	res.add(merge("hls", end.Sub(now), hw), false)
	res.add(merge("clip", end.Sub(now), cw), false)
	if mem != nil {
		mem.mu.Lock()
		mem.from, mem.to = now, end
		mem.mu.Unlock()
		res.Memory = mem.stop()
	}
	v.rep.HoursStored = round(float64(ph.Records)*r.cfg.Fragment.Hours(), 3)
	v.rep.StoreSeconds = round(end.Sub(now).Seconds(), 2)
	if ph.Seconds > 0 {
		v.rep.Speedup = round(v.rep.HoursStored*3600/ph.Seconds, 1)
	}
	v.rep.HLSSessions = hls.Load()
	if c := clips.Load(); c > 0 {
		v.rep.ClipFragments = round(float64(clipBytes.Load())/float64(c)/float64(sy.bytes()), 1)
	}
	r.logf("stored %.2f hours in %.1fs", v.rep.HoursStored, v.rep.StoreSeconds)
	if v.rep.Unacknowledged > 0 {
		res.note("%d fragments were neither PERSISTED nor refused within -timeout", v.rep.Unacknowledged)
	}
	return nil
}

// hlsSession makes one HLS ON_DEMAND session over a random hlsSpan of what
// is stored and fetches its master and media playlists (counted in
// playlists), its init segment and hlsSegments random media segments,
// each counted as a call of w with its latency.
func (r *run) hlsSession(ctx context.Context, v *videoRun, am *kvam.Client, s *videoStream, st *stored, w *worker, sessions *atomic.Int64) {
	from, to, ok := st.pick(w.rng, hlsSpan)
	if !ok {
		sleep(ctx, 100*time.Millisecond)
		return
	}
	cctx, cancel := context.WithTimeout(ctx, r.cfg.Timeout)
	out, err := am.GetHLSStreamingSessionURL(cctx, &kvam.GetHLSStreamingSessionURLInput{
		StreamName: aws.String(s.name), PlaybackMode: kvamtypes.HLSPlaybackModeOnDemand,
		ContainerFormat: kvamtypes.ContainerFormatFragmentedMp4,
		HLSFragmentSelector: &kvamtypes.HLSFragmentSelector{FragmentSelectorType: kvamtypes.HLSFragmentSelectorTypeProducerTimestamp,
			TimestampRange: &kvamtypes.HLSTimestampRange{StartTimestamp: aws.Time(from), EndTimestamp: aws.Time(to)}},
	})
	cancel()
	if err != nil {
		r.readFailed(ctx, w, err)
		return
	}
	sessions.Add(1)
	master := aws.ToString(out.HLSStreamingSessionURL)
	body, _, err := r.fetch(ctx, v, master)
	if err != nil {
		r.readFailed(ctx, w, err)
		return
	}
	v.rep.countPlaylist()
	uris := playlistURIs(body)
	if len(uris) == 0 {
		r.readFailed(ctx, w, fmt.Errorf("%w: a master playlist without a media playlist", errBadMedia))
		return
	}
	mediaURL, err := resolve(master, uris[0])
	if err != nil {
		r.readFailed(ctx, w, err)
		return
	}
	body, _, err = r.fetch(ctx, v, mediaURL)
	if err != nil {
		r.readFailed(ctx, w, err)
		return
	}
	v.rep.countPlaylist()
	segs := playlistURIs(body)
	if init := mapURI(body); init != "" {
		segs = append([]string{init}, sampleOf(w.rng, segs, hlsSegments)...)
	} else {
		segs = sampleOf(w.rng, segs, hlsSegments)
	}
	for _, u := range segs {
		su, err := resolve(mediaURL, u)
		if err != nil {
			r.readFailed(ctx, w, err)
			return
		}
		began := time.Now()
		_, n, err := r.fetch(ctx, v, su)
		if err != nil {
			r.readFailed(ctx, w, err)
			return
		}
		w.ok(1, int(n), time.Since(began))
	}
}

// countPlaylist counts a playlist fetched (readers run concurrently).
func (v *Video) countPlaylist() { atomic.AddInt64(&v.HLSPlaylists, 1) }

// clip fetches a GetClip of -clip at a random place in what is stored,
// counted as a call of w with the time to its last byte, and returns its
// bytes.
func (r *run) clip(ctx context.Context, am *kvam.Client, s *videoStream, st *stored, w *worker) int64 {
	from, to, ok := st.pick(w.rng, r.cfg.Clip)
	if !ok {
		sleep(ctx, 100*time.Millisecond)
		return 0
	}
	began := time.Now()
	cctx, cancel := context.WithTimeout(ctx, r.cfg.Timeout)
	defer cancel()
	out, err := am.GetClip(cctx, &kvam.GetClipInput{StreamName: aws.String(s.name), ClipFragmentSelector: &kvamtypes.ClipFragmentSelector{
		FragmentSelectorType: kvamtypes.ClipFragmentSelectorTypeProducerTimestamp,
		TimestampRange:       &kvamtypes.ClipTimestampRange{StartTimestamp: aws.Time(from), EndTimestamp: aws.Time(to)}}})
	if err != nil {
		r.readFailed(ctx, w, err)
		return 0
	}
	defer out.Payload.Close()
	n, err := io.Copy(io.Discard, out.Payload)
	if err != nil {
		r.readFailed(ctx, w, err)
		return 0
	}
	w.ok(1, int(n), time.Since(began))
	return n
}

// errBadMedia marks a playback answer that is not what HLS promises.
var errBadMedia = errors.New("unexpected playback answer")

// readFailed counts a reader's failure (unless the run is ending) and
// pauses a little, so that a failing endpoint is not hammered.
func (r *run) readFailed(ctx context.Context, w *worker, err error) {
	if ctx.Err() != nil {
		return
	}
	if errors.Is(err, errBadMedia) {
		w.t.errs["BadPlaylist"]++
	} else {
		w.fail(err)
	}
	r.logf("video-store reader: %v", err)
	sleep(ctx, 100*time.Millisecond)
}

// fetch GETs a playback URL and returns its body (for playlists; media are
// read and counted only) and size.
func (r *run) fetch(ctx context.Context, v *videoRun, u string) ([]byte, int64, error) {
	cctx, cancel := context.WithTimeout(ctx, r.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(cctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, 0, err
	}
	resp, err := v.hc.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		code := resp.Header.Get("x-amzn-ErrorType")
		return nil, 0, fmt.Errorf("GET %s: HTTP %d %s", trimQuery(u), resp.StatusCode, code)
	}
	if strings.HasSuffix(trimQuery(u), ".m3u8") {
		b, err := io.ReadAll(resp.Body)
		return b, int64(len(b)), err
	}
	n, err := io.Copy(io.Discard, resp.Body)
	return nil, n, err
}

func trimQuery(u string) string {
	if i := strings.IndexByte(u, '?'); i >= 0 {
		return u[:i]
	}
	return u
}

// playlistURIs returns the URI lines of an HLS playlist: those neither
// empty nor tags or comments.
func playlistURIs(b []byte) []string {
	var uris []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line != "" && !strings.HasPrefix(line, "#") {
			uris = append(uris, line)
		}
	}
	return uris
}

// mapURI returns the URI of a media playlist's EXT-X-MAP (the fMP4 init
// segment), or "".
func mapURI(b []byte) string {
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		rest, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "#EXT-X-MAP:")
		if !ok {
			continue
		}
		for attr := range strings.SplitSeq(rest, ",") {
			if v, ok := strings.CutPrefix(attr, "URI="); ok {
				return strings.Trim(v, `"`)
			}
		}
	}
	return ""
}

// resolve resolves a playlist's URI against the playlist's URL.
func resolve(base, ref string) (string, error) {
	b, err := url.Parse(base)
	if err != nil {
		return "", err
	}
	u, err := b.Parse(ref)
	if err != nil {
		return "", err
	}
	return u.String(), nil
}

// sampleOf returns n of xs at random (all of them, in order, when there
// are no more).
func sampleOf(rng *rand.Rand, xs []string, n int) []string {
	if len(xs) <= n {
		return xs
	}
	out := make([]string, 0, n)
	for _, i := range rng.Perm(len(xs))[:n] {
		out = append(out, xs[i])
	}
	return out
}
