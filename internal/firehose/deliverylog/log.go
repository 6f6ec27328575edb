package deliverylog

import (
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"sluice/internal/firehose"
)

// Defaults and bounds.
const (
	DefaultRecent       = 100
	DefaultMaxFileBytes = 16 << 20
	// MaxMessageBytes bounds a DeliveryError's Message (CloudWatch Logs'
	// events are at most 256 KiB; an error message needs far less).
	MaxMessageBytes = 16 << 10
)

// Options configure a Log.
type Options struct {
	// Dir is where log files go (<data-dir>/logs); "" keeps the recent
	// errors in memory only.
	Dir string
	// Recent is how many errors are kept per delivery stream for Recent
	// (default DefaultRecent).
	Recent int
	// MaxFileBytes bounds a log stream's file before it is rotated
	// (default DefaultMaxFileBytes).
	MaxFileBytes int64
	Now          func() time.Time
	Logger       *slog.Logger
}

// Log keeps delivery errors; see the package doc.
type Log struct {
	opts Options
	log  *slog.Logger

	mu     sync.Mutex
	recent map[string]*ring // by delivery stream ARN

	// files guards the log files: appends take it exclusively, readers
	// shared, so a reader never sees a rotation half done.
	files sync.RWMutex
	// streams are the log streams written since start, by file path.
	streams map[string]*streamState
}

// streamState is what the writer knows of one log stream's file.
type streamState struct {
	lastIngest int64 // the last event's ingestionTime
	failing    bool  // the last append failed (logged once)
}

// New returns a Log.
func New(opts Options) *Log {
	if opts.Recent <= 0 {
		opts.Recent = DefaultRecent
	}
	if opts.MaxFileBytes <= 0 {
		opts.MaxFileBytes = DefaultMaxFileBytes
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &Log{
		opts:    opts,
		log:     opts.Logger.With("component", "firehose-errors"),
		recent:  map[string]*ring{},
		streams: map[string]*streamState{},
	}
}

// Log records one delivery error (firehose.ErrorLog).
func (l *Log) Log(e firehose.DeliveryError) {
	if e.Time.IsZero() {
		e.Time = l.opts.Now()
	}
	e.Message = truncate(e.Message, MaxMessageBytes)
	l.mu.Lock()
	r := l.recent[e.DeliveryStreamARN]
	if r == nil {
		r = &ring{items: make([]firehose.DeliveryError, 0, min(l.opts.Recent, 16)), max: l.opts.Recent}
		l.recent[e.DeliveryStreamARN] = r
	}
	r.add(e)
	l.mu.Unlock()
	if l.opts.Dir == "" || e.LogGroupName == "" || e.LogStreamName == "" {
		return
	}
	account, region, ok := arnScope(e.DeliveryStreamARN)
	if !ok {
		l.log.Warn("delivery error of an unparsable delivery stream ARN not written to its log", "arn", e.DeliveryStreamARN)
		return
	}
	msg, err := json.Marshal(e)
	if err != nil { // a DeliveryError always marshals
		l.log.Error("encoding a delivery error", "err", err)
		return
	}
	l.append(account, region, e.LogGroupName, e.LogStreamName, e.Time.UnixMilli(), string(msg))
}

// Recent returns up to n of a delivery stream's latest errors, newest
// first (n <= 0: all that are kept).
func (l *Log) Recent(arn string, n int) []firehose.DeliveryError {
	l.mu.Lock()
	defer l.mu.Unlock()
	r := l.recent[arn]
	if r == nil {
		return nil
	}
	return r.newest(n)
}

// ring is a delivery stream's latest errors.
type ring struct {
	items []firehose.DeliveryError
	next  int // where the next one goes once items is full
	max   int
}

func (r *ring) add(e firehose.DeliveryError) {
	if len(r.items) < r.max {
		r.items = append(r.items, e)
		return
	}
	r.items[r.next] = e
	r.next = (r.next + 1) % r.max
}

func (r *ring) newest(n int) []firehose.DeliveryError {
	if n <= 0 || n > len(r.items) {
		n = len(r.items)
	}
	out := make([]firehose.DeliveryError, 0, n)
	// The newest is just before next (or last, while filling up).
	i := len(r.items) - 1
	if len(r.items) == r.max {
		i = (r.next - 1 + r.max) % r.max
	}
	for range n {
		out = append(out, r.items[i])
		i = (i - 1 + len(r.items)) % len(r.items)
	}
	return out
}

// arnScope returns the account and region of
// arn:aws:firehose:REGION:ACCOUNT:deliverystream/NAME.
func arnScope(arn string) (account, region string, ok bool) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[3] == "" || parts[4] == "" {
		return "", "", false
	}
	return parts[4], parts[3], true
}

// truncate cuts s to at most n bytes at a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && cut > n-utf8.UTFMax && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}
