package videoapi_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	kv "github.com/aws/aws-sdk-go-v2/service/kinesisvideo"
	kvam "github.com/aws/aws-sdk-go-v2/service/kinesisvideoarchivedmedia"
	kvamt "github.com/aws/aws-sdk-go-v2/service/kinesisvideoarchivedmedia/types"
	"github.com/aws/smithy-go"

	"sluice/internal/kms"
	"sluice/internal/storage/embedded"
	"sluice/internal/testserver"
	"sluice/internal/video"
	"sluice/internal/video/fragments"
	"sluice/internal/video/mkv"
)

// Server-side encryption of fragments end to end: fragments put through
// PutMedia are sealed on disk (the data directory is grepped for their
// frames and for a track name, a known plaintext of their header), while
// GetMedia, GetMediaForFragmentList, HLS, GetClip and GetImages hand out
// the media as put, before and after a restart; fragments an earlier
// build stored in plaintext stay readable beside them.

var sseScope = kms.Scope{Account: "000000000000", Region: "us-east-1"}

// sseFixture is an ffmpeg-made MKV of secs seconds of H.264 from the lavfi
// source src (each fixture's frames differ), a fragment a second, with a
// track name that appears nowhere by chance: it returns the file and that
// name.
func sseFixture(t *testing.T, src string, secs int) ([]byte, string) {
	t.Helper()
	pbNeedFFmpeg(t)
	var b [8]byte
	rand.Read(b[:])
	title := "TRACK-" + hex.EncodeToString(b[:])
	out, err := exec.Command("ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", src+"=size=160x120:rate=25",
		"-t", strconv.Itoa(secs), "-pix_fmt", "yuv420p", "-g", "25", "-keyint_min", "25", "-sc_threshold", "0", "-bf", "0",
		"-c:v", "libx264", "-profile:v", "baseline", "-metadata:s:v:0", "title="+title,
		"-f", "matroska", "-live", "1", "-cluster_time_limit", "100000", "-cluster_size_limit", "100000000", "-").Output()
	if err != nil {
		t.Fatalf("ffmpeg: %v", err)
	}
	if !bytes.Contains(out, []byte(title)) {
		t.Fatal("the fixture does not name its track")
	}
	return out, title
}

// needles are known plaintexts of a fixture: its track name and 32 bytes
// from the middle of each cluster's largest frame.
func needles(t *testing.T, file []byte, title string) []string {
	t.Helper()
	out := []string{title}
	for _, c := range clustersOf(t, file) {
		var big []byte
		for _, f := range c.Frames {
			if len(f.Data) > len(big) {
				big = f.Data
			}
		}
		if len(big) < 64 {
			t.Fatalf("a cluster's largest frame has %d bytes", len(big))
		}
		out = append(out, string(big[len(big)/2:len(big)/2+32]))
	}
	return out
}

// grepDir reports which needles appear in any file under dir.
func grepDir(t *testing.T, dir string, needles []string) map[string]bool {
	return testserver.FilesContaining(t, dir, needles)
}

// checkAtRest wants none of secret in the data directory and all of
// plain (so that the grep is seen to work).
func checkAtRest(t *testing.T, dir string, secret, plain []string) {
	t.Helper()
	found := grepDir(t, dir, append(append([]string(nil), secret...), plain...))
	for i, s := range secret {
		if found[s] {
			t.Fatalf("known plaintext %d (%q) of an encrypted fragment is in the data directory", i, s)
		}
	}
	for i, s := range plain {
		if !found[s] {
			t.Fatalf("known plaintext %d of a plaintext fragment is not found either: the grep sees nothing", i)
		}
	}
}

// getMediaAll reads a stream's fragments from EARLIEST with GetMedia and
// wants the clusters of want, in order, with the track name in each
// chunk's header.
func getMediaAll(t *testing.T, srv *testserver.Server, stream string, want []*mkv.Cluster, titles ...string) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	resp := mediaReq(t, ctx, srv, "/getMedia", map[string]any{"StreamName": stream, "StartSelector": map[string]any{"StartSelectorType": "EARLIEST"}})
	if resp.StatusCode != 200 {
		t.Fatalf("GetMedia %s: %d", stream, resp.StatusCode)
	}
	defer resp.Body.Close()
	got := readChunks(t, resp.Body, len(want))
	for i, c := range got {
		sameFrames(t, fmt.Sprintf("GetMedia %s chunk %d", stream, i), c.c, want[i])
		if len(titles) > 0 && !strings.Contains(string(c.header.Raw), titles[min(i*len(titles)/len(want), len(titles)-1)]) {
			t.Fatalf("GetMedia %s chunk %d: the header does not name the track", stream, i)
		}
	}
}

