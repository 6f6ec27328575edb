package cluster_test

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	clientv3 "go.etcd.io/etcd/client/v3"

	"sluice/internal/cluster"
	"sluice/internal/config"
	"sluice/internal/recovery"
	storagecluster "sluice/internal/storage/cluster"
)

// TestRecoverRestoresAQuarantinedStream: a stream whose metadata key is
// lost from etcd is not served, and its records are kept in quarantine;
// `sluice recover --cluster-etcd` lists it, --restore marks it while the
// cluster serves, and the next owner brings the stream back with its
// records.
func TestRecoverRestoresAQuarantinedStream(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	c := startNodesAt(t, 1, dir)
	ctx := t.Context()
	k := kinesisAt(c.URLs[0])
	if _, err := k.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("kept"), ShardCount: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	var seqs []string
	for _, d := range []string{"one", "two"} {
		out, err := k.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("kept"), PartitionKey: aws.String("k"), Data: []byte(d)})
		if err != nil {
			t.Fatal(err)
		}
		seqs = append(seqs, *out.SequenceNumber)
	}
	c.Stop()

	// The stream's metadata key goes, as a lost or rolled-back etcd would
	// lose it.
	etcd, err := cluster.Connect(config.Cluster{Etcd: c.Etcd})
	if err != nil {
		t.Fatal(err)
	}
	defer etcd.Close()
	metaKeys := storagecluster.MetaPrefix(c.Prefix) + "streams/"
	resp, err := etcd.Get(ctx, metaKeys, clientv3.WithPrefix(), clientv3.WithKeysOnly())
	if err != nil || len(resp.Kvs) != 1 || !strings.HasSuffix(string(resp.Kvs[0].Key), "/kept") {
		t.Fatalf("the stream's metadata key: %v, %v", resp.Kvs, err)
	}
	if _, err := etcd.Delete(ctx, string(resp.Kvs[0].Key)); err != nil {
		t.Fatal(err)
	}

	c = startNodesAt(t, 1, dir)
	k = kinesisAt(c.URLs[0])
	if out, err := k.ListStreams(ctx, &kinesis.ListStreamsInput{}); err != nil || len(out.StreamNames) != 0 {
		t.Fatalf("streams without their metadata: %v, %v", out, err)
	}
	recoverCmd := func(args ...string) string {
		t.Helper()
		var out, errs bytes.Buffer
		args = append([]string{"--cluster-etcd", c.Etcd, "--cluster-prefix", c.Prefix}, args...)
		if code := recovery.Recover(context.Background(), args, nil, &out, &errs); code != 0 {
			t.Fatalf("sluice recover %v: exit %d: %s%s", args, code, out.String(), errs.String())
		}
		return out.String()
	}
	list := recoverCmd()
	if !strings.Contains(list, "kept") || !strings.Contains(list, "stream") || !strings.Contains(list, "yes") {
		t.Fatalf("sluice recover lists:\n%s", list)
	}
	if out := recoverCmd("--restore", "all"); !strings.Contains(out, "marked") {
		t.Fatalf("sluice recover --restore all:\n%s", out)
	}
	if out := recoverCmd(); !strings.Contains(out, "no quarantined logs") {
		t.Fatalf("after the mark:\n%s", out)
	}

	// The next owner restores it: the records come back under the same
	// sequence numbers.
	c.Stop()
	c = startNodesAt(t, 1, dir)
	k = kinesisAt(c.URLs[0])
	it, err := k.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String("kept"), ShardId: aws.String("shardId-000000000000"), ShardIteratorType: types.ShardIteratorTypeTrimHorizon})
	if err != nil {
		t.Fatalf("the restored stream: %v", err)
	}
	recs, err := k.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: it.ShardIterator})
	if err != nil || len(recs.Records) != 2 || *recs.Records[0].SequenceNumber != seqs[0] || *recs.Records[1].SequenceNumber != seqs[1] {
		t.Fatalf("records of the restored stream: %+v, %v", recs, err)
	}
}
