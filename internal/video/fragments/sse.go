package fragments

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"sluice/internal/kms"
	"sluice/internal/sse"
	"sluice/internal/storage"
	"sluice/internal/video/mkv"
)

// Server-side encryption of a stream's media and headers (the package doc
// has the record layout; package sse the design and the data keys).

// sealedKey is the partition key of a sealed record: no plaintext record
// has it (media records carry their fragment's sequence in decimal,
// headers and index records none).
const sealedKey = "sse"

// dataKeyMargin is how long after its data key stopped sealing a record
// may still reach the log (an append in flight).
const dataKeyMargin = 10 * time.Minute

func dataKeyPrefix(streamID string) string { return "video/keys/" + streamID + "/" }

// ACK and GetMedia ErrorIds of KMS failures, as AWS numbers them (their
// ErrorCodes are in ErrorCodes).
const (
	ErrorKMSAccessDenied mkv.ErrorID = 4500
	ErrorKMSDisabled     mkv.ErrorID = 4501
	ErrorKMSValidation   mkv.ErrorID = 4502
	ErrorKMSUnavailable  mkv.ErrorID = 4503
	ErrorKMSInvalidUsage mkv.ErrorID = 4504
	ErrorKMSInvalidState mkv.ErrorID = 4505
	ErrorKMSNotFound     mkv.ErrorID = 4506
)

// KMSError is a stream's KMS key refusing to seal or open its fragments:
// PutMedia answers it with an ERROR ACK, GetMedia with error tags, both
// with ID and Code.
type KMSError struct {
	ID   mkv.ErrorID
	Code string // KMS_KEY_DISABLED, ...
	Msg  string // KMS's words
}

func (e *KMSError) Error() string {
	return fmt.Sprintf("fragments: KMS error %d %s: %s", e.ID, e.Code, e.Msg)
}

// kmsError maps a KMS failure to its KMSError; anything else is returned
// as it is.
func kmsError(err error) error {
	var ke *kms.Error
	if !errors.As(err, &ke) {
		return err
	}
	ids := map[kms.Code]mkv.ErrorID{
		kms.AccessDenied: ErrorKMSAccessDenied, kms.Disabled: ErrorKMSDisabled, kms.Invalid: ErrorKMSValidation,
		kms.Unavailable: ErrorKMSUnavailable, kms.Throttled: ErrorKMSUnavailable, kms.InvalidState: ErrorKMSInvalidState,
		kms.NotFound: ErrorKMSNotFound,
	}
	id, ok := ids[ke.Code]
	if !ok {
		id = ErrorKMSValidation
	}
	return &KMSError{ID: id, Code: ErrorCodes[id], Msg: ke.Msg}
}

// sealing reports whether the stream's fragments are sealed: the store
// has master keys and the stream a KmsKeyId.
func (s *Stream) sealing() bool {
	return s.store.cfg.Keys != nil && s.store.cfg.Meta != nil && s.kmsKey != ""
}

// keyring returns the stream's keyring, made at first use.
func (s *Stream) keyring() *sse.Keyring {
	s.ringOnce.Do(func() {
		cfg := s.store.cfg
		s.ring = sse.NewKeyring(sse.Config{
			Keys:     cfg.Keys,
			Meta:     cfg.Meta,
			Prefix:   dataKeyPrefix(s.id),
			Scope:    s.scope,
			Context:  map[string]string{"aws:kinesisvideo:arn": s.arn},
			Bind:     []byte(s.id),
			Lifetime: cfg.DataKeyLifetime,
			Recheck:  cfg.DataKeyRecheck,
			Now:      cfg.Now,
		})
	})
	return s.ring
}

// seal replaces the records of batches by their sealed form: each
// record's data sealed with its partition key (a media record's sequence:
// a record moved to another fragment does not open as its), stored under
// sealedKey. The data key is durable before Sealer returns, so before
// anything it sealed is appended.
func (s *Stream) seal(ctx context.Context, batches []storage.Batch) error {
	sl, err := s.keyring().Sealer(ctx, s.kmsKey)
	if err != nil {
		return kmsError(err)
	}
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
			*r = storage.Record{PartitionKey: sealedKey, Data: buf[start:len(buf):len(buf)]}
		}
	}
	return nil
}

// open returns a stored record's data as it was put: a sealed record
// opened (its partition key must be key), a plaintext one as it is (its
// partition key must be key too). A record that does not open, or is not
// key's, is errNotOurs; a KMS refusal is a KMSError.
func (s *Stream) open(ctx context.Context, r *storage.StoredRecord, key string) ([]byte, error) {
	if r.PartitionKey != sealedKey {
		if r.PartitionKey != key {
			return nil, fmt.Errorf("%w: record %d", errNotOurs, r.Seq)
		}
		return r.Data, nil
	}
	if s.store.cfg.Keys == nil || s.store.cfg.Meta == nil {
		return nil, &KMSError{ID: ErrorKMSUnavailable, Code: ErrorCodes[ErrorKMSUnavailable], Msg: "This server has no master keys configured."}
	}
	_, pk, data, err := s.keyring().Open(ctx, make([]byte, 0, sse.OpenedLen(r.Data)), r.Data)
	switch {
	case errors.Is(err, sse.ErrDamaged), errors.Is(err, sse.ErrKeyMissing):
		return nil, fmt.Errorf("%w: record %d: %w", errNotOurs, r.Seq, err)
	case err != nil:
		return nil, kmsError(err)
	case string(pk) != key:
		return nil, fmt.Errorf("%w: record %d", errNotOurs, r.Seq)
	}
	return data, nil
}

// errNotOurs: a stored record is not the one the index names (moved,
// damaged, or sealed with a data key that is gone).
var errNotOurs = errors.New("the record is not the fragment's")

// pruneDataKeys deletes the stream's data keys that no record still in
// its log was sealed with, at most once a data key lifetime. Records past
// retention count until their segments are deleted: a longer retention
// would show them again.
func (s *Stream) pruneDataKeys(ctx context.Context) {
	cfg := s.store.cfg
	if cfg.Keys == nil || cfg.Meta == nil {
		return
	}
	now := cfg.Now()
	if last := s.lastPrune.Load(); last != 0 && now.Sub(time.Unix(0, last)) < max(cfg.DataKeyLifetime, time.Minute) {
		return
	}
	s.lastPrune.Store(now.UnixNano())
	ring := s.keyring()
	oldest, ok, err := ring.Oldest(ctx)
	if err != nil || !ok {
		return
	}
	horizon := int64(math.MaxInt64)
	for _, shard := range []uint32{shardMedia, shardIndex, shardHeader} {
		first, next := s.log.Bounds(shard, 0)
		if first >= next {
			continue
		}
		recs, _, err := s.log.Read(shard, first, 1, 0, 0)
		if err != nil {
			return
		}
		if len(recs) > 0 {
			horizon = min(horizon, recs[0].ArrivalMillis)
		}
	}
	before := now.Add(-dataKeyMargin)
	if horizon != math.MaxInt64 {
		before = time.UnixMilli(horizon).Add(-dataKeyMargin)
	}
	if !oldest.Before(before) {
		return
	}
	if n, err := ring.Prune(ctx, before); err != nil {
		s.store.log.Error("pruning data keys", "stream", s.name, "err", err)
	} else if n > 0 {
		s.store.log.Debug("pruned data keys", "stream", s.name, "keys", n)
	}
}
