package record

import (
	"errors"
	"testing"
)

// fuzzSchemas are the schemas the parser fuzz tests parse with: every
// column type and the JSONPath forms.
func fuzzJSONSchemas() []InputSchema {
	return []InputSchema{
		demoSchema,
		jsonSchema("$", "B", "BOOLEAN", "$.b", "T", "TINYINT", "$.t", "S", "SMALLINT", "$.s", "I", "INTEGER", "$.i",
			"L", "BIGINT", "$.l", "D", "DECIMAL(5,2)", "$.d", "R", "REAL", "$.r", "F", "DOUBLE", "$.f", "C", "CHAR(3)", "$.c",
			"V", "VARCHAR(8)", "$.v", "X", "VARBINARY(4)", "$.x", "Y", "BINARY(2)", "$.y", "DT", "DATE", "$.dt", "TM", "TIME", "$.tm",
			"TS", "TIMESTAMP", "$.ts", "A", "VARCHAR(16)", "$.a[0:]", "N", "VARCHAR(16)", "$.n.m", "Q", "VARCHAR(4)", `$["q r"]`),
		jsonSchema("$.records[0:]", "T", "VARCHAR(4)", "$.t", "P", "DOUBLE", "$.records[0:].p", "E", "INTEGER", "$.e[1]"),
		jsonSchema("$", "NAME", "VARCHAR(16)", "$.customerName", "ID", "INTEGER", "$.orders[0:].orderId",
			"PRICE", "DECIMAL(5,2)", "$.orders[0:].itemPrice", "ROW", "VARCHAR(32)", "$"),
		jsonSchema("$[2:]", "X", "VARCHAR(4)", "$.x"),
	}
}

// FuzzParseJSON: the JSON parser never panics, makes rows of its columns'
// types only, and reports every failure as a typed RowError. Each record
// is also fed split in two, as records arrive from a stream whole but a
// producer may split a document between records.
func FuzzParseJSON(f *testing.F) {
	for _, s := range []string{
		`{"TICKER_SYMBOL":"QXZ","SECTOR":"HEALTHCARE","CHANGE":-0.05,"PRICE":84.51}`,
		`{"b":true,"t":1,"s":2,"i":3,"l":4,"d":1.25,"r":1.5,"f":2.5,"c":"abc","v":"x","x":"X'01'","y":"0102","dt":"2026-12-03",` +
			`"tm":"17:01:02","ts":"2026-12-03 17:01:02.123","a":[1,2],"n":{"m":"z"},"q r":"s"}`,
		`{"records":[{"t":"A","p":1.5,"e":[1,2]},{"t":"B"}]}`,
		customerRecord,
		`[{"x":1},{"x":2},{"x":3}]`,
		"{\"a\":1}\n{\"a\":2}", `{"a":"\ud83d\ude00\u0000"}`, `{`, `[`, `"`, `{"a":-}`, `1e999`,
	} {
		f.Add([]byte(s))
	}
	parsers := make([]*Parser, 0, 5)
	for _, s := range fuzzJSONSchemas() {
		parsers = append(parsers, mustParser(f, s))
	}
	f.Fuzz(func(t *testing.T, record []byte) {
		for _, p := range parsers {
			checkParse(t, p, record)
			half := len(record) / 2
			checkParse(t, p, record[:half])
			checkParse(t, p, record[half:])
		}
	})
}

// FuzzParseCSV: as FuzzParseJSON for CSV, with one- and multi-character
// delimiters.
func FuzzParseCSV(f *testing.F) {
	for _, s := range []string{"Doe,John,67321", "a,\"b,c\",1\n\"x\"\"y\",,2\r\n", "a||b::c", "\"unclosed", ",,,\n\n\n",
		"true,1.5,2026-12-03 17:01:02", "\xff,1"} {
		f.Add([]byte(s))
	}
	schemas := []InputSchema{
		csvSchema("\n", ",", "A", "VARCHAR(4)", "B", "CHAR(3)", "C", "INTEGER"),
		csvSchema("\r\n", ",", "A", "BOOLEAN", "B", "DECIMAL(5,2)", "C", "TIMESTAMP", "D", "DOUBLE", "E", "VARBINARY(2)"),
		csvSchema("||", "::", "A", "VARCHAR(2)", "B", "BIGINT"),
		csvSchema("\n", " ", "A", "VARCHAR(8)", "B", "VARCHAR(8)"),
	}
	parsers := make([]*Parser, len(schemas))
	for i, s := range schemas {
		parsers[i] = mustParser(f, s)
	}
	f.Fuzz(func(t *testing.T, record []byte) {
		for _, p := range parsers {
			checkParse(t, p, record)
		}
	})
}

func checkParse(t *testing.T, p *Parser, record []byte) {
	t.Helper()
	keep := append([]byte(nil), record...)
	vals, errs := p.Parse(nil, record)
	checkRowTypes(t, p, vals)
	for _, e := range errs {
		var re *RowError
		if !errors.As(e, &re) || e.Name == "" || e.Message == "" || len(e.Name) > 32 || len(e.Data) > maxErrorData {
			t.Fatalf("bad error %+v", e)
		}
		if e.Column < -1 || e.Column >= len(p.Columns()) {
			t.Fatalf("error column %d", e.Column)
		}
	}
	for _, v := range vals {
		_ = v.String()
		if c := v.Kind(); c.IsString() && len(v.Str()) > 4*65534 {
			t.Fatalf("string of %d bytes", len(v.Str()))
		}
	}
	if string(keep) != string(record) {
		t.Fatal("Parse changed its input")
	}
}
