package firehoseapi_test

import (
	"encoding/json"
	"os"
	"os/exec"
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

// The destinations beyond S3 through aws-sdk-go-v2: what the wire layer
// refuses, and create → describe → update → describe for every kind.

const (
	e2eRole   = "arn:aws:iam::000000000000:role/firehose"
	e2eBucket = "arn:aws:s3:::backup"
)

func e2eS3() *types.S3DestinationConfiguration {
	return &types.S3DestinationConfiguration{RoleARN: aws.String(e2eRole), BucketARN: aws.String(e2eBucket), Prefix: aws.String("failed/")}
}

// skipUntilAccepted skips a round trip while the domain still refuses the
// destination kind or feature with its "not yet" message; any other
// error fails the test.
func skipUntilAccepted(t *testing.T, err error, what string) {
	t.Helper()
	msg := apiMessage(err)
	if apiCode(err) == "InvalidArgumentException" && strings.Contains(msg, "Sluice") && strings.HasSuffix(msg, " yet.") {
		t.Skipf("until the domain accepts %s (%s)", what, msg)
	}
	if err != nil {
		t.Fatal(err)
	}
}

func TestDestinationRefusals(t *testing.T) {
	srv := testserver.Start(t)
	fh := srv.FirehoseClient()
	ctx := t.Context()
	secrets := &types.SecretsManagerConfiguration{Enabled: aws.Bool(true), SecretARN: aws.String("arn:aws:secretsmanager:us-east-1:000000000000:secret:s")}
	cases := []struct {
		name string
		in   *firehose.CreateDeliveryStreamInput
		code string
		msg  string
	}{
		{"secrets manager", &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("x"), HttpEndpointDestinationConfiguration: &types.HttpEndpointDestinationConfiguration{
			EndpointConfiguration: &types.HttpEndpointConfiguration{Url: aws.String("https://example.com")}, S3Configuration: e2eS3(), SecretsManagerConfiguration: secrets}},
			"InvalidArgumentException", "Sluice has no Secrets Manager: give the credentials in the destination configuration and leave SecretsManagerConfiguration out, or set its Enabled to false."},
		{"VPC", &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("x"), AmazonopensearchserviceDestinationConfiguration: &types.AmazonopensearchserviceDestinationConfiguration{
			RoleARN: aws.String(e2eRole), IndexName: aws.String("i"), S3Configuration: e2eS3(),
			VpcConfiguration: &types.VpcConfiguration{RoleARN: aws.String(e2eRole), SubnetIds: []string{"subnet-1"}, SecurityGroupIds: []string{"sg-1"}}}},
			"InvalidArgumentException", "Sluice has no VPCs: VpcConfiguration is not supported; the destination is reached over the server's own network."},
		{"JDBC URL outside the model's pattern", &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("x"), RedshiftDestinationConfiguration: &types.RedshiftDestinationConfiguration{
			RoleARN: aws.String(e2eRole), ClusterJDBCURL: aws.String("jdbc:postgresql://localhost:5432/dev"), CopyCommand: &types.CopyCommand{DataTableName: aws.String("t")}, S3Configuration: e2eS3()}},
			"ValidationException", "1 validation error detected: Value 'jdbc:postgresql://localhost:5432/dev' at 'redshiftDestinationConfiguration.clusterJDBCURL' failed to satisfy constraint: Member must satisfy regular expression pattern: jdbc:(redshift|postgresql)://((?!-)[A-Za-z0-9-]{1,63}(?<!-)\\.)+(redshift(-serverless)?)\\.([a-zA-Z0-9\\.\\-]+):\\d{1,5}/[a-zA-Z0-9_$-]+"},
		{"splunk acknowledgement timeout", &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("x"), SplunkDestinationConfiguration: &types.SplunkDestinationConfiguration{
			HECEndpoint: aws.String("https://splunk:8088"), HECEndpointType: types.HECEndpointTypeRaw, HECAcknowledgmentTimeoutInSeconds: aws.Int32(100), S3Configuration: e2eS3()}},
			"ValidationException", "1 validation error detected: Value '100' at 'splunkDestinationConfiguration.hECAcknowledgmentTimeoutInSeconds' failed to satisfy constraint: Member must have value greater than or equal to 180"},
		{"parquet block size", &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("x"), ExtendedS3DestinationConfiguration: &types.ExtendedS3DestinationConfiguration{
			RoleARN: aws.String(e2eRole), BucketARN: aws.String(e2eBucket), DataFormatConversionConfiguration: &types.DataFormatConversionConfiguration{
				OutputFormatConfiguration: &types.OutputFormatConfiguration{Serializer: &types.Serializer{ParquetSerDe: &types.ParquetSerDe{BlockSizeBytes: aws.Int32(1 << 20)}}}}}},
			"ValidationException", "1 validation error detected: Value '1048576' at 'extendedS3DestinationConfiguration.dataFormatConversionConfiguration.outputFormatConfiguration.serializer.parquetSerDe.blockSizeBytes' failed to satisfy constraint: Member must have value greater than or equal to 67108864"},
		{"MSK source", &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("x"), DeliveryStreamType: types.DeliveryStreamTypeMSKAsSource,
			MSKSourceConfiguration: &types.MSKSourceConfiguration{MSKClusterARN: aws.String("arn:aws:kafka:us-east-1:000000000000:cluster/c/1"), TopicName: aws.String("t"),
				AuthenticationConfiguration: &types.AuthenticationConfiguration{RoleARN: aws.String(e2eRole), Connectivity: types.ConnectivityPublic}},
			ExtendedS3DestinationConfiguration: &types.ExtendedS3DestinationConfiguration{RoleARN: aws.String(e2eRole), BucketARN: aws.String(e2eBucket)}},
			"InvalidArgumentException", "Sluice does not support MSKSourceConfiguration."},
	}
	for _, c := range cases {
		_, err := fh.CreateDeliveryStream(ctx, c.in)
		if apiCode(err) != c.code || apiMessage(err) != c.msg {
			t.Errorf("%s: %v, want %s %q", c.name, err, c.code, c.msg)
		}
	}

	// Updates: a change of type must give the whole configuration; one
	// update at a time.
	createS3(t, fh, "s", types.ExtendedS3DestinationConfiguration{})
	upd := &firehose.UpdateDestinationInput{DeliveryStreamName: aws.String("s"), CurrentDeliveryStreamVersionId: aws.String("1"), DestinationId: aws.String("destinationId-000000000001"),
		HttpEndpointDestinationUpdate: &types.HttpEndpointDestinationUpdate{BufferingHints: &types.HttpEndpointBufferingHints{SizeInMBs: aws.Int32(1), IntervalInSeconds: aws.Int32(60)}}}
	_, err := fh.UpdateDestination(ctx, upd)
	if apiCode(err) != "InvalidArgumentException" || apiMessage(err) != "HttpEndpointDestinationUpdate changes the destination type, which replaces the destination: give every member HttpEndpointDestinationConfiguration requires; missing: EndpointConfiguration, S3Update." {
		t.Errorf("S3 -> partial HTTP: %v", err)
	}
	upd.ExtendedS3DestinationUpdate = &types.ExtendedS3DestinationUpdate{Prefix: aws.String("p/")}
	_, err = fh.UpdateDestination(ctx, upd)
	if apiCode(err) != "InvalidArgumentException" || apiMessage(err) != "Exactly one destination update must be specified; got ExtendedS3DestinationUpdate and HttpEndpointDestinationUpdate." {
		t.Errorf("two updates: %v", err)
	}
	d, err := fh.DescribeDeliveryStream(ctx, &firehose.DescribeDeliveryStreamInput{DeliveryStreamName: aws.String("s")})
	if err != nil || aws.ToString(d.DeliveryStreamDescription.VersionId) != "1" || d.DeliveryStreamDescription.Destinations[0].ExtendedS3DestinationDescription == nil {
		t.Fatalf("after refused updates: %v %v", d, err)
	}
}

