package analyticsapi

// StopApplication (v1 and v2): stops a RUNNING application (STOPPING, then
// READY); its inputs' positions become their last stopped points. Any
// other state is ResourceInUseException. v2's Force is for Flink
// applications: a SQL application cannot be force-stopped
// (InvalidArgumentException).

import (
	"context"

	"sluice/internal/analytics"
	"sluice/internal/awsproto/shape"
)

var stopInputV1 = shape.Struct(
	shape.Req("ApplicationName", appNameShape),
).Named("StopApplicationRequest")

var stopInputV2 = shape.Struct(
	shape.Req("ApplicationName", appNameShape),
	shape.Opt("Force", shape.Bool()),
).Named("StopApplicationRequest")

type stopIn struct {
	ApplicationName string
	Force           *bool
}

func (a *API) stopV1(ctx context.Context, in *stopIn) (*empty, error) {
	return &empty{}, wireV1(a.svc.Stop(ctx, caller(ctx), in.ApplicationName, false))
}

func (a *API) stopV2(ctx context.Context, in *stopIn) (*empty, error) {
	if deref(in.Force) {
		if _, err := a.svc.Describe(caller(ctx), in.ApplicationName); err != nil {
			return nil, wireV2(err)
		}
		return nil, wireV2(analytics.InvalidArgument("Force stops Apache Flink applications only; a SQL application cannot be force-stopped."))
	}
	return &empty{}, wireV2(a.svc.Stop(ctx, caller(ctx), in.ApplicationName, true))
}
