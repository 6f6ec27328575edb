package sql

import (
	"strings"
	"testing"
)

// TestParseExpr checks precedence, associativity and the special forms by
// printing the parsed expression in canonical form, where parentheses show
// the grouping the parser chose.
func TestParseExpr(t *testing.T) {
	tests := []struct{ src, want string }{
		// Arithmetic and concatenation: * / || bind tighter than + -.
		{"1 + 2 * 3", "1 + 2 * 3"},
		{"(1 + 2) * 3", "(1 + 2) * 3"},
		{"a - b - c", "A - B - C"},
		{"a - (b - c)", "A - (B - C)"},
		{"'a' || b || c", "'a' || B || C"},
		{"-a * b", "-A * B"},
		{"-(a * b)", "-(A * B)"},
		{"- -a", "-(-A)"},
		{"a - -1", "A - -1"},
		{"+a", "+A"},
		// Comparisons, NOT, AND, OR.
		{"a = 1 AND b <> 2 OR c < 3", "A = 1 AND B <> 2 OR C < 3"},
		{"a = 1 AND (b = 2 OR c = 3)", "A = 1 AND (B = 2 OR C = 3)"},
		{"NOT a = b", "NOT A = B"},
		{"NOT (a AND b)", "NOT (A AND B)"},
		{"NOT a AND b", "NOT A AND B"},
		{"a != b", "A <> B"},
		{"a >= b", "A >= B"},
		// IS, BETWEEN, IN, LIKE, SIMILAR TO.
		{"a IS NULL", "A IS NULL"},
		{"a IS NOT TRUE", "A IS NOT TRUE"},
		{"a IS UNKNOWN", "A IS UNKNOWN"},
		{"a = b IS FALSE", "A = B IS FALSE"},
		{"a IS DISTINCT FROM b", "A IS DISTINCT FROM B"},
		{"a IS NOT DISTINCT FROM b + 1", "A IS NOT DISTINCT FROM B + 1"},
		{"a BETWEEN 1 AND 2 AND b", "A BETWEEN 1 AND 2 AND B"},
		{"a NOT BETWEEN SYMMETRIC b + 1 AND c * 2", "A NOT BETWEEN SYMMETRIC B + 1 AND C * 2"},
		{"a IN (1, 2, 3)", "A IN (1, 2, 3)"},
		{"a NOT IN ('x')", "A NOT IN ('x')"},
		{"(a, b) IN (SELECT x, y FROM t)", "(A, B) IN (\n    SELECT X, Y\n    FROM T\n)"},
		{"a LIKE 'x%' ESCAPE '\\'", "A LIKE 'x%' ESCAPE '\\'"},
		{"a NOT SIMILAR TO '%TECH%'", "A NOT SIMILAR TO '%TECH%'"},
		{"a LIKE b || '%'", "A LIKE B || '%'"},
		// Literals.
		{"'it''s'", "'it''s'"},
		{"'ab' 'cd'", "'abcd'"},
		{"U&'\\0041\\+00263A!' || u&'x!0042' UESCAPE '!'", "'A☺!' || 'xB'"},
		{"X'0AFF'", "X'0AFF'"},
		{"TRUE OR FALSE OR NULL", "TRUE OR FALSE OR NULL"},
		{"1.5E-6 + .5 + 5.", "1.5E-6 + .5 + 5."},
		{"TIMESTAMP '2018-06-13 14:11:05' + INTERVAL '5' MINUTE", "TIMESTAMP '2018-06-13 14:11:05' + INTERVAL '5' MINUTE"},
		{"DATE '2018-01-01'", "DATE '2018-01-01'"},
		{"TIME '12:03:34'", "TIME '12:03:34'"},
		{"INTERVAL '3 4' DAY TO HOUR", "INTERVAL '3 4' DAY TO HOUR"},
		{"INTERVAL '3-4' YEAR TO MONTH", "INTERVAL '3-4' YEAR TO MONTH"},
		{"INTERVAL -'1' DAY", "INTERVAL -'1' DAY"},
		{"INTERVAL '59:59.999' MINUTE TO SECOND(3)", "INTERVAL '59:59.999' MINUTE TO SECOND(3)"},
		{"INTERVAL '1.5' SECOND(2, 3)", "INTERVAL '1.5' SECOND(2,3)"},
		{"(time '12:03:34' - time '11:57:23') minute to second", "(TIME '12:03:34' - TIME '11:57:23') MINUTE TO SECOND"},
		// Names.
		{`"c"."Company"`, `"c"."Company"`},
		{"t.rec.column1", "T.REC.COLUMN1"},
		{"rowtime", "ROWTIME"},
		{`"SOURCE_SQL_STREAM_001".ROWTIME`, `"SOURCE_SQL_STREAM_001".ROWTIME`},
		{"timestamp", "TIMESTAMP"},
		{"date + 1", "DATE + 1"},
		// Calls and the special forms.
		{"COUNT(*)", "COUNT(*)"},
		{"count(DISTINCT ticker)", "COUNT(DISTINCT TICKER)"},
		{"SUM(ALL x)", "SUM(ALL X)"},
		{"f()", "F()"},
		{`"myUdf"(1, 'a')`, `"myUdf"(1, 'a')`},
		{"s.f(x)", "S.F(X)"},
		{"CURRENT_ROW_TIMESTAMP", "CURRENT_ROW_TIMESTAMP"},
		{"LOCALTIMESTAMP", "LOCALTIMESTAMP"},
		{"CURRENT_TIMESTAMP()", "CURRENT_TIMESTAMP()"},
		{`"CURRENT_DATE"`, `"CURRENT_DATE"`},
		{"CAST(price AS DECIMAL(8, 2))", "CAST(PRICE AS DECIMAL(8,2))"},
		{"CAST(x AS VARCHAR(4))", "CAST(X AS VARCHAR(4))"},
		{"CAST(x AS double precision)", "CAST(X AS DOUBLE PRECISION)"},
		{"CAST(x AS CHARACTER VARYING(3))", "CAST(X AS CHARACTER VARYING(3))"},
		{"CAST(x AS INTERVAL DAY TO SECOND(3))", "CAST(X AS INTERVAL DAY TO SECOND(3))"},
		{"SUBSTRING(s FROM 2 FOR 3)", "SUBSTRING(S FROM 2 FOR 3)"},
		{"SUBSTRING(s, 12, (POSITION('.com' IN s) - 4))", "SUBSTRING(S FROM 12 FOR POSITION('.com' IN S) - 4)"},
		{"POSITION('a' || b IN c)", "POSITION('a' || B IN C)"},
		{"OVERLAY(s PLACING 'x' FROM 2 FOR 1)", "OVERLAY(S PLACING 'x' FROM 2 FOR 1)"},
		{"TRIM(s)", "TRIM(S)"},
		{"TRIM(' ' FROM s)", "TRIM(' ' FROM S)"},
		{"TRIM(LEADING FROM s)", "TRIM(LEADING FROM S)"},
		{"TRIM(TRAILING 'x' FROM s)", "TRIM(TRAILING 'x' FROM S)"},
		{"EXTRACT(SECOND FROM event_time)", "EXTRACT(SECOND FROM EVENT_TIME)"},
		{"FLOOR(event_time TO MINUTE)", "FLOOR(EVENT_TIME TO MINUTE)"},
		{"CEILING(t.ROWTIME TO HOUR)", "CEIL(T.ROWTIME TO HOUR)"},
		{"FLOOR(2.5)", "FLOOR(2.5)"},
		{"STEP(s.ROWTIME BY INTERVAL '60' SECOND)", "STEP(S.ROWTIME BY INTERVAL '60' SECOND)"},
		{"STEP(x BY 10)", "STEP(X BY 10)"},
		{"ROW(1, 'a')", "ROW(1, 'a')"},
		{"CASE WHEN a > 1 THEN 'x' WHEN a > 0 THEN 'y' ELSE 'z' END", "CASE WHEN A > 1 THEN 'x' WHEN A > 0 THEN 'y' ELSE 'z' END"},
		{"CASE sector WHEN 'TECH' THEN 1 END", "CASE SECTOR WHEN 'TECH' THEN 1 END"},
		{"EXISTS (SELECT * FROM t)", "EXISTS (\n    SELECT *\n    FROM T\n)"},
		{"(SELECT MAX(x) FROM t)", "(\n    SELECT MAX(X)\n    FROM T\n)"},
		// Windows.
		{"AVG(price) OVER w1", "AVG(PRICE) OVER W1"},
		{"AVG(price) OVER (w1)", "AVG(PRICE) OVER W1"},
		{"AVG(price) OVER (PARTITION BY ticker RANGE INTERVAL '1' HOUR PRECEDING)", "AVG(PRICE) OVER (PARTITION BY TICKER RANGE INTERVAL '1' HOUR PRECEDING)"},
		{"SUM(x) OVER (ROWS BETWEEN 4 PRECEDING AND CURRENT ROW)", "SUM(X) OVER (ROWS BETWEEN 4 PRECEDING AND CURRENT ROW)"},
		{"SUM(x) OVER (RANGE UNBOUNDED PRECEDING)", "SUM(X) OVER (RANGE UNBOUNDED PRECEDING)"},
		{"SUM(x) OVER (ROWS CURRENT ROW)", "SUM(X) OVER (ROWS CURRENT ROW)"},
		{"SUM(x) OVER (w ORDER BY y DESC NULLS LAST ROWS 2 PRECEDING)", "SUM(X) OVER (W ORDER BY Y DESC NULLS LAST ROWS 2 PRECEDING)"},
		{"SUM(x) OVER ()", "SUM(X) OVER ()"},
		{"LAG(price, 2, 0) IGNORE NULLS OVER w", "LAG(PRICE, 2, 0) IGNORE NULLS OVER W"},
		{"FIRST_VALUE(x) RESPECT NULLS OVER w", "FIRST_VALUE(X) RESPECT NULLS OVER W"},
		{"NTH_VALUE(x, 2) FROM LAST IGNORE NULLS OVER w", "NTH_VALUE(X, 2) FROM LAST IGNORE NULLS OVER W"},
	}
	for _, tt := range tests {
		e, err := ParseExpr(tt.src)
		if err != nil {
			t.Errorf("ParseExpr(%q): %v", tt.src, err)
			continue
		}
		got := Format(e)
		if got != tt.want {
			t.Errorf("ParseExpr(%q)\n got %s\nwant %s", tt.src, got, tt.want)
			continue
		}
		again, err := ParseExpr(got)
		if err != nil || shape(again) != shape(e) {
			t.Errorf("%q: the canonical form %q does not parse back to the same tree (%v)", tt.src, got, err)
		}
	}
}

