package sse

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"sluice/internal/kms"
	"sluice/internal/storage"
)

// Defaults of Config.
const (
	DefaultLifetime = 5 * time.Minute
	DefaultRecheck  = 5 * time.Minute
	DefaultMaxUses  = 1 << 32
	// maxOpenKeys bounds the unwrapped data keys a keyring keeps.
	maxOpenKeys = 256
)

// ErrKeyMissing is returned for a sealed record whose data key is not in
// the metadata store.
var ErrKeyMissing = errors.New("sse: the data key of a sealed record is missing from the metadata store")

// ErrDamaged is returned for a sealed record that does not open with its
// data key: changed on disk, or not sealed by this owner.
var ErrDamaged = errors.New("sse: a sealed record does not open: it was damaged or is not this stream's")

// Config configures a Keyring.
type Config struct {
	Keys kms.MasterKeys
	Meta storage.MetaStore
	// Prefix is the metadata key prefix of the owner's data keys (ending
	// in "/").
	Prefix string
	// Scope is the account and region the master key is resolved in.
	Scope kms.Scope
	// Context is the KMS encryption context of the owner's data keys.
	Context map[string]string
	// Bind is bound to every sealed record (the owner's ID), so that a
	// record moved to another owner does not open.
	Bind []byte
	// Lifetime and MaxUses bound how long and for how many records a data
	// key seals; Recheck how long an unwrapped key is used before it is
	// unwrapped again (the master key's state checked). 0: the defaults.
	Lifetime time.Duration
	MaxUses  uint64
	Recheck  time.Duration
	Now      func() time.Time
}

// Keyring makes, stores and opens the data keys of one owner of records.
// Its methods are safe for concurrent use.
type Keyring struct {
	cfg Config

	rotate sync.Mutex // one new data key at a time
	cur    atomic.Pointer[Sealer]

	mu   sync.Mutex
	open map[[8]byte]*openKey
	// last is the key Open used last: a page of records is mostly one
	// key's, and this spares it the lock.
	last atomic.Pointer[openKey]
}

type openKey struct {
	id      [8]byte
	aead    cipher.AEAD
	ad      []byte // the additional data of the key's records
	checked time.Time
}

// storedKey is a data key as the metadata store holds it.
type storedKey struct {
	Version int    `json:"v"`
	ID      string `json:"id"`
	KeyID   string `json:"keyId"`
	KeyARN  string `json:"keyArn"`
	Created int64  `json:"created"`
	Until   int64  `json:"until"`
	Wrapped []byte `json:"wrapped"`
}

