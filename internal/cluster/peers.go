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
// their registry entries advertise them, kept current by watchPeers), so
// that aws:SourceIp conditions and the audit log see the client, and a
// client cannot claim another address by sending the header itself.

type peers struct {
	mu  sync.RWMutex
	ips map[string]bool
	// members are the registered nodes by ID, for forwarding to a unit's
	// owner.
	members map[string]Member
}

// member returns the registered node with the ID.
func (n *Node) member(id string) (Member, bool) {
	n.peers.mu.RLock()
	defer n.peers.mu.RUnlock()
	m, ok := n.peers.members[id]
	return m, ok
}

// clientAddress returns r as the services should see it: from the client
// a trusted node forwarded it for, or unchanged.
func (n *Node) clientAddress(r *http.Request) *http.Request {
	xff := r.Header.Get("X-Forwarded-For")
	if xff == "" || r.Header.Get(forwardedBy) == "" {
		return r
	}
	peer, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil || !n.trustedPeer(peer) {
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

func (n *Node) trustedPeer(ip string) bool {
	n.peers.mu.RLock()
	defer n.peers.mu.RUnlock()
	return n.peers.ips[ip]
}

// watchPeers keeps the nodes' addresses current while ctx (the node's
// session) lasts: the registry is read again on every change to it, so
// the request path never waits on etcd.
func (n *Node) watchPeers(ctx context.Context) {
	for ctx.Err() == nil {
		ips, members, rev, err := n.nodeAddresses(ctx)
		if err != nil {
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
			continue
		}
		n.peers.mu.Lock()
		n.peers.ips, n.peers.members = ips, members
		n.peers.mu.Unlock()
		for wr := range n.etcd.Watch(ctx, n.prefix+"nodes/", clientv3.WithPrefix(), clientv3.WithRev(rev+1)) {
			if wr.Err() != nil || len(wr.Events) > 0 {
				break // read the registry again
			}
		}
	}
}

// nodeAddresses returns the registered nodes and resolves their
// advertised hosts.
func (n *Node) nodeAddresses(ctx context.Context) (map[string]bool, map[string]Member, int64, error) {
	gctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	res, err := n.etcd.Get(gctx, n.prefix+"nodes/", clientv3.WithPrefix())
	if err != nil {
		return nil, nil, 0, err
	}
	ips := map[string]bool{}
	members := map[string]Member{}
	for _, kv := range res.Kvs {
		var m Member
		if json.Unmarshal(kv.Value, &m) != nil {
			continue
		}
		members[m.ID] = m
		u, err := url.Parse(m.Advertise)
		if err != nil || u.Hostname() == "" {
			continue
		}
		if ip := net.ParseIP(u.Hostname()); ip != nil {
			ips[ip.String()] = true
			continue
		}
		addrs, err := net.DefaultResolver.LookupHost(gctx, u.Hostname())
		if err != nil {
			continue
		}
		for _, a := range addrs {
			ips[a] = true
		}
	}
	return ips, members, res.Header.Revision, nil
}
