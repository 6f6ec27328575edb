package kinesisapi

import (
	"context"
	"strings"

	"sluice/internal/awsproto/shape"
	"sluice/internal/streams"
)

// DeleteStream: the stream goes DELETING and disappears after the delete
// delay; records stay readable meanwhile. A CREATING stream can be deleted
// (it goes DELETING and never turns ACTIVE); a DELETING one cannot
// (ResourceInUseException). Nor can a stream that channels read
// (ResourceInUseException naming them).

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
	if a.ch != nil {
		c := caller(ctx)
		// Who may not delete the stream learns nothing of its channels.
		if err := a.svc.Authorized(c, ref(in.StreamName, in.StreamARN), "DeleteStream"); err != nil {
			return nil, wire(err)
		}
		name, arn := deref(in.StreamName), deref(in.StreamARN)
		if arn == "" {
			arn = streams.StreamARN(c.Region, c.Account, name)
		} else if _, n, ok := strings.Cut(arn, ":stream/"); ok {
			name = n
		}
		if err := a.ch.CheckStreamDeletion(chCaller(ctx), arn, name); err != nil {
			return nil, channelWire(err)
		}
	}
	return nil, wire(a.svc.DeleteStream(ctx, caller(ctx), ref(in.StreamName, in.StreamARN), deref(in.EnforceConsumerDeletion)))
}
