package firehose

import (
	"context"
	"encoding/binary"
	"errors"
	"time"

	"sluice/internal/metrics"
	"sluice/internal/objectstore"
	"sluice/internal/storage"
)

// readBatch bounds one read of the log by the deliverer.
const (
	readRecords = 10000
	readBytes   = 8 << 20
)

// start runs the delivery stream's deliverer (and, for a Kinesis source,
// its reader) until halt.
func (s *Service) start(l *live) {
	l.stop = make(chan struct{})
	l.done = make(chan struct{})
	srcDone := make(chan struct{})
	ds := l.snapshot()
	if ds.Type == TypeKinesisSource && s.cfg.Source != nil {
		go func() {
			defer close(srcDone)
			s.readSource(l)
		}()
	} else {
		close(srcDone)
	}
	go func() {
		defer close(l.done)
		s.deliver(l)
		<-srcDone
	}()
}

// pending is the deliverer's buffer: the records read from the log but
// not yet in a delivered object. The log is the buffer: pending keeps only
// where each record is and how big, and the object's bytes are read back
// when it is written, so a delivery stream's memory does not grow with its
// buffering hints.
type pending struct {
	records []entry
	bytes   int64
	next    uint64 // log counter after the last buffered record
}

type entry struct {
	seq     uint64
	arrival int64 // epoch ms
	size    int64
}

// deliver is a delivery stream's deliverer loop (see the package doc).
func (s *Service) deliver(l *live) {
	ctx, cancel := l.context()
	defer cancel()
	pos, err := s.position(ctx, l.snapshot().ID)
	if err != nil {
		s.log.Error("reading delivery position", "err", err)
		return
	}
	if pt := l.snapshot().S3.Partitioning; pt != nil && pt.Enabled {
		s.deliverPartitioned(ctx, l, pos)
		return
	}
	buf := pending{next: pos}
	tick := time.NewTicker(s.cfg.Tick)
	defer tick.Stop()
	for {
		watch := l.log.Watch()
		ds := l.snapshot()
		if ds.Status == StatusActive || ds.Status == StatusCreating {
			// Read what arrived, then deliver every object that is due.
			for {
				// As stored: only where records are and their sizes are
				// needed here; flush opens sealed ones.
				recs, next, err := l.log.Log.Read(0, buf.next, readRecords, readBytes, 0)
				if err != nil {
					s.log.Error("reading delivery stream log", "name", ds.Name, "err", err)
					break
				}
				if len(recs) == 0 {
					buf.next = max(buf.next, next)
					break
				}
				for i := range recs {
					size := storedSize(&recs[i])
					buf.records = append(buf.records, entry{seq: recs[i].Seq, arrival: recs[i].ArrivalMillis, size: size})
					buf.bytes += size
				}
				buf.next = next
				if sizeMB, _ := ds.hints(); buf.bytes >= sizeMB<<20 {
					break // deliver before reading on
				}
			}
			for s.due(ds, &buf) {
				if !s.flush(ctx, l, ds, &buf) {
					return // stopped
				}
			}
		}
		select {
		case <-l.stop:
			return
		case <-watch:
		case <-tick.C:
		}
	}
}

