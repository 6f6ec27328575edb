package exec

import (
	"encoding/hex"
	"strings"
	"testing"

	"sluice/internal/analytics/value"
)

// errorRow is an error_stream row, read back.
type errorRow struct {
	time     int64
	name     string
	msg      string
	dataTime int64
	data     string // DATA_ROW decoded
	pump     string
}

func errorRows(t *testing.T, rows []Row) []errorRow {
	t.Helper()
	var out []errorRow
	for _, r := range rows {
		if len(r.Values) != 7 {
			t.Fatalf("error row of %d values", len(r.Values))
		}
		data, err := hex.DecodeString(r.Values[5].Str())
		if err != nil {
			t.Fatalf("DATA_ROW is not hex: %v", err)
		}
		if r.Values[1].Str() != "ERROR" || r.Values[0].Int64() != r.Time {
			t.Errorf("error row %v: want ERROR_LEVEL ERROR and ERROR_TIME its ROWTIME", r.Values)
		}
		out = append(out, errorRow{time: r.Time, name: r.Values[2].Str(), msg: r.Values[3].Str(),
			dataTime: r.Values[4].Int64(), data: string(data), pump: r.Values[6].Str()})
	}
	return out
}

// TestErrorStreamKinds checks an error_stream row for each kind of
// run-time error, and that the application goes on after each.
func TestErrorStreamKinds(t *testing.T) {
	tests := []struct {
		name   string
		code   string
		row    Row
		errNam string
		msg    string
	}{
		{"division by zero", `CREATE OR REPLACE STREAM O (x DOUBLE);
CREATE PUMP P AS INSERT INTO O SELECT STREAM price / (qty - 2) FROM SOURCE_SQL_STREAM_001;`,
			src(1000, "AMZN", 10, 2, 0), "DIVISION_BY_ZERO", "SQLSTATE 22012"},
		{"integer overflow", `CREATE OR REPLACE STREAM O (x INTEGER);
CREATE PUMP P AS INSERT INTO O SELECT STREAM qty * qty FROM SOURCE_SQL_STREAM_001;`,
			src(1000, "AMZN", 10, 100000, 0), "NUMERIC_VALUE_OUT_OF_RANGE", "SQLSTATE 22003"},
		{"cast of a string", `CREATE OR REPLACE STREAM O (x INTEGER);
CREATE PUMP P AS INSERT INTO O SELECT STREAM CAST(ticker AS INTEGER) FROM SOURCE_SQL_STREAM_001;`,
			src(1000, "AMZN", 10, 1, 0), "INVALID_CHARACTER_VALUE_FOR_CAST", "SQLSTATE 22018"},
		{"assignment overflow", `CREATE OR REPLACE STREAM O (x SMALLINT);
CREATE PUMP P AS INSERT INTO O SELECT STREAM qty FROM SOURCE_SQL_STREAM_001;`,
			src(1000, "AMZN", 10, 70000, 0), "NUMERIC_VALUE_OUT_OF_RANGE", "column X of O"},
		{"NOT NULL column", `CREATE OR REPLACE STREAM O (x VARCHAR(4) NOT NULL);
CREATE PUMP P AS INSERT INTO O SELECT STREAM CASE WHEN qty > 0 THEN ticker END FROM SOURCE_SQL_STREAM_001;`,
			src(1000, "AMZN", 10, 0, 0), "NULL_VALUE_NOT_ALLOWED", "column X of O is NOT NULL"},
		{"function", `CREATE OR REPLACE STREAM O (x VARCHAR(4));
CREATE PUMP P AS INSERT INTO O SELECT STREAM SUBSTRING(ticker FROM 1 FOR qty) FROM SOURCE_SQL_STREAM_001;`,
			src(1000, "AMZN", 10, -1, 0), "SUBSTRING_ERROR", "SQLSTATE 22011"},
		{"sum overflow in a window", `CREATE OR REPLACE STREAM O (x INTEGER);
CREATE PUMP P AS INSERT INTO O SELECT STREAM SUM(qty) OVER (ROWS 2 PRECEDING) FROM SOURCE_SQL_STREAM_001;`,
			src(1000, "AMZN", 10, 2147483647, 0), "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := compileT(t, tc.code, testEnv())
			rec := record(t, p, "O", "error_stream")
			push(t, p, tc.row)
			if tc.errNam == "" {
				// a second row overflows the window's sum
				push(t, p, src(2000, "AMZN", 10, 2147483647, 0))
				errs := errorRows(t, rec.rows["error_stream"])
				if len(errs) != 1 || errs[0].name != "NUMERIC_VALUE_OUT_OF_RANGE" || errs[0].time != 2000 {
					t.Fatalf("got %+v", errs)
				}
				return
			}
			errs := errorRows(t, rec.rows["error_stream"])
			if len(errs) != 1 {
				t.Fatalf("got %d error rows (%+v), want 1", len(errs), errs)
			}
			e := errs[0]
			if e.name != tc.errNam || !strings.Contains(e.msg, tc.msg) || e.pump != "P" || e.dataTime != 1000 || e.time != 1000 {
				t.Errorf("got %+v, want %s containing %q from pump P at 1000", e, tc.errNam, tc.msg)
			}
			if !strings.HasPrefix(e.data, "{") || !strings.HasSuffix(e.data, "}") {
				t.Errorf("DATA_ROW %s is not the row as a JSON object", e.data)
			}
			if len(rec.rows["O"]) != 0 {
				t.Errorf("the failed row was inserted: %v", rec.rows["O"])
			}
			// The application goes on.
			push(t, p, src(2000, "1234", 10, 3, 0))
			if len(rec.rows["O"]) != 1 {
				t.Errorf("after the error, got %d rows, want 1", len(rec.rows["O"]))
			}
		})
	}
}