// TestSourceRecordBackupUpdate: ExtendedS3DestinationUpdate names the
// backup S3BackupUpdate (not S3BackupConfiguration, as the Create form
// does), and it merges.
func TestSourceRecordBackupUpdate(t *testing.T) {
	srv := testserver.Start(t)
	fh := srv.FirehoseClient()
	ctx := t.Context()
	createS3(t, fh, "b", types.ExtendedS3DestinationConfiguration{S3BackupMode: types.S3BackupModeEnabled,
		S3BackupConfiguration: &types.S3DestinationConfiguration{RoleARN: aws.String(e2eRole), BucketARN: aws.String("arn:aws:s3:::raw")}})
	_, err := fh.UpdateDestination(ctx, &firehose.UpdateDestinationInput{DeliveryStreamName: aws.String("b"), CurrentDeliveryStreamVersionId: aws.String("1"),
		DestinationId:               aws.String("destinationId-000000000001"),
		ExtendedS3DestinationUpdate: &types.ExtendedS3DestinationUpdate{S3BackupUpdate: &types.S3DestinationUpdate{Prefix: aws.String("raw/"), CompressionFormat: types.CompressionFormatGzip}}})
	if err != nil {
		t.Fatal(err)
	}
	d, err := fh.DescribeDeliveryStream(ctx, &firehose.DescribeDeliveryStreamInput{DeliveryStreamName: aws.String("b")})
	if err != nil {
		t.Fatal(err)
	}
	b := d.DeliveryStreamDescription.Destinations[0].ExtendedS3DestinationDescription.S3BackupDescription
	if b == nil || aws.ToString(b.BucketARN) != "arn:aws:s3:::raw" || aws.ToString(b.Prefix) != "raw/" || b.CompressionFormat != types.CompressionFormatGzip {
		t.Fatalf("backup = %+v", b)
	}
}

