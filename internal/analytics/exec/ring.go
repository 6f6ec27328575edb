package exec

import (
	"sluice/internal/analytics/value"
)

// rowRing is a FIFO of rows kept by a window: each row's time, origin and
// stride values, in one growing circular buffer (no allocation per row once
// it has grown to the window's size).
type rowRing struct {
	stride  int
	times   []int64
	origins []int64
	vals    []value.Value
	head, n int
}

func (r *rowRing) len() int { return r.n }

func (r *rowRing) grow() {
	c := 2 * len(r.times)
	if c == 0 {
		c = 4
	}
	times := make([]int64, c)
	origins := make([]int64, c)
	vals := make([]value.Value, c*r.stride)
	for i := 0; i < r.n; i++ {
		j := (r.head + i) % len(r.times)
		times[i], origins[i] = r.times[j], r.origins[j]
		copy(vals[i*r.stride:(i+1)*r.stride], r.vals[j*r.stride:(j+1)*r.stride])
	}
	r.times, r.origins, r.vals, r.head = times, origins, vals, 0
}

// push appends a row (copying its values).
func (r *rowRing) push(time, origin int64, vals []value.Value) {
	if r.n == len(r.times) {
		r.grow()
	}
	j := (r.head + r.n) % len(r.times)
	r.times[j], r.origins[j] = time, origin
	copy(r.vals[j*r.stride:(j+1)*r.stride], vals)
	r.n++
}

// popFront drops the oldest row.
func (r *rowRing) popFront() {
	if r.n == 0 {
		return
	}
	clear(r.vals[r.head*r.stride : (r.head+1)*r.stride]) // let strings go
	r.head = (r.head + 1) % len(r.times)
	r.n--
}

// index maps a position (0 is the oldest) to a slot.
func (r *rowRing) index(i int) int { return (r.head + i) % len(r.times) }

func (r *rowRing) time(i int) int64 { return r.times[r.index(i)] }

func (r *rowRing) origin(i int) int64 { return r.origins[r.index(i)] }

// vals returns the values of row i (0 is the oldest).
func (r *rowRing) row(i int) []value.Value {
	j := r.index(i)
	return r.vals[j*r.stride : (j+1)*r.stride]
}

// minOrigin is the earliest origin among the rows from position from on.
func (r *rowRing) minOrigin(from int) (int64, bool) {
	var m int64
	ok := false
	for i := from; i < r.n; i++ {
		if o := r.origin(i); !ok || o < m {
			m, ok = o, true
		}
	}
	return m, ok
}
