// Package clusterserver makes testserver.Start run each test server as a
// cluster of nodes when SLUICE_TEST_CLUSTER=<nodes> is set: the nodes run
// in the test's process over one embedded etcd member (shared by the test
// binary, a key prefix per server) and a versitygw per test, and the
// clients talk to a node that forwards to the owner. A test binary opts
// in by importing it for its side effect; it is kept out of package
// testserver so that other test binaries do not link etcd's server.
package clusterserver

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"go.etcd.io/etcd/server/v3/embed"

	"sluice/internal/cluster"
	"sluice/internal/config"
	"sluice/internal/server"
	"sluice/internal/testserver"
)

func init() { testserver.StartCluster = start }

const bucket = "sluice-records"

var (
	etcdOnce sync.Once
	etcdURL  string
	etcdErr  error

	// stores keeps each test's versitygw, so that a test restarting its
	// server on the same data directory finds its records.
	storesMu sync.Mutex
	stores   = map[testing.TB]*testserver.Versitygw{}
)

// sharedEtcd starts one etcd member for the test binary.
func sharedEtcd() (string, error) {
	etcdOnce.Do(func() {
		dir, err := os.MkdirTemp("", "sluice-etcd-")
		if err != nil {
			etcdErr = err
			return
		}
		cfg := embed.NewConfig()
		cfg.Dir = dir
		cfg.LogLevel = "error"
		client, peer := freeURL(), freeURL()
		cfg.ListenClientUrls, cfg.AdvertiseClientUrls = []url.URL{client}, []url.URL{client}
		cfg.ListenPeerUrls, cfg.AdvertisePeerUrls = []url.URL{peer}, []url.URL{peer}
		cfg.InitialCluster = cfg.Name + "=" + peer.String()
		e, err := embed.StartEtcd(cfg)
		if err != nil {
			etcdErr = err
			return
		}
		select {
		case <-e.Server.ReadyNotify():
			etcdURL = client.String()
		case <-time.After(30 * time.Second):
			etcdErr = fmt.Errorf("etcd did not start in 30 s")
		}
	})
	return etcdURL, etcdErr
}

func freeURL() url.URL {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer ln.Close()
	return url.URL{Scheme: "http", Host: ln.Addr().String()}
}

func versitygw(t testing.TB) *testserver.Versitygw {
	storesMu.Lock()
	defer storesMu.Unlock()
	if v, ok := stores[t]; ok {
		return v
	}
	v := testserver.StartVersitygw(t, bucket)
	stores[t] = v
	t.Cleanup(func() {
		storesMu.Lock()
		delete(stores, t)
		storesMu.Unlock()
	})
	return v
}

// Nodes is a running in-process cluster.
type Nodes struct {
	Nodes []*cluster.Node
	URLs  []string
	// TLSURLs are the nodes' https endpoints when the options serve TLS:
	// every node serves the certificate in <data-dir>/tls (self-signed,
	// made once for the cluster) on a port of its own, and forwards to
	// the owner over plain HTTP.
	TLSURLs []string
	Stop    func()
	// Store is the object store holding the records, in bucket Bucket.
	Store  *testserver.Versitygw
	Bucket string
	// Etcd and Prefix are where its metadata lives (etcd's client URLs,
	// comma-separated, and the key prefix).
	Etcd, Prefix string

	stops []func() // per node
}

// StopNode stops node i as SIGTERM would: it finishes requests in flight,
// closes its services and resigns.
func (c *Nodes) StopNode(i int) { c.stops[i]() }

func start(t testing.TB, nodes int, o server.Options) (*server.Server, string, string, func()) {
	t.Helper()
	c := Start(t, nodes, o)
	for i, n := range c.Nodes {
		// The clients talk to another node, which forwards once it knows
		// the owner.
		other := (i + 1) % len(c.Nodes)
		if srv := n.Server(); srv != nil {
			tlsURL := ""
			if c.TLSURLs != nil {
				tlsURL = c.TLSURLs[other]
			}
			return srv, c.URLs[other], tlsURL, c.Stop
		}
	}
	panic("unreachable: Start returns with an owner")
}

