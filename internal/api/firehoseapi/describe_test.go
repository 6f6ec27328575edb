package firehoseapi

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/firehose/types"

	"sluice/internal/firehose"
)

// filledS3 is backupModel with the domain's defaults filled in.
var filledS3 = firehose.S3Destination{RoleARN: role, BucketARN: "arn:aws:s3:::backup", Prefix: "failed/", Compression: "GZIP", SizeInMBs: 5, IntervalInSeconds: 300}

const filledS3JSON = `{"RoleARN":"arn:aws:iam::123456789012:role/r","BucketARN":"arn:aws:s3:::backup","Prefix":"failed/",
	"BufferingHints":{"SizeInMBs":5,"IntervalInSeconds":300},"CompressionFormat":"GZIP",
	"EncryptionConfiguration":{"NoEncryptionConfig":"NoEncryption"},"CloudWatchLoggingOptions":{"Enabled":false}}`

func TestDescribeDestinations(t *testing.T) {
	common := firehose.Common{RoleARN: role, SizeInMBs: 2, IntervalInSeconds: 0, RetrySeconds: 0, S3BackupMode: "AllData", Processing: appendModel, Logging: logModel}
	search := &firehose.SearchDestination{
		Common:    firehose.Common{RoleARN: role, SizeInMBs: 10, IntervalInSeconds: 60, RetrySeconds: 30, S3BackupMode: "FailedDocumentsOnly"},
		DomainARN: "arn:aws:es:us-east-1:123456789012:domain/logs", IndexName: "logs", TypeName: "_doc", IndexRotation: "OneDay", DocumentIDFormat: "FIREHOSE_DEFAULT",
	}
	const searchJSON = `{"RoleARN":"arn:aws:iam::123456789012:role/r","DomainARN":"arn:aws:es:us-east-1:123456789012:domain/logs","IndexName":"logs","TypeName":"_doc",
		"IndexRotationPeriod":"OneDay","BufferingHints":{"SizeInMBs":10,"IntervalInSeconds":60},"RetryOptions":{"DurationInSeconds":30},
		"S3BackupMode":"FailedDocumentsOnly","S3DestinationDescription":` + filledS3JSON + `,"CloudWatchLoggingOptions":{"Enabled":false},
		"DocumentIdOptions":{"DefaultDocumentIdFormat":"FIREHOSE_DEFAULT"}}`
	cases := []struct {
		name string
		d    firehose.Destinations
		want string
	}{
		{"http", firehose.Destinations{Kind: firehose.KindHTTPEndpoint, S3: filledS3, HTTP: &firehose.HTTPDestination{
			Common: common, URL: "https://e.example/in", Name: "sink", AccessKey: "secret-key", ContentEncoding: "GZIP",
			CommonAttributes: []firehose.Attribute{{Name: "a", Value: "1"}},
		}}, `{"DestinationId":"destinationId-000000000001","HttpEndpointDestinationDescription":{
			"EndpointConfiguration":{"Url":"https://e.example/in","Name":"sink"},"BufferingHints":{"SizeInMBs":2,"IntervalInSeconds":0},
			"CloudWatchLoggingOptions":{"Enabled":true,"LogGroupName":"g","LogStreamName":"s"},
			"RequestConfiguration":{"ContentEncoding":"GZIP","CommonAttributes":[{"AttributeName":"a","AttributeValue":"1"}]},
			"ProcessingConfiguration":{"Enabled":true,"Processors":[{"Type":"AppendDelimiterToRecord"}]},
			"RoleARN":"arn:aws:iam::123456789012:role/r","RetryOptions":{"DurationInSeconds":0},"S3BackupMode":"AllData",
			"S3DestinationDescription":` + filledS3JSON + `}}`},
		{"http without attributes or name", firehose.Destinations{Kind: firehose.KindHTTPEndpoint, S3: filledS3, HTTP: &firehose.HTTPDestination{
			Common: firehose.Common{SizeInMBs: 5, IntervalInSeconds: 300, RetrySeconds: 300, S3BackupMode: "FailedDataOnly"}, URL: "https://e", ContentEncoding: "NONE",
		}}, `{"DestinationId":"destinationId-000000000001","HttpEndpointDestinationDescription":{
			"EndpointConfiguration":{"Url":"https://e"},"BufferingHints":{"SizeInMBs":5,"IntervalInSeconds":300},
			"CloudWatchLoggingOptions":{"Enabled":false},"RequestConfiguration":{"ContentEncoding":"NONE","CommonAttributes":[]},
			"RetryOptions":{"DurationInSeconds":300},"S3BackupMode":"FailedDataOnly","S3DestinationDescription":` + filledS3JSON + `}}`},
		{"opensearch", firehose.Destinations{Kind: firehose.KindOpenSearch, S3: filledS3, Search: search},
			`{"DestinationId":"destinationId-000000000001","AmazonopensearchserviceDestinationDescription":` + searchJSON + `}`},
		{"elasticsearch", firehose.Destinations{Kind: firehose.KindElasticsearch, S3: filledS3, Search: search},
			`{"DestinationId":"destinationId-000000000001","ElasticsearchDestinationDescription":` + searchJSON + `}`},
		{"opensearch serverless", firehose.Destinations{Kind: firehose.KindOpenSearchServerless, S3: filledS3, Search: &firehose.SearchDestination{
			Common: firehose.Common{RoleARN: role, SizeInMBs: 5, IntervalInSeconds: 300, RetrySeconds: 300, S3BackupMode: "AllDocuments"}, CollectionEndpoint: "https://c.aoss", IndexName: "i",
		}}, `{"DestinationId":"destinationId-000000000001","AmazonOpenSearchServerlessDestinationDescription":{
			"RoleARN":"arn:aws:iam::123456789012:role/r","CollectionEndpoint":"https://c.aoss","IndexName":"i",
			"BufferingHints":{"SizeInMBs":5,"IntervalInSeconds":300},"RetryOptions":{"DurationInSeconds":300},"S3BackupMode":"AllDocuments",
			"S3DestinationDescription":` + filledS3JSON + `,"CloudWatchLoggingOptions":{"Enabled":false}}}`},
		{"splunk", firehose.Destinations{Kind: firehose.KindSplunk, S3: filledS3, Splunk: &firehose.SplunkDestination{
			Common:      firehose.Common{SizeInMBs: 5, IntervalInSeconds: 60, RetrySeconds: 3600, S3BackupMode: "FailedEventsOnly"},
			HECEndpoint: "https://splunk:8088", HECEndpointType: "Raw", HECToken: "secret-token", AckTimeoutSeconds: 180,
		}}, `{"DestinationId":"destinationId-000000000001","SplunkDestinationDescription":{
			"HECEndpoint":"https://splunk:8088","HECEndpointType":"Raw","HECAcknowledgmentTimeoutInSeconds":180,
			"RetryOptions":{"DurationInSeconds":3600},"S3BackupMode":"FailedEventsOnly","S3DestinationDescription":` + filledS3JSON + `,
			"CloudWatchLoggingOptions":{"Enabled":false},"BufferingHints":{"SizeInMBs":5,"IntervalInSeconds":60}}}`},
		{"redshift", firehose.Destinations{Kind: firehose.KindRedshift, S3: filledS3, Redshift: &firehose.RedshiftDestination{
			Common:  firehose.Common{RoleARN: role, RetrySeconds: 3600, S3BackupMode: "Enabled"},
			JDBCURL: "jdbc:redshift://c.redshift.amazonaws.com:5439/dev", Username: "u", Password: "secret-password",
			Table: "events", CopyOptions: "json 'auto'", Backup: &firehose.S3Backup{RoleARN: role, BucketARN: "arn:aws:s3:::source", Compression: "UNCOMPRESSED"},
		}}, `{"DestinationId":"destinationId-000000000001","RedshiftDestinationDescription":{
			"RoleARN":"arn:aws:iam::123456789012:role/r","ClusterJDBCURL":"jdbc:redshift://c.redshift.amazonaws.com:5439/dev",
			"CopyCommand":{"DataTableName":"events","CopyOptions":"json 'auto'"},"Username":"u","RetryOptions":{"DurationInSeconds":3600},
			"S3DestinationDescription":` + filledS3JSON + `,"S3BackupMode":"Enabled",
			"S3BackupDescription":{"RoleARN":"arn:aws:iam::123456789012:role/r","BucketARN":"arn:aws:s3:::source","BufferingHints":{"SizeInMBs":5,"IntervalInSeconds":300},
				"CompressionFormat":"UNCOMPRESSED","EncryptionConfiguration":{"NoEncryptionConfig":"NoEncryption"},"CloudWatchLoggingOptions":{"Enabled":false}},
			"CloudWatchLoggingOptions":{"Enabled":false}}}`},
		{"snowflake", firehose.Destinations{Kind: firehose.KindSnowflake, S3: filledS3, Snowflake: &firehose.SnowflakeDestination{
			Common:     firehose.Common{RoleARN: role, SizeInMBs: 1, IntervalInSeconds: 0, RetrySeconds: 60, S3BackupMode: "FailedDataOnly"},
			AccountURL: "https://xy12345.snowflakecomputing.com", PrivateKey: "secret-key", KeyPassphrase: "secret-passphrase", User: "u",
			Database: "d", Schema: "s", Table: "t", DataLoadingOption: "JSON_MAPPING", RoleEnabled: true, Role: "loader",
		}}, `{"DestinationId":"destinationId-000000000001","SnowflakeDestinationDescription":{
			"AccountUrl":"https://xy12345.snowflakecomputing.com","User":"u","Database":"d","Schema":"s","Table":"t",
			"SnowflakeRoleConfiguration":{"Enabled":true,"SnowflakeRole":"loader"},"DataLoadingOption":"JSON_MAPPING",
			"CloudWatchLoggingOptions":{"Enabled":false},"RoleARN":"arn:aws:iam::123456789012:role/r","RetryOptions":{"DurationInSeconds":60},
			"S3BackupMode":"FailedDataOnly","S3DestinationDescription":` + filledS3JSON + `,"BufferingHints":{"SizeInMBs":1,"IntervalInSeconds":0}}}`},
		{"iceberg", firehose.Destinations{Kind: firehose.KindIceberg, S3: filledS3, Iceberg: &firehose.IcebergDestination{
			Common:     firehose.Common{RoleARN: role, SizeInMBs: 5, IntervalInSeconds: 300, RetrySeconds: 300, S3BackupMode: "FailedDataOnly"},
			CatalogARN: "arn:aws:glue:us-east-1:123456789012:catalog", WarehouseLocation: "s3://lake/wh",
			Tables: []firehose.IcebergTable{{Database: "d", Table: "t", UniqueKeys: []string{"id"}}},
		}}, `{"DestinationId":"destinationId-000000000001","IcebergDestinationDescription":{
			"DestinationTableConfigurationList":[{"DestinationTableName":"t","DestinationDatabaseName":"d","UniqueKeys":["id"]}],
			"BufferingHints":{"SizeInMBs":5,"IntervalInSeconds":300},"CloudWatchLoggingOptions":{"Enabled":false},"S3BackupMode":"FailedDataOnly",
			"RetryOptions":{"DurationInSeconds":300},"RoleARN":"arn:aws:iam::123456789012:role/r","AppendOnly":false,
			"CatalogConfiguration":{"CatalogARN":"arn:aws:glue:us-east-1:123456789012:catalog","WarehouseLocation":"s3://lake/wh"},
			"S3DestinationDescription":` + filledS3JSON + `}}`},
		{"extended S3 with conversion and partitioning", firehose.Destinations{Kind: firehose.KindS3, S3: firehose.S3Destination{
			Extended: true, RoleARN: role, BucketARN: "arn:aws:s3:::lake", Prefix: "p/", ErrorOutputPrefix: "e/", SizeInMBs: 128, IntervalInSeconds: 300,
			Compression: "UNCOMPRESSED", S3BackupMode: "Disabled",
			Conversion: &firehose.FormatConversion{Enabled: true, Database: "db", Table: "t", Region: "us-east-1", RoleARN: role,
				OpenX:   &firehose.OpenXSerDe{CaseInsensitive: ptr(true), ColumnToJSONKeyMappings: map[string]string{"ts": "timestamp"}},
				Parquet: &firehose.ParquetSerDe{Compression: "SNAPPY", WriterVersion: "V1", EnableDictionaryCompression: ptr(false)}},
			Partitioning: &firehose.Partitioning{Enabled: true, RetrySeconds: 300},
		}}, `{"DestinationId":"destinationId-000000000001",
			"S3DestinationDescription":{"RoleARN":"arn:aws:iam::123456789012:role/r","BucketARN":"arn:aws:s3:::lake","Prefix":"p/","ErrorOutputPrefix":"e/",
				"BufferingHints":{"SizeInMBs":128,"IntervalInSeconds":300},"CompressionFormat":"UNCOMPRESSED",
				"EncryptionConfiguration":{"NoEncryptionConfig":"NoEncryption"},"CloudWatchLoggingOptions":{"Enabled":false}},
			"ExtendedS3DestinationDescription":{"RoleARN":"arn:aws:iam::123456789012:role/r","BucketARN":"arn:aws:s3:::lake","Prefix":"p/","ErrorOutputPrefix":"e/",
				"BufferingHints":{"SizeInMBs":128,"IntervalInSeconds":300},"CompressionFormat":"UNCOMPRESSED",
				"EncryptionConfiguration":{"NoEncryptionConfig":"NoEncryption"},"CloudWatchLoggingOptions":{"Enabled":false},"S3BackupMode":"Disabled",
				"DataFormatConversionConfiguration":{
					"SchemaConfiguration":{"RoleARN":"arn:aws:iam::123456789012:role/r","DatabaseName":"db","TableName":"t","Region":"us-east-1"},
					"InputFormatConfiguration":{"Deserializer":{"OpenXJsonSerDe":{"CaseInsensitive":true,"ColumnToJsonKeyMappings":{"ts":"timestamp"}}}},
					"OutputFormatConfiguration":{"Serializer":{"ParquetSerDe":{"Compression":"SNAPPY","EnableDictionaryCompression":false,"WriterVersion":"V1"}}},
					"Enabled":true},
				"DynamicPartitioningConfiguration":{"RetryOptions":{"DurationInSeconds":300},"Enabled":true}}}`},
		{"extended S3, conversion off, Hive and ORC", firehose.Destinations{Kind: firehose.KindS3, S3: firehose.S3Destination{
			Extended: true, RoleARN: role, BucketARN: "arn:aws:s3:::lake", SizeInMBs: 5, IntervalInSeconds: 300, Compression: "UNCOMPRESSED", S3BackupMode: "Disabled",
			Conversion: &firehose.FormatConversion{Hive: &firehose.HiveSerDe{TimestampFormats: []string{"millis"}}, ORC: &firehose.ORCSerDe{Compression: "ZLIB"}},
		}}, `{"DestinationId":"destinationId-000000000001",
			"S3DestinationDescription":{"RoleARN":"arn:aws:iam::123456789012:role/r","BucketARN":"arn:aws:s3:::lake",
				"BufferingHints":{"SizeInMBs":5,"IntervalInSeconds":300},"CompressionFormat":"UNCOMPRESSED",
				"EncryptionConfiguration":{"NoEncryptionConfig":"NoEncryption"},"CloudWatchLoggingOptions":{"Enabled":false}},
			"ExtendedS3DestinationDescription":{"RoleARN":"arn:aws:iam::123456789012:role/r","BucketARN":"arn:aws:s3:::lake",
				"BufferingHints":{"SizeInMBs":5,"IntervalInSeconds":300},"CompressionFormat":"UNCOMPRESSED",
				"EncryptionConfiguration":{"NoEncryptionConfig":"NoEncryption"},"CloudWatchLoggingOptions":{"Enabled":false},"S3BackupMode":"Disabled",
				"DataFormatConversionConfiguration":{
					"InputFormatConfiguration":{"Deserializer":{"HiveJsonSerDe":{"TimestampFormats":["millis"]}}},
					"OutputFormatConfiguration":{"Serializer":{"OrcSerDe":{"Compression":"ZLIB"}}},
					"Enabled":false}}}`},
	}
	for _, c := range cases {
		got, err := json.Marshal(destinationDescription(&c.d))
		if err != nil {
			t.Fatal(err)
		}
		if !sameJSON(t, got, c.want) {
			t.Errorf("%s:\n got %s\nwant %s", c.name, got, compactJSON(t, c.want))
		}
		if strings.Contains(string(got), "secret") {
			t.Errorf("%s: a credential is described: %s", c.name, got)
		}
	}
}

