// Package exec plans and runs the continuous queries of a Kinesis Data
// Analytics SQL application: its in-application streams, the pumps between
// them, and the windows, joins and functions of their queries.
//
// # Entry points
//
//	Compile(app, env) (*Program, error)   plan the parsed code (package sql) against its configuration
//	p.Push(stream, rows)                  feed a source stream
//	p.Advance(now)                        the sources' clock reached now without a row (a heartbeat)
//	p.ReportError(e)                      an input error of the runtime's, for error_stream
//	p.Subscribe(stream, fn)               the rows of an in-application stream, as they are made
//	p.LowWatermark()                      where a replay after a crash must start (Recovery below)
//
// Env gives the source streams (their columns and value.Types, and the
// system columns their kind of input has), the reference tables with their
// rows, the streams the outputs read, the table functions and the
// application's start. Every problem Compile finds is an *sql.Error with a
// line and column: first what package sql's Validate finds, then what only
// the planner knows (types, functions and their arguments, windows and
// joins it cannot run, a pump that would feed itself).
//
// # Execution model
//
// A Program is a graph of stages between streams. Each in-application
// stream (a source, one the code creates, or error_stream) passes each row
// to the stages that read it, in the order the pumps were created; a pump
// is a pipeline of stages (FROM, WHERE, a grouping or windows, the select
// list, DISTINCT, ORDER BY) ending in an insert into its target stream.
// Rows are pushed through synchronously: the Program starts no goroutine,
// reads no clock and is driven from one goroutine. Given the same Push and
// Advance calls it emits the same rows in the same order.
//
// Expressions are compiled once into closures over the slots of a row,
// typed at plan time (arithmetic and comparisons by package value, scalar
// functions by package funcs); numbers, booleans and datetimes flow as
// value.Values without allocating, and every stage reuses its buffers.
//
// # Time
//
// The Program has one clock, in milliseconds: every row still to come has
// a ROWTIME at or after it. A pushed row moves it to the row's Time, an
// Advance to its time. Rows of a source must come in Time order; one that
// goes back within its stream goes to error_stream. Sources share the
// clock: a row behind it (another source, or an Advance, went further)
// enters at the clock, since ROWTIME is the time a row enters the
// application.
//
// Stages that emit when time passes (a window closing, an ORDER BY batch
// completing, an outer join's row giving up) have deadlines; before a row
// at time t is processed, and on Advance(t), every deadline up to t fires,
// earliest first. So rows leave every stage in ROWTIME order, every
// in-application stream's ROWTIME only rises, and several pumps into one
// stream, or the two sides of a UNION ALL, merge in ROWTIME order by being
// forwarded. A deadline at t fires when the clock reaches t: a window
// [s, e) closes on Advance(e) or on the first row at e or later (that row
// belongs to the next window).
//
// Subscribers get each stream's new rows in one batch per call that made
// any, streams in creation order, error_stream last; the rows are valid
// only during the call, and a subscriber must not call the Program.
//
// # Semantics where the reference is silent
//
// These are the package's decisions, with the guide's examples as the
// golden tests (testdata/apps) that pin them.
//
// Tumbling windows. A streaming GROUP BY closes its groups by its
// monotonic key: STEP(ROWTIME BY w) and FLOOR(ROWTIME TO unit) at the
// window's end (calendar months and years for those units), CEIL(ROWTIME
// TO unit) and ROWTIME itself once time is past the value. A group's row
// has the window's end as its ROWTIME: the guide's stagger page shows
// this with its input (11:00:20 and 11:00:30 give a row at 11:01:00); its
// timestamps page shows a row at a window's start, without its input, and
// is not followed. The groups of one window come out in the order of
// their first rows. STEP or FLOOR of an event time is an ordinary key
// beside the ROWTIME one. A key the planner cannot see through
// (MONOTONIC(x), another expression of ROWTIME) closes every open group
// when a row with another value arrives, at that row's time; Advance does
// not close those.
//
// Aggregates. NULLs are ignored and an empty set gives NULL (COUNT gives
// 0). COUNT is a BIGINT. SUM and AVG have their argument's type, as in
// SQLstream: AVG of an INTEGER is an INTEGER, its fraction cut toward zero;
// a DECIMAL sum keeps its scale with 18 digits; an integer sum out of its
// type's range is a numeric overflow (error_stream). MIN and MAX have their
// argument's type. VAR_POP, VAR_SAMP, STDDEV_POP and STDDEV_SAMP (also
// VARIANCE, STDDEV) are DOUBLEs (REALs for a REAL). Float sums and
// variances come from exact sums (Shewchuk's partials; each square split
// exactly by a fused multiply-add), rounded once: a sliding window's result
// depends only on the rows in it, not on those it held before.
// FIRST_VALUE and LAST_VALUE take the first and last row in arrival order,
// IGNORE NULLS skipping NULLs. DISTINCT counts each value once.
//
// Stagger windows. A window per partition key opens with the key's first
// row and closes RANGE later; a row of the key at exactly that time opens
// the next. The window's row has the close time as its ROWTIME (the guide:
// a window opened at 11:00:20 with a one-minute range emits at 11:01:20).
//
// Sliding windows. One output row per input row, with the row's ROWTIME.
// RANGE INTERVAL n PRECEDING holds the rows of the partition whose ROWTIME
// is after t-n and at most t: a row exactly n old has left, as the guide's
// walk-through counts (at t6 of a 5-second window, the row of t1 is out);
// RANGE 0 or CURRENT ROW holds the rows at t. ROWS n PRECEDING holds the
// row and the n before it, as in the standard. Rows at the same ROWTIME
// see those that arrived before them, not those after. A window without a
// frame is cumulative from the partition's first row. LAG(x, k, d) is the
// k-th row before the current one within the frame (d, or NULL, when
// there is none), IGNORE NULLS counting only non-NULL values; NTH_VALUE,
// FIRST_VALUE and LAST_VALUE count from the frame's oldest or newest row.
// EXP_AVG(x, h) weighs each value by half for each whole h of age, as the
// reference's example cuts the window into spans of h. LEAD is refused: it
// needs rows not yet arrived.
//
// Joins. A stream joined with a reference table looks the table up by a
// hash of the ON clause's equalities between the two (values compared as
// '=' compares them) and checks the rest of the condition on each
// candidate; LEFT JOIN keeps the stream's unmatched rows with NULLs; a
// join that would keep the table's unmatched rows (FULL, or the table on
// the kept side) is refused, as those are never final over a stream. Two
// streams join within their windows with SQLstream's semantics: a stream's
// window is its OVER (RANGE or ROWS), or its current row without one; a
// row arriving on one side meets the rows in the other side's window at
// that time, so a pair meets once, when the later of its rows arrives, and
// the joined row has that row's ROWTIME. An outer join emits a kept row
// that met nothing once it has left its window, with the window's end as
// its ROWTIME. A join's ROWTIME is the later of its rows'; s.ROWTIME is
// relation s's own.
//
// ORDER BY. The first key must be monotonic; the rows of one value of it
// are held and released, sorted by all the keys, once the value is
// complete (when its window ends for FLOOR, CEIL, STEP or ROWTIME, once
// time has passed their ROWTIME for the rows of a GROUP BY, otherwise when
// a row with another value comes). Released rows take the release time as
// their ROWTIME, so that the stream's time still only rises. NULLs sort
// first ascending and last descending unless NULLS FIRST or LAST says.
//
// SELECT STREAM DISTINCT emits a row the first time its values are seen
// within one value of its first monotonic item, at once, with its own
// ROWTIME; the values seen are forgotten when that item moves on.
//
// ROWTIME. An item aliased AS ROWTIME, or inserted into the ROWTIME
// column, sets the row's time; a time before the previous row's or after
// the clock goes to error_stream. An item named ROWTIME without an alias
// is a data column like any other (package sql's rule).
//
// Inserts. A pump's columns go to its target's columns by the assignment
// rules: numbers to numbers, strings to strings, datetimes to datetimes,
// and so on; anything else is refused at Compile ("Cannot assign to target
// field ..."). Values are converted as CAST converts them (a longer string
// is cut to the column's length, a number rounded to the column's scale);
// an overflow, or a NULL in a NOT NULL column, sends the row to
// error_stream.
//
// Clock functions. CURRENT_ROW_TIMESTAMP is the time of the row being
// computed: a pushed row's ROWTIME, a window's end while its row is made.
// CURRENT_TIMESTAMP, CURRENT_DATE, CURRENT_TIME, LOCALTIME and
// LOCALTIMESTAMP are Env.Start (the application's start, as SQL and KDA
// define them), or the first row's time when it is zero.
//
// Logic. AND and OR are SQL's three-valued ones, and do not compute their
// right side when the left decides, so x <> 0 AND y / x > 1 does not fail.
//
// # error_stream
//
// Rows that cannot be processed go to error_stream, and the application
// goes on. Its columns are the guide's: ERROR_TIME (when it happened, also
// the row's ROWTIME), ERROR_LEVEL (ERROR), ERROR_NAME (the SQL condition
// in upper case: DIVISION_BY_ZERO, NUMERIC_VALUE_OUT_OF_RANGE,
// INVALID_CHARACTER_VALUE_FOR_CAST, ..., or the executor's own
// OUT_OF_ORDER_ROW, NULL_VALUE_NOT_ALLOWED, SCHEMA_MISMATCH,
// COERCION_ERROR, TABLE_FUNCTION_ERROR), MESSAGE (with the SQLSTATE),
// DATA_ROWTIME (the row's ROWTIME), DATA_ROW (the row that failed as a JSON
// object of its columns, hex-encoded: a stage's input, or the query's row
// for an insert's error) and PUMP_NAME. Input errors the runtime reports
// (ReportError) carry the record's bytes. Pumps may read error_stream; an
// error raised while an error row is being processed is dropped and
// counted (DroppedErrors), so that it cannot feed itself.
//
// # Recovery
//
// LowWatermark is the earliest ROWTIME of source input whose effect on
// future output the program holds: the earliest origin (the source time a
// row was computed from) of the rows its windows, joins and buffers hold,
// or the clock when they hold nothing. The contract with the runtime:
// after a crash, compile the code again with the same Env (Start too),
// push every source row whose Time is at or after the watermark taken at
// the checkpoint, in the order first pushed, with the Advance calls at or
// after it, and discard the output until the program has been fed what the
// original had at the checkpoint (that output was committed); from there
// the program emits exactly what the original would have.
// TestReplayFromLowWatermark checks this at every point of every golden
// application, and FuzzApplications on random applications. Discarding by
// output instead (rows up to the last one delivered, by ROWTIME) is exact
// only when the replay starts no later than the LowWatermark taken before
// the first call after that row: until the replay reaches the checkpoint,
// rows are computed over windows it has only partly rebuilt, and one that
// the original filtered out (WHERE COUNT(*) OVER w <= 1, say) can come out
// later than the last delivered row (TestReplayFilterByOutput).
//
// What the watermark covers, per kind of state:
//
//   - tumbling windows: the open groups' rows (window bounds are fixed by
//     the epoch, so a replay groups the same rows);
//   - sliding RANGE windows: the rows still in a window at the clock;
//   - ROWS windows, LAG and NTH_VALUE: each partition's last rows, however
//     old: a partition quiet for a day holds the watermark a day back;
//   - windows without a frame (cumulative): each partition's first row;
//   - stagger windows: a window opens with a key's first row, so where
//     windows fall depends on the key's history; the watermark is the
//     start of the current span during which some stagger window was
//     always open, which over a stream that never pauses for all keys at
//     once goes back to its start;
//   - stream joins: the rows in the windows and, on an outer join's kept
//     side, the rows they matched (else a replay would emit them unmatched);
//   - ORDER BY and DISTINCT: the batch held, the values seen;
//   - table functions: what their Held says.
//
// What a replay does not reproduce: with Env.ReplayLimit set (the runtime
// cannot replay further than its source keeps), state older than the limit
// starts from the rows the replay sees: a ROWS window or LAG sees fewer
// rows, a cumulative window counts from the cut, a stagger window opens at
// a key's first replayed row. A row that went back in time within its
// stream, rejected once, is taken by a replay that starts after the rows
// it was late against. A row raised to the clock (sources out of step) is
// raised again only if the runtime feeds the sources in the same order. A
// group closed by a change of a generic monotonic key has the time of the
// row that closed it; Advance calls close the others with the same rows
// whatever their timing.
//
// # Memory
//
// What the program holds follows its windows' contents, not its running
// time: tumbling and stagger groups until they close; RANGE windows evict
// rows as time passes, across partitions, and forget empty partitions;
// ROWS windows keep n+1 rows and cumulative windows a few values per
// partition (partitions are kept, so these grow with the number of keys);
// stream joins evict their windows as rows arrive on either side; ORDER BY
// holds one batch and DISTINCT one window's values. TestMemoryBounded
// checks this over keys that come and go.
//
// # Table functions
//
// TABLE(fn(CURSOR(SELECT STREAM ...), arg, ...)) calls a TableFunc that
// Env.TableFuncs provides (TOP_K_ITEMS_TUMBLING, HOTSPOTS,
// RANDOM_CUT_FOREST and the like live in their own package): Bind checks
// the call at Compile and says its output columns; the instance takes the
// cursor's rows, is advanced when its deadline comes, and reports what it
// holds for LowWatermark.
package exec
