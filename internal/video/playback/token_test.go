package playback

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"sluice/internal/storage"
	"sluice/internal/video/fragments"
	"sluice/internal/video/media"
)

func testKeys(t testing.TB, fill byte) *Keys {
	k, err := NewKeys(bytes.Repeat([]byte{fill}, keySize))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func sampleSessions() []*Session {
	t0 := time.UnixMilli(1_700_000_000_123)
	return []*Session{
		{Protocol: HLS, StreamID: "s-1", Mode: media.Live, Kind: fragments.ServerTimestamp, Container: media.FragmentedMP4,
			Discontinuity: media.DiscontinuityAlways, MaxResults: 5, Created: t0, Expires: t0.Add(5 * time.Minute)},
		{Protocol: HLS, StreamID: "0123456789abcdef", Mode: media.OnDemand, Kind: fragments.ProducerTimestamp, Start: t0.Add(-time.Hour), End: t0,
			Container: media.MPEGTS, Discontinuity: media.OnDiscontinuity, DisplayTimestamp: true, MaxResults: 5000, Created: t0, Expires: t0.Add(12 * time.Hour)},
		{Protocol: DASH, StreamID: "x", Mode: media.LiveReplay, Kind: fragments.ServerTimestamp, Start: t0.Add(-time.Minute),
			Container: media.FragmentedMP4, Discontinuity: media.DiscontinuityNever, DisplayTimestamp: true, DisplayNumber: true, MaxResults: 1, Created: t0, Expires: t0.Add(time.Hour)},
	}
}

func TestTokenRoundTrip(t *testing.T) {
	k := testKeys(t, 7)
	for _, s := range sampleSessions() {
		tok := k.Seal(s)
		if strings.ContainsAny(tok, "+/=") {
			t.Errorf("token %q is not URL-safe", tok)
		}
		got, err := k.Open(tok, s.Created)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		if !reflect.DeepEqual(normal(got), normal(s)) {
			t.Errorf("round trip:\n got %+v\nwant %+v", got, s)
		}
		if k.Seal(s) == tok {
			t.Error("two seals of a session are equal: the nonce is not random")
		}
		if _, err := k.Open(tok, s.Expires); !errors.Is(err, ErrExpired) {
			t.Errorf("at Expires: %v, want ErrExpired", err)
		}
		if _, err := testKeys(t, 8).Open(tok, s.Created); !errors.Is(err, ErrBadToken) {
			t.Errorf("other key: %v, want ErrBadToken", err)
		}
		// Every altered character breaks it.
		for i := range tok {
			b := []byte(tok)
			b[i] ^= 1
			if _, err := k.Open(string(b), s.Created); err == nil {
				t.Fatalf("token altered at %d opened", i)
			}
		}
	}
}

// normal drops monotonic clock readings and locations for comparison.
func normal(s *Session) Session {
	c := *s
	for _, p := range []*time.Time{&c.Start, &c.End, &c.Created, &c.Expires} {
		if !p.IsZero() {
			*p = time.UnixMilli(p.UnixMilli())
		}
	}
	return c
}

type memMeta struct{ m map[string][]byte }

func (mm *memMeta) Get(_ context.Context, key string) ([]byte, error) { return mm.tx().Get(key) }
func (mm *memMeta) Scan(context.Context, string, func(string, []byte) error) error {
	return nil
}
func (mm *memMeta) Update(_ context.Context, fn func(storage.MetaTx) error) error { return fn(mm.tx()) }
func (mm *memMeta) Close() error                                                  { return nil }
func (mm *memMeta) tx() *memTx                                                    { return &memTx{mm} }

type memTx struct{ mm *memMeta }

func (tx *memTx) Get(key string) ([]byte, error) {
	v, ok := tx.mm.m[key]
	if !ok {
		return nil, storage.ErrNotFound
	}
	return v, nil
}
func (tx *memTx) Put(key string, v []byte) error { tx.mm.m[key] = v; return nil }
func (tx *memTx) Delete(key string) error        { delete(tx.mm.m, key); return nil }

func TestLoadKeysKeepsTheKey(t *testing.T) {
	meta := &memMeta{m: map[string][]byte{}}
	k1, err := LoadKeys(t.Context(), meta)
	if err != nil {
		t.Fatal(err)
	}
	if len(meta.m[KeyName]) != keySize {
		t.Fatalf("stored key of %d bytes", len(meta.m[KeyName]))
	}
	k2, err := LoadKeys(t.Context(), meta) // a restart
	if err != nil {
		t.Fatal(err)
	}
	s := sampleSessions()[0]
	if _, err := k2.Open(k1.Seal(s), s.Created); err != nil {
		t.Fatalf("a session sealed before the restart: %v", err)
	}
	meta.m[KeyName] = []byte("short")
	if _, err := LoadKeys(t.Context(), meta); err == nil {
		t.Fatal("a damaged key was accepted")
	}
}

// FuzzOpen: Open never panics, accepts nothing but sealed sessions, and
// the encoding round-trips whatever decode accepts (checked with the
// plaintext fuzzed directly, since the AEAD keeps fuzzed tokens out).
func FuzzOpen(f *testing.F) {
	k := testKeys(f, 3)
	for _, s := range sampleSessions() {
		f.Add(k.Seal(s), encode(s))
	}
	f.Add("", []byte{})
	f.Add("AAAA", []byte{1, 1, 0, 1, 0, 0, 0, 5, 0, 0, 1, 'x'})
	f.Fuzz(func(t *testing.T, tok string, plain []byte) {
		if s, err := k.Open(tok, time.UnixMilli(0)); err == nil || errors.Is(err, ErrExpired) {
			if s == nil || s.StreamID == "" {
				t.Fatalf("Open(%q) gave %+v", tok, s)
			}
		}
		s, ok := decode(plain)
		if !ok {
			return
		}
		again, ok := decode(encode(s))
		if !ok || !reflect.DeepEqual(normal(again), normal(s)) {
			t.Fatalf("decode(encode(%+v)) = %+v, %v", s, again, ok)
		}
	})
}
