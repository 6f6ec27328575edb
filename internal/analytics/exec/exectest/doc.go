// Package exectest reads and checks the golden scripts of package exec and
// of its analytic subpackage: test applications with fixed input, in a
// small text format (testdata/apps/*.txt):
//
//	# comment
//	-- env --
//	date 2018-08-01                       the day of times written HH:MM:SS
//	start 20:17:00                        Env.Start
//	stream SOURCE_SQL_STREAM_001 kinesis  a source (kinesis, firehose or none for system columns)
//	  TICKER_SYMBOL VARCHAR(4)            its columns, one a line
//	table CompanyName                     a reference table
//	  Ticker VARCHAR(4)
//	  row AMZN | Amazon                   a row, values separated by |
//	output DESTINATION_SQL_STREAM         a stream to record (all streams if none)
//	-- code --
//	CREATE OR REPLACE STREAM ...
//	-- input --
//	20:17:30 SOURCE_SQL_STREAM_001 | AMZN | 2018-08-01 20:17:20.797   a row
//	advance 20:19:00                                               Advance
//	-- output --
//	DESTINATION_SQL_STREAM 20:18:30.000 | 2018-08-01 20:17:20.797 | AMZN | 6
//	-- expect --
//	rows the output must have, in order, worked out apart from the code
//
// A harness may read more env lines of its own (Parse's extra). Values
// are written as CAST from their text would read them; NULL is NULL, and a
// source row that omits its system columns gets them from SystemValues
// (arrival time = ROWTIME, partition key "pk", sequence number the input
// line, shard "shardId-000000000000").
//
// The package knows nothing of package exec (whose own tests, in package
// exec, could not import a package that imports it): each harness builds
// its exec.Env from a Script and runs the program itself. It is only for
// tests.
package exectest
