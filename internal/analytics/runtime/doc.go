// Package runtime runs started Kinesis Data Analytics SQL applications: it
// is the analytics.Runner the control plane starts and stops them with. An
// application reads its streaming input (a Sluice data stream or a
// Firehose delivery stream), turns records into rows of its in-application
// input streams (package record), runs its code (package exec) and sends
// the rows of up to three in-application streams to their destinations
// (data streams, delivery streams, Lambda functions), checkpointing as it
// goes so that a restart, clean or after kill -9, loses no row.
//
// # Goroutines
//
// Each running application has
//
//	reader   reads the source's shards, merges their records by arrival,
//	         preprocesses them (Lambda) and hands them on in batches
//	loop     owns the exec.Program: records → rows → Push, heartbeats →
//	         Advance, rows of the outputs' streams → formatted records in
//	         the outputs' queues; commits checkpoints
//	output   one per output: delivers its queue in order, in batches,
//	         retrying with backoff
//
// The reader meets the loop through a small channel of batches, the loop
// the outputs through their queues. An output whose queue is full (a
// destination that keeps failing) holds the loop back from taking input:
// the application falls behind (MillisBehindLatest, refreshed as each
// batch is taken in, shows it once input flows again) but stays
// RUNNING and loses nothing, as on AWS, where a failing destination is
// retried indefinitely and creates back pressure.
//
// # Input
//
// A data stream is read as Sluice's own services read it
// (streams.ReadShard: by shard and counter, without shard iterators or the
// API's per-shard call rates) and waited on with streams.WatchStream, so a
// record reaches the application as soon as it is durable, not at the next
// poll. A delivery stream's own log (firehose.Log) is read the same way.
// Shards are read in lineage order: a shard born of a split or merge only
// once its parents are read to their end.
//
// InputParallelism N spreads the source over the in-application streams
// <prefix>_001 … _N: shard k of a data stream feeds stream (k mod N)+1,
// which divides the shards evenly as AWS says it does and keeps each
// shard's stream fixed across resharding and restarts; a delivery stream
// has one log, whose records are dealt out in turn.
//
// The starting positions are AWS's: NOW reads each open shard from its tip
// (records that arrive from now on), TRIM_HORIZON every shard from its
// oldest record, LAST_STOPPED_POINT from the checkpoint (a shard born since
// from its start; an input that never ran, or whose source changed, from
// NOW).
//
// With an InputProcessingConfiguration the records go through the Lambda
// preprocessing contract (preprocess.go) before they are parsed: Ok
// replaces a record's data, Dropped drops it, ProcessingFailed makes it an
// error_stream row (ERROR_NAME PREPROCESSING_FAILED).
//
// Each record's data becomes zero or more rows (a JSON record can hold
// several documents, a CSV record several lines); the rows carry the
// input schema's columns, then APPROXIMATE_ARRIVAL_TIME and, from a data
// stream, PARTITION_KEY, SEQUENCE_NUMBER and SHARD_ID. A record or row that
// does not parse is an error_stream row and never stops the application.
//
// # Time
//
// A row's ROWTIME is its record's arrival time (ApproximateArrivalTimestamp,
// ms), made non-decreasing. AWS stamped ROWTIME with its own clock as it
// inserted the row, which is the arrival time plus however far the
// application was behind: the same as Sluice's for a caught-up
// application, later for one catching up. Sluice takes the arrival time so
// that a replay after a restart gives every record the ROWTIME it had the
// first time, and so the same windows and the same rows. It differs from
// AWS's for a backlog (TRIM_HORIZON, or an application that fell behind):
// AWS put a whole backlog into the windows of the minutes it was read in,
// Sluice into the windows of the minutes it arrived in, which is what the
// guide's two-window advice works around.
//
// The merge is what makes ROWTIME reproducible. A log stamps arrival times
// that never go back across all its shards, and each append's records with
// a time no earlier than when the append began. The data stream and
// delivery stream services know the appends in flight, so they can name a
// horizon: a time every record that arrived at or before it is readable
// (streams.WatchStream, firehose.Horizon). The reader reads the shards
// after taking the horizon and hands their records on in (arrival, shard,
// counter) order up to it: no record read later can come before one handed
// on, so a replay merges the same records in the same order and gives them
// the same ROWTIMEs. Records past the horizon wait for the append in
// flight to end (its records wake the reader) or for the clock to pass
// their millisecond. The one assumption is a clock that does not step
// back: after a step back, an append that began after a horizon was taken
// can be stamped before it; its records then get the application's time
// as their ROWTIME (ROWTIME never goes back), which a replay need not
// repeat.
//
// When the input is caught up, the reader advances the application's
// clock to the horizon every Heartbeat (200 ms), as AWS's clock advanced
// ROWTIME without new rows: a quiet stream's tumbling windows close within
// a Heartbeat of their end.
//
// # Outputs
//
// Rows are formatted as the output's DestinationSchema says (JSON or CSV,
// package record) and delivered at least once, in order:
//
//	data stream      PutRecords, 500 records or 5 MiB a call; the partition
//	                 key is 32 hex digits of a hash of the application,
//	                 output, ROWTIME and the row's rank at that ROWTIME (AWS
//	                 does not document its keys: these spread the rows over
//	                 the shards as random keys would, and a row sent again
//	                 lands in the same shard)
//	delivery stream  PutRecordBatch, 500 records or 4 MiB a call
//	Lambda           AWS's output contract (output_lambda.go), at most one
//	                 invocation a second (LambdaInterval), as AWS invoked
//	                 about once a second
//
// A failed call is retried (records refused one by one, or the whole
// call) with backoff from 100 ms to 5 s until it succeeds; failures are
// logged when they start and counted (sluice_analytics_*).
//
// # Recovery
//
// Every CommitInterval (1 s), and when the application stops, one
// metadata transaction checkpoints (checkpoint.go):
//
//   - per output, its mark: how far its rows were delivered, as a ROWTIME
//     T, the number N of rows delivered at T and the sum of their hashes.
//     T is the ROWTIME of the first row not delivered yet, or the
//     application's clock when every row made was delivered (a program
//     emits in time order, so the rows still to come are at T or later),
//     and N counts the rows delivered at T;
//   - per input shard, the position to replay from: the first record whose
//     ROWTIME is at or after the replay point r.
//
// r is the earliest ROWTIME whose records a restart must read again: the
// program's low watermark (the oldest input ROWTIME that can still affect
// future output: open windows), lowered to the replay point of every row
// made and not yet delivered (the low watermark when the call that made it
// began), and to the replay point of each output's rows at T, so that a
// replay makes those again whole. Each shard keeps a small sorted index of
// ROWTIME → position (index.go) to find its position for r.
//
// A start from LAST_STOPPED_POINT (and every restart of the server, which
// resumes RUNNING applications so) reads the input again from those
// positions, with the run's start time (CURRENT_TIMESTAMP) as it was, and
// each output drops the rows its mark says were delivered: rows before T,
// and the first N at T if their hashes sum as before (resume.go). Until
// the replay reaches the checkpoint it computes over windows it has only
// partly rebuilt, and can make rows the application never made (a row a
// COUNT filter kept out, say: exec's doc, Recovery); those are before T and
// dropped too, which is why the marks move up as far as the rows
// delivered allow. So:
//
//   - No row derived from acknowledged input is lost: a row is either
//     delivered before the checkpoint that covers it, or made again by the
//     replay (its input's records are at or after the positions). This
//     holds as long as the source keeps the records (retention).
//   - After a clean stop (StopApplication, UpdateApplication, a server
//     shutdown), nothing is repeated: the outputs deliver what they hold
//     before the last checkpoint (for up to DrainTimeout; what is left then
//     is not repeated either, as the mark stops before it).
//   - After a crash (kill -9), the rows delivered after the last
//     checkpoint are delivered again: at most the rows each output
//     delivered in the CommitInterval before the crash, plus the batch it
//     was delivering (500 records at most).
//
// With the same configuration, rows made again are the rows made the
// first time (only a clock that stepped back, see Time, can change them);
// should the rows at T not match, they are sent again (repeated, not
// lost). After an update (UpdateApplication restarts a running
// application from its last stopped point with the new configuration),
// the rows made again from the same records may differ: the first N at T
// are dropped whatever they hold, so an update repeats nothing, and the
// reference data is read again.
//
// # Live view
//
// Runtime.Live returns the last LiveRows (100) rows of every
// in-application stream of a running application, error_stream included,
// with their column names and values as text, for the console.
package runtime
