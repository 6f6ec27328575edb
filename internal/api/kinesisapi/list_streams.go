package kinesisapi

import (
	"context"

	"sluice/internal/awsproto"
	"sluice/internal/awsproto/shape"
	"sluice/internal/streams"
)

// ListStreams: the caller's streams in name order, Limit 1–10000 (at most
// 100 returned), after ExclusiveStartStreamName or a NextToken (which
// expires after 300 s), with StreamSummaries.

var listStreamsInput = shape.Struct(
	shape.Opt("ExclusiveStartStreamName", streamNameShape),
	shape.Opt("Limit", shape.Int().Range(1, 10000)),
	shape.Opt("NextToken", nextTokenShape),
).Named("ListStreamsInput")

type listStreamsIn struct {
	ExclusiveStartStreamName *string
	Limit                    *int64
	NextToken                *string
}

type streamSummary struct {
	StreamName              string               `json:"StreamName"`
	StreamARN               string               `json:"StreamARN"`
	StreamStatus            string               `json:"StreamStatus"`
	StreamModeDetails       streamModeDetailsOut `json:"StreamModeDetails"`
	StreamCreationTimestamp *awsproto.Timestamp  `json:"StreamCreationTimestamp"`
}

type listStreamsOut struct {
	StreamNames     []string        `json:"StreamNames"`
	HasMoreStreams  bool            `json:"HasMoreStreams"`
	NextToken       string          `json:"NextToken,omitempty"`
	StreamSummaries []streamSummary `json:"StreamSummaries"`
}

func (a *API) listStreams(ctx context.Context, in *listStreamsIn) (*listStreamsOut, error) {
	page, err := a.svc.ListStreams(ctx, caller(ctx), streams.ListStreamsParams{
		Limit:                    int(deref(in.Limit)),
		ExclusiveStartStreamName: deref(in.ExclusiveStartStreamName),
		NextToken:                deref(in.NextToken),
	})
	if err != nil {
		return nil, wire(err)
	}
	out := &listStreamsOut{
		StreamNames:     make([]string, len(page.Streams)),
		HasMoreStreams:  page.HasMore,
		NextToken:       page.NextToken,
		StreamSummaries: make([]streamSummary, len(page.Streams)),
	}
	for i, st := range page.Streams {
		out.StreamNames[i] = st.Name
		out.StreamSummaries[i] = streamSummary{
			StreamName:              st.Name,
			StreamARN:               st.ARN(),
			StreamStatus:            string(st.Status),
			StreamModeDetails:       streamModeDetailsOut{StreamMode: string(st.Mode)},
			StreamCreationTimestamp: created(st),
		}
	}
	return out, nil
}
