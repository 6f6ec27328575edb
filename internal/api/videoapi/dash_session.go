package videoapi

// GetDASHStreamingSessionURL (kinesis-video-archived-media): POST
// /getDASHStreamingSessionURL {StreamName|StreamARN, PlaybackMode
// LIVE|LIVE_REPLAY|ON_DEMAND (LIVE), DASHFragmentSelector (as HLS's),
// DisplayFragmentTimestamp ALWAYS|NEVER (NEVER), DisplayFragmentNumber
// ALWAYS|NEVER (NEVER), Expires 300..43200 s (300),
// MaxManifestFragmentResults 1..5000 (5 LIVE and LIVE_REPLAY, 1,000
// ON_DEMAND)} → {DASHStreamingSessionURL:
// <endpoint>/dash/v1/getDASHManifest.mpd?SessionToken=…}. Checks and errors
// as GetHLSStreamingSessionURL's (newSession, playback.go).

import (
	"context"

	"sluice/internal/awsproto"
	"sluice/internal/awsproto/shape"
	"sluice/internal/video/media"
	"sluice/internal/video/playback"
)

var dashSessionInput = streamRef(
	shape.Opt("PlaybackMode", shape.Str().OneOf("LIVE", "LIVE_REPLAY", "ON_DEMAND")),
	shape.Opt("DisplayFragmentTimestamp", shape.Str().OneOf("ALWAYS", "NEVER")),
	shape.Opt("DisplayFragmentNumber", shape.Str().OneOf("ALWAYS", "NEVER")),
	shape.Opt("DASHFragmentSelector", fragmentSelector("DASHFragmentSelector", "DASHTimestampRange")),
	shape.Opt("Expires", shape.Int().Range(300, 43200)),
	shape.Opt("MaxManifestFragmentResults", shape.Lng().Range(1, playback.MaxFragmentResults)),
)

type dashSessionIn struct {
	StreamName                 *string
	StreamARN                  *string
	PlaybackMode               *string
	DisplayFragmentTimestamp   *string
	DisplayFragmentNumber      *string
	DASHFragmentSelector       *selector
	Expires                    *int32
	MaxManifestFragmentResults *int64
}

type dashSessionOut struct {
	DASHStreamingSessionURL string
}

func dashSessionOp(p *playbackAPI) *awsproto.Operation {
	return awsproto.Op("GetDASHStreamingSessionURL", dashSessionInput, p.getDASHStreamingSessionURL)
}

func (p *playbackAPI) getDASHStreamingSessionURL(ctx context.Context, in *dashSessionIn) (*dashSessionOut, error) {
	s, _, base, err := p.newSession(ctx, playback.DASH, ref(in.StreamName, in.StreamARN), in.PlaybackMode, in.DASHFragmentSelector,
		in.Expires, in.MaxManifestFragmentResults, "DASHFragmentSelector")
	if err != nil {
		return nil, err
	}
	s.DisplayTimestamp = in.DisplayFragmentTimestamp != nil && *in.DisplayFragmentTimestamp == "ALWAYS"
	s.DisplayNumber = in.DisplayFragmentNumber != nil && *in.DisplayFragmentNumber == "ALWAYS"
	urls := media.AWSURLs{SessionToken: p.keys.Seal(s)}
	return &dashSessionOut{DASHStreamingSessionURL: base + dashPrefix + urls.DASHManifest()}, nil
}
