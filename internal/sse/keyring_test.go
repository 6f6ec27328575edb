package sse

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"sluice/internal/kms"
	"sluice/internal/storage"
	"sluice/internal/storage/embedded"
)

var scope = kms.Scope{Account: "111122223333", Region: "us-east-1"}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type fixture struct {
	keys *kms.LocalKeys
	meta storage.MetaStore
	clk  *clock
	cfg  Config
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	dir := t.TempDir()
	b, err := embedded.Open(embedded.Options{Dir: filepath.Join(dir, "data")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	keys, err := kms.OpenLocal(filepath.Join(dir, "keys.json"), nil)
	if err != nil {
		t.Fatal(err)
	}
	clk := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	return &fixture{keys: keys, meta: b.Meta(), clk: clk, cfg: Config{
		Keys: keys, Meta: b.Meta(), Prefix: "streamkeys/s1/", Scope: scope,
		Context: map[string]string{"aws:kinesis:arn": "arn:aws:kinesis:us-east-1:111122223333:stream/s"},
		Bind:    []byte("s1"), Now: clk.now,
	}}
}

func TestSealOpen(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	r := NewKeyring(f.cfg)
	s, err := r.Sealer(ctx, "alias/aws/kinesis")
	if err != nil {
		t.Fatal(err)
	}
	data := []byte("a known plaintext that must not appear")
	sealed := s.Seal(nil, "customer-42", data)
	if !IsSealed("", sealed) || bytes.Contains(sealed, data) || bytes.Contains(sealed, []byte("customer-42")) {
		t.Fatalf("sealed record shows its plaintext: %q", sealed)
	}
	if len(sealed) > len(data)+len("customer-42")+Overhead {
		t.Fatalf("sealed %d bytes, more than the overhead allows", len(sealed))
	}
	// A fresh keyring (a restart) opens it from the stored data key.
	r2 := NewKeyring(f.cfg)
	buf, pk, got, err := r2.Open(ctx, nil, sealed)
	if err != nil || string(pk) != "customer-42" || !bytes.Equal(got, data) || len(buf) == 0 {
		t.Fatalf("Open = %q %q %v", pk, got, err)
	}
	// Another owner's binding, or one flipped bit, does not open.
	other := f.cfg
	other.Bind = []byte("s2")
	if _, _, _, err := NewKeyring(other).Open(ctx, nil, sealed); !errors.Is(err, ErrDamaged) {
		t.Fatalf("another stream opened it: %v", err)
	}
	flipped := bytes.Clone(sealed)
	flipped[len(flipped)-1] ^= 1
	if _, _, _, err := r2.Open(ctx, nil, flipped); !errors.Is(err, ErrDamaged) {
		t.Fatalf("a damaged record opened: %v", err)
	}
	// Nonces never repeat under one key.
	seen := map[string]bool{}
	for range 1000 {
		n := string(s.Seal(nil, "k", nil)[headerLen : headerLen+nonceLen])
		if seen[n] {
			t.Fatal("a nonce repeated")
		}
		seen[n] = true
	}
}

func TestRotationAndPrune(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.cfg.MaxUses = 3
	r := NewKeyring(f.cfg)
	a, _ := r.Sealer(ctx, "alias/aws/kinesis")
	if b, _ := r.Sealer(ctx, "alias/aws/kinesis"); b != a {
		t.Fatal("a new data key within its lifetime")
	}
	old := a.Seal(nil, "k", []byte("one"))
	f.clk.add(DefaultLifetime)
	b, _ := r.Sealer(ctx, "alias/aws/kinesis")
	if b == a {
		t.Fatal("no new data key after its lifetime")
	}
	for range 3 {
		b.Seal(nil, "k", nil)
	}
	if c, _ := r.Sealer(ctx, "alias/aws/kinesis"); c == b {
		t.Fatal("no new data key after MaxUses records")
	}
	if _, _, _, err := NewKeyring(f.cfg).Open(ctx, nil, old); err != nil {
		t.Fatalf("a rotated-out key does not open its records: %v", err)
	}
	n := 0
	f.meta.Scan(ctx, f.cfg.Prefix, func(string, []byte) error { n++; return nil })
	if n != 3 {
		t.Fatalf("%d stored data keys, want 3", n)
	}
	pruned, err := r.Prune(ctx, f.clk.now().Add(time.Millisecond))
	if err != nil || pruned != 1 {
		t.Fatalf("Prune = %d, %v; want the first key", pruned, err)
	}
	if _, _, _, err := NewKeyring(f.cfg).Open(ctx, nil, old); !errors.Is(err, ErrKeyMissing) {
		t.Fatalf("a pruned key's record: %v", err)
	}
	if err := DeleteAll(ctx, f.meta, f.cfg.Prefix); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := r.Oldest(ctx); ok {
		t.Fatal("keys left after DeleteAll")
	}
}

func TestDisabledMasterKey(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	key, err := f.keys.CreateKey(scope, "alias/orders", "")
	if err != nil {
		t.Fatal(err)
	}
	r := NewKeyring(f.cfg)
	s, err := r.Sealer(ctx, "alias/orders")
	if err != nil {
		t.Fatal(err)
	}
	sealed := s.Seal(nil, "k", []byte("x"))
	if _, err := f.keys.SetState(scope, key.ID, kms.StateDisabled); err != nil {
		t.Fatal(err)
	}
	// Within the data key's lifetime and recheck, both go on (AWS caches too).
	if _, err := r.Sealer(ctx, "alias/orders"); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := r.Open(ctx, nil, sealed); err != nil {
		t.Fatal(err)
	}
	f.clk.add(DefaultLifetime)
	if _, err := r.Sealer(ctx, "alias/orders"); kms.CodeOf(err) != kms.Disabled {
		t.Fatalf("a new data key of a disabled master key: %v", err)
	}
	if _, _, _, err := r.Open(ctx, nil, sealed); kms.CodeOf(err) != kms.Disabled || !strings.Contains(err.Error(), "is disabled") {
		t.Fatalf("reading after the recheck: %v", err)
	}
	if _, err := f.keys.SetState(scope, key.ID, kms.StateEnabled); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := r.Open(ctx, nil, sealed); err != nil {
		t.Fatalf("enabled again: %v", err)
	}
}