// NewKeyring returns the keyring of an owner.
func NewKeyring(cfg Config) *Keyring {
	if cfg.Lifetime <= 0 {
		cfg.Lifetime = DefaultLifetime
	}
	if cfg.Recheck <= 0 {
		cfg.Recheck = DefaultRecheck
	}
	if cfg.MaxUses == 0 {
		cfg.MaxUses = DefaultMaxUses
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Keyring{cfg: cfg, open: map[[8]byte]*openKey{}}
}

// Sealer seals records with one data key.
type Sealer struct {
	id     [8]byte
	keyID  string
	aead   cipher.AEAD
	prefix [4]byte
	until  time.Time
	max    uint64
	ad     []byte        // the additional data of every record it seals
	next   atomic.Uint64 // the next nonce counter
}

// Sealer returns the sealer of the current data key under master key
// keyID, making and durably storing a new data key when there is none, it
// is another master key's, or its lifetime or uses are spent.
func (r *Keyring) Sealer(ctx context.Context, keyID string) (*Sealer, error) {
	now := r.cfg.Now()
	if s := r.cur.Load(); s.usable(keyID, now) {
		return s, nil
	}
	r.rotate.Lock()
	defer r.rotate.Unlock()
	if s := r.cur.Load(); s.usable(keyID, now) {
		return s, nil
	}
	dk, err := r.cfg.Keys.GenerateDataKey(ctx, r.cfg.Scope, keyID, r.cfg.Context)
	if err != nil {
		return nil, err
	}
	aead, err := newGCM(dk.Plaintext)
	clear(dk.Plaintext)
	if err != nil {
		return nil, err
	}
	s := &Sealer{keyID: keyID, aead: aead, until: now.Add(r.cfg.Lifetime), max: r.cfg.MaxUses}
	rand.Read(s.id[:])
	rand.Read(s.prefix[:])
	s.ad = additionalData(s.id, r.cfg.Bind)
	sk := storedKey{Version: 1, ID: hex.EncodeToString(s.id[:]), KeyID: keyID, KeyARN: dk.KeyARN,
		Created: now.UnixMilli(), Until: s.until.UnixMilli(), Wrapped: dk.Wrapped}
	b, err := json.Marshal(sk)
	if err != nil {
		return nil, err
	}
	// Durable before the key seals anything (see the package doc).
	if err := r.cfg.Meta.Update(ctx, func(tx storage.MetaTx) error { return tx.Put(r.cfg.Prefix+sk.ID, b) }); err != nil {
		return nil, fmt.Errorf("sse: store a data key: %w", err)
	}
	r.mu.Lock()
	r.remember(s.id, aead, now)
	r.mu.Unlock()
	r.cur.Store(s)
	return s, nil
}

func (s *Sealer) usable(keyID string, now time.Time) bool {
	return s != nil && s.keyID == keyID && now.Before(s.until) && s.next.Load() < s.max
}

// Overhead is what sealing adds to a record's partition key and data.
const Overhead = 1 + 8 + 12 + 16 + binary.MaxVarintLen32

// Seal appends the sealed record of a partition key and data to dst.
func (s *Sealer) Seal(dst []byte, partitionKey string, data []byte) []byte {
	n := s.next.Add(1) - 1
	start := len(dst)
	dst = append(dst, formatV1)
	dst = append(dst, s.id[:]...)
	dst = append(dst, s.prefix[:]...)
	dst = binary.BigEndian.AppendUint64(dst, n)
	payloadAt := len(dst)
	dst = binary.AppendUvarint(dst, uint64(len(partitionKey)))
	dst = append(dst, partitionKey...)
	dst = append(dst, data...)
	nonce := dst[start+headerLen : payloadAt]
	return s.aead.Seal(dst[:payloadAt], nonce, dst[payloadAt:], s.ad)
}

// additionalData is the additional data of a key's records: the format
// byte and the key's ID (the record's first 9 bytes), then the binding.
func additionalData(id [8]byte, bind []byte) []byte {
	ad := make([]byte, 0, headerLen+len(bind))
	ad = append(ad, formatV1)
	ad = append(ad, id[:]...)
	return append(ad, bind...)
}

// Sealed record layout.
const (
	formatV1  = 0xE1
	headerLen = 1 + 8
	nonceLen  = 12
	tagLen    = 16
)

// IsSealed reports whether a stored record is a sealed one: an empty
// partition key (which no plaintext record has) and the format byte.
func IsSealed(partitionKey string, data []byte) bool {
	return partitionKey == "" && len(data) >= headerLen+nonceLen+tagLen && data[0] == formatV1
}

// OpenedLen is the most bytes Open appends for a sealed record.
func OpenedLen(sealed []byte) int { return max(0, len(sealed)-headerLen-nonceLen-tagLen) }

// Open opens a sealed record, appending its plaintext to dst; it returns
// the partition key and the data (both slices of the returned buffer).
func (r *Keyring) Open(ctx context.Context, dst, sealed []byte) (buf, partitionKey, data []byte, err error) {
	if !IsSealed("", sealed) {
		return dst, nil, nil, ErrDamaged
	}
	k, err := r.key(ctx, [8]byte(sealed[1:headerLen]))
	if err != nil {
		return dst, nil, nil, err
	}
	start := len(dst)
	out, err := k.aead.Open(dst, sealed[headerLen:headerLen+nonceLen], sealed[headerLen+nonceLen:], k.ad)
	if err != nil {
		return dst, nil, nil, ErrDamaged
	}
	payload := out[start:]
	n, w := binary.Uvarint(payload)
	if w <= 0 || n > uint64(len(payload)-w) {
		return dst, nil, nil, ErrDamaged
	}
	return out, payload[w : w+int(n)], payload[w+int(n):], nil
}

// key returns the opened data key id, unwrapping it (again, once Recheck
// has passed) with the master key.
func (r *Keyring) key(ctx context.Context, id [8]byte) (*openKey, error) {
	now := r.cfg.Now()
	if k := r.last.Load(); k != nil && k.id == id && now.Sub(k.checked) < r.cfg.Recheck {
		return k, nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if k := r.open[id]; k != nil && now.Sub(k.checked) < r.cfg.Recheck {
		r.last.Store(k)
		return k, nil
	}
	delete(r.open, id)
	r.last.Store(nil)
	name := hex.EncodeToString(id[:])
	b, err := r.cfg.Meta.Get(ctx, r.cfg.Prefix+name)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, fmt.Errorf("%w (data key %s)", ErrKeyMissing, name)
	}
	if err != nil {
		return nil, err
	}
	var sk storedKey
	if err := json.Unmarshal(b, &sk); err != nil || sk.Version != 1 || sk.ID != name {
		return nil, fmt.Errorf("sse: stored data key %s is damaged (%v)", name, err)
	}
	plain, err := r.cfg.Keys.Decrypt(ctx, r.cfg.Scope, sk.KeyARN, sk.Wrapped, r.cfg.Context)
	if err != nil {
		return nil, err
	}
	aead, err := newGCM(plain)
	clear(plain)
	if err != nil {
		return nil, err
	}
	return r.remember(id, aead, now), nil
}

// remember caches an opened key; the caller holds r.mu.
func (r *Keyring) remember(id [8]byte, aead cipher.AEAD, now time.Time) *openKey {
	if len(r.open) >= maxOpenKeys {
		for k := range r.open {
			delete(r.open, k)
			if len(r.open) < maxOpenKeys/2 {
				break
			}
		}
	}
	k := &openKey{id: id, aead: aead, ad: additionalData(id, r.cfg.Bind), checked: now}
	r.open[id] = k
	r.last.Store(k)
	return k
}

// Forget drops the current data key, so that the next Sealer makes a new
// one (encryption switched off, or to another master key).
func (r *Keyring) Forget() { r.cur.Store(nil) }

// Prune deletes the stored data keys that stopped sealing before the given
// time, and reports how many it deleted.
func (r *Keyring) Prune(ctx context.Context, before time.Time) (int, error) {
	var old []string
	err := r.cfg.Meta.Scan(ctx, r.cfg.Prefix, func(key string, value []byte) error {
		var sk storedKey
		if err := json.Unmarshal(value, &sk); err == nil && sk.Until < before.UnixMilli() {
			old = append(old, key)
		}
		return nil
	})
	if err != nil || len(old) == 0 {
		return 0, err
	}
	err = r.cfg.Meta.Update(ctx, func(tx storage.MetaTx) error {
		for _, k := range old {
			if err := tx.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	r.mu.Lock()
	for _, k := range old {
		if b, err := hex.DecodeString(strings.TrimPrefix(k, r.cfg.Prefix)); err == nil && len(b) == 8 {
			delete(r.open, [8]byte(b))
		}
	}
	r.last.Store(nil)
	r.mu.Unlock()
	return len(old), nil
}

// Oldest returns when the oldest stored data key stopped sealing, or false
// when there is none.
func (r *Keyring) Oldest(ctx context.Context) (time.Time, bool, error) {
	var oldest int64
	found := false
	err := r.cfg.Meta.Scan(ctx, r.cfg.Prefix, func(_ string, value []byte) error {
		var sk storedKey
		if err := json.Unmarshal(value, &sk); err == nil && (!found || sk.Until < oldest) {
			oldest, found = sk.Until, true
		}
		return nil
	})
	return time.UnixMilli(oldest), found, err
}

// DeleteAll deletes every stored data key of the prefix (the owner is
// gone), in tx.
func DeleteAll(ctx context.Context, meta storage.MetaStore, prefix string) error {
	var keys []string
	if err := meta.Scan(ctx, prefix, func(key string, _ []byte) error {
		keys = append(keys, key)
		return nil
	}); err != nil || len(keys) == 0 {
		return err
	}
	return meta.Update(ctx, func(tx storage.MetaTx) error {
		for _, k := range keys {
			if err := tx.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
}

func newGCM(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}
