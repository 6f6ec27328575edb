package cluster

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"sluice/internal/storage"
)

// testRecovery checks the operator's side of quarantine: ListQuarantined
// shows a quarantined log with its manifest and size, MarkForRestore
// refuses what it cannot restore, and a marked log is adopted the next
// time an owner opens the backend and settles it (as the services do at
// start: IDs, then Disown of a log without metadata).
func testRecovery(t *testing.T, e *env) {
	prefix := prefixOf(t.Name())
	ctx := t.Context()
	b := open(t, e.options(prefix, e.fence(t)))
	recs := b.Records()
	m := storage.Manifest{Key: "streams/a/b/kept", Value: json.RawMessage(`{"id":"kept"}`)}
	const id, damaged = "kept-log", "damaged-log"
	l := openTestLog(t, b, id)
	appendOne(t, l, 0, "one")
	appendOne(t, l, 1, "two")
	for _, x := range []string{id, damaged} {
		if err := recs.Describe(ctx, x, m); err != nil {
			t.Fatal(err)
		}
	}
	refuse := func(storage.Manifest) error { return errors.New("no restore asked") }
	for _, x := range []string{id, damaged} {
		if d, err := recs.Disown(ctx, x, refuse); err != nil || d != storage.Quarantined {
			t.Fatalf("Disown %s: %v, %v", x, d, err)
		}
	}
	if _, err := e.etcd.Put(ctx, newKeys(prefix).manifest(damaged), "{not json"); err != nil {
		t.Fatal(err)
	}

	logs, err := ListQuarantined(ctx, e.etcd, prefix)
	if err != nil || len(logs) != 2 {
		t.Fatalf("ListQuarantined: %+v, %v", logs, err)
	}
	byID := map[string]QuarantinedLog{}
	for _, q := range logs {
		byID[q.ID] = q
	}
	if q := byID[id]; q.Manifest == nil || q.Manifest.Key != m.Key || q.Objects == 0 || q.Bytes == 0 || q.Problem != "" {
		t.Fatalf("the quarantined log: %+v", q)
	}
	if q := byID[damaged]; q.Manifest != nil || q.Problem == "" {
		t.Fatalf("the log with a damaged manifest: %+v", q)
	}

	if err := MarkForRestore(ctx, e.etcd, prefix, "no-such-log"); !errors.Is(err, ErrNotQuarantined) {
		t.Fatalf("restoring an unknown log: %v", err)
	}
	if err := MarkForRestore(ctx, e.etcd, prefix, damaged); err == nil {
		t.Fatal("a log with a damaged manifest was marked to be restored")
	}
	if err := MarkForRestore(ctx, e.etcd, prefix, id); err != nil {
		t.Fatal(err)
	}
	if err := MarkForRestore(ctx, e.etcd, prefix, id); !errors.Is(err, ErrNotQuarantined) {
		t.Fatalf("marking twice: %v", err)
	}
	if logs, err := ListQuarantined(ctx, e.etcd, prefix); err != nil || len(logs) != 1 || logs[0].ID != damaged {
		t.Fatalf("quarantined after the mark: %+v, %v", logs, err)
	}

	// The next owner finds it among the logs, without metadata, and adopts
	// it from its manifest, records and all.
	b.Close()
	b2 := open(t, e.options(prefix, e.fence(t)))
	ids, err := b2.Records().IDs(ctx)
	if err != nil || !slices.Contains(ids, id) || slices.Contains(ids, damaged) {
		t.Fatalf("IDs after the mark: %v, %v", ids, err)
	}
	var adopted storage.Manifest
	d, err := b2.Records().Disown(ctx, id, func(m storage.Manifest) error { adopted = m; return nil })
	if err != nil || d != storage.Adopted || adopted.Key != m.Key {
		t.Fatalf("Disown of the marked log: %v, %v, %+v", d, err, adopted)
	}
	if got := readAll(t, openTestLog(t, b2, id), 1); len(got) != 1 || string(got[0].Data) != "two" {
		t.Fatalf("records of the restored log: %+v", got)
	}
}
