package video

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"sluice/internal/storage/embedded"
)

var caller = Caller{Account: "123456789012", Region: "eu-west-1"}

func open(t *testing.T, dir string, cfg Config) (*Service, *embedded.Backend) {
	t.Helper()
	b, err := embedded.Open(embedded.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(context.Background(), cfg, b)
	if err != nil {
		b.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(); b.Close() })
	return s, b
}

func kindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return 0
}

func TestStreamLifecycle(t *testing.T) {
	ctx := context.Background()
	now := time.UnixMilli(1700000000123)
	s, _ := open(t, t.TempDir(), Config{Now: func() time.Time { return now }})
	st, err := s.CreateStream(ctx, caller, CreateStreamParams{Name: "cam", DeviceName: "dev", MediaType: "video/h264", RetentionHours: 24, Tags: map[string]string{"a": "1"}})
	if err != nil {
		t.Fatal(err)
	}
	if want := "arn:aws:kinesisvideo:eu-west-1:123456789012:stream/cam/1700000000123"; st.ARN() != want {
		t.Errorf("ARN = %s, want %s", st.ARN(), want)
	}
	if st.KmsKeyID != "arn:aws:kms:eu-west-1:123456789012:alias/aws/kinesisvideo" || st.Status != StatusActive || len(st.Version) != 20 || st.StorageTier != "HOT" {
		t.Errorf("created %+v", st)
	}
	if _, err := s.CreateStream(ctx, caller, CreateStreamParams{Name: "cam"}); kindOf(err) != KindInUse {
		t.Errorf("duplicate: %v", err)
	}
	if _, err := s.CreateStream(ctx, caller, CreateStreamParams{Name: "x", RetentionHours: MaxRetentionHours + 1}); kindOf(err) != KindInvalidArgument {
		t.Errorf("retention: %v", err)
	}
	byARN, err := s.DescribeStream(caller, Ref{ARN: st.ARN()})
	if err != nil || byARN.Name != "cam" {
		t.Fatalf("by ARN: %v %v", byARN, err)
	}
	// Another account or region sees nothing; a stale ARN names nothing.
	if _, err := s.DescribeStream(Caller{Account: "000000000000", Region: "eu-west-1"}, Ref{Name: "cam"}); kindOf(err) != KindNotFound {
		t.Errorf("other account: %v", err)
	}
	if _, err := s.DescribeStream(caller, Ref{ARN: strings.Replace(st.ARN(), "123/", "124/", 1) + "0"}); kindOf(err) != KindNotFound {
		t.Errorf("stale ARN: %v", err)
	}
	if _, err := s.DescribeStream(caller, Ref{}); kindOf(err) != KindInvalidArgument {
		t.Errorf("no ref: %v", err)
	}

	// Versions: a stale one is refused, every update replaces it.
	if err := s.UpdateStream(ctx, caller, Ref{Name: "cam"}, "stale", "d2", ""); kindOf(err) != KindVersionMismatch {
		t.Errorf("stale version: %v", err)
	}
	if err := s.UpdateStream(ctx, caller, Ref{Name: "cam"}, st.Version, "d2", ""); err != nil {
		t.Fatal(err)
	}
	up, _ := s.Stream(caller, Ref{Name: "cam"})
	if up.Version == st.Version || up.DeviceName != "d2" || up.MediaType != "video/h264" {
		t.Errorf("updated %+v", up)
	}
	for _, tc := range []struct {
		op    string
		hours int64
		want  int64
		kind  Kind
	}{
		{IncreaseRetention, 100, 124, 0},
		{DecreaseRetention, 125, 124, KindInvalidArgument},
		{IncreaseRetention, MaxRetentionHours, 124, KindInvalidArgument},
		{DecreaseRetention, 124, 0, 0},
	} {
		cur, _ := s.Stream(caller, Ref{Name: "cam"})
		err := s.UpdateDataRetention(ctx, caller, Ref{Name: "cam"}, cur.Version, tc.op, tc.hours)
		got, _ := s.Stream(caller, Ref{Name: "cam"})
		if kindOf(err) != tc.kind || got.RetentionHours != tc.want {
			t.Errorf("%s %d: %v, retention %d, want %d", tc.op, tc.hours, err, got.RetentionHours, tc.want)
		}
	}

	if err := s.DeleteStream(ctx, caller, st.ARN(), "stale"); kindOf(err) != KindVersionMismatch {
		t.Errorf("delete stale: %v", err)
	}
	if err := s.DeleteStream(ctx, caller, st.ARN(), ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Stream(caller, Ref{Name: "cam"}); kindOf(err) != KindNotFound {
		t.Errorf("after delete: %v", err)
	}
}

func TestListPaging(t *testing.T) {
	ctx := context.Background()
	s, _ := open(t, t.TempDir(), Config{})
	for i := range 7 {
		name := fmt.Sprintf("cam-%d", i)
		if i%2 == 1 {
			name = fmt.Sprintf("mic-%d", i)
		}
		if _, err := s.CreateStream(ctx, caller, CreateStreamParams{Name: name}); err != nil {
			t.Fatal(err)
		}
	}
	var names []string
	tok := ""
	for pages := 0; ; pages++ {
		page, next, err := s.ListStreams(caller, ListStreamsParams{Prefix: "cam", MaxResults: 3, NextToken: tok})
		if err != nil || pages > 3 {
			t.Fatal(err, pages)
		}
		for _, st := range page {
			names = append(names, st.Name)
		}
		if next == "" {
			break
		}
		tok = next
	}
	if !slices.Equal(names, []string{"cam-0", "cam-2", "cam-4", "cam-6"}) {
		t.Errorf("names %v", names)
	}
	if _, _, err := s.ListStreams(caller, ListStreamsParams{NextToken: "!!"}); kindOf(err) != KindInvalidArgument {
		t.Errorf("bad token: %v", err)
	}
}

func TestTags(t *testing.T) {
	ctx := context.Background()
	s, _ := open(t, t.TempDir(), Config{})
	st, _ := s.CreateStream(ctx, caller, CreateStreamParams{Name: "cam"})
	many := map[string]string{}
	for i := range MaxTags {
		many[fmt.Sprint("k", i)] = "v"
	}
	if err := s.TagStream(ctx, caller, Ref{Name: "cam"}, many); err != nil {
		t.Fatal(err)
	}
	if err := s.TagResource(ctx, caller, st.ARN(), map[string]string{"one-more": "x"}); kindOf(err) != KindTagsLimit {
		t.Errorf("51st tag: %v", err)
	}
	if err := s.TagStream(ctx, caller, Ref{Name: "cam"}, map[string]string{"k1": "replaced"}); err != nil {
		t.Errorf("replacing a tag: %v", err)
	}
	if err := s.TagStream(ctx, caller, Ref{Name: "cam"}, map[string]string{"aws:x": "y"}); kindOf(err) != KindInvalidArgument {
		t.Errorf("reserved: %v", err)
	}
	if err := s.UntagResource(ctx, caller, st.ARN(), []string{"k1", "absent"}); err != nil {
		t.Fatal(err)
	}
	tags, _ := s.ResourceTags(caller, st.ARN())
	if len(tags) != MaxTags-1 || tags["k1"] != "" {
		t.Errorf("tags %d", len(tags))
	}
	ch, err := s.CreateChannel(ctx, caller, CreateChannelParams{Name: "ch", Tags: map[string]string{"a": "b"}})
	if err != nil {
		t.Fatal(err)
	}
	s.TagResource(ctx, caller, ch.ARN(), map[string]string{"c": "d"})
	if tags, _ := s.ResourceTags(caller, ch.ARN()); len(tags) != 2 {
		t.Errorf("channel tags %v", tags)
	}
}

func TestChannels(t *testing.T) {
	ctx := context.Background()
	s, _ := open(t, t.TempDir(), Config{})
	ch, err := s.CreateChannel(ctx, caller, CreateChannelParams{Name: "ch"})
	if err != nil {
		t.Fatal(err)
	}
	if ch.Type != ChannelSingleMaster || ch.MessageTTL != 60 || !strings.Contains(ch.ARN(), ":channel/ch/") {
		t.Errorf("channel %+v", ch)
	}
	if _, err := s.CreateChannel(ctx, caller, CreateChannelParams{Name: "mesh", Type: "FULL_MESH"}); kindOf(err) != KindInvalidArgument {
		t.Errorf("FULL_MESH: %v", err)
	}
	if err := s.UpdateChannel(ctx, caller, ch.ARN(), "nope", 30); kindOf(err) != KindVersionMismatch {
		t.Errorf("stale: %v", err)
	}
	if err := s.UpdateChannel(ctx, caller, ch.ARN(), ch.Version, 30); err != nil {
		t.Fatal(err)
	}
	// Media storage maps the channel to one stream that keeps its data.
	st, _ := s.CreateStream(ctx, caller, CreateStreamParams{Name: "rec"})
	if err := s.UpdateMediaStorage(ctx, caller, ch.ARN(), "ENABLED", st.ARN()); kindOf(err) != KindNoDataRetention {
		t.Errorf("no retention: %v", err)
	}
	s.UpdateDataRetention(ctx, caller, Ref{Name: "rec"}, st.Version, IncreaseRetention, 1)
	if err := s.UpdateMediaStorage(ctx, caller, ch.ARN(), "ENABLED", st.ARN()); err != nil {
		t.Fatal(err)
	}
	other, _ := s.CreateChannel(ctx, caller, CreateChannelParams{Name: "other"})
	if err := s.UpdateMediaStorage(ctx, caller, other.ARN(), "ENABLED", st.ARN()); kindOf(err) != KindInUse {
		t.Errorf("mapped twice: %v", err)
	}
	if m, err := s.MappedResources(caller, Ref{Name: "rec"}); err != nil || len(m) != 1 || m[0].ARN != ch.ARN() {
		t.Errorf("mapped %v %v", m, err)
	}
	if err := s.DeleteChannel(ctx, caller, ch.ARN(), ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Channel(caller, Ref{Name: "ch"}); kindOf(err) != KindNotFound {
		t.Errorf("deleted: %v", err)
	}
}

func TestDelays(t *testing.T) {
	ctx := context.Background()
	d := 50 * time.Millisecond
	s, _ := open(t, t.TempDir(), Config{CreateDelay: d, UpdateDelay: d, DeleteDelay: d})
	st, _ := s.CreateStream(ctx, caller, CreateStreamParams{Name: "cam"})
	if st.Status != StatusCreating {
		t.Fatalf("status %s", st.Status)
	}
	if err := s.UpdateStream(ctx, caller, Ref{Name: "cam"}, st.Version, "x", ""); kindOf(err) != KindInUse {
		t.Errorf("update while CREATING: %v", err)
	}
	waitStatus(t, s, "cam", StatusActive)
	s.UpdateStream(ctx, caller, Ref{Name: "cam"}, st.Version, "x", "")
	if got, _ := s.Stream(caller, Ref{Name: "cam"}); got.Status != StatusUpdating {
		t.Errorf("after update: %s", got.Status)
	}
	waitStatus(t, s, "cam", StatusActive)
	s.DeleteStream(ctx, caller, st.ARN(), "")
	if got, _ := s.Stream(caller, Ref{Name: "cam"}); got.Status != StatusDeleting {
		t.Errorf("after delete: %s", got.Status)
	}
	waitStatus(t, s, "cam", "")
}

func waitStatus(t *testing.T, s *Service, name, want string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		st, err := s.Stream(caller, Ref{Name: name})
		if (err == nil && st.Status == want) || (err != nil && want == "") {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("%s never reached %q", name, want)
}

// TestRestart: streams and channels survive a restart; a deleted stream's
// log is gone, and the Closing hook saw it before.
func TestRestart(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	var mu sync.Mutex
	var closed []string
	cfg := Config{Closing: func(_ context.Context, st *Stream) { mu.Lock(); closed = append(closed, st.Name); mu.Unlock() }}
	b, err := embedded.Open(embedded.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(ctx, cfg, b)
	if err != nil {
		t.Fatal(err)
	}
	keep, _ := s.CreateStream(ctx, caller, CreateStreamParams{Name: "keep", RetentionHours: 5, Tags: map[string]string{"t": "v"}})
	gone, _ := s.CreateStream(ctx, caller, CreateStreamParams{Name: "gone"})
	s.CreateChannel(ctx, caller, CreateChannelParams{Name: "ch", MessageTTL: 7})
	if _, err := b.Records().Open(ctx, gone.LogID()); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteStream(ctx, caller, gone.ARN(), gone.Version); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(closed, []string{"gone"}) {
		t.Errorf("closing hook saw %v", closed)
	}
	ids, _ := b.Records().IDs(ctx)
	if slices.Contains(ids, gone.LogID()) || !slices.Contains(ids, keep.LogID()) {
		t.Errorf("log IDs %v", ids)
	}
	s.Close()
	b.Close()

	s2, _ := open(t, dir, Config{})
	got, err := s2.Stream(caller, Ref{ARN: keep.ARN()})
	if err != nil || got.Version != keep.Version || got.RetentionHours != 5 || got.Tags["t"] != "v" {
		t.Errorf("after restart: %+v %v", got, err)
	}
	if ch, err := s2.Channel(caller, Ref{Name: "ch"}); err != nil || ch.MessageTTL != 7 {
		t.Errorf("channel after restart: %+v %v", ch, err)
	}
}

// TestDisown: a video log without metadata is removed when marked for
// removal and quarantined otherwise.
func TestDisown(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	b, err := embedded.Open(embedded.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	b.Records().Open(ctx, "video-orphan")
	b.Records().Open(ctx, "video-marked")
	b.Records().MarkRemoving(ctx, "video-marked")
	b.Close()
	_, b2 := open(t, dir, Config{})
	ids, _ := b2.Records().IDs(ctx)
	if slices.Contains(ids, "video-marked") {
		t.Errorf("marked log kept: %v", ids)
	}
	if h := b2.Records().Health(); !slices.Contains(h.Quarantined, "video-orphan") {
		t.Errorf("orphan not quarantined: %+v (ids %v)", h, ids)
	}
}

func TestConfigurations(t *testing.T) {
	ctx := context.Background()
	s, _ := open(t, t.TempDir(), Config{})
	st, _ := s.CreateStream(ctx, caller, CreateStreamParams{Name: "cam"})
	ig := &ImageGeneration{Status: "ENABLED", ImageSelectorType: "SERVER_TIMESTAMP", DestinationURI: "s3://b/p", DestinationRegion: "eu-west-1", SamplingInterval: 1000, Format: "JPEG", FormatConfig: map[string]string{"JPEGQuality": "80"}}
	if err := s.UpdateImageGenerationConfiguration(ctx, caller, Ref{Name: "cam"}, ig); kindOf(err) != KindNoDataRetention {
		t.Errorf("no retention: %v", err)
	}
	s.UpdateDataRetention(ctx, caller, Ref{Name: "cam"}, st.Version, IncreaseRetention, 2)
	for _, bad := range []func(*ImageGeneration){
		func(c *ImageGeneration) { c.SamplingInterval = 100 },
		func(c *ImageGeneration) { c.FormatConfig = map[string]string{"JPEGQuality": "101"} },
		func(c *ImageGeneration) { c.Format = "PNG" },
	} {
		c := *ig
		bad(&c)
		if err := s.UpdateImageGenerationConfiguration(ctx, caller, Ref{Name: "cam"}, &c); kindOf(err) != KindInvalidArgument {
			t.Errorf("%+v: %v", c, err)
		}
	}
	if err := s.UpdateImageGenerationConfiguration(ctx, caller, Ref{Name: "cam"}, ig); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.ImageGenerationConfiguration(caller, Ref{Name: "cam"}); got == nil || got.SamplingInterval != 1000 {
		t.Errorf("image generation %+v", got)
	}
	s.UpdateImageGenerationConfiguration(ctx, caller, Ref{Name: "cam"}, nil)
	if got, _ := s.ImageGenerationConfiguration(caller, Ref{Name: "cam"}); got != nil {
		t.Errorf("not removed: %+v", got)
	}
	if _, err := s.EdgeConfiguration(caller, Ref{Name: "cam"}); kindOf(err) != KindEdgeNotFound {
		t.Errorf("no edge: %v", err)
	}
	hub := "arn:aws:iot:eu-west-1:123456789012:thing/hub"
	if _, err := s.StartEdgeConfigurationUpdate(ctx, caller, Ref{Name: "cam"}, hub, []byte(`{"HubDeviceArn":"x"}`)); err != nil {
		t.Fatal(err)
	}
	if list, _, _ := s.ListEdgeAgentConfigurations(caller, hub, 0, ""); len(list) != 1 || list[0].Edge.SyncStatus != SyncInSync {
		t.Errorf("edge list %v", list)
	}
	if err := s.DeleteEdgeConfiguration(ctx, caller, Ref{Name: "cam"}); err != nil {
		t.Fatal(err)
	}
}
