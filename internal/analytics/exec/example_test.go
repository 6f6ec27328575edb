package exec_test

import (
	"fmt"

	"sluice/internal/analytics/exec"
	"sluice/internal/analytics/sql"
	"sluice/internal/analytics/value"
)

// The guide's tumbling window: the lowest and highest price of each
// ticker per minute of ROWTIME. The last minute closes when the clock
// passes its end, with no new row.
func Example() {
	app, err := sql.Parse(`
CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (ticker_symbol VARCHAR(4), Min_Price DOUBLE, Max_Price DOUBLE);
CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
    SELECT STREAM Ticker_Symbol, MIN(Price), MAX(Price)
    FROM "SOURCE_SQL_STREAM_001"
    GROUP BY Ticker_Symbol, STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '60' SECOND);`)
	if err != nil {
		panic(err)
	}
	p, err := exec.Compile(app, exec.Env{
		Streams: []exec.Stream{{
			Name: "SOURCE_SQL_STREAM_001",
			Columns: []exec.Column{
				{Name: "TICKER_SYMBOL", Type: value.Varchar(4)},
				{Name: "PRICE", Type: value.Simple(value.KindDouble)},
			},
		}},
		Outputs: []string{"DESTINATION_SQL_STREAM"},
	})
	if err != nil {
		panic(err)
	}
	cancel, _ := p.Subscribe("DESTINATION_SQL_STREAM", func(rows []exec.Row) {
		for _, r := range rows {
			fmt.Println(value.NewTimestamp(r.Time), r.Values)
		}
	})
	defer cancel()
	minute := int64(1_528_898_400_000) // 2018-06-13 14:00:00 UTC
	row := func(offset int64, ticker string, price float64) exec.Row {
		return exec.Row{Time: minute + offset, Values: []value.Value{value.NewVarchar(ticker), value.NewDouble(price)}}
	}
	_ = p.Push("SOURCE_SQL_STREAM_001", []exec.Row{row(5000, "AMZN", 35.5), row(6000, "TBV", 43.5), row(30000, "AMZN", 37.5)})
	_ = p.Push("SOURCE_SQL_STREAM_001", []exec.Row{row(61000, "AMZN", 36.0)})
	_ = p.Advance(minute + 120000)
	fmt.Println(value.NewTimestamp(p.LowWatermark()))
	// Output:
	// 2018-06-13 14:01:00.000 [AMZN 35.5 37.5]
	// 2018-06-13 14:01:00.000 [TBV 43.5 43.5]
	// 2018-06-13 14:02:00.000 [AMZN 36.0 36.0]
	// 2018-06-13 14:02:00.000
}