// roundTrip creates a delivery stream, waits until it is ACTIVE, and
// returns its destination's description; it skips while the domain
// refuses what the request asks for.
func roundTrip(t *testing.T, fh *firehose.Client, in *firehose.CreateDeliveryStreamInput, what string) types.DestinationDescription {
	t.Helper()
	_, err := fh.CreateDeliveryStream(t.Context(), in)
	skipUntilAccepted(t, err, what)
	waitActive(t, fh, aws.ToString(in.DeliveryStreamName))
	return describeDestination(t, fh, aws.ToString(in.DeliveryStreamName))
}

func describeDestination(t *testing.T, fh *firehose.Client, name string) types.DestinationDescription {
	t.Helper()
	d, err := fh.DescribeDeliveryStream(t.Context(), &firehose.DescribeDeliveryStreamInput{DeliveryStreamName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.DeliveryStreamDescription.Destinations) != 1 {
		t.Fatalf("%d destinations", len(d.DeliveryStreamDescription.Destinations))
	}
	return d.DeliveryStreamDescription.Destinations[0]
}

// updateDest applies an update at the given version.
func updateDest(t *testing.T, fh *firehose.Client, name, version string, in *firehose.UpdateDestinationInput) {
	t.Helper()
	in.DeliveryStreamName, in.CurrentDeliveryStreamVersionId, in.DestinationId = aws.String(name), aws.String(version), aws.String("destinationId-000000000001")
	if _, err := fh.UpdateDestination(t.Context(), in); err != nil {
		t.Fatal(err)
	}
}

// checkS3Config checks the S3 configuration of a destination other than S3.
func checkS3Config(t *testing.T, s3 *types.S3DestinationDescription, prefix string) {
	t.Helper()
	if s3 == nil || aws.ToString(s3.BucketARN) != e2eBucket || aws.ToString(s3.Prefix) != prefix || s3.CompressionFormat != types.CompressionFormatUncompressed ||
		aws.ToInt32(s3.BufferingHints.SizeInMBs) != 5 || aws.ToInt32(s3.BufferingHints.IntervalInSeconds) != 300 {
		t.Errorf("S3 configuration = %+v, want prefix %s and the defaults", s3, prefix)
	}
}

func TestHTTPEndpointRoundTrip(t *testing.T) {
	srv := testserver.Start(t)
	fh := srv.FirehoseClient()
	d := roundTrip(t, fh, &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("h"), HttpEndpointDestinationConfiguration: &types.HttpEndpointDestinationConfiguration{
		EndpointConfiguration: &types.HttpEndpointConfiguration{Url: aws.String("https://example.com/in"), Name: aws.String("sink"), AccessKey: aws.String("key")},
		RequestConfiguration: &types.HttpEndpointRequestConfiguration{ContentEncoding: types.ContentEncodingGzip,
			CommonAttributes: []types.HttpEndpointCommonAttribute{{AttributeName: aws.String("env"), AttributeValue: aws.String("test")}}},
		S3Configuration: e2eS3(),
	}}, "HttpEndpoint")
	h := d.HttpEndpointDestinationDescription
	if h == nil || d.S3DestinationDescription != nil || aws.ToString(h.EndpointConfiguration.Url) != "https://example.com/in" || aws.ToString(h.EndpointConfiguration.Name) != "sink" ||
		h.RequestConfiguration.ContentEncoding != types.ContentEncodingGzip || len(h.RequestConfiguration.CommonAttributes) != 1 ||
		aws.ToInt32(h.BufferingHints.SizeInMBs) != 5 || aws.ToInt32(h.BufferingHints.IntervalInSeconds) != 300 ||
		aws.ToInt32(h.RetryOptions.DurationInSeconds) != 300 || h.S3BackupMode != types.HttpEndpointS3BackupModeFailedDataOnly {
		t.Fatalf("description = %+v", h)
	}
	checkS3Config(t, h.S3DestinationDescription, "failed/")

	updateDest(t, fh, "h", "1", &firehose.UpdateDestinationInput{HttpEndpointDestinationUpdate: &types.HttpEndpointDestinationUpdate{
		BufferingHints: &types.HttpEndpointBufferingHints{SizeInMBs: aws.Int32(1), IntervalInSeconds: aws.Int32(60)},
		RetryOptions:   &types.HttpEndpointRetryOptions{DurationInSeconds: aws.Int32(0)},
		S3Update:       &types.S3DestinationUpdate{Prefix: aws.String("http-failed/")},
	}})
	h = describeDestination(t, fh, "h").HttpEndpointDestinationDescription
	if aws.ToInt32(h.BufferingHints.SizeInMBs) != 1 || aws.ToInt32(h.BufferingHints.IntervalInSeconds) != 60 || aws.ToInt32(h.RetryOptions.DurationInSeconds) != 0 ||
		aws.ToString(h.EndpointConfiguration.Url) != "https://example.com/in" || len(h.RequestConfiguration.CommonAttributes) != 1 {
		t.Fatalf("after merge = %+v", h)
	}
	checkS3Config(t, h.S3DestinationDescription, "http-failed/")

	// To Extended S3: a different type replaces the destination.
	updateDest(t, fh, "h", "2", &firehose.UpdateDestinationInput{ExtendedS3DestinationUpdate: &types.ExtendedS3DestinationUpdate{
		RoleARN: aws.String(e2eRole), BucketARN: aws.String("arn:aws:s3:::lake")}})
	d = describeDestination(t, fh, "h")
	if d.HttpEndpointDestinationDescription != nil || d.ExtendedS3DestinationDescription == nil || aws.ToString(d.ExtendedS3DestinationDescription.BucketARN) != "arn:aws:s3:::lake" {
		t.Fatalf("after HTTP -> S3: %+v", d)
	}
}

