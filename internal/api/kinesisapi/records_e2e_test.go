package kinesisapi_test

import (
	"bytes"
	"crypto/md5"
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"sluice/internal/testserver"
)

// shardFor computes, independently of the server, which shard a partition
// key belongs to: MD5 as an unsigned 128-bit number within the ranges.
func shardFor(t *testing.T, shards []types.Shard, key string) string {
	sum := md5.Sum([]byte(key))
	h := new(big.Int).SetBytes(sum[:])
	for _, sh := range shards {
		lo, _ := new(big.Int).SetString(*sh.HashKeyRange.StartingHashKey, 10)
		hi, _ := new(big.Int).SetString(*sh.HashKeyRange.EndingHashKey, 10)
		if h.Cmp(lo) >= 0 && h.Cmp(hi) <= 0 {
			return *sh.ShardId
		}
	}
	t.Fatalf("no shard for %q", key)
	return ""
}

func seqLess(a, b string) bool {
	x, _ := new(big.Int).SetString(a, 10)
	y, _ := new(big.Int).SetString(b, 10)
	return x.Cmp(y) < 0
}

func TestPutRecordRoutesByMD5AndReadsBack(t *testing.T) {
	_, c := start(t)
	d := createStream(t, c, "route", 4)
	last := map[string]string{}
	var written []string
	for i := range 60 {
		key := fmt.Sprintf("key-%d", i)
		out, err := c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("route"), PartitionKey: aws.String(key), Data: []byte("v" + key)})
		if err != nil {
			t.Fatal(err)
		}
		if want := shardFor(t, d.Shards, key); *out.ShardId != want {
			t.Fatalf("%s went to %s, want %s", key, *out.ShardId, want)
		}
		if len(*out.SequenceNumber) != 56 {
			t.Fatalf("sequence %s", *out.SequenceNumber)
		}
		if prev := last[*out.ShardId]; prev != "" && !seqLess(prev, *out.SequenceNumber) {
			t.Fatalf("sequence numbers not increasing in %s: %s then %s", *out.ShardId, prev, *out.SequenceNumber)
		}
		last[*out.ShardId] = *out.SequenceNumber
		written = append(written, key)
	}
	got := 0
	for _, sh := range d.Shards {
		recs := readAll(t, c, iterator(t, c, "route", *sh.ShardId, types.ShardIteratorTypeTrimHorizon, nil))
		for i, r := range recs {
			if shardFor(t, d.Shards, *r.PartitionKey) != *sh.ShardId || string(r.Data) != "v"+*r.PartitionKey {
				t.Fatalf("wrong record %q in %s", *r.PartitionKey, *sh.ShardId)
			}
			if i > 0 && !seqLess(*recs[i-1].SequenceNumber, *r.SequenceNumber) {
				t.Fatal("records out of order")
			}
			if time.Since(*r.ApproximateArrivalTimestamp) > time.Minute {
				t.Fatalf("arrival %v", r.ApproximateArrivalTimestamp)
			}
		}
		got += len(recs)
	}
	if got != len(written) {
		t.Fatalf("read %d of %d records", got, len(written))
	}
}

