package main

import (
	"context"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	"github.com/aws/aws-sdk-go-v2/service/firehose/types"
)

func (c *child) firehose() *firehose.Client { return firehose.NewFromConfig(c.awsConfig()) }

// TestFirehoseCrashRecovery kills the server with SIGKILL while records are
// put to a delivery stream and delivered, restarts it, and checks that
// every acknowledged record ends up in a delivered object (at least once,
// as Firehose promises) and that no object is partial.
func TestFirehoseCrashRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("kills child processes")
	}
	dir := t.TempDir()
	ctx := context.Background()
	var mu sync.Mutex
	acked := map[string]bool{}
	for cycle := range 3 {
		srv := startChild(t, dir)
		fh := srv.firehose()
		if cycle == 0 {
			_, err := fh.CreateDeliveryStream(ctx, &firehose.CreateDeliveryStreamInput{
				DeliveryStreamName: aws.String("crash"),
				ExtendedS3DestinationConfiguration: &types.ExtendedS3DestinationConfiguration{
					RoleARN: aws.String("arn:aws:iam::000000000000:role/r"), BucketARN: aws.String("arn:aws:s3:::crash-bucket"),
					BufferingHints: &types.BufferingHints{SizeInMBs: aws.Int32(1), IntervalInSeconds: aws.Int32(0)},
				},
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for w := range 4 {
			wg.Go(func() {
				for n := 0; ; n++ {
					select {
					case <-stop:
						return
					default:
					}
					in := &firehose.PutRecordBatchInput{DeliveryStreamName: aws.String("crash")}
					var batch []string
					for i := range 20 {
						rec := fmt.Sprintf("c%d-w%d-%d-%d\n", cycle, w, n, i)
						batch = append(batch, rec)
						in.Records = append(in.Records, types.Record{Data: []byte(rec)})
					}
					out, err := fh.PutRecordBatch(ctx, in)
					if err != nil {
						return
					}
					mu.Lock()
					for i, r := range out.RequestResponses {
						if r.RecordId != nil {
							acked[batch[i]] = true
						}
					}
					mu.Unlock()
				}
			})
		}
		time.Sleep(time.Duration(300+rand.IntN(500)) * time.Millisecond)
		srv.kill()
		close(stop)
		wg.Wait()
	}
	srv := startChild(t, dir)
	defer srv.kill()
	if len(acked) == 0 {
		t.Fatal("no record was acknowledged")
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		delivered, objects := deliveredRecords(t, filepath.Join(dir, "s3", "crash-bucket"))
		missing := 0
		for r := range acked {
			if !delivered[r] {
				missing++
			}
		}
		if missing == 0 {
			t.Logf("%d acknowledged records, all delivered, in %d objects", len(acked), objects)
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d acknowledged records were never delivered", missing, len(acked))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// deliveredRecords reads every object (records end in '\n'; a partial
// object would end without one).
func deliveredRecords(t *testing.T, root string) (map[string]bool, int) {
	out := map[string]bool{}
	objects := 0
	filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(d.Name(), ".put-") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) > 0 && b[len(b)-1] != '\n' {
			t.Fatalf("object %s is partial", path)
		}
		objects++
		for _, r := range strings.SplitAfter(string(b), "\n") {
			if r != "" {
				out[r] = true
			}
		}
		return nil
	})
	return out, objects
}