// TestParseExprTree checks node types and fields the canonical form cannot
// show.
func TestParseExprTree(t *testing.T) {
	e, err := ParseExpr("SUBSTRING(s, 2)")
	if err != nil {
		t.Fatal(err)
	}
	if f, ok := e.(*FuncCall); !ok || f.Name.Last() != "SUBSTRING" || len(f.Args) != 2 {
		t.Errorf("SUBSTRING(s, 2) = %#v", e)
	}
	e, _ = ParseExpr("a.b.c")
	if c, ok := e.(*ColumnRef); !ok || len(c.Names) != 3 || c.Last() != "C" {
		t.Errorf("a.b.c = %#v", e)
	}
	e, _ = ParseExpr(`"lower"`)
	if c, ok := e.(*ColumnRef); !ok || c.Names[0].Name != "lower" || !c.Names[0].Quoted {
		t.Errorf(`"lower" = %#v`, e)
	}
	e, _ = ParseExpr("1 +\n  x")
	if b, ok := e.(*BinaryExpr); !ok || b.Position() != (Pos{Offset: 0, Line: 1, Column: 1}) || b.R.Position() != (Pos{Offset: 6, Line: 2, Column: 3}) {
		t.Errorf("positions of 1 + x: %#v", e)
	}
	e, _ = ParseExpr("123 + 4.5 + 6E1")
	var kinds []NumberKind
	Inspect(e, func(n Node) bool {
		if l, ok := n.(*NumberLit); ok {
			kinds = append(kinds, l.Kind)
		}
		return true
	})
	if strings.Join([]string{string(kinds[0]), string(kinds[1]), string(kinds[2])}, " ") != "INTEGER DECIMAL APPROXIMATE" {
		t.Errorf("number kinds %v", kinds)
	}
}

