package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	kv "github.com/aws/aws-sdk-go-v2/service/kinesisvideo"
	kvam "github.com/aws/aws-sdk-go-v2/service/kinesisvideoarchivedmedia"

	"sluice/internal/video/mkv"
)

// videoHeader is a one-track H.264 header for synthetic uploads.
func videoHeader() []byte {
	return mkv.AppendHeader(nil, &mkv.Header{TimecodeScale: mkv.DefaultTimecodeScale, Tracks: []mkv.Track{{
		Number: 1, UID: 1, Type: mkv.TrackVideo, CodecID: "V_MPEG4/ISO/AVC", CodecPrivate: []byte{1, 0x42, 0xC0, 0x1E, 0xFF, 0xE1, 0, 0},
		PixelWidth: 16, PixelHeight: 16, DefaultDuration: 40_000_000}}})
}

// videoCluster is fragment i of an upload tagged tag: 25 frames of
// distinct bytes, the first a key frame.
func videoCluster(tag string, i int) []byte {
	var fs []mkv.Frame
	for k := range 25 {
		data := fmt.Appendf(nil, "%s/%d/%d/", tag, i, k)
		data = append(data, bytes.Repeat([]byte{byte(k)}, 200+rand.IntN(2000))...)
		fs = append(fs, mkv.Frame{Track: 1, Timecode: int64(i*1000 + k*40), Key: k == 0, Data: data})
	}
	return mkv.AppendCluster(nil, int64(i*1000), fs)
}

// putVideo uploads fragments to stream until stop is closed or the
// connection breaks, recording each PERSISTED fragment's cluster under its
// number in persisted.
func putVideo(url, stream, tag string, stop <-chan struct{}, mu *sync.Mutex, persisted map[string][]byte) {
	pr, pw := io.Pipe()
	sent := map[int64][]byte{}
	var sentMu sync.Mutex
	go func() {
		defer pw.Close()
		if _, err := pw.Write(videoHeader()); err != nil {
			return
		}
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-time.After(10 * time.Millisecond):
			}
			c := videoCluster(tag, i)
			sentMu.Lock()
			sent[int64(i*1000)] = c
			sentMu.Unlock()
			if _, err := pw.Write(c); err != nil {
				return
			}
		}
	}()
	req, _ := http.NewRequest(http.MethodPost, url+"/putMedia", pr)
	req.ContentLength = -1
	req.Header.Set("x-amzn-stream-name", stream)
	req.Header.Set("x-amzn-fragment-timecode-type", "RELATIVE")
	req.Header.Set("x-amzn-producer-start-timestamp", "1700000000")
	v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: "secret"}, req,
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "kinesisvideo", "us-east-1", time.Now())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		pr.CloseWithError(err)
		return
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		var a struct {
			EventType        string
			FragmentTimecode int64
			FragmentNumber   string
		}
		if json.Unmarshal(sc.Bytes(), &a) != nil || a.EventType != "PERSISTED" {
			continue
		}
		sentMu.Lock()
		c := sent[a.FragmentTimecode]
		sentMu.Unlock()
		mu.Lock()
		persisted[a.FragmentNumber] = c
		mu.Unlock()
	}
	pr.CloseWithError(io.ErrClosedPipe)
}

// videoLoad runs 3 uploads to stream until the returned stop is called.
func videoLoad(url, stream, tag string, mu *sync.Mutex, persisted map[string][]byte) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 3 {
		wg.Go(func() { putVideo(url, stream, fmt.Sprintf("%s-w%d", tag, w), done, mu, persisted) })
	}
	return func() { close(done); wg.Wait() }
}

// fetchFragments reads the numbered fragments back with
// GetMediaForFragmentList: the clusters by number, and the numbers whose
// chunk was replaced by an exception tag.
func fetchFragments(t *testing.T, c *child, stream string, numbers []string) (map[string][]byte, int) {
	t.Helper()
	am := kvam.NewFromConfig(c.awsConfig())
	got := map[string][]byte{}
	damaged := 0
	for len(numbers) > 0 {
		n := min(len(numbers), 1000)
		out, err := am.GetMediaForFragmentList(context.Background(), &kvam.GetMediaForFragmentListInput{StreamName: aws.String(stream), Fragments: numbers[:n]})
		if err != nil {
			t.Fatalf("GetMediaForFragmentList: %v", err)
		}
		// Each chunk's Tags with its number come before its cluster; a
		// damaged fragment's chunk is Tags with an exception and no cluster.
		var cur string
		var mu sync.Mutex
		rd := mkv.NewReader(out.Payload, mkv.Limits{OnTags: func(tags []mkv.SimpleTag) {
			mu.Lock()
			defer mu.Unlock()
			number, bad := "", false
			for _, tg := range tags {
				switch tg.Name {
				case mkv.TagFragmentNumber:
					number = tg.Value
				case "AWS_KINESISVIDEO_EXCEPTION_ERROR_CODE":
					bad = true
				}
			}
			cur = number
			if bad {
				damaged++
				cur = ""
			}
		}})
		for {
			_, cl, err := rd.Next()
			if err != nil {
				break
			}
			if cl != nil {
				mu.Lock()
				if cur != "" {
					got[cur] = cl.Raw
				}
				cur = ""
				mu.Unlock()
			}
		}
		out.Payload.Close()
		numbers = numbers[n:]
	}
	return got, damaged
}

