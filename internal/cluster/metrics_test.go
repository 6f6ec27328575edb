package cluster_test

import (
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// TestMetricsPerNode: every node's /metrics parses, labels the node's own
// series with the node, and carries the runtime's series once; the
// owner's adds every service's and its storage backend's, a follower's
// its Data Streams' and backend's (a stream's series come from the node
// running it) and counts what it forwarded.
func TestMetricsPerNode(t *testing.T) {
	c := startNodes(t, 2)
	owner, follower := 0, 1
	if c.Nodes[1].Server() != nil {
		owner, follower = 1, 0
	}
	k := kinesisAt(c.URLs[follower])
	if _, err := k.CreateStream(t.Context(), &kinesis.CreateStreamInput{StreamName: aws.String("m"), ShardCount: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	if _, err := k.PutRecord(t.Context(), &kinesis.PutRecordInput{StreamName: aws.String("m"), PartitionKey: aws.String("k"), Data: []byte("x")}); err != nil {
		t.Fatal(err)
	}

	scrape := func(i int) map[string]*dto.MetricFamily {
		t.Helper()
		res, err := http.Get(c.URLs[i] + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		parser := expfmt.NewTextParser(model.UTF8Validation)
		fams, err := parser.TextToMetricFamilies(res.Body)
		if err != nil {
			t.Fatalf("node %d's /metrics: %v", i, err)
		}
		return fams
	}
	value := func(fams map[string]*dto.MetricFamily, name, node string) (float64, bool) {
		f := fams[name]
		if f == nil || len(f.Metric) != 1 {
			return 0, false
		}
		m := f.Metric[0]
		if len(m.Label) != 1 || m.Label[0].GetName() != "node" || m.Label[0].GetValue() != node {
			t.Fatalf("%s labelled %v, want node=%s", name, m.Label, node)
		}
		if m.Gauge != nil {
			return m.Gauge.GetValue(), true
		}
		return m.Counter.GetValue(), true
	}

	o, f := scrape(owner), scrape(follower)
	if v, ok := value(o, "sluice_cluster_owner", c.Nodes[owner].ID()); !ok || v != 1 {
		t.Fatalf("the owner's sluice_cluster_owner: %v %v", v, ok)
	}
	if v, ok := value(f, "sluice_cluster_owner", c.Nodes[follower].ID()); !ok || v != 0 {
		t.Fatalf("the follower's sluice_cluster_owner: %v %v", v, ok)
	}
	if v, ok := value(o, "sluice_cluster_commits_total", c.Nodes[owner].ID()); !ok || v == 0 {
		t.Fatalf("the owner's commits: %v %v", v, ok)
	}
	// A follower runs Data Streams for the streams placed on it, over a
	// backend of its own.
	if _, ok := value(f, "sluice_cluster_commits_total", c.Nodes[follower].ID()); !ok {
		t.Fatal("the follower reports no commits of its backend")
	}
	if v, ok := value(f, "sluice_cluster_forwarded_requests_total", c.Nodes[follower].ID()); !ok || v < 2 {
		t.Fatalf("the follower's forwarded requests: %v %v", v, ok)
	}
	for _, name := range []string{"go_goroutines", "process_start_time_seconds"} {
		if o[name] == nil || f[name] == nil {
			t.Fatalf("%s missing: owner %v, follower %v", name, o[name] != nil, f[name] != nil)
		}
	}
	if o["sluice_http_requests_total"] == nil || f["sluice_http_requests_total"] == nil {
		t.Fatalf("the services' series: on the owner %v, on the follower %v", o["sluice_http_requests_total"] != nil, f["sluice_http_requests_total"] != nil)
	}
	// The stream's own series come from the node that runs it, once.
	if o["sluice_kinesis_incoming_records_total"] == nil || f["sluice_kinesis_incoming_records_total"] != nil {
		t.Fatalf("the stream's series: on the owner %v, on the follower %v",
			o["sluice_kinesis_incoming_records_total"] != nil, f["sluice_kinesis_incoming_records_total"] != nil)
	}
}
