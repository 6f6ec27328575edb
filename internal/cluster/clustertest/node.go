package clustertest

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"sluice/internal/testserver"
)

// NodeOptions configures a Sluice node process.
type NodeOptions struct {
	// ID is --node-id.
	ID string
	// Addr is --listen, host:port; empty: 127.0.0.11 with a free port.
	Addr string
	// EtcdURLs are the etcd members' client URLs. The node reaches each
	// through a Proxy of its own, which Partition cuts.
	EtcdURLs []string
	// S3Endpoint and Bucket are the object store (a versitygw of the test:
	// its credentials are passed).
	S3Endpoint, Bucket string
	// DataDir is --data-dir; empty: a temporary directory.
	DataDir string
	// LeaseTTL is --lease-ttl; zero: the binary's default.
	LeaseTTL time.Duration
	// TLSCert and TLSKey, when set, are --tls-cert and --tls-key: the node
	// serves and advertises https, and the test's clients trust TLSCert.
	TLSCert, TLSKey string
	// ExtraArgs are appended to the command line.
	ExtraArgs []string
}

// Timeouts of a node's lifecycle.
const (
	readyTimeout = 30 * time.Second // from start to a 200 from /healthcheck
	stopTimeout  = 20 * time.Second // from SIGTERM to exit, then SIGKILL
)

// Node is a Sluice process of a cluster. Its methods fail the test on
// errors; they are safe to call from one goroutine at a time.
type Node struct {
	// ID is the node's --node-id.
	ID string
	// LogPath is the file holding the process's output across restarts.
	LogPath string

	t       testing.TB
	opts    NodeOptions
	bin     string
	proxies []*Proxy

	trOnce sync.Once
	tr     *http.Transport // of the test's polls (client)

	mu     sync.Mutex
	cmd    *exec.Cmd
	exited chan struct{} // closed when cmd has exited
	paused bool
}

// StartNode starts a node and waits until it is ready (see WaitReady).
// It is killed when the test ends, and its log printed if the test failed.
func StartNode(t testing.TB, o NodeOptions) *Node {
	t.Helper()
	if o.Addr == "" {
		o.Addr = freeAddr(t, "127.0.0.11")
	}
	if o.DataDir == "" {
		o.DataDir = t.TempDir()
	}
	n := &Node{ID: o.ID, LogPath: filepath.Join(t.TempDir(), o.ID+".log"), t: t, opts: o, bin: Binary(t)}
	for _, u := range o.EtcdURLs {
		n.proxies = append(n.proxies, StartProxy(t, "127.0.0.1:0", strings.TrimPrefix(u, "http://")))
	}
	t.Cleanup(func() { printLogOnFailure(t, "node "+n.ID, n.LogPath) })
	t.Cleanup(n.Kill)
	n.Start()
	return n
}

// Endpoint returns the node's URL, http://addr (https with TLSCert).
func (n *Node) Endpoint() string {
	if n.opts.TLSCert != "" {
		return "https://" + n.opts.Addr
	}
	return "http://" + n.opts.Addr
}

// client returns an HTTP client of the node's endpoint: one that trusts
// its certificate when it serves TLS.
func (n *Node) client(timeout time.Duration) *http.Client {
	n.trOnce.Do(func() {
		n.tr = http.DefaultTransport.(*http.Transport).Clone()
		if n.opts.TLSCert != "" {
			pool := x509.NewCertPool()
			if pem, err := os.ReadFile(n.opts.TLSCert); err == nil {
				pool.AppendCertsFromPEM(pem)
			}
			n.tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
		}
	})
	return &http.Client{Timeout: timeout, Transport: n.tr}
}

// Addr returns the node's listen address.
func (n *Node) Addr() string { return n.opts.Addr }

// args is the node's command line.
func (n *Node) args() []string {
	var etcd []string
	for _, p := range n.proxies {
		etcd = append(etcd, "http://"+p.Addr())
	}
	a := []string{
		"--listen", n.opts.Addr,
		"--advertise", n.Endpoint(),
		"--node-id", n.ID,
		"--cluster-etcd", strings.Join(etcd, ","),
		"--s3-endpoint", n.opts.S3Endpoint,
		"--s3-bucket", n.opts.Bucket,
		"--s3-access-key", testserver.VersityAccessKey,
		"--s3-secret-key", testserver.VersitySecretKey,
		"--s3-region", testserver.VersityRegion,
		"--data-dir", n.opts.DataDir,
		"--auth", "open",
		"--limits", "off",
		"--create-delay", "0", "--delete-delay", "0", "--update-delay", "0",
	}
	if n.opts.TLSCert != "" {
		a = append(a, "--tls-cert", n.opts.TLSCert, "--tls-key", n.opts.TLSKey)
	}
	if n.opts.LeaseTTL > 0 {
		a = append(a, "--lease-ttl", n.opts.LeaseTTL.String())
	}
	return append(a, n.opts.ExtraArgs...)
}

