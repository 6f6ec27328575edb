package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesisanalytics"
	kat "github.com/aws/aws-sdk-go-v2/service/kinesisanalytics/types"
)

// crashApp filters every row through (with its ROWTIME and arrival time)
// and counts rows per one-second tumbling window.
const crashApp = `CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (id VARCHAR(32), n INTEGER, rt TIMESTAMP, arrived TIMESTAMP);
CREATE OR REPLACE PUMP "PASS" AS INSERT INTO "DESTINATION_SQL_STREAM"
  SELECT STREAM id, n, ROWTIME, APPROXIMATE_ARRIVAL_TIME FROM "SOURCE_SQL_STREAM_001" WHERE n >= 0;
CREATE OR REPLACE STREAM "COUNTS" (w TIMESTAMP, c BIGINT);
CREATE OR REPLACE PUMP "COUNT" AS INSERT INTO "COUNTS"
  SELECT STREAM STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '1' SECOND), COUNT(*)
  FROM "SOURCE_SQL_STREAM_001"
  GROUP BY STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '1' SECOND);`

// crashCommitInterval is the runtime's commit interval (its default): it
// bounds the rows delivered again after a kill.
const crashCommitInterval = time.Second

// TestAnalyticsCrashRecovery runs a Data Analytics application while the
// server is killed with SIGKILL at random moments under load, restarted on
// the same data directory each time (the application resumes by itself),
// and checks what its two outputs hold at the end: every row derived from
// an acknowledged input record was delivered; a row delivered twice was
// first delivered in the commit interval before a kill (the documented
// bound); and every one-second window was counted from exactly the records
// that arrived in it, however many kills its rows went through.
func TestAnalyticsCrashRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("kills child processes")
	}
	dir := t.TempDir()
	ctx := context.Background()
	var mu sync.Mutex
	acked := map[string]bool{}
	var kills []time.Time
	cycles := 4
	for cycle := range cycles {
		srv := startChild(t, dir)
		kc, ac := srv.client(), kinesisanalytics.NewFromConfig(srv.awsConfig())
		if cycle == 0 {
			createCrashApp(t, kc, ac)
		}
		waitRunning(t, ac)
		stop := analyticsLoad(kc, fmt.Sprintf("c%d", cycle), &mu, acked)
		time.Sleep(time.Duration(500+rand.IntN(1500)) * time.Millisecond)
		kills = append(kills, time.Now())
		srv.kill()
		stop()
	}
	srv := startChild(t, dir)
	defer srv.kill()
	kc, ac := srv.client(), kinesisanalytics.NewFromConfig(srv.awsConfig())
	waitRunning(t, ac)
	// A last record, two seconds on, closes the windows of the others.
	time.Sleep(2 * time.Second)
	if _, err := kc.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("kin"), PartitionKey: aws.String("last"), Data: []byte(`{"id":"last","n":0}`)}); err != nil {
		t.Fatal(err)
	}
	acked["last"] = true

	// Every acknowledged record's row is delivered.
	var rows []crashRow
	deadline := time.Now().Add(60 * time.Second)
	for {
		rows = readRows(t, kc, "kout")
		seen := map[string]bool{}
		for _, r := range rows {
			seen[r.ID] = true
		}
		missing := 0
		for id := range acked {
			if !seen[id] {
				missing++
			}
		}
		if missing == 0 {
			break
		}
		if time.Now().After(deadline) {
			n := 0
			for id := range acked {
				if !seen[id] && n < 5 {
					n++
					t.Errorf("acknowledged record %s has no output row", id)
				}
			}
			t.Fatalf("%d of %d acknowledged records have no output row (kills at %v)", missing, len(acked), kills)
		}
		time.Sleep(200 * time.Millisecond)
	}

	// Duplicates: a row delivered twice was first delivered shortly before
	// a kill, in the commit interval (plus the commit itself and a batch in
	// flight).
	first := map[string]time.Time{}
	copies := map[string]int{}
	moved := 0
	for _, r := range rows {
		if copies[r.ID]++; copies[r.ID] == 1 {
			first[r.ID] = r.delivered
		}
		if r.RT != r.Arrived {
			moved++ // ROWTIME after the arrival time: never, with a clock that does not step back
		}
	}
	dups := 0
	for id, n := range copies {
		if n == 1 {
			continue
		}
		dups += n - 1
		ok := false
		for _, k := range kills {
			if d := k.Sub(first[id]); d >= -100*time.Millisecond && d <= crashCommitInterval+500*time.Millisecond {
				ok = true
			}
		}
		if !ok {
			t.Errorf("row %s delivered %d times, first at %s, not within a commit interval before a kill (%v)", id, n, first[id].Format(time.StampMilli), kills)
		}
	}
	t.Logf("%d kills, %d acknowledged records, %d rows delivered, %d repeated", len(kills), len(acked), len(rows), dups)
	if moved > 0 {
		t.Errorf("%d rows have a ROWTIME after their arrival time", moved)
	}

	// Windows: each window's count is the number of input records that
	// arrived in it (ROWTIME is the arrival time), whatever the kills.
	want := map[string]int64{}
	for _, r := range readInput(t, kc, "kin") {
		want[r.Truncate(time.Second).UTC().Format("2006-01-02 15:04:05.000")]++
	}
	var counts []struct {
		W string `json:"W"`
		C int64  `json:"C"`
	}
	for _, d := range readData(t, kc, "kcounts") {
		var c struct {
			W string `json:"W"`
			C int64  `json:"C"`
		}
		if err := json.Unmarshal(d, &c); err != nil {
			t.Fatal(err)
		}
		counts = append(counts, c)
	}
	got := map[string]int64{}
	for _, c := range counts {
		if prev, ok := got[c.W]; ok && prev != c.C {
			t.Errorf("window %s counted %d, then %d", c.W, prev, c.C)
		}
		got[c.W] = c.C
	}
	var windows []string
	for w := range want {
		windows = append(windows, w)
	}
	sort.Strings(windows)
	for _, w := range windows[:len(windows)-1] { // the last window is still open
		if got[w] != want[w] {
			t.Errorf("window %s: counted %d, %d records arrived in it", w, got[w], want[w])
		}
	}
	t.Logf("%d windows, %d count rows", len(windows), len(counts))
}

