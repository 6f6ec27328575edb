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
//
// # Records are never deleted for want of metadata
//
// A log is deleted only by its owner (DeleteStream, or retention within it).
// Each log keeps beside its records a manifest: the metadata key and value
// that describe it, written by its owner on every change (Describe). If the
// metadata store loses a log's key (a lost, damaged or restored metadata
// file), the owner finds the log without metadata at start and disowns it:
// a log its owner had marked for removal (MarkRemoving, just before deleting
// its metadata) is removed, which finishes a deletion a crash interrupted;
// any other is quarantined, kept whole and reported, and can be restored
// from its manifest: `sluice recover` lists the quarantined logs and marks
// those to restore, and at the next start their owner adopts them, writing
// their metadata back (Disown). A log whose metadata comes back by other
// means (a metadata file restored from a backup) leaves quarantine by
// itself when its owner opens it.
package storage

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"sluice/internal/logstore"
)

// ErrNotFound is returned by MetaStore reads of absent keys.
var ErrNotFound = errors.New("storage: not found")

// ErrWriteFailed is returned by Log.Append while the log cannot write: a
// write or fsync failed (a full disk, an I/O error). Nothing of the failed
// append was acknowledged. The log reopens itself from its durable state
// and takes appends again once the disk does. FailureReason words the cause
// for clients.
var ErrWriteFailed = logstore.ErrWriteFailed

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
	// Failure returns since when appends have been failing and why, or a
	// nil error while the log takes appends.
	Failure() (since time.Time, err error)
}

// Manifest is what a log's owner keeps beside its records so that the
// log's metadata can be rebuilt: the metadata key that describes the log
// and its value.
type Manifest struct {
	Key   string          `json:"key"`
	Value json.RawMessage `json:"value"`
}

// Disposition is what Disown did with a log.
type Disposition int

// Dispositions.
const (
	Removed Disposition = iota + 1
	Adopted
	Quarantined
)

// Health is what the record store knows is wrong.
type Health struct {
	// Failing are the logs that cannot take appends now, or could not be
	// opened at all.
	Failing []LogFailure
	// Quarantined are the IDs of logs kept without metadata (see the
	// package doc), waiting for an operator.
	Quarantined []string
	// Damaged counts, per log ID, the damaged entries or byte ranges its
	// records were found to hold since start (readers skip them); logs with
	// none are left out.
	Damaged map[string]uint64
}

// LogFailure is one log that cannot take appends.
type LogFailure struct {
	ID    string
	Since time.Time
	Err   error
}

// RecordStore holds the logs of all streams, by stream ID.
type RecordStore interface {
	// Open returns the log of a stream, creating it if needed.
	Open(ctx context.Context, streamID string) (Log, error)
	// Remove deletes a stream's log and all its records.
	Remove(ctx context.Context, streamID string) error
	// IDs lists the stream IDs that have a log, to reconcile after a crash.
	IDs(ctx context.Context) ([]string, error)
	// Describe durably replaces the manifest of log id (creating the
	// log's place if needed). It does nothing if the manifest is already
	// m.
	Describe(ctx context.Context, id string, m Manifest) error
	// MarkRemoving durably notes that log id is about to be removed, before
	// its owner deletes its metadata: if a crash comes in between, Disown
	// finishes the removal. Open clears the mark.
	MarkRemoving(ctx context.Context, id string) error
	// Disown is called by a log's owner, at start, for a log it has no
	// metadata for. A log marked for removal is removed. A log an operator
	// asked to restore (`sluice recover --restore`) is handed to adopt with
	// its manifest: adopt writes the metadata back, or refuses with an
	// error that says why. Any other log, and one adopt refuses, is
	// quarantined: kept whole, out of the way, and reported.
	Disown(ctx context.Context, id string, adopt func(Manifest) error) (Disposition, error)
	// Health reports the logs that cannot take appends and the quarantined
	// ones.
	Health() Health
	Close() error
}

// Backend is a complete storage backend.
type Backend interface {
	Meta() MetaStore
	Records() RecordStore
	Close() error
}
