// Package deliverylog keeps Firehose's delivery errors where a user can
// see them: the error logging AWS does to CloudWatch Logs when a delivery
// stream's CloudWatchLoggingOptions are enabled, kept on local disk, and the
// console's list of a delivery stream's recent failures.
//
// A *Log implements firehose.ErrorLog. The deliverer calls Log once per
// delivery error (a failed attempt, a failed Lambda invocation, records
// sent to the error output); Log
//
//   - keeps the last Options.Recent errors (default 100) of each delivery
//     stream ARN in memory, newest first from Recent, whether or not
//     logging is enabled (the console's "Recent delivery failures");
//   - when the error names a log group and a log stream, appends one line
//     to that log stream's file.
//
// # Files
//
// A log stream is a file of JSON lines under the data directory:
//
//	<data-dir>/logs/<account>/<region>/<log group>/<log stream>.jsonl
//	<data-dir>/logs/<account>/<region>/<log group>/<log stream>.jsonl.1   (the previous file)
//
// Log groups belong to an account and a region, as in CloudWatch Logs, so
// two accounts' groups of one name stay apart. Each line is one log event
// in the shape CloudWatch Logs' GetLogEvents returns it (OutputLogEvent),
// its message the DeliveryError as AWS's Firehose error logs spell it:
//
//	{"timestamp":1700000000000,"ingestionTime":1700000000004,
//	 "message":"{\"deliveryStreamARN\":\"arn:aws:firehose:…\",\"destination\":\"…\",
//	   \"deliveryStreamVersionId\":1,\"message\":\"…\",\"errorCode\":\"S3.NoSuchBucket\"}"}
//
// timestamp is when the error happened, ingestionTime when it was written
// (never earlier than the stream's previous event's, so readers can page by
// it: see package logsapi). A message longer than MaxMessageBytes is cut.
//
// Path components are escaped so that no name can leave its directory or
// collide with another: bytes other than A-Z a-z 0-9 _ - and a "." that is
// not first become %XX (so "/aws/kinesisfirehose/x" is
// "%2Faws%2Fkinesisfirehose%2Fx", and ".." is "%2E."). An escaped name
// longer than 200 bytes is cut to 150 and ended with "~" and 16 hex digits
// of its SHA-256 ("~" is otherwise always escaped, so such names are
// unambiguous); its full name is kept beside it (<log stream>.name, or
// .group in the group's directory) for listings. Directories are 0700 and
// files 0600, like the rest of the data directory.
//
// A file is bounded: when a line would take it past Options.MaxFileBytes
// (default 16 MiB) it is renamed to .jsonl.1, replacing the previous one,
// and a new file is started; a log stream holds at most twice that. Lines
// are written with one write(2) each and not fsynced: they survive a
// crash of Sluice, and a crash of the machine may lose the last ones. A
// torn last line is skipped by readers and ended with a newline before
// the next line is appended. This is an error log for people, not data.
//
// Why hand-written: it is a few hundred lines of appending and reading
// JSON lines, and CloudWatch Logs' own store is not something to embed.
// The shapes follow the CloudWatch Logs API reference (OutputLogEvent,
// LogStream, LogGroup) and Firehose's developer guide ("Monitoring Amazon
// Data Firehose Using CloudWatch Logs"), which says which error codes and
// messages the deliverer logs.
package deliverylog
