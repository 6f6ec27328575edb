package analyticsapi

import (
	"regexp"

	"sluice/internal/awsproto/shape"
)

// matchAs sets a pattern that Go's regexp cannot read as AWS writes it
// (Java's possessive quantifiers, lookaheads): re is the equivalent, text
// is what AWS prints in its messages.
func matchAs(s *shape.Shape, re, text string) *shape.Shape {
	c := *s
	c.Pattern = regexp.MustCompile(`^(?:` + re + `)$`)
	c.PatternText = text
	return &c
}

// The structures both APIs build alike, each from its own pieces.

// recordFormatShape is a RecordFormat with the JSON row path and the CSV
// delimiters given.
func recordFormatShape(rowPath, delimiter *shape.Shape) *shape.Shape {
	return shape.Struct(
		shape.Req("RecordFormatType", formatTypeShape),
		shape.Opt("MappingParameters", shape.Struct(
			shape.Opt("JSONMappingParameters", shape.Struct(
				shape.Req("RecordRowPath", rowPath),
			).Named("JSONMappingParameters")),
			shape.Opt("CSVMappingParameters", shape.Struct(
				shape.Req("RecordRowDelimiter", delimiter),
				shape.Req("RecordColumnDelimiter", delimiter),
			).Named("CSVMappingParameters")),
		).Named("MappingParameters")),
	).Named("RecordFormat")
}

func sourceSchemaShape(format, encoding, columns *shape.Shape) *shape.Shape {
	return shape.Struct(
		shape.Req("RecordFormat", format),
		shape.Opt("RecordEncoding", encoding),
		shape.Req("RecordColumns", columns),
	).Named("SourceSchema")
}

func processingShape(resource func(name string) *shape.Shape) *shape.Shape {
	return shape.Struct(
		shape.Req("InputLambdaProcessor", resource("InputLambdaProcessor")),
	).Named("InputProcessingConfiguration")
}

// inputShape is an Input of the in-application stream names, resources
// (a Kinesis or Firehose source, a Lambda preprocessor) and schema given.
func inputShape(stream *shape.Shape, resource func(name string) *shape.Shape, schema *shape.Shape) *shape.Shape {
	return shape.Struct(
		shape.Req("NamePrefix", stream),
		shape.Opt("InputProcessingConfiguration", processingShape(resource)),
		shape.Opt("KinesisStreamsInput", resource("KinesisStreamsInput")),
		shape.Opt("KinesisFirehoseInput", resource("KinesisFirehoseInput")),
		shape.Opt("InputParallelism", shape.Struct(shape.Opt("Count", parallelismCount)).Named("InputParallelism")),
		shape.Req("InputSchema", schema),
	).Named("Input")
}

func outputShape(stream *shape.Shape, resource func(name string) *shape.Shape) *shape.Shape {
	return shape.Struct(
		shape.Req("Name", stream),
		shape.Opt("KinesisStreamsOutput", resource("KinesisStreamsOutput")),
		shape.Opt("KinesisFirehoseOutput", resource("KinesisFirehoseOutput")),
		shape.Opt("LambdaOutput", resource("LambdaOutput")),
		shape.Req("DestinationSchema", destinationSchemaShape),
	).Named("Output")
}

// Shapes common to both APIs (aws-sdk-go-v2 service/kinesisanalytics
// v1.31.0 and service/kinesisanalyticsv2 v1.38.1 models).
var (
	appNameShape     = shape.Str().Len(1, 128).Match(`[a-zA-Z0-9_.-]+`)
	descriptionShape = shape.Str().Len(0, 1024)
	codeShape        = shape.Str().Len(0, 102400)
	versionShape     = shape.Lng().Range(1, 999999999)
	idShape          = shape.Str().Len(1, 50).Match(`[a-zA-Z0-9_.-]+`)
	arnShape         = shape.Str().Len(1, 2048).Match(`arn:.*`)
	fileKeyShape     = shape.Str().Len(1, 1024)
	tableNameShape   = shape.Str().Len(1, 32)
	formatTypeShape  = shape.Str().OneOf("JSON", "CSV")
	parallelismCount = shape.Int().Range(1, 64)
	positionShape    = shape.Str().OneOf("NOW", "TRIM_HORIZON", "LAST_STOPPED_POINT")
	listLimitShape   = shape.Int().Range(1, 50)

	tagShape = shape.Struct(
		shape.Req("Key", shape.Str().Len(1, 128)),
		shape.Opt("Value", shape.Str().Len(0, 256)),
	).Named("Tag")
	tagsShape    = shape.ListOf(tagShape).Len(1, 200)
	tagKeysShape = shape.ListOf(shape.Str().Len(1, 128)).Len(1, 200)

	startingPositionShape = shape.Struct(
		shape.Opt("InputStartingPosition", positionShape),
	).Named("InputStartingPositionConfiguration")

	destinationSchemaShape = shape.Struct(
		shape.Req("RecordFormatType", formatTypeShape),
	).Named("DestinationSchema")
)

