package clustertest

import (
	"context"
	"fmt"
	"io"
	"strings"
	"syscall"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
)

// Diagnose logs what a test needs to tell a stuck cluster from a stuck
// node: every etcd member's status as the test process sees it, and every
// running node's /healthcheck and /cluster/status.
func (c *Cluster) Diagnose() {
	c.t.Helper()
	c.t.Log(c.Etcd.describe())
	for _, n := range c.Nodes {
		switch {
		case !n.Running():
			c.t.Logf("node %s: not running", n.ID)
		case n.Paused():
			c.t.Logf("node %s: paused", n.ID)
		default:
			c.t.Logf("node %s: /healthcheck %s; /cluster/status %s", n.ID, n.get("/healthcheck"), n.get("/cluster/status"))
		}
	}
}

// describe reports each member's status, read directly.
func (e *Etcd) describe() string {
	var b strings.Builder
	b.WriteString("etcd:")
	cli, err := clientv3.New(clientv3.Config{Endpoints: e.clients, DialTimeout: 2 * time.Second})
	if err != nil {
		return fmt.Sprintf("etcd: no client: %v", err)
	}
	defer cli.Close()
	for _, u := range e.clients {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		st, err := cli.Status(ctx, u)
		cancel()
		if err != nil {
			fmt.Fprintf(&b, " %s: %v;", u, err)
			continue
		}
		fmt.Fprintf(&b, " %s: leader %x, raft term %d index %d, errors %v;", u, st.Leader, st.RaftTerm, st.RaftIndex, st.Errors)
	}
	return b.String()
}

// get returns the status and the start of the body of GET path.
func (n *Node) get(path string) string {
	resp, err := n.client(statusTimeout).Get(n.Endpoint() + path)
	if err != nil {
		return err.Error()
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 2048))
	return fmt.Sprintf("%s %s", resp.Status, strings.Join(strings.Fields(string(body)), " "))
}

// DumpStacks makes a running node print every goroutine's stack to its
// log (SIGQUIT) and exit: for a test that found it stuck.
func (n *Node) DumpStacks() {
	if n.signal(syscall.SIGQUIT) {
		n.signal(syscall.SIGCONT)
		n.reap(5 * time.Second)
	}
}
