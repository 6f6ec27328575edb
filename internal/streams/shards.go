package streams

import (
	"context"
	"time"
)

// Shard filter types of ListShards.
const (
	FilterAfterShardID    = "AFTER_SHARD_ID"
	FilterAtTrimHorizon   = "AT_TRIM_HORIZON"
	FilterFromTrimHorizon = "FROM_TRIM_HORIZON"
	FilterAtLatest        = "AT_LATEST"
	FilterAtTimestamp     = "AT_TIMESTAMP"
	FilterFromTimestamp   = "FROM_TIMESTAMP"
)

// ShardFilter is ListShards' ShardFilter.
type ShardFilter struct {
	Type      string
	ShardID   string
	Timestamp *time.Time
}

// ListShardsParams are ListShards' inputs.
type ListShardsParams struct {
	Ref                   StreamRef
	NextToken             string
	ExclusiveStartShardID string
	MaxResults            int
	StreamCreated         *time.Time
	Filter                *ShardFilter
}

// ShardPage is one page of shards.
type ShardPage struct {
	Stream    *Stream
	Shards    []*Shard
	NextToken string
	HasMore   bool
}

// visible reports whether a shard still exists for listing: open shards
// always; closed ones until their records have all expired.
func (s *Service) visible(st *Stream, sh *Shard) bool {
	return sh.Open() || sh.Closed.UnixMilli() >= s.cutoff(st)
}

// listShardsToken is the state a ListShards NextToken carries.
type listShardsToken struct {
	created  time.Time
	streamID string
	account  string
	region   string
	name     string
	filter   ShardFilter
	after    int64 // last shard index returned
}

// ListShards lists a stream's shards in index order, filtered and paged.
func (s *Service) ListShards(_ context.Context, c Caller, p ListShardsParams) (ShardPage, error) {
	after := int64(-1)
	filter := p.Filter
	var ls *liveStream
	if p.NextToken != "" {
		switch {
		case p.Ref.Name != "":
			return ShardPage{}, errNextTokenWith("StreamName")
		case p.Filter != nil:
			return ShardPage{}, errNextTokenWith("ShardFilter")
		case p.ExclusiveStartShardID != "":
			return ShardPage{}, errNextTokenWith("ExclusiveStartShardId")
		case p.StreamCreated != nil:
			return ShardPage{}, errNextTokenWith("StreamCreationTimestamp")
		}
		tok, ok := s.decodeListShardsToken(p.NextToken)
		if !ok || tok.region != c.Region || tok.account != c.Account && c.Auth == nil {
			return ShardPage{}, errInvalidNextToken()
		}
		if s.now().Sub(tok.created) > NextTokenLifetime {
			return ShardPage{}, errExpiredNextToken()
		}
		if err := s.admit(c, "ListShards", tok.name); err != nil {
			return ShardPage{}, err
		}
		ls = s.lookup(Caller{Account: tok.account, Region: tok.region}, tok.name)
		if ls == nil || ls.snapshot().ID != tok.streamID {
			return ShardPage{}, errStreamNotFound(tok.name, c.Account)
		}
		st := ls.snapshot()
		if err := s.authorize(c, "ListShards", st.ARN(), st.Account, st.Policy); err != nil {
			return ShardPage{}, err
		}
		after = tok.after
		if tok.filter.Type != "" {
			filter = &tok.filter
		}
	} else {
		if p.Ref.Name == "" && p.Ref.ARN == "" {
			return ShardPage{}, errListShardsNeither()
		}
		var err error
		if ls, _, err = s.resolve(c, p.Ref, "ListShards"); err != nil {
			return ShardPage{}, err
		}
		if p.StreamCreated != nil && !p.StreamCreated.Equal(ls.snapshot().Created) {
			return ShardPage{}, errStreamNotFound(ls.snapshot().Name, c.Account)
		}
		if p.ExclusiveStartShardID != "" {
			ix, ok := ParseShardID(p.ExclusiveStartShardID)
			if !ok {
				return ShardPage{}, newErr(KindInvalidArgument, "Invalid ExclusiveStartShardId %s.", p.ExclusiveStartShardID)
			}
			after = int64(ix)
		}
	}
	st := ls.snapshot()
	if st.Status == StatusCreating {
		return ShardPage{}, errStreamNotActive(st.Name, st.Account, st.Status)
	}
	match, err := s.shardFilter(st, filter)
	if err != nil {
		return ShardPage{}, err
	}
	if filter != nil && filter.Type == FilterAfterShardID {
		ix, _ := ParseShardID(filter.ShardID)
		after = max(after, int64(ix))
	}
	limit := p.MaxResults
	if limit <= 0 {
		limit = 1000
	}
	page := ShardPage{Stream: st}
	for i := range st.Shards {
		sh := &st.Shards[i]
		if int64(sh.Index) <= after || !s.visible(st, sh) || !match(sh) {
			continue
		}
		if len(page.Shards) == limit {
			page.HasMore = true
			break
		}
		page.Shards = append(page.Shards, sh)
	}
	if page.HasMore {
		tok := listShardsToken{
			created: s.now(), streamID: st.ID, account: st.Account, region: st.Region, name: st.Name,
			after: int64(page.Shards[len(page.Shards)-1].Index),
		}
		if filter != nil {
			tok.filter = *filter
		}
		page.NextToken = s.encodeListShardsToken(tok)
	}
	return page, nil
}

