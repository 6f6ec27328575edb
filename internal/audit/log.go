package audit

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
)

// DefaultMaxFileBytes bounds the file before it is rotated.
const DefaultMaxFileBytes = 64 << 20

// Options configure a Log.
type Options struct {
	// Path is the log file (--audit-log).
	Path string
	// MaxFileBytes bounds the file before it is renamed to Path.1
	// (default DefaultMaxFileBytes).
	MaxFileBytes int64
	// Region is the awsRegion of calls that name none.
	Region string
	Logger *slog.Logger
}

// Log appends events to the audit log file; see the package doc. It is
// safe for concurrent use.
type Log struct {
	opts Options
	log  *slog.Logger

	mu      sync.Mutex
	f       *os.File // nil after a failure, until the next event reopens it
	size    int64
	torn    bool // the file ends without a newline: start with one
	failing bool

	written atomic.Uint64
	failed  atomic.Uint64
}

// Open opens (or creates) the log file. Failing to open it at start is an
// error: a log that was asked for and cannot be written is a
// misconfiguration, not something to find out later.
func Open(opts Options) (*Log, error) {
	if opts.MaxFileBytes <= 0 {
		opts.MaxFileBytes = DefaultMaxFileBytes
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	l := &Log{opts: opts, log: opts.Logger.With("component", "audit")}
	if err := os.MkdirAll(filepath.Dir(opts.Path), 0o700); err != nil {
		return nil, err
	}
	if err := l.open(); err != nil {
		return nil, err
	}
	return l, nil
}

// open opens the file for appending and learns its size and whether its
// last line is torn. The file is made 0600 even if it existed wider.
func (l *Log) open() error {
	f, err := os.OpenFile(l.opts.Path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	fi, err := f.Stat()
	if err == nil && fi.Mode().Perm() != 0o600 {
		err = f.Chmod(0o600)
	}
	if err != nil {
		f.Close()
		return err
	}
	l.f, l.size, l.torn = f, fi.Size(), false
	if fi.Size() > 0 {
		l.torn = !endsWithNewline(l.opts.Path, fi.Size())
	}
	return nil
}

func endsWithNewline(path string, size int64) bool {
	f, err := os.Open(path)
	if err != nil {
		return true
	}
	defer f.Close()
	var b [1]byte
	if _, err := f.ReadAt(b[:], size-1); err != nil && err != io.EOF {
		return true
	}
	return b[0] == '\n'
}

// Record appends the event of a call.
func (l *Log) Record(c Call) { l.Write(event(c, l.opts.Region)) }

// Write appends one event. A failure is counted and logged, never
// returned.
func (l *Log) Write(e Event) {
	line, err := json.Marshal(e)
	if err != nil { // an Event of strings, bools and scalars always marshals
		l.mu.Lock()
		l.fail(err)
		l.mu.Unlock()
		return
	}
	line = append(line, '\n')
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.append(line); err != nil {
		if l.f != nil {
			l.f.Close()
			l.f = nil
		}
		l.fail(err)
		return
	}
	l.written.Add(1)
	if l.failing {
		l.failing = false
		l.log.Info("writing the audit log works again", "file", l.opts.Path)
	}
}

// append writes line, reopening the file after a failure and rotating it
// first when line would take it past the bound. l.mu is held.
func (l *Log) append(line []byte) error {
	if l.f == nil {
		if err := l.open(); err != nil {
			return err
		}
	}
	if l.size > 0 && l.size+int64(len(line)) > l.opts.MaxFileBytes {
		if err := l.rotate(); err != nil {
			return err
		}
	}
	if l.torn {
		line = append([]byte{'\n'}, line...)
	}
	n, err := l.f.Write(line)
	l.size += int64(n)
	if err != nil {
		return err
	}
	l.torn = false
	return nil
}

// rotate renames the file to Path.1 and starts a new one. l.mu is held.
func (l *Log) rotate() error {
	err := l.f.Close()
	l.f = nil
	if err != nil {
		return err
	}
	if err := os.Rename(l.opts.Path, l.opts.Path+".1"); err != nil {
		return err
	}
	return l.open()
}

// fail counts and logs a failed event. l.mu is held.
func (l *Log) fail(err error) {
	l.failed.Add(1)
	if !l.failing {
		l.log.Error("cannot write the audit log; calls go on unrecorded until it works again", "file", l.opts.Path, "err", err)
	}
	l.failing = true
}

// Written is how many events were appended.
func (l *Log) Written() uint64 { return l.written.Load() }

// Failed is how many events could not be appended.
func (l *Log) Failed() uint64 { return l.failed.Load() }

// Close closes the file.
func (l *Log) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	if errors.Is(err, os.ErrClosed) {
		err = nil
	}
	return err
}