func TestSearchRoundTrip(t *testing.T) {
	srv := testserver.Start(t)
	fh := srv.FirehoseClient()
	d := roundTrip(t, fh, &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("o"), AmazonopensearchserviceDestinationConfiguration: &types.AmazonopensearchserviceDestinationConfiguration{
		RoleARN: aws.String(e2eRole), ClusterEndpoint: aws.String("https://search:9200"), IndexName: aws.String("logs"), IndexRotationPeriod: types.AmazonopensearchserviceIndexRotationPeriodOneDay,
		DocumentIdOptions: &types.DocumentIdOptions{DefaultDocumentIdFormat: types.DefaultDocumentIdFormatNoDocumentId}, S3Configuration: e2eS3(),
	}}, "AmazonopensearchserviceDestinationConfiguration")
	o := d.AmazonopensearchserviceDestinationDescription
	if o == nil || aws.ToString(o.ClusterEndpoint) != "https://search:9200" || aws.ToString(o.IndexName) != "logs" || o.IndexRotationPeriod != types.AmazonopensearchserviceIndexRotationPeriodOneDay ||
		o.DocumentIdOptions.DefaultDocumentIdFormat != types.DefaultDocumentIdFormatNoDocumentId || o.S3BackupMode != types.AmazonopensearchserviceS3BackupModeFailedDocumentsOnly ||
		aws.ToInt32(o.BufferingHints.SizeInMBs) != 5 || aws.ToInt32(o.RetryOptions.DurationInSeconds) != 300 {
		t.Fatalf("description = %+v", o)
	}
	checkS3Config(t, o.S3DestinationDescription, "failed/")
	updateDest(t, fh, "o", "1", &firehose.UpdateDestinationInput{AmazonopensearchserviceDestinationUpdate: &types.AmazonopensearchserviceDestinationUpdate{IndexName: aws.String("logs2")}})
	o = describeDestination(t, fh, "o").AmazonopensearchserviceDestinationDescription
	if aws.ToString(o.IndexName) != "logs2" || aws.ToString(o.ClusterEndpoint) != "https://search:9200" {
		t.Fatalf("after merge = %+v", o)
	}
	// OpenSearch can only become OpenSearch: Elasticsearch is allowed,
	// HTTP is not.
	_, err := fh.UpdateDestination(t.Context(), &firehose.UpdateDestinationInput{DeliveryStreamName: aws.String("o"), CurrentDeliveryStreamVersionId: aws.String("2"),
		DestinationId: aws.String("destinationId-000000000001"), HttpEndpointDestinationUpdate: &types.HttpEndpointDestinationUpdate{
			EndpointConfiguration: &types.HttpEndpointConfiguration{Url: aws.String("https://e")}, S3Update: &types.S3DestinationUpdate{RoleARN: aws.String(e2eRole), BucketARN: aws.String(e2eBucket)}}})
	if apiCode(err) != "InvalidArgumentException" {
		t.Fatalf("OpenSearch -> HTTP: %v", err)
	}
	updateDest(t, fh, "o", "2", &firehose.UpdateDestinationInput{ElasticsearchDestinationUpdate: &types.ElasticsearchDestinationUpdate{
		RoleARN: aws.String(e2eRole), ClusterEndpoint: aws.String("https://es:9200"), IndexName: aws.String("old"), TypeName: aws.String("_doc"),
		S3Update: &types.S3DestinationUpdate{RoleARN: aws.String(e2eRole), BucketARN: aws.String(e2eBucket)}}})
	e := describeDestination(t, fh, "o").ElasticsearchDestinationDescription
	if e == nil || aws.ToString(e.TypeName) != "_doc" || aws.ToString(e.IndexName) != "old" {
		t.Fatalf("after OpenSearch -> Elasticsearch: %+v", e)
	}

	d = roundTrip(t, fh, &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("sl"), AmazonOpenSearchServerlessDestinationConfiguration: &types.AmazonOpenSearchServerlessDestinationConfiguration{
		RoleARN: aws.String(e2eRole), CollectionEndpoint: aws.String("https://c.aoss"), IndexName: aws.String("i"), S3Configuration: e2eS3(),
	}}, "AmazonOpenSearchServerlessDestinationConfiguration")
	if s := d.AmazonOpenSearchServerlessDestinationDescription; s == nil || aws.ToString(s.CollectionEndpoint) != "https://c.aoss" || aws.ToString(s.IndexName) != "i" {
		t.Fatalf("serverless = %+v", d)
	}
}

