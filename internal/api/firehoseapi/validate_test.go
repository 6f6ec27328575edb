package firehoseapi

import (
	"strings"
	"testing"

	"sluice/internal/awsproto/awsjson"
	"sluice/internal/awsproto/shape"
)

// decode checks a request body against a shape and fills dst, as the
// server does before the handler runs.
func decode(sh *shape.Shape, body string, dst any) error {
	v, err := awsjson.Decode([]byte(body))
	if err != nil {
		return err
	}
	return shape.Decode(sh, v, dst)
}

const (
	s3Conf  = `{"RoleARN":"arn:aws:iam::123456789012:role/r","BucketARN":"arn:aws:s3:::b"}`
	roleARN = `"arn:aws:iam::123456789012:role/r"`
)

// TestValidationMessages checks the ValidationException text of broken
// constraints in the destination shapes, word for word.
func TestValidationMessages(t *testing.T) {
	cases := []struct {
		name string
		sh   *shape.Shape
		body string
		want string
	}{
		{"http: size over 64", createInput,
			`{"DeliveryStreamName":"x","HttpEndpointDestinationConfiguration":{"EndpointConfiguration":{"Url":"https://e"},"BufferingHints":{"SizeInMBs":65,"IntervalInSeconds":0},"S3Configuration":` + s3Conf + `}}`,
			"ValidationException: 1 validation error detected: Value '65' at 'httpEndpointDestinationConfiguration.bufferingHints.sizeInMBs' failed to satisfy constraint: Member must have value less than or equal to 64"},
		{"http: required members", createInput,
			`{"DeliveryStreamName":"x","HttpEndpointDestinationConfiguration":{}}`,
			"ValidationException: 2 validation errors detected: Value null at 'httpEndpointDestinationConfiguration.endpointConfiguration' failed to satisfy constraint: Member must not be null; Value null at 'httpEndpointDestinationConfiguration.s3Configuration' failed to satisfy constraint: Member must not be null"},
		{"http: request configuration", createInput,
			`{"DeliveryStreamName":"x","HttpEndpointDestinationConfiguration":{"EndpointConfiguration":{"Url":"https://e","Name":" "},"RequestConfiguration":{"ContentEncoding":"BR","CommonAttributes":[{"AttributeName":"a","AttributeValue":"v"},{"AttributeName":"\t","AttributeValue":"v"}]},"S3Configuration":` + s3Conf + `}}`,
			"ValidationException: 3 validation errors detected: Value ' ' at 'httpEndpointDestinationConfiguration.endpointConfiguration.name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(?!\\s*$).+; Value 'BR' at 'httpEndpointDestinationConfiguration.requestConfiguration.contentEncoding' failed to satisfy constraint: Member must satisfy enum value set: [NONE, GZIP]; Value '\t' at 'httpEndpointDestinationConfiguration.requestConfiguration.commonAttributes.2.member.attributeName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(?!\\s*$).+"},
		{"http: 51 common attributes", createInput,
			`{"DeliveryStreamName":"x","HttpEndpointDestinationConfiguration":{"EndpointConfiguration":{"Url":"https://e"},"RequestConfiguration":{"CommonAttributes":[` + strings.Repeat(`{"AttributeName":"a","AttributeValue":"v"},`, 50) + `{"AttributeName":"a","AttributeValue":"v"}]},"S3Configuration":` + s3Conf + `}}`,
			"at 'httpEndpointDestinationConfiguration.requestConfiguration.commonAttributes' failed to satisfy constraint: Member must have length less than or equal to 50"},
		{"http: retry, backup mode, secrets", createInput,
			`{"DeliveryStreamName":"x","HttpEndpointDestinationConfiguration":{"EndpointConfiguration":{"Url":"https://e","AccessKey":"k"},"RoleARN":"arn:aws:iam::1:role/r","RetryOptions":{"DurationInSeconds":7201},"S3BackupMode":"Enabled","S3Configuration":` + s3Conf + `,"SecretsManagerConfiguration":{}}}`,
			"ValidationException: 4 validation errors detected: Value 'arn:aws:iam::1:role/r' at 'httpEndpointDestinationConfiguration.roleARN' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:.*:iam::\\d{12}:role/[a-zA-Z_0-9+=,.@\\-_/]+; Value '7201' at 'httpEndpointDestinationConfiguration.retryOptions.durationInSeconds' failed to satisfy constraint: Member must have value less than or equal to 7200; Value 'Enabled' at 'httpEndpointDestinationConfiguration.s3BackupMode' failed to satisfy constraint: Member must satisfy enum value set: [FailedDataOnly, AllData]; Value null at 'httpEndpointDestinationConfiguration.secretsManagerConfiguration.enabled' failed to satisfy constraint: Member must not be null"},
		{"opensearch: domain, hints", createInput,
			`{"DeliveryStreamName":"x","AmazonopensearchserviceDestinationConfiguration":{"RoleARN":` + roleARN + `,"DomainARN":"arn:aws:es:us-east-1:123456789012:domain/Ab","IndexName":"` + strings.Repeat("i", 81) + `","BufferingHints":{"IntervalInSeconds":901,"SizeInMBs":101},"S3Configuration":` + s3Conf + `}}`,
			"ValidationException: 4 validation errors detected: Value 'arn:aws:es:us-east-1:123456789012:domain/Ab' at 'amazonopensearchserviceDestinationConfiguration.domainARN' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:.*:es:[a-zA-Z0-9\\-]+:\\d{12}:domain/[a-z][-0-9a-z]{2,27}; Value '" + strings.Repeat("i", 81) + "' at 'amazonopensearchserviceDestinationConfiguration.indexName' failed to satisfy constraint: Member must have length less than or equal to 80; Value '901' at 'amazonopensearchserviceDestinationConfiguration.bufferingHints.intervalInSeconds' failed to satisfy constraint: Member must have value less than or equal to 900; Value '101' at 'amazonopensearchserviceDestinationConfiguration.bufferingHints.sizeInMBs' failed to satisfy constraint: Member must have value less than or equal to 100"},
		{"elasticsearch: rotation, document IDs, VPC", createInput,
			`{"DeliveryStreamName":"x","ElasticsearchDestinationConfiguration":{"RoleARN":` + roleARN + `,"ClusterEndpoint":"http://es","IndexName":"i","IndexRotationPeriod":"OneYear","S3Configuration":` + s3Conf + `,"VpcConfiguration":{"SubnetIds":[],"RoleARN":` + roleARN + `,"SecurityGroupIds":["sg"]},"DocumentIdOptions":{}}}`,
			"ValidationException: 4 validation errors detected: Value 'http://es' at 'elasticsearchDestinationConfiguration.clusterEndpoint' failed to satisfy constraint: Member must satisfy regular expression pattern: https:.*; Value 'OneYear' at 'elasticsearchDestinationConfiguration.indexRotationPeriod' failed to satisfy constraint: Member must satisfy enum value set: [NoRotation, OneHour, OneDay, OneWeek, OneMonth]; Value '[]' at 'elasticsearchDestinationConfiguration.vpcConfiguration.subnetIds' failed to satisfy constraint: Member must have length greater than or equal to 1; Value null at 'elasticsearchDestinationConfiguration.documentIdOptions.defaultDocumentIdFormat' failed to satisfy constraint: Member must not be null"},
		{"serverless: collection endpoint", createInput,
			`{"DeliveryStreamName":"x","AmazonOpenSearchServerlessDestinationConfiguration":{"RoleARN":` + roleARN + `,"CollectionEndpoint":"http://c","IndexName":"i","S3BackupMode":"AllData","S3Configuration":` + s3Conf + `}}`,
			"ValidationException: 2 validation errors detected: Value 'http://c' at 'amazonOpenSearchServerlessDestinationConfiguration.collectionEndpoint' failed to satisfy constraint: Member must satisfy regular expression pattern: https:.*; Value 'AllData' at 'amazonOpenSearchServerlessDestinationConfiguration.s3BackupMode' failed to satisfy constraint: Member must satisfy enum value set: [FailedDocumentsOnly, AllDocuments]"},
		{"splunk: endpoint type, ack timeout, hints", createInput,
			`{"DeliveryStreamName":"x","SplunkDestinationConfiguration":{"HECEndpoint":"https://splunk:8088","HECEndpointType":"raw","HECAcknowledgmentTimeoutInSeconds":179,"S3Configuration":` + s3Conf + `,"BufferingHints":{"IntervalInSeconds":61,"SizeInMBs":6}}}`,
			"ValidationException: 4 validation errors detected: Value 'raw' at 'splunkDestinationConfiguration.hECEndpointType' failed to satisfy constraint: Member must satisfy enum value set: [Raw, Event]; Value '179' at 'splunkDestinationConfiguration.hECAcknowledgmentTimeoutInSeconds' failed to satisfy constraint: Member must have value greater than or equal to 180; Value '61' at 'splunkDestinationConfiguration.bufferingHints.intervalInSeconds' failed to satisfy constraint: Member must have value less than or equal to 60; Value '6' at 'splunkDestinationConfiguration.bufferingHints.sizeInMBs' failed to satisfy constraint: Member must have value less than or equal to 5"},
		{"redshift: JDBC URL, password, copy command", createInput,
			`{"DeliveryStreamName":"x","RedshiftDestinationConfiguration":{"RoleARN":` + roleARN + `,"ClusterJDBCURL":"jdbc:postgresql://localhost:5432/db","CopyCommand":{},"Username":"u","Password":"12345","S3Configuration":` + s3Conf + `,"S3BackupMode":"AllData"}}`,
			"ValidationException: 4 validation errors detected: Value 'jdbc:postgresql://localhost:5432/db' at 'redshiftDestinationConfiguration.clusterJDBCURL' failed to satisfy constraint: Member must satisfy regular expression pattern: jdbc:(redshift|postgresql)://((?!-)[A-Za-z0-9-]{1,63}(?<!-)\\.)+(redshift(-serverless)?)\\.([a-zA-Z0-9\\.\\-]+):\\d{1,5}/[a-zA-Z0-9_$-]+; Value null at 'redshiftDestinationConfiguration.copyCommand.dataTableName' failed to satisfy constraint: Member must not be null; Value '12345' at 'redshiftDestinationConfiguration.password' failed to satisfy constraint: Member must have length greater than or equal to 6; Value 'AllData' at 'redshiftDestinationConfiguration.s3BackupMode' failed to satisfy constraint: Member must satisfy enum value set: [Disabled, Enabled]"},
		{"snowflake: account URL, key, passphrase, loading option", createInput,
			`{"DeliveryStreamName":"x","SnowflakeDestinationConfiguration":{"AccountUrl":"x.snowflakecomputing.co","PrivateKey":"abc","KeyPassphrase":"123456","Database":"d","Schema":"s","Table":"t","DataLoadingOption":"CSV","RoleARN":` + roleARN + `,"S3Configuration":` + s3Conf + `}}`,
			"ValidationException: 6 validation errors detected: Value 'x.snowflakecomputing.co' at 'snowflakeDestinationConfiguration.accountUrl' failed to satisfy constraint: Member must satisfy regular expression pattern: .+?\\.snowflakecomputing\\.com; Value 'x.snowflakecomputing.co' at 'snowflakeDestinationConfiguration.accountUrl' failed to satisfy constraint: Member must have length greater than or equal to 24; Value 'abc' at 'snowflakeDestinationConfiguration.privateKey' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(?:[A-Za-z0-9+\\/]{4})*(?:[A-Za-z0-9+\\/]{2}==|[A-Za-z0-9+\\/]{3}=)?$; Value 'abc' at 'snowflakeDestinationConfiguration.privateKey' failed to satisfy constraint: Member must have length greater than or equal to 256; Value '123456' at 'snowflakeDestinationConfiguration.keyPassphrase' failed to satisfy constraint: Member must have length greater than or equal to 7; Value 'CSV' at 'snowflakeDestinationConfiguration.dataLoadingOption' failed to satisfy constraint: Member must satisfy enum value set: [JSON_MAPPING, VARIANT_CONTENT_MAPPING, VARIANT_CONTENT_AND_METADATA_MAPPING]"},
		{"snowflake: required members", createInput,
			`{"DeliveryStreamName":"x","SnowflakeDestinationConfiguration":{}}`,
			"ValidationException: 6 validation errors detected: Value null at 'snowflakeDestinationConfiguration.accountUrl' failed to satisfy constraint: Member must not be null; Value null at 'snowflakeDestinationConfiguration.database' failed to satisfy constraint: Member must not be null; Value null at 'snowflakeDestinationConfiguration.schema' failed to satisfy constraint: Member must not be null; Value null at 'snowflakeDestinationConfiguration.table' failed to satisfy constraint: Member must not be null; Value null at 'snowflakeDestinationConfiguration.roleARN' failed to satisfy constraint: Member must not be null; Value null at 'snowflakeDestinationConfiguration.s3Configuration' failed to satisfy constraint: Member must not be null"},
		{"iceberg: tables, catalog", createInput,
			`{"DeliveryStreamName":"x","IcebergDestinationConfiguration":{"DestinationTableConfigurationList":[{"DestinationTableName":"a-b","DestinationDatabaseName":"d","UniqueKeys":["a b"]}],"SchemaEvolutionConfiguration":{},"RoleARN":` + roleARN + `,"S3Configuration":` + s3Conf + `}}`,
			"ValidationException: 4 validation errors detected: Value 'a-b' at 'icebergDestinationConfiguration.destinationTableConfigurationList.1.member.destinationTableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9\\.\\_]+; Value '[a b]' at 'icebergDestinationConfiguration.destinationTableConfigurationList.1.member.uniqueKeys' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 1024, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: ^\\S+$]; Value null at 'icebergDestinationConfiguration.schemaEvolutionConfiguration.enabled' failed to satisfy constraint: Member must not be null; Value null at 'icebergDestinationConfiguration.catalogConfiguration' failed to satisfy constraint: Member must not be null"},
		{"iceberg: warehouse location", createInput,
			`{"DeliveryStreamName":"x","IcebergDestinationConfiguration":{"RoleARN":` + roleARN + `,"CatalogConfiguration":{"CatalogARN":"arn:aws:glue:us-east-1:123456789012:catalog","WarehouseLocation":"https://w"},"S3Configuration":` + s3Conf + `}}`,
			"ValidationException: 1 validation error detected: Value 'https://w' at 'icebergDestinationConfiguration.catalogConfiguration.warehouseLocation' failed to satisfy constraint: Member must satisfy regular expression pattern: s3:\\/\\/.*"},
		{"extended S3: format conversion", createInput,
			`{"DeliveryStreamName":"x","ExtendedS3DestinationConfiguration":{"RoleARN":"arn:aws:iam::123456789012:role/r","BucketARN":"arn:aws:s3:::b","DataFormatConversionConfiguration":{"SchemaConfiguration":{"TableName":"a b"},"InputFormatConfiguration":{"Deserializer":{"OpenXJsonSerDe":{"ColumnToJsonKeyMappings":{"a b":"x"}},"HiveJsonSerDe":{"TimestampFormats":[" "]}}},"OutputFormatConfiguration":{"Serializer":{"ParquetSerDe":{"BlockSizeBytes":1000,"PageSizeBytes":65535,"Compression":"ZSTD","MaxPaddingBytes":-1,"WriterVersion":"V3"},"OrcSerDe":{"StripeSizeBytes":1,"RowIndexStride":999,"PaddingTolerance":1.5,"Compression":"LZ4","FormatVersion":"V1"}}}}}}`,
			"ValidationException: 10 validation errors detected: Value 'a b' at 'extendedS3DestinationConfiguration.dataFormatConversionConfiguration.schemaConfiguration.tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^\\S+$; Value '{a b=x}' at 'extendedS3DestinationConfiguration.dataFormatConversionConfiguration.inputFormatConfiguration.deserializer.openXJsonSerDe.columnToJsonKeyMappings' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 1024, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: ^\\S+$]; Value '[ ]' at 'extendedS3DestinationConfiguration.dataFormatConversionConfiguration.inputFormatConfiguration.deserializer.hiveJsonSerDe.timestampFormats' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 1024, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: ^(?!\\s*$).+]; Value '1000' at 'extendedS3DestinationConfiguration.dataFormatConversionConfiguration.outputFormatConfiguration.serializer.parquetSerDe.blockSizeBytes' failed to satisfy constraint: Member must have value greater than or equal to 67108864; Value '65535' at 'extendedS3DestinationConfiguration.dataFormatConversionConfiguration.outputFormatConfiguration.serializer.parquetSerDe.pageSizeBytes' failed to satisfy constraint: Member must have value greater than or equal to 65536; Value 'ZSTD' at 'extendedS3DestinationConfiguration.dataFormatConversionConfiguration.outputFormatConfiguration.serializer.parquetSerDe.compression' failed to satisfy constraint: Member must satisfy enum value set: [UNCOMPRESSED, GZIP, SNAPPY]; Value '-1' at 'extendedS3DestinationConfiguration.dataFormatConversionConfiguration.outputFormatConfiguration.serializer.parquetSerDe.maxPaddingBytes' failed to satisfy constraint: Member must have value greater than or equal to 0; Value 'V3' at 'extendedS3DestinationConfiguration.dataFormatConversionConfiguration.outputFormatConfiguration.serializer.parquetSerDe.writerVersion' failed to satisfy constraint: Member must satisfy enum value set: [V1, V2]; Value '1' at 'extendedS3DestinationConfiguration.dataFormatConversionConfiguration.outputFormatConfiguration.serializer.orcSerDe.stripeSizeBytes' failed to satisfy constraint: Member must have value greater than or equal to 8388608; Value '999' at 'extendedS3DestinationConfiguration.dataFormatConversionConfiguration.outputFormatConfiguration.serializer.orcSerDe.rowIndexStride' failed to satisfy constraint: Member must have value greater than or equal to 1000"},
		{"extended S3: ORC ranges, partitioning retry", createInput,
			`{"DeliveryStreamName":"x","ExtendedS3DestinationConfiguration":{"RoleARN":"arn:aws:iam::123456789012:role/r","BucketARN":"arn:aws:s3:::b","DataFormatConversionConfiguration":{"OutputFormatConfiguration":{"Serializer":{"OrcSerDe":{"PaddingTolerance":1.5,"Compression":"LZ4","BloomFilterFalsePositiveProbability":-0.1,"FormatVersion":"V1"}}}},"DynamicPartitioningConfiguration":{"RetryOptions":{"DurationInSeconds":7201},"Enabled":true},"CustomTimeZone":"Etc/GMT+5"}}`,
			"ValidationException: 6 validation errors detected: Value '1.5' at 'extendedS3DestinationConfiguration.dataFormatConversionConfiguration.outputFormatConfiguration.serializer.orcSerDe.paddingTolerance' failed to satisfy constraint: Member must have value less than or equal to 1; Value 'LZ4' at 'extendedS3DestinationConfiguration.dataFormatConversionConfiguration.outputFormatConfiguration.serializer.orcSerDe.compression' failed to satisfy constraint: Member must satisfy enum value set: [NONE, ZLIB, SNAPPY]; Value '-0.1' at 'extendedS3DestinationConfiguration.dataFormatConversionConfiguration.outputFormatConfiguration.serializer.orcSerDe.bloomFilterFalsePositiveProbability' failed to satisfy constraint: Member must have value greater than or equal to 0; Value 'V1' at 'extendedS3DestinationConfiguration.dataFormatConversionConfiguration.outputFormatConfiguration.serializer.orcSerDe.formatVersion' failed to satisfy constraint: Member must satisfy enum value set: [V0_11, V0_12]; Value '7201' at 'extendedS3DestinationConfiguration.dynamicPartitioningConfiguration.retryOptions.durationInSeconds' failed to satisfy constraint: Member must have value less than or equal to 7200; Value 'Etc/GMT+5' at 'extendedS3DestinationConfiguration.customTimeZone' failed to satisfy constraint: Member must satisfy regular expression pattern: ^$|[a-zA-Z/_]+"},
		{"msk source", createInput,
			`{"DeliveryStreamName":"x","MSKSourceConfiguration":{"MSKClusterARN":"cluster","TopicName":"a b","AuthenticationConfiguration":{"RoleARN":` + roleARN + `,"Connectivity":"VPC"}}}`,
			"ValidationException: 3 validation errors detected: Value 'cluster' at 'mSKSourceConfiguration.mSKClusterARN' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:.*; Value 'a b' at 'mSKSourceConfiguration.topicName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9\\\\._\\\\-]+; Value 'VPC' at 'mSKSourceConfiguration.authenticationConfiguration.connectivity' failed to satisfy constraint: Member must satisfy enum value set: [PUBLIC, PRIVATE]"},
		{"database source", createInput,
			`{"DeliveryStreamName":"x","DatabaseSourceConfiguration":{"Type":"Oracle","Endpoint":"db","Port":70000}}`,
			"ValidationException: 7 validation errors detected: Value 'Oracle' at 'databaseSourceConfiguration.type' failed to satisfy constraint: Member must satisfy enum value set: [MySQL, PostgreSQL]; Value '70000' at 'databaseSourceConfiguration.port' failed to satisfy constraint: Member must have value less than or equal to 65535; Value null at 'databaseSourceConfiguration.databases' failed to satisfy constraint: Member must not be null; Value null at 'databaseSourceConfiguration.tables' failed to satisfy constraint: Member must not be null; Value null at 'databaseSourceConfiguration.snapshotWatermarkTable' failed to satisfy constraint: Member must not be null; Value null at 'databaseSourceConfiguration.databaseSourceAuthenticationConfiguration' failed to satisfy constraint: Member must not be null; Value null at 'databaseSourceConfiguration.databaseSourceVPCConfiguration' failed to satisfy constraint: Member must not be null"},
		{"http update", updateInput,
			`{"DeliveryStreamName":"x","CurrentDeliveryStreamVersionId":"1","DestinationId":"d","HttpEndpointDestinationUpdate":{"BufferingHints":{"SizeInMBs":0},"S3Update":{"BucketARN":"bucket"}}}`,
			"ValidationException: 2 validation errors detected: Value '0' at 'httpEndpointDestinationUpdate.bufferingHints.sizeInMBs' failed to satisfy constraint: Member must have value greater than or equal to 1; Value 'bucket' at 'httpEndpointDestinationUpdate.s3Update.bucketARN' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:.*:s3:::[\\w\\.\\-]{1,255}"},
		{"iceberg update keeps a full S3Configuration", updateInput,
			`{"DeliveryStreamName":"x","CurrentDeliveryStreamVersionId":"1","DestinationId":"d","IcebergDestinationUpdate":{"S3Configuration":{"BucketARN":"arn:aws:s3:::b"}}}`,
			"ValidationException: 1 validation error detected: Value null at 'icebergDestinationUpdate.s3Configuration.roleARN' failed to satisfy constraint: Member must not be null"},
		{"extended S3 update: S3BackupUpdate", updateInput,
			`{"DeliveryStreamName":"x","CurrentDeliveryStreamVersionId":"1","DestinationId":"d","ExtendedS3DestinationUpdate":{"S3BackupUpdate":{"CompressionFormat":"LZ4"}}}`,
			"ValidationException: 1 validation error detected: Value 'LZ4' at 'extendedS3DestinationUpdate.s3BackupUpdate.compressionFormat' failed to satisfy constraint: Member must satisfy enum value set: [UNCOMPRESSED, GZIP, ZIP, Snappy, HADOOP_SNAPPY]"},
		{"updates are all optional", updateInput,
			`{"DeliveryStreamName":"x","CurrentDeliveryStreamVersionId":"1","DestinationId":"d","RedshiftDestinationUpdate":{},"SplunkDestinationUpdate":{},"SnowflakeDestinationUpdate":{},"AmazonopensearchserviceDestinationUpdate":{},"ElasticsearchDestinationUpdate":{},"AmazonOpenSearchServerlessDestinationUpdate":{},"IcebergDestinationUpdate":{},"HttpEndpointDestinationUpdate":{"EndpointConfiguration":{"Url":"https://e"}}}`,
			""},
	}
	for _, c := range cases {
		var dst any = new(createIn)
		if c.sh == updateInput {
			dst = new(updateIn)
		}
		err := decode(c.sh, c.body, dst)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if !strings.Contains(got, c.want) || (c.want == "") != (got == "") {
			t.Errorf("%s:\n got %s\nwant %s", c.name, got, c.want)
		}
	}
}
