package firehose

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sluice/internal/kms"
	"sluice/internal/objectstore"
	"sluice/internal/storage"
	"sluice/internal/storage/embedded"
)

var placementCaller = Caller{Account: "000000000000", Region: "us-east-1"}

// placementEnv are two Services over one store, as two nodes of a cluster
// over its etcd and bucket: a owns every delivery stream at start, b
// none. They share the object store and the master keys; each has a clock
// that a test can move ahead (records are due at a node once its clock is
// past their arrival plus the 900 s interval).
type placementEnv struct {
	a, b           *Service
	store          objectstore.Dir
	meta           storage.MetaStore
	aAhead, bAhead atomic.Int64 // nanoseconds
}

func placementNodes(t *testing.T, aCfg, bCfg Config) *placementEnv {
	t.Helper()
	return placementNodesOver(t, nil, aCfg, bCfg)
}

// placementNodesOver is placementNodes with a's backend wrapped by wrapA
// (nil: not wrapped).
func placementNodesOver(t *testing.T, wrapA func(storage.Backend) storage.Backend, aCfg, bCfg Config) *placementEnv {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	backend, err := embedded.Open(embedded.Options{Dir: filepath.Join(dir, "data")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { backend.Close() })
	keys, err := kms.OpenLocal(filepath.Join(dir, "keys.json"), nil)
	if err != nil {
		t.Fatal(err)
	}
	e := &placementEnv{store: objectstore.Dir{Root: filepath.Join(dir, "s3")}, meta: backend.Meta()}
	for _, cfg := range []*Config{&aCfg, &bCfg} {
		cfg.Store, cfg.Keys, cfg.Tick = e.store, keys, 10*time.Millisecond
	}
	aCfg.Now = func() time.Time { return time.Now().Add(time.Duration(e.aAhead.Load())) }
	bCfg.Now = func() time.Time { return time.Now().Add(time.Duration(e.bAhead.Load())) }
	aBackend := storage.Backend(backend)
	if wrapA != nil {
		aBackend = wrapA(backend)
	}
	if e.a, err = New(ctx, aCfg, aBackend); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.a.Close() })
	for _, name := range []string{"d1", "d2"} {
		createAt(t, e.a, name)
	}
	bCfg.Owns = func(string) bool { return false }
	if e.b, err = New(ctx, bCfg, backend); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.b.Close() })
	return e
}

// createAt creates a DirectPut delivery stream that delivers to the
// bucket named after it, every 900 s.
func createAt(t *testing.T, svc *Service, name string) {
	t.Helper()
	_, err := svc.CreateDeliveryStream(context.Background(), placementCaller, CreateParams{Name: name,
		S3: &S3Destination{BucketARN: "arn:aws:s3:::bucket-" + name, IntervalInSeconds: 900}})
	if err != nil {
		t.Fatal(err)
	}
}

func (e *placementEnv) id(t *testing.T, name string) string {
	t.Helper()
	ds, err := e.a.DescribeDeliveryStream(placementCaller, name)
	if err != nil {
		t.Fatal(err)
	}
	return ds.ID
}

func putAt(svc *Service, name string, records ...string) error {
	data := make([][]byte, len(records))
	for i, r := range records {
		data[i] = []byte(r)
	}
	_, _, err := svc.Put(context.Background(), placementCaller, name, data)
	return err
}

// delivered returns the bodies of the objects in the delivery stream's
// bucket, sorted.
func (e *placementEnv) delivered(t *testing.T, name string) []string {
	t.Helper()
	infos, err := e.store.List("bucket-" + name)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, info := range infos {
		b, _, err := e.store.Get("bucket-"+name, info.Key, 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(b))
	}
	slices.Sort(out)
	return out
}

// waitUntil polls cond for up to 10 s.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func wantElsewhere(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, storage.ErrMoved) {
		t.Fatalf("%s on a delivery stream another node owns: %v, want storage.ErrMoved", what, err)
	}
	if m, ok := storage.MovedUnit(err); !ok || m.Kind != storage.KindDeliveryStream || m.ID == "" || m.Name == "" {
		t.Fatalf("%s: %v does not name the delivery stream for the router", what, err)
	}
	if msg, ok := storage.ClientMessage(err); !ok || msg == "" {
		t.Fatalf("%s: no client message for %v", what, err)
	}
}