func TestExplicitHashKeyAndOrdering(t *testing.T) {
	_, c := start(t)
	createStream(t, c, "ehk", 2)
	out, err := c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("ehk"), PartitionKey: aws.String("a"), Data: []byte("x"),
		ExplicitHashKey: aws.String("340282366920938463463374607431768211455")})
	if err != nil || *out.ShardId != "shardId-000000000001" {
		t.Fatalf("max hash key: %v %v", out, err)
	}
	out2, err := c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("ehk"), PartitionKey: aws.String("a"), Data: []byte("y"),
		ExplicitHashKey: aws.String("0"), SequenceNumberForOrdering: out.SequenceNumber})
	if err != nil || *out2.ShardId != "shardId-000000000000" {
		t.Fatalf("zero hash key: %v %v", out2, err)
	}
	_, err = c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("ehk"), PartitionKey: aws.String("a"), Data: []byte("x"),
		ExplicitHashKey: aws.String("340282366920938463463374607431768211456")})
	wantAPIError(t, err, "InvalidArgumentException", "Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was 340282366920938463463374607431768211456")
	_, err = c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("ehk"), PartitionKey: aws.String("a"), Data: []byte("x"),
		ExplicitHashKey: aws.String("-1")})
	wantAPIError(t, err, "ValidationException", "1 validation error detected: Value '-1' at 'explicitHashKey' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38})")
	_, err = c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("ehk"), PartitionKey: aws.String("a"), Data: []byte("x"),
		SequenceNumberForOrdering: aws.String("1234")})
	wantAPIError(t, err, "InvalidArgumentException", "ExclusiveMinimumSequenceNumber 1234 used in PutRecord on stream ehk under account 000000000000 is invalid.")
	_, err = c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("ehk"), PartitionKey: aws.String(""), Data: []byte("x")})
	wantAPIError(t, err, "ValidationException", "1 validation error detected: Value '' at 'partitionKey' failed to satisfy constraint: Member must have length greater than or equal to 1")
	_, err = c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("nope"), PartitionKey: aws.String("a"), Data: []byte("x")})
	wantAPIError(t, err, "ResourceNotFoundException", "Stream nope under account 000000000000 not found.")
}

func TestRecordSizeLimits(t *testing.T) {
	_, c := start(t)
	createStream(t, c, "big", 1)
	key := "k"
	exact := bytes.Repeat([]byte("a"), 1<<20-len(key))
	if _, err := c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("big"), PartitionKey: aws.String(key), Data: exact}); err != nil {
		t.Fatalf("exactly 1 MiB: %v", err)
	}
	over := append(exact, 'b')
	_, err := c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("big"), PartitionKey: aws.String(key), Data: over})
	wantAPIError(t, err, "ValidationException", "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=1048577 cap=1048577]' at 'data' failed to satisfy constraint: Member must have length less than or equal to 1048576")
	_, err = c.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String("big"), Records: []types.PutRecordsRequestEntry{
		{PartitionKey: aws.String("a"), Data: []byte("small")},
		{PartitionKey: aws.String(key), Data: over},
	}})
	wantAPIError(t, err, "ValidationException", "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=1048577 cap=1048577]' at 'records.2.member.data' failed to satisfy constraint: Member must have length less than or equal to 1048576")

	var eleven []types.PutRecordsRequestEntry
	for range 11 {
		eleven = append(eleven, types.PutRecordsRequestEntry{PartitionKey: aws.String("k"), Data: bytes.Repeat([]byte("z"), 1000000)})
	}
	_, err = c.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String("big"), Records: eleven})
	wantAPIError(t, err, "InvalidArgumentException", "Records size exceeds 10 MB limit")

	// Up to 10 MiB once the stream allows it, and read back whole.
	if _, err := c.UpdateMaxRecordSize(ctx, &kinesis.UpdateMaxRecordSizeInput{StreamARN: aws.String("arn:aws:kinesis:us-east-1:000000000000:stream/big"), MaxRecordSizeInKiB: aws.Int32(10240)}); err != nil {
		t.Fatal(err)
	}
	huge := bytes.Repeat([]byte("0123456789abcdef"), (10<<20-16)/16)
	out, err := c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("big"), PartitionKey: aws.String(key), Data: huge})
	if err != nil {
		t.Fatalf("10 MiB record: %v", err)
	}
	recs, err := c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: aws.String(iterator(t, c, "big", "shardId-000000000000", types.ShardIteratorTypeAtSequenceNumber, out.SequenceNumber))})
	if err != nil || len(recs.Records) != 1 || !bytes.Equal(recs.Records[0].Data, huge) {
		t.Fatalf("reading the 10 MiB record back: %v", err)
	}
	s, _ := c.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("big")})
	if *s.StreamDescriptionSummary.MaxRecordSizeInKiB != 10240 {
		t.Fatal("MaxRecordSizeInKiB not updated")
	}
	_, err = c.UpdateMaxRecordSize(ctx, &kinesis.UpdateMaxRecordSizeInput{StreamARN: aws.String("arn:aws:kinesis:us-east-1:000000000000:stream/big"), MaxRecordSizeInKiB: aws.Int32(10241)})
	wantAPIError(t, err, "ValidationException", "1 validation error detected: Value '10241' at 'maxRecordSizeInKiB' failed to satisfy constraint: Member must have value less than or equal to 10240")
}

