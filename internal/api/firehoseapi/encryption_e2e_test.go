package firehoseapi_test

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	"github.com/aws/aws-sdk-go-v2/service/firehose/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	ktypes "github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"sluice/internal/config"
	fh "sluice/internal/firehose"
	"sluice/internal/kms"
	"sluice/internal/kms/kmstest"
	"sluice/internal/testserver"
)

// Server-side encryption end to end: records put before, while and after
// encryption is on, with known plaintexts; the data directory grepped for
// them (the local bucket, <data-dir>/s3, is the destination and holds the
// plaintext, as an S3 bucket does on AWS); the delivered objects holding
// every record; and the same after a restart.

var sseScope = kms.Scope{Account: "000000000000", Region: "us-east-1"}

// marker returns a string that appears nowhere by chance.
func marker(prefix string) string {
	var b [8]byte
	rand.Read(b[:])
	return prefix + "-" + hex.EncodeToString(b[:])
}

func markers(prefix string, n int) []string {
	var out []string
	for i := range n {
		out = append(out, marker(fmt.Sprint(prefix, i)))
	}
	return out
}

// putSSE puts each record (newline-ended) in one PutRecordBatch and wants
// Encrypted as given.
func putSSE(t *testing.T, c *firehose.Client, name string, records []string, encrypted bool) {
	t.Helper()
	in := &firehose.PutRecordBatchInput{DeliveryStreamName: aws.String(name)}
	for _, r := range records {
		in.Records = append(in.Records, types.Record{Data: []byte(r + "\n")})
	}
	out, err := c.PutRecordBatch(t.Context(), in)
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToInt32(out.FailedPutCount) != 0 || aws.ToBool(out.Encrypted) != encrypted {
		t.Fatalf("PutRecordBatch: FailedPutCount %d, Encrypted %v (want %v)", aws.ToInt32(out.FailedPutCount), aws.ToBool(out.Encrypted), encrypted)
	}
}

func encryptionOf(t *testing.T, c *firehose.Client, name string) *types.DeliveryStreamEncryptionConfiguration {
	t.Helper()
	d, err := c.DescribeDeliveryStream(t.Context(), &firehose.DescribeDeliveryStreamInput{DeliveryStreamName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	return d.DeliveryStreamDescription.DeliveryStreamEncryptionConfiguration
}

func startSSE(t *testing.T, c *firehose.Client, name string, keyType types.KeyType, keyARN string) error {
	t.Helper()
	in := &firehose.StartDeliveryStreamEncryptionInput{DeliveryStreamName: aws.String(name),
		DeliveryStreamEncryptionConfigurationInput: &types.DeliveryStreamEncryptionConfigurationInput{KeyType: keyType}}
	if keyARN != "" {
		in.DeliveryStreamEncryptionConfigurationInput.KeyARN = aws.String(keyARN)
	}
	_, err := c.StartDeliveryStreamEncryption(t.Context(), in)
	return err
}

// grepData reports which needles appear in any file under the data
// directory, the local bucket (the destination) left out.
func grepData(t *testing.T, dir string, needles []string) map[string]bool {
	return testserver.FilesContaining(t, dir, needles, "s3")
}

// checkAtRest wants none of secret on disk, and (so that the grep is seen
// to work) every one of plain.
func checkAtRest(t *testing.T, dir string, secret, plain []string) {
	t.Helper()
	found := grepData(t, dir, append(append([]string(nil), secret...), plain...))
	for _, s := range secret {
		if found[s] {
			t.Fatalf("plaintext %s, written under encryption, is in the data directory", s)
		}
	}
	for _, s := range plain {
		if !found[s] {
			t.Fatalf("plaintext %s, written without encryption, is not found either: the grep sees nothing", s)
		}
	}
}

// delivered returns everything delivered to the local bucket.
func delivered(t *testing.T, srv *testserver.Server, bucket string) string {
	t.Helper()
	var all strings.Builder
	for _, k := range localObjects(t, srv, bucket) {
		all.Write(readLocal(t, srv, bucket, k))
	}
	return all.String()
}

// waitDelivered moves the clock past the buffering interval until every
// record is in the bucket.
func waitDelivered(t *testing.T, srv *testserver.Server, clock *testserver.Clock, bucket string, records []string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		got := delivered(t, srv, bucket)
		missing := ""
		for _, r := range records {
			if !strings.Contains(got, r+"\n") {
				missing = r
				break
			}
		}
		if missing == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not delivered after 20 s", missing)
		}
		clock.Advance(61 * time.Second)
		time.Sleep(50 * time.Millisecond)
	}
}

