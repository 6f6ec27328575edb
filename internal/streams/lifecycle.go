package streams

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"sluice/internal/sse"
	"sluice/internal/storage"
)

// CreateParams are CreateStream's inputs.
type CreateParams struct {
	Name string
	// ShardCount is required for provisioned streams. Mode "" means
	// PROVISIONED when ShardCount is given and ON_DEMAND otherwise.
	ShardCount     *int64
	Mode           Mode
	Tags           map[string]string
	MaxRecordKiB   *int64
	WarmThroughput *int64
}

// CreateStream creates a stream in CREATING state; it turns ACTIVE after
// the create delay.
func (s *Service) CreateStream(ctx context.Context, c Caller, p CreateParams) error {
	if err := s.authorize(c, "CreateStream", StreamARN(c.Region, c.Account, p.Name), c.Account, ""); err != nil {
		return err
	}
	// Tags given at creation need the tagging permission too, as on AWS.
	if len(p.Tags) > 0 {
		if err := s.authorize(c, "AddTagsToStream", StreamARN(c.Region, c.Account, p.Name), c.Account, ""); err != nil {
			return err
		}
	}
	if err := s.admit(c, "CreateStream", ""); err != nil {
		return err
	}
	mode := p.Mode
	if mode == "" {
		mode = ModeProvisioned
		if p.ShardCount == nil {
			mode = ModeOnDemand
		}
	}
	var shards int
	switch mode {
	case ModeProvisioned:
		if p.ShardCount == nil {
			return newErr(KindInvalidArgument, "ShardCount is required for a stream in PROVISIONED mode.")
		}
		shards = int(*p.ShardCount)
	case ModeOnDemand:
		if p.ShardCount != nil {
			return newErr(KindInvalidArgument, "ShardCount may not be specified for a stream in ON_DEMAND mode.")
		}
		shards = OnDemandInitialShards
	}
	if err := checkTags(p.Tags); err != nil {
		return err
	}
	if len(p.Tags) > MaxTags {
		return errTooManyTags(p.Name, c.Account)
	}
	maxKiB := int64(DefaultMaxRecordKiB)
	if p.MaxRecordKiB != nil {
		maxKiB = *p.MaxRecordKiB
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	key := streamKey{c.Account, c.Region, p.Name}
	if s.streams[key] != nil {
		return errStreamExists(p.Name, c.Account)
	}
	open, onDemand := s.accountUsageLocked(c)
	if open+shards > s.cfg.ShardLimit {
		return errShardLimit(c.Account, c.Region, open, s.cfg.ShardLimit, shards)
	}
	if mode == ModeOnDemand && onDemand+1 > s.cfg.OnDemandStreamLimit {
		return errOnDemandLimit(c.Account, s.cfg.OnDemandStreamLimit)
	}

	now := s.now()
	st := &Stream{
		ID:             newStreamID(),
		Account:        c.Account,
		Region:         c.Region,
		Name:           p.Name,
		Status:         StatusActive,
		Created:        now.Truncate(time.Millisecond),
		RetentionHours: DefaultRetentionHours,
		Mode:           mode,
		MaxRecordKiB:   maxKiB,
		Tags:           copyTags(p.Tags),
		EncryptionType: EncryptionNone,
	}
	if p.WarmThroughput != nil {
		st.WarmThroughputMiBs = *p.WarmThroughput
	}
	for i, r := range SplitEvenly(shards) {
		st.Shards = append(st.Shards, Shard{Index: uint32(i), Created: now.Unix(), HashRange: r})
	}
	st.NextShardIndex = uint32(shards)
	if s.cfg.CreateDelay > 0 {
		st.Status, st.StatusUntil = StatusCreating, now.Add(s.cfg.CreateDelay)
	}

	if s.cfg.Place != nil {
		if err := s.cfg.Place(ctx, st.ID); err != nil {
			return fmt.Errorf("streams: placing the new stream %s: %w", st.Name, err)
		}
	}
	// Metadata first: a crash after this leaves a stream whose log is
	// created on the next start; a crash before it leaves nothing.
	if err := s.persist(ctx, st); err != nil {
		return err
	}
	l, err := s.recs.Open(ctx, st.ID)
	if err != nil {
		undo := context.WithoutCancel(ctx)
		if s.recs.MarkRemoving(undo, st.ID) == nil && s.deleteMeta(undo, st) == nil {
			s.recs.Remove(undo, st.ID)
		}
		return err
	}
	s.streams[key] = newLiveStream(l, st)
	if st.Status != StatusActive {
		s.scheduleTransitionLocked(st)
	}
	return nil
}

// accountUsageLocked counts the open shards and on-demand streams of an
// account in a region; the caller holds s.mu.
func (s *Service) accountUsageLocked(c Caller) (openShards, onDemand int) {
	for k, ls := range s.streams {
		if k.account != c.Account || k.region != c.Region {
			continue
		}
		st := ls.snapshot()
		openShards += len(st.OpenShards())
		if st.Mode == ModeOnDemand {
			onDemand++
		}
	}
	return openShards, onDemand
}

// DeleteStream marks a stream DELETING; it disappears after the delete
// delay. Records stay readable until then, as on AWS. A CREATING stream
// can be deleted too (AWS answers 200 and the stream goes DELETING): the
// DELETING transition replaces the pending activation.
func (s *Service) DeleteStream(ctx context.Context, c Caller, ref StreamRef, enforceConsumerDeletion bool) error {
	ls, _, err := s.resolve(c, ref, "DeleteStream")
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ls.mu.Lock()
	defer ls.mu.Unlock()
	st := ls.meta
	if st.Status == StatusDeleting {
		return errStreamNotActive(st.Name, st.Account, st.Status)
	}
	if len(st.Consumers) > 0 && !enforceConsumerDeletion {
		return errStreamHasConsumers(st)
	}
	if s.cfg.DeleteDelay <= 0 {
		return s.removeLocked(ctx, ls)
	}
	next := st.clone()
	next.Status = StatusDeleting
	next.StatusUntil = s.now().Add(s.cfg.DeleteDelay)
	if err := s.persist(ctx, next); err != nil {
		return err
	}
	ls.publish(next)
	s.scheduleTransitionLocked(next)
	return nil
}

// scheduleTransition arranges for a stream's transitional status to end.
func (s *Service) scheduleTransition(st *Stream) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.scheduleTransitionLocked(st)
}

