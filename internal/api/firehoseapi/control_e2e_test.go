//lint:file-ignore SA1019 S3DestinationConfiguration is deprecated in the model but AWS still accepts it, so it is tested.

package firehoseapi_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	"github.com/aws/aws-sdk-go-v2/service/firehose/types"

	"sluice/internal/config"
	"sluice/internal/testserver"
)

func TestCreateDescribeListDelete(t *testing.T) {
	srv := testserver.Start(t, testserver.WithConfig(func(c *config.Config) {
		c.CreateDelay, c.DeleteDelay = 300*time.Millisecond, 300*time.Millisecond
	}))
	fh := srv.FirehoseClient()
	ctx := t.Context()
	out, err := fh.CreateDeliveryStream(ctx, &firehose.CreateDeliveryStreamInput{
		DeliveryStreamName: aws.String("clicks"),
		S3DestinationConfiguration: &types.S3DestinationConfiguration{
			RoleARN:   aws.String("arn:aws:iam::000000000000:role/r"),
			BucketARN: aws.String("arn:aws:s3:::clicks-bucket"),
		},
		Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("web")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(out.DeliveryStreamARN); got != "arn:aws:firehose:us-east-1:000000000000:deliverystream/clicks" {
		t.Fatalf("ARN = %s", got)
	}
	d, err := fh.DescribeDeliveryStream(ctx, &firehose.DescribeDeliveryStreamInput{DeliveryStreamName: aws.String("clicks")})
	if err != nil {
		t.Fatal(err)
	}
	desc := d.DeliveryStreamDescription
	if desc.DeliveryStreamStatus != types.DeliveryStreamStatusCreating || aws.ToString(desc.VersionId) != "1" ||
		desc.DeliveryStreamType != types.DeliveryStreamTypeDirectPut || len(desc.Destinations) != 1 {
		t.Fatalf("description = %+v", desc)
	}
	s3 := desc.Destinations[0].S3DestinationDescription
	if aws.ToString(desc.Destinations[0].DestinationId) != "destinationId-000000000001" || s3 == nil ||
		aws.ToInt32(s3.BufferingHints.SizeInMBs) != 5 || aws.ToInt32(s3.BufferingHints.IntervalInSeconds) != 300 ||
		s3.CompressionFormat != types.CompressionFormatUncompressed || s3.EncryptionConfiguration.NoEncryptionConfig != types.NoEncryptionConfigNoEncryption {
		t.Fatalf("destination = %+v", s3)
	}
	if desc.DeliveryStreamEncryptionConfiguration.Status != types.DeliveryStreamEncryptionStatusDisabled {
		t.Fatalf("encryption = %+v", desc.DeliveryStreamEncryptionConfiguration)
	}
	// Not ACTIVE yet: puts fail.
	if _, err := fh.PutRecord(ctx, &firehose.PutRecordInput{DeliveryStreamName: aws.String("clicks"), Record: &types.Record{Data: []byte("x")}}); apiCode(err) != "ResourceNotFoundException" {
		t.Fatalf("put while CREATING: %v", err)
	}
	waitActive(t, fh, "clicks")

	_, err = fh.CreateDeliveryStream(ctx, &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("clicks"), S3DestinationConfiguration: &types.S3DestinationConfiguration{RoleARN: aws.String("arn:aws:iam::000000000000:role/r"), BucketARN: aws.String("arn:aws:s3:::b")}})
	if apiCode(err) != "ResourceInUseException" || apiMessage(err) != "Firehose clicks under accountId 000000000000 already exists" {
		t.Fatalf("duplicate: %v", err)
	}
	for i := range 3 {
		createS3(t, fh, fmt.Sprintf("s%d", i), types.ExtendedS3DestinationConfiguration{})
	}
	l, err := fh.ListDeliveryStreams(ctx, &firehose.ListDeliveryStreamsInput{Limit: aws.Int32(2)})
	if err != nil || strings.Join(l.DeliveryStreamNames, ",") != "clicks,s0" || !aws.ToBool(l.HasMoreDeliveryStreams) {
		t.Fatalf("list = %+v, %v", l, err)
	}
	l, err = fh.ListDeliveryStreams(ctx, &firehose.ListDeliveryStreamsInput{ExclusiveStartDeliveryStreamName: aws.String("s0")})
	if err != nil || strings.Join(l.DeliveryStreamNames, ",") != "s1,s2" || aws.ToBool(l.HasMoreDeliveryStreams) {
		t.Fatalf("list after s0 = %+v, %v", l, err)
	}

	if _, err := fh.DeleteDeliveryStream(ctx, &firehose.DeleteDeliveryStreamInput{DeliveryStreamName: aws.String("clicks")}); err != nil {
		t.Fatal(err)
	}
	d, err = fh.DescribeDeliveryStream(ctx, &firehose.DescribeDeliveryStreamInput{DeliveryStreamName: aws.String("clicks")})
	if err != nil || d.DeliveryStreamDescription.DeliveryStreamStatus != types.DeliveryStreamStatusDeleting {
		t.Fatalf("after delete: %v %v", d, err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, err = fh.DescribeDeliveryStream(ctx, &firehose.DescribeDeliveryStreamInput{DeliveryStreamName: aws.String("clicks")})
		if apiCode(err) == "ResourceNotFoundException" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("still there: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if apiMessage(err) != "Firehose clicks under account 000000000000 not found." {
		t.Fatalf("message = %q", apiMessage(err))
	}
}

func TestInvalidRequestsChangeNothing(t *testing.T) {
	srv := testserver.Start(t)
	fh := srv.FirehoseClient()
	ctx := t.Context()
	role, bucket := aws.String("arn:aws:iam::000000000000:role/r"), aws.String("arn:aws:s3:::b")
	cases := []struct {
		name string
		in   *firehose.CreateDeliveryStreamInput
		code string
		msg  string
	}{
		{"bad name", &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("bad name"), S3DestinationConfiguration: &types.S3DestinationConfiguration{RoleARN: role, BucketARN: bucket}},
			"ValidationException", "Value 'bad name' at 'deliveryStreamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"},
		{"no destination", &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("x")}, "InvalidArgumentException", ""},
		{"interval too long", &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("x"), S3DestinationConfiguration: &types.S3DestinationConfiguration{RoleARN: role, BucketARN: bucket,
			BufferingHints: &types.BufferingHints{IntervalInSeconds: aws.Int32(901), SizeInMBs: aws.Int32(5)}}}, "ValidationException", "Member must have value less than or equal to 900"},
		{"size too big", &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("x"), S3DestinationConfiguration: &types.S3DestinationConfiguration{RoleARN: role, BucketARN: bucket,
			BufferingHints: &types.BufferingHints{IntervalInSeconds: aws.Int32(60), SizeInMBs: aws.Int32(129)}}}, "ValidationException", "Member must have value less than or equal to 128"},
		{"bad timestamp", &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("x"), ExtendedS3DestinationConfiguration: &types.ExtendedS3DestinationConfiguration{RoleARN: role, BucketARN: bucket,
			Prefix: aws.String("!{timestamp:qq}/"), ErrorOutputPrefix: aws.String("e/!{firehose:error-output-type}/")}}, "InvalidArgumentException", ""},
		{"expressions without error prefix", &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("x"), ExtendedS3DestinationConfiguration: &types.ExtendedS3DestinationConfiguration{RoleARN: role, BucketARN: bucket,
			Prefix: aws.String("!{timestamp:yyyy}/")}}, "InvalidArgumentException", "ErrorOutputPrefix cannot be null or empty when Prefix contains expressions."},
		{"bad time zone", &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("x"), ExtendedS3DestinationConfiguration: &types.ExtendedS3DestinationConfiguration{RoleARN: role, BucketARN: bucket,
			CustomTimeZone: aws.String("Mars/Olympus")}}, "InvalidArgumentException", ""},
		{"http endpoint over http", &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("x"), HttpEndpointDestinationConfiguration: &types.HttpEndpointDestinationConfiguration{
			EndpointConfiguration: &types.HttpEndpointConfiguration{Url: aws.String("http://example.com")}, S3Configuration: &types.S3DestinationConfiguration{RoleARN: role, BucketARN: bucket}}},
			"ValidationException", "1 validation error detected: Value 'http://example.com' at 'httpEndpointDestinationConfiguration.endpointConfiguration.url' failed to satisfy constraint: Member must satisfy regular expression pattern: https://.*"},
		// A conversion without its schema cannot run, whether or not
		// Sluice converts; Enabled defaults to true, so left out the
		// conversion is still asked for.
		{"format conversion", &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("x"), ExtendedS3DestinationConfiguration: &types.ExtendedS3DestinationConfiguration{RoleARN: role, BucketARN: bucket,
			DataFormatConversionConfiguration: &types.DataFormatConversionConfiguration{Enabled: aws.Bool(true)}}},
			"InvalidArgumentException", ""},
		{"format conversion, Enabled left out", &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("x"), ExtendedS3DestinationConfiguration: &types.ExtendedS3DestinationConfiguration{RoleARN: role, BucketARN: bucket,
			DataFormatConversionConfiguration: &types.DataFormatConversionConfiguration{}}},
			"InvalidArgumentException", ""},
		{"bad compression", &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("x"), S3DestinationConfiguration: &types.S3DestinationConfiguration{RoleARN: role, BucketARN: bucket,
			CompressionFormat: "LZ4"}}, "ValidationException", "Member must satisfy enum value set: [UNCOMPRESSED, GZIP, ZIP, Snappy, HADOOP_SNAPPY]"},
		{"unknown source stream", &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("x"), DeliveryStreamType: types.DeliveryStreamTypeKinesisStreamAsSource,
			KinesisStreamSourceConfiguration: &types.KinesisStreamSourceConfiguration{KinesisStreamARN: aws.String("arn:aws:kinesis:us-east-1:000000000000:stream/nope"), RoleARN: role},
			S3DestinationConfiguration:       &types.S3DestinationConfiguration{RoleARN: role, BucketARN: bucket}}, "InvalidArgumentException", ""},
	}
	for _, c := range cases {
		_, err := fh.CreateDeliveryStream(ctx, c.in)
		if apiCode(err) != c.code || !strings.Contains(apiMessage(err), c.msg) {
			t.Errorf("%s: %v, want %s %q", c.name, err, c.code, c.msg)
		}
	}
	l, err := fh.ListDeliveryStreams(ctx, &firehose.ListDeliveryStreamsInput{})
	if err != nil || len(l.DeliveryStreamNames) != 0 {
		t.Fatalf("after the refused creates: %v %v", l, err)
	}
	// Records: too large, too many, unknown stream.
	createS3(t, fh, "p", types.ExtendedS3DestinationConfiguration{})
	_, err = fh.PutRecord(ctx, &firehose.PutRecordInput{DeliveryStreamName: aws.String("p"), Record: &types.Record{Data: make([]byte, 1000<<10+1)}})
	if apiCode(err) != "ValidationException" || !strings.Contains(apiMessage(err), "Member must have length less than or equal to 1024000") {
		t.Errorf("record too large: %v", err)
	}
	recs := make([]types.Record, 501)
	for i := range recs {
		recs[i].Data = []byte("x")
	}
	if _, err = fh.PutRecordBatch(ctx, &firehose.PutRecordBatchInput{DeliveryStreamName: aws.String("p"), Records: recs}); apiCode(err) != "ValidationException" {
		t.Errorf("501 records: %v", err)
	}
	if _, err = fh.PutRecord(ctx, &firehose.PutRecordInput{DeliveryStreamName: aws.String("nope"), Record: &types.Record{Data: []byte("x")}}); apiCode(err) != "ResourceNotFoundException" {
		t.Errorf("unknown stream: %v", err)
	}
	out, err := fh.PutRecordBatch(ctx, &firehose.PutRecordBatchInput{DeliveryStreamName: aws.String("p"), Records: recs[:500]})
	if err != nil || aws.ToInt32(out.FailedPutCount) != 0 || len(out.RequestResponses) != 500 || len(aws.ToString(out.RequestResponses[0].RecordId)) != 112 {
		t.Fatalf("500 records: %v", err)
	}
	ids := map[string]bool{}
	for _, r := range out.RequestResponses {
		ids[aws.ToString(r.RecordId)] = true
	}
	if len(ids) != 500 {
		t.Fatalf("%d distinct RecordIds for 500 records", len(ids))
	}
}

