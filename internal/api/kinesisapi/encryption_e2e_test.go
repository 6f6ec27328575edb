package kinesisapi_test

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"sluice/internal/config"
	"sluice/internal/kms"
	"sluice/internal/kms/kmstest"
	"sluice/internal/storage"
	"sluice/internal/storage/embedded"
	"sluice/internal/streams"
	"sluice/internal/testserver"
)

// marker returns a string that appears nowhere by chance.
func marker(prefix string) string {
	var b [8]byte
	rand.Read(b[:])
	return prefix + "-" + hex.EncodeToString(b[:])
}

// sseRun is one run of the at-rest scenario: records written before,
// during and after encryption, with known plaintexts.
type sseRun struct {
	before, during, after []string // data (and partition keys: "pk-" + data)
}

func putKnown(t *testing.T, c *kinesis.Client, stream string, data []string, wantType types.EncryptionType) {
	t.Helper()
	out, err := c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String(stream), PartitionKey: aws.String("pk-" + data[0]), Data: []byte(data[0])})
	if err != nil {
		t.Fatal(err)
	}
	if out.EncryptionType != wantType && !(wantType == types.EncryptionTypeNone && out.EncryptionType == "") {
		t.Fatalf("PutRecord reports EncryptionType %q, want %q", out.EncryptionType, wantType)
	}
	var entries []types.PutRecordsRequestEntry
	for _, d := range data[1:] {
		entries = append(entries, types.PutRecordsRequestEntry{PartitionKey: aws.String("pk-" + d), Data: []byte(d)})
	}
	res, err := c.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String(stream), Records: entries})
	if err != nil || aws.ToInt32(res.FailedRecordCount) != 0 {
		t.Fatalf("PutRecords: %v %+v", err, res)
	}
}

// writeSSERun writes the scenario to stream, switching encryption on with
// keyID and off again.
func writeSSERun(t *testing.T, c *kinesis.Client, stream, keyID string) sseRun {
	t.Helper()
	var r sseRun
	for i := range 4 {
		r.before = append(r.before, marker(fmt.Sprint("BEFORE", i)))
		r.during = append(r.during, marker(fmt.Sprint("SECRET", i)))
		r.after = append(r.after, marker(fmt.Sprint("AFTER", i)))
	}
	putKnown(t, c, stream, r.before, types.EncryptionTypeNone)
	if _, err := c.StartStreamEncryption(ctx, &kinesis.StartStreamEncryptionInput{StreamName: aws.String(stream), EncryptionType: types.EncryptionTypeKms, KeyId: aws.String(keyID)}); err != nil {
		t.Fatal(err)
	}
	if d := waitActive(t, c, stream); d.EncryptionType != types.EncryptionTypeKms || aws.ToString(d.KeyId) != keyID {
		t.Fatalf("after StartStreamEncryption: %s %v", d.EncryptionType, d.KeyId)
	}
	putKnown(t, c, stream, r.during, types.EncryptionTypeKms)
	if _, err := c.StopStreamEncryption(ctx, &kinesis.StopStreamEncryptionInput{StreamName: aws.String(stream), EncryptionType: types.EncryptionTypeKms, KeyId: aws.String(keyID)}); err != nil {
		t.Fatal(err)
	}
	waitActive(t, c, stream)
	putKnown(t, c, stream, r.after, types.EncryptionTypeNone)
	return r
}

// checkReadable reads every shard of stream and wants every record of r,
// with its partition key and the EncryptionType it was written under.
func checkReadable(t *testing.T, c *kinesis.Client, stream string, r sseRun) {
	t.Helper()
	d := waitActive(t, c, stream)
	got := map[string]types.Record{}
	for _, sh := range d.Shards {
		for _, rec := range readAll(t, c, iterator(t, c, stream, *sh.ShardId, types.ShardIteratorTypeTrimHorizon, nil)) {
			got[string(rec.Data)] = rec
		}
	}
	for _, set := range []struct {
		data []string
		typ  types.EncryptionType
	}{{r.before, ""}, {r.during, types.EncryptionTypeKms}, {r.after, ""}} {
		for _, want := range set.data {
			rec, ok := got[want]
			if !ok {
				t.Fatalf("record %s not read back (read %d records)", want, len(got))
			}
			if aws.ToString(rec.PartitionKey) != "pk-"+want || rec.EncryptionType != set.typ {
				t.Fatalf("record %s: partition key %q, EncryptionType %q (want %q)", want, aws.ToString(rec.PartitionKey), rec.EncryptionType, set.typ)
			}
		}
	}
	if len(got) != len(r.before)+len(r.during)+len(r.after) {
		t.Fatalf("read %d records, wrote %d", len(got), len(r.before)+len(r.during)+len(r.after))
	}
}

