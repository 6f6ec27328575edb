package firehose

import (
	"context"
	"errors"
	"slices"
	"sluice/internal/kpl"
	"time"

	"sluice/internal/storage"
)

// SourceReader reads a Sluice data stream for a KinesisStreamAsSource
// delivery stream (package firehose does not reach into Data Streams; the
// server wires one in).
type SourceReader interface {
	// Check verifies that the caller can read the stream.
	Check(c Caller, streamARN string) error
	// Shards lists the stream's shards, parents first.
	Shards(c Caller, streamARN string) ([]SourceShard, error)
	// Iterator returns a shard iterator: after seq when seq is set, else
	// at the time at when at is set, else from the trim horizon.
	Iterator(c Caller, streamARN, shardID, seq string, at *time.Time) (string, error)
	// Read reads from an iterator; Next is "" at the end of a closed shard.
	Read(c Caller, streamARN, iterator string) (SourceRecords, error)
}

// SourceShard is one shard of the source stream.
type SourceShard struct {
	ID      string
	Parents []string
	Created time.Time
}

// SourceRecords is one read.
type SourceRecords struct {
	Data [][]byte
	// Encrypted says which records the stream stored encrypted (nil:
	// none): their copies in the delivery stream's log are sealed too.
	Encrypted []bool
	LastSeq   string
	Next      string
}

// sourceState is a source shard's durable read position: the last
// sequence number taken into the delivery stream's log, and whether the
// shard is finished (closed and read to its end).
type sourceState struct {
	seq  string
	done bool
}

const sourceDone = "\x00done"

// readSource copies the source stream's records into the delivery stream's
// log, shard by shard in lineage order (a child after its parents are read
// to their end), saving each shard's position after the records are
// durable: a restart reads on from there (at-least-once). Shards that
// existed when the delivery stream was created are read from that time
// (AWS starts at LATEST; a fixed time keeps a restart from skipping
// records); shards born later are read from their start.
func (s *Service) readSource(l *live) {
	ctx, cancel := l.context()
	defer cancel()
	ds := l.snapshot()
	c := Caller{Account: ds.Account, Region: ds.Region}
	arn := ds.Source.StreamARN
	state, err := s.loadSourceStates(ctx, ds.ID)
	if err != nil {
		s.log.Error("loading source positions", "name", ds.Name, "err", err)
		return
	}
	iterators := map[string]string{}
	poll := time.NewTicker(s.cfg.SourcePoll)
	defer poll.Stop()
	lastErr := "" // a failure is logged when it starts or changes, not every poll
	for {
		if st := l.snapshot().Status; st == StatusActive {
			err := s.pollSource(ctx, l, c, arn, state, iterators)
			switch {
			case err != nil && ctx.Err() == nil && err.Error() != lastErr:
				s.log.Warn("reading the source stream", "name", ds.Name, "stream", arn, "err", err)
				lastErr = err.Error()
			case err == nil && lastErr != "":
				s.log.Info("reading the source stream again", "name", ds.Name, "stream", arn)
				lastErr = ""
			}
		}
		select {
		case <-l.stop:
			return
		case <-poll.C:
		}
	}
}

func (s *Service) pollSource(ctx context.Context, l *live, c Caller, arn string, state map[string]*sourceState, iterators map[string]string) error {
	ds := l.snapshot()
	shards, err := s.cfg.Source.Shards(c, arn)
	if err != nil {
		return err
	}
	known := map[string]bool{}
	for _, sh := range shards {
		known[sh.ID] = true
	}
	for _, sh := range shards {
		st := state[sh.ID]
		if st == nil {
			st = &sourceState{}
			state[sh.ID] = st
		}
		if st.done {
			continue
		}
		if slices.ContainsFunc(sh.Parents, func(p string) bool { return known[p] && (state[p] == nil || !state[p].done) }) {
			continue // parents first
		}
		it := iterators[sh.ID]
		if it == "" {
			var at *time.Time
			if st.seq == "" && sh.Created.Before(ds.Source.Started.Truncate(time.Second)) {
				started := ds.Source.Started
				at = &started
			}
			if it, err = s.cfg.Source.Iterator(c, arn, sh.ID, st.seq, at); err != nil {
				return err
			}
		}
		for it != "" {
			page, err := s.cfg.Source.Read(c, arn, it)
			if err != nil {
				delete(iterators, sh.ID) // take a fresh one next time
				return err
			}
			if len(page.Data) > 0 {
				if err := s.appendFromSource(ctx, l, page.Data, page.Encrypted); err != nil {
					return err
				}
				st.seq = page.LastSeq
			}
			it = page.Next
			if it == "" {
				st.done = true
			}
			if len(page.Data) > 0 || st.done {
				if err := s.saveSourceState(ctx, ds.ID, sh.ID, st); err != nil {
					return err
				}
			}
			if len(page.Data) == 0 {
				break
			}
		}
		iterators[sh.ID] = it
	}
	return nil
}

