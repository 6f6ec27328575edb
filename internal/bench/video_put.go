package bench

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"sluice/internal/video/mkv"
)

// videoPut runs video-put and video-live.
func (r *run) videoPut(ctx context.Context, res *Result) error {
	v := r.newVideoRun()
	defer r.deleteVideoStreams(ctx, v)
	n := r.cfg.Concurrency
	per := r.cfg.StreamProducers
	if err := r.createVideoStreams(ctx, v, (n+per-1)/per); err != nil {
		return err
	}
	v.rep = r.videoReport(len(v.streams))
	res.Video = v.rep
	res.Streams = len(v.streams)

	var live *liveMatch
	var readers sync.WaitGroup
	rctx, stopReaders := context.WithCancel(ctx)
	defer func() { stopReaders(); readers.Wait() }()
	if r.cfg.Workload == "video-live" {
		live = newLiveMatch(r.cfg.MaxSamples)
		ready := make(chan error, len(v.streams))
		for _, s := range v.streams {
			readers.Go(func() { r.getMedia(rctx, v, s, live, ready) })
		}
		for range v.streams {
			if err := <-ready; err != nil {
				return fmt.Errorf("GetMedia: %w", err)
			}
		}
	}

	win := r.window()
	ps := make([]*producer, n)
	for i := range ps {
		sy, err := newSynth(r.cfg.Bitrate, r.cfg.Fragment, r.cfg.FPS, uint64(i))
		if err != nil {
			return err
		}
		p := r.newProducer(i, v.streams[i/per], sy, n)
		p.paced = true
		// The producers' fragments start spread over one fragment, as
		// unsynchronised cameras' do.
		p.base = win.start.Add(time.Duration(i) * r.cfg.Fragment / time.Duration(n))
		if live != nil {
			p.persisted = func(number string, _ int64, at time.Time, measured bool) { live.persisted(number, at, measured) }
		}
		ps[i] = p
	}
	what := fmt.Sprintf("%d producers (%d per stream) at %.3g Mbit/s, %v fragments", n, per, r.cfg.Bitrate/1e6, r.cfg.Fragment)
	if live != nil {
		what += ", a GetMedia reader per stream"
	}
	r.announce(what)
	cpu := startCPU(ctx, r.cfg.ServerPID, win.from)
	var wg sync.WaitGroup
	for _, p := range ps {
		wg.Go(func() { r.putMedia(ctx, v.hc, p, win) })
	}
	wg.Wait()
	ph := producerPhase("put", win.elapsed(), ps, v.rep)
	ph.CPU = cpu.stop(ph.Records)
	res.add(ph, true)
	v.rep.finish(ph)
	if live != nil {
		live.wait(ctx, r.cfg.Timeout)
		v.rep.Live, v.rep.LiveAcked, v.rep.LiveReceived, v.rep.LiveBeforeAck = live.summary()
		v.rep.LiveMissing = v.rep.LiveAcked - v.rep.LiveReceived
		if v.rep.LiveMissing > 0 {
			res.note("video-live: %d of the %d fragments PERSISTED while measuring never reached their GetMedia reader", v.rep.LiveMissing, v.rep.LiveAcked)
		}
	}
	if v.rep.Unacknowledged > 0 {
		res.note("%d fragments were neither PERSISTED nor refused within -timeout of being sent", v.rep.Unacknowledged)
	}
	if v.rep.LateWrites > 0 {
		res.note("%d frame writes were more than a frame late (at most %.1f ms): the client or the server did not keep the real-time pace",
			v.rep.LateWrites, v.rep.MaxWriteLagMs)
	}
	return nil
}

// videoReport starts the report with the settings.
func (r *run) videoReport(streams int) *Video {
	sizes := frameSizes(r.cfg.Bitrate, r.cfg.Fragment, r.cfg.FPS)
	rep := &Video{Streams: streams, ProducersPerStream: r.cfg.StreamProducers, Producers: r.cfg.Concurrency,
		BitrateBps: r.cfg.Bitrate, FragmentSeconds: r.cfg.Fragment.Seconds(), FPS: r.cfg.FPS, KeyFrameBytes: sizes[0]}
	if len(sizes) > 1 {
		rep.FrameBytes = sizes[1]
	}
	return rep
}

