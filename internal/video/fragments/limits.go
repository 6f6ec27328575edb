package fragments

import (
	"context"
	"errors"
	"sync"
	"time"

	"sluice/internal/ratelimit"
)

// AWS's per-stream limits of the Video Streams data plane ("Kinesis Video
// Streams limits", limits.md of the developer guide, and the PutMedia and
// GetMedia API pages), enforced when Config.Limits is on.
const (
	// PutMediaFragmentsPerSec and PutMediaBytesPerSec: "a client can send
	// up to five fragments per second per stream" and "Kinesis Video
	// Streams reads media data at a rate of up to 12.5 MB/second". AWS
	// names no ACK for exceeding them (producer SDK maintainers describe
	// producers that push faster than that as throttled, with no error):
	// ingest reads slower, so the producer feels backpressure.
	PutMediaFragmentsPerSec = 5
	PutMediaBytesPerSec     = 12_500_000
	// DefaultMaxConnection is how long a PutMedia connection may stay open
	// before ERROR 4003 (MAX_CONNECTION_DURATION_REACHED) ends it. AWS
	// documents the error, not the duration; 45 minutes is how often its
	// limits page expects producers to refresh their streaming token
	// (GetDataEndpoint: "called every 45 minutes to refresh the streaming
	// token for most PutMedia/GetMedia use cases").
	DefaultMaxConnection = 45 * time.Minute
)

// A call rate of a data-plane API, per stream: rate calls per second with
// bursts of burst.
type callRate struct{ rate, burst float64 }

// callRates are the per-stream TPS limits of the data-plane APIs (limits.md,
// "Media and Archived Media API limits"), by API name. GetClip's
// additional 25 TPS per account is not enforced; GetImages has no documented
// rate.
var callRates = map[string]callRate{
	"PutMedia":                   {5, 5},
	"GetMedia":                   {5, 5},
	"ListFragments":              {5, 5},
	"GetMediaForFragmentList":    {5, 5},
	"GetClip":                    {1, 1},
	"GetHLSStreamingSessionURL":  {1, 5}, // "5 TPS Burst, 1 TPS Sustained"
	"GetDASHStreamingSessionURL": {1, 5},
}

// ErrRateExceeded: a call went past its API's per-stream rate (the API
// layer answers ClientLimitExceededException).
var ErrRateExceeded = errors.New("fragments: the stream's call rate for this API is exceeded")

// limiter holds a stream's rate limiters.
type limiter struct {
	mu    sync.Mutex
	calls map[string]*ratelimit.Bucket
	frags *ratelimit.Bucket // PutMedia fragments, all sessions of the stream
	bytes *ratelimit.Bucket // PutMedia bytes, likewise
}

// Admit charges one call of api (a key of callRates) against the stream's
// rate for it: ErrRateExceeded when spent. Always nil with Config.Limits
// off.
func (s *Stream) Admit(api string) error {
	if !s.store.cfg.Limits {
		return nil
	}
	r, ok := callRates[api]
	if !ok {
		return nil
	}
	now := s.store.cfg.Now()
	l := &s.limits
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.calls == nil {
		l.calls = map[string]*ratelimit.Bucket{}
	}
	b := l.calls[api]
	if b == nil {
		b = ratelimit.New(r.rate, r.burst, now)
		l.calls[api] = b
	}
	if !b.Allow(now, 1) {
		s.store.stats.throttled(api)
		return ErrRateExceeded
	}
	return nil
}

// ingestBuckets returns the stream's PutMedia buckets, made on first use.
// They count in real time, as the sessions' idle timers do.
func (s *Stream) ingestBuckets() (frags, bytes *ratelimit.Bucket) {
	l := &s.limits
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.frags == nil {
		now := time.Now()
		l.frags = ratelimit.New(PutMediaFragmentsPerSec, PutMediaFragmentsPerSec, now)
		l.bytes = ratelimit.New(PutMediaBytesPerSec, PutMediaBytesPerSec, now)
	}
	return l.frags, l.bytes
}

// throttle waits until b holds n tokens and takes them (take false: waits
// until it holds any, the caller charging what it then uses). It returns
// early with errCut when the session is cut, ctx's error, or the stream's
// shutdown error.
func (s *Stream) throttle(ctx context.Context, cut <-chan struct{}, b *ratelimit.Bucket, n float64, take bool) error {
	for {
		s.limits.mu.Lock()
		now := time.Now()
		need := n
		if !take {
			need = 1
		}
		wait := b.Wait(now, need)
		if wait == 0 {
			if take {
				b.Take(now, n)
			}
			s.limits.mu.Unlock()
			return nil
		}
		s.limits.mu.Unlock()
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-cut:
			t.Stop()
			return errCut
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-s.done:
			t.Stop()
			return s.shutError()
		}
	}
}

// charge takes n bytes read from the stream's byte bucket (it may go
// below zero: the next read waits for the debt).
func (s *Stream) charge(b *ratelimit.Bucket, n int) {
	s.limits.mu.Lock()
	b.Take(time.Now(), float64(n))
	s.limits.mu.Unlock()
}

// errCut: the session was cut (its connection was open too long) while it
// waited for its rate.
var errCut = errors.New("fragments: the PutMedia session was cut")
