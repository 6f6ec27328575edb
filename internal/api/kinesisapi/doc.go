// Package kinesisapi is the Kinesis Data Streams API (target prefix
// Kinesis_20131202, signing name "kinesis"): one file per operation, each
// declaring its input shape (the model's constraints), its wire input and
// output structs, and a handler that calls package streams and shapes the
// answer as AWS does. The channel operations call package channels
// instead (channels.go holds their shared shapes and error mapping).
// Errors from the domain are mapped to AWS error codes in errors.go.
package kinesisapi
