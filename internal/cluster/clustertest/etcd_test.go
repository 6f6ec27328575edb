package clustertest

import (
	"context"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
)

func TestEtcdThreeMembers(t *testing.T) {
	if testing.Short() {
		t.Skip("starts three etcd members")
	}
	e := StartEtcd(t, 3)
	urls := e.ClientURLs()
	if len(urls) != 3 {
		t.Fatalf("ClientURLs = %v", urls)
	}
	// Write through one member, read through each.
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	w, err := clientv3.New(clientv3.Config{Endpoints: urls[:1], DialTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, err := w.Put(ctx, "k", "v"); err != nil {
		t.Fatal(err)
	}
	for _, u := range urls {
		c, err := clientv3.New(clientv3.Config{Endpoints: []string{u}, DialTimeout: 5 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		resp, err := c.Get(ctx, "k")
		c.Close()
		if err != nil || len(resp.Kvs) != 1 || string(resp.Kvs[0].Value) != "v" {
			t.Fatalf("Get through %s: %v, %v", u, resp, err)
		}
	}
	// And through a proxy.
	p := StartProxy(t, "127.0.0.1:0", urls[2][len("http://"):])
	c, err := clientv3.New(clientv3.Config{Endpoints: []string{"http://" + p.Addr()}, DialTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if resp, err := c.Get(ctx, "k"); err != nil || len(resp.Kvs) != 1 {
		t.Fatalf("Get through a proxy: %v, %v", resp, err)
	}
}

// TestEtcdMemberRestart: the leader stops, the other two keep serving
// writes, and the stopped member rejoins on its data with every write.
func TestEtcdMemberRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("starts three etcd members")
	}
	e := StartEtcd(t, 3)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	cli, err := clientv3.New(clientv3.Config{Endpoints: e.ClientURLs(), DialTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	if _, err := cli.Put(ctx, "before", "1"); err != nil {
		t.Fatal(err)
	}
	leader := e.Leader()
	if leader < 0 {
		t.Fatal("no leader")
	}
	start := time.Now()
	e.StopMember(leader)
	for {
		// Each try bounded: a call on the dead member's connection waits
		// until it breaks.
		pctx, pcancel := context.WithTimeout(ctx, time.Second)
		_, err := cli.Put(pctx, "during", "2")
		pcancel()
		if err == nil {
			break
		} else if ctx.Err() != nil {
			t.Fatalf("no write without member %d: %v", leader, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("a write without the leader after %v", time.Since(start).Round(time.Millisecond))
	start = time.Now()
	e.RestartMember(leader)
	t.Logf("the member rejoined after %v", time.Since(start).Round(time.Millisecond))
	one, err := clientv3.New(clientv3.Config{Endpoints: e.ClientURLs()[leader : leader+1], DialTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer one.Close()
	for {
		// A linearizable read through the restarted member: it has caught up.
		resp, err := one.Get(ctx, "during")
		if err == nil && len(resp.Kvs) == 1 {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("the restarted member never served the write made without it: %v, %v", resp, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