// grepDir reports which of the needles appear in any file under dir.
func grepDir(t *testing.T, dir string, needles []string) map[string]bool {
	return testserver.FilesContaining(t, dir, needles)
}

// checkAtRest greps the data directory: no plaintext written while
// encryption was on (data or partition key), and (so that the grep is seen
// to work) the plaintext written before it.
func checkAtRest(t *testing.T, dir string, r sseRun) {
	t.Helper()
	var needles []string
	for _, s := range r.during {
		needles = append(needles, s, "pk-"+s)
	}
	needles = append(needles, r.before[0])
	found := grepDir(t, dir, needles)
	for _, s := range r.during {
		if found[s] || found["pk-"+s] {
			t.Fatalf("plaintext %s written under encryption is in the data directory", s)
		}
	}
	if !found[r.before[0]] {
		t.Fatalf("the plaintext written before encryption is not found either: the grep sees nothing")
	}
}

// checkModes wants every directory under dir 0700 and every file 0600.
func checkModes(t *testing.T, dir string) {
	t.Helper()
	var bad []string
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return nil // removed meanwhile
		}
		want := fs.FileMode(0o600)
		if d.IsDir() {
			want = 0o700
		}
		if info.Mode().Perm() != want {
			bad = append(bad, fmt.Sprintf("%s %v", path, info.Mode().Perm()))
		}
		return nil
	})
	if len(bad) > 0 {
		sort.Strings(bad)
		t.Fatalf("not private:\n%s", strings.Join(bad, "\n"))
	}
}

// TestEncryptionAtRest writes records before, during and after encryption
// with the local key file, finds none of those written during it on disk,
// and reads all of them back, through GetRecords and the internal readers,
// before and after a restart.
func TestEncryptionAtRest(t *testing.T) {
	testserver.SkipInCluster(t, "it greps the embedded store's files for plaintext")
	dir := testserver.TempDir(t)
	srv, c := start(t, testserver.WithDir(dir), testserver.WithTLS())
	createStream(t, c, "sse", 2)
	r := writeSSERun(t, c, "sse", "alias/aws/kinesis")
	checkReadable(t, c, "sse", r)
	checkInternalReaders(t, srv, r)
	checkAtRest(t, dir, r)
	if _, err := os.Stat(filepath.Join(dir, kms.KeyFileName)); err != nil {
		t.Fatalf("the key file: %v", err)
	}
	srv.Stop()
	checkModes(t, dir)

	srv2, c2 := start(t, testserver.WithDir(dir))
	checkReadable(t, c2, "sse", r)
	// A second round on the same stream, with a customer key made by the
	// operator, after the restart.
	keys, err := kms.OpenLocal(filepath.Join(dir, kms.KeyFileName), nil)
	if err != nil {
		t.Fatal(err)
	}
	key, err := keys.CreateKey(kms.Scope{Account: "000000000000", Region: "us-east-1"}, "alias/orders", "")
	if err != nil {
		t.Fatal(err)
	}
	r2 := writeSSERun(t, c2, "sse", key.ARN)
	srv2.Stop()
	checkAtRest(t, dir, r2)
	checkAtRest(t, dir, r)
	_, c3 := start(t, testserver.WithDir(dir))
	checkReadable(t, c3, "sse", sseRun{before: append(r.before, r2.before...), during: append(r.during, r2.during...), after: append(r.after, r2.after...)})
}

