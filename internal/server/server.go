// Package server wires Sluice together and runs it: the storage backend,
// the service domains, the AWS protocol handler on one listener (HTTP/1.1
// and h2c), and graceful shutdown. It holds no service logic.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"sluice/internal/analytics"
	"sluice/internal/analytics/runtime"
	"sluice/internal/api/analyticsapi"
	"sluice/internal/api/firehoseapi"
	"sluice/internal/api/kinesisapi"
	"sluice/internal/api/logsapi"
	"sluice/internal/api/stsapi"
	"sluice/internal/audit"
	"sluice/internal/awsproto"
	"sluice/internal/awsproto/sigv4"
	"sluice/internal/channels"
	"sluice/internal/config"
	"sluice/internal/console"
	"sluice/internal/firehose"
	"sluice/internal/firehose/deliverylog"
	"sluice/internal/identity"
	"sluice/internal/kms"
	"sluice/internal/kms/remote"
	"sluice/internal/objectstore"
	"sluice/internal/policy"
	"sluice/internal/storage"
	"sluice/internal/storage/embedded"
	"sluice/internal/streams"
	"sluice/internal/vfs"
	"sluice/internal/video"
	"sluice/internal/video/fragments"
)

// Options are what a Server is built from. Tests set Now and FS.
type Options struct {
	Config config.Config
	Logger *slog.Logger
	// Now replaces the clock (retention, iterator expiry, arrival times).
	Now func() time.Time
	// FS replaces the filesystem of the record logs.
	FS vfs.FS
	// Tune adjusts the Data Streams configuration after it is built from
	// Config (tests shorten the subscription heartbeat, say).
	Tune func(*streams.Config)
	// TuneFirehose adjusts the Firehose configuration (tests shorten the
	// source's poll, say).
	TuneFirehose func(*firehose.Config)
	// TuneAnalytics adjusts the Data Analytics configuration (tests
	// shorten discovery's wait, say).
	TuneAnalytics func(*analytics.Config)
	// TuneRuntime adjusts the runtime of Data Analytics applications
	// (tests shorten its commit interval, say).
	TuneRuntime func(*runtime.Config)
	// TuneVideo adjusts the Video Streams configuration (tests lower the
	// account limits, say).
	TuneVideo func(*video.Config)
	// TuneFragments adjusts the Video Streams data plane (tests shorten
	// retention's interval, the IDLE ACKs).
	TuneFragments func(*fragments.Config)
	// ClusterStatus reads the cluster's status for the console (cluster
	// mode only).
	ClusterStatus func(ctx context.Context) (any, error)
	// Backend replaces the embedded store of the data directory (cluster
	// mode passes its etcd and object-store backend). The Server closes it
	// when it closes.
	Backend storage.Backend
}

// Server is a running Sluice.
type Server struct {
	cfg      config.Config
	log      *slog.Logger
	backend  storage.Backend
	streams  *streams.Service
	firehose *firehose.Service
	// deliveryErrors is Firehose's delivery error log (nil on a worker,
	// which relays its errors to the owner's: package cluster).
	deliveryErrors *deliverylog.Log
	chans          *channels.Service
	apps           *analytics.Service
	runtime        *runtime.Runtime
	video          *video.Service
	frags          *fragments.Store
	audit          *audit.Log // nil without --audit-log
	metrics        *prometheus.Registry
	// worker is a cluster worker's server: Data Streams only (worker.go).
	worker bool
	*Front
}