// Start runs nodes in this process as one cluster with the options of a
// single server (o.Config's data directory names the cluster: a restart
// on the same directory finds its data). It returns once a node owns the
// cluster and every other node follows it; the cluster stops when the
// test ends, or with Stop.
func Start(t testing.TB, nodes int, o server.Options) *Nodes {
	t.Helper()
	etcd, err := sharedEtcd()
	if err != nil {
		t.Fatalf("clusterserver: etcd: %v", err)
	}
	s3 := versitygw(t)
	sum := sha256.Sum256([]byte(o.Config.DataDir))
	prefix := "/t/" + hex.EncodeToString(sum[:8]) + "/"
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var all []*cluster.Node
	var urls, tlsURLs []string
	var stops []func()
	cert, key := "", ""
	if o.Config.TLSSelfSigned {
		if cert, key, err = server.SelfSignedCert(filepath.Join(o.Config.DataDir, "tls")); err != nil {
			t.Fatalf("clusterserver: %v", err)
		}
	}
	for i := range nodes {
		cfg := o.Config
		if cert != "" {
			// One certificate for the cluster, on a port of its own
			// (bound below); the nodes forward over plain HTTP.
			cfg.TLSSelfSigned, cfg.TLSCert, cfg.TLSKey, cfg.TLSListen = false, cert, key, "127.0.0.1:0"
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		cfg.Listen = ln.Addr().String()
		cfg.DataDir = filepath.Join(o.Config.DataDir, fmt.Sprintf("node%d", i+1))
		if cfg.KMSKeyFile == "" && cfg.KMSEndpoint == "" {
			// The nodes share their master keys, as a real cluster must.
			cfg.KMSKeyFile = filepath.Join(o.Config.DataDir, "cluster-keys.json")
		}
		cfg.S3Endpoint, cfg.S3AccessKey, cfg.S3SecretKey = s3.Endpoint, testserver.VersityAccessKey, testserver.VersitySecretKey
		cfg.Cluster = config.Cluster{Etcd: etcd, Bucket: bucket, NodeID: fmt.Sprintf("n%d", i+1), Advertise: "http://" + cfg.Listen,
			Prefix: prefix, FlushInterval: config.DefaultFlushInterval, LeaseTTL: 2 * time.Second,
			RebalanceInterval: o.Config.Cluster.RebalanceInterval}
		if err := cfg.Validate(); err != nil {
			t.Fatalf("clusterserver: %v", err)
		}
		so := o
		n, err := cluster.New(cluster.Options{Config: cfg, Logger: o.Logger, Server: func(opts *server.Options) {
			c := opts.Config
			*opts = so
			opts.Config = c // the node's (its backend and status are set after)
		}})
		if err != nil {
			t.Fatalf("clusterserver: %v", err)
		}
		all = append(all, n)
		urls = append(urls, "http://"+cfg.Listen)
		lns := []net.Listener{ln}
		if cert != "" {
			tln, err := n.ListenTLS("127.0.0.1:0")
			if err != nil {
				t.Fatalf("clusterserver: %v", err)
			}
			lns = append(lns, tln)
			tlsURLs = append(tlsURLs, "https://"+tln.Addr().String())
		}
		nctx, stopNode := context.WithCancel(ctx)
		done := make(chan struct{})
		stops = append(stops, func() { stopNode(); <-done })
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(done)
			n.Serve(nctx, lns...)
		}()
	}
	var once sync.Once
	c := &Nodes{Nodes: all, URLs: urls, TLSURLs: tlsURLs, stops: stops, Store: s3, Bucket: bucket, Etcd: etcd, Prefix: prefix, Stop: func() {
		once.Do(func() {
			cancel()
			wg.Wait()
		})
	}}
	t.Cleanup(c.Stop)
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if c.ready() {
			return c
		}
		time.Sleep(20 * time.Millisecond)
	}
	c.Stop()
	t.Fatal("clusterserver: no node became owner, followed by the others, in 30 s")
	return nil
}

// ready reports whether one node owns the cluster and all others follow it.
func (c *Nodes) ready() bool {
	owner := ""
	for _, n := range c.Nodes {
		if n.Server() != nil {
			owner = n.ID()
		}
	}
	if owner == "" {
		return false
	}
	for _, n := range c.Nodes {
		if n.ID() != owner && n.Leader() != owner {
			return false
		}
	}
	return true
}
