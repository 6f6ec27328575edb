package kinesisapi_test

// Conformance cases that kinesalite's and LocalStack's suites (recorded
// against AWS) caught: ListShards filters at the trim horizon of a young
// stream, quoted shard iterators, deleting a CREATING stream, the tag
// alphabet, SequenceNumberForOrdering, and shard IDs in messages.

import (
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"sluice/internal/config"
	"sluice/internal/streams"
	"sluice/internal/testserver"
)

// shardFilterCase is one ListShards filter and the shards it should give.
type shardFilterCase struct {
	name string
	f    *types.ShardFilter
	want string
}

func checkShardFilters(t *testing.T, c *kinesis.Client, stream string, cases []shardFilterCase) {
	t.Helper()
	for _, tc := range cases {
		if got := shardIDs(listAll(t, c, stream, tc.f)); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}

// A stream younger than its retention has its trim horizon at its creation:
// the shards open then are what a TRIM_HORIZON application (the KCL) leases.
func TestShardFiltersOnStreamYoungerThanRetention(t *testing.T) {
	clock := testserver.NewClock()
	_, c := start(t, testserver.WithClock(clock.Now))
	created := clock.Now()
	createStream(t, c, "young", 3)
	clock.Advance(time.Minute)
	if _, err := c.SplitShard(ctx, &kinesis.SplitShardInput{StreamName: aws.String("young"), ShardToSplit: aws.String("0"), NewStartingHashKey: aws.String("1000")}); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Minute)
	at := func(typ types.ShardFilterType, ts time.Time) *types.ShardFilter {
		return &types.ShardFilter{Type: typ, Timestamp: aws.Time(ts)}
	}
	checkShardFilters(t, c, "young", []shardFilterCase{
		{"AT_TRIM_HORIZON", &types.ShardFilter{Type: types.ShardFilterTypeAtTrimHorizon}, "[000 001 002]"},
		{"AT_TIMESTAMP before creation", at(types.ShardFilterTypeAtTimestamp, created.Add(-time.Hour)), "[000 001 002]"},
		{"AT_TIMESTAMP at creation", at(types.ShardFilterTypeAtTimestamp, created), "[000 001 002]"},
		{"AT_TIMESTAMP now", at(types.ShardFilterTypeAtTimestamp, clock.Now()), "[001 002 003 004]"},
		{"FROM_TIMESTAMP before creation", at(types.ShardFilterTypeFromTimestamp, created.Add(-time.Hour)), "[000 001 002 003 004]"},
		{"FROM_TIMESTAMP now", at(types.ShardFilterTypeFromTimestamp, clock.Now()), "[001 002 003 004]"},
		{"FROM_TRIM_HORIZON", &types.ShardFilter{Type: types.ShardFilterTypeFromTrimHorizon}, "[000 001 002 003 004]"},
		{"AT_LATEST", &types.ShardFilter{Type: types.ShardFilterTypeAtLatest}, "[001 002 003 004]"},
	})
}