// TestVideoCrashRecovery kills the server with SIGKILL while three
// producers upload, restarts it, and checks that every fragment that got a
// PERSISTED ACK is there, byte for byte.
func TestVideoCrashRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("kills child processes")
	}
	dir := t.TempDir()
	var mu sync.Mutex
	persisted := map[string][]byte{}
	check := func(c *child, cycle int) {
		t.Helper()
		mu.Lock()
		numbers := make([]string, 0, len(persisted))
		for n := range persisted {
			numbers = append(numbers, n)
		}
		mu.Unlock()
		got, damaged := fetchFragments(t, c, "cam", numbers)
		if damaged > 0 {
			t.Fatalf("cycle %d: %d persisted fragments damaged", cycle, damaged)
		}
		for _, n := range numbers {
			if !bytes.Equal(got[n], persisted[n]) {
				t.Fatalf("cycle %d: persisted fragment %s lost or changed", cycle, n)
			}
		}
		t.Logf("cycle %d: %d persisted fragments read back", cycle, len(numbers))
	}
	for cycle := range 3 {
		srv := startChild(t, dir)
		if cycle == 0 {
			if _, err := kv.NewFromConfig(srv.awsConfig()).CreateStream(context.Background(), &kv.CreateStreamInput{
				StreamName: aws.String("cam"), DataRetentionInHours: aws.Int32(24)}); err != nil {
				t.Fatal(err)
			}
		}
		check(srv, cycle)
		mu.Lock()
		before := len(persisted)
		mu.Unlock()
		stop := videoLoad(srv.url, "cam", fmt.Sprintf("c%d", cycle), &mu, persisted)
		time.Sleep(time.Duration(300+rand.IntN(500)) * time.Millisecond)
		srv.kill()
		stop()
		// Every restarted server must take uploads again, not only the first.
		if len(persisted) == before {
			t.Fatalf("cycle %d: no fragment was persisted", cycle)
		}
	}
	srv := startChild(t, dir)
	defer srv.kill()
	check(srv, 3)
	if len(persisted) == 0 {
		t.Fatal("nothing was persisted")
	}
}

// TestVideoDamagedLog damages a video stream's log (one flipped byte, then
// a cut tail): the server starts, no reader crashes, a damaged fragment is
// reported in GetMediaForFragmentList's body or left out of the index, and
// the fragments before the damage read back whole.
func TestVideoDamagedLog(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	for _, how := range []string{"flip", "truncate"} {
		t.Run(how, func(t *testing.T) {
			dir := t.TempDir()
			srv := startChild(t, dir)
			if _, err := kv.NewFromConfig(srv.awsConfig()).CreateStream(context.Background(), &kv.CreateStreamInput{
				StreamName: aws.String("cam"), DataRetentionInHours: aws.Int32(24)}); err != nil {
				t.Fatal(err)
			}
			var mu sync.Mutex
			persisted := map[string][]byte{}
			stop := videoLoad(srv.url, "cam", "d", &mu, persisted)
			time.Sleep(800 * time.Millisecond)
			stop()
			srv.cmd.Process.Signal(syscall.SIGTERM)
			srv.cmd.Wait()

			logs, _ := filepath.Glob(filepath.Join(dir, "streams", "video-*"))
			if len(logs) != 1 {
				t.Fatalf("video logs %v", logs)
			}
			seg := largestSegment(t, logs[0])
			info, _ := os.Stat(seg)
			if how == "flip" {
				flipMiddleByte(t, seg)
			} else {
				os.Truncate(seg, info.Size()*2/3)
				os.Remove(strings.TrimSuffix(seg, ".log") + ".idx")
			}

			srv = startChild(t, dir)
			defer srv.kill()
			am := kvam.NewFromConfig(srv.awsConfig())
			out, err := am.ListFragments(context.Background(), &kvam.ListFragmentsInput{StreamName: aws.String("cam")})
			if err != nil {
				t.Fatalf("ListFragments: %v", err)
			}
			var numbers []string
			for _, f := range out.Fragments {
				numbers = append(numbers, aws.ToString(f.FragmentNumber))
			}
			got, damaged := fetchFragments(t, srv, "cam", numbers)
			good := 0
			for n, c := range got {
				if !bytes.Equal(c, persisted[n]) {
					t.Fatalf("fragment %s read back different", n)
				}
				good++
			}
			lost := len(persisted) - good
			t.Logf("%s: %d persisted, %d listed, %d read back, %d reported damaged", how, len(persisted), len(numbers), good, damaged)
			if good == 0 || lost == 0 || (how == "flip" && lost > 5) {
				t.Fatalf("%d of %d fragments lost", lost, len(persisted))
			}
			// GetMedia from the earliest reads through the damage.
			if n := getMediaChunks(t, srv, "cam", good); n != good {
				t.Fatalf("GetMedia EARLIEST gave %d chunks, want %d", n, good)
			}
		})
	}
}

// getMediaChunks reads GetMedia from EARLIEST until want chunks came or
// 5 s passed, and returns how many came.
func getMediaChunks(t *testing.T, c *child, stream string, want int) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	body := []byte(`{"StreamName":"` + stream + `","StartSelector":{"StartSelectorType":"EARLIEST"}}`)
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, c.url+"/getMedia", bytes.NewReader(body))
	sum := sha256.Sum256(body)
	hash := hex.EncodeToString(sum[:])
	v4.NewSigner().SignHTTP(ctx, aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: "secret"}, req, hash, "kinesisvideo", "us-east-1", time.Now())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GetMedia: %s", resp.Status)
	}
	var mu sync.Mutex
	n := 0
	rd := mkv.NewReader(resp.Body, mkv.Limits{OnTags: func(tags []mkv.SimpleTag) {
		mu.Lock()
		defer mu.Unlock()
		for _, tg := range tags {
			if tg.Name == mkv.TagContinuationToken { // the Tags that end a chunk
				n++
				if n == want {
					cancel()
				}
			}
		}
	}})
	for {
		if _, _, err := rd.Next(); err != nil {
			break
		}
	}
	mu.Lock()
	defer mu.Unlock()
	return n
}