func wantKind(t *testing.T, what string, err error, kind Kind) {
	t.Helper()
	var de *Error
	if !errors.As(err, &de) || de.Kind != kind {
		t.Fatalf("%s: %v, want an error of kind %d", what, err, kind)
	}
}

// A delivery stream another node owns is described and listed from the
// metadata followed, and every other operation on it fails as moved,
// changing nothing: no metadata, no record, no data key, no timer.
func TestRemoteDeliveryStreamRefusesAllButDescriptions(t *testing.T) {
	ctx := context.Background()
	e := placementNodes(t, Config{}, Config{UpdateDelay: time.Hour})
	if err := putAt(e.a, "d1", "a1"); err != nil {
		t.Fatal(err)
	}
	key := metaKey(&DeliveryStream{Account: placementCaller.Account, Region: placementCaller.Region, Name: "d1"})
	before, err := e.meta.Get(ctx, key)
	if err != nil {
		t.Fatal(err)
	}

	names, _ := e.b.ListDeliveryStreams(placementCaller, "", "", 10)
	if !slices.Equal(names, []string{"d1", "d2"}) {
		t.Fatalf("ListDeliveryStreams on the follower: %v", names)
	}
	ds, err := e.b.DescribeDeliveryStream(placementCaller, "d1")
	if err != nil || ds.Status != StatusActive || ds.ID != e.id(t, "d1") {
		t.Fatalf("DescribeDeliveryStream of a remote delivery stream: %+v, %v", ds, err)
	}
	if _, _, err := e.b.ListTags(placementCaller, "d1", "", 10); err != nil {
		t.Fatalf("ListTagsForDeliveryStream of a remote delivery stream: %v", err)
	}

	wantElsewhere(t, "PutRecord", putAt(e.b, "d1", "lost"))
	wantElsewhere(t, "PutRecordBatch", putAt(e.b, "d1", "lost", "too"))
	applied := false
	wantElsewhere(t, "UpdateDestination", e.b.UpdateDestination(ctx, placementCaller, "d1", "1", DestinationID,
		func(d *Destinations) error { applied = true; d.S3.Prefix = "moved/"; return nil }))
	wantElsewhere(t, "TagDeliveryStream", e.b.TagDeliveryStream(ctx, placementCaller, "d1", []Tag{{"k", "v"}}))
	wantElsewhere(t, "UntagDeliveryStream", e.b.UntagDeliveryStream(ctx, placementCaller, "d1", []string{"k"}))
	wantElsewhere(t, "StartDeliveryStreamEncryption", e.b.StartEncryption(ctx, placementCaller, "d1", &Encryption{KeyType: KeyAWSOwned}))
	wantElsewhere(t, "StopDeliveryStreamEncryption", e.b.StopEncryption(ctx, placementCaller, "d1"))
	wantElsewhere(t, "DeleteDeliveryStream", e.b.DeleteDeliveryStream(ctx, placementCaller, "d1"))
	_, _, err = e.b.Log(placementCaller, "d1")
	wantElsewhere(t, "reading its log", err)
	_, err = e.b.Horizon(placementCaller, "d1")
	wantElsewhere(t, "its log's horizon", err)
	_, err = e.b.DeliveryMetrics(placementCaller, "d1")
	wantElsewhere(t, "its counters", err)
	_, err = e.b.Minutes(placementCaller, "d1", 5)
	wantElsewhere(t, "its per-minute figures", err)
	_, err = e.b.CreateDeliveryStream(ctx, placementCaller, CreateParams{Name: "d1", S3: &S3Destination{BucketARN: "arn:aws:s3:::x"}})
	wantKind(t, "CreateDeliveryStream of a name another node serves", err, KindInUse)
	if applied {
		t.Fatal("UpdateDestination ran its edit on a remote delivery stream")
	}
	// The one place metadata writes go through refuses them too, for a
	// write that raced a drop past the checks above.
	wantElsewhere(t, "a metadata write", e.b.persist(ctx, ds))
	wantElsewhere(t, "a metadata deletion", e.b.deleteMeta(ctx, ds))
	e.b.Each(func(ds *DeliveryStream, _ *Metrics) {
		t.Errorf("the follower counts %s, which it does not own", ds.Name)
	})
	e.b.mu.Lock()
	for k, l := range e.b.streams {
		if l.stop != nil {
			t.Errorf("the follower runs a deliverer for %s", k.name)
		}
	}
	if len(e.b.timers) != 0 {
		t.Errorf("the follower set timers: %v", e.b.timers)
	}
	e.b.mu.Unlock()

	// Nothing changed: the owner's metadata is as it was, its log holds
	// one record, and no data key was made.
	after, err := e.meta.Get(ctx, key)
	if err != nil || string(after) != string(before) {
		t.Fatalf("metadata after the refused operations:\n%s\nwas\n%s (%v)", after, before, err)
	}
	_, lg, err := e.a.Log(placementCaller, "d1")
	if err != nil {
		t.Fatal(err)
	}
	if recs, _, err := lg.Read(0, 1, 10, 1<<20, 0); err != nil || len(recs) != 1 || string(recs[0].Data) != "a1" {
		t.Fatalf("records after the refused operations: %d, %v", len(recs), err)
	}
	var dataKeys int
	if err := e.meta.Scan(ctx, "firehose/keys/", func(string, []byte) error { dataKeys++; return nil }); err != nil || dataKeys != 0 {
		t.Fatalf("data keys after the refused operations: %d, %v", dataKeys, err)
	}
}

