package server

import (
	"crypto/tls"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// connLimit bounds the connections a Front holds open (--max-connections),
// across its listeners, on the accept side: a connection over the bound
// is never left waiting in the kernel's backlog, where a client cannot
// tell a full server from a dead one.
//
// A connection arriving at the bound displaces the connection that has
// waited longest without a request in progress: an idle keep-alive
// connection (HTTP/1, or HTTP/2 with no open stream), or one that has not
// finished sending its first request's headers (a slowloris). Those are
// closed at once; their clients, if any, reconnect (every SDK retries a
// closed idle connection). So neither a flood of idle connections nor of
// slow headers keeps legitimate clients out. Only when every connection
// is in the middle of a request (each bounded by --body-timeout, or a
// stream the client keeps reading) is the new one refused: closed at
// once, so that its client retries with backoff.
//
// Which connections wait is learnt from http.Server.ConnState (trackState).
// A connection chosen just as its next request arrives loses that request
// too (the client sees it closed, as with --idle-timeout); that only
// happens at the bound.
type connLimit struct {
	max int

	mu      sync.Mutex
	open    int
	waiting map[net.Conn]waitingConn // by the conn net/http reports

	refused   atomic.Uint64
	displaced atomic.Uint64
}

type waitingConn struct {
	since time.Time
	raw   *limitedConn
}

func newConnLimit(max int) *connLimit {
	return &connLimit{max: max, waiting: map[net.Conn]waitingConn{}}
}

// listener wraps ln so that its connections count against the bound.
func (l *connLimit) listener(ln net.Listener) net.Listener {
	if l == nil {
		return ln
	}
	return &limitListener{Listener: ln, l: l}
}

type limitListener struct {
	net.Listener
	l *connLimit
}

// Accept returns the next connection the bound admits, closing those it
// refuses.
func (ln *limitListener) Accept() (net.Conn, error) {
	for {
		c, err := ln.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if lc := ln.l.admit(c); lc != nil {
			return lc, nil
		}
		c.Close()
	}
}

// admit takes a slot for c, displacing the longest-waiting connection when
// none is free; nil when every connection is busy.
func (l *connLimit) admit(c net.Conn) *limitedConn {
	l.mu.Lock()
	if l.open < l.max {
		l.open++
		l.mu.Unlock()
		return &limitedConn{Conn: c, l: l}
	}
	var victimKey net.Conn
	var victim waitingConn
	for k, w := range l.waiting {
		if victimKey == nil || w.since.Before(victim.since) {
			victimKey, victim = k, w
		}
	}
	if victimKey == nil {
		l.mu.Unlock()
		l.refused.Add(1)
		return nil
	}
	delete(l.waiting, victimKey)
	// The slot passes to the new connection: closing the victim must not
	// free it again.
	victim.raw.handedOver.Store(true)
	l.mu.Unlock()
	victim.raw.Close()
	l.displaced.Add(1)
	return &limitedConn{Conn: c, l: l}
}

// trackState is the http.Server's ConnState hook: a connection waits
// (displaceable) while new or idle, and not while a request is in
// progress.
func (l *connLimit) trackState(c net.Conn, state http.ConnState) {
	raw := rawConn(c)
	if raw == nil {
		return // not from a limited listener
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	switch state {
	case http.StateNew, http.StateIdle:
		if !raw.handedOver.Load() {
			l.waiting[c] = waitingConn{since: time.Now(), raw: raw}
		}
	default:
		delete(l.waiting, c)
	}
}

// rawConn finds the limitedConn under a connection net/http reports (a
// TLS connection wraps it).
func rawConn(c net.Conn) *limitedConn {
	switch c := c.(type) {
	case *limitedConn:
		return c
	case *tls.Conn:
		lc, _ := c.NetConn().(*limitedConn)
		return lc
	}
	return nil
}

// Open is how many connections are open.
func (l *connLimit) Open() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.open
}

// Busy is how many open connections are in the middle of a request (the
// ones a new connection cannot displace).
func (l *connLimit) Busy() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return max(0, l.open-len(l.waiting))
}

// limitedConn is an admitted connection; closing it frees its slot (once).
type limitedConn struct {
	net.Conn
	l          *connLimit
	once       sync.Once
	handedOver atomic.Bool // displaced: its slot went to another connection
}

func (c *limitedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() {
		if c.handedOver.Load() {
			return
		}
		c.l.mu.Lock()
		c.l.open--
		c.l.mu.Unlock()
	})
	return err
}

// Connections reports the connections open against --max-connections
// and how many of them are in the middle of a request (both 0 without
// the bound), as /metrics shows them.
func (f *Front) Connections() (open, busy int) {
	if f.conns == nil {
		return 0, 0
	}
	return f.conns.Open(), f.conns.Busy()
}
