package cluster

import (
	"context"
	"sync"

	"sluice/internal/objectstore"
)

// hookedObjects wraps an object store with hooks that tests set: each is
// called before the call it names and may act, block or fail it.
type hookedObjects struct {
	Objects
	mu       sync.Mutex
	getRange func(key string)                            // called once, then cleared
	put      func(ctx context.Context, key string) error // a non-nil error fails the put
	del      func(ctx context.Context, key string) error // a non-nil error fails the delete
}

// onGetRange sets the hook of the next GetRange.
func (h *hookedObjects) onGetRange(f func(key string)) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.getRange = f
}

// onPut sets the hook of every Put; nil removes it.
func (h *hookedObjects) onPut(f func(ctx context.Context, key string) error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.put = f
}

// onDelete sets the hook of every Delete; nil removes it.
func (h *hookedObjects) onDelete(f func(ctx context.Context, key string) error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.del = f
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

func (h *hookedObjects) Put(ctx context.Context, o objectstore.Object) error {
	h.mu.Lock()
	f := h.put
	h.mu.Unlock()
	if f != nil {
		if err := f(ctx, o.Key); err != nil {
			return err
		}
	}
	return h.Objects.Put(ctx, o)
}

func (h *hookedObjects) Delete(ctx context.Context, bucket, key string) error {
	h.mu.Lock()
	f := h.del
	h.mu.Unlock()
	if f != nil {
		if err := f(ctx, key); err != nil {
			return err
		}
	}
	return h.Objects.Delete(ctx, bucket, key)
}

// clear empties the cache, as if the objects had been evicted.
func (c *cache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for c.lru.Len() > 0 {
		c.removeLocked(c.lru.Back())
	}
}
