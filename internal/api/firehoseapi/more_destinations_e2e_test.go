package firehoseapi_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	"github.com/aws/aws-sdk-go-v2/service/firehose/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"

	fh "sluice/internal/firehose"
	"sluice/internal/firehose/destination/opensearch/opensearchtest"
	"sluice/internal/firehose/destination/redshift/pgtest"
	"sluice/internal/firehose/destination/splunk/splunktest"
	"sluice/internal/kpl"
	"sluice/internal/testserver"
)

// pg is the PostgreSQL server the Redshift tests share (Debian's
// postgresql; `make test-postgres` installs it).
var pg pgtest.Shared

func TestMain(m *testing.M) { os.Exit(pg.Main(m)) }

func backupS3() *types.S3DestinationConfiguration {
	return &types.S3DestinationConfiguration{RoleARN: aws.String(e2eRole), BucketARN: aws.String("arn:aws:s3:::backup"),
		BufferingHints: &types.BufferingHints{SizeInMBs: aws.Int32(1), IntervalInSeconds: aws.Int32(60)}}
}

// waitFor polls cond for up to 10 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// OpenSearch over the _bulk API: documents land in the day's rotated
// index with Firehose's document IDs; a document the cluster refuses
// goes to the S3 backup as AWS's failed-document record.
func TestOpenSearchDelivery(t *testing.T) {
	os := opensearchtest.NewWith(opensearchtest.Options{TLS: true})
	t.Cleanup(os.Close)
	clock := testserver.NewClock()
	srv := testserver.Start(t, testserver.WithClock(clock.Now), testserver.WithFirehose(func(c *fh.Config) { c.HTTPClient = os.Client() }))
	fhc := srv.FirehoseClient()
	createWith(t, fhc, &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("search"),
		AmazonopensearchserviceDestinationConfiguration: &types.AmazonopensearchserviceDestinationConfiguration{
			RoleARN: aws.String(e2eRole), ClusterEndpoint: aws.String(os.URL), IndexName: aws.String("logs"),
			IndexRotationPeriod: types.AmazonopensearchserviceIndexRotationPeriodOneDay,
			BufferingHints:      &types.AmazonopensearchserviceBufferingHints{SizeInMBs: aws.Int32(1), IntervalInSeconds: aws.Int32(60)},
			RetryOptions:        &types.AmazonopensearchserviceRetryOptions{DurationInSeconds: aws.Int32(0)},
			S3Configuration:     backupS3(),
		}})
	arrival := clock.Now().UTC()
	put(t, fhc, "search", `{"level":"info","n":1}`, `{"level":"warn","n":2}`, `{"level":{"bad":true},"n":3}`)
	clock.Advance(time.Minute)
	index := "logs-" + arrival.Format("2006-01-02")
	waitFor(t, "two documents in "+index, func() bool { return len(os.Docs(index)) == 2 })
	docs := os.Docs(index)
	if string(docs[0].Source) != `{"level":"info","n":1}` || docs[0].ID == "" || docs[0].ID == docs[1].ID {
		t.Fatalf("documents = %+v", docs)
	}
	st := &bucketStore{name: "local", srv: srv}
	keys := st.wait(t, "backup", 1)
	body := string(st.read(t, "backup", keys[0]))
	if !strings.HasPrefix(keys[0], "AmazonOpenSearchService-failed/") || !strings.Contains(body, `"esIndexName":"`+index+`"`) || !strings.Contains(body, `"errorCode":"400"`) {
		t.Fatalf("failed documents %s = %s", keys[0], body)
	}
}

// Splunk over HEC: the event endpoint gets the records on a channel and
// the delivery waits for the indexer acknowledgement; a bad token fails
// to the S3 backup with AWS's Splunk.InvalidToken.
func TestSplunkDelivery(t *testing.T) {
	hec := splunktest.NewWith(splunktest.Options{TLS: true})
	t.Cleanup(hec.Close)
	clock := testserver.NewClock()
	srv := testserver.Start(t, testserver.WithClock(clock.Now), testserver.WithFirehose(func(c *fh.Config) { c.HTTPClient = hec.Client() }))
	fhc := srv.FirehoseClient()
	create := func(name, token string) {
		createWith(t, fhc, &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String(name),
			SplunkDestinationConfiguration: &types.SplunkDestinationConfiguration{
				HECEndpoint: aws.String(hec.URL), HECEndpointType: types.HECEndpointTypeEvent, HECToken: aws.String(token),
				BufferingHints:  &types.SplunkBufferingHints{SizeInMBs: aws.Int32(1), IntervalInSeconds: aws.Int32(60)},
				RetryOptions:    &types.SplunkRetryOptions{DurationInSeconds: aws.Int32(0)},
				S3Configuration: backupS3(),
			}})
	}
	create("hec", splunktest.DefaultToken)
	create("bad-token", "11111111-1111-4111-8111-111111111111")
	put(t, fhc, "hec", `{"event":"one"}`, `{"event":"two"}`)
	put(t, fhc, "bad-token", `{"event":"lost"}`)
	clock.Advance(time.Minute)
	waitFor(t, "two events", func() bool { return len(hec.Events()) == 2 })
	ev := hec.Events()
	if string(ev[0].Data) != `"one"` || ev[0].Endpoint != "event" || ev[0].Channel == "" {
		t.Fatalf("events = %+v", ev)
	}
	st := &bucketStore{name: "local", srv: srv}
	keys := st.wait(t, "backup", 1)
	body := string(st.read(t, "backup", keys[0]))
	if !strings.HasPrefix(keys[0], "splunk-failed/") || !strings.Contains(body, `"errorCode":"Splunk.InvalidToken"`) {
		t.Fatalf("failed events %s = %s", keys[0], body)
	}
}

