// Package client holds the everyday client commands, `sluice put` and
// `sluice tail`, the Kinesis counterparts of kcat's producer and consumer.
// Both talk to any Kinesis endpoint (Sluice or AWS) through aws-sdk-go-v2,
// as a user's own program would.
//
// Shared flags: --endpoint (default http://127.0.0.1:4567, env
// SLUICE_ENDPOINT), --region (default the --stream-arn's region, else
// AWS_REGION, AWS_DEFAULT_REGION, us-east-1), --access-key/--secret-key
// (default AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, else dummy keys, which
// Sluice's open auth accepts), --insecure, and --stream or --stream-arn.
// Calls failing with a retryable error (throttling, 5xx, a broken
// connection) are retried by the SDK, 5 attempts in all, except
// PutRecords and GetRecords, whose errors put and tail handle themselves.
//
// # put
//
// Records come from the arguments or stdin's lines and go out with
// PutRecords in batches (500 records, 10 MiB), sent in order, one batch at
// a time. A batch is sent when full or 50 ms after its first record, so
// interactive input goes out at once. Records a batch's answer reports as
// throttled (ProvisionedThroughputExceededException, InternalFailure,
// KMSThrottlingException) are sent again, alone, with exponential backoff
// that resets whenever an attempt writes something; records fail after 10
// attempts in a row that write nothing. A retried record may land after a
// later record of the same key that was not throttled. A PutRecords call
// that fails as a whole with a retriable error (5xx, broken connection,
// throttling) is made again with the same backoff, 10 attempts at most;
// since the failed call may have written its records, put says on stderr
// that this can duplicate them (at least once, as every Kinesis producer).
// Any other error ends the run.
//
// # tail
//
// tail reads every shard with GetRecords and follows resharding as the KCL
// does: it lists the shards (ListShards), reads a shard only once all its
// parents still listed have been read to their end (a null
// NextShardIterator with ChildShards), and lists again whenever a shard
// ends and every 10 s, so new shards are picked up. --from applies to the
// shards found at start (LATEST: only the open ones); shards found later
// are read from their start (or, with a timestamp, from it). Each shard is
// polled about once a second when it has nothing new and at most five
// times a second otherwise. Throttling backs off exponentially (from
// 0.5 s to 10 s) as long as it lasts; other server or network errors are
// retried the same way 6 times in a row at most, and client errors end
// the run (exit status 1). Expired iterators are renewed after the last
// record read; a shard that disappears (expired) counts as read.
//
// Output formats, one line per record:
//
//	text  the data, with \n, \r, control bytes (\xNN), invalid UTF-8 (\xNN)
//	      and other non-printable runes (\uNNNN) escaped; tabs and
//	      backslashes stay as they are
//	hex   SHARD SEQ "KEY" LEN: 68 69 |hi|
//	json  {"shard":"shardId-000000000000","seq":"4963…","key":"k",
//	       "arrival":"2025-01-02T03:04:05.678Z","encoding":"json","data":{"a":1}}
//
// In json, encoding says how data holds the record's bytes:
//
//	"json"    the data is a valid UTF-8 JSON document, embedded as a JSON
//	          value (compacted onto one line)
//	"text"    otherwise, when the data is valid UTF-8: a JSON string
//	"base64"  otherwise (binary): a JSON string of standard base64
//
// Records of one shard come out in sequence order, and a child shard's
// records after all of its parents', so each partition key's records come
// out in the order they were written; shards are otherwise interleaved.
//
// # Progress
//
// Runs longer than a second show a progress line on stderr, rewritten in
// place when stderr is a terminal (put: unless -v prints to that terminal;
// tail: only when stdout is not a terminal). When stderr is not a
// terminal, put prints a progress line every 5 s and tail none.
package client
