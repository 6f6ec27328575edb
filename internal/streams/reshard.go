package streams

import (
	"context"
	"math/big"
	"time"
)

// Resharding: SplitShard, MergeShards and UpdateShardCount. Parents close
// with an EndingSequenceNumber; children continue the shard numbering and
// name their parents (ParentShardId, AdjacentParentShardId). UpdateShardCount
// performs splits and merges, as AWS does, so lineage always has at most two
// parents per shard.

// Resharding limits (AWS's documented defaults).
const (
	MaxShardsPerStream   = 10000
	MaxScaleOpsPerDay    = 10
	MaxModeChangesPerDay = 2
)

// SplitShard splits an open shard at newStartingHashKey.
// A shard ID that names no shard index is refused before the stream is
// looked up (AWS answers it so even for an unknown stream).
func (s *Service) SplitShard(ctx context.Context, c Caller, ref StreamRef, shardID, newStart string) error {
	key, ok := ParseHashKey(newStart)
	index, valid := ParseShardID(shardID)
	if !valid {
		return errShardNotFound(shardID, refName(ref), c.Account)
	}
	check := func(st *Stream, u usage) error {
		if st.Mode == ModeOnDemand {
			return errOnDemandReshard("SplitShard", st)
		}
		sh, err := openShard(st, shardID)
		if err != nil {
			return err
		}
		r := sh.HashRange
		if !ok || key.Cmp(r.Start.Add(1)) <= 0 || key.Cmp(r.End) >= 0 {
			return errBadSplitPoint(newStart, sh.ID(), st.Name, st.Account, r)
		}
		if u.openShards+1 > s.cfg.ShardLimit {
			return errShardLimit(st.Account, st.Region, u.openShards, s.cfg.ShardLimit, 1)
		}
		return nil
	}
	_, err := s.beginUpdate(ctx, c, ref, "SplitShard", check, Change{Kind: ChangeSplit, Shard: index, HashKey: key})
	return err
}

// MergeShards merges two adjacent open shards into one whose parent is
// shardID and adjacent parent adjacentID. Shard IDs that name no shard
// index are refused first, as in SplitShard.
func (s *Service) MergeShards(ctx context.Context, c Caller, ref StreamRef, shardID, adjacentID string) error {
	ia, valid := ParseShardID(shardID)
	if !valid {
		return errShardNotFound(shardID, refName(ref), c.Account)
	}
	ib, valid := ParseShardID(adjacentID)
	if !valid {
		return errShardNotFound(adjacentID, refName(ref), c.Account)
	}
	check := func(st *Stream, _ usage) error {
		if st.Mode == ModeOnDemand {
			return errOnDemandReshard("MergeShards", st)
		}
		a, err := openShard(st, shardID)
		if err != nil {
			return err
		}
		b, err := openShard(st, adjacentID)
		if err != nil {
			return err
		}
		if !adjacent(a, b) {
			return errNotAdjacent(a.ID(), b.ID(), st.Name, st.Account)
		}
		return nil
	}
	_, err := s.beginUpdate(ctx, c, ref, "MergeShards", check, Change{Kind: ChangeMerge, Shard: ia, Adjacent: ib})
	return err
}

// adjacent reports whether two shards' hash ranges touch (the end of the
// hash space does not wrap round to its start).
func adjacent(a, b *Shard) bool {
	touches := func(x, y *Shard) bool {
		return x.HashRange.End != MaxHashKey && x.HashRange.End.Add(1) == y.HashRange.Start
	}
	return touches(a, b) || touches(b, a)
}

// openShard finds an open shard by (lenient) ID.
func openShard(st *Stream, id string) (*Shard, error) {
	ix, ok := ParseShardID(id)
	var sh *Shard
	if ok {
		sh = st.Shard(ix)
	}
	if sh == nil {
		return nil, errShardNotFound(canonicalShardID(id), st.Name, st.Account)
	}
	if !sh.Open() {
		return nil, errShardClosed(sh.ID(), st.Name, st.Account)
	}
	return sh, nil
}

// ScaleResult is UpdateShardCount's answer.
type ScaleResult struct {
	Stream          *Stream
	Current, Target int
}

