package record

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// The demo stream's records and the schema discovery gives them (the
// guide's continuous-queries-concepts.md).
var demoSchema = jsonSchema("$",
	"TICKER_SYMBOL", "VARCHAR(4)", "$.TICKER_SYMBOL",
	"SECTOR", "VARCHAR(16)", "$.SECTOR",
	"CHANGE", "REAL", "$.CHANGE",
	"PRICE", "REAL", "$.PRICE")

func TestParseDemoRecord(t *testing.T) {
	p := mustParser(t, demoSchema)
	rows, errs := rowsText(p, `{"TICKER_SYMBOL":"QXZ","SECTOR":"HEALTHCARE","CHANGE":-0.05,"PRICE":84.51}`)
	want := [][]string{{"QXZ", "HEALTHCARE", "-0.05", "84.51"}}
	if len(errs) != 0 || !reflect.DeepEqual(rows, want) {
		t.Fatalf("rows %v, errors %v; want %v", rows, errs, want)
	}
	// The guide's sch-mapping.md example schema types CHANGE as TINYINT:
	// -0.05 does not fit, so the row goes to error_stream.
	tiny := mustParser(t, jsonSchema("$", "TICKER_SYMBOL", "VARCHAR(4)", "$.TICKER_SYMBOL",
		"CHANGE", "TINYINT", "$.CHANGE", "PRICE", "DECIMAL(5,2)", "$.PRICE"))
	record := `{"TICKER_SYMBOL":"QXZ","SECTOR":"HEALTHCARE","CHANGE":-0.05,"PRICE":84.51}`
	rows, errs = rowsText(tiny, record)
	if len(rows) != 0 || len(errs) != 1 {
		t.Fatalf("rows %v, errors %v", rows, errs)
	}
	e := errs[0]
	if e.Name != ErrorCoercion || e.Column != 1 || string(e.Data) != record ||
		e.Message != "column CHANGE (TINYINT): the number -0.05 is out of the range or precision of TINYINT" {
		t.Errorf("error %+v", e)
	}
}

// The record of about-json-path.md (made valid JSON).
const customerRecord = `{
  "customerName":"John Doe",
  "address": { "streetAddress": { "number":"123", "street":"AnyStreet" }, "city":"Anytown" },
  "orders": [
    { "orderId":"23284", "itemName":"Widget", "itemPrice":"33.99" },
    { "orderId":"63122", "itemName":"Gadget", "itemPrice":"22.50" },
    { "orderId":"77284", "itemName":"Sprocket", "itemPrice":"12.00" }
  ]
}`

func TestJSONPathExamples(t *testing.T) {
	tests := []struct {
		name string
		cols []string
		want [][]string
	}{
		{"member", []string{"N", "VARCHAR(16)", "$.customerName"}, [][]string{{"John Doe"}}},
		{"case-sensitive", []string{"N", "VARCHAR(16)", "$.customername"}, [][]string{{"NULL"}}},
		{"missing", []string{"N", "VARCHAR(16)", "$.customerId"}, [][]string{{"NULL"}}},
		{"nested", []string{"C", "VARCHAR(16)", "$.address.city"}, [][]string{{"Anytown"}}},
		{"deeper", []string{"S", "VARCHAR(16)", "$.address.streetAddress.street"}, [][]string{{"AnyStreet"}}},
		{"whole array", []string{"O", "VARCHAR(256)", "$.orders[0:]"}, [][]string{{
			`[{"orderId":"23284","itemName":"Widget","itemPrice":"33.99"},{"orderId":"63122","itemName":"Gadget","itemPrice":"22.50"},{"orderId":"77284","itemName":"Sprocket","itemPrice":"12.00"}]`}}},
		{"array from 2", []string{"O", "VARCHAR(256)", "$.orders[2:]"}, [][]string{{`[{"orderId":"77284","itemName":"Sprocket","itemPrice":"12.00"}]`}}},
		{"element", []string{"O", "VARCHAR(8)", "$.orders[1].orderId"}, [][]string{{"63122"}}},
		{"object as text", []string{"A", "VARCHAR(64)", "$.address.streetAddress"}, [][]string{{`{"number":"123","street":"AnyStreet"}`}}},
		{"flatten", []string{"ID", "INTEGER", "$.orders[0:].orderId"}, [][]string{{"23284"}, {"63122"}, {"77284"}}},
		{"flatten repeats the rest", []string{"NAME", "VARCHAR(16)", "$.customerName", "ID", "INTEGER", "$.orders[0:].orderId",
			"PRICE", "DECIMAL(5,2)", "$.orders[0:].itemPrice"},
			[][]string{{"John Doe", "23284", "33.99"}, {"John Doe", "63122", "22.50"}, {"John Doe", "77284", "12.00"}}},
		{"flatten missing member", []string{"I", "VARCHAR(8)", "$.orders[0:].itemId"}, [][]string{{"NULL"}, {"NULL"}, {"NULL"}}},
		{"flatten missing array", []string{"NAME", "VARCHAR(16)", "$.customerName", "X", "INTEGER", "$.nothing[0:].x"},
			[][]string{{"John Doe", "NULL"}}},
		{"one flattened, another whole", []string{"ID", "INTEGER", "$.orders[0:].orderId", "ALL", "VARCHAR(4)", "$.orders[0:]"},
			[][]string{{"23284", "[{\"o"}, {"63122", "[{\"o"}, {"77284", "[{\"o"}}},
		{"root", []string{"R", "VARCHAR(8)", "$"}, [][]string{{"{\"custom"}}},
	}
	for _, tt := range tests {
		p := mustParser(t, jsonSchema("$", tt.cols...))
		rows, errs := rowsText(p, customerRecord)
		if len(errs) != 0 || !reflect.DeepEqual(rows, tt.want) {
			t.Errorf("%s: rows %q, errors %v; want %q", tt.name, rows, errs, tt.want)
		}
	}
	// Two different arrays cannot both flatten.
	_, err := NewParser(jsonSchema("$", "A", "INTEGER", "$.a[0:].x", "B", "INTEGER", "$.b[0:].y"))
	var se *SchemaError
	if !errors.As(err, &se) {
		t.Errorf("two flattened arrays: %v", err)
	}
}

