package analyticsapi

// DeleteApplicationOutput (v1 and v2): removes an output by ID
// (ResourceNotFoundException for one the application does not have).

import (
	"context"

	"sluice/internal/analytics"
	"sluice/internal/awsproto/shape"
)

var deleteOutputInputV1 = shape.Struct(
	shape.Req("ApplicationName", appNameShape),
	shape.Req("CurrentApplicationVersionId", versionShape),
	shape.Req("OutputId", idShape),
).Named("DeleteApplicationOutputRequest")

var deleteOutputInputV2 = deleteOutputInputV1

type deleteOutputIn struct {
	ApplicationName             string
	CurrentApplicationVersionId int64
	OutputId                    string
}

func (a *API) deleteOutputV1(ctx context.Context, in *deleteOutputIn) (*empty, error) {
	_, err := a.svc.DeleteOutput(ctx, caller(ctx), in.ApplicationName, analytics.Change{Version: &in.CurrentApplicationVersionId}, in.OutputId)
	if err != nil {
		return nil, wireV1(err)
	}
	return &empty{}, nil
}

func (a *API) deleteOutputV2(ctx context.Context, in *deleteOutputIn) (*versionOut, error) {
	app, err := a.svc.DeleteOutput(ctx, caller(ctx), in.ApplicationName, analytics.Change{API2: true, Version: &in.CurrentApplicationVersionId}, in.OutputId)
	if err != nil {
		return nil, wireV2(err)
	}
	return &versionOut{ApplicationARN: app.ARN(), ApplicationVersionId: app.Version}, nil
}
