package clustertest

import (
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.etcd.io/etcd/server/v3/embed"
)

// Etcd is an etcd cluster of embedded members, each on its own loopback
// address 127.0.0.2x with free client and peer ports.
type Etcd struct {
	t       testing.TB
	cfgs    []*embed.Config
	mu      sync.Mutex
	members []*embed.Etcd   // nil while stopped (StopMember)
	closing []chan struct{} // closed when a stopped member's servers are
	clients []string
}

// etcdReady bounds the wait for the members to elect a leader.
const etcdReady = 30 * time.Second

// StartEtcd starts an n-member etcd cluster (at most 9) in the test
// process, with data in temporary directories and logs at level "error"
// in files (printed when the test fails), and waits until it serves. It
// stops when the test ends.
func StartEtcd(t testing.TB, n int) *Etcd {
	t.Helper()
	if n < 1 || n > 9 {
		t.Fatalf("StartEtcd: %d members, want 1 to 9", n)
	}
	cfgs := make([]*embed.Config, n)
	var initial []string
	for i := range n {
		host := "127.0.0.2" + strconv.Itoa(i+1)
		cfg := embed.NewConfig()
		cfg.Name = fmt.Sprintf("etcd%d", i+1)
		cfg.Dir = t.TempDir()
		cfg.LogLevel = "error"
		cfg.LogOutputs = []string{filepath.Join(t.TempDir(), cfg.Name+".log")}
		cfg.UnsafeNoFsync = true // the members live and die with the test process
		client := mustURL(t, "http://"+freeAddr(t, host))
		peer := mustURL(t, "http://"+freeAddr(t, host))
		cfg.ListenClientUrls, cfg.AdvertiseClientUrls = []url.URL{client}, []url.URL{client}
		cfg.ListenPeerUrls, cfg.AdvertisePeerUrls = []url.URL{peer}, []url.URL{peer}
		cfg.InitialClusterToken = "sluice-test"
		initial = append(initial, cfg.Name+"="+peer.String())
		cfgs[i] = cfg
	}
	e := &Etcd{t: t, cfgs: cfgs}
	t.Cleanup(func() {
		for _, cfg := range cfgs {
			printLogOnFailure(t, cfg.Name, cfg.LogOutputs[0])
		}
	})
	t.Cleanup(e.Stop)
	for _, cfg := range cfgs {
		cfg.InitialCluster = strings.Join(initial, ",")
		m, err := embed.StartEtcd(cfg)
		if err != nil {
			t.Fatalf("starting etcd member %s: %v", cfg.Name, err)
		}
		e.members = append(e.members, m)
		e.clients = append(e.clients, cfg.AdvertiseClientUrls[0].String())
	}
	deadline := time.After(etcdReady)
	for _, m := range e.members {
		select {
		case <-m.Server.ReadyNotify():
		case err := <-m.Err():
			t.Fatalf("etcd member %s: %v", m.Config().Name, err)
		case <-deadline:
			t.Fatalf("etcd did not become ready in %v", etcdReady)
		}
	}
	return e
}

// ClientURLs returns the members' client URLs, http://127.0.0.2x:port.
func (e *Etcd) ClientURLs() []string { return append([]string(nil), e.clients...) }

// Stop stops every member; it may be called more than once.
func (e *Etcd) Stop() {
	e.mu.Lock()
	members := e.members
	e.members = nil
	e.mu.Unlock()
	var wg sync.WaitGroup
	for _, m := range members {
		if m != nil {
			wg.Go(func() { hardStop(m) })
		}
	}
	wg.Wait()
	e.waitClosed()
}

// hardStop stops a member at once, as a crash or a power cut would for
// its peers (no leadership transfer, no goodbye).
func hardStop(m *embed.Etcd) {
	m.Server.HardStop()
	m.Close()
}

// Leader returns the index of the member that leads now, or -1.
func (e *Etcd) Leader() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	for i, m := range e.members {
		if m != nil && m.Server.Leader() == m.Server.MemberID() {
			return i
		}
	}
	return -1
}

// StopMember stops member i's raft node at once; the others elect a
// leader among themselves if it led. Its servers close in the background
// (embed waits up to etcd's request timeout for its clients' streams:
// cut them first to see a crash, as Cluster.CrashEtcdMember does).
func (e *Etcd) StopMember(i int) {
	e.mu.Lock()
	m := e.members[i]
	e.members[i] = nil
	closed := make(chan struct{})
	e.closing = append(e.closing, closed)
	e.mu.Unlock()
	if m == nil {
		close(closed)
		return
	}
	m.Server.HardStop()
	go func() {
		defer close(closed)
		m.Close()
	}()
}

// waitClosed waits until the members StopMember stopped have closed.
func (e *Etcd) waitClosed() {
	e.mu.Lock()
	closing := e.closing
	e.closing = nil
	e.mu.Unlock()
	for _, c := range closing {
		<-c
	}
}

// RestartMember starts member i again on its data, and waits until it
// has rejoined.
func (e *Etcd) RestartMember(i int) {
	e.t.Helper()
	e.waitClosed() // its ports and data directory are free
	m, err := embed.StartEtcd(e.cfgs[i])
	if err != nil {
		e.t.Fatalf("restarting etcd member %s: %v", e.cfgs[i].Name, err)
	}
	select {
	case <-m.Server.ReadyNotify():
	case err := <-m.Err():
		e.t.Fatalf("etcd member %s: %v", e.cfgs[i].Name, err)
	case <-time.After(etcdReady):
		e.t.Fatalf("etcd member %s did not rejoin in %v", e.cfgs[i].Name, etcdReady)
	}
	e.mu.Lock()
	e.members[i] = m
	e.mu.Unlock()
}

// freeAddr returns host:port with a port free at the time of the call.
func freeAddr(t testing.TB, host string) string {
	t.Helper()
	ln, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		t.Fatalf("no free port on %s: %v", host, err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func mustURL(t testing.TB, s string) url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return *u
}
