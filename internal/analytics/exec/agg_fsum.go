package exec

import "math"

// exactSum is an exact sum of float64s (Shewchuk's partials, as Python's
// math.fsum keeps them): adding x and later -x leaves it as it was, so the
// correctly rounded sum it gives depends only on the values it holds, not
// on the order they came and went. A sliding window's SUM, AVG and
// variances need that: a replay from LowWatermark adds and takes back other
// rows than the original run did before reaching the same window, and must
// still print the same digits.
type exactSum struct {
	partials []float64 // non-overlapping, increasing in magnitude
	// Infinities and NaNs do not sum exactly; they are counted.
	posInf, negInf, nan int
}

func (s *exactSum) add(x float64) { s.addN(x, 1) }

func (s *exactSum) remove(x float64) { s.addN(-x, -1) }

// addN adds x, counting a non-finite x by dir (+1 added, -1 taken back).
func (s *exactSum) addN(x float64, dir int) {
	switch {
	case math.IsNaN(x):
		s.nan += dir
		return
	case math.IsInf(x, 0):
		// x is negated when taken back: its sign as added is x's times dir.
		if (x > 0) == (dir > 0) {
			s.posInf += dir
		} else {
			s.negInf += dir
		}
		return
	}
	i := 0
	for _, y := range s.partials {
		if math.Abs(x) < math.Abs(y) {
			x, y = y, x
		}
		hi := x + y
		lo := y - (hi - x)
		if lo != 0 {
			s.partials[i] = lo
			i++
		}
		x = hi
	}
	s.partials = append(s.partials[:i], x)
}

// value is the sum, correctly rounded.
func (s *exactSum) value() float64 {
	switch {
	case s.nan > 0 || s.posInf > 0 && s.negInf > 0:
		return math.NaN()
	case s.posInf > 0:
		return math.Inf(1)
	case s.negInf > 0:
		return math.Inf(-1)
	}
	n := len(s.partials)
	if n == 0 {
		return 0
	}
	n--
	hi := s.partials[n]
	lo := 0.0
	for n > 0 {
		x := hi
		n--
		y := s.partials[n]
		hi = x + y
		lo = y - (hi - x)
		if lo != 0 {
			break
		}
	}
	// Round half to even across the partials left, as fsum does.
	if n > 0 && (lo < 0 && s.partials[n-1] < 0 || lo > 0 && s.partials[n-1] > 0) {
		y := lo * 2
		x := hi + y
		if y == x-hi {
			hi = x
		}
	}
	return hi
}

func (s *exactSum) reset() {
	s.partials = s.partials[:0]
	s.posInf, s.negInf, s.nan = 0, 0, 0
}
