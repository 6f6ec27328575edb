package runtime

import (
	"time"

	"sluice/internal/analytics"
	"sluice/internal/storage"
)

// feed is the source an application's input reads: a Sluice data stream
// (feedStreams) or a Firehose delivery stream's log (feedFirehose). Both
// keep records in a log whose arrival times never go back across all its
// shards and whose records become readable in arrival order; the reader
// relies on that to merge shards by arrival.
type feed interface {
	// id identifies the source itself (the stream's or delivery stream's
	// Sluice ID): checkpoints are kept under it, so that a source deleted
	// and created again under the same ARN is a new source.
	id() string
	// watch returns channels closed at the next durable append or shard
	// change (either may be nil), the arrival time of the newest readable
	// record (0 if none), and the horizon: a time every record that
	// arrived at or before it was readable when watch returned (records
	// arriving later are stamped later; see streams.WatchStream).
	watch() (records, changes <-chan struct{}, last, horizon int64, err error)
	// shards lists the source's shards, parents before children.
	shards() ([]shardInfo, error)
	// bounds returns the counters of the oldest record a shard keeps and
	// of the next one it will take.
	bounds(shard uint32) (first, next uint64, err error)
	// read reads a shard from counter from; end is set once the shard is
	// closed and read past its last record.
	read(shard uint32, from uint64, max int) (recs []storage.StoredRecord, next uint64, end bool, err error)
	// kinesis reports whether the records carry partition keys, sequence
	// numbers and shard IDs (a data stream), or only arrival times (a
	// delivery stream).
	kinesis() bool
	// retention is how long the source keeps records: how far back a
	// replay can go.
	retention() time.Duration
}

// shardInfo is what the reader needs of a shard.
type shardInfo struct {
	index   uint32
	parents []uint32
	open    bool
	// created is the shard's creation time (Unix seconds), part of its
	// sequence numbers.
	created int64
}

// inRecord is one input record as the application takes it in.
type inRecord struct {
	shard   uint32
	counter uint64
	arrival int64 // ApproximateArrivalTimestamp, Unix ms
	// rowtime is the ROWTIME its rows get: the arrival time, or the
	// application's clock when that is already later (see the package
	// doc, "Time").
	rowtime int64
	pk      string
	data    []byte
	// stream is the in-application stream it feeds (0 for <prefix>_001).
	stream int
	// shardID and seq are SHARD_ID and SEQUENCE_NUMBER ("" for a delivery
	// stream).
	shardID, seq string
	// dropped: the preprocessor dropped it (result Dropped), or failed it
	// (failed holds why); either way it makes no row.
	dropped bool
	failed  string
}

// batchMaxRecords bounds the records one batch hands the application (and
// one shard holds read), readMaxBytes one read of a shard.
const (
	batchMaxRecords = 10000
	readMaxBytes    = 4 << 20
	// pendingMaxBytes bounds the records read from one shard and not yet
	// handed on (the merge waits for the other shards).
	pendingMaxBytes = 16 << 20
)

// startPositions are where each shard is read from at the start: the
// saved positions (LAST_STOPPED_POINT; shards born since from their
// start), every shard from its oldest record (TRIM_HORIZON), or the open
// shards from their tips and the closed ones not at all (NOW).
func startPositions(f feed, pos analytics.StartingPosition, saved *checkpointInput) (map[uint32]position, error) {
	shards, err := f.shards()
	if err != nil {
		return nil, err
	}
	out := make(map[uint32]position, len(shards))
	for _, sh := range shards {
		switch {
		case saved != nil:
			out[sh.index] = saved.Shards[sh.index] // absent: a shard born since, from its start
		case pos == analytics.PositionTrimHorizon:
			out[sh.index] = position{}
		case !sh.open:
			out[sh.index] = position{Done: true}
		default:
			_, next, err := f.bounds(sh.index)
			if err != nil {
				return nil, err
			}
			out[sh.index] = position{Next: next}
		}
	}
	return out, nil
}
