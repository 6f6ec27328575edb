// Package ratelimit is a token bucket with an injected clock, for the
// throughput limits Sluice reproduces (per-shard write and read rates,
// control-plane call rates). A bucket holds up to Burst tokens and gains
// Rate tokens per second. It is not safe for concurrent use; callers lock.
package ratelimit

import "time"

// Bucket is one token bucket.
type Bucket struct {
	Rate  float64 // tokens per second
	Burst float64 // capacity
	// tokens may go below zero after TakeDebt: a large read is allowed
	// once and then paid back before the next one.
	tokens float64
	last   time.Time
}

// New returns a full bucket.
func New(rate, burst float64, now time.Time) *Bucket {
	return &Bucket{Rate: rate, Burst: burst, tokens: burst, last: now}
}

func (b *Bucket) refill(now time.Time) {
	if now.After(b.last) {
		b.tokens += now.Sub(b.last).Seconds() * b.Rate
		if b.tokens > b.Burst {
			b.tokens = b.Burst
		}
		b.last = now
	}
}

// Allow takes n tokens if the bucket holds them.
func (b *Bucket) Allow(now time.Time, n float64) bool {
	b.refill(now)
	if b.tokens < n {
		return false
	}
	b.tokens -= n
	return true
}

// AllowDebt takes n tokens if the bucket is not empty, letting it go
// negative: Kinesis lets one GetRecords return up to 10 MiB on a 2 MiB/s
// shard and throttles the reads after it until the debt is paid.
func (b *Bucket) AllowDebt(now time.Time, n float64) bool {
	b.refill(now)
	if b.tokens <= 0 {
		return false
	}
	b.tokens -= n
	return true
}

// Wait returns how long until n tokens are available (0 if they are now).
func (b *Bucket) Wait(now time.Time, n float64) time.Duration {
	b.refill(now)
	if b.tokens >= n || b.Rate <= 0 {
		return 0
	}
	return time.Duration((n - b.tokens) / b.Rate * float64(time.Second))
}

// Take removes n tokens unconditionally (after a Wait).
func (b *Bucket) Take(now time.Time, n float64) {
	b.refill(now)
	b.tokens -= n
}

// Tokens reports the tokens available now.
func (b *Bucket) Tokens(now time.Time) float64 {
	b.refill(now)
	return b.tokens
}
