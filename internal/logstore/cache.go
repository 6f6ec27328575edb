package logstore

import (
	"container/list"
	"sync"
)

// indexCache keeps the entry lists of recently read (segment, shard) pairs
// of sealed segments, so that a consumer reading through old data loads each
// index block once. It is bounded by the number of entries it holds; one list
// larger than the bound is still kept, alone.
type indexCache struct {
	mu    sync.Mutex
	max   int
	size  int
	lru   list.List // of *cacheItem, most recent first
	items map[cacheKey]*list.Element
}

type cacheKey struct {
	seg   uint64
	shard uint32
}

type cacheItem struct {
	key     cacheKey
	entries []entryMeta
}

// defaultCacheEntries bounds each log's cache: 64 Ki entries, 2 MiB.
const defaultCacheEntries = 1 << 16

func newIndexCache(max int) *indexCache {
	return &indexCache{max: max, items: map[cacheKey]*list.Element{}}
}

func (c *indexCache) get(k cacheKey) ([]entryMeta, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[k]
	if !ok {
		return nil, false
	}
	c.lru.MoveToFront(el)
	return el.Value.(*cacheItem).entries, true
}

func (c *indexCache) put(k cacheKey, entries []entryMeta) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[k]; ok {
		c.lru.MoveToFront(el)
		return
	}
	c.items[k] = c.lru.PushFront(&cacheItem{key: k, entries: entries})
	c.size += len(entries)
	for c.size > c.max && c.lru.Len() > 1 {
		c.remove(c.lru.Back())
	}
}

// dropSegment forgets every list of segment seg.
func (c *indexCache) dropSegment(seg uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, el := range c.items {
		if k.seg == seg {
			c.remove(el)
		}
	}
}

func (c *indexCache) remove(el *list.Element) {
	it := c.lru.Remove(el).(*cacheItem)
	delete(c.items, it.key)
	c.size -= len(it.entries)
}
