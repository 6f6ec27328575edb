// Package splunk is the client side of Firehose's Splunk destination: it
// sends a batch of (already processed) records to a Splunk HTTP Event
// Collector (HEC), waits for the indexer acknowledgement, retries as AWS
// documents and returns what happened, with the error code and message
// AWS's CloudWatch Logs would carry. It logs nothing and keeps no state:
// the caller (package firehose) buffers, logs, backs up to S3 and keeps its
// delivery position.
//
// # Sources
//
//   - basic-deliver.md (Firehose developer guide): "Data Delivery Format"
//     (Firehose concatenates the bytes you send), "Data Delivery Frequency"
//     (Splunk's buffer), "Data Delivery Failure Handling" (the
//     acknowledgement timeout restarts with every attempt, the retry
//     duration, waiting for an acknowledgement past the retry duration, the
//     error record of the S3 backup).
//   - monitoring-with-cloudwatch-logs.md, "Splunk Data Delivery Errors":
//     the Splunk.* codes and messages (errors.go).
//   - create-destination.md and troubleshooting.md ("Data Not Delivered to
//     Splunk"): Raw versus Event endpoints, indexer acknowledgement must be
//     enabled on the token, load balancers need duration-based sticky
//     sessions (so acknowledgement queries carry the data response's
//     cookies).
//   - API reference: SplunkDestinationConfiguration
//     (HECAcknowledgmentTimeoutInSeconds 180–600), SplunkRetryOptions
//     (0–7200 s; "starts after the initial attempt … fails. It doesn't
//     include the periods during which Firehose waits for acknowledgment").
//   - Splunk's "Format events for HTTP Event Collector", "About HTTP Event
//     Collector Indexer Acknowledgment" and its table of HEC status codes
//     (0 Success … 14 ACK is disabled, 16 query string authorization):
//     the requests and responses below and the HEC-code mapping.
//
// # Requests
//
//	POST <base>/services/collector/event      (Event)   or   /services/collector/raw   (Raw)
//	Authorization: Splunk <HECToken>
//	X-Splunk-Request-Channel: <UUID, one per Send>
//
//	<the records, concatenated>
//
//	200 {"text":"Success","code":0,"ackId":7}
//
//	POST <base>/services/collector/ack?channel=<UUID>   (same headers, plus the data response's cookies)
//
//	{"acks":[7]}   ──►   200 {"acks":{"7":true}}
//
// HEC's error answers ({"text":"Invalid token","code":4} with 403, …) map
// to AWS's codes: 1 DisabledToken; 2, 3, 4, 16 InvalidToken; 5, 6, 12, 13,
// 15 InvalidDataFormat; 7 InvalidIndex; 8, 9 ServerError; 10, 11 (an
// unknown channel: the query reached another node)
// ProxyWithoutStickySessions; 14 DisabledAck. A success without an ackId
// is DisabledAck too: Firehose requires indexer acknowledgement. Connection
// failures map to ConnectionTimeout, InvalidEndpoint (DNS, refused),
// SSLUnverified (host name), SSLHandshake (other certificate and TLS
// errors) or ConnectionClosed.
//
// # Decisions
//
//   - Every failure is retried while the retry duration lasts, the data
//     errors included ("Any data delivery error triggers the retry logic if
//     your retry duration is greater than 0"); the last failure's code is
//     the result's (AWS's example error record carries Splunk.AckTimeout,
//     not Splunk.MaxRetriesFailed).
//   - Records of an Event destination are not checked: Splunk refuses what
//     is not an event object, as it does for Firehose.
//   - The backoff between attempts (1 s doubling to 1 min) and the pause
//     between acknowledgement queries (1 s) are Sluice's: AWS documents
//     neither. An empty batch sends nothing and counts as delivered.
//
// Everything here is hand-written: HEC is a small HTTP protocol and no
// Splunk client library would reproduce Firehose's retry and
// acknowledgement rules. No real Splunk is installable on the machines
// Sluice is built on (it is in neither Debian nor npm), so the tests run
// against splunktest, a small HEC that implements the documented request
// and response formats and indexer acknowledgement.
package splunk
