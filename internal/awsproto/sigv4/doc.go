// Package sigv4 verifies AWS Signature Version 4 on incoming requests, in
// both its forms: the Authorization header and the presigned query string.
// It serves the signing names kinesis, firehose, kinesisanalytics and
// kinesisvideo (the caller says which it accepts, with a Scope).
//
// # Use
//
//	sig, err := sigv4.Parse(r)          // shape only: no clock, key or body
//	...
//	key, err := keyring.AuthenticateScope(sigv4.Scope{Services: []string{"kinesis"}}, r, body, sig, time.Now())
//
// A server that would rather refuse a request before reading its body runs
// the steps itself: Parse, CheckTime, CheckScope, Keyring.KeyFor and
// CheckSignedPayload need only the headers; VerifyBodyHash then takes the
// body's SHA-256, computed while the body was read.
//
// Every error is an *awserr.Error carrying the code and message AWS sends.
//
// # What is signed
//
// The client builds a canonical request from the HTTP request, hashes it
// into a string to sign, and signs that with a key derived from its secret
// and the credential scope:
//
//	canonical request (one part a line)      string to sign
//	+-------------------------------+        +--------------------------------------+
//	| POST               method     |        | AWS4-HMAC-SHA256                     |
//	| /                  (a) URI    |        | 20130524T000000Z        request time |
//	| a=1&b=%20c         (b) query  |  --->  | 20130524/us-east-1/kinesis/aws4_request
//	| host:h:4567        (c) headers|  hash  | hex(SHA-256(canonical request))      |
//	| x-amz-date:2013... |          |        +--------------------------------------+
//	|                               |
//	| host;x-amz-date    (d)        |        key = HMAC(HMAC(HMAC(HMAC("AWS4"+secret,
//	| 44136fa3...        (e) payload|                date), region), service), "aws4_request")
//	+-------------------------------+        signature = hex(HMAC(key, string to sign))
//
// The parts, as this package rebuilds them from what a Go server received:
//
//   - (a) URI: the path as sent on the wire, dot segments and empty segments
//     removed, then every byte but A-Z a-z 0-9 - . _ ~ and '/' encoded as
//     %XY (upper-case hex). The wire path is already encoded, so its escapes
//     are encoded a second time ("%20" becomes "%2520"), as for every AWS
//     service but S3.
//   - (b) Query: each name and value decoded ('+' is a space), re-encoded
//     like the URI but with '/' encoded too, sorted by name then value after
//     encoding, joined with '&'; "name=" for an empty value. A presigned
//     request leaves X-Amz-Signature out.
//   - (c) Headers: the headers named in SignedHeaders, in that order, name in
//     lower case, values trimmed with runs of spaces collapsed, repeated
//     headers joined with ',' in the order received. host is r.Host (Go
//     moves it out of r.Header), content-length is r.ContentLength,
//     transfer-encoding is r.TransferEncoding. The block ends with an empty
//     line.
//   - (d) SignedHeaders exactly as sent.
//   - (e) Payload hash: X-Amz-Content-Sha256 when sent (header, or query of
//     a presigned request), else the hex SHA-256 of the body. A hex
//     X-Amz-Content-Sha256 that is not the body's hash is a signature
//     mismatch. Any other value (UNSIGNED-PAYLOAD, S3's STREAMING-...)
//     leaves the body unsigned: VerifySignature signs it as it is (for
//     REST media uploads), while VerifyBodyHash and CheckSignedPayload,
//     which the JSON and CBOR services use, refuse it, as AWS's non-S3
//     services do. aws-chunked framing is not decoded here.
//
// Some headers change what a request does (X-Amz-Target, X-Amz-Date,
// X-Amz-Security-Token, X-Amz-Content-Sha256): Parse refuses a request that
// carries one its signature does not cover (covered.go says which clients
// sign what).
//
// The comparison is constant-time (hmac.Equal).
//
// # Leniency
//
// Real clients disagree on a few details, and AWS accepts what each sends.
// Where they disagree, VerifySignature tries each form, in this order, and
// accepts the request if any matches:
//
//   - path normalisation: botocore, the JavaScript SDK and the specification
//     remove dot segments and repeated slashes; the Go SDK signs the path as
//     it is;
//   - white space inside header values: the specification, the Go SDK and
//     curl collapse runs of spaces only; botocore and the JavaScript SDK
//     collapse any white space (tabs too);
//   - query string: the canonical form, or (header form only) the query
//     string exactly as sent, unsorted, which curl 7.x signs;
//   - presigned payload: the body's hash or UNSIGNED-PAYLOAD (VerifySignature
//     only; VerifyBodyHash takes the body's hash alone).
//
// In the common case (path "/", no tabs, header auth) there is one form.
//
// # Checks and errors, in AWS's order
//
// The order is the one dynalite recorded from DynamoDB, another service on
// AWS's Coral framework, with one difference: AWS checks the clock before
// the Host, algorithm and credential checks, which here are Parse's, and
// Parse has no clock. A request with faults of both kinds gets Parse's error.
//
// Parse (no clock, key or body needed):
//
//	both Authorization and X-Amz-Algorithm   InvalidSignatureException    Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.
//	neither                                  MissingAuthenticationTokenException  Missing Authentication Token
//	header part without '='                  IncompleteSignatureException 'p' not a valid key=value pair (missing equal-sign) in Authorization header: '<header>'.
//	header parts or date missing             IncompleteSignatureException Authorization header requires 'Credential' parameter. ... Authorization=<header>
//	query parameters missing                 IncompleteSignatureException AWS query-string parameters must include 'X-Amz-Date'. ... Re-examine the query-string parameters.
//	date not ISO 8601 basic                  IncompleteSignatureException Date must be in ISO-8601 'basic format'. Got 'x'. See http://en.wikipedia.org/wiki/ISO_8601
//	X-Amz-Expires not 0..604800              IncompleteSignatureException X-Amz-Expires should be a number | must be non-negative | must be less than a week ...
//	host not signed                          InvalidSignatureException    'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.
//	X-Amz-Target, ... sent, not signed       InvalidSignatureException    'X-Amz-Target' must be a 'SignedHeader' in the AWS Authorization.
//	algorithm                                IncompleteSignatureException Unsupported AWS 'algorithm': 'x' (only AWS4-HMAC-SHA256 for now).
//	credential not 5 elements                IncompleteSignatureException Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'x'
//
// CheckTime, CheckScope, then (Keyring) the key, then VerifySignature:
//
//	older than now - 5 min                   InvalidSignatureException    Signature expired: <t> is now earlier than <now-5m> (<now> - 5 min.)
//	presigned, past X-Amz-Date+X-Amz-Expires InvalidSignatureException    Signature expired: <t> is now earlier than <now-exp> (<now> - <exp> sec.)
//	later than now + 5 min                   InvalidSignatureException    Signature not yet current: <t> is still later than <now+5m> (<now> + 5 min.)
//	region, service, terminator, date        InvalidSignatureException    Credential should be scoped to a valid region, not 'x'. Credential should be scoped to correct service: 'kinesis'. ...
//	unknown access key                       UnrecognizedClientException  The security token included in the request is invalid.
//	UNSIGNED-PAYLOAD (CheckSignedPayload)    InvalidSignatureException    The request signature we calculated does not match the signature you provided. ...
//	signature                                InvalidSignatureException    The request signature we calculated does not match the signature you provided. ...
//
// messages.go says where each wording comes from.
package sigv4
