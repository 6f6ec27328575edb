package firehoseapi

import "sluice/internal/awsproto/shape"

// Shapes of the Firehose model (aws-sdk-go-v2 service/firehose v1.52.12).
var (
	nameShape       = shape.Str().Len(1, 64).Match(`[a-zA-Z0-9_.-]+`)
	arnShape        = shape.Str().Len(1, 512).Match(`arn:.*:.*:.*:.*:.*`)
	bucketARNShape  = shape.Str().Len(1, 2048).Match(`arn:.*:s3:::[\w\.\-]{1,255}`)
	prefixShape     = shape.Str().Len(0, 1024)
	tagKeyShape     = shape.Str().Len(1, 128).Match(`[\p{L}\p{Z}\p{N}_.:\/=+\-@%]*`) // and not aws:..., checked in tagsIn
	tagValueShape   = shape.Str().Len(0, 256).Match(`^[\p{L}\p{Z}\p{N}_.:\/=+\-@%]*$`)
	compressionEnum = shape.Str().OneOf("UNCOMPRESSED", "GZIP", "ZIP", "Snappy", "HADOOP_SNAPPY")

	tagShape = shape.Struct(
		shape.Req("Key", tagKeyShape),
		shape.Opt("Value", tagValueShape),
	).Named("Tag")

	bufferingHints = shape.Struct(
		shape.Opt("IntervalInSeconds", shape.Int().Range(0, 900)),
		shape.Opt("SizeInMBs", shape.Int().Range(1, 128)),
	).Named("BufferingHints")

	encryptionConfiguration = shape.Struct(
		shape.Opt("KMSEncryptionConfig", shape.Struct(
			shape.Req("AWSKMSKeyARN", arnShape),
		).Named("KMSEncryptionConfig")),
		shape.Opt("NoEncryptionConfig", shape.Str().OneOf("NoEncryption")),
	).Named("EncryptionConfiguration")

	cloudWatchLogging = shape.Struct(
		shape.Opt("Enabled", shape.Bool()),
		shape.Opt("LogGroupName", shape.Str().Len(0, 512)),
		shape.Opt("LogStreamName", shape.Str().Len(0, 512)),
	).Named("CloudWatchLoggingOptions")

	enabledOnly = shape.Struct(shape.Opt("Enabled", shape.Bool()))

	processingConfiguration = shape.Struct(
		shape.Opt("Enabled", shape.Bool()),
		shape.Opt("Processors", shape.ListOf(shape.Struct(
			shape.Req("Type", shape.Str().OneOf("RecordDeAggregation", "Decompression", "CloudWatchLogProcessing", "Lambda", "MetadataExtraction", "AppendDelimiterToRecord")),
			shape.Opt("Parameters", shape.ListOf(shape.Struct(
				shape.Req("ParameterName", shape.Str().OneOf("LambdaArn", "NumberOfRetries", "MetadataExtractionQuery", "JsonParsingEngine", "RoleArn", "BufferSizeInMBs", "BufferIntervalInSeconds", "SubRecordType", "Delimiter", "CompressionFormat", "DataMessageExtraction")),
				shape.Req("ParameterValue", shape.Str().Len(1, 5120)),
			).Named("ProcessorParameter"))),
		).Named("Processor"))),
	).Named("ProcessingConfiguration")

	s3Members = []shape.Member{
		shape.Req("RoleARN", arnShape),
		shape.Req("BucketARN", bucketARNShape),
		shape.Opt("Prefix", prefixShape),
		shape.Opt("ErrorOutputPrefix", prefixShape),
		shape.Opt("BufferingHints", bufferingHints),
		shape.Opt("CompressionFormat", compressionEnum),
		shape.Opt("EncryptionConfiguration", encryptionConfiguration),
		shape.Opt("CloudWatchLoggingOptions", cloudWatchLogging),
	}
	extendedMembers = append(append([]shape.Member(nil), s3Members...),
		shape.Opt("S3BackupMode", shape.Str().OneOf("Disabled", "Enabled")),
		shape.Opt("FileExtension", shape.Str().Len(0, 128).Match(`^$|\.[0-9a-z!\-_.*'()]+`)),
		shape.Opt("CustomTimeZone", shape.Str().Len(0, 50)),
		shape.Opt("ProcessingConfiguration", processingConfiguration),
		shape.Opt("DataFormatConversionConfiguration", enabledOnly),
		shape.Opt("DynamicPartitioningConfiguration", enabledOnly),
		shape.Opt("S3BackupConfiguration", s3Configuration),
	)
	s3Configuration         = shape.Struct(s3Members...).Named("S3DestinationConfiguration")
	extendedS3Configuration = shape.Struct(extendedMembers...).Named("ExtendedS3DestinationConfiguration")

	// Updates: every member optional.
	s3Update         = optional(s3Members).Named("S3DestinationUpdate")
	extendedS3Update = optional(extendedMembers).Named("ExtendedS3DestinationUpdate")
)

// optional returns a structure of the members, none required.
func optional(members []shape.Member) *shape.Shape {
	out := make([]shape.Member, len(members))
	for i, m := range members {
		out[i] = shape.Opt(m.Name, m.Shape)
	}
	return shape.Struct(out...)
}

// otherDestinations are the destination (and source) configurations of
// the model that Sluice does not deliver to; given, they are refused.
var otherDestinations = []string{
	"RedshiftDestinationConfiguration",
	"ElasticsearchDestinationConfiguration",
	"AmazonopensearchserviceDestinationConfiguration",
	"SplunkDestinationConfiguration",
	"HttpEndpointDestinationConfiguration",
	"AmazonOpenSearchServerlessDestinationConfiguration",
	"SnowflakeDestinationConfiguration",
	"IcebergDestinationConfiguration",
	"MSKSourceConfiguration",
	"DatabaseSourceConfiguration",
}
