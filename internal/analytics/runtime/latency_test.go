package runtime_test

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	kt "github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	kat "github.com/aws/aws-sdk-go-v2/service/kinesisanalytics/types"

	"sluice/internal/testserver"
)

// TestFilterLatency measures how long a record takes from the input stream
// to the output stream through the guide's continuous filter: the output
// record's arrival time minus the input record's (both stamped by the
// server when durable, so the client's polling adds nothing). It logs the
// percentiles and asserts nothing about them (this machine's load decides
// them); run it with -v:
//
//	SLUICE_MEASURE=1 go test ./internal/analytics/runtime -run TestFilterLatency -v
func TestFilterLatency(t *testing.T) {
	if os.Getenv("SLUICE_MEASURE") == "" {
		t.Skip("a measurement that asserts nothing: set SLUICE_MEASURE=1 to run it (sluice bench analytics-* measures the same)")
	}
	srv := testserver.Start(t)
	c := srv.AnalyticsClient()
	in := createStream(t, srv, "ticks", 2)
	out := createStream(t, srv, "alerts", 1)
	createApp(t, c, "filter", filterCode, streamInput(in), streamOutput(out, kat.RecordFormatTypeJson))
	start(t, c, "filter", kat.InputStartingPositionNow)

	for li, load := range []struct {
		name     string
		interval time.Duration
		batch    int
	}{
		{"sparse: one record every 10 ms", 10 * time.Millisecond, 1},
		{"steady: 10 records every 2 ms", 2 * time.Millisecond, 10},
	} {
		inputs := map[string]time.Time{} // id → input arrival
		sent := map[string]time.Time{}   // id → when its PutRecords began
		r := newStreamReader(t, srv, "alerts")
		r.poll()
		skip := len(r.got)
		n := 0
		deadline := time.Now().Add(3 * time.Second)
		for time.Now().Before(deadline) {
			ticks := make([]tick, load.batch)
			for i := range ticks {
				ticks[i] = tick{"T", fmt.Sprintf("%d-%d", li, n), 5, 50} // 11%: every one passes
				n++
			}
			entries := make([]kt.PutRecordsRequestEntry, len(ticks))
			now := time.Now()
			for i, k := range ticks {
				sent[k.Sector] = now
				entries[i] = kt.PutRecordsRequestEntry{Data: k.json(), PartitionKey: aws.String(k.Sector)}
			}
			if _, err := srv.Kinesis().PutRecords(t.Context(), &kinesis.PutRecordsInput{StreamName: aws.String("ticks"), Records: entries}); err != nil {
				t.Fatal(err)
			}
			time.Sleep(load.interval)
		}
		// The input records' arrival times, from the input stream itself.
		inR := newStreamReader(t, srv, "ticks")
		inR.poll()
		for _, rec := range inR.got {
			var k tick
			if err := json.Unmarshal(rec.Data, &k); err != nil {
				t.Fatal(err)
			}
			inputs[k.Sector] = aws.ToTime(rec.ApproximateArrivalTimestamp)
		}
		r.wait(skip + n)
		var lat, e2e []time.Duration
		for _, rec := range r.got[skip:] {
			var row struct {
				Sector string `json:"SECTOR"`
			}
			if err := json.Unmarshal(rec.Data, &row); err != nil {
				t.Fatal(err)
			}
			if at, ok := inputs[row.Sector]; ok {
				lat = append(lat, aws.ToTime(rec.ApproximateArrivalTimestamp).Sub(at))
			}
			if at, ok := sent[row.Sector]; ok {
				e2e = append(e2e, aws.ToTime(rec.ApproximateArrivalTimestamp).Sub(at))
			}
		}
		report := func(what string, d []time.Duration) {
			slices.Sort(d)
			pct := func(p float64) time.Duration {
				return d[min(len(d)-1, int(p*float64(len(d))))].Round(100 * time.Microsecond)
			}
			t.Logf("%s, %s: %d records, p50 %v, p90 %v, p99 %v, max %v", load.name, what, len(d), pct(0.50), pct(0.90), pct(0.99), d[len(d)-1].Round(100*time.Microsecond))
		}
		report("input arrival → output arrival", lat)
		report("PutRecords sent → output arrival", e2e)
	}
}
