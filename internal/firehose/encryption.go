package firehose

import (
	"context"
	"errors"
	"time"
)

// Server-side encryption's states, as StartDeliveryStreamEncryption and
// StopDeliveryStreamEncryption document them:
//
//	DISABLED ─Start→ ENABLING ─(data key made)→ ENABLED ─Stop→ DISABLING → DISABLED
//	                     └─(KMS refused)→ ENABLING_FAILED (FailureDescription)
//
// Start checks the key before it answers: an unknown, disabled or denied
// customer managed key is InvalidKMSResourceException and changes nothing.
// ENABLING lasts Config.UpdateDelay (none: it is settled within the call);
// then the first data key is made with the key, and the status is ENABLED,
// or ENABLING_FAILED with the reason if KMS refused in between. Records
// are written as they are while ENABLING (AWS: "the data is not
// encrypted"), sealed from ENABLED and while DISABLING, as they are again
// from DISABLED. Start on an ENABLED delivery stream changes its key: the
// old key seals until the new one is ENABLED, and still does if the change
// fails (AWS: "encryption remains enabled with the old CMK"). A delivery
// stream created with DeliveryStreamEncryptionConfigurationInput is
// ENABLING until it is ACTIVE. Encryption.Key is the key that seals now;
// delivery streams of earlier Sluice builds, which only recorded ENABLED,
// are settled again at start.

// errSuperseded: the state a settling was for has changed meanwhile.
var errSuperseded = errors.New("firehose: encryption changed meanwhile")

// askedEncryption checks a DeliveryStreamEncryptionConfigurationInput and
// its key, and returns the ENABLING state it asks for.
func (s *Service) askedEncryption(ctx context.Context, c Caller, in *Encryption) (Encryption, error) {
	e := Encryption{Status: EncryptionEnabling, KeyType: in.KeyType, KeyARN: in.KeyARN}
	if e.KeyType == "" {
		e.KeyType = KeyAWSOwned
	}
	switch {
	case e.KeyType == KeyCustomerManaged && e.KeyARN == "":
		return e, errInvalid("KeyARN must be specified when KeyType is CUSTOMER_MANAGED_CMK.")
	case e.KeyType == KeyAWSOwned && e.KeyARN != "":
		return e, errInvalid("KeyARN must not be specified when KeyType is AWS_OWNED_CMK.")
	}
	return e, s.checkKey(ctx, c, masterKey(e.KeyType, e.KeyARN))
}

// StartEncryption turns server-side encryption on, or changes its key.
func (s *Service) StartEncryption(ctx context.Context, c Caller, name string, in *Encryption) error {
	l, err := s.owned(c, name)
	if err != nil {
		return err
	}
	if err := encryptable(l.snapshot()); err != nil {
		return err
	}
	asked, err := s.askedEncryption(ctx, c, in)
	if err != nil {
		return err
	}
	ds, err := s.update(ctx, c, name, func(ds *DeliveryStream) error {
		if err := encryptable(ds); err != nil {
			return err
		}
		asked.Key = ds.Encryption.Key // sealing goes on with the old key until the new one is ENABLED
		ds.Encryption = asked
		return nil
	})
	if err != nil {
		return err
	}
	s.settleLater(ds)
	return nil
}

// StopEncryption turns server-side encryption off: DISABLING, then
// DISABLED.
func (s *Service) StopEncryption(ctx context.Context, c Caller, name string) error {
	ds, err := s.update(ctx, c, name, func(ds *DeliveryStream) error {
		if err := encryptable(ds); err != nil {
			return err
		}
		e := ds.Encryption
		ds.Encryption = Encryption{Status: EncryptionDisabling, KeyType: e.KeyType, KeyARN: e.KeyARN, Key: e.Key}
		return nil
	})
	if err != nil {
		return err
	}
	s.settleLater(ds)
	return nil
}

