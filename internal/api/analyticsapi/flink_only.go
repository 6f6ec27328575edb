package analyticsapi

// The v2 operations that only Apache Flink (and Zeppelin) applications
// have: Sluice runs SQL applications only, so each, once the application
// is found, answers with the error AWS models for it and a message that
// says why.
//
//   - RollbackApplication: restores the last snapshot, which SQL
//     applications do not take: UnsupportedOperationException.
//   - Create/Delete/Describe/ListApplicationSnapshot(s): Flink state
//     snapshots: UnsupportedOperationException.
//   - Add/DeleteApplicationVpcConfiguration: Flink applications run in a
//     VPC; SQL applications do not: InvalidArgumentException (the
//     operations model no UnsupportedOperationException).
//   - CreateApplicationPresignedUrl: the Flink dashboard or Zeppelin UI:
//     InvalidArgumentException (likewise).
//   - DescribeApplicationOperation, ListApplicationOperations: the
//     operations of Flink applications: UnsupportedOperationException.
//   - UpdateApplicationMaintenanceConfiguration: the Flink maintenance
//     window: UnsupportedOperationException.

import (
	"context"
	"time"

	"sluice/internal/analytics"
	"sluice/internal/awsproto/shape"
)

// flinkOp answers an operation of Flink applications about a SQL one.
func (a *API) flinkOp(ctx context.Context, name, op string, unsupported bool) error {
	if _, err := a.svc.Describe(caller(ctx), name); err != nil {
		return wireV2(err)
	}
	const msg = "%s is for Apache Flink applications; %s is a SQL application (SQL-1_0), and Sluice runs SQL applications only."
	if unsupported {
		return wireV2(analytics.Unsupported(msg, op, name))
	}
	return wireV2(analytics.InvalidArgument(msg, op, name))
}

var (
	snapshotNameShape  = shape.Str().Len(1, 256).Match(`[a-zA-Z0-9_.-]+`)
	operationIDShape   = shape.Str().Len(1, 64)
	maintenanceWindow  = shape.Str().Len(5, 5).Match(`([01][0-9]|2[0-3]):[0-5][0-9]`)
	operationStatusSet = shape.Str().OneOf("IN_PROGRESS", "CANCELLED", "SUCCESSFUL", "FAILED")
	vpcShape           = shape.Struct(
		shape.Req("SubnetIds", shape.ListOf(shape.Str()).Len(1, 16)),
		shape.Req("SecurityGroupIds", shape.ListOf(shape.Str()).Len(1, 5)),
	).Named("VpcConfiguration")
)

// flinkIn holds the members of all these operations' inputs (the decoder
// fills every member a request gives); only the name is used.
type flinkIn struct {
	ApplicationName                    string
	CurrentApplicationVersionId        *int64
	SnapshotName                       *string
	SnapshotCreationTimestamp          *time.Time
	Limit                              *int64
	NextToken                          *string
	VpcConfiguration                   *struct{ SubnetIds, SecurityGroupIds []string }
	VpcConfigurationId                 *string
	ConditionalToken                   *string
	UrlType                            *string
	SessionExpirationDurationInSeconds *int64
	OperationId                        *string
	Operation                          *string
	OperationStatus                    *string

	ApplicationMaintenanceConfigurationUpdate *struct{ ApplicationMaintenanceWindowStartTimeUpdate string }
}

var rollbackInput = shape.Struct(
	shape.Req("ApplicationName", appNameShape),
	shape.Req("CurrentApplicationVersionId", versionShape),
).Named("RollbackApplicationRequest")

func (a *API) rollback(ctx context.Context, in *flinkIn) (*empty, error) {
	return nil, a.flinkOp(ctx, in.ApplicationName, "RollbackApplication", true)
}

var createSnapshotInput = shape.Struct(
	shape.Req("ApplicationName", appNameShape),
	shape.Req("SnapshotName", snapshotNameShape),
).Named("CreateApplicationSnapshotRequest")

func (a *API) createSnapshot(ctx context.Context, in *flinkIn) (*empty, error) {
	return nil, a.flinkOp(ctx, in.ApplicationName, "CreateApplicationSnapshot", true)
}

var deleteSnapshotInput = shape.Struct(
	shape.Req("ApplicationName", appNameShape),
	shape.Req("SnapshotName", snapshotNameShape),
	shape.Req("SnapshotCreationTimestamp", shape.Time()),
).Named("DeleteApplicationSnapshotRequest")

