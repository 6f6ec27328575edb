package cluster_test

import (
	"bytes"
	"io"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// TestEncryptionAtRestInTheObjectStore: a cluster's encrypted stream keeps
// its records sealed in the object store, and the node that takes over
// reads them (the nodes share their master keys).
func TestEncryptionAtRestInTheObjectStore(t *testing.T) {
	c := startNodes(t, 2)
	ctx := t.Context()
	k := kinesisAt(c.URLs[0])
	if _, err := k.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("sse"), ShardCount: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	put := func(c *kinesis.Client, data string) {
		t.Helper()
		if _, err := c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("sse"), PartitionKey: aws.String("pk-" + data), Data: []byte(data)}); err != nil {
			t.Fatal(err)
		}
	}
	put(k, "plain-before-7f3a")
	if _, err := k.StartStreamEncryption(ctx, &kinesis.StartStreamEncryptionInput{StreamName: aws.String("sse"), EncryptionType: types.EncryptionTypeKms, KeyId: aws.String("alias/aws/kinesis")}); err != nil {
		t.Fatal(err)
	}
	for {
		d, err := k.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("sse")})
		if err != nil {
			t.Fatal(err)
		}
		if d.StreamDescriptionSummary.StreamStatus == types.StreamStatusActive {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	put(k, "sealed-after-9c1e")

	// The owner hands over; the other node reads both records back.
	owner := 0
	if c.Nodes[1].Server() != nil {
		owner = 1
	}
	c.StopNode(owner)
	other := kinesisAt(c.URLs[1-owner])
	var got []string
	deadline := time.Now().Add(15 * time.Second)
	for len(got) < 2 && time.Now().Before(deadline) {
		it, err := other.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String("sse"), ShardId: aws.String("shardId-000000000000"), ShardIteratorType: types.ShardIteratorTypeTrimHorizon})
		if err != nil {
			time.Sleep(100 * time.Millisecond)
			continue
		}
		out, err := other.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: it.ShardIterator})
		if err != nil {
			t.Fatal(err)
		}
		got = got[:0]
		for _, r := range out.Records {
			got = append(got, string(r.Data)+"/"+*r.PartitionKey+"/"+string(r.EncryptionType))
		}
	}
	if len(got) != 2 || got[0] != "plain-before-7f3a/pk-plain-before-7f3a/" || got[1] != "sealed-after-9c1e/pk-sealed-after-9c1e/KMS" {
		t.Fatalf("read back after the hand-over: %q", got)
	}

	// Every object of the bucket: the first record in clear, the second not.
	s3c := c.Store.S3()
	var all []byte
	list, err := s3c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(c.Bucket)})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range list.Contents {
		obj, err := s3c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(c.Bucket), Key: o.Key})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(obj.Body)
		obj.Body.Close()
		all = append(all, b...)
	}
	if !bytes.Contains(all, []byte("plain-before-7f3a")) {
		t.Fatal("the plaintext record is not in the object store: the search sees nothing")
	}
	for _, secret := range []string{"sealed-after-9c1e", "pk-sealed-after-9c1e"} {
		if bytes.Contains(all, []byte(secret)) {
			t.Fatalf("%s is in the object store in clear", secret)
		}
	}
}