// TestParseStatements checks statement forms through their canonical SQL.
func TestParseStatements(t *testing.T) {
	tests := []struct{ src, want string }{
		{
			"create stream s (a int not null, b varchar(4) null) description 'x'",
			"CREATE STREAM S (\n    A INT NOT NULL,\n    B VARCHAR(4)) DESCRIPTION 'x';\n",
		},
		{
			"CREATE OR REPLACE PUMP p STOPPED DESCRIPTION 'd' AS INSERT EXPEDITED INTO s (a, b) SELECT STREAM x, y FROM t;;",
			"CREATE OR REPLACE PUMP P STOPPED DESCRIPTION 'd' AS\n    INSERT EXPEDITED INTO S (A, B)\n    SELECT STREAM X, Y\n    FROM T;\n",
		},
		{
			"CREATE PUMP p AS INSERT INTO s (SELECT STREAM * FROM t)",
			"CREATE PUMP P AS\n    INSERT INTO S\n    SELECT STREAM *\n    FROM T;\n",
		},
		{
			"CREATE FUNCTION frac(d DOUBLE) RETURNS DOUBLE LANGUAGE SQL NOT DETERMINISTIC CONTAINS SQL SPECIFIC frac1 RETURNS NULL ON NULL INPUT RETURN d - FLOOR(d)",
			"CREATE FUNCTION FRAC(D DOUBLE) RETURNS DOUBLE\n    LANGUAGE SQL\n    NOT DETERMINISTIC\n    CONTAINS SQL\n    SPECIFIC FRAC1\n    RETURNS NULL ON NULL INPUT\n    RETURN D - FLOOR(D);\n",
		},
		{
			"CREATE FUNCTION one() RETURNS INTEGER CONTAINS SQL RETURN 1",
			"CREATE FUNCTION ONE() RETURNS INTEGER\n    CONTAINS SQL\n    RETURN 1;\n",
		},
		{
			"CREATE PUMP p AS INSERT INTO s SELECT STREAM * FROM a UNION ALL SELECT STREAM * FROM b INTERSECT SELECT STREAM * FROM c ORDER BY ROWTIME",
			"CREATE PUMP P AS\n    INSERT INTO S\n    SELECT STREAM *\n    FROM A\n    UNION ALL\n    SELECT STREAM *\n    FROM B\n    INTERSECT\n    SELECT STREAM *\n    FROM C\n    ORDER BY ROWTIME;\n",
		},
		{
			"CREATE PUMP p AS INSERT INTO s (SELECT STREAM * FROM a UNION ALL SELECT STREAM * FROM b) EXCEPT (SELECT * FROM c ORDER BY x)",
			"CREATE PUMP P AS\n    INSERT INTO S\n    SELECT STREAM *\n    FROM A\n    UNION ALL\n    SELECT STREAM *\n    FROM B\n    EXCEPT\n    (SELECT *\n    FROM C\n    ORDER BY X);\n",
		},
		{
			"CREATE PUMP p AS INSERT INTO s VALUES (1, 'a'), ROW(2, 'b')",
			"CREATE PUMP P AS\n    INSERT INTO S\n    VALUES (1, 'a'), (2, 'b');\n",
		},
		{
			"CREATE PUMP p AS INSERT INTO s SELECT DISTINCT a.*, b.x y FROM a, b CROSS JOIN c NATURAL LEFT JOIN d RIGHT OUTER JOIN e USING (k) FULL JOIN (f JOIN g ON f.x = g.x) ON TRUE",
			"CREATE PUMP P AS\n    INSERT INTO S\n    SELECT DISTINCT A.*, B.X AS Y\n    FROM A, B\n    CROSS JOIN C\n    NATURAL LEFT JOIN D\n    RIGHT JOIN E USING (K)\n    FULL JOIN (F\n    JOIN G ON F.X = G.X) ON TRUE;\n",
		},
		{
			"CREATE PUMP p AS INSERT INTO s SELECT STREAM l.r.c1 FROM (SELECT STREAM W3C_LOG_PARSE(log, 'COMMON') FROM src) AS l(r) WHERE x > 1 GROUP BY a, STEP(src.ROWTIME BY INTERVAL '1' MINUTE) HAVING COUNT(*) > 2 WINDOW w AS (ROWS 2 PRECEDING), v AS (w PARTITION BY a)",
			"CREATE PUMP P AS\n    INSERT INTO S\n    SELECT STREAM L.R.C1\n    FROM (\n        SELECT STREAM W3C_LOG_PARSE(LOG, 'COMMON')\n        FROM SRC\n    ) AS L(R)\n    WHERE X > 1\n    GROUP BY A, STEP(SRC.ROWTIME BY INTERVAL '1' MINUTE)\n    HAVING COUNT(*) > 2\n    WINDOW W AS (ROWS 2 PRECEDING), V AS (W PARTITION BY A);\n",
		},
	}
	for _, tt := range tests {
		app, err := Parse(tt.src)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.src, err)
			continue
		}
		got := Format(app)
		if got != tt.want {
			t.Errorf("Parse(%q)\n got %q\nwant %q", tt.src, got, tt.want)
			continue
		}
		again, err := Parse(got)
		if err != nil || shape(again) != shape(app) {
			t.Errorf("%q: the canonical form does not parse back to the same tree (%v)", tt.src, err)
		}
	}
}

