package playback

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"sluice/internal/storage"
	"sluice/internal/video/fragments"
	"sluice/internal/video/media"
)

// Errors of Keys.Open.
var (
	// ErrBadToken: the token was not made by this server (or was
	// altered, or is of another format version).
	ErrBadToken = errors.New("playback: the session token is not valid")
	// ErrExpired: the session has expired.
	ErrExpired = errors.New("playback: the session token has expired")
)

// KeyName is the MetaStore key of the session key.
const KeyName = "video/playback/session-key"

const (
	keySize      = 32 // AES-256
	tokenVersion = 1
	// additional data authenticated with every token, so that a key
	// reused elsewhere cannot turn another sealed message into a session.
	tokenContext = "sluice video playback session v1"
	// MaxTokenLen bounds what Open looks at: a session's token is about
	// 120 characters; a longer one is not ours.
	MaxTokenLen = 1024
)

// Keys seals sessions into tokens and opens them again. It is safe for
// concurrent use.
type Keys struct {
	aead cipher.AEAD
}

// NewKeys returns Keys over a 32-byte key.
func NewKeys(key []byte) (*Keys, error) {
	if len(key) != keySize {
		return nil, fmt.Errorf("playback: session key of %d bytes, want %d", len(key), keySize)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Keys{aead: aead}, nil
}

// LoadKeys returns the Keys of the session key kept in meta under KeyName,
// making and storing a random one the first time, so that session URLs
// survive a restart (and, on a shared meta store, work on every node).
func LoadKeys(ctx context.Context, meta storage.MetaStore) (*Keys, error) {
	var key []byte
	err := meta.Update(ctx, func(tx storage.MetaTx) error {
		k, err := tx.Get(KeyName)
		switch {
		case err == nil:
			key = k
			return nil
		case !errors.Is(err, storage.ErrNotFound):
			return err
		}
		key = make([]byte, keySize)
		rand.Read(key)
		return tx.Put(KeyName, key)
	})
	if err != nil {
		return nil, fmt.Errorf("playback: session key: %w", err)
	}
	return NewKeys(key)
}

// Seal returns the session's token: URL-safe base64 (no padding) of a
// random 12-byte nonce and the AES-256-GCM sealing of the encoded session
// (see the package doc).
func (k *Keys) Seal(s *Session) string {
	nonce := make([]byte, k.aead.NonceSize(), k.aead.NonceSize()+64+k.aead.Overhead())
	rand.Read(nonce)
	out := k.aead.Seal(nonce, nonce, encode(s), []byte(tokenContext))
	return base64.RawURLEncoding.EncodeToString(out)
}

// Open returns the session of a token Seal made: ErrBadToken for anything
// else, ErrExpired (with the session) once now is past its Expires.
func (k *Keys) Open(token string, now time.Time) (*Session, error) {
	if len(token) > MaxTokenLen {
		return nil, ErrBadToken
	}
	// Strict: the unused low bits of the last character must be zero, so
	// that no two texts open as the same token (a token is a credential).
	b, err := base64.RawURLEncoding.Strict().DecodeString(token)
	if err != nil || len(b) < k.aead.NonceSize()+k.aead.Overhead() {
		return nil, ErrBadToken
	}
	n := k.aead.NonceSize()
	plain, err := k.aead.Open(nil, b[:n], b[n:], []byte(tokenContext))
	if err != nil {
		return nil, ErrBadToken
	}
	s, ok := decode(plain)
	if !ok {
		return nil, ErrBadToken
	}
	if !now.Before(s.Expires) {
		return s, ErrExpired
	}
	return s, nil
}

// Flags of the encoded session.
const (
	flagDisplayTimestamp = 1 << iota
	flagDisplayNumber
	flagStart
	flagEnd
)

var (
	modes          = []media.PlaybackMode{media.Live, media.LiveReplay, media.OnDemand}
	containers     = []media.ContainerFormat{media.FragmentedMP4, media.MPEGTS}
	discontinuites = []media.DiscontinuityMode{media.DiscontinuityAlways, media.DiscontinuityNever, media.OnDiscontinuity}
)

func index[T comparable](list []T, v T) byte {
	for i, x := range list {
		if x == v {
			return byte(i)
		}
	}
	return 0
}

// encode writes a session (see the package doc).
func encode(s *Session) []byte {
	b := []byte{tokenVersion, byte(s.Protocol), index(modes, s.Mode), byte(s.Kind),
		index(containers, s.Container), index(discontinuites, s.Discontinuity), 0}
	flags := &b[len(b)-1]
	if s.DisplayTimestamp {
		*flags |= flagDisplayTimestamp
	}
	if s.DisplayNumber {
		*flags |= flagDisplayNumber
	}
	if !s.Start.IsZero() {
		*flags |= flagStart
	}
	if !s.End.IsZero() {
		*flags |= flagEnd
	}
	b = binary.AppendUvarint(b, uint64(s.MaxResults))
	b = binary.AppendVarint(b, s.Created.UnixMilli())
	b = binary.AppendVarint(b, s.Expires.UnixMilli())
	if !s.Start.IsZero() {
		b = binary.AppendVarint(b, s.Start.UnixMilli())
	}
	if !s.End.IsZero() {
		b = binary.AppendVarint(b, s.End.UnixMilli())
	}
	b = binary.AppendUvarint(b, uint64(len(s.StreamID)))
	return append(b, s.StreamID...)
}

// decode reads what encode wrote; ok is false for anything else.
func decode(b []byte) (*Session, bool) {
	if len(b) < 7 || b[0] != tokenVersion {
		return nil, false
	}
	proto, mode, kind, cont, disc, flags := Protocol(b[1]), int(b[2]), fragments.TimestampKind(b[3]), int(b[4]), int(b[5]), b[6]
	if (proto != HLS && proto != DASH) || mode >= len(modes) || (kind != fragments.ServerTimestamp && kind != fragments.ProducerTimestamp) ||
		cont >= len(containers) || disc >= len(discontinuites) || flags >= flagEnd<<1 {
		return nil, false
	}
	s := &Session{Protocol: proto, StreamID: "", Mode: modes[mode], Kind: kind, Container: containers[cont], Discontinuity: discontinuites[disc],
		DisplayTimestamp: flags&flagDisplayTimestamp != 0, DisplayNumber: flags&flagDisplayNumber != 0}
	r := reader{b: b[7:]}
	max := r.uvarint()
	if max < 1 || max > MaxFragmentResults {
		return nil, false
	}
	s.MaxResults = int(max)
	s.Created = time.UnixMilli(r.varint())
	s.Expires = time.UnixMilli(r.varint())
	if flags&flagStart != 0 {
		s.Start = time.UnixMilli(r.varint())
	}
	if flags&flagEnd != 0 {
		s.End = time.UnixMilli(r.varint())
	}
	n := r.uvarint()
	if r.bad || n == 0 || n != uint64(len(r.b)) {
		return nil, false
	}
	s.StreamID = string(r.b)
	return s, true
}

type reader struct {
	b   []byte
	bad bool
}

func (r *reader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.bad = true
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) varint() int64 {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.bad = true
		return 0
	}
	r.b = r.b[n:]
	return v
}
