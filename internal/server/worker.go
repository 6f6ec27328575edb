package server

import (
	"context"
	"errors"
	"net/http"

	"sluice/internal/api/analyticsapi"
	"sluice/internal/api/firehoseapi"
	"sluice/internal/api/kinesisapi"
	"sluice/internal/awsproto"
	"sluice/internal/streams"
)

// NewWorker builds what a worker node of a cluster runs: the Data
// Streams, Firehose, Data Analytics and Video Streams services over
// opts.Backend (the streams, delivery streams, applications and video
// streams placed on the node are loaded into them, the others followed as
// metadata), their APIs, video playback, /metrics and /healthcheck.
// Channels, signaling channels, STS, the CloudWatch Logs API and the
// console run on the cluster's coordinator, whose Server is built by New;
// the node forwards their requests there.
func NewWorker(ctx context.Context, opts Options) (*Server, error) {
	cfg := opts.Config
	if opts.Backend == nil {
		return nil, errors.New("server: a worker needs the cluster's backend")
	}
	log, now, auth, auditLog, err := prepare(opts)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, log: log, backend: opts.Backend, audit: auditLog, worker: true}
	fail := func(err error) (*Server, error) {
		return nil, errors.Join(err, opts.Backend.Close(), s.closeAudit())
	}
	if s.Front, err = NewFront(cfg, log); err != nil {
		return fail(err)
	}
	masterKeys, err := newMasterKeys(cfg, now, true)
	if err != nil {
		return fail(err)
	}
	if s.streams, err = streams.New(ctx, streamsConfig(opts, now, log, masterKeys), opts.Backend); err != nil {
		return fail(err)
	}
	fh, err := newFirehose(ctx, opts, now, log, s.streams, opts.Backend, masterKeys)
	if err != nil {
		s.streams.Close()
		return fail(err)
	}
	s.firehose = fh.svc
	if s.apps, s.runtime, err = newAnalytics(ctx, opts, now, log, s.streams, s.firehose, opts.Backend, fh.localDir); err != nil {
		s.firehose.Close()
		s.streams.Close()
		return fail(err)
	}
	vp, err := newVideo(ctx, opts, now, log, opts.Backend, masterKeys)
	if err != nil {
		s.apps.Close()
		s.runtime.Close(ctx)
		s.firehose.Close()
		s.streams.Close()
		return fail(err)
	}
	s.video, s.frags = vp.svc, vp.frags
	kinesis, fhAPI := kinesisapi.New(s.streams), firehoseapi.New(s.firehose)
	kaV1, kaV2 := analyticsapi.New(s.apps)
	kinesis.IAM, fhAPI.IAM, kaV1.IAM, kaV2.IAM = kinesisIAM, firehoseIAM, analyticsIAM, analyticsIAM
	// The two APIs share a signing name; the request metrics tell them apart.
	kaV2Metrics := *kaV2
	kaV2Metrics.SigningName = "kinesisanalyticsv2"
	origins, _ := cfg.CORSOrigins() // Validate has checked them
	keyLimit := awsproto.NewKeyLimiter(cfg.KeyRateLimit, cfg.KeyRateBurst, now)
	handlerOpts := awsproto.HandlerOptions{
		Auth: auth, Logger: log.With("component", "awsproto"), Budget: awsproto.NewBudget(cfg.MaxInflightBytes),
		CORS: &awsproto.CORS{AllowOrigins: origins}, BodyTimeout: cfg.BodyTimeout, Audit: newAuditor(auditLog), KeyLimit: keyLimit,
	}
	api := awsproto.NewHandler(handlerOpts, kinesis, fhAPI, kaV1, kaV2)
	restAPI := awsproto.NewRESTHandler(handlerOpts, vp.api.Service())
	requests := newHTTPMetrics(kinesis, fhAPI, kaV1, &kaV2Metrics).withREST(vp.api.Service())
	s.metrics = metricsRegistry(requests, newStreamsCollector(s.streams), newFirehoseCollector(s.firehose), newAnalyticsCollector(s.runtime),
		newStorageCollector(opts.Backend.Records(), s.streams, s.firehose), newVideoCollector(s.frags), newFrontCollector(s.Front, keyLimit, auditLog))
	mux := http.NewServeMux()
	mux.Handle("GET /healthcheck", healthHandler(opts.Backend.Records(), s.streams, s.firehose))
	mux.Handle("GET /metrics", MetricsHandler(log.With("component", "metrics"), s.metrics))
	mux.Handle("/", api)
	mux.Handle("/hls/v1/", vp.playback) // HLS and DASH playback: GETs a session token authorizes
	mux.Handle("/dash/v1/", vp.playback)
	for _, p := range restAPI.Paths() {
		mux.Handle(p, restAPI)
	}
	s.Front.SetHandler(requests.wrap(mux))
	return s, nil
}

// Worker reports whether the server is a cluster worker's (NewWorker).
func (s *Server) Worker() bool { return s.worker }
