package video

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"sync"
	"testing"
	"time"

	"sluice/internal/storage"
	"sluice/internal/storage/embedded"
)

// releasingBackend is a backend that can hand logs over, as the cluster's
// can: it notes what was released.
type releasingBackend struct {
	storage.Backend
	mu       sync.Mutex
	released []string
}

func (r *releasingBackend) Release(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.released = append(r.released, id)
}

func (r *releasingBackend) releasedLogs() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.released...)
}

// placementNodes are two Services over one store, as two nodes of a
// cluster over its etcd and bucket: a owns every stream at start (v1 and
// v2, created with it, v1 with tags and configurations), b none. a's
// backend releases (releasingBackend).
func placementNodes(t *testing.T, aCfg, bCfg Config) (a, b *Service, backend *releasingBackend) {
	t.Helper()
	ctx := context.Background()
	store, err := embedded.Open(embedded.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	backend = &releasingBackend{Backend: store}
	if a, err = New(ctx, aCfg, backend); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	for _, name := range []string{"v1", "v2"} {
		if _, err := a.CreateStream(ctx, caller, CreateStreamParams{Name: name, RetentionHours: 24}); err != nil {
			t.Fatal(err)
		}
	}
	v1 := Ref{Name: "v1"}
	if err := a.TagStream(ctx, caller, v1, map[string]string{"team": "x"}); err != nil {
		t.Fatal(err)
	}
	ig := &ImageGeneration{Status: "ENABLED", ImageSelectorType: "SERVER_TIMESTAMP", DestinationURI: "s3://b/p", DestinationRegion: "eu-west-1", SamplingInterval: 1000, Format: "JPEG"}
	if err := a.UpdateImageGenerationConfiguration(ctx, caller, v1, ig); err != nil {
		t.Fatal(err)
	}
	if err := a.UpdateNotificationConfiguration(ctx, caller, v1, &Notification{Status: "ENABLED", DestinationURI: "arn:aws:sns:eu-west-1:123456789012:n"}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.StartEdgeConfigurationUpdate(ctx, caller, v1, testHub, []byte(`{"HubDeviceArn":"h"}`)); err != nil {
		t.Fatal(err)
	}
	bCfg.Owns = func(string) bool { return false }
	if b, err = New(ctx, bCfg, backend); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return a, b, backend
}

const testHub = "arn:aws:iot:eu-west-1:123456789012:thing/hub"

func wantElsewhere(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, storage.ErrMoved) {
		t.Fatalf("%s on a stream another node owns: %v, want storage.ErrMoved", what, err)
	}
	if m, ok := storage.MovedUnit(err); !ok || m.Kind != storage.KindVideoStream || m.ID == "" || m.Name == "" {
		t.Fatalf("%s: %v does not name the stream for the router", what, err)
	}
	if msg, ok := storage.ClientMessage(err); !ok || msg == "" {
		t.Fatalf("%s: no client message for %v", what, err)
	}
}

// storedStream reads the stream's metadata as the store holds it.
func storedStream(t *testing.T, s *Service, name string) string {
	t.Helper()
	b, err := s.meta.Get(context.Background(), keyStreams+caller.Account+"/"+caller.Region+"/"+name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func timerCount(s *Service) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.timers)
}

// A stream another node owns is described from the metadata followed,
// and every change of it fails as moved, changing nothing.
func TestRemoteVideoStreamRefusesAllButDescriptions(t *testing.T) {
	ctx := context.Background()
	a, b, _ := placementNodes(t, Config{}, Config{})
	v1 := Ref{Name: "v1"}
	own, err := a.Stream(caller, v1)
	if err != nil {
		t.Fatal(err)
	}
	before := storedStream(t, a, "v1")

	list, _, err := b.ListStreams(caller, ListStreamsParams{})
	if err != nil || len(list) != 2 {
		t.Fatalf("ListStreams on the follower: %v, %v", list, err)
	}
	st, err := b.DescribeStream(caller, v1)
	if err != nil || st.Version != own.Version || !st.Remote {
		t.Fatalf("DescribeStream of a remote stream: %+v, %v", st, err)
	}
	if byID, ok := b.StreamByID(own.ID); !ok || !byID.Remote {
		t.Fatalf("StreamByID of a remote stream: %+v, %v (the data plane must see it is remote)", byID, ok)
	}
	if tags, err := b.StreamTags(caller, v1); err != nil || tags["team"] != "x" {
		t.Fatalf("ListTagsForStream of a remote stream: %v, %v", tags, err)
	}
	if tags, err := b.ResourceTags(caller, own.ARN()); err != nil || tags["team"] != "x" {
		t.Fatalf("ListTagsForResource of a remote stream: %v, %v", tags, err)
	}
	if ig, err := b.ImageGenerationConfiguration(caller, v1); err != nil || ig == nil {
		t.Fatalf("DescribeImageGenerationConfiguration of a remote stream: %+v, %v", ig, err)
	}
	if n, err := b.NotificationConfiguration(caller, v1); err != nil || n == nil {
		t.Fatalf("DescribeNotificationConfiguration of a remote stream: %+v, %v", n, err)
	}
	if _, err := b.EdgeConfiguration(caller, v1); err != nil {
		t.Fatalf("DescribeEdgeConfiguration of a remote stream: %v", err)
	}
	if edges, _, err := b.ListEdgeAgentConfigurations(caller, testHub, 0, ""); err != nil || len(edges) != 1 {
		t.Fatalf("ListEdgeAgentConfigurations: %v, %v", edges, err)
	}
	if _, err := b.MappedResources(caller, v1); err != nil {
		t.Fatalf("DescribeMappedResourceConfiguration of a remote stream: %v", err)
	}
	if _, err := b.DataEndpoint(caller, v1); err != nil {
		t.Fatalf("GetDataEndpoint of a remote stream: %v", err)
	}

	wantElsewhere(t, "UpdateStream", b.UpdateStream(ctx, caller, v1, own.Version, "d2", ""))
	wantElsewhere(t, "UpdateDataRetention", b.UpdateDataRetention(ctx, caller, v1, own.Version, IncreaseRetention, 1))
	wantElsewhere(t, "UpdateStreamStorageConfiguration", b.UpdateStreamStorage(ctx, caller, v1, own.Version, "WARM"))
	wantElsewhere(t, "TagStream", b.TagStream(ctx, caller, v1, map[string]string{"k": "v"}))
	wantElsewhere(t, "UntagStream", b.UntagStream(ctx, caller, v1, []string{"team"}))
	wantElsewhere(t, "TagResource", b.TagResource(ctx, caller, own.ARN(), map[string]string{"k": "v"}))
	wantElsewhere(t, "UntagResource", b.UntagResource(ctx, caller, own.ARN(), []string{"team"}))
	wantElsewhere(t, "UpdateImageGenerationConfiguration", b.UpdateImageGenerationConfiguration(ctx, caller, v1, nil))
	wantElsewhere(t, "UpdateNotificationConfiguration", b.UpdateNotificationConfiguration(ctx, caller, v1, nil))
	_, err = b.StartEdgeConfigurationUpdate(ctx, caller, v1, testHub, []byte(`{}`))
	wantElsewhere(t, "StartEdgeConfigurationUpdate", err)
	wantElsewhere(t, "DeleteEdgeConfiguration", b.DeleteEdgeConfiguration(ctx, caller, v1))
	wantElsewhere(t, "DeleteStream", b.DeleteStream(ctx, caller, own.ARN(), ""))
	if _, err := b.CreateStream(ctx, caller, CreateStreamParams{Name: "v1"}); kindOf(err) != KindInUse {
		t.Fatalf("CreateStream of a name another node serves: %v, want ResourceInUse", err)
	}

	// The writes every change goes through refuse it as well.
	wantElsewhere(t, "writing the metadata", b.persistStream(ctx, st))
	b.removeStream(ctx, st)

	// Nothing changed: the store and the owner hold what they held, and
	// the follower started no timer.
	if after := storedStream(t, a, "v1"); after != before {
		t.Fatalf("the stream's metadata changed:\n%s\n%s", before, after)
	}
	got, err := a.Stream(caller, v1)
	if err != nil || got.Version != own.Version || got.Status != StatusActive || got.Edge == nil || !maps.Equal(got.Tags, own.Tags) {
		t.Fatalf("the owner's stream after the refused operations: %+v, %v", got, err)
	}
	if n := timerCount(b); n != 0 {
		t.Fatalf("the follower has %d timers", n)
	}
}

// A node that starts with another's stream in a transitional state
// leaves its transition to the owner.
func TestFollowerStartsNoTransitions(t *testing.T) {
	ctx := context.Background()
	a, _, backend := placementNodes(t, Config{UpdateDelay: time.Hour}, Config{})
	own, _ := a.Stream(caller, Ref{Name: "v1"})
	if err := a.UpdateStream(ctx, caller, Ref{Name: "v1"}, own.Version, "d2", ""); err != nil {
		t.Fatal(err)
	}
	c, err := New(ctx, Config{UpdateDelay: time.Hour, Owns: func(string) bool { return false }}, backend)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if st, _ := c.Stream(caller, Ref{Name: "v1"}); st.Status != StatusUpdating || !st.Remote {
		t.Fatalf("the follower loaded %+v", st)
	}
	if n := timerCount(c); n != 0 {
		t.Fatalf("the follower started %d transitions of streams it does not own", n)
	}
}

// A stream in a transitional state moves from one node to the other: the
// old owner's timer stops, its data plane lets go of the stream, its log
// is released, it refuses changes; the new owner finishes the transition
// and serves the stream.
func TestVideoStreamMovesBetweenNodes(t *testing.T) {
	ctx := context.Background()
	var mu sync.Mutex
	var closing []*Stream
	aCfg := Config{UpdateDelay: time.Hour, Closing: func(_ context.Context, st *Stream) {
		mu.Lock()
		closing = append(closing, st)
		mu.Unlock()
	}}
	a, b, backend := placementNodes(t, aCfg, Config{UpdateDelay: 20 * time.Millisecond})
	v1 := Ref{Name: "v1"}
	own, _ := a.Stream(caller, v1)
	if err := a.UpdateStream(ctx, caller, v1, own.Version, "d2", ""); err != nil {
		t.Fatal(err)
	}
	if st, _ := a.Stream(caller, v1); st.Status != StatusUpdating || timerCount(a) != 1 {
		t.Fatalf("after UpdateStream at the owner: %s, %d timers", st.Status, timerCount(a))
	}

	a.DropVideoStream(own.ID)
	if n := timerCount(a); n != 0 {
		t.Fatalf("the old owner kept %d timers", n)
	}
	mu.Lock()
	if len(closing) != 1 || closing[0].ID != own.ID || !closing[0].Remote {
		t.Fatalf("Closing on the drop saw %+v, want the stream marked Remote", closing)
	}
	mu.Unlock()
	if got := backend.releasedLogs(); len(got) != 1 || got[0] != own.LogID() {
		t.Fatalf("released logs %v, want %s", got, own.LogID())
	}
	wantElsewhere(t, "UpdateStream after the drop", a.UpdateStream(ctx, caller, v1, "", "d3", ""))
	if st, ok := a.StreamByID(own.ID); !ok || !st.Remote {
		t.Fatalf("the old owner's data plane sees %+v, %v: want the stream remote", st, ok)
	}
	a.DropVideoStream(own.ID) // a second drop does nothing
	if got := backend.releasedLogs(); len(got) != 1 {
		t.Fatalf("a second drop released again: %v", got)
	}

	if err := b.LoadVideoStream(ctx, own.ID); err != nil {
		t.Fatal(err)
	}
	if err := b.LoadVideoStream(ctx, own.ID); err != nil { // loading an owned one does nothing
		t.Fatal(err)
	}
	waitStatus(t, b, "v1", StatusActive)
	st, err := b.Stream(caller, v1)
	if err != nil || st.Remote || st.DeviceName != "d2" || st.Tags["team"] != "x" || st.ImageGeneration == nil {
		t.Fatalf("the stream at its new owner: %+v, %v", st, err)
	}
	if err := b.UpdateDataRetention(ctx, caller, v1, st.Version, IncreaseRetention, 1); err != nil {
		t.Fatalf("UpdateDataRetention at the new owner: %v", err)
	}
	// The other stream stays where it was.
	if err := a.TagStream(ctx, caller, Ref{Name: "v2"}, map[string]string{"k": "v"}); err != nil {
		t.Fatalf("tagging the stream that did not move: %v", err)
	}
	wantElsewhere(t, "TagStream of the other's stream", b.TagStream(ctx, caller, Ref{Name: "v2"}, map[string]string{"k": "v"}))
	// The old owner's follow of the move shows the new owner's change.
	if err := a.Follow(ctx, streamKey(own)); err != nil {
		t.Fatal(err)
	}
	if st, _ := a.Stream(caller, v1); st.RetentionHours != 25 || !st.Remote {
		t.Fatalf("the old owner follows %+v", st)
	}
}

// The new owner of a stream dropped while DELETING deletes it.
func TestLoadVideoStreamResumesDeletion(t *testing.T) {
	ctx := context.Background()
	a, b, _ := placementNodes(t, Config{DeleteDelay: time.Hour}, Config{DeleteDelay: 20 * time.Millisecond})
	own, _ := a.Stream(caller, Ref{Name: "v2"})
	if err := a.DeleteStream(ctx, caller, own.ARN(), ""); err != nil {
		t.Fatal(err)
	}
	a.DropVideoStream(own.ID)
	if err := b.LoadVideoStream(ctx, own.ID); err != nil {
		t.Fatal(err)
	}
	waitStatus(t, b, "v2", "")
	// The metadata goes after the stream left the service.
	deadline := time.Now().Add(5 * time.Second)
	for _, err := b.meta.Get(ctx, streamKey(own)); !errors.Is(err, storage.ErrNotFound); _, err = b.meta.Get(ctx, streamKey(own)) {
		if time.Now().After(deadline) {
			t.Fatalf("the deleted stream's metadata: %v, want ErrNotFound", err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// A follower rereads what the owner changed: tags, a new stream, a
// deletion; its own streams it leaves alone.
func TestFollowRereadsOthersVideoStreams(t *testing.T) {
	ctx := context.Background()
	a, b, _ := placementNodes(t, Config{}, Config{})
	own, _ := a.Stream(caller, Ref{Name: "v1"})
	if err := a.TagStream(ctx, caller, Ref{Name: "v1"}, map[string]string{"team": "y"}); err != nil {
		t.Fatal(err)
	}
	if err := b.Follow(ctx, streamKey(own)); err != nil {
		t.Fatal(err)
	}
	if tags, err := b.StreamTags(caller, Ref{Name: "v1"}); err != nil || tags["team"] != "y" {
		t.Fatalf("tags the follower sees: %v, %v", tags, err)
	}

	v3, err := a.CreateStream(ctx, caller, CreateStreamParams{Name: "v3"})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Follow(ctx, streamKey(v3)); err != nil {
		t.Fatal(err)
	}
	if _, err := b.DescribeStream(caller, Ref{Name: "v3"}); err != nil {
		t.Fatalf("a stream created elsewhere, followed: %v", err)
	}
	wantElsewhere(t, "TagStream of a followed new stream", b.TagStream(ctx, caller, Ref{Name: "v3"}, map[string]string{"k": "v"}))

	if err := a.DeleteStream(ctx, caller, own.ARN(), ""); err != nil {
		t.Fatal(err)
	}
	if err := b.Follow(ctx, streamKey(own)); err != nil {
		t.Fatal(err)
	}
	if _, err := b.DescribeStream(caller, Ref{Name: "v1"}); kindOf(err) != KindNotFound {
		t.Fatalf("a stream deleted elsewhere, followed: %v, want ResourceNotFound", err)
	}
	if err := b.Follow(ctx, "video/streams/nope"); err == nil {
		t.Fatal("Follow took a key that names no stream")
	}

	// b owns v2 now; rereading its metadata does not make it remote at b.
	v2, _ := a.Stream(caller, Ref{Name: "v2"})
	a.DropVideoStream(v2.ID)
	if err := b.LoadVideoStream(ctx, v2.ID); err != nil {
		t.Fatal(err)
	}
	if err := b.Follow(ctx, streamKey(v2)); err != nil {
		t.Fatal(err)
	}
	if err := b.TagStream(ctx, caller, Ref{Name: "v2"}, map[string]string{"k": "v"}); err != nil {
		t.Fatalf("the owner followed its own stream and lost it: %v", err)
	}
}

// FollowAll catches up on what a watch that started over missed: a stream
// created, one changed and one deleted elsewhere meanwhile.
func TestFollowAllCatchesUpVideoStreams(t *testing.T) {
	ctx := context.Background()
	a, b, _ := placementNodes(t, Config{}, Config{})
	if _, err := a.CreateStream(ctx, caller, CreateStreamParams{Name: "v3"}); err != nil {
		t.Fatal(err)
	}
	v1, _ := a.Stream(caller, Ref{Name: "v1"})
	if err := a.DeleteStream(ctx, caller, v1.ARN(), ""); err != nil {
		t.Fatal(err)
	}
	if err := a.TagStream(ctx, caller, Ref{Name: "v2"}, map[string]string{"k": "changed"}); err != nil {
		t.Fatal(err)
	}
	if err := b.FollowAll(ctx); err != nil {
		t.Fatal(err)
	}
	list, _, err := b.ListStreams(caller, ListStreamsParams{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, st := range list {
		names = append(names, st.Name)
	}
	if fmt.Sprint(names) != "[v2 v3]" {
		t.Fatalf("streams the follower lists after FollowAll: %v", names)
	}
	if tags, _ := b.StreamTags(caller, Ref{Name: "v2"}); tags["k"] != "changed" {
		t.Fatalf("tags of a changed stream after FollowAll: %v", tags)
	}
}