func createCrashApp(t *testing.T, kc *kinesis.Client, ac *kinesisanalytics.Client) {
	t.Helper()
	ctx := context.Background()
	for name, n := range map[string]int32{"kin": 2, "kout": 1, "kcounts": 1} {
		if _, err := kc.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String(name), ShardCount: aws.Int32(n)}); err != nil {
			t.Fatal(err)
		}
	}
	arn := func(name string) *string { return aws.String("arn:aws:kinesis:us-east-1:000000000000:stream/" + name) }
	const role = "arn:aws:iam::000000000000:role/analytics"
	out := func(stream, dest string) kat.Output {
		return kat.Output{Name: aws.String(stream), DestinationSchema: &kat.DestinationSchema{RecordFormatType: kat.RecordFormatTypeJson},
			KinesisStreamsOutput: &kat.KinesisStreamsOutput{ResourceARN: arn(dest), RoleARN: aws.String(role)}}
	}
	if _, err := ac.CreateApplication(ctx, &kinesisanalytics.CreateApplicationInput{
		ApplicationName: aws.String("crash"), ApplicationCode: aws.String(crashApp),
		Inputs: []kat.Input{{
			NamePrefix:          aws.String("SOURCE_SQL_STREAM"),
			KinesisStreamsInput: &kat.KinesisStreamsInput{ResourceARN: arn("kin"), RoleARN: aws.String(role)},
			InputSchema: &kat.SourceSchema{
				RecordFormat: &kat.RecordFormat{RecordFormatType: kat.RecordFormatTypeJson,
					MappingParameters: &kat.MappingParameters{JSONMappingParameters: &kat.JSONMappingParameters{RecordRowPath: aws.String("$")}}},
				RecordColumns: []kat.RecordColumn{
					{Name: aws.String("ID"), SqlType: aws.String("VARCHAR(32)"), Mapping: aws.String("$.id")},
					{Name: aws.String("N"), SqlType: aws.String("INTEGER"), Mapping: aws.String("$.n")},
				},
			},
		}},
		Outputs: []kat.Output{out("DESTINATION_SQL_STREAM", "kout"), out("COUNTS", "kcounts")},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := ac.StartApplication(ctx, &kinesisanalytics.StartApplicationInput{ApplicationName: aws.String("crash"), InputConfigurations: []kat.InputConfiguration{{
		Id: aws.String("1.1"), InputStartingPositionConfiguration: &kat.InputStartingPositionConfiguration{InputStartingPosition: kat.InputStartingPositionTrimHorizon},
	}}}); err != nil {
		t.Fatal(err)
	}
}

func waitRunning(t *testing.T, ac *kinesisanalytics.Client) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		out, err := ac.DescribeApplication(context.Background(), &kinesisanalytics.DescribeApplicationInput{ApplicationName: aws.String("crash")})
		if err == nil && out.ApplicationDetail.ApplicationStatus == kat.ApplicationStatusRunning {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the application does not run: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// analyticsLoad puts records to kin from 4 goroutines until stopped (or a
// call fails), noting the acknowledged ones.
func analyticsLoad(c *kinesis.Client, tag string, mu *sync.Mutex, acked map[string]bool) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ; n++ {
				select {
				case <-done:
					return
				default:
				}
				var entries []types.PutRecordsRequestEntry
				for k := range 1 + rand.IntN(20) {
					id := fmt.Sprintf("%s-%d-%d-%d", tag, w, n, k)
					entries = append(entries, types.PutRecordsRequestEntry{PartitionKey: aws.String(id), Data: fmt.Appendf(nil, `{"id":%q,"n":%d}`, id, n)})
				}
				out, err := c.PutRecords(context.Background(), &kinesis.PutRecordsInput{StreamName: aws.String("kin"), Records: entries})
				if err != nil {
					return
				}
				mu.Lock()
				for i, r := range out.Records {
					if r.ErrorCode == nil {
						acked[aws.ToString(entries[i].PartitionKey)] = true
					}
				}
				mu.Unlock()
				time.Sleep(time.Duration(rand.IntN(5)) * time.Millisecond)
			}
		}()
	}
	return func() {
		close(done)
		wg.Wait()
	}
}