// putOldFragments stores an MKV in stream name's log as Sluice builds
// before server-side encryption did: with a fragment store that has no
// master keys (the server is stopped).
func putOldFragments(t *testing.T, dir, name string, file []byte, producerStart time.Time) {
	t.Helper()
	b, err := embedded.Open(embedded.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	raw, err := b.Meta().Get(t.Context(), "video/streams/000000000000/us-east-1/"+name)
	if err != nil {
		t.Fatal(err)
	}
	var st video.Stream
	if err := json.Unmarshal(raw, &st); err != nil {
		t.Fatal(err)
	}
	store := fragments.New(fragments.Config{}, b.Records())
	defer store.Close()
	fs, err := store.Open(t.Context(), &st)
	if err != nil {
		t.Fatal(err)
	}
	persisted := 0
	err = fs.Ingest(t.Context(), bytes.NewReader(file), fragments.IngestParams{Relative: true, ProducerStart: producerStart}, func(a fragments.Ack) error {
		switch a.EventType {
		case fragments.EventPersisted:
			persisted++
		case fragments.EventError:
			t.Errorf("ACK %+v", a)
		}
		return nil
	})
	if err != nil || persisted != len(clustersOf(t, file)) {
		t.Fatalf("ingest: %d persisted, %v", persisted, err)
	}
}

// TestVideoEncryptionAtRest: a stream with the default key, one with a
// customer managed key, and one whose first fragments an earlier build
// stored in plaintext; the encrypted fragments' frames and headers are
// nowhere on disk, the plaintext ones are; every reading API hands out the
// media as put, and GetMedia again after a restart.
func TestVideoEncryptionAtRest(t *testing.T) {
	dir := testserver.TempDir(t)
	opts := []testserver.Option{testserver.WithDir(dir), testserver.WithTLS()}
	srv := testserver.Start(t, opts...)
	createStream(t, srv, "old", 24)
	srv.Stop()
	oldFile, oldTitle := sseFixture(t, "testsrc", 2)
	oldStart := pbProducerStart.Add(-time.Hour)
	putOldFragments(t, dir, "old", oldFile, oldStart)

	srv = testserver.Start(t, opts...)
	keys, err := kms.OpenLocal(filepath.Join(dir, kms.KeyFileName), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := keys.CreateKey(sseScope, "alias/cameras", ""); err != nil {
		t.Fatal(err)
	}
	createStream(t, srv, "default", 24)
	if _, err := srv.VideoClient().CreateStream(t.Context(), &kv.CreateStreamInput{StreamName: aws.String("cmk"), DataRetentionInHours: aws.Int32(24), KmsKeyId: aws.String("alias/cameras")}); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"default": "arn:aws:kms:us-east-1:000000000000:alias/aws/kinesisvideo", "cmk": "alias/cameras"} {
		d, err := srv.VideoClient().DescribeStream(t.Context(), &kv.DescribeStreamInput{StreamName: aws.String(name)})
		if err != nil || aws.ToString(d.StreamInfo.KmsKeyId) != want {
			t.Fatalf("DescribeStream %s: %v %v", name, d, err)
		}
	}
	defFile, defTitle := sseFixture(t, "testsrc2", 2)
	cmkFile, cmkTitle := sseFixture(t, "mandelbrot", 2)
	newOld, newOldTitle := sseFixture(t, "rgbtestsrc", 2)
	if n := pbPut(t, srv, "default", pbProducerStart, defFile); len(n) != 2 {
		t.Fatalf("%d fragments persisted", len(n))
	}
	cmkNumbers := pbPut(t, srv, "cmk", pbProducerStart, cmkFile)
	pbPut(t, srv, "old", pbProducerStart, newOld)

	plain := needles(t, oldFile, oldTitle)
	secret := append(append(needles(t, defFile, defTitle), needles(t, cmkFile, cmkTitle)...), needles(t, newOld, newOldTitle)...)
	checkAtRest(t, dir, secret, plain)

	getMediaAll(t, srv, "default", clustersOf(t, defFile), defTitle)
	getMediaAll(t, srv, "cmk", clustersOf(t, cmkFile), cmkTitle)
	getMediaAll(t, srv, "old", append(clustersOf(t, oldFile), clustersOf(t, newOld)...), oldTitle, newOldTitle)

	// GetMediaForFragmentList.
	resp := mediaReq(t, t.Context(), srv, "/getMediaForFragmentList", map[string]any{"StreamName": "cmk", "Fragments": cmkNumbers})
	if resp.StatusCode != 200 {
		t.Fatalf("GetMediaForFragmentList: %d", resp.StatusCode)
	}
	for i, c := range readChunks(t, resp.Body, len(cmkNumbers)) {
		sameFrames(t, "GetMediaForFragmentList", c.c, clustersOf(t, cmkFile)[i])
	}
	resp.Body.Close()

	// HLS, GetClip and GetImages decode what they hand out.
	if p := ffprobe(t, pbOnDemandHLS(t, srv, "cmk", time.Time{}, kvamt.ContainerFormatFragmentedMp4)); p.stream("h264").Frames != 50 {
		t.Errorf("HLS of an encrypted stream: %+v", p)
	}
	c := pbClient(srv)
	clip, err := c.GetClip(t.Context(), &kvam.GetClipInput{StreamName: aws.String("cmk"), ClipFragmentSelector: &kvamt.ClipFragmentSelector{
		FragmentSelectorType: kvamt.ClipFragmentSelectorTypeProducerTimestamp,
		TimestampRange:       &kvamt.ClipTimestampRange{StartTimestamp: aws.Time(pbProducerStart), EndTimestamp: aws.Time(pbProducerStart.Add(time.Hour))}}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(clip.Payload)
	if p := ffprobe(t, pbWrite(t, "clip.mp4", body)); p.stream("h264").Frames != 50 {
		t.Errorf("GetClip of an encrypted stream: %+v", p)
	}
	imgs, err := c.GetImages(t.Context(), &kvam.GetImagesInput{StreamName: aws.String("cmk"), ImageSelectorType: kvamt.ImageSelectorTypeProducerTimestamp,
		StartTimestamp: aws.Time(pbProducerStart), EndTimestamp: aws.Time(pbProducerStart.Add(1500 * time.Millisecond)), SamplingInterval: aws.Int32(500),
		Format: kvamt.FormatJpeg})
	if err != nil {
		t.Fatal(err)
	}
	for i, im := range imgs.Images {
		if im.Error != "" || len(aws.ToString(im.ImageContent)) == 0 {
			t.Fatalf("GetImages of an encrypted stream, image %d: %v", i, im.Error)
		}
	}
	if len(imgs.Images) != 4 {
		t.Fatalf("%d images", len(imgs.Images))
	}

	srv.Stop()
	checkAtRest(t, dir, secret, plain)
	srv = testserver.Start(t, opts...)
	getMediaAll(t, srv, "cmk", clustersOf(t, cmkFile), cmkTitle)
	getMediaAll(t, srv, "old", append(clustersOf(t, oldFile), clustersOf(t, newOld)...), oldTitle, newOldTitle)
}

// getMediaTags reads a GetMedia body to its end and returns its Tags.
func getMediaTags(t *testing.T, r io.Reader) map[string]string {
	t.Helper()
	tags := map[string]string{}
	rd := mkv.NewReader(r, mkv.Limits{OnTags: func(ts []mkv.SimpleTag) {
		for _, tg := range ts {
			tags[tg.Name] = tg.Value
		}
	}})
	for {
		if _, _, err := rd.Next(); err != nil {
			return tags
		}
	}
}

// TestVideoEncryptionKeyErrors: CreateStream refuses a KmsKeyId that does
// not exist, is disabled or is another account's (InvalidArgumentException
// with KMS's words); a stream whose key is disabled later gets ERROR ACK
// 4501 on PutMedia, error tags 4501 from GetMedia and
// GetMediaForFragmentList and NotAuthorizedException from the playback
// APIs, once its data keys are due; enabling the key lets everything
// through again.
func TestVideoEncryptionKeyErrors(t *testing.T) {
	dir := testserver.TempDir(t)
	srv := testserver.Start(t, testserver.WithDir(dir), testserver.WithTLS(), testserver.WithFragments(func(c *fragments.Config) {
		c.DataKeyLifetime, c.DataKeyRecheck = 50*time.Millisecond, 50*time.Millisecond
	}))
	vc := srv.VideoClient()
	keys, err := kms.OpenLocal(filepath.Join(dir, kms.KeyFileName), nil)
	if err != nil {
		t.Fatal(err)
	}
	key, err := keys.CreateKey(sseScope, "alias/cam", "")
	if err != nil {
		t.Fatal(err)
	}
	other, err := keys.CreateKey(kms.Scope{Account: "111122223333", Region: "us-east-1"}, "", "")
	if err != nil {
		t.Fatal(err)
	}
	create := func(name, keyID string) error {
		_, err := vc.CreateStream(t.Context(), &kv.CreateStreamInput{StreamName: aws.String(name), DataRetentionInHours: aws.Int32(24), KmsKeyId: aws.String(keyID)})
		return err
	}
	wantErr := func(err error, code, msg string) {
		t.Helper()
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != code || ae.ErrorMessage() != msg {
			t.Fatalf("got %v, want %s: %s", err, code, msg)
		}
	}
	wantErr(create("a", "alias/missing"), "InvalidArgumentException", "Alias 'arn:aws:kms:us-east-1:000000000000:alias/missing' is not found.")
	wantErr(create("a", "not-a-key"), "InvalidArgumentException", "Invalid keyId 'not-a-key'")
	wantErr(create("a", other.ARN), "InvalidArgumentException",
		"User: arn:aws:iam::000000000000:root is not authorized to perform: kms:DescribeKey on resource: "+other.ARN+" because no resource-based policy allows the kms:DescribeKey action")
	if _, err := keys.SetState(sseScope, key.ID, kms.StateDisabled); err != nil {
		t.Fatal(err)
	}
	wantErr(create("a", key.ARN), "InvalidArgumentException", key.ARN+" is disabled.")
	if _, err := vc.DescribeStream(t.Context(), &kv.DescribeStreamInput{StreamName: aws.String("a")}); err == nil {
		t.Fatal("a stream refused for its key exists")
	}
	if _, err := keys.SetState(sseScope, key.ID, kms.StateEnabled); err != nil {
		t.Fatal(err)
	}
	if err := create("cam", key.ARN); err != nil {
		t.Fatal(err)
	}
	file := fixture(t, 2, false)
	numbers := pbPut(t, srv, "cam", pbProducerStart, file)

	if _, err := keys.SetState(sseScope, key.ID, kms.StateDisabled); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond) // the data keys' lifetime and recheck
	status, _, acks := putMedia(t, srv, openCreds, streamHeaders("cam"), bytes.NewReader(file))
	if status != 200 || !strings.Contains(events(acks), "E4501") {
		t.Fatalf("PutMedia with the key disabled: %d %s", status, events(acks))
	}
	for _, a := range acks {
		if a.EventType == "ERROR" && a.ErrorCode != "KMS_KEY_DISABLED" {
			t.Fatalf("ERROR ACK %+v", a)
		}
	}
	resp := mediaReq(t, t.Context(), srv, "/getMedia", map[string]any{"StreamName": "cam", "StartSelector": map[string]any{"StartSelectorType": "EARLIEST"}})
	tags := getMediaTags(t, resp.Body)
	resp.Body.Close()
	if tags[mkv.TagErrorID] != "4501" || tags[mkv.TagErrorCode] != "KMS_KEY_DISABLED" {
		t.Fatalf("GetMedia with the key disabled: %v", tags)
	}
	resp = mediaReq(t, t.Context(), srv, "/getMediaForFragmentList", map[string]any{"StreamName": "cam", "Fragments": numbers[:1]})
	tags = getMediaTags(t, resp.Body)
	resp.Body.Close()
	if tags["AWS_KINESISVIDEO_EXCEPTION_ERROR_CODE"] != "4501" || tags["AWS_KINESISVIDEO_EXCEPTION_MESSAGE"] != key.ARN+" is disabled." {
		t.Fatalf("GetMediaForFragmentList with the key disabled: %v", tags)
	}
	_, err = pbClient(srv).GetClip(t.Context(), &kvam.GetClipInput{StreamName: aws.String("cam"), ClipFragmentSelector: &kvamt.ClipFragmentSelector{
		FragmentSelectorType: kvamt.ClipFragmentSelectorTypeProducerTimestamp,
		TimestampRange:       &kvamt.ClipTimestampRange{StartTimestamp: aws.Time(pbProducerStart), EndTimestamp: aws.Time(pbProducerStart.Add(time.Hour))}}})
	wantErr(err, "NotAuthorizedException", key.ARN+" is disabled.")

	if _, err := keys.SetState(sseScope, key.ID, kms.StateEnabled); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	getMediaAll(t, srv, "cam", clustersOf(t, file))
	if n := pbPut(t, srv, "cam", pbProducerStart.Add(time.Hour), file); len(n) != len(numbers) {
		t.Fatalf("%d fragments persisted after enabling the key again", len(n))
	}
}
