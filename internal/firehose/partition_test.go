package firehose

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"sluice/internal/objectstore"
	"sluice/internal/storage/embedded"
)

// testClock is the real clock moved ahead by the test (the log stamps
// arrivals with the real clock).
type testClock struct {
	mu     sync.Mutex
	offset time.Duration
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

func (c *testClock) add(d time.Duration) {
	c.mu.Lock()
	c.offset += d
	c.mu.Unlock()
}

// partitionedService starts a Service with a test clock and a delivery
// stream "p" partitioned by the customer field of JSON records.
func partitionedService(t *testing.T) (*Service, *testClock, string) {
	return partitionedServiceWith(t, nil, -1)
}

// partitionedServiceWith is partitionedService with the object store
// wrapped by wrap (when not nil) and the partitioning retry duration.
func partitionedServiceWith(t *testing.T, wrap func(objectstore.Store) objectstore.Store, retrySeconds int64) (*Service, *testClock, string) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	clock := &testClock{}
	backend, err := embedded.Open(embedded.Options{Dir: dir, Now: clock.now})
	if err != nil {
		t.Fatal(err)
	}
	var store objectstore.Store = &objectstore.Dir{Root: dir + "/s3"}
	if wrap != nil {
		store = wrap(store)
	}
	svc, err := New(ctx, Config{Store: store, Now: clock.now, Tick: 5 * time.Millisecond}, backend)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close(); backend.Close() })
	_, err = svc.CreateDeliveryStream(ctx, testCaller, CreateParams{Name: "p", S3: &S3Destination{
		Extended: true, BucketARN: "arn:aws:s3:::b", IntervalInSeconds: 60,
		Prefix:            "customer=!{partitionKeyFromQuery:customer}/",
		ErrorOutputPrefix: "errors/!{firehose:error-output-type}/",
		Processing: Processing{Enabled: true, Processors: []Processor{
			{Type: "MetadataExtraction", Params: []Param{{"MetadataExtractionQuery", "{customer:.customer}"}, {"JsonParsingEngine", "JQ-1.6"}}},
			{Type: "AppendDelimiterToRecord"},
		}},
		Partitioning: &Partitioning{Enabled: true, RetrySeconds: retrySeconds},
	}})
	if err != nil {
		t.Fatal(err)
	}
	return svc, clock, filepath.Join(dir, "s3", "b")
}

var testCaller = Caller{Account: "000000000000", Region: "us-east-1"}

// objectsUnder lists the objects in a local bucket by key, with their
// contents.
func objectsUnder(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) || err != nil || d.IsDir() || strings.HasPrefix(d.Name(), ".put-") {
			return nil
		}
		b, _ := os.ReadFile(path)
		rel, _ := filepath.Rel(root, path)
		out[filepath.ToSlash(rel)] = string(b)
		return nil
	})
	return out
}

