package console_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesisanalytics"

	"sluice/internal/testserver"
)

// TestBrowserAnalyticsFlow walks the Data Analytics pages in Chromium
// (test/js/analytics.mjs): Create application with the guide's continuous
// filter → a validation error at its line → fixed → the source discovered
// from records in the stream, a column's type edited → destinations added
// and removed → reference data from the local S3 directory, columns
// renamed → the source edited (parallelism 2) → a semantic error in the
// SQL editor → saved → Run → the live rows of its source and
// destination streams and error_stream, as records arrive, paused and
// resumed → Stop → delete another application from the list. Then it reads
// the application back through the SDK, and the rows its destination got.
func TestBrowserAnalyticsFlow(t *testing.T) {
	browserTools(t)
	srv := testserver.Start(t)
	// The guide's reference data (app-add-reference-data.md), in the local
	// S3 directory.
	ref := filepath.Join(srv.Dir, "s3", "console-ref", "companies.csv")
	if err := os.MkdirAll(filepath.Dir(ref), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(ref, []byte("AMZN,Amazon\nASD,SomeCompanyA\nMMB,SomeCompanyB\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	runBrowserScript(t, "analytics.mjs", srv.URL, "analytics")

	ka := srv.AnalyticsClient()
	d, err := ka.DescribeApplication(t.Context(), &kinesisanalytics.DescribeApplicationInput{ApplicationName: aws.String("console-kda")})
	if err != nil {
		t.Fatal(err)
	}
	app := d.ApplicationDetail
	if !strings.Contains(aws.ToString(app.ApplicationCode), `WHERE  (ABS(Change / (Price - Change)) * 100) > 1;`) ||
		aws.ToString(app.ApplicationDescription) != "The guide's continuous filter" {
		t.Fatalf("code %q, description %q", aws.ToString(app.ApplicationCode), aws.ToString(app.ApplicationDescription))
	}
	if len(app.InputDescriptions) != 1 {
		t.Fatalf("inputs: %+v", app.InputDescriptions)
	}
	in := app.InputDescriptions[0]
	if !strings.HasSuffix(aws.ToString(in.KinesisStreamsInputDescription.ResourceARN), ":stream/console-kda-source") ||
		aws.ToString(in.NamePrefix) != "SOURCE_SQL_STREAM" || aws.ToInt32(in.InputParallelism.Count) != 2 {
		t.Fatalf("input: %+v", in)
	}
	var cols []string
	for _, c := range in.InputSchema.RecordColumns {
		cols = append(cols, aws.ToString(c.Name)+" "+aws.ToString(c.SqlType)+" "+aws.ToString(c.Mapping))
	}
	if got := strings.Join(cols, ", "); !strings.HasPrefix(got, "TICKER_SYMBOL VARCHAR(4) $.TICKER_SYMBOL, SECTOR VARCHAR(12) $.SECTOR, CHANGE ") {
		t.Fatalf("columns: %s", got)
	}
	if len(app.OutputDescriptions) != 1 || aws.ToString(app.OutputDescriptions[0].Name) != "DESTINATION_SQL_STREAM" ||
		!strings.HasSuffix(aws.ToString(app.OutputDescriptions[0].KinesisStreamsOutputDescription.ResourceARN), ":stream/console-kda-out") ||
		app.OutputDescriptions[0].DestinationSchema.RecordFormatType != "JSON" {
		t.Fatalf("outputs: %+v", app.OutputDescriptions)
	}
	if len(app.ReferenceDataSourceDescriptions) != 1 {
		t.Fatalf("reference data: %+v", app.ReferenceDataSourceDescriptions)
	}
	r := app.ReferenceDataSourceDescriptions[0]
	if aws.ToString(r.TableName) != "CompanyName" || aws.ToString(r.S3ReferenceDataSourceDescription.FileKey) != "companies.csv" ||
		aws.ToString(r.ReferenceSchema.RecordColumns[0].Name) != "Ticker" || aws.ToString(r.ReferenceSchema.RecordColumns[1].Name) != "Company" {
		t.Fatalf("reference data: %+v", r)
	}
	tags, err := ka.ListTagsForResource(t.Context(), &kinesisanalytics.ListTagsForResourceInput{ResourceARN: app.ApplicationARN})
	if err != nil || len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Key) != "team" || aws.ToString(tags.Tags[0].Value) != "analytics" {
		t.Fatalf("tags: %+v, %v", tags, err)
	}
	// The destination stream got the rows the filter passed, as JSON.
	k := srv.Kinesis()
	it, err := k.GetShardIterator(t.Context(), &kinesis.GetShardIteratorInput{
		StreamName: aws.String("console-kda-out"), ShardId: aws.String("shardId-000000000000"), ShardIteratorType: types.ShardIteratorTypeTrimHorizon,
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := k.GetRecords(t.Context(), &kinesis.GetRecordsInput{ShardIterator: it.ShardIterator})
	if err != nil {
		t.Fatal(err)
	}
	var tickers []string
	for _, rec := range got.Records {
		var row struct{ TICKER_SYMBOL string }
		if err := json.Unmarshal(rec.Data, &row); err != nil {
			t.Fatalf("output record %q: %v", rec.Data, err)
		}
		tickers = append(tickers, row.TICKER_SYMBOL)
	}
	slices.Sort(tickers)
	if want := []string{"AMZN", "NEWT", "PAWS", "QXZ"}; !slices.Equal(tickers, want) {
		t.Fatalf("destination rows: %v, want %v", tickers, want)
	}
	list, err := ka.ListApplications(t.Context(), &kinesisanalytics.ListApplicationsInput{})
	if err != nil || len(list.ApplicationSummaries) != 1 {
		t.Fatalf("applications after the delete: %+v, %v", list, err)
	}
}