func TestPutRecords(t *testing.T) {
	_, c := start(t)
	d := createStream(t, c, "batch", 3)
	var entries []types.PutRecordsRequestEntry
	for i := range 500 {
		entries = append(entries, types.PutRecordsRequestEntry{PartitionKey: aws.String(fmt.Sprintf("p%d", i%37)), Data: []byte(fmt.Sprintf("r%03d", i))})
	}
	out, err := c.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String("batch"), Records: entries})
	if err != nil {
		t.Fatal(err)
	}
	if *out.FailedRecordCount != 0 || len(out.Records) != 500 {
		t.Fatalf("FailedRecordCount %d, %d results", *out.FailedRecordCount, len(out.Records))
	}
	last := map[string]string{}
	for i, r := range out.Records {
		if want := shardFor(t, d.Shards, *entries[i].PartitionKey); *r.ShardId != want {
			t.Fatalf("record %d in %s, want %s", i, *r.ShardId, want)
		}
		if prev := last[*r.ShardId]; prev != "" && !seqLess(prev, *r.SequenceNumber) {
			t.Fatalf("record %d: sequence not increasing in request order", i)
		}
		last[*r.ShardId] = *r.SequenceNumber
	}
	// Per shard, records come back in request order.
	for _, sh := range d.Shards {
		recs := readAll(t, c, iterator(t, c, "batch", *sh.ShardId, types.ShardIteratorTypeTrimHorizon, nil))
		prev := ""
		for _, r := range recs {
			if prev != "" && string(r.Data) <= prev {
				t.Fatalf("%s: %s after %s", *sh.ShardId, r.Data, prev)
			}
			prev = string(r.Data)
		}
	}
	_, err = c.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String("batch"), Records: append(entries, entries[0])})
	wantAPIError(t, err, "ValidationException", "1 validation error detected: Value '[PutRecordsRequestEntry(Data=java.nio.HeapByteBuffer[pos=0 lim=4 cap=4], ExplicitHashKey=null, PartitionKey=p0)…")
	_, err = c.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String("batch"), Records: []types.PutRecordsRequestEntry{}})
	wantAPIError(t, err, "ValidationException", "1 validation error detected: Value '[]' at 'records' failed to satisfy constraint: Member must have length greater than or equal to 1")
	_, err = c.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String("batch"), Records: []types.PutRecordsRequestEntry{{PartitionKey: aws.String(strings.Repeat("x", 257)), Data: []byte{}}}})
	wantAPIError(t, err, "ValidationException", "1 validation error detected: Value '"+strings.Repeat("x", 257)+"' at 'records.1.member.partitionKey' failed to satisfy constraint: Member must have length less than or equal to 256")
}