// A stream older than its retention has its trim horizon retention ago:
// the shards open at (now - retention), not at the stream's creation.
func TestShardFiltersOnStreamOlderThanRetention(t *testing.T) {
	clock := testserver.NewClock()
	_, c := start(t, testserver.WithClock(clock.Now))
	t0 := clock.Now()
	createStream(t, c, "old", 2)
	clock.Advance(2 * time.Hour) // t0+2h: 0 splits into 2 and 3
	if _, err := c.SplitShard(ctx, &kinesis.SplitShardInput{StreamName: aws.String("old"), ShardToSplit: aws.String("0"), NewStartingHashKey: aws.String("1000")}); err != nil {
		t.Fatal(err)
	}
	clock.Advance(10 * time.Hour) // t0+12h: 2 and 3 merge into 4
	if _, err := c.MergeShards(ctx, &kinesis.MergeShardsInput{StreamName: aws.String("old"), ShardToMerge: aws.String("2"), AdjacentShardToMerge: aws.String("3")}); err != nil {
		t.Fatal(err)
	}
	clock.Advance(20 * time.Hour) // t0+32h: the trim horizon is t0+8h, when 1, 2 and 3 were open
	at := func(typ types.ShardFilterType, ts time.Time) *types.ShardFilter {
		return &types.ShardFilter{Type: typ, Timestamp: aws.Time(ts)}
	}
	checkShardFilters(t, c, "old", []shardFilterCase{
		{"AT_TRIM_HORIZON", &types.ShardFilter{Type: types.ShardFilterTypeAtTrimHorizon}, "[001 002 003]"},
		{"AT_TIMESTAMP before the trim horizon", at(types.ShardFilterTypeAtTimestamp, t0.Add(time.Hour)), "[001 002 003]"},
		{"AT_TIMESTAMP before creation", at(types.ShardFilterTypeAtTimestamp, t0.Add(-time.Hour)), "[001 002 003]"},
		{"AT_TIMESTAMP after the merge", at(types.ShardFilterTypeAtTimestamp, t0.Add(20*time.Hour)), "[001 004]"},
		{"FROM_TIMESTAMP before creation", at(types.ShardFilterTypeFromTimestamp, t0.Add(-time.Hour)), "[001 002 003 004]"},
		{"FROM_TRIM_HORIZON", &types.ShardFilter{Type: types.ShardFilterTypeFromTrimHorizon}, "[001 002 003 004]"},
		{"AT_LATEST", &types.ShardFilter{Type: types.ShardFilterTypeAtLatest}, "[001 004]"},
	})
}

// Scripts pass the AWS CLI's JSON output back as the iterator, quotes and
// all; AWS accepts one pair of double quotes around it, nothing else.
func TestGetRecordsAcceptsQuotedIterator(t *testing.T) {
	_, c := start(t)
	createStream(t, c, "quoted", 1)
	if _, err := c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("quoted"), PartitionKey: aws.String("k"), Data: []byte("hello")}); err != nil {
		t.Fatal(err)
	}
	it := iterator(t, c, "quoted", "shardId-000000000000", types.ShardIteratorTypeTrimHorizon, nil)
	out, err := c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: aws.String(`"` + it + `"`)})
	if err != nil {
		t.Fatalf("quoted iterator: %v", err)
	}
	if len(out.Records) != 1 || string(out.Records[0].Data) != "hello" || out.NextShardIterator == nil || strings.Contains(*out.NextShardIterator, `"`) {
		t.Fatalf("quoted iterator read %+v", out)
	}
	for _, bad := range []string{`"` + it, it + `"`, `""` + it + `""`, `'` + it + `'`, `""`, `"`} {
		_, err := c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: aws.String(bad)})
		wantAPIError(t, err, "InvalidArgumentException", "Invalid ShardIterator.")
	}
}

