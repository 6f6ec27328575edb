package funcs

import "math"

// Moments accumulates what VAR_POP, VAR_SAMP, STDDEV_POP and STDDEV_SAMP
// need: the count, the mean and the sum of squared deviations from it. The
// aggregates are the executor's (it skips NULLs and owns the windows); this
// is their arithmetic. KDA defines VAR_SAMP as (S2 - S1*S1/N) / (N-1) over
// the sum S1 and the sum of squares S2; that form cancels catastrophically
// when the values are large and close together (prices around 10,000 that
// vary by cents), so Moments uses Welford's update, which gives the same
// variance to within rounding without the cancellation. Remove undoes an
// Add for sliding windows; Merge combines two partial results (Chan et al.).
// The zero Moments is empty and ready to use; it does not allocate.
type Moments struct {
	n    int64
	mean float64
	m2   float64
}

// Add accumulates x.
func (m *Moments) Add(x float64) {
	m.n++
	d := x - m.mean
	m.mean += d / float64(m.n)
	m.m2 += d * (x - m.mean)
}

// Remove takes back an x that was added (a row leaving a sliding window).
// Removing the last value empties the Moments exactly, so rounding does not
// carry over to the values a window holds next.
func (m *Moments) Remove(x float64) {
	switch {
	case m.n <= 0:
		return
	case m.n == 1:
		*m = Moments{}
		return
	}
	m.n--
	d := x - m.mean
	m.mean -= d / float64(m.n)
	m.m2 -= d * (x - m.mean)
	if m.m2 < 0 {
		m.m2 = 0 // rounding; a variance is never negative
	}
}

// Merge adds the values o accumulated.
func (m *Moments) Merge(o Moments) {
	if o.n == 0 {
		return
	}
	if m.n == 0 {
		*m = o
		return
	}
	n := m.n + o.n
	d := o.mean - m.mean
	m.mean += d * float64(o.n) / float64(n)
	m.m2 += o.m2 + d*d*float64(m.n)*float64(o.n)/float64(n)
	m.n = n
}

// Count is the number of values.
func (m Moments) Count() int64 { return m.n }

// Mean is the values' mean; ok is false when there are none.
func (m Moments) Mean() (float64, bool) { return m.mean, m.n > 0 }

// VarPop is the population variance, SUM((x - mean)²) / N; ok is false
// (the aggregate is NULL) when there are no values.
func (m Moments) VarPop() (float64, bool) {
	if m.n == 0 {
		return 0, false
	}
	return m.m2 / float64(m.n), true
}

// VarSamp is the sample variance, SUM((x - mean)²) / (N - 1); ok is false
// (NULL) for fewer than two values, as KDA documents.
func (m Moments) VarSamp() (float64, bool) {
	if m.n < 2 {
		return 0, false
	}
	return m.m2 / float64(m.n-1), true
}

// StddevPop is the square root of VarPop.
func (m Moments) StddevPop() (float64, bool) {
	v, ok := m.VarPop()
	return math.Sqrt(v), ok
}

// StddevSamp is the square root of VarSamp.
func (m Moments) StddevSamp() (float64, bool) {
	v, ok := m.VarSamp()
	return math.Sqrt(v), ok
}