// TestErrorStreamInput checks the errors of the input itself: a row that
// goes back in time, a row of the wrong width, a value that does not
// convert to its column, and the runtime's own reports.
func TestErrorStreamInput(t *testing.T) {
	p := compileT(t, `CREATE OR REPLACE STREAM O (t VARCHAR(4), q INTEGER);
CREATE PUMP P AS INSERT INTO O SELECT STREAM ticker, qty FROM SOURCE_SQL_STREAM_001;`, testEnv())
	rec := record(t, p, "O", "error_stream")
	push(t, p, src(5000, "AMZN", 1, 1, 0))
	push(t, p, src(4000, "LATE", 1, 1, 0))
	push(t, p, Row{Time: 6000, Values: []value.Value{value.NewVarchar("SHORT")}})
	bad := src(7000, "CONV", 1, 1, 0)
	bad.Values[2] = value.NewVarchar("seven")
	push(t, p, bad)
	conv := src(7500, "CONV", 1, 1, 0)
	conv.Values[2] = value.NewVarchar("8") // a string that converts
	push(t, p, conv)
	if err := p.ReportError(ErrorRecord{Time: 8000, Name: "RECORD_PARSE_ERROR", Message: "not JSON", Data: []byte("{x"), Stream: "SOURCE_SQL_STREAM_001"}); err != nil {
		t.Fatal(err)
	}
	errs := errorRows(t, rec.rows["error_stream"])
	want := []struct {
		name string
		time int64
	}{{"OUT_OF_ORDER_ROW", 5000}, {"SCHEMA_MISMATCH", 6000}, {"COERCION_ERROR", 7000}, {"RECORD_PARSE_ERROR", 8000}}
	if len(errs) != len(want) {
		t.Fatalf("got %+v", errs)
	}
	for i, w := range want {
		if errs[i].name != w.name || errs[i].time != w.time {
			t.Errorf("error %d: got %s at %d, want %s at %d", i, errs[i].name, errs[i].time, w.name, w.time)
		}
	}
	if errs[0].dataTime != 4000 {
		t.Errorf("the late row's DATA_ROWTIME is %d, want its own 4000", errs[0].dataTime)
	}
	if errs[3].data != "{x" || errs[3].pump != "SOURCE_SQL_STREAM_001" {
		t.Errorf("reported error: %+v", errs[3])
	}
	out := rec.rows["O"]
	if len(out) != 2 || out[1].Values[1].Int64() != 8 {
		t.Errorf("rows: %v", out)
	}
}

// TestErrorStreamLoop checks that a pump reading error_stream that fails
// on its rows does not feed its own errors back forever.
func TestErrorStreamLoop(t *testing.T) {
	p := compileT(t, `CREATE OR REPLACE STREAM O (x DOUBLE);
CREATE PUMP P AS INSERT INTO O SELECT STREAM price / 0 FROM SOURCE_SQL_STREAM_001;
CREATE OR REPLACE STREAM E (n INTEGER);
CREATE PUMP Q AS INSERT INTO E SELECT STREAM CAST(ERROR_NAME AS INTEGER) FROM "error_stream";`, testEnv())
	rec := record(t, p, "error_stream", "E")
	push(t, p, src(1000, "AMZN", 1, 1, 0), src(2000, "AMZN", 1, 1, 0))
	if n := len(rec.rows["error_stream"]); n != 2 {
		t.Errorf("got %d error rows, want 2", n)
	}
	if p.DroppedErrors() != 2 {
		t.Errorf("dropped %d, want 2", p.DroppedErrors())
	}
}
