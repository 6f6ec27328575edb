// Package httpendpoint is the client side of Firehose's HTTP endpoint
// destination: it delivers a batch of (already processed) records to a
// configured URL exactly as AWS's "HTTP Endpoint Delivery Request and
// Response Specifications" describe, retries per AWS's contract, and returns
// per request what happened, with the error code and message AWS's
// CloudWatch Logs would carry. It logs nothing itself: the caller (package
// firehose) logs, backs up to S3 and keeps its delivery position.
//
// # Sources
//
//   - httpdeliveryrequestresponse.md (Firehose developer guide, the appendix
//     "HTTP Endpoint Delivery Request and Response Specifications"): the
//     request, the response contract, the backoff.
//   - http_troubleshooting.md and monitoring-with-cloudwatch-logs.md
//     ("HTTPS Endpoint Data Delivery Errors"): the HttpEndpoint.* error codes
//     and messages.
//   - basic-deliver.md ("Data Delivery Failure Handling", HTTP endpoint
//     destination): when the retry duration counter starts and that every
//     attempt has its own response timeout.
//   - API reference: HttpEndpointConfiguration, HttpEndpointRequestConfiguration,
//     HttpEndpointCommonAttribute, HttpEndpointRetryOptions (the bounds
//     Config.Validate checks).
//
// # Request
//
//	POST <Config.URL, unchanged>
//	X-Amz-Firehose-Protocol-Version: 1.0
//	X-Amz-Firehose-Request-Id: <UUID v4, the same in every attempt of one request>
//	X-Amz-Firehose-Source-Arn: <delivery stream ARN>
//	X-Amz-Firehose-Access-Key: <Config.AccessKey, verbatim; absent when empty>
//	X-Amz-Firehose-Common-Attributes: {"commonAttributes":{"name":"value",...}}
//	Content-Type: application/json
//	Content-Encoding: gzip            (only when ContentEncoding is GZIP)
//	Content-Length: <length of the body as sent>
//	User-Agent: Sluice-Firehose/1.0
//
//	{"requestId":"<same id>","timestamp":<epoch ms of this attempt>,
//	 "records":[{"data":"<base64>"},...]}
//
// One call to Deliver sends the records in order as one or more requests of
// at most 10,000 records and at most Config.MaxBodyBytes (by default and at
// most 64 MiB) of uncompressed body each; a record is never split, so a
// single record larger than a smaller limit travels alone.
//
// # Response
//
//	status 200 ──► body checked (below) ──► delivered, or InvalidResponseFromDestination (retried)
//	status 413 ──► DestinationException, permanent: not retried
//	any other  ──► DestinationException (3XX are not followed), retried
//	no reply within Client.Timeout (3 min) ──► RequestTimeout, retried
//	more than 1 MiB with headers  ──► ResponseTooLarge, retried
//
// A 200 is a delivery only if the response is application/json, not
// content-encoded, has a Content-Length when it has a body, and its body is
// a JSON object with a string requestId equal to the request's, an integer
// timestamp, an optional string errorMessage of at most 8192 characters and
// no other field. These are the rules of the response specification and
// the troubleshooting page ("Invalid JSON or Unexpected Fields", "Missing
// RequestId", "RequestId does not match", "Missing Timestamp" — "must be a
// number and not a string" —, "Missing Content-Type Header").
//
// Retries follow the appendix: the n-th retry waits
// min(120 s, 2^n s × random(0.85, 1.15)); basic-deliver.md says the retry
// duration counter starts when an attempt fails, every attempt gets the full
// response timeout even past the retry duration, and a new attempt is made
// while time is left. Sluice shortens the last wait so that the last
// attempt starts at the end of the retry duration at the latest. A
// RetryDuration of 0 makes one attempt.
//
// # Decisions where AWS's documentation is silent or AWS's rules don't fit
//
//   - URLs: AWS accepts only https on port 443; Sluice also accepts http and
//     any port, since endpoints under test are usually local.
//   - The common attributes header is sent always, as {"commonAttributes":{}}
//     when none are configured (its schema has minProperties 0); the access
//     key header only when a key is configured.
//   - The timestamp in the body is taken per attempt (it is "the timestamp at
//     which the Firehose server generated this request"); the request id and
//     the records stay the same.
//   - For a status other than 200 the body is not interpreted: AWS logs "the
//     response code and a truncated response payload"; Sluice truncates it
//     to MessageBodyLimit bytes. The response size limit applies to every
//     status.
//   - 413: the appendix says the batch "is not sent to error bucket if
//     configured"; Result.Permanent reports it and the caller decides.
//   - Transport failures are told apart by phase: no connection (refused,
//     DNS, dial timeout) is ConnectionFailed, a TLS failure
//     SSLHandshakeFailure, a timeout once connected RequestTimeout, a reset
//     or early close ConnectionReset.
//   - HttpEndpoint.ResponseReasonPhraseExceededLimit (a reason phrase longer
//     than 64 characters) is on AWS's current error list but not in the
//     archived guide this package was checked against; its message is
//     Sluice's wording, as is SSLHandshakeFailure's (the troubleshooting
//     page gives its meaning, not its message).
//   - The User-Agent is Sluice's own; AWS does not document its own.
//
// # Why hand-written
//
// The protocol is a few headers and two small JSON documents; what matters
// is the exact acceptance rules and error classification, which no library
// implements. net/http is the transport, with redirects and transparent
// decompression turned off because the contract forbids both.
package httpendpoint