func TestSplunkRoundTrip(t *testing.T) {
	srv := testserver.Start(t)
	fh := srv.FirehoseClient()
	d := roundTrip(t, fh, &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("s"), SplunkDestinationConfiguration: &types.SplunkDestinationConfiguration{
		HECEndpoint: aws.String("https://splunk:8088"), HECEndpointType: types.HECEndpointTypeEvent, HECToken: aws.String("token"), S3Configuration: e2eS3(),
	}}, "Splunk")
	s := d.SplunkDestinationDescription
	if s == nil || aws.ToString(s.HECEndpoint) != "https://splunk:8088" || s.HECEndpointType != types.HECEndpointTypeEvent || s.HECToken != nil ||
		aws.ToInt32(s.HECAcknowledgmentTimeoutInSeconds) != 180 || aws.ToInt32(s.BufferingHints.SizeInMBs) != 5 || aws.ToInt32(s.BufferingHints.IntervalInSeconds) != 60 ||
		aws.ToInt32(s.RetryOptions.DurationInSeconds) != 3600 || s.S3BackupMode != types.SplunkS3BackupModeFailedEventsOnly {
		t.Fatalf("description = %+v", s)
	}
	updateDest(t, fh, "s", "1", &firehose.UpdateDestinationInput{SplunkDestinationUpdate: &types.SplunkDestinationUpdate{HECAcknowledgmentTimeoutInSeconds: aws.Int32(600), S3BackupMode: types.SplunkS3BackupModeAllEvents}})
	s = describeDestination(t, fh, "s").SplunkDestinationDescription
	if aws.ToInt32(s.HECAcknowledgmentTimeoutInSeconds) != 600 || s.S3BackupMode != types.SplunkS3BackupModeAllEvents || aws.ToString(s.HECEndpoint) != "https://splunk:8088" {
		t.Fatalf("after merge = %+v", s)
	}
}

