package analytics

import (
	"context"
	"path/filepath"
	"testing"

	"sluice/internal/storage"
	"sluice/internal/storage/embedded"
)

func newService(t *testing.T, cfg Config) (*Service, storage.MetaStore) {
	t.Helper()
	b, err := embedded.Open(embedded.Options{Dir: filepath.Join(t.TempDir(), "data")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	s, err := New(t.Context(), cfg, b)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, b.Meta()
}

func keys(t *testing.T, meta storage.MetaStore, prefix string) []string {
	t.Helper()
	var out []string
	if err := meta.Scan(context.Background(), prefix, func(k string, _ []byte) error {
		out = append(out, k)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestDeleteRemovesEverything: an application's versions and the Runner's
// checkpoints go with it; another application's stay.
func TestDeleteRemovesEverything(t *testing.T) {
	s, meta := newService(t, Config{})
	ctx := t.Context()
	c := Caller{Account: "000000000000", Region: "us-east-1"}
	a, err := s.Create(ctx, c, CreateParams{Name: "a"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.Create(ctx, c, CreateParams{Name: "b"})
	if err != nil {
		t.Fatal(err)
	}
	v := int64(1)
	if _, err := s.UpdateApplication(ctx, c, "a", Change{Version: &v}, Update{}); err != nil {
		t.Fatal(err)
	}
	for _, app := range []*Application{a, b} {
		if err := meta.Update(ctx, func(tx storage.MetaTx) error { return tx.Put(CheckpointPrefix(app)+"1.1/shard-0", []byte("42")) }); err != nil {
			t.Fatal(err)
		}
	}
	if got := keys(t, meta, keyVersions+a.ID+"/"); len(got) != 2 {
		t.Fatalf("versions of a: %v", got)
	}
	if err := s.Delete(ctx, c, "a", false, a.Created.UnixMilli()); err != nil {
		t.Fatal(err)
	}
	if got := keys(t, meta, keyVersions+a.ID+"/"); len(got) != 0 {
		t.Fatalf("versions left: %v", got)
	}
	if got := keys(t, meta, CheckpointPrefix(a)); len(got) != 0 {
		t.Fatalf("checkpoints left: %v", got)
	}
	if got := keys(t, meta, CheckpointPrefix(b)); len(got) != 1 {
		t.Fatalf("b's checkpoints: %v", got)
	}
	if got := keys(t, meta, keyApplications); len(got) != 1 {
		t.Fatalf("applications: %v", got)
	}
}
