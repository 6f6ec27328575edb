package console

import (
	"context"
	"net/http"
	"time"
)

// clusterStatusTimeout bounds one read of the cluster's status (a few etcd
// reads); the Cluster page asks again every 2 seconds.
const clusterStatusTimeout = 5 * time.Second

// cluster is GET /console/cluster: the cluster's status for the Cluster
// page (assets/cluster.js), as Options.Cluster reads it (package cluster's
// Status: the owner and its lease, the nodes, and which node runs every
// stream, delivery stream, application and video stream). A single node
// has no cluster: 404, and GET /console/session says cluster: false, so
// the page is not offered.
func (c *Console) cluster(w http.ResponseWriter, r *http.Request) {
	if c.opts.Cluster == nil {
		writeJSONError(w, http.StatusNotFound, "NotFound", "This server runs on a single node, not in cluster mode: it has no cluster status.")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), clusterStatusTimeout)
	defer cancel()
	st, err := c.opts.Cluster(ctx)
	if err != nil {
		c.opts.Logger.Warn("console: reading the cluster status", "err", err)
		writeJSONError(w, http.StatusServiceUnavailable, "ServiceUnavailableException", "The cluster's status could not be read from etcd; the page tries again shortly.")
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, st)
}
