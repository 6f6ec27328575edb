package fragments

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

func TestIngestStoreReload(t *testing.T) {
	e := newEnv(t, Config{MaxRecordBytes: 1000})
	fs := e.stream(testStream(24))
	b, clusters := body(3)
	acks, err := ingest(fs, bytes.NewReader(b), IngestParams{Relative: true, ProducerStart: time.UnixMilli(1_600_000_000_000)})
	if err != nil {
		t.Fatal(err)
	}
	if got := events(acks); got != "B R P B R P B R P" {
		t.Fatalf("acks %s", got)
	}
	check := func(fs *Stream) {
		t.Helper()
		frags := fs.Fragments()
		if len(frags) != 3 {
			t.Fatalf("%d fragments", len(frags))
		}
		for i, f := range frags {
			if f.Number() != acks[3*i].FragmentNumber || len(f.Number()) != 47 {
				t.Errorf("fragment %d number %s, ACK %s", i, f.Number(), acks[3*i].FragmentNumber)
			}
			if i > 0 && f.Number() <= frags[i-1].Number() {
				t.Errorf("numbers not increasing")
			}
			if f.ProducerMillis != 1_600_000_000_000+int64(2000*i) || f.ServerMillis != 1_700_000_000_000 || f.DurationMillis != 2000 {
				t.Errorf("fragment %d: %+v", i, f)
			}
			h, c, err := fs.Media(f)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(h, testHeader().Raw) || !bytes.Equal(c, clusters[i]) {
				t.Errorf("fragment %d media differ", i)
			}
			if got, err := fs.Lookup(f.Number()); err != nil || got.Pos != f.Pos {
				t.Errorf("lookup: %v %v", got, err)
			}
		}
	}
	check(fs)
	e.reopen()
	fs = e.stream(testStream(24))
	check(fs)
	// New sessions after the restart go on with greater numbers.
	last := fs.Fragments()[2].Number()
	acks, err = ingest(fs, bytes.NewReader(b[:len(testHeader().Raw)+len(clusters[0])]), IngestParams{})
	if err != nil || events(acks) != "B R P" || acks[0].FragmentNumber <= last {
		t.Fatalf("%s %v", events(acks), err)
	}
}

func TestIngestErrors(t *testing.T) {
	e := newEnv(t, Config{})
	fs := e.stream(testStream(1))
	h := testHeader().Raw
	cat := func(parts ...[]byte) io.Reader { return bytes.NewReader(bytes.Join(parts, nil)) }
	for _, tc := range []struct {
		name string
		body io.Reader
		want string
		err  bool
	}{
		{"garbage", strings.NewReader("this is not matroska at all"), "EINVALID_MKV_DATA", true},
		{"backwards", cat(h, cluster(2000, 10, 10, false), cluster(1000, 10, 10, false), cluster(4000, 10, 10, false)),
			"B R P B EFRAGMENT_TIMECODE_LESSER_THAN_PREVIOUS B R P", false},
		{"no key frame", cat(h, cluster(0, 10, 10, true)), "B EINVALID_MKV_DATA", false},
		{"too long", cat(h, cluster(0, 300, 1, false)), "B EMAX_FRAGMENT_DURATION_REACHED", false},
		{"truncated", cat(h, cluster(0, 10, 10, false)[:50]), "B EINVALID_MKV_DATA", true},
	} {
		acks, err := ingest(fs, tc.body, IngestParams{})
		if got := events(acks); got != tc.want || (err != nil) != tc.err {
			t.Errorf("%s: acks %s, err %v; want %s", tc.name, got, err, tc.want)
		}
	}
	if n := len(fs.Fragments()); n != 2 {
		t.Errorf("%d fragments stored, want 2", n)
	}
}

func TestNoRetention(t *testing.T) {
	e := newEnv(t, Config{})
	fs := e.stream(testStream(0))
	b, _ := body(2)
	acks, err := ingest(fs, bytes.NewReader(b), IngestParams{})
	if err != nil || events(acks) != "B R B R" {
		t.Fatalf("%s %v", events(acks), err)
	}
	if len(fs.Fragments()) != 2 {
		t.Fatal("live buffer empty")
	}
	e.clock.Advance(DefaultLiveBuffer + time.Second)
	if len(fs.Fragments()) != 0 {
		t.Fatal("live buffer not expired")
	}
}

func TestRetention(t *testing.T) {
	e := newEnv(t, Config{})
	fs := e.stream(testStream(1))
	b, _ := body(2)
	if _, err := ingest(fs, bytes.NewReader(b), IngestParams{}); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(30 * time.Minute)
	if _, err := ingest(fs, bytes.NewReader(b), IngestParams{}); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(45 * time.Minute)
	e.store.ExpireNow()
	frags := fs.Fragments()
	if len(frags) != 2 {
		t.Fatalf("%d fragments after an hour and a quarter", len(frags))
	}
	for _, f := range frags {
		if _, _, err := fs.Media(f); err != nil {
			t.Fatal(err)
		}
	}
	e.reopen()
	if n := len(e.stream(testStream(1)).Fragments()); n != 2 {
		t.Fatalf("%d fragments after reopening", n)
	}
}

func TestDeletionEndsSessionsAndReaders(t *testing.T) {
	e := newEnv(t, Config{})
	st := testStream(1)
	fs := e.stream(st)
	pr, pw := io.Pipe()
	b, _ := body(1)
	go pw.Write(b)
	done := make(chan []Ack)
	var ierr error
	go func() {
		acks, err := ingest(fs, pr, IngestParams{Interrupt: func() { pr.CloseWithError(errors.New("interrupted")) }})
		ierr = err
		done <- acks
	}()
	next := make(chan error)
	go func() {
		_, err := fs.Next(t.Context(), fs.Edge()+5)
		next <- err
	}()
	for len(fs.Fragments()) == 0 {
		time.Sleep(time.Millisecond)
	}
	e.store.Closing(t.Context(), st)
	acks := <-done
	if got := events(acks); got != "B R P ESTREAM_NOT_ACTIVE" || !errors.Is(ierr, ErrDeleted) {
		t.Errorf("acks %s, err %v", got, ierr)
	}
	if err := <-next; !errors.Is(err, ErrDeleted) {
		t.Errorf("reader: %v", err)
	}
}
