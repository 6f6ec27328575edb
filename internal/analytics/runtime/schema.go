package runtime

import (
	"sluice/internal/analytics"
	"sluice/internal/analytics/record"
)

// inputSchema is the control plane's schema in package record's terms.
func inputSchema(s analytics.Schema) record.InputSchema {
	out := record.InputSchema{
		RecordEncoding: s.Encoding,
		RecordFormat:   record.RecordFormat{RecordFormatType: s.Format.Type},
		RecordColumns:  make([]record.RecordColumn, len(s.Columns)),
	}
	if s.Format.JSON != nil || s.Format.CSV != nil {
		mp := &record.MappingParameters{}
		if s.Format.JSON != nil {
			mp.JSONMappingParameters = &record.JSONMappingParameters{RecordRowPath: s.Format.JSON.RowPath}
		}
		if s.Format.CSV != nil {
			mp.CSVMappingParameters = &record.CSVMappingParameters{
				RecordRowDelimiter: s.Format.CSV.RowDelimiter, RecordColumnDelimiter: s.Format.CSV.ColumnDelimiter,
			}
		}
		out.RecordFormat.MappingParameters = mp
	}
	for i, c := range s.Columns {
		rc := record.RecordColumn{Name: c.Name, SqlType: c.SQLType}
		if c.Mapping != nil {
			rc.Mapping = *c.Mapping
		}
		out.RecordColumns[i] = rc
	}
	return out
}
