package cluster

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"time"

	"sluice/internal/awsproto"
)

// forwardedBy marks a request a node forwarded, with the node's ID: a node
// that is not the owner answers such a request with 503 rather than pass it
// on, so that two nodes with stale views never bounce a request between
// them.
const forwardedBy = "X-Sluice-Forwarded-By"

// Messages of the 503s a node answers while it cannot reach an owner.
const (
	msgNoOwner     = "No Sluice node owns the cluster just now (an election is in progress). Back off and retry the operation."
	msgOwnerOpens  = "This Sluice node was just elected owner of the cluster and is opening its services. Back off and retry the operation."
	msgOwnerGone   = "The Sluice node that owns the cluster did not answer. Back off and retry the operation."
	msgStaleFollow = "This Sluice node does not own the cluster; the node that forwarded the request has a stale view. Back off and retry the operation."
)

// forwarder passes requests to the owner unchanged: method, path, headers
// (Host included, which the SigV4 signature covers) and a streamed body;
// responses stream back as they come (event streams, GetMedia).
type forwarder struct {
	n     *Node
	proxy *httputil.ReverseProxy
}

type targetKey struct{}

// contextWith returns r's context carrying the node to forward it to.
func contextWith(r *http.Request, target *url.URL) context.Context {
	return context.WithValue(r.Context(), targetKey{}, target)
}

func newForwarder(n *Node) *forwarder {
	tr := &http.Transport{
		Proxy:                 nil,
		DialContext:           (&net.Dialer{Timeout: 2 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConnsPerHost:   256,
		IdleConnTimeout:       90 * time.Second,
		ResponseHeaderTimeout: 0, // SubscribeToShard and GetMedia answer slowly by design
		TLSClientConfig:       forwardTLS(n),
		ForceAttemptHTTP2:     false,
	}
	f := &forwarder{n: n}
	f.proxy = &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			target := pr.In.Context().Value(targetKey{}).(*url.URL)
			pr.Out.URL.Scheme = target.Scheme
			pr.Out.URL.Host = target.Host
			// pr.Out.Host stays the client's: the signature covers it.
			pr.SetXForwarded()
			pr.Out.Header.Set(forwardedBy, n.self.ID)
		},
		Transport:     tr,
		FlushInterval: -1,
		ErrorLog:      nil,
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			n.log.Debug("forwarding to the owner", "err", err)
			n.stats.refused.Add(1)
			awsproto.WriteUnavailable(w, r, msgOwnerGone)
		},
	}
	return f
}

// forwardTLS trusts the system's CAs and, when this node serves TLS with
// its own certificate file, that file too: nodes commonly share one
// certificate (or a CA bundle) for the addresses they advertise.
func forwardTLS(n *Node) *tls.Config {
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if n.cfg.TLSCert != "" {
		if pem, err := os.ReadFile(n.cfg.TLSCert); err == nil {
			pool.AppendCertsFromPEM(pem)
		}
	}
	return &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
}

func (f *forwarder) forward(w http.ResponseWriter, r *http.Request, to Member) {
	u, err := url.Parse(to.Advertise)
	if err != nil || u.Host == "" {
		awsproto.WriteUnavailable(w, r, msgOwnerGone)
		return
	}
	f.n.stats.forwarded.Add(1)
	if r.ProtoMajor == 1 {
		// The owner may answer before the body ends (PutMedia acknowledges
		// fragments while the producer streams): without full duplex, Go's
		// server would discard unread body bytes when the answer's headers
		// go out, racing the copy to the owner.
		http.NewResponseController(w).EnableFullDuplex()
	}
	f.proxy.ServeHTTP(w, r.WithContext(contextWith(r, u)))
}