// UpdateShardCount scales a provisioned stream uniformly to target open
// shards, within AWS's limits: at most double and at least half the current
// count, at most 10,000 shards, the account quota, and 10 calls per rolling
// 24 hours.
func (s *Service) UpdateShardCount(ctx context.Context, c Caller, ref StreamRef, target int) (ScaleResult, error) {
	var current int
	check := func(st *Stream, u usage) error {
		if st.Mode == ModeOnDemand {
			return errOnDemandReshard("UpdateShardCount", st)
		}
		current = len(st.OpenShards())
		now := s.now()
		switch {
		case len(recent(st.ScaleOps, now)) >= MaxScaleOpsPerDay:
			return errScaleTooOften(st, MaxScaleOpsPerDay)
		case target > 2*current:
			return errScaleUpTooFar(st, current, target)
		case 2*target < current:
			return errScaleDownTooFar(st, current, target)
		case target > MaxShardsPerStream:
			return errScaleAboveMax(st, target)
		case u.openShards-current+target > s.cfg.ShardLimit:
			return errShardLimit(st.Account, st.Region, u.openShards, s.cfg.ShardLimit, target-current)
		}
		return nil
	}
	prev, err := s.beginUpdate(ctx, c, ref, "UpdateShardCount", check, Change{Kind: ChangeScale, Target: target})
	if err != nil {
		return ScaleResult{}, err
	}
	return ScaleResult{Stream: prev, Current: current, Target: target}, nil
}

// closeShard closes an open shard: its last counter is the log's last.
func closeShard(sh *Shard, ls *liveStream, now time.Time) {
	_, next := ls.log.Bounds(sh.Index, 0)
	sh.Closed, sh.EndCounter = now, next-1
}

// addShard appends a new open shard and returns it.
func addShard(st *Stream, r HashRange, now time.Time, parent, adjacentParent *uint32) *Shard {
	st.Shards = append(st.Shards, Shard{
		Index: st.NextShardIndex, Created: now.Unix(), HashRange: r,
		Parent: parent, AdjacentParent: adjacentParent,
	})
	st.NextShardIndex++
	return &st.Shards[len(st.Shards)-1]
}

func (s *Service) split(st *Stream, index uint32, key HashKey, ls *liveStream, now time.Time) error {
	sh := st.Shard(index)
	if sh == nil || !sh.Open() {
		return errShardNotFound(ShardID(index), st.Name, st.Account)
	}
	closeShard(sh, ls, now)
	r := sh.HashRange
	p := index
	addShard(st, HashRange{Start: r.Start, End: key.Sub(1)}, now, &p, nil)
	addShard(st, HashRange{Start: key, End: r.End}, now, &p, nil)
	return nil
}

func (s *Service) merge(st *Stream, index, adjacentIndex uint32, ls *liveStream, now time.Time) error {
	a, b := st.Shard(index), st.Shard(adjacentIndex)
	if a == nil || b == nil || !a.Open() || !b.Open() || !adjacent(a, b) {
		return errNotAdjacent(ShardID(index), ShardID(adjacentIndex), st.Name, st.Account)
	}
	closeShard(a, ls, now)
	closeShard(b, ls, now)
	r := HashRange{Start: a.HashRange.Start, End: b.HashRange.End}
	if b.HashRange.Start.Cmp(a.HashRange.Start) < 0 {
		r = HashRange{Start: b.HashRange.Start, End: a.HashRange.End}
	}
	p, q := index, adjacentIndex
	addShard(st, r, now, &p, &q)
	return nil
}

// scale reaches target open shards with splits and merges. Scaling down
// only merges: the open shards are grouped into target runs of as equal
// width as possible and each run is merged left to right. Scaling up splits
// every open shard once (at the uniform boundary nearest its middle, or at
// its middle) and then merges away the boundaries farthest from the uniform
// ones. These are the shapes AWS produces: for example 4 → 5 shards makes
// 15 shards in all, 10 → 13 makes 37, and 5 → 3 makes 7.
func (s *Service) scale(st *Stream, target int, ls *liveStream, now time.Time) error {
	var open []uint32
	for _, sh := range st.OpenShards() {
		open = append(open, sh.Index)
	}
	sortByHash(st, open)
	switch {
	case target == len(open):
		return nil
	case target < len(open):
		return s.mergeRuns(st, open, evenRuns(st, open, target), ls, now)
	}
	targets := uniformBoundaries(target)
	var children []uint32
	for _, ix := range open {
		if err := s.split(st, ix, splitPoint(st.Shard(ix).HashRange, targets), ls, now); err != nil {
			return err
		}
		// The two children are the last shards added, left one first.
		children = append(children, st.Shards[len(st.Shards)-2].Index, st.Shards[len(st.Shards)-1].Index)
	}
	return s.mergeRuns(st, children, keepNearest(st, children, targets), ls, now)
}

