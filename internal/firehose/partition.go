package firehose

import (
	"context"
	"encoding/base64"
	"errors"
	"sort"
	"strings"
	"time"
)

// Dynamic partitioning (see dynamic-partitioning.md and buffering.md in
// AWS's developer guide): records are processed as they are read, not when
// an object is built, because the processors (the MetadataExtraction query
// or the Lambda function) say which partition a record belongs to. Each
// active partition (a distinct evaluation of the prefix's partition keys)
// has its own buffer, delivered when it holds SizeInMBs or its oldest
// record has waited IntervalInSeconds; then the partition is gone. At
// most MaxActivePartitions are active: records of further partitions go
// to the error output (activePartitionExceeded), as AWS does.
//
// The buffers are in memory (they hold processed records, which a restart
// could not rebuild from the log without running the processors again),
// bounded by partitionMemory: past it the largest partition is delivered
// early. The durable delivery position is the oldest record still in any
// partition, so a restart delivers again what the other partitions had
// delivered since: at-least-once, as everywhere in Firehose.

// MaxActivePartitions is AWS's quota of active partitions per delivery
// stream.
const MaxActivePartitions = 500

// partitionMemory bounds the bytes held in partition buffers.
const partitionMemory = 256 << 20

// partition is one active partition's buffer.
type partition struct {
	keys  partitionKeys
	out   []outRecord
	bytes int64
}

// partitioner is a partitioned deliverer's state.
type partitioner struct {
	parts map[string]*partition
	bytes int64
	next  uint64 // log counter of the next record to read
	saved uint64 // the position last saved
}

// deliverPartitioned is the deliverer loop of a delivery stream with
// dynamic partitioning.
func (s *Service) deliverPartitioned(ctx context.Context, l *live, pos uint64) {
	p := &partitioner{parts: map[string]*partition{}, next: pos, saved: pos}
	tick := time.NewTicker(s.cfg.Tick)
	defer tick.Stop()
	for {
		watch := l.log.Watch()
		ds := l.snapshot()
		if ds.Status == StatusActive || ds.Status == StatusCreating {
			if !s.readPartitions(ctx, l, ds, p) {
				return
			}
			if !s.flushPartitions(ctx, l, ds, p) {
				return
			}
			s.savePartitionPosition(ctx, ds, p)
			l.metrics.ActivePartitions.Store(int64(len(p.parts)))
		}
		select {
		case <-l.stop:
			return
		case <-watch:
		case <-tick.C:
		}
	}
}

// readPartitions reads what arrived, processes it and adds each record to
// its partition, until the log is read or the buffers are full. It
// reports false when the deliverer was stopped.
func (s *Service) readPartitions(ctx context.Context, l *live, ds *DeliveryStream, p *partitioner) bool {
	parts, err := compilePrefix(ds.S3.Prefix, false)
	if err != nil {
		s.log.Error("compiling the prefix", "name", ds.Name, "err", err)
		return false
	}
	for p.bytes < partitionMemory {
		recs, next, err := l.log.Read(0, p.next, readRecords, readBytes, 0)
		if err != nil {
			s.log.Error("reading delivery stream log", "name", ds.Name, "err", err)
			if fe := (*Error)(nil); errors.As(err, &fe) {
				return s.pause(l) // KMS refuses: not every tick
			}
			return true
		}
		if len(recs) == 0 {
			p.next = max(p.next, next)
			return true
		}
		raws := make([]rawRecord, len(recs))
		bySeq := make(map[uint64]int, len(recs))
		for i, r := range recs {
			raws[i] = rawRecord{data: append([]byte(nil), r.Data...), arrival: r.ArrivalMillis, seq: r.Seq}
			bySeq[r.Seq] = i
		}
		out, failed := s.process(ctx, ds, raws)
		if ctx.Err() != nil {
			return false
		}
		source := func(r outRecord) outRecord {
			// Error records carry the record as it arrived.
			if i, ok := bySeq[r.seq]; ok {
				r.data = raws[i].data
			}
			return r
		}
		for _, r := range out {
			id, missing := partitionID(parts, r.keys)
			if missing != "" {
				failed = append(failed, partitionFailure(s.now(), source(r), "DynamicPartitioning.PartitionKeyMissing",
					"The record has no value for the partition key "+missing+" that the prefix uses.", errProcessing))
				continue
			}
			pt := p.parts[id]
			if pt == nil {
				if len(p.parts) >= MaxActivePartitions {
					failed = append(failed, partitionFailure(s.now(), source(r), "DynamicPartitioning.ActivePartitionsLimitExceeded",
						"The number of active partitions reached the limit of 500 for the delivery stream.", errPartitionsLimit))
					continue
				}
				pt = &partition{keys: r.keys}
				p.parts[id] = pt
			}
			pt.out = append(pt.out, r)
			pt.bytes += int64(len(r.data))
			p.bytes += int64(len(r.data))
		}
		// The error output of the chunk, and its source record backup
		// (every record read, once, whatever became of it), are written
		// before the chunk counts as read.
		if len(failed) > 0 || ds.S3.S3BackupMode == "Enabled" {
			b := &batch{failed: failed, src: raws, t: time.UnixMilli(raws[0].arrival).In(ds.S3.zone())}
			for {
				_, err := s.send(ctx, l, ds, b)
				if err == nil {
					break
				}
				if ctx.Err() != nil {
					return false
				}
				s.log.Error("writing error output or backup; trying again", "name", ds.Name, "err", err)
				if !s.pause(l) {
					return false
				}
			}
		}
		p.next = next
	}
	return true
}

