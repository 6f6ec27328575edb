// Package opensearch is the client side of Firehose's Amazon OpenSearch
// Service, Elasticsearch and OpenSearch Serverless destinations: it indexes
// a batch of (already processed) records with the _bulk API as AWS
// describes it, retries per AWS's rules, and returns per document what
// happened, with what AWS writes for documents it could not index. It logs
// nothing and keeps no state: the caller (package firehose) buffers,
// logs, writes the S3 backup and keeps its delivery position.
//
// # Sources
//
//   - basic-deliver.md (Firehose developer guide): "Data Delivery Format"
//     (a bulk request with an explicit index per record; records must be
//     UTF-8, single-line JSON objects), "Data Delivery Failure Handling"
//     (RetryDuration 0–7200 s, the AmazonOpenSearchService_failed/ folder
//     and its JSON document, for Serverless with os* names), "Index
//     Rotation for the OpenSearch Service Destination" (the suffixes and
//     the US week rule).
//   - create-destination.md: TypeName ("For Elasticsearch 7.x, leave this
//     field empty"), the Serverless destination (collection endpoint and
//     index only).
//   - API reference: AmazonopensearchserviceDestinationConfiguration,
//     AmazonOpenSearchServerlessDestinationConfiguration, DocumentIdOptions
//     (FIREHOSE_DEFAULT: a Firehose-generated ID stable across attempts;
//     NO_DOCUMENT_ID: the cluster generates IDs), RetryOptions (default
//     300 s), IndexRotationPeriod (default OneDay).
//   - OpenSearch's _bulk API reference for the request and response
//     formats (items answer the actions in order, each with a status and,
//     on failure, an error object).
//   - monitoring-with-cloudwatch-logs.md ("Amazon OpenSearch Service Data
//     Delivery Errors"): Firehose logs the errors "as they are returned by
//     OpenSearch Service". The OS.* codes used here for failures without an
//     answer from the cluster (OS.ConnectionFailed, OS.RequestTimeout,
//     OS.ClusterError, OS.MalformedData) are those of the current guide's
//     error table, whose text was not available to check here: verify the
//     messages against it.
//
// # Request
//
//	POST <Endpoint>/_bulk
//	Content-Type: application/x-ndjson
//	Authorization: Basic …           (only with Config.Username)
//
//	{"index":{"_index":"<IndexFor(arrival)>","_type":"<TypeName>","_id":"<Doc.ID>"}}
//	<record, trailing whitespace removed>
//	… one pair per document …
//
// _type only when TypeName is set, _id only with FIREHOSE_DEFAULT and a
// Doc.ID; neither ever for Serverless. AWS signs requests with the
// delivery stream's IAM role (SigV4); Sluice sends no signature and offers
// basic authentication for self-hosted clusters instead.
//
// # Decisions
//
//   - OneWeek follows the rule AWS states in the note under its rotation
//     table (Sunday-start weeks, week 1 holds January 1st), not the table's
//     example row, which contradicts it (see IndexFor).
//   - A request that fails as a whole is retried whatever its status (AWS:
//     an incorrect configuration, maintenance or the network are all
//     retried for the retry duration); within a response, only documents
//     with 429 or 5xx are retried, other document failures (mapping errors)
//     go to the backup at once. The retry duration counts from the first
//     failure; the create-destination page says "retries every 5 minutes",
//     which Sluice replaces with exponential backoff from 1 s to 1 min so
//     that short retry durations still retry.
//   - A record that is empty or has a newline inside would corrupt the
//     request's framing, so it is not sent and fails with OS.MalformedData.
//
// Everything here is hand-written: no Go OpenSearch client is a dependency
// of Sluice, and the official one would add retries, node sniffing and
// response types of its own where this package must reproduce Firehose's.
// No real OpenSearch or Elasticsearch is installable on the machines Sluice
// is built on (neither is packaged in Debian or npm), so the tests run
// against opensearchtest, a small cluster that implements the documented
// _bulk request and response formats.
package opensearch
