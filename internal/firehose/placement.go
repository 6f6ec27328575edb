package firehose

import (
	"context"
	"fmt"

	"sluice/internal/storage"
)

// Placement: in a cluster whose delivery streams are spread over several
// nodes, each node's Service owns some delivery streams and follows the
// others (as package streams does for data streams). An owned delivery
// stream is as on one node: its log open, its deliverer (and Kinesis
// source reader) running, its CREATING, DELETING and encryption timers set
// here. A remote delivery stream (owned by another node) is metadata only,
// kept for the answers every node gives (DescribeDeliveryStream,
// ListDeliveryStreams, ListTagsForDeliveryStream, the account's delivery
// stream quota): nothing runs for it, and any other operation on it fails
// with an error wrapping storage.ErrMoved, before anything changes. The
// cluster routes a delivery stream's operations to its owner, so a remote
// one sees one only when a move raced the routing; the client's retry
// reaches the new owner.
//
// A delivery stream is known to placement by its ID (DeliveryStream.ID,
// in its metadata; its log is LogPrefix+ID). Config.Owns says which are
// this node's at start; LoadDeliveryStream and DropDeliveryStream move one
// in and out at run time, and Follow rereads the metadata of one another
// node changed (one call at a time per key, as a watch delivers them).
//
// Records acknowledged before a move are not lost: they are in the log,
// which a drop releases (never removes), and the next owner's deliverer
// starts from the delivery position in the metadata, as after a restart.
// A delivery cut short by the drop is delivered again by the next owner
// (at-least-once, as the package doc says of a crash).
//
// The delivery position and source positions (firehose/position/,
// firehose/source/) are written only by the deliverer and the source
// reader, which run only while the delivery stream is owned; a drop waits
// for them to stop, so their last write (objects already delivered) is in
// the store before the next owner reads it. The delivery stream's own
// metadata, which operations write, is refused for a remote one in
// persist and deleteMeta.

// errElsewhere is what operations on a remote delivery stream fail with:
// a storage.ErrMoved, so that the client is told to retry (the node that
// owns the delivery stream serves the retry).
func errElsewhere(id, name string) error {
	return fmt.Errorf("firehose: %w", &storage.Moved{Kind: storage.KindDeliveryStream, ID: id, Name: name})
}

// owns reports whether this node owns the delivery stream with the ID at
// start.
func (s *Service) owns(id string) bool { return s.cfg.Owns == nil || s.cfg.Owns(id) }

// refuseRemote returns errElsewhere for a metadata write of a remote
// delivery stream.
func (s *Service) refuseRemote(ds *DeliveryStream) error {
	if s.remote.Has(ds.ID) {
		return errElsewhere(ds.ID, ds.Name)
	}
	return nil
}

// addRemoteLocked makes a delivery stream another node owns known; the
// caller holds s.mu (or runs before the Service is shared). Its log is a
// FailedLog that says where it is served, and nothing is started.
func (s *Service) addRemoteLocked(ds *DeliveryStream) {
	s.remote.Set(ds.ID, true)
	l := s.newLive(ds, storage.NewFailedLog(errElsewhere(ds.ID, ds.Name)))
	l.remote, l.moved = true, true
	s.streams[streamKey{ds.Account, ds.Region, ds.Name}] = l
}

// readDeliveryStream reads the metadata of the delivery stream with the ID
// from the store (a scan: moves are rare).
func (s *Service) readDeliveryStream(ctx context.Context, id string) (*DeliveryStream, error) {
	ds, err := storage.FindJSON(ctx, s.meta, keyStreams, func(key string, ds *DeliveryStream) bool {
		return ds.ID == id && metaKey(ds) == key
	})
	if err != nil {
		return nil, fmt.Errorf("firehose: the delivery stream with the ID %s: %w", id, err)
	}
	return ds, nil
}

// LoadDeliveryStream makes this node the owner of the delivery stream with
// the ID: its metadata is reread from the store (the previous owner's last
// change is there), its log opened, its deliverer (and source reader)
// started from the delivery position the previous owner saved, and its
// pending CREATING, DELETING or encryption change resumed, as at start.
// The storage must already let this node write the log (in a cluster, the
// caller placed it). Loading an owned delivery stream does nothing.
func (s *Service) LoadDeliveryStream(ctx context.Context, id string) error {
	ds, err := s.readDeliveryStream(ctx, id)
	if err != nil {
		return err
	}
	key := streamKey{ds.Account, ds.Region, ds.Name}
	// owned says whether the name is served here already: by this
	// delivery stream (nothing to do) or by another (an error: replacing
	// it would leave its deliverer running). The caller holds s.mu.
	owned := func() (bool, error) {
		cur := s.streams[key]
		switch {
		case cur == nil || cur.remote:
			return false, nil
		case cur.snapshot().ID == id:
			return true, nil
		}
		return false, fmt.Errorf("firehose: loading delivery stream %s (%s): this node runs another delivery stream of that name (%s)",
			ds.Name, id, cur.snapshot().ID)
	}
	s.mu.RLock()
	done, err := owned()
	s.mu.RUnlock()
	if done || err != nil {
		return err
	}
	// Opened outside s.mu: in a cluster, opening reads the log's index
	// from etcd, which every other request's lookup must not wait for.
	// Placements come one at a time, so nothing loads it meanwhile.
	lg, err := s.recs.Open(ctx, LogPrefix+id)
	if err != nil {
		return fmt.Errorf("firehose: opening the log of delivery stream %s: %w", ds.Name, err)
	}
	s.mu.Lock()
	if done, err := owned(); done || err != nil {
		s.mu.Unlock()
		return err
	}
	select {
	case <-s.stop:
		s.mu.Unlock()
		return fmt.Errorf("firehose: loading delivery stream %s: the service is closed", ds.Name)
	default:
	}
	migrateEncryption(ds)
	l := s.newLive(ds, lg)
	s.streams[key] = l
	s.remote.Set(id, false)
	s.start(l)
	if ds.Status != StatusActive {
		s.schedule(ds, s.delayFor(ds.Status))
	}
	s.mu.Unlock()
	if err := s.describe(ctx, ds); err != nil {
		s.log.Error("writing the delivery stream's manifest", "name", ds.Name, "err", err)
	}
	s.resumeEncryption(ds)
	return nil
}

