// Package channels is the Data Streams channels domain (CreateChannel,
// DescribeChannel, ListChannels, UpdateChannel, DeleteChannel; 2026-08):
// a channel delivers an on-demand data stream to a general purpose S3
// bucket, and runs that delivery on the Firehose engine (package
// firehose) rather than a second one.
//
// It follows AWS's Kinesis Data Streams API reference (CreateChannel and
// the types it uses) and the developer guide's "Streaming tables and S3
// delivery" chapter: "How Amazon S3 delivery works", "S3 output key
// template for Amazon S3 delivery", "Data delivery concepts" and
// "Delivery quotas and limits". The channel operations' error messages are
// not published; they are worded after Data Streams' own.
//
// # Lifecycle
//
// A channel is CREATING for the create delay, then ACTIVE (once its
// delivery is); UpdateChannel makes it UPDATING for the update delay;
// DeleteChannel makes it DELETING for the delete delay, then it is gone —
// the same delays streams and delivery streams use. FAILED is a channel
// whose delivery vanished (ChannelStatusReason says which). Channels are
// kept in the metadata store under channels/<account>/<region>/<name>
// (JSON of Channel); a restart resumes pending transitions.
//
// # Delivery
//
// Each source stream of a channel is read and delivered by one Firehose
// delivery stream of type KinesisStreamAsSource that the channel owns
// (Owner "channel/<id>", so ListDeliveryStreams and the delivery stream
// quota leave it out), named channel:<id>:<n> (a ':' no API name can
// hold). The channel's S3 configuration maps onto its Extended S3
// destination (see destination in delivery.go): the bucket, the
// compression, DataFreshnessInSeconds as the buffering interval, a size
// hint of 128 MiB (AWS batches by freshness into "optimally sized
// objects"), the dead-letter queue's prefix as ErrorOutputPrefix, the
// logging configuration as CloudWatchLoggingOptions (delivery errors go to
// the channel's log group and stream), and the output key template as the
// prefix. Records are delivered as they are, concatenated without a
// delimiter, as AWS documents ("no transformation is applied").
//
// The key template (default
// kinesis-channel/!{channel-name}/!{channel-id}/!{yyyy}/!{MM}/!{dd}/!{HH}/!{channel-name}-!{channel-id}-!{yyyy}-!{MM}-!{dd}-!{HH}-!{mm}!{extension})
// is checked against AWS's rules at creation and translated into the
// engine's prefix language: the channel name, ID and stream name become
// literal text, each time variable a !{timestamp:<letters>} expression in
// UTC, and the extension the engine's (".gz" for GZIP, or the literal of
// !{extension:.x}). AWS appends "a unique suffix" of up to 38 characters
// that it does not specify; here the suffix is '-' (unless the template
// ends with '/') followed by the engine's object name,
// <delivery-stream-name>-<version>-<yyyy-MM-dd-HH-mm-ss>-<uuid>, so it is
// longer than AWS's and holds the delivery stream's name. The time is the
// arrival time of the object's first record.
//
// # What is kept and described only
//
// ExpectedBucketOwner (the object stores have no bucket owners),
// StorageClass (they have no storage classes), EncryptionConfiguration
// (encryption at rest is issue 16; the aws/kinesis key is refused as AWS
// refuses it), a DeadLetterQueueS3Configuration bucket other than the
// destination's (nothing fails validation here, see below, so nothing is
// ever written to it) and Tags are stored and described (tags are not
// readable through ListTagsForResource yet).
//
// # What is refused (InvalidArgumentException)
//
// S3TablesDestinationConfiguration: Sluice has no S3 Tables. The JSON and
// STRING record formats: AWS checks every record (a JSON value, UTF-8) and
// sends those that fail to the dead-letter queue with their stream, shard
// and sequence number; the delivery engine cannot check records or name
// them yet, and delivering them unchecked would accept the setting and
// ignore it, so only BYTE_ARRAY (records as they are) is delivered.
// GSR_JSON, which AWS allows only for streaming tables. Provisioned streams (AWS: on-demand only), more
// than one stream per channel and a second S3 channel on a stream
// (LimitExceededException), as AWS's quotas say.
//
// # Hand-written parts
//
// The key template parser and its translation are hand-written: the
// template language is AWS's own (it is not Firehose's prefix language nor
// a Go template), and it is small. The ListChannels NextToken is an
// HMAC-signed, expiring token (token.go).
package channels