// context returns a context that ends when the delivery stream halts.
func (l *live) context() (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		select {
		case <-l.stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, cancel
}

// due reports whether the buffer should become an object now: it holds
// SizeInMBs, or its oldest record has waited IntervalInSeconds.
func (s *Service) due(ds *DeliveryStream, buf *pending) bool {
	if len(buf.records) == 0 {
		return false
	}
	size, interval := ds.hints()
	if buf.bytes >= size<<20 {
		return true
	}
	oldest := time.UnixMilli(buf.records[0].arrival)
	return !s.now().Before(oldest.Add(time.Duration(interval) * time.Second))
}

// flush delivers the buffer's first object (up to SizeInMBs of records):
// the records transformed (when data transformation is on), the error
// output of those that failed it, and the source record backup; each
// write is retried with backoff; a batch that cannot be built is tried
// again after a pause, the buffer kept. It reports false when the
// deliverer was stopped.
func (s *Service) flush(ctx context.Context, l *live, ds *DeliveryStream, buf *pending) bool {
	sizeMB, _ := ds.hints()
	limit := sizeMB << 20
	n, size := 0, int64(0)
	for n < len(buf.records) && (n == 0 || size < limit) {
		size += buf.records[n].size
		n++
	}
	recs, err := s.readBack(l, buf.records[:n])
	if err != nil {
		s.log.Error("reading buffered records; trying again", "name", ds.Name, "err", err)
		return s.pause(l)
	}
	b := &batch{src: recs, t: time.UnixMilli(buf.records[0].arrival).In(ds.S3.zone())}
	b.out, b.failed = s.process(ctx, ds, recs)
	res, err := s.send(ctx, l, ds, b)
	if err != nil {
		if ctx.Err() != nil {
			return false
		}
		s.log.Error("delivering a batch; trying again", "name", ds.Name, "err", err)
		return s.pause(l)
	}
	next := buf.next
	if n < len(buf.records) {
		next = buf.records[n].seq
	}
	if err := s.savePosition(ctx, ds.ID, next); err != nil && ctx.Err() == nil {
		s.log.Error("saving delivery position", "name", ds.Name, "err", err)
	}
	now := s.now()
	l.metrics.delivered(now, res, buf.records[0].arrival)
	buf.records = append(buf.records[:0], buf.records[n:]...)
	buf.bytes -= size
	// Records are kept for 24 hours, as AWS keeps undelivered DirectPut
	// data; delivered ones go with them.
	l.log.Expire(now.Add(-24 * time.Hour).UnixMilli())
	s.pruneDataKeys(ctx, l)
	return true
}

// write puts one object, retrying with backoff (1 s doubling to 2 minutes)
// for RetryFor, after which the object's records are dropped and counted,
// as AWS does for S3. It reports false when the deliverer was stopped.
func (s *Service) write(ctx context.Context, l *live, ds *DeliveryStream, obj objectstore.Object, records int) bool {
	written, stopped := s.writeFor(ctx, l, ds, obj, s.cfg.RetryFor)
	if stopped {
		return false
	}
	if !written {
		s.log.Error("dropping an object after retrying for the retry period", "name", ds.Name, "key", obj.Key, "records", records)
		l.metrics.DroppedRecords.Add(int64(records))
	}
	return true
}

// writeFor puts one object, retrying with backoff (1 s doubling to 2
// minutes) for retryFor. stopped is true when the deliverer was stopped.
func (s *Service) writeFor(ctx context.Context, l *live, ds *DeliveryStream, obj objectstore.Object, retryFor time.Duration) (written, stopped bool) {
	first := time.Now()
	backoff := time.Second
	for {
		err := s.cfg.Store.Put(ctx, obj)
		if err == nil {
			return true, false
		}
		if ctx.Err() != nil {
			return false, true
		}
		l.metrics.FailedAttempts.Add(1)
		s.logError(ds, "S3.PutObjectFailed", "Failed to deliver data to the bucket "+obj.Bucket+": "+err.Error(), "")
		l.metrics.Minutes.Add(s.now(), metrics.DeliveryFailures, 1)
		if time.Since(first) >= retryFor {
			return false, false
		}
		s.log.Warn("delivery failed; retrying", "name", ds.Name, "bucket", obj.Bucket, "key", obj.Key, "err", err, "retry_in", backoff)
		select {
		case <-ctx.Done():
			return false, true
		case <-time.After(min(backoff, max(retryFor-time.Since(first), 0))):
		}
		backoff = min(backoff*2, 2*time.Minute)
	}
}

// readBack reads the buffered records from the log.
func (s *Service) readBack(l *live, entries []entry) ([]rawRecord, error) {
	out := make([]rawRecord, 0, len(entries))
	from, last := entries[0].seq, entries[len(entries)-1].seq
	for from <= last {
		got, next, err := l.log.Read(0, from, int(last-from+1), readBytes, 0)
		if err != nil {
			return nil, err
		}
		if len(got) == 0 {
			break // expired meanwhile (records are kept 24 hours)
		}
		for _, r := range got {
			if r.Seq <= last {
				out = append(out, rawRecord{data: append([]byte(nil), r.Data...), arrival: r.ArrivalMillis, seq: r.Seq})
			}
		}
		from = next
	}
	return out, nil
}

// position is the log counter of the next record to deliver.
func (s *Service) position(ctx context.Context, id string) (uint64, error) {
	b, err := s.meta.Get(ctx, keyPosition+id)
	if errors.Is(err, storage.ErrNotFound) {
		return 1, nil
	}
	if err != nil {
		return 0, err
	}
	if len(b) != 8 {
		return 1, nil
	}
	return binary.BigEndian.Uint64(b), nil
}

// savePosition records that the log up to next is delivered. It runs
// even when the deliverer is being stopped: the objects are written by
// then, and a position left behind would deliver them again after a
// restart.
func (s *Service) savePosition(ctx context.Context, id string, next uint64) error {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], next)
	return s.meta.Update(context.WithoutCancel(ctx), func(tx storage.MetaTx) error { return tx.Put(keyPosition+id, b[:]) })
}
