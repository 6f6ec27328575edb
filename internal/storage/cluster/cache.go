package cluster

import (
	"container/list"
	"sync"
	"sync/atomic"
)

// cache keeps object bytes in memory, least recently used out first, up
// to a number of bytes shared by every log of the backend. It holds whole
// objects (each flush puts the object it wrote, so that consumers at the
// tail read from memory) and byte ranges fetched from the store for
// readers of older records. Concurrent misses of one range share one
// fetch. Cached bytes are never modified: readers copy what they return.
type cache struct {
	max int64

	mu      sync.Mutex
	size    int64
	lru     list.List                          // of *cacheItem, most recent first
	objects map[string]map[int64]*list.Element // object key -> offset (wholeObject for all of it) -> item
	flights map[cacheKey]*flight

	hits, misses atomic.Uint64
}

// wholeObject is the offset under which a whole object is kept.
const wholeObject = -1

type cacheKey struct {
	object string
	off    int64
}

type cacheItem struct {
	key  cacheKey
	data []byte
}

// flight is one fetch that concurrent misses wait for.
type flight struct {
	done chan struct{}
	data []byte
	err  error
}

func newCache(max int64) *cache {
	return &cache{max: max, objects: map[string]map[int64]*list.Element{}, flights: map[cacheKey]*flight{}}
}

// get returns n bytes of object from off, from a cached whole object or a
// cached range starting at off.
func (c *cache) get(object string, off, n int64) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	items := c.objects[object]
	if el, ok := items[wholeObject]; ok {
		data := el.Value.(*cacheItem).data
		if off+n <= int64(len(data)) {
			c.lru.MoveToFront(el)
			c.hits.Add(1)
			return data[off : off+n : off+n], true
		}
	}
	if el, ok := items[off]; ok {
		data := el.Value.(*cacheItem).data
		if n <= int64(len(data)) {
			c.lru.MoveToFront(el)
			c.hits.Add(1)
			return data[:n:n], true
		}
	}
	return nil, false
}

// load returns n bytes of object from off: cached, or fetched (once for
// all concurrent callers) and cached. A fetch may return fewer bytes (the
// object is shorter than its index says): those are returned, not cached.
func (c *cache) load(object string, off, n int64, fetch func() ([]byte, error)) ([]byte, error) {
	if b, ok := c.get(object, off, n); ok {
		return b, nil
	}
	k := cacheKey{object, off}
	c.mu.Lock()
	if f, ok := c.flights[k]; ok {
		c.mu.Unlock()
		<-f.done
		return f.data, f.err
	}
	f := &flight{done: make(chan struct{})}
	c.flights[k] = f
	c.mu.Unlock()
	c.misses.Add(1)

	f.data, f.err = fetch()
	c.mu.Lock()
	delete(c.flights, k)
	if f.err == nil && int64(len(f.data)) == n {
		c.putLocked(k, f.data)
	}
	c.mu.Unlock()
	close(f.done)
	return f.data, f.err
}

// put caches data under (object, off).
func (c *cache) put(object string, off int64, data []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.putLocked(cacheKey{object, off}, data)
}

func (c *cache) putLocked(k cacheKey, data []byte) {
	if int64(len(data)) > c.max {
		return
	}
	items := c.objects[k.object]
	if items == nil {
		items = map[int64]*list.Element{}
		c.objects[k.object] = items
	}
	if el, ok := items[k.off]; ok {
		c.removeLocked(el)
	}
	items[k.off] = c.lru.PushFront(&cacheItem{key: k, data: data})
	c.size += int64(len(data))
	for c.size > c.max {
		c.removeLocked(c.lru.Back())
	}
}

// drop forgets everything cached of object.
func (c *cache) drop(object string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, el := range c.objects[object] {
		c.removeLocked(el)
	}
}

func (c *cache) removeLocked(el *list.Element) {
	it := c.lru.Remove(el).(*cacheItem)
	c.size -= int64(len(it.data))
	items := c.objects[it.key.object]
	delete(items, it.key.off)
	if len(items) == 0 {
		delete(c.objects, it.key.object)
	}
}

// bytes returns how much the cache holds.
func (c *cache) bytes() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.size
}
