package analytic

// sample is a point a tree's sampler holds: its weight, where it is
// stored, and the sequence number and ROWTIME of its row.
type sample struct {
	w    float64
	slot int32
	seq  int64
	time int64
}

// sampler is a tree's time-decayed reservoir sample (Efraimidis and
// Spirakis's weighted reservoir, as AWS's random cut forest uses it): the
// point with sequence number i gets the weight -λi + log(-log u), u uniform
// in (0, 1), and the sampler keeps the capacity points of least weight, so
// that a point's chance to stay falls exponentially with its age, λ being
// 1/timeDecay. The samples are a max-heap on weight: the root is the first
// to go.
//
// As the reference says of timeDecay, only the most recent timeDecay
// points count: older ones are dropped even if their weight would keep
// them. minSeq and minTime are the oldest sample's, or older (a sample
// that left by weight may have been the oldest: the bound is refreshed
// when it reaches that age).
type sampler struct {
	samples []sample
	hasMin  bool
	minSeq  int64
	minTime int64
}

func (s *sampler) full(capacity int) bool { return len(s.samples) >= capacity }

// push adds a sample.
func (s *sampler) push(x sample) {
	if !s.hasMin {
		s.hasMin, s.minSeq, s.minTime = true, x.seq, x.time
	}
	s.samples = append(s.samples, x)
	s.up(len(s.samples) - 1)
}

// pop removes the heaviest sample.
func (s *sampler) pop() sample {
	top := s.samples[0]
	last := len(s.samples) - 1
	s.samples[0] = s.samples[last]
	s.samples = s.samples[:last]
	if last > 0 {
		s.down(0)
	} else {
		s.hasMin = false
	}
	return top
}

// expire removes every sample of sequence number at most limit, calling
// gone for each, and refreshes the oldest sample's bound.
func (s *sampler) expire(limit int64, gone func(sample)) {
	if !s.hasMin || s.minSeq > limit {
		return
	}
	kept := s.samples[:0]
	s.hasMin = false
	for _, x := range s.samples {
		if x.seq <= limit {
			gone(x)
			continue
		}
		kept = append(kept, x)
		if !s.hasMin || x.seq < s.minSeq {
			s.hasMin, s.minSeq, s.minTime = true, x.seq, x.time
		}
	}
	clear(s.samples[len(kept):])
	s.samples = kept
	for i := len(s.samples)/2 - 1; i >= 0; i-- {
		s.down(i)
	}
}

func (s *sampler) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !(s.samples[i].w > s.samples[p].w) {
			return
		}
		s.samples[i], s.samples[p] = s.samples[p], s.samples[i]
		i = p
	}
}

func (s *sampler) down(i int) {
	n := len(s.samples)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		m := l
		if r := l + 1; r < n && s.samples[r].w > s.samples[l].w {
			m = r
		}
		if !(s.samples[m].w > s.samples[i].w) {
			return
		}
		s.samples[i], s.samples[m] = s.samples[m], s.samples[i]
		i = m
	}
}