// DeleteStream on a CREATING stream answers 200 and the stream goes
// DELETING; the pending activation never flips it back to ACTIVE, and the
// delete completes, log and all.
func TestDeleteCreatingStream(t *testing.T) {
	testserver.SkipInCluster(t, "it counts the logs in the embedded store's directory")
	const createDelay, deleteDelay = time.Second, 2500 * time.Millisecond
	srv, c := start(t, testserver.WithConfig(func(cfg *config.Config) {
		cfg.CreateDelay, cfg.DeleteDelay = createDelay, deleteDelay
	}))
	logs := func() int {
		entries, err := os.ReadDir(filepath.Join(srv.Dir, "streams"))
		if err != nil {
			t.Fatal(err)
		}
		return len(entries)
	}
	status := func() (types.StreamStatus, error) {
		out, err := c.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("early")})
		if err != nil {
			return "", err
		}
		return out.StreamDescriptionSummary.StreamStatus, nil
	}
	if _, err := c.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("early"), ShardCount: aws.Int32(2)}); err != nil {
		t.Fatal(err)
	}
	deleted := time.Now()
	if got, _ := status(); got != types.StreamStatusCreating {
		t.Fatalf("new stream %s", got)
	}
	if logs() != 1 {
		t.Fatalf("%d logs after CreateStream", logs())
	}
	if _, err := c.DeleteStream(ctx, &kinesis.DeleteStreamInput{StreamName: aws.String("early")}); err != nil {
		t.Fatalf("DeleteStream on CREATING: %v", err)
	}
	if got, err := status(); got != types.StreamStatusDeleting {
		t.Fatalf("after DeleteStream: %s %v", got, err)
	}
	_, err := c.DeleteStream(ctx, &kinesis.DeleteStreamInput{StreamName: aws.String("early")})
	wantAPIError(t, err, "ResourceInUseException", "Stream early under account 000000000000 not ACTIVE, instead in state DELETING")

	// Past the create delay the stream is still DELETING, never ACTIVE.
	for time.Since(deleted) < createDelay+createDelay/2 {
		if got, err := status(); got != types.StreamStatusDeleting {
			t.Fatalf("%v after DeleteStream: %s %v", time.Since(deleted), got, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		got, err := status()
		if err != nil {
			wantAPIError(t, err, "ResourceNotFoundException", "Stream early under account 000000000000 not found.")
			break
		}
		if got != types.StreamStatusDeleting {
			t.Fatalf("while deleting: %s", got)
		}
		if time.Now().After(deadline) {
			t.Fatal("stream not deleted")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if since := time.Since(deleted); since < deleteDelay {
		t.Fatalf("deleted after %v, before the delete delay", since)
	}
	if logs() != 0 {
		t.Fatalf("%d logs left after the delete", logs())
	}
	// The name is free again, and the new stream activates as usual.
	if _, err := c.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("early"), ShardCount: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	waitActive(t, c, "early")
}

const tagCharsMsg = "Some tags contain invalid characters. Valid characters: Unicode letters, digits, white space, _ . / = + - % @."

// Tags are Unicode letters, numbers, separators (not tab or newline) and
// _ . : / = + - @ %, in every operation that takes tags or tag keys; a
// refused request changes nothing.
func TestTagAlphabet(t *testing.T) {
	_, c := start(t)
	d := createStream(t, c, "tagged", 1)
	arn := d.StreamARN
	good := map[string]string{"ü0 _./=+-@%:": "ü0 _./=+-@%:", "ideographic\u3000space": "no\u00a0break", "²Ⅳ": "", "a:b": "c:d"}
	if _, err := c.AddTagsToStream(ctx, &kinesis.AddTagsToStreamInput{StreamName: aws.String("tagged"), Tags: good}); err != nil {
		t.Fatalf("valid tags: %v", err)
	}
	tags := func() map[string]string {
		out, err := c.ListTagsForStream(ctx, &kinesis.ListTagsForStreamInput{StreamName: aws.String("tagged")})
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		for _, tg := range out.Tags {
			m[*tg.Key] = aws.ToString(tg.Value)
		}
		return m
	}
	if got := tags(); len(got) != len(good) {
		t.Fatalf("tags %q", got)
	}

	for _, bad := range []string{"abc\tdef", "abc\ndef", "abc\rdef", "abc;def", "abc,def", "a\u0085b", "a\u200bb", "a\xffb"} {
		_, err := c.AddTagsToStream(ctx, &kinesis.AddTagsToStreamInput{StreamName: aws.String("tagged"), Tags: map[string]string{bad: "v"}})
		wantAPIError(t, err, "InvalidArgumentException", tagCharsMsg)
		_, err = c.AddTagsToStream(ctx, &kinesis.AddTagsToStreamInput{StreamName: aws.String("tagged"), Tags: map[string]string{"k": bad}})
		wantAPIError(t, err, "InvalidArgumentException", tagCharsMsg)
		_, err = c.RemoveTagsFromStream(ctx, &kinesis.RemoveTagsFromStreamInput{StreamName: aws.String("tagged"), TagKeys: []string{"²Ⅳ", bad}})
		wantAPIError(t, err, "InvalidArgumentException", tagCharsMsg)
		_, err = c.TagResource(ctx, &kinesis.TagResourceInput{ResourceARN: arn, Tags: map[string]string{"k": bad}})
		wantAPIError(t, err, "InvalidArgumentException", tagCharsMsg)
		_, err = c.UntagResource(ctx, &kinesis.UntagResourceInput{ResourceARN: arn, TagKeys: []string{bad}})
		wantAPIError(t, err, "InvalidArgumentException", tagCharsMsg)
	}
	if got := tags(); len(got) != len(good) || got["²Ⅳ"] != "" {
		t.Fatalf("refused requests changed the tags: %q", got)
	}

	_, err := c.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("tabbed"), ShardCount: aws.Int32(1), Tags: map[string]string{"a\tb": "1"}})
	wantAPIError(t, err, "InvalidArgumentException", tagCharsMsg)
	_, err = c.RegisterStreamConsumer(ctx, &kinesis.RegisterStreamConsumerInput{StreamARN: arn, ConsumerName: aws.String("c"), Tags: map[string]string{"k": "line\nbreak"}})
	wantAPIError(t, err, "InvalidArgumentException", tagCharsMsg)
	cons := registerConsumer(t, c, *arn, "reader")
	_, err = c.TagResource(ctx, &kinesis.TagResourceInput{ResourceARN: cons.ConsumerARN, Tags: map[string]string{"a\nb": "1"}})
	wantAPIError(t, err, "InvalidArgumentException", tagCharsMsg)
	_, err = c.UntagResource(ctx, &kinesis.UntagResourceInput{ResourceARN: cons.ConsumerARN, TagKeys: []string{"a\tb"}})
	wantAPIError(t, err, "InvalidArgumentException", tagCharsMsg)

	// An unknown stream is reported before the tags are looked at.
	_, err = c.RemoveTagsFromStream(ctx, &kinesis.RemoveTagsFromStreamInput{StreamName: aws.String("nosuch"), TagKeys: []string{";"}})
	wantAPIError(t, err, "ResourceNotFoundException", "Stream nosuch under account 000000000000 not found.")
	_, err = c.AddTagsToStream(ctx, &kinesis.AddTagsToStreamInput{StreamName: aws.String("nosuch"), Tags: map[string]string{"a\tb": ""}})
	wantAPIError(t, err, "ResourceNotFoundException", "Stream nosuch under account 000000000000 not found.")
	out, err := c.ListStreams(ctx, &kinesis.ListStreamsInput{})
	if err != nil || len(out.StreamNames) != 1 {
		t.Fatalf("streams after refused creates: %v %v", out, err)
	}
}

// SequenceNumberForOrdering must be a sequence number some shard could have
// issued: not of the future, and not beyond what its shard has issued.
func TestSequenceNumberForOrdering(t *testing.T) {
	clock := testserver.NewClock()
	_, c := start(t, testserver.WithClock(clock.Now))
	createStream(t, c, "other", 1)
	clock.Advance(time.Minute) // so that "ord"'s shards are not created in the same second as "other"'s
	createStream(t, c, "ord", 2)
	put := func(stream, seq string) error {
		_, err := c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String(stream), PartitionKey: aws.String("k"), Data: []byte("x"), SequenceNumberForOrdering: aws.String(seq)})
		return err
	}
	first, err := c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("ord"), PartitionKey: aws.String("k"), Data: []byte("x")})
	if err != nil {
		t.Fatal(err)
	}
	foreign, err := c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("other"), PartitionKey: aws.String("k"), Data: []byte("x")})
	if err != nil {
		t.Fatal(err)
	}
	hexSeq := func(h string) string {
		b, _ := new(big.Int).SetString(h, 16)
		return b.String()
	}
	// plusCounter adds n to the counter field, 20 hex digits from the right.
	plusCounter := func(seq string, n int64) string {
		b, _ := new(big.Int).SetString(seq, 10)
		step := new(big.Int).Lsh(big.NewInt(n), 80)
		return b.Add(b, step).String()
	}
	now := clock.Now().Unix()
	future := streams.SeqNum{ShardCreated: now - 60, ShardIndex: 0, Counter: 0, Arrival: now + 3600}.String()

	for _, seq := range []string{
		*first.SequenceNumber,   // the stream's own latest
		*foreign.SequenceNumber, // another stream's
		hexSeq("20000000000000000000000000000000000000000000002"), // all zero: AWS accepts it
	} {
		if err := put("ord", seq); err != nil {
			t.Errorf("SequenceNumberForOrdering %s: %v", seq, err)
		}
	}
	for _, seq := range []string{
		hexSeq("2ffffffffff7fffffffffffffff000000000007fffffff2"), // all f: a shard created in 4147
		future,                                   // arriving in an hour
		plusCounter(*first.SequenceNumber, 1000), // beyond what its shard has issued
		hexSeq("20000000000800000000000000000000000000000000002"), // index digits that disagree
		"12345",
	} {
		wantAPIError(t, put("ord", seq), "InvalidArgumentException",
			"ExclusiveMinimumSequenceNumber "+seq+" used in PutRecord on stream ord under account 000000000000 is invalid.")
	}
}