// appendFromSource appends records read from the source stream, with KPL
// aggregation undone first, as Firehose does for a Kinesis source. An
// aggregated record whose digest or protobuf is damaged is kept whole, as
// the KCL keeps it. A record the stream stored encrypted (encrypted[i]),
// and every record deaggregated from it, is sealed with Firehose's own
// key (sse.go).
func (s *Service) appendFromSource(ctx context.Context, l *live, data [][]byte, encrypted []bool) error {
	var flat [][]byte
	var flatEnc []bool
	for i, d := range data {
		enc := i < len(encrypted) && encrypted[i]
		if !kpl.IsAggregated(d) {
			if flat != nil {
				flat, flatEnc = append(flat, d), append(flatEnc, enc)
			}
			continue
		}
		if flat == nil {
			flat = append(make([][]byte, 0, len(data)), data[:i]...)
			flatEnc = make([]bool, i, len(data))
			copy(flatEnc, encrypted)
		}
		subs, err := kpl.Deaggregate(d, "")
		if err != nil {
			flat, flatEnc = append(flat, d), append(flatEnc, enc)
			continue
		}
		for _, sub := range subs {
			flat, flatEnc = append(flat, sub.Data), append(flatEnc, enc)
		}
	}
	if flat != nil {
		data, encrypted = flat, flatEnc
	}
	for len(data) > 0 {
		n := min(len(data), MaxBatchRecords)
		batch := storage.Batch{Records: make([]storage.Record, n)}
		total := 0
		for i, d := range data[:n] {
			batch.Records[i] = storage.Record{Data: d}
			total += len(d)
		}
		if which := encrypted[:min(n, len(encrypted))]; slices.Contains(which, true) {
			sl, err := s.sealer(ctx, l, ownedKey)
			if err != nil {
				return err
			}
			sealRecords(sl, &batch, append(which[:len(which):len(which)], make([]bool, n-len(which))...))
		}
		if _, err := l.append(ctx, s.cfg.Now, batch); err != nil {
			return err
		}
		l.metrics.incoming(s.now(), n, total)
		data = data[n:]
		encrypted = encrypted[min(n, len(encrypted)):]
	}
	return nil
}

func (s *Service) loadSourceStates(ctx context.Context, id string) (map[string]*sourceState, error) {
	out := map[string]*sourceState{}
	prefix := keySource + id + "/"
	err := s.meta.Scan(ctx, prefix, func(key string, value []byte) error {
		st := &sourceState{seq: string(value)}
		if st.seq == sourceDone {
			st = &sourceState{done: true}
		}
		out[key[len(prefix):]] = st
		return nil
	})
	return out, err
}

func (s *Service) saveSourceState(ctx context.Context, id, shard string, st *sourceState) error {
	v := st.seq
	if st.done {
		v = sourceDone
	}
	return s.meta.Update(ctx, func(tx storage.MetaTx) error { return tx.Put(keySource+id+"/"+shard, []byte(v)) })
}

func (s *Service) deleteSourcePositions(ctx context.Context, id string) error {
	var keys []string
	if err := s.meta.Scan(ctx, keySource+id+"/", func(key string, _ []byte) error {
		keys = append(keys, key)
		return nil
	}); err != nil {
		return err
	}
	return s.meta.Update(ctx, func(tx storage.MetaTx) error {
		var errs []error
		for _, k := range keys {
			errs = append(errs, tx.Delete(k))
		}
		return errors.Join(errs...)
	})
}
