package analyticsapi

// ListTagsForResource (v1 and v2): an application's tags, by key.

import (
	"context"

	"sluice/internal/awsproto/shape"
)

var listTagsInputV1 = shape.Struct(
	shape.Req("ResourceARN", appARNShapeV1),
).Named("ListTagsForResourceRequest")

var listTagsInputV2 = shape.Struct(
	shape.Req("ResourceARN", appARNShapeV2),
).Named("ListTagsForResourceRequest")

type listTagsIn struct {
	ResourceARN string
}

type listTagsOut struct {
	Tags []tagOut `json:"Tags"`
}

func (a *API) listTagsV1(ctx context.Context, in *listTagsIn) (*listTagsOut, error) {
	tags, err := a.svc.Tags(caller(ctx), in.ResourceARN)
	if err != nil {
		return nil, wireV1(err)
	}
	return &listTagsOut{Tags: tagsOf(tags)}, nil
}

func (a *API) listTagsV2(ctx context.Context, in *listTagsIn) (*listTagsOut, error) {
	tags, err := a.svc.Tags(caller(ctx), in.ResourceARN)
	if err != nil {
		return nil, wireV2(err)
	}
	return &listTagsOut{Tags: tagsOf(tags)}, nil
}