func sameJSON(t *testing.T, got []byte, want string) bool {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("want: %v", err)
	}
	return reflect.DeepEqual(g, w)
}

func compactJSON(t *testing.T, s string) string {
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// TestDescriptionNamesMatchSDK checks every member the descriptions write
// against the SDK's structure of the same place (types.go), so that no
// name is misspelt and nothing lands where a client would not read it.
func TestDescriptionNamesMatchSDK(t *testing.T) {
	checkNames(t, reflect.TypeFor[streamDescription](), reflect.TypeFor[types.DeliveryStreamDescription](), "DeliveryStreamDescription")
}

func checkNames(t *testing.T, ours, sdk reflect.Type, path string) {
	t.Helper()
	for ours.Kind() == reflect.Pointer || ours.Kind() == reflect.Slice {
		ours = ours.Elem()
	}
	for sdk.Kind() == reflect.Pointer || sdk.Kind() == reflect.Slice {
		sdk = sdk.Elem()
	}
	if ours.Kind() != reflect.Struct {
		return
	}
	if sdk.Kind() != reflect.Struct {
		t.Errorf("%s: a structure here, the SDK has %s", path, sdk)
		return
	}
	for i := range ours.NumField() {
		f := ours.Field(i)
		if f.Anonymous {
			checkNames(t, f.Type, sdk, path)
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" {
			name = f.Name
		}
		sf, ok := sdk.FieldByName(name)
		if !ok {
			t.Errorf("%s.%s: the SDK's %s has no such member", path, name, sdk.Name())
			continue
		}
		if f.Type.Kind() == reflect.Map {
			continue
		}
		checkNames(t, f.Type, sf.Type, path+"."+name)
	}
}
