package analytics

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"sluice/internal/storage"
)

// Placement: in a cluster whose applications are spread over several
// nodes, each node's Service owns some applications and follows the
// others. An owned application is as on one node: its transitions run
// here, and when its status says it runs (RUNNING, STARTING, UPDATING),
// it runs in this node's Runner. A remote application (owned by another
// node) is metadata only, kept for the answers every node gives
// (ListApplications, DescribeApplication, its versions and tags, the
// account's application limit): nothing of it runs here, and every
// operation that would change it fails with storage.ErrMoved before
// anything changes. The cluster routes an application's operations to its
// owner, so a remote application sees one only when a move raced the
// routing; the client's retry reaches the new owner.
//
// Config.Owns says which applications are this node's at start;
// LoadApplication and DropApplication move one in and out at run time, and
// Follow rereads the metadata of an application another node changed (one
// call at a time per key, as a watch delivers them).
//
// Applications keep no log of their own (their records are their sources'
// and destinations'), so a move hands over no log: what the next owner
// needs is the metadata and the Runner's checkpoints, both in the shared
// metadata store.

// errElsewhere is what operations on a remote application fail with: a
// storage.ErrMoved, so that the client is told to retry (the node that
// owns the application serves the retry).
func errElsewhere(id, name string) error {
	return fmt.Errorf("analytics: %w", &storage.Moved{Kind: storage.KindApplication, ID: id, Name: name})
}

// inflight orders the transitions that run in the background, by
// application ID: each waits for those begun before it to end (a Stop's
// runtime stop must not run before the restart it follows has started
// the application, or it finds nothing to stop), and DropApplication
// waits for them all. Its lock is a leaf.
type inflight struct {
	mu   sync.Mutex
	last map[string]chan struct{} // the latest transition's end, by application
}

// begin registers a transition of application id: prev closes once the
// transitions begun before it have ended (nil when there are none), done
// is to be passed to end when it ends.
func (f *inflight) begin(id string) (prev <-chan struct{}, done chan struct{}) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.last == nil {
		f.last = map[string]chan struct{}{}
	}
	done = make(chan struct{})
	prev = f.last[id]
	f.last[id] = done
	return prev, done
}

// end marks the transition that begin gave done as ended.
func (f *inflight) end(id string, done chan struct{}) {
	f.mu.Lock()
	defer f.mu.Unlock()
	close(done)
	if f.last[id] == done {
		delete(f.last, id)
	}
}

// wait returns once the transitions of the application begun so far have
// ended (each ends after those before it).
func (f *inflight) wait(id string) {
	f.mu.Lock()
	last := f.last[id]
	f.mu.Unlock()
	if last != nil {
		<-last
	}
}

// owns reports whether this node owns the application with the ID at
// start.
func (s *Service) owns(id string) bool { return s.cfg.Owns == nil || s.cfg.Owns(id) }

// refuseRemote returns errElsewhere for a change of a remote application.
func (s *Service) refuseRemote(a *Application) error {
	if s.remote.Has(a.ID) {
		return errElsewhere(a.ID, a.Name)
	}
	return nil
}

// readApplication reads the metadata of the application with the ID from
// the store (a scan: moves are rare).
func (s *Service) readApplication(ctx context.Context, id string) (*Application, error) {
	a, err := storage.FindJSON(ctx, s.meta, keyApplications, func(key string, a *Application) bool {
		return a.ID == id && metaKey(a) == key
	})
	if err != nil {
		return nil, fmt.Errorf("analytics: the application with the ID %s: %w", id, err)
	}
	return a, nil
}

// LoadApplication makes this node the owner of the application with the
// ID: its metadata is reread from the store (the previous owner's last
// change is there) and its state resumed as a server start resumes it: if
// it runs (RUNNING, STARTING, UPDATING) the Runner starts it, each input
// that ran from its last stopped point (the checkpoint the previous
// owner's DropApplication committed), one STOPPING becomes READY, one
// DELETING is deleted. Loading an owned application does nothing.
func (s *Service) LoadApplication(ctx context.Context, id string) error {
	a, err := s.readApplication(ctx, id)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if cur := s.apps[keyOf(a)]; cur != nil && cur.ID == id && !s.remote.Has(id) {
		return nil
	}
	s.apps[keyOf(a)] = a
	s.remote.Set(id, false)
	s.resume(ctx, a)
	return nil
}

