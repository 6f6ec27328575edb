// Package convert is Firehose's record format conversion: JSON records in,
// one Apache Parquet file out, with the columns of a Glue table.
//
// It follows the Amazon Data Firehose developer guide
// (record-format-conversion.md in the archived
// awsdocs/amazon-kinesis-data-firehose-developer-guide, and the current
// "Convert input data format" pages) and the API reference for
// OpenXJsonSerDe, HiveJsonSerDe and ParquetSerDe.
//
// # Schema
//
// AWS reads the schema from a Glue Data Catalog table. Sluice has no Glue,
// so a Catalog stands in for it: a JSON file holding Glue Table objects
// exactly as `aws glue get-table --query Table` prints them (a JSON array
// of them, or get-tables' {"TableList": [...]}), so real Glue output can be
// pasted in. Only DatabaseName, Name and StorageDescriptor.Columns[].Name
// and .Type are read; partition keys are prefix values, not file columns.
//
// Column types are Hive's, and each becomes the Parquet type Hive's own
// Parquet writer (the ParquetSerDe Firehose names) gives it, so Athena,
// Hive and Spark read the files as they read Firehose's:
//
//	string, varchar(n), char(n)  BYTE_ARRAY (STRING); varchar truncated to n
//	                             characters, char truncated and right-trimmed
//	boolean                      BOOLEAN
//	tinyint, smallint            INT32 (INT(8), INT(16))
//	int, bigint                  INT32, INT64
//	float, double                FLOAT, DOUBLE
//	decimal(p,s)                 FIXED_LEN_BYTE_ARRAY (DECIMAL(p,s)), the
//	                             fewest bytes for p digits, as Hive sizes it;
//	                             rounded half up to s, null when it has more
//	                             than p digits (as Hive makes it)
//	date                         INT32 (DATE)
//	timestamp                    INT96: nanoseconds of the day and Julian day,
//	                             UTC; the encoding Hive writes and Firehose's
//	                             Parquet files carry (INT64 timestamps are
//	                             not an option Firehose has)
//	binary                       BYTE_ARRAY, from base64 text
//	array<T>                     LIST (three-level, "list"/"element")
//	map<K,V>                     MAP ("key_value"), K primitive
//	struct<a:T,...>              group, members in declared order
//
// Every column and member is optional (null when the JSON has null or lacks
// the key). uniontype is refused, as AWS refuses it.
//
// # Deserializers
//
// A record holds one or more JSON objects ({"a":1}{"a":2}; an array of
// objects is not valid input, as AWS documents); each object is a row.
//
// OpenX JSON SerDe (the default): CaseInsensitive (default true) lower-cases
// every JSON key before matching, which also lower-cases map keys and the
// keys of nested JSON stored as text; ColumnToJsonKeyMappings names the JSON
// key of a top-level column; ConvertDotsInJsonKeysToUnderscores turns "a.b"
// into "a_b" in every key. Numbers may come as strings, nested JSON in a
// string column becomes its JSON text, a lone value in an array column a
// one-element array, and an array fills a struct by position. Timestamps:
// yyyy-MM-dd'T'HH:mm:ss[.S]'Z', yyyy-[M]M-[d]d HH:mm:ss[.S] (up to nine
// fraction digits), epoch seconds, epoch milliseconds (13 digits or more)
// and fractional epoch seconds, the forms AWS lists.
//
// Hive JSON SerDe: keys are matched case-insensitively and kept as written;
// a string where the schema has a number fails the record, nested JSON is
// not turned into text, and column names may not hold periods, as AWS
// documents. TimestampFormats are Joda-Time patterns (see jodaLayout for
// the letters supported; a pattern Sluice cannot parse as Joda would is
// refused by Validate) or "millis", tried in order, then
// java.sql.Timestamp.valueOf's yyyy-[m]m-[d]d hh:mm:ss[.f...].
//
// Timestamps without an offset are UTC (Firehose's converters run in UTC),
// and dates and timestamps stay within years 1 to 9999.
//
// # Failures
//
// A record that cannot be converted is returned as a Failure with the code
// real Firehose writes in the error record's lastErrorCode under the
// format-conversion-failed output type: DataFormatConversion.ParseError
// for text that is not JSON, DataFormatConversion.MalformedData for JSON
// that does not fit the schema (and for empty records and top-level
// primitives, with AWS's messages for those two). AWS's guide does not
// list these codes; they are the ones Firehose's error records carry.
//
// # Serializer
//
// ParquetSerDe's Compression (UNCOMPRESSED, GZIP, SNAPPY; SNAPPY by
// default), PageSizeBytes (1 MiB by default, at least 64 KiB; the page
// buffer size), BlockSizeBytes (256 MiB by default, at least 64 MiB; a new
// row group starts when the current one reaches it), EnableDictionaryCompression
// (dictionary encoding of every non-boolean column) and WriterVersion (V1
// or V2 data pages) shape the file. MaxPaddingBytes is validated: padding
// aligns row groups with HDFS blocks when a file spans several blocks, and
// Sluice writes no padding (it never changes what a reader reads).
// Converted objects are named with ParquetExtension, ".parquet", as
// Firehose names them unless FileExtension says otherwise.
//
// OrcSerDe is refused with ErrORCUnsupported: the one established Go ORC
// library, github.com/scritchley/orc, has never been released, has had no
// commit since 2021, says in its README that its writer is not yet
// recommended, and is not available from the module proxy these machines
// use; a newer one (github.com/fallintoplace/orc-go, v0.x, first published
// in 2026) is neither mature nor available here.
//
// The Parquet writer is github.com/parquet-go/parquet-go. What is written
// by hand here is what it has no notion of: the Hive type parser, the two
// SerDes' reading rules (JSON key handling, their timestamp formats and a
// Joda-Time pattern parser, since Go's time layouts cannot express Joda
// patterns), the shredding of nested values into repetition and definition
// levels for parquet-go's row API, and a schema group that keeps the
// table's column order.
package convert
