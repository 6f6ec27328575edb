package firehose

import (
	"bytes"
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"sluice/internal/kms"
	"sluice/internal/objectstore"
	"sluice/internal/storage"
	"sluice/internal/storage/embedded"
)

type sseEnv struct {
	svc  *Service
	keys *kms.LocalKeys
	c    Caller
}

func newSSEEnv(t testing.TB) *sseEnv {
	t.Helper()
	dir := t.TempDir()
	backend, err := embedded.Open(embedded.Options{Dir: filepath.Join(dir, "data")})
	if err != nil {
		t.Fatal(err)
	}
	keys, err := kms.OpenLocal(filepath.Join(dir, "keys.json"), nil)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := New(context.Background(), Config{Store: &objectstore.Dir{Root: filepath.Join(dir, "s3")}, Keys: keys}, backend)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close(); backend.Close() })
	e := &sseEnv{svc: svc, keys: keys, c: Caller{Account: "000000000000", Region: "us-east-1"}}
	if _, err := svc.CreateDeliveryStream(context.Background(), e.c, CreateParams{Name: "d", S3: &S3Destination{BucketARN: "arn:aws:s3:::b", IntervalInSeconds: 900}}); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *sseEnv) live(t testing.TB) *live {
	l, err := e.svc.get(e.c, "d")
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// TestSealedRecords: records put while encryption is ENABLED are stored
// sealed, with the sealed partition key and the plaintext's size; the
// log's readers get them back as put, among plaintext ones.
func TestSealedRecords(t *testing.T) {
	ctx := context.Background()
	e := newSSEEnv(t)
	if _, _, err := e.svc.Put(ctx, e.c, "d", [][]byte{[]byte("plain")}); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.StartEncryption(ctx, e.c, "d", &Encryption{KeyType: KeyAWSOwned}); err != nil {
		t.Fatal(err)
	}
	ds, _, err := e.svc.Put(ctx, e.c, "d", [][]byte{[]byte("secret-1"), []byte("")})
	if err != nil || !ds.Encryption.Encrypts() || ds.Encryption.Status != EncryptionEnabled {
		t.Fatalf("put: %+v %v", ds.Encryption, err)
	}
	l := e.live(t)
	raw, _, err := l.log.Log.Read(0, 1, 10, 1<<20, 0)
	if err != nil || len(raw) != 3 {
		t.Fatalf("raw read: %d %v", len(raw), err)
	}
	if raw[0].PartitionKey != "" || string(raw[0].Data) != "plain" {
		t.Fatalf("a plaintext record stored as %q %q", raw[0].PartitionKey, raw[0].Data)
	}
	for i, want := range []int64{8, 0} {
		r := raw[i+1]
		if r.PartitionKey != sealedKey || bytes.Contains(r.Data, []byte("secret")) || storedSize(&r) != want {
			t.Fatalf("sealed record %d: %q, size %d", i, r.PartitionKey, storedSize(&r))
		}
	}
	recs, _, err := l.log.Read(0, 1, 10, 1<<20, 0)
	if err != nil || len(recs) != 3 || string(recs[0].Data) != "plain" || string(recs[1].Data) != "secret-1" || len(recs[2].Data) != 0 ||
		recs[1].PartitionKey != "" || recs[1].Seq != 2 {
		t.Fatalf("read: %+v %v", recs, err)
	}
	if err := e.svc.StopEncryption(ctx, e.c, "d"); err != nil {
		t.Fatal(err)
	}
	if ds, _ := e.svc.DescribeDeliveryStream(e.c, "d"); ds.Encryption.Status != EncryptionDisabled || ds.Encryption.Encrypts() {
		t.Fatalf("after stop: %+v", ds.Encryption)
	}
}

// TestEncryptionMigration: a delivery stream an earlier build recorded as
// ENABLED, without a sealing key, is settled at start: ENABLED with the
// key, sealing from then on.
func TestEncryptionMigration(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	keys, err := kms.OpenLocal(filepath.Join(dir, "keys.json"), nil)
	if err != nil {
		t.Fatal(err)
	}
	open := func() (*Service, func()) {
		backend, err := embedded.Open(embedded.Options{Dir: filepath.Join(dir, "data")})
		if err != nil {
			t.Fatal(err)
		}
		svc, err := New(ctx, Config{Store: &objectstore.Dir{Root: filepath.Join(dir, "s3")}, Keys: keys}, backend)
		if err != nil {
			t.Fatal(err)
		}
		return svc, func() { svc.Close(); backend.Close() }
	}
	svc, stop := open()
	c := Caller{Account: "000000000000", Region: "us-east-1"}
	if _, err := svc.CreateDeliveryStream(ctx, c, CreateParams{Name: "old", S3: &S3Destination{BucketARN: "arn:aws:s3:::b"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.update(ctx, c, "old", func(ds *DeliveryStream) error {
		ds.Encryption = Encryption{Status: EncryptionEnabled, KeyType: KeyAWSOwned} // as earlier builds stored it
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	stop()
	svc, stop = open()
	defer stop()
	deadline := time.Now().Add(5 * time.Second)
	for {
		ds, err := svc.DescribeDeliveryStream(c, "old")
		if err != nil {
			t.Fatal(err)
		}
		if ds.Encryption.Status == EncryptionEnabled && ds.Encryption.Key == ownedKey {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not settled: %+v", ds.Encryption)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if ds, _, err := svc.Put(ctx, c, "old", [][]byte{[]byte("x")}); err != nil || !ds.Encryption.Encrypts() {
		t.Fatalf("put after the migration: %v", err)
	}
}

func TestFailureOf(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&kms.Error{Code: kms.NotFound, Msg: "m"}, "KMS_KEY_NOT_FOUND"},
		{kmsErr(&kms.Error{Code: kms.Disabled, Msg: "m"}, "x"), "DISABLED_KMS_KEY"},
		{kmsErr(&kms.Error{Code: kms.AccessDenied, Msg: "m"}, "x"), "KMS_ACCESS_DENIED"},
		{kmsErr(&kms.Error{Code: kms.InvalidState, Msg: "m"}, "x"), "INVALID_KMS_KEY"},
		{kmsErr(&kms.Error{Code: kms.Throttled, Msg: "m"}, "x"), "UNKNOWN_ERROR"},
		{context.DeadlineExceeded, "UNKNOWN_ERROR"},
	} {
		if f := failureOf(tc.err); f.Type != tc.want || f.Details == "" {
			t.Errorf("%v: %+v, want %s", tc.err, f, tc.want)
		}
	}
}

// FuzzOpenRecords feeds a delivery stream's log readers what the log could
// hand back: openRecords never panics, passes plaintext records through
// as they are, and opens nothing but the record it sealed (anything else
// under the sealed partition key is skipped as damaged).
func FuzzOpenRecords(f *testing.F) {
	ctx := context.Background()
	e := newSSEEnv(f)
	l := e.live(f)
	sl, err := e.svc.sealer(ctx, l, ownedKey)
	if err != nil {
		f.Fatal(err)
	}
	good := sl.Seal(nil, "", []byte("data"))
	withKey := sl.Seal(nil, "pk", []byte("data"))
	f.Add(true, good)
	f.Add(true, withKey)
	f.Add(true, good[:len(good)-1])
	f.Add(false, good)
	f.Add(false, []byte("plain"))
	f.Add(true, []byte{})
	f.Fuzz(func(t *testing.T, sealed bool, b []byte) {
		r := storage.StoredRecord{Seq: 7, Data: b}
		if sealed {
			r.PartitionKey = sealedKey
		}
		out, err := e.svc.openRecords(ctx, l, []storage.StoredRecord{r})
		if err != nil {
			t.Fatalf("%x: %v", b, err)
		}
		switch {
		case !sealed:
			if len(out) != 1 || !bytes.Equal(out[0].Data, b) || out[0].PartitionKey != "" {
				t.Fatalf("a plaintext record came back as %+v", out)
			}
		case bytes.Equal(b, good):
			if len(out) != 1 || string(out[0].Data) != "data" || out[0].PartitionKey != "" || out[0].Seq != 7 {
				t.Fatalf("the sealed record came back as %+v", out)
			}
		case len(out) != 0:
			t.Fatalf("%x opened as %+v", b, out)
		}
	})
}

// TestDataKeysPrunedAndDeleted: a data key is kept while a record it may
// have sealed is in the log, pruned once none can be, and every data key
// goes with the delivery stream.
func TestDataKeysPrunedAndDeleted(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	clk := &sseClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	backend, err := embedded.Open(embedded.Options{Dir: filepath.Join(dir, "data"), Now: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	keys, err := kms.OpenLocal(filepath.Join(dir, "keys.json"), nil)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := New(ctx, Config{Store: &objectstore.Dir{Root: filepath.Join(dir, "s3")}, Keys: keys, Now: clk.now}, backend)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close(); backend.Close() })
	c := Caller{Account: "000000000000", Region: "us-east-1"}
	if _, err := svc.CreateDeliveryStream(ctx, c, CreateParams{Name: "d", S3: &S3Destination{BucketARN: "arn:aws:s3:::b", IntervalInSeconds: 900}}); err != nil {
		t.Fatal(err)
	}
	if err := svc.StartEncryption(ctx, c, "d", &Encryption{KeyType: KeyAWSOwned}); err != nil {
		t.Fatal(err)
	}
	l, _ := svc.get(c, "d")
	id := l.snapshot().ID
	count := func() int {
		n := 0
		backend.Meta().Scan(ctx, dataKeyPrefix(id), func(string, []byte) error { n++; return nil })
		return n
	}
	if count() != 1 {
		t.Fatalf("%d data keys after StartEncryption", count())
	}
	// The log is empty: the key made at ENABLED seals nothing still there.
	clk.add(time.Hour)
	svc.pruneDataKeys(ctx, l)
	if count() != 0 {
		t.Fatalf("%d data keys left with an empty log", count())
	}
	if _, _, err := svc.Put(ctx, c, "d", [][]byte{[]byte("x")}); err != nil {
		t.Fatal(err)
	}
	clk.add(time.Hour)
	svc.pruneDataKeys(ctx, l)
	if count() != 1 {
		t.Fatalf("%d data keys while a record they sealed is in the log", count())
	}
	if recs, _, err := l.log.Read(0, 1, 10, 1<<20, 0); err != nil || len(recs) != 1 || string(recs[0].Data) != "x" {
		t.Fatalf("read after pruning: %+v %v", recs, err)
	}
	if err := svc.DeleteDeliveryStream(ctx, c, "d"); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(5 * time.Second); count() != 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d data keys left after the delivery stream was deleted", count())
		}
	}
}

type sseClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *sseClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *sseClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}
