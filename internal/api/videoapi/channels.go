package videoapi

// The signaling channel operations: CreateSignalingChannel (SINGLE_MASTER
// only; AccountChannelLimitExceededException past the account's channels),
// DescribeSignalingChannel, ListSignalingChannels (BEGINS_WITH, paged),
// UpdateSignalingChannel and DeleteSignalingChannel (VersionMismatchException
// for a stale CurrentVersion), GetSignalingChannelEndpoint (Sluice's own
// URL per protocol: wss:// or ws:// for WSS, https:// or http:// for HTTPS
// and WEBRTC). The WebRTC signaling and media path behind those endpoints
// comes in a later issue.

import (
	"context"
	"strings"

	"sluice/internal/awsproto"
	"sluice/internal/video"
)

type singleMaster struct {
	MessageTtlSeconds int64 `json:",omitempty"`
}

type channelInfo struct {
	ChannelName               string
	ChannelARN                string
	ChannelType               string
	ChannelStatus             string
	CreationTime              *awsproto.Timestamp
	SingleMasterConfiguration singleMaster
	Version                   string
}

func channelInfoOf(ch *video.Channel) channelInfo {
	return channelInfo{
		ChannelName: ch.Name, ChannelARN: ch.ARN(), ChannelType: ch.Type, ChannelStatus: ch.Status,
		CreationTime: awsproto.TimeOf(ch.Created), SingleMasterConfiguration: singleMaster{ch.MessageTTL}, Version: ch.Version,
	}
}

type createSignalingChannelIn struct {
	ChannelName               string
	ChannelType               *string
	SingleMasterConfiguration *singleMaster
	Tags                      []tag
}

type channelARNOut struct {
	ChannelARN string
}

func (a *API) createSignalingChannel(ctx context.Context, in *createSignalingChannelIn) (*channelARNOut, error) {
	p := video.CreateChannelParams{Name: in.ChannelName, Type: deref(in.ChannelType)}
	if in.SingleMasterConfiguration != nil {
		p.MessageTTL = in.SingleMasterConfiguration.MessageTtlSeconds
	}
	if len(in.Tags) > 0 {
		p.Tags = tagMap(in.Tags)
	}
	ch, err := a.svc.CreateChannel(ctx, Caller(ctx), p)
	if err != nil {
		return nil, Wire(err)
	}
	return &channelARNOut{ChannelARN: ch.ARN()}, nil
}

func (a *API) describeSignalingChannel(ctx context.Context, in *channelRefIn) (*struct{ ChannelInfo channelInfo }, error) {
	ch, err := a.svc.Channel(Caller(ctx), video.Ref{Name: deref(in.ChannelName), ARN: deref(in.ChannelARN)})
	if err != nil {
		return nil, Wire(err)
	}
	return &struct{ ChannelInfo channelInfo }{channelInfoOf(ch)}, nil
}

type listSignalingChannelsIn struct {
	MaxResults           int64
	NextToken            *string
	ChannelNameCondition *nameCondition
}

type listSignalingChannelsOut struct {
	ChannelInfoList []channelInfo
	NextToken       string `json:",omitempty"`
}

func (a *API) listSignalingChannels(ctx context.Context, in *listSignalingChannelsIn) (*listSignalingChannelsOut, error) {
	p := video.ListStreamsParams{MaxResults: int(in.MaxResults), NextToken: deref(in.NextToken)}
	if c := in.ChannelNameCondition; c != nil {
		p.Prefix = deref(c.ComparisonValue)
	}
	list, next, err := a.svc.ListChannels(Caller(ctx), p)
	if err != nil {
		return nil, Wire(err)
	}
	out := &listSignalingChannelsOut{ChannelInfoList: make([]channelInfo, 0, len(list)), NextToken: next}
	for _, ch := range list {
		out.ChannelInfoList = append(out.ChannelInfoList, channelInfoOf(ch))
	}
	return out, nil
}

type updateSignalingChannelIn struct {
	ChannelARN                string
	CurrentVersion            string
	SingleMasterConfiguration *singleMaster
}

func (a *API) updateSignalingChannel(ctx context.Context, in *updateSignalingChannelIn) (*empty, error) {
	var ttl int64
	if in.SingleMasterConfiguration != nil {
		ttl = in.SingleMasterConfiguration.MessageTtlSeconds
	}
	return nil, Wire(a.svc.UpdateChannel(ctx, Caller(ctx), in.ChannelARN, in.CurrentVersion, ttl))
}

type deleteSignalingChannelIn struct {
	ChannelARN     string
	CurrentVersion *string
}

func (a *API) deleteSignalingChannel(ctx context.Context, in *deleteSignalingChannelIn) (*empty, error) {
	return nil, Wire(a.svc.DeleteChannel(ctx, Caller(ctx), in.ChannelARN, deref(in.CurrentVersion)))
}

type getSignalingChannelEndpointIn struct {
	ChannelARN                               string
	SingleMasterChannelEndpointConfiguration *struct {
		Protocols []string
		Role      *string
	}
}

type resourceEndpoint struct {
	Protocol         string
	ResourceEndpoint string
}

type getSignalingChannelEndpointOut struct {
	ResourceEndpointList []resourceEndpoint
}

func (a *API) getSignalingChannelEndpoint(ctx context.Context, in *getSignalingChannelEndpointIn) (*getSignalingChannelEndpointOut, error) {
	url, err := a.svc.ChannelEndpoint(Caller(ctx), in.ChannelARN)
	if err != nil {
		return nil, Wire(err)
	}
	base := endpoint(ctx, url)
	protocols := []string{"WSS", "HTTPS"}
	if c := in.SingleMasterChannelEndpointConfiguration; c != nil && len(c.Protocols) > 0 {
		protocols = c.Protocols
	}
	out := &getSignalingChannelEndpointOut{}
	seen := map[string]bool{}
	for _, p := range protocols {
		if seen[p] {
			continue
		}
		seen[p] = true
		u := base
		if p == "WSS" {
			u = "ws" + strings.TrimPrefix(base, "http")
		}
		out.ResourceEndpointList = append(out.ResourceEndpointList, resourceEndpoint{Protocol: p, ResourceEndpoint: u})
	}
	return out, nil
}
