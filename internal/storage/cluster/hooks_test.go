package cluster

import (
	"context"
	"sync"
)

// hookedObjects wraps an object store with hooks that tests set: each is
// called before the call it names and may act, block or fail it.
type hookedObjects struct {
	Objects
	mu       sync.Mutex
	getRange func(key string) // called once, then cleared
}

// onGetRange sets the hook of the next GetRange.
func (h *hookedObjects) onGetRange(f func(key string)) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.getRange = f
}

func (h *hookedObjects) GetRange(ctx context.Context, bucket, key string, off, n int64) ([]byte, error) {
	h.mu.Lock()
	f := h.getRange
	h.getRange = nil
	h.mu.Unlock()
	if f != nil {
		f(key)
	}
	return h.Objects.GetRange(ctx, bucket, key, off, n)
}

// clear empties the cache, as if the objects had been evicted.
func (c *cache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for c.lru.Len() > 0 {
		c.removeLocked(c.lru.Back())
	}
}
