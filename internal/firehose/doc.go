// Package firehose is the Data Firehose domain: delivery streams that take
// records (DirectPut, or read from a Sluice data stream), keep them durably,
// process them and deliver them to their destination.
//
// # Log and delivery position
//
// Records accepted by PutRecord and PutRecordBatch are appended to the
// delivery stream's own log (package storage, shard 0) and acknowledged only
// once durable, like Data Streams records. A Kinesis source's records are
// appended there as they are read, with KPL aggregation undone first
// (package kpl; a record whose digest or protobuf is bad is kept whole, as
// the KCL keeps it). With server-side encryption on (sse.go,
// encryption.go), records are sealed before they reach the log, and the
// log's readers open them. A deliverer per delivery stream reads the log
// from its delivery position, buffers records until the buffering hints
// say (SizeInMBs or IntervalInSeconds, whichever comes first; Redshift
// uses its S3 configuration's), delivers them, and only then moves the
// durable position past them. A crash in between delivers those records again:
// at-least-once, as AWS documents. Records stay in the log for 24 hours.
//
// # Processing
//
// A ProcessingConfiguration (every destination has one) runs when a buffer
// is delivered (with dynamic partitioning, as records are read), in AWS's
// fixed order whatever the list's order (package process):
//
//	Decompression → CloudWatchLogProcessing → RecordDeAggregation
//	  → Lambda (transform.go, over --lambda-endpoint)
//	  → MetadataExtraction (jq 1.6 via gojq) → AppendDelimiterToRecord
//
// # Dynamic partitioning (partition.go)
//
// With DynamicPartitioningConfiguration (Extended S3 only, chosen at
// creation) records are processed as they are read, because the
// MetadataExtraction query or the Lambda function's metadata.partitionKeys
// say which partition a record belongs to (!{partitionKeyFromQuery:k},
// !{partitionKeyFromLambda:k} in the prefix). Each active partition has its
// own in-memory buffer, delivered by the hints and then dropped; at most
// MaxActivePartitions (500) are active, and records of further partitions
// go to the error output (activePartitionExceeded). SizeInMBs is 64–128
// (128 by default), zero buffering is refused and an ErrorOutputPrefix is
// required. The durable position is the oldest record still in any
// partition, so a restart delivers again what other partitions delivered
// since. A partition's object is retried for the partitioning RetryOptions
// and then goes to the error output (s3-failed, Sluice's name).
//
// # Record format conversion (conversion.go)
//
// DataFormatConversionConfiguration (Extended S3 only) turns JSON records
// into one Parquet file per object (package convert), with the columns of
// a Glue table read from Config.Tables (--glue-tables); without it, or with
// OrcSerDe, conversion is refused. It needs CompressionFormat UNCOMPRESSED
// and SizeInMBs 64–128.
//
// # Destinations (send.go, dest.go)
//
//	S3, Extended S3       one object per buffer (converted, or concatenated and compressed)
//	HttpEndpoint          package httpendpoint
//	OpenSearch Service,   package opensearch (_bulk); ClusterEndpoint is required:
//	Elasticsearch,        there are no domains to resolve DomainARN; Serverless uses
//	OpenSearch Serverless CollectionEndpoint
//	Splunk                package splunk (HEC with indexer acknowledgement)
//	Redshift              package redshift: the buffer is staged as an object under
//	                      the S3 configuration's prefix, then loaded into PostgreSQL
//	                      with COPY's semantics; an object that cannot be loaded for
//	                      the retry duration is named in a manifest under errors/manifests/
//	Snowflake, Iceberg    staged files (the processed records, compressed) under the
//	                      S3 configuration's prefix; nothing is loaded and no Iceberg
//	                      metadata is written
//
// The HTTP endpoint, OpenSearch and Splunk clients use Config.HTTPClient,
// or their own with the system's roots. Objects go to an ObjectStore (a
// local directory or an S3-compatible endpoint, package objectstore); a
// failing write is retried with backoff for Config.RetryFor (24 hours), then
// its records are dropped and counted.
//
// Object keys are the evaluated Prefix (`!{timestamp:...}` in Java's
// DateTimeFormatter pattern language, `!{firehose:random-string}`, the
// partition keys, and `YYYY/MM/dd/HH/` when the prefix has no timestamp)
// followed by DeliveryStreamName-Version-yyyy-MM-dd-HH-mm-ss-<uuid><extension>,
// in UTC or in CustomTimeZone, at the oldest record's arrival.
//
// # Error output and backups
//
// Records that fail are written as AWS's JSON error records, one per line,
// under the S3 (or S3 configuration's) ErrorOutputPrefix, default
// "<error-output-type>/" and the hour's folders; the type is
// !{firehose:error-output-type}:
//
//	processing-failed              Lambda, missing partition keys
//	decompression-failed           Decompression, CloudWatchLogProcessing
//	metadata-extraction-failed     MetadataExtraction
//	format-conversion-failed       record format conversion
//	activePartitionExceeded        the 501st active partition
//	s3-failed                      a partition's object after its retry duration
//	http-endpoint-failed           HTTP endpoint requests that failed
//	AmazonOpenSearchService-failed OpenSearch and Serverless documents (their own record shape)
//	elasticsearch-failed           Elasticsearch documents
//	splunk-failed                  Splunk events (their own record shape)
//
// Destinations retry for their RetryOptions before failing records; the
// delivery packages say how.
//
// Backups: S3BackupMode Enabled on Extended S3 and Redshift writes the
// source records (as read, before processing) under S3BackupConfiguration;
// AllData (AllDocuments, AllEvents) on the HTTP endpoint, OpenSearch and
// Splunk destinations writes every processed record under the S3
// configuration's prefix, besides the failed ones.
//
// # Placement (placement.go)
//
// In a cluster whose delivery streams are spread over nodes, a node runs
// deliveries only for the delivery streams it owns (Config.Owns,
// LoadDeliveryStream); the others it follows from their metadata (Follow,
// FollowAll) to describe and list them, and refuses everything else with
// storage.ErrMoved. DropDeliveryStream hands one over with the records
// still in its log; the next owner delivers them from the saved delivery
// position.
//
// # Error log
//
// Delivery errors go to Config.Errors (package deliverylog) with AWS's
// error codes, naming the log group and stream when
// CloudWatchLoggingOptions are enabled: every failed object write, every
// failed HTTP endpoint request, Splunk batch and Redshift load, a batch's
// first failed OpenSearch document, and a batch's first record of the
// processing-failed, format-conversion-failed and activePartitionExceeded
// outputs.
package firehose
