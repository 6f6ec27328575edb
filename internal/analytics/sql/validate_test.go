package sql

import (
	"strings"
	"testing"
)

// stockSchema is the demo stock ticker input with a reference table.
var stockSchema = &Schema{
	Streams: map[string][]string{"SOURCE_SQL_STREAM_001": {"TICKER_SYMBOL", "SECTOR", "CHANGE", "PRICE", "EVENT_TIME"}},
	Tables:  map[string][]string{"CompanyName": {"Ticker", "Company"}},
}

// pump wraps a query in an application: a destination stream with n
// DOUBLE columns and a pump into it.
func pump(n int, query string) string {
	cols := make([]string, n)
	for i := range cols {
		cols[i] = "c" + string(rune('a'+i)) + " DOUBLE"
	}
	return "CREATE OR REPLACE STREAM DEST (" + strings.Join(cols, ", ") + ");\n" +
		"CREATE OR REPLACE PUMP P AS INSERT INTO DEST\n" + query
}

func TestValidate(t *testing.T) {
	const src = ` FROM "SOURCE_SQL_STREAM_001"`
	tests := []struct {
		name, code string
		schema     *Schema
		want       string // the first message; "" for valid code
	}{
		// Valid code of each kind.
		{"filter", pump(2, "SELECT STREAM ticker_symbol, price"+src+" WHERE price > 1"), stockSchema, ""},
		{"system columns", pump(3, "SELECT STREAM APPROXIMATE_ARRIVAL_TIME, SHARD_ID, s.ROWTIME FROM SOURCE_SQL_STREAM_001 AS s"), stockSchema, ""},
		{"rowtime is a column", pump(2, "SELECT STREAM ROWTIME, price"+src), stockSchema, ""},
		{"AS ROWTIME not counted", pump(1, "SELECT STREAM event_time AS ROWTIME, price"+src), stockSchema, ""},
		{"group by alias", pump(2, "SELECT STREAM FLOOR(ROWTIME TO MINUTE) AS m, COUNT(*)"+src+" GROUP BY m"), stockSchema, ""},
		{"group by qualified and not", pump(2, `SELECT STREAM s.ticker_symbol, COUNT(*) FROM "SOURCE_SQL_STREAM_001" AS s GROUP BY ticker_symbol, STEP(s.ROWTIME BY INTERVAL '1' MINUTE)`), stockSchema, ""},
		{"monotonic function", pump(2, "SELECT STREAM ticker_symbol, COUNT(*)"+src+" GROUP BY ticker_symbol, MONOTONIC(event_time)"), stockSchema, ""},
		{"order by alias", pump(2, "SELECT STREAM FLOOR(ROWTIME TO SECOND) AS t, price"+src+" ORDER BY t, price"), stockSchema, ""},
		{"distinct with rowtime", pump(2, "SELECT STREAM DISTINCT FLOOR(s.ROWTIME TO DAY), ticker_symbol FROM SOURCE_SQL_STREAM_001 AS s"), stockSchema, ""},
		{"reference join", pump(2, `SELECT STREAM ticker_symbol, c."Company"`+src+` LEFT JOIN "CompanyName" AS c ON ticker_symbol = c."Ticker"`), stockSchema, ""},
		{"correlated subquery", pump(1, `SELECT STREAM price`+src+` AS s WHERE EXISTS (SELECT * FROM "CompanyName" AS c WHERE c."Ticker" = s.ticker_symbol)`), stockSchema, ""},
		{"window inherited by subquery", pump(1, "SELECT STREAM n FROM (SELECT STREAM COUNT(*) OVER w AS n"+src+") WINDOW w AS (ROWS 2 PRECEDING)"), stockSchema, ""},
		{"window refining another", pump(1, "SELECT STREAM SUM(price) OVER (w ROWS 2 PRECEDING)"+src+" WINDOW w AS (PARTITION BY ticker_symbol)"), stockSchema, ""},
		{"error stream", pump(2, `SELECT STREAM ERROR_NAME, DATA_ROWTIME FROM "error_stream"`), stockSchema, ""},
		{"unknown input without schema", pump(1, "SELECT STREAM anything FROM WHATEVER"), nil, ""},
		{"user function", "CREATE FUNCTION f(x DOUBLE) RETURNS DOUBLE CONTAINS SQL RETURN x * 2;\n" + pump(1, "SELECT STREAM f(price)"+src), stockSchema, ""},
		{"insert column list", "CREATE STREAM D (a INT, b INT, c INT);\nCREATE PUMP P AS INSERT INTO D (c, a) SELECT STREAM price, change" + src, stockSchema, ""},
		{"union all", pump(1, "SELECT STREAM price"+src+" UNION ALL SELECT STREAM change"+src), stockSchema, ""},
		{"stagger", pump(2, "SELECT STREAM ticker_symbol, COUNT(*)"+src+" WINDOWED BY STAGGER (PARTITION BY ticker_symbol RANGE INTERVAL '1' MINUTE)"), stockSchema, ""},
		{"stream join", "CREATE STREAM A (k INT);\nCREATE STREAM B (k INT, v DOUBLE);\n" + pump(1, "SELECT STREAM b.v FROM A JOIN B OVER (RANGE INTERVAL '1' MINUTE PRECEDING) AS b ON A.k = b.k"), stockSchema, ""},
		{"intervals", pump(1, "SELECT STREAM price"+src+" WHERE event_time > ROWTIME - INTERVAL '1 02:03:04.5' DAY TO SECOND - INTERVAL '1-11' YEAR TO MONTH + INTERVAL '0.005' SECOND"), stockSchema, ""},
		{"datetime literals", pump(1, "SELECT STREAM price"+src+" WHERE event_time > TIMESTAMP '2018-6-1 1:02:03.456' AND DATE '2018-06-01' IS NOT NULL AND TIME '23:59:59' IS NOT NULL"), stockSchema, ""},

		// Names.
		{"qualified stream name", "CREATE STREAM S.D (a INT)", nil, "At line 1, column 15: Object 'S.D' not found: an application's objects are named without a schema"},
		{"stream named like input", "CREATE STREAM SOURCE_SQL_STREAM_001 (a INT)", stockSchema, "At line 1, column 15: Stream 'SOURCE_SQL_STREAM_001' is an input of the application; name the new stream otherwise"},
		{"stream named like table", `CREATE STREAM "CompanyName" (a INT)`, stockSchema, "At line 1, column 15: 'CompanyName' is a reference table of the application; name the stream otherwise"},
		{"error stream created", `CREATE STREAM "error_stream" (a INT)`, nil, "At line 1, column 15: Stream 'error_stream' is the application's error stream; KDA creates it"},
		{"duplicate column", "CREATE STREAM D (a INT, \"A\" INT)", nil, "At line 1, column 25: Duplicate column name 'A' in stream 'D'"},
		{"type parameters", "CREATE STREAM D (a INTEGER(4), b DECIMAL(1,2), c VARCHAR(1,2))", nil, "At line 1, column 20: Type INTEGER takes no parameters: INTEGER(4)"},
		{"too many varchar parameters", "CREATE STREAM D (c VARCHAR(1,2))", nil, "At line 1, column 20: Type VARCHAR takes at most 1 parameter: VARCHAR(1,2)"},
		{"duplicate function", "CREATE FUNCTION f(x INT) RETURNS INT CONTAINS SQL RETURN x;\nCREATE FUNCTION f(y INT) RETURNS INT CONTAINS SQL RETURN y", nil, "At line 2, column 17: Function 'F' with 1 parameters is already created at line 1, column 17"},
		{"function overloads", "CREATE FUNCTION f(x INT) RETURNS INT CONTAINS SQL RETURN x;\nCREATE FUNCTION f(x INT, y INT) RETURNS INT CONTAINS SQL RETURN x + y", nil, ""},
		{"function body column", "CREATE FUNCTION f(x INT) RETURNS INT CONTAINS SQL RETURN y", nil, "At line 1, column 58: Column 'Y' not found in any table"},
		{"function arity", "CREATE FUNCTION f(x DOUBLE) RETURNS DOUBLE CONTAINS SQL RETURN x;\n" + pump(1, "SELECT STREAM f(price, change)"+src), stockSchema, "At line 4, column 15: No match found for function signature F with 2 arguments"},
		{"duplicate parameter", "CREATE FUNCTION f(x INT, x INT) RETURNS INT CONTAINS SQL RETURN x", nil, "At line 1, column 26: Duplicate parameter name 'X' in function 'F'"},
		{"insert into table", `CREATE PUMP P AS INSERT INTO "CompanyName" SELECT STREAM ticker_symbol, sector` + src, stockSchema, "At line 1, column 30: Cannot insert into 'CompanyName': it is a reference table; insert into a stream the code creates"},
		{"insert into error stream", `CREATE PUMP P AS INSERT INTO "error_stream" SELECT STREAM price` + src, stockSchema, "At line 1, column 30: Cannot insert into the error stream 'error_stream': KDA writes it"},
		{"target column twice", "CREATE STREAM D (a INT, b INT);\nCREATE PUMP P AS INSERT INTO D (a, a) SELECT STREAM price, change" + src, stockSchema, "At line 2, column 36: Target column 'A' is assigned more than once"},
		{"insert list count", "CREATE STREAM D (a INT, b INT);\nCREATE PUMP P AS INSERT INTO D (a, b) SELECT STREAM price" + src, stockSchema, "At line 2, column 39: Number of INSERT target columns (2) does not equal number of source items (1)"},
		{"star from declared stream counts", "CREATE STREAM A (x INT, y INT);\n" + pump(3, "SELECT STREAM * FROM A"), stockSchema, "At line 4, column 1: Number of INSERT target columns (3) does not equal number of source items (2)"},
		{"star from input does not count", pump(3, "SELECT STREAM *"+src), stockSchema, ""},
		{"pump reading only tables", pump(1, `SELECT "Ticker" FROM "CompanyName"`), stockSchema, "At line 3, column 1: The query of pump 'P' reads no stream: a pump inserts the rows of a streaming query"},
		{"select stream from table", pump(1, `SELECT STREAM "Ticker" FROM "CompanyName"`), stockSchema, "At line 3, column 1: SELECT STREAM needs a stream to read; this query reads only reference tables"},

		// Columns.
		{"column of wrong relation", pump(1, `SELECT STREAM c.price`+src+` JOIN "CompanyName" AS c ON TRUE`), stockSchema, "At line 3, column 15: Column 'PRICE' not found in table 'C'"},
		{"table has no rowtime", pump(2, `SELECT STREAM price, c.ROWTIME`+src+` JOIN "CompanyName" AS c ON TRUE`), stockSchema, "At line 3, column 22: Column 'ROWTIME' not found in table 'C'"},
		{"subquery columns", pump(1, "SELECT STREAM t.price FROM (SELECT STREAM ticker_symbol"+src+") AS t"), stockSchema, "At line 3, column 15: Column 'PRICE' not found in table 'T'"},
		{"row field", pump(1, "SELECT STREAM t.r.COLUMN1 FROM (SELECT STREAM W3C_LOG_PARSE(sector, 'COMMON') AS r"+src+") AS t"), stockSchema, ""},
		{"alias list degree", pump(1, "SELECT STREAM x FROM (SELECT STREAM price, change"+src+") AS t(x)"), stockSchema, "At line 3, column 84: List of column aliases must have same degree as table; table has 2 columns ('PRICE', 'CHANGE'), whereas alias list has 1 columns"},
		{"alias list renames", pump(1, "SELECT STREAM t.p FROM (SELECT STREAM price"+src+") AS t(p)"), stockSchema, ""},
		{"star qualifier", pump(1, "SELECT STREAM x.*"+src), stockSchema, "At line 3, column 15: Table 'X' not found"},
		{"table function columns open", pump(1, "SELECT STREAM ANOMALY_SCORE FROM TABLE(RANDOM_CUT_FOREST(CURSOR(SELECT STREAM *"+src+")))"), stockSchema, ""},
		{"table function constant arguments", pump(1, "SELECT STREAM * FROM TABLE(TOP_K_ITEMS_TUMBLING(CURSOR(SELECT STREAM *"+src+"), price, 5, 60))"), stockSchema, "At line 3, column 103: Column 'PRICE' not found in any table"},
		{"using", pump(1, `SELECT STREAM price`+src+` JOIN "CompanyName" USING (price)`), stockSchema, "At line 3, column 76: Column 'PRICE' in USING clause not found on both sides of the join"},

		// Aggregates and grouping.
		{"aggregate in group by", pump(1, "SELECT STREAM 1"+src+" GROUP BY COUNT(*), ROWTIME"), stockSchema, "At line 3, column 55: Aggregate expression is illegal in GROUP BY clause"},
		{"aggregate in on", pump(1, `SELECT STREAM price`+src+` JOIN "CompanyName" AS c ON COUNT(*) > 1`), stockSchema, "At line 3, column 77: Aggregate expression is illegal in ON clause"},
		{"aggregate in partition", pump(1, "SELECT STREAM SUM(price) OVER (PARTITION BY MAX(price))"+src), stockSchema, "At line 3, column 45: Aggregate expression is illegal in PARTITION BY clause"},
		{"windowed aggregate in where", pump(1, "SELECT STREAM price"+src+" WHERE AVG(price) OVER (ROWS 2 PRECEDING) > 1"), stockSchema, "At line 3, column 56: Windowed aggregate expression is illegal in WHERE clause"},
		{"windowed inside aggregate", pump(1, "SELECT STREAM SUM(AVG(price) OVER (ROWS 2 PRECEDING))"+src+" GROUP BY ROWTIME"), stockSchema, "At line 3, column 19: Aggregate expressions cannot be nested"},
		{"aggregate without group by", pump(1, "SELECT STREAM COUNT(*)"+src), stockSchema, "At line 3, column 15: Streaming aggregation requires at least one monotonic expression in GROUP BY clause, such as STEP(s.ROWTIME BY INTERVAL '1' MINUTE) or FLOOR(s.ROWTIME TO MINUTE)"},
		{"aggregate over a table", `CREATE STREAM D (n INT);` + "\n" + `CREATE PUMP P AS INSERT INTO D SELECT STREAM price` + src + ` WHERE price > (SELECT COUNT(*) FROM "CompanyName")`, stockSchema, ""},
		{"having not grouped", pump(1, "SELECT STREAM COUNT(*)"+src+" GROUP BY STEP(ROWTIME BY INTERVAL '1' MINUTE) HAVING price > 1"), stockSchema, "At line 3, column 106: Expression 'PRICE' is not being grouped"},
		{"star in aggregation", pump(1, "SELECT STREAM *"+src+" GROUP BY FLOOR(ROWTIME TO MINUTE)"), stockSchema, "At line 3, column 15: Expression '*' is not being grouped"},
		{"stagger groups by partition", pump(2, "SELECT STREAM sector, COUNT(*)"+src+" WINDOWED BY STAGGER (PARTITION BY ticker_symbol RANGE INTERVAL '1' MINUTE)"), stockSchema, "At line 3, column 15: Expression 'SECTOR' is not being grouped"},
		{"stagger range", pump(1, "SELECT STREAM COUNT(*)"+src+" WINDOWED BY STAGGER (PARTITION BY sector RANGE 60)"), stockSchema, "At line 3, column 100: WINDOWED BY STAGGER takes RANGE INTERVAL 'n' unit, a positive interval from SECOND to DAY"},
		{"count star only", pump(1, "SELECT STREAM SUM(*) OVER (ROWS 2 PRECEDING)"+src), stockSchema, "At line 3, column 15: Only COUNT takes * as its argument: SUM(*)"},
		{"distinct in scalar call", pump(1, "SELECT STREAM ABS(DISTINCT price)"+src), stockSchema, "At line 3, column 15: DISTINCT and ALL are only allowed in an aggregate function call: 'ABS' is not one"},
		{"ignore nulls", pump(1, "SELECT STREAM ABS(price) IGNORE NULLS"+src), stockSchema, "At line 3, column 15: IGNORE NULLS is only allowed after LAG, NTH_VALUE, FIRST_VALUE or LAST_VALUE"},
		{"lag needs over", pump(1, "SELECT STREAM LAG(price)"+src), stockSchema, "At line 3, column 15: LAG needs a window: LAG(...) OVER w"},

		// Streaming rules.
		{"distinct without monotonic", pump(1, "SELECT STREAM DISTINCT ticker_symbol"+src), stockSchema, "At line 3, column 1: Streaming SELECT DISTINCT needs a monotonic expression in the select list, such as FLOOR(s.ROWTIME TO MINUTE)"},
		{"union distinct", pump(1, "SELECT STREAM price"+src+" UNION SELECT STREAM price"+src), stockSchema, "At line 3, column 50: Only UNION ALL can combine streams; UNION cannot"},
		{"union stream and table", pump(1, "SELECT STREAM price"+src+` UNION ALL SELECT "Ticker" FROM "CompanyName"`), stockSchema, "At line 3, column 50: UNION ALL cannot combine a stream with a table"},
		{"union column count", pump(1, "SELECT STREAM price"+src+" UNION ALL SELECT STREAM price, change"+src), stockSchema, "At line 3, column 50: Column count mismatch in UNION ALL: 1 columns on the left, 2 on the right"},
		{"values row lengths", "CREATE STREAM D (a INT);\nCREATE PUMP P AS INSERT INTO D SELECT STREAM price FROM SOURCE_SQL_STREAM_001 WHERE price IN (VALUES (1), (2, 3))", stockSchema, "At line 2, column 108: Values passed to VALUES operator must have compatible types: row 2 has 2 values, row 1 has 1"},

		// Windows.
		{"duplicate window", pump(1, "SELECT STREAM COUNT(*) OVER w"+src+" WINDOW w AS (ROWS 1 PRECEDING), w AS (ROWS 2 PRECEDING)"), stockSchema, "At line 3, column 92: Duplicate window name 'W'"},
		{"window refines unknown", pump(1, "SELECT STREAM COUNT(*) OVER (v ROWS 1 PRECEDING)"+src), stockSchema, "At line 3, column 30: Window 'V' not found"},
		{"window cycle", pump(1, "SELECT STREAM COUNT(*) OVER w"+src+" WINDOW w AS (v), v AS (w)"), stockSchema, "At line 3, column 73: Windows refine each other in a cycle through 'V'"},
		{"following", pump(1, "SELECT STREAM COUNT(*) OVER (ROWS BETWEEN 2 PRECEDING AND 2 FOLLOWING)"+src), stockSchema, "At line 3, column 59: Windows that end after the current row (FOLLOWING) are not supported"},
		{"offset window", pump(1, "SELECT STREAM COUNT(*) OVER (ROWS BETWEEN 4 PRECEDING AND 2 PRECEDING)"+src), stockSchema, "At line 3, column 59: Offset windows are not supported: a window ends at CURRENT ROW"},
		{"negative rows", pump(1, "SELECT STREAM COUNT(*) OVER (ROWS -4 PRECEDING)"+src), stockSchema, "At line 3, column 35: Windows defined with negative integers or intervals are not allowed"},
		{"rows needs a count", pump(1, "SELECT STREAM COUNT(*) OVER (ROWS INTERVAL '1' MINUTE PRECEDING)"+src), stockSchema, "At line 3, column 35: ROWS takes a number of rows, as ROWS 10 PRECEDING"},
		{"range needs an interval", pump(1, "SELECT STREAM COUNT(*) OVER (RANGE 10 PRECEDING)"+src), stockSchema, "At line 3, column 36: RANGE takes an interval of ROWTIME, as RANGE INTERVAL '1' MINUTE PRECEDING"},
		{"negative range", pump(1, "SELECT STREAM COUNT(*) OVER (RANGE INTERVAL '-1' MINUTE PRECEDING)"+src), stockSchema, "At line 3, column 36: Windows defined with negative integers or intervals are not allowed"},
		{"window order by", pump(1, "SELECT STREAM COUNT(*) OVER (ORDER BY price ROWS 2 PRECEDING)"+src), stockSchema, "At line 3, column 39: The window of a windowed aggregate is ordered by ROWTIME; it cannot have ORDER BY PRICE"},
		{"window order by rowtime", pump(1, "SELECT STREAM COUNT(*) OVER (ORDER BY ROWTIME ROWS 2 PRECEDING)"+src), stockSchema, ""},
		{"join window partitioned", "CREATE STREAM A (k INT);\n" + pump(1, "SELECT STREAM price FROM A JOIN SOURCE_SQL_STREAM_001 OVER (PARTITION BY sector RANGE INTERVAL '1' MINUTE PRECEDING) AS s ON A.k = s.price"), stockSchema, "At line 4, column 74: The window of a stream in a join cannot be partitioned"},
		{"join window without size", "CREATE STREAM A (k INT);\n" + pump(1, "SELECT STREAM price FROM A JOIN SOURCE_SQL_STREAM_001 OVER () AS s ON A.k = s.price"), stockSchema, "At line 4, column 60: The window of a stream in a join needs a size, as OVER (RANGE INTERVAL '1' MINUTE PRECEDING)"},
		{"window on a table", pump(1, `SELECT STREAM price`+src+` JOIN "CompanyName" OVER (RANGE INTERVAL '1' MINUTE PRECEDING) ON TRUE`), stockSchema, "At line 3, column 74: OVER gives a stream a window in a join; 'CompanyName' is a reference table"},

		// Literals.
		{"interval fields", pump(1, "SELECT STREAM price"+src+" WHERE ROWTIME > ROWTIME - INTERVAL '1 24' DAY TO HOUR"), stockSchema, "At line 3, column 76: Illegal interval literal format '1 24' for INTERVAL DAY TO HOUR"},
		{"date literal", pump(1, "SELECT STREAM price"+src+" WHERE DATE '2018-02-30' IS NULL"), stockSchema, "At line 3, column 56: Illegal DATE literal '2018-02-30': not in format 'yyyy-MM-dd'"},
		{"cast type", pump(1, "SELECT STREAM CAST(price AS INT(3))"+src), stockSchema, "At line 3, column 29: Type INT takes no parameters: INT(3)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app, err := Parse(tt.code)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			got := ""
			if err := Validate(app, tt.schema); err != nil {
				e := err.(*Error)
				got = e.Msg
				checkPosition(t, tt.code, e)
			}
			if got != tt.want {
				t.Errorf("Validate\n got %s\nwant %s\ncode:\n%s", got, tt.want, tt.code)
			}
		})
	}
}

// TestValidateAllOrder checks that every problem is reported, in source
// order, once.
func TestValidateAllOrder(t *testing.T) {
	code := pump(2, `SELECT STREAM nope, price FROM "SOURCE_SQL_STREAM_001" WHERE other > 1 GROUP BY price`)
	app, err := Parse(code)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range ValidateAll(app, stockSchema) {
		got = append(got, e.Msg)
	}
	want := []string{
		"At line 3, column 15: Column 'NOPE' not found in any table",
		"At line 3, column 62: Column 'OTHER' not found in any table",
		"At line 3, column 81: Streaming aggregation requires at least one monotonic expression in GROUP BY clause, such as STEP(s.ROWTIME BY INTERVAL '1' MINUTE) or FLOOR(s.ROWTIME TO MINUTE)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("ValidateAll:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