// waitFor waits until the bucket holds objects under n distinct prefixes
// (the key's directory).
func waitFor(t *testing.T, root string, n int) map[string]string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		objs := objectsUnder(t, root)
		if len(objs) >= n {
			return objs
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d objects after 10 s, want %d: %v", len(objs), n, objs)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// byDir groups objects' contents by the key's directory, without the
// yyyy/MM/dd/HH folders AWS appends to a prefix without a timestamp.
func byDir(objs map[string]string) map[string][]string {
	out := map[string][]string{}
	for k, v := range objs {
		parts := strings.Split(k, "/")
		dir := strings.Join(parts[:len(parts)-5], "/")
		out[dir] = append(out[dir], v)
	}
	for _, v := range out {
		sort.Strings(v)
	}
	return out
}

// Each partition is its own buffer: records land under their partition's
// evaluated prefix, records without the key and records that are not JSON
// go to the error output, and a partition is delivered when its own oldest
// record has waited the interval.
func TestDynamicPartitioning(t *testing.T) {
	svc, clock, root := partitionedService(t)
	ctx := context.Background()
	if _, _, err := svc.Put(ctx, testCaller, "p", [][]byte{[]byte(`{"customer":"a","n":1}`), []byte(`{"customer":"b","n":2}`), []byte(`not json`), []byte(`{"customer":"a","n":3}`)}); err != nil {
		t.Fatal(err)
	}
	clock.add(30 * time.Second)
	if _, _, err := svc.Put(ctx, testCaller, "p", [][]byte{[]byte(`{"customer":"c","n":4}`)}); err != nil {
		t.Fatal(err)
	}
	// The error output is written at once; a and b after 60 s, c after 90.
	waitFor(t, root, 1)
	time.Sleep(50 * time.Millisecond)
	if objs := objectsUnder(t, root); len(objs) != 1 {
		t.Fatalf("before the interval: %v", objs)
	}
	clock.add(31 * time.Second)
	objs := byDir(waitFor(t, root, 3))
	if got := objs["customer=a"]; len(got) != 1 || got[0] != "{\"customer\":\"a\",\"n\":1}\n{\"customer\":\"a\",\"n\":3}\n" {
		t.Fatalf("partition a: %q (all: %v)", got, objs)
	}
	if got := objs["customer=b"]; len(got) != 1 || got[0] != "{\"customer\":\"b\",\"n\":2}\n" {
		t.Fatalf("partition b: %q", got)
	}
	if _, ok := objs["customer=c"]; ok {
		t.Fatalf("partition c delivered before its interval: %v", objs)
	}
	if got := objs["errors/metadata-extraction-failed"]; len(got) != 1 || !strings.Contains(got[0], "bm90IGpzb24=") {
		t.Fatalf("error output: %v", objs)
	}
	clock.add(30 * time.Second)
	objs = byDir(waitFor(t, root, 4))
	if got := objs["customer=c"]; len(got) != 1 || got[0] != "{\"customer\":\"c\",\"n\":4}\n" {
		t.Fatalf("partition c: %q", got)
	}
}

// Past 500 active partitions, records of new partitions go to the error
// output as activePartitionExceeded.
func TestActivePartitionsLimit(t *testing.T) {
	svc, clock, root := partitionedService(t)
	ctx := context.Background()
	var recs [][]byte
	for i := range MaxActivePartitions + 2 {
		recs = append(recs, []byte(`{"customer":"c`+strings.Repeat("x", i%7)+strconv.Itoa(i)+`"}`))
	}
	if _, _, err := svc.Put(ctx, testCaller, "p", recs); err != nil {
		t.Fatal(err)
	}
	objs := byDir(waitFor(t, root, 1))
	got := objs["errors/activePartitionExceeded"]
	if len(got) != 1 || strings.Count(got[0], "\n") != 2 || !strings.Contains(got[0], "DynamicPartitioning.ActivePartitionsLimitExceeded") {
		t.Fatalf("error output: %v", objs)
	}
	clock.add(61 * time.Second)
	if n := len(waitFor(t, root, MaxActivePartitions+1)); n != MaxActivePartitions+1 {
		t.Fatalf("%d objects, want %d", n, MaxActivePartitions+1)
	}
}

// refusing is a store that refuses objects under a key prefix.
type refusing struct {
	objectstore.Store
	prefix string
}

func (r refusing) Put(ctx context.Context, o objectstore.Object) error {
	if strings.HasPrefix(o.Key, r.prefix) {
		return errors.New("access denied")
	}
	return r.Store.Put(ctx, o)
}

// A partition whose object cannot be written for the dynamic partitioning
// retry duration goes to the error output as s3-failed records.
func TestPartitionRetryDurationEndsInTheErrorOutput(t *testing.T) {
	wrap := func(s objectstore.Store) objectstore.Store { return refusing{s, "customer=a/"} }
	svc, clock, root := partitionedServiceWith(t, wrap, 0)
	if _, _, err := svc.Put(context.Background(), testCaller, "p", [][]byte{[]byte(`{"customer":"a"}`), []byte(`{"customer":"b"}`)}); err != nil {
		t.Fatal(err)
	}
	clock.add(61 * time.Second)
	objs := byDir(waitFor(t, root, 2))
	if got := objs["customer=b"]; len(got) != 1 {
		t.Fatalf("partition b: %v", objs)
	}
	got := objs["errors/s3-failed"]
	if len(got) != 1 || !strings.Contains(got[0], `"errorCode":"S3.PutObjectFailed"`) || !strings.Contains(got[0], "eyJjdXN0b21lciI6ImEifQo=") {
		t.Fatalf("error output: %v", objs)
	}
}

// Dynamic partitioning cannot be turned off, neither directly nor by
// replacing the Extended S3 destination with another kind.
func TestPartitioningCannotBeDisabled(t *testing.T) {
	svc, _, _ := partitionedService(t)
	ctx := context.Background()
	err := svc.UpdateDestination(ctx, testCaller, "p", "1", DestinationID, func(d *Destinations) error {
		*d = Destinations{Kind: KindHTTPEndpoint, S3: S3Destination{BucketARN: "arn:aws:s3:::b", IntervalInSeconds: -1},
			HTTP: &HTTPDestination{URL: "https://example.com", Common: Common{IntervalInSeconds: -1, RetrySeconds: -1}}}
		return nil
	})
	if err == nil || !strings.Contains(err.Error(), "cannot be disabled") {
		t.Fatalf("replacing the destination: %v", err)
	}
	err = svc.UpdateDestination(ctx, testCaller, "p", "1", DestinationID, func(d *Destinations) error {
		d.S3.Partitioning = &Partitioning{Enabled: false}
		return nil
	})
	if err == nil || !strings.Contains(err.Error(), "cannot be disabled") {
		t.Fatalf("disabling: %v", err)
	}
}

// With dynamic partitioning, source record backup holds every record
// read once, whether it landed in a partition or in the error output.
func TestPartitionedSourceBackup(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	clock := &testClock{}
	backend, err := embedded.Open(embedded.Options{Dir: dir, Now: clock.now})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := New(ctx, Config{Store: &objectstore.Dir{Root: dir + "/s3"}, Now: clock.now, Tick: 5 * time.Millisecond}, backend)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close(); backend.Close() })
	_, err = svc.CreateDeliveryStream(ctx, testCaller, CreateParams{Name: "p", S3: &S3Destination{
		Extended: true, BucketARN: "arn:aws:s3:::b", IntervalInSeconds: 60,
		Prefix: "c=!{partitionKeyFromQuery:c}/", ErrorOutputPrefix: "errors/!{firehose:error-output-type}/",
		Processing: Processing{Enabled: true, Processors: []Processor{
			{Type: "MetadataExtraction", Params: []Param{{"MetadataExtractionQuery", "{c:.c}"}, {"JsonParsingEngine", "JQ-1.6"}}}}},
		Partitioning: &Partitioning{Enabled: true, RetrySeconds: -1},
		S3BackupMode: "Enabled", Backup: &S3Backup{BucketARN: "arn:aws:s3:::backup", Prefix: "src/"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.Put(ctx, testCaller, "p", [][]byte{[]byte(`{"c":"a"}`), []byte(`bad`), []byte(`{"c":"b"}`)}); err != nil {
		t.Fatal(err)
	}
	objs := waitFor(t, filepath.Join(dir, "s3", "backup"), 1)
	for _, v := range objs {
		if v != `{"c":"a"}bad{"c":"b"}` {
			t.Fatalf("backup = %q", v)
		}
	}
}
