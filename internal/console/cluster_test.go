package console_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"sluice/internal/cluster"
	"sluice/internal/console"
)

// clusterConsole serves a console (--auth open) whose Cluster source is
// status; nil is a single node.
func clusterConsole(t *testing.T, status func(ctx context.Context) (any, error)) *browser {
	srv := httptest.NewServer(console.New(console.Options{AccountID: "000000000000", Region: "us-east-1", Cluster: status}))
	t.Cleanup(srv.Close)
	return newBrowser(t, srv.URL)
}

// TestClusterStatus: GET /console/cluster serves the status as package
// cluster marshals it, to a session only, and the session says cluster
// mode is on.
func TestClusterStatus(t *testing.T) {
	started := time.Date(2026, 12, 4, 3, 0, 0, 0, time.UTC)
	st := cluster.Status{
		Prefix: "/sluice/",
		Owner:  &cluster.OwnerStatus{ID: "n1", Advertise: "http://127.0.0.11:4567", Lease: "694d8a1f2b3c", LeaseTTLSeconds: 4, FenceRevision: 123},
		Nodes: []cluster.NodeStatus{
			{ID: "n1", Advertise: "http://127.0.0.11:4567", Started: started, Owner: true, Lease: "694d8a1f2b3c"},
			{ID: "n2", Advertise: "http://127.0.0.12:4567", Started: started.Add(time.Minute), Lease: "694d8a1f2b40"},
		},
		Placement: []cluster.Placement{
			{Kind: "stream", Name: "000000000000/us-east-1/orders", Shards: 4, Open: 4, Node: "n1"},
			{Kind: "delivery-stream", Name: "000000000000/us-east-1/to-s3", Node: "n1"},
		},
	}
	var gotDeadline bool
	b := clusterConsole(t, func(ctx context.Context) (any, error) {
		_, gotDeadline = ctx.Deadline()
		return st, nil
	})
	if status, _, body := b.do("GET", "/console/cluster", "", nil); status != 401 || !strings.Contains(body, "Sign in") {
		t.Fatalf("without a session: %d %s", status, body)
	}
	if s := b.session(); s["cluster"] != true {
		t.Fatalf("session = %v, want cluster: true", s)
	}
	status, hdr, body := b.do("GET", "/console/cluster", "", nil)
	if status != 200 || hdr.Get("Content-Type") != "application/json" || hdr.Get("Cache-Control") != "no-store" {
		t.Fatalf("GET /console/cluster: %d %v %s", status, hdr, body)
	}
	if !gotDeadline {
		t.Error("the status is read without a deadline")
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	var want map[string]any
	json.Unmarshal([]byte(`{"prefix":"/sluice/",
		"owner":{"id":"n1","advertise":"http://127.0.0.11:4567","lease":"694d8a1f2b3c","leaseTtlSeconds":4,"fenceRevision":123},
		"nodes":[{"id":"n1","advertise":"http://127.0.0.11:4567","started":"2026-12-04T03:00:00Z","owner":true,"lease":"694d8a1f2b3c"},
		         {"id":"n2","advertise":"http://127.0.0.12:4567","started":"2026-12-04T03:01:00Z","owner":false,"lease":"694d8a1f2b40"}],
		"placement":[{"kind":"stream","name":"000000000000/us-east-1/orders","shards":4,"openShards":4,"node":"n1"},
		             {"kind":"delivery-stream","name":"000000000000/us-east-1/to-s3","node":"n1"}]}`), &want)
	if g, w := mustJSON(t, got), mustJSON(t, want); g != w {
		t.Fatalf("status:\n got %s\nwant %s", g, w)
	}

	// No owner: the key is absent, which the page shows as an election.
	st.Owner = nil
	if _, _, body := b.do("GET", "/console/cluster", "", nil); strings.Contains(body, `"owner":{`) {
		t.Fatalf("status without an owner: %s", body)
	}
}

// TestClusterSingleNode: without a cluster the endpoint answers 404 with
// a message, and the session says cluster: false.
func TestClusterSingleNode(t *testing.T) {
	b := clusterConsole(t, nil)
	if s := b.session(); s["cluster"] != false {
		t.Fatalf("session = %v, want cluster: false", s)
	}
	status, hdr, body := b.do("GET", "/console/cluster", "", nil)
	if status != 404 || hdr.Get("X-Amzn-ErrorType") != "NotFound" || !strings.Contains(body, "not in cluster mode") {
		t.Fatalf("GET /console/cluster on a single node: %d %v %s", status, hdr, body)
	}
}

// TestClusterStatusUnavailable: a failed read (etcd unreachable) is a 503
// with a public message; the cause stays in the log.
func TestClusterStatusUnavailable(t *testing.T) {
	b := clusterConsole(t, func(context.Context) (any, error) {
		return nil, errors.New("context deadline exceeded: etcd 10.0.0.7:2379")
	})
	b.session()
	status, hdr, body := b.do("GET", "/console/cluster", "", nil)
	if status != 503 || hdr.Get("X-Amzn-ErrorType") != "ServiceUnavailableException" || strings.Contains(body, "10.0.0.7") {
		t.Fatalf("GET /console/cluster, etcd down: %d %v %s", status, hdr, body)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
