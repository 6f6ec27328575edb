package kinesisapi

import (
	"context"

	"sluice/internal/awsproto/shape"
)

// DeleteStream: the stream goes DELETING and disappears after the delete
// delay; records stay readable meanwhile. A CREATING stream can be deleted
// (it goes DELETING and never turns ACTIVE); a DELETING one cannot
// (ResourceInUseException).

var deleteStreamInput = structOf("DeleteStreamInput",
	shape.Opt("EnforceConsumerDeletion", shape.Bool()),
)

type deleteStreamIn struct {
	EnforceConsumerDeletion *bool
	StreamARN               *string
	StreamId                *string
	StreamName              *string
}

func (a *API) deleteStream(ctx context.Context, in *deleteStreamIn) (*empty, error) {
	return nil, wire(a.svc.DeleteStream(ctx, caller(ctx), ref(in.StreamName, in.StreamARN), deref(in.EnforceConsumerDeletion)))
}
