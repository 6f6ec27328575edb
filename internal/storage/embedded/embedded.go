// Package embedded is Sluice's single-node storage backend. Everything lives
// under one data directory, created 0700 (files 0600):
//
//	<data-dir>/
//	  meta.db                  bbolt: streams, shards, tags, settings, keys
//	  streams/<log-id>/        one segmented log per stream (package logstore)
//	    manifest.json          the log's metadata key and value (storage.Manifest)
//	    removing               present while its owner deletes it
//	    restore                present while an operator asks to restore it
//	  quarantine/<log-id>/     logs found without metadata, kept whole
//
// meta.db is checked when it opens (its two meta pages, its size, then
// bbolt's own consistency check, with faults turned into errors), so that a
// truncated or damaged file stops the start with a message that names the
// file and what to do, never a crash. Logs whose metadata is missing are
// quarantined, never deleted (see package storage); `sluice recover` lists
// and restores them, and Backup copies a running data directory.
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
	if err := makePrivateDir(opts.Dir, opts.Logger); err != nil {
		return nil, err
	}
	meta, err := openMeta(filepath.Join(opts.Dir, metaName))
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("embedded: data directory %s is in use by another process", opts.Dir)
	}
	if err != nil {
		return nil, err
	}
	streamsDir := filepath.Join(opts.Dir, streamsName)
	if err := opts.FS.MkdirAll(streamsDir, 0o700); err != nil {
		meta.Close()
		return nil, err
	}
	recs := &records{
		opts:       opts,
		dir:        streamsDir,
		quarantine: filepath.Join(opts.Dir, quarantineName),
		logs:       map[string]*logstore.Log{},
		broken:     map[string]storage.LogFailure{},
		log:        opts.Logger.With("component", "storage"),
	}
	return &Backend{meta: meta, recs: recs}, nil
}

// Names in the data directory.
const (
	metaName       = "meta.db"
	streamsName    = "streams"
	quarantineName = "quarantine"
)

// makePrivateDir creates the data directory 0700, and narrows an existing
// one that others may enter (older versions made it 0755): segments hold
// record data.
func makePrivateDir(dir string, log *slog.Logger) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	info, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if perm := info.Mode().Perm(); perm&0o077 != 0 {
		if err := os.Chmod(dir, perm&0o700); err != nil {
			return fmt.Errorf("embedded: data directory %s is open to other users (%v) and cannot be narrowed: %w", dir, perm, err)
		}
		log.Info("data directory was open to other users; narrowed it to owner-only", "dir", dir, "was", perm.String())
	}
	return nil
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
	opts       Options
	dir        string // <data-dir>/streams
	quarantine string // <data-dir>/quarantine
	log        *slog.Logger

	mu     sync.Mutex
	logs   map[string]*logstore.Log
	broken map[string]storage.LogFailure // logs that failed to open
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
	dir := filepath.Join(r.dir, id)
	if err := r.unquarantine(id); err != nil {
		return nil, err
	}
	if err := r.removeMark(dir, markRemoving); err != nil {
		return nil, err
	}
	l, err := logstore.Open(logstore.Options{
		FS:            r.opts.FS,
		Dir:           dir,
		SegmentBytes:  r.opts.SegmentBytes,
		SegmentMaxAge: r.opts.SegmentMaxAge,
		SyncInterval:  r.opts.SyncInterval,
		Now:           r.opts.Now,
		Logger:        r.opts.Logger.With("stream", id),
	})
	if err != nil {
		r.broken[id] = storage.LogFailure{ID: id, Since: time.Now(), Err: err}
		return nil, err
	}
	delete(r.broken, id)
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
	delete(r.broken, id)
	r.mu.Unlock()
	if ok {
		return l.Delete()
	}
	if err := r.opts.FS.RemoveAll(filepath.Join(r.dir, id)); err != nil {
		return err
	}
	return r.opts.FS.SyncDir(r.dir)
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
