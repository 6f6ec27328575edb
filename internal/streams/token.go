package streams

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"errors"
)

// Opaque tokens (shard iterators, pagination tokens) are sealed with
// AES-256-GCM under a key kept in the metadata store, so that clients can
// neither read nor forge them and they stay valid across restarts:
//
//	00 00 00 00 00 00 00 01 | 01 (format) | nonce (12) | AES-GCM(kind (1) | payload) | tag (16)
//
// base64-encoded. The fixed first bytes make tokens start as AWS's own
// iterators and tokens do ("AAAAAAAAAAE..."); the format byte lets the
// layout change later. Both are authenticated as additional data.
var tokenPrefix = [9]byte{0, 0, 0, 0, 0, 0, 0, 1, 1}

// Token kinds; a token of one kind is never accepted as another.
const (
	tokenIterator      byte = 1
	tokenListShards    byte = 2
	tokenListStream    byte = 3
	tokenListConsumers byte = 4
)

type sealer struct{ aead cipher.AEAD }

func newSealer(key []byte) (*sealer, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &sealer{aead: aead}, nil
}

func (s *sealer) seal(kind byte, payload []byte) string {
	buf := make([]byte, 0, len(tokenPrefix)+s.aead.NonceSize()+1+len(payload)+s.aead.Overhead())
	buf = append(buf, tokenPrefix[:]...)
	nonce := buf[len(buf) : len(buf)+s.aead.NonceSize()]
	rand.Read(nonce)
	buf = buf[:len(buf)+len(nonce)]
	plain := append([]byte{kind}, payload...)
	buf = s.aead.Seal(buf, nonce, plain, tokenPrefix[:])
	return base64.StdEncoding.EncodeToString(buf)
}

func (s *sealer) open(kind byte, token string) ([]byte, bool) {
	raw, err := base64.StdEncoding.DecodeString(token)
	if err != nil {
		return nil, false
	}
	ns := s.aead.NonceSize()
	if len(raw) < len(tokenPrefix)+ns+1+s.aead.Overhead() || [9]byte(raw[:9]) != tokenPrefix {
		return nil, false
	}
	nonce := raw[9 : 9+ns]
	plain, err := s.aead.Open(nil, nonce, raw[9+ns:], tokenPrefix[:])
	if err != nil || len(plain) < 1 || plain[0] != kind {
		return nil, false
	}
	return plain[1:], true
}

// tokenWriter and tokenReader build the small binary payloads of tokens.
type tokenWriter struct{ b []byte }

func (w *tokenWriter) u8(v byte)    { w.b = append(w.b, v) }
func (w *tokenWriter) u32(v uint32) { w.b = binary.BigEndian.AppendUint32(w.b, v) }
func (w *tokenWriter) u64(v uint64) { w.b = binary.BigEndian.AppendUint64(w.b, v) }
func (w *tokenWriter) i64(v int64)  { w.u64(uint64(v)) }
func (w *tokenWriter) str(s string) {
	w.b = binary.AppendUvarint(w.b, uint64(len(s)))
	w.b = append(w.b, s...)
}

type tokenReader struct {
	b   []byte
	err error
}

var errShortToken = errors.New("streams: short token")

func (r *tokenReader) take(n int) []byte {
	if r.err != nil || len(r.b) < n {
		r.err = errShortToken
		return make([]byte, n)
	}
	out := r.b[:n]
	r.b = r.b[n:]
	return out
}

func (r *tokenReader) u8() byte    { return r.take(1)[0] }
func (r *tokenReader) u32() uint32 { return binary.BigEndian.Uint32(r.take(4)) }
func (r *tokenReader) u64() uint64 { return binary.BigEndian.Uint64(r.take(8)) }
func (r *tokenReader) i64() int64  { return int64(r.u64()) }
func (r *tokenReader) str() string {
	n, k := binary.Uvarint(r.b)
	if k <= 0 || n > 4096 {
		r.err = errShortToken
		return ""
	}
	r.b = r.b[k:]
	return string(r.take(int(n)))
}

// done reports whether the payload was read whole and well-formed.
func (r *tokenReader) done() bool { return r.err == nil && len(r.b) == 0 }
