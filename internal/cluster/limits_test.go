package cluster_test

import (
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/smithy-go"

	"sluice/internal/config"
	"sluice/internal/server"
	"sluice/internal/testserver/clusterserver"
)

// TestShardLimitHoldsAcrossNodes: with an account limit of 4 open shards,
// eight creates of one shard each sent at once through the three nodes
// create exactly four streams; the others are refused with
// LimitExceededException, as on one node.
func TestShardLimitHoldsAcrossNodes(t *testing.T) {
	cfg := config.Defaults()
	cfg.DataDir = filepath.Join(t.TempDir(), "data")
	cfg.CreateDelay, cfg.DeleteDelay, cfg.UpdateDelay = 0, 0, 0
	cfg.ShardLimit = 4
	c := clusterserver.Start(t, 3, server.Options{Config: cfg})
	var mu sync.Mutex
	var created, refused int
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			_, err := kinesisAt(c.URLs[i%3]).CreateStream(t.Context(), &kinesis.CreateStreamInput{
				StreamName: aws.String(fmt.Sprintf("s%d", i)), ShardCount: aws.Int32(1)})
			mu.Lock()
			defer mu.Unlock()
			var ae smithy.APIError
			switch {
			case err == nil:
				created++
			case errors.As(err, &ae) && ae.ErrorCode() == "LimitExceededException":
				refused++
			default:
				t.Errorf("CreateStream s%d: %v", i, err)
			}
		})
	}
	wg.Wait()
	if created != 4 || refused != 4 {
		t.Fatalf("%d streams created and %d refused, want 4 and 4", created, refused)
	}
	for _, url := range c.URLs {
		out, err := kinesisAt(url).DescribeLimits(t.Context(), &kinesis.DescribeLimitsInput{})
		if err != nil {
			t.Fatal(err)
		}
		if *out.OpenShardCount != 4 {
			t.Fatalf("open shards through %s: %d, want 4", url, *out.OpenShardCount)
		}
	}
}