// Start starts the process if it is not running and waits until it is
// ready.
func (n *Node) Start() {
	n.t.Helper()
	n.mu.Lock()
	if n.cmd != nil {
		n.mu.Unlock()
		return
	}
	logs, err := os.OpenFile(n.LogPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		n.mu.Unlock()
		n.t.Fatal(err)
	}
	fmt.Fprintf(logs, "=== %s: start %s\n", time.Now().Format(time.TimeOnly+".000"), strings.Join(n.args(), " "))
	cmd := exec.Command(n.bin, n.args()...)
	cmd.Stdout, cmd.Stderr = logs, logs
	cmd.Env = nodeEnv()
	err = cmd.Start()
	logs.Close()
	if err != nil {
		n.mu.Unlock()
		n.t.Fatalf("starting node %s: %v", n.ID, err)
	}
	exited := make(chan struct{})
	go func() {
		cmd.Wait()
		close(exited)
	}()
	n.cmd, n.exited, n.paused = cmd, exited, false
	n.mu.Unlock()
	n.WaitReady()
}

// nodeEnv is the test's environment without SLUICE_ settings, which would
// change the nodes' configuration.
func nodeEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SLUICE_") {
			env = append(env, kv)
		}
	}
	return env
}

// WaitReady waits until GET /healthcheck answers 200, failing the test
// after 30 s or when the process exits.
func (n *Node) WaitReady() {
	n.t.Helper()
	n.mu.Lock()
	exited := n.exited
	n.mu.Unlock()
	client := n.client(time.Second)
	deadline := time.Now().Add(readyTimeout)
	for {
		if resp, err := client.Get(n.Endpoint() + "/healthcheck"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case <-exited:
			n.t.Fatalf("node %s exited before it was ready", n.ID)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			n.t.Fatalf("node %s not ready after %v", n.ID, readyTimeout)
		}
	}
}

// Running reports whether the process runs (paused counts as running).
func (n *Node) Running() bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.cmd == nil {
		return false
	}
	select {
	case <-n.exited:
		return false
	default:
		return true
	}
}

// Paused reports whether the process is stopped by Pause.
func (n *Node) Paused() bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.paused
}

// signal sends sig to the running process; it reports false when there is
// none.
func (n *Node) signal(sig syscall.Signal) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.cmd == nil {
		return false
	}
	n.cmd.Process.Signal(sig)
	switch sig {
	case syscall.SIGSTOP:
		n.paused = true
	case syscall.SIGCONT:
		n.paused = false
	}
	return true
}

// reap waits until the process has exited (SIGKILL after d) and forgets it.
func (n *Node) reap(d time.Duration) (clean bool) {
	n.mu.Lock()
	cmd, exited := n.cmd, n.exited
	n.mu.Unlock()
	if cmd == nil {
		return true
	}
	clean = true
	select {
	case <-exited:
	case <-time.After(d):
		clean = false
		cmd.Process.Kill()
		<-exited
	}
	n.mu.Lock()
	n.cmd, n.exited, n.paused = nil, nil, false
	n.mu.Unlock()
	return clean
}

// Kill kills the process with SIGKILL (kill -9) and waits for its exit.
func (n *Node) Kill() {
	if n.signal(syscall.SIGKILL) {
		n.reap(stopTimeout)
	}
}

// Pause stops the process with SIGSTOP: it holds its sockets and does
// nothing, as a long GC pause or a frozen VM would.
func (n *Node) Pause() { n.signal(syscall.SIGSTOP) }

// Resume continues a paused process with SIGCONT.
func (n *Node) Resume() { n.signal(syscall.SIGCONT) }

// Stop asks the process to stop with SIGTERM (continuing it first if it
// is paused) and waits for its exit; after 20 s it kills it and fails the
// test.
func (n *Node) Stop() {
	n.t.Helper()
	if !n.signal(syscall.SIGTERM) {
		return
	}
	n.signal(syscall.SIGCONT)
	if !n.reap(stopTimeout) {
		n.t.Errorf("node %s did not stop within %v of SIGTERM; killed", n.ID, stopTimeout)
	}
}

// Restart stops the process gracefully (if it runs) and starts it again
// with the same options and data directory.
func (n *Node) Restart() {
	n.t.Helper()
	n.Stop()
	n.Start()
}

// Partition blackholes the node's connections to every etcd member (see
// Blackhole): the node neither reaches etcd nor learns it at once.
func (n *Node) Partition() { n.PartitionWith(Blackhole) }

// PartitionWith cuts the node's connections to etcd in mode m (Refuse or
// Blackhole).
func (n *Node) PartitionWith(m Mode) {
	for _, p := range n.proxies {
		p.set(m)
	}
}

// Heal restores the node's connections to etcd.
func (n *Node) Heal() {
	for _, p := range n.proxies {
		p.Heal()
	}
}
