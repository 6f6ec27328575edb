package firehose

import (
	"context"
	"errors"
	"fmt"
	"time"

	"sluice/internal/kms"
	"sluice/internal/sse"
	"sluice/internal/storage"
)

// Server-side encryption of the records a delivery stream keeps in its log
// (package sse has the design and the record format; encryption.go the
// ENABLING → ENABLED → DISABLING → DISABLED states).
//
// A record is sealed as it is appended when the delivery stream's
// Encryption.Key is set: by PutRecord and PutRecordBatch (and Data
// Analytics' delivery stream outputs, which put the same way) while SSE is
// ENABLED or DISABLING, and, on a KinesisStreamAsSource delivery stream,
// every record its source stream had stored encrypted, with Firehose's own
// key (alias/aws/firehose): AWS keeps no copy of a source stream's records
// at rest, Sluice keeps one in this log and never in plaintext. Every
// reader of the log (the deliverer, Data Analytics' delivery stream
// inputs) reads it through openLog, which opens what is sealed, whenever
// it was written. What is delivered to a destination is the plaintext, as
// on AWS.
//
// # Sealed record in the log
//
//	PartitionKey  "sse"  (a plaintext record's is always empty)
//	Data          a package sse record, version 1, of an empty partition key and the data
//
// The data keys are the delivery stream's (metadata keys
// firehose/keys/<id>/<data key id>, with the delivery stream ARN as the KMS
// encryption context and its ID bound to each record); they are deleted
// with the delivery stream, and pruned once no record they sealed is left
// in the log (records stay 24 hours).

// sealedKey is the partition key of a sealed record in a delivery stream's
// log.
const sealedKey = "sse"

// ownedKey is the master key of AWS_OWNED_CMK: AWS's key is its own;
// Sluice's is the account's Firehose managed key.
const ownedKey = "alias/aws/firehose"

// dataKeyMargin is how long after its data key stopped sealing a record
// may still reach the log (an append in flight).
const dataKeyMargin = 10 * time.Minute

func dataKeyPrefix(id string) string { return "firehose/keys/" + id + "/" }

// masterKey is the master key a key type and ARN name.
func masterKey(keyType, keyARN string) string {
	if keyType == KeyCustomerManaged {
		return keyARN
	}
	return ownedKey
}

// keyring returns the delivery stream's keyring, made at first use.
func (s *Service) keyring(l *live) *sse.Keyring {
	l.ringOnce.Do(func() {
		ds := l.snapshot()
		l.ring = sse.NewKeyring(sse.Config{
			Keys:     s.cfg.Keys,
			Meta:     s.meta,
			Prefix:   dataKeyPrefix(ds.ID),
			Scope:    kms.Scope{Account: ds.Account, Region: ds.Region},
			Context:  map[string]string{"aws:firehose:arn": ds.ARN()},
			Bind:     []byte(ds.ID),
			Lifetime: s.cfg.DataKeyLifetime,
			Recheck:  s.cfg.DataKeyRecheck,
			Now:      s.cfg.Now,
		})
	})
	return l.ring
}

// sealer returns the sealer of the delivery stream's current data key
// under master key key, making one when needed.
func (s *Service) sealer(ctx context.Context, l *live, key string) (*sse.Sealer, error) {
	if s.cfg.Keys == nil {
		return nil, errNoMasterKeys()
	}
	sl, err := s.keyring(l).Sealer(ctx, key)
	if err != nil {
		return nil, kmsErr(err, "GenerateDataKey")
	}
	return sl, nil
}

// sealRecords replaces the records of b (those flagged in which, or all
// when which is nil) by their sealed form, in one buffer.
func sealRecords(sl *sse.Sealer, b *storage.Batch, which []bool) {
	size := 0
	for i, r := range b.Records {
		if which == nil || which[i] {
			size += len(r.Data) + sse.Overhead
		}
	}
	buf := make([]byte, 0, size)
	for i := range b.Records {
		if which != nil && !which[i] {
			continue
		}
		r := &b.Records[i]
		start := len(buf)
		buf = sl.Seal(buf, "", r.Data)
		*r = storage.Record{PartitionKey: sealedKey, Data: buf[start:len(buf):len(buf)]}
	}
}

// storedSize is the size of a record's data as it was put (a sealed
// record's plaintext: the sealed payload less the byte of its empty
// partition key's length).
func storedSize(r *storage.StoredRecord) int64 {
	if r.PartitionKey == sealedKey {
		return int64(max(sse.OpenedLen(r.Data)-1, 0))
	}
	return int64(len(r.Data))
}

// openRecords replaces the sealed records of recs by their plaintext. A
// sealed record that cannot be opened for want of its data key or because
// it does not authenticate is skipped, as the log skips a damaged entry,
// and logged; a master key that refuses (disabled, ...) fails the read.
func (s *Service) openRecords(ctx context.Context, l *live, recs []storage.StoredRecord) ([]storage.StoredRecord, error) {
	need, sealed := 0, false
	for i := range recs {
		if recs[i].PartitionKey == sealedKey {
			need += sse.OpenedLen(recs[i].Data)
			sealed = true
		}
	}
	if !sealed {
		return recs, nil
	}
	if s.cfg.Keys == nil {
		return nil, errNoMasterKeys()
	}
	ring := s.keyring(l)
	buf := make([]byte, 0, need)
	out := recs[:0]
	for _, r := range recs {
		if r.PartitionKey == sealedKey {
			var pk, data []byte
			var err error
			buf, pk, data, err = ring.Open(ctx, buf, r.Data)
			if err == nil && len(pk) != 0 {
				err = sse.ErrDamaged
			}
			if errors.Is(err, sse.ErrKeyMissing) || errors.Is(err, sse.ErrDamaged) {
				s.log.Error("skipping a sealed record that does not open", "name", l.snapshot().Name, "record", r.Seq, "err", err)
				continue
			}
			if err != nil {
				return nil, kmsErr(err, "Decrypt")
			}
			r.PartitionKey, r.Data = "", data
		}
		out = append(out, r)
	}
	return out, nil
}