// A delivery stream moves from one node to the other with records
// acknowledged but not yet delivered: the old owner stops delivering and
// refuses writes, and the new owner delivers them (and nothing the old
// owner delivered already) and goes on taking records.
func TestDeliveryStreamMovesBetweenNodes(t *testing.T) {
	e := placementNodes(t, Config{}, Config{})
	id := e.id(t, "d1")
	// a delivers r0 (its clock moved past the interval) and saves its
	// position; r1 and r2 then wait in its buffer.
	if err := putAt(e.a, "d1", "r0"); err != nil {
		t.Fatal(err)
	}
	e.aAhead.Store(int64(time.Hour))
	waitUntil(t, "the old owner to deliver r0", func() bool { return len(e.delivered(t, "d1")) == 1 })
	waitUntil(t, "the old owner to save its position", func() bool {
		pos, err := e.a.position(context.Background(), id)
		return err == nil && pos == 2
	})
	e.aAhead.Store(0)
	if err := putAt(e.a, "d1", "r1", "r2"); err != nil {
		t.Fatal(err)
	}

	e.a.DropDeliveryStream(id)
	wantElsewhere(t, "PutRecord after the drop", putAt(e.a, "d1", "lost"))
	_, _, err := e.a.Log(placementCaller, "d1")
	wantElsewhere(t, "reading the log after the drop", err)
	// The old owner's deliverer is stopped: with its clock past the
	// interval it would deliver r1 and r2 if it ran.
	e.aAhead.Store(int64(time.Hour))
	time.Sleep(100 * time.Millisecond)
	if got := e.delivered(t, "d1"); !slices.Equal(got, []string{"r0"}) {
		t.Fatalf("objects after the drop, before the new owner loaded it: %q", got)
	}

	e.bAhead.Store(int64(time.Hour))
	if err := e.b.LoadDeliveryStream(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the new owner to deliver r1 and r2", func() bool { return len(e.delivered(t, "d1")) == 2 })
	if err := putAt(e.b, "d1", "r3"); err != nil {
		t.Fatalf("PutRecord at the new owner: %v", err)
	}
	waitUntil(t, "the new owner to deliver r3", func() bool { return len(e.delivered(t, "d1")) == 3 })
	if got := e.delivered(t, "d1"); !slices.Equal(got, []string{"r0", "r1r2", "r3"}) {
		t.Fatalf("objects delivered across the move: %q", got)
	}
	// The counters are updated after the object is written: waited for.
	waitUntil(t, "the new owner's counters to show 3 records delivered", func() bool {
		m, err := e.b.DeliveryMetrics(placementCaller, "d1")
		return err == nil && m.DeliveredRecords.Load() == 3
	})
	// Loading it again does nothing.
	if err := e.b.LoadDeliveryStream(context.Background(), id); err != nil {
		t.Fatal(err)
	}

	// The other delivery stream stays where it was.
	if err := putAt(e.a, "d2", "x"); err != nil {
		t.Fatalf("PutRecord to the delivery stream that did not move: %v", err)
	}
	wantElsewhere(t, "PutRecord to the other's delivery stream", putAt(e.b, "d2", "x"))
}

// releasingBackend is a backend that can release logs, as a cluster's
// does; its logs count the appends that ran into a release (that began
// after it, or were in flight when it came), which a drop must prevent.
type releasingBackend struct {
	storage.Backend
	mu       sync.Mutex
	released map[string]bool
	late     atomic.Int64
}

func (b *releasingBackend) Release(id string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.released[id] = true
}

func (b *releasingBackend) isReleased(id string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.released[id]
}

func (b *releasingBackend) Records() storage.RecordStore {
	return releasingRecords{b.Backend.Records(), b}
}

type releasingRecords struct {
	storage.RecordStore
	b *releasingBackend
}

func (r releasingRecords) Open(ctx context.Context, id string) (storage.Log, error) {
	l, err := r.RecordStore.Open(ctx, id)
	if err != nil {
		return nil, err
	}
	return releasingLog{l, id, r.b}, nil
}

type releasingLog struct {
	storage.Log
	id string
	b  *releasingBackend
}

func (l releasingLog) Append(ctx context.Context, batches []storage.Batch) ([]storage.BatchResult, error) {
	if l.b.isReleased(l.id) {
		l.b.late.Add(1)
		return nil, fmt.Errorf("appending to released log %s: %w", l.id, storage.ErrMoved)
	}
	time.Sleep(time.Millisecond) // widens the window a release could fall in
	res, err := l.Log.Append(ctx, batches)
	if l.b.isReleased(l.id) {
		l.b.late.Add(1)
	}
	return res, err
}

// A drop waits for the Puts in flight, refuses later ones before they
// reach the log, then releases the log; every record a Put acknowledged
// is delivered by the next owner.
func TestDropWaitsForPutsInFlight(t *testing.T) {
	rb := &releasingBackend{released: map[string]bool{}}
	e := placementNodesOver(t, func(b storage.Backend) storage.Backend { rb.Backend = b; return rb }, Config{}, Config{})
	id := e.id(t, "d1")
	var wg sync.WaitGroup
	acked := make([][]string, 4)
	for g := range acked {
		wg.Go(func() {
			for i := 0; ; i++ {
				r := fmt.Sprintf("%d-%06d;", g, i)
				if err := putAt(e.a, "d1", r); err != nil {
					if !errors.Is(err, storage.ErrMoved) {
						t.Errorf("a Put racing the drop failed with %v, want storage.ErrMoved", err)
					}
					return
				}
				acked[g] = append(acked[g], r)
			}
		})
	}
	time.Sleep(20 * time.Millisecond)
	e.a.DropDeliveryStream(id)
	wg.Wait()
	if n := rb.late.Load(); n != 0 {
		t.Fatalf("%d appends ran into the release of the log", n)
	}
	if !rb.isReleased(LogPrefix + id) {
		t.Fatal("the dropped delivery stream's log was not released")
	}
	var want []string
	for _, rs := range acked {
		want = append(want, rs...)
	}
	if len(want) == 0 {
		t.Fatal("no Put succeeded before the drop")
	}
	slices.Sort(want)

	e.bAhead.Store(int64(time.Hour))
	if err := e.b.LoadDeliveryStream(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	var got []string
	waitUntil(t, "the new owner to deliver every acknowledged record", func() bool {
		got = got[:0]
		for _, obj := range e.delivered(t, "d1") {
			got = append(got, strings.SplitAfter(obj, ";")...)
		}
		got = slices.DeleteFunc(got, func(r string) bool { return r == "" })
		return len(got) >= len(want)
	})
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Fatalf("delivered %d records, acknowledged %d: not the same", len(got), len(want))
	}
}

// A drop waits for a Put in flight before it releases the log, and a Put
// that found the delivery stream owned before the drop but comes after it
// is refused before it reaches the log.
func TestDropRefusesPutsThatFoundItOwned(t *testing.T) {
	ctx := context.Background()
	rb := &releasingBackend{released: map[string]bool{}}
	e := placementNodesOver(t, func(b storage.Backend) storage.Backend { rb.Backend = b; return rb }, Config{}, Config{})
	id := e.id(t, "d1")
	old := e.a.lookup(placementCaller, "d1")
	old.writes.RLock() // as a Put in flight holds it
	dropped := make(chan struct{})
	go func() {
		e.a.DropDeliveryStream(id)
		close(dropped)
	}()
	select {
	case <-dropped:
		t.Fatal("the drop did not wait for the Put in flight")
	case <-time.After(50 * time.Millisecond):
	}
	if rb.isReleased(LogPrefix + id) {
		t.Fatal("the log was released under a Put in flight")
	}
	old.writes.RUnlock()
	<-dropped
	_, _, err := e.a.put(ctx, old, placementCaller, "d1", [][]byte{[]byte("late")})
	wantElsewhere(t, "a Put that found the delivery stream before the drop", err)
	if errors.Is(err, storage.ErrUnavailable) || rb.late.Load() != 0 {
		t.Fatalf("the late Put reached the log: %v", err)
	}
}

// The new owner of a delivery stream dropped while CREATING, DELETING or
// ENABLING encryption finishes the change; the old owner's timers are
// gone.
func TestLoadDeliveryStreamResumesTransitions(t *testing.T) {
	ctx := context.Background()
	e := placementNodes(t, Config{}, Config{CreateDelay: 10 * time.Millisecond, DeleteDelay: 10 * time.Millisecond, UpdateDelay: 10 * time.Millisecond})
	// a's own timers would not fire during the test.
	e.a.cfg.CreateDelay, e.a.cfg.DeleteDelay, e.a.cfg.UpdateDelay = time.Hour, time.Hour, time.Hour
	createAt(t, e.a, "d3")
	if err := e.a.DeleteDeliveryStream(ctx, placementCaller, "d2"); err != nil {
		t.Fatal(err)
	}
	if err := e.a.StartEncryption(ctx, placementCaller, "d1", &Encryption{KeyType: KeyAWSOwned}); err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{}
	for _, name := range []string{"d1", "d2", "d3"} {
		ids[name] = e.id(t, name)
		e.a.DropDeliveryStream(ids[name])
	}
	e.a.mu.Lock()
	stale := len(e.a.timers)
	e.a.mu.Unlock()
	if stale != 0 {
		t.Fatalf("the old owner kept %d timers", stale)
	}
	for _, name := range []string{"d1", "d2", "d3"} {
		if err := e.b.LoadDeliveryStream(ctx, ids[name]); err != nil {
			t.Fatal(err)
		}
	}
	waitUntil(t, "the new owner to activate d3", func() bool {
		ds, err := e.b.DescribeDeliveryStream(placementCaller, "d3")
		return err == nil && ds.Status == StatusActive
	})
	waitUntil(t, "the new owner to enable encryption on d1", func() bool {
		ds, err := e.b.DescribeDeliveryStream(placementCaller, "d1")
		return err == nil && ds.Encryption.Status == EncryptionEnabled
	})
	d2Key := metaKey(&DeliveryStream{Account: placementCaller.Account, Region: placementCaller.Region, Name: "d2"})
	waitUntil(t, "the new owner to delete d2", func() bool {
		_, err := e.meta.Get(ctx, d2Key)
		return errors.Is(err, storage.ErrNotFound)
	})
	// The old owner follows what the new one did.
	if err := e.a.FollowAll(ctx); err != nil {
		t.Fatal(err)
	}
	if ds, err := e.a.DescribeDeliveryStream(placementCaller, "d3"); err != nil || ds.Status != StatusActive {
		t.Fatalf("d3 at the old owner after following: %+v, %v", ds, err)
	}
	if ds, err := e.a.DescribeDeliveryStream(placementCaller, "d1"); err != nil || ds.Encryption.Status != EncryptionEnabled {
		t.Fatalf("d1 at the old owner after following: %+v, %v", ds, err)
	}
	_, err := e.a.DescribeDeliveryStream(placementCaller, "d2")
	wantKind(t, "d2 at the old owner after following", err, KindNotFound)
}

// A follower rereads what the owner changed: tags, a new delivery stream,
// a deletion; its own delivery streams it leaves alone.
func TestFollowRereadsOthersDeliveryStreams(t *testing.T) {
	ctx := context.Background()
	e := placementNodes(t, Config{}, Config{})
	key := func(name string) string {
		return metaKey(&DeliveryStream{Account: placementCaller.Account, Region: placementCaller.Region, Name: name})
	}
	if err := e.a.TagDeliveryStream(ctx, placementCaller, "d1", []Tag{{"team", "x"}}); err != nil {
		t.Fatal(err)
	}
	if err := e.b.Follow(ctx, key("d1")); err != nil {
		t.Fatal(err)
	}
	tags, _, err := e.b.ListTags(placementCaller, "d1", "", 10)
	if err != nil || len(tags) != 1 || tags[0].Value != "x" {
		t.Fatalf("tags the follower sees: %v, %v", tags, err)
	}

	createAt(t, e.a, "d3")
	if err := e.b.Follow(ctx, key("d3")); err != nil {
		t.Fatal(err)
	}
	if _, err := e.b.DescribeDeliveryStream(placementCaller, "d3"); err != nil {
		t.Fatalf("a delivery stream created elsewhere, followed: %v", err)
	}
	wantElsewhere(t, "PutRecord to a followed new delivery stream", putAt(e.b, "d3", "x"))

	if err := e.a.DeleteDeliveryStream(ctx, placementCaller, "d1"); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the owner to delete d1", func() bool {
		_, err := e.meta.Get(ctx, key("d1"))
		return errors.Is(err, storage.ErrNotFound)
	})
	if err := e.b.Follow(ctx, key("d1")); err != nil {
		t.Fatal(err)
	}
	_, err = e.b.DescribeDeliveryStream(placementCaller, "d1")
	wantKind(t, "a delivery stream deleted elsewhere, followed", err, KindNotFound)

	// b owns d2 now; a rereading its metadata does not make it remote at b.
	id := e.id(t, "d2")
	e.a.DropDeliveryStream(id)
	if err := e.b.LoadDeliveryStream(ctx, id); err != nil {
		t.Fatal(err)
	}
	if err := e.b.Follow(ctx, key("d2")); err != nil {
		t.Fatal(err)
	}
	if err := putAt(e.b, "d2", "x"); err != nil {
		t.Fatalf("the owner followed its own delivery stream and lost it: %v", err)
	}
	if err := e.b.Follow(ctx, "firehose/streams/a/b"); err == nil {
		t.Fatal("Follow took a key that is not a delivery stream's")
	}
}

