package server

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"sluice/internal/api/videoapi"
	"sluice/internal/config"
	"sluice/internal/kms"
	"sluice/internal/storage"
	"sluice/internal/video"
	"sluice/internal/video/fragments"
	"sluice/internal/video/playback"
)

// videoParts are the Video Streams control plane, its data plane, their
// API and the playback GETs (HLS and DASH) of its sessions.
type videoParts struct {
	svc      *video.Service
	frags    *fragments.Store
	api      *videoapi.API
	playback http.Handler
}

// newVideo builds Video Streams over backend: the same on a single node, a
// cluster's owner and its workers.
func newVideo(ctx context.Context, opts Options, now func() time.Time, log *slog.Logger, backend storage.Backend, keys kms.MasterKeys) (videoParts, error) {
	cfg := opts.Config
	var vid *video.Service
	fragCfg := fragments.Config{Now: now, Logger: log, Limits: cfg.Limits == config.LimitsOn, Keys: keys, Meta: backend.Meta(), Lookup: func(id string) (*video.Stream, bool) {
		if vid == nil {
			return nil, false
		}
		return vid.StreamByID(id)
	}}
	if opts.TuneFragments != nil {
		opts.TuneFragments(&fragCfg)
	}
	frags := fragments.New(fragCfg, backend.Records())
	vcfg := video.Config{
		Now:         now,
		CreateDelay: cfg.CreateDelay,
		UpdateDelay: cfg.UpdateDelay,
		DeleteDelay: cfg.DeleteDelay,
		PublicURL:   cfg.PublicURL,
		Closing:     frags.Closing,
		Limits:      cfg.Limits == config.LimitsOn,
		Logger:      log,
		Keys:        keys,
	}
	if opts.TuneVideo != nil {
		opts.TuneVideo(&vcfg)
	}
	vid, err := video.New(ctx, vcfg, backend)
	if err != nil {
		frags.Close()
		return videoParts{}, err
	}
	api := videoapi.New(vid)
	api.AddDataPlane(frags)
	api.Service().IAM = videoIAM(vid)
	// Playback sessions are sealed with a key kept in the meta store, so
	// their URLs outlive a restart (see package playback).
	playbackKeys, err := playback.LoadKeys(ctx, backend.Meta())
	if err != nil {
		frags.Close()
		vid.Close()
		return videoParts{}, err
	}
	gets := api.AddPlayback(videoapi.PlaybackOptions{Store: frags, Keys: playbackKeys, Now: now, Logger: log.With("component", "video-playback")})
	return videoParts{svc: vid, frags: frags, api: api, playback: gets}, nil
}
