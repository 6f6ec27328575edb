package firehoseapi

import (
	"encoding/json"
	"reflect"
	"testing"

	"sluice/internal/firehose"
)

const (
	role      = "arn:aws:iam::123456789012:role/r"
	backupS3  = `{"RoleARN":"arn:aws:iam::123456789012:role/r","BucketARN":"arn:aws:s3:::backup","Prefix":"failed/","CompressionFormat":"GZIP"}`
	loggingOn = `{"Enabled":true,"LogGroupName":"g","LogStreamName":"s"}`
	appendDel = `{"Enabled":true,"Processors":[{"Type":"AppendDelimiterToRecord"}]}`
)

var (
	// backupModel is backupS3 in the model.
	backupModel = firehose.S3Destination{RoleARN: role, BucketARN: "arn:aws:s3:::backup", Prefix: "failed/", Compression: "GZIP", IntervalInSeconds: -1}
	logModel    = firehose.Logging{Enabled: true, LogGroupName: "g", LogStreamName: "s"}
	appendModel = firehose.Processing{Enabled: true, Processors: []firehose.Processor{{Type: "AppendDelimiterToRecord"}}}
	// unset is Common with nothing given.
	unset = firehose.Common{IntervalInSeconds: -1, RetrySeconds: -1}
)

func ptr[T any](v T) *T { return &v }

// params decodes a CreateDeliveryStream body and maps it.
func params(t *testing.T, body string) (firehose.CreateParams, error) {
	t.Helper()
	in := new(createIn)
	if err := decode(createInput, body, in); err != nil {
		t.Fatalf("decode: %v", err)
	}
	return in.params()
}

func asJSON(v any) string {
	b, _ := json.MarshalIndent(v, "", "  ")
	return string(b)
}

