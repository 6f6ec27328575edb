package server

import (
	"github.com/prometheus/client_golang/prometheus"

	"sluice/internal/firehose"
	"sluice/internal/storage"
	"sluice/internal/streams"
)

// storageCollector exposes what the record store knows is wrong
// (sluice_storage_*): damaged entries readers skip, logs that cannot take
// writes, logs kept in quarantine. A log has series only while something
// is wrong with it, so a healthy server lists the two counts at zero.
type storageCollector struct {
	recs     storage.RecordStore
	streams  *streams.Service
	firehose *firehose.Service

	damaged, failing      family
	failingN, quarantined family
}

var logLabels = []string{"log", "kind", "account", "region", "name"}

func newStorageCollector(recs storage.RecordStore, st *streams.Service, fh *firehose.Service) *storageCollector {
	return &storageCollector{
		recs: recs, streams: st, firehose: fh,
		damaged: counter("sluice_storage_damaged_entries_total",
			"Damaged entries (or byte ranges) found in a log's segments since start, by recovery or by reads; readers skip them and the log says where at ERROR.", logLabels),
		failing: gauge("sluice_storage_log_failing",
			"1 while a log cannot take writes (a full or failing disk, or it could not be opened); /healthcheck fails meanwhile.", logLabels),
		failingN: gauge("sluice_storage_failing_logs", "Logs that cannot take writes now.", nil),
		quarantined: gauge("sluice_storage_quarantined_logs",
			"Logs kept in quarantine because they were found without metadata (see sluice recover).", nil),
	}
}

// Describe implements prometheus.Collector.
func (c *storageCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, f := range []family{c.damaged, c.failing, c.failingN, c.quarantined} {
		ch <- f.desc
	}
}

// Collect implements prometheus.Collector.
func (c *storageCollector) Collect(ch chan<- prometheus.Metric) {
	h := c.recs.Health()
	var owners map[string]logOwner
	if len(h.Damaged) > 0 || len(h.Failing) > 0 {
		owners = logOwners(c.streams, c.firehose)
	}
	labels := func(id string) []string {
		o := owners[id]
		return []string{id, o.kind, o.account, o.region, o.name}
	}
	for id, n := range h.Damaged {
		c.damaged.emit(ch, float64(n), labels(id)...)
	}
	for _, f := range h.Failing {
		c.failing.emit(ch, 1, labels(f.ID)...)
	}
	c.failingN.emit(ch, float64(len(h.Failing)))
	c.quarantined.emit(ch, float64(len(h.Quarantined)))
}
