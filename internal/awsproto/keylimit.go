package awsproto

import (
	"sync"
	"sync/atomic"
	"time"

	"sluice/internal/ratelimit"
)

// maxLimitedKeys bounds the buckets a KeyLimiter keeps. Under `--auth
// open` any key is accepted, so a client could invent keys without end;
// past this many, the buckets that have refilled (the same as new ones)
// are dropped, and if none has, all are (every key starts again with its
// burst).
const maxLimitedKeys = 1 << 16

// KeyLimiter bounds the request rate of each access key (`--key-rate-limit`
// and `--key-rate-burst`) with a token bucket per key. The X-Amz-Target
// and REST handlers (and the console's) share one, so a key's calls to
// every service count together. It is safe for concurrent use.
//
// A call is charged once its signature has been verified (after the body
// under `--auth sigv4`), so that nobody can spend another key's allowance
// without its secret; PutMedia, whose signature covers an endless body, is
// charged once its headers pass.
type KeyLimiter struct {
	rate, burst float64
	now         func() time.Time

	mu      sync.Mutex
	buckets map[string]*ratelimit.Bucket

	throttled atomic.Uint64
}

// NewKeyLimiter returns a limiter of rate requests a second per key with
// bursts of burst (at least 1; 0 means rate, rounded up). A rate of 0 or
// less returns nil: no limit. now is the clock (nil: time.Now).
func NewKeyLimiter(rate float64, burst int, now func() time.Time) *KeyLimiter {
	if rate <= 0 {
		return nil
	}
	if now == nil {
		now = time.Now
	}
	b := float64(burst)
	if burst <= 0 {
		b = max(1, float64(int64(rate+0.999999)))
	}
	return &KeyLimiter{rate: rate, burst: b, now: now, buckets: map[string]*ratelimit.Bucket{}}
}

// Allow charges one request to key and reports whether it may proceed. A
// nil KeyLimiter allows everything.
func (l *KeyLimiter) Allow(key string) bool {
	if l == nil {
		return true
	}
	now := l.now()
	l.mu.Lock()
	b := l.buckets[key]
	if b == nil {
		if len(l.buckets) >= maxLimitedKeys {
			l.sweep(now)
		}
		b = ratelimit.New(l.rate, l.burst, now)
		l.buckets[key] = b
	}
	ok := b.Allow(now, 1)
	l.mu.Unlock()
	if !ok {
		l.throttled.Add(1)
	}
	return ok
}

// sweep drops the buckets that are full again; if none is, all of them.
func (l *KeyLimiter) sweep(now time.Time) {
	for k, b := range l.buckets {
		if b.Tokens(now) >= l.burst {
			delete(l.buckets, k)
		}
	}
	if len(l.buckets) >= maxLimitedKeys {
		clear(l.buckets)
	}
}

// Throttled is how many requests the limiter has refused.
func (l *KeyLimiter) Throttled() uint64 {
	if l == nil {
		return 0
	}
	return l.throttled.Load()
}

// msgThrottled is the message of a call the per-key limit refuses.
const msgThrottled = "Rate exceeded"
