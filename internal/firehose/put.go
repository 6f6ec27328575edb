package firehose

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"slices"
	"sync/atomic"
	"time"

	"sluice/internal/metrics"

	"sluice/internal/storage"
)

// PutResult is one record's outcome: its RecordId, or an error for a
// record PutRecordBatch could not take.
type PutResult struct {
	RecordID            string
	ErrCode, ErrMessage string
}

// Metrics are a delivery stream's counters since the server started.
type Metrics struct {
	IncomingRecords, IncomingBytes   atomic.Int64
	DeliveredRecords, DeliveredBytes atomic.Int64
	DeliveredObjects                 atomic.Int64
	FailedAttempts, DroppedRecords   atomic.Int64
	// ErrorRecords went to the error output; BackupRecords to the S3
	// backup.
	ErrorRecords, BackupRecords atomic.Int64
	// ActivePartitions is the partitions buffered (dynamic partitioning).
	ActivePartitions atomic.Int64
	// LastDeliveryMillis is when the last object was written.
	LastDeliveryMillis atomic.Int64
	// Minutes are the same figures per minute, for the console's charts.
	Minutes metrics.Series
}

// delivered counts a delivery whose oldest record arrived at arrival.
func (m *Metrics) delivered(now time.Time, res sent, arrival int64) {
	m.DeliveredRecords.Add(int64(res.records))
	m.DeliveredBytes.Add(res.bytes)
	m.DeliveredObjects.Add(int64(res.objects))
	m.LastDeliveryMillis.Store(now.UnixMilli())
	m.Minutes.Add(now, metrics.DeliveredRecords, int64(res.records))
	m.Minutes.Add(now, metrics.DeliveredBytes, res.bytes)
	m.Minutes.Add(now, metrics.DeliveredObjects, int64(res.objects))
	m.Minutes.Max(now, metrics.DataFreshnessSeconds, max(0, now.UnixMilli()-arrival)/1000)
}

// Put appends records to a DirectPut delivery stream's log and returns once
// they are durable. All records of a call are one group: they are all
// written, or the call fails. The delivery stream it returns is the state
// the records were written under: they are sealed (sse.go) when its
// Encryption.Encrypts().
func (s *Service) Put(ctx context.Context, c Caller, name string, records [][]byte) (*DeliveryStream, []PutResult, error) {
	l, err := s.get(c, name)
	if err != nil {
		return nil, nil, err
	}
	return s.put(ctx, l, c, name, records)
}

// put is Put into the delivery stream l, found by name; l may have been
// dropped since it was found.
func (s *Service) put(ctx context.Context, l *live, c Caller, name string, records [][]byte) (*DeliveryStream, []PutResult, error) {
	// Held until the records are durable: DropDeliveryStream waits for
	// the Puts in flight before it hands the log over (placement.go).
	l.writes.RLock()
	defer l.writes.RUnlock()
	if l.moved {
		return nil, nil, errElsewhere(l.snapshot().ID, name)
	}
	ds := l.snapshot()
	switch {
	case ds.Type == TypeKinesisSource:
		return nil, nil, errInvalid("This operation is not permitted on KinesisStreamAsSource delivery stream type.")
	case ds.Status == StatusCreating:
		return nil, nil, errNotFound(name, c.Account)
	case ds.Status == StatusDeleting:
		return nil, nil, errNotActive(name, c.Account, ds.Status)
	}
	total := 0
	batch := storage.Batch{Shard: 0, Records: make([]storage.Record, len(records))}
	for i, r := range records {
		batch.Records[i] = storage.Record{Data: r}
		total += len(r)
	}
	if total > MaxBatchBytes {
		return nil, nil, errInvalid("The total size of the records in the batch exceeds the limit of 4 MiB: %d bytes.", total)
	}
	if err := s.admitPut(l, ds, len(records), total); err != nil {
		return nil, nil, err
	}
	if ds.Encryption.Encrypts() {
		sl, err := s.sealer(ctx, l, ds.Encryption.Key)
		if err != nil {
			return nil, nil, err
		}
		sealRecords(sl, &batch, nil)
	}
	res, err := l.append(ctx, s.cfg.Now, batch)
	if err != nil {
		return nil, nil, err
	}
	l.metrics.incoming(s.now(), len(records), total)
	out := make([]PutResult, len(records))
	for i := range records {
		out[i].RecordID = recordID(ds.ID, res[0].FirstSeq+uint64(i), res[0].ArrivalMillis)
	}
	return ds, out, nil
}

// recordID is a RecordId: opaque and unique per record, 112 hex digits
// like AWS's, built from the stream, the record's position and its arrival
// (the same record always has the same ID, which Lambda transformation
// relies on), the last 16 bytes a hash of those so the ID does not end in
// zeros.
func recordID(streamID string, counter uint64, arrival int64) string {
	var b [56]byte
	copy(b[:24], streamID)
	binary.BigEndian.PutUint64(b[24:], counter)
	binary.BigEndian.PutUint64(b[32:], uint64(arrival))
	sum := sha256.Sum256(b[:40])
	copy(b[40:], sum[:16])
	return hex.EncodeToString(b[:])
}

func (m *Metrics) incoming(now time.Time, records, bytes int) {
	m.IncomingRecords.Add(int64(records))
	m.IncomingBytes.Add(int64(bytes))
	m.Minutes.Add(now, metrics.IncomingRecords, int64(records))
	m.Minutes.Add(now, metrics.IncomingBytes, int64(bytes))
}

// DeliveryMetrics returns a delivery stream's counters.
func (s *Service) DeliveryMetrics(c Caller, name string) (*Metrics, error) {
	l, err := s.owned(c, name)
	if err != nil {
		return nil, err
	}
	return &l.metrics, nil
}

// Minutes returns a delivery stream's per-minute figures.
func (s *Service) Minutes(c Caller, name string, minutes int) ([]metrics.Point, error) {
	l, err := s.owned(c, name)
	if err != nil {
		return nil, err
	}
	return l.metrics.Minutes.Range(s.now(), minutes), nil
}

// Buckets returns the buckets the caller's delivery streams deliver to.
func (s *Service) Buckets(c Caller) []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []string
	for k, l := range s.streams {
		if k.account == c.Account && k.region == c.Region {
			if b := l.snapshot().S3.Bucket(); !slices.Contains(out, b) {
				out = append(out, b)
			}
		}
	}
	return out
}

// Each calls fn for every delivery stream this node owns with its
// counters, in no order (those another node owns count there).
func (s *Service) Each(fn func(ds *DeliveryStream, m *Metrics)) {
	s.mu.RLock()
	lives := make([]*live, 0, len(s.streams))
	for _, l := range s.streams {
		if l.remote {
			continue // its owner does this
		}
		lives = append(lives, l)
	}
	s.mu.RUnlock()
	for _, l := range lives {
		fn(l.snapshot(), &l.metrics)
	}
}
