package cluster

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
)

// serveMetrics writes the node's own figures and, while it owns the
// cluster, the services' and the storage backend's after them: a
// Prometheus scrape of every node sees each node, and the services once.
func (n *Node) serveMetrics(w http.ResponseWriter, r *http.Request) {
	var buf bytes.Buffer
	cur := n.role.Load()
	if cur.srv != nil {
		rec := httptest.NewRecorder()
		cur.srv.Handler().ServeHTTP(rec, r)
		buf.Write(rec.Body.Bytes())
	}
	owner := 0
	if cur.srv != nil {
		owner = 1
	}
	node := fmt.Sprintf("{node=%q}", n.self.ID)
	gauge := func(name, help string, v int64) {
		fmt.Fprintf(&buf, "# HELP %s %s\n# TYPE %s gauge\n%s%s %d\n", name, help, name, name, node, v)
	}
	counter := func(name, help string, v uint64) {
		fmt.Fprintf(&buf, "# HELP %s %s\n# TYPE %s counter\n%s%s %d\n", name, help, name, name, node, v)
	}
	live := int64(0)
	if n.sessionLive.Load() {
		live = 1
	}
	gauge("sluice_cluster_owner", "1 while this node owns the cluster and serves its services.", int64(owner))
	gauge("sluice_cluster_session_live", "1 while this node holds a live etcd session.", live)
	counter("sluice_cluster_ownerships_total", "Times this node was elected owner.", uint64(n.stats.ownerships.Load()))
	counter("sluice_cluster_ownerships_lost_total", "Times this node's lease lapsed while it owned the cluster (its commits were fenced off).", uint64(n.stats.fenced.Load()))
	counter("sluice_cluster_forwarded_requests_total", "Requests this node forwarded to the owner.", uint64(n.stats.forwarded.Load()))
	counter("sluice_cluster_unavailable_responses_total", "Requests this node answered with 503 for want of an owner.", uint64(n.stats.refused.Load()))
	n.mu.Lock()
	b := n.backend
	n.mu.Unlock()
	if b != nil {
		st := b.Stats()
		counter("sluice_cluster_objects_written_total", "Record objects this owner wrote to the bucket.", st.ObjectsWritten)
		counter("sluice_cluster_object_bytes_written_total", "Bytes of record objects this owner wrote.", st.BytesWritten)
		counter("sluice_cluster_commits_total", "etcd transactions this owner committed (record ranges and metadata, all fenced).", st.Commits)
		counter("sluice_cluster_fenced_commits_total", "Commits etcd refused because this owner's lease had lapsed.", st.FencedCommits)
		counter("sluice_cluster_cache_hits_total", "Reads served from the object cache.", st.CacheHits)
		counter("sluice_cluster_cache_misses_total", "Reads that fetched a range from the bucket.", st.CacheMisses)
		counter("sluice_cluster_compaction_runs_total", "Compaction runs (each merges a run of small objects into one).", st.Compactions)
	}
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	w.Write(buf.Bytes())
}
