package server

import (
	"log/slog"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metricsRegistry gathers what GET /metrics serves:
// the Go runtime's and the process's standard series (go_*, process_*)
// and those of each source: HTTP requests, Data Streams, Firehose, ... (the
// sluice_* series, listed in README.md under "Metrics"). It carries no
// record data, only names and counts, and is unauthenticated like
// /healthcheck (bind --listen to loopback or a private network).
//
// A source is a prometheus.Collector that reads figures its package keeps
// anyway (atomic counters, snapshots) when scraped, so that serving metrics
// costs the data path nothing; adding a section is writing one such
// collector and passing it here. The sources are fixed when the server is
// built, so a clash between them (two series of one name) is a bug every
// test meets at startup: registering panics.
func metricsRegistry(sources ...prometheus.Collector) *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(RuntimeCollectors()...)
	reg.MustRegister(sources...)
	return reg
}

// RuntimeCollectors are the Go runtime's and the process's standard
// series, which every /metrics serves once.
func RuntimeCollectors() []prometheus.Collector {
	return []prometheus.Collector{
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	}
}

// MetricsHandler serves what g gathers in the Prometheus exposition
// format, as GET /metrics does.
func MetricsHandler(log *slog.Logger, g prometheus.Gatherer) http.Handler {
	return promhttp.HandlerFor(g, promhttp.HandlerOpts{
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelError),
		// A series that fails to gather must not hide the others.
		ErrorHandling: promhttp.ContinueOnError,
	})
}

// Gatherer gathers the series GET /metrics serves (for a cluster node,
// which serves its own beside them).
func (s *Server) Gatherer() prometheus.Gatherer { return s.metrics }

// The labels of the per-resource series.
var (
	streamLabels   = []string{"account", "region", "stream"}
	shardLabels    = []string{"account", "region", "stream", "shard"}
	deliveryLabels = []string{"account", "region", "delivery_stream"}
)

// family is one metric family of a collector: its descriptor and kind.
type family struct {
	desc *prometheus.Desc
	kind prometheus.ValueType
}

func counter(name, help string, labels []string) family {
	return family{prometheus.NewDesc(name, help, labels, nil), prometheus.CounterValue}
}

func gauge(name, help string, labels []string) family {
	return family{prometheus.NewDesc(name, help, labels, nil), prometheus.GaugeValue}
}

// emit sends one sample of the family. A label value that is not valid
// UTF-8 fails that sample alone (the handler logs it and serves the rest):
// a scrape must never panic on what a client named.
func (f family) emit(ch chan<- prometheus.Metric, v float64, labels ...string) {
	m, err := prometheus.NewConstMetric(f.desc, f.kind, v, labels...)
	if err != nil {
		m = prometheus.NewInvalidMetric(f.desc, err)
	}
	ch <- m
}
