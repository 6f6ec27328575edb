package analytic

// pointStore holds the points a forest's trees sample, once however many
// trees hold them: each slot has the point's coordinates, the sequence
// number and ROWTIME of the row (shingle) it came from, and a count of the
// samples and leaves that refer to it. A slot whose count falls to zero is
// reused.
type pointStore struct {
	dim    int
	coords []float64
	seqs   []int64
	times  []int64
	refs   []int32
	free   []int32
}

func newPointStore(dim int) *pointStore { return &pointStore{dim: dim} }

// add stores a point with no references yet.
func (s *pointStore) add(p []float64, seq, t int64) int32 {
	var i int32
	if n := len(s.free); n > 0 {
		i = s.free[n-1]
		s.free = s.free[:n-1]
		copy(s.point(i), p)
		s.seqs[i], s.times[i], s.refs[i] = seq, t, 0
		return i
	}
	i = int32(len(s.refs))
	s.coords = append(s.coords, p...)
	s.seqs = append(s.seqs, seq)
	s.times = append(s.times, t)
	s.refs = append(s.refs, 0)
	return i
}

func (s *pointStore) point(i int32) []float64 {
	o := int(i) * s.dim
	return s.coords[o : o+s.dim : o+s.dim]
}

func (s *pointStore) retain(i int32) { s.refs[i]++ }

func (s *pointStore) release(i int32) {
	s.refs[i]--
	if s.refs[i] == 0 {
		s.free = append(s.free, i)
	}
}

// size is the number of slots in use.
func (s *pointStore) size() int { return len(s.refs) - len(s.free) }

func equalPoints(a, b []float64) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
