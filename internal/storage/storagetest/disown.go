package storagetest

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"sluice/internal/storage"
)

// testDisown checks that a log is only ever removed by its owner: a log
// without metadata is removed if its owner marked it for removal, handed
// back to its owner if an operator asked to restore it and quarantined
// otherwise, and that opening a log clears a stale removal mark.
func testDisown(t *testing.T, open Opener) {
	dir := t.TempDir()
	b := open(t, dir, time.Now)
	recs := b.Records()
	manifest := storage.Manifest{Key: "streams/acct/region/name", Value: json.RawMessage(`{"id":"x"}`)}
	ids := []string{"aaaaaaaaaaaaaaaaaaaa-001", "aaaaaaaaaaaaaaaaaaaa-002", "aaaaaaaaaaaaaaaaaaaa-003"}
	for _, id := range ids {
		if err := recs.Describe(ctx, id, manifest); err != nil {
			t.Fatal(err)
		}
		l, err := recs.Open(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := l.Append(ctx, []storage.Batch{{Shard: 0, Records: []storage.Record{rec("kept")}}}); err != nil {
			t.Fatal(err)
		}
	}
	// ids[0] marked for removal, ids[1] marked then opened again (the mark
	// goes), ids[2] never marked.
	if err := recs.MarkRemoving(ctx, ids[0]); err != nil {
		t.Fatal(err)
	}
	if err := recs.MarkRemoving(ctx, ids[1]); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	b = open(t, dir, time.Now)
	recs = b.Records()
	if _, err := recs.Open(ctx, ids[1]); err != nil {
		t.Fatal(err)
	}
	b.Close()
	b = open(t, dir, time.Now)
	defer b.Close()
	recs = b.Records()

	refuse := func(storage.Manifest) error { return errors.New("no") }
	want := map[string]storage.Disposition{ids[0]: storage.Removed, ids[1]: storage.Quarantined, ids[2]: storage.Quarantined}
	for _, id := range ids {
		got, err := recs.Disown(ctx, id, refuse)
		if err != nil || got != want[id] {
			t.Fatalf("Disown(%s) = %v, %v; want %v", id, got, err, want[id])
		}
	}
	left, err := recs.IDs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 0 {
		t.Fatalf("IDs after Disown = %v, want none", left)
	}
	if q := recs.Health().Quarantined; !slices.Equal(q, ids[1:]) {
		t.Fatalf("Health().Quarantined = %v, want %v", q, ids[1:])
	}
	// Opening a quarantined log (its metadata came back) brings it back
	// with its records.
	l, err := recs.Open(ctx, ids[2])
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := l.Read(0, 1, 10, 0, 0)
	if err != nil || len(got) != 1 || string(got[0].Data) != "kept" {
		t.Fatalf("quarantined log reopened: %v, %v", got, err)
	}
	if q := recs.Health().Quarantined; !slices.Equal(q, ids[1:2]) {
		t.Fatalf("Health().Quarantined = %v, want %v", q, ids[1:2])
	}
}
