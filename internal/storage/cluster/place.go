package cluster

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"sluice/internal/storage"
)

// placements are the logs placed on this backend (Backend.Place): their
// fences, and the metadata keys that describe them. It has a mutex of its
// own because every metadata update asks it for claims, and must not wait
// behind records.mu, which Open holds while it loads an index from etcd.
type placements struct {
	mu       sync.Mutex
	claims   map[string]*claim // log ID -> its own fence
	metaKeys map[string]string // etcd key of a placed log's metadata (its manifest's) -> log ID
	// metaPrefixes are etcd key prefixes whose every key is a placed
	// unit's metadata (FenceMeta) -> the unit's ID.
	metaPrefixes map[string]string
}

func (p *placements) of(id string) *claim {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.claims[id]
}

func (p *placements) set(id string, c *claim) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.claims[id] = c
}

// forget drops log id's fence and metadata key.
func (p *placements) forget(id string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.claims, id)
	maps.DeleteFunc(p.metaKeys, func(_, of string) bool { return of == id })
	maps.DeleteFunc(p.metaPrefixes, func(_, of string) bool { return of == id })
}

// describe notes that etcd key key holds the metadata of log id, if the
// log is placed.
func (p *placements) describe(id, key string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.claims[id] != nil {
		p.metaKeys[key] = id
	}
}

// forMeta returns the fences that a metadata transaction writing keys
// carries: base (the backend's), and those of the placed logs whose
// metadata it writes, so that a node whose placement of a stream lapsed
// cannot change that stream's metadata either.
func (p *placements) forMeta(keys []string, base []*claim) []*claim {
	p.mu.Lock()
	defer p.mu.Unlock()
	claims := base
	for _, k := range keys {
		c := p.claims[p.metaKeys[k]]
		for prefix, id := range p.metaPrefixes {
			if c != nil {
				break
			}
			if strings.HasPrefix(k, prefix) {
				c = p.claims[id]
			}
		}
		if c != nil && !slices.Contains(claims, c) {
			claims = append(slices.Clip(claims), c)
		}
	}
	return claims
}

// FenceMeta makes the metadata updates of keys (a key that ends in "/"
// stands for every key under it) carry the fence of placed unit id (Place)
// beside the backend's, until Release(id): so that a node whose placement
// of a unit without records of its own (a Data Analytics application,
// whose state and checkpoints are metadata) lapsed cannot change that
// unit's metadata either, as for a log's (Describe).
func (b *Backend) FenceMeta(id string, keys ...string) error {
	p := &b.recs.placed
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.claims[id] == nil {
		return fmt.Errorf("cluster: fence the metadata of %s: it is not placed", id)
	}
	for _, k := range keys {
		if strings.HasSuffix(k, "/") {
			p.metaPrefixes[b.keys.meta()+k] = id
		} else {
			p.metaKeys[b.keys.meta()+k] = id
		}
	}
	return nil
}

// claimsOf returns the fences that writes of log id carry.
func (r *records) claimsOf(id string) []*claim {
	if c := r.placed.of(id); c != nil {
		return []*claim{&r.b.own, c}
	}
	return r.b.claims
}

// isReleasing tells whether Release is closing log id.
func (r *records) isReleasing(id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.releasing[id] != nil
}

// learnMetaKey reads the manifest of a placed log being opened, so that
// updates of its metadata carry its fence from the first (Describe, which
// notes the key too, comes after a service's first update).
func (r *records) learnMetaKey(ctx context.Context, id string) error {
	resp, err := r.b.etcd.Get(ctx, r.b.keys.manifest(id))
	if err != nil {
		return fmt.Errorf("read its manifest: %w", err)
	}
	if m, _ := manifestOf(resp.Kvs); m != nil {
		r.placed.describe(id, r.b.keys.meta()+m.Key)
	}
	return nil
}

// Place gives log id a fence of its own, beside the backend's: its writes
// (flushes, Expire and compactions of the log once opened; Describe,
// MarkRemoving, Disown and Remove of it from now on; and the MetaStore
// updates of the key its manifest names) commit only while both hold.
// The node that a placement assigns the log to takes f from an etcd key
// bound to its session lease (put when it took the log); when that key
// goes, the node's writes to this log fail with ErrLogMoved while its
// other logs go on. A log open already must be released first.
//
// Once logs are placed, every log a node writes must be: a log opened
// without a placement writes under the backend's fence alone, which
// another node's backend fence does not exclude.
func (b *Backend) Place(id string, f Fence) error {
	switch {
	case b.readOnly:
		return fmt.Errorf("cluster: place log %s: %w", id, ErrReadOnly)
	case f.Key == "" || f.Revision <= 0:
		return fmt.Errorf("cluster: place log %s: the fence is not set", id)
	}
	r := b.recs
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.logs[id] != nil || r.releasing[id] != nil {
		return fmt.Errorf("cluster: place log %s: it is open; release it first", id)
	}
	r.placed.set(id, &claim{Fence: f, lostErr: ErrLogMoved, log: b.log.With("stream", id)})
	return nil
}

// Release closes log id, flushing what is queued (within the close
// timeout) and waiting for a commit in progress, then forgets its own
// fence: another node may take the log over, and will find everything
// acknowledged here committed. Records stay. Open, Remove and Disown of
// the log fail meanwhile; Close waits for it. Release of a log that is
// not open only forgets the fence.
func (b *Backend) Release(id string) {
	r := b.recs
	r.mu.Lock()
	l := r.logs[id]
	delete(r.logs, id)
	if l != nil {
		r.releasing[id] = l
	}
	r.mu.Unlock()
	if l != nil {
		l.close(false, r.closeDeadline())
		l.awaitCommit() // an Expire that was committing
	}
	r.placed.forget(id)
	r.mu.Lock()
	delete(r.releasing, id)
	r.mu.Unlock()
}

// awaitCommit returns once no change of the log's index is being
// committed: it takes commitMu, which every commit holds throughout.
func (l *clusterLog) awaitCommit() {
	l.commitMu.Lock()
	defer l.commitMu.Unlock()
}

// The services release a dropped log through storage.Releaser.
var _ storage.Releaser = (*Backend)(nil)