func TestTagsEncryptionAndUpdateDestination(t *testing.T) {
	srv := testserver.Start(t)
	fh := srv.FirehoseClient()
	ctx := t.Context()
	createS3(t, fh, "cfg", types.ExtendedS3DestinationConfiguration{Prefix: aws.String("v1/")})
	name := aws.String("cfg")

	var tags []types.Tag
	for i := range 5 {
		tags = append(tags, types.Tag{Key: aws.String(fmt.Sprintf("k%d", i)), Value: aws.String("v")})
	}
	if _, err := fh.TagDeliveryStream(ctx, &firehose.TagDeliveryStreamInput{DeliveryStreamName: name, Tags: tags}); err != nil {
		t.Fatal(err)
	}
	if _, err := fh.UntagDeliveryStream(ctx, &firehose.UntagDeliveryStreamInput{DeliveryStreamName: name, TagKeys: []string{"k1"}}); err != nil {
		t.Fatal(err)
	}
	lt, err := fh.ListTagsForDeliveryStream(ctx, &firehose.ListTagsForDeliveryStreamInput{DeliveryStreamName: name, Limit: aws.Int32(2)})
	if err != nil || len(lt.Tags) != 2 || aws.ToString(lt.Tags[1].Key) != "k2" || !aws.ToBool(lt.HasMoreTags) {
		t.Fatalf("tags = %+v, %v", lt, err)
	}
	lt, err = fh.ListTagsForDeliveryStream(ctx, &firehose.ListTagsForDeliveryStreamInput{DeliveryStreamName: name, ExclusiveStartTagKey: aws.String("k2")})
	if err != nil || len(lt.Tags) != 2 || aws.ToBool(lt.HasMoreTags) {
		t.Fatalf("tags after k2 = %+v, %v", lt, err)
	}
	many := make([]types.Tag, 50)
	for i := range many {
		many[i] = types.Tag{Key: aws.String(fmt.Sprintf("m%d", i)), Value: aws.String("v")}
	}
	if _, err := fh.TagDeliveryStream(ctx, &firehose.TagDeliveryStreamInput{DeliveryStreamName: name, Tags: many}); apiCode(err) != "LimitExceededException" {
		t.Fatalf("over 50 tags: %v", err)
	}

	if _, err := fh.StartDeliveryStreamEncryption(ctx, &firehose.StartDeliveryStreamEncryptionInput{DeliveryStreamName: name,
		DeliveryStreamEncryptionConfigurationInput: &types.DeliveryStreamEncryptionConfigurationInput{KeyType: types.KeyTypeCustomerManagedCmk}}); apiCode(err) != "InvalidArgumentException" {
		t.Fatalf("customer key without ARN: %v", err)
	}
	if _, err := fh.StartDeliveryStreamEncryption(ctx, &firehose.StartDeliveryStreamEncryptionInput{DeliveryStreamName: name,
		DeliveryStreamEncryptionConfigurationInput: &types.DeliveryStreamEncryptionConfigurationInput{KeyType: types.KeyTypeAwsOwnedCmk}}); err != nil {
		t.Fatal(err)
	}
	pr, err := fh.PutRecord(ctx, &firehose.PutRecordInput{DeliveryStreamName: name, Record: &types.Record{Data: []byte("x")}})
	if err != nil || !aws.ToBool(pr.Encrypted) {
		t.Fatalf("put with encryption: %+v %v", pr, err)
	}
	d, _ := fh.DescribeDeliveryStream(ctx, &firehose.DescribeDeliveryStreamInput{DeliveryStreamName: name})
	if e := d.DeliveryStreamDescription.DeliveryStreamEncryptionConfiguration; e.Status != types.DeliveryStreamEncryptionStatusEnabled || e.KeyType != types.KeyTypeAwsOwnedCmk {
		t.Fatalf("encryption = %+v", e)
	}
	if _, err := fh.StopDeliveryStreamEncryption(ctx, &firehose.StopDeliveryStreamEncryptionInput{DeliveryStreamName: name}); err != nil {
		t.Fatal(err)
	}

	update := func(version string, in *types.ExtendedS3DestinationUpdate) error {
		_, err := fh.UpdateDestination(ctx, &firehose.UpdateDestinationInput{DeliveryStreamName: name, CurrentDeliveryStreamVersionId: aws.String(version),
			DestinationId: aws.String("destinationId-000000000001"), ExtendedS3DestinationUpdate: in})
		return err
	}
	if err := update("1", &types.ExtendedS3DestinationUpdate{CompressionFormat: types.CompressionFormatGzip, BufferingHints: &types.BufferingHints{SizeInMBs: aws.Int32(64)}}); err != nil {
		t.Fatal(err)
	}
	err = update("1", &types.ExtendedS3DestinationUpdate{Prefix: aws.String("v3/")})
	if apiCode(err) != "ConcurrentModificationException" || apiMessage(err) != "Cannot update firehose: cfg since the current version id: 2 and specified version id: 1 do not match" {
		t.Fatalf("stale version: %v", err)
	}
	d, _ = fh.DescribeDeliveryStream(ctx, &firehose.DescribeDeliveryStreamInput{DeliveryStreamName: name})
	desc := d.DeliveryStreamDescription
	ext := desc.Destinations[0].ExtendedS3DestinationDescription
	if aws.ToString(desc.VersionId) != "2" || desc.LastUpdateTimestamp == nil || ext.CompressionFormat != types.CompressionFormatGzip ||
		aws.ToString(ext.Prefix) != "v1/" || aws.ToInt32(ext.BufferingHints.SizeInMBs) != 64 || aws.ToInt32(ext.BufferingHints.IntervalInSeconds) != 300 {
		t.Fatalf("after update: %+v %+v", desc, ext)
	}
	// The new version names the objects.
	if err := update("2", &types.ExtendedS3DestinationUpdate{BufferingHints: &types.BufferingHints{IntervalInSeconds: aws.Int32(0), SizeInMBs: aws.Int32(1)}}); err != nil {
		t.Fatal(err)
	}
	put(t, fh, "cfg", "after")
	keys := waitObjects(t, srv, "bucket", 1)
	if !strings.Contains(keys[len(keys)-1], "/cfg-3-") || !strings.HasSuffix(keys[len(keys)-1], ".gz") {
		t.Fatalf("keys = %v, want version 3 and .gz", keys)
	}
}