func (a *API) deleteSnapshot(ctx context.Context, in *flinkIn) (*empty, error) {
	return nil, a.flinkOp(ctx, in.ApplicationName, "DeleteApplicationSnapshot", true)
}

var describeSnapshotInput = shape.Struct(
	shape.Req("ApplicationName", appNameShape),
	shape.Req("SnapshotName", snapshotNameShape),
).Named("DescribeApplicationSnapshotRequest")

func (a *API) describeSnapshot(ctx context.Context, in *flinkIn) (*empty, error) {
	return nil, a.flinkOp(ctx, in.ApplicationName, "DescribeApplicationSnapshot", true)
}

var listSnapshotsInput = shape.Struct(
	shape.Req("ApplicationName", appNameShape),
	shape.Opt("Limit", listLimitShape),
	shape.Opt("NextToken", nextTokenShape),
).Named("ListApplicationSnapshotsRequest")

func (a *API) listSnapshots(ctx context.Context, in *flinkIn) (*empty, error) {
	return nil, a.flinkOp(ctx, in.ApplicationName, "ListApplicationSnapshots", true)
}

var addVpcInput = shape.Struct(
	shape.Req("ApplicationName", appNameShape),
	shape.Opt("CurrentApplicationVersionId", versionShape),
	shape.Req("VpcConfiguration", vpcShape),
	shape.Opt("ConditionalToken", tokenShape),
).Named("AddApplicationVpcConfigurationRequest")

func (a *API) addVpc(ctx context.Context, in *flinkIn) (*empty, error) {
	return nil, a.flinkOp(ctx, in.ApplicationName, "AddApplicationVpcConfiguration", false)
}

var deleteVpcInput = shape.Struct(
	shape.Req("ApplicationName", appNameShape),
	shape.Opt("CurrentApplicationVersionId", versionShape),
	shape.Req("VpcConfigurationId", idShape),
	shape.Opt("ConditionalToken", tokenShape),
).Named("DeleteApplicationVpcConfigurationRequest")

func (a *API) deleteVpc(ctx context.Context, in *flinkIn) (*empty, error) {
	return nil, a.flinkOp(ctx, in.ApplicationName, "DeleteApplicationVpcConfiguration", false)
}

var presignedURLInput = shape.Struct(
	shape.Req("ApplicationName", appNameShape),
	shape.Req("UrlType", shape.Str().OneOf("FLINK_DASHBOARD_URL", "ZEPPELIN_UI_URL")),
	shape.Opt("SessionExpirationDurationInSeconds", shape.Lng().Range(1800, 43200)),
).Named("CreateApplicationPresignedUrlRequest")

func (a *API) presignedURL(ctx context.Context, in *flinkIn) (*empty, error) {
	return nil, a.flinkOp(ctx, in.ApplicationName, "CreateApplicationPresignedUrl", false)
}

var describeOperationInput = shape.Struct(
	shape.Req("ApplicationName", appNameShape),
	shape.Req("OperationId", operationIDShape),
).Named("DescribeApplicationOperationRequest")

func (a *API) describeOperation(ctx context.Context, in *flinkIn) (*empty, error) {
	return nil, a.flinkOp(ctx, in.ApplicationName, "DescribeApplicationOperation", true)
}

var listOperationsInput = shape.Struct(
	shape.Req("ApplicationName", appNameShape),
	shape.Opt("Limit", listLimitShape),
	shape.Opt("NextToken", nextTokenShape),
	shape.Opt("Operation", operationIDShape),
	shape.Opt("OperationStatus", operationStatusSet),
).Named("ListApplicationOperationsRequest")

func (a *API) listOperations(ctx context.Context, in *flinkIn) (*empty, error) {
	return nil, a.flinkOp(ctx, in.ApplicationName, "ListApplicationOperations", true)
}

var maintenanceInput = shape.Struct(
	shape.Req("ApplicationName", appNameShape),
	shape.Req("ApplicationMaintenanceConfigurationUpdate", shape.Struct(
		shape.Req("ApplicationMaintenanceWindowStartTimeUpdate", maintenanceWindow),
	).Named("ApplicationMaintenanceConfigurationUpdate")),
).Named("UpdateApplicationMaintenanceConfigurationRequest")

func (a *API) maintenance(ctx context.Context, in *flinkIn) (*empty, error) {
	return nil, a.flinkOp(ctx, in.ApplicationName, "UpdateApplicationMaintenanceConfiguration", true)
}