// DropDeliveryStream hands the delivery stream with the ID to another
// node: from now on it is remote here. Its timers stop, Puts in flight
// finish (later ones are refused), its deliverer and source reader stop
// (a delivery in flight is cut short: its records stay undelivered in the
// log, for the next owner), readers of its log that ask again (Log,
// Horizon) are refused, and then its log is released (in a cluster:
// flushed, committed and closed) with every record it holds. Dropping a
// delivery stream this node does not own does nothing.
func (s *Service) DropDeliveryStream(id string) {
	s.mu.Lock()
	var old *live
	for _, l := range s.streams {
		if !l.remote && l.snapshot().ID == id {
			old = l
			break
		}
	}
	if old == nil {
		s.mu.Unlock()
		return
	}
	ds := old.snapshot()
	for _, k := range []string{id, encryptionTimer(id)} {
		if t := s.timers[k]; t != nil {
			t.Stop()
			delete(s.timers, k)
		}
	}
	s.addRemoteLocked(ds)
	s.mu.Unlock()
	// Puts hold writes' read lock until their records are durable: this
	// waits for those in flight, and refuses those that found the
	// delivery stream owned but have not appended yet.
	old.writes.Lock()
	old.moved = true
	old.writes.Unlock()
	old.halt()
	if s.releaser != nil {
		s.releaser.Release(LogPrefix + id)
	}
}

// Follow rereads the delivery stream at metadata key (as a watch of the
// store reports it changed) when another node owns it: a new or changed
// one is published as remote, a deleted one forgotten. Delivery streams
// this node owns are left alone: its own memory is their truth.
func (s *Service) Follow(ctx context.Context, key string) error {
	k, ok := streamKeyOf(key)
	if !ok {
		return fmt.Errorf("firehose: %s is not a delivery stream's metadata key", key)
	}
	ds, err := storage.ReadJSON(ctx, s.meta, key, func(ds *DeliveryStream) bool { return ds.ID != "" && metaKey(ds) == key })
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
		if known := cur.snapshot(); ds == nil || ds.ID != known.ID {
			delete(s.streams, k)
			s.remote.Set(known.ID, false)
			cur = nil
		}
	}
	switch {
	case ds == nil:
	case cur != nil:
		cur.mu.Lock()
		cur.meta = ds
		cur.mu.Unlock()
	default:
		s.addRemoteLocked(ds)
	}
	return nil
}

// streamKeyOf parses a delivery stream's metadata key (metaKey).
func streamKeyOf(key string) (streamKey, bool) {
	account, region, name, ok := storage.SplitMetaKey(key, keyStreams)
	return streamKey{account, region, name}, ok
}

// DeliveryStreamsPrefix is the metadata key prefix of every delivery
// stream: a cluster node watches it and hands each key to Follow ("" to
// FollowAll).
const DeliveryStreamsPrefix = keyStreams

// FollowAll rereads the metadata of every delivery stream another node
// owns (a watch that started over may have missed changes): new and
// changed ones are published as remote, remote ones no longer in the
// store forgotten.
func (s *Service) FollowAll(ctx context.Context) error {
	return storage.FollowAll(ctx, s.meta, keyStreams, s.Follow, s.remoteKeys, func(key string, err error) {
		s.log.Error("following a delivery stream's metadata", "key", key, "err", err)
	})
}

// remoteKeys returns the metadata keys of the remote delivery streams.
func (s *Service) remoteKeys() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var keys []string
	for _, l := range s.streams {
		if l.remote {
			keys = append(keys, metaKey(l.snapshot()))
		}
	}
	return keys
}

// Snapshots returns every delivery stream this node knows, owned and
// remote: a cluster's coordinator places them all.
func (s *Service) Snapshots() []*DeliveryStream {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]*DeliveryStream, 0, len(s.streams))
	for _, l := range s.streams {
		out = append(out, l.snapshot())
	}
	return out
}
