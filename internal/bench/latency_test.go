package bench

import (
	"math"
	"testing"
	"time"
)

func record(limit int, ds ...time.Duration) *recorder {
	r := newRecorder(limit)
	for _, d := range ds {
		r.add(d)
	}
	return r
}

func msRange(from, to int) []time.Duration {
	var ds []time.Duration
	for i := from; i <= to; i++ {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	return ds
}

func TestSummarize(t *testing.T) {
	for _, tc := range []struct {
		name string
		rs   []*recorder
		want Latency
	}{
		{"none", nil, Latency{}},
		{"empty", []*recorder{newRecorder(10)}, Latency{}},
		{"one", []*recorder{record(10, 1500*time.Microsecond)}, Latency{Count: 1, Mean: 1.5, P50: 1.5, P90: 1.5, P99: 1.5, Max: 1.5}},
		// Nearest rank: p50 of 1..4 is 2, not 2.5.
		{"four", []*recorder{record(10, msRange(1, 4)...)}, Latency{Count: 4, Mean: 2.5, P50: 2, P90: 4, P99: 4, Max: 4}},
		{"hundred", []*recorder{record(1000, msRange(1, 100)...)}, Latency{Count: 100, Mean: 50.5, P50: 50, P90: 90, P99: 99, Max: 100}},
		// Merging recorders is sorting their union.
		{"merged", []*recorder{record(1000, msRange(51, 100)...), record(1000, msRange(1, 50)...)},
			Latency{Count: 100, Mean: 50.5, P50: 50, P90: 90, P99: 99, Max: 100}},
		// A recorder that kept 1 sample of 9 calls weighs 9.
		{"weighted", []*recorder{{n: 1, sum: time.Millisecond, max: time.Millisecond, limit: 1, samples: []time.Duration{time.Millisecond}},
			{n: 9, sum: 90 * time.Millisecond, max: 12 * time.Millisecond, limit: 1, samples: []time.Duration{10 * time.Millisecond}}},
			Latency{Count: 10, Mean: 9.1, P50: 10, P90: 10, P99: 10, Max: 12}},
		{"micros", []*recorder{record(10, 1234567*time.Nanosecond)}, Latency{Count: 1, Mean: 1.235, P50: 1.235, P90: 1.235, P99: 1.235, Max: 1.235}},
	} {
		if got := summarize(tc.rs); got != tc.want {
			t.Errorf("%s: %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

// Past its limit a recorder keeps a uniform sample: memory stays bounded,
// count, mean and max stay exact and percentiles close.
func TestRecorderReservoir(t *testing.T) {
	r := newRecorder(2000)
	const n = 200_000
	for i := range n {
		r.add(time.Duration(i%1000+1) * time.Microsecond) // uniform over 1..1000 µs
	}
	if len(r.samples) != 2000 || r.n != n {
		t.Fatalf("kept %d samples of %d", len(r.samples), r.n)
	}
	l := summarize([]*recorder{r})
	if l.Count != n || l.Max != 1 || l.Mean != 0.501 {
		t.Errorf("exact figures: %+v", l)
	}
	for _, c := range []struct{ got, want float64 }{{l.P50, 0.5}, {l.P90, 0.9}, {l.P99, 0.99}} {
		if math.Abs(c.got-c.want) > 0.05 {
			t.Errorf("percentile %v, want about %v (%+v)", c.got, c.want, l)
		}
	}
}