type crashRow struct {
	ID        string `json:"ID"`
	RT        string `json:"RT"`
	Arrived   string `json:"ARRIVED"`
	delivered time.Time
}

// readRows reads the filter's output rows with the time each was delivered.
func readRows(t *testing.T, c *kinesis.Client, stream string) []crashRow {
	t.Helper()
	var out []crashRow
	eachRecord(t, c, stream, func(r types.Record) {
		var row crashRow
		if err := json.Unmarshal(r.Data, &row); err != nil {
			t.Fatal(err)
		}
		row.delivered = aws.ToTime(r.ApproximateArrivalTimestamp)
		out = append(out, row)
	})
	return out
}

func readData(t *testing.T, c *kinesis.Client, stream string) [][]byte {
	t.Helper()
	var out [][]byte
	eachRecord(t, c, stream, func(r types.Record) { out = append(out, r.Data) })
	return out
}

// readInput returns the arrival times of the input's records.
func readInput(t *testing.T, c *kinesis.Client, stream string) []time.Time {
	t.Helper()
	var out []time.Time
	eachRecord(t, c, stream, func(r types.Record) { out = append(out, aws.ToTime(r.ApproximateArrivalTimestamp)) })
	return out
}

// eachRecord reads every record of every shard of stream.
func eachRecord(t *testing.T, c *kinesis.Client, stream string, fn func(types.Record)) {
	t.Helper()
	ctx := context.Background()
	shards, err := c.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String(stream)})
	if err != nil {
		t.Fatal(err)
	}
	for _, sh := range shards.Shards {
		it, err := c.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String(stream), ShardId: sh.ShardId, ShardIteratorType: types.ShardIteratorTypeTrimHorizon})
		if err != nil {
			t.Fatal(err)
		}
		iter := it.ShardIterator
		for iter != nil {
			out, err := c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: iter})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range out.Records {
				fn(r)
			}
			if len(out.Records) == 0 {
				break
			}
			iter = out.NextShardIterator
		}
	}
}