// mergeRuns merges consecutive shards (in hash order) into runs: runs[i]
// is the number of shards in the i-th run.
func (s *Service) mergeRuns(st *Stream, indexes []uint32, runs []int, ls *liveStream, now time.Time) error {
	i := 0
	for _, n := range runs {
		acc := indexes[i]
		for k := 1; k < n; k++ {
			if err := s.merge(st, acc, indexes[i+k], ls, now); err != nil {
				return err
			}
			acc = st.Shards[len(st.Shards)-1].Index
		}
		i += n
	}
	return nil
}

// uniformBoundaries returns the starting hash keys of shards 1..n-1 of an
// even split into n.
func uniformBoundaries(n int) []HashKey {
	ranges := SplitEvenly(n)
	out := make([]HashKey, 0, n-1)
	for _, r := range ranges[1:] {
		out = append(out, r.Start)
	}
	return out
}

// splitPoint picks where to split r: the uniform boundary inside it nearest
// its middle, else its middle.
func splitPoint(r HashRange, boundaries []HashKey) HashKey {
	mid := midpoint(r)
	best, found := HashKey{}, false
	var bestDist *big.Int
	for _, b := range boundaries {
		if b.Cmp(r.Start.Add(1)) <= 0 || b.Cmp(r.End) >= 0 {
			continue
		}
		d := new(big.Int).Sub(b.Big(), mid.Big())
		d.Abs(d)
		if !found || d.Cmp(bestDist) < 0 {
			best, bestDist, found = b, d, true
		}
	}
	if found {
		return best
	}
	return mid
}

func midpoint(r HashRange) HashKey {
	sum := new(big.Int).Add(r.Start.Big(), r.End.Big())
	sum.Add(sum, big.NewInt(1))
	return fromBig(sum.Rsh(sum, 1))
}

// keepNearest decides, for the shards in hash order, which of their inner
// boundaries survive so that len(boundaries) remain, each as near as
// possible to its uniform boundary; it returns the run lengths to merge.
func keepNearest(st *Stream, indexes []uint32, boundaries []HashKey) []int {
	starts := make([]HashKey, len(indexes))
	for i, ix := range indexes {
		starts[i] = st.Shard(ix).HashRange.Start
	}
	// Candidate boundaries are starts[1:]; choose len(boundaries) of them,
	// in order, greedily nearest while leaving enough for the rest.
	keep := make([]bool, len(starts))
	pos := 1
	for j, b := range boundaries {
		last := len(starts) - (len(boundaries) - j) // latest usable candidate
		best := pos
		for k := pos; k <= last; k++ {
			if distance(starts[k], b).Cmp(distance(starts[best], b)) < 0 {
				best = k
			}
			if starts[k].Cmp(b) >= 0 {
				break
			}
		}
		keep[best] = true
		pos = best + 1
	}
	var runs []int
	n := 1
	for i := 1; i < len(starts); i++ {
		if keep[i] {
			runs = append(runs, n)
			n = 1
		} else {
			n++
		}
	}
	return append(runs, n)
}

func distance(a, b HashKey) *big.Int {
	d := new(big.Int).Sub(a.Big(), b.Big())
	return d.Abs(d)
}

// evenRuns groups shards (in hash order) into target runs whose hash widths
// are as close to equal as possible: each run ends at the shard boundary
// nearest the uniform boundary.
func evenRuns(st *Stream, indexes []uint32, target int) []int {
	return keepNearest(st, indexes, uniformBoundaries(target))
}

func sortByHash(st *Stream, indexes []uint32) {
	for i := 1; i < len(indexes); i++ {
		for j := i; j > 0 && st.Shard(indexes[j]).HashRange.Start.Cmp(st.Shard(indexes[j-1]).HashRange.Start) < 0; j-- {
			indexes[j], indexes[j-1] = indexes[j-1], indexes[j]
		}
	}
}
