package clustertest

import (
	"bufio"
	"errors"
	"io"
	"net"
	"os"
	"testing"
	"time"
)

// echo starts a TCP server that echoes every line back.
func echo(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				io.Copy(c, c)
			}()
		}
	}()
	return ln.Addr().String()
}

// roundTrip writes a line and reads it back within d.
func roundTrip(c net.Conn, r *bufio.Reader, line string, d time.Duration) (string, error) {
	if _, err := c.Write([]byte(line + "\n")); err != nil {
		return "", err
	}
	c.SetReadDeadline(time.Now().Add(d))
	got, err := r.ReadString('\n')
	if len(got) > 0 {
		got = got[:len(got)-1]
	}
	return got, err
}

func dial(t *testing.T, p *Proxy) (net.Conn, *bufio.Reader) {
	t.Helper()
	c, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c, bufio.NewReader(c)
}

func mustEcho(t *testing.T, c net.Conn, r *bufio.Reader, line string) {
	t.Helper()
	if got, err := roundTrip(c, r, line, 5*time.Second); err != nil || got != line {
		t.Fatalf("echo of %q = %q, %v", line, got, err)
	}
}

func TestProxyForwards(t *testing.T) {
	p := StartProxy(t, "127.0.0.1:0", echo(t))
	c, r := dial(t, p)
	mustEcho(t, c, r, "hello")
	mustEcho(t, c, r, "again")
}

func TestProxyCutSeversAndRefuses(t *testing.T) {
	p := StartProxy(t, "127.0.0.1:0", echo(t))
	c, r := dial(t, p)
	mustEcho(t, c, r, "before")
	p.Cut()
	if _, err := roundTrip(c, r, "during", 5*time.Second); err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("open connection after Cut: err = %v, want it severed", err)
	}
	// A new connection is reset, at once or at its first read.
	if c2, err := net.Dial("tcp", p.Addr()); err == nil {
		defer c2.Close()
		if _, err := roundTrip(c2, bufio.NewReader(c2), "new", 5*time.Second); err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
			t.Fatalf("new connection after Cut: err = %v, want it refused", err)
		}
	}
	p.Heal()
	c3, r3 := dial(t, p)
	mustEcho(t, c3, r3, "healed")
}

func TestProxyBlackholeHoldsAndResumes(t *testing.T) {
	p := StartProxy(t, "127.0.0.1:0", echo(t))
	c, r := dial(t, p)
	mustEcho(t, c, r, "before")
	p.Blackhole()
	if got, err := roundTrip(c, r, "held", 300*time.Millisecond); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("open connection in a blackhole: %q, %v; want a timeout", got, err)
	}
	c2, r2 := dial(t, p)
	if got, err := roundTrip(c2, r2, "new", 300*time.Millisecond); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("new connection in a blackhole: %q, %v; want a timeout", got, err)
	}
	p.Heal()
	// The bytes written during the partition arrive, in order, after it.
	for _, cr := range []struct {
		c    net.Conn
		r    *bufio.Reader
		want string
	}{{c, r, "held"}, {c2, r2, "new"}} {
		cr.c.SetReadDeadline(time.Now().Add(5 * time.Second))
		if got, err := cr.r.ReadString('\n'); err != nil || got != cr.want+"\n" {
			t.Fatalf("after Heal: %q, %v; want %q", got, err, cr.want)
		}
	}
	mustEcho(t, c, r, "after")
}

func TestProxyBlackholeThenCutResets(t *testing.T) {
	p := StartProxy(t, "127.0.0.1:0", echo(t))
	c, r := dial(t, p)
	mustEcho(t, c, r, "before")
	p.Blackhole()
	c.Write([]byte("held\n"))
	time.Sleep(50 * time.Millisecond)
	p.Cut()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := r.ReadString('\n'); err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("held connection after Cut: %v, want it severed", err)
	}
}

func TestProxyClose(t *testing.T) {
	p := StartProxy(t, "127.0.0.1:0", echo(t))
	c, r := dial(t, p)
	mustEcho(t, c, r, "before")
	p.Close()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := r.ReadString('\n'); err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("connection after Close: %v, want it closed", err)
	}
	if c, err := net.Dial("tcp", p.Addr()); err == nil {
		c.Close()
		t.Fatal("Close left the proxy listening")
	}
	p.Close() // twice is fine
}
