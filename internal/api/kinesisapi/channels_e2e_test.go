package kinesisapi_test

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"sluice/internal/firehose"
	"sluice/internal/testserver"
)

const (
	chRole   = "arn:aws:iam::000000000000:role/delivery"
	chBucket = "arn:aws:s3:::lake"
)

// onDemandStream creates an on-demand stream and returns its ARN.
func onDemandStream(t *testing.T, c *kinesis.Client, name string) string {
	t.Helper()
	if _, err := c.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String(name),
		StreamModeDetails: &types.StreamModeDetails{StreamMode: types.StreamModeOnDemand}}); err != nil {
		t.Fatal(err)
	}
	return aws.ToString(waitActive(t, c, name).StreamARN)
}

// channelInput is a CreateChannel of a stream to the lake bucket: records
// as they are, gzipped.
func channelInput(name, streamARN string) *kinesis.CreateChannelInput {
	return &kinesis.CreateChannelInput{
		ChannelName:             aws.String(name),
		ServiceExecutionRoleARN: aws.String(chRole),
		StreamConfigurationList: []types.ChannelStreamConfiguration{{
			StreamARN:           aws.String(streamARN),
			RecordConfiguration: &types.RecordConfiguration{RecordFormatType: types.RecordFormatTypeByteArray},
		}},
		S3DestinationConfiguration: &types.S3DestinationConfiguration{
			StorageConfiguration: &types.S3StorageConfiguration{
				BucketARN: aws.String(chBucket), ExpectedBucketOwner: aws.String("000000000000"), CompressionType: types.S3CompressionTypeGzip,
			},
		},
	}
}