func TestCreateMapping(t *testing.T) {
	cases := []struct {
		name string
		body string
		want firehose.Destinations
	}{
		{"http, everything", `{"DeliveryStreamName":"h","HttpEndpointDestinationConfiguration":{
			"EndpointConfiguration":{"Url":"https://e.example/in","Name":"sink","AccessKey":"secret"},
			"BufferingHints":{"SizeInMBs":2,"IntervalInSeconds":0},"CloudWatchLoggingOptions":` + loggingOn + `,
			"RequestConfiguration":{"ContentEncoding":"GZIP","CommonAttributes":[{"AttributeName":"a","AttributeValue":"1"},{"AttributeName":"b","AttributeValue":""}]},
			"ProcessingConfiguration":` + appendDel + `,"RoleARN":"` + role + `","RetryOptions":{"DurationInSeconds":0},"S3BackupMode":"AllData",
			"S3Configuration":` + backupS3 + `,"SecretsManagerConfiguration":{"Enabled":false}}}`,
			firehose.Destinations{Kind: firehose.KindHTTPEndpoint, S3: backupModel, HTTP: &firehose.HTTPDestination{
				Common: firehose.Common{RoleARN: role, SizeInMBs: 2, IntervalInSeconds: 0, RetrySeconds: 0, S3BackupMode: "AllData", Processing: appendModel, Logging: logModel},
				URL:    "https://e.example/in", Name: "sink", AccessKey: "secret", ContentEncoding: "GZIP",
				CommonAttributes: []firehose.Attribute{{Name: "a", Value: "1"}, {Name: "b", Value: ""}},
			}}},
		{"http, defaults left to the domain", `{"DeliveryStreamName":"h","HttpEndpointDestinationConfiguration":{"EndpointConfiguration":{"Url":"https://e"},"S3Configuration":` + backupS3 + `}}`,
			firehose.Destinations{Kind: firehose.KindHTTPEndpoint, S3: backupModel, HTTP: &firehose.HTTPDestination{Common: unset, URL: "https://e"}}},
		{"opensearch", `{"DeliveryStreamName":"o","AmazonopensearchserviceDestinationConfiguration":{"RoleARN":"` + role + `",
			"DomainARN":"arn:aws:es:us-east-1:123456789012:domain/logs","IndexName":"logs","TypeName":"_doc","IndexRotationPeriod":"OneWeek",
			"BufferingHints":{"IntervalInSeconds":60,"SizeInMBs":10},"RetryOptions":{"DurationInSeconds":30},"S3BackupMode":"AllDocuments",
			"S3Configuration":` + backupS3 + `,"CloudWatchLoggingOptions":` + loggingOn + `,"DocumentIdOptions":{"DefaultDocumentIdFormat":"NO_DOCUMENT_ID"}}}`,
			firehose.Destinations{Kind: firehose.KindOpenSearch, S3: backupModel, Search: &firehose.SearchDestination{
				Common:    firehose.Common{RoleARN: role, SizeInMBs: 10, IntervalInSeconds: 60, RetrySeconds: 30, S3BackupMode: "AllDocuments", Logging: logModel},
				DomainARN: "arn:aws:es:us-east-1:123456789012:domain/logs", IndexName: "logs", TypeName: "_doc", IndexRotation: "OneWeek", DocumentIDFormat: "NO_DOCUMENT_ID",
			}}},
		{"elasticsearch", `{"DeliveryStreamName":"e","ElasticsearchDestinationConfiguration":{"RoleARN":"` + role + `","ClusterEndpoint":"https://es:9200","IndexName":"i","S3Configuration":` + backupS3 + `}}`,
			firehose.Destinations{Kind: firehose.KindElasticsearch, S3: backupModel, Search: &firehose.SearchDestination{Common: firehose.Common{RoleARN: role, IntervalInSeconds: -1, RetrySeconds: -1}, ClusterEndpoint: "https://es:9200", IndexName: "i"}}},
		{"opensearch serverless", `{"DeliveryStreamName":"s","AmazonOpenSearchServerlessDestinationConfiguration":{"RoleARN":"` + role + `","CollectionEndpoint":"https://c.aoss","IndexName":"i","S3Configuration":` + backupS3 + `}}`,
			firehose.Destinations{Kind: firehose.KindOpenSearchServerless, S3: backupModel, Search: &firehose.SearchDestination{Common: firehose.Common{RoleARN: role, IntervalInSeconds: -1, RetrySeconds: -1}, CollectionEndpoint: "https://c.aoss", IndexName: "i"}}},
		{"splunk", `{"DeliveryStreamName":"s","SplunkDestinationConfiguration":{"HECEndpoint":"https://splunk:8088","HECEndpointType":"Event","HECToken":"tok",
			"HECAcknowledgmentTimeoutInSeconds":300,"RetryOptions":{"DurationInSeconds":100},"S3BackupMode":"AllEvents","S3Configuration":` + backupS3 + `,
			"BufferingHints":{"IntervalInSeconds":30,"SizeInMBs":1}}}`,
			firehose.Destinations{Kind: firehose.KindSplunk, S3: backupModel, Splunk: &firehose.SplunkDestination{
				Common:      firehose.Common{SizeInMBs: 1, IntervalInSeconds: 30, RetrySeconds: 100, S3BackupMode: "AllEvents"},
				HECEndpoint: "https://splunk:8088", HECEndpointType: "Event", HECToken: "tok", AckTimeoutSeconds: 300,
			}}},
		{"redshift", `{"DeliveryStreamName":"r","RedshiftDestinationConfiguration":{"RoleARN":"` + role + `",
			"ClusterJDBCURL":"jdbc:postgresql://pg.redshift.localhost:5432/dev","CopyCommand":{"DataTableName":"events","DataTableColumns":"a,b","CopyOptions":"json 'auto'"},
			"Username":"u","Password":"secret1","RetryOptions":{"DurationInSeconds":0},"S3Configuration":` + backupS3 + `,"S3BackupMode":"Enabled",
			"S3BackupConfiguration":{"RoleARN":"` + role + `","BucketARN":"arn:aws:s3:::source","Prefix":"src/"}}}`,
			firehose.Destinations{Kind: firehose.KindRedshift, S3: backupModel, Redshift: &firehose.RedshiftDestination{
				Common:  firehose.Common{RoleARN: role, IntervalInSeconds: -1, RetrySeconds: 0, S3BackupMode: "Enabled"},
				JDBCURL: "jdbc:postgresql://pg.redshift.localhost:5432/dev", Username: "u", Password: "secret1",
				Table: "events", Columns: "a,b", CopyOptions: "json 'auto'",
				Backup: &firehose.S3Backup{RoleARN: role, BucketARN: "arn:aws:s3:::source", Prefix: "src/"},
			}}},
		{"snowflake", `{"DeliveryStreamName":"s","SnowflakeDestinationConfiguration":{"AccountUrl":"https://xy12345.snowflakecomputing.com",
			"KeyPassphrase":"passphrase","User":"u","Database":"d","Schema":"s","Table":"t","SnowflakeRoleConfiguration":{"Enabled":true,"SnowflakeRole":"loader"},
			"DataLoadingOption":"VARIANT_CONTENT_AND_METADATA_MAPPING","MetaDataColumnName":"m","ContentColumnName":"c","RoleARN":"` + role + `",
			"S3Configuration":` + backupS3 + `,"BufferingHints":{"SizeInMBs":4,"IntervalInSeconds":5}}}`,
			firehose.Destinations{Kind: firehose.KindSnowflake, S3: backupModel, Snowflake: &firehose.SnowflakeDestination{
				Common:     firehose.Common{RoleARN: role, SizeInMBs: 4, IntervalInSeconds: 5, RetrySeconds: -1},
				AccountURL: "https://xy12345.snowflakecomputing.com", KeyPassphrase: "passphrase", User: "u", Database: "d", Schema: "s", Table: "t",
				RoleEnabled: true, Role: "loader", DataLoadingOption: "VARIANT_CONTENT_AND_METADATA_MAPPING", MetaDataColumnName: "m", ContentColumnName: "c",
			}}},
		{"iceberg", `{"DeliveryStreamName":"i","IcebergDestinationConfiguration":{"DestinationTableConfigurationList":[{"DestinationTableName":"t","DestinationDatabaseName":"d",
			"UniqueKeys":["id"],"S3ErrorOutputPrefix":"err/"}],"SchemaEvolutionConfiguration":{"Enabled":false},"RoleARN":"` + role + `","AppendOnly":true,
			"CatalogConfiguration":{"CatalogARN":"arn:aws:glue:us-east-1:123456789012:catalog","WarehouseLocation":"s3://lake/wh"},"S3Configuration":` + backupS3 + `}}`,
			firehose.Destinations{Kind: firehose.KindIceberg, S3: backupModel, Iceberg: &firehose.IcebergDestination{
				Common:     firehose.Common{RoleARN: role, IntervalInSeconds: -1, RetrySeconds: -1},
				CatalogARN: "arn:aws:glue:us-east-1:123456789012:catalog", WarehouseLocation: "s3://lake/wh", AppendOnly: true,
				Tables: []firehose.IcebergTable{{Database: "d", Table: "t", S3ErrorOutputPrefix: "err/", UniqueKeys: []string{"id"}}},
			}}},
	}
	for _, c := range cases {
		p, err := params(t, c.body)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if p.S3 != nil || p.Dest == nil {
			t.Errorf("%s: S3 %v, Dest %v", c.name, p.S3, p.Dest)
			continue
		}
		if !reflect.DeepEqual(*p.Dest, c.want) {
			t.Errorf("%s:\n got %s\nwant %s", c.name, asJSON(p.Dest), asJSON(c.want))
		}
	}
}