func TestRowPath(t *testing.T) {
	record := `{"records":[{"t":"A","p":1.5},{"t":"B","p":2}],"batch":7}`
	for _, mappings := range [][2]string{{"$.t", "$.p"}, {"$.records[0:].t", "$.records[0:].p"}} {
		p := mustParser(t, jsonSchema("$.records[0:]", "T", "VARCHAR(4)", mappings[0], "P", "DOUBLE", mappings[1]))
		rows, errs := rowsText(p, record)
		want := [][]string{{"A", "1.5"}, {"B", "2.0"}}
		if len(errs) != 0 || !reflect.DeepEqual(rows, want) {
			t.Errorf("%v: rows %v, errors %v", mappings, rows, errs)
		}
	}
	// A top-level array of rows.
	p := mustParser(t, jsonSchema("$[0:]", "T", "VARCHAR(4)", "$.t"))
	rows, _ := rowsText(p, `[{"t":"x"},{"t":"y"},{}]`)
	if !reflect.DeepEqual(rows, [][]string{{"x"}, {"y"}, {"NULL"}}) {
		t.Errorf("rows %v", rows)
	}
	// An empty array has no rows and no error; a missing one is an error.
	p = mustParser(t, jsonSchema("$.records[0:]", "T", "VARCHAR(4)", "$.t"))
	if rows, errs := rowsText(p, `{"records":[]}`); len(rows) != 0 || len(errs) != 0 {
		t.Errorf("empty array: %v %v", rows, errs)
	}
	if _, errs := rowsText(p, `{"other":1}`); len(errs) != 1 || errs[0].Name != ErrorSchemaMismatch {
		t.Errorf("missing array: %v", errs)
	}
	// A row path to one object.
	p = mustParser(t, jsonSchema("$.detail", "T", "VARCHAR(4)", "$.t"))
	if rows, _ := rowsText(p, `{"detail":{"t":"z"}}`); !reflect.DeepEqual(rows, [][]string{{"z"}}) {
		t.Errorf("rows %v", rows)
	}
}

