package record

import (
	"reflect"
	"testing"
)

func TestParseCSV(t *testing.T) {
	// sch-mapping.md's CSV example schema.
	p := mustParser(t, csvSchema("\n", ",", "LastName", "VARCHAR(16)", "FirstName", "VARCHAR(16)", "CustomerId", "INTEGER"))
	tests := []struct {
		record string
		want   [][]string
		errs   int
	}{
		{"Doe,John,67321", [][]string{{"Doe", "John", "67321"}}, 0},
		{"Doe,John,67321\nRoe,Jane,1\n", [][]string{{"Doe", "John", "67321"}, {"Roe", "Jane", "1"}}, 0},
		{"Doe,John,67321,extra,fields", [][]string{{"Doe", "John", "67321"}}, 0},
		{"Doe,John", [][]string{{"Doe", "John", "NULL"}}, 0},
		{"Doe,,", [][]string{{"Doe", "", "NULL"}}, 0},
		{"\n\nDoe,John,1\n\n", [][]string{{"Doe", "John", "1"}}, 0},
		{`"Doe, Jr.","John ""Jack""",7`, [][]string{{"Doe, Jr.", `John "Jack"`, "7"}}, 0},
		{`"name1", "address1",3`, [][]string{{"name1", "address1", "3"}}, 0},
		{"\"multi\nline\",x,2", [][]string{{"multi\nline", "x", "2"}}, 0},
		{`"",x,`, [][]string{{"", "x", "NULL"}}, 0},
		{"Doe,John,abc\nRoe,Jane,5", [][]string{{"Roe", "Jane", "5"}}, 1},
		{"Doe,John,1.5", nil, 1},
		{"AVeryLongLastNameIndeed,J,1", [][]string{{"AVeryLongLastNam", "J", "1"}}, 0},
		{`"unclosed,John,1`, nil, 1},
		{"Doe,\xff,1", nil, 1},
		{"", nil, 0},
	}
	for _, tt := range tests {
		rows, errs := rowsText(p, tt.record)
		if !reflect.DeepEqual(rows, tt.want) || len(errs) != tt.errs {
			t.Errorf("%q: rows %q, errors %v; want %q and %d errors", tt.record, rows, errs, tt.want, tt.errs)
		}
	}
	// The error carries the row, not the whole record.
	_, errs := rowsText(p, "Doe,John,abc\nRoe,Jane,5")
	if len(errs) != 1 || string(errs[0].Data) != "Doe,John,abc" || errs[0].Name != ErrorCoercion || errs[0].Column != 2 {
		t.Errorf("error %+v", errs)
	}
}

func TestCSVDelimiters(t *testing.T) {
	// AddApplicationReferenceDataSource's example: a space between columns,
	// \r\n between rows.
	p := mustParser(t, csvSchema("\r\n", " ", "TICKER", "VARCHAR(4)", "COMPANY_NAME", "VARCHAR(40)"))
	rows, errs := rowsText(p, "AMZN Amazon\r\nXYZ SomeCompany\r\n")
	if len(errs) != 0 || !reflect.DeepEqual(rows, [][]string{{"AMZN", "Amazon"}, {"XYZ", "SomeCompany"}}) {
		t.Errorf("rows %v, errors %v", rows, errs)
	}
	p = mustParser(t, csvSchema("||", "::", "A", "VARCHAR(4)", "B", "BOOLEAN", "C", "TIMESTAMP"))
	rows, errs = rowsText(p, "x::true::2026-12-03 17:01:02.123||y::no::")
	want := [][]string{{"x", "TRUE", "2026-12-03 17:01:02.123"}, {"y", "FALSE", "NULL"}}
	if len(errs) != 0 || !reflect.DeepEqual(rows, want) {
		t.Errorf("rows %v, errors %v", rows, errs)
	}
	// A quote delimiter turns quoting off.
	p = mustParser(t, csvSchema("\n", `"`, "A", "VARCHAR(4)", "B", "VARCHAR(4)"))
	rows, _ = rowsText(p, `a"b`)
	if !reflect.DeepEqual(rows, [][]string{{"a", "b"}}) {
		t.Errorf("rows %v", rows)
	}
}
