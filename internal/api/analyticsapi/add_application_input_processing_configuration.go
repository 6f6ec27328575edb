package analyticsapi

// AddApplicationInputProcessingConfiguration (v1 and v2): gives an input
// (by ID; ResourceNotFoundException for one the application does not have)
// a Lambda preprocessor: a function ARN, and a Lambda endpoint on the
// server (--lambda-endpoint) to run it; an input that has one already is
// InvalidArgumentException. v2 answers the input's new description.

import (
	"context"

	"sluice/internal/analytics"
	"sluice/internal/awsproto/shape"
)

var addProcessingInputV1 = shape.Struct(
	shape.Req("ApplicationName", appNameShape),
	shape.Req("CurrentApplicationVersionId", versionShape),
	shape.Req("InputId", idShape),
	shape.Req("InputProcessingConfiguration", processingShapeV1),
).Named("AddApplicationInputProcessingConfigurationRequest")

var addProcessingInputV2 = shape.Struct(
	shape.Req("ApplicationName", appNameShape),
	shape.Req("CurrentApplicationVersionId", versionShape),
	shape.Req("InputId", idShape),
	shape.Req("InputProcessingConfiguration", processingShapeV2),
).Named("AddApplicationInputProcessingConfigurationRequest")

type addProcessingIn struct {
	ApplicationName              string
	CurrentApplicationVersionId  int64
	InputId                      string
	InputProcessingConfiguration struct{ InputLambdaProcessor resourceIn }
}

func (a *API) addProcessingV1(ctx context.Context, in *addProcessingIn) (*empty, error) {
	fn := in.InputProcessingConfiguration.InputLambdaProcessor.domain("")
	_, err := a.svc.AddInputProcessing(ctx, caller(ctx), in.ApplicationName, analytics.Change{Version: &in.CurrentApplicationVersionId}, in.InputId, fn)
	if err != nil {
		return nil, wireV1(err)
	}
	return &empty{}, nil
}

type addProcessingOutV2 struct {
	ApplicationARN                          string      `json:"ApplicationARN"`
	ApplicationVersionId                    int64       `json:"ApplicationVersionId"`
	InputId                                 string      `json:"InputId"`
	InputProcessingConfigurationDescription *processOut `json:"InputProcessingConfigurationDescription,omitempty"`
}

func (a *API) addProcessingV2(ctx context.Context, in *addProcessingIn) (*addProcessingOutV2, error) {
	c := caller(ctx)
	app, err := a.svc.Describe(c, in.ApplicationName)
	if err != nil {
		return nil, wireV2(err)
	}
	fn := in.InputProcessingConfiguration.InputLambdaProcessor.domain(app.ServiceRole)
	app, err = a.svc.AddInputProcessing(ctx, c, in.ApplicationName, analytics.Change{API2: true, Version: &in.CurrentApplicationVersionId}, in.InputId, fn)
	if err != nil {
		return nil, wireV2(err)
	}
	out := &addProcessingOutV2{ApplicationARN: app.ARN(), ApplicationVersionId: app.Version, InputId: in.InputId}
	if p := app.Input(in.InputId).Processing; p != nil {
		out.InputProcessingConfigurationDescription = &processOut{InputLambdaProcessorDescription: resourceOf(*p)}
	}
	return out, nil
}