func TestJSONCoercions(t *testing.T) {
	tests := []struct {
		json, sqlType string
		want          string // the value's text, or "ERR"
	}{
		{`null`, "INTEGER", "NULL"},
		{`null`, "TIMESTAMP", "NULL"},
		{`true`, "INTEGER", "1"},
		{`false`, "DECIMAL(3,1)", "0.0"},
		{`true`, "DOUBLE", "1.0"},
		{`true`, "BOOLEAN", "TRUE"},
		{`true`, "VARCHAR(2)", "tr"},
		{`false`, "CHAR(6)", "false "},
		{`true`, "VARBINARY(4)", "01"},
		{`true`, "BINARY(2)", "0001"},
		{`false`, "BINARY(2)", "0000"},
		{`true`, "TIMESTAMP", "ERR"},
		{`67321`, "INTEGER", "67321"},
		{`123.4`, "INTEGER", "ERR"},
		{`123.0`, "INTEGER", "123"},
		{`1e2`, "SMALLINT", "100"},
		{`128`, "TINYINT", "ERR"},
		{`84.51`, "DECIMAL(5,2)", "84.51"},
		{`84.513`, "DECIMAL(5,2)", "ERR"},
		{`1234.5`, "DECIMAL(5,2)", "ERR"},
		{`84.51`, "REAL", "84.51"},
		{`84.51`, "DOUBLE", "84.51"},
		{`1e39`, "REAL", "ERR"},
		{`1e400`, "DOUBLE", "ERR"},
		{`9223372036854775807`, "BIGINT", "9223372036854775807"},
		{`9223372036854775808`, "BIGINT", "ERR"},
		{`0`, "BOOLEAN", "FALSE"},
		{`-0.0`, "BOOLEAN", "FALSE"},
		{`0.001`, "BOOLEAN", "TRUE"},
		{`-3`, "BOOLEAN", "TRUE"},
		{`84.51`, "VARCHAR(8)", "84.51"},
		{`1.0E2`, "VARCHAR(8)", "1.0E2"},
		{`84.51`, "VARCHAR(2)", "84"},
		{`84`, "BINARY(1)", "ERR"},
		{`1526000000000`, "TIMESTAMP", "ERR"},
		{`"67321"`, "INTEGER", "67321"},
		{`" 42 "`, "INTEGER", "42"},
		{`"abc"`, "INTEGER", "ERR"},
		{`"84.51"`, "DOUBLE", "84.51"},
		{`"true"`, "BOOLEAN", "TRUE"},
		{`"TRUE"`, "BOOLEAN", "TRUE"},
		{`"yes"`, "BOOLEAN", "FALSE"},
		{`""`, "BOOLEAN", "FALSE"},
		{`"John Doe"`, "VARCHAR(4)", "John"},
		{`"John"`, "CHAR(6)", "John  "},
		{`"X'3F67A23A'"`, "VARBINARY(8)", "3F67A23A"},
		{`"X'3F6'"`, "VARBINARY(8)", "ERR"},
		{`"1992-02-14"`, "DATE", "1992-02-14"},
		{`"1992-02-14 18:35:44.0"`, "TIMESTAMP", "1992-02-14 18:35:44.000"},
		{`"2018-05-09T12:50:41.337510"`, "TIMESTAMP", "2018-05-09 12:50:41.337"},
		{`"18:35:44"`, "TIME", "18:35:44.000"},
		{`"Feb 14"`, "DATE", "ERR"},
		{`"a\"b\\c\u00e9\ud83d\ude00"`, "VARCHAR(16)", "a\"b\\cé😀"},
		{`"\u0000"`, "VARCHAR(4)", "\x00"},
		{`{"a": [1, 2]}`, "VARCHAR(16)", `{"a":[1,2]}`},
		{`{"a":1}`, "INTEGER", "ERR"},
		{`[1, "two"]`, "VARCHAR(16)", `[1,"two"]`},
		{`[1]`, "BOOLEAN", "ERR"},
	}
	for _, tt := range tests {
		p := mustParser(t, jsonSchema("$", "C", tt.sqlType, "$.v"))
		rows, errs := rowsText(p, `{"v": `+tt.json+`}`)
		switch {
		case tt.want == "ERR":
			if len(rows) != 0 || len(errs) != 1 || errs[0].Name != ErrorCoercion {
				t.Errorf("%s as %s: rows %v, errors %v; want a coercion error", tt.json, tt.sqlType, rows, errs)
			}
		case len(errs) != 0 || len(rows) != 1 || rows[0][0] != tt.want:
			t.Errorf("%s as %s: rows %q, errors %v; want %q", tt.json, tt.sqlType, rows, errs, tt.want)
		}
	}
}

func TestJSONRecordErrors(t *testing.T) {
	p := mustParser(t, demoSchema)
	for _, rec := range []string{``, `   `, `{`, `{"a":}`, `{"a":1,}`, `[1 2]`, `{"a":"\x"}`, "{\"a\":\"\xff\"}", `{"a":01}`,
		`nul`, `"unterminated`, strings.Repeat("[", 1000) + strings.Repeat("]", 1000), "{\"a\":\"tab\there\"}"} {
		rows, errs := rowsText(p, rec)
		if len(rows) != 0 || len(errs) != 1 || errs[0].Name != ErrorParse {
			t.Errorf("%q: rows %v, errors %v; want one parse error", rec, rows, errs)
		}
	}
	// A record with a good document then a bad one keeps the good one's row.
	for _, rec := range []string{`{"TICKER_SYMBOL":"A"} {"TICKER_SYMBOL":`, `{"a":1}}`} {
		rows, errs := rowsText(p, rec)
		if len(rows) != 1 || len(errs) != 1 || errs[0].Name != ErrorParse {
			t.Errorf("%q: %v %v", rec, rows, errs)
		}
	}
}

