package analyticsapi

// DeleteApplicationCloudWatchLoggingOption (v1 and v2): removes a logging
// option by ID (ResourceNotFoundException for one the application does not
// have). v2 takes the version or the ConditionalToken, and answers the
// remaining options' descriptions.

import (
	"context"

	"sluice/internal/analytics"
	"sluice/internal/awsproto/shape"
)

var deleteLoggingInputV1 = shape.Struct(
	shape.Req("ApplicationName", appNameShape),
	shape.Req("CurrentApplicationVersionId", versionShape),
	shape.Req("CloudWatchLoggingOptionId", idShape),
).Named("DeleteApplicationCloudWatchLoggingOptionRequest")

var deleteLoggingInputV2 = shape.Struct(
	shape.Req("ApplicationName", appNameShape),
	shape.Opt("CurrentApplicationVersionId", versionShape),
	shape.Req("CloudWatchLoggingOptionId", idShape),
	shape.Opt("ConditionalToken", tokenShape),
).Named("DeleteApplicationCloudWatchLoggingOptionRequest")

type deleteLoggingIn struct {
	ApplicationName             string
	CurrentApplicationVersionId *int64
	CloudWatchLoggingOptionId   string
	ConditionalToken            *string
}

func (a *API) deleteLoggingV1(ctx context.Context, in *deleteLoggingIn) (*empty, error) {
	_, err := a.svc.DeleteLogging(ctx, caller(ctx), in.ApplicationName, analytics.Change{Version: in.CurrentApplicationVersionId}, in.CloudWatchLoggingOptionId)
	if err != nil {
		return nil, wireV1(err)
	}
	return &empty{}, nil
}

func (a *API) deleteLoggingV2(ctx context.Context, in *deleteLoggingIn) (*loggingOutV2, error) {
	ch, err := changeV2(in.CurrentApplicationVersionId, in.ConditionalToken)
	if err != nil {
		return nil, wireV2(err)
	}
	app, err := a.svc.DeleteLogging(ctx, caller(ctx), in.ApplicationName, ch, in.CloudWatchLoggingOptionId)
	if err != nil {
		return nil, wireV2(err)
	}
	return &loggingOutV2{ApplicationARN: app.ARN(), ApplicationVersionId: app.Version, CloudWatchLoggingOptionDescriptions: loggingOf(app)}, nil
}