// producerPhase merges the producers' counts into a phase, and their
// pacing, unacknowledged fragments and BUFFERING -> PERSISTED latencies
// into rep.
func producerPhase(name string, elapsed time.Duration, ps []*producer, rep *Video) Phase {
	ts := make([]*tally, len(ps))
	buf := make([]*recorder, len(ps))
	for i, p := range ps {
		rep.Unacknowledged += p.unacknowledged()
		p.mu.Lock()
		ts[i], buf[i] = &p.t, p.bufLat
		rep.LateWrites += p.lag.late
		rep.MaxWriteLagMs = max(rep.MaxWriteLagMs, ms(p.lag.max))
		p.mu.Unlock()
	}
	rep.BufferingToPersisted = summarize(buf)
	return mergeTallies(name, elapsed, ts)
}

// liveMatch pairs PERSISTED ACKs with the chunks GetMedia readers get, by
// fragment number, whichever comes first.
type liveMatch struct {
	mu       sync.Mutex
	acked    map[string]liveAck   // ACKs whose chunk has not come
	got      map[string]time.Time // chunks whose ACK has not come
	lat      *recorder
	sent     int64 // measured fragments PERSISTED
	received int64 // of those, read by a reader
	early    int64 // of those, read before their ACK
	changed  chan struct{}
}

type liveAck struct {
	at       time.Time
	measured bool
}

func newLiveMatch(samples int) *liveMatch {
	return &liveMatch{acked: map[string]liveAck{}, got: map[string]time.Time{}, lat: newRecorder(samples), changed: make(chan struct{}, 1)}
}

// persisted takes a PERSISTED ACK read at.
func (m *liveMatch) persisted(number string, at time.Time, measured bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if measured {
		m.sent++
	}
	if got, ok := m.got[number]; ok {
		delete(m.got, number)
		m.match(at, got, measured)
		return
	}
	m.acked[number] = liveAck{at, measured}
}

// chunk takes a chunk wholly read at.
func (m *liveMatch) chunk(number string, at time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if a, ok := m.acked[number]; ok {
		delete(m.acked, number)
		m.match(a.at, at, a.measured)
		return
	}
	m.got[number] = at
}

func (m *liveMatch) match(acked, got time.Time, measured bool) {
	if !measured {
		return
	}
	m.received++
	d := got.Sub(acked)
	if d < 0 {
		m.early++
		d = 0
	}
	m.lat.add(d)
	select {
	case m.changed <- struct{}{}:
	default:
	}
}

// wait waits up to timeout for every measured ACK's chunk.
func (m *liveMatch) wait(ctx context.Context, timeout time.Duration) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		m.mu.Lock()
		done := m.received >= m.sent
		m.mu.Unlock()
		if done {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-deadline.C:
			return
		case <-m.changed:
		}
	}
}

func (m *liveMatch) summary() (*Latency, int64, int64, int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	l := summarize([]*recorder{m.lat})
	return &l, m.sent, m.received, m.early
}

// getMedia reads stream s with GetMedia from NOW until ctx ends, telling
// m of each chunk as its tags arrive. ready gets nil once the response has
// begun (or the error that kept it from it).
func (r *run) getMedia(ctx context.Context, v *videoRun, s *videoStream, m *liveMatch, ready chan<- error) {
	body, _ := json.Marshal(map[string]any{"StreamName": s.name, "StartSelector": map[string]string{"StartSelectorType": "NOW"}})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.endpoint+"/getMedia", bytes.NewReader(body))
	if err != nil {
		ready <- err
		return
	}
	sum := sha256.Sum256(body)
	hash := hex.EncodeToString(sum[:])
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Amz-Content-Sha256", hash)
	if err := r.signVideo(ctx, req, hash); err != nil {
		ready <- err
		return
	}
	resp, err := v.hc.Do(req)
	if err != nil {
		ready <- err
		return
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		ready <- fmt.Errorf("%s: HTTP %d %s", s.name, resp.StatusCode, resp.Header.Get("x-amzn-ErrorType"))
		return
	}
	ready <- nil
	// A chunk is its fragment number's Tags, its cluster and the Tags with
	// the continuation token: it has come when these last Tags have.
	var number string
	rd := mkv.NewReader(resp.Body, mkv.Limits{OnTags: func(tags []mkv.SimpleTag) {
		now := time.Now()
		for _, t := range tags {
			switch t.Name {
			case mkv.TagFragmentNumber:
				number = t.Value
			case mkv.TagContinuationToken:
				m.chunk(number, now)
			}
		}
	}})
	for {
		if _, _, err := rd.Next(); err != nil {
			if ctx.Err() == nil && !errors.Is(err, context.Canceled) {
				r.logf("GetMedia %s ended: %v", s.name, err)
			}
			return
		}
	}
}