// Redshift into a real PostgreSQL: the batch is staged in the S3
// configuration's bucket, then loaded with COPY ... JSON 'auto'; a table
// that does not exist ends, after the retry duration, in a skipped-objects
// manifest under errors/.
func TestRedshiftIntoPostgreSQL(t *testing.T) {
	db := pg.Get(t)
	ctx := t.Context()
	if err := db.Exec(ctx, `CREATE TABLE IF NOT EXISTS orders (id int, item text, price numeric(8,2))`); err != nil {
		t.Fatal(err)
	}
	clock := testserver.NewClock()
	srv := testserver.Start(t, testserver.WithClock(clock.Now))
	fhc := srv.FirehoseClient()
	jdbc := fmt.Sprintf("jdbc:redshift://dev.redshift.localhost:%d/%s", db.Port, pgtest.Database)
	create := func(name, table string) {
		createWith(t, fhc, &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String(name),
			RedshiftDestinationConfiguration: &types.RedshiftDestinationConfiguration{
				RoleARN: aws.String(e2eRole), ClusterJDBCURL: aws.String(jdbc), Username: aws.String(pgtest.Superuser), Password: aws.String("unused-by-trust"),
				CopyCommand:  &types.CopyCommand{DataTableName: aws.String(table), DataTableColumns: aws.String("id,item,price"), CopyOptions: aws.String("JSON 'auto'")},
				RetryOptions: &types.RedshiftRetryOptions{DurationInSeconds: aws.Int32(0)},
				S3Configuration: &types.S3DestinationConfiguration{RoleARN: aws.String(e2eRole), BucketARN: aws.String("arn:aws:s3:::staging"), Prefix: aws.String(name + "/"),
					BufferingHints: &types.BufferingHints{SizeInMBs: aws.Int32(1), IntervalInSeconds: aws.Int32(60)}},
			}})
	}
	create("orders", "orders")
	create("missing", "no_such_table")
	put(t, fhc, "orders", `{"id":1,"item":"tea","price":3.5}`, `{"id":2,"item":"cake","price":4.25}`)
	put(t, fhc, "missing", `{"id":9}`)
	clock.Advance(time.Minute)
	count := func() int {
		c, err := db.Connect(ctx, pgtest.Database)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close(context.Background())
		var n int
		if err := c.QueryRow(ctx, `SELECT count(*) FROM orders WHERE item IN ('tea','cake')`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	waitFor(t, "two rows in orders", func() bool { return count() == 2 })
	st := &bucketStore{name: "local", srv: srv}
	keys := st.wait(t, "staging", 3) // two staged objects and one manifest
	var manifest string
	for _, k := range keys {
		if strings.HasPrefix(k, "errors/manifests/") {
			manifest = string(st.read(t, "staging", k))
		}
	}
	if !strings.Contains(manifest, `"url":"s3://staging/missing/`) || !strings.Contains(manifest, `"mandatory":true`) {
		t.Fatalf("manifest = %q (objects %v)", manifest, keys)
	}
}

// Snowflake and Iceberg are described as given and delivered as staged
// files in their S3 configuration's bucket.
func TestSnowflakeStagesFiles(t *testing.T) {
	clock := testserver.NewClock()
	srv := testserver.Start(t, testserver.WithClock(clock.Now))
	fhc := srv.FirehoseClient()
	createWith(t, fhc, &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("snow"),
		SnowflakeDestinationConfiguration: &types.SnowflakeDestinationConfiguration{
			AccountUrl: aws.String("https://acme-12345.snowflakecomputing.com"), User: aws.String("loader"), PrivateKey: aws.String(strings.Repeat("MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", 9)),
			Database: aws.String("DB"), Schema: aws.String("PUBLIC"), Table: aws.String("EVENTS"), RoleARN: aws.String(e2eRole),
			BufferingHints:  &types.SnowflakeBufferingHints{SizeInMBs: aws.Int32(1), IntervalInSeconds: aws.Int32(60)},
			S3Configuration: &types.S3DestinationConfiguration{RoleARN: aws.String(e2eRole), BucketARN: aws.String("arn:aws:s3:::stage"), Prefix: aws.String("snow/")},
		}})
	put(t, fhc, "snow", `{"a":1}`, `{"a":2}`)
	clock.Advance(time.Minute)
	st := &bucketStore{name: "local", srv: srv}
	keys := st.wait(t, "stage", 1)
	if !strings.HasPrefix(keys[0], "snow/") || string(st.read(t, "stage", keys[0])) != `{"a":1}{"a":2}` {
		t.Fatalf("staged %v", keys)
	}
}

