// Package record turns input records into rows of an in-application stream
// and rows back into output records, and infers an input schema from sample
// records, as Kinesis Data Analytics SQL applications do.
//
// # Input
//
// A [Parser] compiled from an [InputSchema] (AWS's field names: RecordFormat,
// RecordEncoding UTF-8, RecordColumns of Name, SqlType, Mapping) parses one
// record at a time into zero or more rows of [value.Value], appended to a
// flat slice the caller reuses: row r is vals[r*n:(r+1)*n] for n columns.
// A row that fails is left out and reported as a [RowError]; the other rows
// of the record are kept, and nothing stops the parser.
//
// JSON records. RecordRowPath selects the rows and each column's Mapping
// (a [Path]) its value within a row:
//
//	record {"records":[{"t":"A","p":1.5},{"t":"B","p":2}]}
//	RecordRowPath $.records[0:]     one row per element
//	Mapping $.t  (or $.records[0:].t, the row path repeated)
//
//	record {"customer":"Ann","orders":[{"id":1},{"id":2}]}
//	RecordRowPath $ ; Mappings $.customer, $.orders[0:].id
//	rows ("Ann", 1), ("Ann", 2): the flattened array repeats the others
//
// A mapping ending in [0:] is the whole array as JSON text; an object
// mapped to a character column is its JSON text (compacted); a missing
// member or JSON null is NULL; an empty or missing flattened array still
// gives one row, its columns NULL. A record may hold several JSON documents
// one after another (newline-delimited JSON). The scanner is hand-written:
// it validates the record once, then walks only the members the mappings
// name; string values are substrings of one copy of the record.
//
// JSON values convert to the column types as sch-mapping.md says:
//
//	null                       NULL for any type
//	true/false  → numeric 1/0, BOOLEAN, CHAR/VARCHAR 'true'/'false' (cut to
//	              length), BINARY lowest bit set/clear; datetime: error
//	number      → numeric if it fits the type exactly (123.4 to INTEGER and
//	              84.513 to DECIMAL(5,2) are errors), BOOLEAN 0 false else
//	              true, CHAR/VARCHAR its text; binary, datetime: error
//	string      → numeric if it reads as one (same exactness), BOOLEAN TRUE
//	              iff "true" in any case, CHAR/VARCHAR cut to length silently,
//	              BINARY from X'3F67' hex, DATE/TIME/TIMESTAMP from
//	              "1992-02-14", "1992-02-14 18:35:44.0" or ISO 8601 with T
//	object/array → CHAR/VARCHAR its JSON text; anything else: error
//
// CSV records. RecordRowDelimiter splits a record into rows and
// RecordColumnDelimiter a row into fields (both strings of any length);
// columns take fields by position, fields past the last column are ignored
// and missing ones are NULL. A field starting with " is quoted (RFC 4180:
// delimiters inside it are text, "" is a quote). An empty field is ” for
// a character column and NULL otherwise; empty lines are not rows. Fields
// convert by the rules for JSON strings.
//
// Errors ([RowError] Name, as error_stream's ERROR_NAME):
//
//	RECORD_PARSE_ERROR   not JSON, not UTF-8, an unclosed CSV quote
//	COERCION_ERROR       a value that does not convert to its column
//	SCHEMA_MISMATCH      nothing at the RecordRowPath
//	ROW_TOO_LARGE        a row over 512 KB
//
// # Output
//
// A [Formatter] writes rows as JSON ({"COL":value,...}, no newline, under
// the column names as the stream declares them) or CSV (comma-separated,
// RFC 4180 quoting, "\n" at the end); see NewFormatter for each type.
//
// # Discovery
//
// [Discover] is DiscoverInputSchema's inference: JSON or CSV, the row path
// or delimiters, column names (AWS's COL_ renaming), SQL types and
// VARCHAR sizes, with ParsedInputRecords and RawInputRecords as AWS
// answers them. Its doc lists the rules and the guide's examples behind
// them.
package record