func TestRedshiftRoundTrip(t *testing.T) {
	srv := testserver.Start(t)
	fh := srv.FirehoseClient()
	d := roundTrip(t, fh, &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("r"), RedshiftDestinationConfiguration: &types.RedshiftDestinationConfiguration{
		RoleARN: aws.String(e2eRole), ClusterJDBCURL: aws.String("jdbc:redshift://c.abc.us-east-1.redshift.amazonaws.com:5439/dev"),
		CopyCommand: &types.CopyCommand{DataTableName: aws.String("events"), CopyOptions: aws.String("json 'auto'")},
		Username:    aws.String("u"), Password: aws.String("password"), S3Configuration: e2eS3(),
	}}, "Redshift")
	r := d.RedshiftDestinationDescription
	if r == nil || aws.ToString(r.ClusterJDBCURL) != "jdbc:redshift://c.abc.us-east-1.redshift.amazonaws.com:5439/dev" || aws.ToString(r.CopyCommand.DataTableName) != "events" ||
		aws.ToString(r.CopyCommand.CopyOptions) != "json 'auto'" || aws.ToString(r.Username) != "u" || aws.ToInt32(r.RetryOptions.DurationInSeconds) != 3600 ||
		r.S3BackupMode != types.RedshiftS3BackupModeDisabled {
		t.Fatalf("description = %+v", r)
	}
	checkS3Config(t, r.S3DestinationDescription, "failed/")
	updateDest(t, fh, "r", "1", &firehose.UpdateDestinationInput{RedshiftDestinationUpdate: &types.RedshiftDestinationUpdate{
		CopyCommand: &types.CopyCommand{DataTableName: aws.String("events2")}, Password: aws.String("password2")}})
	r = describeDestination(t, fh, "r").RedshiftDestinationDescription
	if aws.ToString(r.CopyCommand.DataTableName) != "events2" || r.CopyCommand.CopyOptions != nil || aws.ToString(r.Username) != "u" {
		t.Fatalf("after merge = %+v", r)
	}
}

func TestSnowflakeRoundTrip(t *testing.T) {
	srv := testserver.Start(t)
	fh := srv.FirehoseClient()
	d := roundTrip(t, fh, &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("sf"), SnowflakeDestinationConfiguration: &types.SnowflakeDestinationConfiguration{
		AccountUrl: aws.String("https://xy12345.us-east-1.snowflakecomputing.com"), User: aws.String("u"), KeyPassphrase: aws.String("passphrase"),
		Database: aws.String("d"), Schema: aws.String("s"), Table: aws.String("t"), RoleARN: aws.String(e2eRole), S3Configuration: e2eS3(),
	}}, "Snowflake")
	s := d.SnowflakeDestinationDescription
	if s == nil || aws.ToString(s.AccountUrl) != "https://xy12345.us-east-1.snowflakecomputing.com" || aws.ToString(s.Table) != "t" ||
		aws.ToInt32(s.BufferingHints.SizeInMBs) != 128 || aws.ToInt32(s.BufferingHints.IntervalInSeconds) != 0 || aws.ToInt32(s.RetryOptions.DurationInSeconds) != 60 {
		t.Fatalf("description = %+v", s)
	}
	updateDest(t, fh, "sf", "1", &firehose.UpdateDestinationInput{SnowflakeDestinationUpdate: &types.SnowflakeDestinationUpdate{Table: aws.String("t2"),
		SnowflakeRoleConfiguration: &types.SnowflakeRoleConfiguration{Enabled: aws.Bool(true), SnowflakeRole: aws.String("loader")}}})
	s = describeDestination(t, fh, "sf").SnowflakeDestinationDescription
	if aws.ToString(s.Table) != "t2" || aws.ToString(s.Database) != "d" || s.SnowflakeRoleConfiguration == nil || aws.ToString(s.SnowflakeRoleConfiguration.SnowflakeRole) != "loader" {
		t.Fatalf("after merge = %+v", s)
	}
}

