// Package audit keeps Sluice's audit log: one JSON line per API call worth
// auditing, with CloudTrail's field names, so that tools that read
// CloudTrail records (jq filters, log shippers, SIEM parsers) read it too.
//
// # What is recorded
//
// Every call to a control-plane operation of the four services (and of the
// CloudWatch Logs subset), whatever its outcome, and every denied call of
// any operation: refused by authentication (a missing or malformed
// signature, an unknown key, a wrong secret or clock), by authorization
// (AccessDeniedException) or by the per-key rate limit (throttled). The
// data plane's hot path (the operations planes.go lists) is not recorded
// unless denied: it is what CloudTrail calls data events, and a log line
// per PutRecord would cost more than the call.
//
// # Format
//
// Each line is one CloudTrail event record (not wrapped in "Records"):
//
//	{"eventVersion":"1.11",
//	 "userIdentity":{"type":"Root","principalId":"111122223333","arn":"arn:aws:iam::111122223333:root",
//	                 "accountId":"111122223333","accessKeyId":"AKIAEXAMPLE"},
//	 "eventTime":"2026-01-02T03:04:05Z","eventSource":"kinesis.amazonaws.com","eventName":"CreateStream",
//	 "awsRegion":"us-east-1","sourceIPAddress":"127.0.0.1","userAgent":"aws-cli/2.9 …",
//	 "requestParameters":{"ShardCount":2,"StreamName":"orders"},"responseElements":null,
//	 "requestID":"…","eventID":"…","readOnly":false,"eventType":"AwsApiCall",
//	 "managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"}
//
// A failed call adds errorCode (the AWS error's type, as the client saw
// it) and errorMessage. A request whose client went away before its answer
// has errorCode RequestAbortedException. A denied call whose key is
// unknown has userIdentity {"type":"Unknown","accessKeyId":"<as claimed>"}
// and no recipientAccountId. Sluice's access keys belong to an account
// and carry no user, so an identified caller is that account's "Root".
// eventTime has CloudTrail's precision (whole seconds, UTC).
//
// requestParameters holds the top-level scalar members of a control-plane
// call's body (names, counts, modes; strings cut at 1 KiB; lists of
// scalars), never nested structures, blobs, or members whose names say
// secret (Password, Secret, Token, PrivateKey, AccessKey): so no record
// data and no destination credential ever reaches the log.
//
// # File
//
// The file is created 0600 (its directory 0700 if missing) and appended
// with one write(2) per line under a lock, so lines of concurrent requests
// never interleave. When a line would take it past Options.MaxFileBytes
// (--audit-log-max-bytes, default 64 MiB) it is renamed to PATH.1,
// replacing the previous one, and a new PATH is started: the log holds at
// most twice that. Lines are not fsynced (a crash of the machine may lose
// the last ones; a torn last line is skipped by readers and ended before
// the next append). A write that fails never fails the request: it is
// counted (sluice_audit_write_errors_total), logged once until writes
// work again, and the file is reopened at the next event.
//
// `sluice audit tail` (tail.go) prints the events of PATH.1 and PATH,
// filtered, and follows the file across rotations.
package audit
