package videoapi

// The tag operations, by stream (TagStream, UntagStream, ListTagsForStream:
// name or ARN) and by resource ARN (TagResource, UntagResource,
// ListTagsForResource: streams and signaling channels). At most 50 tags a
// resource (TagsPerResourceExceededLimitException); keys starting with
// aws: are refused (InvalidArgumentException).

import (
	"context"
	"maps"

	"sluice/internal/awsproto/awserr"
)

type tagStreamIn struct {
	StreamARN  *string
	StreamName *string
	Tags       map[string]string
}

func (a *API) tagStream(ctx context.Context, in *tagStreamIn) (*empty, error) {
	return nil, Wire(a.svc.TagStream(ctx, Caller(ctx), ref(in.StreamName, in.StreamARN), in.Tags))
}

type untagStreamIn struct {
	StreamARN  *string
	StreamName *string
	TagKeyList []string
}

func (a *API) untagStream(ctx context.Context, in *untagStreamIn) (*empty, error) {
	return nil, Wire(a.svc.UntagStream(ctx, Caller(ctx), ref(in.StreamName, in.StreamARN), in.TagKeyList))
}

type listTagsForStreamIn struct {
	NextToken  *string
	StreamARN  *string
	StreamName *string
}

type tagsOut struct {
	Tags map[string]string `json:",omitempty"`
}

func (a *API) listTagsForStream(ctx context.Context, in *listTagsForStreamIn) (*tagsOut, error) {
	if err := noNextToken(in.NextToken); err != nil {
		return nil, err
	}
	tags, err := a.svc.StreamTags(Caller(ctx), ref(in.StreamName, in.StreamARN))
	if err != nil {
		return nil, Wire(err)
	}
	return &tagsOut{Tags: tags}, nil
}

type tag struct {
	Key   string
	Value string
}

type tagResourceIn struct {
	ResourceARN string
	Tags        []tag
}

func tagMap(list []tag) map[string]string {
	m := make(map[string]string, len(list))
	for _, t := range list {
		m[t.Key] = t.Value
	}
	return m
}

func (a *API) tagResource(ctx context.Context, in *tagResourceIn) (*empty, error) {
	return nil, Wire(a.svc.TagResource(ctx, Caller(ctx), in.ResourceARN, tagMap(in.Tags)))
}

type untagResourceIn struct {
	ResourceARN string
	TagKeyList  []string
}

func (a *API) untagResource(ctx context.Context, in *untagResourceIn) (*empty, error) {
	return nil, Wire(a.svc.UntagResource(ctx, Caller(ctx), in.ResourceARN, in.TagKeyList))
}

type listTagsForResourceIn struct {
	NextToken   *string
	ResourceARN string
}

func (a *API) listTagsForResource(ctx context.Context, in *listTagsForResourceIn) (*tagsOut, error) {
	if err := noNextToken(in.NextToken); err != nil {
		return nil, err
	}
	tags, err := a.svc.ResourceTags(Caller(ctx), in.ResourceARN)
	if err != nil {
		return nil, Wire(err)
	}
	return &tagsOut{Tags: maps.Clone(tags)}, nil
}

// noNextToken refuses a NextToken for a list Sluice answers whole (the
// tags of a resource, at most 50; the one resource mapped to a stream): no
// such answer hands one out, so any token given is not one of Sluice's.
func noNextToken(token *string) error {
	if deref(token) != "" {
		return awserr.New(invalidArgument, "NextToken is not valid: this list is answered whole and hands out no NextToken.")
	}
	return nil
}