func TestShardIteratorTypes(t *testing.T) {
	_, c := start(t)
	createStream(t, c, "its", 1)
	var seqs []string
	for i := range 5 {
		out, err := c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("its"), PartitionKey: aws.String("k"), Data: []byte{byte('0' + i)}})
		if err != nil {
			t.Fatal(err)
		}
		seqs = append(seqs, *out.SequenceNumber)
	}
	data := func(recs []types.Record) string {
		var b strings.Builder
		for _, r := range recs {
			b.Write(r.Data)
		}
		return b.String()
	}
	sh := "shardId-000000000000"
	if got := data(readAll(t, c, iterator(t, c, "its", sh, types.ShardIteratorTypeTrimHorizon, nil))); got != "01234" {
		t.Errorf("TRIM_HORIZON read %q", got)
	}
	if got := data(readAll(t, c, iterator(t, c, "its", sh, types.ShardIteratorTypeAtSequenceNumber, &seqs[2]))); got != "234" {
		t.Errorf("AT_SEQUENCE_NUMBER read %q", got)
	}
	if got := data(readAll(t, c, iterator(t, c, "its", sh, types.ShardIteratorTypeAfterSequenceNumber, &seqs[2]))); got != "34" {
		t.Errorf("AFTER_SEQUENCE_NUMBER read %q", got)
	}
	latest := iterator(t, c, "its", sh, types.ShardIteratorTypeLatest, nil)
	if got := data(readAll(t, c, latest)); got != "" {
		t.Errorf("LATEST read %q before new records", got)
	}
	c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("its"), PartitionKey: aws.String("k"), Data: []byte("5")})
	if got := data(readAll(t, c, latest)); got != "5" {
		t.Errorf("LATEST read %q after a new record", got)
	}
	// The shard's StartingSequenceNumber is a valid position before everything.
	d := waitActive(t, c, "its")
	if got := data(readAll(t, c, iterator(t, c, "its", sh, types.ShardIteratorTypeAtSequenceNumber, d.Shards[0].SequenceNumberRange.StartingSequenceNumber))); got != "012345" {
		t.Errorf("AT starting sequence read %q", got)
	}
	at, err := c.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String("its"), ShardId: aws.String("0"), ShardIteratorType: types.ShardIteratorTypeAtTimestamp, Timestamp: aws.Time(time.Now().Add(-time.Hour))})
	if err != nil {
		t.Fatal(err)
	}
	if got := data(readAll(t, c, *at.ShardIterator)); got != "012345" {
		t.Errorf("AT_TIMESTAMP an hour ago read %q", got)
	}
	at, err = c.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String("its"), ShardId: aws.String("shard-0"), ShardIteratorType: types.ShardIteratorTypeAtTimestamp, Timestamp: aws.Time(time.Now())})
	if err != nil {
		t.Fatal(err)
	}
	if got := data(readAll(t, c, *at.ShardIterator)); got != "" {
		t.Errorf("AT_TIMESTAMP now read %q", got)
	}
}

