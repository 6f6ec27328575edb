package analyticsapi

// TagResource (v1 and v2): adds or overwrites tags of an application named
// by ARN; keys starting with aws: are reserved (InvalidArgumentException),
// more than 50 tags is TooManyTagsException. Tags do not change the
// application's version.

import (
	"context"

	"sluice/internal/awsproto/shape"
)

var tagInputV1 = shape.Struct(
	shape.Req("ResourceARN", appARNShapeV1),
	shape.Req("Tags", tagsShape),
).Named("TagResourceRequest")

var tagInputV2 = shape.Struct(
	shape.Req("ResourceARN", appARNShapeV2),
	shape.Req("Tags", tagsShape),
).Named("TagResourceRequest")

type tagResourceIn struct {
	ResourceARN string
	Tags        []tagIn
}

func (a *API) tagV1(ctx context.Context, in *tagResourceIn) (*empty, error) {
	return &empty{}, wireV1(a.svc.Tag(ctx, caller(ctx), in.ResourceARN, tagsIn(in.Tags)))
}

func (a *API) tagV2(ctx context.Context, in *tagResourceIn) (*empty, error) {
	return &empty{}, wireV2(a.svc.Tag(ctx, caller(ctx), in.ResourceARN, tagsIn(in.Tags)))
}
