package server

import (
	"context"
	"crypto/tls"
	"errors"
	"log/slog"
	"net"
	"net/http"

	"sluice/internal/config"
)

// Front listens and serves HTTP the way Sluice does on every port:
// HTTP/1.1, h2 over TLS (ALPN) and h2c with prior knowledge (for
// SubscribeToShard), with TLS as configured. A Server has one; a cluster
// node has its own, since it serves whether or not it runs the services.
//
// Against hostile clients it bounds, from the configuration: the time to
// send a request's headers and a TLS handshake (--read-header-timeout), an
// idle connection's life (--idle-timeout), the size of a request's headers
// (--max-header-bytes), the connections open at once (--max-connections,
// see connLimit) and the streams open at once on an HTTP/2 connection
// (--http2-max-concurrent-streams). Go's HTTP/2 server adds its own
// defences, which these settings size: it runs at most that many handlers
// per connection and queues the streams a client opens after resetting
// others (rapid reset, CVE-2023-44487) until it closes a connection that
// queues too many, bounds the control frames it queues for a client that
// does not read, and bounds each connection's and stream's receive
// buffers (1 MiB each by default). The time to send a body is the API
// handlers' (--body-timeout); no write timeout is set, since
// SubscribeToShard, GetMedia and PutMedia answers last minutes.
type Front struct {
	cfg   config.Config
	log   *slog.Logger
	http  *http.Server
	tls   *tls.Config // nil without TLS
	conns *connLimit  // nil without --max-connections
	h2    *h2Errors
}

// NewFront prepares the listener settings of cfg (making the self-signed
// certificate if asked). Set the handler with SetHandler before serving.
func NewFront(cfg config.Config, log *slog.Logger) (*Front, error) {
	f := &Front{cfg: cfg, log: log}
	if cfg.TLS() {
		var certFile string
		var err error
		if f.tls, certFile, err = tlsConfig(cfg); err != nil {
			return nil, err
		}
		log.Info("tls certificate", "file", certFile)
	}
	protocols := new(http.Protocols)
	protocols.SetHTTP1(true)
	protocols.SetHTTP2(true)            // h2 over TLS (ALPN)
	protocols.SetUnencryptedHTTP2(true) // h2c with prior knowledge, for SubscribeToShard
	f.h2 = &h2Errors{}
	f.http = &http.Server{
		Protocols:         protocols,
		ReadHeaderTimeout: cfg.ReadHeaderTimeout,
		IdleTimeout:       cfg.IdleTimeout,
		MaxHeaderBytes:    int(cfg.MaxHeaderBytes),
		HTTP2: &http.HTTP2Config{
			MaxConcurrentStreams: cfg.HTTP2MaxConcurrentStreams,
			CountError:           f.h2.count,
		},
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelDebug),
	}
	if cfg.MaxConnections > 0 {
		f.conns = newConnLimit(cfg.MaxConnections)
		f.http.ConnState = f.conns.trackState
	}
	return f, nil
}

// SetHandler sets what the Front serves.
func (f *Front) SetHandler(h http.Handler) { f.http.Handler = h }

// Listeners binds the configured addresses: --listen (TLS when TLS is
// configured without --tls-listen) and --tls-listen. Non-empty arguments
// replace them (tests pass 127.0.0.1:0).
func (f *Front) Listeners(plain, secure string) ([]net.Listener, error) {
	if plain == "" {
		plain = f.cfg.Listen
	}
	if secure == "" {
		secure = f.cfg.TLSListen
	}
	var out []net.Listener
	ln, err := f.listen(plain)
	if err != nil {
		return nil, err
	}
	if f.tls != nil && f.cfg.TLSListen == "" {
		out = append(out, secureListener{tls.NewListener(ln, f.tls)})
	} else {
		out = append(out, ln)
	}
	if f.tls != nil && secure != "" {
		tln, err := f.listen(secure)
		if err != nil {
			ln.Close()
			return nil, err
		}
		out = append(out, secureListener{tls.NewListener(tln, f.tls)})
	}
	return out, nil
}

// Listen binds the plain address (or addr, when not empty); it is
// Listeners without TLS, for tests.
func (f *Front) Listen(addr string) (net.Listener, error) {
	if addr == "" {
		addr = f.cfg.Listen
	}
	return f.listen(addr)
}

// listen binds addr, its connections counted against --max-connections.
func (f *Front) listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	return f.conns.listener(ln), nil
}

// ListenTLS binds addr for TLS with the configured certificate.
func (f *Front) ListenTLS(addr string) (net.Listener, error) {
	if f.tls == nil {
		return nil, errors.New("server: TLS is not configured")
	}
	ln, err := f.listen(addr)
	if err != nil {
		return nil, err
	}
	return secureListener{tls.NewListener(ln, f.tls)}, nil
}

// Serve serves on ln until Shutdown.
func (f *Front) Serve(ln net.Listener) error {
	scheme := "http"
	if _, ok := ln.(secureListener); ok {
		scheme = "https"
	}
	f.log.Info("serving", "addr", ln.Addr().String(), "scheme", scheme, "data_dir", f.cfg.DataDir, "auth", f.cfg.Auth, "limits", f.cfg.Limits)
	err := f.http.Serve(ln)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// ShutdownHTTP stops accepting requests and waits for those in flight
// (until ctx ends, then cuts them).
func (f *Front) ShutdownHTTP(ctx context.Context) error {
	err := f.http.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		err = f.http.Close()
	}
	return err
}

// secureListener marks a TLS listener (for the log).
type secureListener struct{ net.Listener }
