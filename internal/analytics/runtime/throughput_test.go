package runtime_test

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	kt "github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	kat "github.com/aws/aws-sdk-go-v2/service/kinesisanalytics/types"

	"sluice/internal/testserver"
)

// TestThroughput measures how fast an application takes in a backlog: the
// input stream is filled first, then the application starts from
// TRIM_HORIZON and the time until it has taken every record in (and, for
// the filter, delivered every row) is logged as rows per second. Nothing is
// asserted (this machine's load decides the figures); run it with -v:
//
//	SLUICE_MEASURE=1 go test ./internal/analytics/runtime -run TestThroughput -v
func TestThroughput(t *testing.T) {
	if os.Getenv("SLUICE_MEASURE") == "" {
		t.Skip("a measurement that asserts nothing: set SLUICE_MEASURE=1 to run it (sluice bench analytics-* measures the same)")
	}
	const records = 200000
	srv := testserver.Start(t)
	in := createStream(t, srv, "ticks", 4)
	kc := srv.Kinesis()
	batch := make([]kt.PutRecordsRequestEntry, 500)
	for n := 0; n < records; n += len(batch) {
		for i := range batch {
			k := tick{fmt.Sprintf("T%03d", (n+i)%500), "TECHNOLOGY", 5, float64(50 + (n+i)%100)}
			batch[i] = kt.PutRecordsRequestEntry{Data: k.json(), PartitionKey: aws.String(fmt.Sprint(n + i))}
		}
		if _, err := kc.PutRecords(t.Context(), &kinesis.PutRecordsInput{StreamName: aws.String("ticks"), Records: batch}); err != nil {
			t.Fatal(err)
		}
	}
	c := srv.AnalyticsClient()
	for _, app := range []struct{ name, code, output string }{
		{"filter", filterCode, "filtered"},
		{"tumbling", tumblingCode, "windows"},
	} {
		out := createStream(t, srv, app.output, 4)
		createApp(t, c, app.name, app.code, streamInput(in), streamOutput(out, kat.RecordFormatTypeJson))
		began := time.Now()
		start(t, c, app.name, kat.InputStartingPositionTrimHorizon)
		waitFor := func(metric string, n int64) {
			re := regexp.MustCompile(metric + `\{[^}]*application="` + app.name + `"[^}]*\} (\d+)`)
			deadline := time.Now().Add(2 * time.Minute)
			for {
				res, err := http.Get(srv.URL + "/metrics")
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if m := re.FindSubmatch(body); m != nil {
					if v, _ := strconv.ParseInt(string(m[1]), 10, 64); v >= n {
						return
					}
				}
				if time.Now().After(deadline) {
					t.Fatalf("%s: %s did not reach %d", app.name, metric, n)
				}
				time.Sleep(20 * time.Millisecond)
			}
		}
		waitFor("sluice_analytics_input_rows_total", records)
		took := time.Since(began)
		t.Logf("%s: %d rows taken in in %v: %.0f rows/s", app.name, records, took.Round(time.Millisecond), records/took.Seconds())
		if app.name == "filter" {
			waitFor("sluice_analytics_output_records_total", records)
			took = time.Since(began)
			t.Logf("%s: %d rows delivered in %v: %.0f rows/s", app.name, records, took.Round(time.Millisecond), records/took.Seconds())
		}
		stop(t, c, app.name)
	}
}
