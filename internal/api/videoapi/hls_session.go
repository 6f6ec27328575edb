package videoapi

// GetHLSStreamingSessionURL (kinesis-video-archived-media): POST
// /getHLSStreamingSessionURL {StreamName|StreamARN, PlaybackMode
// LIVE|LIVE_REPLAY|ON_DEMAND (LIVE), HLSFragmentSelector
// {FragmentSelectorType SERVER_TIMESTAMP|PRODUCER_TIMESTAMP (SERVER),
// TimestampRange{StartTimestamp, EndTimestamp}}, ContainerFormat
// FRAGMENTED_MP4|MPEG_TS (FRAGMENTED_MP4), DiscontinuityMode
// ALWAYS|NEVER|ON_DISCONTINUITY (ALWAYS for SERVER_TIMESTAMP, NEVER for
// PRODUCER_TIMESTAMP), DisplayFragmentTimestamp ALWAYS|NEVER (NEVER),
// Expires 300..43200 s (300), MaxMediaPlaylistFragmentResults 1..5000 (5
// LIVE and LIVE_REPLAY, 1,000 ON_DEMAND)} → {HLSStreamingSessionURL:
// <endpoint>/hls/v1/getHLSMasterPlaylist.m3u8?SessionToken=…}, the
// endpoint being GetDataEndpoint's. The rules shared with DASH are
// newSession's (playback.go): ResourceNotFoundException without fragments
// in the range (LIVE: in the last 30 s), NoDataRetentionException for a
// stream that keeps none, UnsupportedStreamMediaTypeException,
// MissingCodecPrivateDataException, InvalidCodecPrivateDataException when
// its media cannot be played.

import (
	"context"

	"sluice/internal/awsproto"
	"sluice/internal/awsproto/shape"
	"sluice/internal/video/fragments"
	"sluice/internal/video/media"
	"sluice/internal/video/playback"
)

// fragmentSelector is the shape of HLSFragmentSelector and
// DASHFragmentSelector.
func fragmentSelector(name, rangeName string) *shape.Shape {
	return shape.Struct(
		shape.Opt("FragmentSelectorType", shape.Str().OneOf("PRODUCER_TIMESTAMP", "SERVER_TIMESTAMP")),
		shape.Opt("TimestampRange", shape.Struct(
			shape.Opt("StartTimestamp", shape.Time()),
			shape.Opt("EndTimestamp", shape.Time()),
		).Named(rangeName)),
	).Named(name)
}

var hlsSessionInput = streamRef(
	shape.Opt("PlaybackMode", shape.Str().OneOf("LIVE", "LIVE_REPLAY", "ON_DEMAND")),
	shape.Opt("HLSFragmentSelector", fragmentSelector("HLSFragmentSelector", "HLSTimestampRange")),
	shape.Opt("ContainerFormat", shape.Str().OneOf("FRAGMENTED_MP4", "MPEG_TS")),
	shape.Opt("DiscontinuityMode", shape.Str().OneOf("ALWAYS", "NEVER", "ON_DISCONTINUITY")),
	shape.Opt("DisplayFragmentTimestamp", shape.Str().OneOf("ALWAYS", "NEVER")),
	shape.Opt("Expires", shape.Int().Range(300, 43200)),
	shape.Opt("MaxMediaPlaylistFragmentResults", shape.Lng().Range(1, playback.MaxFragmentResults)),
)

type hlsSessionIn struct {
	StreamName                      *string
	StreamARN                       *string
	PlaybackMode                    *string
	HLSFragmentSelector             *selector
	ContainerFormat                 *string
	DiscontinuityMode               *string
	DisplayFragmentTimestamp        *string
	Expires                         *int32
	MaxMediaPlaylistFragmentResults *int64
}

type hlsSessionOut struct {
	HLSStreamingSessionURL string
}

func hlsSessionOp(p *playbackAPI) *awsproto.Operation {
	return awsproto.Op("GetHLSStreamingSessionURL", hlsSessionInput, p.getHLSStreamingSessionURL)
}

func (p *playbackAPI) getHLSStreamingSessionURL(ctx context.Context, in *hlsSessionIn) (*hlsSessionOut, error) {
	s, _, base, err := p.newSession(ctx, playback.HLS, ref(in.StreamName, in.StreamARN), in.PlaybackMode, in.HLSFragmentSelector,
		in.Expires, in.MaxMediaPlaylistFragmentResults, "HLSFragmentSelector")
	if err != nil {
		return nil, err
	}
	s.Container = media.FragmentedMP4
	if in.ContainerFormat != nil {
		s.Container = media.ContainerFormat(*in.ContainerFormat)
	}
	s.Discontinuity = media.DiscontinuityAlways
	if s.Kind == fragments.ProducerTimestamp {
		s.Discontinuity = media.DiscontinuityNever
	}
	if in.DiscontinuityMode != nil {
		s.Discontinuity = media.DiscontinuityMode(*in.DiscontinuityMode)
	}
	s.DisplayTimestamp = in.DisplayFragmentTimestamp != nil && *in.DisplayFragmentTimestamp == "ALWAYS"
	urls := media.AWSURLs{SessionToken: p.keys.Seal(s)}
	return &hlsSessionOut{HLSStreamingSessionURL: base + hlsPrefix + urls.HLSMasterPlaylist()}, nil
}
