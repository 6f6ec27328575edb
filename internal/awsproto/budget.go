package awsproto

import (
	"container/list"
	"context"
	"sync"
)

// DefaultMaxInflightBytes is the default Budget: the request bodies all
// requests together may hold in memory, about eighteen 14 MiB PutRecords.
const DefaultMaxInflightBytes = 256 << 20

// Budget bounds the bytes of request bodies held in memory at once, across
// every request of every Handler that shares it. A request reserves its
// Content-Length before it reads the first byte (a chunked body reserves as
// it grows) and releases it once its answer is written, so that however
// many clients send large bodies at once, unauthenticated or not, the
// bodies held never exceed the budget. Waiters are served in arrival order:
// a large body is not starved by a stream of small ones.
//
// A single reservation larger than the whole budget is cut to the budget:
// such a body waits until it can be read alone.
type Budget struct {
	mu      sync.Mutex
	size    int64
	used    int64
	waiters list.List // of *budgetWaiter, oldest first
}

type budgetWaiter struct {
	n     int64
	ready chan struct{} // closed once n is reserved for the waiter
}

// NewBudget returns a Budget of size bytes (at least 1).
func NewBudget(size int64) *Budget {
	return &Budget{size: max(size, 1)}
}

// Size is the budget in bytes.
func (b *Budget) Size() int64 { return b.size }

// Used is the bytes reserved now.
func (b *Budget) Used() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.used
}

// TryAcquire reserves n bytes if they are free and nobody waits, and
// reports whether it did. It returns the bytes reserved (n, or the budget's
// size when n is larger).
func (b *Budget) TryAcquire(n int64) (int64, bool) {
	n = min(n, b.size)
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.size-b.used >= n && b.waiters.Len() == 0 {
		b.used += n
		return n, true
	}
	return 0, false
}

// Acquire reserves n bytes, waiting until they are free or ctx ends (then
// it returns ctx's error and reserves nothing). It returns the bytes
// reserved, as TryAcquire does.
func (b *Budget) Acquire(ctx context.Context, n int64) (int64, error) {
	n = min(n, b.size)
	b.mu.Lock()
	if b.size-b.used >= n && b.waiters.Len() == 0 {
		b.used += n
		b.mu.Unlock()
		return n, nil
	}
	w := &budgetWaiter{n: n, ready: make(chan struct{})}
	elem := b.waiters.PushBack(w)
	b.mu.Unlock()

	select {
	case <-w.ready:
		return n, nil
	case <-ctx.Done():
		b.mu.Lock()
		defer b.mu.Unlock()
		select {
		case <-w.ready:
			// Granted as ctx ended: give it back.
			b.used -= n
		default:
			b.waiters.Remove(elem)
		}
		// Whoever waited behind this one may fit now.
		b.grant()
		return 0, ctx.Err()
	}
}

// Release gives back n bytes reserved by Acquire or TryAcquire.
func (b *Budget) Release(n int64) {
	if n <= 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.used -= n
	if b.used < 0 {
		panic("awsproto: budget released more than it reserved")
	}
	b.grant()
}

// grant serves the waiters, oldest first, while the oldest fits.
func (b *Budget) grant() {
	for {
		front := b.waiters.Front()
		if front == nil {
			return
		}
		w := front.Value.(*budgetWaiter)
		if b.size-b.used < w.n {
			return
		}
		b.used += w.n
		b.waiters.Remove(front)
		close(w.ready)
	}
}
