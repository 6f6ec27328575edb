package bench

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// producer is one PutMedia session of a video workload and what it
// counted.
type producer struct {
	id     int
	stream *videoStream
	synth  *synth
	// paced: fragment i starts at base + i*fragment and its frames are
	// written when due; otherwise each fragment is written whole as soon
	// as the previous one is.
	paced bool
	base  time.Time
	// absolute: ABSOLUTE timecodes from startMs (epoch ms); otherwise
	// RELATIVE to base.
	absolute bool
	startMs  int64
	// fragments bounds the fragments written (0: until the window ends).
	fragments int
	// persisted, if set, is told of every PERSISTED ACK (video-live,
	// video-store); measured says whether the fragment counts.
	persisted func(number string, timecode int64, at time.Time, measured bool)

	mu     sync.Mutex // guards the fields below
	t      tally      // calls and records: fragments PERSISTED; errs: ERROR ACKs by ErrorCode
	bufLat *recorder  // BUFFERING -> PERSISTED
	frags  map[int64]*sentFrag
	open   int // measured fragments neither PERSISTED nor failed
	lag    lagMeter
}

// sentFrag is a fragment a producer sent.
type sentFrag struct {
	measured     bool
	bytes        int
	last         time.Time // its last byte was written (zero until then)
	buffering    time.Time // its BUFFERING ACK was read
	persisted    time.Time // its PERSISTED ACK was read
	number       string
	done, failed bool
}

// ack is one PutMedia ACK line.
type ack struct {
	EventType        string
	FragmentTimecode *int64
	FragmentNumber   string
	ErrorID          int `json:"ErrorId"`
	ErrorCode        string
}

// lagMeter counts how late paced writes were.
type lagMeter struct {
	late   int64         // writes more than a frame interval after their due time
	max    time.Duration // the latest
	frame  time.Duration
	counts bool
}

func (l *lagMeter) add(lag time.Duration) {
	if !l.counts {
		return
	}
	l.max = max(l.max, lag)
	if lag > l.frame {
		l.late++
	}
}

func (r *run) newProducer(id int, s *videoStream, sy *synth, of int) *producer {
	t := r.newTally(of)
	return &producer{id: id, stream: s, synth: sy, t: *t, bufLat: newRecorder(r.cfg.MaxSamples / max(of, 1)),
		frags: map[int64]*sentFrag{}, lag: lagMeter{frame: time.Second / time.Duration(sy.fps)}}
}

// timecode is fragment i's cluster timecode (ms).
func (p *producer) timecode(i int) int64 {
	return p.startMs + int64(i)*p.synth.fragment.Milliseconds()
}

// putMedia runs the PutMedia session: it writes the header and the fragments
// (until the window ends, or p.fragments), waits up to -timeout for the
// measured ones to be acknowledged, ends the body and reads the ACKs to
// their end.
func (r *run) putMedia(ctx context.Context, hc *http.Client, p *producer, win window) {
	pr, pw := io.Pipe()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.stream.endpoint+"/putMedia", pr)
	if err != nil {
		p.fail("ClientError")
		return
	}
	req.ContentLength = -1
	req.Header.Set("x-amzn-stream-name", p.stream.name)
	if p.absolute {
		req.Header.Set("x-amzn-fragment-timecode-type", "ABSOLUTE")
	} else {
		req.Header.Set("x-amzn-fragment-timecode-type", "RELATIVE")
		req.Header.Set("x-amzn-producer-start-timestamp", fmt.Sprintf("%d.%03d", p.base.Unix(), p.base.Nanosecond()/1e6))
	}
	if err := r.signVideo(ctx, req, emptyPayloadHash); err != nil {
		p.fail("ClientError")
		return
	}
	written := make(chan struct{})
	go func() {
		defer close(written)
		err := r.writeFragments(ctx, p, pw, win)
		r.awaitAcks(ctx, p)
		pw.CloseWithError(err)
	}()
	resp, err := hc.Do(req)
	if err != nil {
		pr.CloseWithError(err)
		<-written
		if ctx.Err() == nil {
			p.fail(errorCode(err))
		}
		return
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		pr.CloseWithError(fmt.Errorf("HTTP %d", resp.StatusCode))
		<-written
		code := resp.Header.Get("x-amzn-ErrorType")
		if code == "" {
			code = "HTTP" + strconv.Itoa(resp.StatusCode)
		}
		p.fail(code)
		return
	}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		now := time.Now()
		var a ack
		if json.Unmarshal(sc.Bytes(), &a) != nil {
			continue
		}
		p.ack(a, now)
	}
	pr.CloseWithError(io.ErrClosedPipe) // the server ended the session: stop writing
	<-written
}

