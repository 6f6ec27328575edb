package cluster

import (
	"context"
	"net/http"
	"net/url"

	"sluice/internal/awsproto"
)

func contextWith(r *http.Request, target *url.URL) context.Context {
	return context.WithValue(r.Context(), targetKey{}, target)
}

// ServeHTTP serves the node's own paths and hands everything else to the
// services (owner) or to the owner (follower).
func (n *Node) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/cluster/status":
		if r.Method == http.MethodGet {
			n.serveStatus(w, r)
			return
		}
	case "/healthcheck":
		if r.Method == http.MethodGet && r.Header.Get(forwardedBy) == "" {
			n.serveHealth(w, r)
			return
		}
	case "/metrics":
		if r.Method == http.MethodGet && r.Header.Get(forwardedBy) == "" {
			n.serveMetrics(w, r)
			return
		}
	}
	cur := n.role.Load()
	switch {
	case cur.srv != nil:
		cur.srv.Handler().ServeHTTP(w, n.clientAddress(r))
	case cur.owning:
		n.stats.refused.Add(1)
		awsproto.WriteUnavailable(w, r, msgOwnerOpens)
	case r.Header.Get(forwardedBy) != "":
		n.stats.refused.Add(1)
		awsproto.WriteUnavailable(w, r, msgStaleFollow)
	case cur.leader.Advertise != "":
		n.fwd.forward(w, r, cur.leader)
	default:
		n.stats.refused.Add(1)
		awsproto.WriteUnavailable(w, r, msgNoOwner)
	}
}
