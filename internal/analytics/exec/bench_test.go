package exec

import (
	"fmt"
	"testing"

	"sluice/internal/analytics/sql"
	"sluice/internal/analytics/value"
)

// benchEnv is the demo stream's schema (the guide's getting-started
// exercise), with Kinesis's system columns.
func benchEnv() Env {
	return Env{Streams: []Stream{{
		Name: "SOURCE_SQL_STREAM_001",
		Columns: []Column{
			{Name: "TICKER_SYMBOL", Type: value.Varchar(4)},
			{Name: "SECTOR", Type: value.Varchar(16)},
			{Name: "CHANGE", Type: value.Simple(value.KindReal)},
			{Name: "PRICE", Type: value.Simple(value.KindReal)},
		},
		System: KinesisSystemColumns(),
	}}}
}

// benchRows makes n rows of 100 tickers, ms apart from start.
func benchRows(n int, start, step int64) []Row {
	rows := make([]Row, n)
	sectors := []string{"TECHNOLOGY", "RETAIL", "ENERGY", "FINANCIAL", "HEALTHCARE"}
	for i := range rows {
		t := start + int64(i)*step
		price := float32(10 + i%97)
		change := float32(i%7) - 3
		rows[i] = Row{Time: t, Values: []value.Value{
			value.NewVarchar(fmt.Sprintf("T%03d", i%100)),
			value.NewVarchar(sectors[i%len(sectors)]),
			value.NewReal(change),
			value.NewReal(price),
			value.NewTimestamp(t),
			value.NewVarchar("pk"),
			value.NewVarchar("49590338271490256608559692538361571095921575989136588898"),
			value.NewVarchar("shardId-000000000000"),
		}}
	}
	return rows
}

func benchProgram(b *testing.B, code string) *Program {
	b.Helper()
	app, err := sql.Parse(code)
	if err != nil {
		b.Fatal(err)
	}
	p, err := Compile(app, benchEnv())
	if err != nil {
		b.Fatal(err)
	}
	return p
}

// runBench pushes the rows in batches of 500 (a Kinesis GetRecords
// page's worth), counting the rows out, and reports input rows per
// second and nanoseconds per row.
func runBench(b *testing.B, p *Program, out string, rows []Row) {
	b.Helper()
	emitted := 0
	if _, err := p.Subscribe(out, func(r []Row) { emitted += len(r) }); err != nil {
		b.Fatal(err)
	}
	const batch = 500
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for i := 0; i < b.N; i++ {
		// Each round moves on in time, so windows keep closing.
		shift := int64(i) * (rows[len(rows)-1].Time - rows[0].Time + 1)
		for j := 0; j < len(rows); j += batch {
			chunk := rows[j:min(j+batch, len(rows))]
			for k := range chunk {
				chunk[k].Time += shift
			}
			if err := p.Push("SOURCE_SQL_STREAM_001", chunk); err != nil {
				b.Fatal(err)
			}
			for k := range chunk {
				chunk[k].Time -= shift
			}
		}
		n += len(rows)
	}
	b.StopTimer()
	if emitted == 0 {
		b.Fatal("no rows out")
	}
	secs := b.Elapsed().Seconds()
	b.ReportMetric(float64(n)/secs, "rows/s")
	b.ReportMetric(secs*1e9/float64(n), "ns/row")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkFilterProjection is the guide's continuous filter: a WHERE over
// arithmetic and a projection into a stream.
func BenchmarkFilterProjection(b *testing.B) {
	p := benchProgram(b, `
CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM"
           (ticker_symbol VARCHAR(4), sector VARCHAR(12), change DOUBLE, price DOUBLE);
CREATE OR REPLACE PUMP "STREAM_PUMP" AS
   INSERT INTO "DESTINATION_SQL_STREAM"
      SELECT STREAM ticker_symbol, sector, change, price
      FROM   "SOURCE_SQL_STREAM_001"
      WHERE  (ABS(Change / (Price - Change)) * 100) > 1;`)
	runBench(b, p, "DESTINATION_SQL_STREAM", benchRows(10000, 1_600_000_000_000, 1))
}

// BenchmarkTumbling is the guide's tumbling window: MIN and MAX per
// ticker per minute of ROWTIME, 100 tickers, a row per millisecond.
func BenchmarkTumbling(b *testing.B) {
	p := benchProgram(b, `
CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (
                                   ticker_symbol VARCHAR(4),
                                   Min_Price     DOUBLE,
                                   Max_Price     DOUBLE);
CREATE OR REPLACE PUMP "STREAM_PUMP" AS
  INSERT INTO "DESTINATION_SQL_STREAM"
    SELECT STREAM Ticker_Symbol,
                  MIN(Price) AS Min_Price,
                  MAX(Price) AS Max_Price
    FROM    "SOURCE_SQL_STREAM_001"
    GROUP BY Ticker_Symbol,
             STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '60' SECOND);`)
	runBench(b, p, "DESTINATION_SQL_STREAM", benchRows(120000, 1_600_000_000_000, 1))
}

// BenchmarkSliding is a sliding window: an average over the last minute
// of each ticker, a row out per row in.
func BenchmarkSliding(b *testing.B) {
	p := benchProgram(b, `
CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (ticker_symbol VARCHAR(4), avg_price DOUBLE, n BIGINT);
CREATE OR REPLACE PUMP "STREAM_PUMP" AS
  INSERT INTO "DESTINATION_SQL_STREAM"
    SELECT STREAM ticker_symbol, AVG(price) OVER w, COUNT(*) OVER w
    FROM "SOURCE_SQL_STREAM_001"
    WINDOW w AS (PARTITION BY ticker_symbol RANGE INTERVAL '1' MINUTE PRECEDING);`)
	runBench(b, p, "DESTINATION_SQL_STREAM", benchRows(120000, 1_600_000_000_000, 1))
}
