package server

import (
	"slices"

	"github.com/prometheus/client_golang/prometheus"

	"sluice/internal/streams"
)

// streamsCollector exposes Data Streams (sluice_kinesis_*): per stream,
// records and bytes in and out, throttles, iterator age, open shards,
// consumers, status and retention; per shard, the same figures, but only
// those that EnableEnhancedMonitoring turned on for the stream, as AWS
// publishes shard-level metrics only then. Disabling one removes its
// series.
type streamsCollector struct {
	svc       *streams.Service
	figures   []figure
	openShard family
	consumers family
	status    family
	retention family
}

// figure is one of streams.Figures, as a series per stream and one per
// shard; the seven are AWS's seven shard-level metrics.
type figure struct {
	stream, shard family
	// metric is the shard-level metric's name in EnableEnhancedMonitoring.
	metric string
	value  func(f *streams.Figures) float64
	// byAPI, when set instead of value, splits the figure by the "api"
	// label: what GetRecords returned and what SubscribeToShard sent.
	byAPI func(f *streams.Figures) (getRecords, subscribe float64)
}

// The "api" label values of the outgoing series.
const (
	apiGetRecords = "GetRecords"
	apiSubscribe  = "SubscribeToShard"
)

func newStreamsCollector(svc *streams.Service) *streamsCollector {
	apiStream, apiShard := append(slices.Clone(streamLabels), "api"), append(slices.Clone(shardLabels), "api")
	count := func(name, what, metric string, value func(f *streams.Figures) int64) figure {
		return figure{
			stream: counter("sluice_kinesis_"+name, what+" (AWS's "+metric+").", streamLabels),
			shard:  counter("sluice_kinesis_shard_"+name, what+", per shard; listed while EnableEnhancedMonitoring has "+metric+" on.", shardLabels),
			metric: metric,
			value:  func(f *streams.Figures) float64 { return float64(value(f)) },
		}
	}
	out := func(name, what, metric string, byAPI func(f *streams.Figures) (float64, float64)) figure {
		return figure{
			stream: counter("sluice_kinesis_"+name, what+", by api: GetRecords or SubscribeToShard (AWS's GetRecords.* and SubscribeToShardEvent.*).", apiStream),
			shard:  counter("sluice_kinesis_shard_"+name, what+" by api, per shard; listed while EnableEnhancedMonitoring has "+metric+" on.", apiShard),
			metric: metric,
			byAPI:  byAPI,
		}
	}
	return &streamsCollector{
		svc: svc,
		figures: []figure{
			count("incoming_records_total", "Records accepted by PutRecord and PutRecords", "IncomingRecords",
				func(f *streams.Figures) int64 { return f.IncomingRecords }),
			count("incoming_bytes_total", "Bytes of data and partition keys accepted by PutRecord and PutRecords", "IncomingBytes",
				func(f *streams.Figures) int64 { return f.IncomingBytes }),
			out("outgoing_records_total", "Records sent to consumers", "OutgoingRecords",
				func(f *streams.Figures) (float64, float64) {
					return float64(f.GetRecordsRecords), float64(f.SubscribeRecords)
				}),
			out("outgoing_bytes_total", "Bytes of data and partition keys sent to consumers", "OutgoingBytes",
				func(f *streams.Figures) (float64, float64) {
					return float64(f.GetRecordsBytes), float64(f.SubscribeBytes)
				}),
			count("write_throttled_records_total", "Records PutRecord and PutRecords refused with ProvisionedThroughputExceededException (only with --limits on)",
				"WriteProvisionedThroughputExceeded", func(f *streams.Figures) int64 { return f.WriteThrottledRecords }),
			count("read_throttled_calls_total", "GetRecords calls refused with ProvisionedThroughputExceededException (only with --limits on)",
				"ReadProvisionedThroughputExceeded", func(f *streams.Figures) int64 { return f.ReadThrottledCalls }),
			{
				stream: gauge("sluice_kinesis_iterator_age_seconds",
					"How far the stream's GetRecords readers are behind: for each shard, the MillisBehindLatest that the latest GetRecords call on it answered "+
						"(0 when that call reached the newest record, and before any call), in seconds; the largest over the stream's shards. "+
						"Like the Maximum of AWS's GetRecords.IteratorAgeMilliseconds, taken over each shard's latest call rather than over a period.", streamLabels),
				shard: gauge("sluice_kinesis_shard_iterator_age_seconds",
					"The MillisBehindLatest that the latest GetRecords call on the shard answered, in seconds (0 when it reached the newest record, and before any call); "+
						"listed while EnableEnhancedMonitoring has IteratorAgeMilliseconds on.", shardLabels),
				metric: "IteratorAgeMilliseconds",
				value:  func(f *streams.Figures) float64 { return float64(f.IteratorAgeMillis) / 1000 },
			},
		},
		openShard: gauge("sluice_kinesis_open_shards", "Shards that take writes (not closed by resharding).", streamLabels),
		consumers: gauge("sluice_kinesis_consumers", "Registered enhanced fan-out consumers, by status: CREATING, ACTIVE or DELETING.",
			append(slices.Clone(streamLabels), "status")),
		status: gauge("sluice_kinesis_stream_status", "1 for the stream's status (CREATING, ACTIVE, UPDATING or DELETING), 0 for the others.",
			append(slices.Clone(streamLabels), "status")),
		retention: gauge("sluice_kinesis_retention_period_seconds", "How long the stream keeps records (its RetentionPeriodHours, in seconds).", streamLabels),
	}
}

