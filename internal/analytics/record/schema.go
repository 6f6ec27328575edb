package record

import (
	"fmt"
	"strings"

	"sluice/internal/analytics/value"
)

// The configuration types mirror AWS's InputSchema (SourceSchema in the
// API reference) field for field, with AWS's names and JSON field names, so
// the control plane can convert its stored configuration to them directly.

// Record formats (RecordFormatType).
const (
	FormatJSON = "JSON"
	FormatCSV  = "CSV"
)

// EncodingUTF8 is the only RecordEncoding AWS accepts.
const EncodingUTF8 = "UTF-8"

// InputSchema is how the records of a source map to the columns of its
// in-application stream (or reference table).
type InputSchema struct {
	RecordFormat   RecordFormat   `json:"RecordFormat"`
	RecordEncoding string         `json:"RecordEncoding,omitempty"`
	RecordColumns  []RecordColumn `json:"RecordColumns"`
}

// RecordFormat is RecordFormatType JSON or CSV and its mapping parameters.
type RecordFormat struct {
	RecordFormatType  string             `json:"RecordFormatType"`
	MappingParameters *MappingParameters `json:"MappingParameters,omitempty"`
}

// MappingParameters holds the parameters of one of the formats.
type MappingParameters struct {
	JSONMappingParameters *JSONMappingParameters `json:"JSONMappingParameters,omitempty"`
	CSVMappingParameters  *CSVMappingParameters  `json:"CSVMappingParameters,omitempty"`
}

// JSONMappingParameters is the path to the rows in a JSON record.
type JSONMappingParameters struct {
	RecordRowPath string `json:"RecordRowPath"`
}

// CSVMappingParameters are the delimiters of a CSV record.
type CSVMappingParameters struct {
	RecordRowDelimiter    string `json:"RecordRowDelimiter"`
	RecordColumnDelimiter string `json:"RecordColumnDelimiter"`
}

// RecordColumn is one column: its name in the in-application stream, its
// SQL type as written ("VARCHAR(4)"), and for JSON the JSONPath of its value.
type RecordColumn struct {
	Name    string `json:"Name"`
	SqlType string `json:"SqlType"`
	Mapping string `json:"Mapping,omitempty"`
}

// Column is a column of rows as the engine sees it: a name and a resolved
// type. Parsers produce rows of these; formatters write them.
type Column struct {
	Name string
	Type value.Type
}

// Limits AWS documents for a record and its schema.
const (
	MaxRowSize = 512 * 1024 // a row of an in-application stream
	MaxColumns = 1000       // RecordColumns of an input schema
)

// SchemaError is a schema the parser cannot use: a bad SqlType, a mapping
// that is not a JSONPath it supports, a missing delimiter. The control plane
// reports it as an invalid argument.
type SchemaError struct {
	Column  string // "" when about the format
	Message string
}

func (e *SchemaError) Error() string {
	if e.Column == "" {
		return "input schema: " + e.Message
	}
	return fmt.Sprintf("input schema: column %q: %s", e.Column, e.Message)
}

// Columns resolves the schema's column types.
func (s *InputSchema) Columns() ([]Column, error) {
	if len(s.RecordColumns) == 0 {
		return nil, &SchemaError{Message: "RecordColumns is empty: a schema needs at least one column"}
	}
	if len(s.RecordColumns) > MaxColumns {
		return nil, &SchemaError{Message: fmt.Sprintf("%d columns is more than the %d allowed", len(s.RecordColumns), MaxColumns)}
	}
	cols := make([]Column, len(s.RecordColumns))
	seen := make(map[string]bool, len(cols))
	for i, rc := range s.RecordColumns {
		if rc.Name == "" {
			return nil, &SchemaError{Message: fmt.Sprintf("column %d has no Name", i+1)}
		}
		if seen[rc.Name] {
			return nil, &SchemaError{Column: rc.Name, Message: "two columns have this name"}
		}
		seen[rc.Name] = true
		t, err := value.ParseType(rc.SqlType)
		if err != nil {
			return nil, &SchemaError{Column: rc.Name, Message: err.Error()}
		}
		if !t.IsColumnType() {
			return nil, &SchemaError{Column: rc.Name, Message: t.String() + " cannot be the type of a column"}
		}
		cols[i] = Column{Name: rc.Name, Type: t}
	}
	return cols, nil
}

// format is the schema's record format, upper-cased, checked against what
// its mapping parameters say.
func (s *InputSchema) format() (string, error) {
	f := strings.ToUpper(s.RecordFormat.RecordFormatType)
	switch f {
	case FormatJSON, FormatCSV:
	case "":
		return "", &SchemaError{Message: "RecordFormatType is missing: give JSON or CSV"}
	default:
		return "", &SchemaError{Message: fmt.Sprintf("RecordFormatType %q is neither JSON nor CSV", s.RecordFormat.RecordFormatType)}
	}
	if e := s.RecordEncoding; e != "" && !strings.EqualFold(e, EncodingUTF8) {
		return "", &SchemaError{Message: fmt.Sprintf("RecordEncoding %q is not supported: only UTF-8 is", e)}
	}
	return f, nil
}
