// Package analyticsapi serves the Kinesis Data Analytics APIs on top of
// package analytics: v1 (KinesisAnalytics_20150814, all 20 operations) and
// v2 (KinesisAnalytics_20180523) for SQL-1_0 applications, both AWS JSON
// 1.1 on the shared port with SigV4 signing name kinesisanalytics. It holds
// the input shapes with each model's constraints (the two differ: v1's
// roles match arn:aws:iam::…, v2's column names exclude -, whitespace, <, >
// and &, and so on), the answers' JSON, and the mapping of domain errors to
// AWS error codes (api.go): v2's errors spell their message member
// "Message", v1's "message".
//
// One file per operation; an operation both APIs have keeps its v1 and v2
// handlers together. The v2 operations only Flink applications have are in
// flink_only.go, each refused with the reason.
package analyticsapi