// New opens the data directory and builds the services; it does not listen.
func New(ctx context.Context, opts Options) (*Server, error) {
	cfg := opts.Config
	log, now, auth, auditLog, err := prepare(opts)
	if err != nil {
		return nil, err
	}
	built := false
	defer func() {
		if !built && auditLog != nil {
			auditLog.Close()
		}
	}()
	backend := opts.Backend
	if backend == nil {
		emb, err := embedded.Open(embedded.Options{
			Dir:          cfg.DataDir,
			FS:           opts.FS,
			Now:          now,
			SyncInterval: cfg.SyncInterval,
			Logger:       log.With("component", "storage"),
		})
		if err != nil {
			return nil, err
		}
		backend = emb
	}
	front, err := NewFront(cfg, log)
	if err != nil {
		backend.Close()
		return nil, err
	}
	masterKeys, err := newMasterKeys(cfg, now, opts.Backend != nil)
	if err != nil {
		backend.Close()
		return nil, err
	}
	svc, err := streams.New(ctx, streamsConfig(opts, now, log, masterKeys), backend)
	if err != nil {
		backend.Close()
		return nil, err
	}
	parts, err := newFirehose(ctx, opts, now, log, svc, backend, masterKeys)
	if err != nil {
		svc.Close()
		backend.Close()
		return nil, err
	}
	fh, deliveryErrors, localDir := parts.svc, parts.errors, parts.localDir
	apps, rt, err := newAnalytics(ctx, opts, now, log, svc, fh, backend, localDir)
	if err != nil {
		fh.Close()
		svc.Close()
		backend.Close()
		return nil, err
	}
	vp, err := newVideo(ctx, opts, now, log, backend, masterKeys)
	if err != nil {
		apps.Close()
		rt.Close(ctx)
		fh.Close()
		svc.Close()
		backend.Close()
		return nil, err
	}
	vid, frags, videoAPI, playbackGETs := vp.svc, vp.frags, vp.api, vp.playback
	// Channels deliver streams to S3 with Firehose delivery streams they own.
	chans, err := channels.New(ctx, channels.Config{
		Now: now, CreateDelay: cfg.CreateDelay, UpdateDelay: cfg.UpdateDelay, DeleteDelay: cfg.DeleteDelay,
		Streams: channels.StreamsSource{Streams: svc}, Deliveries: fh, Limits: cfg.Limits == config.LimitsOn, Logger: log,
	}, backend.Meta())
	if err != nil {
		frags.Close()
		vid.Close()
		apps.Close()
		rt.Close(ctx)
		fh.Close()
		svc.Close()
		backend.Close()
		return nil, err
	}
	kinesis, fhAPI, logsAPI := kinesisapi.New(svc, kinesisapi.WithChannels(chans)), firehoseapi.New(fh), logsapi.New(deliveryErrors)
	kaV1, kaV2 := analyticsapi.New(apps)
	kinesis.IAM, fhAPI.IAM, kaV1.IAM, kaV2.IAM, logsAPI.IAM = kinesisIAM, firehoseIAM, analyticsIAM, analyticsIAM, logsIAM
	// The two APIs share a signing name; the request metrics tell them apart.
	kaV2Metrics := *kaV2
	kaV2Metrics.SigningName = "kinesisanalyticsv2"
	origins, _ := cfg.CORSOrigins() // Validate has checked them
	budget := awsproto.NewBudget(cfg.MaxInflightBytes)
	// One per-key limiter and one audit log for every handler, the
	// console's included.
	keyLimit := awsproto.NewKeyLimiter(cfg.KeyRateLimit, cfg.KeyRateBurst, now)
	auditCalls := newAuditor(auditLog)
	api := awsproto.NewHandler(awsproto.HandlerOptions{
		Auth: auth, Logger: log.With("component", "awsproto"), Budget: budget, CORS: &awsproto.CORS{AllowOrigins: origins},
		BodyTimeout: cfg.BodyTimeout, Audit: auditCalls, KeyLimit: keyLimit,
	}, kinesis, fhAPI, kaV1, kaV2, logsAPI)
	// Video Streams is REST-JSON: POST /<operation>, one route per path,
	// beside POST / of the X-Amz-Target services.
	restAPI := awsproto.NewRESTHandler(awsproto.HandlerOptions{
		Auth: auth, Logger: log.With("component", "awsproto"), Budget: budget, CORS: &awsproto.CORS{AllowOrigins: origins},
		BodyTimeout: cfg.BodyTimeout, Audit: auditCalls, KeyLimit: keyLimit,
	}, videoAPI.Service())
	var keys *sigv4.Keyring
	var principal func(sigv4.Key) policy.Caller
	if k, ok := auth.(*awsproto.KeyringAuth); ok {
		keys, principal = k.Keys, k.Directory.KeyCaller
	}
	con := console.New(console.Options{
		Keys:       keys,
		Principal:  principal,
		AccountID:  cfg.AccountID,
		Region:     cfg.Region,
		Services:   []*awsproto.Service{kinesis, fhAPI, kaV1, kaV2, logsAPI},
		REST:       []*awsproto.RESTService{videoAPI.Service()},
		BodyBudget: budget,
		Audit:      auditCalls,
		KeyLimit:   keyLimit,
		Metrics:    kinesisapi.Metrics(svc),
		Firehose:   firehoseapi.ConsoleBackend{Svc: fh, Dir: localDir},
		Analytics:  analyticsapi.ConsoleBackend{Svc: apps, Runtime: rt},
		Logger:     log.With("component", "console"),
		Now:        now,

		FirehoseFailures: firehoseFailures(fh, deliveryErrors),
		Cluster:          opts.ClusterStatus,
	})
	mux := http.NewServeMux()
	mux.Handle("GET /healthcheck", healthHandler(backend.Records(), svc, fh))
	requests := newHTTPMetrics(kinesis, fhAPI, kaV1, &kaV2Metrics, logsAPI).withREST(videoAPI.Service())
	metrics := metricsRegistry(requests, newStreamsCollector(svc), newFirehoseCollector(fh),
		newAnalyticsCollector(rt), newStorageCollector(backend.Records(), svc, fh), newVideoCollector(frags),
		newFrontCollector(front, keyLimit, auditLog))
	mux.Handle("GET /metrics", MetricsHandler(log.With("component", "metrics"), metrics))
	// A browser's GET / opens the console; the API is POST / (and OPTIONS
	// for CORS), so the two never meet.
	mux.Handle("GET /{$}", con)
	mux.Handle("/console/", con)
	// STS's query protocol (form POSTs without X-Amz-Target) shares POST /.
	var dir *identity.Directory
	if k, ok := auth.(*awsproto.KeyringAuth); ok {
		dir = k.Directory
	}
	sts := stsapi.New(auth, dir, now, auditCalls, keyLimit, cfg.BodyTimeout)
	mux.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if stsapi.Is(r) {
			sts.ServeHTTP(w, r)
			return
		}
		api.ServeHTTP(w, r)
	}))
	mux.Handle("/hls/v1/", playbackGETs) // HLS and DASH playback: GETs a session token authorizes
	mux.Handle("/dash/v1/", playbackGETs)
	for _, p := range restAPI.Paths() {
		mux.Handle(p, restAPI)
	}

	s := &Server{
		cfg:      cfg,
		log:      log,
		backend:  backend,
		streams:  svc,
		firehose: fh,
		chans:    chans,

		deliveryErrors: deliveryErrors,
		apps:           apps,
		runtime:        rt,
		video:          vid,
		frags:          frags,
		audit:          auditLog,
		metrics:        metrics,
		Front:          front,
	}
	front.SetHandler(requests.wrap(mux))
	built = true
	return s, nil
}

