package fragments

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"time"
)

func TestAdmitCallRates(t *testing.T) {
	e := newEnv(t, Config{Limits: true})
	fs := e.stream(testStream(1))
	for i := range 5 {
		if err := fs.Admit("GetMedia"); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	if err := fs.Admit("GetMedia"); !errors.Is(err, ErrRateExceeded) {
		t.Fatalf("sixth GetMedia in a second: %v", err)
	}
	if err := fs.Admit("ListFragments"); err != nil {
		t.Fatalf("another API has its own rate: %v", err)
	}
	if err := fs.Admit("GetClip"); err != nil {
		t.Fatal(err)
	}
	if err := fs.Admit("GetClip"); !errors.Is(err, ErrRateExceeded) {
		t.Fatalf("GetClip is 1 TPS: %v", err)
	}
	e.clock.Advance(time.Second)
	if err := fs.Admit("GetMedia"); err != nil {
		t.Fatalf("after a second: %v", err)
	}
	if got := e.store.Stats().Throttled; got["GetMedia"] != 1 || got["GetClip"] != 1 {
		t.Fatalf("throttled %v", got)
	}

	off := newEnv(t, Config{})
	fs = off.stream(testStream(1))
	for i := range 20 {
		if err := fs.Admit("GetClip"); err != nil {
			t.Fatalf("limits off, call %d: %v", i, err)
		}
	}
}

// PutMedia's fragments are read at most 5 a second per stream: a producer
// sending faster is slowed down, and every fragment is stored.
func TestIngestFragmentRate(t *testing.T) {
	b, _ := body(10)
	for _, limits := range []bool{false, true} {
		e := newEnv(t, Config{Limits: limits})
		fs := e.stream(testStream(1))
		start := time.Now()
		acks, err := ingest(fs, bytes.NewReader(b), IngestParams{})
		took := time.Since(start)
		if err != nil || len(fs.Fragments()) != 10 || len(acks) != 30 {
			t.Fatalf("limits %v: %d fragments, %d ACKs, %v", limits, len(fs.Fragments()), len(acks), err)
		}
		// 5 at once, then 5 more at 5 a second.
		if limits && took < 800*time.Millisecond {
			t.Errorf("10 fragments stored in %v with limits on", took)
		}
		if !limits && took > 800*time.Millisecond {
			t.Errorf("10 fragments took %v with limits off", took)
		}
	}
}

// A PutMedia connection open longer than MaxConnection gets ERROR 4003 and
// ends.
func TestIngestConnectionTooLong(t *testing.T) {
	e := newEnv(t, Config{Limits: true, MaxConnection: 100 * time.Millisecond})
	fs := e.stream(testStream(1))
	pr, pw := io.Pipe()
	b, _ := body(1)
	go pw.Write(b)
	defer pw.Close()
	start := time.Now()
	acks, err := ingest(fs, pr, IngestParams{Interrupt: func() { pr.CloseWithError(errors.New("interrupted")) }})
	if !errors.Is(err, ErrConnectionTooLong) || events(acks) != "B R P EMAX_CONNECTION_DURATION_REACHED" {
		t.Fatalf("acks %s, err %v", events(acks), err)
	}
	if acks[3].ErrorID != 4003 {
		t.Fatalf("ErrorId %d", acks[3].ErrorID)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Fatalf("cut after %v", took)
	}
	if got := e.store.Stats().AckErrors[ErrorConnectionTooLong]; got != 1 {
		t.Fatalf("ACK errors 4003: %d", got)
	}
}

func TestStats(t *testing.T) {
	e := newEnv(t, Config{})
	fs := e.stream(testStream(1))
	b, clusters := body(3)
	if _, err := ingest(fs, bytes.NewReader(b), IngestParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := ingest(fs, bytes.NewReader(append(testHeader().Raw, cluster(0, 10, 10, true)...)), IngestParams{}); err != nil {
		t.Fatal(err)
	}
	release, err := fs.AcquireReader()
	if err != nil {
		t.Fatal(err)
	}
	fs.Served("GetMedia", len(clusters[0]))
	e.store.CountPlayback("hls_media_playlist")
	st := e.store.Stats()
	release()
	if st.FragmentsPersisted != 3 || st.BytesIn < int64(len(b)) || st.Readers != 1 || st.SessionsOpen != 0 {
		t.Fatalf("%+v", st)
	}
	if st.AckErrors[4006] != 1 || st.FragmentsServed["GetMedia"] != 1 || st.BytesServed["GetMedia"] != int64(len(clusters[0])) ||
		st.Playback["hls_media_playlist"] != 1 {
		t.Fatalf("%+v", st)
	}
	if st.PersistCount != 3 || st.PersistCounts[len(PersistBuckets)-1] != 3 {
		t.Fatalf("latency %d %v", st.PersistCount, st.PersistCounts)
	}
	if e.store.Stats().Readers != 0 {
		t.Fatal("reader not released")
	}
}
