package firehoseapi

import "sluice/internal/awsproto/shape"

// Shapes of the Firehose model (aws-sdk-go-v2 service/firehose v1.52.12,
// whose members botocore's service-2.json matches; the lengths, ranges and
// patterns are botocore's, since the Go SDK does not carry them).
// TestShapesMatchBotocore checks every shape here against botocore's.
var (
	nameShape             = shape.Str().Len(1, 64).Match(`[a-zA-Z0-9_.-]+`)
	roleARNShape          = pattern(shape.Str().Len(1, 512), `arn:.*:iam::\d{12}:role/[a-zA-Z_0-9+=,.@\-_/]+`)
	bucketARNShape        = pattern(shape.Str().Len(1, 2048), `arn:.*:s3:::[\w\.\-]{1,255}`)
	kmsKeyARNShape        = pattern(shape.Str().Len(1, 512), `arn:.*:kms:[a-zA-Z0-9\-]+:\d{12}:(key|alias)/[a-zA-Z_0-9+=,.@\-_/]+`)
	kinesisStreamARNShape = pattern(shape.Str().Len(1, 512), `arn:.*:kinesis:[a-zA-Z0-9\-]+:\d{12}:stream/[a-zA-Z0-9_.-]+`)
	prefixShape           = anyText(0, 1024)
	tagKeyShape           = shape.Str().Len(1, 128).Match(`[\p{L}\p{Z}\p{N}_.:\/=+\-@%]*`) // and not aws:..., checked in tagsIn
	tagValueShape         = shape.Str().Len(0, 256).Match(`^[\p{L}\p{Z}\p{N}_.:\/=+\-@%]*$`)
	compressionEnum       = shape.Str().OneOf("UNCOMPRESSED", "GZIP", "ZIP", "Snappy", "HADOOP_SNAPPY")
	// nonEmptyNoSpace is NonEmptyStringWithoutWhitespace.
	nonEmptyNoSpace = pattern(shape.Str().Len(1, 1024), `^\S+$`)
	// nonEmptyString is NonEmptyString.
	nonEmptyString = patternAs(shape.Str().Len(1, 1024), nonBlankText, nonBlankTextGo)
	boolShape      = shape.Bool()

	tagShape = shape.Struct(
		shape.Req("Key", tagKeyShape),
		shape.Opt("Value", tagValueShape),
	).Named("Tag")

	bufferingHints = hintsShape("BufferingHints", 128, 900)

	encryptionConfiguration = shape.Struct(
		shape.Opt("NoEncryptionConfig", shape.Str().OneOf("NoEncryption")),
		shape.Opt("KMSEncryptionConfig", shape.Struct(
			shape.Req("AWSKMSKeyARN", kmsKeyARNShape),
		).Named("KMSEncryptionConfig")),
	).Named("EncryptionConfiguration")

	cloudWatchLogging = shape.Struct(
		shape.Opt("Enabled", boolShape),
		shape.Opt("LogGroupName", pattern(shape.Str().Len(0, 512), `[\.\-_/#A-Za-z0-9]*`)),
		shape.Opt("LogStreamName", pattern(shape.Str().Len(0, 512), `[^:*]*`)),
	).Named("CloudWatchLoggingOptions")

	processingConfiguration = shape.Struct(
		shape.Opt("Enabled", boolShape),
		shape.Opt("Processors", shape.ListOf(shape.Struct(
			shape.Req("Type", shape.Str().OneOf("RecordDeAggregation", "Decompression", "CloudWatchLogProcessing", "Lambda", "MetadataExtraction", "AppendDelimiterToRecord")),
			shape.Opt("Parameters", shape.ListOf(shape.Struct(
				shape.Req("ParameterName", shape.Str().OneOf("LambdaArn", "NumberOfRetries", "MetadataExtractionQuery", "JsonParsingEngine", "RoleArn", "BufferSizeInMBs", "BufferIntervalInSeconds", "SubRecordType", "Delimiter", "CompressionFormat", "DataMessageExtraction")),
				shape.Req("ParameterValue", patternAs(shape.Str().Len(1, 5120), nonBlankText, nonBlankTextGo)),
			).Named("ProcessorParameter"))),
		).Named("Processor"))),
	).Named("ProcessingConfiguration")

	// secretsManagerConfiguration is accepted only with Enabled false:
	// Sluice has no Secrets Manager.
	secretsManagerConfiguration = shape.Struct(
		shape.Opt("SecretARN", pattern(shape.Str().Len(1, 2048), `arn:.*:secretsmanager:[a-zA-Z0-9\-]+:\d{12}:secret:[a-zA-Z0-9\-/_+=.@!]+`)),
		shape.Opt("RoleARN", roleARNShape),
		shape.Req("Enabled", boolShape),
	).Named("SecretsManagerConfiguration")

	// vpcConfiguration is always refused: Sluice has no VPCs.
	vpcConfiguration = shape.Struct(
		shape.Req("SubnetIds", shape.ListOf(nonEmptyNoSpace).Len(1, 16)),
		shape.Req("RoleARN", roleARNShape),
		shape.Req("SecurityGroupIds", shape.ListOf(nonEmptyNoSpace).Len(1, 5)),
	).Named("VpcConfiguration")

	s3Members = []shape.Member{
		shape.Req("RoleARN", roleARNShape),
		shape.Req("BucketARN", bucketARNShape),
		shape.Opt("Prefix", prefixShape),
		shape.Opt("ErrorOutputPrefix", prefixShape),
		shape.Opt("BufferingHints", bufferingHints),
		shape.Opt("CompressionFormat", compressionEnum),
		shape.Opt("EncryptionConfiguration", encryptionConfiguration),
		shape.Opt("CloudWatchLoggingOptions", cloudWatchLogging),
	}
	s3Configuration = shape.Struct(s3Members...).Named("S3DestinationConfiguration")
	// Updates: every member optional.
	s3Update = optional(s3Members).Named("S3DestinationUpdate")

	extendedS3Configuration = shape.Struct(append(append([]shape.Member(nil), s3Members...),
		shape.Opt("ProcessingConfiguration", processingConfiguration),
		shape.Opt("S3BackupMode", shape.Str().OneOf("Disabled", "Enabled")),
		shape.Opt("S3BackupConfiguration", s3Configuration),
		shape.Opt("DataFormatConversionConfiguration", dataFormatConversion),
		shape.Opt("DynamicPartitioningConfiguration", dynamicPartitioning),
		shape.Opt("FileExtension", pattern(shape.Str().Len(0, 128), `^$|\.[0-9a-z!\-_.*'()]+`)),
		shape.Opt("CustomTimeZone", pattern(shape.Str().Len(0, 50), `^$|[a-zA-Z/_]+`)),
	)...).Named("ExtendedS3DestinationConfiguration")
	extendedS3Update = optional(renamed(extendedS3Configuration.Members, "S3BackupConfiguration", "S3BackupUpdate", s3Update)).Named("ExtendedS3DestinationUpdate")
)

