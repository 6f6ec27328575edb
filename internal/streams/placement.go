package streams

import (
	"context"
	"encoding/json"
	"fmt"

	"sluice/internal/storage"
)

// Placement: in a cluster whose streams are spread over several nodes,
// each node's Service owns some streams and follows the others. An owned
// stream is as on one node: its log open, its transitions, retention and
// scaling run here. A remote stream (owned by another node) is metadata
// only, kept for the account-wide answers every node gives (ListStreams,
// the account's shard limit, descriptions): its log is a FailedLog that
// says the stream is served elsewhere, and any operation other than a
// description fails the same way, before anything changes. The cluster
// routes a stream's operations to its owner, so a remote stream sees one
// only when a move raced the routing; the client's retry reaches the new
// owner.
//
// Config.Owns says which streams are this node's at start; LoadStream and
// DropStream move a stream in and out at run time, and Follow rereads the
// metadata of a stream another node changed (one call at a time per key,
// as a watch delivers them).

// errElsewhere is what operations on a remote stream fail with: a
// storage.ErrMoved, so that the client is told to retry (the node that
// owns the stream serves the retry).
func errElsewhere(id, name string) error {
	return fmt.Errorf("streams: %w", &storage.Moved{Kind: storage.KindStream, ID: id, Name: name})
}

// remoteReadable are the actions a remote stream answers from the
// metadata it follows: descriptions, which every node can give, those the
// cluster owner's other services make of a stream they are about to read
// (a channel's, a Firehose delivery stream's or an Analytics
// application's source, which the owner then takes over) among them.
var remoteReadable = map[string]bool{
	"CreateChannel":          true,
	"FirehoseSource":         true,
	"KinesisAnalytics":       true,
	"DescribeStream":         true,
	"DescribeStreamSummary":  true,
	"ListShards":             true,
	"ListStreamConsumers":    true,
	"DescribeStreamConsumer": true,
	"ListTagsForStream":      true,
	"ListTagsForResource":    true,
	"GetResourcePolicy":      true,
}

// owns reports whether this node owns the stream with the ID at start.
func (s *Service) owns(id string) bool { return s.cfg.Owns == nil || s.cfg.Owns(id) }

// refuseRemote returns errElsewhere for a metadata write of a remote
// stream.
func (s *Service) refuseRemote(st *Stream) error {
	if s.remote.Has(st.ID) {
		return errElsewhere(st.ID, st.Name)
	}
	return nil
}

// addRemote makes a stream owned by another node known; the caller holds
// s.mu (or runs before the Service is shared).
func (s *Service) addRemoteLocked(st *Stream) {
	s.remote.Set(st.ID, true)
	ls := &liveStream{log: storage.NewFailedLog(errElsewhere(st.ID, st.Name)), remote: true, gone: make(chan struct{})}
	ls.publish(st)
	s.streams[streamKey{st.Account, st.Region, st.Name}] = ls
}

// readStream reads the metadata of the stream with the ID from the store
// (a scan: moves are rare).
func (s *Service) readStream(ctx context.Context, id string) (*Stream, error) {
	st, err := storage.FindJSON(ctx, s.meta, keyStreams, func(key string, st *Stream) bool {
		return st.ID == id && streamMetaKey(st) == key
	})
	if err != nil {
		return nil, fmt.Errorf("streams: the stream with the ID %s: %w", id, err)
	}
	return st, nil
}

// LoadStream makes this node the owner of the stream with the ID: its
// metadata is reread from the store (the previous owner's last change is
// there), its log opened, its pending transitions resumed. The storage
// must already let this node write the log (in a cluster, the caller
// placed it). Loading an owned stream does nothing.
func (s *Service) LoadStream(ctx context.Context, id string) error {
	st, err := s.readStream(ctx, id)
	if err != nil {
		return err
	}
	key := streamKey{st.Account, st.Region, st.Name}
	owned := func() bool {
		ls := s.streams[key]
		return ls != nil && !ls.remote && ls.snapshot().ID == id
	}
	s.mu.RLock()
	already := owned()
	s.mu.RUnlock()
	if already {
		return nil
	}
	// Opened outside s.mu: in a cluster, opening reads the log's index
	// from etcd, which the lookups of every other request must not wait
	// for. Placements come one at a time, so nothing loads it meanwhile.
	l, err := s.recs.Open(ctx, id)
	if err != nil {
		return fmt.Errorf("streams: opening the log of stream %s: %w", st.Name, err)
	}
	s.mu.Lock()
	if owned() {
		s.mu.Unlock()
		return nil
	}
	old := s.streams[key]
	if old != nil {
		s.remote.Set(old.snapshot().ID, false) // a stale remote entry of an older stream of the name
	}
	s.streams[key] = newLiveStream(l, st)
	s.remote.Set(id, false)
	s.mu.Unlock()
	if old != nil {
		close(old.gone)
	}
	if err := s.describe(ctx, st); err != nil {
		s.log.Error("writing the stream's manifest", "stream", st.Name, "err", err)
	}
	if st.Status != StatusActive {
		s.scheduleTransition(st)
	}
	for _, cons := range st.Consumers {
		if cons.Status != ConsumerActive {
			s.scheduleConsumer(st, cons)
		}
	}
	return nil
}