func (s *Service) scheduleTransitionLocked(st *Stream) {
	if t := s.timers[st.ID]; t != nil {
		t.Stop()
	}
	delay := st.StatusUntil.Sub(s.now())
	key := streamKey{st.Account, st.Region, st.Name}
	id, until := st.ID, st.StatusUntil
	s.timers[id] = time.AfterFunc(max(delay, 0), func() {
		s.finishTransition(key, id, until)
	})
}

// finishTransition ends a stream's CREATING, UPDATING or DELETING state,
// the one that was to end at until. A timer of a transition that another
// has since replaced (a CREATING stream deleted) may already be waiting for
// the lock when it is stopped; until tells it apart, so that it neither
// activates a DELETING stream nor cuts its delete delay short.
func (s *Service) finishTransition(key streamKey, id string, until time.Time) {
	select {
	case <-s.stop:
		return
	default:
	}
	ctx := context.Background()
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case <-s.stop: // Close ran while this waited for the lock
		return
	default:
	}
	ls := s.streams[key]
	if ls == nil || ls.meta.ID != id || ls.remote {
		delete(s.timers, id)
		return
	}
	ls.mu.Lock()
	defer ls.mu.Unlock()
	st := ls.meta
	if !st.StatusUntil.Equal(until) {
		return // superseded: the current transition has its own timer
	}
	delete(s.timers, id)
	switch st.Status {
	case StatusCreating, StatusUpdating:
		next, err := s.finishUpdate(ls, s.now())
		if err != nil {
			s.log.Error("finishing update", "stream", st.Name, "err", err)
			s.retryTransitionLocked(st, key, id)
			return
		}
		if err := s.persist(ctx, next); err != nil {
			s.log.Error("activating stream", "stream", st.Name, "err", err)
			s.retryTransitionLocked(st, key, id)
			return
		}
		ls.publish(next)
	case StatusDeleting:
		if err := s.removeLocked(ctx, ls); err != nil {
			s.log.Error("deleting stream", "stream", st.Name, "err", err)
			s.retryTransitionLocked(st, key, id)
		}
	}
}

