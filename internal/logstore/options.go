package logstore

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"sluice/internal/vfs"
)

// Defaults for Options.
const (
	DefaultSegmentBytes  = 64 << 20
	DefaultSegmentMaxAge = time.Hour
	DefaultHealInterval  = time.Second
)

// Record size limits enforced by Append.
const (
	// MaxRecordBytes is the largest Data of one record (Kinesis: 10 MiB).
	MaxRecordBytes = 10 << 20
	// MaxPartitionKeyBytes is the largest PartitionKey of one record
	// (Kinesis: 256 Unicode characters, so at most 1 KiB of UTF-8; we allow
	// more).
	MaxPartitionKeyBytes = 4 << 10
)

// Errors returned by the log. I/O errors are wrapped and returned as they are.
var (
	// ErrClosed is returned by every method of a closed log.
	ErrClosed = errors.New("logstore: log closed")
	// ErrCorrupt reports data on disk that fails its checksum or is
	// inconsistent with its index.
	ErrCorrupt = errors.New("logstore: corrupt data")
	// ErrRecordTooLarge is returned by Append for a record over the limits.
	ErrRecordTooLarge = errors.New("logstore: record too large")
	// ErrWriteFailed is returned by Append while the log is failed: a
	// write or fdatasync failed (a full disk, an I/O error), so appends are
	// refused until the log has reopened itself from its durable state
	// (see Log.heal). The error wraps the cause.
	ErrWriteFailed = errors.New("logstore: a write to the log failed")
	// ErrUnsupportedVersion reports a file written by a newer format.
	ErrUnsupportedVersion = errors.New("logstore: unsupported format version")
)

// Options configures a Log. The zero value of every field but Dir selects
// its default.
type Options struct {
	FS            vfs.FS        // default vfs.Default()
	Dir           string        // the log's directory (one per stream); created if missing
	SegmentBytes  int64         // roll the active segment past this size; default 64 MiB
	SegmentMaxAge time.Duration // roll the active segment when its first entry is older; default 1h

	// SyncInterval selects the durability mode. 0 (the default): Append
	// returns only after fdatasync. >0, "relaxed": Append returns after
	// write(2), and the log fdatasyncs every SyncInterval, so a power cut
	// can lose up to that much acknowledged data.
	SyncInterval time.Duration

	// HealInterval is how often a log failed by a write or sync error
	// tries to reopen itself; default DefaultHealInterval.
	HealInterval time.Duration

	Now    func() time.Time // clock for arrival timestamps and segment ages; default time.Now
	Logger *slog.Logger     // default discard
}

// withDefaults returns o with its zero fields set to their defaults.
func (o Options) withDefaults() Options {
	if o.FS == nil {
		o.FS = vfs.Default()
	}
	if o.SegmentBytes == 0 {
		o.SegmentBytes = DefaultSegmentBytes
	}
	if o.SegmentMaxAge == 0 {
		o.SegmentMaxAge = DefaultSegmentMaxAge
	}
	if o.HealInterval <= 0 {
		o.HealInterval = DefaultHealInterval
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// validate reports options that cannot work.
func (o Options) validate() error {
	switch {
	case o.Dir == "":
		return errors.New("logstore: Options.Dir is empty")
	case o.SegmentBytes < 0:
		return fmt.Errorf("logstore: Options.SegmentBytes %d is negative", o.SegmentBytes)
	case o.SegmentMaxAge < 0:
		return fmt.Errorf("logstore: Options.SegmentMaxAge %v is negative", o.SegmentMaxAge)
	case o.SyncInterval < 0:
		return fmt.Errorf("logstore: Options.SyncInterval %v is negative", o.SyncInterval)
	}
	return nil
}
