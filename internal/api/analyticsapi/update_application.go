package analyticsapi

// UpdateApplication (v1 and v2): changes the code and the inputs, outputs,
// reference data sources and logging options named by ID (ResourceNotFound
// Exception for an ID the application does not have), checks the result as
// a new configuration (InvalidArgumentException, CodeValidationException)
// and raises the version. The current version must be given (v1), or the
// version or ConditionalToken (v2): a stale one is
// ConcurrentModificationException. Allowed in READY and RUNNING (a running
// application is restarted with the new configuration, UPDATING
// meanwhile); ResourceInUseException otherwise. v2 also changes the
// ServiceExecutionRole; its Flink-only updates, and a runtime other than
// SQL-1_0, are refused.

import (
	"context"

	"sluice/internal/analytics"
	"sluice/internal/awsproto/shape"
)

// inputUpdateShape is an InputUpdate of the in-application stream names,
// resources and schema parts given; count is InputParallelismUpdate's
// CountUpdate member (optional in v1, required in v2).
func inputUpdateShape(stream *shape.Shape, resource func(name string) *shape.Shape, format, encoding, columns *shape.Shape, count shape.Member) *shape.Shape {
	return shape.Struct(
		shape.Req("InputId", idShape),
		shape.Opt("NamePrefixUpdate", stream),
		shape.Opt("InputProcessingConfigurationUpdate", shape.Struct(
			shape.Req("InputLambdaProcessorUpdate", resource("InputLambdaProcessorUpdate")),
		).Named("InputProcessingConfigurationUpdate")),
		shape.Opt("KinesisStreamsInputUpdate", resource("KinesisStreamsInputUpdate")),
		shape.Opt("KinesisFirehoseInputUpdate", resource("KinesisFirehoseInputUpdate")),
		shape.Opt("InputSchemaUpdate", shape.Struct(
			shape.Opt("RecordFormatUpdate", format),
			shape.Opt("RecordEncodingUpdate", encoding),
			shape.Opt("RecordColumnUpdates", columns),
		).Named("InputSchemaUpdate")),
		shape.Opt("InputParallelismUpdate", shape.Struct(count).Named("InputParallelismUpdate")),
	).Named("InputUpdate")
}

func outputUpdateShape(stream *shape.Shape, resource func(name string) *shape.Shape) *shape.Shape {
	return shape.Struct(
		shape.Req("OutputId", idShape),
		shape.Opt("NameUpdate", stream),
		shape.Opt("KinesisStreamsOutputUpdate", resource("KinesisStreamsOutputUpdate")),
		shape.Opt("KinesisFirehoseOutputUpdate", resource("KinesisFirehoseOutputUpdate")),
		shape.Opt("LambdaOutputUpdate", resource("LambdaOutputUpdate")),
		shape.Opt("DestinationSchemaUpdate", destinationSchemaShape),
	).Named("OutputUpdate")
}

var (
	inputUpdateShapeV1 = inputUpdateShape(inAppStreamShapeV1, resourceUpdateShapeV1,
		recordFormatShapeV1, recordEncodingShapeV1, recordColumnsShapeV1, shape.Opt("CountUpdate", parallelismCount))
	outputUpdateShapeV1 = outputUpdateShape(inAppStreamShapeV1, resourceUpdateShapeV1)

	referenceUpdateShapeV1 = shape.Struct(
		shape.Req("ReferenceId", idShape),
		shape.Opt("TableNameUpdate", tableNameShape),
		shape.Opt("S3ReferenceDataSourceUpdate", shape.Struct(
			shape.Opt("BucketARNUpdate", arnShape),
			shape.Opt("FileKeyUpdate", fileKeyShape),
			shape.Opt("ReferenceRoleARNUpdate", roleShapeV1),
		).Named("S3ReferenceDataSourceUpdate")),
		shape.Opt("ReferenceSchemaUpdate", sourceSchemaShapeV1),
	).Named("ReferenceDataSourceUpdate")

	loggingUpdateShapeV1 = shape.Struct(
		shape.Req("CloudWatchLoggingOptionId", idShape),
		shape.Opt("LogStreamARNUpdate", arnShape),
		shape.Opt("RoleARNUpdate", roleShapeV1),
	).Named("CloudWatchLoggingOptionUpdate")
)

var updateInputV1 = shape.Struct(
	shape.Req("ApplicationName", appNameShape),
	shape.Req("CurrentApplicationVersionId", versionShape),
	shape.Req("ApplicationUpdate", shape.Struct(
		shape.Opt("InputUpdates", shape.ListOf(inputUpdateShapeV1)),
		shape.Opt("ApplicationCodeUpdate", codeShape),
		shape.Opt("OutputUpdates", shape.ListOf(outputUpdateShapeV1)),
		shape.Opt("ReferenceDataSourceUpdates", shape.ListOf(referenceUpdateShapeV1)),
		shape.Opt("CloudWatchLoggingOptionUpdates", shape.ListOf(loggingUpdateShapeV1)),
	).Named("ApplicationUpdate")),
).Named("UpdateApplicationRequest")

