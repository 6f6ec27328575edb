package logstore

import "sync"

// arenaBlock is the size of the blocks an Arena hands out entries from. A
// GetRecords answer of up to 10 MB takes about ten; an entry larger than a
// block gets memory of its own, outside the pool.
const arenaBlock = 1 << 20

// blocks recycles arena blocks between reads. Getting fresh memory for
// every GetRecords read cost a fifth of the server's CPU in the get
// workload (A/B in docs/benchmarks.md): zeroing and collecting it and, by
// all signs, faulting in pages the runtime had returned to the kernel.
var blocks = sync.Pool{New: func() any { b := make([]byte, arenaBlock); return &b }}

// Arena is memory for the records of one read that the caller gives back,
// all at once, when it is done with them: ReadArena takes it, Release
// returns it. The zero value is ready to use; an Arena may be reused after
// Release.
type Arena struct {
	held []*[]byte // blocks to return
	free []byte    // the unused rest of the last block
}

// alloc returns n bytes (not zeroed) from the arena, or from the heap when
// a is nil or n is larger than a block.
func (a *Arena) alloc(n int) []byte {
	if a == nil || n > arenaBlock {
		return make([]byte, n)
	}
	if len(a.free) < n {
		b := blocks.Get().(*[]byte)
		a.held = append(a.held, b)
		a.free = *b
	}
	p := a.free[:n:n] // capped: an append must not run into the next entry
	a.free = a.free[n:]
	return p
}

// Release gives the arena's memory back for other reads. Every record read
// into the arena is invalid from then on.
func (a *Arena) Release() {
	if a == nil {
		return
	}
	for i, b := range a.held {
		blocks.Put(b)
		a.held[i] = nil
	}
	a.held = a.held[:0]
	a.free = nil
}
