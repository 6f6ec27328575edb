// Package storage defines what Sluice's services need from a storage
// backend, so that the single-node embedded backend (package embedded: a
// bbolt metadata store beside one segmented log per stream) and a
// distributed one can be swapped without touching the services.
//
// A backend provides two things:
//
//   - MetaStore: a small transactional key-value store for control-plane
//     state (streams, shards, tags, settings, keys). Control-plane rates are
//     single-digit operations per second, so simplicity beats throughput.
//   - RecordStore: one append-only Log of records per stream, with durable
//     group-committed appends and seeks by sequence counter and by time.
//
// The record types are the log's own (aliases of package logstore's), since
// every backend stores the same segment format.
package storage

import (
	"context"
	"errors"

	"sluice/internal/logstore"
)

// ErrNotFound is returned by MetaStore reads of absent keys.
var ErrNotFound = errors.New("storage: not found")

// MetaStore is a transactional key-value store. Keys are '/'-separated
// paths; values are opaque bytes.
type MetaStore interface {
	// Get returns the value of key, or ErrNotFound.
	Get(ctx context.Context, key string) ([]byte, error)
	// Scan calls fn for every key with the prefix, in key order.
	Scan(ctx context.Context, prefix string, fn func(key string, value []byte) error) error
	// Update runs fn in one atomic transaction, durable when Update returns
	// nil. An error from fn aborts the transaction and is returned.
	Update(ctx context.Context, fn func(tx MetaTx) error) error
	Close() error
}

// MetaTx is a MetaStore transaction.
type MetaTx interface {
	Get(key string) ([]byte, error)
	Put(key string, value []byte) error
	Delete(key string) error
}

// Record types of the log.
type (
	Record       = logstore.Record
	Batch        = logstore.Batch
	BatchResult  = logstore.BatchResult
	StoredRecord = logstore.StoredRecord
	LogStats     = logstore.Stats
	Arena        = logstore.Arena
)

// Log is one stream's records. Counters are per shard, dense, start at 1 and
// never go back; arrival times are non-decreasing. See logstore.Log for the
// full contract, which every backend honours.
type Log interface {
	Append(ctx context.Context, batches []Batch) ([]BatchResult, error)
	Read(shard uint32, from uint64, maxRecords, maxBytes int, cutoffMillis int64) ([]StoredRecord, uint64, error)
	// ReadArena is Read into memory the caller releases (nil: Read's).
	ReadArena(shard uint32, from uint64, maxRecords, maxBytes int, cutoffMillis int64, a *Arena) ([]StoredRecord, uint64, error)
	SeekTime(shard uint32, ts int64, cutoffMillis int64) (uint64, error)
	Bounds(shard uint32, cutoffMillis int64) (first, next uint64)
	LastArrival(shard uint32) int64
	Expire(cutoffMillis int64) error
	Watch() <-chan struct{}
	Stats() LogStats
}

// RecordStore holds the logs of all streams, by stream ID.
type RecordStore interface {
	// Open returns the log of a stream, creating it if needed.
	Open(ctx context.Context, streamID string) (Log, error)
	// Remove deletes a stream's log and all its records.
	Remove(ctx context.Context, streamID string) error
	// IDs lists the stream IDs that have a log, to reconcile after a crash.
	IDs(ctx context.Context) ([]string, error)
	Close() error
}

// Backend is a complete storage backend.
type Backend interface {
	Meta() MetaStore
	Records() RecordStore
	Close() error
}
