package firehose

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sluice/internal/firehose/convert"
	"sluice/internal/objectstore"
	"sluice/internal/storage/embedded"
)

// plainService is a Service with no clock or hooks, for configuration
// checks.
func plainService(t *testing.T) *Service {
	t.Helper()
	dir := t.TempDir()
	backend, err := embedded.Open(embedded.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := New(context.Background(), Config{Store: &objectstore.Dir{Root: dir + "/s3"}}, backend)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close(); backend.Close() })
	return svc
}

func httpDest(prefix string) *Destinations {
	return &Destinations{Kind: KindHTTPEndpoint, S3: S3Destination{BucketARN: "arn:aws:s3:::b", Prefix: prefix, IntervalInSeconds: -1},
		HTTP: &HTTPDestination{URL: "https://example.com", Common: Common{IntervalInSeconds: -1, RetrySeconds: -1}}}
}

// What cannot work is refused when configured, not accepted and ignored.
func TestConfigurationsRefused(t *testing.T) {
	svc := plainService(t)
	ctx := context.Background()
	for _, c := range []struct {
		name string
		p    CreateParams
		want string
	}{
		{"partition keys in an HTTP destination's S3 prefix", CreateParams{Dest: httpDest("k=!{partitionKeyFromQuery:k}/")}, "only allowed in the Prefix"},
		{"partition keys in a backup prefix", CreateParams{S3: &S3Destination{Extended: true, BucketARN: "arn:aws:s3:::b", IntervalInSeconds: -1, S3BackupMode: "Enabled",
			Backup: &S3Backup{BucketARN: "arn:aws:s3:::c", Prefix: "k=!{partitionKeyFromLambda:k}/"}}}, "backup prefix"},
		{"a backup prefix that does not compile", CreateParams{S3: &S3Destination{Extended: true, BucketARN: "arn:aws:s3:::b", IntervalInSeconds: -1, S3BackupMode: "Enabled",
			Backup: &S3Backup{BucketARN: "arn:aws:s3:::c", Prefix: "!{bogus}/"}}}, "not supported"},
		{"Redshift backup Enabled without a configuration", CreateParams{Dest: &Destinations{Kind: KindRedshift, S3: S3Destination{BucketARN: "arn:aws:s3:::b", IntervalInSeconds: -1},
			Redshift: &RedshiftDestination{JDBCURL: "jdbc:redshift://x.redshift.localhost:5439/dev", Username: "u", Password: "p", Table: "t",
				Common: Common{IntervalInSeconds: -1, RetrySeconds: -1, S3BackupMode: "Enabled"}}}}, "S3BackupConfiguration is required"},
	} {
		c.p.Name = "x"
		_, err := svc.CreateDeliveryStream(ctx, testCaller, c.p)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error containing %q", c.name, err, c.want)
		}
	}
	// Dynamic partitioning cannot be turned on by an update from another
	// destination kind either.
	if _, err := svc.CreateDeliveryStream(ctx, testCaller, CreateParams{Name: "h", Dest: httpDest("")}); err != nil {
		t.Fatal(err)
	}
	err := svc.UpdateDestination(ctx, testCaller, "h", "1", DestinationID, func(d *Destinations) error {
		*d = Destinations{Kind: KindS3, S3: S3Destination{Extended: true, BucketARN: "arn:aws:s3:::b", IntervalInSeconds: 60, SizeInMBs: 64,
			Prefix: "k=!{partitionKeyFromQuery:k}/", ErrorOutputPrefix: "e/!{firehose:error-output-type}/",
			Processing:   Processing{Enabled: true, Processors: []Processor{{Type: "MetadataExtraction", Params: []Param{{"MetadataExtractionQuery", "{k:.k}"}, {"JsonParsingEngine", "JQ-1.6"}}}}},
			Partitioning: &Partitioning{Enabled: true, RetrySeconds: -1}}}
		return nil
	})
	if err == nil || !strings.Contains(err.Error(), "only be enabled when the delivery stream is created") {
		t.Fatalf("enabling dynamic partitioning by an update: %v", err)
	}
}

// A conversion stream whose Glue table is gone after a restart (the
// server started without --glue-tables) keeps delivering: its records go
// to format-conversion-failed instead of stopping the deliverer.
func TestConversionWithoutItsTableAfterARestart(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	clock := &testClock{}
	tables, err := convert.ParseCatalog([]byte(`{"Name":"t","DatabaseName":"d","StorageDescriptor":{"Columns":[{"Name":"id","Type":"int"}]}}`))
	if err != nil {
		t.Fatal(err)
	}
	start := func(tables *convert.Catalog) (*Service, func()) {
		backend, err := embedded.Open(embedded.Options{Dir: dir, Now: clock.now})
		if err != nil {
			t.Fatal(err)
		}
		svc, err := New(ctx, Config{Store: &objectstore.Dir{Root: dir + "/s3"}, Now: clock.now, Tick: 5 * time.Millisecond, Tables: tables}, backend)
		if err != nil {
			t.Fatal(err)
		}
		stop := func() { svc.Close(); backend.Close() }
		t.Cleanup(stop)
		return svc, stop
	}
	svc, stop := start(tables)
	_, err = svc.CreateDeliveryStream(ctx, testCaller, CreateParams{Name: "pq", S3: &S3Destination{Extended: true, BucketARN: "arn:aws:s3:::b", IntervalInSeconds: 60,
		ErrorOutputPrefix: "errors/!{firehose:error-output-type}/",
		Conversion:        &FormatConversion{Enabled: true, Database: "d", Table: "t", Parquet: &ParquetSerDe{}}}})
	if err != nil {
		t.Fatal(err)
	}
	stop()
	svc, _ = start(nil)
	if _, _, err := svc.Put(ctx, testCaller, "pq", [][]byte{[]byte(`{"id":1}`)}); err != nil {
		t.Fatal(err)
	}
	clock.add(61 * time.Second)
	objs := byDir(waitFor(t, filepath.Join(dir, "s3", "b"), 1))
	if got := objs["errors/format-conversion-failed"]; len(got) != 1 || !strings.Contains(got[0], "--glue-tables") {
		t.Fatalf("objects = %v", objs)
	}
}