// writeFragments writes the header and the fragments to w.
func (r *run) writeFragments(ctx context.Context, p *producer, w io.Writer, win window) error {
	if _, err := w.Write(p.synth.header); err != nil {
		return err
	}
	for i := 0; p.fragments == 0 || i < p.fragments; i++ {
		start := time.Now()
		if p.paced {
			start = p.base.Add(time.Duration(i) * p.synth.fragment)
		}
		if !start.Before(win.end) || ctx.Err() != nil {
			return nil
		}
		tc := p.timecode(i)
		raw, ends, err := p.synth.cluster(tc)
		if err != nil {
			return err
		}
		f := &sentFrag{measured: win.measures(start), bytes: len(raw)}
		p.mu.Lock()
		p.frags[tc] = f
		if f.measured {
			p.open++
		}
		p.lag.counts = f.measured
		p.mu.Unlock()
		if !p.paced {
			ends = []int{len(raw)}
		}
		from := 0
		for k, end := range ends {
			if p.paced {
				due := start.Add(p.synth.frameAt(k))
				if err := sleep(ctx, time.Until(due)); err != nil {
					return err
				}
				lag := time.Since(due)
				p.mu.Lock()
				p.lag.add(lag)
				p.mu.Unlock()
			}
			if _, err := w.Write(raw[from:end]); err != nil {
				return err
			}
			from = end
		}
		p.wrote(tc, time.Now())
	}
	return nil
}

// awaitAcks waits up to -timeout for the measured fragments to be
// acknowledged.
func (r *run) awaitAcks(ctx context.Context, p *producer) {
	deadline := time.Now().Add(r.cfg.Timeout)
	for time.Now().Before(deadline) {
		p.mu.Lock()
		open := p.open
		p.mu.Unlock()
		if open == 0 || sleep(ctx, 5*time.Millisecond) != nil {
			return
		}
	}
}

// fail counts a failed session.
func (p *producer) fail(code string) {
	p.mu.Lock()
	p.t.errs[code]++
	p.mu.Unlock()
}

// wrote notes that fragment tc's last byte was written at.
func (p *producer) wrote(tc int64, at time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if f := p.frags[tc]; f != nil {
		f.last = at
		p.settle(tc, f)
	}
}

// ack takes an ACK read at.
func (p *producer) ack(a ack, at time.Time) {
	p.mu.Lock()
	if a.FragmentTimecode == nil {
		if a.EventType == "ERROR" {
			p.t.errs[ackCode(a)]++
		}
		p.mu.Unlock()
		return
	}
	tc := *a.FragmentTimecode
	f := p.frags[tc]
	if f == nil {
		p.mu.Unlock()
		return
	}
	var persisted bool
	switch a.EventType {
	case "BUFFERING":
		f.buffering, f.number = at, a.FragmentNumber
	case "PERSISTED":
		f.persisted, f.number = at, a.FragmentNumber
		persisted = true
		p.settle(tc, f)
	case "ERROR":
		if f.measured {
			p.t.errs[ackCode(a)]++
		}
		if !f.done && !f.failed {
			f.failed = true
			if f.measured {
				p.open--
			}
			delete(p.frags, tc)
		}
	}
	measured := f.measured
	p.mu.Unlock()
	if persisted && p.persisted != nil {
		p.persisted(a.FragmentNumber, tc, at, measured)
	}
}

// settle records a fragment's latencies once both its last byte's write
// and its PERSISTED ACK are known (the ACK may be read before the writer
// notes its last write: that counts as 0).
func (p *producer) settle(tc int64, f *sentFrag) {
	if f.last.IsZero() || f.persisted.IsZero() || f.done {
		return
	}
	f.done = true
	delete(p.frags, tc)
	if !f.measured {
		return
	}
	p.open--
	p.t.calls++
	p.t.records++
	p.t.bytes += int64(f.bytes)
	p.t.lat.add(max(f.persisted.Sub(f.last), 0))
	if !f.buffering.IsZero() {
		p.bufLat.add(f.persisted.Sub(f.buffering))
	}
}

// unacknowledged counts the measured fragments left without an ACK, as
// NoAck errors, and returns how many.
func (p *producer) unacknowledged() int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	var n int64
	for _, f := range p.frags {
		if f.measured && !f.done && !f.failed {
			n++
		}
	}
	if n > 0 {
		p.t.errs["NoAck"] += n
	}
	return n
}

// ackCode names an ERROR ACK: its ErrorCode, else its ErrorId.
func ackCode(a ack) string {
	if a.ErrorCode != "" {
		return a.ErrorCode
	}
	return "ErrorId" + strconv.Itoa(a.ErrorID)
}