func TestNewlineDelimitedJSON(t *testing.T) {
	p := mustParser(t, demoSchema)
	rows, errs := rowsText(p, "{\"TICKER_SYMBOL\":\"A\",\"PRICE\":1}\n{\"TICKER_SYMBOL\":\"B\",\"PRICE\":2}\n")
	if len(errs) != 0 || len(rows) != 2 || rows[1][0] != "B" || rows[1][3] != "2.0" {
		t.Errorf("rows %v, errors %v", rows, errs)
	}
}

func TestCoercionErrorKeepsOtherRows(t *testing.T) {
	p := mustParser(t, jsonSchema("$[0:]", "N", "INTEGER", "$.n"))
	vals, errs := p.Parse(nil, []byte(`[{"n":1},{"n":"x"},{"n":3}]`))
	if len(vals) != 2 || vals[0].Int64() != 1 || vals[1].Int64() != 3 || len(errs) != 1 {
		t.Fatalf("values %v, errors %v", vals, errs)
	}
	if string(errs[0].Data) != `{"n":"x"}` || errs[0].Column != 0 {
		t.Errorf("error %+v", errs[0])
	}
}

func TestDuplicateMembersTakeTheLast(t *testing.T) {
	p := mustParser(t, jsonSchema("$", "A", "INTEGER", "$.a", "B", "INTEGER", "$.b.c"))
	rows, _ := rowsText(p, `{"a":1,"b":{"c":5},"a":2,"b":{"c":6}}`)
	if !reflect.DeepEqual(rows, [][]string{{"2", "6"}}) {
		t.Errorf("rows %v", rows)
	}
	// Escaped member names match their decoded text.
	p = mustParser(t, jsonSchema("$", "A", "INTEGER", `$["a\"b"]`))
	rows, _ = rowsText(p, `{"a\"b":7}`)
	if !reflect.DeepEqual(rows, [][]string{{"7"}}) {
		t.Errorf("rows %v", rows)
	}
}

func TestSchemaErrors(t *testing.T) {
	bad := []InputSchema{
		{},
		jsonSchema("$"),
		jsonSchema("", "A", "INTEGER", "$.a"),
		jsonSchema("x", "A", "INTEGER", "$.a"),
		jsonSchema("$", "A", "INTEGER", ""),
		jsonSchema("$", "A", "INTEGER", "$..a"),
		jsonSchema("$", "A", "STRING", "$.a"),
		jsonSchema("$", "A", "INTERVAL DAY", "$.a"),
		jsonSchema("$", "A", "INTEGER", "$.a", "A", "INTEGER", "$.b"),
		jsonSchema("$", "", "INTEGER", "$.a"),
		csvSchema("", ",", "A", "INTEGER"),
		csvSchema("\n", "", "A", "INTEGER"),
		csvSchema(",", ",", "A", "INTEGER"),
		{RecordFormat: RecordFormat{RecordFormatType: "XML"}, RecordColumns: []RecordColumn{{Name: "A", SqlType: "INTEGER"}}},
		{RecordFormat: RecordFormat{RecordFormatType: "JSON"}, RecordColumns: []RecordColumn{{Name: "A", SqlType: "INTEGER", Mapping: "$.a"}}},
		{RecordFormat: RecordFormat{RecordFormatType: "CSV"}, RecordColumns: []RecordColumn{{Name: "A", SqlType: "INTEGER"}}},
	}
	enc := jsonSchema("$", "A", "INTEGER", "$.a")
	enc.RecordEncoding = "UTF-16"
	bad = append(bad, enc)
	for i, s := range bad {
		_, err := NewParser(s)
		var se *SchemaError
		if !errors.As(err, &se) {
			t.Errorf("schema %d: %v, want a SchemaError", i, err)
		}
	}
	// The format's case does not matter, as the CLI sends what users type.
	s := jsonSchema("$", "A", "INTEGER", "$.a")
	s.RecordFormat.RecordFormatType = "json"
	s.RecordEncoding = "utf-8"
	if _, err := NewParser(s); err != nil {
		t.Errorf("lower case: %v", err)
	}
}
