package config

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"
)

// Cluster holds the settings of cluster mode: several Sluice nodes sharing
// etcd (metadata, leases) and an S3-compatible bucket (records). Etcd empty
// means single-node mode with the embedded store.
type Cluster struct {
	// Etcd is the comma-separated client URLs of the etcd cluster.
	Etcd string
	// Bucket is the bucket of --s3-endpoint that holds the records.
	Bucket string
	// NodeID names this node among the others (default: the host name).
	NodeID string
	// Advertise is the base URL other nodes forward requests to (default:
	// http:// and --listen).
	Advertise string
	// Prefix is the etcd key prefix (and object key prefix) of this
	// cluster, so that several clusters can share one etcd and one bucket.
	Prefix string
	// FlushInterval is how long an owner gathers writes into one object
	// before writing it and acknowledging them.
	FlushInterval time.Duration
	// LeaseTTL is how long a node that stops renewing keeps what it owns.
	LeaseTTL time.Duration
	// RebalanceInterval is how often the owner moves streams between
	// nodes to even their loads out (0: never). Each move pauses the
	// stream for a moment; new streams and those of a node that left are
	// placed at once, whatever the interval.
	RebalanceInterval time.Duration
	// EtcdCA, EtcdCert and EtcdKey are PEM files for TLS to etcd (client
	// certificate authentication when the cert and key are given).
	EtcdCA, EtcdCert, EtcdKey string
}

// Cluster defaults.
const (
	DefaultFlushInterval = 20 * time.Millisecond
	DefaultLeaseTTL      = 5 * time.Second
	// DefaultRebalanceInterval: rarely, since creates already go to the
	// least loaded node.
	DefaultRebalanceInterval = 5 * time.Minute
	DefaultClusterPrefix     = "/sluice/"
)

// Enabled reports whether cluster mode is on.
func (c Cluster) Enabled() bool { return c.Etcd != "" }

// EtcdURLs splits Etcd.
func (c Cluster) EtcdURLs() []string {
	var out []string
	for _, u := range strings.Split(c.Etcd, ",") {
		if u = strings.TrimSpace(u); u != "" {
			out = append(out, u)
		}
	}
	return out
}

var nodeIDRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$`)

// ResolvedNodeID is NodeID, or the host name when it is empty.
func (c Cluster) ResolvedNodeID() string {
	if c.NodeID != "" {
		return c.NodeID
	}
	h, err := os.Hostname()
	if err != nil || !nodeIDRE.MatchString(h) {
		return "node"
	}
	return h
}

// ResolvedAdvertise is Advertise, or http://<listen>.
func (c Config) ResolvedAdvertise() string {
	if c.Cluster.Advertise != "" {
		return strings.TrimSuffix(c.Cluster.Advertise, "/")
	}
	scheme := "http"
	if c.TLS() && c.TLSListen == "" {
		scheme = "https"
	}
	return scheme + "://" + c.Listen
}

func (c Config) validateCluster() []error {
	cl := c.Cluster
	var errs []error
	if cl.FlushInterval <= 0 || cl.FlushInterval > 10*time.Second {
		errs = append(errs, fmt.Errorf("flush-interval: %v is not between 1ns and 10s", cl.FlushInterval))
	}
	if cl.RebalanceInterval < 0 {
		errs = append(errs, fmt.Errorf("cluster-rebalance-interval: %v is negative", cl.RebalanceInterval))
	}
	if cl.LeaseTTL < time.Second || cl.LeaseTTL%time.Second != 0 {
		errs = append(errs, fmt.Errorf("lease-ttl: %v is not a whole number of seconds, at least 1s", cl.LeaseTTL))
	}
	if !strings.HasPrefix(cl.Prefix, "/") || !strings.HasSuffix(cl.Prefix, "/") || len(cl.Prefix) < 2 {
		errs = append(errs, fmt.Errorf("cluster-prefix: %q must start and end with /, such as /sluice/", cl.Prefix))
	}
	if !cl.Enabled() {
		return errs
	}
	for _, raw := range cl.EtcdURLs() {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("cluster-etcd: %q is not an etcd client URL such as http://10.0.0.1:2379", raw))
		}
	}
	if c.S3Endpoint == "" {
		errs = append(errs, errors.New("s3-endpoint: cluster mode keeps records in an S3-compatible object store; give its endpoint"))
	}
	if cl.Bucket == "" {
		errs = append(errs, errors.New("s3-bucket: cluster mode needs the bucket its records go to"))
	}
	if cl.NodeID != "" && !nodeIDRE.MatchString(cl.NodeID) {
		errs = append(errs, fmt.Errorf("node-id: %q is not 1-63 letters, digits, '.', '_' or '-'", cl.NodeID))
	}
	if cl.Advertise != "" {
		u, err := url.Parse(strings.TrimSuffix(cl.Advertise, "/"))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" {
			errs = append(errs, fmt.Errorf("advertise: %q is not a base URL such as http://10.0.0.11:4567", cl.Advertise))
		}
	}
	if (cl.EtcdCert == "") != (cl.EtcdKey == "") {
		errs = append(errs, errors.New("etcd-cert, etcd-key: give both or neither"))
	}
	return errs
}
