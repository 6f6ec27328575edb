package videoapi

// The stream configurations: image generation and notifications
// (validated as AWS validates them, stored and described; an ENABLED one
// on a stream without retention is NoDataRetentionException; an update
// without a configuration removes it), a channel's media storage
// configuration and a stream's mapped resources.

import (
	"context"

	"sluice/internal/video"
)

type imageDestination struct {
	Uri               string
	DestinationRegion string
}

type imageGeneration struct {
	Status            string
	ImageSelectorType string
	DestinationConfig imageDestination
	SamplingInterval  int64
	Format            string
	FormatConfig      map[string]string `json:",omitempty"`
	WidthPixels       int64             `json:",omitempty"`
	HeightPixels      int64             `json:",omitempty"`
}

type imageGenerationOut struct {
	ImageGenerationConfiguration *imageGeneration `json:",omitempty"`
}

func (a *API) describeImageGeneration(ctx context.Context, in *streamRefIn) (*imageGenerationOut, error) {
	ig, err := a.svc.ImageGenerationConfiguration(Caller(ctx), ref(in.StreamName, in.StreamARN))
	if err != nil || ig == nil {
		return &imageGenerationOut{}, Wire(err)
	}
	return &imageGenerationOut{&imageGeneration{
		Status: ig.Status, ImageSelectorType: ig.ImageSelectorType,
		DestinationConfig: imageDestination{Uri: ig.DestinationURI, DestinationRegion: ig.DestinationRegion},
		SamplingInterval:  ig.SamplingInterval, Format: ig.Format, FormatConfig: ig.FormatConfig,
		WidthPixels: ig.WidthPixels, HeightPixels: ig.HeightPixels,
	}}, nil
}

type updateImageGenerationIn struct {
	StreamName                   *string
	StreamARN                    *string
	ImageGenerationConfiguration *imageGeneration
}

func (a *API) updateImageGeneration(ctx context.Context, in *updateImageGenerationIn) (*empty, error) {
	var cfg *video.ImageGeneration
	if c := in.ImageGenerationConfiguration; c != nil {
		cfg = &video.ImageGeneration{
			Status: c.Status, ImageSelectorType: c.ImageSelectorType, DestinationURI: c.DestinationConfig.Uri,
			DestinationRegion: c.DestinationConfig.DestinationRegion, SamplingInterval: c.SamplingInterval, Format: c.Format,
			FormatConfig: c.FormatConfig, WidthPixels: c.WidthPixels, HeightPixels: c.HeightPixels,
		}
	}
	return nil, Wire(a.svc.UpdateImageGenerationConfiguration(ctx, Caller(ctx), ref(in.StreamName, in.StreamARN), cfg))
}

type notificationDestination struct{ Uri string }

type notification struct {
	Status            string
	DestinationConfig notificationDestination
}

type notificationOut struct {
	NotificationConfiguration *notification `json:",omitempty"`
}

func (a *API) describeNotification(ctx context.Context, in *streamRefIn) (*notificationOut, error) {
	n, err := a.svc.NotificationConfiguration(Caller(ctx), ref(in.StreamName, in.StreamARN))
	if err != nil || n == nil {
		return &notificationOut{}, Wire(err)
	}
	return &notificationOut{&notification{Status: n.Status, DestinationConfig: notificationDestination{Uri: n.DestinationURI}}}, nil
}

type updateNotificationIn struct {
	StreamName                *string
	StreamARN                 *string
	NotificationConfiguration *notification
}

func (a *API) updateNotification(ctx context.Context, in *updateNotificationIn) (*empty, error) {
	var cfg *video.Notification
	if n := in.NotificationConfiguration; n != nil {
		cfg = &video.Notification{Status: n.Status, DestinationURI: n.DestinationConfig.Uri}
	}
	return nil, Wire(a.svc.UpdateNotificationConfiguration(ctx, Caller(ctx), ref(in.StreamName, in.StreamARN), cfg))
}

type channelRefIn struct {
	ChannelName *string
	ChannelARN  *string
}

type mediaStorage struct {
	StreamARN *string `json:",omitempty"`
	Status    string
}

type mediaStorageOut struct {
	MediaStorageConfiguration mediaStorage
}

func (a *API) describeMediaStorage(ctx context.Context, in *channelRefIn) (*mediaStorageOut, error) {
	ch, err := a.svc.Channel(Caller(ctx), video.Ref{Name: deref(in.ChannelName), ARN: deref(in.ChannelARN)})
	if err != nil {
		return nil, Wire(err)
	}
	out := &mediaStorageOut{MediaStorageConfiguration: mediaStorage{Status: ch.MediaStorageStatus}}
	if ch.MediaStorageStream != "" {
		out.MediaStorageConfiguration.StreamARN = &ch.MediaStorageStream
	}
	return out, nil
}

type updateMediaStorageIn struct {
	ChannelARN                string
	MediaStorageConfiguration mediaStorage
}

func (a *API) updateMediaStorage(ctx context.Context, in *updateMediaStorageIn) (*empty, error) {
	m := in.MediaStorageConfiguration
	return nil, Wire(a.svc.UpdateMediaStorage(ctx, Caller(ctx), in.ChannelARN, m.Status, deref(m.StreamARN)))
}

type describeMappedResourceIn struct {
	StreamName *string
	StreamARN  *string
	MaxResults int64
	NextToken  *string
}

type mappedResource struct {
	Type string
	ARN  string
}

type mappedResourceOut struct {
	MappedResourceConfigurationList []mappedResource
}

func (a *API) describeMappedResource(ctx context.Context, in *describeMappedResourceIn) (*mappedResourceOut, error) {
	if err := noNextToken(in.NextToken); err != nil {
		return nil, err
	}
	list, err := a.svc.MappedResources(Caller(ctx), ref(in.StreamName, in.StreamARN))
	if err != nil {
		return nil, Wire(err)
	}
	out := &mappedResourceOut{MappedResourceConfigurationList: []mappedResource{}}
	for _, m := range list {
		out.MappedResourceConfigurationList = append(out.MappedResourceConfigurationList, mappedResource(m))
	}
	return out, nil
}
