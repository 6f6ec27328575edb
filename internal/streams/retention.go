package streams

import (
	"context"
	"time"
)

// SetRetention raises (increase=true) or lowers a stream's retention.
// Shorter retention takes effect at once: older records stop being
// returned, and their segments go at the next retention pass.
func (s *Service) SetRetention(ctx context.Context, c Caller, ref StreamRef, hours int64, increase bool) error {
	action := "DecreaseStreamRetentionPeriod"
	if increase {
		action = "IncreaseStreamRetentionPeriod"
	}
	if hours < MinRetentionHours {
		return errRetentionTooShort(hours)
	}
	if hours > MaxRetentionHours {
		return errRetentionTooLong(hours)
	}
	return s.update(ctx, c, ref, action, func(st *Stream) error {
		if increase && hours < st.RetentionHours {
			return errIncreaseBelow(hours, st.Name, st.RetentionHours)
		}
		if !increase && hours > st.RetentionHours {
			return errDecreaseAbove(hours, st.Name, st.RetentionHours)
		}
		st.RetentionHours = hours
		return nil
	})
}

// update applies a control-plane change to an ACTIVE stream (see mutate).
func (s *Service) update(ctx context.Context, c Caller, ref StreamRef, action string, fn func(st *Stream) error) error {
	return s.mutate(ctx, c, ref, action, requireActive, fn)
}

// mutate resolves a stream, checks its state, lets fn edit a copy, persists
// the copy and publishes it.
func (s *Service) mutate(ctx context.Context, c Caller, ref StreamRef, action string, check, fn func(st *Stream) error) error {
	return s.mutateResource(ctx, c, resource{stream: ref, arn: ref.ARN}, action, check, fn)
}

// mutateResource is mutate of the stream of r, authorized against r (a
// consumer's own policy governs the consumer).
func (s *Service) mutateResource(ctx context.Context, c Caller, r resource, action string, check, fn func(st *Stream) error) error {
	ls, err := s.resolveResource(c, r, action)
	if err != nil {
		return err
	}
	ls.mu.Lock()
	defer ls.mu.Unlock()
	if err := check(ls.meta); err != nil {
		return err
	}
	next := ls.meta.clone()
	if err := fn(next); err != nil {
		return err
	}
	if err := s.persist(ctx, next); err != nil {
		return err
	}
	ls.publish(next)
	return nil
}

func requireActive(st *Stream) error {
	if st.Status != StatusActive {
		return errStreamNotActive(st.Name, st.Account, st.Status)
	}
	return nil
}

func notDeleting(st *Stream) error {
	if st.Status == StatusDeleting {
		return errStreamNotFound(st.Name, st.Account)
	}
	return nil
}

// EnforceRetention deletes the log segments that every stream's retention
// has expired. It runs every RetentionInterval; tests call it directly.
func (s *Service) EnforceRetention() {
	s.mu.RLock()
	live := make([]*liveStream, 0, len(s.streams))
	for _, ls := range s.streams {
		if ls.remote {
			continue // its owner does this
		}
		live = append(live, ls)
	}
	s.mu.RUnlock()
	for _, ls := range live {
		st := ls.snapshot()
		if err := ls.log.Expire(s.cutoff(st)); err != nil {
			s.log.Error("expiring records", "stream", st.Name, "err", err)
		}
		s.pruneDataKeys(context.Background(), ls, st)
	}
}

func (s *Service) retentionLoop() {
	defer s.wg.Done()
	t := time.NewTicker(s.cfg.RetentionInterval)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			s.EnforceRetention()
		}
	}
}
