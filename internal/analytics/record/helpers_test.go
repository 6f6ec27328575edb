package record

import (
	"testing"

	"sluice/internal/analytics/value"
)

// jsonSchema is a JSON InputSchema of name/type/mapping triples.
func jsonSchema(rowPath string, cols ...string) InputSchema {
	s := InputSchema{
		RecordFormat: RecordFormat{RecordFormatType: FormatJSON,
			MappingParameters: &MappingParameters{JSONMappingParameters: &JSONMappingParameters{RecordRowPath: rowPath}}},
		RecordEncoding: EncodingUTF8,
	}
	for i := 0; i+2 < len(cols); i += 3 {
		s.RecordColumns = append(s.RecordColumns, RecordColumn{Name: cols[i], SqlType: cols[i+1], Mapping: cols[i+2]})
	}
	return s
}

// csvSchema is a CSV InputSchema of name/type pairs.
func csvSchema(rowDelim, colDelim string, cols ...string) InputSchema {
	s := InputSchema{
		RecordFormat: RecordFormat{RecordFormatType: FormatCSV,
			MappingParameters: &MappingParameters{CSVMappingParameters: &CSVMappingParameters{
				RecordRowDelimiter: rowDelim, RecordColumnDelimiter: colDelim}}},
	}
	for i := 0; i+1 < len(cols); i += 2 {
		s.RecordColumns = append(s.RecordColumns, RecordColumn{Name: cols[i], SqlType: cols[i+1]})
	}
	return s
}

func mustParser(t testing.TB, s InputSchema) *Parser {
	t.Helper()
	p, err := NewParser(s)
	if err != nil {
		t.Fatalf("NewParser: %v", err)
	}
	return p
}

// rowsText parses one record and prints its rows as text, NULL for NULL.
func rowsText(p *Parser, record string) ([][]string, []*RowError) {
	vals, errs := p.Parse(nil, []byte(record))
	n := len(p.Columns())
	var rows [][]string
	for r := 0; r+n <= len(vals); r += n {
		row := make([]string, n)
		for c := 0; c < n; c++ {
			row[c] = vals[r+c].String()
		}
		rows = append(rows, row)
	}
	return rows, errs
}

// checkRowTypes fails when a value is not NULL and not of its column's kind.
func checkRowTypes(t *testing.T, p *Parser, vals []value.Value) {
	t.Helper()
	cols := p.Columns()
	if len(vals)%len(cols) != 0 {
		t.Fatalf("%d values for %d columns", len(vals), len(cols))
	}
	for i, v := range vals {
		c := cols[i%len(cols)]
		if !v.IsNull() && v.Kind() != c.Type.Kind {
			t.Fatalf("column %s (%s) holds a %s: %v", c.Name, c.Type, v.Kind(), v)
		}
	}
}
