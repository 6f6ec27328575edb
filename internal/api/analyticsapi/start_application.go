package analyticsapi

// StartApplication (v1 and v2): starts a READY application (STARTING, then
// RUNNING) reading each input from its InputStartingPosition: NOW (the
// default), TRIM_HORIZON, or LAST_STOPPED_POINT, which needs the
// application to have run with that input before (InvalidArgumentException
// otherwise). An input ID the application does not have, or given twice,
// is InvalidArgumentException; an application without an input is
// InvalidApplicationConfigurationException; one not READY is
// ResourceInUseException. Without the SQL engine in the build, starting is
// UnsupportedOperationException: Sluice never pretends to run. v2's Flink
// run configuration is refused.

import (
	"context"

	"sluice/internal/analytics"
	"sluice/internal/awsproto/shape"
)

var startInputV1 = shape.Struct(
	shape.Req("ApplicationName", appNameShape),
	shape.Req("InputConfigurations", shape.ListOf(shape.Struct(
		shape.Req("Id", idShape),
		shape.Req("InputStartingPositionConfiguration", startingPositionShape),
	).Named("InputConfiguration"))),
).Named("StartApplicationRequest")

type positionIn struct {
	InputStartingPosition *string
}

type startInV1 struct {
	ApplicationName     string
	InputConfigurations []struct {
		Id                                 string
		InputStartingPositionConfiguration positionIn
	}
}

// positions collects the starting positions by input ID.
func positions(ids []string, pos []positionIn) (map[string]analytics.StartingPosition, error) {
	out := make(map[string]analytics.StartingPosition, len(ids))
	for i, id := range ids {
		if _, dup := out[id]; dup {
			return nil, analytics.InvalidArgument("Input %s is given twice.", id)
		}
		out[id] = analytics.StartingPosition(deref(pos[i].InputStartingPosition))
	}
	return out, nil
}

func (a *API) startV1(ctx context.Context, in *startInV1) (*empty, error) {
	ids, pos := make([]string, len(in.InputConfigurations)), make([]positionIn, len(in.InputConfigurations))
	for i, c := range in.InputConfigurations {
		ids[i], pos[i] = c.Id, c.InputStartingPositionConfiguration
	}
	p, err := positions(ids, pos)
	if err == nil {
		err = a.svc.Start(ctx, caller(ctx), in.ApplicationName, false, p)
	}
	if err != nil {
		return nil, wireV1(err)
	}
	return &empty{}, nil
}

var startInputV2 = shape.Struct(
	shape.Req("ApplicationName", appNameShape),
	shape.Opt("RunConfiguration", shape.Struct(
		shape.Opt("FlinkRunConfiguration", opaque),
		shape.Opt("SqlRunConfigurations", shape.ListOf(shape.Struct(
			shape.Req("InputId", idShape),
			shape.Req("InputStartingPositionConfiguration", startingPositionShape),
		).Named("SqlRunConfiguration"))),
		shape.Opt("ApplicationRestoreConfiguration", opaque),
	).Named("RunConfiguration")),
).Named("StartApplicationRequest")

type startInV2 struct {
	ApplicationName  string
	RunConfiguration *struct {
		FlinkRunConfiguration *struct{}
		SqlRunConfigurations  []struct {
			InputId                            string
			InputStartingPositionConfiguration positionIn
		}
		ApplicationRestoreConfiguration *struct{}
	}
}

func (a *API) startV2(ctx context.Context, in *startInV2) (*empty, error) {
	var ids []string
	var pos []positionIn
	if rc := in.RunConfiguration; rc != nil {
		if rc.FlinkRunConfiguration != nil || rc.ApplicationRestoreConfiguration != nil {
			return nil, wireV2(analytics.InvalidArgument("FlinkRunConfiguration and ApplicationRestoreConfiguration are for Apache Flink applications; a SQL application starts with SqlRunConfigurations."))
		}
		for _, c := range rc.SqlRunConfigurations {
			ids, pos = append(ids, c.InputId), append(pos, c.InputStartingPositionConfiguration)
		}
	}
	p, err := positions(ids, pos)
	if err == nil {
		err = a.svc.Start(ctx, caller(ctx), in.ApplicationName, true, p)
	}
	if err != nil {
		return nil, wireV2(err)
	}
	return &empty{}, nil
}
