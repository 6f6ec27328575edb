package main

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
)

// TestCrashRecoveryEncrypted is TestCrashRecovery on an encrypted stream:
// the server is killed with SIGKILL under load, and every acknowledged
// record reads back after the restart, though each run sealed with data
// keys of its own (stored before they sealed anything); none of the
// acknowledged plaintexts is in the data directory.
func TestCrashRecoveryEncrypted(t *testing.T) {
	if testing.Short() {
		t.Skip("kills child processes")
	}
	const cycles = 3
	dir := t.TempDir()
	ctx := context.Background()
	var mu sync.Mutex
	ack := map[string]acked{}
	for cycle := range cycles {
		srv := startChild(t, dir)
		c := srv.client()
		if cycle == 0 {
			if _, err := c.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("crash"), ShardCount: aws.Int32(4)}); err != nil {
				t.Fatal(err)
			}
			waitStatus(t, c, "crash")
			if _, err := c.StartStreamEncryption(ctx, &kinesis.StartStreamEncryptionInput{StreamName: aws.String("crash"), EncryptionType: types.EncryptionTypeKms, KeyId: aws.String("alias/aws/kinesis")}); err != nil {
				t.Fatal(err)
			}
			waitStatus(t, c, "crash")
		}
		verify(t, c, ack, cycle)
		stop := putLoad(c, "crash", fmt.Sprintf("enc%d", cycle), &mu, ack)
		time.Sleep(time.Duration(150+rand.IntN(400)) * time.Millisecond)
		srv.kill()
		stop()
	}
	srv := startChild(t, dir)
	defer srv.kill()
	verify(t, srv.client(), ack, cycles)

	// No acknowledged plaintext on disk (a sample: each is looked for in
	// every file).
	var needles [][]byte
	for data := range ack {
		if needles = append(needles, []byte(data)); len(needles) == 300 {
			break
		}
	}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return nil // removed meanwhile
		}
		for _, n := range needles {
			if bytes.Contains(b, n) {
				t.Errorf("plaintext %q is in %s", n, path)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func waitStatus(t *testing.T, c *kinesis.Client, stream string) {
	t.Helper()
	for range 100 {
		out, err := c.DescribeStreamSummary(context.Background(), &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(stream)})
		if err == nil && out.StreamDescriptionSummary.StreamStatus == types.StreamStatusActive {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("stream %s did not become ACTIVE", stream)
}
