package kinesisapi

import (
	"context"

	"sluice/internal/awsproto/shape"
)

// AddTagsToStream, RemoveTagsFromStream and ListTagsForStream: the legacy,
// name-addressed tag API. At most 50 tags per stream; keys 1–128 and values
// 0–256 characters of Unicode letters, numbers, separators (not tab or
// newline) and _ . / = + - % @ (and ':' for the aws: prefixes tools write),
// also in the keys RemoveTagsFromStream is given (InvalidArgumentException
// "Some tags contain invalid characters…", after the stream is found).
// ListTagsForStream pages in key order (Limit 1–50, ExclusiveStartTagKey,
// HasMoreTags).

var addTagsToStreamInput = structOf("AddTagsToStreamInput",
	shape.Req("Tags", tagMapShape),
)

type addTagsToStreamIn struct {
	StreamARN  *string
	StreamId   *string
	StreamName *string
	Tags       map[string]string
}

func (a *API) addTagsToStream(ctx context.Context, in *addTagsToStreamIn) (*empty, error) {
	return nil, wire(a.svc.AddTags(ctx, caller(ctx), ref(in.StreamName, in.StreamARN), "AddTagsToStream", in.Tags))
}

var removeTagsFromStreamInput = structOf("RemoveTagsFromStreamInput",
	shape.Req("TagKeys", tagKeyListShape),
)

type removeTagsFromStreamIn struct {
	StreamARN  *string
	StreamId   *string
	StreamName *string
	TagKeys    []string
}

func (a *API) removeTagsFromStream(ctx context.Context, in *removeTagsFromStreamIn) (*empty, error) {
	return nil, wire(a.svc.RemoveTags(ctx, caller(ctx), ref(in.StreamName, in.StreamARN), "RemoveTagsFromStream", in.TagKeys))
}

var listTagsForStreamInput = structOf("ListTagsForStreamInput",
	shape.Opt("ExclusiveStartTagKey", tagKeyShape),
	shape.Opt("Limit", shape.Int().Range(1, 50)),
)

type listTagsForStreamIn struct {
	ExclusiveStartTagKey *string
	Limit                *int64
	StreamARN            *string
	StreamId             *string
	StreamName           *string
}

type listTagsForStreamOut struct {
	Tags        []tagOut `json:"Tags"`
	HasMoreTags bool     `json:"HasMoreTags"`
}

func (a *API) listTagsForStream(ctx context.Context, in *listTagsForStreamIn) (*listTagsForStreamOut, error) {
	limit := int(deref(in.Limit))
	if limit == 0 {
		limit = 50
	}
	tags, more, err := a.svc.ListTags(ctx, caller(ctx), ref(in.StreamName, in.StreamARN), "ListTagsForStream", deref(in.ExclusiveStartTagKey), limit)
	if err != nil {
		return nil, wire(err)
	}
	out := &listTagsForStreamOut{Tags: make([]tagOut, len(tags)), HasMoreTags: more}
	for i, t := range tags {
		out.Tags[i] = tagOut{Key: t.Key, Value: ptr(t.Value)}
	}
	return out, nil
}
