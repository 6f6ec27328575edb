// Package process runs Data Firehose's record processors, the Processors
// of a ProcessingConfiguration, except Lambda: the firehose package invokes
// the function, and this package runs the stages before and after it.
//
// # Order
//
// AWS runs the processors in a fixed order, whatever their order in the
// processor list ("Apply dynamic partitioning to aggregated data":
// "Deaggregation → Data Transformation via Lambda → Partitioning Keys";
// the decompression troubleshooting page puts dynamic partitioning and
// format conversion after decompression; the Kinesis source page puts KPL
// de-aggregation before Lambda):
//
//	BeforeLambda:  KPL de-aggregation (Kinesis data stream sources only)
//	               → Decompression → CloudWatchLogProcessing → RecordDeAggregation
//	(the caller):  Lambda
//	AfterLambda:   MetadataExtraction → AppendDelimiterToRecord
//
// Record format conversion and delivery follow, in the caller.
//
// # Processors
//
// Decompression (CompressionFormat GZIP, the only value; GZIP when left
// out) gunzips each record: CloudWatch Logs sends its subscription data
// gzip-compressed. A record that is not a complete gzip stream (one or more
// members, nothing after) fails with the error output type
// decompression-failed, which AWS documents ("Troubleshoot decompression").
// AWS publishes no error code for it: Sluice writes
// Decompression.DecompressionFailed. A record that fails at any later step
// is written to the error output compressed, as it arrived (same page):
// Record.Raw keeps those bytes.
//
// CloudWatchLogProcessing (DataMessageExtraction, which must be true, as
// the AWS CDK also requires; it needs Decompression) is "message
// extraction": the subscription message's metadata (owner, logGroup,
// logStream, ...) is dropped and only the log events' messages are
// delivered. A DATA_MESSAGE stays one record, holding its messages one per
// line: a line feed between messages and none after the last. The AWS page
// shows the messages on consecutive lines; that a message record holds many
// events (so that RecordDeAggregation is needed to split them) is what AWS
// says of CloudWatch Logs records ("combines multiple log events into one
// Firehose record") and what users of the feature report. A CONTROL_MESSAGE
// (CloudWatch Logs checking that the destination is reachable) and a
// DATA_MESSAGE without events are dropped. A record that is not a
// subscription message fails (CloudWatchLogProcessing.InvalidRecord,
// Sluice's code) with the error output type decompression-failed.
//
// RecordDeAggregation splits a record into sub-records, at most 500 per
// record as AWS documents. SubRecordType JSON takes objects one after the
// other ({..}{..}) or one per line ({..}\n{..}); SubRecordType DELIMITED
// (with Delimiter, in base64: IyMjIw== for ####) splits on the delimiter
// and drops empty pieces. A record that cannot be split (a JSON array, a
// scalar, invalid JSON) or that would make more than 500 sub-records passes
// whole, as users report AWS does; a later MetadataExtraction then fails it
// as non-JSON. RecordDeAggregation does not read KPL records: AWS
// documents KPL de-aggregation as a property of the Kinesis data stream
// source, done for every record read from a stream with or without
// processors, so it is the KinesisSource option of Compile. A KPL record
// whose digest or protobuf is bad passes whole, as the KCL passes it
// (package kpl).
//
// MetadataExtraction (MetadataExtractionQuery, JsonParsingEngine JQ-1.6)
// runs the jq query on each record with github.com/itchyny/gojq, compiled
// once by Compile. The record must be one JSON value, else it fails with
// AWS's "Non JSON record provided"; the query must produce exactly one
// JSON object whose values are strings, numbers or booleans, at most 50
// keys (the limit the AWS CDK enforces; checked by Compile when the query
// is an object literal, and on every record). Anything else fails the
// record with AWS's code DynamicPartitioning.MetadataExtractionFailed and
// the error output type metadata-extraction-failed. Values become
// Record.Keys as jq 1.6 prints them raw: strings as they are, numbers in
// jq 1.6's notation (1e-05, 1234567890123456800, 1e+17), booleans as
// true/false. One run of the query is bounded by QueryTimeout.
//
// AppendDelimiterToRecord appends a line feed to each record. AWS
// documents no parameter; AWS's own examples pass Delimiter "\\n", so a
// Delimiter is read as text with backslash escapes (\n, \r, \t, \\, \uXXXX)
// and appended instead.
//
// Lambda specs are validated (LambdaArn, NumberOfRetries,
// BufferSizeInMBs 0.2–3, BufferIntervalInSeconds 60–900, RoleArn) and
// handed back by Lambda().
//
// # Validation
//
// Compile refuses, with the message the API answers in
// InvalidArgumentException: unknown processor types, a type listed twice,
// parameters the type does not take, missing required parameters, values
// outside the API's ProcessorParameter constraints (1 to 5120 characters,
// not blank) and values a processor cannot use, including jq queries that
// do not parse or compile, import modules, or call builtins that jq 1.6
// lacks (gojq's abs, add/1, debug/1, ltrim, pick, rtrim, scan/2, skip,
// toboolean, trim, trimstr: a query using one would not compile on AWS).
//
// # jq 1.6 and gojq
//
// gojq is a jq implementation in Go; AWS runs jq 1.6. The differences that
// reach partition keys are handled here: records are decoded with numbers
// as doubles, as jq 1.6 reads them, and numbers are printed as jq 1.6
// prints them; jq 1.6 builtins that gojq lacks (keys_unsorted,
// leaf_paths, recurse_down, pow10, scalars_or_empty, input_filename) are
// defined in jq; $ENV and env are empty, not the server's environment.
// What remains different: gojq keeps no object key order, so to_entries,
// keys_unsorted and tostring of an object see keys sorted where jq 1.6
// sees them in record order; tostring and tojson of a number use gojq's
// notation; gojq supports string indexing ("abc"[1]) where jq 1.6 errs.
// TestAgainstJQ16 compares results with the jq 1.6 binary when the machine
// has one.
//
// # Hand-written parts
//
// The JSON splitting, the CloudWatch Logs message extraction and the
// number printing are written here because they are Firehose's behaviour,
// not a library's: no package splits concatenated JSON the way Firehose
// does or prints numbers the way jq 1.6 does.
package process