// TestIcebergRoundTrip: an Iceberg destination is described as given and
// delivers into an Iceberg table (Parquet data files and metadata) under
// the warehouse location, which icebird, a reader that shares no code with
// the writer, opens; UniqueKeys (updates and deletes) are refused.
func TestIcebergRoundTrip(t *testing.T) {
	tables := filepath.Join(t.TempDir(), "tables.json")
	if err := os.WriteFile(tables, []byte(`{"Name":"t","DatabaseName":"d","StorageDescriptor":{"Columns":[{"Name":"id","Type":"bigint"},{"Name":"name","Type":"string"}]}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	clock := testserver.NewClock()
	srv := testserver.Start(t, testserver.WithClock(clock.Now), testserver.WithConfig(func(c *config.Config) { c.GlueTables = tables }))
	fh := srv.FirehoseClient()
	conf := &types.IcebergDestinationConfiguration{
		DestinationTableConfigurationList: []types.DestinationTableConfiguration{{DestinationDatabaseName: aws.String("d"), DestinationTableName: aws.String("t"), UniqueKeys: []string{"id"}}},
		RoleARN:                           aws.String(e2eRole), CatalogConfiguration: &types.CatalogConfiguration{CatalogARN: aws.String("arn:aws:glue:us-east-1:000000000000:catalog"), WarehouseLocation: aws.String("s3://lake/wh")},
		BufferingHints:  &types.BufferingHints{SizeInMBs: aws.Int32(5), IntervalInSeconds: aws.Int32(60)},
		S3Configuration: e2eS3(),
	}
	_, err := fh.CreateDeliveryStream(t.Context(), &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("ib"), IcebergDestinationConfiguration: conf})
	if apiCode(err) != "InvalidArgumentException" || !strings.Contains(apiMessage(err), "UniqueKeys") {
		t.Fatalf("UniqueKeys: %v", err)
	}
	conf.DestinationTableConfigurationList[0].UniqueKeys = nil
	d := roundTrip(t, fh, &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("ib"), IcebergDestinationConfiguration: conf}, "Iceberg")
	ib := d.IcebergDestinationDescription
	if ib == nil || len(ib.DestinationTableConfigurationList) != 1 || aws.ToString(ib.DestinationTableConfigurationList[0].DestinationTableName) != "t" ||
		aws.ToString(ib.CatalogConfiguration.WarehouseLocation) != "s3://lake/wh" || aws.ToInt32(ib.BufferingHints.SizeInMBs) != 5 {
		t.Fatalf("description = %+v", ib)
	}
	updateDest(t, fh, "ib", "1", &firehose.UpdateDestinationInput{IcebergDestinationUpdate: &types.IcebergDestinationUpdate{AppendOnly: aws.Bool(true)}})
	ib = describeDestination(t, fh, "ib").IcebergDestinationDescription
	if !aws.ToBool(ib.AppendOnly) || len(ib.DestinationTableConfigurationList) != 1 {
		t.Fatalf("after merge = %+v", ib)
	}
	put(t, fh, "ib", `{"id":1,"name":"a"}`, `{"id":2,"name":"b"}`, `{"name":"no id"}`)
	clock.Advance(time.Minute)
	st := &bucketStore{name: "local", srv: srv}
	waitFor(t, "the table's version hint", func() bool {
		_, err := os.Stat(filepath.Join(srv.Dir, "s3", "lake", "wh", "d", "t", "metadata", "version-hint.text"))
		return err == nil
	})
	failed := st.wait(t, "backup", 1)
	if !strings.HasPrefix(failed[0], "iceberg-failed/") || !strings.Contains(string(st.read(t, "backup", failed[0])), "Iceberg.MissingColumnWithinRecord") {
		t.Fatalf("error output %v", failed)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node is missing: `make test-js` installs it and icebird")
	}
	root := testserver.RepoRoot(t)
	cmd := exec.Command(node, filepath.Join(root, "internal", "firehose", "destination", "iceberg", "testdata", "icebird.mjs"),
		filepath.Join(root, "test", "js", "node_modules"), filepath.Join(srv.Dir, "s3"), "s3://lake/wh/d/t")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("icebird: %v", err)
	}
	var got struct {
		Rows []map[string]any
	}
	if err := json.Unmarshal(out, &got); err != nil || len(got.Rows) != 2 {
		t.Fatalf("icebird read %s: %v", out, err)
	}
}

func TestFormatConversionRoundTrip(t *testing.T) {
	tables := filepath.Join(t.TempDir(), "tables.json")
	if err := os.WriteFile(tables, []byte(`{"Table":{"DatabaseName":"db","Name":"events","StorageDescriptor":{"Columns":[{"Name":"id","Type":"bigint"}]}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	srv := testserver.Start(t, testserver.WithConfig(func(c *config.Config) { c.GlueTables = tables }))
	fh := srv.FirehoseClient()
	d := roundTrip(t, fh, &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("pq"), ExtendedS3DestinationConfiguration: &types.ExtendedS3DestinationConfiguration{
		RoleARN: aws.String(e2eRole), BucketARN: aws.String("arn:aws:s3:::lake"), BufferingHints: &types.BufferingHints{SizeInMBs: aws.Int32(64), IntervalInSeconds: aws.Int32(60)},
		DataFormatConversionConfiguration: &types.DataFormatConversionConfiguration{
			SchemaConfiguration:       &types.SchemaConfiguration{DatabaseName: aws.String("db"), TableName: aws.String("events"), RoleARN: aws.String(e2eRole)},
			InputFormatConfiguration:  &types.InputFormatConfiguration{Deserializer: &types.Deserializer{OpenXJsonSerDe: &types.OpenXJsonSerDe{CaseInsensitive: aws.Bool(true)}}},
			OutputFormatConfiguration: &types.OutputFormatConfiguration{Serializer: &types.Serializer{ParquetSerDe: &types.ParquetSerDe{Compression: types.ParquetCompressionSnappy}}},
		},
	}}, "DataFormatConversionConfiguration")
	c := d.ExtendedS3DestinationDescription.DataFormatConversionConfiguration
	if c == nil || !aws.ToBool(c.Enabled) || aws.ToString(c.SchemaConfiguration.TableName) != "events" ||
		!aws.ToBool(c.InputFormatConfiguration.Deserializer.OpenXJsonSerDe.CaseInsensitive) ||
		c.OutputFormatConfiguration.Serializer.ParquetSerDe.Compression != types.ParquetCompressionSnappy {
		t.Fatalf("conversion = %+v", c)
	}
	updateDest(t, fh, "pq", "1", &firehose.UpdateDestinationInput{ExtendedS3DestinationUpdate: &types.ExtendedS3DestinationUpdate{
		DataFormatConversionConfiguration: &types.DataFormatConversionConfiguration{Enabled: aws.Bool(false)}}})
	c = describeDestination(t, fh, "pq").ExtendedS3DestinationDescription.DataFormatConversionConfiguration
	if c == nil || aws.ToBool(c.Enabled) || aws.ToString(c.SchemaConfiguration.TableName) != "events" {
		t.Fatalf("after disabling = %+v", c)
	}
}

func TestDynamicPartitioningRoundTrip(t *testing.T) {
	srv := testserver.Start(t)
	fh := srv.FirehoseClient()
	d := roundTrip(t, fh, &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("dp"), ExtendedS3DestinationConfiguration: &types.ExtendedS3DestinationConfiguration{
		RoleARN: aws.String(e2eRole), BucketARN: aws.String("arn:aws:s3:::lake"), BufferingHints: &types.BufferingHints{SizeInMBs: aws.Int32(64), IntervalInSeconds: aws.Int32(60)},
		Prefix: aws.String("customer=!{partitionKeyFromQuery:customer}/"), ErrorOutputPrefix: aws.String("errors/!{firehose:error-output-type}/"),
		ProcessingConfiguration: &types.ProcessingConfiguration{Enabled: aws.Bool(true), Processors: []types.Processor{{Type: types.ProcessorTypeMetadataExtraction, Parameters: []types.ProcessorParameter{
			{ParameterName: types.ProcessorParameterNameMetadataExtractionQuery, ParameterValue: aws.String("{customer: .customer}")},
			{ParameterName: types.ProcessorParameterNameJsonParsingEngine, ParameterValue: aws.String("JQ-1.6")},
		}}}},
		DynamicPartitioningConfiguration: &types.DynamicPartitioningConfiguration{Enabled: aws.Bool(true)},
	}}, "DynamicPartitioningConfiguration")
	p := d.ExtendedS3DestinationDescription.DynamicPartitioningConfiguration
	if p == nil || !aws.ToBool(p.Enabled) || p.RetryOptions == nil || aws.ToInt32(p.RetryOptions.DurationInSeconds) != 300 {
		t.Fatalf("partitioning = %+v", p)
	}
	updateDest(t, fh, "dp", "1", &firehose.UpdateDestinationInput{ExtendedS3DestinationUpdate: &types.ExtendedS3DestinationUpdate{
		DynamicPartitioningConfiguration: &types.DynamicPartitioningConfiguration{RetryOptions: &types.RetryOptions{DurationInSeconds: aws.Int32(60)}}}})
	p = describeDestination(t, fh, "dp").ExtendedS3DestinationDescription.DynamicPartitioningConfiguration
	if !aws.ToBool(p.Enabled) || aws.ToInt32(p.RetryOptions.DurationInSeconds) != 60 {
		t.Fatalf("after update = %+v", p)
	}
}