func encryptable(ds *DeliveryStream) error {
	if ds.Type == TypeKinesisSource {
		return errInvalid("Encryption is not supported for a delivery stream with KinesisStreamAsSource as its source.")
	}
	if ds.Status != StatusActive {
		return errNotActive(ds.Name, ds.Account, ds.Status)
	}
	return nil
}

func encryptionTimer(id string) string { return "encryption/" + id }

// settleLater ends ds's ENABLING or DISABLING after Config.UpdateDelay,
// or now when there is none.
func (s *Service) settleLater(ds *DeliveryStream) {
	if s.cfg.UpdateDelay <= 0 {
		s.settleEncryption(streamKey{ds.Account, ds.Region, ds.Name}, ds.ID)
		return
	}
	s.settleAfter(ds, s.cfg.UpdateDelay)
}

// settleAfter ends ds's ENABLING or DISABLING after d, in a timer that
// Close stops.
func (s *Service) settleAfter(ds *DeliveryStream, d time.Duration) {
	key, id := streamKey{ds.Account, ds.Region, ds.Name}, ds.ID
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case <-s.stop:
		return
	default:
	}
	if t := s.timers[encryptionTimer(id)]; t != nil {
		t.Stop()
	}
	s.timers[encryptionTimer(id)] = time.AfterFunc(d, func() { s.settleEncryption(key, id) })
}

// settleEncryption moves an ENABLING delivery stream to ENABLED once its
// first data key is made (ENABLING_FAILED when KMS refuses), and a
// DISABLING one to DISABLED.
func (s *Service) settleEncryption(key streamKey, id string) {
	ctx := context.Background()
	s.mu.RLock()
	l := s.streams[key]
	s.mu.RUnlock()
	if l == nil || l.snapshot().ID != id || l.remote {
		return
	}
	ds := l.snapshot()
	was := ds.Encryption
	next := was
	switch was.Status {
	case EncryptionEnabling:
		if ds.Status != StatusActive {
			return // activation settles it
		}
		want := masterKey(was.KeyType, was.KeyARN)
		if _, err := s.sealer(ctx, l, want); err != nil {
			s.log.Warn("server-side encryption could not be enabled", "name", ds.Name, "key", want, "err", err)
			next.Status, next.Failure = EncryptionEnablingFailed, failureOf(err)
		} else {
			next.Status, next.Key, next.Failure = EncryptionEnabled, want, nil
		}
	case EncryptionDisabling:
		next = Encryption{Status: EncryptionDisabled}
	default:
		return
	}
	_, err := s.update(ctx, Caller{ds.Account, ds.Region}, ds.Name, func(cur *DeliveryStream) error {
		if cur.ID != id || !sameEncryption(cur.Encryption, was) {
			return errSuperseded
		}
		if s.timers[encryptionTimer(id)] != nil {
			delete(s.timers, encryptionTimer(id))
		}
		cur.Encryption = next
		return nil
	})
	switch {
	case errors.Is(err, errSuperseded):
	case err != nil:
		s.log.Error("settling server-side encryption", "name", ds.Name, "err", err)
	case next.Key == "":
		s.keyring(l).Forget()
	}
}

func sameEncryption(a, b Encryption) bool {
	return a.Status == b.Status && a.KeyType == b.KeyType && a.KeyARN == b.KeyARN && a.Key == b.Key
}

// migrateEncryption marks for settling the ENABLED state an earlier
// Sluice build recorded without sealing anything, before ds is in use.
func migrateEncryption(ds *DeliveryStream) {
	if ds.Encryption.Status == EncryptionEnabled && ds.Encryption.Key == "" {
		ds.Encryption.Status = EncryptionEnabling
	}
}

// resumeEncryption settles, soon after start, an ENABLING or DISABLING
// state that a restart interrupted.
func (s *Service) resumeEncryption(ds *DeliveryStream) {
	if ds.Status == StatusActive && (ds.Encryption.Status == EncryptionEnabling || ds.Encryption.Status == EncryptionDisabling) {
		s.settleAfter(ds, s.cfg.UpdateDelay)
	}
}
