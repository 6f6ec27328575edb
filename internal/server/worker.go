package server

import (
	"context"
	"errors"
	"net/http"

	"sluice/internal/api/firehoseapi"
	"sluice/internal/api/kinesisapi"
	"sluice/internal/awsproto"
	"sluice/internal/streams"
)

// NewWorker builds what a worker node of a cluster runs: the Data Streams
// and Firehose services over opts.Backend (the streams and delivery
// streams placed on the node are loaded into them, the others followed as
// metadata), their APIs, /metrics and /healthcheck. Data Analytics, Video
// Streams, channels, STS, the CloudWatch Logs API and the console run on
// the cluster's coordinator, whose Server is built by New; the node
// forwards their requests there.
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
	kinesis, fhAPI := kinesisapi.New(s.streams), firehoseapi.New(s.firehose)
	kinesis.IAM, fhAPI.IAM = kinesisIAM, firehoseIAM
	origins, _ := cfg.CORSOrigins() // Validate has checked them
	keyLimit := awsproto.NewKeyLimiter(cfg.KeyRateLimit, cfg.KeyRateBurst, now)
	api := awsproto.NewHandler(awsproto.HandlerOptions{
		Auth: auth, Logger: log.With("component", "awsproto"), Budget: awsproto.NewBudget(cfg.MaxInflightBytes),
		CORS: &awsproto.CORS{AllowOrigins: origins}, BodyTimeout: cfg.BodyTimeout, Audit: newAuditor(auditLog), KeyLimit: keyLimit,
	}, kinesis, fhAPI)
	requests := newHTTPMetrics(kinesis, fhAPI)
	s.metrics = metricsRegistry(requests, newStreamsCollector(s.streams), newFirehoseCollector(s.firehose),
		newStorageCollector(opts.Backend.Records(), s.streams, s.firehose), newFrontCollector(s.Front, keyLimit, auditLog))
	mux := http.NewServeMux()
	mux.Handle("GET /healthcheck", healthHandler(opts.Backend.Records(), s.streams, s.firehose))
	mux.Handle("GET /metrics", MetricsHandler(log.With("component", "metrics"), s.metrics))
	mux.Handle("/", api)
	s.Front.SetHandler(requests.wrap(mux))
	return s, nil
}

// Worker reports whether the server is a cluster worker's (NewWorker).
func (s *Server) Worker() bool { return s.worker }