// DropStream hands the stream with the ID to another node: from now on it
// is remote here. Its timers stop, its subscriptions end (their clients
// subscribe again, at the new owner), appends in flight finish, and then
// its log is released (in a cluster: flushed, committed and closed, its
// counters going on at the next owner). Dropping a stream this node does
// not own does nothing.
func (s *Service) DropStream(id string) {
	s.mu.Lock()
	var old *liveStream
	for _, ls := range s.streams {
		if !ls.remote && ls.snapshot().ID == id {
			old = ls
			break
		}
	}
	if old == nil {
		s.mu.Unlock()
		return
	}
	st := old.snapshot()
	s.stopTimersLocked(st)
	s.addRemoteLocked(st)
	s.mu.Unlock()
	// Appends hold the stream's read lock: this waits for those in flight.
	old.mu.Lock()
	close(old.gone)
	old.mu.Unlock()
	if s.releaser != nil {
		s.releaser.Release(id)
	}
}

// stopTimersLocked stops the stream's transition and consumer timers; the
// caller holds s.mu.
func (s *Service) stopTimersLocked(st *Stream) {
	keys := []string{st.ID}
	for i := range st.Consumers {
		keys = append(keys, st.ConsumerARN(&st.Consumers[i]))
	}
	for _, k := range keys {
		if t := s.timers[k]; t != nil {
			t.Stop()
			delete(s.timers, k)
		}
	}
}

// Follow rereads the stream at metadata key (as a watch of the store
// reports it changed) when another node owns it: a new or changed stream
// is published as remote, a deleted one forgotten. Streams this node owns
// are left alone: its own memory is their truth.
func (s *Service) Follow(ctx context.Context, key string) error {
	k, ok := streamKeyOf(key)
	if !ok {
		return fmt.Errorf("streams: %s is not a stream's metadata key", key)
	}
	st, err := storage.ReadJSON(ctx, s.meta, key, func(st *Stream) bool { return st.ID != "" && streamMetaKey(st) == key })
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cur := s.streams[k]
	if cur != nil {
		if !cur.remote {
			return nil
		}
		if known := cur.snapshot(); st == nil || st.ID != known.ID {
			delete(s.streams, k)
			s.remote.Set(known.ID, false)
			close(cur.gone)
			cur = nil
		}
	}
	switch {
	case st == nil:
	case cur != nil:
		cur.mu.Lock()
		cur.publish(st)
		cur.mu.Unlock()
	default:
		s.addRemoteLocked(st)
	}
	return nil
}

// streamKeyOf parses a stream's metadata key (streamMetaKey).
func streamKeyOf(key string) (streamKey, bool) {
	account, region, name, ok := storage.SplitMetaKey(key, keyStreams)
	return streamKey{account, region, name}, ok
}

// StreamsPrefix is the metadata key prefix of every stream: a cluster
// node watches it and hands each key to Follow ("" to FollowAll).
const StreamsPrefix = keyStreams

// FollowAll rereads the metadata of every stream another node owns (a
// watch that started over may have missed changes): new and changed ones
// are published as remote, remote ones no longer in the store forgotten.
func (s *Service) FollowAll(ctx context.Context) error {
	return storage.FollowAll(ctx, s.meta, keyStreams, s.Follow, s.remoteKeys, func(key string, err error) {
		s.log.Error("following a stream's metadata", "key", key, "err", err)
	})
}

// remoteKeys returns the metadata keys of the remote streams.
func (s *Service) remoteKeys() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var keys []string
	for _, ls := range s.streams {
		if ls.remote {
			keys = append(keys, streamMetaKey(ls.snapshot()))
		}
	}
	return keys
}

// Snapshots returns every stream this node knows — owned and remote — with
// whether this node owns it, for the cluster's placement (a stream weighs
// its open shards). Like every snapshot, they must not be modified.
func (s *Service) Snapshots() (streams []*Stream, owned []bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, ls := range s.streams {
		streams = append(streams, ls.snapshot())
		owned = append(owned, !ls.remote)
	}
	return streams, owned
}

// AccountsPrefix is the metadata key prefix of the accounts' settings
// (UpdateAccountSettings): a cluster node watches it and calls
// FollowAccounts, since the settings are changed on the cluster's owner
// and read by the node of each stream.
const AccountsPrefix = keyAccounts

// FollowAccounts rereads every account's settings from the store.
func (s *Service) FollowAccounts(ctx context.Context) error {
	accounts := map[accountKey]*AccountSettings{}
	err := s.meta.Scan(ctx, keyAccounts, func(key string, value []byte) error {
		var a AccountSettings
		if err := json.Unmarshal(value, &a); err != nil {
			s.log.Error("account settings damaged: the defaults apply", "key", key, "err", err)
			return nil
		}
		accounts[accountKey{a.Account, a.Region}] = &a
		return nil
	})
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.accounts = accounts
	s.mu.Unlock()
	return nil
}
