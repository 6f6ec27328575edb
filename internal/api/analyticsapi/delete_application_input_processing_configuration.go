package analyticsapi

// DeleteApplicationInputProcessingConfiguration (v1 and v2): removes an
// input's preprocessor (InvalidArgumentException when it has none).

import (
	"context"

	"sluice/internal/analytics"
	"sluice/internal/awsproto/shape"
)

var deleteProcessingInputV1 = shape.Struct(
	shape.Req("ApplicationName", appNameShape),
	shape.Req("CurrentApplicationVersionId", versionShape),
	shape.Req("InputId", idShape),
).Named("DeleteApplicationInputProcessingConfigurationRequest")

var deleteProcessingInputV2 = deleteProcessingInputV1

type deleteProcessingIn struct {
	ApplicationName             string
	CurrentApplicationVersionId int64
	InputId                     string
}

func (a *API) deleteProcessingV1(ctx context.Context, in *deleteProcessingIn) (*empty, error) {
	_, err := a.svc.DeleteInputProcessing(ctx, caller(ctx), in.ApplicationName, analytics.Change{Version: &in.CurrentApplicationVersionId}, in.InputId)
	if err != nil {
		return nil, wireV1(err)
	}
	return &empty{}, nil
}

// versionOut is the answer of v2's deletions.
type versionOut struct {
	ApplicationARN       string `json:"ApplicationARN"`
	ApplicationVersionId int64  `json:"ApplicationVersionId"`
}

func (a *API) deleteProcessingV2(ctx context.Context, in *deleteProcessingIn) (*versionOut, error) {
	app, err := a.svc.DeleteInputProcessing(ctx, caller(ctx), in.ApplicationName, analytics.Change{API2: true, Version: &in.CurrentApplicationVersionId}, in.InputId)
	if err != nil {
		return nil, wireV2(err)
	}
	return &versionOut{ApplicationARN: app.ARN(), ApplicationVersionId: app.Version}, nil
}