func cat(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// TestEncryptionAtRest: records put before, while (an AWS owned key, then
// a customer managed key) and after encryption is on; none of those put
// under encryption is on disk, all are delivered, through two restarts
// (one before any delivery), and Data Analytics' view of the log
// (Service.Log) reads them all in plaintext.
func TestEncryptionAtRest(t *testing.T) {
	clock := testserver.NewClock()
	dir := testserver.TempDir(t)
	opts := []testserver.Option{testserver.WithDir(dir), testserver.WithClock(clock.Now), testserver.WithTLS()}
	srv := testserver.Start(t, opts...)
	c := srv.FirehoseClient()
	createS3(t, c, "sse", types.ExtendedS3DestinationConfiguration{
		BufferingHints: &types.BufferingHints{SizeInMBs: aws.Int32(1), IntervalInSeconds: aws.Int32(60)},
	})
	if e := encryptionOf(t, c, "sse"); e.Status != types.DeliveryStreamEncryptionStatusDisabled {
		t.Fatalf("a new delivery stream's encryption: %+v", e)
	}
	before, owned, customer, after := markers("BEFORE", 3), markers("OWNED", 3), markers("CUSTOMER", 3), markers("AFTER", 3)

	putSSE(t, c, "sse", before, false)
	if err := startSSE(t, c, "sse", types.KeyTypeAwsOwnedCmk, ""); err != nil {
		t.Fatal(err)
	}
	if e := encryptionOf(t, c, "sse"); e.Status != types.DeliveryStreamEncryptionStatusEnabled || e.KeyType != types.KeyTypeAwsOwnedCmk || e.KeyARN != nil || e.FailureDescription != nil {
		t.Fatalf("after StartDeliveryStreamEncryption: %+v", e)
	}
	putSSE(t, c, "sse", owned, true)

	keys, err := kms.OpenLocal(filepath.Join(dir, kms.KeyFileName), nil)
	if err != nil {
		t.Fatal(err)
	}
	key, err := keys.CreateKey(sseScope, "alias/firehose-orders", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := startSSE(t, c, "sse", types.KeyTypeCustomerManagedCmk, key.ARN); err != nil {
		t.Fatal(err)
	}
	if e := encryptionOf(t, c, "sse"); e.Status != types.DeliveryStreamEncryptionStatusEnabled || e.KeyType != types.KeyTypeCustomerManagedCmk || aws.ToString(e.KeyARN) != key.ARN {
		t.Fatalf("after changing the key: %+v", e)
	}
	putSSE(t, c, "sse", customer, true)

	// A restart before anything is delivered: the records are read back
	// from the log, sealed ones opened with their data keys from meta.db.
	srv.Stop()
	checkAtRest(t, dir, cat(owned, customer), before)
	srv = testserver.Start(t, opts...)
	c = srv.FirehoseClient()
	if e := encryptionOf(t, c, "sse"); e.Status != types.DeliveryStreamEncryptionStatusEnabled || aws.ToString(e.KeyARN) != key.ARN {
		t.Fatalf("after a restart: %+v", e)
	}
	if _, err := c.StopDeliveryStreamEncryption(t.Context(), &firehose.StopDeliveryStreamEncryptionInput{DeliveryStreamName: aws.String("sse")}); err != nil {
		t.Fatal(err)
	}
	if e := encryptionOf(t, c, "sse"); e.Status != types.DeliveryStreamEncryptionStatusDisabled || e.KeyType != "" || e.KeyARN != nil {
		t.Fatalf("after StopDeliveryStreamEncryption: %+v", e)
	}
	putSSE(t, c, "sse", after, false)

	_, lg, err := srv.Firehose().Log(fh.Caller{Account: "000000000000", Region: "us-east-1"}, "sse")
	if err != nil {
		t.Fatal(err)
	}
	recs, _, err := lg.Read(0, 1, 100, 1<<20, 0)
	if err != nil {
		t.Fatal(err)
	}
	var read strings.Builder
	for _, r := range recs {
		read.Write(r.Data)
	}
	for _, m := range cat(before, owned, customer, after) {
		if !strings.Contains(read.String(), m+"\n") {
			t.Fatalf("Service.Log does not read %s in plaintext", m)
		}
	}

	all := cat(before, owned, customer, after)
	waitDelivered(t, srv, clock, "bucket", all)
	srv.Stop()
	checkAtRest(t, dir, cat(owned, customer), cat(before, after))
	if got := delivered(t, srv, "bucket"); strings.Count(got, "\n") != len(all) {
		t.Fatalf("%d records delivered, want %d:\n%s", strings.Count(got, "\n"), len(all), got)
	}

	// After a second restart, encrypted again, delivered again.
	srv = testserver.Start(t, opts...)
	c = srv.FirehoseClient()
	if err := startSSE(t, c, "sse", types.KeyTypeCustomerManagedCmk, key.ARN); err != nil {
		t.Fatal(err)
	}
	again := markers("AGAIN", 2)
	putSSE(t, c, "sse", again, true)
	waitDelivered(t, srv, clock, "bucket", again)
	srv.Stop()
	checkAtRest(t, dir, cat(owned, customer, again), cat(before, after))
}

// TestEncryptionAtCreate: a delivery stream created with
// DeliveryStreamEncryptionConfigurationInput seals from its first record.
func TestEncryptionAtCreate(t *testing.T) {
	clock := testserver.NewClock()
	dir := testserver.TempDir(t)
	srv := testserver.Start(t, testserver.WithDir(dir), testserver.WithClock(clock.Now), testserver.WithTLS())
	c := srv.FirehoseClient()
	keys, err := kms.OpenLocal(filepath.Join(dir, kms.KeyFileName), nil)
	if err != nil {
		t.Fatal(err)
	}
	key, err := keys.CreateKey(sseScope, "", "")
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateDeliveryStream(t.Context(), &firehose.CreateDeliveryStreamInput{
		DeliveryStreamName: aws.String("born"),
		DeliveryStreamEncryptionConfigurationInput: &types.DeliveryStreamEncryptionConfigurationInput{
			KeyType: types.KeyTypeCustomerManagedCmk, KeyARN: aws.String(key.ARN)},
		ExtendedS3DestinationConfiguration: &types.ExtendedS3DestinationConfiguration{
			RoleARN: aws.String(e2eRole), BucketARN: aws.String("arn:aws:s3:::born"),
			BufferingHints: &types.BufferingHints{SizeInMBs: aws.Int32(1), IntervalInSeconds: aws.Int32(60)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	waitActive(t, c, "born")
	if e := encryptionOf(t, c, "born"); e.Status != types.DeliveryStreamEncryptionStatusEnabled || aws.ToString(e.KeyARN) != key.ARN {
		t.Fatalf("created encrypted: %+v", e)
	}
	secret := markers("BORN", 3)
	putSSE(t, c, "born", secret, true)
	// A plaintext control in the same directory: a data stream's record.
	control := marker("CONTROL")
	ks := srv.Kinesis()
	if _, err := ks.CreateStream(t.Context(), &kinesis.CreateStreamInput{StreamName: aws.String("control"), ShardCount: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	if _, err := ks.PutRecord(t.Context(), &kinesis.PutRecordInput{StreamName: aws.String("control"), PartitionKey: aws.String("p"), Data: []byte(control)}); err != nil {
		t.Fatal(err)
	}
	checkAtRest(t, dir, secret, []string{control})
	waitDelivered(t, srv, clock, "born", secret)
}

// TestEncryptionKinesisSource: a Kinesis source's records that the data
// stream stored encrypted are sealed in the delivery stream's log too (AWS
// keeps no copy at rest); the others are kept as they are; all are
// delivered.
func TestEncryptionKinesisSource(t *testing.T) {
	clock := testserver.NewClock()
	dir := testserver.TempDir(t)
	srv := testserver.Start(t, testserver.WithDir(dir), testserver.WithClock(clock.Now), testserver.WithTLS(),
		testserver.WithFirehose(func(c *fh.Config) { c.SourcePoll = 20 * time.Millisecond }))
	ks, c := srv.Kinesis(), srv.FirehoseClient()
	ctx := t.Context()
	if _, err := ks.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("src"), ShardCount: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	_, err := c.CreateDeliveryStream(ctx, &firehose.CreateDeliveryStreamInput{
		DeliveryStreamName:               aws.String("from-kinesis"),
		DeliveryStreamType:               types.DeliveryStreamTypeKinesisStreamAsSource,
		KinesisStreamSourceConfiguration: &types.KinesisStreamSourceConfiguration{KinesisStreamARN: aws.String("arn:aws:kinesis:us-east-1:000000000000:stream/src"), RoleARN: aws.String(e2eRole)},
		ExtendedS3DestinationConfiguration: &types.ExtendedS3DestinationConfiguration{
			RoleARN: aws.String(e2eRole), BucketARN: aws.String("arn:aws:s3:::lake"),
			BufferingHints: &types.BufferingHints{SizeInMBs: aws.Int32(1), IntervalInSeconds: aws.Int32(60)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	waitActive(t, c, "from-kinesis")
	if err := startSSE(t, c, "from-kinesis", types.KeyTypeAwsOwnedCmk, ""); apiCode(err) != "InvalidArgumentException" {
		t.Fatalf("StartDeliveryStreamEncryption on a Kinesis source: %v", err)
	}
	putK := func(records []string) {
		for _, r := range records {
			if _, err := ks.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("src"), PartitionKey: aws.String("p"), Data: []byte(r + "\n")}); err != nil {
				t.Fatal(err)
			}
		}
	}
	plain, secret := markers("PLAIN", 2), markers("SECRET", 2)
	putK(plain)
	if _, err := ks.StartStreamEncryption(ctx, &kinesis.StartStreamEncryptionInput{StreamName: aws.String("src"), EncryptionType: ktypes.EncryptionTypeKms, KeyId: aws.String("alias/aws/kinesis")}); err != nil {
		t.Fatal(err)
	}
	putK(secret)
	deadline := time.Now().Add(10 * time.Second)
	for {
		d, err := srv.Firehose().DeliveryMetrics(fh.Caller{Account: "000000000000", Region: "us-east-1"}, "from-kinesis")
		if err != nil {
			t.Fatal(err)
		}
		if d.IncomingRecords.Load() >= 4 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d records read from the source", d.IncomingRecords.Load())
		}
		time.Sleep(20 * time.Millisecond)
	}
	checkAtRest(t, dir, secret, plain)
	waitDelivered(t, srv, clock, "lake", cat(plain, secret))
}

// TestEncryptionKeyErrors: a customer managed key that does not exist, is
// disabled or is another account's is refused at once
// (InvalidKMSResourceException with KMS's code and message) and changes
// nothing; one disabled while ENABLING ends ENABLING_FAILED with a
// FailureDescription, the records staying as they are; one disabled while
// ENABLED fails puts once the data key is due, and enabling it again lets
// them and the deliveries through.
func TestEncryptionKeyErrors(t *testing.T) {
	clock := testserver.NewClock()
	dir := testserver.TempDir(t)
	srv := testserver.Start(t, testserver.WithDir(dir), testserver.WithClock(clock.Now), testserver.WithTLS(),
		testserver.WithFirehose(func(c *fh.Config) { c.DataKeyLifetime, c.DataKeyRecheck = time.Second, time.Second }))
	c := srv.FirehoseClient()
	createS3(t, c, "k", types.ExtendedS3DestinationConfiguration{
		BufferingHints: &types.BufferingHints{SizeInMBs: aws.Int32(1), IntervalInSeconds: aws.Int32(60)},
	})
	keys, err := kms.OpenLocal(filepath.Join(dir, kms.KeyFileName), nil)
	if err != nil {
		t.Fatal(err)
	}
	key, err := keys.CreateKey(sseScope, "alias/app", "")
	if err != nil {
		t.Fatal(err)
	}
	other, err := keys.CreateKey(kms.Scope{Account: "111122223333", Region: "us-east-1"}, "", "")
	if err != nil {
		t.Fatal(err)
	}
	wantKMS := func(err error, code, msg string) {
		t.Helper()
		var e *types.InvalidKMSResourceException
		if !errors.As(err, &e) || aws.ToString(e.Code) != code || aws.ToString(e.Message) != msg {
			t.Fatalf("got %v, want InvalidKMSResourceException %s: %s", err, code, msg)
		}
	}
	missing := kms.KeyARN("us-east-1", "000000000000", "1234abcd-12ab-34cd-56ef-1234567890ab")
	wantKMS(startSSE(t, c, "k", types.KeyTypeCustomerManagedCmk, missing), "NotFoundException", "Key '"+missing+"' does not exist")
	wantKMS(startSSE(t, c, "k", types.KeyTypeCustomerManagedCmk, "arn:aws:kms:us-east-1:000000000000:alias/nope"), "NotFoundException",
		"Alias 'arn:aws:kms:us-east-1:000000000000:alias/nope' is not found.")
	wantKMS(startSSE(t, c, "k", types.KeyTypeCustomerManagedCmk, other.ARN), "AccessDeniedException",
		"User: arn:aws:iam::000000000000:root is not authorized to perform: kms:DescribeKey on resource: "+other.ARN+" because no resource-based policy allows the kms:DescribeKey action")
	if _, err := keys.SetState(sseScope, key.ID, kms.StateDisabled); err != nil {
		t.Fatal(err)
	}
	wantKMS(startSSE(t, c, "k", types.KeyTypeCustomerManagedCmk, key.ARN), "DisabledException", key.ARN+" is disabled.")
	_, err = c.CreateDeliveryStream(t.Context(), &firehose.CreateDeliveryStreamInput{
		DeliveryStreamName: aws.String("never"),
		DeliveryStreamEncryptionConfigurationInput: &types.DeliveryStreamEncryptionConfigurationInput{
			KeyType: types.KeyTypeCustomerManagedCmk, KeyARN: aws.String(key.ARN)},
		ExtendedS3DestinationConfiguration: &types.ExtendedS3DestinationConfiguration{RoleARN: aws.String(e2eRole), BucketARN: aws.String("arn:aws:s3:::b")},
	})
	wantKMS(err, "DisabledException", key.ARN+" is disabled.")
	if _, err := c.DescribeDeliveryStream(t.Context(), &firehose.DescribeDeliveryStreamInput{DeliveryStreamName: aws.String("never")}); apiCode(err) != "ResourceNotFoundException" {
		t.Fatalf("a delivery stream refused for its key exists: %v", err)
	}
	if e := encryptionOf(t, c, "k"); e.Status != types.DeliveryStreamEncryptionStatusDisabled {
		t.Fatalf("refused starts changed the encryption: %+v", e)
	}

	// Enabled with the key, which is then disabled: puts fail once the
	// data key is due; enabled again, they go through.
	if _, err := keys.SetState(sseScope, key.ID, kms.StateEnabled); err != nil {
		t.Fatal(err)
	}
	if err := startSSE(t, c, "k", types.KeyTypeCustomerManagedCmk, key.ARN); err != nil {
		t.Fatal(err)
	}
	first := markers("FIRST", 2)
	putSSE(t, c, "k", first, true)
	if _, err := keys.SetState(sseScope, key.ID, kms.StateDisabled); err != nil {
		t.Fatal(err)
	}
	clock.Advance(2 * time.Second) // the data key's lifetime
	_, err = c.PutRecord(t.Context(), &firehose.PutRecordInput{DeliveryStreamName: aws.String("k"), Record: &types.Record{Data: []byte("x\n")}})
	wantKMS(err, "DisabledException", key.ARN+" is disabled.")
	if _, err := keys.SetState(sseScope, key.ID, kms.StateEnabled); err != nil {
		t.Fatal(err)
	}
	second := markers("SECOND", 2)
	putSSE(t, c, "k", second, true)
	waitDelivered(t, srv, clock, "bucket", cat(first, second))

	// A key disabled while ENABLING: ENABLING_FAILED, records as they are.
	srv.Stop()
	srv = testserver.Start(t, testserver.WithDir(dir), testserver.WithClock(clock.Now), testserver.WithTLS(),
		testserver.WithConfig(func(cfg *config.Config) { cfg.UpdateDelay = 300 * time.Millisecond }))
	c = srv.FirehoseClient()
	createS3(t, c, "slow", types.ExtendedS3DestinationConfiguration{})
	key2, err := keys.CreateKey(sseScope, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := startSSE(t, c, "slow", types.KeyTypeCustomerManagedCmk, key2.ARN); err != nil {
		t.Fatal(err)
	}
	if e := encryptionOf(t, c, "slow"); e.Status != types.DeliveryStreamEncryptionStatusEnabling {
		t.Fatalf("right after StartDeliveryStreamEncryption: %+v", e)
	}
	putSSE(t, c, "slow", []string{"while-enabling"}, false)
	if _, err := keys.SetState(sseScope, key2.ID, kms.StateDisabled); err != nil {
		t.Fatal(err)
	}
	var e *types.DeliveryStreamEncryptionConfiguration
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if e = encryptionOf(t, c, "slow"); e.Status != types.DeliveryStreamEncryptionStatusEnabling || time.Now().After(deadline) {
			break
		}
	}
	if e.Status != types.DeliveryStreamEncryptionStatusEnablingFailed || e.FailureDescription == nil ||
		e.FailureDescription.Type != types.DeliveryStreamFailureTypeDisabledKmsKey || aws.ToString(e.FailureDescription.Details) != key2.ARN+" is disabled." {
		t.Fatalf("a key disabled while ENABLING: %+v %+v", e, e.FailureDescription)
	}
	putSSE(t, c, "slow", []string{"after-failure"}, false)
	// Started again with a good key, it is ENABLED and the failure gone.
	if err := startSSE(t, c, "slow", types.KeyTypeAwsOwnedCmk, ""); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if e = encryptionOf(t, c, "slow"); e.Status != types.DeliveryStreamEncryptionStatusEnabling || time.Now().After(deadline) {
			break
		}
	}
	if e.Status != types.DeliveryStreamEncryptionStatusEnabled || e.FailureDescription != nil {
		t.Fatalf("started again: %+v", e)
	}
	putSSE(t, c, "slow", []string{"encrypted"}, true)
}

// TestEncryptionRemoteKMS: with --kms-endpoint, a customer managed key is
// checked with DescribeKey and used through GenerateDataKey and Decrypt;
// KMS's refusals come back as InvalidKMSResourceException.
func TestEncryptionRemoteKMS(t *testing.T) {
	ks := kmstest.Start(t)
	key := ks.CreateKey(t, "alias/orders")
	clock := testserver.NewClock()
	dir := testserver.TempDir(t)
	srv := testserver.Start(t, testserver.WithDir(dir), testserver.WithClock(clock.Now), testserver.WithTLS(),
		testserver.WithConfig(func(cfg *config.Config) {
			cfg.KMSEndpoint, cfg.KMSAccessKey, cfg.KMSSecretKey = ks.URL, "AKIDKMS", "secret"
		}))
	c := srv.FirehoseClient()
	createS3(t, c, "remote", types.ExtendedS3DestinationConfiguration{
		BufferingHints: &types.BufferingHints{SizeInMBs: aws.Int32(1), IntervalInSeconds: aws.Int32(60)},
	})
	if err := startSSE(t, c, "remote", types.KeyTypeCustomerManagedCmk, key.ARN); err != nil {
		t.Fatal(err)
	}
	secret := markers("REMOTE", 2)
	putSSE(t, c, "remote", secret, true)
	if ks.Calls("GenerateDataKey") < 1 || ks.Calls("DescribeKey") != 1 {
		t.Fatalf("GenerateDataKey %d, DescribeKey %d", ks.Calls("GenerateDataKey"), ks.Calls("DescribeKey"))
	}
	waitDelivered(t, srv, clock, "bucket", secret)
	ks.SetState(t, key.ID, kms.StateDisabled)
	createS3(t, c, "other", types.ExtendedS3DestinationConfiguration{})
	err := startSSE(t, c, "other", types.KeyTypeCustomerManagedCmk, key.ARN)
	var e *types.InvalidKMSResourceException
	if !errors.As(err, &e) || aws.ToString(e.Code) != "DisabledException" || aws.ToString(e.Message) != key.ARN+" is disabled." {
		t.Fatalf("a disabled remote key: %v", err)
	}
	srv.Stop()
	checkAtRest(t, dir, secret, nil)
}
