package kinesisapi

import (
	"context"

	"sluice/internal/awsproto/shape"
)

// PutResourcePolicy, GetResourcePolicy and DeleteResourcePolicy: a
// resource-based policy document attached to a stream or consumer ARN,
// which package streams evaluates on every call to the resource.

var putResourcePolicyInput = shape.Struct(
	shape.Req("Policy", shape.Str()),
	shape.Req("ResourceARN", resourceARNShape),
	shape.Opt("StreamId", streamIDShape),
).Named("PutResourcePolicyInput")

type putResourcePolicyIn struct {
	Policy      string
	ResourceARN string
	StreamId    *string
}

func (a *API) putResourcePolicy(ctx context.Context, in *putResourcePolicyIn) (*empty, error) {
	return nil, wire(a.svc.PutPolicy(ctx, caller(ctx), in.ResourceARN, in.Policy))
}

var getResourcePolicyInput = shape.Struct(
	shape.Req("ResourceARN", resourceARNShape),
	shape.Opt("StreamId", streamIDShape),
).Named("GetResourcePolicyInput")

type resourceARNIn struct {
	ResourceARN string
	StreamId    *string
}

type getResourcePolicyOut struct {
	Policy string `json:"Policy"`
}

func (a *API) getResourcePolicy(ctx context.Context, in *resourceARNIn) (*getResourcePolicyOut, error) {
	p, err := a.svc.Policy(ctx, caller(ctx), in.ResourceARN)
	if err != nil {
		return nil, wire(err)
	}
	return &getResourcePolicyOut{Policy: p}, nil
}

var deleteResourcePolicyInput = getResourcePolicyInput

func (a *API) deleteResourcePolicy(ctx context.Context, in *resourceARNIn) (*empty, error) {
	return nil, wire(a.svc.DeletePolicy(ctx, caller(ctx), in.ResourceARN))
}
