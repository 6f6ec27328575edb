package analyticsapi

// AddApplicationCloudWatchLoggingOption (v1 and v2): adds a CloudWatch Logs
// log stream (arn:aws:logs:…:log-group:…:log-stream:…; v1 with its role).
// Sluice keeps and describes logging options; it writes no CloudWatch Logs.
// The same log stream twice is InvalidArgumentException. v2 takes the
// version or the ConditionalToken, and answers the options' descriptions.

import (
	"context"

	"sluice/internal/analytics"
	"sluice/internal/awsproto/shape"
)

var addLoggingInputV1 = shape.Struct(
	shape.Req("ApplicationName", appNameShape),
	shape.Req("CurrentApplicationVersionId", versionShape),
	shape.Req("CloudWatchLoggingOption", loggingShapeV1),
).Named("AddApplicationCloudWatchLoggingOptionRequest")

var addLoggingInputV2 = shape.Struct(
	shape.Req("ApplicationName", appNameShape),
	shape.Opt("CurrentApplicationVersionId", versionShape),
	shape.Req("CloudWatchLoggingOption", loggingShapeV2),
	shape.Opt("ConditionalToken", tokenShape),
).Named("AddApplicationCloudWatchLoggingOptionRequest")

type addLoggingIn struct {
	ApplicationName             string
	CurrentApplicationVersionId *int64
	CloudWatchLoggingOption     loggingIn
	ConditionalToken            *string
}

func (a *API) addLoggingV1(ctx context.Context, in *addLoggingIn) (*empty, error) {
	_, err := a.svc.AddLogging(ctx, caller(ctx), in.ApplicationName, analytics.Change{Version: in.CurrentApplicationVersionId}, in.CloudWatchLoggingOption.domain(""))
	if err != nil {
		return nil, wireV1(err)
	}
	return &empty{}, nil
}

type loggingOutV2 struct {
	ApplicationARN                      string       `json:"ApplicationARN"`
	ApplicationVersionId                int64        `json:"ApplicationVersionId"`
	CloudWatchLoggingOptionDescriptions []loggingOut `json:"CloudWatchLoggingOptionDescriptions"`
}

func (a *API) addLoggingV2(ctx context.Context, in *addLoggingIn) (*loggingOutV2, error) {
	ch, err := changeV2(in.CurrentApplicationVersionId, in.ConditionalToken)
	if err != nil {
		return nil, wireV2(err)
	}
	c := caller(ctx)
	app, err := a.svc.Describe(c, in.ApplicationName)
	if err != nil {
		return nil, wireV2(err)
	}
	app, err = a.svc.AddLogging(ctx, c, in.ApplicationName, ch, in.CloudWatchLoggingOption.domain(app.ServiceRole))
	if err != nil {
		return nil, wireV2(err)
	}
	return &loggingOutV2{ApplicationARN: app.ARN(), ApplicationVersionId: app.Version, CloudWatchLoggingOptionDescriptions: loggingOf(app)}, nil
}
