package kinesisapi

import (
	"context"

	"sluice/internal/awsproto/shape"
	"sluice/internal/streams"
)

// TagResource, UntagResource and ListTagsForResource: the ARN-addressed tag
// API (2025). The resource is a stream ARN; consumer ARNs come with
// enhanced fan-out. Same limits as the stream tag API.

var tagResourceInput = shape.Struct(
	shape.Req("ResourceARN", resourceARNShape),
	shape.Opt("StreamId", streamIDShape),
	shape.Req("Tags", tagMapShape),
).Named("TagResourceInput")

type tagResourceIn struct {
	ResourceARN string
	StreamId    *string
	Tags        map[string]string
}

func (a *API) tagResource(ctx context.Context, in *tagResourceIn) (*empty, error) {
	return nil, wire(a.svc.AddTags(ctx, caller(ctx), streams.StreamRef{ARN: in.ResourceARN}, "TagResource", in.Tags))
}

var untagResourceInput = shape.Struct(
	shape.Req("ResourceARN", resourceARNShape),
	shape.Opt("StreamId", streamIDShape),
	shape.Req("TagKeys", tagKeyListShape),
).Named("UntagResourceInput")

type untagResourceIn struct {
	ResourceARN string
	StreamId    *string
	TagKeys     []string
}

func (a *API) untagResource(ctx context.Context, in *untagResourceIn) (*empty, error) {
	return nil, wire(a.svc.RemoveTags(ctx, caller(ctx), streams.StreamRef{ARN: in.ResourceARN}, "UntagResource", in.TagKeys))
}

var listTagsForResourceInput = shape.Struct(
	shape.Req("ResourceARN", resourceARNShape),
	shape.Opt("StreamId", streamIDShape),
).Named("ListTagsForResourceInput")

type listTagsForResourceIn struct {
	ResourceARN string
	StreamId    *string
}

type listTagsForResourceOut struct {
	Tags []tagOut `json:"Tags"`
}

func (a *API) listTagsForResource(ctx context.Context, in *listTagsForResourceIn) (*listTagsForResourceOut, error) {
	tags, _, err := a.svc.ListTags(ctx, caller(ctx), streams.StreamRef{ARN: in.ResourceARN}, "ListTagsForResource", "", 0)
	if err != nil {
		return nil, wire(err)
	}
	out := &listTagsForResourceOut{Tags: make([]tagOut, len(tags))}
	for i, t := range tags {
		out.Tags[i] = tagOut{Key: t.Key, Value: ptr(t.Value)}
	}
	return out, nil
}
