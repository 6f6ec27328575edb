package clustertest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"sluice/internal/testserver"
)

// Bucket is the bucket a Cluster's nodes keep records in.
const Bucket = "sluice-cluster"

// Cluster is an etcd cluster of three members, a versitygw and Sluice
// nodes n1, n2, … listening on 127.0.0.11, 127.0.0.12, ….
type Cluster struct {
	Etcd  *Etcd
	S3    *testserver.Versitygw
	Nodes []*Node

	t testing.TB
}

// Start starts a cluster of n nodes (at most 9); tune, when given, adjusts
// each node's options before it starts (a --lease-ttl, extra flags). The
// nodes start one after the other, so n1 usually becomes the first owner.
func Start(t testing.TB, n int, tune ...func(*NodeOptions)) *Cluster {
	t.Helper()
	if n < 1 || n > 9 {
		t.Fatalf("clustertest.Start: %d nodes, want 1 to 9", n)
	}
	c := &Cluster{t: t, Etcd: StartEtcd(t, 3), S3: testserver.StartVersitygw(t, Bucket)}
	Binary(t) // build before the first node's clock starts
	for i := range n {
		o := NodeOptions{
			ID:         "n" + strconv.Itoa(i+1),
			Addr:       freeAddr(t, "127.0.0.1"+strconv.Itoa(i+1)),
			EtcdURLs:   c.Etcd.ClientURLs(),
			S3Endpoint: c.S3.Endpoint,
			Bucket:     Bucket,
		}
		for _, f := range tune {
			f(&o)
		}
		c.Nodes = append(c.Nodes, StartNode(t, o))
	}
	return c
}

// Node returns the node with the ID, or nil.
func (c *Cluster) Node(id string) *Node {
	for _, n := range c.Nodes {
		if n.ID == id {
			return n
		}
	}
	return nil
}

// Status is the part of GET /cluster/status a test reads (package
// cluster's Status has more).
type Status struct {
	Owner *struct {
		ID              string `json:"id"`
		Advertise       string `json:"advertise"`
		LeaseTTLSeconds int64  `json:"leaseTtlSeconds"`
	} `json:"owner"`
	Nodes []struct {
		ID        string `json:"id"`
		Advertise string `json:"advertise"`
		Owner     bool   `json:"owner"`
	} `json:"nodes"`
	Placement []struct {
		Kind string `json:"kind"`
		Name string `json:"name"` // account/region/name
		Node string `json:"node"`
	} `json:"placement"`
}

// NodeOf returns the node that runs the stream named name, "" when none.
func (s Status) NodeOf(name string) string { return s.NodeOfKind("stream", name) }

// NodeOfKind returns the node that runs the unit of the kind ("stream",
// "delivery-stream", …) named name, "" when none.
func (s Status) NodeOfKind(kind, name string) string {
	for _, p := range s.Placement {
		if p.Kind == kind && strings.HasSuffix(p.Name, "/"+name) {
			return p.Node
		}
	}
	return ""
}

// OwnerID returns the owner's ID, "" when there is none.
func (s Status) OwnerID() string {
	if s.Owner == nil {
		return ""
	}
	return s.Owner.ID
}

// statusTimeout bounds the wait for one node's status: a node that is
// partitioned from etcd hangs reading it.
const statusTimeout = 1500 * time.Millisecond

// Status reads GET /cluster/status from the first node that answers,
// skipping nodes that are stopped or paused.
func (c *Cluster) Status(ctx context.Context) (Status, error) {
	var errs []error
	for _, n := range c.Nodes {
		if !n.Running() || n.Paused() {
			continue
		}
		nctx, cancel := context.WithTimeout(ctx, statusTimeout)
		st, err := n.Status(nctx)
		cancel()
		if err == nil {
			return st, nil
		}
		errs = append(errs, err)
	}
	return Status{}, fmt.Errorf("no node answers /cluster/status: %w", errors.Join(errs...))
}

// Owner returns the ID of the node that owns the cluster, "" when none
// does.
func (c *Cluster) Owner(ctx context.Context) (string, error) {
	st, err := c.Status(ctx)
	return st.OwnerID(), err
}

// Status reads GET /cluster/status from this node.
func (n *Node) Status(ctx context.Context) (Status, error) {
	var st Status
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, n.Endpoint()+"/cluster/status", nil)
	if err != nil {
		return st, err
	}
	resp, err := n.client(statusTimeout).Do(req)
	if err != nil {
		return st, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return st, fmt.Errorf("node %s: /cluster/status: %s", n.ID, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		return st, fmt.Errorf("node %s: /cluster/status: %w", n.ID, err)
	}
	return st, nil
}

// WaitOwner polls the status until a node other than those in not owns
// the cluster and serves (serves is called with the owner; nil: owning is
// enough), and returns the owner and how long it took. It fails the test
// after timeout.
func (c *Cluster) WaitOwner(timeout time.Duration, serves func(ctx context.Context, owner *Node) error, not ...string) (*Node, time.Duration) {
	c.t.Helper()
	start := time.Now()
	var last error
	for time.Since(start) < timeout {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		id, err := c.Owner(ctx)
		switch {
		case err != nil:
			last = err
		case id == "":
			last = errors.New("no owner")
		case slices.Contains(not, id):
			last = fmt.Errorf("still owned by %s", id)
		case c.Node(id) == nil:
			last = fmt.Errorf("owner %q is not a node of the test", id)
		default:
			owner := c.Node(id)
			if serves == nil {
				cancel()
				return owner, time.Since(start)
			}
			if last = serves(ctx, owner); last == nil {
				cancel()
				return owner, time.Since(start)
			}
		}
		cancel()
		time.Sleep(50 * time.Millisecond)
	}
	c.t.Errorf("no new owner serves after %v: %v", timeout, last)
	c.Diagnose()
	for _, n := range c.Nodes {
		n.DumpStacks()
	}
	c.t.FailNow()
	return nil, 0
}

// CrashEtcdMember stops etcd member i as a crash would for the nodes:
// their connections to it are reset at once (through their proxies), then
// it stops. (Stopping an embedded member alone would hold its clients'
// streams open for etcd's request timeout while it shuts down.)
func (c *Cluster) CrashEtcdMember(i int) {
	for _, n := range c.Nodes {
		n.proxies[i].Cut()
	}
	c.Etcd.StopMember(i)
}

// RestartEtcdMember starts member i again on its data and lets the nodes
// reach it again.
func (c *Cluster) RestartEtcdMember(i int) {
	c.Etcd.RestartMember(i)
	for _, n := range c.Nodes {
		n.proxies[i].Heal()
	}
}
