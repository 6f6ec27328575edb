package cluster

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	storagecluster "sluice/internal/storage/cluster"
)

// loadRetryPause is how long a placer waits before giving back a unit it
// could not load.
const loadRetryPause = 2 * time.Second

// placer runs on every node: it follows the placement keys and loads the
// units whose keys name the node, under the key as the unit's fence, and
// drops those whose keys stop naming it (deleted, lapsed with the lease,
// or handed to another node). A unit handed over is dropped before its
// key is deleted, so that the new owner is placed only once the old one
// has flushed and let go.
type placer struct {
	etcd   *clientv3.Client
	prefix string
	self   string
	// load makes this node the unit's owner under fence; an error gives
	// the unit back to the coordinator (its key is deleted).
	load func(ctx context.Context, unit string, fence storagecluster.Fence) error
	// drop hands the unit over: when it returns, everything the node
	// acknowledged for it is committed and the node writes it no more.
	drop func(unit string)
	log  *slog.Logger
	// where, when set, is kept current with every unit's owner, for
	// routing; loaded, when set, with the units loaded here.
	where  *locations
	loaded *loadedUnits
	// ready, when set, is closed once the units placed here when the
	// placer started are loaded.
	ready chan struct{}

	// owned is the units loaded here, with the create revision of the key
	// each was loaded under. Only run's goroutine touches it.
	owned map[string]int64
	// leaving, set before run's context ends, makes run delete the keys
	// of the units it drops as it ends (the node stops: the owner places
	// them elsewhere at once rather than when the node's lease goes).
	leaving atomic.Bool
}

// run follows the placement keys until ctx ends, then drops every unit
// it loaded: the caller ends it before the node's lease, so that those
// drops still commit under their fences.
func (p *placer) run(ctx context.Context) {
	if p.owned == nil {
		p.owned = map[string]int64{}
	}
	defer func() {
		for unit, rev := range p.owned {
			p.drop(unit)
			delete(p.owned, unit)
			if p.leaving.Load() {
				ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
				p.release(ctx, unit, rev)
				cancel()
			}
		}
	}()
	for ctx.Err() == nil {
		rev, err := p.reconcile(ctx)
		if err == nil {
			if p.ready != nil {
				close(p.ready)
				p.ready = nil
			}
			err = p.follow(ctx, rev)
		}
		if ctx.Err() != nil {
			return
		}
		p.log.Warn("following the placement keys; reading them again", "err", err)
		select {
		case <-ctx.Done():
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// reconcile reads every placement key and applies it, dropping the owned
// units that have none; it returns the revision read.
func (p *placer) reconcile(ctx context.Context) (int64, error) {
	keys, _, rev, err := readPlacements(ctx, p.etcd, p.prefix)
	if err != nil {
		return 0, err
	}
	p.where.reset(keys)
	for unit, pl := range keys {
		if pl.Node == p.self && !pl.Refused && pl.To == "" && p.owned[unit] != pl.CreateRevision {
			p.loaded.expect(unit) // loaded below, one after the other
		}
	}
	for unit := range p.owned {
		if _, ok := keys[unit]; !ok {
			p.apply(ctx, unit, nil)
		}
	}
	for unit, pl := range keys {
		p.apply(ctx, unit, &pl)
	}
	return rev, nil
}

// follow applies the placement keys' changes after rev until the watch
// fails (a compaction, an etcd restart), which the caller answers by
// reading everything again.
func (p *placer) follow(ctx context.Context, rev int64) error {
	wctx, cancel := context.WithCancel(clientv3.WithRequireLeader(ctx))
	defer cancel()
	for resp := range p.etcd.Watch(wctx, placementPrefix(p.prefix), clientv3.WithPrefix(), clientv3.WithRev(rev+1)) {
		if err := resp.Err(); err != nil {
			return err
		}
		for _, ev := range resp.Events {
			unit, pl, ok := parsePlacement(p.prefix, ev.Kv)
			switch {
			case ev.Type == clientv3.EventTypeDelete && unit != "":
				p.where.set(unit, "")
				p.apply(ctx, unit, nil)
			case ok:
				p.where.set(unit, pl.Node)
				p.apply(ctx, unit, &pl)
			}
		}
	}
	return ctx.Err()
}

// apply brings one unit in line with its key (nil: none).
func (p *placer) apply(ctx context.Context, unit string, pl *placement) {
	rev, owned := p.owned[unit]
	mine := pl != nil && pl.Node == p.self
	switch {
	case !mine || pl.Refused:
		if owned {
			p.log.Info("unit placed elsewhere; dropping it", "unit", unit)
			p.dropUnit(unit)
		}
	case pl.To != "":
		if owned {
			p.log.Info("handing a unit over", "unit", unit, "to", pl.To)
			p.dropUnit(unit)
		}
		p.release(ctx, unit, pl.CreateRevision)
	case owned && rev == pl.CreateRevision:
		// Loaded under this very key already.
	default:
		if owned {
			p.dropUnit(unit) // a new key: the one it was loaded under lapsed
		}
		fence := storagecluster.Fence{Key: placementKey(p.prefix, unit), Revision: pl.CreateRevision}
		p.loaded.expect(unit)
		if err := p.load(ctx, unit, fence); err != nil {
			p.loaded.set(unit, false)
			if ctx.Err() != nil {
				return
			}
			// Refused after a pause, for the coordinator to place it on
			// another node: a log that cannot open here would loop.
			p.log.Warn("loading a unit failed; giving it back", "unit", unit, "err", err)
			select {
			case <-ctx.Done():
				return
			case <-time.After(loadRetryPause):
			}
			p.refuse(ctx, unit, pl.CreateRevision)
			return
		}
		p.owned[unit] = pl.CreateRevision
		p.loaded.set(unit, true)
	}
}

func (p *placer) dropUnit(unit string) {
	p.loaded.set(unit, false)
	p.drop(unit)
	delete(p.owned, unit)
}

// refuse marks the unit's key created at rev as refused by this node.
func (p *placer) refuse(ctx context.Context, unit string, rev int64) {
	key := placementKey(p.prefix, unit)
	val, _ := json.Marshal(placementValue{Node: p.self, Refused: true})
	_, err := p.etcd.Txn(ctx).If(clientv3.Compare(clientv3.CreateRevision(key), "=", rev)).
		Then(clientv3.OpPut(key, string(val), clientv3.WithIgnoreLease())).Commit()
	if err != nil && ctx.Err() == nil {
		p.log.Warn("refusing a placement", "unit", unit, "err", err)
	}
}

// release deletes the unit's key created at rev (a failure is logged: the
// coordinator's handoff timeout fences the key off in the end).
func (p *placer) release(ctx context.Context, unit string, rev int64) {
	if err := releasePlacement(ctx, p.etcd, p.prefix, unit, rev); err != nil && ctx.Err() == nil {
		p.log.Warn("deleting a placement key", "unit", unit, "err", err)
	}
}

// loadedUnits are the units this node's placer has loaded, for a request
// that arrives while its unit is loading here to wait for it (handler.go)
// rather than send its client away to retry.
type loadedUnits struct {
	mu      sync.Mutex
	units   map[string]bool
	pending map[string]bool // placed here, not loaded yet
	changed chan struct{}   // closed and replaced at every change
}

// expect notes that unit is placed here and about to be loaded.
func (l *loadedUnits) expect(unit string) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.pending == nil {
		l.pending = map[string]bool{}
	}
	l.pending[unit] = true
}

// busy tells whether some unit placed here is not loaded yet: only then
// can a request forwarded here find its unit loading.
func (l *loadedUnits) busy() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.pending) > 0
}

