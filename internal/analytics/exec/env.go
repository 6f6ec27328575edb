package exec

import (
	"sluice/internal/analytics/value"
)

// Row is one row of an in-application stream: its ROWTIME (Unix
// milliseconds, UTC) and its column values in the stream's column order.
// ROWTIME is not among the values.
type Row struct {
	Time   int64
	Values []value.Value
}

// Column is a named, typed column of a stream or table.
type Column struct {
	Name string // exact: "TICKER_SYMBOL", or "Company" as quoted
	Type value.Type
}

// Env is what the application's configuration says about the relations its
// code reads, and what the runtime lends the executor.
type Env struct {
	// Streams are the source in-application streams (SOURCE_SQL_STREAM_001,
	// ...), fed with Program.Push.
	Streams []Stream
	// Tables are the reference tables, with all their rows.
	Tables []Table
	// Outputs names the in-application streams the application's outputs
	// read; each must exist once the code has run (a stream the code
	// creates, a source stream, or error_stream).
	Outputs []string
	// TableFuncs are the table functions TABLE(fn(CURSOR(...), ...)) may
	// call, by upper-case name. Nil means none.
	TableFuncs map[string]TableFunc
	// Start is when the application started (Unix ms): CURRENT_TIMESTAMP,
	// CURRENT_DATE and the like return it for every row. The runtime keeps
	// it across restarts so that a replay computes the same values; zero
	// means the time of the first row or Advance.
	Start int64
	// ReplayLimit, when positive, is the furthest (in ms) LowWatermark goes
	// back behind the clock. Most state is younger than its window, but an
	// exact replay of some needs older input: a stagger window over a
	// stream that never pauses for all its keys at once, the last rows of a
	// partition a ROWS window or LAG has not seen for long, an unbounded
	// window. The runtime sets this to what it can replay (its source's
	// retention, say); a replay from the capped watermark starts that state
	// from the rows it sees (the package doc, Recovery). Zero: no limit.
	ReplayLimit int64
}

// Stream is a source in-application stream. Its rows carry the configured
// columns and then the system columns, in the order given.
type Stream struct {
	Name    string
	Columns []Column
	// System are the built-in columns KDA adds that this input has, after
	// Columns in every row: KinesisSystemColumns for a data stream,
	// FirehoseSystemColumns for a delivery stream. They can be named in
	// code; * does not expand to them.
	System []Column
}

// Table is a reference table: its columns and rows (each row has one value
// per column, in order).
type Table struct {
	Name    string
	Columns []Column
	Rows    [][]value.Value
}

// The system columns' types. The guide names the columns but not their
// types; these are the widest values each can hold: the arrival time to the
// millisecond, a partition key of up to 256 characters, a sequence number of
// up to 128 digits, a shard ID such as shardId-000000000000.
var (
	arrivalTimeColumn    = Column{Name: "APPROXIMATE_ARRIVAL_TIME", Type: value.Simple(value.KindTimestamp)}
	partitionKeyColumn   = Column{Name: "PARTITION_KEY", Type: value.Varchar(256)}
	sequenceNumberColumn = Column{Name: "SEQUENCE_NUMBER", Type: value.Varchar(128)}
	shardIDColumn        = Column{Name: "SHARD_ID", Type: value.Varchar(64)}
)

// KinesisSystemColumns returns the system columns of an input read from a
// Kinesis data stream: APPROXIMATE_ARRIVAL_TIME TIMESTAMP, PARTITION_KEY
// VARCHAR(256), SEQUENCE_NUMBER VARCHAR(128), SHARD_ID VARCHAR(64).
func KinesisSystemColumns() []Column {
	return []Column{arrivalTimeColumn, partitionKeyColumn, sequenceNumberColumn, shardIDColumn}
}

// FirehoseSystemColumns returns the system columns of an input read from a
// Firehose delivery stream: only APPROXIMATE_ARRIVAL_TIME, as a delivery
// stream has no shards or partition keys to show.
func FirehoseSystemColumns() []Column {
	return []Column{arrivalTimeColumn}
}

// ErrorStreamColumns returns the columns of error_stream, as the guide's
// error-handling page lists them.
func ErrorStreamColumns() []Column {
	return []Column{
		{Name: "ERROR_TIME", Type: value.Simple(value.KindTimestamp)},
		{Name: "ERROR_LEVEL", Type: value.Varchar(10)},
		{Name: "ERROR_NAME", Type: value.Varchar(32)},
		{Name: "MESSAGE", Type: value.Varchar(4096)},
		{Name: "DATA_ROWTIME", Type: value.Simple(value.KindTimestamp)},
		{Name: "DATA_ROW", Type: value.Varchar(49152)},
		{Name: "PUMP_NAME", Type: value.Varchar(128)},
	}
}
