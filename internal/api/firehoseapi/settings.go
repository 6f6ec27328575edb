package firehoseapi

import (
	"context"

	"sluice/internal/awsproto/awserr"
	"sluice/internal/awsproto/shape"
	"sluice/internal/firehose"
)

var updateInput = shape.Struct(
	shape.Req("DeliveryStreamName", nameShape),
	shape.Req("CurrentDeliveryStreamVersionId", shape.Str().Len(1, 50).Match(`[0-9]+`)),
	shape.Req("DestinationId", shape.Str().Len(1, 100).Match(`[a-zA-Z0-9-]+`)),
	shape.Opt("S3DestinationUpdate", s3Update),
	shape.Opt("ExtendedS3DestinationUpdate", extendedS3Update),
).Named("UpdateDestinationInput")

type updateIn struct {
	DeliveryStreamName             string
	CurrentDeliveryStreamVersionId string
	DestinationId                  string
	S3DestinationUpdate            *s3In
	ExtendedS3DestinationUpdate    *s3In
}

func (a *API) updateDestination(ctx context.Context, in *updateIn) (*empty, error) {
	upd := in.ExtendedS3DestinationUpdate
	extended := upd != nil
	if upd == nil {
		upd = in.S3DestinationUpdate
	}
	if upd == nil {
		return nil, awserr.New(awserr.InvalidArgumentException, "Sluice delivers to S3 only: give S3DestinationUpdate or ExtendedS3DestinationUpdate.")
	}
	if what := upd.unsupported(); what != "" {
		return nil, awserr.New(awserr.InvalidArgumentException, "Sluice does not support %s yet.", what)
	}
	err := a.svc.UpdateDestination(ctx, caller(ctx), in.DeliveryStreamName, in.CurrentDeliveryStreamVersionId, in.DestinationId, func(d *firehose.Destinations) error {
		if d.Kind != firehose.KindS3 {
			// A different destination type replaces the old one.
			*d = firehose.Destinations{Kind: firehose.KindS3, S3: firehose.S3Destination{IntervalInSeconds: -1}}
		}
		upd.apply(&d.S3)
		if extended {
			d.S3.Extended = true
		}
		return nil
	})
	return &empty{}, wire(err)
}

var tagInput = shape.Struct(
	shape.Req("DeliveryStreamName", nameShape),
	shape.Req("Tags", shape.ListOf(tagShape).Len(1, 50)),
).Named("TagDeliveryStreamInput")

type tagStreamIn struct {
	DeliveryStreamName string
	Tags               []tagIn
}

func (a *API) tag(ctx context.Context, in *tagStreamIn) (*empty, error) {
	tags, err := tagsIn(in.Tags)
	if err != nil {
		return nil, err
	}
	return &empty{}, wire(a.svc.TagDeliveryStream(ctx, caller(ctx), in.DeliveryStreamName, tags))
}

var untagInput = shape.Struct(
	shape.Req("DeliveryStreamName", nameShape),
	shape.Req("TagKeys", shape.ListOf(tagKeyShape).Len(1, 50)),
).Named("UntagDeliveryStreamInput")

type untagIn struct {
	DeliveryStreamName string
	TagKeys            []string
}

func (a *API) untag(ctx context.Context, in *untagIn) (*empty, error) {
	return &empty{}, wire(a.svc.UntagDeliveryStream(ctx, caller(ctx), in.DeliveryStreamName, in.TagKeys))
}

var listTagsInput = shape.Struct(
	shape.Req("DeliveryStreamName", nameShape),
	shape.Opt("ExclusiveStartTagKey", tagKeyShape),
	shape.Opt("Limit", shape.Int().Range(1, 50)),
).Named("ListTagsForDeliveryStreamInput")

type listTagsIn struct {
	DeliveryStreamName   string
	ExclusiveStartTagKey *string
	Limit                *int64
}

type tagOut struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

type listTagsOut struct {
	Tags        []tagOut `json:"Tags"`
	HasMoreTags bool     `json:"HasMoreTags"`
}

func (a *API) listTags(ctx context.Context, in *listTagsIn) (*listTagsOut, error) {
	limit := 50
	if in.Limit != nil {
		limit = int(*in.Limit)
	}
	tags, more, err := a.svc.ListTags(caller(ctx), in.DeliveryStreamName, deref(in.ExclusiveStartTagKey), limit)
	if err != nil {
		return nil, wire(err)
	}
	out := &listTagsOut{Tags: make([]tagOut, len(tags)), HasMoreTags: more}
	for i, t := range tags {
		out.Tags[i] = tagOut{Key: t.Key, Value: t.Value}
	}
	return out, nil
}

var startEncryptionInput = shape.Struct(
	shape.Req("DeliveryStreamName", nameShape),
	shape.Opt("DeliveryStreamEncryptionConfigurationInput", shape.Struct(
		shape.Opt("KeyARN", arnShape),
		shape.Req("KeyType", shape.Str().OneOf("AWS_OWNED_CMK", "CUSTOMER_MANAGED_CMK")),
	).Named("DeliveryStreamEncryptionConfigurationInput")),
).Named("StartDeliveryStreamEncryptionInput")

type startEncryptionIn struct {
	DeliveryStreamName                         string
	DeliveryStreamEncryptionConfigurationInput *encryptionIn
}

func (a *API) startEncryption(ctx context.Context, in *startEncryptionIn) (*empty, error) {
	e := &firehose.Encryption{}
	if c := in.DeliveryStreamEncryptionConfigurationInput; c != nil {
		e.KeyType, e.KeyARN = c.KeyType, deref(c.KeyARN)
	}
	return &empty{}, wire(a.svc.StartEncryption(ctx, caller(ctx), in.DeliveryStreamName, e))
}

var stopEncryptionInput = shape.Struct(
	shape.Req("DeliveryStreamName", nameShape),
).Named("StopDeliveryStreamEncryptionInput")

type stopEncryptionIn struct {
	DeliveryStreamName string
}

func (a *API) stopEncryption(ctx context.Context, in *stopEncryptionIn) (*empty, error) {
	return &empty{}, wire(a.svc.StopEncryption(ctx, caller(ctx), in.DeliveryStreamName))
}
