// Package kpl reads and writes the Kinesis Producer Library's aggregated
// record format: many user records packed into one Kinesis record.
//
// The format is the one the KPL documents in aggregation-format.md
// (awslabs/amazon-kinesis-producer) and that the KCL, the Lambda
// deaggregation modules (aws-kinesis-agg) and Firehose's Kinesis source
// undo:
//
//	 0        4                          N            N+16
//	 +--------+==========================+------------+
//	 | MAGIC  |  protobuf AggregatedRecord |   MD5     |
//	 +--------+==========================+------------+
//	 F3 89 9A C2                           MD5 of the protobuf bytes (16)
//
//	message AggregatedRecord {           // proto2
//	  repeated string partition_key_table     = 1;
//	  repeated string explicit_hash_key_table = 2;
//	  repeated Record records                 = 3;
//	}
//	message Record {
//	  required uint64 partition_key_index     = 1;
//	  optional uint64 explicit_hash_key_index = 2;
//	  required bytes  data                    = 3;
//	  repeated Tag    tags                    = 4;
//	}
//	message Tag {
//	  required string key   = 1;
//	  optional string value = 2;
//	}
//
// Each Record names its partition key (and optionally its explicit hash
// key) by index into the tables, so repeated keys are stored once.
//
// The wire format is decoded with google.golang.org/protobuf's protowire
// (the low-level wire reader, already a dependency of the module) rather
// than generated code: the three messages are small, and decoding them by
// hand keeps proto2's rules visible where they matter: fields may come in
// any order and repeat (the last scalar wins), unknown fields and fields
// with an unexpected wire type are skipped as unknown, and a missing
// required field makes the message invalid, as the Java parser the KCL
// uses decides.
//
// Deaggregate reports ErrCorrupt (wrapped with the reason) for a record
// that has the magic but whose digest does not match, whose protobuf does
// not parse, lacks a required field, or names a key index outside its
// table. What to do then is the caller's choice: the KCL delivers such a
// record whole, as if it were not aggregated.
package kpl
