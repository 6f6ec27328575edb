package analytics

import "sluice/internal/analytics/record"

// RecordInferrer is the Inferrer over package record's Discover: JSON or
// CSV, the row path or delimiters, column names and SQL types from the
// samples, as record's documentation describes.
type RecordInferrer struct{}

// Infer implements Inferrer.
func (RecordInferrer) Infer(samples [][]byte) (Schema, [][]*string, error) {
	d, err := record.Discover(samples)
	if err != nil {
		return Schema{}, nil, err
	}
	return schemaOfRecord(d.InputSchema), d.ParsedInputRecords, nil
}

// schemaOfRecord converts record's InputSchema, field for field.
func schemaOfRecord(in record.InputSchema) Schema {
	out := Schema{Format: RecordFormat{Type: in.RecordFormat.RecordFormatType}, Encoding: in.RecordEncoding}
	if m := in.RecordFormat.MappingParameters; m != nil {
		if j := m.JSONMappingParameters; j != nil {
			out.Format.JSON = &JSONMapping{RowPath: j.RecordRowPath}
		}
		if c := m.CSVMappingParameters; c != nil {
			out.Format.CSV = &CSVMapping{RowDelimiter: c.RecordRowDelimiter, ColumnDelimiter: c.RecordColumnDelimiter}
		}
	}
	out.Columns = make([]Column, len(in.RecordColumns))
	for i, c := range in.RecordColumns {
		out.Columns[i] = Column{Name: c.Name, SQLType: c.SqlType}
		if c.Mapping != "" {
			mapping := c.Mapping
			out.Columns[i].Mapping = &mapping
		}
	}
	return out
}
