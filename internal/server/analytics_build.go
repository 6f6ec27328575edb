package server

import (
	"context"
	"log/slog"
	"time"

	"sluice/internal/analytics"
	"sluice/internal/analytics/runtime"
	"sluice/internal/firehose"
	"sluice/internal/objectstore"
	"sluice/internal/storage"
	"sluice/internal/streams"
)

// newAnalytics builds the Data Analytics control plane and the runtime
// that runs its started applications over backend, reading and writing
// svc's streams and fh's delivery streams: the same on a single node, a
// cluster's owner and its workers.
func newAnalytics(ctx context.Context, opts Options, now func() time.Time, log *slog.Logger, svc *streams.Service,
	fh *firehose.Service, backend storage.Backend, localDir *objectstore.Dir) (*analytics.Service, *runtime.Runtime, error) {
	cfg := opts.Config
	acfg := analytics.Config{
		Now:             now,
		Streams:         analytics.StreamsSource{Streams: svc},
		DeliveryStreams: analytics.FirehoseSource{Firehose: fh},
		Objects:         analyticsObjects(cfg, localDir),
		Code:            analytics.SQLValidator{},
		Infer:           analytics.RecordInferrer{},
		Logger:          log,
	}
	if inv := lambdaInvoker(cfg.LambdaEndpoint); inv != nil {
		acfg.Lambda = analytics.FirehoseLambda{Invoker: inv}
	}
	// The runtime runs started applications. The control plane starts
	// those that were running as it loads, so the runtime comes first and
	// learns of the control plane (to report failures) after.
	rcfg := runtime.Config{
		Streams: svc, Firehose: fh, Meta: backend.Meta(), Objects: acfg.Objects, Lambda: acfg.Lambda,
		Now: now, Logger: log,
	}
	if opts.TuneRuntime != nil {
		opts.TuneRuntime(&rcfg)
	}
	rt := runtime.New(rcfg)
	acfg.Runner = rt
	if opts.TuneAnalytics != nil {
		opts.TuneAnalytics(&acfg)
	}
	apps, err := analytics.New(ctx, acfg, backend)
	if err != nil {
		rt.Close(ctx)
		return nil, nil, err
	}
	rt.OnFailed(apps.Failed)
	return apps, rt, nil
}
