package cluster

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"

	"sluice/internal/server"
)

// serveMetrics serves the node's own series and, while it owns the
// cluster, the services' and the storage backend's beside them (else the
// Go runtime's and the process's): a Prometheus scrape of every node sees
// each node, and the services once.
func (n *Node) serveMetrics(w http.ResponseWriter, r *http.Request) {
	g := prometheus.Gatherers{n.metrics}
	if srv := n.role.Load().srv; srv != nil {
		g = append(g, srv.Gatherer())
	} else {
		g = append(g, n.runtimeMetrics)
	}
	server.MetricsHandler(n.log, g).ServeHTTP(w, r)
}

// newNodeMetrics registers the node's collector, and the runtime's for
// when it serves no services.
func (n *Node) newNodeMetrics() {
	n.metrics = prometheus.NewRegistry()
	n.metrics.MustRegister(nodeCollector{n})
	n.runtimeMetrics = prometheus.NewRegistry()
	n.runtimeMetrics.MustRegister(server.RuntimeCollectors()...)
}

// nodeCollector reads the node's figures (atomic counters, its
// backend statistics) when scraped, each labelled with the node.
type nodeCollector struct{ n *Node }

type nodeSeries struct {
	name, help string
	kind       prometheus.ValueType
}

var (
	seriesOwner      = nodeSeries{"sluice_cluster_owner", "1 while this node owns the cluster and serves its services.", prometheus.GaugeValue}
	seriesLive       = nodeSeries{"sluice_cluster_session_live", "1 while this node holds a live etcd session.", prometheus.GaugeValue}
	seriesOwnerships = nodeSeries{"sluice_cluster_ownerships_total", "Times this node was elected owner.", prometheus.CounterValue}
	seriesLost       = nodeSeries{"sluice_cluster_ownerships_lost_total", "Times this node's lease lapsed while it owned the cluster (its commits were fenced off).", prometheus.CounterValue}
	seriesForwarded  = nodeSeries{"sluice_cluster_forwarded_requests_total", "Requests this node forwarded to the owner or to a stream's node.", prometheus.CounterValue}
	seriesRefused    = nodeSeries{"sluice_cluster_unavailable_responses_total", "Requests this node answered with 503 for want of an owner.", prometheus.CounterValue}
	seriesObjects    = nodeSeries{"sluice_cluster_objects_written_total", "Record objects this node wrote to the bucket.", prometheus.CounterValue}
	seriesBytes      = nodeSeries{"sluice_cluster_object_bytes_written_total", "Bytes of record objects this node wrote.", prometheus.CounterValue}
	seriesCommits    = nodeSeries{"sluice_cluster_commits_total", "etcd transactions this node committed (record ranges and metadata, all fenced).", prometheus.CounterValue}
	seriesFenced     = nodeSeries{"sluice_cluster_fenced_commits_total", "Commits etcd refused because this node's lease (or a stream's placement) had lapsed.", prometheus.CounterValue}
	seriesHits       = nodeSeries{"sluice_cluster_cache_hits_total", "Reads served from the object cache.", prometheus.CounterValue}
	seriesMisses     = nodeSeries{"sluice_cluster_cache_misses_total", "Reads that fetched a range from the bucket.", prometheus.CounterValue}
	seriesCompacted  = nodeSeries{"sluice_cluster_compaction_runs_total", "Compaction runs (each merges a run of small objects into one).", prometheus.CounterValue}
)

// Describe sends nothing: the backend's series come and go with
// ownership, so the collector is unchecked.
func (nodeCollector) Describe(chan<- *prometheus.Desc) {}

func (c nodeCollector) Collect(ch chan<- prometheus.Metric) {
	n := c.n
	emit := func(s nodeSeries, v float64) {
		desc := prometheus.NewDesc(s.name, s.help, nil, prometheus.Labels{"node": n.self.ID})
		ch <- prometheus.MustNewConstMetric(desc, s.kind, v)
	}
	emit(seriesOwner, bool01(n.role.Load().coordinating))
	emit(seriesLive, bool01(n.sessionLive.Load()))
	emit(seriesOwnerships, float64(n.stats.ownerships.Load()))
	emit(seriesLost, float64(n.stats.fenced.Load()))
	emit(seriesForwarded, float64(n.stats.forwarded.Load()))
	emit(seriesRefused, float64(n.stats.refused.Load()))
	n.mu.Lock()
	b := n.backend
	n.mu.Unlock()
	if b == nil {
		return
	}
	st := b.Stats()
	emit(seriesObjects, float64(st.ObjectsWritten))
	emit(seriesBytes, float64(st.BytesWritten))
	emit(seriesCommits, float64(st.Commits))
	emit(seriesFenced, float64(st.FencedCommits))
	emit(seriesHits, float64(st.CacheHits))
	emit(seriesMisses, float64(st.CacheMisses))
	emit(seriesCompacted, float64(st.Compactions))
}

func bool01(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
