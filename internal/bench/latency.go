package bench

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"time"
)

// recorder keeps the latencies one goroutine observed: the exact count, sum
// and maximum, and a uniform sample of at most limit values (reservoir
// sampling, Algorithm R), so a long run's memory stays bounded.
type recorder struct {
	n       int64
	sum     time.Duration
	max     time.Duration
	limit   int
	samples []time.Duration
}

func newRecorder(limit int) *recorder { return &recorder{limit: max(limit, 1)} }

func (r *recorder) add(d time.Duration) {
	r.n++
	r.sum += d
	r.max = max(r.max, d)
	if len(r.samples) < r.limit {
		r.samples = append(r.samples, d)
		return
	}
	if j := rand.Int64N(r.n); j < int64(r.limit) {
		r.samples[j] = d
	}
}

// Latency summarises latencies in milliseconds (rounded to microseconds).
// Percentiles are nearest-rank: p50 is the smallest latency at least half
// the calls did not exceed. Max and mean are exact even when the
// percentiles come from a sample.
type Latency struct {
	Count int64   `json:"count"`
	Mean  float64 `json:"mean"`
	P50   float64 `json:"p50"`
	P90   float64 `json:"p90"`
	P99   float64 `json:"p99"`
	Max   float64 `json:"max"`
}

// summarize merges recorders. A recorder that sampled stands for more calls
// than it kept, so each of its samples weighs n/len(samples).
func summarize(rs []*recorder) Latency {
	type weighted struct {
		d time.Duration
		w float64
	}
	var all []weighted
	var l Latency
	var sum, top time.Duration
	for _, r := range rs {
		if r == nil || r.n == 0 {
			continue
		}
		l.Count += r.n
		sum += r.sum
		top = max(top, r.max)
		w := float64(r.n) / float64(len(r.samples))
		for _, d := range r.samples {
			all = append(all, weighted{d, w})
		}
	}
	if l.Count == 0 {
		return l
	}
	slices.SortFunc(all, func(a, b weighted) int { return cmp.Compare(a.d, b.d) })
	pct := func(p float64) time.Duration {
		rank := math.Ceil(p * float64(l.Count))
		var cum float64
		for _, s := range all {
			cum += s.w
			if cum >= rank-1e-6 {
				return s.d
			}
		}
		return all[len(all)-1].d
	}
	l.Mean = ms(sum / time.Duration(l.Count))
	l.P50, l.P90, l.P99 = ms(pct(0.50)), ms(pct(0.90)), ms(pct(0.99))
	l.Max = ms(top)
	return l
}

// ms is d in milliseconds, rounded to the microsecond.
func ms(d time.Duration) float64 { return math.Round(float64(d)/1e3) / 1e3 }
