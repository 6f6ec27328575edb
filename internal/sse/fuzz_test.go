package sse

import (
	"bytes"
	"context"
	"encoding/hex"
	"testing"

	"sluice/internal/storage"
)

// FuzzOpen feeds Open what a log could hand back as a sealed record: it
// must not panic, and nothing opens but the record the keyring sealed.
func FuzzOpen(f *testing.F) {
	ctx := context.Background()
	fx := newFixture(f)
	r := NewKeyring(fx.cfg)
	s, err := r.Sealer(ctx, "alias/aws/kinesis")
	if err != nil {
		f.Fatal(err)
	}
	good := s.Seal(nil, "pk", []byte("data"))
	f.Add(good)
	f.Add(good[:headerLen+nonceLen+tagLen])
	f.Add([]byte{formatV1})
	f.Fuzz(func(t *testing.T, b []byte) {
		_, pk, data, err := r.Open(ctx, nil, b)
		if err == nil && (!bytes.Equal(b, good) || string(pk) != "pk" || string(data) != "data") {
			t.Fatalf("%x opened as %q %q", b, pk, data)
		}
	})
}

// FuzzStoredKey feeds the reader of stored data keys (read back from the
// metadata store after a restart) arbitrary values: no panic, and the
// record opens, if at all, as what was sealed (GCM's tag sees to it).
func FuzzStoredKey(f *testing.F) {
	ctx := context.Background()
	fx := newFixture(f)
	s, err := NewKeyring(fx.cfg).Sealer(ctx, "alias/aws/kinesis")
	if err != nil {
		f.Fatal(err)
	}
	sealed := s.Seal(nil, "pk", []byte("data"))
	name := fx.cfg.Prefix + hex.EncodeToString(sealed[1:headerLen])
	stored, err := fx.meta.Get(ctx, name)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(stored)
	f.Add([]byte(`{"v":1}`))
	f.Add([]byte(`{"v":1,"id":"` + hex.EncodeToString(sealed[1:headerLen]) + `","wrapped":"AAAA"}`))
	f.Fuzz(func(t *testing.T, v []byte) {
		if err := fx.meta.Update(ctx, func(tx storage.MetaTx) error { return tx.Put(name, v) }); err != nil {
			t.Fatal(err)
		}
		_, pk, data, err := NewKeyring(fx.cfg).Open(ctx, nil, sealed)
		if err == nil && (string(pk) != "pk" || string(data) != "data") {
			t.Fatalf("%q opened the record as %q %q", v, pk, data)
		}
	})
}
