package cluster

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.etcd.io/etcd/server/v3/embed"
	"go.uber.org/zap"

	"sluice/internal/objectstore"
	"sluice/internal/storage"
	"sluice/internal/testserver"
)

// env is what the backend's tests share: one embedded etcd and one
// versitygw, started once by TestBackend for all its subtests.
type env struct {
	etcd   *clientv3.Client
	s3     *objectstore.S3
	vgw    *testserver.Versitygw
	bucket string
	fences atomic.Int64
}

const testBucket = "sluice-cluster-test"

func startEnv(t testing.TB) *env {
	vgw := testserver.StartVersitygw(t)
	e := &env{etcd: startEtcd(t), vgw: vgw, bucket: testBucket}
	e.s3 = objectstore.NewS3(objectstore.S3Options{
		Endpoint: vgw.Endpoint, Region: testserver.VersityRegion,
		AccessKey: testserver.VersityAccessKey, SecretKey: testserver.VersitySecretKey, PathStyle: true,
	})
	if err := e.s3.CreateBucket(t.Context(), e.bucket); err != nil {
		t.Fatal(err)
	}
	return e
}

// startEtcd starts a one-member etcd on 127.0.0.1 in a temporary
// directory and returns a client of it.
func startEtcd(t testing.TB) *clientv3.Client {
	t.Helper()
	return newTestEtcd(t).client(t)
}

// testEtcd is an embedded etcd that a test can stop and start again, on
// the same directory and addresses.
type testEtcd struct {
	cfg *embed.Config
	e   *embed.Etcd
}

func newTestEtcd(t testing.TB) *testEtcd {
	t.Helper()
	cfg := embed.NewConfig()
	cfg.Dir = t.TempDir()
	cfg.LogLevel = "error"
	cfg.ZapLoggerBuilder = embed.NewZapLoggerBuilder(zap.NewNop()) // not even the errors of its own shutdown
	client, peer := freeURL(t), freeURL(t)
	cfg.ListenClientUrls, cfg.AdvertiseClientUrls = []url.URL{client}, []url.URL{client}
	cfg.ListenPeerUrls, cfg.AdvertisePeerUrls = []url.URL{peer}, []url.URL{peer}
	cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)
	te := &testEtcd{cfg: cfg}
	te.start(t)
	t.Cleanup(te.stop)
	return te
}

func (te *testEtcd) start(t testing.TB) {
	t.Helper()
	e, err := embed.StartEtcd(te.cfg)
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-e.Server.ReadyNotify():
	case <-time.After(30 * time.Second):
		e.Close()
		t.Fatal("etcd did not become ready")
	}
	te.e = e
}

func (te *testEtcd) stop() {
	if te.e != nil {
		te.e.Close()
		te.e = nil
	}
}

// client returns a client of the etcd, closed when the test ends.
func (te *testEtcd) client(t testing.TB) *clientv3.Client {
	t.Helper()
	cli, err := clientv3.New(clientv3.Config{
		Endpoints: []string{te.cfg.ListenClientUrls[0].String()}, DialTimeout: 5 * time.Second, Logger: zap.NewNop(),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cli.Close() })
	return cli
}

func freeURL(t testing.TB) url.URL {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return url.URL{Scheme: "http", Host: ln.Addr().String()}
}

// fence creates a new election-like key and returns the fence on it.
func (e *env) fence(t testing.TB) Fence {
	t.Helper()
	key := fmt.Sprintf("/test/fences/%d", e.fences.Add(1))
	resp, err := e.etcd.Put(t.Context(), key, "owner")
	if err != nil {
		t.Fatal(err)
	}
	return Fence{Key: key, Revision: resp.Header.Revision}
}

// prefix is a fresh etcd (and object) prefix for one test.
func prefixOf(name string) string {
	sum := sha256.Sum256([]byte(name))
	return "/t" + hex.EncodeToString(sum[:6]) + "/"
}

// options returns options for a backend of the env under prefix.
func (e *env) options(prefix string, fence Fence) Options {
	return Options{
		Etcd:    e.etcd,
		Prefix:  prefix,
		Objects: e.s3,
		Bucket:  e.bucket,
		Fence:   fence,
	}
}

// open opens a backend, closed when the test ends.
func open(t testing.TB, o Options) *Backend {
	t.Helper()
	b, err := Open(t.Context(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

// crash stops the backend as a crash would: queued appends are not
// flushed, retired objects not deleted.
func (b *Backend) crash() {
	b.recs.abandon()
	b.closeOnce.Do(b.cancel)
	b.recs.bg.Wait()
}

// openLog opens log id of b.
func openTestLog(t testing.TB, b *Backend, id string) *clusterLog {
	t.Helper()
	l, err := b.Records().Open(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	return l.(*clusterLog)
}

// appendOne appends one record to shard and returns its counter.
func appendOne(t testing.TB, l storage.Log, shard uint32, data string) uint64 {
	t.Helper()
	res, err := l.Append(t.Context(), []storage.Batch{{Shard: shard, Records: []storage.Record{{PartitionKey: "k", Data: []byte(data)}}}})
	if err != nil {
		t.Fatal(err)
	}
	return res[0].FirstSeq
}

// readAll reads every record of shard.
func readAll(t testing.TB, l storage.Log, shard uint32) []storage.StoredRecord {
	t.Helper()
	recs, _, err := l.Read(shard, 1, 0, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// rangeKeys counts the range keys of log id under prefix.
func (e *env) rangeKeys(t testing.TB, prefix, id string) int {
	t.Helper()
	resp, err := e.etcd.Get(context.Background(), newKeys(prefix).ranges(id), clientv3.WithPrefix(), clientv3.WithCountOnly())
	if err != nil {
		t.Fatal(err)
	}
	return int(resp.Count)
}

// objects lists the object keys of log id under prefix.
func (e *env) objects(t testing.TB, prefix, id string) []string {
	t.Helper()
	keys, err := e.s3.List(context.Background(), e.bucket, newKeys(prefix).objects(id))
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

// eventually polls cond until it holds or d passes.
func eventually(t testing.TB, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %s", d, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func fmtStrings(s []string) string { return fmt.Sprint(s) }

// timeZero is a fixed time of whole milliseconds.
func timeZero() time.Time { return time.UnixMilli(1_700_000_000_123) }