// shardFilter returns the predicate of a ShardFilter, following AWS's
// definitions of the filter types:
//
//   - AT_TRIM_HORIZON: the shards open at the trim horizon;
//   - FROM_TRIM_HORIZON: every shard within retention (trim to tip);
//   - AT_LATEST: the open shards;
//   - AT_TIMESTAMP: the shards open at the timestamp;
//   - FROM_TIMESTAMP: the open shards and those closed at or after the
//     timestamp.
//
// The trim horizon is where the stream's oldest retained data begins:
// retention ago, or the stream's creation when the stream is younger than
// its retention (nothing was written before it existed). A timestamp before
// the trim horizon means the trim horizon, as AWS documents for
// FROM_TIMESTAMP and for AT_TIMESTAMP iterators: the shards open then have
// expired, and the KCL asks for AT_TIMESTAMP with any timestamp its user
// gave, expecting the shards to start reading from.
func (s *Service) shardFilter(st *Stream, f *ShardFilter) (func(*Shard) bool, error) {
	all := func(*Shard) bool { return true }
	if f == nil {
		return all, nil
	}
	trim := s.trimHorizon(st)
	openAt := func(t time.Time) func(*Shard) bool {
		return func(sh *Shard) bool {
			return !st.shardStart(sh).After(t) && (sh.Open() || !sh.Closed.Before(t))
		}
	}
	switch f.Type {
	case FilterAfterShardID:
		if f.ShardID == "" {
			return nil, newErr(KindInvalidArgument, "ShardId is required for ShardFilter type AFTER_SHARD_ID.")
		}
		if _, ok := ParseShardID(f.ShardID); !ok {
			return nil, newErr(KindInvalidArgument, "Invalid ShardId %s in ShardFilter.", f.ShardID)
		}
		return all, nil
	case FilterAtTrimHorizon:
		return openAt(trim), nil
	case FilterFromTrimHorizon:
		return all, nil // visible already drops the shards closed before the trim horizon
	case FilterAtLatest:
		return func(sh *Shard) bool { return sh.Open() }, nil
	case FilterAtTimestamp, FilterFromTimestamp:
		if f.Timestamp == nil {
			return nil, newErr(KindInvalidArgument, "Timestamp is required for ShardFilter type %s.", f.Type)
		}
		t := *f.Timestamp
		if t.Before(trim) {
			t = trim
		}
		if f.Type == FilterAtTimestamp {
			return openAt(t), nil
		}
		return func(sh *Shard) bool { return sh.Open() || !sh.Closed.Before(t) }, nil
	}
	return all, nil
}

// trimHorizon is the time a stream's oldest retained data can date from:
// retention ago, but never before the stream was created.
func (s *Service) trimHorizon(st *Stream) time.Time {
	t := time.UnixMilli(s.cutoff(st))
	if t.Before(st.Created) {
		return st.Created
	}
	return t
}

// shardStart is when a shard opened, as precisely as the stream knows it.
// A shard's Created is whole seconds (it is part of its sequence numbers);
// a child opened the moment its parent closed, and an initial shard when
// the stream was created, so those times are used where they are known.
func (st *Stream) shardStart(sh *Shard) time.Time {
	if sh.Parent != nil {
		if p := st.Shard(*sh.Parent); p != nil && !p.Open() {
			return p.Closed
		}
		return time.Unix(sh.Created, 0)
	}
	if sh.Created == st.Created.Unix() {
		return st.Created
	}
	return time.Unix(sh.Created, 0)
}

func (s *Service) encodeListShardsToken(t listShardsToken) string {
	var w tokenWriter
	w.i64(t.created.UnixMilli())
	w.str(t.streamID)
	w.str(t.account)
	w.str(t.region)
	w.str(t.name)
	w.str(t.filter.Type)
	w.str(t.filter.ShardID)
	ts := int64(-1 << 63)
	if t.filter.Timestamp != nil {
		ts = t.filter.Timestamp.UnixMilli()
	}
	w.i64(ts)
	w.i64(t.after)
	return s.sealer.seal(tokenListShards, w.b)
}

func (s *Service) decodeListShardsToken(token string) (listShardsToken, bool) {
	payload, ok := s.sealer.open(tokenListShards, token)
	if !ok {
		return listShardsToken{}, false
	}
	r := tokenReader{b: payload}
	t := listShardsToken{
		created:  time.UnixMilli(r.i64()),
		streamID: r.str(),
		account:  r.str(),
		region:   r.str(),
		name:     r.str(),
	}
	t.filter.Type = r.str()
	t.filter.ShardID = r.str()
	if ts := r.i64(); ts != -1<<63 {
		tm := time.UnixMilli(ts)
		t.filter.Timestamp = &tm
	}
	t.after = r.i64()
	return t, r.done()
}

// DescribeShards returns one page of a stream's shards for DescribeStream:
// at most limit after exclusiveStart. A CREATING stream has none yet.
func (s *Service) DescribeShards(ctx context.Context, c Caller, ref StreamRef, exclusiveStart string, limit int) (ShardPage, error) {
	st, err := s.DescribeStream(ctx, c, ref, "DescribeStream")
	if err != nil {
		return ShardPage{}, err
	}
	page := ShardPage{Stream: st}
	if st.Status == StatusCreating {
		return page, nil
	}
	after := int64(-1)
	if exclusiveStart != "" {
		if ix, ok := ParseShardID(exclusiveStart); ok {
			after = int64(ix)
		}
	}
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	for i := range st.Shards {
		sh := &st.Shards[i]
		if int64(sh.Index) <= after || !s.visible(st, sh) {
			continue
		}
		if len(page.Shards) == limit {
			page.HasMore = true
			break
		}
		page.Shards = append(page.Shards, sh)
	}
	return page, nil
}
