package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
)

// TestDamagedSegment flips one byte in the middle of a stream's segment,
// after kill -9 (recovery scans the segment) and after a clean stop (the
// index covers it, so readers meet the damage): only the records of the
// damaged entry are missing, GetRecords keeps answering, the damage shows
// in /metrics, and new records take sequence numbers after every old one,
// losing nothing more.
func TestDamagedSegment(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	for _, how := range []string{"kill", "clean stop"} {
		t.Run(how, func(t *testing.T) {
			dir := t.TempDir()
			ctx := context.Background()
			srv := startChild(t, dir)
			c := srv.client()
			if _, err := c.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("crash"), ShardCount: aws.Int32(4)}); err != nil {
				t.Fatal(err)
			}
			sum, err := c.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("crash")})
			if err != nil {
				t.Fatal(err)
			}
			var mu sync.Mutex
			ack := map[string]acked{}
			stop := putLoad(c, "crash", "before", &mu, ack)
			time.Sleep(800 * time.Millisecond)
			if how == "kill" {
				srv.kill()
				stop()
			} else {
				stop()
				srv.cmd.Process.Signal(syscall.SIGTERM)
				srv.cmd.Wait()
			}

			seg := largestSegment(t, filepath.Join(dir, "streams", *sum.StreamDescriptionSummary.StreamId))
			flipMiddleByte(t, seg)

			srv = startChild(t, dir)
			defer srv.kill()
			c = srv.client()
			missing := check(t, c, "crash", ack, 0)
			shards := map[string]bool{}
			for _, a := range missing {
				shards[a.shard] = true
			}
			if len(missing) == 0 || len(missing) > 50 || len(shards) != 1 {
				t.Fatalf("%d records of %d shards missing after one flipped byte; want those of one entry", len(missing), len(shards))
			}
			if got := metric(t, srv.url, `sluice_storage_damaged_entries_total{[^}]*name="crash"[^}]*}`); got != "1" {
				t.Fatalf("sluice_storage_damaged_entries_total = %q, want 1", got)
			}

			stop = putLoad(c, "crash", "after", &mu, ack)
			time.Sleep(300 * time.Millisecond)
			stop()
			if again := check(t, c, "crash", ack, 1); len(again) != len(missing) {
				t.Fatalf("%d records missing after writing more, %d before", len(again), len(missing))
			}
		})
	}
}

func largestSegment(t *testing.T, dir string) string {
	t.Helper()
	names, _ := filepath.Glob(filepath.Join(dir, "*.log"))
	var best string
	var size int64
	for _, n := range names {
		if info, err := os.Stat(n); err == nil && info.Size() > size {
			best, size = n, info.Size()
		}
	}
	if best == "" {
		t.Fatalf("no segment in %s", dir)
	}
	return best
}

func flipMiddleByte(t *testing.T, path string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	info, _ := f.Stat()
	b := make([]byte, 1)
	off := info.Size() / 2
	f.ReadAt(b, off)
	b[0] ^= 0x5a
	if _, err := f.WriteAt(b, off); err != nil {
		t.Fatal(err)
	}
}

// metric returns the value of the first /metrics line matching series.
func metric(t *testing.T, url, series string) string {
	t.Helper()
	resp, err := http.Get(url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	m := regexp.MustCompile(series + ` (\S+)`).FindStringSubmatch(string(body))
	if m == nil {
		lines := []string{}
		for _, l := range strings.Split(string(body), "\n") {
			if strings.HasPrefix(l, "sluice_storage") {
				lines = append(lines, l)
			}
		}
		return fmt.Sprint("no such series; storage series: ", lines)
	}
	return m[1]
}
