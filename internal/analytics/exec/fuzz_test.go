package exec

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"sluice/internal/analytics/exec/exectest"
	"sluice/internal/analytics/sql"
	"sluice/internal/analytics/value"
)

// chooser draws choices from fuzz input; past its end every choice is 0.
type chooser struct {
	b []byte
	i int
}

func (c *chooser) n(k int) int {
	if k <= 1 {
		return 0
	}
	if c.i >= len(c.b) {
		return 0
	}
	v := int(c.b[c.i])
	c.i++
	return v % k
}

func (c *chooser) pick(options ...string) string { return options[c.n(len(options))] }

// genApp writes a random application from a grammar of the supported
// features, over testEnv's source stream and table: filters and
// projections, tumbling and stagger windows, sliding windows, LAG, joins
// with the table and between streams, UNION ALL, ORDER BY and DISTINCT.
func genApp(c *chooser) string {
	num := func() string {
		return c.pick("price", "qty", "price * 2", "qty + 1", "price / qty", "ABS(price - 50)", "CAST(qty AS DOUBLE)",
			"CASE WHEN qty > 2 THEN price ELSE NULL END", "COALESCE(price, 0)", "MOD(qty, 3)")
	}
	cond := func() string {
		return c.pick("price > 20", "qty < 3", "ticker LIKE 'A%'", "ticker SIMILAR TO '[A-C]+'", "price BETWEEN 10 AND 60",
			"ticker IN ('AMZN', 'TBV')", "qty IS NOT NULL AND price < 80", "NOT (qty = 1) OR price IS NULL", "CHAR_LENGTH(ticker) = 4")
	}
	agg := func() string {
		return c.pick("COUNT(*)", "COUNT(price)", "SUM(qty)", "AVG(price)", "MIN(price)", "MAX(qty)", "STDDEV_POP(price)",
			"VAR_SAMP(price)", "COUNT(DISTINCT ticker)", "FIRST_VALUE(price)", "LAST_VALUE(qty)")
	}
	window := func() string {
		return c.pick("RANGE INTERVAL '5' SECOND PRECEDING", "RANGE INTERVAL '1' MINUTE PRECEDING", "ROWS 2 PRECEDING",
			"ROWS 0 PRECEDING", "PARTITION BY ticker RANGE INTERVAL '10' SECOND PRECEDING", "PARTITION BY ticker ROWS 3 PRECEDING",
			"PARTITION BY ticker")
	}
	where := ""
	if c.n(2) == 1 {
		where = " WHERE " + cond()
	}
	var b strings.Builder
	b.WriteString("CREATE OR REPLACE STREAM O (t VARCHAR(8), x DOUBLE);\n")
	switch c.n(9) {
	case 0:
		fmt.Fprintf(&b, "CREATE PUMP P AS INSERT INTO O SELECT STREAM ticker, %s FROM SOURCE_SQL_STREAM_001%s;", num(), where)
	case 1:
		key := c.pick("STEP(SOURCE_SQL_STREAM_001.ROWTIME BY INTERVAL '10' SECOND)", "FLOOR(ROWTIME TO MINUTE)",
			"FLOOR(SOURCE_SQL_STREAM_001.ROWTIME TO SECOND)", "CEIL(ROWTIME TO SECOND)", "ROWTIME", "MONOTONIC(FLOOR(ROWTIME TO SECOND))",
			"STEP(ROWTIME BY INTERVAL '1' MONTH)")
		having := ""
		if c.n(2) == 1 {
			having = " HAVING COUNT(*) > 1"
		}
		order := ""
		if c.n(2) == 1 {
			order = " ORDER BY " + key + ", 2 DESC"
		}
		fmt.Fprintf(&b, "CREATE PUMP P AS INSERT INTO O SELECT STREAM ticker, %s FROM SOURCE_SQL_STREAM_001%s GROUP BY ticker, %s%s%s;",
			agg(), where, key, having, order)
	case 2:
		part := c.pick("ticker", "FLOOR(event_time TO MINUTE), ticker", "qty")
		fmt.Fprintf(&b, "CREATE PUMP P AS INSERT INTO O SELECT STREAM MAX(ticker), %s FROM SOURCE_SQL_STREAM_001%s WINDOWED BY STAGGER (PARTITION BY %s RANGE INTERVAL '%d' SECOND);",
			agg(), where, part, 1+c.n(30))
	case 3:
		fn := c.pick("AVG(price)", "SUM(qty)", "COUNT(*)", "MIN(price)", "MAX(price)", "LAG(price)", "LAG(price, 2, 0) IGNORE NULLS",
			"NTH_VALUE(price, 2) FROM LAST", "FIRST_VALUE(price)", "LAST_VALUE(price)", "EXP_AVG(price, INTERVAL '2' SECOND)",
			"STDDEV_SAMP(price)", "COUNT(DISTINCT qty)")
		w := window()
		if strings.HasPrefix(fn, "EXP_AVG") && !strings.Contains(w, "RANGE") {
			w = "RANGE INTERVAL '5' SECOND PRECEDING"
		}
		fmt.Fprintf(&b, "CREATE PUMP P AS INSERT INTO O SELECT STREAM ticker, %s OVER (%s) FROM SOURCE_SQL_STREAM_001%s;", fn, w, where)
	case 4:
		kind := c.pick("LEFT JOIN", "JOIN")
		on := c.pick("s.ticker = r.ticker", "s.ticker = r.ticker AND s.qty > 1", "r.name LIKE 'A%'", "CHAR_LENGTH(r.name) > s.qty")
		fmt.Fprintf(&b, "CREATE PUMP P AS INSERT INTO O SELECT STREAM COALESCE(r.name, s.ticker), s.price FROM SOURCE_SQL_STREAM_001 AS s %s REF AS r ON %s;", kind, on)
	case 5:
		kind := c.pick("JOIN", "LEFT JOIN", "RIGHT JOIN", "FULL JOIN")
		win := c.pick("RANGE INTERVAL '5' SECOND PRECEDING", "ROWS 2 PRECEDING", "RANGE INTERVAL '1' SECOND PRECEDING")
		b.WriteString("CREATE OR REPLACE STREAM A (t VARCHAR(4), q INTEGER);\nCREATE OR REPLACE STREAM B (t VARCHAR(4), q INTEGER);\n")
		fmt.Fprintf(&b, "CREATE PUMP PA AS INSERT INTO A SELECT STREAM ticker, qty FROM SOURCE_SQL_STREAM_001 WHERE MOD(qty, 2) = 0;\n")
		fmt.Fprintf(&b, "CREATE PUMP PB AS INSERT INTO B SELECT STREAM ticker, qty FROM SOURCE_SQL_STREAM_001 WHERE MOD(qty, 2) = 1%s;\n", strings.Replace(where, "WHERE", "AND", 1))
		fmt.Fprintf(&b, "CREATE PUMP P AS INSERT INTO O SELECT STREAM COALESCE(a.t, b.t), CAST(b.q AS DOUBLE) FROM A AS a %s B OVER (%s) AS b ON a.t = b.t;", kind, win)
	case 6:
		fmt.Fprintf(&b, "CREATE PUMP P AS INSERT INTO O SELECT STREAM ticker, x FROM (SELECT STREAM ticker, %s AS x FROM SOURCE_SQL_STREAM_001%s UNION ALL SELECT STREAM 'U', CAST(qty AS DOUBLE) FROM SOURCE_SQL_STREAM_001) AS u;", num(), where)
	case 7:
		key := c.pick("FLOOR(ROWTIME TO SECOND)", "ROWTIME", "STEP(ROWTIME BY INTERVAL '3' SECOND)")
		fmt.Fprintf(&b, "CREATE PUMP P AS INSERT INTO O SELECT STREAM ticker, %s FROM SOURCE_SQL_STREAM_001%s ORDER BY %s, 2 DESC, 1;", num(), where, key)
	default:
		fmt.Fprintf(&b, "CREATE OR REPLACE STREAM D (m TIMESTAMP, t VARCHAR(4));\nCREATE PUMP P AS INSERT INTO D SELECT STREAM DISTINCT FLOOR(ROWTIME TO SECOND), ticker FROM SOURCE_SQL_STREAM_001%s;", where)
	}
	if c.n(3) == 0 {
		b.WriteString("\nCREATE OR REPLACE STREAM E (n VARCHAR(32));\nCREATE PUMP PE AS INSERT INTO E SELECT STREAM ERROR_NAME FROM \"error_stream\";")
	}
	return b.String()
}

