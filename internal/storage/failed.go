package storage

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ErrUnavailable wraps the error of a log that could not be opened at all
// (see FailedLog).
var ErrUnavailable = errors.New("storage: the log could not be opened")

// ErrFenced is returned by a distributed backend's writes once the node
// no longer owns what it writes: another node may have taken over, so
// nothing may commit.
var ErrFenced = errors.New("storage: this node no longer owns the data (fenced)")

// ErrMoved is ErrFenced for one log rather than the node: the log was
// placed on another node, which serves it now; the node's other logs go
// on.
var ErrMoved = fmt.Errorf("storage: this node no longer owns this log (moved): %w", ErrFenced)

// FailedLog stands in for a log that could not be opened (an I/O error, a
// file from a newer version): every read and append fails with the cause,
// so that one damaged log costs its own stream, not the whole server.
type FailedLog struct {
	err   error
	since time.Time
}

// NewFailedLog returns a FailedLog for the error Open returned.
func NewFailedLog(err error) *FailedLog {
	return &FailedLog{err: fmt.Errorf("%w: %w", ErrUnavailable, err), since: time.Now()}
}

func (f *FailedLog) Append(context.Context, []Batch) ([]BatchResult, error) { return nil, f.err }

func (f *FailedLog) Read(uint32, uint64, int, int, int64) ([]StoredRecord, uint64, error) {
	return nil, 0, f.err
}

func (f *FailedLog) ReadArena(uint32, uint64, int, int, int64, *Arena) ([]StoredRecord, uint64, error) {
	return nil, 0, f.err
}

func (f *FailedLog) SeekTime(uint32, int64, int64) (uint64, error) { return 0, f.err }
func (f *FailedLog) Bounds(uint32, int64) (first, next uint64)     { return 1, 1 }
func (f *FailedLog) LastArrival(uint32) int64                      { return 0 }

// Expire has nothing to expire: the log's files are left as they are.
func (f *FailedLog) Expire(int64) error { return nil }

// Watch returns a channel that never closes: nothing will be appended.
func (f *FailedLog) Watch() <-chan struct{}                { return make(chan struct{}) }
func (f *FailedLog) Stats() LogStats                       { return LogStats{} }
func (f *FailedLog) Failure() (since time.Time, err error) { return f.since, f.err }