// FollowAll catches up on what a watch that started over missed: a
// delivery stream created, one changed and one deleted elsewhere
// meanwhile.
func TestFollowAllCatchesUp(t *testing.T) {
	ctx := context.Background()
	e := placementNodes(t, Config{}, Config{})
	createAt(t, e.a, "d3")
	if err := e.a.TagDeliveryStream(ctx, placementCaller, "d2", []Tag{{"team", "y"}}); err != nil {
		t.Fatal(err)
	}
	if err := e.a.DeleteDeliveryStream(ctx, placementCaller, "d1"); err != nil {
		t.Fatal(err)
	}
	d1Key := metaKey(&DeliveryStream{Account: placementCaller.Account, Region: placementCaller.Region, Name: "d1"})
	waitUntil(t, "the owner to delete d1", func() bool {
		_, err := e.meta.Get(ctx, d1Key)
		return errors.Is(err, storage.ErrNotFound)
	})
	if err := e.b.FollowAll(ctx); err != nil {
		t.Fatal(err)
	}
	names, _ := e.b.ListDeliveryStreams(placementCaller, "", "", 10)
	if !slices.Equal(names, []string{"d2", "d3"}) {
		t.Fatalf("delivery streams the follower lists after FollowAll: %v", names)
	}
	tags, _, err := e.b.ListTags(placementCaller, "d2", "", 10)
	if err != nil || len(tags) != 1 || tags[0].Value != "y" {
		t.Fatalf("tags the follower sees after FollowAll: %v, %v", tags, err)
	}
}