// lakeObjects lists the objects in <data-dir>/s3/lake, sorted.
func lakeObjects(t *testing.T, srv *testserver.Server) []string {
	t.Helper()
	root := filepath.Join(srv.Dir, "s3", "lake")
	var keys []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil || d.IsDir() || strings.HasPrefix(d.Name(), ".put-") {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		keys = append(keys, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(keys)
	return keys
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestChannelDeliversAStreamToS3: a channel created through the SDK
// becomes ACTIVE (the SDK's ChannelActive waiter sees it), the records put
// into its stream afterwards land gzipped in the bucket under the default
// key template once DataFreshnessInSeconds has passed, and the channel is
// described, listed, counted, updated and deleted as AWS documents; the
// stream cannot be deleted while the channel reads it.
func TestChannelDeliversAStreamToS3(t *testing.T) {
	testserver.SkipInCluster(t, "it reads the delivered objects from the local directory store, and a cluster delivers to the S3 endpoint")
	clock := testserver.NewClock()
	fast := testserver.WithFirehose(func(c *firehose.Config) { c.SourcePoll = 20 * time.Millisecond; c.Tick = 20 * time.Millisecond })
	srv, c := start(t, testserver.WithClock(clock.Now), fast)
	src := onDemandStream(t, c, "orders")

	in := channelInput("orders-to-s3", src)
	in.LoggingConfiguration = &types.ChannelLoggingConfiguration{CloudWatchLogs: &types.CloudWatchLogs{Enabled: aws.Bool(true)}}
	in.EncryptionConfiguration = &types.ChannelEncryptionConfiguration{EncryptionType: types.ChannelEncryptionTypeKms, KeyId: aws.String("arn:aws:kms:us-east-1:000000000000:key/k")}
	in.Tags = map[string]string{"team": "data"}
	out, err := c.CreateChannel(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	d := out.ChannelDescription
	id := aws.ToString(d.ChannelId)
	arn := "arn:aws:kinesis:us-east-1:000000000000:channel/orders-to-s3"
	if d.ChannelStatus != types.ChannelStatusCreating || aws.ToString(d.ChannelARN) != arn || len(id) != 16 || d.ChannelCreationTimestamp == nil {
		t.Fatalf("CreateChannel answered %+v", d)
	}
	if err := kinesis.NewChannelActiveWaiter(c, func(o *kinesis.ChannelActiveWaiterOptions) {
		o.MinDelay, o.MaxDelay = 10*time.Millisecond, 50*time.Millisecond
	}).
		Wait(ctx, &kinesis.DescribeChannelInput{ChannelARN: aws.String(arn)}, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	desc, err := c.DescribeChannel(ctx, &kinesis.DescribeChannelInput{ChannelARN: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	d = desc.ChannelDescription
	s3d := d.S3DestinationConfiguration
	switch {
	case d.ChannelStatus != types.ChannelStatusActive, aws.ToString(d.ServiceExecutionRoleARN) != chRole:
		t.Fatalf("described %+v", d)
	case len(d.StreamConfigurationList) != 1 || aws.ToString(d.StreamConfigurationList[0].StreamARN) != src ||
		d.StreamConfigurationList[0].StreamCreationTimestamp == nil || d.StreamConfigurationList[0].RecordConfiguration.RecordFormatType != types.RecordFormatTypeByteArray:
		t.Fatalf("streams %+v", d.StreamConfigurationList)
	case aws.ToInt32(s3d.DataFreshnessInSeconds) != 300 || s3d.StorageConfiguration.StorageClass != types.S3StorageClassStandard ||
		s3d.StorageConfiguration.CompressionType != types.S3CompressionTypeGzip || aws.ToString(s3d.StorageConfiguration.BucketARN) != chBucket:
		t.Fatalf("S3 destination %+v %+v", s3d, s3d.StorageConfiguration)
	case aws.ToString(s3d.DeadLetterQueueS3Configuration.BucketARN) != chBucket || aws.ToString(s3d.DeadLetterQueueS3Configuration.ExpectedBucketOwner) != "000000000000" ||
		aws.ToString(s3d.DeadLetterQueueS3Configuration.ErrorOutputPrefix) != "kinesis-channel-errors/orders-to-s3/"+id+"/":
		t.Fatalf("dead-letter queue %+v", s3d.DeadLetterQueueS3Configuration)
	case !aws.ToBool(d.LoggingConfiguration.CloudWatchLogs.Enabled) || aws.ToString(d.LoggingConfiguration.CloudWatchLogs.LogGroupName) != "/aws/kinesis/orders-to-s3/"+id ||
		aws.ToString(d.LoggingConfiguration.CloudWatchLogs.LogStreamName) != "DestinationDelivery":
		t.Fatalf("logging %+v", d.LoggingConfiguration.CloudWatchLogs)
	case d.EncryptionConfiguration == nil || d.EncryptionConfiguration.EncryptionType != types.ChannelEncryptionTypeKms:
		t.Fatalf("encryption %+v", d.EncryptionConfiguration)
	}

	// Records written now are delivered after the data freshness.
	var want bytes.Buffer
	var entries []types.PutRecordsRequestEntry
	for i := range 20 {
		rec := fmt.Sprintf("r%02d;", i)
		want.WriteString(rec)
		entries = append(entries, types.PutRecordsRequestEntry{Data: []byte(rec), PartitionKey: aws.String("one-shard")})
	}
	if _, err := c.PutRecords(ctx, &kinesis.PutRecordsInput{StreamARN: aws.String(src), Records: entries}); err != nil {
		t.Fatal(err)
	}
	fc := firehose.Caller{Account: "000000000000", Region: "us-east-1"}
	waitUntil(t, "the channel to read the records", func() bool {
		m, err := srv.Firehose().DeliveryMetrics(fc, "channel:"+id+":0")
		return err == nil && m.IncomingRecords.Load() == 20
	})
	if keys := lakeObjects(t, srv); len(keys) != 0 {
		t.Fatalf("delivered before DataFreshnessInSeconds: %v", keys)
	}
	clock.Advance(301 * time.Second)
	waitUntil(t, "an object", func() bool { return len(lakeObjects(t, srv)) == 1 })
	key := lakeObjects(t, srv)[0]
	hour := regexp.MustCompile(`^kinesis-channel/orders-to-s3/` + id + `/(\d{4})/(\d{2})/(\d{2})/(\d{2})/orders-to-s3-` + id + `-(\d{4})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-channel:` + id + `:0-1-.+\.gz$`)
	m := hour.FindStringSubmatch(key)
	if m == nil || m[1] != m[5] || m[2] != m[6] || m[3] != m[7] || m[4] != m[8] {
		t.Fatalf("object key %q does not follow the default template", key)
	}
	b, err := os.ReadFile(filepath.Join(srv.Dir, "s3", "lake", filepath.FromSlash(key)))
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(zr)
	if !bytes.Equal(got, want.Bytes()) {
		t.Fatalf("object holds %q, want %q", got, want.Bytes())
	}

	// The stream counts it and cannot be deleted while it reads it.
	sum, err := c.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamARN: aws.String(src)})
	if err != nil || aws.ToInt32(sum.StreamDescriptionSummary.ChannelCount) != 1 {
		t.Fatalf("ChannelCount %v %v", sum, err)
	}
	_, err = c.DeleteStream(ctx, &kinesis.DeleteStreamInput{StreamName: aws.String("orders")})
	wantAPIError(t, err, "ResourceInUseException", "Stream orders under account 000000000000 has channels (orders-to-s3); delete them before deleting the stream.")

	// Listed, alone and by its stream.
	other := onDemandStream(t, c, "other")
	if _, err := c.CreateChannel(ctx, channelInput("a-first", other)); err != nil {
		t.Fatal(err)
	}
	var names []string
	p := kinesis.NewListChannelsPaginator(c, &kinesis.ListChannelsInput{MaxResults: aws.Int32(1)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range page.ChannelSummaries {
			names = append(names, aws.ToString(s.ChannelName))
			if s.ChannelDestinationType != types.ChannelDestinationTypeS3 || len(s.Streams) != 1 || s.Streams[0].StreamCreationTimestamp == nil {
				t.Fatalf("summary %+v", s)
			}
		}
	}
	if strings.Join(names, ",") != "a-first,orders-to-s3" {
		t.Fatalf("listed %v", names)
	}
	list, err := c.ListChannels(ctx, &kinesis.ListChannelsInput{StreamFilter: []types.StreamFilter{{StreamARN: aws.String(src)}}})
	if err != nil || len(list.ChannelSummaries) != 1 || aws.ToString(list.ChannelSummaries[0].ChannelARN) != arn || list.NextToken != nil {
		t.Fatalf("filtered list %+v %v", list, err)
	}

	// Updated: UPDATING in the answer, the new freshness described.
	up, err := c.UpdateChannel(ctx, &kinesis.UpdateChannelInput{ChannelARN: aws.String(arn),
		S3DestinationConfiguration: &types.S3DestinationUpdateInput{DataFreshnessInSeconds: aws.Int32(900)},
		LoggingConfiguration:       &types.ChannelLoggingUpdateInput{CloudWatchLogs: &types.CloudWatchLogsUpdateInput{Enabled: aws.Bool(false)}},
	})
	if err != nil || up.ChannelDescription.ChannelStatus != types.ChannelStatusUpdating || aws.ToInt32(up.ChannelDescription.S3DestinationConfiguration.DataFreshnessInSeconds) != 900 ||
		aws.ToBool(up.ChannelDescription.LoggingConfiguration.CloudWatchLogs.Enabled) {
		t.Fatalf("UpdateChannel %+v %v", up, err)
	}
	ds, err := srv.Firehose().DescribeDeliveryStream(fc, "channel:"+id+":0")
	if err != nil || ds.S3.IntervalInSeconds != 900 || ds.S3.Logging.Enabled {
		t.Fatalf("the delivery after the update: %+v %v", ds, err)
	}

	// Deleted: gone, and the stream can go.
	if _, err := c.DeleteChannel(ctx, &kinesis.DeleteChannelInput{ChannelARN: aws.String(arn)}); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the channel gone", func() bool {
		_, err := c.DescribeChannel(ctx, &kinesis.DescribeChannelInput{ChannelARN: aws.String(arn)})
		return err != nil
	})
	_, err = c.DescribeChannel(ctx, &kinesis.DescribeChannelInput{ChannelARN: aws.String(arn)})
	wantAPIError(t, err, "ResourceNotFoundException", "Channel orders-to-s3 under account 000000000000 not found.")
	if _, err := c.DeleteStream(ctx, &kinesis.DeleteStreamInput{StreamName: aws.String("orders")}); err != nil {
		t.Fatal(err)
	}
	// Objects already delivered stay.
	if keys := lakeObjects(t, srv); len(keys) != 1 {
		t.Fatalf("objects after the delete: %v", keys)
	}
}

// TestChannelValidation: shape violations answer ValidationException as
// the other operations do; what the shapes allow but Sluice or AWS's rules
// refuse answers InvalidArgumentException, LimitExceededException,
// ResourceInUseException or ResourceNotFoundException.
func TestChannelValidation(t *testing.T) {
	_, c := start(t)
	src := onDemandStream(t, c, "src")
	prov := aws.ToString(createStream(t, c, "prov", 1).StreamARN)
	if _, err := c.CreateChannel(ctx, channelInput("taken", src)); err != nil {
		t.Fatal(err)
	}
	other := onDemandStream(t, c, "other")
	tests := []struct {
		name      string
		edit      func(in *kinesis.CreateChannelInput)
		code, msg string
	}{
		{"bad name", func(in *kinesis.CreateChannelInput) { in.ChannelName = aws.String("no spaces") }, "ValidationException",
			"1 validation error detected: Value 'no spaces' at 'channelName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"},
		{"bad role", func(in *kinesis.CreateChannelInput) { in.ServiceExecutionRoleARN = aws.String("role") }, "ValidationException", "1 validation error detected: Value 'role' at 'serviceExecutionRoleARN' failed to satisfy constraint: Member must satisfy regular expression pattern: …"},
		{"bad owner", func(in *kinesis.CreateChannelInput) {
			in.S3DestinationConfiguration.StorageConfiguration.ExpectedBucketOwner = aws.String("123")
		}, "ValidationException", "2 validation errors detected: Value '123' at 's3DestinationConfiguration.storageConfiguration.expectedBucketOwner' failed to satisfy constraint: Member must satisfy regular expression pattern: \\d{12}; " +
			"Value '123' at 's3DestinationConfiguration.storageConfiguration.expectedBucketOwner' failed to satisfy constraint: Member must have length greater than or equal to 12"},
		{"no streams", func(in *kinesis.CreateChannelInput) {
			in.StreamConfigurationList = []types.ChannelStreamConfiguration{}
		}, "ValidationException",
			"1 validation error detected: Value '[]' at 'streamConfigurationList' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"freshness", func(in *kinesis.CreateChannelInput) {
			in.S3DestinationConfiguration.DataFreshnessInSeconds = aws.Int32(60)
		}, "InvalidArgumentException",
			"DataFreshnessInSeconds must be between 300 and 900 seconds; 60 was given."},
		{"s3 tables", func(in *kinesis.CreateChannelInput) {
			in.S3DestinationConfiguration = nil
			in.S3TablesDestinationConfiguration = &types.S3TablesDestinationConfiguration{
				DeadLetterQueueS3Configuration: &types.DeadLetterQueueS3Configuration{BucketARN: aws.String(chBucket), ExpectedBucketOwner: aws.String("000000000000")},
				S3TablesConfigurationList: []types.S3TablesConfiguration{{CompressionType: types.S3TablesCompressionTypeZstd, Namespace: aws.String("db"),
					TableBucketARN: aws.String("arn:aws:s3tables:us-east-1:000000000000:bucket/tables"), TableName: aws.String("orders")}},
			}
		}, "InvalidArgumentException", "Sluice does not deliver to streaming tables: it has no Amazon S3 Tables (Apache Iceberg table buckets). Use S3DestinationConfiguration to deliver the stream to a general purpose bucket."},
		{"json", func(in *kinesis.CreateChannelInput) {
			in.StreamConfigurationList[0].RecordConfiguration.RecordFormatType = types.RecordFormatTypeJson
		}, "InvalidArgumentException", "Sluice does not check JSON records yet (records that fail the check go to the dead-letter queue). Use RecordFormatType BYTE_ARRAY to deliver the records as they are."},
		{"template", func(in *kinesis.CreateChannelInput) {
			in.S3DestinationConfiguration.StorageConfiguration.OutputKeyTemplate = aws.String("data//!{channel-name}!{extension}")
		}, "InvalidArgumentException", "OutputKeyTemplate must not contain consecutive slashes (//)."},
		{"provisioned", func(in *kinesis.CreateChannelInput) { in.StreamConfigurationList[0].StreamARN = aws.String(prov) }, "InvalidArgumentException",
			"CreateChannel is not supported for stream prov under account 000000000000 because it is in PROVISIONED capacity mode; channels read on-demand streams."},
		{"missing stream", func(in *kinesis.CreateChannelInput) {
			in.StreamConfigurationList[0].StreamARN = aws.String("arn:aws:kinesis:us-east-1:000000000000:stream/nope")
		}, "ResourceNotFoundException", "Stream nope under account 000000000000 not found."},
		{"taken", func(in *kinesis.CreateChannelInput) {
			in.ChannelName = aws.String("taken")
			in.StreamConfigurationList[0].StreamARN = aws.String(other)
		},
			"ResourceInUseException", "Channel taken under account 000000000000 already exists."},
		{"second on a stream", func(in *kinesis.CreateChannelInput) {}, "LimitExceededException",
			"Stream src under account 000000000000 already has 1 channel delivering to a general purpose Amazon S3 bucket, the most a stream can have."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := channelInput("c", src)
			tc.edit(in)
			_, err := c.CreateChannel(ctx, in)
			wantAPIError(t, err, tc.code, tc.msg)
		})
	}

	_, err := c.DescribeChannel(ctx, &kinesis.DescribeChannelInput{ChannelARN: aws.String("arn:aws:kinesis:us-east-1:000000000000:channel/nope")})
	wantAPIError(t, err, "ResourceNotFoundException", "Channel nope under account 000000000000 not found.")
	_, err = c.UpdateChannel(ctx, &kinesis.UpdateChannelInput{ChannelARN: aws.String("arn:aws:kinesis:us-east-1:000000000000:channel/taken")})
	wantAPIError(t, err, "InvalidArgumentException", "Specify S3DestinationConfiguration or LoggingConfiguration to update.")
	_, err = c.UpdateChannel(ctx, &kinesis.UpdateChannelInput{ChannelARN: aws.String("arn:aws:kinesis:us-east-1:000000000000:channel/taken"),
		S3TablesDestinationConfiguration: &types.S3TablesDestinationUpdateInput{DataFreshnessInSeconds: aws.Int32(300)}})
	wantAPIError(t, err, "InvalidArgumentException", "S3TablesDestinationConfiguration applies to channels that deliver to streaming tables; this channel delivers to a general purpose Amazon S3 bucket.")
	_, err = c.ListChannels(ctx, &kinesis.ListChannelsInput{MaxResults: aws.Int32(0)})
	wantAPIError(t, err, "ValidationException", "1 validation error detected: Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1")
	_, err = c.ListChannels(ctx, &kinesis.ListChannelsInput{NextToken: aws.String("forged")})
	wantAPIError(t, err, "InvalidArgumentException", "Invalid NextToken.")
	_, err = c.DeleteChannel(ctx, &kinesis.DeleteChannelInput{ChannelARN: aws.String("arn:aws:kinesis:us-east-1:000000000000:channel/nope")})
	wantAPIError(t, err, "ResourceNotFoundException", "Channel nope under account 000000000000 not found.")
}
