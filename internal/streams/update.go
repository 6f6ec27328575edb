package streams

import (
	"context"
	"fmt"
	"time"
)

// Change kinds: the control-plane changes that take a stream through
// UPDATING.
const (
	ChangeSplit      = "split"
	ChangeMerge      = "merge"
	ChangeScale      = "scale"
	ChangeMode       = "mode"
	ChangeEncryption = "encryption"
)

// Change is a pending control-plane change, persisted with the stream so
// that an UPDATING stream finishes its update after a restart.
type Change struct {
	Kind string `json:"kind"`
	// Split and merge.
	Shard    uint32  `json:"shard,omitempty"`
	Adjacent uint32  `json:"adjacent,omitempty"`
	HashKey  HashKey `json:"hashKey,omitzero"`
	// UpdateShardCount.
	Target int `json:"target,omitempty"`
	// UpdateStreamMode.
	Mode Mode  `json:"mode,omitempty"`
	Warm int64 `json:"warm,omitempty"`
	// Start/StopStreamEncryption.
	Encryption string `json:"encryption,omitempty"`
	KeyID      string `json:"keyId,omitempty"`
}

// usage is an account's consumption of its quotas in a region.
type usage struct{ openShards, onDemandStreams int }

// beginUpdate validates a change against an ACTIVE stream and starts it:
// at once when the update delay is zero, else the stream is UPDATING until
// the delay has passed. check runs under the stream's lock with the
// account's usage (taken under s.mu, which every shard-count change holds).
func (s *Service) beginUpdate(ctx context.Context, c Caller, ref StreamRef, action string, check func(st *Stream, u usage) error, ch Change) (*Stream, error) {
	ls, _, err := s.resolve(c, ref, action)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var u usage
	u.openShards, u.onDemandStreams = s.accountUsageLocked(c)
	ls.mu.Lock()
	defer ls.mu.Unlock()
	st := ls.meta
	if err := requireActive(st); err != nil {
		return nil, err
	}
	if check != nil {
		if err := check(st, u); err != nil {
			return nil, err
		}
	}
	next := st.clone()
	now := s.now()
	recordChange(next, ch, now)
	if s.cfg.UpdateDelay <= 0 {
		if err := s.applyChange(next, ch, ls, now); err != nil {
			return nil, err
		}
	} else {
		next.Status, next.StatusUntil, next.Pending = StatusUpdating, now.Add(s.cfg.UpdateDelay), &ch
	}
	if err := s.persist(ctx, next); err != nil {
		return nil, err
	}
	ls.publish(next)
	if next.Status == StatusUpdating {
		s.scheduleTransitionLocked(next)
	}
	return st, nil
}

// recordChange notes rate-limited changes when they are requested.
func recordChange(st *Stream, ch Change, now time.Time) {
	switch ch.Kind {
	case ChangeScale:
		st.ScaleOps = append(recent(st.ScaleOps, now), now)
	case ChangeMode:
		st.ModeChanges = append(recent(st.ModeChanges, now), now)
	}
}

// recent keeps the times within the last 24 hours.
func recent(ts []time.Time, now time.Time) []time.Time {
	out := ts[:0:0]
	for _, t := range ts {
		if now.Sub(t) < 24*time.Hour {
			out = append(out, t)
		}
	}
	return out
}

// applyChange performs a change on st (a copy being prepared); the caller
// holds ls.mu, so no append is in flight and the log's counters are final
// for the shards being closed.
func (s *Service) applyChange(st *Stream, ch Change, ls *liveStream, now time.Time) error {
	switch ch.Kind {
	case ChangeSplit:
		return s.split(st, ch.Shard, ch.HashKey, ls, now)
	case ChangeMerge:
		return s.merge(st, ch.Shard, ch.Adjacent, ls, now)
	case ChangeScale:
		return s.scale(st, ch.Target, ls, now)
	case ChangeMode:
		st.Mode = ch.Mode
		if ch.Mode == ModeProvisioned {
			st.Distribution = ""
		}
		if ch.Warm > 0 {
			st.WarmThroughputMiBs = ch.Warm
		}
	case ChangeEncryption:
		st.EncryptionType, st.KeyID = ch.Encryption, ch.KeyID
		if ch.Encryption == EncryptionNone {
			st.KeyID = ""
		}
		st.Encryption = append(st.Encryption, EncryptionPeriod{From: now.UnixMilli(), Type: ch.Encryption})
	default:
		return fmt.Errorf("streams: unknown change %q", ch.Kind)
	}
	return nil
}

// finishUpdate applies an UPDATING stream's pending change; the caller
// holds s.mu and ls.mu.
func (s *Service) finishUpdate(ls *liveStream, now time.Time) (*Stream, error) {
	next := ls.meta.clone()
	if next.Pending != nil {
		if err := s.applyChange(next, *next.Pending, ls, now); err != nil {
			return nil, err
		}
	}
	next.Pending = nil
	next.Status, next.StatusUntil = StatusActive, time.Time{}
	return next, nil
}