// A delivery stream reading a data stream delivers the user records of
// KPL-aggregated records, not the aggregate.
func TestKinesisSourceDeaggregatesKPL(t *testing.T) {
	clock := testserver.NewClock()
	srv := testserver.Start(t, testserver.WithClock(clock.Now), testserver.WithFirehose(func(c *fh.Config) { c.SourcePoll = 20 * time.Millisecond }))
	ks, fc := srv.Kinesis(), srv.FirehoseClient()
	ctx := t.Context()
	if _, err := ks.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("kpl"), ShardCount: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	clock.Advance(2 * time.Second)
	createWith(t, fc, &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("from-kpl"), DeliveryStreamType: types.DeliveryStreamTypeKinesisStreamAsSource,
		KinesisStreamSourceConfiguration: &types.KinesisStreamSourceConfiguration{KinesisStreamARN: aws.String("arn:aws:kinesis:us-east-1:000000000000:stream/kpl"), RoleARN: aws.String(e2eRole)},
		ExtendedS3DestinationConfiguration: &types.ExtendedS3DestinationConfiguration{RoleARN: aws.String(e2eRole), BucketARN: aws.String("arn:aws:s3:::lake"),
			BufferingHints:          &types.BufferingHints{SizeInMBs: aws.Int32(1), IntervalInSeconds: aws.Int32(60)},
			ProcessingConfiguration: &types.ProcessingConfiguration{Enabled: aws.Bool(true), Processors: []types.Processor{{Type: types.ProcessorTypeAppendDelimiterToRecord}}}},
	})
	time.Sleep(200 * time.Millisecond) // the reader starts at LATEST
	agg := kpl.Aggregate([]kpl.SubRecord{{PartitionKey: "a", Data: []byte("user-1")}, {PartitionKey: "b", Data: []byte("user-2")}})
	if _, err := ks.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("kpl"), PartitionKey: aws.String("a"), Data: agg}); err != nil {
		t.Fatal(err)
	}
	if _, err := ks.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("kpl"), PartitionKey: aws.String("c"), Data: []byte("plain")}); err != nil {
		t.Fatal(err)
	}
	st := &bucketStore{name: "local", srv: srv}
	deadline := time.Now().Add(10 * time.Second)
	for {
		clock.Advance(time.Minute)
		if keys := st.objects(t, "lake"); len(keys) > 0 {
			var all string
			for _, k := range keys {
				all += string(st.read(t, "lake", k))
			}
			if all == "user-1\nuser-2\nplain\n" {
				return
			}
			if strings.Count(all, "\n") >= 3 {
				t.Fatalf("delivered %q", all)
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("nothing delivered")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// RecordDeAggregation on a DirectPut stream: a KPL-aggregated record is
// unpacked (magic, protobuf, MD5), then each user record holding several
// JSON objects is split into one record per object.
func TestRecordDeAggregationOfKPLAndJSON(t *testing.T) {
	clock := testserver.NewClock()
	srv := testserver.Start(t, testserver.WithClock(clock.Now))
	fhc := srv.FirehoseClient()
	createS3(t, fhc, "deagg", types.ExtendedS3DestinationConfiguration{
		BufferingHints: &types.BufferingHints{SizeInMBs: aws.Int32(1), IntervalInSeconds: aws.Int32(60)},
		ProcessingConfiguration: &types.ProcessingConfiguration{Enabled: aws.Bool(true), Processors: []types.Processor{
			{Type: types.ProcessorTypeRecordDeAggregation, Parameters: []types.ProcessorParameter{{ParameterName: types.ProcessorParameterNameSubRecordType, ParameterValue: aws.String("JSON")}}},
			{Type: types.ProcessorTypeAppendDelimiterToRecord},
		}},
	})
	agg := kpl.Aggregate([]kpl.SubRecord{{PartitionKey: "p", Data: []byte(`{"a":1}`)}, {PartitionKey: "p", Data: []byte(`{"a":2}{"a":3}`)}})
	put(t, fhc, "deagg", string(agg), `{"b":1}`+"\n"+`{"b":2}`)
	clock.Advance(time.Minute)
	st := &bucketStore{name: "local", srv: srv}
	keys := st.wait(t, "bucket", 1)
	if got := string(st.read(t, "bucket", keys[0])); got != "{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n{\"b\":1}\n{\"b\":2}\n" {
		t.Fatalf("object = %q", got)
	}
}
