package exec

// LowWatermark is the earliest ROWTIME of source input that can still
// affect an output row to come: the earliest origin of the rows the
// program's windows, joins and buffers hold, or the program's clock (the
// newest input time) when they hold nothing. A program fed again, from a
// fresh Compile, with every source row whose Time is at or after it (in
// the same order, with the same Advance calls) reaches the same state, so
// every row it emits after that point is the row this program emits; the
// package doc, Recovery, says what a replay does and does not reproduce.
// Env.ReplayLimit bounds how far back it goes, at the price of exactness.
func (p *Program) LowWatermark() int64 {
	w := p.clock
	for _, s := range p.states {
		if h, ok := s.held(); ok && h < w {
			w = h
		}
	}
	if p.replayLimit > 0 && p.clock-w > p.replayLimit {
		w = p.clock - p.replayLimit
	}
	return w
}
