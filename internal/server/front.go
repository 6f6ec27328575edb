package server

import (
	"context"
	"crypto/tls"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"sluice/internal/config"
)

// Front listens and serves HTTP the way Sluice does on every port:
// HTTP/1.1, h2 over TLS (ALPN) and h2c with prior knowledge (for
// SubscribeToShard), with TLS as configured. A Server has one; a cluster
// node has its own, since it serves whether or not it runs the services.
type Front struct {
	cfg  config.Config
	log  *slog.Logger
	http *http.Server
	tls  *tls.Config // nil without TLS
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
	f.http = &http.Server{
		Protocols:         protocols,
		ReadHeaderTimeout: 30 * time.Second,
		IdleTimeout:       5 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelDebug),
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
	ln, err := net.Listen("tcp", plain)
	if err != nil {
		return nil, err
	}
	if f.tls != nil && f.cfg.TLSListen == "" {
		out = append(out, secureListener{tls.NewListener(ln, f.tls)})
	} else {
		out = append(out, ln)
	}
	if f.tls != nil && secure != "" {
		tln, err := net.Listen("tcp", secure)
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
	return net.Listen("tcp", addr)
}

// ListenTLS binds addr for TLS with the configured certificate.
func (f *Front) ListenTLS(addr string) (net.Listener, error) {
	if f.tls == nil {
		return nil, errors.New("server: TLS is not configured")
	}
	ln, err := net.Listen("tcp", addr)
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