// v1's own shapes.
var (
	roleShapeV1        = shape.Str().Len(1, 2048).Match(`arn:aws:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+`)
	inAppStreamShapeV1 = shape.Str().Len(1, 32)
	appARNShapeV1      = matchAs(shape.Str().Len(1, 2048),
		`arn:aws:kinesisanalytics:[a-z]{2}-[a-z]+-\d{1}:\d{12}:application/[a-zA-Z0-9_.-]{1,128}`,
		`arn:aws:kinesisanalytics:[a-z]{2}-[a-z]+-\d{1}+:\d{12}+:application/[a-zA-Z0-9_.-]{1,128}`)

	resourceShapeV1 = func(name string) *shape.Shape {
		return shape.Struct(shape.Req("ResourceARN", arnShape), shape.Req("RoleARN", roleShapeV1)).Named(name)
	}
	resourceUpdateShapeV1 = func(name string) *shape.Shape {
		return shape.Struct(shape.Opt("ResourceARNUpdate", arnShape), shape.Opt("RoleARNUpdate", roleShapeV1)).Named(name)
	}

	recordColumnShapeV1 = shape.Struct(
		shape.Req("Name", shape.Str()),
		shape.Opt("Mapping", shape.Str()),
		shape.Req("SqlType", shape.Str().Len(1, -1)),
	).Named("RecordColumn")
	recordFormatShapeV1   = recordFormatShape(shape.Str().Len(1, -1), shape.Str().Len(1, -1))
	recordEncodingShapeV1 = shape.Str().Match(`UTF-8`)
	recordColumnsShapeV1  = shape.ListOf(recordColumnShapeV1).Len(1, 1000)
	sourceSchemaShapeV1   = sourceSchemaShape(recordFormatShapeV1, recordEncodingShapeV1, recordColumnsShapeV1)

	processingShapeV1 = processingShape(resourceShapeV1)
	inputShapeV1      = inputShape(inAppStreamShapeV1, resourceShapeV1, sourceSchemaShapeV1)
	outputShapeV1     = outputShape(inAppStreamShapeV1, resourceShapeV1)

	referenceShapeV1 = shape.Struct(
		shape.Req("TableName", tableNameShape),
		shape.Opt("S3ReferenceDataSource", shape.Struct(
			shape.Req("BucketARN", arnShape),
			shape.Req("FileKey", fileKeyShape),
			shape.Req("ReferenceRoleARN", roleShapeV1),
		).Named("S3ReferenceDataSource")),
		shape.Req("ReferenceSchema", sourceSchemaShapeV1),
	).Named("ReferenceDataSource")

	loggingShapeV1 = shape.Struct(
		shape.Req("LogStreamARN", arnShape),
		shape.Req("RoleARN", roleShapeV1),
	).Named("CloudWatchLoggingOption")
)

// v2's own shapes.
var (
	roleShapeV2        = arnShape
	inAppStreamShapeV2 = shape.Str().Len(1, 32).Match(`[^-\s<>&]*`)
	appARNShapeV2      = arnShape
	tokenShape         = shape.Str().Len(1, 512).Match(`[a-zA-Z0-9-_+/=]+`)
	nextTokenShape     = shape.Str().Len(1, 512)
	runtimeShape       = shape.Str().OneOf("SQL-1_0", "FLINK-1_6", "FLINK-1_8", "ZEPPELIN-FLINK-1_0", "FLINK-1_11", "FLINK-1_13",
		"ZEPPELIN-FLINK-2_0", "FLINK-1_15", "ZEPPELIN-FLINK-3_0", "FLINK-1_18", "FLINK-1_19", "FLINK-1_20", "FLINK-2_2")
	modeShape = shape.Str().OneOf("STREAMING", "INTERACTIVE")

	resourceShapeV2 = func(name string) *shape.Shape {
		return shape.Struct(shape.Req("ResourceARN", arnShape)).Named(name)
	}
	resourceUpdateShapeV2 = func(name string) *shape.Shape {
		return shape.Struct(shape.Req("ResourceARNUpdate", arnShape)).Named(name)
	}

	recordColumnShapeV2 = shape.Struct(
		shape.Req("Name", shape.Str().Len(1, 256).Match(`[^-\s<>&]*`)),
		shape.Opt("Mapping", shape.Str().Len(0, 65535)),
		shape.Req("SqlType", shape.Str().Len(1, 100)),
	).Named("RecordColumn")
	recordFormatShapeV2 = recordFormatShape(
		matchAs(shape.Str().Len(1, 65535), `\$\S*`, `^(?=^\$)(?=^\S+$).*$`),
		shape.Str().Len(1, 1024))
	recordEncodingShapeV2 = shape.Str().Len(5, 5).Match(`UTF-8`)
	recordColumnsShapeV2  = shape.ListOf(recordColumnShapeV2).Len(1, 1000)
	sourceSchemaShapeV2   = sourceSchemaShape(recordFormatShapeV2, recordEncodingShapeV2, recordColumnsShapeV2)

	processingShapeV2 = processingShape(resourceShapeV2)
	inputShapeV2      = inputShape(inAppStreamShapeV2, resourceShapeV2, sourceSchemaShapeV2)
	outputShapeV2     = outputShape(inAppStreamShapeV2, resourceShapeV2)

	referenceShapeV2 = shape.Struct(
		shape.Req("TableName", tableNameShape),
		shape.Opt("S3ReferenceDataSource", shape.Struct(
			shape.Opt("BucketARN", arnShape),
			shape.Opt("FileKey", fileKeyShape),
		).Named("S3ReferenceDataSource")),
		shape.Req("ReferenceSchema", sourceSchemaShapeV2),
	).Named("ReferenceDataSource")

	loggingShapeV2 = shape.Struct(
		shape.Req("LogStreamARN", arnShape),
	).Named("CloudWatchLoggingOption")
)
