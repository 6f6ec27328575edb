package analyticsapi

// UntagResource (v1 and v2): removes tags by key (keys the application does
// not have are ignored).

import (
	"context"

	"sluice/internal/awsproto/shape"
)

var untagInputV1 = shape.Struct(
	shape.Req("ResourceARN", appARNShapeV1),
	shape.Req("TagKeys", tagKeysShape),
).Named("UntagResourceRequest")

var untagInputV2 = shape.Struct(
	shape.Req("ResourceARN", appARNShapeV2),
	shape.Req("TagKeys", tagKeysShape),
).Named("UntagResourceRequest")

type untagIn struct {
	ResourceARN string
	TagKeys     []string
}

func (a *API) untagV1(ctx context.Context, in *untagIn) (*empty, error) {
	return &empty{}, wireV1(a.svc.Untag(ctx, caller(ctx), in.ResourceARN, in.TagKeys))
}

func (a *API) untagV2(ctx context.Context, in *untagIn) (*empty, error) {
	return &empty{}, wireV2(a.svc.Untag(ctx, caller(ctx), in.ResourceARN, in.TagKeys))
}
