package streams

import (
	"fmt"
	"time"
)

// The catalogue of client-facing messages, worded as AWS words them (see
// ../../docs or shared notes: recorded by kinesalite against AWS, and AWS's
// API reference). Keeping them here, in one place, keeps the wording
// consistent across operations.

func errStreamNotFound(name, account string) *Error {
	return newErr(KindNotFound, "Stream %s under account %s not found.", name, account)
}

func errStreamExists(name, account string) *Error {
	return newErr(KindInUse, "Stream %s under account %s already exists.", name, account)
}

func errStreamNotActive(name, account string, status Status) *Error {
	return newErr(KindInUse, "Stream %s under account %s not ACTIVE, instead in state %s", name, account, status)
}

func errShardNotFound(shardID, name, account string) *Error {
	return newErr(KindNotFound, "Could not find shard %s in stream %s under account %s.", shardID, name, account)
}

func errShardMissing(shardID, name, account string) *Error {
	return newErr(KindNotFound, "Shard %s in stream %s under account %s does not exist", shardID, name, account)
}

func errShardLimit(account, region string, current, limit, additional int) *Error {
	return newErr(KindLimitExceeded, "This request would exceed the shard limit for the account %s in %s. "+
		"Current shard count for the account: %d. Limit: %d. "+
		"Number of additional shards that would have resulted from this request: %d. "+
		"Refer to the AWS Service Limits page (http://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) "+
		"for current limits and how to request higher limits.", account, region, current, limit, additional)
}

func errOnDemandLimit(account string, limit int) *Error {
	return newErr(KindLimitExceeded, "This request would exceed the on-demand stream limit of %d for the account %s.", limit, account)
}

func errEmptyPartitionKey() *Error {
	return newErr(KindValidation, "1 validation error detected: Value '' at 'partitionKey' failed to satisfy constraint: Member must have length greater than or equal to 1")
}

func errExplicitHashKey(v string) *Error {
	return newErr(KindInvalidArgument, "Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was %s", v)
}

func errOrderingSeq(seq, name, account string) *Error {
	return newErr(KindInvalidArgument, "ExclusiveMinimumSequenceNumber %s used in PutRecord on stream %s under account %s is invalid.", seq, name, account)
}

func errIteratorTypeWithSeq(typ string) *Error {
	return newErr(KindInvalidArgument, "Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or "+
		"(2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified %s and also a StartingSequenceNumber.", typ)
}

func errIteratorTypeWithoutSeq(typ string) *Error {
	return newErr(KindInvalidArgument, "Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or "+
		"(2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified %s and no StartingSequenceNumber.", typ)
}

func errBadStartingSeq(seq, shardID, name, account string) *Error {
	return newErr(KindInvalidArgument, "StartingSequenceNumber %s used in GetShardIterator on shard %s in stream %s under account %s is invalid.", seq, shardID, name, account)
}

func errSeqOtherShard(encoded, shardID string) *Error {
	return newErr(KindInvalidArgument, "Invalid StartingSequenceNumber. It encodes %s, while it was used in a call to a shard with %s", encoded, shardID)
}

func errSeqOtherStream(seq, shardID, name, account string) *Error {
	return newErr(KindInvalidArgument, "StartingSequenceNumber %s used in GetShardIterator on shard %s in stream %s under account %s is invalid because it did not come from this stream.", seq, shardID, name, account)
}

func errNoTimestamp() *Error {
	return newErr(KindInvalidArgument, "Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current request has no timestamp parameter.")
}

func errFutureTimestamp(ts, now int64) *Error {
	return newErr(KindInvalidArgument, "The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. timestampInMillis: %d, currentTimestampInMillis: %d", ts, now)
}

func errInvalidIterator() *Error {
	return newErr(KindInvalidArgument, "Invalid ShardIterator.")
}

func errExpiredIterator(created, now time.Time) *Error {
	return newErr(KindExpiredIterator, "Iterator expired. The iterator was created at time %s while right now it is %s which is further in the future than the tolerated delay of %d milliseconds.",
		javaDate(created), javaDate(now), IteratorLifetime.Milliseconds())
}

func errRetentionTooShort(hours int64) *Error {
	return newErr(KindInvalidArgument, "Minimum allowed retention period is %d hours. Requested retention period (%d hours) is too short.", MinRetentionHours, hours)
}

func errRetentionTooLong(hours int64) *Error {
	return newErr(KindInvalidArgument, "Maximum allowed retention period is %d hours. Requested retention period (%d hours) is too long.", MaxRetentionHours, hours)
}

func errIncreaseBelow(hours int64, name string, current int64) *Error {
	return newErr(KindInvalidArgument, "Requested retention period (%d hours) for stream %s can not be shorter than existing retention period (%d hours). Use DecreaseRetentionPeriod API.", hours, name, current)
}

func errDecreaseAbove(hours int64, name string, current int64) *Error {
	return newErr(KindInvalidArgument, "Requested retention period (%d hours) for stream %s can not be longer than existing retention period (%d hours). Use IncreaseRetentionPeriod API.", hours, name, current)
}

func errTagChars() *Error {
	return newErr(KindInvalidArgument, "%s", "Some tags contain invalid characters. Valid characters: Unicode letters, digits, white space, _ . / = + - % @.")
}

func errTooManyTags(name, account string) *Error {
	return newErr(KindInvalidArgument, "Failed to add tags to stream %s under account %s because a given stream cannot have more than %d tags associated with it.", name, account, MaxTags)
}

