package cluster_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/smithy-go"

	"sluice/internal/cluster/clustertest"
)

// TestForwardingOverTLS: nodes that serve TLS and advertise https forward
// to the owner over TLS, verifying its certificate against their own
// --tls-cert file; a node whose certificate is another does not trust the
// owner, and answers 503 rather than forward in clear or unverified.
func TestForwardingOverTLS(t *testing.T) {
	if testing.Short() {
		t.Skip("starts etcd, versitygw and three Sluice processes")
	}
	cert, key := clustertest.WriteCert(t)
	c := clustertest.Start(t, 2, func(o *clustertest.NodeOptions) { o.TLSCert, o.TLSKey = cert, key })
	owner, _ := c.WaitOwner(10*time.Second, nil)
	follower := c.Nodes[0]
	if follower.ID == owner.ID {
		follower = c.Nodes[1]
	}
	ctx := t.Context()
	k := follower.Kinesis()
	var err error
	for range 50 {
		if _, err = k.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("tls"), ShardCount: aws.Int32(1)}); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond) // the follower learns the owner
	}
	if err != nil {
		t.Fatalf("CreateStream through %s over TLS: %v", follower.ID, err)
	}
	put, err := k.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("tls"), PartitionKey: aws.String("k"), Data: []byte("sealed")})
	if err != nil {
		t.Fatal(err)
	}
	it, err := k.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String("tls"), ShardId: put.ShardId, ShardIteratorType: types.ShardIteratorTypeTrimHorizon})
	if err != nil {
		t.Fatal(err)
	}
	recs, err := k.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: it.ShardIterator})
	if err != nil || len(recs.Records) != 1 || string(recs.Records[0].Data) != "sealed" {
		t.Fatalf("read through %s: %+v, %v", follower.ID, recs, err)
	}

	otherCert, otherKey := clustertest.WriteCert(t)
	stranger := clustertest.StartNode(t, clustertest.NodeOptions{ID: "n3", EtcdURLs: c.Etcd.ClientURLs(),
		S3Endpoint: c.S3.Endpoint, Bucket: clustertest.Bucket, TLSCert: otherCert, TLSKey: otherKey})
	// Once it knows the owner (before, it says there is none), it tries
	// and fails the handshake: a create goes to the owner.
	var apiErr smithy.APIError
	for range 50 {
		_, err = stranger.Kinesis().CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("unsent"), ShardCount: aws.Int32(1)})
		if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "ServiceUnavailableException" {
			t.Fatalf("a node that cannot verify the owner's certificate answered: %v", err)
		}
		if strings.Contains(apiErr.ErrorMessage(), "did not answer") {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("the stranger never tried the owner: %v", err)
}