// Messages about a shard the client named write its ID the AWS way
// (shardId-000000000005 for "shardId-5", "shard-5" or "5"), and echo an ID
// that names no shard index as sent, before even looking for the stream.
func TestShardIDsInMessages(t *testing.T) {
	_, c := start(t)
	streamARN, consumerARN := efoStream(t, c, "ids", 2)
	notFound := func(id string) string {
		return "Could not find shard " + id + " in stream ids under account 000000000000."
	}
	_, err := c.SplitShard(ctx, &kinesis.SplitShardInput{StreamName: aws.String("ids"), ShardToSplit: aws.String("shardId-5"), NewStartingHashKey: aws.String("10")})
	wantAPIError(t, err, "ResourceNotFoundException", notFound("shardId-000000000005"))
	_, err = c.MergeShards(ctx, &kinesis.MergeShardsInput{StreamName: aws.String("ids"), ShardToMerge: aws.String("7"), AdjacentShardToMerge: aws.String("shardId-000000000000")})
	wantAPIError(t, err, "ResourceNotFoundException", notFound("shardId-000000000007"))
	_, err = c.MergeShards(ctx, &kinesis.MergeShardsInput{StreamARN: aws.String(streamARN), ShardToMerge: aws.String("0"), AdjacentShardToMerge: aws.String("shard-9")})
	wantAPIError(t, err, "ResourceNotFoundException", notFound("shardId-000000000009"))
	_, err = subscribe(t, c, consumerARN, "shardId-7", types.StartingPosition{Type: types.ShardIteratorTypeLatest})
	wantAPIError(t, err, "ResourceNotFoundException", notFound("shardId-000000000007"))
	_, err = c.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String("ids"), ShardId: aws.String("shard-3"), ShardIteratorType: types.ShardIteratorTypeLatest})
	wantAPIError(t, err, "ResourceNotFoundException", "Shard shardId-000000000003 in stream ids under account 000000000000 does not exist")

	// IDs that name no index are echoed as sent, even for an unknown stream.
	_, err = c.SplitShard(ctx, &kinesis.SplitShardInput{StreamName: aws.String("ids"), ShardToSplit: aws.String("ABKLFD8"), NewStartingHashKey: aws.String("10")})
	wantAPIError(t, err, "ResourceNotFoundException", notFound("ABKLFD8"))
	_, err = c.SplitShard(ctx, &kinesis.SplitShardInput{StreamName: aws.String("nosuch"), ShardToSplit: aws.String("2147483648"), NewStartingHashKey: aws.String("10")})
	wantAPIError(t, err, "ResourceNotFoundException", "Could not find shard 2147483648 in stream nosuch under account 000000000000.")
	_, err = c.MergeShards(ctx, &kinesis.MergeShardsInput{StreamName: aws.String("nosuch"), ShardToMerge: aws.String("0"), AdjacentShardToMerge: aws.String("shardId-002147483648")})
	wantAPIError(t, err, "ResourceNotFoundException", "Could not find shard shardId-002147483648 in stream nosuch under account 000000000000.")
	_, err = c.SplitShard(ctx, &kinesis.SplitShardInput{StreamName: aws.String("nosuch"), ShardToSplit: aws.String("a-00002147483647"), NewStartingHashKey: aws.String("10")})
	wantAPIError(t, err, "ResourceNotFoundException", "Stream nosuch under account 000000000000 not found.")
	_, err = subscribe(t, c, consumerARN, "foo", types.StartingPosition{Type: types.ShardIteratorTypeLatest})
	wantAPIError(t, err, "ResourceNotFoundException", notFound("foo"))
}