// partitionFailure is the error record of a processed record.
func partitionFailure(now time.Time, r outRecord, code, msg, errorType string) failedRecord {
	return failedRecord{errorType: errorType, errorRecord: errorRecord{AttemptsMade: 1, ArrivalTimestamp: r.arrival,
		ErrorCode: code, ErrorMessage: msg, AttemptEndingTimestamp: now.UnixMilli(), RawData: base64.StdEncoding.EncodeToString(r.data)}}
}

// partitionID is the identity of a record's partition: the values of the
// partition keys the prefix uses, in order. missing names a key the
// record lacks.
func partitionID(parts []prefixPart, keys partitionKeys) (id, missing string) {
	var b strings.Builder
	for _, p := range parts {
		var v string
		var ok bool
		switch {
		case p.queryKey != "":
			v, ok = keys.query[p.queryKey]
			if !ok {
				return "", "partitionKeyFromQuery:" + p.queryKey
			}
		case p.lambdaKey != "":
			v, ok = keys.lambda[p.lambdaKey]
			if !ok {
				return "", "partitionKeyFromLambda:" + p.lambdaKey
			}
		default:
			continue
		}
		b.WriteString(v)
		b.WriteByte(0)
	}
	return b.String(), ""
}

// flushPartitions delivers every partition that is due, and the largest
// ones while the buffers hold more than partitionMemory. It reports false
// when the deliverer was stopped.
func (s *Service) flushPartitions(ctx context.Context, l *live, ds *DeliveryStream, p *partitioner) bool {
	size, interval := ds.hints()
	now := s.now()
	ids := make([]string, 0, len(p.parts))
	for id := range p.parts {
		ids = append(ids, id)
	}
	// Oldest first, so the delivery position moves as far as it can.
	sort.Slice(ids, func(i, j int) bool { return p.parts[ids[i]].out[0].seq < p.parts[ids[j]].out[0].seq })
	for _, id := range ids {
		pt := p.parts[id]
		oldest := time.UnixMilli(pt.out[0].arrival)
		if pt.bytes < size<<20 && now.Before(oldest.Add(time.Duration(interval)*time.Second)) {
			continue
		}
		if !s.flushPartition(ctx, l, ds, p, id) {
			return false
		}
	}
	for p.bytes >= partitionMemory && len(p.parts) > 0 {
		largest := ""
		for id, pt := range p.parts {
			if largest == "" || pt.bytes > p.parts[largest].bytes {
				largest = id
			}
		}
		if !s.flushPartition(ctx, l, ds, p, largest) {
			return false
		}
	}
	return true
}

// flushPartition delivers one partition's buffer as one object (or more,
// past SizeInMBs) and drops the partition.
func (s *Service) flushPartition(ctx context.Context, l *live, ds *DeliveryStream, p *partitioner, id string) bool {
	pt := p.parts[id]
	keys := pt.keys
	b := &batch{out: pt.out, t: time.UnixMilli(pt.out[0].arrival).In(ds.S3.zone()), keys: &keys}
	res, err := s.send(ctx, l, ds, b)
	if err != nil {
		if ctx.Err() != nil {
			return false
		}
		s.log.Error("delivering a partition; trying again", "name", ds.Name, "err", err)
		return s.pause(l)
	}
	now := s.now()
	l.metrics.delivered(now, res, pt.out[0].arrival)
	l.log.Expire(now.Add(-24 * time.Hour).UnixMilli())
	s.pruneDataKeys(ctx, l)
	p.bytes -= pt.bytes
	delete(p.parts, id)
	return true
}

// savePartitionPosition saves the delivery position: the oldest record
// still buffered, or the next to read.
func (s *Service) savePartitionPosition(ctx context.Context, ds *DeliveryStream, p *partitioner) {
	pos := p.next
	for _, pt := range p.parts {
		pos = min(pos, pt.out[0].seq)
	}
	if pos == p.saved {
		return
	}
	if err := s.savePosition(ctx, ds.ID, pos); err != nil {
		if ctx.Err() == nil {
			s.log.Error("saving delivery position", "name", ds.Name, "err", err)
		}
		return
	}
	p.saved = pos
}