func errNameOrARN() *Error {
	return newErr(KindInvalidArgument, "Stream arn and stream name can't be empty at the same time")
}

func errNameARNMismatch(name, arn string) *Error {
	return newErr(KindInvalidArgument, "StreamName %s and StreamARN %s do not identify the same stream.", name, arn)
}

func errListShardsNeither() *Error {
	return newErr(KindInvalidArgument, "Either NextToken or StreamName should be provided.")
}

// errNextTokenWith reports a member that may not accompany NextToken
// ("StreamName", "ShardFilter", "ExclusiveStartShardId", ...).
func errNextTokenWith(member string) *Error {
	return newErr(KindInvalidArgument, "NextToken and %s cannot be provided together.", member)
}

func errInvalidNextToken() *Error {
	return newErr(KindInvalidArgument, "Invalid NextToken.")
}

func errExpiredNextToken() *Error {
	return newErr(KindExpiredNextToken, "The NextToken has expired.")
}

func errAccessDenied(account, action, arn string) *Error {
	return newErr(KindAccessDenied, "User: arn:aws:iam::%s:root is not authorized to perform: kinesis:%s on resource: %s because no resource-based policy allows the kinesis:%s action", account, action, arn, action)
}

func errPutRecordsTooLarge() *Error {
	return newErr(KindInvalidArgument, "Records size exceeds %d MB limit", MaxPutRecordsBytes>>20)
}

func errDryRun() *Error {
	return newErr(KindDryRun, "Request would have succeeded, but DryRun flag is set.")
}

// errRecordsTooLarge words a record-size violation as AWS's request layer
// does, one item per offending record (at most ten).
func errRecordsTooLarge(items []string) *Error {
	noun := "errors"
	if len(items) == 1 {
		noun = "error"
	}
	msg := ""
	for i, it := range items {
		if i > 0 {
			msg += "; "
		}
		msg += it
	}
	return newErr(KindValidation, "%d validation %s detected: %s", len(items), noun, msg)
}

func recordTooLargeItem(path string, size int, limit int64) string {
	return fmt.Sprintf("Value 'java.nio.HeapByteBuffer[pos=0 lim=%d cap=%d]' at '%s' failed to satisfy constraint: Member must have length less than or equal to %d", size, size, path, limit)
}

// javaDate formats t as Java's Date.toString() in UTC, the way AWS prints
// times in messages: "Thu Jan 22 01:22:02 UTC 2015".
func javaDate(t time.Time) string {
	return t.UTC().Format("Mon Jan 02 15:04:05 UTC 2006")
}

func errBadSplitPoint(key, shardID, name, account string, r HashRange) *Error {
	return newErr(KindInvalidArgument, "NewStartingHashKey %s used in SplitShard() on shard %s in stream %s under account %s is not both greater than one plus the shard's StartingHashKey %s and less than the shard's EndingHashKey %s.",
		key, shardID, name, account, r.Start, r.End)
}

func errNotAdjacent(a, b, name, account string) *Error {
	return newErr(KindInvalidArgument, "Shards %s and %s in stream %s under account %s are not an adjacent pair of shards eligible for merging", a, b, name, account)
}

func errShardClosed(shardID, name, account string) *Error {
	return newErr(KindInvalidArgument, "Shard %s in stream %s under account %s has already been merged or split, and thus is not eligible for merging or splitting.", shardID, name, account)
}

func errOnDemandReshard(op string, st *Stream) *Error {
	return newErr(KindInvalidArgument, "%s is not supported for stream %s under account %s because it is in ON_DEMAND capacity mode.", op, st.Name, st.Account)
}

func errScaleTooOften(st *Stream, n int) *Error {
	return newErr(KindLimitExceeded, "Stream %s under account %s has been scaled %d times in the last 24 hours, the most UpdateShardCount allows.", st.Name, st.Account, n)
}

func errScaleUpTooFar(st *Stream, current, target int) *Error {
	return newErr(KindLimitExceeded, "UpdateShardCount cannot scale stream %s under account %s up to more than double its current shard count: current %d, target %d.", st.Name, st.Account, current, target)
}

func errScaleDownTooFar(st *Stream, current, target int) *Error {
	return newErr(KindLimitExceeded, "UpdateShardCount cannot scale stream %s under account %s down below half its current shard count: current %d, target %d.", st.Name, st.Account, current, target)
}

func errScaleAboveMax(st *Stream, target int) *Error {
	return newErr(KindLimitExceeded, "UpdateShardCount cannot scale stream %s under account %s up to more than %d shards: target %d.", st.Name, st.Account, MaxShardsPerStream, target)
}

func errConsumerNotFound(id, account string) *Error {
	return newErr(KindNotFound, "Consumer %s under account %s not found.", id, account)
}

func errConsumerExists(name string, st *Stream) *Error {
	return newErr(KindInUse, "Consumer %s under stream %s under account %s already exists.", name, st.Name, st.Account)
}

func errTooManyConsumers(st *Stream) *Error {
	return newErr(KindLimitExceeded, "Stream %s under account %s already has the maximum of %d registered consumers.", st.Name, st.Account, MaxConsumersPerStream)
}

func errConsumerNotActive(c *Consumer, st *Stream) *Error {
	return newErr(KindInUse, "Consumer %s under account %s is not ACTIVE, instead in state %s", st.ConsumerARN(c), st.Account, c.Status)
}

func errStreamHasConsumers(st *Stream) *Error {
	return newErr(KindInUse, "Stream %s under account %s has registered consumers. Deregister them first or set EnforceConsumerDeletion.", st.Name, st.Account)
}
