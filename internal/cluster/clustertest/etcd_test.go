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
