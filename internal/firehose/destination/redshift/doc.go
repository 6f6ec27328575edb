// Package redshift is Firehose's Amazon Redshift destination, delivering
// into PostgreSQL. Firehose stages records as S3 objects and then issues
//
//	COPY <DataTableName> (<DataTableColumns>) FROM 's3://bucket/<manifest>'
//	CREDENTIALS '...' MANIFEST <CopyOptions>
//
// PostgreSQL speaks Redshift's protocol but cannot read S3, so Loader reads
// the staged objects' bytes itself (the caller hands them over), turns
// them into rows with the COPY semantics the CopyOptions ask for, and
// loads the rows of all the objects with PostgreSQL's COPY ... FROM STDIN
// in one transaction:
//
//	objects ──gunzip (GZIP)──► IGNOREHEADER ──► records (JSON 'auto' | CSV | delimited text)
//	   ──► fields per target column (NULL AS, EMPTYASNULL, BLANKSASNULL, TRIMBLANKS,
//	       TRUNCATECOLUMNS, ACCEPTINVCHARS, TIMEFORMAT epochs, DECIMAL truncation)
//	   ──► BEGIN; COPY tbl (cols) FROM STDIN (text format) under a savepoint; COMMIT
//
// Rows COPY rejects count against MAXERROR as in Redshift, whether the
// rejection is Sluice's (a malformed record) or PostgreSQL's (a value its
// type refuses, a NOT NULL or unique violation: PostgreSQL names the
// line, the savepoint is rolled back, the rows before it loaded again and
// the load goes on after it; each such rejection costs one more COPY of
// the rows after it). At MAXERROR rejections (at least one) the whole
// load fails and nothing is loaded.
//
// A failed load is retried every 5 minutes until RetryDuration has passed
// since the first failure; then Load returns a *LoadError with the code
// and message Firehose logs, and the caller writes the skipped objects'
// manifest (Manifest) under errors/ in the staging bucket.
//
// # Sources
//
//   - Firehose developer guide (github.com/awsdocs/amazon-kinesis-data-firehose-developer-guide):
//     create-destination.md "Choose Amazon Redshift" (COPY options, the
//     retry duration 0–7200 s, "retries every 5 minutes"), basic-deliver.md
//     (the COPY after staging; after the retry duration the skipped
//     objects' manifest goes to errors/), monitoring-with-cloudwatch-logs.md
//     "Amazon Redshift Data Delivery Errors" (the codes and messages of
//     errors.go; AWS has no "MAXERROR exceeded" code: a load failing on
//     its data is Redshift.DataLoadFailed).
//   - Redshift database developer guide (github.com/awsdocs/amazon-redshift-developer-guide):
//     r_COPY.md, copy-parameters-data-format.md (CSV, QUOTE, DELIMITER,
//     JSON 'auto' and 'auto ignorecase'), copy-usage_notes-copy-from-json.md,
//     copy-parameters-data-conversion.md (NULL AS, EMPTYASNULL,
//     BLANKSASNULL, TIMEFORMAT, DATEFORMAT, TRUNCATECOLUMNS, ACCEPTINVCHARS,
//     IGNOREHEADER, FILLRECORD, IGNOREBLANKLINES, TRIMBLANKS, ESCAPE,
//     ROUNDEC), copy-parameters-data-load.md (MAXERROR, IGNOREALLERRORS,
//     COMPUPDATE, STATUPDATE), copy-parameters-file-compression.md (GZIP),
//     copy-parameters-column-mapping.md (column lists, IDENTITY columns),
//     loading-data-files-using-manifest.md (the manifest format).
//
// # CopyOptions
//
// Supported (keywords in any case, AS optional where Redshift has it,
// options separated by spaces or commas):
//
//	[FORMAT [AS]] JSON ['auto' | 'auto ignorecase']   one object per row
//	[FORMAT [AS]] CSV [QUOTE [AS] 'q']               default quote "
//	DELIMITER [AS] 'c'                               default | (text), , (CSV); '\t', '\ddd' accepted
//	GZIP                                             the staged objects are gzip
//	NULL AS 'string'                                 default \N; '\0' or '\000' for a field of only NUL
//	EMPTYASNULL  BLANKSASNULL  TRIMBLANKS  TRUNCATECOLUMNS  ACCEPTINVCHARS [[AS] 'c']
//	TIMEFORMAT [AS] 'auto' | 'epochsecs' | 'epochmillisecs'   DATEFORMAT [AS] 'auto'
//	MAXERROR [AS] n (0–100000)  IGNOREALLERRORS  IGNOREHEADER [AS] n
//	FILLRECORD  IGNOREBLANKLINES  ESCAPE  ROUNDEC  ENCODING UTF8
//	COMPUPDATE [PRESET|ON|TRUE|OFF|FALSE]  STATUPDATE [ON|TRUE|OFF|FALSE]
//
// Refused at configuration (Validate, with a message naming the option):
// JSONPaths files (JSON 's3://...'), JSON 'noshred', AVRO, PARQUET, ORC,
// FIXEDWIDTH, SHAPEFILE, BZIP2, LZOP, ZSTD, REMOVEQUOTES, ACCEPTANYDATE,
// EXPLICIT_IDS, NOLOAD, COMPROWS, READRATIO, ENCRYPTED,
// MASTER_SYMMETRIC_KEY, REGION, date/time format strings other than the
// keywords above, encodings other than UTF8, the parts of the command
// Firehose writes itself (MANIFEST, FROM, CREDENTIALS, IAM_ROLE, access
// keys), unknown options, options given twice and the combinations
// Redshift refuses (CSV, DELIMITER, NULL AS, ESCAPE, FILLRECORD,
// IGNOREBLANKLINES with JSON; QUOTE without CSV; ESCAPE with CSV;
// MAXERROR with IGNOREALLERRORS; DELIMITER equal to QUOTE).
//
// # Decisions where Redshift and PostgreSQL differ or the guide is silent
//
//   - Values are parsed by PostgreSQL's input functions (the session has
//     DateStyle ISO, MDY and TimeZone UTC). Redshift's default date and
//     time formats (YYYY-MM-DD, YYYY-MM-DD HH:MI:SS) and what 'auto'
//     recognises (ISO 8601 among others) are accepted by them, so no
//     DATEFORMAT/TIMEFORMAT and 'auto' behave alike; PostgreSQL is more
//     lenient than Redshift's default there. Epoch values are converted
//     by Sluice (fractions allowed, UTC).
//   - As in Redshift, empty or blank fields of non-character columns load
//     as NULL, DECIMAL values with too many fraction digits are truncated
//     unless ROUNDEC (PostgreSQL alone would round), and columns are
//     character columns when PostgreSQL puts their type (or a domain's base
//     type) in its string category. TRUNCATECOLUMNS counts characters
//     (PostgreSQL's varchar(n)), where Redshift counts bytes.
//   - JSON 'auto' matches keys to column names exactly; 'auto ignorecase'
//     compares them lower-cased. The last of duplicate keys wins. Nested
//     objects and arrays load as their compact JSON text, numbers as
//     written, booleans as true/false, JSON null as NULL, missing keys as
//     NULL. A JSON array or anything but white space between objects is a
//     rejected row, as in Redshift. Invalid UTF-8 in a JSON object rejects
//     it unless ACCEPTINVCHARS, which then applies to the whole object.
//   - Text format (no CSV/JSON) splits records at \n only (a \r stays in
//     the last field); CSV also ends records at \r\n. NULL AS (and the
//     default \N) never matches a quoted CSV field.
//   - Without a column list, identity columns, serial columns (a nextval
//     default) and generated columns are left out, as Redshift leaves out
//     IDENTITY columns. With a list, a NOT NULL column without a default
//     left out of it is Redshift.MissingColumn before anything is read.
//   - COMPUPDATE is accepted and changes nothing: PostgreSQL has no
//     column compression encodings to choose. STATUPDATE ON runs ANALYZE
//     in the load's transaction.
//   - A GZIP object that does not decompress fails the whole load
//     (Redshift.DataLoadFailed), whatever MAXERROR says.
//   - ClusterJDBCURL: see Config.JDBCURL. Hosts named localhost or under
//     .localhost are dialled at 127.0.0.1, so URLs that fit AWS's pattern
//     (which wants a redshift label in the host) reach a local server.
//   - Errors map from SQLSTATE: 28000/28P01 AuthenticationFailed, 3D000
//     DatabaseNotFound, 42P01/3F000 TableNotFound, 42703 ColumnNotFound,
//     42501 InsufficientPrivilege, other 42xxx SyntaxError, 53100
//     DiskFull, 25006 ReadOnlyCluster, 08xxx/57P0x/53300 and network
//     errors ConnectionFailed, 22xxx/23xxx rejected rows (DataLoadFailed
//     at MAXERROR), anything else InternalError with AWS's message. The
//     details after AWS's message start with "Sluice:" or "PostgreSQL:".
//   - Every failure is retried until the retry duration ends, as Firehose
//     does ("retries for the specified time duration"), except a
//     configuration Validate refuses (LoadError.Attempts 0).
//   - Connections: at most two idle connections per JDBC URL and user are
//     kept (pinged before reuse; a changed password drops them), closed by
//     Close.
//
// # Why hand-written
//
// Nothing implements Redshift's COPY options outside Redshift. pgx
// (github.com/jackc/pgx/v5) is the PostgreSQL client; the record readers
// are Sluice's because Redshift's CSV (a configurable quote, white space
// around quotes) and JSON 'auto' (a stream of objects with garbage counted
// per instance) differ from encoding/csv and a plain json.Decoder.
package redshift
