package server

import (
	"sync"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"

	"sluice/internal/audit"
	"sluice/internal/awsproto"
)

// h2Errors counts the HTTP/2 errors Go's server reports (http.HTTP2Config
// CountError), by its error type: a fixed set of names made by Go
// (stream_PROTOCOL_ERROR_over_max_streams,
// conn_ENHANCE_YOUR_CALM_too_many_early_resets, ...), never client text.
type h2Errors struct {
	byType sync.Map // string -> *atomic.Uint64
}

func (e *h2Errors) count(errType string) {
	v, ok := e.byType.Load(errType)
	if !ok {
		v, _ = e.byType.LoadOrStore(errType, new(atomic.Uint64))
	}
	v.(*atomic.Uint64).Add(1)
}

// frontCollector exposes the defences against hostile clients and the
// audit log: sluice_http_connections_open, ..._refused_total,
// ..._displaced_total, sluice_http2_errors_total,
// sluice_key_throttled_requests_total, sluice_audit_events_total and
// sluice_audit_write_errors_total.
type frontCollector struct {
	front *Front
	keys  *awsproto.KeyLimiter // nil without --key-rate-limit
	audit *audit.Log           // nil without --audit-log

	open, busy, refused, displaced, h2, throttled, events, writeErrors family
}

func newFrontCollector(front *Front, keys *awsproto.KeyLimiter, log *audit.Log) *frontCollector {
	return &frontCollector{
		front:       front,
		keys:        keys,
		audit:       log,
		open:        gauge("sluice_http_connections_open", "Connections open now, counted against --max-connections.", nil),
		busy:        gauge("sluice_http_connections_busy", "Open connections in the middle of a request (the ones a new connection cannot displace).", nil),
		refused:     counter("sluice_http_connections_refused_total", "Connections closed as they arrived because --max-connections were open and all busy with requests.", nil),
		displaced:   counter("sluice_http_connections_displaced_total", "Idle or slow-header connections closed to make room for a new one at --max-connections.", nil),
		h2:          counter("sluice_http2_errors_total", "HTTP/2 protocol errors Go's server counted, by type (a flood of resets or frames shows here).", []string{"type"}),
		throttled:   counter("sluice_key_throttled_requests_total", "Requests refused by the per-access-key rate limit (--key-rate-limit).", nil),
		events:      counter("sluice_audit_events_total", "Events appended to the audit log (--audit-log).", nil),
		writeErrors: counter("sluice_audit_write_errors_total", "Audit events that could not be written (the calls themselves went on).", nil),
	}
}

// Describe implements prometheus.Collector.
func (c *frontCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, f := range []family{c.open, c.busy, c.refused, c.displaced, c.h2, c.throttled, c.events, c.writeErrors} {
		ch <- f.desc
	}
}

// Collect implements prometheus.Collector.
func (c *frontCollector) Collect(ch chan<- prometheus.Metric) {
	if l := c.front.conns; l != nil {
		c.open.emit(ch, float64(l.Open()))
		c.busy.emit(ch, float64(l.Busy()))
		c.refused.emit(ch, float64(l.refused.Load()))
		c.displaced.emit(ch, float64(l.displaced.Load()))
	}
	c.front.h2.byType.Range(func(k, v any) bool {
		c.h2.emit(ch, float64(v.(*atomic.Uint64).Load()), k.(string))
		return true
	})
	if c.keys != nil {
		c.throttled.emit(ch, float64(c.keys.Throttled()))
	}
	if c.audit != nil {
		c.events.emit(ch, float64(c.audit.Written()))
		c.writeErrors.emit(ch, float64(c.audit.Failed()))
	}
}
