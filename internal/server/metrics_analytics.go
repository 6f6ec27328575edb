package server

import (
	"github.com/prometheus/client_golang/prometheus"

	"sluice/internal/analytics/runtime"
)

// analyticsCollector exposes the running Data Analytics applications
// (sluice_analytics_*): per application, records and rows in, input
// preprocessing, error_stream rows and how far behind its input is; per
// output, records delivered, failed attempts and records waiting. An
// application that stops leaves the listing (its counters restart with it).
type analyticsCollector struct {
	rt       *runtime.Runtime
	app      []analyticsFamily
	behind   family
	out      []outputFamily
	outQueue family
}

var (
	applicationLabels = []string{"account", "region", "application"}
	appOutputLabels   = []string{"account", "region", "application", "output", "kind", "destination"}
)

type analyticsFamily struct {
	family
	get func(m *runtime.Metrics) int64
}

type outputFamily struct {
	family
	get func(m *runtime.OutputMetrics) int64
}

func newAnalyticsCollector(rt *runtime.Runtime) *analyticsCollector {
	c := func(name, help string, get func(m *runtime.Metrics) int64) analyticsFamily {
		return analyticsFamily{counter("sluice_analytics_"+name, help, applicationLabels), get}
	}
	o := func(name, help string, get func(m *runtime.OutputMetrics) int64) outputFamily {
		return outputFamily{counter("sluice_analytics_output_"+name, help, appOutputLabels), get}
	}
	return &analyticsCollector{
		rt: rt,
		app: []analyticsFamily{
			c("input_records_total", "Records read from the application's streaming source.", func(m *runtime.Metrics) int64 { return m.InputRecords.Load() }),
			c("input_bytes_total", "Bytes of record data read from the streaming source.", func(m *runtime.Metrics) int64 { return m.InputBytes.Load() }),
			c("input_rows_total", "Rows the records made in the in-application input streams.", func(m *runtime.Metrics) int64 { return m.InputRows.Load() }),
			c("input_read_errors_total", "Failed reads of the streaming source (retried).", func(m *runtime.Metrics) int64 { return m.InputErrors.Load() }),
			c("preprocessed_records_total", "Records the input preprocessor answered Ok.", func(m *runtime.Metrics) int64 { return m.Preprocessed.Load() }),
			c("preprocess_dropped_records_total", "Records the input preprocessor answered Dropped.", func(m *runtime.Metrics) int64 { return m.PreprocessDropped.Load() }),
			c("preprocess_failed_records_total", "Records the input preprocessor answered ProcessingFailed (error_stream rows).", func(m *runtime.Metrics) int64 { return m.PreprocessFailed.Load() }),
			c("preprocess_errors_total", "Input preprocessor invocations that failed and were retried.", func(m *runtime.Metrics) int64 { return m.PreprocessErrors.Load() }),
			c("error_rows_total", "Rows written to error_stream.", func(m *runtime.Metrics) int64 { return m.ErrorRows.Load() }),
		},
		behind: gauge("sluice_analytics_millis_behind_latest", "How far the application's input is behind the newest record of its source, in milliseconds (AWS's MillisBehindLatest).", applicationLabels),
		out: []outputFamily{
			o("records_total", "Records delivered to the output's destination.", func(m *runtime.OutputMetrics) int64 { return m.Records.Load() }),
			o("bytes_total", "Bytes of records delivered to the output's destination.", func(m *runtime.OutputMetrics) int64 { return m.Bytes.Load() }),
			o("failed_attempts_total", "Delivery attempts that failed (and were retried).", func(m *runtime.OutputMetrics) int64 { return m.Failures.Load() }),
		},
		outQueue: gauge("sluice_analytics_output_pending_records", "Records waiting to be delivered to the output's destination.", appOutputLabels),
	}
}

// Describe implements prometheus.Collector.
func (c *analyticsCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, f := range c.app {
		ch <- f.desc
	}
	ch <- c.behind.desc
	for _, f := range c.out {
		ch <- f.desc
	}
	ch <- c.outQueue.desc
}

// Collect implements prometheus.Collector.
func (c *analyticsCollector) Collect(ch chan<- prometheus.Metric) {
	c.rt.Each(func(r runtime.Running) {
		a, m := r.Application, r.Metrics
		for _, f := range c.app {
			f.emit(ch, float64(f.get(m)), a.Account, a.Region, a.Name)
		}
		c.behind.emit(ch, float64(m.MillisBehind.Load()), a.Account, a.Region, a.Name)
		for _, om := range m.Outputs {
			labels := []string{a.Account, a.Region, a.Name, om.ID, om.Kind, om.Destination}
			for _, f := range c.out {
				f.emit(ch, float64(f.get(om)), labels...)
			}
			c.outQueue.emit(ch, float64(om.Pending.Load()), labels...)
		}
	})
}
