package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	firehoseclient "github.com/aws/aws-sdk-go-v2/service/firehose"
	fhtypes "github.com/aws/aws-sdk-go-v2/service/firehose/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"sluice/internal/recovery"
	"sluice/internal/storage"
	"sluice/internal/storage/embedded"
	"sluice/internal/testserver"
)

// stored is one record as a consumer sees it.
type stored struct{ shard, seq, data string }

// putN writes n records to a stream and returns them as acknowledged.
func putN(t *testing.T, c *kinesis.Client, stream string, n int) []stored {
	t.Helper()
	var out []stored
	for i := range n {
		data := fmt.Sprintf("%s-%d", stream, i)
		r, err := c.PutRecord(context.Background(), &kinesis.PutRecordInput{
			StreamName: aws.String(stream), PartitionKey: aws.String(fmt.Sprint(i)), Data: []byte(data),
		})
		if err != nil {
			t.Fatalf("PutRecord %s: %v", stream, err)
		}
		out = append(out, stored{*r.ShardId, *r.SequenceNumber, data})
	}
	return out
}

// readStream reads every record of every shard of a stream.
func readStream(t *testing.T, c *kinesis.Client, stream string) []stored {
	t.Helper()
	ctx := context.Background()
	shards, err := c.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String(stream)})
	if err != nil {
		t.Fatalf("ListShards %s: %v", stream, err)
	}
	var out []stored
	for _, sh := range shards.Shards {
		it, err := c.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{
			StreamName: aws.String(stream), ShardId: sh.ShardId, ShardIteratorType: types.ShardIteratorTypeTrimHorizon,
		})
		if err != nil {
			t.Fatal(err)
		}
		iter := it.ShardIterator
		for iter != nil {
			page, err := c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: iter})
			if err != nil {
				t.Fatalf("GetRecords %s: %v", stream, err)
			}
			for _, r := range page.Records {
				out = append(out, stored{*sh.ShardId, *r.SequenceNumber, string(r.Data)})
			}
			if len(page.Records) == 0 {
				break
			}
			iter = page.NextShardIterator
		}
	}
	return out
}

// sameRecords fails unless got holds exactly want (in any order).
func sameRecords(t *testing.T, what string, got, want []stored) {
	t.Helper()
	key := func(s stored) string { return s.shard + "/" + s.seq + "/" + s.data }
	g, w := make([]string, len(got)), make([]string, len(want))
	for i := range got {
		g[i] = key(got[i])
	}
	for i := range want {
		w[i] = key(want[i])
	}
	sort.Strings(g)
	sort.Strings(w)
	if !slices.Equal(g, w) {
		t.Fatalf("%s: %d records read, %d expected; first read %v, first expected %v", what, len(g), len(w), first(g), first(w))
	}
}

func first(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return s[0]
}

// health returns GET /healthcheck's status and body.
func health(t *testing.T, srv *testserver.Server) (int, map[string]any) {
	t.Helper()
	resp, err := http.Get(srv.URL + "/healthcheck")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	b, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(b, &body); err != nil {
		t.Fatalf("healthcheck body %q: %v", b, err)
	}
	return resp.StatusCode, body
}

func createStream(t *testing.T, c *kinesis.Client, name string, shards int32) {
	t.Helper()
	if _, err := c.CreateStream(context.Background(), &kinesis.CreateStreamInput{StreamName: aws.String(name), ShardCount: aws.Int32(shards)}); err != nil {
		t.Fatal(err)
	}
}

func streamNames(t *testing.T, c *kinesis.Client) []string {
	t.Helper()
	out, err := c.ListStreams(context.Background(), &kinesis.ListStreamsInput{})
	if err != nil {
		t.Fatal(err)
	}
	return out.StreamNames
}

// recoverCmd runs `sluice recover` with args on dir.
func recoverCmd(t *testing.T, dir string, args ...string) string {
	t.Helper()
	var out, errs bytes.Buffer
	if code := recovery.Recover(context.Background(), append([]string{"--data-dir", dir}, args...), nil, &out, &errs); code != 0 {
		t.Logf("sluice recover %v exited %d: %s", args, code, errs.String())
	}
	return out.String() + errs.String()
}