// Describe implements prometheus.Collector.
func (c *streamsCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, f := range c.figures {
		ch <- f.stream.desc
		ch <- f.shard.desc
	}
	for _, f := range []family{c.openShard, c.consumers, c.status, c.retention} {
		ch <- f.desc
	}
}

// Collect implements prometheus.Collector.
func (c *streamsCollector) Collect(ch chan<- prometheus.Metric) {
	for _, s := range c.svc.Stats() {
		st := s.Stream
		labels := []string{st.Account, st.Region, st.Name}
		for _, f := range c.figures {
			f.emit(ch, f.stream, &s.Figures, labels)
			if !slices.Contains(st.EnhancedMonitoring, f.metric) {
				continue
			}
			for i := range s.Shards {
				f.emit(ch, f.shard, &s.Shards[i].Figures, append(labels[:3:3], s.Shards[i].Shard.ID()))
			}
		}
		c.openShard.emit(ch, float64(len(st.OpenShards())), labels...)
		for _, status := range []string{streams.ConsumerCreating, streams.ConsumerActive, streams.ConsumerDeleting} {
			n := 0
			for _, cons := range st.Consumers {
				if cons.Status == status {
					n++
				}
			}
			c.consumers.emit(ch, float64(n), append(labels[:3:3], status)...)
		}
		for _, status := range []streams.Status{streams.StatusCreating, streams.StatusActive, streams.StatusUpdating, streams.StatusDeleting} {
			v := 0.0
			if st.Status == status {
				v = 1
			}
			c.status.emit(ch, v, append(labels[:3:3], string(status))...)
		}
		c.retention.emit(ch, float64(st.RetentionHours*3600), labels...)
	}
}

// emit sends the figure's samples for one stream or shard.
func (f figure) emit(ch chan<- prometheus.Metric, fam family, figs *streams.Figures, labels []string) {
	if f.byAPI == nil {
		fam.emit(ch, f.value(figs), labels...)
		return
	}
	get, sub := f.byAPI(figs)
	fam.emit(ch, get, append(labels[:len(labels):len(labels)], apiGetRecords)...)
	fam.emit(ch, sub, append(labels[:len(labels):len(labels)], apiSubscribe)...)
}