// checkInternalReaders reads the stream as Firehose and Data Analytics do
// (streams.ReadShard) and wants the plaintext.
func checkInternalReaders(t *testing.T, srv *testserver.Server, r sseRun) {
	t.Helper()
	got := map[string]string{}
	caller := streams.Caller{Account: "000000000000", Region: "us-east-1"}
	for shard := range uint32(2) {
		read, err := srv.Streams().ReadShard(caller, streams.StreamRef{Name: "sse"}, "", shard, 0, 1000, 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		for _, rec := range read.Records {
			got[string(rec.Data)] = rec.PartitionKey
		}
	}
	for _, s := range r.during {
		if got[s] != "pk-"+s {
			t.Fatalf("internal read of %s: partition key %q", s, got[s])
		}
	}
}

// TestEncryptionKeyErrors: StartStreamEncryption with an unknown, another
// account's or a disabled key; a key disabled while the stream is
// encrypted fails writes and reads (once the cached data keys are due)
// with KMSDisabledException, and enabling it again lets both through.
func TestEncryptionKeyErrors(t *testing.T) {
	testserver.SkipInCluster(t, "it edits the key file of the node's own data directory")
	dir := testserver.TempDir(t)
	_, c := start(t, testserver.WithDir(dir), testserver.WithStreams(func(sc *streams.Config) {
		sc.DataKeyLifetime, sc.DataKeyRecheck = 50*time.Millisecond, 50*time.Millisecond
	}))
	createStream(t, c, "k", 1)
	startEnc := func(stream, key string) error {
		_, err := c.StartStreamEncryption(ctx, &kinesis.StartStreamEncryptionInput{StreamName: aws.String(stream), EncryptionType: types.EncryptionTypeKms, KeyId: aws.String(key)})
		return err
	}
	wantAPIError(t, startEnc("k", "alias/missing"), "KMSNotFoundException", "Alias 'arn:aws:kms:us-east-1:000000000000:alias/missing' is not found.")
	wantAPIError(t, startEnc("k", "1234abcd-12ab-34cd-56ef-1234567890ab"), "KMSNotFoundException", "Key 'arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab' does not exist")
	wantAPIError(t, startEnc("k", "not-a-key"), "KMSNotFoundException", "Invalid keyId 'not-a-key'")
	wantAPIError(t, startEnc("missing", "alias/aws/kinesis"), "ResourceNotFoundException", "Stream missing under account 000000000000 not found.")

	keys, err := kms.OpenLocal(filepath.Join(dir, kms.KeyFileName), nil)
	if err != nil {
		t.Fatal(err)
	}
	scope := kms.Scope{Account: "000000000000", Region: "us-east-1"}
	key, err := keys.CreateKey(scope, "alias/app", "")
	if err != nil {
		t.Fatal(err)
	}
	other, err := keys.CreateKey(kms.Scope{Account: "111122223333", Region: "us-east-1"}, "", "")
	if err != nil {
		t.Fatal(err)
	}
	err = startEnc("k", other.ARN)
	wantAPIError(t, err, "KMSAccessDeniedException", "User: arn:aws:iam::000000000000:root is not authorized to perform: kms:DescribeKey on resource: "+other.ARN+" because no resource-based policy allows the kms:DescribeKey action")

	if err := startEnc("k", "alias/app"); err != nil {
		t.Fatal(err)
	}
	waitActive(t, c, "k")
	put := func() error {
		_, err := c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("k"), PartitionKey: aws.String("p"), Data: []byte("x")})
		return err
	}
	if err := put(); err != nil {
		t.Fatal(err)
	}
	if _, err := keys.SetState(scope, key.ID, kms.StateDisabled); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond) // the data key's lifetime and recheck
	disabled := key.ARN + " is disabled."
	wantAPIError(t, put(), "KMSDisabledException", disabled)
	it := iterator(t, c, "k", "shardId-000000000000", types.ShardIteratorTypeTrimHorizon, nil)
	_, err = c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: aws.String(it)})
	wantAPIError(t, err, "KMSDisabledException", disabled)
	createStream(t, c, "k2", 1)
	wantAPIError(t, startEnc("k2", key.ID), "KMSDisabledException", disabled)

	if _, err := keys.SetState(scope, key.ID, kms.StateEnabled); err != nil {
		t.Fatal(err)
	}
	if err := put(); err != nil {
		t.Fatal(err)
	}
	if recs := readAll(t, c, iterator(t, c, "k", "shardId-000000000000", types.ShardIteratorTypeTrimHorizon, nil)); len(recs) != 2 {
		t.Fatalf("read %d records after enabling the key, want 2", len(recs))
	}
}