func TestShardIteratorErrors(t *testing.T) {
	clock := testserver.NewClock()
	_, c := start(t, testserver.WithClock(clock.Now))
	createStream(t, c, "ite", 2)
	clock.Advance(2 * time.Second) // a different shard creation time
	createStream(t, c, "other", 1)
	out, _ := c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("ite"), PartitionKey: aws.String("k"), Data: []byte("x"), ExplicitHashKey: aws.String("0")})
	otherOut, _ := c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("other"), PartitionKey: aws.String("k"), Data: []byte("x")})
	get := func(shard string, typ types.ShardIteratorType, seq *string, ts *time.Time) error {
		_, err := c.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String("ite"), ShardId: aws.String(shard), ShardIteratorType: typ, StartingSequenceNumber: seq, Timestamp: ts})
		return err
	}
	wantAPIError(t, get("shardId-000000000000", types.ShardIteratorTypeAtSequenceNumber, otherOut.SequenceNumber, nil), "InvalidArgumentException",
		"StartingSequenceNumber "+*otherOut.SequenceNumber+" used in GetShardIterator on shard shardId-000000000000 in stream ite under account 000000000000 is invalid because it did not come from this stream.")
	wantAPIError(t, get("shardId-000000000000", types.ShardIteratorTypeLatest, out.SequenceNumber, nil), "InvalidArgumentException",
		"Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified LATEST and also a StartingSequenceNumber.")
	wantAPIError(t, get("shardId-000000000000", types.ShardIteratorTypeAtSequenceNumber, nil, nil), "InvalidArgumentException",
		"Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified AT_SEQUENCE_NUMBER and no StartingSequenceNumber.")
	wantAPIError(t, get("shardId-000000000001", types.ShardIteratorTypeAtSequenceNumber, out.SequenceNumber, nil), "InvalidArgumentException",
		"Invalid StartingSequenceNumber. It encodes shardId-000000000000, while it was used in a call to a shard with shardId-000000000001")
	wantAPIError(t, get("shardId-000000000000", types.ShardIteratorTypeAtSequenceNumber, aws.String("12345"), nil), "InvalidArgumentException",
		"StartingSequenceNumber 12345 used in GetShardIterator on shard shardId-000000000000 in stream ite under account 000000000000 is invalid.")
	wantAPIError(t, get("shardId-000000000000", types.ShardIteratorTypeAtTimestamp, nil, nil), "InvalidArgumentException",
		"Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current request has no timestamp parameter.")
	wantAPIError(t, get("shardId-000000000000", types.ShardIteratorTypeAtTimestamp, nil, aws.Time(clock.Now().Add(time.Hour))), "InvalidArgumentException",
		"The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. timestampInMillis: …")
	wantAPIError(t, get("foo", types.ShardIteratorTypeLatest, nil, nil), "ResourceNotFoundException",
		"Could not find shard foo in stream ite under account 000000000000.")
	wantAPIError(t, get("shardId-000000000007", types.ShardIteratorTypeLatest, nil, nil), "ResourceNotFoundException",
		"Shard shardId-000000000007 in stream ite under account 000000000000 does not exist")
	_, err := c.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String("gone"), ShardId: aws.String("0"), ShardIteratorType: types.ShardIteratorTypeLatest})
	wantAPIError(t, err, "ResourceNotFoundException", "Shard shardId-000000000000 in stream gone under account 000000000000 does not exist")
	_, err = c.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String("ite"), ShardId: aws.String("0"), ShardIteratorType: "SOMEWHERE"})
	wantAPIError(t, err, "ValidationException",
		"1 validation error detected: Value 'SOMEWHERE' at 'shardIteratorType' failed to satisfy constraint: Member must satisfy enum value set: [AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER, TRIM_HORIZON, LATEST, AT_TIMESTAMP]")
}

