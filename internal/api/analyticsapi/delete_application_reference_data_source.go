package analyticsapi

// DeleteApplicationReferenceDataSource (v1 and v2): removes the reference
// data source by ID (ResourceNotFoundException for one the application does
// not have).

import (
	"context"

	"sluice/internal/analytics"
	"sluice/internal/awsproto/shape"
)

var deleteReferenceInputV1 = shape.Struct(
	shape.Req("ApplicationName", appNameShape),
	shape.Req("CurrentApplicationVersionId", versionShape),
	shape.Req("ReferenceId", idShape),
).Named("DeleteApplicationReferenceDataSourceRequest")

var deleteReferenceInputV2 = deleteReferenceInputV1

type deleteReferenceIn struct {
	ApplicationName             string
	CurrentApplicationVersionId int64
	ReferenceId                 string
}

func (a *API) deleteReferenceV1(ctx context.Context, in *deleteReferenceIn) (*empty, error) {
	_, err := a.svc.DeleteReference(ctx, caller(ctx), in.ApplicationName, analytics.Change{Version: &in.CurrentApplicationVersionId}, in.ReferenceId)
	if err != nil {
		return nil, wireV1(err)
	}
	return &empty{}, nil
}

func (a *API) deleteReferenceV2(ctx context.Context, in *deleteReferenceIn) (*versionOut, error) {
	app, err := a.svc.DeleteReference(ctx, caller(ctx), in.ApplicationName, analytics.Change{API2: true, Version: &in.CurrentApplicationVersionId}, in.ReferenceId)
	if err != nil {
		return nil, wireV2(err)
	}
	return &versionOut{ApplicationARN: app.ARN(), ApplicationVersionId: app.Version}, nil
}
