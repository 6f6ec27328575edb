package value

import (
	"math"
	"math/big"
	"math/bits"
)

// pow10 holds 10^0 … 10^18, the powers an int64 DECIMAL uses.
var pow10 = [...]int64{
	1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000,
	1_000_000_000, 10_000_000_000, 100_000_000_000, 1_000_000_000_000,
	10_000_000_000_000, 100_000_000_000_000, 1_000_000_000_000_000,
	10_000_000_000_000_000, 100_000_000_000_000_000, 1_000_000_000_000_000_000,
}

// decimalToFloat is unscaled × 10^-scale, correctly rounded when unscaled
// fits 53 bits (10^s is exact in float64 up to 10^22).
func decimalToFloat(unscaled int64, scale int) float64 {
	return float64(unscaled) / float64(pow10[scale])
}

// digitCount is the number of decimal digits of |u| (1 for 0).
func digitCount(u uint64) int {
	n := 1
	for u >= 10 {
		u /= 10
		n++
	}
	return n
}

func abs64(i int64) uint64 {
	if i < 0 {
		return uint64(-i) // -MinInt64 wraps to itself, which as uint64 is right
	}
	return uint64(i)
}

// rescale moves unscaled from scale from to scale to, rounding half away
// from zero when digits are dropped; exact reports that none were lost. ok
// is false on overflow of int64.
func rescale(unscaled int64, from, to int) (r int64, exact, ok bool) {
	switch {
	case to == from:
		return unscaled, true, true
	case to > from:
		f := pow10[to-from]
		hi, lo := bits.Mul64(abs64(unscaled), uint64(f))
		if hi != 0 || lo > math.MaxInt64 {
			return 0, false, false
		}
		if unscaled < 0 {
			return -int64(lo), true, true
		}
		return int64(lo), true, true
	default:
		d := from - to
		if d > MaxDecimalPrecision {
			return 0, unscaled == 0, true
		}
		f := pow10[d]
		q, rem := unscaled/f, unscaled%f
		exact = rem == 0
		if rem < 0 {
			rem = -rem
		}
		if rem*2 >= f { // half away from zero
			if unscaled < 0 {
				q--
			} else {
				q++
			}
		}
		return q, exact, true
	}
}

// fitsPrecision reports |u| < 10^p.
func fitsPrecision(u int64, p int) bool {
	if p >= 19 {
		return true
	}
	return abs64(u) < uint64(pow10[p])
}

// wide is a signed 128-bit integer, for comparing DECIMALs of different
// scales without overflow: 10^18 × 10^18 < 2^127.
type wide struct {
	neg    bool
	hi, lo uint64
}

func widen(unscaled int64, by int) wide {
	hi, lo := bits.Mul64(abs64(unscaled), uint64(pow10[by]))
	return wide{neg: unscaled < 0 && (hi|lo) != 0, hi: hi, lo: lo}
}

func (a wide) cmp(b wide) int {
	switch {
	case a.neg && !b.neg:
		return -1
	case !a.neg && b.neg:
		return 1
	}
	c := 0
	switch {
	case a.hi != b.hi:
		c = cmpUint(a.hi, b.hi)
	default:
		c = cmpUint(a.lo, b.lo)
	}
	if a.neg {
		return -c
	}
	return c
}

func cmpUint(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// compareDecimals compares a×10^-sa with b×10^-sb.
func compareDecimals(a int64, sa int, b int64, sb int) int {
	if sa == sb {
		return cmpInt(a, b)
	}
	s := max(sa, sb)
	return widen(a, s-sa).cmp(widen(b, s-sb))
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// bigDecimal is a DECIMAL as a big.Int, for the rare arithmetic whose
// intermediate does not fit 64 bits (products, quotients).
func bigDecimal(unscaled int64) *big.Int { return big.NewInt(unscaled) }

// bigRescaleDiv is num / den rounded half away from zero, as an int64, or ok
// false when it does not fit.
func bigRoundDiv(num, den *big.Int) (int64, bool) {
	var q, r big.Int
	q.QuoRem(num, den, &r)
	r.Abs(&r)
	r.Lsh(&r, 1)
	var d big.Int
	d.Abs(den)
	if r.Cmp(&d) >= 0 {
		if (num.Sign() < 0) != (den.Sign() < 0) {
			q.Sub(&q, big.NewInt(1))
		} else {
			q.Add(&q, big.NewInt(1))
		}
	}
	if !q.IsInt64() {
		return 0, false
	}
	return q.Int64(), true
}

func bigPow10(n int) *big.Int {
	return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil)
}
