package streams

import (
	"context"
	"math/big"
	"sort"
	"time"
)

// On-demand scaling. Every ScaleInterval the scaler measures each open
// shard of every ACTIVE on-demand stream over the interval:
//
//   - a shard writing at least HotFraction of a shard's capacity (1 MiB/s or
//     1,000 records/s) for ScaleUpAfter is split at the middle of its hash
//     range (one step per interval, as long as the account quota allows);
//   - when an on-demand stream has more open shards than its floor (4, or
//     the warm throughput in MiB/s), one pair of hash-adjacent shards that
//     both stayed under ColdFraction for ScaleDownAfter is merged per
//     interval: scaling down is deliberately slower than scaling up;
//   - a stream below its warm throughput is split (widest shards first)
//     up to it.
//
// Splits and merges are the same operations SplitShard and MergeShards
// perform, so lineage and sequence numbers behave the same.

// ScalerConfig is the on-demand scaling policy.
type ScalerConfig struct {
	Interval       time.Duration
	ScaleUpAfter   time.Duration
	ScaleDownAfter time.Duration
	HotFraction    float64
	ColdFraction   float64
}

// DefaultScaler returns the default policy.
func DefaultScaler() ScalerConfig {
	return ScalerConfig{
		Interval:       10 * time.Second,
		ScaleUpAfter:   time.Minute,
		ScaleDownAfter: time.Hour,
		HotFraction:    0.8,
		ColdFraction:   0.1,
	}
}

// ScaleOnDemand runs one scaling pass. It runs every ScalerConfig.Interval;
// tests call it with an injected clock.
func (s *Service) ScaleOnDemand() {
	now := s.now()
	s.scaleMu.Lock()
	defer s.scaleMu.Unlock()
	elapsed := now.Sub(s.scaleLast)
	first := s.scaleLast.IsZero()
	s.scaleLast = now

	s.mu.RLock()
	var candidates []*liveStream
	for _, ls := range s.streams {
		if st := ls.snapshot(); !ls.remote && st.Mode == ModeOnDemand && st.Status == StatusActive {
			candidates = append(candidates, ls)
		}
	}
	s.mu.RUnlock()
	for _, ls := range candidates {
		s.scaleStream(ls, now, elapsed, first)
	}
}

func (s *Service) scaleStream(ls *liveStream, now time.Time, elapsed time.Duration, first bool) {
	cfg := s.cfg.Scaler
	st := ls.snapshot()
	var split []uint32
	var cold []*Shard
	for _, sh := range st.OpenShards() {
		state := ls.state(st, sh.Index, now)
		bytes, recs := state.bytesIn.Load(), state.recordsIn.Load()
		db, dr := bytes-state.lastBytes, recs-state.lastRecords
		state.lastBytes, state.lastRecords = bytes, recs
		if first || elapsed <= 0 {
			continue
		}
		secs := elapsed.Seconds()
		load := max(float64(db)/secs/ShardWriteBytesPerSec, float64(dr)/secs/ShardWriteRecordsPerSec)
		switch {
		case load >= cfg.HotFraction:
			state.coldSince = time.Time{}
			if state.hotSince.IsZero() {
				state.hotSince = now.Add(-elapsed)
			}
			if now.Sub(state.hotSince) >= cfg.ScaleUpAfter {
				split = append(split, sh.Index)
				state.hotSince = time.Time{}
			}
		case load <= cfg.ColdFraction:
			state.hotSince = time.Time{}
			if state.coldSince.IsZero() {
				state.coldSince = now.Add(-elapsed)
			}
			if now.Sub(state.coldSince) >= cfg.ScaleDownAfter && now.Sub(time.Unix(sh.Created, 0)) >= cfg.ScaleDownAfter {
				cold = append(cold, sh)
			}
		default:
			state.hotSince, state.coldSince = time.Time{}, time.Time{}
		}
	}
	floor := max(OnDemandInitialShards, int(st.WarmThroughputMiBs))
	open := len(st.OpenShards())
	var merge [2]uint32
	doMerge := false
	if len(split) == 0 && open > floor {
		merge, doMerge = coldPair(cold)
	}
	if len(split) == 0 && !doMerge && open >= floor {
		return
	}
	err := s.reshapeOnDemand(ls, func(next *Stream, u usage) {
		for _, ix := range split {
			if u.openShards+1 > s.cfg.ShardLimit {
				return
			}
			if sh := next.Shard(ix); sh != nil && sh.Open() && splittable(sh.HashRange) {
				s.split(next, ix, midpoint(sh.HashRange), ls, now)
				u.openShards++
			}
		}
		for len(next.OpenShards()) < floor && u.openShards+1 <= s.cfg.ShardLimit {
			widest := widestShard(next)
			if widest == nil {
				break
			}
			s.split(next, widest.Index, midpoint(widest.HashRange), ls, now)
			u.openShards++
		}
		if doMerge {
			s.merge(next, merge[0], merge[1], ls, now)
		}
	})
	if err != nil {
		s.log.Error("on-demand scaling", "stream", st.Name, "err", err)
	}
}

// coldPair finds two hash-adjacent shards among the cold ones.
func coldPair(cold []*Shard) ([2]uint32, bool) {
	sort.Slice(cold, func(i, j int) bool { return cold[i].HashRange.Start.Cmp(cold[j].HashRange.Start) < 0 })
	for i := 1; i < len(cold); i++ {
		if adjacent(cold[i-1], cold[i]) {
			return [2]uint32{cold[i-1].Index, cold[i].Index}, true
		}
	}
	return [2]uint32{}, false
}

func splittable(r HashRange) bool {
	return r.End.Cmp(r.Start.Add(2)) > 0
}

func widestShard(st *Stream) *Shard {
	var best *Shard
	var bestWidth *big.Int
	for _, sh := range st.OpenShards() {
		w := new(big.Int).Sub(sh.HashRange.End.Big(), sh.HashRange.Start.Big())
		if splittable(sh.HashRange) && (best == nil || w.Cmp(bestWidth) > 0) {
			best, bestWidth = sh, w
		}
	}
	return best
}

// reshapeOnDemand applies the scaler's splits and merges to a stream as one
// persisted change (no UPDATING state: on-demand scaling is invisible to
// the stream's status, as on AWS).
func (s *Service) reshapeOnDemand(ls *liveStream, fn func(next *Stream, u usage)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := ls.snapshot()
	c := Caller{Account: st.Account, Region: st.Region}
	var u usage
	u.openShards, u.onDemandStreams = s.accountUsageLocked(c)
	ls.mu.Lock()
	defer ls.mu.Unlock()
	if ls.meta.Mode != ModeOnDemand || ls.meta.Status != StatusActive {
		return nil
	}
	next := ls.meta.clone()
	fn(next, u)
	if len(next.Shards) == len(ls.meta.Shards) {
		return nil
	}
	if err := s.persist(context.Background(), next); err != nil {
		return err
	}
	ls.publish(next)
	return nil
}

func (s *Service) scalerLoop() {
	defer s.wg.Done()
	t := time.NewTicker(s.cfg.Scaler.Interval)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			s.ScaleOnDemand()
		}
	}
}