// TestMetadataLossQuarantinesThenRestores deletes meta.db of a stopped
// server: the next start deletes nothing, quarantines every log and says
// so; `sluice recover` lists them and marks them, and the start after that
// brings every stream and delivery stream back with every record and
// sequence number, except the one whose name was taken meanwhile, which
// stays in quarantine.
func TestMetadataLossQuarantinesThenRestores(t *testing.T) {
	dir := testserver.TempDir(t)
	srv := testserver.Start(t, testserver.WithDir(dir))
	c := srv.Kinesis()
	createStream(t, c, "orders", 3)
	createStream(t, c, "clicks", 1)
	orders, clicks := putN(t, c, "orders", 60), putN(t, c, "clicks", 10)
	fh := srv.FirehoseClient()
	_, err := fh.CreateDeliveryStream(context.Background(), &firehoseclient.CreateDeliveryStreamInput{
		DeliveryStreamName: aws.String("hose"),
		ExtendedS3DestinationConfiguration: &fhtypes.ExtendedS3DestinationConfiguration{
			RoleARN: aws.String("arn:aws:iam::000000000000:role/r"), BucketARN: aws.String("arn:aws:s3:::b"),
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	srv.Stop()

	if err := os.Remove(filepath.Join(dir, "meta.db")); err != nil {
		t.Fatal(err)
	}
	srv = testserver.Start(t, testserver.WithDir(dir))
	c = srv.Kinesis()
	if names := streamNames(t, c); len(names) != 0 {
		t.Fatalf("streams without metadata: %v", names)
	}
	code, body := health(t, srv)
	if q, _ := body["quarantined"].([]any); code != http.StatusOK || len(q) != 3 {
		t.Fatalf("healthcheck = %d %v, want 200 with 3 quarantined logs", code, body)
	}
	if m := metricsText(t, srv); !strings.Contains(m, "sluice_storage_quarantined_logs 3") {
		t.Fatalf("/metrics does not count the quarantined logs:\n%s", grepLines(m, "sluice_storage"))
	}
	// Meanwhile somebody creates a stream named like a lost one.
	createStream(t, c, "clicks", 2)
	srv.Stop()

	listing := recoverCmd(t, dir)
	for _, want := range []string{"orders", "clicks", "hose", "delivery stream", "yes"} {
		if !strings.Contains(listing, want) {
			t.Fatalf("sluice recover does not list %q:\n%s", want, listing)
		}
	}
	recoverCmd(t, dir, "--restore", "all")

	srv = testserver.Start(t, testserver.WithDir(dir))
	c = srv.Kinesis()
	sameRecords(t, "orders after restore", readStream(t, c, "orders"), orders)
	if got := readStream(t, c, "clicks"); len(got) != 0 {
		t.Fatalf("the new clicks stream holds %d records", len(got))
	}
	hoses, err := srv.FirehoseClient().ListDeliveryStreams(context.Background(), &firehoseclient.ListDeliveryStreamsInput{})
	if err != nil || !slices.Equal(hoses.DeliveryStreamNames, []string{"hose"}) {
		t.Fatalf("delivery streams after restore: %v, %v", hoses, err)
	}
	// The old clicks could not come back: it is still quarantined, whole.
	if _, body := health(t, srv); len(body["quarantined"].([]any)) != 1 {
		t.Fatalf("healthcheck after restore: %v", body)
	}
	logs, _ := embedded.ListQuarantined(dir)
	if len(logs) != 1 || !strings.Contains(logs[0].Manifest.Key, "clicks") {
		t.Fatalf("quarantined after restore: %+v", logs)
	}
	// Sequence numbers go on from where they were.
	more := putN(t, c, "orders", 5)
	for _, r := range more {
		for _, old := range orders {
			if old.shard == r.shard && len(r.seq) == len(old.seq) && r.seq <= old.seq {
				t.Fatalf("sequence number %s after restore is not above %s", r.seq, old.seq)
			}
		}
	}
	_ = clicks
}

// TestDamagedStreamKey damages one stream's metadata value: the server
// starts, serves the other streams, and keeps the damaged one's records in
// quarantine until `sluice recover` restores them over the damaged key.
func TestDamagedStreamKey(t *testing.T) {
	dir := testserver.TempDir(t)
	srv := testserver.Start(t, testserver.WithDir(dir))
	c := srv.Kinesis()
	createStream(t, c, "good", 1)
	createStream(t, c, "bad", 2)
	good, bad := putN(t, c, "good", 5), putN(t, c, "bad", 20)
	srv.Stop()

	b, err := embedded.Open(embedded.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	err = b.Meta().Update(context.Background(), func(tx storage.MetaTx) error {
		return tx.Put("streams/000000000000/us-east-1/bad", []byte(`{"id":`))
	})
	b.Close()
	if err != nil {
		t.Fatal(err)
	}

	srv = testserver.Start(t, testserver.WithDir(dir))
	c = srv.Kinesis()
	if names := streamNames(t, c); !slices.Equal(names, []string{"good"}) {
		t.Fatalf("streams = %v", names)
	}
	sameRecords(t, "good", readStream(t, c, "good"), good)
	srv.Stop()

	recoverCmd(t, dir, "--restore", "all")
	srv = testserver.Start(t, testserver.WithDir(dir))
	c = srv.Kinesis()
	sameRecords(t, "bad after restore", readStream(t, c, "bad"), bad)
	sameRecords(t, "good after restore", readStream(t, c, "good"), good)
}

// TestDamagedMetaFile cuts meta.db short: the server refuses to start with
// an error naming the file and what to do, and doing it brings everything
// back.
func TestDamagedMetaFile(t *testing.T) {
	dir := testserver.TempDir(t)
	srv := testserver.Start(t, testserver.WithDir(dir))
	c := srv.Kinesis()
	createStream(t, c, "s", 2)
	want := putN(t, c, "s", 30)
	srv.Stop()

	meta := filepath.Join(dir, "meta.db")
	info, _ := os.Stat(meta)
	if err := os.Truncate(meta, info.Size()/2); err != nil {
		t.Fatal(err)
	}
	_, err := embedded.Open(embedded.Options{Dir: dir})
	if err == nil || !strings.Contains(err.Error(), meta) || !strings.Contains(err.Error(), "sluice recover") {
		t.Fatalf("opening a cut meta.db: %v", err)
	}
	// What the message says to do.
	if err := os.Rename(meta, meta+".damaged"); err != nil {
		t.Fatal(err)
	}
	srv = testserver.Start(t, testserver.WithDir(dir))
	srv.Stop()
	recoverCmd(t, dir, "--restore", "all")
	srv = testserver.Start(t, testserver.WithDir(dir))
	sameRecords(t, "after following the message", readStream(t, srv.Kinesis(), "s"), want)
}

// TestUnopenableLogCostsOnlyItsStream gives one stream's log a state file
// from a newer format (which it must not overwrite): the server starts,
// the other stream works, the broken one answers with a message that says
// what is wrong, and /healthcheck reports it.
func TestUnopenableLogCostsOnlyItsStream(t *testing.T) {
	dir := testserver.TempDir(t)
	srv := testserver.Start(t, testserver.WithDir(dir))
	c := srv.Kinesis()
	createStream(t, c, "fine", 1)
	createStream(t, c, "broken", 1)
	putN(t, c, "broken", 3)
	fine := putN(t, c, "fine", 3)
	id := *describe(t, c, "broken").StreamId
	srv.Stop()

	for _, name := range []string{"state", "state.copy"} {
		path := filepath.Join(dir, "streams", id, name)
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		b[4] = 9 // version 9
		os.WriteFile(path, b, 0o600)
	}
	srv = testserver.Start(t, testserver.WithDir(dir))
	c = srv.Kinesis()
	sameRecords(t, "fine", readStream(t, c, "fine"), fine)
	_, err := c.PutRecord(context.Background(), &kinesis.PutRecordInput{StreamName: aws.String("broken"), PartitionKey: aws.String("k"), Data: []byte("x")})
	if code, msg := apiCode(err); code != "InternalFailure" || !strings.Contains(msg, "could not be opened") {
		t.Fatalf("PutRecord on the broken stream = %v", err)
	}
	code, body := health(t, srv)
	if code != http.StatusServiceUnavailable || !strings.Contains(fmt.Sprint(body["failing"]), "broken") {
		t.Fatalf("healthcheck = %d %v", code, body)
	}
}

func describe(t *testing.T, c *kinesis.Client, name string) *types.StreamDescriptionSummary {
	t.Helper()
	out, err := c.DescribeStreamSummary(context.Background(), &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	return out.StreamDescriptionSummary
}

// TestBackupWhileWriting runs `sluice backup` while records are written and
// streams are created and deleted, then starts a server on the copy: every
// record acknowledged before the backup started is there with its sequence
// number, and nothing is there that was not written.
func TestBackupWhileWriting(t *testing.T) {
	dir := testserver.TempDir(t)
	srv := testserver.Start(t, testserver.WithDir(dir))
	c := srv.Kinesis()
	createStream(t, c, "live", 4)

	var mu sync.Mutex
	var acked []stored
	written := map[string]bool{}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				var entries []types.PutRecordsRequestEntry
				batch := make([]string, 50)
				for j := range batch {
					batch[j] = fmt.Sprintf("w%d-%d-%d", w, i, j)
					entries = append(entries, types.PutRecordsRequestEntry{PartitionKey: aws.String(batch[j]), Data: []byte(batch[j])})
				}
				mu.Lock()
				for _, d := range batch {
					written[d] = true
				}
				mu.Unlock()
				out, err := c.PutRecords(context.Background(), &kinesis.PutRecordsInput{StreamName: aws.String("live"), Records: entries})
				if err != nil {
					continue
				}
				mu.Lock()
				for j, r := range out.Records {
					if r.ErrorCode == nil {
						acked = append(acked, stored{*r.ShardId, *r.SequenceNumber, batch[j]})
					}
				}
				mu.Unlock()
			}
		}()
	}
	wg.Add(1)
	go func() { // control-plane changes, so meta.db changes while it is copied
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			name := aws.String(fmt.Sprintf("churn-%d", i))
			c.CreateStream(context.Background(), &kinesis.CreateStreamInput{StreamName: name, ShardCount: aws.Int32(1)})
			c.DeleteStream(context.Background(), &kinesis.DeleteStreamInput{StreamName: name})
		}
	}()
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 2000 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	mu.Lock()
	before := slices.Clone(acked)
	mu.Unlock()
	out := filepath.Join(t.TempDir(), "backup")
	var stdout, stderr bytes.Buffer
	if code := recovery.Backup(context.Background(), []string{"--data-dir", dir, "--out", out}, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("sluice backup exited %d: %s", code, stderr.String())
	}
	t.Log(stdout.String())
	close(stop)
	wg.Wait()
	srv.Stop()

	srv = testserver.Start(t, testserver.WithDir(out))
	got := readStream(t, srv.Kinesis(), "live")
	have := map[string]stored{}
	for _, r := range got {
		if !written[r.data] {
			t.Fatalf("the backup holds a record never written: %+v", r)
		}
		have[r.data] = r
	}
	for _, r := range before {
		if have[r.data] != r {
			t.Fatalf("record acknowledged before the backup is missing or changed: want %+v, have %+v", r, have[r.data])
		}
	}
	t.Logf("%d records acknowledged before the backup, %d in it, %d acknowledged in all", len(before), len(got), len(acked))
}

// TestInterruptedDeleteFinishes leaves a data directory as a crash in the
// middle of DeleteStream does (the log marked, its metadata gone, the log
// still there): the next start finishes the deletion rather than
// quarantining the log.
func TestInterruptedDeleteFinishes(t *testing.T) {
	dir := testserver.TempDir(t)
	srv := testserver.Start(t, testserver.WithDir(dir))
	c := srv.Kinesis()
	createStream(t, c, "gone", 1)
	putN(t, c, "gone", 3)
	id := *describe(t, c, "gone").StreamId
	srv.Stop()

	b, err := embedded.Open(embedded.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Records().MarkRemoving(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	err = b.Meta().Update(context.Background(), func(tx storage.MetaTx) error {
		return tx.Delete("streams/000000000000/us-east-1/gone")
	})
	b.Close()
	if err != nil {
		t.Fatal(err)
	}

	srv = testserver.Start(t, testserver.WithDir(dir))
	if _, err := os.Stat(filepath.Join(dir, "streams", id)); !os.IsNotExist(err) {
		t.Fatalf("the deleted stream's log is still there: %v", err)
	}
	if _, body := health(t, srv); body["quarantined"] != nil {
		t.Fatalf("a deleted log was quarantined: %v", body)
	}
}

// TestDiskFull fills a small tmpfs under a running server: PutRecord fails
// with a message that says the disk is full and /healthcheck fails while
// it lasts; once space returns the log reopens by itself, writes succeed
// again without a restart, and nothing acknowledged is lost. It needs root
// (to mount the tmpfs) and is skipped otherwise.
func TestDiskFull(t *testing.T) {
	mnt := filepath.Join(t.TempDir(), "small")
	os.MkdirAll(mnt, 0o700)
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs to fill needs root")
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here (%v: %s)", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", "-l", mnt).Run() })
	dir := filepath.Join(mnt, "data")
	srv := testserver.Start(t, testserver.WithDir(dir))
	c := srv.Kinesis()
	createStream(t, c, "full", 1)
	acked := putN(t, c, "full", 20)
	big := bytes.Repeat([]byte("x"), 64<<10)
	put := func() (*kinesis.PutRecordOutput, error) {
		return c.PutRecord(context.Background(), &kinesis.PutRecordInput{StreamName: aws.String("full"), PartitionKey: aws.String("k"), Data: big})
	}

	fill, err := os.Create(filepath.Join(mnt, "fill"))
	if err != nil {
		t.Fatal(err)
	}
	chunk := make([]byte, 1<<20)
	for {
		if _, err := fill.Write(chunk); err != nil {
			break
		}
	}
	fill.Write(chunk[:4096]) // the last pages
	fill.Close()

	_, err = put()
	if code, msg := apiCode(err); code != "InternalFailure" || !strings.Contains(msg, "disk is full") {
		t.Fatalf("PutRecord on a full disk = %v", err)
	}
	time.Sleep(1500 * time.Millisecond) // a heal attempt, which must fail
	if code, body := health(t, srv); code != http.StatusServiceUnavailable || !strings.Contains(fmt.Sprint(body["failing"]), "disk is full") {
		t.Fatalf("healthcheck on a full disk = %d %v", code, body)
	}
	if _, err := put(); err == nil {
		t.Fatal("PutRecord succeeded on a full disk")
	}
	if m := metricsText(t, srv); !strings.Contains(m, "sluice_storage_failing_logs 1") || !strings.Contains(m, `name="full"`) {
		t.Fatalf("/metrics does not show the failing log:\n%s", grepLines(m, "sluice_storage"))
	}

	os.Remove(filepath.Join(mnt, "fill"))
	deadline := time.Now().Add(20 * time.Second)
	for {
		code, _ := health(t, srv)
		if code == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the log did not recover once the disk had room")
		}
		time.Sleep(50 * time.Millisecond)
	}
	out, err := put()
	if err != nil {
		t.Fatalf("PutRecord once the disk has room: %v", err)
	}
	acked = append(acked, stored{*out.ShardId, *out.SequenceNumber, string(big)})
	srv.Stop()

	srv = testserver.Start(t, testserver.WithDir(dir))
	sameRecords(t, "after the disk filled and emptied", readStream(t, srv.Kinesis(), "full"), acked)
}

// metricsText returns GET /metrics.
func metricsText(t *testing.T, srv *testserver.Server) string {
	t.Helper()
	resp, err := http.Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func grepLines(s, prefix string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
