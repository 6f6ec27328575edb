// Package firehoseapi serves the Data Firehose API (Firehose_20150804, AWS
// JSON 1.1) on top of package firehose: the input shapes with AWS's
// constraints, the mapping of requests into the domain's model, the
// answers' JSON, and the mapping of domain errors to AWS error codes.
//
// # Shapes
//
// The shapes are written by hand with package shape, member by member in
// the model's order (the order AWS reports violations in). The Go SDK
// (aws-sdk-go-v2 service/firehose v1.52.12) gives the members and which
// are required but none of the lengths, ranges and patterns, so those are
// botocore's (data/firehose/2015-08-04/service-2.json, whose members match
// the SDK's); TestShapesMatchBotocore compares every shape here with it.
// The model's patterns are Java regular expressions: patterns.go matches
// them with Java's meaning of '.', \s and \S, and gives RE2 equivalents
// for the two that use lookarounds (NonEmptyString's `^(?!\s*$).+` and
// ClusterJDBCURL's host labels). One member is not modelled yet:
// CreateDeliveryStream's DirectPutSourceConfiguration (ThroughputHintInMBs,
// described as Source.DirectPutSourceDescription), which the model has no
// field for; like any unknown member it is dropped by the decoder.
//
// # Destinations
//
// Every destination of the model has its Create form, its Update form and
// its Description (dest_<kind>.go, s3_conversion.go for record format
// conversion and dynamic partitioning). Requests are mapped into
// firehose.CreateParams (S3 for the S3 kinds, Dest with Kind for the
// others) and into the UpdateDestination callback; whether a kind or a
// feature is delivered is the domain's to say. Integers AWS has a default
// for are handed over as -1 (intervals, retry durations) or 0 (sizes)
// when not given, for the domain to fill in.
//
// Decisions, with the AWS text they follow:
//
//   - UpdateDestination (API reference): "If the destination type is the
//     same, Firehose merges the configuration parameters specified"; a
//     structure member given (EncryptionConfiguration, CopyCommand,
//     ProcessingConfiguration, a list) replaces the old one, except
//     BufferingHints, whose two members merge one by one. "If the
//     destination type is not the same ... all parameters must be
//     specified": an Update that changes the type must give every member
//     the Create form requires, or InvalidArgumentException names the
//     missing ones (AWS does not document its wording; this is Sluice's).
//   - DataFormatConversionConfiguration.Enabled "Defaults to true. Set it
//     to false if you want to disable format conversion while preserving
//     the configuration details": left out it is true, in an update too,
//     and SchemaConfiguration, InputFormatConfiguration and
//     OutputFormatConfiguration each replace the one before when given.
//     A Deserializer or Serializer naming both of its choices is refused
//     ("If both are non-null, the server rejects the request").
//   - Credentials are never described: no AccessKey in
//     HttpEndpointDestinationDescription, no Password in Redshift's, no
//     PrivateKey or KeyPassphrase in Snowflake's (the model has none of
//     them there), and no HECToken in Splunk's although the model has one.
//   - Nothing is accepted and ignored. SecretsManagerConfiguration with
//     Enabled true, VpcConfiguration and SnowflakeVpcConfiguration are
//     refused with InvalidArgumentException (Sluice has no Secrets Manager
//     and no VPCs), as are Iceberg's SchemaEvolutionConfiguration and
//     TableCreationConfiguration when enabled and a PartitionSpec, which
//     the model does not keep. The MSK and database sources are checked
//     against their shapes and refused by the domain.
package firehoseapi