type updateInV1 struct {
	ApplicationName             string
	CurrentApplicationVersionId int64
	ApplicationUpdate           struct {
		InputUpdates                   []inputUpdateIn
		ApplicationCodeUpdate          *string
		OutputUpdates                  []outputUpdateIn
		ReferenceDataSourceUpdates     []referenceUpdateIn
		CloudWatchLoggingOptionUpdates []loggingUpdateIn
	}
}

func (a *API) updateV1(ctx context.Context, in *updateInV1) (*empty, error) {
	au := &in.ApplicationUpdate
	u := analytics.Update{Code: au.ApplicationCodeUpdate}
	if err := sqlUpdates(&u, au.InputUpdates, au.OutputUpdates, au.ReferenceDataSourceUpdates); err != nil {
		return nil, wireV1(err)
	}
	for _, l := range au.CloudWatchLoggingOptionUpdates {
		u.Logging = append(u.Logging, l.domain())
	}
	ch := analytics.Change{Version: &in.CurrentApplicationVersionId}
	if _, err := a.svc.UpdateApplication(ctx, caller(ctx), in.ApplicationName, ch, u); err != nil {
		return nil, wireV1(err)
	}
	return &empty{}, nil
}

var (
	inputUpdateShapeV2 = inputUpdateShape(inAppStreamShapeV2, resourceUpdateShapeV2,
		recordFormatShapeV2, recordEncodingShapeV2, recordColumnsShapeV2, shape.Req("CountUpdate", parallelismCount))
	outputUpdateShapeV2 = outputUpdateShape(inAppStreamShapeV2, resourceUpdateShapeV2)

	referenceUpdateShapeV2 = shape.Struct(
		shape.Req("ReferenceId", idShape),
		shape.Opt("TableNameUpdate", tableNameShape),
		shape.Opt("S3ReferenceDataSourceUpdate", shape.Struct(
			shape.Opt("BucketARNUpdate", arnShape),
			shape.Opt("FileKeyUpdate", fileKeyShape),
		).Named("S3ReferenceDataSourceUpdate")),
		shape.Opt("ReferenceSchemaUpdate", sourceSchemaShapeV2),
	).Named("ReferenceDataSourceUpdate")

	loggingUpdateShapeV2 = shape.Struct(
		shape.Req("CloudWatchLoggingOptionId", idShape),
		shape.Opt("LogStreamARNUpdate", arnShape),
	).Named("CloudWatchLoggingOptionUpdate")
)

var updateInputV2 = shape.Struct(
	shape.Req("ApplicationName", appNameShape),
	shape.Opt("CurrentApplicationVersionId", versionShape),
	shape.Opt("ApplicationConfigurationUpdate", shape.Struct(
		shape.Opt("SqlApplicationConfigurationUpdate", shape.Struct(
			shape.Opt("InputUpdates", shape.ListOf(inputUpdateShapeV2)),
			shape.Opt("OutputUpdates", shape.ListOf(outputUpdateShapeV2)),
			shape.Opt("ReferenceDataSourceUpdates", shape.ListOf(referenceUpdateShapeV2)),
		).Named("SqlApplicationConfigurationUpdate")),
		shape.Opt("ApplicationCodeConfigurationUpdate", shape.Struct(
			shape.Opt("CodeContentTypeUpdate", shape.Str().OneOf("PLAINTEXT", "ZIPFILE")),
			shape.Opt("CodeContentUpdate", shape.Struct(
				shape.Opt("TextContentUpdate", codeShape),
				shape.Opt("ZipFileContentUpdate", shape.Bytes().Len(0, 52428800)),
				shape.Opt("S3ContentLocationUpdate", opaque),
			).Named("CodeContentUpdate")),
		).Named("ApplicationCodeConfigurationUpdate")),
		shape.Opt("FlinkApplicationConfigurationUpdate", opaque),
		shape.Opt("EnvironmentPropertyUpdates", opaque),
		shape.Opt("ApplicationSnapshotConfigurationUpdate", opaque),
		shape.Opt("ApplicationSystemRollbackConfigurationUpdate", opaque),
		shape.Opt("VpcConfigurationUpdates", shape.ListOf(opaque)),
		shape.Opt("ZeppelinApplicationConfigurationUpdate", opaque),
		shape.Opt("ApplicationEncryptionConfigurationUpdate", opaque),
	).Named("ApplicationConfigurationUpdate")),
	shape.Opt("ServiceExecutionRoleUpdate", roleShapeV2),
	shape.Opt("RunConfigurationUpdate", opaque),
	shape.Opt("CloudWatchLoggingOptionUpdates", shape.ListOf(loggingUpdateShapeV2)),
	shape.Opt("ConditionalToken", tokenShape),
	shape.Opt("RuntimeEnvironmentUpdate", runtimeShape),
).Named("UpdateApplicationRequest")

