package cluster_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	ktypes "github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	ka "github.com/aws/aws-sdk-go-v2/service/kinesisanalytics"
	kat "github.com/aws/aws-sdk-go-v2/service/kinesisanalytics/types"

	"sluice/internal/analytics"
	"sluice/internal/testserver/clusterserver"
)

func analyticsAt(url string) *ka.Client { return ka.NewFromConfig(clientAt(url)) }

// passThrough copies every input row to the output.
const passThrough = `CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (id VARCHAR(16), n INTEGER);
CREATE OR REPLACE PUMP "STREAM_PUMP" AS
   INSERT INTO "DESTINATION_SQL_STREAM" SELECT STREAM id, n FROM "SOURCE_SQL_STREAM_001";
`

// TestApplicationsRunWithTheirStreams: an application created and started
// through any node runs on one node, the node of the streams it reads and
// writes (the owner places them together), and every node answers for
// it; when that node stops, the application and its streams move together
// to a live node, where it goes on RUNNING: every record put before and
// after reaches the output stream; and so after the whole cluster
// restarts.
func TestApplicationsRunWithTheirStreams(t *testing.T) {
	dataDir := filepath.Join(t.TempDir(), "data")
	c := startNodesAt(t, 3, dataDir)
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	arns := map[string]string{}
	for i, name := range []string{"in", "out", "other"} {
		k := kinesisAt(c.URLs[i%3])
		if _, err := k.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String(name), ShardCount: aws.Int32(1)}); err != nil {
			t.Fatal(err)
		}
		out, err := k.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(name)})
		if err != nil {
			t.Fatal(err)
		}
		arns[name] = *out.StreamDescriptionSummary.StreamARN
	}
	role := aws.String("arn:aws:iam::000000000000:role/analytics")
	if _, err := analyticsAt(c.URLs[1]).CreateApplication(ctx, &ka.CreateApplicationInput{
		ApplicationName: aws.String("app"),
		ApplicationCode: aws.String(passThrough),
		Inputs: []kat.Input{{
			NamePrefix:          aws.String("SOURCE_SQL_STREAM"),
			KinesisStreamsInput: &kat.KinesisStreamsInput{ResourceARN: aws.String(arns["in"]), RoleARN: role},
			InputSchema: &kat.SourceSchema{
				RecordFormat: &kat.RecordFormat{RecordFormatType: kat.RecordFormatTypeJson,
					MappingParameters: &kat.MappingParameters{JSONMappingParameters: &kat.JSONMappingParameters{RecordRowPath: aws.String("$")}}},
				RecordColumns: []kat.RecordColumn{
					{Name: aws.String("ID"), SqlType: aws.String("VARCHAR(16)"), Mapping: aws.String("$.ID")},
					{Name: aws.String("N"), SqlType: aws.String("INTEGER"), Mapping: aws.String("$.N")},
				},
			},
		}},
		Outputs: []kat.Output{{
			Name:                 aws.String("DESTINATION_SQL_STREAM"),
			KinesisStreamsOutput: &kat.KinesisStreamsOutput{ResourceARN: aws.String(arns["out"]), RoleARN: role},
			DestinationSchema:    &kat.DestinationSchema{RecordFormatType: kat.RecordFormatTypeJson},
		}},
	}); err != nil {
		t.Fatal(err)
	}
	nodes := []string{c.Nodes[0].ID(), c.Nodes[1].ID(), c.Nodes[2].ID()}
	where := waitTogether(t, c, nodes)
	if _, err := analyticsAt(c.URLs[2]).StartApplication(ctx, &ka.StartApplicationInput{ApplicationName: aws.String("app"),
		InputConfigurations: []kat.InputConfiguration{{Id: aws.String("1.1"),
			InputStartingPositionConfiguration: &kat.InputStartingPositionConfiguration{InputStartingPosition: kat.InputStartingPositionTrimHorizon}}}}); err != nil {
		t.Fatal(err)
	}
	for _, url := range c.URLs {
		waitRunning(ctx, t, analyticsAt(url), "app")
	}
	var sent []string
	put := func(round int, urls []string) {
		t.Helper()
		for i, url := range urls {
			for j := range 3 {
				id := fmt.Sprintf("r%d-%d-%d", round, i, j)
				putRetrying(ctx, t, kinesisAt(url), "in", fmt.Sprintf(`{"ID":%q,"N":%d}`, id, j))
				sent = append(sent, id)
			}
		}
	}
	put(0, c.URLs)
	waitOutput(ctx, t, kinesisAt(c.URLs[0]), sent)

	// The node running the application stops: the application and its
	// streams go to one live node together and it runs on there.
	stopped := slices.Index(nodes, where)
	c.StopNode(stopped)
	live := slices.Delete(slices.Clone(nodes), stopped, stopped+1)
	liveURLs := slices.Delete(slices.Clone(c.URLs), stopped, stopped+1)
	after := waitTogether(t, c, live)
	t.Logf("the application ran on %s, then on %s", where, after)
	waitRunning(ctx, t, analyticsAt(liveURLs[0]), "app")
	put(1, liveURLs)
	waitOutput(ctx, t, kinesisAt(liveURLs[1]), sent)

	// Every node stops and starts again: the application runs on one node
	// again, with its streams, from where it stopped.
	c.Stop()
	c = startNodesAt(t, 3, dataDir)
	waitTogether(t, c, nodes)
	waitRunning(ctx, t, analyticsAt(c.URLs[0]), "app")
	put(2, c.URLs)
	waitOutput(ctx, t, kinesisAt(c.URLs[2]), sent)
}