// removeLocked deletes a stream's metadata, then its log; the caller holds
// s.mu and ls.mu.
func (s *Service) removeLocked(ctx context.Context, ls *liveStream) error {
	st := ls.meta
	// Marked first: a log without metadata is otherwise quarantined at the
	// next start, not removed.
	if err := s.recs.MarkRemoving(ctx, st.ID); err != nil {
		return err
	}
	if err := s.deleteMeta(ctx, st); err != nil {
		return err
	}
	delete(s.streams, streamKey{st.Account, st.Region, st.Name})
	if t := s.timers[st.ID]; t != nil { // a CREATING stream deleted at once
		t.Stop()
		delete(s.timers, st.ID)
	}
	if err := s.recs.Remove(ctx, st.ID); err != nil {
		// The log was marked: the next start removes it, and its keys.
		s.log.Error("removing stream log", "stream", st.Name, "err", err)
		return nil
	}
	if err := sse.DeleteAll(ctx, s.meta, dataKeyPrefix(st.ID)); err != nil {
		s.log.Error("deleting the stream's data keys", "stream", st.Name, "err", err)
	}
	return nil
}

func (s *Service) retryTransitionLocked(st *Stream, key streamKey, id string) {
	until := st.StatusUntil
	s.timers[id] = time.AfterFunc(time.Second, func() { s.finishTransition(key, id, until) })
}

func (s *Service) deleteMeta(ctx context.Context, st *Stream) error {
	if err := s.refuseRemote(st); err != nil {
		return err
	}
	return s.meta.Update(ctx, func(tx storage.MetaTx) error {
		err := tx.Delete(streamMetaKey(st))
		if errors.Is(err, storage.ErrNotFound) {
			return nil
		}
		return err
	})
}

// ListStreamsParams are ListStreams' inputs.
type ListStreamsParams struct {
	Limit                    int
	ExclusiveStartStreamName string
	NextToken                string
}

// StreamPage is one page of ListStreams.
type StreamPage struct {
	Streams   []*Stream
	HasMore   bool
	NextToken string
}

// ListStreams lists the caller's streams in name order.
func (s *Service) ListStreams(_ context.Context, c Caller, p ListStreamsParams) (StreamPage, error) {
	if err := s.authorizeAccount(c, "ListStreams"); err != nil {
		return StreamPage{}, err
	}
	if err := s.admit(c, "ListStreams", ""); err != nil {
		return StreamPage{}, err
	}
	after := p.ExclusiveStartStreamName
	if p.NextToken != "" {
		payload, ok := s.sealer.open(tokenListStream, p.NextToken)
		r := tokenReader{b: payload}
		created := time.UnixMilli(r.i64())
		account, region, name := r.str(), r.str(), r.str()
		if !ok || !r.done() || account != c.Account || region != c.Region {
			return StreamPage{}, errInvalidNextToken()
		}
		if s.now().Sub(created) > NextTokenLifetime {
			return StreamPage{}, errExpiredNextToken()
		}
		after = name
	}
	limit := p.Limit
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	s.mu.RLock()
	var all []*Stream
	for k, ls := range s.streams {
		if k.account == c.Account && k.region == c.Region && k.name > after {
			all = append(all, ls.snapshot())
		}
	}
	s.mu.RUnlock()
	sort.Slice(all, func(i, j int) bool { return all[i].Name < all[j].Name })
	page := StreamPage{Streams: all}
	if len(all) > limit {
		page.Streams, page.HasMore = all[:limit], true
		var w tokenWriter
		w.i64(s.now().UnixMilli())
		w.str(c.Account)
		w.str(c.Region)
		w.str(page.Streams[limit-1].Name)
		page.NextToken = s.sealer.seal(tokenListStream, w.b)
	}
	return page, nil
}

// DescribeStream returns a stream's snapshot in any state; action names the
// API operation asking, for access-denied messages.
func (s *Service) DescribeStream(_ context.Context, c Caller, ref StreamRef, action string) (*Stream, error) {
	ls, _, err := s.resolve(c, ref, action)
	if err != nil {
		return nil, err
	}
	return ls.snapshot(), nil
}
