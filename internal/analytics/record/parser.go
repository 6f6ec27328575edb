package record

import (
	"errors"

	"sluice/internal/analytics/value"
)

// Parser turns input records into rows of an in-application stream, per an
// InputSchema. It keeps scratch space between records: use one Parser per
// goroutine (NewParser is cheap).
type Parser struct {
	cols []Column
	json *jsonParser
	csv  *csvParser
}

// NewParser compiles the schema: its column types, and its JSONPaths or CSV
// delimiters. The error is a *SchemaError.
func NewParser(s InputSchema) (*Parser, error) {
	format, err := s.format()
	if err != nil {
		return nil, err
	}
	cols, err := s.Columns()
	if err != nil {
		return nil, err
	}
	p := &Parser{cols: cols}
	var mp MappingParameters
	if s.RecordFormat.MappingParameters != nil {
		mp = *s.RecordFormat.MappingParameters
	}
	if format == FormatJSON {
		if mp.JSONMappingParameters == nil {
			return nil, &SchemaError{Message: "JSON records need MappingParameters.JSONMappingParameters with a RecordRowPath"}
		}
		p.json, err = newJSONParser(cols, s.RecordColumns, mp.JSONMappingParameters.RecordRowPath)
	} else {
		if mp.CSVMappingParameters == nil {
			return nil, &SchemaError{Message: "CSV records need MappingParameters.CSVMappingParameters with the delimiters"}
		}
		p.csv, err = newCSVParser(cols, *mp.CSVMappingParameters)
	}
	if err != nil {
		return nil, err
	}
	return p, nil
}

// Columns are the columns of the rows the parser makes.
func (p *Parser) Columns() []Column { return p.cols }

// Parse appends the rows of one input record to dst, each row
// len(Columns()) values in column order, and returns dst with the errors
// of the rows that could not be made. A JSON record gives one row per node
// its RecordRowPath selects (times the elements of a flattened array), a
// CSV record one per RecordRowDelimiter-separated line. A row with an error
// is left out whole; the others are kept. Parse never panics and never
// stops at an error.
func (p *Parser) Parse(dst []value.Value, record []byte) ([]value.Value, []*RowError) {
	if p.json != nil {
		return p.json.parse(dst, record)
	}
	return p.csv.parse(dst, record)
}

// convertError turns a value error into the row error for a column.
func convertError(err error, col Column, index int, data string) *RowError {
	var ce *errCoercion
	msg := err.Error()
	if errors.As(err, &ce) {
		msg = ce.msg
	}
	return rowError(ErrorCoercion, data, index, "column %s (%s): %s", col.Name, col.Type, msg)
}

// checkRowSize reports a row whose text is over MaxRowSize.
func checkRowSize(data string) *RowError {
	if len(data) > MaxRowSize {
		return rowError(ErrorRowTooLarge, data, -1, "the row is %d bytes, more than the %d allowed", len(data), MaxRowSize)
	}
	return nil
}