func TestCreateMappingExtendedS3(t *testing.T) {
	p, err := params(t, `{"DeliveryStreamName":"x","ExtendedS3DestinationConfiguration":{"RoleARN":"`+role+`","BucketARN":"arn:aws:s3:::lake",
		"Prefix":"p/!{partitionKeyFromQuery:k}/","ErrorOutputPrefix":"e/!{firehose:error-output-type}/","CompressionFormat":"UNCOMPRESSED",
		"BufferingHints":{"SizeInMBs":64},
		"DataFormatConversionConfiguration":{"SchemaConfiguration":{"DatabaseName":"db","TableName":"t","Region":"us-east-1","RoleARN":"`+role+`","CatalogId":"123456789012","VersionId":"LATEST"},
			"InputFormatConfiguration":{"Deserializer":{"OpenXJsonSerDe":{"CaseInsensitive":false,"ColumnToJsonKeyMappings":{"ts":"timestamp"},"ConvertDotsInJsonKeysToUnderscores":true}}},
			"OutputFormatConfiguration":{"Serializer":{"ParquetSerDe":{"BlockSizeBytes":268435456,"PageSizeBytes":1048576,"Compression":"GZIP","EnableDictionaryCompression":true,"MaxPaddingBytes":0,"WriterVersion":"V2"}}}},
		"DynamicPartitioningConfiguration":{"Enabled":true},
		"S3BackupMode":"Enabled","S3BackupConfiguration":{"RoleARN":"`+role+`","BucketARN":"arn:aws:s3:::raw"}}}`)
	if err != nil {
		t.Fatal(err)
	}
	want := firehose.S3Destination{
		Extended: true, RoleARN: role, BucketARN: "arn:aws:s3:::lake", Prefix: "p/!{partitionKeyFromQuery:k}/", ErrorOutputPrefix: "e/!{firehose:error-output-type}/",
		SizeInMBs: 64, IntervalInSeconds: -1, Compression: "UNCOMPRESSED", S3BackupMode: "Enabled",
		Backup: &firehose.S3Backup{RoleARN: role, BucketARN: "arn:aws:s3:::raw"},
		Conversion: &firehose.FormatConversion{
			Enabled: true, CatalogID: "123456789012", Database: "db", Table: "t", Region: "us-east-1", RoleARN: role, VersionID: "LATEST",
			OpenX:   &firehose.OpenXSerDe{CaseInsensitive: ptr(false), ColumnToJSONKeyMappings: map[string]string{"ts": "timestamp"}, ConvertDotsInJSONKeysToUnderscores: ptr(true)},
			Parquet: &firehose.ParquetSerDe{BlockSizeBytes: 256 << 20, PageSizeBytes: 1 << 20, Compression: "GZIP", EnableDictionaryCompression: ptr(true), WriterVersion: "V2"},
		},
		Partitioning: &firehose.Partitioning{Enabled: true, RetrySeconds: -1},
	}
	if p.Dest != nil || p.S3 == nil || !reflect.DeepEqual(*p.S3, want) {
		t.Fatalf("got %s\nwant %s", asJSON(p.S3), asJSON(want))
	}

	// Hive and ORC; Enabled left out is true.
	p, err = params(t, `{"DeliveryStreamName":"x","ExtendedS3DestinationConfiguration":{"RoleARN":"`+role+`","BucketARN":"arn:aws:s3:::lake",
		"DataFormatConversionConfiguration":{"InputFormatConfiguration":{"Deserializer":{"HiveJsonSerDe":{"TimestampFormats":["yyyy-MM-dd'T'HH:mm:ss","millis"]}}},
			"OutputFormatConfiguration":{"Serializer":{"OrcSerDe":{"Compression":"ZLIB","PaddingTolerance":0.05}}}},
		"DynamicPartitioningConfiguration":{"RetryOptions":{"DurationInSeconds":0}}}}`)
	if err != nil {
		t.Fatal(err)
	}
	wantConv := &firehose.FormatConversion{Enabled: true, Hive: &firehose.HiveSerDe{TimestampFormats: []string{"yyyy-MM-dd'T'HH:mm:ss", "millis"}}, ORC: &firehose.ORCSerDe{Compression: "ZLIB"}}
	if !reflect.DeepEqual(p.S3.Conversion, wantConv) || !reflect.DeepEqual(p.S3.Partitioning, &firehose.Partitioning{RetrySeconds: 0}) {
		t.Fatalf("conversion %s, partitioning %s", asJSON(p.S3.Conversion), asJSON(p.S3.Partitioning))
	}
	// Disabled: kept, off.
	p, _ = params(t, `{"DeliveryStreamName":"x","ExtendedS3DestinationConfiguration":{"RoleARN":"`+role+`","BucketARN":"arn:aws:s3:::lake","DataFormatConversionConfiguration":{"Enabled":false}}}`)
	if !reflect.DeepEqual(p.S3.Conversion, &firehose.FormatConversion{}) {
		t.Fatalf("disabled conversion = %s", asJSON(p.S3.Conversion))
	}
}

