package streams

import (
	"context"
)

// Record distribution strategies of on-demand streams.
const (
	DistributionAuto             = "AUTO"
	DistributionUserPartitionKey = "USER_PARTITION_KEY"
)

// UpdateStreamMode switches a stream between PROVISIONED and ON_DEMAND
// (twice per rolling 24 hours, as AWS allows); the stream is UPDATING
// meanwhile. Shards are kept: an on-demand stream scales from where it is.
func (s *Service) UpdateStreamMode(ctx context.Context, c Caller, streamARN string, mode Mode, warm *int64) error {
	check := func(st *Stream, u usage) error {
		if st.Mode == mode {
			return newErr(KindInvalidArgument, "Stream %s under account %s is already in %s mode.", st.Name, st.Account, mode)
		}
		if len(recent(st.ModeChanges, s.now())) >= MaxModeChangesPerDay {
			return newErr(KindLimitExceeded, "Stream %s under account %s has changed capacity mode %d times in the last 24 hours, the most UpdateStreamMode allows.", st.Name, st.Account, MaxModeChangesPerDay)
		}
		if mode == ModeOnDemand && u.onDemandStreams+1 > s.cfg.OnDemandStreamLimit {
			return errOnDemandLimit(st.Account, s.cfg.OnDemandStreamLimit)
		}
		return nil
	}
	ch := Change{Kind: ChangeMode, Mode: mode}
	if warm != nil {
		ch.Warm = *warm
	}
	_, err := s.beginUpdate(ctx, c, StreamRef{ARN: streamARN}, "UpdateStreamMode", check, ch)
	return err
}

// SetWarmThroughput sets the write throughput (MiB/s) an on-demand stream
// keeps ready; the on-demand scaler keeps at least that many shards open.
// AWS allows it only with the minimum throughput billing commitment.
func (s *Service) SetWarmThroughput(ctx context.Context, c Caller, ref StreamRef, mibs int64) (*Stream, int64, error) {
	if s.AccountSettings(ctx, c).CommitmentStatus == CommitmentDisabled {
		return nil, 0, newErr(KindInvalidArgument, "Warm throughput requires the minimum throughput billing commitment to be enabled for account %s.", c.Account)
	}
	var prev int64
	var out *Stream
	err := s.update(ctx, c, ref, "UpdateStreamWarmThroughput", func(st *Stream) error {
		if st.Mode != ModeOnDemand {
			return newErr(KindInvalidArgument, "Warm throughput can only be set on ON_DEMAND streams; stream %s under account %s is PROVISIONED.", st.Name, st.Account)
		}
		prev, st.WarmThroughputMiBs = st.WarmThroughputMiBs, mibs
		out = st
		return nil
	})
	return out, prev, err
}

// SetDistribution sets an on-demand stream's record distribution strategy:
// AUTO spreads records evenly over the open shards, ignoring partition keys;
// USER_PARTITION_KEY routes by partition key (the default).
func (s *Service) SetDistribution(ctx context.Context, c Caller, streamARN, strategy string) error {
	return s.update(ctx, c, StreamRef{ARN: streamARN}, "UpdateStreamRecordDistributionStrategy", func(st *Stream) error {
		if st.Mode != ModeOnDemand && strategy == DistributionAuto {
			return newErr(KindInvalidArgument, "The record distribution strategy AUTO is only supported for ON_DEMAND streams; stream %s under account %s is PROVISIONED.", st.Name, st.Account)
		}
		st.Distribution = strategy
		if strategy == DistributionUserPartitionKey {
			st.Distribution = ""
		}
		return nil
	})
}

// SetEncryption switches server-side encryption on (start) or off. The
// master key must exist and be enabled (KMSNotFoundException,
// KMSDisabledException, ...); once the stream is ACTIVE again, every
// record written is sealed with a data key of that master key (sse.go),
// and records report EncryptionType KMS.
func (s *Service) SetEncryption(ctx context.Context, c Caller, ref StreamRef, typ, keyID string, start bool) error {
	action := "StopStreamEncryption"
	if start {
		action = "StartStreamEncryption"
	}
	check := func(st *Stream, _ usage) error {
		if typ != EncryptionKMS {
			return newErr(KindInvalidArgument, "Encryption type %s is not supported; use KMS.", typ)
		}
		if !start && st.EncryptionType != EncryptionKMS {
			return newErr(KindInvalidArgument, "Stream %s under account %s is not encrypted.", st.Name, st.Account)
		}
		if !start && st.KeyID != keyID {
			return newErr(KindInvalidArgument, "Key %s is not the key stream %s under account %s is encrypted with.", keyID, st.Name, st.Account)
		}
		return nil
	}
	if ls := s.peek(c, ref); start && typ == EncryptionKMS && ls != nil {
		// Asked before the stream is locked: it may be a remote call. (A
		// stream that does not exist answers ResourceNotFoundException
		// below, whatever the key.) A caller who may not change the
		// stream learns nothing of the keys.
		st := ls.snapshot()
		if err := s.authorize(c, action, st.ARN(), st.Account, st.Policy); err != nil {
			return err
		}
		if err := s.checkKey(ctx, c, keyID); err != nil {
			return err
		}
	}
	ch := Change{Kind: ChangeEncryption, Encryption: EncryptionKMS, KeyID: keyID}
	if !start {
		ch.Encryption = EncryptionNone
	}
	_, err := s.beginUpdate(ctx, c, ref, action, check, ch)
	return err
}
