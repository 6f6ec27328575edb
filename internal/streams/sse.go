package streams

import (
	"context"
	"errors"
	"fmt"
	"time"

	"sluice/internal/kms"
	"sluice/internal/sse"
	"sluice/internal/storage"
)

// Server-side encryption (package sse has the design and the formats).
// While a stream's EncryptionType is KMS, put seals every record with the
// stream's current data key before it reaches the log, and every read
// (GetRecords, SubscribeToShard, the internal readers of tail.go) opens the
// sealed records it finds, whenever they were written: a sealed record is
// known by its empty partition key, so records written before encryption
// was switched on or after it was switched off are read as they are.

// dataKeyPrefix is the metadata prefix of a stream's data keys.
func dataKeyPrefix(streamID string) string { return "streamkeys/" + streamID + "/" }

// keyMargin is how long after its data key stopped sealing a record may
// still arrive in the log (an append in flight); pruning keeps keys that
// long past the oldest record.
const keyMargin = 10 * time.Minute

// keyring returns the stream's keyring, made on first use.
func (s *Service) keyring(ls *liveStream) *sse.Keyring {
	ls.ringOnce.Do(func() {
		st := ls.snapshot()
		ls.ring = sse.NewKeyring(sse.Config{
			Keys:     s.cfg.Keys,
			Meta:     s.meta,
			Prefix:   dataKeyPrefix(st.ID),
			Scope:    kms.Scope{Account: st.Account, Region: st.Region},
			Context:  map[string]string{"aws:kinesis:arn": st.ARN()},
			Bind:     []byte(st.ID),
			Lifetime: s.cfg.DataKeyLifetime,
			Recheck:  s.cfg.DataKeyRecheck,
			Now:      s.cfg.Now,
		})
	})
	return ls.ring
}

// dataSealer returns the sealer of an encrypted stream's current data key.
func (s *Service) dataSealer(ctx context.Context, ls *liveStream, st *Stream) (*sse.Sealer, error) {
	if s.cfg.Keys == nil {
		return nil, errNoMasterKeys()
	}
	sl, err := s.keyring(ls).Sealer(ctx, st.KeyID)
	if err != nil {
		return nil, kmsErr(err, "GenerateDataKey")
	}
	return sl, nil
}

// sealBatches replaces the records of batches by their sealed form, in one
// buffer for the whole call.
func sealBatches(sl *sse.Sealer, batches []storage.Batch) {
	size := 0
	for _, b := range batches {
		for _, r := range b.Records {
			size += len(r.PartitionKey) + len(r.Data) + sse.Overhead
		}
	}
	buf := make([]byte, 0, size)
	for _, b := range batches {
		for i := range b.Records {
			r := &b.Records[i]
			start := len(buf)
			buf = sl.Seal(buf, r.PartitionKey, r.Data)
			*r = storage.Record{Data: buf[start:len(buf):len(buf)]}
		}
	}
}

// openRecords replaces the sealed records of recs by their plaintext (in
// memory of their own: recs' may be the backend's). A sealed record that
// cannot be opened for want of its data key (a metadata store restored from
// a backup older than the record) or because it does not authenticate is
// skipped, as the log skips a damaged entry, and logged; a master key that
// refuses (disabled, ...) fails the read.
func (s *Service) openRecords(ctx context.Context, ls *liveStream, st *Stream, recs []storage.StoredRecord) ([]storage.StoredRecord, []bool, error) {
	out, sealed, _, err := s.openRecordsInto(ctx, ls, st, recs, nil)
	return out, sealed, err
}

// maxPooledPlain bounds the plaintext buffers GetRecords recycles.
const maxPooledPlain = 16 << 20

// openRecordsInto is openRecords with the plaintext written into buf when
// it is large enough; it returns the buffer it used (nil if none).
func (s *Service) openRecordsInto(ctx context.Context, ls *liveStream, st *Stream, recs []storage.StoredRecord, buf []byte) (out []storage.StoredRecord, sealedFlags []bool, used []byte, err error) {
	need, sealed := 0, false
	for i := range recs {
		if sse.IsSealed(recs[i].PartitionKey, recs[i].Data) {
			need += sse.OpenedLen(recs[i].Data)
			sealed = true
		}
	}
	if !sealed {
		return recs, nil, nil, nil
	}
	if s.cfg.Keys == nil {
		return nil, nil, nil, errNoMasterKeys()
	}
	ring := s.keyring(ls)
	if cap(buf) < need {
		buf = make([]byte, 0, need)
	}
	buf = buf[:0]
	// The partition keys become one string for the page, not one each.
	var keys []byte
	var opened []int // indexes in out of the opened records
	var keyEnds []int
	out = recs[:0]
	for i := range recs {
		r := recs[i]
		if sse.IsSealed(r.PartitionKey, r.Data) {
			var pk []byte
			buf, pk, r.Data, err = ring.Open(ctx, buf, r.Data)
			if errors.Is(err, sse.ErrKeyMissing) || errors.Is(err, sse.ErrDamaged) {
				s.log.Error("skipping a sealed record that does not open", "stream", st.Name, "record", r.Seq, "err", err)
				continue
			}
			if err != nil {
				if kms.CodeOf(err) == 0 {
					err = fmt.Errorf("streams: stream %s, record %d: %w", st.Name, r.Seq, err)
				}
				return nil, nil, nil, kmsErr(err, "Decrypt")
			}
			keys = append(keys, pk...)
			opened, keyEnds = append(opened, len(out)), append(keyEnds, len(keys))
		}
		out = append(out, r)
	}
	all, prev := string(keys), 0
	sealedFlags = make([]bool, len(out))
	for j, i := range opened {
		out[i].PartitionKey = all[prev:keyEnds[j]]
		prev = keyEnds[j]
		sealedFlags[i] = true
	}
	return out, sealedFlags, buf, nil
}