// TestEncryptionRemoteKMS runs the at-rest scenario against a KMS API
// server (--kms-endpoint): its key is used through GenerateDataKey and
// Decrypt, no key file is made, a restart reads everything back, and KMS's
// errors come back as Kinesis's.
func TestEncryptionRemoteKMS(t *testing.T) {
	testserver.SkipInCluster(t, "it greps the embedded store's files for plaintext")
	ks := kmstest.Start(t)
	key := ks.CreateKey(t, "alias/orders")
	dir := testserver.TempDir(t)
	withKMS := testserver.WithConfig(func(cfg *config.Config) {
		cfg.KMSEndpoint, cfg.KMSAccessKey, cfg.KMSSecretKey = ks.URL, "AKIDKMS", "secret"
	})
	srv, c := start(t, testserver.WithDir(dir), withKMS)
	createStream(t, c, "remote", 2)
	r := writeSSERun(t, c, "remote", "alias/orders")
	checkReadable(t, c, "remote", r)
	if n := ks.Calls("GenerateDataKey"); n < 1 {
		t.Fatalf("GenerateDataKey called %d times", n)
	}
	if n := ks.Calls("DescribeKey"); n != 1 {
		t.Fatalf("DescribeKey called %d times, want once (StartStreamEncryption)", n)
	}
	srv.Stop()
	checkAtRest(t, dir, r)
	if _, err := os.Stat(filepath.Join(dir, kms.KeyFileName)); !os.IsNotExist(err) {
		t.Fatalf("a key file beside --kms-endpoint: %v", err)
	}
	decrypts := ks.Calls("Decrypt")
	_, c2 := start(t, testserver.WithDir(dir), withKMS)
	checkReadable(t, c2, "remote", r)
	if ks.Calls("Decrypt") <= decrypts {
		t.Fatal("the restarted server read encrypted records without Decrypt")
	}

	createStream(t, c2, "e", 1)
	startEnc := func(key string) error {
		_, err := c2.StartStreamEncryption(ctx, &kinesis.StartStreamEncryptionInput{StreamName: aws.String("e"), EncryptionType: types.EncryptionTypeKms, KeyId: aws.String(key)})
		return err
	}
	wantAPIError(t, startEnc("alias/nope"), "KMSNotFoundException", "Alias 'arn:aws:kms:us-east-1:111122223333:alias/nope' is not found.")
	ks.Fail("DescribeKey", "AccessDeniedException", "User: arn:aws:iam::111122223333:user/sluice is not authorized to perform: kms:DescribeKey")
	wantAPIError(t, startEnc("alias/orders"), "KMSAccessDeniedException", "User: arn:aws:iam::111122223333:user/sluice is not authorized to perform: kms:DescribeKey")
	ks.SetState(t, key.ID, kms.StateDisabled)
	wantAPIError(t, startEnc(key.ARN), "KMSDisabledException", key.ARN+" is disabled.")
	ks.Fail("DescribeKey", "KMSInvalidStateException", key.ARN+" is pending deletion.")
	wantAPIError(t, startEnc(key.ARN), "KMSInvalidStateException", key.ARN+" is pending deletion.")
}

// TestEncryptionMissingDataKey: records whose data key is gone from the
// metadata store (a meta.db restored from a backup older than them) cost
// only themselves: reads skip them and go on.
func TestEncryptionMissingDataKey(t *testing.T) {
	testserver.SkipInCluster(t, "it removes a data key from the embedded store's metadata")
	dir := testserver.TempDir(t)
	srv, c := start(t, testserver.WithDir(dir))
	createStream(t, c, "gone", 1)
	r := writeSSERun(t, c, "gone", "alias/aws/kinesis")
	srv.Stop()

	b, err := embedded.Open(embedded.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	b.Meta().Scan(ctx, "streamkeys/", func(k string, _ []byte) error { keys = append(keys, k); return nil })
	if len(keys) == 0 {
		t.Fatal("no stored data keys")
	}
	err = b.Meta().Update(ctx, func(tx storage.MetaTx) error {
		for _, k := range keys {
			if err := tx.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
	b.Close()
	if err != nil {
		t.Fatal(err)
	}

	_, c2 := start(t, testserver.WithDir(dir))
	recs := readAll(t, c2, iterator(t, c2, "gone", "shardId-000000000000", types.ShardIteratorTypeTrimHorizon, nil))
	var got []string
	for _, rec := range recs {
		got = append(got, string(rec.Data))
	}
	want := append(append([]string(nil), r.before...), r.after...)
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("read %v, want the plaintext records %v", got, want)
	}
}

// TestEncryptionSubscribe reads the scenario with SubscribeToShard: the
// plaintext of every record, each with the EncryptionType it is stored
// under.
func TestEncryptionSubscribe(t *testing.T) {
	_, c := start(t, testserver.WithStreams(func(cfg *streams.Config) { cfg.Heartbeat = 100 * time.Millisecond }))
	_, consumer := efoStream(t, c, "efo", 1)
	r := writeSSERun(t, c, "efo", "alias/aws/kinesis")
	sub, err := subscribe(t, c, consumer, "shardId-000000000000", types.StartingPosition{Type: types.ShardIteratorTypeTrimHorizon})
	if err != nil {
		t.Fatal(err)
	}
	got := sub.records(t, len(r.before)+len(r.during)+len(r.after))
	want := append(append(append([]string(nil), r.before...), r.during...), r.after...)
	for i, rec := range got {
		typ := types.EncryptionType("")
		if i >= len(r.before) && i < len(r.before)+len(r.during) {
			typ = types.EncryptionTypeKms
		}
		if string(rec.Data) != want[i] || aws.ToString(rec.PartitionKey) != "pk-"+want[i] || rec.EncryptionType != typ {
			t.Fatalf("record %d: %q %q %q, want %q (%q)", i, rec.Data, aws.ToString(rec.PartitionKey), rec.EncryptionType, want[i], typ)
		}
	}
}