// prepare checks opts' configuration and returns what every server
// starts from: its logger, clock, authenticator and audit log (nil
// without --audit-log; the caller closes it).
func prepare(opts Options) (*slog.Logger, func() time.Time, awsproto.Authenticator, *audit.Log, error) {
	cfg := opts.Config
	if err := cfg.Validate(); err != nil {
		return nil, nil, nil, nil, err
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	auth, err := newAuthenticator(cfg, now)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	auditLog, err := openAudit(cfg, log)
	if err != nil {
		return nil, nil, nil, nil, fmt.Errorf("--audit-log: %w", err)
	}
	return log, now, auth, auditLog, nil
}

// streamsConfig is the Data Streams configuration of opts.
func streamsConfig(opts Options, now func() time.Time, log *slog.Logger, keys kms.MasterKeys) streams.Config {
	cfg := opts.Config
	scaler := streams.DefaultScaler()
	scaler.Interval, scaler.ScaleUpAfter, scaler.ScaleDownAfter = cfg.ScaleInterval, cfg.ScaleUpAfter, cfg.ScaleDownAfter
	scfg := streams.Config{
		Now:                 now,
		CreateDelay:         cfg.CreateDelay,
		DeleteDelay:         cfg.DeleteDelay,
		UpdateDelay:         cfg.UpdateDelay,
		ShardLimit:          cfg.ShardLimit,
		OnDemandStreamLimit: cfg.OnDemandStreamLimit,
		Limits:              cfg.Limits == config.LimitsOn,
		Scaler:              scaler,
		Logger:              log,
		Keys:                keys,
	}
	if opts.Tune != nil {
		opts.Tune(&scfg)
	}
	return scfg
}

func newAuthenticator(cfg config.Config, now func() time.Time) (awsproto.Authenticator, error) {
	if cfg.Auth == config.AuthOpen {
		return &awsproto.OpenAuth{AccountID: cfg.AccountID, DefaultRegion: cfg.Region}, nil
	}
	f, err := os.Open(cfg.Credentials)
	if err != nil {
		return nil, fmt.Errorf("credentials: %w", err)
	}
	defer f.Close()
	dir, err := identity.Load(f)
	if err != nil {
		return nil, fmt.Errorf("credentials %s: %w", cfg.Credentials, err)
	}
	return &awsproto.KeyringAuth{Keys: dir.Keys, Directory: dir, Now: now}, nil
}

// newMasterKeys returns server-side encryption's master keys: a KMS endpoint's,
// or the local key file's. A node of a cluster has none unless it is told
// where the cluster's keys are: a key file of its own data directory would
// hold keys no other node has, and records sealed with them would become
// unreadable when another node took over.
func newMasterKeys(cfg config.Config, now func() time.Time, cluster bool) (kms.MasterKeys, error) {
	if cfg.KMSEndpoint != "" {
		region := cfg.KMSRegion
		if region == "" {
			region = cfg.Region
		}
		return remote.New(remote.Options{Endpoint: cfg.KMSEndpoint, Region: region, AccessKey: cfg.KMSAccessKey, SecretKey: cfg.KMSSecretKey}), nil
	}
	path := cfg.KMSKeyFile
	if path == "" {
		if cluster {
			return nil, nil
		}
		path = kms.DefaultKeyFile(cfg.DataDir)
	}
	keys, err := kms.OpenLocal(path, now)
	if err != nil {
		return nil, fmt.Errorf("--kms-key-file: %w", err)
	}
	return keys, nil
}

// lambdaInvoker is the Lambda endpoint Firehose transforms records with,
// or nil without one.
func lambdaInvoker(endpoint string) firehose.LambdaInvoker {
	if endpoint == "" {
		return nil
	}
	return firehose.LambdaHTTP{Endpoint: endpoint}
}

// analyticsObjects is where DiscoverInputSchema reads S3 objects: the
// local directory Firehose delivers to, or the S3 endpoint.
func analyticsObjects(cfg config.Config, localDir *objectstore.Dir) analytics.ObjectReader {
	if localDir != nil {
		return analytics.DirObjects{Dir: *localDir}
	}
	return analytics.NewS3Objects(objectstore.S3Options{
		Endpoint: cfg.S3Endpoint, Region: cfg.S3Region, AccessKey: cfg.S3AccessKey, SecretKey: cfg.S3SecretKey, PathStyle: cfg.S3PathStyle,
	})
}

// Analytics returns the Data Analytics service.
func (s *Server) Analytics() *analytics.Service { return s.apps }

// Firehose returns the Firehose service.
func (s *Server) Firehose() *firehose.Service { return s.firehose }

// DeliveryErrors is the log that Firehose's delivery errors go to, which
// the CloudWatch Logs API and the console read: the owner's in a cluster,
// whose workers relay theirs there (nil on a worker).
func (s *Server) DeliveryErrors() firehose.ErrorLog {
	if s.deliveryErrors == nil {
		return nil
	}
	return s.deliveryErrors
}

// Video returns the Video Streams service.
func (s *Server) Video() *video.Service { return s.video }

// Streams returns the Data Streams service (tests use it to run retention).
func (s *Server) Streams() *streams.Service { return s.streams }

// Shutdown stops accepting requests, waits for those in flight (until ctx
// ends), then closes the services and the store cleanly.
func (s *Server) Shutdown(ctx context.Context) error {
	// Requests that last as long as their clients want end first.
	s.Drain()
	err := s.ShutdownHTTP(ctx)
	return errors.Join(err, s.Close(ctx))
}

// Drain ends the requests that would otherwise last as long as their
// clients want — video sessions (PutMedia, GetMedia; their stored fragments
// durable) and SubscribeToShard subscriptions — so that a shutdown need
// not wait for them. Clients reconnect, to another node in a cluster.
func (s *Server) Drain() {
	if s.frags != nil {
		s.frags.Close()
	}
	s.streams.EndSubscriptions()
}

// Handler is the server's whole HTTP surface (the AWS APIs, the console,
// /metrics and /healthcheck), for a caller that listens itself: a cluster
// node serves it while it owns the cluster.
func (s *Server) Handler() http.Handler { return s.http.Handler }

// Close closes the services and the store cleanly without touching the
// listener: Shutdown's second half, for a caller that serves Handler.
func (s *Server) Close(ctx context.Context) error {
	s.frags.Close()
	var chans error
	if s.chans != nil { // a worker runs no channels
		chans = s.chans.Close()
	}
	// Running applications stop after the control plane and before the
	// services they read and write, their checkpoints committed; they stay
	// RUNNING in the store and resume at the next start.
	return errors.Join(s.apps.Close(), s.runtime.Close(ctx), s.video.Close(), chans, s.firehose.Close(), s.streams.Close(), s.backend.Close(), s.closeAudit())
}

func (s *Server) closeAudit() error {
	if s.audit == nil {
		return nil
	}
	return s.audit.Close()
}