// kmsErr maps a KMS failure to the Kinesis error that reports it;
// anything else is returned as it is (an internal failure).
func kmsErr(err error, action string) error {
	var ke *kms.Error
	if !errors.As(err, &ke) {
		return err
	}
	kinds := map[kms.Code]Kind{
		kms.NotFound:     KindKMSNotFound,
		kms.Disabled:     KindKMSDisabled,
		kms.InvalidState: KindKMSInvalidState,
		kms.AccessDenied: KindKMSAccessDenied,
		kms.Throttled:    KindKMSThrottling,
	}
	if kind, ok := kinds[ke.Code]; ok {
		return &Error{Kind: kind, Msg: ke.Msg}
	}
	return fmt.Errorf("streams: KMS %s: %w", action, err)
}

func errNoMasterKeys() *Error {
	return newErr(KindKMSInvalidState, "Server-side encryption is not available: this server has no master keys configured (a cluster node needs --kms-endpoint, or a --kms-key-file that every node shares).")
}

// peek returns the live stream ref names in the caller's account, or nil,
// without counting a call against the control-plane rate.
func (s *Service) peek(c Caller, ref StreamRef) *liveStream {
	name := ref.Name
	if ref.ARN != "" {
		region, account, arnName, ok := parseStreamARN(ref.ARN)
		if !ok || account != c.Account || region != c.Region {
			return nil
		}
		name = arnName
	}
	return s.lookup(c, name)
}

// checkKey validates StartStreamEncryption's key: it must exist and be
// enabled (a disabled key is KMSDisabledException, as on AWS).
func (s *Service) checkKey(ctx context.Context, c Caller, keyID string) error {
	if s.cfg.Keys == nil {
		return errNoMasterKeys()
	}
	info, err := s.cfg.Keys.Describe(ctx, kms.Scope{Account: c.Account, Region: c.Region}, keyID)
	if err == nil {
		err = info.Usable()
	}
	if err != nil {
		return kmsErr(err, "DescribeKey")
	}
	return nil
}

// pruneDataKeys deletes the data keys of a stream that no record still in
// its log was sealed with: those that stopped sealing (with keyMargin)
// before the oldest record of every shard. Records past retention but not
// yet deleted count: a longer retention would show them again.
func (s *Service) pruneDataKeys(ctx context.Context, ls *liveStream, st *Stream) {
	if len(st.Encryption) == 0 || s.cfg.Keys == nil {
		return // never encrypted: no keys
	}
	now := s.now()
	if last := ls.lastPrune.Load(); last != 0 && now.Sub(time.Unix(0, last)) < max(s.cfg.DataKeyLifetime, time.Minute) {
		return
	}
	ls.lastPrune.Store(now.UnixNano())
	ring := s.keyring(ls)
	oldest, ok, err := ring.Oldest(ctx)
	if err != nil || !ok {
		return
	}
	horizon := time.UnixMilli(s.cutoff(st))
	if !oldest.Add(keyMargin).Before(horizon) {
		return
	}
	for _, sh := range st.Shards {
		first, next := ls.log.Bounds(sh.Index, 0)
		if first >= next {
			continue
		}
		recs, _, err := ls.log.Read(sh.Index, first, 1, 0, 0)
		if err != nil {
			return
		}
		if len(recs) > 0 && recs[0].ArrivalMillis < horizon.UnixMilli() {
			horizon = time.UnixMilli(recs[0].ArrivalMillis)
		}
	}
	if n, err := ring.Prune(ctx, horizon.Add(-keyMargin)); err != nil {
		s.log.Error("pruning data keys", "stream", st.Name, "err", err)
	} else if n > 0 {
		s.log.Debug("pruned data keys", "stream", st.Name, "keys", n)
	}
}
