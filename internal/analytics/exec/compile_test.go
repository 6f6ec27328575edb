package exec

import (
	"errors"
	"strings"
	"testing"

	"sluice/internal/analytics/sql"
	"sluice/internal/analytics/value"
)

// testEnv is a source stream of every common type and a reference table.
func testEnv() Env {
	return Env{
		Streams: []Stream{{
			Name: "SOURCE_SQL_STREAM_001",
			Columns: []Column{
				{Name: "TICKER", Type: value.Varchar(4)},
				{Name: "PRICE", Type: value.Simple(value.KindDouble)},
				{Name: "QTY", Type: value.Simple(value.KindInteger)},
				{Name: "EVENT_TIME", Type: value.Simple(value.KindTimestamp)},
			},
			System: KinesisSystemColumns(),
		}},
		Tables: []Table{{
			Name:    "REF",
			Columns: []Column{{Name: "TICKER", Type: value.Varchar(4)}, {Name: "NAME", Type: value.Varchar(20)}},
			Rows:    [][]value.Value{{value.NewVarchar("AMZN"), value.NewVarchar("Amazon")}},
		}},
	}
}

const outStream = `CREATE OR REPLACE STREAM "OUT" (a VARCHAR(20), b DOUBLE);
`

// TestCompileErrors checks that what the planner refuses is refused with
// a *sql.Error at the right place, saying what was expected.
func TestCompileErrors(t *testing.T) {
	// at is the text the error must point at: its first occurrence on
	// the line given.
	tests := []struct {
		name, code string
		line       int
		at, msg    string
	}{
		{"unknown function", outStream + `CREATE PUMP P AS INSERT INTO "OUT" SELECT STREAM NOPE(ticker), price FROM SOURCE_SQL_STREAM_001;`,
			2, "NOPE(", "No match found for function signature NOPE"},
		{"argument type", outStream + `CREATE PUMP P AS INSERT INTO "OUT" SELECT STREAM UPPER(price), price FROM SOURCE_SQL_STREAM_001;`,
			2, "price), price", "UPPER: argument 1 must be a character string"},
		{"arithmetic types", outStream + `CREATE PUMP P AS INSERT INTO "OUT" SELECT STREAM ticker, ticker + 1 FROM SOURCE_SQL_STREAM_001;`,
			2, "ticker + 1", "Cannot apply '+' to arguments of type VARCHAR(4) and INTEGER"},
		{"comparison types", outStream + `CREATE PUMP P AS INSERT INTO "OUT" SELECT STREAM ticker, price FROM SOURCE_SQL_STREAM_001 WHERE ticker = 1;`,
			2, "ticker = 1", "Cannot apply '=' to arguments of type VARCHAR(4) and INTEGER"},
		{"WHERE not a condition", outStream + `CREATE PUMP P AS INSERT INTO "OUT" SELECT STREAM ticker, price FROM SOURCE_SQL_STREAM_001 WHERE price;`,
			2, "price;", "The WHERE clause must be a condition (BOOLEAN), not DOUBLE"},
		{"assignment", outStream + `CREATE PUMP P AS INSERT INTO "OUT" SELECT STREAM ticker, ticker FROM SOURCE_SQL_STREAM_001;`,
			2, "ticker FROM", "Cannot assign to target field 'B' of type DOUBLE from source field 'TICKER' of type VARCHAR(4)"},
		{"cast", outStream + `CREATE PUMP P AS INSERT INTO "OUT" SELECT STREAM ticker, CAST(event_time AS DOUBLE) FROM SOURCE_SQL_STREAM_001;`,
			2, "CAST(", "Cast function cannot convert value of type TIMESTAMP to type DOUBLE"},
		{"pattern", outStream + `CREATE PUMP P AS INSERT INTO "OUT" SELECT STREAM ticker, price FROM SOURCE_SQL_STREAM_001 WHERE ticker SIMILAR TO '(';`,
			2, "'(';", "SIMILAR TO: argument 2 is not a valid pattern"},
		{"lead", outStream + `CREATE PUMP P AS INSERT INTO "OUT" SELECT STREAM ticker, LEAD(price) OVER (ROWS 2 PRECEDING) FROM SOURCE_SQL_STREAM_001;`,
			2, "LEAD(", "LEAD looks at rows that have not arrived yet"},
		{"full join with a table", outStream + `CREATE PUMP P AS INSERT INTO "OUT" SELECT STREAM s.ticker, s.price FROM SOURCE_SQL_STREAM_001 AS s FULL JOIN REF AS r ON s.ticker = r.ticker;`,
			2, "FULL JOIN", "FULL JOIN cannot keep a reference table's unmatched rows"},
		{"group and over", outStream + `CREATE PUMP P AS INSERT INTO "OUT" SELECT STREAM ticker, SUM(price) OVER (ROWS 2 PRECEDING) FROM SOURCE_SQL_STREAM_001 GROUP BY ticker, FLOOR(ROWTIME TO MINUTE);`,
			2, "SELECT STREAM", "cannot both aggregate"},
		{"exp_avg in group by", outStream + `CREATE PUMP P AS INSERT INTO "OUT" SELECT STREAM ticker, EXP_AVG(price, INTERVAL '1' SECOND) FROM SOURCE_SQL_STREAM_001 GROUP BY ticker, FLOOR(ROWTIME TO MINUTE);`,
			2, "EXP_AVG(", "EXP_AVG needs a sliding window"},
		{"range of months", outStream + `CREATE PUMP P AS INSERT INTO "OUT" SELECT STREAM ticker, SUM(price) OVER (RANGE INTERVAL '1' MONTH PRECEDING) FROM SOURCE_SQL_STREAM_001;`,
			2, "INTERVAL '1' MONTH", "RANGE takes a positive interval from SECOND to DAY"},
		{"system column firehose lacks", `CREATE OR REPLACE STREAM "OUT" (a VARCHAR(20), b DOUBLE);
CREATE PUMP P AS INSERT INTO "OUT" SELECT STREAM SHARD_ID, price FROM FH;`,
			2, "SHARD_ID", "Column 'SHARD_ID' not found in any table"},
		{"cycle", `CREATE OR REPLACE STREAM A (x DOUBLE);
CREATE OR REPLACE STREAM B (x DOUBLE);
CREATE PUMP P1 AS INSERT INTO A SELECT STREAM price FROM SOURCE_SQL_STREAM_001;
CREATE PUMP P2 AS INSERT INTO B SELECT STREAM x FROM A;
CREATE PUMP P3 AS INSERT INTO A SELECT STREAM x FROM B;`,
			5, "A SELECT", "Pump 'P3' would feed stream 'A' with its own rows"},
		{"recursive function", `CREATE FUNCTION F(x DOUBLE) RETURNS DOUBLE RETURN F(x) + 1;`,
			1, "F(x) + 1", "Function 'F' cannot call itself"},
		{"ordinal", outStream + `CREATE PUMP P AS INSERT INTO "OUT" SELECT STREAM ticker, price FROM SOURCE_SQL_STREAM_001 ORDER BY FLOOR(ROWTIME TO SECOND), 3;`,
			2, "3;", "Ordinal 3 in ORDER BY is out of range"},
		{"nth_value position", outStream + `CREATE PUMP P AS INSERT INTO "OUT" SELECT STREAM ticker, NTH_VALUE(price, 0) OVER (ROWS 2 PRECEDING) FROM SOURCE_SQL_STREAM_001;`,
			2, "0)", "NTH_VALUE's position must be an integer constant from 1"},
		{"table function unknown", `CREATE OR REPLACE STREAM "OUT" (a VARCHAR(20));
CREATE PUMP P AS INSERT INTO "OUT" SELECT STREAM * FROM TABLE(NOPE(CURSOR(SELECT STREAM ticker FROM SOURCE_SQL_STREAM_001)));`,
			2, "NOPE(", "No match found for table function NOPE"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			app, err := sql.Parse(tc.code)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			env := testEnv()
			env.Streams = append(env.Streams, Stream{Name: "FH", Columns: []Column{{Name: "PRICE", Type: value.Simple(value.KindDouble)}}, System: FirehoseSystemColumns()})
			_, err = Compile(app, env)
			var se *sql.Error
			if !errors.As(err, &se) {
				t.Fatalf("got %v (%T), want a *sql.Error", err, err)
			}
			line := strings.Split(tc.code, "\n")[tc.line-1]
			col := strings.Index(line, tc.at) + 1
			if se.Line != tc.line || se.Column != col || !strings.Contains(se.Msg, tc.msg) {
				t.Errorf("got %d:%d %q, want %d:%d (at %q) containing %q", se.Line, se.Column, se.Msg, tc.line, col, tc.at, tc.msg)
			}
			if !strings.HasPrefix(se.Msg, "At line ") {
				t.Errorf("message %q does not start with its position", se.Msg)
			}
		})
	}
}

// TestCompileOutputs checks that every output's stream must exist.
func TestCompileOutputs(t *testing.T) {
	app, err := sql.Parse(outStream)
	if err != nil {
		t.Fatal(err)
	}
	env := testEnv()
	env.Outputs = []string{"OUT", "error_stream", "SOURCE_SQL_STREAM_001"}
	if _, err := Compile(app, env); err != nil {
		t.Fatal(err)
	}
	env.Outputs = []string{"DESTINATION_SQL_STREAM"}
	_, err = Compile(app, env)
	var se *sql.Error
	if !errors.As(err, &se) || !strings.Contains(se.Msg, "'DESTINATION_SQL_STREAM'") {
		t.Fatalf("got %v", err)
	}
}