// openLog is a delivery stream's log as its readers see it: sealed
// records come back opened. Appends and the rest pass through.
type openLog struct {
	storage.Log
	s *Service
	l *live
}

func (o *openLog) Read(shard uint32, from uint64, maxRecords, maxBytes int, cutoffMillis int64) ([]storage.StoredRecord, uint64, error) {
	recs, next, err := o.Log.Read(shard, from, maxRecords, maxBytes, cutoffMillis)
	if err != nil {
		return nil, 0, err
	}
	recs, err = o.s.openRecords(context.Background(), o.l, recs)
	return recs, next, err
}

func (o *openLog) ReadArena(shard uint32, from uint64, maxRecords, maxBytes int, cutoffMillis int64, a *storage.Arena) ([]storage.StoredRecord, uint64, error) {
	recs, next, err := o.Log.ReadArena(shard, from, maxRecords, maxBytes, cutoffMillis, a)
	if err != nil {
		return nil, 0, err
	}
	recs, err = o.s.openRecords(context.Background(), o.l, recs)
	return recs, next, err
}

// kmsErr maps a KMS failure to the Firehose error that reports it:
// InvalidKMSResourceException, with KMS's exception as its code, for what
// AWS documents (a key not found, disabled, in an invalid state, or
// denied); ServiceUnavailableException for KMS throttling or unavailable.
// Anything else is returned as it is (an internal failure).
func kmsErr(err error, action string) error {
	var ke *kms.Error
	if !errors.As(err, &ke) {
		return err
	}
	switch ke.Code {
	case kms.NotFound, kms.Disabled, kms.InvalidState, kms.AccessDenied:
		return &Error{Kind: KindInvalidKMSResource, Code: ke.Code.String(), Msg: ke.Msg}
	case kms.Throttled, kms.Unavailable:
		return newErr(KindServiceUnavailable, "KMS %s failed: %s", action, ke.Msg)
	}
	return fmt.Errorf("firehose: KMS %s: %w", action, err)
}

func errNoMasterKeys() *Error {
	return &Error{Kind: KindInvalidKMSResource, Code: kms.InvalidState.String(),
		Msg: "Server-side encryption is not available: this server has no master keys configured."}
}

// failureOf is the FailureDescription of a failure to use a key.
func failureOf(err error) *Failure {
	types := map[kms.Code]string{
		kms.NotFound: "KMS_KEY_NOT_FOUND", kms.Disabled: "DISABLED_KMS_KEY", kms.AccessDenied: "KMS_ACCESS_DENIED",
		kms.InvalidState: "INVALID_KMS_KEY", kms.Invalid: "INVALID_KMS_KEY",
	}
	var e *Error
	if errors.As(err, &e) && e.Kind == KindInvalidKMSResource {
		for code, typ := range types {
			if code.String() == e.Code {
				return &Failure{Type: typ, Details: e.Msg}
			}
		}
	}
	if t, ok := types[kms.CodeOf(err)]; ok {
		return &Failure{Type: t, Details: kms.MessageOf(err)}
	}
	return &Failure{Type: "UNKNOWN_ERROR", Details: err.Error()}
}

// checkKey verifies that key exists and is enabled for the caller, as
// StartDeliveryStreamEncryption and CreateDeliveryStream do before they
// answer.
func (s *Service) checkKey(ctx context.Context, c Caller, key string) error {
	if s.cfg.Keys == nil {
		return errNoMasterKeys()
	}
	info, err := s.cfg.Keys.Describe(ctx, kms.Scope{Account: c.Account, Region: c.Region}, key)
	if err == nil {
		err = info.Usable()
	}
	if err != nil {
		return kmsErr(err, "DescribeKey")
	}
	return nil
}

// pruneDataKeys deletes the delivery stream's data keys that no record
// still in its log was sealed with, at most once a data key lifetime.
func (s *Service) pruneDataKeys(ctx context.Context, l *live) {
	if s.cfg.Keys == nil {
		return
	}
	now := s.now()
	if last := l.lastPrune.Load(); last != 0 && now.Sub(time.Unix(0, last)) < max(s.cfg.DataKeyLifetime, time.Minute) {
		return
	}
	l.lastPrune.Store(now.UnixNano())
	ring := s.keyring(l)
	oldest, ok, err := ring.Oldest(ctx)
	if err != nil || !ok {
		return
	}
	horizon := now
	if first, next := l.log.Bounds(0, 0); first < next {
		recs, _, err := l.log.Log.Read(0, first, 1, 0, 0)
		if err != nil {
			return
		}
		if len(recs) > 0 {
			horizon = time.UnixMilli(recs[0].ArrivalMillis)
		}
	}
	if !oldest.Before(horizon.Add(-dataKeyMargin)) {
		return
	}
	if n, err := ring.Prune(ctx, horizon.Add(-dataKeyMargin)); err != nil {
		s.log.Error("pruning data keys", "name", l.snapshot().Name, "err", err)
	} else if n > 0 {
		s.log.Debug("pruned data keys", "name", l.snapshot().Name, "keys", n)
	}
}