func TestGetRecordsPagingAndIterators(t *testing.T) {
	clock := testserver.NewClock()
	_, c := start(t, testserver.WithClock(clock.Now))
	createStream(t, c, "page", 1)
	var entries []types.PutRecordsRequestEntry
	for i := range 25 {
		entries = append(entries, types.PutRecordsRequestEntry{PartitionKey: aws.String("k"), Data: []byte{byte(i)}})
	}
	if _, err := c.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String("page"), Records: entries}); err != nil {
		t.Fatal(err)
	}
	it := iterator(t, c, "page", "shardId-000000000000", types.ShardIteratorTypeTrimHorizon, nil)
	clock.Advance(2 * time.Second)
	out, err := c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: aws.String(it), Limit: aws.Int32(10)})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Records) != 10 || out.Records[0].Data[0] != 0 || *out.NextShardIterator == it {
		t.Fatalf("first page: %d records, same iterator %v", len(out.Records), *out.NextShardIterator == it)
	}
	if *out.MillisBehindLatest < 2000 {
		t.Errorf("MillisBehindLatest %d while 15 records behind", *out.MillisBehindLatest)
	}
	// An iterator can be used more than once; it always means the same position.
	again, _ := c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: aws.String(it), Limit: aws.Int32(1)})
	if again.Records[0].Data[0] != 0 {
		t.Fatal("re-using an iterator moved it")
	}
	out, _ = c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: out.NextShardIterator})
	if len(out.Records) != 15 || out.Records[0].Data[0] != 10 || *out.MillisBehindLatest != 0 {
		t.Fatalf("second page: %d records, behind %d", len(out.Records), *out.MillisBehindLatest)
	}

	_, err = c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: aws.String("AAAAAAAAAAGarbage=")})
	wantAPIError(t, err, "InvalidArgumentException", "Invalid ShardIterator.")
	_, err = c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: aws.String(it), Limit: aws.Int32(10001)})
	wantAPIError(t, err, "ValidationException", "1 validation error detected: Value '10001' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 10000")

	_, err = c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: aws.String(it), StreamARN: aws.String("arn:aws:kinesis:us-east-1:000000000000:stream/elsewhere")})
	wantAPIError(t, err, "InvalidArgumentException", "Invalid ShardIterator.")
	if _, err := c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: aws.String(it), StreamARN: aws.String("arn:aws:kinesis:us-east-1:000000000000:stream/page")}); err != nil {
		t.Fatalf("GetRecords with the iterator's own StreamARN: %v", err)
	}

	clock.Advance(5 * time.Minute)
	_, err = c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: aws.String(it)})
	wantAPIError(t, err, "ExpiredIteratorException", "Iterator expired. The iterator was created at time …")

	// An iterator of a deleted stream does not read its successor.
	fresh := iterator(t, c, "page", "shardId-000000000000", types.ShardIteratorTypeTrimHorizon, nil)
	c.DeleteStream(ctx, &kinesis.DeleteStreamInput{StreamName: aws.String("page")})
	createStream(t, c, "page", 1)
	_, err = c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: aws.String(fresh)})
	wantAPIError(t, err, "ResourceNotFoundException", "Shard shardId-000000000000 in stream page under account 000000000000 does not exist")
}

func TestGetRecordsByteCap(t *testing.T) {
	_, c := start(t)
	createStream(t, c, "cap", 1)
	c.UpdateMaxRecordSize(ctx, &kinesis.UpdateMaxRecordSizeInput{StreamARN: aws.String("arn:aws:kinesis:us-east-1:000000000000:stream/cap"), MaxRecordSizeInKiB: aws.Int32(4096)})
	chunk := bytes.Repeat([]byte("x"), 3<<20)
	for range 5 {
		if _, err := c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("cap"), PartitionKey: aws.String("k"), Data: chunk}); err != nil {
			t.Fatal(err)
		}
	}
	out, err := c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: aws.String(iterator(t, c, "cap", "0", types.ShardIteratorTypeTrimHorizon, nil))})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Records) != 3 {
		t.Fatalf("a 10 MiB page of 3 MiB records held %d", len(out.Records))
	}
}

func TestDryRun(t *testing.T) {
	_, c := start(t)
	createStream(t, c, "dry", 1)
	_, err := c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("dry"), PartitionKey: aws.String("k"), Data: []byte("x"), DryRun: aws.Bool(true)})
	wantAPIError(t, err, "DryRunOperationException", "Request would have succeeded, but DryRun flag is set.")
	_, err = c.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String("dry"), Records: []types.PutRecordsRequestEntry{{PartitionKey: aws.String("k"), Data: []byte("x")}}, DryRun: aws.Bool(true)})
	wantAPIError(t, err, "DryRunOperationException", "Request would have succeeded, but DryRun flag is set.")
	_, err = c.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String("dry"), ShardId: aws.String("0"), ShardIteratorType: types.ShardIteratorTypeLatest, DryRun: aws.Bool(true)})
	wantAPIError(t, err, "DryRunOperationException", "Request would have succeeded, but DryRun flag is set.")
	it := iterator(t, c, "dry", "0", types.ShardIteratorTypeTrimHorizon, nil)
	_, err = c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: aws.String(it), DryRun: aws.Bool(true)})
	wantAPIError(t, err, "DryRunOperationException", "Request would have succeeded, but DryRun flag is set.")
	if recs := readAll(t, c, it); len(recs) != 0 {
		t.Fatalf("dry runs wrote %d records", len(recs))
	}
}
