package video

import (
	"context"
	"fmt"

	"sluice/internal/storage"
)

// Placement: in a cluster whose video streams are spread over several
// nodes, each node's Service owns some streams and follows the others. An
// owned stream is as on one node: its transitions run here and the data
// plane (package fragments) opens its fragment log here. A remote stream
// (owned by another node) is metadata only, kept for the account-wide
// answers every node gives (ListStreams, the account's stream limit) and
// for whatever only reads it: DescribeStream, GetDataEndpoint, the tags,
// the Describe* of its configurations, ListEdgeAgentConfigurations. Every
// change of it (updates, tags, configurations, DeleteStream) fails with a
// storage.ErrMoved before anything changes, and it is handed to the data
// plane marked Stream.Remote, which the fragment store refuses to open.
// The cluster routes a stream's operations to its owner, so a remote
// stream sees one only when a move raced the routing; the client's retry
// reaches the new owner.
//
// Config.Owns says which streams are this node's at start;
// LoadVideoStream and DropVideoStream move a stream in and out at run
// time, and Follow rereads the metadata of a stream another node changed
// (one call at a time per key, as a watch delivers them). Signaling
// channels are not placed: every node keeps them all, as before.

// errElsewhere is what changes of a remote stream fail with: a
// storage.ErrMoved, so that the client is told to retry (the node that
// owns the stream serves the retry).
func errElsewhere(id, name string) error {
	return fmt.Errorf("video: %w", &storage.Moved{Kind: storage.KindVideoStream, ID: id, Name: name})
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

// addRemoteLocked makes st, a stream another node owns, known; the caller
// holds s.mu. st becomes the Service's own: the caller keeps no reference.
func (s *Service) addRemoteLocked(st *Stream) {
	st.Remote = true
	s.remote.Set(st.ID, true)
	s.streams[key{st.Account, st.Region, st.Name}] = st
}

// readStream reads the metadata of the stream with the ID from the store
// (a scan: moves are rare).
func (s *Service) readStream(ctx context.Context, id string) (*Stream, error) {
	st, err := storage.FindJSON(ctx, s.meta, keyStreams, func(k string, st *Stream) bool {
		return st.ID == id && streamKey(st) == k
	})
	if err != nil {
		return nil, fmt.Errorf("video: the stream with the ID %s: %w", id, err)
	}
	return st, nil
}

// LoadVideoStream makes this node the owner of the stream with the ID:
// its metadata is reread from the store (the previous owner's last change
// is there) and its pending transition resumed; the data plane opens its
// log at its next use (the storage must let this node write it by then:
// in a cluster, the caller placed it). Loading an owned stream does
// nothing.
func (s *Service) LoadVideoStream(ctx context.Context, id string) error {
	st, err := s.readStream(ctx, id)
	if err != nil {
		return err
	}
	k := key{st.Account, st.Region, st.Name}
	s.mu.Lock()
	defer s.mu.Unlock()
	cur := s.streams[k]
	if cur != nil && cur.ID == id && !cur.Remote {
		return nil
	}
	if cur != nil {
		s.remote.Set(cur.ID, false)
	}
	s.remote.Set(id, false)
	s.streams[k] = st
	if err := s.describe(ctx, st); err != nil {
		s.log.Error("writing the video stream's manifest", "name", st.Name, "err", err)
	}
	if st.Status != StatusActive {
		s.scheduleStream(st)
	}
	return nil
}

// DropVideoStream hands the stream with the ID to another node: from now
// on it is remote here. Its transition timer stops (the new owner resumes
// it), control-plane changes in flight finish first (they hold the
// Service's lock), Config.Closing ends its PutMedia and GetMedia sessions
// once the fragment being stored is, and then its log is released (in a
// cluster: flushed, committed and closed). Dropping a stream this node
// does not own does nothing.
func (s *Service) DropVideoStream(id string) {
	s.mu.Lock()
	var cur *Stream
	for _, st := range s.streams {
		if st.ID == id && !st.Remote {
			cur = st
			break
		}
	}
	if cur == nil {
		s.mu.Unlock()
		return
	}
	if t := s.timers[id]; t != nil {
		if t.Stop() {
			s.wg.Done()
		}
		delete(s.timers, id)
	}
	st := cur.clone()
	s.addRemoteLocked(st)
	gone := st.clone()
	s.mu.Unlock()
	if s.cfg.Closing != nil {
		s.cfg.Closing(context.Background(), gone)
	}
	if s.releaser != nil {
		s.releaser.Release(gone.LogID())
	}
}

// Follow rereads the stream at metadata key (as a watch of the store
// reports it changed) when another node owns it: a new or changed stream
// is kept as remote, a deleted one forgotten. Streams this node owns are
// left alone: its own memory is their truth.
func (s *Service) Follow(ctx context.Context, k string) error {
	sk, ok := streamKeyOf(k)
	if !ok {
		return fmt.Errorf("video: %s is not a video stream's metadata key", k)
	}
	st, err := storage.ReadJSON(ctx, s.meta, k, func(st *Stream) bool { return st.ID != "" && streamKey(st) == k })
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if cur := s.streams[sk]; cur != nil {
		if !cur.Remote {
			return nil
		}
		delete(s.streams, sk)
		s.remote.Set(cur.ID, false)
	}
	if st != nil {
		s.addRemoteLocked(st)
	}
	return nil
}

// streamKeyOf parses a stream's metadata key (streamKey).
func streamKeyOf(k string) (key, bool) {
	account, region, name, ok := storage.SplitMetaKey(k, keyStreams)
	return key{account, region, name}, ok
}

// VideoStreamsPrefix is the metadata key prefix of every video stream: a
// cluster node watches it and hands each key to Follow ("" to FollowAll).
const VideoStreamsPrefix = keyStreams

// FollowAll rereads the metadata of every stream another node owns (a
// watch that started over may have missed changes): new and changed ones
// are kept as remote, remote ones no longer in the store forgotten.
func (s *Service) FollowAll(ctx context.Context) error {
	return storage.FollowAll(ctx, s.meta, keyStreams, s.Follow, s.remoteKeys, func(k string, err error) {
		s.log.Error("following a video stream's metadata", "key", k, "err", err)
	})
}

// remoteKeys returns the metadata keys of the remote streams.
func (s *Service) remoteKeys() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var keys []string
	for _, st := range s.streams {
		if st.Remote {
			keys = append(keys, streamKey(st))
		}
	}
	return keys
}

// StreamIDs returns the ID of every stream this node knows, owned and
// remote: a cluster's coordinator places them all.
func (s *Service) StreamIDs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]string, 0, len(s.streams))
	for _, st := range s.streams {
		ids = append(ids, st.ID)
	}
	return ids
}

// StreamIDOf returns the ID of the stream with the ARN, or else of the one
// stream named name in any account and region (a cluster node routes a
// PutMedia by its headers before anyone is authenticated); false when
// none, or the name is ambiguous.
func (s *Service) StreamIDOf(arn, name string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	found := ""
	for _, st := range s.streams {
		switch {
		case arn != "" && st.ARN() == arn:
			return st.ID, true
		case arn == "" && name != "" && st.Name == name:
			if found != "" {
				return "", false
			}
			found = st.ID
		}
	}
	return found, found != ""
}
