package fragments

import (
	"bytes"
	"context"
	"errors"
	"io"
	"path/filepath"
	"testing"
	"time"

	"sluice/internal/kms"
	"sluice/internal/storage"
	"sluice/internal/storage/embedded"
	"sluice/internal/video"
)

// placedNode is one node's video service and fragment store, wired as
// the server wires them (Lookup, Closing).
type placedNode struct {
	svc   *video.Service
	store *Store
}

var placedCaller = video.Caller{Account: "000000000000", Region: "us-east-1"}

// placedNodes are two nodes over one store, both sealing with the same
// master keys: a owns the stream "cam" (24 hours of retention), b owns
// nothing.
func placedNodes(t *testing.T) (a, b *placedNode) {
	t.Helper()
	ctx := context.Background()
	backend, err := embedded.Open(embedded.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { backend.Close() })
	keys, err := kms.OpenLocal(filepath.Join(t.TempDir(), "keys.json"), nil)
	if err != nil {
		t.Fatal(err)
	}
	node := func(owns func(string) bool) *placedNode {
		n := &placedNode{}
		n.store = New(Config{Keys: keys, Meta: backend.Meta(), Lookup: func(id string) (*video.Stream, bool) {
			return n.svc.StreamByID(id)
		}}, backend.Records())
		t.Cleanup(func() { n.store.Close() })
		if n.svc, err = video.New(ctx, video.Config{Closing: n.store.Closing, Owns: owns}, backend); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { n.svc.Close() })
		return n
	}
	a = node(nil)
	if _, err := a.svc.CreateStream(ctx, placedCaller, video.CreateStreamParams{Name: "cam", RetentionHours: 24}); err != nil {
		t.Fatal(err)
	}
	b = node(func(string) bool { return false })
	return a, b
}

func (n *placedNode) open(t *testing.T) (*Stream, error) {
	t.Helper()
	st, err := n.svc.Stream(placedCaller, video.Ref{Name: "cam"})
	if err != nil {
		t.Fatal(err)
	}
	return n.store.Open(context.Background(), st)
}

func wantMoved(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, storage.ErrMoved) {
		t.Fatalf("%s: %v, want storage.ErrMoved", what, err)
	}
	if m, ok := storage.MovedUnit(err); !ok || m.Kind != storage.KindVideoStream || m.ID == "" {
		t.Fatalf("%s: %v does not name the video stream for the router", what, err)
	}
}

// The data plane of a stream another node owns refuses it; a stream
// dropped in use ends its sessions and readers, and its new owner goes on
// with its fragments (sealed, so its data keys were kept).
func TestRemoteStreamIsNotOpened(t *testing.T) {
	ctx := context.Background()
	a, b := placedNodes(t)
	fs, err := a.open(t)
	if err != nil {
		t.Fatal(err)
	}
	raw, cs := body(2)
	if acks, err := ingest(fs, bytes.NewReader(raw), IngestParams{}); err != nil || events(acks) != "B R P B R P" {
		t.Fatalf("ingest at the owner: %s %v", events(acks), err)
	}

	_, err = b.open(t)
	wantMoved(t, "Open at the follower", err)
	// A copy read before the stream was known to be remote is refused
	// too: the store asks for the current state before it opens the log.
	stale, _ := b.svc.Stream(placedCaller, video.Ref{Name: "cam"})
	stale.Remote = false
	_, err = b.store.Open(ctx, stale)
	wantMoved(t, "Open at the follower with a stale copy", err)

	// At the owner: a reader waiting for the next fragment and a producer
	// in the middle of its body.
	readerDone := make(chan error, 1)
	go func() {
		_, err := fs.Next(ctx, fs.Edge())
		readerDone <- err
	}()
	pr, pw := io.Pipe()
	sessionDone := make(chan error, 1)
	go func() {
		_, err := ingest(fs, pr, IngestParams{Interrupt: func() { pr.CloseWithError(errors.New("interrupted")) }})
		sessionDone <- err
	}()
	if _, err := pw.Write(testHeader().Raw); err != nil {
		t.Fatal(err)
	}

	st, _ := a.svc.Stream(placedCaller, video.Ref{Name: "cam"})
	a.svc.DropVideoStream(st.ID)
	for what, ch := range map[string]chan error{"the GetMedia reader": readerDone, "the PutMedia session": sessionDone} {
		select {
		case err := <-ch:
			wantMoved(t, what+" on a dropped stream", err)
		case <-time.After(10 * time.Second):
			t.Fatalf("%s did not end when its stream was dropped", what)
		}
	}
	_, err = a.open(t)
	wantMoved(t, "Open at the old owner", err)
	a.store.mu.Lock()
	held := len(a.store.streams)
	a.store.mu.Unlock()
	if held != 0 {
		t.Fatalf("the old owner's store still holds %d streams (its retention would run on them)", held)
	}

	if err := b.svc.LoadVideoStream(ctx, st.ID); err != nil {
		t.Fatal(err)
	}
	moved, err := b.open(t)
	if err != nil {
		t.Fatalf("Open at the new owner: %v", err)
	}
	frags := moved.Fragments()
	if len(frags) != 2 {
		t.Fatalf("the new owner sees %d fragments, want 2", len(frags))
	}
	for i, f := range frags {
		if _, c, err := moved.Media(f); err != nil || !bytes.Equal(c, cs[i]) {
			t.Fatalf("fragment %d at the new owner: %v", i, err)
		}
	}
	more, _ := body(1)
	if acks, err := ingest(moved, bytes.NewReader(more), IngestParams{}); err != nil || events(acks) != "B R P" {
		t.Fatalf("ingest at the new owner: %s %v", events(acks), err)
	}
	if got := moved.Fragments(); len(got) != 3 || got[2].Seq <= got[1].Seq {
		t.Fatalf("fragments after the new owner's ingest: %+v", got)
	}
}
