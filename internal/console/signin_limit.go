package console

import (
	"sync"
	"time"

	"sluice/internal/ratelimit"
)

// Sign-in attempts allowed, per client address and per access key: a
// burst, then a steady rate. A person mistyping a secret never meets
// them; a password-guessing loop meets them at once (and each key's
// budget is its own, so guessing one key does not lock out the others'
// users at that address beyond the client bound).
const (
	signInClientBurst = 10
	signInClientRate  = 10.0 / 60 // per second
	signInKeyBurst    = 5
	signInKeyRate     = 5.0 / 60
	// maxSignInBuckets bounds the limiter's memory; past it, the refilled
	// buckets are dropped (an attacker rotating addresses gains at most
	// one burst each).
	maxSignInBuckets = 10000
	// signInBodyTimeout is how long a client has to send a sign-in body.
	signInBodyTimeout = 10 * time.Second
)

type signInLimiter struct {
	now     func() time.Time
	mu      sync.Mutex
	clients map[string]*ratelimit.Bucket
	keys    map[string]*ratelimit.Bucket
}

func newSignInLimiter(now func() time.Time) *signInLimiter {
	return &signInLimiter{now: now, clients: map[string]*ratelimit.Bucket{}, keys: map[string]*ratelimit.Bucket{}}
}

// admit counts an attempt from client for key; when refused it returns
// how long to wait.
func (l *signInLimiter) admit(client, key string) (time.Duration, bool) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	cb := bucket(l.clients, client, signInClientRate, signInClientBurst, now)
	kb := bucket(l.keys, key, signInKeyRate, signInKeyBurst, now)
	// The client's budget first: a throttled client spends nothing of
	// the key's, so it cannot lock the key's owner out.
	if !cb.Allow(now, 1) {
		return time.Duration(float64(time.Second) / signInClientRate), false
	}
	if !kb.Allow(now, 1) {
		return time.Duration(float64(time.Second) / signInKeyRate), false
	}
	return 0, true
}

func bucket(m map[string]*ratelimit.Bucket, k string, rate, burst float64, now time.Time) *ratelimit.Bucket {
	b := m[k]
	if b == nil {
		if len(m) >= maxSignInBuckets {
			// Forget the buckets that have refilled (the same as new
			// ones); a bucket still spending — a key under attack —
			// stays, unless every one is.
			for k, old := range m {
				if old.Tokens(now) >= burst {
					delete(m, k)
				}
			}
			if len(m) >= maxSignInBuckets {
				clear(m)
			}
		}
		b = ratelimit.New(rate, burst, now)
		m[k] = b
	}
	return b
}
