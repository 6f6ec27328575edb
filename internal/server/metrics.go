package server

import (
	"fmt"
	"net/http"
	"sort"
	"strings"

	"sluice/internal/firehose"
)

// metricsHandler serves GET /metrics in the Prometheus text format: the
// delivery counters of every Firehose delivery stream. It carries no
// record data, only names and counts, and is unauthenticated like
// /healthcheck (bind --listen to loopback or a private network).
func metricsHandler(fh *firehose.Service) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		type row struct {
			labels string
			m      *firehose.Metrics
		}
		var rows []row
		fh.Each(func(ds *firehose.DeliveryStream, m *firehose.Metrics) {
			rows = append(rows, row{fmt.Sprintf(`account=%q,region=%q,delivery_stream=%q`, ds.Account, ds.Region, ds.Name), m})
		})
		sort.Slice(rows, func(i, j int) bool { return rows[i].labels < rows[j].labels })
		var b strings.Builder
		for _, c := range []struct {
			name, help string
			get        func(m *firehose.Metrics) int64
		}{
			{"sluice_firehose_incoming_records_total", "Records accepted by the delivery stream.", func(m *firehose.Metrics) int64 { return m.IncomingRecords.Load() }},
			{"sluice_firehose_incoming_bytes_total", "Bytes of record data accepted.", func(m *firehose.Metrics) int64 { return m.IncomingBytes.Load() }},
			{"sluice_firehose_delivered_records_total", "Records delivered to the destination.", func(m *firehose.Metrics) int64 { return m.DeliveredRecords.Load() }},
			{"sluice_firehose_delivered_bytes_total", "Bytes of record data delivered (before compression).", func(m *firehose.Metrics) int64 { return m.DeliveredBytes.Load() }},
			{"sluice_firehose_delivered_objects_total", "Objects written to the destination.", func(m *firehose.Metrics) int64 { return m.DeliveredObjects.Load() }},
			{"sluice_firehose_failed_attempts_total", "Delivery attempts that failed (and were retried).", func(m *firehose.Metrics) int64 { return m.FailedAttempts.Load() }},
			{"sluice_firehose_dropped_records_total", "Records dropped after retrying for the retry period.", func(m *firehose.Metrics) int64 { return m.DroppedRecords.Load() }},
			{"sluice_firehose_last_delivery_timestamp_seconds", "When the last object was written (Unix seconds; 0 before the first).", func(m *firehose.Metrics) int64 { return m.LastDeliveryMillis.Load() / 1000 }},
		} {
			kind := "counter"
			if !strings.HasSuffix(c.name, "_total") {
				kind = "gauge"
			}
			fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s %s\n", c.name, c.help, c.name, kind)
			for _, r := range rows {
				fmt.Fprintf(&b, "%s{%s} %d\n", c.name, r.labels, c.get(r.m))
			}
		}
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		w.Write([]byte(b.String()))
	}
}
