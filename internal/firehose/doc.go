// Package firehose is the Data Firehose domain: delivery streams that take
// records (DirectPut, or read from a Sluice data stream), keep them durably,
// and deliver them to S3 in objects laid out as AWS lays them out.
//
// Records accepted by PutRecord and PutRecordBatch are appended to the
// delivery stream's own log (package storage, shard 0) and acknowledged only
// once durable, like Data Streams records. A deliverer per delivery stream
// reads that log from its delivery position, buffers records until the
// buffering hints say (SizeInMBs or IntervalInSeconds, whichever comes
// first), writes one object (compressed, under the evaluated prefix) and only
// then moves the durable position past the records the object holds. A crash
// between the object write and the position update delivers those records
// again: at-least-once, as AWS documents.
//
// The object key is the evaluated Prefix (with `!{timestamp:...}` in Java's
// DateTimeFormatter pattern language, `!{firehose:random-string}` and
// `!{firehose:error-output-type}`, and `YYYY/MM/dd/HH/` by default) followed
// by DeliveryStreamName-Version-yyyy-MM-dd-HH-mm-ss-<uuid><extension>, all in
// UTC or in CustomTimeZone. Objects go to an ObjectStore: a local directory
// or an S3-compatible endpoint (package objectstore).
//
// Data transformation (the Lambda and AppendDelimiterToRecord processors)
// runs when an object is built: records the function fails become AWS's
// JSON error records under ErrorOutputPrefix, and source record backup
// writes the untransformed records beside the delivery.
//
// Only the S3 destinations (S3DestinationConfiguration and
// ExtendedS3DestinationConfiguration) are delivered; the others are refused
// with InvalidArgumentException rather than accepted and ignored.
package firehose