// set notes that unit is loaded here, or not (dropped, or its load
// failed).
func (l *loadedUnits) set(unit string, loaded bool) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.units == nil {
		l.units = map[string]bool{}
	}
	delete(l.pending, unit)
	if loaded {
		l.units[unit] = true
	} else {
		delete(l.units, unit)
	}
	if l.changed != nil {
		close(l.changed)
	}
	l.changed = make(chan struct{})
}

// wait reports whether unit is loaded here, waiting up to d (or until ctx
// ends) for it to be.
func (l *loadedUnits) wait(ctx context.Context, unit string, d time.Duration) bool {
	timer := time.NewTimer(d)
	defer timer.Stop()
	for {
		l.mu.Lock()
		if l.changed == nil {
			l.changed = make(chan struct{})
		}
		loaded, changed := l.units[unit], l.changed
		l.mu.Unlock()
		if loaded {
			return true
		}
		select {
		case <-changed:
		case <-timer.C:
			return false
		case <-ctx.Done():
			return false
		}
	}
}

// locations is where each unit runs, as the placement keys say (a unit
// being handed over is still at its old owner until its key goes).
type locations struct {
	mu sync.RWMutex
	m  map[string]string
}

// nodeOf returns the node unit runs on, "" when none.
func (w *locations) nodeOf(unit string) string {
	if w == nil {
		return ""
	}
	w.mu.RLock()
	defer w.mu.RUnlock()
	return w.m[unit]
}

func (w *locations) set(unit, node string) {
	if w == nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.m == nil {
		w.m = map[string]string{}
	}
	if node == "" {
		delete(w.m, unit)
	} else {
		w.m[unit] = node
	}
}

func (w *locations) reset(keys map[string]placement) {
	if w == nil {
		return
	}
	m := make(map[string]string, len(keys))
	for unit, p := range keys {
		m[unit] = p.Node
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.m = m
}
