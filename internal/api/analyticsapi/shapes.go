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
	recordFormatShapeV1 = shape.Struct(
		shape.Req("RecordFormatType", formatTypeShape),
		shape.Opt("MappingParameters", shape.Struct(
			shape.Opt("JSONMappingParameters", shape.Struct(
				shape.Req("RecordRowPath", shape.Str().Len(1, -1)),
			).Named("JSONMappingParameters")),
			shape.Opt("CSVMappingParameters", shape.Struct(
				shape.Req("RecordRowDelimiter", shape.Str().Len(1, -1)),
				shape.Req("RecordColumnDelimiter", shape.Str().Len(1, -1)),
			).Named("CSVMappingParameters")),
		).Named("MappingParameters")),
	).Named("RecordFormat")
	recordEncodingShapeV1 = shape.Str().Match(`UTF-8`)
	recordColumnsShapeV1  = shape.ListOf(recordColumnShapeV1).Len(1, 1000)
	sourceSchemaShapeV1   = shape.Struct(
		shape.Req("RecordFormat", recordFormatShapeV1),
		shape.Opt("RecordEncoding", recordEncodingShapeV1),
		shape.Req("RecordColumns", recordColumnsShapeV1),
	).Named("SourceSchema")

	processingShapeV1 = shape.Struct(
		shape.Req("InputLambdaProcessor", resourceShapeV1("InputLambdaProcessor")),
	).Named("InputProcessingConfiguration")

	inputShapeV1 = shape.Struct(
		shape.Req("NamePrefix", inAppStreamShapeV1),
		shape.Opt("InputProcessingConfiguration", processingShapeV1),
		shape.Opt("KinesisStreamsInput", resourceShapeV1("KinesisStreamsInput")),
		shape.Opt("KinesisFirehoseInput", resourceShapeV1("KinesisFirehoseInput")),
		shape.Opt("InputParallelism", shape.Struct(shape.Opt("Count", parallelismCount)).Named("InputParallelism")),
		shape.Req("InputSchema", sourceSchemaShapeV1),
	).Named("Input")

	outputShapeV1 = shape.Struct(
		shape.Req("Name", inAppStreamShapeV1),
		shape.Opt("KinesisStreamsOutput", resourceShapeV1("KinesisStreamsOutput")),
		shape.Opt("KinesisFirehoseOutput", resourceShapeV1("KinesisFirehoseOutput")),
		shape.Opt("LambdaOutput", resourceShapeV1("LambdaOutput")),
		shape.Req("DestinationSchema", destinationSchemaShape),
	).Named("Output")

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
	recordFormatShapeV2 = shape.Struct(
		shape.Req("RecordFormatType", formatTypeShape),
		shape.Opt("MappingParameters", shape.Struct(
			shape.Opt("JSONMappingParameters", shape.Struct(
				shape.Req("RecordRowPath", matchAs(shape.Str().Len(1, 65535), `\$\S*`, `^(?=^\$)(?=^\S+$).*$`)),
			).Named("JSONMappingParameters")),
			shape.Opt("CSVMappingParameters", shape.Struct(
				shape.Req("RecordRowDelimiter", shape.Str().Len(1, 1024)),
				shape.Req("RecordColumnDelimiter", shape.Str().Len(1, 1024)),
			).Named("CSVMappingParameters")),
		).Named("MappingParameters")),
	).Named("RecordFormat")
	recordEncodingShapeV2 = shape.Str().Len(5, 5).Match(`UTF-8`)
	recordColumnsShapeV2  = shape.ListOf(recordColumnShapeV2).Len(1, 1000)
	sourceSchemaShapeV2   = shape.Struct(
		shape.Req("RecordFormat", recordFormatShapeV2),
		shape.Opt("RecordEncoding", recordEncodingShapeV2),
		shape.Req("RecordColumns", recordColumnsShapeV2),
	).Named("SourceSchema")

	processingShapeV2 = shape.Struct(
		shape.Req("InputLambdaProcessor", resourceShapeV2("InputLambdaProcessor")),
	).Named("InputProcessingConfiguration")

	inputShapeV2 = shape.Struct(
		shape.Req("NamePrefix", inAppStreamShapeV2),
		shape.Opt("InputProcessingConfiguration", processingShapeV2),
		shape.Opt("KinesisStreamsInput", resourceShapeV2("KinesisStreamsInput")),
		shape.Opt("KinesisFirehoseInput", resourceShapeV2("KinesisFirehoseInput")),
		shape.Opt("InputParallelism", shape.Struct(shape.Opt("Count", parallelismCount)).Named("InputParallelism")),
		shape.Req("InputSchema", sourceSchemaShapeV2),
	).Named("Input")

	outputShapeV2 = shape.Struct(
		shape.Req("Name", inAppStreamShapeV2),
		shape.Opt("KinesisStreamsOutput", resourceShapeV2("KinesisStreamsOutput")),
		shape.Opt("KinesisFirehoseOutput", resourceShapeV2("KinesisFirehoseOutput")),
		shape.Opt("LambdaOutput", resourceShapeV2("LambdaOutput")),
		shape.Req("DestinationSchema", destinationSchemaShape),
	).Named("Output")

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