// anyText is a string of the given lengths with the model's pattern `.*`.
func anyText(minLen, maxLen int64) *shape.Shape {
	return pattern(shape.Str().Len(minLen, maxLen), `.*`)
}

// hintsShape is a destination's buffering hints structure.
func hintsShape(name string, maxSize, maxInterval int64) *shape.Shape {
	return shape.Struct(
		shape.Opt("SizeInMBs", shape.Int().Range(1, maxSize)),
		shape.Opt("IntervalInSeconds", shape.Int().Range(0, maxInterval)),
	).Named(name)
}

// intervalFirst is hintsShape with IntervalInSeconds first, the order of
// the OpenSearch and Splunk hints in the model.
func intervalFirst(name string, maxSize, maxInterval int64) *shape.Shape {
	return shape.Struct(
		shape.Opt("IntervalInSeconds", shape.Int().Range(0, maxInterval)),
		shape.Opt("SizeInMBs", shape.Int().Range(1, maxSize)),
	).Named(name)
}

// retryShape is a destination's RetryOptions.
func retryShape(name string) *shape.Shape {
	return shape.Struct(shape.Opt("DurationInSeconds", shape.Int().Range(0, 7200))).Named(name)
}

// optional returns a structure of the members, none required.
func optional(members []shape.Member) *shape.Shape {
	out := make([]shape.Member, len(members))
	for i, m := range members {
		out[i] = shape.Opt(m.Name, m.Shape)
	}
	return shape.Struct(out...)
}

// renamed returns members with the member called from replaced by one
// called to with shape s, in the same place.
func renamed(members []shape.Member, from, to string, s *shape.Shape) []shape.Member {
	out := append([]shape.Member(nil), members...)
	for i, m := range out {
		if m.Name == from {
			out[i] = shape.Member{Name: to, Shape: s, Required: m.Required}
		}
	}
	return out
}

// without returns members less the ones named.
func without(members []shape.Member, names ...string) []shape.Member {
	var out []shape.Member
	for _, m := range members {
		keep := true
		for _, n := range names {
			keep = keep && m.Name != n
		}
		if keep {
			out = append(out, m)
		}
	}
	return out
}

// updateOf is the Update form of a destination configuration: every member
// optional, S3Configuration and S3BackupConfiguration named S3Update and
// S3BackupUpdate with S3DestinationUpdate's shape, less the members drop.
func updateOf(create *shape.Shape, name string, drop ...string) *shape.Shape {
	m := renamed(create.Members, "S3Configuration", "S3Update", s3Update)
	m = renamed(m, "S3BackupConfiguration", "S3BackupUpdate", s3Update)
	return optional(without(m, drop...)).Named(name)
}
