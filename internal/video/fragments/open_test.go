package fragments

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sluice/internal/storage"
	"sluice/internal/video"
)

// gatedRecords holds up the Open of one log until its gate is closed, as a
// slow disk would, and counts the Opens.
type gatedRecords struct {
	storage.RecordStore
	slow    string
	gate    chan struct{}
	started chan struct{}
	once    sync.Once
	opened  sync.Once
	opens   atomic.Int64
}

// open lets the slow log's Open go on.
func (g *gatedRecords) open() { g.opened.Do(func() { close(g.gate) }) }

func (g *gatedRecords) Open(ctx context.Context, id string) (storage.Log, error) {
	g.opens.Add(1)
	if id == g.slow {
		g.once.Do(func() { close(g.started) })
		<-g.gate
	}
	return g.RecordStore.Open(ctx, id)
}

func gatedEnv(t *testing.T, slow *video.Stream) (*env, *gatedRecords) {
	e := newEnv(t, Config{})
	g := &gatedRecords{RecordStore: e.b.Records(), slow: slow.LogID(), gate: make(chan struct{}), started: make(chan struct{})}
	e.store.Close()
	e.store = New(Config{Now: e.clock.Now}, g)
	t.Cleanup(g.open) // before the store closes, should the test fail early
	return e, g
}

// A stream whose log is slow to load holds up no other stream's Open.
func TestOpenLoadsOutsideTheStoreLock(t *testing.T) {
	slow := &video.Stream{ID: "slow1", Name: "slow", RetentionHours: 1}
	e, g := gatedEnv(t, slow)
	opened := make(chan error, 1)
	go func() {
		_, err := e.store.Open(context.Background(), slow)
		opened <- err
	}()
	<-g.started
	done := make(chan error, 1)
	go func() {
		_, err := e.store.Open(context.Background(), &video.Stream{ID: "fast1", Name: "fast", RetentionHours: 1})
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("opening a stream waited for another stream's load")
	}
	g.open()
	if err := <-opened; err != nil {
		t.Fatal(err)
	}
}

// Concurrent first uses of a stream load it once and share it.
func TestOpenLoadsOnce(t *testing.T) {
	slow := &video.Stream{ID: "slow1", Name: "slow", RetentionHours: 1}
	e, g := gatedEnv(t, slow)
	const n = 8
	got := make([]*Stream, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fs, err := e.store.Open(context.Background(), slow)
			if err != nil {
				t.Error(err)
			}
			got[i] = fs
		}()
	}
	<-g.started
	time.Sleep(10 * time.Millisecond) // let the others queue behind the load
	g.open()
	wg.Wait()
	for _, fs := range got {
		if fs == nil || fs != got[0] {
			t.Fatal("Opens of one stream returned different streams")
		}
	}
	if n := g.opens.Load(); n != 1 {
		t.Fatalf("the log was opened %d times", n)
	}
}

// Closing during a load waits for it; the Open gets ErrDeleted and a later
// Open loads the stream afresh.
func TestClosingDuringLoad(t *testing.T) {
	slow := &video.Stream{ID: "slow1", Name: "slow", RetentionHours: 1}
	e, g := gatedEnv(t, slow)
	opened := make(chan error, 1)
	go func() {
		_, err := e.store.Open(context.Background(), slow)
		opened <- err
	}()
	<-g.started
	closed := make(chan struct{})
	go func() {
		e.store.Closing(context.Background(), slow)
		close(closed)
	}()
	select {
	case <-closed:
		t.Fatal("Closing returned while the stream's log was still loading")
	case <-time.After(20 * time.Millisecond):
	}
	g.open()
	<-closed
	if err := <-opened; !errors.Is(err, ErrDeleted) {
		t.Fatalf("Open during Closing: %v", err)
	}
	fs, err := e.store.Open(context.Background(), slow)
	if err != nil || fs.Err() != nil {
		t.Fatalf("Open after Closing: %v %v", err, fs.Err())
	}
}

// Close during a load waits for it; the Open gets ErrClosed.
func TestCloseDuringLoad(t *testing.T) {
	slow := &video.Stream{ID: "slow1", Name: "slow", RetentionHours: 1}
	e, g := gatedEnv(t, slow)
	opened := make(chan error, 1)
	go func() {
		_, err := e.store.Open(context.Background(), slow)
		opened <- err
	}()
	<-g.started
	closed := make(chan struct{})
	go func() {
		e.store.Close()
		close(closed)
	}()
	select {
	case <-closed:
		t.Fatal("Close returned while a log was still loading")
	case <-time.After(20 * time.Millisecond):
	}
	g.open()
	<-closed
	if err := <-opened; !errors.Is(err, ErrClosed) {
		t.Fatalf("Open during Close: %v", err)
	}
	if _, err := e.store.Open(context.Background(), slow); !errors.Is(err, ErrClosed) {
		t.Fatalf("Open after Close: %v", err)
	}
}
