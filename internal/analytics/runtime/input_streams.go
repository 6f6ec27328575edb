package runtime

import (
	"context"
	"time"

	"sluice/internal/storage"
	"sluice/internal/streams"
)

// feedStreams reads a Sluice data stream as an internal consumer (no shard
// iterators, no per-shard call rates; see streams.ReadShard).
type feedStreams struct {
	svc    *streams.Service
	caller streams.Caller
	ref    streams.StreamRef
	sid    string // the stream's ID when the application started
}

// callerAction names the runtime's reads of stream metadata in the data
// stream service's rate limits, which do not apply to it.
const callerAction = "KinesisAnalytics"

func newFeedStreams(svc *streams.Service, c streams.Caller, arn string) (*feedStreams, error) {
	f := &feedStreams{svc: svc, caller: c, ref: streams.StreamRef{ARN: arn}}
	st, err := svc.DescribeStream(context.Background(), c, f.ref, callerAction)
	if err != nil {
		return nil, err
	}
	f.sid = st.ID
	return f, nil
}

func (f *feedStreams) id() string { return f.sid }

func (f *feedStreams) retention() time.Duration {
	st, err := f.svc.DescribeStream(context.Background(), f.caller, f.ref, callerAction)
	if err != nil {
		return streams.DefaultRetentionHours * time.Hour
	}
	return time.Duration(st.RetentionHours) * time.Hour
}
func (f *feedStreams) kinesis() bool { return true }

func (f *feedStreams) watch() (records, changes <-chan struct{}, last, horizon int64, err error) {
	w, err := f.svc.WatchStream(f.caller, f.ref, f.sid)
	if err != nil {
		return nil, nil, 0, 0, err
	}
	return w.Records, w.Changes, w.LastArrival, w.Horizon, nil
}

func (f *feedStreams) shards() ([]shardInfo, error) {
	st, err := f.svc.DescribeStream(context.Background(), f.caller, f.ref, callerAction)
	if err != nil {
		return nil, err
	}
	if st.ID != f.sid {
		return nil, errSourceReplaced
	}
	out := make([]shardInfo, 0, len(st.Shards))
	for i := range st.Shards {
		sh := &st.Shards[i]
		info := shardInfo{index: sh.Index, open: sh.Open(), created: sh.Created}
		for _, p := range []*uint32{sh.Parent, sh.AdjacentParent} {
			if p != nil {
				info.parents = append(info.parents, *p)
			}
		}
		out = append(out, info)
	}
	return out, nil
}

func (f *feedStreams) bounds(shard uint32) (first, next uint64, err error) {
	return f.svc.ShardBounds(f.caller, f.ref, f.sid, shard)
}

func (f *feedStreams) read(shard uint32, from uint64, max int) ([]storage.StoredRecord, uint64, bool, error) {
	r, err := f.svc.ReadShard(f.caller, f.ref, f.sid, shard, from, max, readMaxBytes)
	if err != nil {
		return nil, 0, false, err
	}
	return r.Records, r.Next, r.End, nil
}
