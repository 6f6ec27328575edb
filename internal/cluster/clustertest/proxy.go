package clustertest

import (
	"errors"
	"io"
	"net"
	"sync"
	"testing"
)

// Mode is what a cut Proxy does with connections.
type Mode int

const (
	// Flowing forwards bytes both ways: the proxy is healed.
	Flowing Mode = iota
	// Refuse severs the open connections (with a reset) and resets every
	// new one as soon as it is accepted: the peer learns at once.
	Refuse
	// Blackhole holds the open connections and accepts new ones without
	// forwarding a byte either way, as a network partition does: the peer
	// learns only from its own timeouts. Bytes read meanwhile are kept and
	// forwarded in order after Heal, as TCP retransmission would deliver
	// them, so a connection that outlives the cut is intact.
	Blackhole
)

// Proxy is a userspace TCP proxy from a listening address to a target,
// which a test can cut and heal.
type Proxy struct {
	ln     net.Listener
	target string

	mu      sync.Mutex
	mode    Mode
	changed chan struct{} // closed (and replaced) at every change of mode
	closed  bool
	conns   map[net.Conn]struct{}
	done    chan struct{}
	wg      sync.WaitGroup
}

// StartProxy listens on listen (host:port, port 0 for a free one) and
// forwards every connection to target. It closes when the test ends.
func StartProxy(t testing.TB, listen, target string) *Proxy {
	t.Helper()
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		t.Fatalf("proxy to %s: %v", target, err)
	}
	p := &Proxy{ln: ln, target: target, changed: make(chan struct{}), conns: map[net.Conn]struct{}{}, done: make(chan struct{})}
	p.wg.Go(p.accept)
	t.Cleanup(p.Close)
	return p
}

// Addr returns the address the proxy listens on.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// Cut severs the open connections and refuses new ones (Refuse).
func (p *Proxy) Cut() { p.set(Refuse) }

// Blackhole holds every connection without forwarding (see Blackhole).
func (p *Proxy) Blackhole() { p.set(Blackhole) }

// Heal forwards again.
func (p *Proxy) Heal() { p.set(Flowing) }

// Mode returns the current mode.
func (p *Proxy) Mode() Mode {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.mode
}

func (p *Proxy) set(m Mode) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed || p.mode == m {
		return
	}
	p.mode = m
	close(p.changed)
	p.changed = make(chan struct{})
	if m == Refuse {
		for c := range p.conns {
			reset(c)
		}
	}
}

// Close stops listening and closes every connection.
func (p *Proxy) Close() {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	p.closed = true
	close(p.done)
	p.ln.Close()
	for c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
}

func (p *Proxy) accept() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		if !p.track(c) {
			c.Close()
			return
		}
		p.wg.Go(func() { p.serve(c) })
	}
}

// track adds c to the open connections, unless the proxy is closed.
func (p *Proxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return false
	}
	p.conns[c] = struct{}{}
	return true
}

func (p *Proxy) untrack(c net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.conns, c)
}

// serve forwards one accepted connection.
func (p *Proxy) serve(c net.Conn) {
	defer p.untrack(c)
	defer c.Close()
	if !p.wait() {
		reset(c)
		return
	}
	up, err := net.Dial("tcp", p.target)
	if err != nil {
		reset(c)
		return
	}
	defer p.untrack(up)
	defer up.Close()
	if !p.track(up) {
		return
	}
	var wg sync.WaitGroup
	wg.Go(func() { p.pipe(up, c) })
	wg.Go(func() { p.pipe(c, up) })
	wg.Wait()
}

// pipe copies src to dst while the proxy flows; on src's end it closes
// dst for writing, on any failure or a Refuse cut it resets both.
func (p *Proxy) pipe(dst, src net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if !p.wait() {
				reset(src)
				reset(dst)
				return
			}
			if _, err := dst.Write(buf[:n]); err != nil {
				reset(src)
				return
			}
		}
		if errors.Is(err, io.EOF) {
			if tc, ok := dst.(*net.TCPConn); ok {
				tc.CloseWrite()
				return
			}
		}
		if err != nil {
			dst.Close()
			return
		}
	}
}

// wait blocks while the proxy is blackholed; it reports whether bytes may
// flow (false once it is closed or refusing).
func (p *Proxy) wait() bool {
	for {
		p.mu.Lock()
		mode, changed, closed := p.mode, p.changed, p.closed
		p.mu.Unlock()
		switch {
		case closed || mode == Refuse:
			return false
		case mode == Flowing:
			return true
		}
		select {
		case <-changed:
		case <-p.done:
			return false
		}
	}
}

// reset closes c abruptly (RST rather than FIN) where it can.
func reset(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	c.Close()
}
