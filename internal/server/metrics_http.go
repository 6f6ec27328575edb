package server

import (
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"sluice/internal/awsproto"
)

// httpMetrics counts the requests the server answers (sluice_http_*), by
// service and operation: an AWS API call by its X-Amz-Target (kinesis
// PutRecord, firehose PutRecordBatch, ...), the console as service
// "console", /metrics and /healthcheck as service "sluice". Every label
// value comes from a table built at startup, so a client cannot create
// series: a target that names no registered operation counts as operation
// "unknown" of its service, or of service "unknown".
//
// On the request path it costs a read-only map look-up, two clock reads,
// a few atomic adds and one small allocation (the status-recording
// writer); it takes no lock.
type httpMetrics struct {
	byTarget  map[string]*opStats // "Kinesis_20131202.PutRecord"
	byPrefix  map[string]*opStats // "Kinesis_20131202": the service's unknown operations
	byPath    map[string]*opStats // "/createStream": REST-JSON operations
	unknown   *opStats
	console   *opStats
	scrape    *opStats
	health    *opStats
	all       []*opStats // in label order, for stable output
	requests  *prometheus.Desc
	durations *prometheus.Desc
	inFlight  *prometheus.Desc
}

// durationBuckets are the request-duration histogram's upper bounds, in
// seconds: from a sub-millisecond PutRecord to a five-minute
// SubscribeToShard.
var durationBuckets = [...]float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300}

// opStats are one service and operation's figures.
type opStats struct {
	service, operation string
	inFlight           atomic.Int64
	codes              [len(statusClasses)]atomic.Uint64 // answers by status class
	// buckets counts durations by durationBuckets (not cumulative; the
	// last is above them all); sumNanos is their sum.
	buckets  [len(durationBuckets) + 1]atomic.Uint64
	sumNanos atomic.Int64
}

// statusClasses are the values of the code label.
var statusClasses = [...]string{"1xx", "2xx", "3xx", "4xx", "5xx"}

// Label values of the routes that are not AWS APIs.
const (
	serviceUnknown = "unknown"
	serviceConsole = "console"
	serviceSluice  = "sluice"
	opUnknown      = "unknown"
)

func newHTTPMetrics(services ...*awsproto.Service) *httpMetrics {
	m := &httpMetrics{
		byTarget: map[string]*opStats{},
		byPrefix: map[string]*opStats{},
		byPath:   map[string]*opStats{},
		requests: prometheus.NewDesc("sluice_http_requests_total",
			"HTTP requests answered, by service, operation and status class (code: 2xx, 4xx, 5xx, ...).", []string{"service", "operation", "code"}, nil),
		durations: prometheus.NewDesc("sluice_http_request_duration_seconds",
			"How long requests took, from their headers to the end of the answer (a SubscribeToShard lasts its whole subscription).", []string{"service", "operation"}, nil),
		inFlight: prometheus.NewDesc("sluice_http_requests_in_flight",
			"Requests being answered now (open SubscribeToShard streams among them).", []string{"service", "operation"}, nil),
	}
	add := func(service, operation string) *opStats {
		s := &opStats{service: service, operation: operation}
		m.all = append(m.all, s)
		return s
	}
	for _, svc := range services {
		m.byPrefix[svc.TargetPrefix] = add(svc.SigningName, opUnknown)
		for name := range svc.Operations {
			m.byTarget[svc.TargetPrefix+"."+name] = add(svc.SigningName, name)
		}
	}
	m.unknown = add(serviceUnknown, opUnknown)
	m.console = add(serviceConsole, serviceConsole)
	m.scrape = add(serviceSluice, "metrics")
	m.health = add(serviceSluice, "healthcheck")
	slices.SortFunc(m.all, func(a, b *opStats) int {
		return strings.Compare(a.service+" "+a.operation, b.service+" "+b.operation)
	})
	return m
}

// withREST counts the operations of REST-JSON services by path.
func (m *httpMetrics) withREST(services ...*awsproto.RESTService) *httpMetrics {
	for _, svc := range services {
		for path, op := range svc.Operations() {
			s := &opStats{service: svc.SigningName, operation: op.Name}
			m.all = append(m.all, s)
			m.byPath[path] = s
		}
	}
	slices.SortFunc(m.all, func(a, b *opStats) int {
		return strings.Compare(a.service+" "+a.operation, b.service+" "+b.operation)
	})
	return m
}

