package fragments

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"sluice/internal/kms"
	"sluice/internal/storage"
	"sluice/internal/storage/embedded"
	"sluice/internal/video"
)

// sealedEnv is an env whose store seals, with the local key file's
// managed key, in records of at most 1,000 bytes (a fragment in several).
func sealedEnv(t *testing.T) (*env, *kms.LocalKeys) {
	t.Helper()
	keys, err := kms.OpenLocal(filepath.Join(t.TempDir(), "keys.json"), nil)
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, Config{Keys: keys, MaxRecordBytes: 1000, DataKeyLifetime: time.Minute, DataKeyRecheck: time.Minute})
	return e, keys
}

// hasRun reports whether b holds n equal bytes in a row (the test frames
// do; sealed bytes, by chance, never).
func hasRun(b []byte, n int) bool {
	run := 0
	for i := range b {
		if i > 0 && b[i] == b[i-1] {
			run++
		} else {
			run = 1
		}
		if run >= n {
			return true
		}
	}
	return false
}

func sealedStream() *video.Stream {
	return &video.Stream{ID: "abc123", Name: "cam", RetentionHours: 24, Account: "000000000000", Region: "us-east-1",
		KmsKeyID: "arn:aws:kms:us-east-1:000000000000:alias/aws/kinesisvideo"}
}

// TestSealedFragments: media and headers are stored sealed, in several
// records a fragment, and read back as put, before and after a reopen;
// the index records stay as they are.
func TestSealedFragments(t *testing.T) {
	e, _ := sealedEnv(t)
	fs := e.stream(sealedStream())
	b, cs := body(3)
	if acks, err := ingest(fs, bytes.NewReader(b), IngestParams{}); err != nil || events(acks) != "B R P B R P B R P" {
		t.Fatalf("ingest: %s %v", events(acks), err)
	}
	check := func(fs *Stream) {
		t.Helper()
		frags := fs.Fragments()
		if len(frags) != 3 {
			t.Fatalf("%d fragments", len(frags))
		}
		for i, f := range frags {
			h, c, err := fs.Media(f)
			if err != nil || !bytes.Equal(h, testHeader().Raw) || !bytes.Equal(c, cs[i]) {
				t.Fatalf("fragment %d: %v", i, err)
			}
		}
	}
	check(fs)
	parts := 0
	for _, c := range cs {
		parts += (len(c) + 999) / 1000
	}
	for shard, want := range map[uint32]int{shardMedia: parts, shardHeader: 1} {
		recs, _, err := fs.log.Read(shard, 1, 100, 0, 0)
		if err != nil || len(recs) != want {
			t.Fatalf("shard %d: %d records, want %d, %v", shard, len(recs), want, err)
		}
		for _, r := range recs {
			if r.PartitionKey != sealedKey || hasRun(r.Data, 32) || bytes.Contains(r.Data, []byte("V_MPEG4")) {
				t.Fatalf("shard %d record %d is not sealed", shard, r.Seq)
			}
		}
	}
	if recs, _, _ := fs.log.Read(shardIndex, 1, 100, 0, 0); len(recs) != 3 || recs[0].PartitionKey != "" {
		t.Fatalf("index records: %+v", recs)
	}
	e.reopen()
	check(e.stream(sealedStream()))
}

