package firehoseapi

import (
	"encoding/json"
	"testing"

	"sluice/internal/awsproto/awsjson"
	"sluice/internal/awsproto/shape"
	"sluice/internal/firehose"
)

var destinationSeeds = []string{
	`{"DeliveryStreamName":"h","HttpEndpointDestinationConfiguration":{"EndpointConfiguration":{"Url":"https://e","Name":"n","AccessKey":"k"},"BufferingHints":{"SizeInMBs":2,"IntervalInSeconds":0},"RequestConfiguration":{"ContentEncoding":"GZIP","CommonAttributes":[{"AttributeName":"a","AttributeValue":"1"}]},"RetryOptions":{"DurationInSeconds":0},"S3Configuration":` + backupS3 + `,"SecretsManagerConfiguration":{"Enabled":false}}}`,
	`{"DeliveryStreamName":"o","AmazonopensearchserviceDestinationConfiguration":{"RoleARN":"` + role + `","IndexName":"i","DocumentIdOptions":{"DefaultDocumentIdFormat":"NO_DOCUMENT_ID"},"S3Configuration":` + backupS3 + `}}`,
	`{"DeliveryStreamName":"r","RedshiftDestinationConfiguration":{"RoleARN":"` + role + `","ClusterJDBCURL":"jdbc:redshift://c.redshift.amazonaws.com:5439/dev","CopyCommand":{"DataTableName":"t"},"S3Configuration":` + backupS3 + `,"S3BackupConfiguration":` + backupS3 + `}}`,
	`{"DeliveryStreamName":"i","IcebergDestinationConfiguration":{"DestinationTableConfigurationList":[{"DestinationTableName":"t","DestinationDatabaseName":"d","PartitionSpec":{"Identity":[]}}],"RoleARN":"` + role + `","CatalogConfiguration":{},"S3Configuration":` + backupS3 + `}}`,
	`{"DeliveryStreamName":"x","ExtendedS3DestinationConfiguration":{"RoleARN":"` + role + `","BucketARN":"arn:aws:s3:::b","DataFormatConversionConfiguration":{"SchemaConfiguration":{"TableName":"t"},"InputFormatConfiguration":{"Deserializer":{"OpenXJsonSerDe":{"ColumnToJsonKeyMappings":{"a":"b"}}}},"OutputFormatConfiguration":{"Serializer":{"ParquetSerDe":{}}}},"DynamicPartitioningConfiguration":{"Enabled":true}}}`,
	`{"DeliveryStreamName":"x","CurrentDeliveryStreamVersionId":"1","DestinationId":"d","HttpEndpointDestinationUpdate":{"EndpointConfiguration":{"Url":"https://e"},"S3Update":{"RoleARN":"` + role + `","BucketARN":"arn:aws:s3:::b"}}}`,
	`{"DeliveryStreamName":"x","CurrentDeliveryStreamVersionId":"1","DestinationId":"d","SnowflakeDestinationUpdate":{"SnowflakeRoleConfiguration":{"Enabled":true}}}`,
	`{"DeliveryStreamName":"x","CurrentDeliveryStreamVersionId":"1","DestinationId":"d","ExtendedS3DestinationUpdate":{"S3BackupUpdate":{"Prefix":"p"},"DataFormatConversionConfiguration":{"Enabled":false}}}`,
	`{"DeliveryStreamName":"x","CurrentDeliveryStreamVersionId":"1","DestinationId":"d","IcebergDestinationUpdate":{"S3Configuration":` + backupS3 + `}}`,
}

// FuzzDestinationRequests feeds CreateDeliveryStream and UpdateDestination
// bodies through the shapes, the mapping and the description. Properties:
// nothing panics; a mapped destination describes as JSON; an update of
// every kind's destination either fails or leaves a destination that
// describes.
func FuzzDestinationRequests(f *testing.F) {
	for _, s := range destinationSeeds {
		f.Add([]byte(s))
	}
	kinds := []string{firehose.KindS3, firehose.KindHTTPEndpoint, firehose.KindOpenSearch, firehose.KindElasticsearch, firehose.KindOpenSearchServerless,
		firehose.KindSplunk, firehose.KindRedshift, firehose.KindSnowflake, firehose.KindIceberg}
	describes := func(t *testing.T, d *firehose.Destinations) {
		if _, err := json.Marshal(destinationDescription(d)); err != nil {
			t.Fatal(err)
		}
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		v, err := awsjson.Decode(body)
		if err != nil {
			return
		}
		in := new(createIn)
		if shape.Decode(createInput, v, in) == nil {
			if p, err := in.params(); err == nil {
				if p.Dest != nil {
					describes(t, p.Dest)
				}
				if p.S3 != nil {
					describes(t, &firehose.Destinations{Kind: firehose.KindS3, S3: *p.S3})
				}
			}
		}
		up := new(updateIn)
		if shape.Decode(updateInput, v, up) == nil {
			for _, g := range up.updates() {
				for _, k := range kinds {
					d := fresh(k)
					if applyUpdate(g, &d) == nil {
						describes(t, &d)
					}
				}
			}
		}
	})
}
