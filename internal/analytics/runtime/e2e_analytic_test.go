package runtime_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ka "github.com/aws/aws-sdk-go-v2/service/kinesisanalytics"
	kat "github.com/aws/aws-sdk-go-v2/service/kinesisanalytics/types"
	"github.com/aws/smithy-go"

	"sluice/internal/testserver"
)

// rcfCode scores the demo stream's numeric columns with a small random cut
// forest (20 trees of 10 points: the first 10 rows score 0).
const rcfCode = `CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (ticker_symbol VARCHAR(4), price REAL, ANOMALY_SCORE DOUBLE);
CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
    SELECT STREAM ticker_symbol, price, ANOMALY_SCORE
    FROM TABLE(RANDOM_CUT_FOREST(CURSOR(SELECT STREAM * FROM "SOURCE_SQL_STREAM_001"), 20, 10, 1000, 1));
`

// A running application calls the P3 table functions the runtime lends
// the program: RANDOM_CUT_FOREST learns from the first rows, then scores
// an outlying price far above the others.
func TestRandomCutForestRuns(t *testing.T) {
	srv := testserver.Start(t)
	c := srv.AnalyticsClient()
	in := createStream(t, srv, "ticks", 1)
	out := createStream(t, srv, "scores", 1)
	createApp(t, c, "rcf", rcfCode, streamInput(in), streamOutput(out, kat.RecordFormatTypeJson))
	start(t, c, "rcf", kat.InputStartingPositionNow)

	var ticks []tick
	for i := range 40 {
		price := 100 + float64(i%7)
		if i == 35 {
			price = 900
		}
		ticks = append(ticks, tick{"AMZN", "TECHNOLOGY", float64(i%3) - 1, price})
	}
	putTicks(t, srv, "ticks", ticks...)
	got := newStreamReader(t, srv, "scores").wait(40)
	var rows []struct {
		Price float64 `json:"PRICE"`
		Score float64 `json:"ANOMALY_SCORE"`
	}
	for _, rec := range got {
		var r struct {
			Price float64 `json:"PRICE"`
			Score float64 `json:"ANOMALY_SCORE"`
		}
		if err := json.Unmarshal([]byte(rec), &r); err != nil {
			t.Fatalf("%s: %v", rec, err)
		}
		rows = append(rows, r)
	}
	for i, r := range rows[:10] {
		if r.Score != 0 {
			t.Errorf("row %d scores %v while the forest learns", i, r.Score)
		}
	}
	for i, r := range rows[10:] {
		if i+10 != 35 && r.Score >= rows[35].Score {
			t.Errorf("row %d (price %v) scores %v, the outlier %v", i+10, r.Price, r.Score, rows[35].Score)
		}
	}
	if rows[35].Price != 900 || rows[35].Score < 2 {
		t.Errorf("the outlier: %+v", rows[35])
	}
	stop(t, c, "rcf")
}

// CreateApplication and UpdateApplication refuse a P3 function's argument
// out of AWS's range with CodeValidationException at the argument, and
// accept the guide's calls.
func TestTableFunctionValidation(t *testing.T) {
	srv := testserver.Start(t)
	c := srv.AnalyticsClient()
	ctx := t.Context()
	bad := strings.Replace(rcfCode, "20, 10, 1000, 1", "20, 10, 1000, 31", 1)
	_, err := c.CreateApplication(ctx, &ka.CreateApplicationInput{ApplicationName: aws.String("a"), ApplicationCode: aws.String(bad)})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "CodeValidationException" ||
		!strings.Contains(ae.ErrorMessage(), "At line 4, column 102: RANDOM_CUT_FOREST: shingleSize is 31; it must be an integer from 1 to 30") {
		t.Fatalf("got %v", err)
	}
	if _, err := c.CreateApplication(ctx, &ka.CreateApplicationInput{ApplicationName: aws.String("a"), ApplicationCode: aws.String(rcfCode)}); err != nil {
		t.Fatal(err)
	}
	topK := `CREATE OR REPLACE STREAM DESTINATION_SQL_STREAM ("TICKER" VARCHAR(4), "MOST_FREQUENT_VALUES" BIGINT);
CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
    SELECT STREAM * FROM TABLE (TOP_K_ITEMS_TUMBLING(CURSOR(SELECT STREAM * FROM "SOURCE_SQL_STREAM_001"), 'TICKER', 5, 7200));`
	_, err = c.UpdateApplication(ctx, &ka.UpdateApplicationInput{ApplicationName: aws.String("a"), CurrentApplicationVersionId: aws.Int64(1),
		ApplicationUpdate: &kat.ApplicationUpdate{ApplicationCodeUpdate: aws.String(topK)}})
	if !errors.As(err, &ae) || ae.ErrorCode() != "CodeValidationException" || !strings.Contains(ae.ErrorMessage(), "windowSize is 7200") {
		t.Fatalf("got %v", err)
	}
}