type updateInV2 struct {
	ApplicationName                string
	CurrentApplicationVersionId    *int64
	ApplicationConfigurationUpdate *struct {
		SqlApplicationConfigurationUpdate *struct {
			InputUpdates               []inputUpdateIn
			OutputUpdates              []outputUpdateIn
			ReferenceDataSourceUpdates []referenceUpdateIn
		}
		ApplicationCodeConfigurationUpdate *struct {
			CodeContentTypeUpdate *string
			CodeContentUpdate     *struct {
				TextContentUpdate       *string
				ZipFileContentUpdate    []byte
				S3ContentLocationUpdate *struct{}
			}
		}
		FlinkApplicationConfigurationUpdate          *struct{}
		EnvironmentPropertyUpdates                   *struct{}
		ApplicationSnapshotConfigurationUpdate       *struct{}
		ApplicationSystemRollbackConfigurationUpdate *struct{}
		VpcConfigurationUpdates                      []struct{}
		ZeppelinApplicationConfigurationUpdate       *struct{}
		ApplicationEncryptionConfigurationUpdate     *struct{}
	}
	ServiceExecutionRoleUpdate     *string
	RunConfigurationUpdate         *struct{}
	CloudWatchLoggingOptionUpdates []loggingUpdateIn
	ConditionalToken               *string
	RuntimeEnvironmentUpdate       *string
}

// changeV2 is the concurrency check of a v2 request: the version or the
// ConditionalToken, one of which is required.
func changeV2(version *int64, token *string) (analytics.Change, error) {
	if version == nil && token == nil {
		return analytics.Change{}, analytics.InvalidArgument("Either CurrentApplicationVersionId or ConditionalToken must be given.")
	}
	return analytics.Change{API2: true, Version: version, Token: deref(token)}, nil
}

func (a *API) updateV2(ctx context.Context, in *updateInV2) (*detailOutV2, error) {
	ch, err := changeV2(in.CurrentApplicationVersionId, in.ConditionalToken)
	if err != nil {
		return nil, wireV2(err)
	}
	if in.RuntimeEnvironmentUpdate != nil {
		if err := sqlOnly(*in.RuntimeEnvironmentUpdate); err != nil {
			return nil, wireV2(err)
		}
	}
	u := analytics.Update{ServiceRole: in.ServiceExecutionRoleUpdate}
	given := map[string]bool{"RunConfigurationUpdate": in.RunConfigurationUpdate != nil}
	if c := in.ApplicationConfigurationUpdate; c != nil {
		given["FlinkApplicationConfiguration"] = c.FlinkApplicationConfigurationUpdate != nil
		given["EnvironmentProperties"] = c.EnvironmentPropertyUpdates != nil
		given["ApplicationSnapshotConfiguration"] = c.ApplicationSnapshotConfigurationUpdate != nil
		given["ApplicationSystemRollbackConfiguration"] = c.ApplicationSystemRollbackConfigurationUpdate != nil
		given["VpcConfigurations"] = c.VpcConfigurationUpdates != nil
		given["ZeppelinApplicationConfiguration"] = c.ZeppelinApplicationConfigurationUpdate != nil
		given["ApplicationEncryptionConfiguration"] = c.ApplicationEncryptionConfigurationUpdate != nil
		if s := c.SqlApplicationConfigurationUpdate; s != nil {
			if err := sqlUpdates(&u, s.InputUpdates, s.OutputUpdates, s.ReferenceDataSourceUpdates); err != nil {
				return nil, wireV2(err)
			}
		}
		if cc := c.ApplicationCodeConfigurationUpdate; cc != nil {
			if t := deref(cc.CodeContentTypeUpdate); t != "" && t != "PLAINTEXT" {
				return nil, wireV2(analytics.InvalidArgument("A SQL application's code must be PLAINTEXT (CodeContent.TextContent); CodeContentType %s is not supported.", t))
			}
			if cu := cc.CodeContentUpdate; cu != nil {
				if cu.ZipFileContentUpdate != nil || cu.S3ContentLocationUpdate != nil {
					return nil, wireV2(analytics.InvalidArgument("A SQL application's code is given as CodeContent.TextContent; ZipFileContent and S3ContentLocation are not supported."))
				}
				u.Code = cu.TextContentUpdate
			}
		}
	}
	if err := flinkOnly(given); err != nil {
		return nil, wireV2(err)
	}
	for _, l := range in.CloudWatchLoggingOptionUpdates {
		u.Logging = append(u.Logging, l.domain())
	}
	app, err := a.svc.UpdateApplication(ctx, caller(ctx), in.ApplicationName, ch, u)
	if err != nil {
		return nil, wireV2(err)
	}
	return &detailOutV2{ApplicationDetail: detailOfV2(app)}, nil
}