// TestSigV4 checks Firehose requests against the configured keys, with the
// signing name firehose, and acts in the key's account.
func TestSigV4(t *testing.T) {
	creds := filepath.Join(t.TempDir(), "keys.json")
	os.WriteFile(creds, []byte(`{"keys":[{"accessKeyId":"AKIDFH","secretAccessKey":"fh-secret","accountId":"123456789012"}]}`), 0o600)
	srv := testserver.Start(t, testserver.WithConfig(func(c *config.Config) { c.Auth, c.Credentials = config.AuthSigV4, creds }))
	good := firehose.NewFromConfig(srv.AWSConfig("us-east-1", "AKIDFH", "fh-secret"))
	out, err := good.CreateDeliveryStream(t.Context(), &firehose.CreateDeliveryStreamInput{
		DeliveryStreamName: aws.String("signed"),
		ExtendedS3DestinationConfiguration: &types.ExtendedS3DestinationConfiguration{
			RoleARN: aws.String("arn:aws:iam::123456789012:role/r"), BucketARN: aws.String("arn:aws:s3:::b"),
		},
	})
	if err != nil || aws.ToString(out.DeliveryStreamARN) != "arn:aws:firehose:us-east-1:123456789012:deliverystream/signed" {
		t.Fatalf("create: %v %v", out, err)
	}
	bad := firehose.NewFromConfig(srv.AWSConfig("us-east-1", "AKIDFH", "wrong"))
	if _, err := bad.ListDeliveryStreams(t.Context(), &firehose.ListDeliveryStreamsInput{}); apiCode(err) != "InvalidSignatureException" {
		t.Fatalf("wrong secret: %v", err)
	}
	unknown := firehose.NewFromConfig(srv.AWSConfig("us-east-1", "AKIDNOPE", "x"))
	if _, err := unknown.ListDeliveryStreams(t.Context(), &firehose.ListDeliveryStreamsInput{}); apiCode(err) != "UnrecognizedClientException" {
		t.Fatalf("unknown key: %v", err)
	}
}
