package firehoseapi_test

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/firehose/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/golang/snappy"

	"sluice/internal/testserver"
)

// TestBufferingByTimeWithTheDefaultKeyLayout: nothing is delivered before
// IntervalInSeconds has passed (on the server's clock), then one object
// holds every record, concatenated, under YYYY/MM/dd/HH/ with AWS's name.
func TestBufferingByTimeWithTheDefaultKeyLayout(t *testing.T) {
	forEachStore(t, []string{"bucket"}, func(t *testing.T, st *bucketStore) {
		clock := testserver.NewClock()
		srv := st.start(t, testserver.WithClock(clock.Now))
		fh := srv.FirehoseClient()
		createS3(t, fh, "orders", types.ExtendedS3DestinationConfiguration{
			BufferingHints: &types.BufferingHints{SizeInMBs: aws.Int32(1), IntervalInSeconds: aws.Int32(60)},
		})
		arrival := clock.Now().UTC()
		put(t, fh, "orders", "a1,", "a2,")
		put(t, fh, "orders", "a3\n")
		time.Sleep(300 * time.Millisecond) // several ticks of the deliverer
		if keys := st.objects(t, "bucket"); len(keys) != 0 {
			t.Fatalf("delivered before the interval: %v", keys)
		}
		clock.Advance(59 * time.Second)
		time.Sleep(300 * time.Millisecond)
		if keys := st.objects(t, "bucket"); len(keys) != 0 {
			t.Fatalf("delivered at 59s: %v", keys)
		}
		clock.Advance(time.Second)
		keys := st.wait(t, "bucket", 1)
		if len(keys) != 1 {
			t.Fatalf("objects = %v, want 1", keys)
		}
		want := regexp.MustCompile(`^` + regexp.QuoteMeta(arrival.Format("2006/01/02/15/")) +
			`orders-1-` + arrival.Format("2006-01-02-15-04-") + `\d\d-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
		if !want.MatchString(keys[0]) {
			t.Fatalf("key %q does not match %s", keys[0], want)
		}
		if got := string(st.read(t, "bucket", keys[0])); got != "a1,a2,a3\n" {
			t.Fatalf("object = %q", got)
		}
	})
}

// TestBufferingBySize: SizeInMBs fills before the interval, and each object
// holds about that much.
func TestBufferingBySize(t *testing.T) {
	forEachStore(t, []string{"bucket"}, func(t *testing.T, st *bucketStore) {
		clock := testserver.NewClock()
		srv := st.start(t, testserver.WithClock(clock.Now))
		fh := srv.FirehoseClient()
		createS3(t, fh, "big", types.ExtendedS3DestinationConfiguration{
			BufferingHints: &types.BufferingHints{SizeInMBs: aws.Int32(1), IntervalInSeconds: aws.Int32(900)},
		})
		record := strings.Repeat("x", 100<<10) // 100 KiB
		for range 3 {
			put(t, fh, "big", record, record, record, record) // 400 KiB a call
		}
		st.wait(t, "bucket", 1)
		time.Sleep(200 * time.Millisecond)
		keys := st.objects(t, "bucket")
		if len(keys) != 1 {
			t.Fatalf("objects = %v, want exactly 1 (1.2 MiB put, 1 MiB hint)", keys)
		}
		if n := len(st.read(t, "bucket", keys[0])); n != 11*100<<10 {
			t.Fatalf("object has %d bytes, want 11 records (the first ones reaching 1 MiB)", n)
		}
		clock.Advance(900 * time.Second)
		keys = st.wait(t, "bucket", 2)
		if n := len(st.read(t, "bucket", keys[1])) + len(st.read(t, "bucket", keys[0])); n != 12*100<<10 {
			t.Fatalf("the two objects hold %d bytes, want all 12 records", n)
		}
	})
}

// TestCompressionFormatsDecodeBack: every CompressionFormat, with its
// extension (or FileExtension), decodes to exactly the records.
func TestCompressionFormatsDecodeBack(t *testing.T) {
	forEachStore(t, []string{"comp-c0", "comp-c1", "comp-c2", "comp-c3", "comp-c4"}, func(t *testing.T, st *bucketStore) {
		clock := testserver.NewClock()
		srv := st.start(t, testserver.WithClock(clock.Now))
		fh := srv.FirehoseClient()
		payload := []string{strings.Repeat("hello firehose ", 1000), "\x00\x01binary\xff", strings.Repeat("z", 300<<10)}
		whole := strings.Join(payload, "")
		cases := []struct {
			format types.CompressionFormat
			ext    string
			decode func([]byte) ([]byte, error)
		}{
			{types.CompressionFormatUncompressed, "", func(b []byte) ([]byte, error) { return b, nil }},
			{types.CompressionFormatGzip, ".gz", func(b []byte) ([]byte, error) {
				r, err := gzip.NewReader(bytes.NewReader(b))
				if err != nil {
					return nil, err
				}
				return io.ReadAll(r)
			}},
			{types.CompressionFormatZip, ".zip", func(b []byte) ([]byte, error) {
				z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
				if err != nil {
					return nil, err
				}
				if len(z.File) != 1 {
					return nil, fmt.Errorf("%d files in the archive", len(z.File))
				}
				f, err := z.File[0].Open()
				if err != nil {
					return nil, err
				}
				return io.ReadAll(f)
			}},
			{types.CompressionFormatSnappy, ".snappy", func(b []byte) ([]byte, error) {
				if !bytes.HasPrefix(b, []byte("\xff\x06\x00\x00sNaPpY")) {
					return nil, fmt.Errorf("no snappy framing stream identifier")
				}
				return io.ReadAll(snappy.NewReader(bytes.NewReader(b)))
			}},
			{types.CompressionFormatHadoopSnappy, ".snappy", decodeHadoopSnappy},
		}
		for i, c := range cases {
			name := fmt.Sprintf("c%d", i)
			createS3(t, fh, name, types.ExtendedS3DestinationConfiguration{
				BucketARN:         aws.String("arn:aws:s3:::comp-" + name),
				CompressionFormat: c.format,
				BufferingHints:    &types.BufferingHints{SizeInMBs: aws.Int32(5), IntervalInSeconds: aws.Int32(60)},
			})
			put(t, fh, name, payload...)
		}
		clock.Advance(time.Minute)
		for i, c := range cases {
			name := fmt.Sprintf("c%d", i)
			keys := st.wait(t, "comp-"+name, 1)
			if !regexp.MustCompile(`-[0-9a-f]{12}` + regexp.QuoteMeta(c.ext) + `$`).MatchString(keys[0]) {
				t.Errorf("%s: key %q does not end in %q", c.format, keys[0], c.ext)
			}
			got, err := c.decode(st.read(t, "comp-"+name, keys[0]))
			if err != nil || string(got) != whole {
				t.Errorf("%s: decoded %d bytes (%v), want %d", c.format, len(got), err, len(whole))
			}
		}
	})
}

// decodeHadoopSnappy reads Hadoop's block framing: per block the
// uncompressed length, then chunks of (compressed length, raw snappy).
func decodeHadoopSnappy(b []byte) ([]byte, error) {
	var out []byte
	for len(b) > 0 {
		if len(b) < 8 {
			return nil, fmt.Errorf("short block header")
		}
		raw := int(binary.BigEndian.Uint32(b))
		n := int(binary.BigEndian.Uint32(b[4:]))
		b = b[8:]
		if n > len(b) {
			return nil, fmt.Errorf("chunk of %d bytes, %d left", n, len(b))
		}
		d, err := snappy.Decode(nil, b[:n])
		if err != nil {
			return nil, err
		}
		if len(d) != raw {
			return nil, fmt.Errorf("block decodes to %d bytes, header says %d", len(d), raw)
		}
		out = append(out, d...)
		b = b[n:]
	}
	return out, nil
}

// TestCustomPrefixTimeZoneAndFileExtension: !{timestamp:...} in Java's
// pattern language, in CustomTimeZone; !{firehose:random-string};
// FileExtension replaces the compression's extension.
func TestCustomPrefixTimeZoneAndFileExtension(t *testing.T) {
	forEachStore(t, []string{"bucket"}, func(t *testing.T, st *bucketStore) {
		clock := testserver.NewClock()
		srv := st.start(t, testserver.WithClock(clock.Now))
		fh := srv.FirehoseClient()
		createS3(t, fh, "tz", types.ExtendedS3DestinationConfiguration{
			Prefix:            aws.String("data/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/!{firehose:random-string}/"),
			ErrorOutputPrefix: aws.String("errors/!{firehose:error-output-type}/"),
			CustomTimeZone:    aws.String("Asia/Kolkata"),
			CompressionFormat: types.CompressionFormatGzip,
			FileExtension:     aws.String(".json.gz"),
			BufferingHints:    &types.BufferingHints{SizeInMBs: aws.Int32(1), IntervalInSeconds: aws.Int32(0)},
		})
		local := clock.Now().In(mustZone(t, "Asia/Kolkata"))
		put(t, fh, "tz", `{"a":1}`)
		keys := st.wait(t, "bucket", 1)
		want := regexp.MustCompile(`^data/year=` + local.Format("2006") + `/month=` + local.Format("01") + `/day=` + local.Format("02") +
			`/hour=` + local.Format("15") + `/[A-Za-z0-9]{11}/tz-1-` + local.Format("2006-01-02-15-") + `\d\d-\d\d-[0-9a-f-]{36}\.json\.gz$`)
		if !want.MatchString(keys[0]) {
			t.Fatalf("key %q does not match %s", keys[0], want)
		}
	})
}

func mustZone(t *testing.T, name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestAcknowledgedRecordsAreDeliveredAfterARestart: records buffered when
// the server stops are in the log and are delivered by the next server.
func TestAcknowledgedRecordsAreDeliveredAfterARestart(t *testing.T) {
	forEachStore(t, []string{"bucket"}, func(t *testing.T, st *bucketStore) {
		clock := testserver.NewClock()
		dir := testserver.TempDir(t)
		srv := st.start(t, testserver.WithClock(clock.Now), testserver.WithDir(dir))
		fh := srv.FirehoseClient()
		createS3(t, fh, "durable", types.ExtendedS3DestinationConfiguration{
			BufferingHints: &types.BufferingHints{SizeInMBs: aws.Int32(1), IntervalInSeconds: aws.Int32(60)},
		})
		put(t, fh, "durable", "one,", "two,")
		srv.Stop()

		srv = st.start(t, testserver.WithClock(clock.Now), testserver.WithDir(dir))
		fh = srv.FirehoseClient()
		put(t, fh, "durable", "three")
		clock.Advance(time.Minute)
		keys := st.wait(t, "bucket", 1)
		if got := string(st.read(t, "bucket", keys[0])); got != "one,two,three" {
			t.Fatalf("object = %q", got)
		}
		// Delivered records are not delivered again after another restart.
		srv.Stop()
		st.start(t, testserver.WithClock(clock.Now), testserver.WithDir(dir))
		clock.Advance(time.Hour)
		time.Sleep(300 * time.Millisecond)
		if keys := st.objects(t, "bucket"); len(keys) != 1 {
			t.Fatalf("objects after the second restart = %v, want the one", keys)
		}
	})
}

// TestMetricsEndpoint: GET /metrics counts records in and delivered.
func TestMetricsEndpoint(t *testing.T) {
	srv := testserver.Start(t)
	fh := srv.FirehoseClient()
	createS3(t, fh, "m", types.ExtendedS3DestinationConfiguration{
		BufferingHints: &types.BufferingHints{SizeInMBs: aws.Int32(1), IntervalInSeconds: aws.Int32(0)},
	})
	put(t, fh, "m", "abc", "de")
	st := &bucketStore{name: "local", srv: srv}
	st.wait(t, "bucket", 1)
	// Labels in name order, as the Prometheus client writes them.
	labels := `{account="000000000000",delivery_stream="m",destination="S3",region="us-east-1"}`
	var body []byte
	// The counters move just after the object is written.
	for range 100 {
		res, err := http.Get(srv.URL + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		body, _ = io.ReadAll(res.Body)
		res.Body.Close()
		if strings.Contains(string(body), "sluice_firehose_delivered_objects_total"+labels+" 1\n") {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, want := range []string{
		"sluice_firehose_incoming_records_total" + labels + " 2\n",
		"sluice_firehose_incoming_bytes_total" + labels + " 5\n",
		"sluice_firehose_delivered_records_total" + labels + " 2\n",
		"sluice_firehose_delivered_objects_total" + labels + " 1\n",
		"# TYPE sluice_firehose_last_delivery_timestamp_seconds gauge\n",
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %q:\n%s", want, body)
		}
	}
}

// TestDeliveryRetriesUntilTheBucketWorks: on a real S3 server, delivery
// to a bucket that does not exist yet fails and is retried with backoff;
// once the bucket exists, the records arrive, once.
func TestDeliveryRetriesUntilTheBucketWorks(t *testing.T) {
	st := startVersity(t)
	srv := st.start(t)
	fh := srv.FirehoseClient()
	createS3(t, fh, "retry", types.ExtendedS3DestinationConfiguration{
		BucketARN:      aws.String("arn:aws:s3:::later-bucket"),
		BufferingHints: &types.BufferingHints{SizeInMBs: aws.Int32(1), IntervalInSeconds: aws.Int32(0)},
	})
	put(t, fh, "retry", "r1,", "r2")
	deadline := time.Now().Add(10 * time.Second)
	for {
		m, err := srv.Server.Firehose().DeliveryMetrics(fhCaller, "retry")
		if err != nil {
			t.Fatal(err)
		}
		if m.FailedAttempts.Load() > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no failed attempt recorded")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if _, err := st.s3.CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: aws.String("later-bucket")}); err != nil {
		t.Fatal(err)
	}
	keys := st.wait(t, "later-bucket", 1)
	if got := string(st.read(t, "later-bucket", keys[0])); got != "r1,r2" || len(keys) != 1 {
		t.Fatalf("objects %v, first = %q", keys, got)
	}
}
