package analyticsapi

// AddApplicationOutput (v1 and v2): adds a destination for an
// in-application stream: a Sluice data stream or Firehose delivery stream
// that must exist, or a Lambda function (with a Lambda endpoint on the
// server), with DestinationSchema.RecordFormatType JSON or CSV. At most
// three outputs: a fourth is InvalidArgumentException. v2 answers the
// outputs' descriptions.

import (
	"context"

	"sluice/internal/analytics"
	"sluice/internal/awsproto/shape"
)

var addOutputInputV1 = shape.Struct(
	shape.Req("ApplicationName", appNameShape),
	shape.Req("CurrentApplicationVersionId", versionShape),
	shape.Req("Output", outputShapeV1),
).Named("AddApplicationOutputRequest")

var addOutputInputV2 = shape.Struct(
	shape.Req("ApplicationName", appNameShape),
	shape.Req("CurrentApplicationVersionId", versionShape),
	shape.Req("Output", outputShapeV2),
).Named("AddApplicationOutputRequest")

type addOutputIn struct {
	ApplicationName             string
	CurrentApplicationVersionId int64
	Output                      outputIn
}

func (a *API) addOutputV1(ctx context.Context, in *addOutputIn) (*empty, error) {
	out, err := in.Output.domain("")
	if err == nil {
		_, err = a.svc.AddOutput(ctx, caller(ctx), in.ApplicationName, analytics.Change{Version: &in.CurrentApplicationVersionId}, out)
	}
	if err != nil {
		return nil, wireV1(err)
	}
	return &empty{}, nil
}

type addOutputOutV2 struct {
	ApplicationARN       string      `json:"ApplicationARN"`
	ApplicationVersionId int64       `json:"ApplicationVersionId"`
	OutputDescriptions   []outputOut `json:"OutputDescriptions"`
}

func (a *API) addOutputV2(ctx context.Context, in *addOutputIn) (*addOutputOutV2, error) {
	c := caller(ctx)
	app, err := a.svc.Describe(c, in.ApplicationName)
	if err != nil {
		return nil, wireV2(err)
	}
	out, err := in.Output.domain(app.ServiceRole)
	if err != nil {
		return nil, wireV2(err)
	}
	app, err = a.svc.AddOutput(ctx, c, in.ApplicationName, analytics.Change{API2: true, Version: &in.CurrentApplicationVersionId}, out)
	if err != nil {
		return nil, wireV2(err)
	}
	return &addOutputOutV2{ApplicationARN: app.ARN(), ApplicationVersionId: app.Version, OutputDescriptions: outputsOf(app)}, nil
}