// genInput writes random steps: rows (times mostly rising, now and then
// back), values with NULLs, and Advance calls.
func genInput(c *chooser) []exectest.Step {
	var steps []exectest.Step
	t := int64(1_600_000_000_000)
	tickers := []string{"AMZN", "TBV", "ABC", "Z", ""}
	n := 5 + c.n(40)
	for i := 0; i < n; i++ {
		switch c.n(8) {
		case 0:
			t += int64(c.n(20)) * 1000
			steps = append(steps, exectest.Step{Advance: true, Time: t})
			continue
		case 1:
			t -= int64(c.n(3)) * 1000 // a row back in time
		default:
			t += int64(c.n(4)) * []int64{1, 250, 1000, 7000}[c.n(4)]
		}
		price := fmt.Sprint(c.n(100))
		if c.n(6) == 0 {
			price = "NULL"
		}
		qty := fmt.Sprint(c.n(5))
		if c.n(6) == 0 {
			qty = "NULL"
		}
		event := fmtTime(t - int64(c.n(90))*1000)
		steps = append(steps, exectest.Step{Time: t, Stream: "SOURCE_SQL_STREAM_001",
			Vals: []string{tickers[c.n(len(tickers))], price, qty, event}})
	}
	return steps
}

// FuzzApplications compiles random applications and runs them over random
// input. Properties: nothing panics; a refused application is refused
// with a *sql.Error; every in-application stream's ROWTIME never goes
// back; LowWatermark is never after the clock; and a replay from the
// watermark taken halfway emits what the original emitted after it.
func FuzzApplications(f *testing.F) {
	for i := 0; i < 9; i++ {
		f.Add([]byte{byte(i), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
	}
	f.Add([]byte{1, 1, 1, 1, 1, 0, 7, 3, 9, 200, 14, 2, 2, 2, 2, 2, 0, 0, 0, 5, 5, 5})
	f.Add([]byte{2, 3, 1, 0, 2, 9, 40, 3, 3, 3, 1, 0, 8, 8, 8, 8, 2, 2, 6, 6})
	f.Add([]byte{5, 0, 3, 1, 0, 0, 17, 1, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5})
	f.Fuzz(func(t *testing.T, data []byte) {
		c := &chooser{b: data}
		code := genApp(c)
		steps := genInput(c)
		app, err := sql.Parse(code)
		if err != nil {
			t.Fatalf("generated code does not parse: %v\n%s", err, code)
		}
		if _, err := Compile(app, testEnv()); err != nil {
			var se *sql.Error
			if !errors.As(err, &se) {
				t.Fatalf("refused without a *sql.Error: %v\n%s", err, code)
			}
			return
		}
		s := &script{Script: &exectest.Script{Code: code, Input: steps}, env: testEnv()}
		half := len(steps) / 2
		orig := newFuzzRunner(t, s, s.env)
		for _, st := range steps[:half] {
			orig.Step(st)
		}
		w := orig.p.LowWatermark()
		if w > orig.p.Clock() {
			t.Fatalf("watermark %d after the clock %d", w, orig.p.Clock())
		}
		before := len(orig.out)
		for _, st := range steps[half:] {
			orig.Step(st)
		}
		if w := orig.p.LowWatermark(); w > orig.p.Clock() {
			t.Fatalf("watermark %d after the clock %d", w, orig.p.Clock())
		}
		// A row that goes back in time is late against the rows before it;
		// a replay that starts after them takes it. The runtime's input is
		// in order, so the replay is compared only for input in order.
		last := int64(0)
		for _, st := range steps {
			if !st.Advance && st.Time < last {
				return
			}
			if !st.Advance {
				last = st.Time
			}
		}
		env := s.env
		env.Start = orig.p.start
		re := newFuzzRunner(t, s, env)
		re.mute = true
		for _, st := range steps[:half] {
			if st.Time >= w {
				re.Step(st)
			}
		}
		re.mute = false
		for _, st := range steps[half:] {
			re.Step(st)
		}
		if got, want := strings.Join(re.out, ""), strings.Join(orig.out[before:], ""); got != want {
			t.Fatalf("replay from %s differs:\n%s\n--- replay ---\n%s--- original ---\n%s", fmtTime(w), code, got, want)
		}
	})
}

// fuzzRunner is a runner that also checks each stream's ROWTIME order.
type fuzzRunner struct {
	*runner
	last map[string]int64
}

func newFuzzRunner(t *testing.T, s *script, env Env) *fuzzRunner {
	t.Helper()
	r := newRunner(t, s, env)
	fr := &fuzzRunner{runner: r, last: map[string]int64{}}
	for _, st := range r.p.Streams() {
		name := st.Name
		if _, err := r.p.Subscribe(name, func(rows []Row) {
			for _, row := range rows {
				if l, ok := fr.last[name]; ok && row.Time < l {
					t.Fatalf("%s: ROWTIME %s after %s\n%s", name, fmtTime(row.Time), fmtTime(l), s.Code)
				}
				fr.last[name] = row.Time
				if len(row.Values) != len(st.Columns) {
					t.Fatalf("%s: a row of %d values for %d columns", name, len(row.Values), len(st.Columns))
				}
				for i, v := range row.Values {
					if k := v.Kind(); k != value.KindNull && k != st.Columns[i].Type.Kind {
						t.Fatalf("%s: column %s of type %s holds a %s", name, st.Columns[i].Name, st.Columns[i].Type, k)
					}
				}
			}
		}); err != nil {
			t.Fatal(err)
		}
	}
	return fr
}
