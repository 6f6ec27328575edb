package server

import (
	"strconv"

	"github.com/prometheus/client_golang/prometheus"

	"sluice/internal/video/fragments"
)

// videoCollector exposes the Video Streams data plane (sluice_video_*),
// from the fragment store's figures (fragments.Store.Stats): fragments
// stored and bytes read by PutMedia, its ERROR ACKs by ErrorId, the
// PutMedia and GetMedia sessions open, the fragments and bytes GetMedia
// and GetMediaForFragmentList sent, playback requests by kind, calls
// refused by their per-stream rate, and the PERSISTED latency.
type videoCollector struct {
	store                         *fragments.Store
	persisted, bytesIn, ackErrors family
	sessions, readers             family
	served, bytesOut              family
	playback, throttled           family
	latency                       *prometheus.Desc
}

func newVideoCollector(store *fragments.Store) *videoCollector {
	api := []string{"api"}
	return &videoCollector{
		store:     store,
		persisted: counter("sluice_video_fragments_persisted_total", "Fragments PutMedia stored durably (PERSISTED, for streams that retain data).", nil),
		bytesIn:   counter("sluice_video_incoming_bytes_total", "PutMedia body bytes read.", nil),
		ackErrors: counter("sluice_video_ack_errors_total", "PutMedia ERROR ACKs sent, by ErrorId.", []string{"error_id"}),
		sessions:  gauge("sluice_video_putmedia_connections", "PutMedia connections open.", nil),
		readers:   gauge("sluice_video_getmedia_readers", "GetMedia sessions open.", nil),
		served:    counter("sluice_video_outgoing_fragments_total", "Fragments sent, by api: GetMedia or GetMediaForFragmentList.", api),
		bytesOut:  counter("sluice_video_outgoing_bytes_total", "Cluster bytes of the fragments sent, by api.", api),
		playback:  counter("sluice_video_playback_requests_total", "Playback requests, by kind: the session URLs, GetClip, GetImages and the HLS and DASH resources (GetHLSMasterPlaylist, GetMP4MediaFragment, ...).", []string{"kind"}),
		throttled: counter("sluice_video_throttled_calls_total", "Data-plane calls refused with ClientLimitExceededException by their per-stream rate (--limits on), by api.", api),
		latency: prometheus.NewDesc("sluice_video_persisted_latency_seconds",
			"From a fragment's first bytes to its storage being durable (its PERSISTED ACK).", nil, nil),
	}
}

// Describe implements prometheus.Collector.
func (c *videoCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, f := range []family{c.persisted, c.bytesIn, c.ackErrors, c.sessions, c.readers, c.served, c.bytesOut, c.playback, c.throttled} {
		ch <- f.desc
	}
	ch <- c.latency
}

// Collect implements prometheus.Collector.
func (c *videoCollector) Collect(ch chan<- prometheus.Metric) {
	st := c.store.Stats()
	c.persisted.emit(ch, float64(st.FragmentsPersisted))
	c.bytesIn.emit(ch, float64(st.BytesIn))
	c.sessions.emit(ch, float64(st.SessionsOpen))
	c.readers.emit(ch, float64(st.Readers))
	for id, n := range st.AckErrors {
		c.ackErrors.emit(ch, float64(n), strconv.Itoa(int(id)))
	}
	for api, n := range st.FragmentsServed {
		c.served.emit(ch, float64(n), api)
		c.bytesOut.emit(ch, float64(st.BytesServed[api]), api)
	}
	for kind, n := range st.Playback {
		c.playback.emit(ch, float64(n), kind)
	}
	for api, n := range st.Throttled {
		c.throttled.emit(ch, float64(n), api)
	}
	buckets := make(map[float64]uint64, len(fragments.PersistBuckets))
	for i, b := range fragments.PersistBuckets {
		buckets[b] = st.PersistCounts[i]
	}
	ch <- prometheus.MustNewConstHistogram(c.latency, st.PersistCount, st.PersistSum, buckets)
}