// TestCreateRefusals checks what the wire layer refuses before the
// domain sees it, word for word.
func TestCreateRefusals(t *testing.T) {
	const noSecrets = "InvalidArgumentException: Sluice has no Secrets Manager: give the credentials in the destination configuration and leave SecretsManagerConfiguration out, or set its Enabled to false."
	vpc := `{"SubnetIds":["subnet-1"],"RoleARN":"` + role + `","SecurityGroupIds":["sg-1"]}`
	secrets := `{"SecretARN":"arn:aws:secretsmanager:us-east-1:123456789012:secret:s","Enabled":true}`
	cases := []struct{ name, body, want string }{
		{"http with secrets", `{"DeliveryStreamName":"x","HttpEndpointDestinationConfiguration":{"EndpointConfiguration":{"Url":"https://e"},"S3Configuration":` + backupS3 + `,"SecretsManagerConfiguration":` + secrets + `}}`, noSecrets},
		{"splunk with secrets", `{"DeliveryStreamName":"x","SplunkDestinationConfiguration":{"HECEndpoint":"https://s","HECEndpointType":"Raw","S3Configuration":` + backupS3 + `,"SecretsManagerConfiguration":` + secrets + `}}`, noSecrets},
		{"redshift with secrets", `{"DeliveryStreamName":"x","RedshiftDestinationConfiguration":{"RoleARN":"` + role + `","ClusterJDBCURL":"jdbc:redshift://c.redshift.amazonaws.com:5439/dev","CopyCommand":{"DataTableName":"t"},"S3Configuration":` + backupS3 + `,"SecretsManagerConfiguration":` + secrets + `}}`, noSecrets},
		{"snowflake with secrets", `{"DeliveryStreamName":"x","SnowflakeDestinationConfiguration":{"AccountUrl":"https://xy12345.snowflakecomputing.com","Database":"d","Schema":"s","Table":"t","RoleARN":"` + role + `","S3Configuration":` + backupS3 + `,"SecretsManagerConfiguration":` + secrets + `}}`, noSecrets},
		{"opensearch in a VPC", `{"DeliveryStreamName":"x","AmazonopensearchserviceDestinationConfiguration":{"RoleARN":"` + role + `","IndexName":"i","S3Configuration":` + backupS3 + `,"VpcConfiguration":` + vpc + `}}`,
			"InvalidArgumentException: Sluice has no VPCs: VpcConfiguration is not supported; the destination is reached over the server's own network."},
		{"serverless in a VPC", `{"DeliveryStreamName":"x","AmazonOpenSearchServerlessDestinationConfiguration":{"RoleARN":"` + role + `","IndexName":"i","S3Configuration":` + backupS3 + `,"VpcConfiguration":` + vpc + `}}`,
			"InvalidArgumentException: Sluice has no VPCs: VpcConfiguration is not supported; the destination is reached over the server's own network."},
		{"snowflake over PrivateLink", `{"DeliveryStreamName":"x","SnowflakeDestinationConfiguration":{"AccountUrl":"https://xy12345.snowflakecomputing.com","Database":"d","Schema":"s","Table":"t","RoleARN":"` + role + `","S3Configuration":` + backupS3 + `,"SnowflakeVpcConfiguration":{"PrivateLinkVpceId":"com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"}}}`,
			"InvalidArgumentException: Sluice has no VPCs: SnowflakeVpcConfiguration is not supported; the destination is reached over the server's own network."},
		{"iceberg schema evolution", `{"DeliveryStreamName":"x","IcebergDestinationConfiguration":{"SchemaEvolutionConfiguration":{"Enabled":true},"RoleARN":"` + role + `","CatalogConfiguration":{},"S3Configuration":` + backupS3 + `}}`,
			"InvalidArgumentException: Sluice does not support SchemaEvolutionConfiguration (Iceberg schema evolution)."},
		{"iceberg table creation", `{"DeliveryStreamName":"x","IcebergDestinationConfiguration":{"TableCreationConfiguration":{"Enabled":true},"RoleARN":"` + role + `","CatalogConfiguration":{},"S3Configuration":` + backupS3 + `}}`,
			"InvalidArgumentException: Sluice does not support TableCreationConfiguration (Iceberg table creation)."},
		{"iceberg partition spec", `{"DeliveryStreamName":"x","IcebergDestinationConfiguration":{"DestinationTableConfigurationList":[{"DestinationTableName":"t","DestinationDatabaseName":"d","PartitionSpec":{"Identity":[{"SourceName":"day"}]}}],"RoleARN":"` + role + `","CatalogConfiguration":{},"S3Configuration":` + backupS3 + `}}`,
			"InvalidArgumentException: Sluice does not support PartitionSpec (Iceberg partitioning) on table t."},
		{"two deserializers", `{"DeliveryStreamName":"x","ExtendedS3DestinationConfiguration":{"RoleARN":"` + role + `","BucketARN":"arn:aws:s3:::b","DataFormatConversionConfiguration":{"InputFormatConfiguration":{"Deserializer":{"OpenXJsonSerDe":{},"HiveJsonSerDe":{}}}}}}`,
			"InvalidArgumentException: Deserializer: specify either OpenXJsonSerDe or HiveJsonSerDe, not both."},
		{"two serializers", `{"DeliveryStreamName":"x","ExtendedS3DestinationConfiguration":{"RoleARN":"` + role + `","BucketARN":"arn:aws:s3:::b","DataFormatConversionConfiguration":{"OutputFormatConfiguration":{"Serializer":{"ParquetSerDe":{},"OrcSerDe":{}}}}}}`,
			"InvalidArgumentException: Serializer: specify either ParquetSerDe or OrcSerDe, not both."},
		{"two destinations", `{"DeliveryStreamName":"x","ExtendedS3DestinationConfiguration":{"RoleARN":"` + role + `","BucketARN":"arn:aws:s3:::b"},"HttpEndpointDestinationConfiguration":{"EndpointConfiguration":{"Url":"https://e"},"S3Configuration":` + backupS3 + `}}`,
			"InvalidArgumentException: Exactly one destination configuration must be specified; got ExtendedS3DestinationConfiguration and HttpEndpointDestinationConfiguration."},
	}
	for _, c := range cases {
		_, err := params(t, c.body)
		if got := errText(err); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, got, c.want)
		}
	}
	// The sources reach the domain, which refuses them by name.
	p, err := params(t, `{"DeliveryStreamName":"x","DeliveryStreamType":"MSKAsSource","MSKSourceConfiguration":{"MSKClusterARN":"arn:aws:kafka:us-east-1:123456789012:cluster/c/1","TopicName":"t",
		"AuthenticationConfiguration":{"RoleARN":"`+role+`","Connectivity":"PUBLIC"}},"ExtendedS3DestinationConfiguration":{"RoleARN":"`+role+`","BucketARN":"arn:aws:s3:::b"}}`)
	if err != nil || !reflect.DeepEqual(p.Unsupported, []string{"MSKSourceConfiguration"}) {
		t.Errorf("MSK source: %v %v", p.Unsupported, err)
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// update decodes an UpdateDestination body and applies it to d.
func update(t *testing.T, d *firehose.Destinations, body string) error {
	t.Helper()
	in := new(updateIn)
	if err := decode(updateInput, `{"DeliveryStreamName":"x","CurrentDeliveryStreamVersionId":"1","DestinationId":"destinationId-000000000001",`+body+`}`, in); err != nil {
		t.Fatalf("decode: %v", err)
	}
	g := in.updates()
	if len(g) != 1 {
		t.Fatalf("%d updates", len(g))
	}
	return applyUpdate(g[0], d)
}

func TestUpdateMergesTheSameType(t *testing.T) {
	d := firehose.Destinations{Kind: firehose.KindHTTPEndpoint, S3: backupModel, HTTP: &firehose.HTTPDestination{
		Common: firehose.Common{RoleARN: role, SizeInMBs: 2, IntervalInSeconds: 10, RetrySeconds: 60, S3BackupMode: "AllData", Processing: appendModel, Logging: logModel},
		URL:    "https://e", Name: "sink", AccessKey: "secret", ContentEncoding: "GZIP", CommonAttributes: []firehose.Attribute{{Name: "a", Value: "1"}},
	}}
	err := update(t, &d, `"HttpEndpointDestinationUpdate":{"BufferingHints":{"SizeInMBs":8},"EndpointConfiguration":{"Url":"https://f"},
		"RequestConfiguration":{"CommonAttributes":[]},"S3Update":{"Prefix":"other/"}}`)
	if err != nil {
		t.Fatal(err)
	}
	want := backupModel
	want.Prefix = "other/"
	h := d.HTTP
	if !reflect.DeepEqual(d.S3, want) || h.SizeInMBs != 8 || h.IntervalInSeconds != 10 || h.RetrySeconds != 60 || h.URL != "https://f" || h.Name != "sink" ||
		h.AccessKey != "secret" || h.ContentEncoding != "GZIP" || len(h.CommonAttributes) != 0 || !reflect.DeepEqual(h.Processing, appendModel) {
		t.Fatalf("after merge: %s", asJSON(d))
	}

	// Extended S3: conversion details survive Enabled false; partitioning
	// and backup merge.
	s3 := firehose.Destinations{Kind: firehose.KindS3, S3: firehose.S3Destination{Extended: true, RoleARN: role, BucketARN: "arn:aws:s3:::b",
		Conversion:   &firehose.FormatConversion{Enabled: true, Database: "db", Table: "t", Parquet: &firehose.ParquetSerDe{}},
		Partitioning: &firehose.Partitioning{Enabled: true, RetrySeconds: 300},
		Backup:       &firehose.S3Backup{RoleARN: role, BucketARN: "arn:aws:s3:::raw"}}}
	if err := update(t, &s3, `"ExtendedS3DestinationUpdate":{"DataFormatConversionConfiguration":{"Enabled":false},"DynamicPartitioningConfiguration":{"RetryOptions":{"DurationInSeconds":60}},"S3BackupUpdate":{"Prefix":"raw/"}}`); err != nil {
		t.Fatal(err)
	}
	if c := s3.S3.Conversion; c.Enabled || c.Table != "t" || c.Parquet == nil || *s3.S3.Partitioning != (firehose.Partitioning{Enabled: true, RetrySeconds: 60}) ||
		*s3.S3.Backup != (firehose.S3Backup{RoleARN: role, BucketARN: "arn:aws:s3:::raw", Prefix: "raw/"}) {
		t.Fatalf("after extended update: %s", asJSON(s3))
	}
	// A plain S3 update of an Extended destination keeps it Extended.
	if err := update(t, &s3, `"S3DestinationUpdate":{"Prefix":"q/"}`); err != nil || !s3.S3.Extended || s3.S3.Prefix != "q/" {
		t.Fatalf("S3 update of extended: %v %s", err, asJSON(s3.S3))
	}
}

func TestUpdateReplacesAnotherType(t *testing.T) {
	s3 := func() firehose.Destinations {
		return firehose.Destinations{Kind: firehose.KindS3, S3: firehose.S3Destination{Extended: true, RoleARN: role, BucketARN: "arn:aws:s3:::b", Prefix: "old/", SizeInMBs: 5, IntervalInSeconds: 300}}
	}
	d := s3()
	err := update(t, &d, `"HttpEndpointDestinationUpdate":{"EndpointConfiguration":{"Url":"https://e"},"S3Update":{"RoleARN":"`+role+`","BucketARN":"arn:aws:s3:::backup"}}`)
	want := firehose.Destinations{Kind: firehose.KindHTTPEndpoint, S3: firehose.S3Destination{RoleARN: role, BucketARN: "arn:aws:s3:::backup", IntervalInSeconds: -1},
		HTTP: &firehose.HTTPDestination{Common: unset, URL: "https://e"}}
	if err != nil || !reflect.DeepEqual(d, want) {
		t.Fatalf("S3 -> HTTP: %v\n got %s\nwant %s", err, asJSON(d), asJSON(want))
	}

	cases := []struct{ name, body, want string }{
		{"http without its required members", `"HttpEndpointDestinationUpdate":{"BufferingHints":{"SizeInMBs":1}}`,
			"InvalidArgumentException: HttpEndpointDestinationUpdate changes the destination type, which replaces the destination: give every member HttpEndpointDestinationConfiguration requires; missing: EndpointConfiguration, S3Update."},
		{"http, S3Update without its role", `"HttpEndpointDestinationUpdate":{"EndpointConfiguration":{"Url":"https://e"},"S3Update":{"BucketARN":"arn:aws:s3:::b"}}`,
			"InvalidArgumentException: HttpEndpointDestinationUpdate changes the destination type, which replaces the destination: give every member HttpEndpointDestinationConfiguration requires; missing: S3Update.RoleARN."},
		{"redshift", `"RedshiftDestinationUpdate":{"CopyCommand":{"DataTableName":"t"}}`,
			"InvalidArgumentException: RedshiftDestinationUpdate changes the destination type, which replaces the destination: give every member RedshiftDestinationConfiguration requires; missing: RoleARN, ClusterJDBCURL, S3Update."},
		{"iceberg keeps S3Configuration", `"IcebergDestinationUpdate":{"AppendOnly":true}`,
			"InvalidArgumentException: IcebergDestinationUpdate changes the destination type, which replaces the destination: give every member IcebergDestinationConfiguration requires; missing: RoleARN, CatalogConfiguration, S3Configuration."},
		{"snowflake", `"SnowflakeDestinationUpdate":{"Table":"t"}`,
			"InvalidArgumentException: SnowflakeDestinationUpdate changes the destination type, which replaces the destination: give every member SnowflakeDestinationConfiguration requires; missing: AccountUrl, Database, Schema, RoleARN, S3Update."},
		{"splunk", `"SplunkDestinationUpdate":{}`,
			"InvalidArgumentException: SplunkDestinationUpdate changes the destination type, which replaces the destination: give every member SplunkDestinationConfiguration requires; missing: HECEndpoint, HECEndpointType, S3Update."},
		{"secrets manager on update", `"SplunkDestinationUpdate":{"HECEndpoint":"https://s","HECEndpointType":"Raw","S3Update":{"RoleARN":"` + role + `","BucketARN":"arn:aws:s3:::b"},"SecretsManagerConfiguration":{"Enabled":true}}`,
			"InvalidArgumentException: Sluice has no Secrets Manager: give the credentials in the destination configuration and leave SecretsManagerConfiguration out, or set its Enabled to false."},
	}
	for _, c := range cases {
		d := s3()
		before := asJSON(d)
		err := update(t, &d, c.body)
		if got := errText(err); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, got, c.want)
		}
		if err != nil && c.name != "secrets manager on update" && asJSON(d) != before {
			t.Errorf("%s: the refused update changed the destination: %s", c.name, asJSON(d))
		}
	}

	// HTTP back to Extended S3: RoleARN and BucketARN are required.
	d = want
	err = update(t, &d, `"ExtendedS3DestinationUpdate":{"Prefix":"p/"}`)
	if errText(err) != "InvalidArgumentException: ExtendedS3DestinationUpdate changes the destination type, which replaces the destination: give every member ExtendedS3DestinationConfiguration requires; missing: RoleARN, BucketARN." {
		t.Fatalf("HTTP -> S3: %v", err)
	}
	if err := update(t, &d, `"ExtendedS3DestinationUpdate":{"RoleARN":"`+role+`","BucketARN":"arn:aws:s3:::c"}`); err != nil || d.Kind != firehose.KindS3 || d.HTTP != nil || !d.S3.Extended || d.S3.BucketARN != "arn:aws:s3:::c" || d.S3.IntervalInSeconds != -1 {
		t.Fatalf("HTTP -> S3: %v %s", err, asJSON(d))
	}
	// OpenSearch to Elasticsearch is a change of type too.
	d = firehose.Destinations{Kind: firehose.KindOpenSearch, S3: backupModel, Search: &firehose.SearchDestination{Common: unset, IndexName: "old", DomainARN: "arn:aws:es:us-east-1:123456789012:domain/d"}}
	if err := update(t, &d, `"ElasticsearchDestinationUpdate":{"RoleARN":"`+role+`","IndexName":"new","S3Update":`+backupS3+`}`); err != nil || d.Kind != firehose.KindElasticsearch || d.Search.DomainARN != "" || d.Search.IndexName != "new" {
		t.Fatalf("OpenSearch -> Elasticsearch: %v %s", err, asJSON(d))
	}
}
