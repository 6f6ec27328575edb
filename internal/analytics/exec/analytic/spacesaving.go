package analytic

import (
	"sort"

	"sluice/internal/analytics/value"
)

// spaceSaving counts items in at most capacity counters (Metwally,
// Agrawal and El Abbadi, "Efficient Computation of Frequent and Top-k
// Elements in Data Streams", 2005). While no more than capacity distinct
// items have come, every count is exact. Past that, a new item takes the
// counter of the least counted one and starts from its count plus one, so
// a count overestimates the item's true count by at most the counter's err
// (at most n/capacity after n items), and every item seen more than
// n/capacity times holds a counter.
//
// The counters are a min-heap on count with an index by item key, so an
// item costs one map look-up and O(log capacity) moves.
type spaceSaving struct {
	capacity int
	index    map[string]int32 // item key → position in heap
	heap     []ssCounter
}

type ssCounter struct {
	key   string
	item  value.Value
	count int64
	err   int64 // how much of count may belong to items evicted before it
}

func newSpaceSaving(capacity int) *spaceSaving {
	return &spaceSaving{capacity: capacity, index: map[string]int32{}}
}

// add counts one occurrence of item, whose grouping key is key.
func (s *spaceSaving) add(key []byte, item value.Value) {
	if i, ok := s.index[string(key)]; ok {
		s.heap[i].count++
		s.down(int(i))
		return
	}
	if len(s.heap) < s.capacity {
		s.heap = append(s.heap, ssCounter{key: string(key), item: item, count: 1})
		i := len(s.heap) - 1
		s.index[s.heap[i].key] = int32(i)
		s.up(i)
		return
	}
	// Full: the least counted item gives its counter up.
	least := &s.heap[0]
	delete(s.index, least.key)
	*least = ssCounter{key: string(key), item: item, count: least.count + 1, err: least.count}
	s.index[least.key] = 0
	s.down(0)
}

// top returns up to k counters, most counted first; equal counts in the
// order of their items (value.SortCompare), so the output is the same
// whatever the order of the counters.
func (s *spaceSaving) top(k int) []ssCounter {
	out := append([]ssCounter(nil), s.heap...)
	sort.Slice(out, func(i, j int) bool {
		if out[i].count != out[j].count {
			return out[i].count > out[j].count
		}
		return value.SortCompare(out[i].item, out[j].item) < 0
	})
	if len(out) > k {
		out = out[:k]
	}
	return out
}

// reset empties the sketch for the next window, keeping its memory.
func (s *spaceSaving) reset() {
	clear(s.index)
	clear(s.heap)
	s.heap = s.heap[:0]
}

func (s *spaceSaving) less(i, j int) bool { return s.heap[i].count < s.heap[j].count }

func (s *spaceSaving) swap(i, j int) {
	s.heap[i], s.heap[j] = s.heap[j], s.heap[i]
	s.index[s.heap[i].key] = int32(i)
	s.index[s.heap[j].key] = int32(j)
}

func (s *spaceSaving) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !s.less(i, p) {
			return
		}
		s.swap(i, p)
		i = p
	}
}

func (s *spaceSaving) down(i int) {
	n := len(s.heap)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		m := l
		if r := l + 1; r < n && s.less(r, l) {
			m = r
		}
		if !s.less(m, i) {
			return
		}
		s.swap(i, m)
		i = m
	}
}