// waitTogether waits until the application "app" and the streams "in" and
// "out" are placed on one of nodes, all three on the same node, and that
// node's services run the application and no other node's do; it returns
// the node.
func waitTogether(t *testing.T, c *clusterserver.Nodes, nodes []string) string {
	t.Helper()
	placed := waitPlaced(t, c, fmt.Sprintf("the application and its streams not together on one of %v", nodes), func(placed map[string]string) bool {
		node := placed["application app"]
		ok := slices.Contains(nodes, node) && placed["stream in"] == node && placed["stream out"] == node
		for _, n := range c.Nodes {
			if srv := n.Services(); ok && srv != nil {
				runs := false
				srv.Analytics().Each(func(a *analytics.Application) { runs = runs || a.Name == "app" && !srv.Analytics().Remote(a.ID) })
				ok = runs == (n.ID() == node)
			}
		}
		return ok
	})
	return placed["application app"]
}

// waitRunning waits until the application is RUNNING as a node describes
// it.
func waitRunning(ctx context.Context, t *testing.T, c *ka.Client, name string) {
	t.Helper()
	for {
		out, err := c.DescribeApplication(ctx, &ka.DescribeApplicationInput{ApplicationName: aws.String(name)})
		if err == nil && out.ApplicationDetail.ApplicationStatus == kat.ApplicationStatusRunning {
			return
		}
		if ctx.Err() != nil {
			t.Fatalf("%s not RUNNING: %v", name, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitOutput waits until the output stream "out" holds a row of every ID
// sent (at least once: a move may repeat rows).
func waitOutput(ctx context.Context, t *testing.T, k *kinesis.Client, sent []string) {
	t.Helper()
	var missing []string
	for ctx.Err() == nil {
		got := map[string]bool{}
		shards, err := k.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String("out")})
		if err == nil {
			for _, sh := range shards.Shards {
				it, err := k.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String("out"), ShardId: sh.ShardId,
					ShardIteratorType: ktypes.ShardIteratorTypeTrimHorizon})
				for iter := (*string)(nil); err == nil; {
					if iter == nil {
						iter = it.ShardIterator
					}
					var out *kinesis.GetRecordsOutput
					if out, err = k.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: iter}); err != nil {
						break
					}
					for _, r := range out.Records {
						var row struct{ ID string }
						if json.Unmarshal(r.Data, &row) == nil {
							got[row.ID] = true
						}
					}
					if len(out.Records) == 0 || aws.ToInt64(out.MillisBehindLatest) == 0 {
						break
					}
					iter = out.NextShardIterator
				}
			}
		}
		missing = missing[:0]
		for _, id := range sent {
			if !got[id] {
				missing = append(missing, id)
			}
		}
		if len(missing) == 0 {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("rows never in the output: %v", missing)
}
