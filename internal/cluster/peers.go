package cluster

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
)

// A request a follower forwards reaches the owner from the follower's
// address; the follower names the client's in X-Forwarded-For. The owner
// believes that header only from the addresses of the cluster's nodes (as
// their registry entries advertise them), so that aws:SourceIp conditions
// and the audit log see the client, and a client cannot claim another
// address by sending the header itself.

// peerRefresh is how old the known node addresses may grow; an address
// not among them is looked up again at most every peerRetry.
const (
	peerRefresh = 5 * time.Second
	peerRetry   = time.Second
)

type peers struct {
	mu  sync.Mutex
	at  time.Time
	ips map[string]bool
}

// clientAddress returns r as the services should see it: from the client
// a trusted node forwarded it for, or unchanged.
func (n *Node) clientAddress(r *http.Request) *http.Request {
	xff := r.Header.Get("X-Forwarded-For")
	if xff == "" || r.Header.Get(forwardedBy) == "" {
		return r
	}
	peer, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil || !n.trustedPeer(r.Context(), peer) {
		return r
	}
	// The forwarder's own entry is the last: it replaced whatever the
	// client sent (httputil.ReverseProxy's Rewrite drops incoming
	// X-Forwarded-* headers before SetXForwarded).
	client := strings.TrimSpace(xff[strings.LastIndexByte(xff, ',')+1:])
	if net.ParseIP(client) == nil {
		return r
	}
	r2 := r.WithContext(r.Context())
	r2.RemoteAddr = net.JoinHostPort(client, "0")
	return r2
}

func (n *Node) trustedPeer(ctx context.Context, ip string) bool {
	p := &n.peers
	p.mu.Lock()
	defer p.mu.Unlock()
	age := time.Since(p.at)
	if age > peerRefresh || !p.ips[ip] && age > peerRetry {
		if ips, err := n.nodeAddresses(ctx); err == nil {
			p.ips, p.at = ips, time.Now()
		}
	}
	return p.ips[ip]
}

// nodeAddresses resolves the advertised hosts of the registered nodes.
func (n *Node) nodeAddresses(ctx context.Context) (map[string]bool, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	res, err := n.etcd.Get(ctx, n.prefix+"nodes/", clientv3.WithPrefix())
	if err != nil {
		return nil, err
	}
	ips := map[string]bool{}
	for _, kv := range res.Kvs {
		var m Member
		if json.Unmarshal(kv.Value, &m) != nil {
			continue
		}
		u, err := url.Parse(m.Advertise)
		if err != nil || u.Hostname() == "" {
			continue
		}
		if ip := net.ParseIP(u.Hostname()); ip != nil {
			ips[ip.String()] = true
			continue
		}
		addrs, err := net.DefaultResolver.LookupHost(ctx, u.Hostname())
		if err != nil {
			continue
		}
		for _, a := range addrs {
			ips[a] = true
		}
	}
	return ips, nil
}