// TestSealedRecordsMoved: a sealed media record read as another
// fragment's, or under another stream's ID, or whose data key is gone,
// is not the fragment's (the reader skips it as damaged).
func TestSealedRecordsMoved(t *testing.T) {
	ctx := context.Background()
	e, _ := sealedEnv(t)
	fs := e.stream(sealedStream())
	b, _ := body(2)
	if _, err := ingest(fs, bytes.NewReader(b), IngestParams{}); err != nil {
		t.Fatal(err)
	}
	frags := fs.Fragments()
	recs, _, err := fs.log.Read(shardMedia, frags[0].media, 1, 0, 0)
	if err != nil || len(recs) != 1 {
		t.Fatal(err)
	}
	if _, err := fs.open(ctx, &recs[0], strconv.FormatUint(frags[1].Seq, 10)); !errors.Is(err, errNotOurs) {
		t.Fatalf("as another fragment's: %v", err)
	}
	other := sealedStream()
	other.ID = "other"
	if _, err := e.stream(other).open(ctx, &recs[0], strconv.FormatUint(frags[0].Seq, 10)); !errors.Is(err, errNotOurs) {
		t.Fatalf("as another stream's: %v", err)
	}
	if err := e.b.Meta().Update(ctx, func(tx storage.MetaTx) error {
		var keys []string
		e.b.Meta().Scan(ctx, dataKeyPrefix("abc123"), func(k string, _ []byte) error { keys = append(keys, k); return nil })
		for _, k := range keys {
			if err := tx.Delete(k); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	e.reopen()
	fs = e.stream(sealedStream())
	if _, _, err := fs.Media(fs.Fragments()[0]); !errors.Is(err, ErrDamaged) {
		t.Fatalf("with its data key gone: %v", err)
	}
}

// TestSealedKeyDisabled: once the stream's key is disabled and the data
// keys are due, reads are KMSErrors 4501 and ingest ends with ERROR 4501;
// enabled again, both work.
func TestSealedKeyDisabled(t *testing.T) {
	e, keys := sealedEnv(t)
	st := sealedStream()
	fs := e.stream(st)
	b, cs := body(1)
	if _, err := ingest(fs, bytes.NewReader(b), IngestParams{}); err != nil {
		t.Fatal(err)
	}
	scope := kms.Scope{Account: st.Account, Region: st.Region}
	if _, err := keys.SetState(scope, st.KmsKeyID, kms.StateDisabled); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(2 * time.Minute)
	var ke *KMSError
	if _, _, err := fs.Media(fs.Fragments()[0]); !errors.As(err, &ke) || ke.ID != ErrorKMSDisabled || ke.Code != "KMS_KEY_DISABLED" {
		t.Fatalf("read with the key disabled: %v", err)
	}
	b2, _ := body(2)
	acks, err := ingest(fs, bytes.NewReader(b2), IngestParams{})
	if !errors.As(err, &ke) || events(acks) != "B R EKMS_KEY_DISABLED" {
		t.Fatalf("ingest with the key disabled: %s %v", events(acks), err)
	}
	if _, err := keys.SetState(scope, st.KmsKeyID, kms.StateEnabled); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(2 * time.Minute)
	if _, c, err := fs.Media(fs.Fragments()[0]); err != nil || !bytes.Equal(c, cs[0]) {
		t.Fatalf("read with the key enabled again: %v", err)
	}
}

// FuzzOpenRecord feeds the fragment reader what the log could hand back
// as a media record: open never panics, a plaintext record passes as it
// is when its partition key is the fragment's, and nothing under the
// sealed partition key opens but the record sealed for that fragment.
func FuzzOpenRecord(f *testing.F) {
	ctx := context.Background()
	keys, err := kms.OpenLocal(filepath.Join(f.TempDir(), "keys.json"), nil)
	if err != nil {
		f.Fatal(err)
	}
	b, err := embedded.Open(embedded.Options{Dir: f.TempDir()})
	if err != nil {
		f.Fatal(err)
	}
	store := New(Config{Keys: keys, Meta: b.Meta()}, b.Records())
	f.Cleanup(func() { store.Close(); b.Close() })
	fs, err := store.Open(ctx, sealedStream())
	if err != nil {
		f.Fatal(err)
	}
	batch := []storage.Batch{{Records: []storage.Record{{PartitionKey: "42", Data: []byte("media")}}}}
	if err := fs.seal(ctx, batch); err != nil {
		f.Fatal(err)
	}
	good := batch[0].Records[0].Data
	f.Add(sealedKey, good)
	f.Add(sealedKey, good[:len(good)-1])
	f.Add("42", []byte("plain"))
	f.Add("43", []byte("plain"))
	f.Add("", good)
	f.Fuzz(func(t *testing.T, pk string, b []byte) {
		data, err := fs.open(ctx, &storage.StoredRecord{Seq: 1, PartitionKey: pk, Data: b}, "42")
		var ke *KMSError
		switch {
		case errors.As(err, &ke):
			t.Fatalf("%q %x: a KMS error %v", pk, b, err)
		case pk == "42":
			if err != nil || !bytes.Equal(data, b) {
				t.Fatalf("a plaintext record came back as %q, %v", data, err)
			}
		case pk == sealedKey && bytes.Equal(b, good):
			if err != nil || string(data) != "media" {
				t.Fatalf("the sealed record came back as %q, %v", data, err)
			}
		case err == nil:
			t.Fatalf("%q %x opened as %q", pk, b, data)
		}
	})
}

// TestDataKeysPrunedAndDeleted: a stream's data keys stay while a record
// they sealed is in its log, and go with the stream.
func TestDataKeysPrunedAndDeleted(t *testing.T) {
	ctx := context.Background()
	e, _ := sealedEnv(t)
	st := sealedStream()
	fs := e.stream(st)
	b, _ := body(1)
	if _, err := ingest(fs, bytes.NewReader(b), IngestParams{}); err != nil {
		t.Fatal(err)
	}
	count := func() int {
		n := 0
		e.b.Meta().Scan(ctx, dataKeyPrefix(st.ID), func(string, []byte) error { n++; return nil })
		return n
	}
	e.clock.Advance(time.Hour)
	fs.pruneDataKeys(ctx)
	if count() != 1 {
		t.Fatalf("%d data keys while a fragment they sealed is stored", count())
	}
	e.store.Closing(ctx, st)
	if count() != 0 {
		t.Fatalf("%d data keys left after the stream was deleted", count())
	}
}