// route finds the figures a request counts in. It mirrors the routes of
// server.New: GET /metrics, GET /healthcheck, the console on GET / and
// /console/, and the AWS APIs on everything else.
func (m *httpMetrics) route(r *http.Request) *opStats {
	get := r.Method == http.MethodGet || r.Method == http.MethodHead
	switch path := r.URL.Path; {
	case get && path == "/metrics":
		return m.scrape
	case get && path == "/healthcheck":
		return m.health
	case get && path == "/", strings.HasPrefix(path, "/console/"):
		return m.console
	}
	if s := m.byPath[r.URL.Path]; s != nil && r.Method == http.MethodPost {
		return s
	}
	target := r.Header.Get("X-Amz-Target")
	if s := m.byTarget[target]; s != nil {
		return s
	}
	prefix, _, _ := strings.Cut(target, ".")
	if s := m.byPrefix[prefix]; s != nil {
		return s
	}
	return m.unknown
}

// wrap counts every request next answers.
func (m *httpMetrics) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := m.route(r)
		s.inFlight.Add(1)
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		returned := false
		defer func() {
			code := sw.status
			if code == 0 {
				// Nothing was written: net/http answers 200 when the
				// handler returns, and aborts the response when it panics.
				code = http.StatusOK
				if !returned {
					code = http.StatusInternalServerError
				}
			}
			s.done(code, time.Since(start))
		}()
		next.ServeHTTP(sw, r)
		returned = true
	})
}

func (s *opStats) done(code int, d time.Duration) {
	if class := code/100 - 1; class >= 0 && class < len(s.codes) {
		s.codes[class].Add(1)
	}
	i, _ := slices.BinarySearch(durationBuckets[:], d.Seconds())
	s.buckets[i].Add(1)
	s.sumNanos.Add(int64(d))
	s.inFlight.Add(-1)
}

// Describe implements prometheus.Collector.
func (m *httpMetrics) Describe(ch chan<- *prometheus.Desc) {
	ch <- m.requests
	ch <- m.durations
	ch <- m.inFlight
}

// Collect implements prometheus.Collector. An operation is listed once it
// has been called, with its 2xx, 4xx and 5xx counts (zero or not), so that
// a rate of errors exists before the first error.
func (m *httpMetrics) Collect(ch chan<- prometheus.Metric) {
	for _, s := range m.all {
		var cumulative uint64
		buckets := make(map[float64]uint64, len(durationBuckets))
		for i, le := range durationBuckets {
			cumulative += s.buckets[i].Load()
			buckets[le] = cumulative
		}
		count := cumulative + s.buckets[len(durationBuckets)].Load()
		inFlight := s.inFlight.Load()
		if count == 0 && inFlight == 0 {
			continue
		}
		ch <- prometheus.MustNewConstMetric(m.inFlight, prometheus.GaugeValue, float64(inFlight), s.service, s.operation)
		if count == 0 {
			continue
		}
		for class := range s.codes {
			n := s.codes[class].Load()
			if n > 0 || class == 1 || class == 3 || class == 4 {
				ch <- prometheus.MustNewConstMetric(m.requests, prometheus.CounterValue, float64(n), s.service, s.operation, statusClasses[class])
			}
		}
		ch <- prometheus.MustNewConstHistogram(m.durations, count, time.Duration(s.sumNanos.Load()).Seconds(), buckets, s.service, s.operation)
	}
}

// statusWriter records the status of the answer. It passes Flush through
// (SubscribeToShard's event stream flushes after every event) and unwraps
// for http.ResponseController (read deadlines, HTTP/2 and h2c alike).
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 && code >= 200 { // 1xx answers are not the final one
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Flush implements http.Flusher: the awsproto handler looks for it on the
// writer it is given.
func (w *statusWriter) Flush() {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
		return
	}
	http.NewResponseController(w.ResponseWriter).Flush()
}

// Unwrap lets http.ResponseController reach the server's writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
