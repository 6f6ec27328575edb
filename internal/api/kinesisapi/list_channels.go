package kinesisapi

import (
	"context"
	"time"

	"sluice/internal/awsproto"
	"sluice/internal/awsproto/shape"
	"sluice/internal/channels"
)

// ListChannels: the account's channels in the region by name, or those
// reading one of StreamFilter's streams (by ARN and, when given, creation
// time). MaxResults 1–10000, at most 100 returned (the default); NextToken
// pages on for the same filters for 300 seconds (ExpiredNextTokenException
// after; InvalidArgumentException for a token that does not open).

var listChannelsInput = shape.Struct(
	shape.Opt("MaxResults", shape.Int().Range(1, 10000)),
	shape.Opt("NextToken", nextTokenShape),
	shape.Opt("StreamFilter", shape.ListOf(shape.Struct(
		shape.Req("StreamARN", streamARNShape),
		shape.Opt("StreamCreationTimestamp", shape.Time()),
	).Named("StreamFilter")).Len(1, 10000)),
).Named("ListChannelsInput")

type listChannelsIn struct {
	MaxResults   *int64
	NextToken    *string
	StreamFilter []struct {
		StreamARN               string
		StreamCreationTimestamp *time.Time
	}
}

type channelStreamIdentifier struct {
	StreamARN               string              `json:"StreamARN"`
	StreamCreationTimestamp *awsproto.Timestamp `json:"StreamCreationTimestamp"`
}

type channelSummaryOut struct {
	ChannelARN               string                    `json:"ChannelARN"`
	ChannelCreationTimestamp *awsproto.Timestamp       `json:"ChannelCreationTimestamp"`
	ChannelDestinationType   string                    `json:"ChannelDestinationType"`
	ChannelID                string                    `json:"ChannelId"`
	ChannelName              string                    `json:"ChannelName"`
	ChannelStatus            string                    `json:"ChannelStatus"`
	ChannelStatusReason      string                    `json:"ChannelStatusReason,omitempty"`
	Streams                  []channelStreamIdentifier `json:"Streams"`
}

type listChannelsOut struct {
	ChannelSummaries []channelSummaryOut `json:"ChannelSummaries"`
	NextToken        string              `json:"NextToken,omitempty"`
}

func (a *API) listChannels(ctx context.Context, in *listChannelsIn) (*listChannelsOut, error) {
	svc, err := a.chans()
	if err != nil {
		return nil, err
	}
	filters := make([]channels.StreamFilter, len(in.StreamFilter))
	for i, f := range in.StreamFilter {
		filters[i] = channels.StreamFilter{ARN: f.StreamARN, Created: f.StreamCreationTimestamp}
	}
	list, token, err := svc.List(chCaller(ctx), filters, deref(in.NextToken), int(deref(in.MaxResults)))
	if err != nil {
		return nil, channelWire(err)
	}
	out := &listChannelsOut{ChannelSummaries: make([]channelSummaryOut, len(list)), NextToken: token}
	for i, ch := range list {
		sum := channelSummaryOut{
			ChannelARN: ch.ARN(), ChannelCreationTimestamp: awsproto.TimeOf(ch.Created), ChannelDestinationType: ch.DestinationType(),
			ChannelID: ch.ID, ChannelName: ch.Name, ChannelStatus: ch.Status, ChannelStatusReason: ch.StatusReason,
			Streams: make([]channelStreamIdentifier, len(ch.Streams)),
		}
		for j, s := range ch.Streams {
			sum.Streams[j] = channelStreamIdentifier{StreamARN: s.ARN, StreamCreationTimestamp: awsproto.TimeOf(s.Created)}
		}
		out.ChannelSummaries[i] = sum
	}
	return out, nil
}
