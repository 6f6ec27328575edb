// Package embedded is Sluice's single-node storage backend. Everything lives
// under one data directory:
//
//	<data-dir>/
//	  meta.db               bbolt: streams, shards, tags, settings, keys
//	  streams/<stream-id>/  one segmented log per stream (package logstore)
//
// The metadata store is bbolt because control-plane rates are tiny and bbolt
// is crash-safe and fsyncs every transaction; records go to purpose-built
// logs because durable throughput there comes from group commit, sequential
// appends and retention by deleting whole segments (see
// docs/storage.md and package logstore).
package embedded

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	bolterrors "go.etcd.io/bbolt/errors"

	"sluice/internal/logstore"
	"sluice/internal/storage"
	"sluice/internal/vfs"
)

// Options configure the embedded backend.
type Options struct {
	// Dir is the data directory.
	Dir string
	// FS is the filesystem the logs are written through (tests inject a
	// crashable one); the metadata store always uses the real one.
	FS vfs.FS
	// Now is the clock for arrival times and segment ages.
	Now func() time.Time
	// SyncInterval > 0 relaxes durability: appends are acknowledged after
	// write(2) and fsynced every interval. 0, the default, fsyncs before
	// acknowledging.
	SyncInterval time.Duration
	// SegmentBytes and SegmentMaxAge tune log segments (0: logstore defaults).
	SegmentBytes  int64
	SegmentMaxAge time.Duration
	Logger        *slog.Logger
}

// Backend is the embedded storage.Backend.
type Backend struct {
	meta *boltMeta
	recs *records
}

// Open opens (or creates) the data directory.
func Open(opts Options) (*Backend, error) {
	if opts.Dir == "" {
		return nil, errors.New("embedded: no data directory")
	}
	if opts.FS == nil {
		opts.FS = vfs.Default()
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return nil, err
	}
	meta, err := openMeta(filepath.Join(opts.Dir, "meta.db"))
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("embedded: data directory %s is in use by another process", opts.Dir)
	}
	if err != nil {
		return nil, fmt.Errorf("embedded: opening metadata store: %w", err)
	}
	streamsDir := filepath.Join(opts.Dir, "streams")
	if err := opts.FS.MkdirAll(streamsDir, 0o755); err != nil {
		meta.Close()
		return nil, err
	}
	return &Backend{meta: meta, recs: &records{opts: opts, dir: streamsDir, logs: map[string]*logstore.Log{}}}, nil
}

// Meta returns the metadata store.
func (b *Backend) Meta() storage.MetaStore { return b.meta }

// Records returns the record store.
func (b *Backend) Records() storage.RecordStore { return b.recs }

// Close closes every log cleanly, then the metadata store.
func (b *Backend) Close() error {
	return errors.Join(b.recs.Close(), b.meta.Close())
}

// records keeps the open logs.
type records struct {
	opts Options
	dir  string

	mu   sync.Mutex
	logs map[string]*logstore.Log
}

func (r *records) Open(_ context.Context, id string) (storage.Log, error) {
	if !validID(id) {
		return nil, fmt.Errorf("embedded: invalid stream id %q", id)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if l, ok := r.logs[id]; ok {
		return l, nil
	}
	l, err := logstore.Open(logstore.Options{
		FS:            r.opts.FS,
		Dir:           filepath.Join(r.dir, id),
		SegmentBytes:  r.opts.SegmentBytes,
		SegmentMaxAge: r.opts.SegmentMaxAge,
		SyncInterval:  r.opts.SyncInterval,
		Now:           r.opts.Now,
		Logger:        r.opts.Logger.With("stream", id),
	})
	if err != nil {
		return nil, err
	}
	r.logs[id] = l
	return l, nil
}

func (r *records) Remove(_ context.Context, id string) error {
	if !validID(id) {
		return fmt.Errorf("embedded: invalid stream id %q", id)
	}
	r.mu.Lock()
	l, ok := r.logs[id]
	delete(r.logs, id)
	r.mu.Unlock()
	if ok {
		return l.Delete()
	}
	return r.opts.FS.RemoveAll(filepath.Join(r.dir, id))
}

func (r *records) IDs(context.Context) ([]string, error) {
	names, err := r.opts.FS.List(r.dir)
	if err != nil {
		return nil, err
	}
	ids := names[:0]
	for _, n := range names {
		if validID(n) {
			ids = append(ids, n)
		}
	}
	return ids, nil
}

func (r *records) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	var errs []error
	for id, l := range r.logs {
		errs = append(errs, l.Close())
		delete(r.logs, id)
	}
	return errors.Join(errs...)
}

// validID accepts the stream IDs the streams package issues (lowercase
// letters, digits and '-', as AWS's StreamId), which also keeps paths inside
// the data directory.
func validID(id string) bool {
	if id == "" || len(id) > 64 || id[0] == '-' {
		return false
	}
	for _, c := range id {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c == '-') {
			return false
		}
	}
	return true
}
