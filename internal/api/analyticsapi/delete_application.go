package analyticsapi

// DeleteApplication (v1 and v2): CreateTimestamp must be the application's
// (to the second, as boto3 sends it; ConcurrentModificationException
// otherwise, v1 having no other error for it). A READY application is gone at once; a RUNNING
// one is stopped first and DELETING meanwhile; other states are
// ResourceInUseException. Through v1, an application v2 created or changed
// is UnsupportedOperationException.

import (
	"context"
	"time"

	"sluice/internal/awsproto/shape"
)

var deleteInput = shape.Struct(
	shape.Req("ApplicationName", appNameShape),
	shape.Req("CreateTimestamp", shape.Time()),
).Named("DeleteApplicationRequest")

type deleteIn struct {
	ApplicationName string
	CreateTimestamp time.Time
}

func (a *API) deleteV1(ctx context.Context, in *deleteIn) (*empty, error) {
	return &empty{}, wireV1(a.svc.Delete(ctx, caller(ctx), in.ApplicationName, false, in.CreateTimestamp.UnixMilli()))
}

func (a *API) deleteV2(ctx context.Context, in *deleteIn) (*empty, error) {
	return &empty{}, wireV2(a.svc.Delete(ctx, caller(ctx), in.ApplicationName, true, in.CreateTimestamp.UnixMilli()))
}
