package analyticsapi

// AddApplicationInput (v1 and v2): adds the streaming source, a Sluice data
// stream (KinesisStreamsInput) or Firehose delivery stream
// (KinesisFirehoseInput) that must exist, with its NamePrefix,
// InputParallelism 1–64 (in-application streams <NamePrefix>_001 …) and
// InputSchema (column names, SqlTypes, JSON mappings, record format). An
// application has one input: a second is InvalidArgumentException. The
// input's ID is "<new version>.1". v2 answers the inputs' descriptions.

import (
	"context"

	"sluice/internal/analytics"
	"sluice/internal/awsproto/shape"
)

var addInputInputV1 = shape.Struct(
	shape.Req("ApplicationName", appNameShape),
	shape.Req("CurrentApplicationVersionId", versionShape),
	shape.Req("Input", inputShapeV1),
).Named("AddApplicationInputRequest")

var addInputInputV2 = shape.Struct(
	shape.Req("ApplicationName", appNameShape),
	shape.Req("CurrentApplicationVersionId", versionShape),
	shape.Req("Input", inputShapeV2),
).Named("AddApplicationInputRequest")

type addInputIn struct {
	ApplicationName             string
	CurrentApplicationVersionId int64
	Input                       inputIn
}

func (a *API) addInputV1(ctx context.Context, in *addInputIn) (*empty, error) {
	input, err := in.Input.domain("")
	if err == nil {
		_, err = a.svc.AddInput(ctx, caller(ctx), in.ApplicationName, analytics.Change{Version: &in.CurrentApplicationVersionId}, input)
	}
	if err != nil {
		return nil, wireV1(err)
	}
	return &empty{}, nil
}

type addInputOutV2 struct {
	ApplicationARN       string     `json:"ApplicationARN"`
	ApplicationVersionId int64      `json:"ApplicationVersionId"`
	InputDescriptions    []inputOut `json:"InputDescriptions"`
}

func (a *API) addInputV2(ctx context.Context, in *addInputIn) (*addInputOutV2, error) {
	c := caller(ctx)
	app, err := a.svc.Describe(c, in.ApplicationName)
	if err != nil {
		return nil, wireV2(err)
	}
	input, err := in.Input.domain(app.ServiceRole)
	if err != nil {
		return nil, wireV2(err)
	}
	app, err = a.svc.AddInput(ctx, c, in.ApplicationName, analytics.Change{API2: true, Version: &in.CurrentApplicationVersionId}, input)
	if err != nil {
		return nil, wireV2(err)
	}
	return &addInputOutV2{ApplicationARN: app.ARN(), ApplicationVersionId: app.Version, InputDescriptions: inputsOf(app)}, nil
}