// TestParseErrors checks syntax error messages: what was found, where, and
// what could have come instead.
func TestParseErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{"", ""}, // empty code is valid: no statements
		{"CREATE", `Encountered "<EOF>" at line 1, column 7. Was expecting one of: "FUNCTION" "OR" "PUMP" "STREAM"`},
		{"CREATE STREAM s (a INT", `Encountered "<EOF>" at line 1, column 23. Was expecting one of: "(" ")" "," "NOT" "NULL"`},
		{"CREATE STREAM s (a VARCHR(4))", `Encountered "VARCHR" at line 1, column 20. Was expecting: <data type>`},
		{"CREATE STREAM s (from INT)", `Encountered "from" at line 1, column 18. Was expecting: <identifier>`},
		{"CREATE STREAM s ()", `Encountered ")" at line 1, column 18. Was expecting: <identifier>`},
		{"CREATE STREAM s (a INT) CREATE STREAM t (b INT)", `Encountered "CREATE" at line 1, column 25. Was expecting one of: ";" "DESCRIPTION" <EOF>`},
		{"CREATE PUMP p AS INSERT INTO s SELECT STREAM * FORM t", `Encountered "FORM" at line 1, column 48. Was expecting one of: "," "FROM"`},
		{"CREATE PUMP p AS INSERT INTO s SELECT STREAM a FROM", `Encountered "<EOF>" at line 1, column 52. Was expecting one of: "(" "TABLE" <identifier>`},
		{"CREATE PUMP p AS INSERT INTO s SELECT STREAM a, FROM t", `Encountered "FROM" at line 1, column 49. Was expecting one of: "*" <expression>`},
		{"CREATE PUMP p AS INSERT INTO s SELECT STREAM a FROM t JOIN u", `Encountered "<EOF>" at line 1, column 61. Was expecting one of: "AS" "ON" "OVER" "USING" <identifier>`},
		{"CREATE PUMP p AS INSERT INTO s SELECT STREAM STEP(ROWTIME INTERVAL '1' MINUTE) FROM t", `Encountered "INTERVAL" at line 1, column 59. Was expecting: "BY"`},
		{"CREATE PUMP p AS INSERT INTO s SELECT STREAM FLOOR(x TO WEEK) FROM t", `Encountered "WEEK" at line 1, column 57. Was expecting one of: "DAY" "HOUR" "MINUTE" "MONTH" "SECOND" "YEAR"`},
		{"CREATE PUMP p AS INSERT INTO s SELECT STREAM INTERVAL '1' MINUTE TO HOUR FROM t", `At line 1, column 59: Interval qualifier MINUTE TO HOUR is not valid: it goes from a larger unit to a smaller one, as YEAR TO MONTH or DAY TO SECOND`},
		{"CREATE PUMP p AS INSERT INTO s SELECT STREAM a FROM t WINDOWED BY STAGGER (PARTITION BY a)", `Encountered ")" at line 1, column 90. Was expecting one of: "," "RANGE"`},
		{"CREATE PUMP p AS INSERT INTO s SELECT STREAM (a + 1 FROM t", `Encountered "FROM" at line 1, column 53. Was expecting one of: ")" ","`},
		{"CREATE PUMP p AS INSERT INTO s SELECT STREAM CAST(a VARCHAR(4)) FROM t", `Encountered "VARCHAR" at line 1, column 53. Was expecting: "AS"`},
		{"CREATE PUMP p AS INSERT INTO s SELECT STREAM CASE WHEN a THEN b FROM t", `Encountered "FROM" at line 1, column 65. Was expecting one of: "ELSE" "END" "WHEN"`},
		{"CREATE PUMP p AS INSERT INTO s SELECT STREAM TRIM(LEADING 'x') FROM t", `Encountered ")" at line 1, column 62. Was expecting: "FROM"`},
		{"CREATE PUMP p AS INSERT INTO s SELECT STREAM a FROM TABLE(x) AS t", `At line 1, column 53: TABLE(...) takes a call of a table function, such as TABLE(RANDOM_CUT_FOREST(CURSOR(SELECT STREAM * FROM s)))`},
		{"CREATE PUMP p AS SELECT STREAM * FROM t", `Encountered "SELECT" at line 1, column 18. Was expecting: "INSERT"`},
		{"SELECT STREAM * FROM t", `Encountered "SELECT" at line 1, column 1. Was expecting: "CREATE" (application code holds only CREATE statements; a query runs in a pump: CREATE OR REPLACE PUMP name AS INSERT INTO stream SELECT STREAM ...)`},
		{"INSERT INTO s SELECT STREAM * FROM t", `Encountered "INSERT" at line 1, column 1. Was expecting: "CREATE" (an INSERT runs in a pump: CREATE OR REPLACE PUMP name AS INSERT INTO ...)`},
		{"CREATE OR REPLACE TABLE t (a INT)", `Encountered "TABLE" at line 1, column 19. Was expecting one of: "FUNCTION" "PUMP" "STREAM" (reference tables come from the application's reference data source, not from code)`},
		{"CREATE VIEW v AS SELECT 1", `Encountered "VIEW" at line 1, column 8. Was expecting one of: "FUNCTION" "OR" "PUMP" "STREAM" (views are not part of Kinesis Data Analytics application code; use an in-application stream and a pump)`},
		{"CREATE STREAM s (a INT) DESCRIPTION 'x", `Lexical error at line 1, column 39. Encountered: <EOF>, after : "'x" (the string literal opened at line 1, column 37 is never closed)`},
		{"CREATE STREAM s (a INT);\nCREATE STREAM # (b INT)", `Lexical error at line 2, column 15. Encountered: "#" (35), after : ""`},
		{"CREATE STREAM s (a INT, b DECIMAL(99999999999))", `At line 1, column 35: Numeric literal '99999999999' out of range`},
		{"CREATE PUMP p AS INSERT INTO s SELECT STREAM u&'\\00' FROM t", `At line 1, column 46: Unicode literal string u&'\00' has an invalid escape sequence`},
		{"CREATE PUMP p AS INSERT INTO s SELECT STREAM u&'x' UESCAPE 'ab' FROM t", `At line 1, column 60: UESCAPE takes one character that is not a hexadecimal digit, a plus sign, a quote or white space`},
		{"CREATE PUMP p AS INSERT INTO s SELECT STREAM " + strings.Repeat("(", 500), `At line 1, column 445: Code is nested too deeply (more than 400 levels)`},
	}
	for _, tt := range tests {
		_, err := Parse(tt.src)
		got := ""
		if err != nil {
			e, ok := err.(*Error)
			if !ok {
				t.Errorf("Parse(%q): error %T", tt.src, err)
				continue
			}
			got = e.Msg
			checkPosition(t, tt.src, e)
		}
		if got != tt.want {
			t.Errorf("Parse(%q)\n got %s\nwant %s", tt.src, got, tt.want)
		}
	}
}

func TestSelectItemName(t *testing.T) {
	q, err := ParseQuery(`SELECT STREAM s.price, price * 2, change AS "delta", s.*, ROWTIME FROM s`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for i, item := range q.(*Select).Items {
		got = append(got, item.Name(i))
	}
	if strings.Join(got, ",") != "PRICE,EXPR$1,delta,,ROWTIME" {
		t.Errorf("names %q", got)
	}
}
