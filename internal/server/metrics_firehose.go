package server

import (
	"github.com/prometheus/client_golang/prometheus"

	"sluice/internal/firehose"
)

// firehoseCollector exposes the delivery counters of every Firehose
// delivery stream (sluice_firehose_*). The names are as they were when
// /metrics was hand-written text: users scrape them.
type firehoseCollector struct {
	svc      *firehose.Service
	families []firehoseFamily
}

type firehoseFamily struct {
	family
	get func(m *firehose.Metrics) int64
}

func newFirehoseCollector(svc *firehose.Service) *firehoseCollector {
	c := func(name, help string, get func(m *firehose.Metrics) int64) firehoseFamily {
		return firehoseFamily{counter(name, help, firehoseLabels), get}
	}
	return &firehoseCollector{svc: svc, families: []firehoseFamily{
		c("sluice_firehose_incoming_records_total", "Records accepted by the delivery stream.", func(m *firehose.Metrics) int64 { return m.IncomingRecords.Load() }),
		c("sluice_firehose_incoming_bytes_total", "Bytes of record data accepted.", func(m *firehose.Metrics) int64 { return m.IncomingBytes.Load() }),
		c("sluice_firehose_delivered_records_total", "Records delivered to the destination.", func(m *firehose.Metrics) int64 { return m.DeliveredRecords.Load() }),
		c("sluice_firehose_delivered_bytes_total", "Bytes of record data delivered (before compression).", func(m *firehose.Metrics) int64 { return m.DeliveredBytes.Load() }),
		c("sluice_firehose_delivered_objects_total", "Objects written to the destination.", func(m *firehose.Metrics) int64 { return m.DeliveredObjects.Load() }),
		c("sluice_firehose_failed_attempts_total", "Delivery attempts that failed (and were retried).", func(m *firehose.Metrics) int64 { return m.FailedAttempts.Load() }),
		c("sluice_firehose_dropped_records_total", "Records dropped after retrying for the retry period.", func(m *firehose.Metrics) int64 { return m.DroppedRecords.Load() }),
		c("sluice_firehose_error_records_total", "Records written to the error output (processing, format conversion, partitioning or delivery failures).", func(m *firehose.Metrics) int64 { return m.ErrorRecords.Load() }),
		c("sluice_firehose_backup_records_total", "Records written to the S3 backup (source record backup, or AllData).", func(m *firehose.Metrics) int64 { return m.BackupRecords.Load() }),
		{gauge("sluice_firehose_last_delivery_timestamp_seconds", "When the last object was written (Unix seconds; 0 before the first).", firehoseLabels),
			func(m *firehose.Metrics) int64 { return m.LastDeliveryMillis.Load() / 1000 }},
		{gauge("sluice_firehose_active_partitions", "Active partitions of a delivery stream with dynamic partitioning.", firehoseLabels),
			func(m *firehose.Metrics) int64 { return m.ActivePartitions.Load() }},
	}}
}

// firehoseLabels are a delivery stream's labels: deliveryLabels and the
// kind of its destination (S3, HttpEndpoint, Splunk, ...).
var firehoseLabels = append(append([]string(nil), deliveryLabels...), "destination")

// Describe implements prometheus.Collector.
func (c *firehoseCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, f := range c.families {
		ch <- f.desc
	}
}

// Collect implements prometheus.Collector.
func (c *firehoseCollector) Collect(ch chan<- prometheus.Metric) {
	c.svc.Each(func(ds *firehose.DeliveryStream, m *firehose.Metrics) {
		for _, f := range c.families {
			f.emit(ch, float64(f.get(m)), ds.Account, ds.Region, ds.Name, ds.DestinationKind())
		}
	})
}
