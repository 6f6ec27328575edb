package record

import (
	"testing"
	"time"

	"sluice/internal/analytics/value"
)

func outputColumns(t *testing.T) []Column {
	t.Helper()
	var cols []Column
	for _, c := range [][2]string{{"TICKER_SYMBOL", "VARCHAR(4)"}, {"Company", "VARCHAR(20)"}, {"CHANGE", "REAL"},
		{"PRICE", "DOUBLE"}, {"QTY", "INTEGER"}, {"AVG_PRICE", "DECIMAL(8,2)"}, {"HOT", "BOOLEAN"},
		{"EVENT_TIME", "TIMESTAMP"}, {"DAY", "DATE"}, {"RAW", "VARBINARY(4)"}, {"NOTE", "VARCHAR(32)"}} {
		ty, err := value.ParseType(c[1])
		if err != nil {
			t.Fatal(err)
		}
		cols = append(cols, Column{Name: c[0], Type: ty})
	}
	return cols
}

func TestFormatter(t *testing.T) {
	cols := outputColumns(t)
	avg, _ := value.NewDecimal(8451, 2)
	row := []value.Value{value.NewVarchar("QXZ"), value.NewVarchar(`Q "X" Z, Inc.`), value.NewReal(-0.05),
		value.NewDouble(1e7), value.NewInteger(42), avg, value.NewBoolean(true),
		value.TimestampOf(time.Date(2026, 12, 3, 17, 1, 2, 123e6, time.UTC)), value.NewDate(0),
		value.NewVarbinary([]byte{0xde, 0xad}), value.NewVarchar("line\nbreak\t\x01é")}
	nulls := make([]value.Value, len(cols))
	tests := []struct {
		format string
		row    []value.Value
		want   string
	}{
		{"JSON", row, `{"TICKER_SYMBOL":"QXZ","Company":"Q \"X\" Z, Inc.","CHANGE":-0.05,"PRICE":1.0E7,"QTY":42,` +
			`"AVG_PRICE":84.51,"HOT":true,"EVENT_TIME":"2026-12-03 17:01:02.123","DAY":"1970-01-01","RAW":"3q0=",` +
			`"NOTE":"line\nbreak\t\u0001é"}`},
		{"json", nulls, `{"TICKER_SYMBOL":null,"Company":null,"CHANGE":null,"PRICE":null,"QTY":null,"AVG_PRICE":null,` +
			`"HOT":null,"EVENT_TIME":null,"DAY":null,"RAW":null,"NOTE":null}`},
		{"CSV", row, "QXZ,\"Q \"\"X\"\" Z, Inc.\",-0.05,1.0E7,42,84.51,true,2026-12-03 17:01:02.123,1970-01-01,DEAD,\"line\nbreak\t\x01é\"\n"},
		{"CSV", nulls, ",,,,,,,,,,\n"},
	}
	for _, tt := range tests {
		f, err := NewFormatter(tt.format, cols)
		if err != nil {
			t.Fatal(err)
		}
		if got := string(f.AppendRecord(nil, tt.row)); got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.format, got, tt.want)
		}
	}
	if _, err := NewFormatter("AVRO", cols); err == nil {
		t.Error("AVRO accepted")
	}
}

// TestJSONOutputReadsBack: what the JSON formatter writes parses back, with
// the discovered mappings, to the same values.
func TestJSONOutputReadsBack(t *testing.T) {
	cols := outputColumns(t)
	f, _ := NewFormatter("JSON", cols)
	avg, _ := value.NewDecimal(-5, 2)
	row := []value.Value{value.NewVarchar("A"), value.NewVarchar("x\"y\\z"), value.NewReal(84.51), value.NewDouble(0.1),
		value.NewInteger(-7), avg, value.NewBoolean(false), value.NewTimestamp(1), value.NewDate(20000),
		value.Null(), value.NewVarchar("é😀")}
	rec := f.AppendRecord(nil, row)
	schema := InputSchema{RecordFormat: RecordFormat{RecordFormatType: FormatJSON,
		MappingParameters: &MappingParameters{JSONMappingParameters: &JSONMappingParameters{RecordRowPath: "$"}}}}
	for _, c := range cols {
		schema.RecordColumns = append(schema.RecordColumns, RecordColumn{Name: c.Name, SqlType: c.Type.String(), Mapping: MemberPath("$", c.Name)})
	}
	p := mustParser(t, schema)
	vals, errs := p.Parse(nil, rec)
	if len(errs) != 0 || len(vals) != len(row) {
		t.Fatalf("%s: %v %v", rec, vals, errs)
	}
	for i := range row {
		if eq, known := value.Equal(row[i], vals[i]); !(eq || !known && row[i].IsNull() && vals[i].IsNull()) {
			t.Errorf("column %s: wrote %v, read %v", cols[i].Name, row[i], vals[i])
		}
	}
}
