package server

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"sluice/internal/config"
	"sluice/internal/firehose"
	"sluice/internal/firehose/convert"
	"sluice/internal/firehose/deliverylog"
	"sluice/internal/kms"
	"sluice/internal/objectstore"
	"sluice/internal/storage"
	"sluice/internal/streams"
)

// firehoseParts is what the Firehose service is built with, beside it:
// the delivery errors' log (the console's recent failures and the
// CloudWatch Logs API read it) and the data directory's object store
// (nil when destinations go to --s3-endpoint).
type firehoseParts struct {
	svc      *firehose.Service
	errors   *deliverylog.Log
	localDir *objectstore.Dir
}

// newFirehose builds the Firehose service over backend, reading Kinesis
// sources from svc: the same on a single node, a cluster's owner and its
// workers.
func newFirehose(ctx context.Context, opts Options, now func() time.Time, log *slog.Logger, svc *streams.Service,
	backend storage.Backend, keys kms.MasterKeys) (firehoseParts, error) {
	cfg := opts.Config
	localDir := &objectstore.Dir{Root: filepath.Join(cfg.DataDir, "s3")}
	var store objectstore.Store = localDir
	if cfg.S3Endpoint != "" {
		localDir = nil
		store = objectstore.NewS3(objectstore.S3Options{
			Endpoint: cfg.S3Endpoint, Region: cfg.S3Region, AccessKey: cfg.S3AccessKey, SecretKey: cfg.S3SecretKey, PathStyle: cfg.S3PathStyle,
		})
	}
	// Delivery errors: the console's recent failures, and the log files of
	// CloudWatchLoggingOptions that the CloudWatch Logs API reads.
	deliveryErrors := deliverylog.New(deliverylog.Options{Dir: filepath.Join(cfg.DataDir, "logs"), Now: now, Logger: log})
	fcfg := firehose.Config{
		Quotas:      cfg.Limits == config.LimitsOn,
		Errors:      deliveryErrors,
		Now:         now,
		CreateDelay: cfg.CreateDelay,
		DeleteDelay: cfg.DeleteDelay,
		Store:       store,
		Source:      firehose.StreamsSource{Streams: svc},
		Lambda:      lambdaInvoker(cfg.LambdaEndpoint),
		Logger:      log,
		IcebergDir:  filepath.Join(cfg.DataDir, "iceberg"),
		Keys:        keys,
		UpdateDelay: cfg.UpdateDelay,
	}
	if cfg.GlueTables != "" {
		tables, err := convert.LoadCatalog(cfg.GlueTables)
		if err != nil {
			return firehoseParts{}, fmt.Errorf("--glue-tables: %w", err)
		}
		fcfg.Tables = tables
	}
	if cfg.FirehoseCAFile != "" {
		client, err := destinationClient(cfg.FirehoseCAFile)
		if err != nil {
			return firehoseParts{}, fmt.Errorf("--firehose-ca-file: %w", err)
		}
		fcfg.HTTPClient = client
	}
	if opts.TuneFirehose != nil {
		opts.TuneFirehose(&fcfg)
	}
	fh, err := firehose.New(ctx, fcfg, backend)
	if err != nil {
		return firehoseParts{}, err
	}
	return firehoseParts{svc: fh, errors: deliveryErrors, localDir: localDir}, nil
}
