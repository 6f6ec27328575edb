package kms

import (
	"bytes"
	"testing"
)

// FuzzKeyFile feeds parseKeyFile what a key file on disk could hold. It
// must never panic; what it accepts must encode to a file it accepts
// again, with the same keys.
func FuzzKeyFile(f *testing.F) {
	key, _ := newKey("111122223333", "us-east-1", ManagerCustomer, "d", newKeyTime)
	key.Aliases = []string{"alias/a"}
	good, _ := (&keyFile{Keys: []*Key{key}}).encode()
	empty, _ := (&keyFile{}).encode()
	f.Add(good)
	f.Add(empty)
	f.Add([]byte(`{"version":1,"keys":[],"sha256":""}`))
	f.Add([]byte(`{"version":2}`))
	f.Add(good[:len(good)/2])
	f.Fuzz(func(t *testing.T, b []byte) {
		kf, err := parseKeyFile(b)
		if err != nil {
			return
		}
		again, err := kf.encode()
		if err != nil {
			t.Fatal(err)
		}
		kf2, err := parseKeyFile(again)
		if err != nil {
			t.Fatalf("re-encoded file refused: %v", err)
		}
		if len(kf2.Keys) != len(kf.Keys) {
			t.Fatalf("keys %d, then %d", len(kf.Keys), len(kf2.Keys))
		}
		for i := range kf.Keys {
			if kf.Keys[i].ID != kf2.Keys[i].ID || !bytes.Equal(kf.Keys[i].Material, kf2.Keys[i].Material) {
				t.Fatalf("key %d changed", i)
			}
		}
	})
}

// FuzzUnwrap feeds Decrypt's parsing and unwrapping arbitrary wrapped keys:
// no panic, and nothing but the real wrapped key opens.
func FuzzUnwrap(f *testing.F) {
	key, _ := newKey("111122223333", "us-east-1", ManagerCustomer, "", newKeyTime)
	good, _ := wrap(key, make([]byte, 32), nil)
	f.Add(good)
	f.Add(good[:10])
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		id, ok := wrappedKeyID(b)
		if !ok {
			return
		}
		if id != key.ID {
			return
		}
		plain, err := unwrap(key, b, nil)
		if err == nil && !bytes.Equal(b, good) {
			t.Fatalf("a forged wrapped key opened: %x", plain)
		}
	})
}
