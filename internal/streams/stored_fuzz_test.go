package streams

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"

	"sluice/internal/storage"
	"sluice/internal/storage/embedded"
)

// FuzzStoredStream starts the service on a stream whose stored metadata is
// arbitrary bytes (damaged on disk, or written by another version): New
// never fails or panics on it, and the stream is either served, or left
// out with its records kept (quarantined), and every operation on it
// answers rather than panics.
func FuzzStoredStream(f *testing.F) {
	good := storedStream(f)
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add([]byte(`{"id":"0123456789abcdef0123-abc","account":"000000000000","region":"us-east-1","name":"s","shards":[{"index":0}]}`))
	f.Add([]byte(`{"id":"0123456789abcdef0123-abc","account":"000000000000","region":"us-east-1","name":"s","status":"UPDATING","pending":{}}`))
	f.Add([]byte(`null`))
	f.Add([]byte(`{"id":"0123456789abcdef0123-abc","account":"000000000000","region":"us-east-1","name":"s","status":"ACTIVE","shards":[]}`))
	f.Add([]byte(`{"id":"0123456789abcdef0123-abc","account":"000000000000","region":"us-east-1","name":"s","status":"ACTIVE","retentionHours":-5,` +
		`"shards":[{"index":4,"hashRange":{"Start":{"Hi":9,"Lo":0},"End":{"Hi":1,"Lo":0}}},{"index":4,"parent":7}]}`))
	f.Fuzz(func(t *testing.T, value []byte) {
		ctx := context.Background()
		dir := t.TempDir()
		backend, err := embedded.Open(embedded.Options{Dir: dir})
		if err != nil {
			t.Fatal(err)
		}
		defer backend.Close()
		key := "streams/000000000000/us-east-1/s"
		if err := backend.Meta().Update(ctx, func(tx storage.MetaTx) error { return tx.Put(key, value) }); err != nil {
			t.Fatal(err)
		}
		svc, err := New(ctx, Config{}, backend)
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		defer svc.Close()
		c := Caller{Account: "000000000000", Region: "us-east-1"}
		ref := StreamRef{Name: "s"}
		svc.DescribeStream(ctx, c, ref, "DescribeStream")
		svc.ListShards(ctx, c, ListShardsParams{Ref: ref})
		svc.PutRecord(ctx, c, ref, PutEntry{PartitionKey: "k", Data: []byte("d")}, "", false)
		svc.PutRecords(ctx, c, ref, []PutEntry{{PartitionKey: "a", Data: []byte("d")}, {PartitionKey: "b"}}, false)
		if it, err := svc.GetShardIterator(ctx, c, ref, IteratorParams{ShardID: "shardId-000000000000", Type: "TRIM_HORIZON"}); err == nil {
			svc.GetRecords(ctx, c, it, "", 10, false)
		}
		svc.Stats()
	})
}

// storedStream returns what the service stores for a two-shard stream.
func storedStream(t testing.TB) []byte {
	ctx := context.Background()
	backend, err := embedded.Open(embedded.Options{Dir: filepath.Join(t.TempDir(), "d")})
	if err != nil {
		t.Fatal(err)
	}
	defer backend.Close()
	svc, err := New(ctx, Config{}, backend)
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	two := int64(2)
	c := Caller{Account: "000000000000", Region: "us-east-1"}
	if err := svc.CreateStream(ctx, c, CreateParams{Name: "s", ShardCount: &two}); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(svc.lookup(c, "s").snapshot())
	if err != nil {
		t.Fatal(err)
	}
	return b
}