// DropApplication hands the application with the ID to another node: from
// now on it is remote here. Its transitions in flight finish (without
// settling: their end is persisted by the next owner, which resumes the
// state they began), and then the Runner stops it, committing its
// positions as its last stopped point, without any change to its status:
// it keeps running, at the next owner, which the caller must load it on
// only once DropApplication has returned. Dropping an application this
// node does not own does nothing.
func (s *Service) DropApplication(id string) {
	s.mu.Lock()
	var a *Application
	for _, cur := range s.apps {
		if cur.ID == id && !s.remote.Has(id) {
			a = cur
			break
		}
	}
	if a == nil {
		s.mu.Unlock()
		return
	}
	s.remote.Set(id, true)
	s.mu.Unlock()
	s.inflight.wait(id)
	if err := s.stopRunner(a); err != nil && !errors.Is(err, context.Canceled) {
		s.log.Error("stopping a dropped application", "name", a.Name, "account", a.Account, "region", a.Region, "err", err)
	}
}

// Follow rereads the application at metadata key (as a watch of the store
// reports it changed) when another node owns it: a new or changed
// application is kept as remote, a deleted one forgotten. Applications
// this node owns are left alone: its own memory is their truth.
func (s *Service) Follow(ctx context.Context, key string) error {
	k, ok := appKeyOf(key)
	if !ok {
		return fmt.Errorf("analytics: %s is not an application's metadata key", key)
	}
	a, err := storage.ReadJSON(ctx, s.meta, key, func(a *Application) bool { return a.ID != "" && metaKey(a) == key })
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if cur := s.apps[k]; cur != nil {
		if !s.remote.Has(cur.ID) {
			return nil
		}
		if a == nil || a.ID != cur.ID {
			delete(s.apps, k)
			s.remote.Set(cur.ID, false)
		}
	}
	if a != nil {
		s.remote.Set(a.ID, true)
		s.apps[k] = a
	}
	return nil
}

// appKeyOf parses an application's metadata key (metaKey).
func appKeyOf(key string) (appKey, bool) {
	account, region, name, ok := storage.SplitMetaKey(key, keyApplications)
	return appKey{account, region, name}, ok
}

// ApplicationsPrefix is the metadata key prefix of every application: a
// cluster node watches it and hands each key to Follow ("" to FollowAll).
const ApplicationsPrefix = keyApplications

// FollowAll rereads the metadata of every application another node owns
// (a watch that started over may have missed changes): new and changed
// ones are kept as remote, remote ones no longer in the store forgotten.
func (s *Service) FollowAll(ctx context.Context) error {
	return storage.FollowAll(ctx, s.meta, keyApplications, s.Follow, s.remoteKeys, func(key string, err error) {
		s.log.Error("following an application's metadata", "key", key, "err", err)
	})
}

// remoteKeys returns the metadata keys of the remote applications.
func (s *Service) remoteKeys() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var keys []string
	for _, a := range s.apps {
		if s.remote.Has(a.ID) {
			keys = append(keys, metaKey(a))
		}
	}
	return keys
}

// Each calls fn with every application this node knows, owned or remote,
// in no particular order (the cluster's placement links an application to
// the streams it reads and writes). fn must not modify it.
func (s *Service) Each(fn func(a *Application)) {
	s.mu.Lock()
	apps := make([]*Application, 0, len(s.apps))
	for _, a := range s.apps {
		apps = append(apps, a)
	}
	s.mu.Unlock()
	for _, a := range apps {
		fn(a)
	}
}

// FencedKeys are the metadata keys only the node that runs application a
// writes (a key that ends in "/" stands for every key under it): its
// state, its versions and its Runner's checkpoints. A cluster fences them
// with the application's placement.
func FencedKeys(a *Application) []string {
	return []string{metaKey(a), keyVersions + a.ID + "/", CheckpointPrefix(a)}
}

// FencedKeysOf returns FencedKeys of the application with the ID, read
// from the store (a cluster node about to load it fences them first).
func (s *Service) FencedKeysOf(ctx context.Context, id string) ([]string, error) {
	a, err := s.readApplication(ctx, id)
	if err != nil {
		return nil, err
	}
	return FencedKeys(a), nil
}

// Remote tells whether the application with the ID is another node's:
// known here as metadata only, run elsewhere.
func (s *Service) Remote(id string) bool { return s.remote.Has(id) }
