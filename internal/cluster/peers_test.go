package cluster

import (
	"net/http/httptest"
	"testing"
)

// TestClientAddressOfForwardedRequests: the owner takes a forwarded
// request's client address from X-Forwarded-For only when a node sent it.
func TestClientAddressOfForwardedRequests(t *testing.T) {
	n := &Node{}
	n.peers.ips = map[string]bool{"10.0.0.2": true}
	req := func(from, xff string, forwarded bool) string {
		r := httptest.NewRequest("POST", "/", nil)
		r.RemoteAddr = from
		if xff != "" {
			r.Header.Set("X-Forwarded-For", xff)
		}
		if forwarded {
			r.Header.Set(forwardedBy, "n2")
		}
		return n.clientAddress(r).RemoteAddr
	}
	for _, tt := range []struct {
		name, from, xff string
		forwarded       bool
		want            string
	}{
		{"forwarded by a node", "10.0.0.2:5000", "203.0.113.7", true, "203.0.113.7:0"},
		{"the forwarder's entry is the last", "10.0.0.2:5000", "198.51.100.1, 203.0.113.7", true, "203.0.113.7:0"},
		{"IPv6 client", "10.0.0.2:5000", "2001:db8::1", true, "[2001:db8::1]:0"},
		{"a client claiming to be forwarded", "192.0.2.9:4000", "203.0.113.7", true, "192.0.2.9:4000"},
		{"a node's request without the forwarding mark", "10.0.0.2:5000", "203.0.113.7", false, "10.0.0.2:5000"},
		{"not an address", "10.0.0.2:5000", "evil", true, "10.0.0.2:5000"},
		{"no header", "10.0.0.2:5000", "", true, "10.0.0.2:5000"},
	} {
		if got := req(tt.from, tt.xff, tt.forwarded); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
		}
	}
}
