// Package value holds the SQL types and values of Kinesis Data Analytics SQL
// applications: the types a CREATE STREAM, a CAST or an InputSchema's SqlType
// names, the values the executor computes with, and the rules that convert,
// compare, combine and print them as KDA (SQLstream underneath) does.
//
// # Types
//
// [ParseType] reads a type as written ("VARCHAR(16)", "decimal(5, 2)",
// "DOUBLE PRECISION", "INTERVAL DAY TO SECOND"), case-insensitively, with
// AWS's limits; [Type.String] spells it back as AWS does ("VARCHAR(16)",
// "DECIMAL(5,2)", "DOUBLE"), so ParseType(t.String()) == t.
//
//	BOOLEAN
//	TINYINT SMALLINT INTEGER|INT BIGINT              8, 16, 32, 64-bit signed
//	DECIMAL|DEC|NUMERIC [(p[,s])]                    1 <= p <= 18, 0 <= s <= p; default (18,0)
//	REAL                                             32-bit IEEE 754
//	DOUBLE [PRECISION] | FLOAT                       64-bit IEEE 754
//	CHAR|CHARACTER [(n)]                             fixed length, blank-padded; default 1
//	VARCHAR(n) | CHAR[ACTER] VARYING(n)              1 <= n <= 65534 (AWS: "less than 65535")
//	BINARY [(n)] | VARBINARY(n) | BINARY VARYING(n)  bytes, same limits
//	DATE  TIME  TIMESTAMP                            millisecond precision, no time zone (UTC)
//	INTERVAL <start>[(p)] [TO <end>[(f)]]            YEAR, MONTH (year-month) or DAY … SECOND (day-time)
//
// Interval types exist for expressions (INTERVAL '1' MINUTE, a - b): AWS does
// not allow them as column types, and [Type.IsColumnType] says so.
//
// # Values
//
// A [Value] is 32 bytes and never allocates for a number, a boolean or a
// datetime: an 8-byte payload (int64, float64 bits, milliseconds, days or
// months), a string for character and binary data, a kind and, for DECIMAL,
// its scale. The zero Value is SQL NULL. Values carry their kind, so casts,
// comparisons and arithmetic work without the static type, except where SQL
// needs it (a cast's target, an arithmetic result type, whose DECIMAL scale
// comes from the operand types): those take a [Type].
//
// Representation by kind:
//
//	BOOLEAN                      0 or 1
//	TINYINT … BIGINT             int64, within the kind's range
//	DECIMAL(p,s)                 unscaled int64 and scale s: 84.51 is 8451, scale 2
//	REAL, DOUBLE                 float64 bits; a REAL's value is always a float32's
//	CHAR, VARCHAR                the text (CHAR blank-padded to its length)
//	BINARY, VARBINARY            the bytes, in the string
//	DATE                         days since 1970-01-01
//	TIME                         milliseconds since midnight
//	TIMESTAMP                    milliseconds since 1970-01-01 00:00:00 UTC
//	INTERVAL day-time            milliseconds, with the qualifier for printing
//	INTERVAL year-month          months, with the qualifier for printing
//
// # NULL
//
// Operations on NULL give NULL (arithmetic, casts). [Compare] and [Equal]
// report whether the answer is known: comparing with NULL is UNKNOWN, and the
// executor's three-valued logic (AND, OR, NOT, WHERE keeps only TRUE) builds
// on that. [SortCompare] and [AppendKey] are the total order and the grouping
// key, where NULLs are equal to each other (GROUP BY, DISTINCT, ORDER BY).
//
// # Text
//
// [Value.AppendText] prints a value as KDA's CAST to VARCHAR does and as the
// JSON and CSV outputs write it:
//
//	BOOLEAN      TRUE, FALSE
//	integers     -42
//	DECIMAL      84.51, 0.50, -0.05 (always s fraction digits)
//	REAL         the shortest text that reads back as the same float32, in
//	DOUBLE       float64, in Java's form: 100.0, 84.51, 1.0E7, 1.0E-4
//	DATE         2026-12-03
//	TIME         17:01:02.123
//	TIMESTAMP    2026-12-03 17:01:02.123 (always three fraction digits)
//	INTERVAL     +1 02:03:04.000 (DAY TO SECOND), +5 (MINUTE), -1-06 (YEAR TO MONTH)
//	BINARY       hex digits, upper case (the body of an X'…' literal)
//
// KDA runs on the JVM and prints approximate numbers as Java's
// Double.toString and Float.toString do: a decimal point always, scientific
// notation below 10^-3 and from 10^7 on. Sluice prints the same text.
//
// # Errors
//
// Conversions and arithmetic fail with an [*Error] whose [Code] names the SQL
// condition (numeric overflow, division by zero, string truncation, a string
// that is not a valid value of the type, a cast SQL does not allow); the
// executor turns them into error_stream rows. Nothing here panics on input.
package value
