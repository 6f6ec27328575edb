package cluster_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	neturl "net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesisvideo"
	"github.com/aws/aws-sdk-go-v2/service/kinesisvideoarchivedmedia"
	kvamtypes "github.com/aws/aws-sdk-go-v2/service/kinesisvideoarchivedmedia/types"

	"sluice/internal/server"
	"sluice/internal/testserver/clusterserver"
)

// TestVideoStreamsSpreadOverNodes: video streams created through any node
// run one on each node, each by exactly the node its placement names;
// PutMedia through a node that does not run the stream is streamed to the
// one that does, and fragments are listed through every node; when a node
// stops, its stream moves to another with every persisted fragment, and
// takes media again.
func TestVideoStreamsSpreadOverNodes(t *testing.T) {
	c := startNodes(t, 3)
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	names := []string{"cam0", "cam1", "cam2"}
	for i, name := range names {
		if _, err := videoAt(c.URLs[i]).CreateStream(ctx, &kinesisvideo.CreateStreamInput{StreamName: aws.String(name), DataRetentionInHours: aws.Int32(1)}); err != nil {
			t.Fatal(err)
		}
	}
	nodes := []string{c.Nodes[0].ID(), c.Nodes[1].ID(), c.Nodes[2].ID()}
	where := waitVideoPlaced(t, c, names, nodes)
	if count := distinct(where, names); count != 3 {
		t.Fatalf("the video streams run on %d nodes, want 3: %v", count, where)
	}
	for _, name := range names {
		// Through the next node after the stream's: never its own.
		at := (slices.Index(nodes, where[name]) + 1) % 3
		if got := putMediaSlowly(t, c.URLs[at], name); strings.Count(got, "PERSISTED") != 2 || strings.Contains(got, "ERROR") {
			t.Fatalf("PutMedia to %s through %s: ACKs %s, want 2 fragments persisted", name, nodes[at], got)
		}
	}
	for _, url := range c.URLs {
		for _, name := range names {
			if n := fragmentCount(ctx, t, url, name); n != 2 {
				t.Fatalf("%s through %s: %d fragments, want 2", name, url, n)
			}
		}
	}

	// HLS playback of each stream through every node: the session URL's
	// GETs are served by the stream's node.
	for _, name := range names {
		for _, url := range c.URLs {
			if body := hlsMaster(ctx, t, c.URLs[0], url, name); !strings.HasPrefix(body, "#EXTM3U") {
				t.Fatalf("HLS master playlist of %s through %s: %q", name, url, body)
			}
		}
	}

	// A worker stops: its stream moves with its fragments and takes media.
	stopped := -1
	for i, n := range c.Nodes {
		if n.Server() == nil {
			stopped = i
			break
		}
	}
	moved := ""
	for name, node := range where {
		if node == nodes[stopped] {
			moved = name
		}
	}
	c.StopNode(stopped)
	live := slices.Delete(slices.Clone(nodes), stopped, stopped+1)
	liveURLs := slices.Delete(slices.Clone(c.URLs), stopped, stopped+1)
	after := waitVideoPlaced(t, c, names, live)
	t.Logf("%s ran on %s, then on %s", moved, nodes[stopped], after[moved])
	if n := fragmentCount(ctx, t, liveURLs[0], moved); n != 2 {
		t.Fatalf("%s after its node stopped: %d fragments, want 2", moved, n)
	}
	for {
		got := putMediaSlowly(t, liveURLs[1], moved)
		if strings.Count(got, "PERSISTED") == 2 && !strings.Contains(got, "ERROR") {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("PutMedia to %s after the move: ACKs %s", moved, got)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if n := fragmentCount(ctx, t, liveURLs[0], moved); n != 4 {
		t.Fatalf("%s after more media: %d fragments, want 4", moved, n)
	}
}

// hlsMaster opens an on-demand HLS session of the stream through the node
// at sessionURL and GETs its master playlist through the node at getURL.
func hlsMaster(ctx context.Context, t *testing.T, sessionURL, getURL, stream string) string {
	t.Helper()
	am := kinesisvideoarchivedmedia.NewFromConfig(clientAt(sessionURL))
	out, err := am.GetHLSStreamingSessionURL(ctx, &kinesisvideoarchivedmedia.GetHLSStreamingSessionURLInput{StreamName: aws.String(stream),
		PlaybackMode: kvamtypes.HLSPlaybackModeOnDemand,
		HLSFragmentSelector: &kvamtypes.HLSFragmentSelector{FragmentSelectorType: kvamtypes.HLSFragmentSelectorTypeServerTimestamp,
			TimestampRange: &kvamtypes.HLSTimestampRange{StartTimestamp: aws.Time(time.Now().Add(-time.Hour)), EndTimestamp: aws.Time(time.Now().Add(time.Hour))}}})
	if err != nil {
		t.Fatalf("GetHLSStreamingSessionURL of %s through %s: %v", stream, sessionURL, err)
	}
	u, err := neturl.Parse(*out.HLSStreamingSessionURL)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(getURL + u.Path + "?" + u.RawQuery)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if cors := resp.Header.Values("Access-Control-Allow-Origin"); resp.StatusCode != http.StatusOK || len(cors) != 1 || cors[0] != "*" {
		t.Fatalf("GET %s through %s: %d (Access-Control-Allow-Origin %q) %s", u.Path, getURL, resp.StatusCode,
			resp.Header.Values("Access-Control-Allow-Origin"), body)
	}
	return string(body)
}

func videoAt(url string) *kinesisvideo.Client { return kinesisvideo.NewFromConfig(clientAt(url)) }

// fragmentCount lists the stream's fragments through the node at url.
func fragmentCount(ctx context.Context, t *testing.T, url, stream string) int {
	t.Helper()
	am := kinesisvideoarchivedmedia.NewFromConfig(clientAt(url))
	out, err := am.ListFragments(ctx, &kinesisvideoarchivedmedia.ListFragmentsInput{StreamName: aws.String(stream),
		FragmentSelector: &kvamtypes.FragmentSelector{FragmentSelectorType: kvamtypes.FragmentSelectorTypeServerTimestamp,
			TimestampRange: &kvamtypes.TimestampRange{StartTimestamp: aws.Time(time.Now().Add(-time.Hour)), EndTimestamp: aws.Time(time.Now().Add(time.Hour))}}})
	if err != nil {
		t.Fatalf("ListFragments of %s through %s: %v", stream, url, err)
	}
	return len(out.Fragments)
}

// waitVideoPlaced waits until every video stream named runs on one of
// nodes, as its placement says and as the nodes' services own them; it
// returns where each runs.
func waitVideoPlaced(t *testing.T, c *clusterserver.Nodes, names, nodes []string) map[string]string {
	t.Helper()
	var streams map[string]string
	waitPlaced(t, c, fmt.Sprintf("video streams not placed on %v", nodes), func(placed map[string]string) bool {
		streams = ofKind(placed, "video-stream")
		ok := len(streams) == len(names)
		for _, node := range streams {
			ok = ok && slices.Contains(nodes, node)
		}
		return ok && videoOwnedAsPlaced(c, streams)
	})
	return streams
}

// videoOwnedAsPlaced tells whether every video stream is run by the Video
// Streams service of the node where placed says it runs, and by no other.
func videoOwnedAsPlaced(c *clusterserver.Nodes, placed map[string]string) bool {
	return runAsPlaced(c, placed, func(srv *server.Server) map[string]bool {
		owned := map[string]bool{}
		for _, id := range srv.Video().StreamIDs() {
			if st, ok := srv.Video().StreamByID(id); ok && !st.Remote {
				owned[st.Name] = true
			}
		}
		return owned
	})
}
