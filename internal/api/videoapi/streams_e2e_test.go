package videoapi_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	kv "github.com/aws/aws-sdk-go-v2/service/kinesisvideo"
	kvt "github.com/aws/aws-sdk-go-v2/service/kinesisvideo/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"sluice/internal/config"
	"sluice/internal/testserver"
	"sluice/internal/video"
)

// wantErr checks the AWS error code, HTTP status and, when msg is not
// empty, the exact message.
func wantErr(t *testing.T, err error, code string, status int, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("err = %v, want %s", err, code)
	}
	if ae.ErrorCode() != code {
		t.Fatalf("code = %s (%s), want %s", ae.ErrorCode(), ae.ErrorMessage(), code)
	}
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) && re.HTTPStatusCode() != status {
		t.Errorf("%s: status %d, want %d", code, re.HTTPStatusCode(), status)
	}
	if msg != "" && ae.ErrorMessage() != msg {
		t.Errorf("%s: message %q, want %q", code, ae.ErrorMessage(), msg)
	}
}

func TestStreams(t *testing.T) {
	srv := testserver.Start(t)
	c := srv.VideoClient()
	ctx := t.Context()
	created, err := c.CreateStream(ctx, &kv.CreateStreamInput{
		StreamName: aws.String("cam"), DeviceName: aws.String("door"), MediaType: aws.String("video/h264"),
		DataRetentionInHours: aws.Int32(24), Tags: map[string]string{"site": "home"},
	})
	if err != nil {
		t.Fatal(err)
	}
	arn := aws.ToString(created.StreamARN)
	if !strings.HasPrefix(arn, "arn:aws:kinesisvideo:us-east-1:000000000000:stream/cam/") {
		t.Errorf("ARN %s", arn)
	}
	d, err := c.DescribeStream(ctx, &kv.DescribeStreamInput{StreamARN: &arn})
	if err != nil {
		t.Fatal(err)
	}
	info := d.StreamInfo
	if aws.ToString(info.StreamName) != "cam" || aws.ToString(info.DeviceName) != "door" || aws.ToString(info.MediaType) != "video/h264" ||
		info.Status != kvt.StatusActive || aws.ToInt32(info.DataRetentionInHours) != 24 || info.CreationTime == nil ||
		aws.ToString(info.KmsKeyId) != "arn:aws:kms:us-east-1:000000000000:alias/aws/kinesisvideo" || len(aws.ToString(info.Version)) == 0 {
		t.Errorf("described %+v", info)
	}

	_, err = c.CreateStream(ctx, &kv.CreateStreamInput{StreamName: aws.String("cam")})
	wantErr(t, err, "ResourceInUseException", 400, "The stream cam already exists.")
	_, err = c.DescribeStream(ctx, &kv.DescribeStreamInput{StreamName: aws.String("nope")})
	wantErr(t, err, "ResourceNotFoundException", 404, "The requested stream is not found or not active.")
	var nf *kvt.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Errorf("not a typed ResourceNotFoundException: %T", err)
	}
	_, err = c.CreateStream(ctx, &kv.CreateStreamInput{StreamName: aws.String("bad name")})
	wantErr(t, err, "InvalidArgumentException", 400,
		"1 validation error detected: Value 'bad name' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")
	_, err = c.CreateStream(ctx, &kv.CreateStreamInput{StreamName: aws.String("x"), DataRetentionInHours: aws.Int32(87601)})
	wantErr(t, err, "InvalidArgumentException", 400, "DataRetentionInHours must be between 0 and 87600 hours.")
	_, err = c.DescribeStream(ctx, &kv.DescribeStreamInput{})
	wantErr(t, err, "InvalidArgumentException", 400, "Either the StreamName or the StreamARN must be specified.")

	// Versions.
	v1 := aws.ToString(info.Version)
	_, err = c.UpdateStream(ctx, &kv.UpdateStreamInput{StreamName: aws.String("cam"), CurrentVersion: aws.String("stale1"), MediaType: aws.String("video/h265")})
	wantErr(t, err, "VersionMismatchException", 400, "The specified version does not match the current version of the stream.")
	if _, err := c.UpdateStream(ctx, &kv.UpdateStreamInput{StreamName: aws.String("cam"), CurrentVersion: &v1, MediaType: aws.String("video/h265")}); err != nil {
		t.Fatal(err)
	}
	d, _ = c.DescribeStream(ctx, &kv.DescribeStreamInput{StreamName: aws.String("cam")})
	v2 := aws.ToString(d.StreamInfo.Version)
	if v2 == v1 || aws.ToString(d.StreamInfo.MediaType) != "video/h265" {
		t.Errorf("after update %+v", d.StreamInfo)
	}
	_, err = c.UpdateDataRetention(ctx, &kv.UpdateDataRetentionInput{StreamName: aws.String("cam"), CurrentVersion: &v2,
		Operation: kvt.UpdateDataRetentionOperationDecreaseDataRetention, DataRetentionChangeInHours: aws.Int32(25)})
	wantErr(t, err, "InvalidArgumentException", 400, "")
	if _, err := c.UpdateDataRetention(ctx, &kv.UpdateDataRetentionInput{StreamARN: &arn, CurrentVersion: &v2,
		Operation: kvt.UpdateDataRetentionOperationIncreaseDataRetention, DataRetentionChangeInHours: aws.Int32(6)}); err != nil {
		t.Fatal(err)
	}
	d, _ = c.DescribeStream(ctx, &kv.DescribeStreamInput{StreamName: aws.String("cam")})
	if aws.ToInt32(d.StreamInfo.DataRetentionInHours) != 30 {
		t.Errorf("retention %d", aws.ToInt32(d.StreamInfo.DataRetentionInHours))
	}

	// Storage tier.
	ss, err := c.DescribeStreamStorageConfiguration(ctx, &kv.DescribeStreamStorageConfigurationInput{StreamName: aws.String("cam")})
	if err != nil || ss.StreamStorageConfiguration.DefaultStorageTier != kvt.DefaultStorageTierHot {
		t.Fatalf("storage %+v %v", ss, err)
	}
	if _, err := c.UpdateStreamStorageConfiguration(ctx, &kv.UpdateStreamStorageConfigurationInput{StreamName: aws.String("cam"),
		CurrentVersion: d.StreamInfo.Version, StreamStorageConfiguration: &kvt.StreamStorageConfiguration{DefaultStorageTier: kvt.DefaultStorageTierWarm}}); err != nil {
		t.Fatal(err)
	}

	// GetDataEndpoint: the server's own URL for every API.
	for _, api := range kvt.APIName("").Values() {
		ep, err := c.GetDataEndpoint(ctx, &kv.GetDataEndpointInput{StreamName: aws.String("cam"), APIName: api})
		if err != nil || aws.ToString(ep.DataEndpoint) != srv.URL {
			t.Errorf("%s: %v %v", api, aws.ToString(ep.DataEndpoint), err)
		}
	}

	// Delete: a stale version is refused; then the stream is gone.
	d, _ = c.DescribeStream(ctx, &kv.DescribeStreamInput{StreamName: aws.String("cam")})
	_, err = c.DeleteStream(ctx, &kv.DeleteStreamInput{StreamARN: &arn, CurrentVersion: aws.String("stale1")})
	wantErr(t, err, "VersionMismatchException", 400, "")
	if _, err := c.DeleteStream(ctx, &kv.DeleteStreamInput{StreamARN: &arn, CurrentVersion: d.StreamInfo.Version}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteStream(ctx, &kv.DeleteStreamInput{StreamARN: &arn})
	wantErr(t, err, "ResourceNotFoundException", 404, "")
}

func TestListStreamsPaging(t *testing.T) {
	srv := testserver.Start(t)
	c := srv.VideoClient()
	ctx := t.Context()
	for i := range 12 {
		prefix := "cam"
		if i%3 == 0 {
			prefix = "mic"
		}
		if _, err := c.CreateStream(ctx, &kv.CreateStreamInput{StreamName: aws.String(fmt.Sprintf("%s-%02d", prefix, i))}); err != nil {
			t.Fatal(err)
		}
	}
	var names []string
	p := kv.NewListStreamsPaginator(c, &kv.ListStreamsInput{MaxResults: aws.Int32(3),
		StreamNameCondition: &kvt.StreamNameCondition{ComparisonOperator: kvt.ComparisonOperatorBeginsWith, ComparisonValue: aws.String("cam")}})
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, s := range out.StreamInfoList {
			names = append(names, aws.ToString(s.StreamName))
		}
	}
	if len(names) != 8 || names[0] != "cam-01" || names[7] != "cam-11" || pages != 3 {
		t.Errorf("%d pages: %v", pages, names)
	}
	_, err := c.ListStreams(ctx, &kv.ListStreamsInput{MaxResults: aws.Int32(10001)})
	wantErr(t, err, "InvalidArgumentException", 400,
		"1 validation error detected: Value '10001' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 10000")
	_, err = c.ListStreams(ctx, &kv.ListStreamsInput{NextToken: aws.String("AAAA=")})
	wantErr(t, err, "InvalidArgumentException", 400, "")
}

func TestTags(t *testing.T) {
	srv := testserver.Start(t)
	c := srv.VideoClient()
	ctx := t.Context()
	out, _ := c.CreateStream(ctx, &kv.CreateStreamInput{StreamName: aws.String("cam")})
	arn := out.StreamARN
	many := map[string]string{}
	for i := range 50 {
		many[fmt.Sprint("k", i)] = "v"
	}
	if _, err := c.TagStream(ctx, &kv.TagStreamInput{StreamName: aws.String("cam"), Tags: many}); err != nil {
		t.Fatal(err)
	}
	_, err := c.TagResource(ctx, &kv.TagResourceInput{ResourceARN: arn, Tags: []kvt.Tag{{Key: aws.String("k50"), Value: aws.String("v")}}})
	wantErr(t, err, "TagsPerResourceExceededLimitException", 400, "The resource would have more than 50 tags.")
	_, err = c.TagStream(ctx, &kv.TagStreamInput{StreamARN: arn, Tags: map[string]string{"aws:x": "v"}})
	wantErr(t, err, "InvalidArgumentException", 400, "")
	_, err = c.TagStream(ctx, &kv.TagStreamInput{StreamARN: arn, Tags: map[string]string{strings.Repeat("k", 129): "v"}})
	wantErr(t, err, "InvalidArgumentException", 400, "")
	if _, err := c.UntagStream(ctx, &kv.UntagStreamInput{StreamARN: arn, TagKeyList: []string{"k0", "k1"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UntagResource(ctx, &kv.UntagResourceInput{ResourceARN: arn, TagKeyList: []string{"k2"}}); err != nil {
		t.Fatal(err)
	}
	lt, err := c.ListTagsForStream(ctx, &kv.ListTagsForStreamInput{StreamName: aws.String("cam")})
	if err != nil || len(lt.Tags) != 47 {
		t.Errorf("tags by stream: %d %v", len(lt.Tags), err)
	}
	lr, err := c.ListTagsForResource(ctx, &kv.ListTagsForResourceInput{ResourceARN: arn})
	if err != nil || len(lr.Tags) != 47 || lr.Tags["k3"] != "v" {
		t.Errorf("tags by ARN: %d %v", len(lr.Tags), err)
	}
	_, err = c.ListTagsForStream(ctx, &kv.ListTagsForStreamInput{StreamName: aws.String("nope")})
	wantErr(t, err, "ResourceNotFoundException", 404, "")
	// The tags come whole: no NextToken is handed out, none is taken.
	_, err = c.ListTagsForStream(ctx, &kv.ListTagsForStreamInput{StreamName: aws.String("cam"), NextToken: aws.String("x")})
	wantErr(t, err, "InvalidArgumentException", 400, "NextToken is not valid: this list is answered whole and hands out no NextToken.")
	_, err = c.ListTagsForResource(ctx, &kv.ListTagsForResourceInput{ResourceARN: out.StreamARN, NextToken: aws.String("x")})
	wantErr(t, err, "InvalidArgumentException", 400, "NextToken is not valid: this list is answered whole and hands out no NextToken.")
}

func TestConfigurations(t *testing.T) {
	srv := testserver.Start(t)
	c := srv.VideoClient()
	ctx := t.Context()
	c.CreateStream(ctx, &kv.CreateStreamInput{StreamName: aws.String("cam")})
	ig := &kvt.ImageGenerationConfiguration{
		Status: kvt.ConfigurationStatusEnabled, ImageSelectorType: kvt.ImageSelectorTypeServerTimestamp,
		DestinationConfig: &kvt.ImageGenerationDestinationConfig{Uri: aws.String("s3://bucket/images"), DestinationRegion: aws.String("us-east-1")},
		SamplingInterval:  aws.Int32(2000), Format: kvt.FormatJpeg, FormatConfig: map[string]string{"JPEGQuality": "80"},
		WidthPixels: aws.Int32(640), HeightPixels: aws.Int32(480),
	}
	_, err := c.UpdateImageGenerationConfiguration(ctx, &kv.UpdateImageGenerationConfigurationInput{StreamName: aws.String("cam"), ImageGenerationConfiguration: ig})
	wantErr(t, err, "NoDataRetentionException", 400, "")
	d, _ := c.DescribeStream(ctx, &kv.DescribeStreamInput{StreamName: aws.String("cam")})
	c.UpdateDataRetention(ctx, &kv.UpdateDataRetentionInput{StreamName: aws.String("cam"), CurrentVersion: d.StreamInfo.Version,
		Operation: kvt.UpdateDataRetentionOperationIncreaseDataRetention, DataRetentionChangeInHours: aws.Int32(1)})
	bad := *ig
	bad.SamplingInterval = aws.Int32(10)
	_, err = c.UpdateImageGenerationConfiguration(ctx, &kv.UpdateImageGenerationConfigurationInput{StreamName: aws.String("cam"), ImageGenerationConfiguration: &bad})
	wantErr(t, err, "InvalidArgumentException", 400, "SamplingInterval must be between 200 and 20000 milliseconds.")
	if _, err := c.UpdateImageGenerationConfiguration(ctx, &kv.UpdateImageGenerationConfigurationInput{StreamName: aws.String("cam"), ImageGenerationConfiguration: ig}); err != nil {
		t.Fatal(err)
	}
	gi, err := c.DescribeImageGenerationConfiguration(ctx, &kv.DescribeImageGenerationConfigurationInput{StreamName: aws.String("cam")})
	if err != nil || gi.ImageGenerationConfiguration == nil || aws.ToInt32(gi.ImageGenerationConfiguration.SamplingInterval) != 2000 ||
		gi.ImageGenerationConfiguration.FormatConfig["JPEGQuality"] != "80" || aws.ToString(gi.ImageGenerationConfiguration.DestinationConfig.Uri) != "s3://bucket/images" {
		t.Errorf("image generation %+v %v", gi, err)
	}
	nc := &kvt.NotificationConfiguration{Status: kvt.ConfigurationStatusEnabled,
		DestinationConfig: &kvt.NotificationDestinationConfig{Uri: aws.String("arn:aws:sns:us-east-1:000000000000:topic")}}
	if _, err := c.UpdateNotificationConfiguration(ctx, &kv.UpdateNotificationConfigurationInput{StreamName: aws.String("cam"), NotificationConfiguration: nc}); err != nil {
		t.Fatal(err)
	}
	gn, err := c.DescribeNotificationConfiguration(ctx, &kv.DescribeNotificationConfigurationInput{StreamName: aws.String("cam")})
	if err != nil || gn.NotificationConfiguration == nil || aws.ToString(gn.NotificationConfiguration.DestinationConfig.Uri) != "arn:aws:sns:us-east-1:000000000000:topic" {
		t.Errorf("notification %+v %v", gn, err)
	}
	// An update without a configuration removes it.
	c.UpdateNotificationConfiguration(ctx, &kv.UpdateNotificationConfigurationInput{StreamName: aws.String("cam")})
	if gn, _ := c.DescribeNotificationConfiguration(ctx, &kv.DescribeNotificationConfigurationInput{StreamName: aws.String("cam")}); gn.NotificationConfiguration != nil {
		t.Errorf("notification not removed")
	}

	// Edge configuration.
	_, err = c.DescribeEdgeConfiguration(ctx, &kv.DescribeEdgeConfigurationInput{StreamName: aws.String("cam")})
	wantErr(t, err, "StreamEdgeConfigurationNotFoundException", 404, "The stream cam has no edge configuration.")
	hub := "arn:aws:iot:us-east-1:000000000000:thing/hub1"
	edge := &kvt.EdgeConfig{HubDeviceArn: aws.String(hub), RecorderConfig: &kvt.RecorderConfig{MediaSourceConfig: &kvt.MediaSourceConfig{
		MediaUriSecretArn: aws.String("arn:aws:secretsmanager:us-east-1:000000000000:secret:cam-url"), MediaUriType: kvt.MediaUriTypeRtspUri}},
		DeletionConfig: &kvt.DeletionConfig{EdgeRetentionInHours: aws.Int32(24), DeleteAfterUpload: aws.Bool(true)}}
	se, err := c.StartEdgeConfigurationUpdate(ctx, &kv.StartEdgeConfigurationUpdateInput{StreamName: aws.String("cam"), EdgeConfig: edge})
	if err != nil || se.SyncStatus != kvt.SyncStatusInSync {
		t.Fatalf("start edge %+v %v", se, err)
	}
	de, err := c.DescribeEdgeConfiguration(ctx, &kv.DescribeEdgeConfigurationInput{StreamName: aws.String("cam")})
	if err != nil || aws.ToString(de.EdgeConfig.HubDeviceArn) != hub || aws.ToInt32(de.EdgeConfig.DeletionConfig.EdgeRetentionInHours) != 24 ||
		de.EdgeConfig.RecorderConfig.MediaSourceConfig.MediaUriType != kvt.MediaUriTypeRtspUri {
		t.Errorf("edge %+v %v", de, err)
	}
	la, err := c.ListEdgeAgentConfigurations(ctx, &kv.ListEdgeAgentConfigurationsInput{HubDeviceArn: aws.String(hub)})
	if err != nil || len(la.EdgeConfigs) != 1 || aws.ToString(la.EdgeConfigs[0].StreamName) != "cam" {
		t.Errorf("edge list %+v %v", la, err)
	}
	if _, err := c.DeleteEdgeConfiguration(ctx, &kv.DeleteEdgeConfigurationInput{StreamName: aws.String("cam")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteEdgeConfiguration(ctx, &kv.DeleteEdgeConfigurationInput{StreamName: aws.String("cam")})
	wantErr(t, err, "StreamEdgeConfigurationNotFoundException", 404, "")
}

func TestSignalingChannels(t *testing.T) {
	srv := testserver.Start(t)
	c := srv.VideoClient()
	ctx := t.Context()
	cc, err := c.CreateSignalingChannel(ctx, &kv.CreateSignalingChannelInput{ChannelName: aws.String("door"),
		Tags: []kvt.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
	if err != nil {
		t.Fatal(err)
	}
	arn := aws.ToString(cc.ChannelARN)
	if !strings.HasPrefix(arn, "arn:aws:kinesisvideo:us-east-1:000000000000:channel/door/") {
		t.Errorf("ARN %s", arn)
	}
	_, err = c.CreateSignalingChannel(ctx, &kv.CreateSignalingChannelInput{ChannelName: aws.String("door")})
	wantErr(t, err, "ResourceInUseException", 400, "")
	_, err = c.CreateSignalingChannel(ctx, &kv.CreateSignalingChannelInput{ChannelName: aws.String("mesh"), ChannelType: kvt.ChannelTypeFullMesh})
	wantErr(t, err, "InvalidArgumentException", 400, "")
	_, err = c.CreateSignalingChannel(ctx, &kv.CreateSignalingChannelInput{ChannelName: aws.String("ttl"),
		SingleMasterConfiguration: &kvt.SingleMasterConfiguration{MessageTtlSeconds: aws.Int32(121)}})
	wantErr(t, err, "InvalidArgumentException", 400,
		"1 validation error detected: Value '121' at 'singleMasterConfiguration.messageTtlSeconds' failed to satisfy constraint: Member must have value less than or equal to 120")
	d, err := c.DescribeSignalingChannel(ctx, &kv.DescribeSignalingChannelInput{ChannelName: aws.String("door")})
	if err != nil {
		t.Fatal(err)
	}
	ci := d.ChannelInfo
	if ci.ChannelStatus != kvt.StatusActive || ci.ChannelType != kvt.ChannelTypeSingleMaster || aws.ToInt32(ci.SingleMasterConfiguration.MessageTtlSeconds) != 60 || aws.ToString(ci.ChannelARN) != arn {
		t.Errorf("channel %+v", ci)
	}
	_, err = c.DescribeSignalingChannel(ctx, &kv.DescribeSignalingChannelInput{ChannelName: aws.String("nope")})
	wantErr(t, err, "ResourceNotFoundException", 404, "The requested channel is not found or not active.")
	_, err = c.UpdateSignalingChannel(ctx, &kv.UpdateSignalingChannelInput{ChannelARN: &arn, CurrentVersion: aws.String("old")})
	wantErr(t, err, "VersionMismatchException", 400, "")
	if _, err := c.UpdateSignalingChannel(ctx, &kv.UpdateSignalingChannelInput{ChannelARN: &arn, CurrentVersion: ci.Version,
		SingleMasterConfiguration: &kvt.SingleMasterConfiguration{MessageTtlSeconds: aws.Int32(30)}}); err != nil {
		t.Fatal(err)
	}
	ls, err := c.ListSignalingChannels(ctx, &kv.ListSignalingChannelsInput{ChannelNameCondition: &kvt.ChannelNameCondition{
		ComparisonOperator: kvt.ComparisonOperatorBeginsWith, ComparisonValue: aws.String("do")}})
	if err != nil || len(ls.ChannelInfoList) != 1 || aws.ToInt32(ls.ChannelInfoList[0].SingleMasterConfiguration.MessageTtlSeconds) != 30 {
		t.Errorf("list %+v %v", ls, err)
	}
	ep, err := c.GetSignalingChannelEndpoint(ctx, &kv.GetSignalingChannelEndpointInput{ChannelARN: &arn,
		SingleMasterChannelEndpointConfiguration: &kvt.SingleMasterChannelEndpointConfiguration{Protocols: []kvt.ChannelProtocol{kvt.ChannelProtocolWss, kvt.ChannelProtocolHttps}, Role: kvt.ChannelRoleMaster}})
	if err != nil || len(ep.ResourceEndpointList) != 2 || aws.ToString(ep.ResourceEndpointList[0].ResourceEndpoint) != "ws"+strings.TrimPrefix(srv.URL, "http") ||
		aws.ToString(ep.ResourceEndpointList[1].ResourceEndpoint) != srv.URL {
		t.Errorf("endpoints %+v %v", ep, err)
	}
	if lt, err := c.ListTagsForResource(ctx, &kv.ListTagsForResourceInput{ResourceARN: &arn}); err != nil || lt.Tags["k"] != "v" {
		t.Errorf("channel tags %v %v", lt, err)
	}

	// Media storage maps the channel to a stream that keeps its data.
	ms, err := c.DescribeMediaStorageConfiguration(ctx, &kv.DescribeMediaStorageConfigurationInput{ChannelARN: &arn})
	if err != nil || ms.MediaStorageConfiguration.Status != kvt.MediaStorageConfigurationStatusDisabled {
		t.Fatalf("media storage %+v %v", ms, err)
	}
	st, _ := c.CreateStream(ctx, &kv.CreateStreamInput{StreamName: aws.String("rec"), DataRetentionInHours: aws.Int32(1)})
	if _, err := c.UpdateMediaStorageConfiguration(ctx, &kv.UpdateMediaStorageConfigurationInput{ChannelARN: &arn,
		MediaStorageConfiguration: &kvt.MediaStorageConfiguration{Status: kvt.MediaStorageConfigurationStatusEnabled, StreamARN: st.StreamARN}}); err != nil {
		t.Fatal(err)
	}
	mr, err := c.DescribeMappedResourceConfiguration(ctx, &kv.DescribeMappedResourceConfigurationInput{StreamARN: st.StreamARN})
	if err != nil || len(mr.MappedResourceConfigurationList) != 1 || aws.ToString(mr.MappedResourceConfigurationList[0].ARN) != arn {
		t.Errorf("mapped %+v %v", mr, err)
	}
	d, _ = c.DescribeSignalingChannel(ctx, &kv.DescribeSignalingChannelInput{ChannelARN: &arn})
	_, err = c.DeleteSignalingChannel(ctx, &kv.DeleteSignalingChannelInput{ChannelARN: &arn, CurrentVersion: aws.String("old")})
	wantErr(t, err, "VersionMismatchException", 400, "")
	if _, err := c.DeleteSignalingChannel(ctx, &kv.DeleteSignalingChannelInput{ChannelARN: &arn, CurrentVersion: d.ChannelInfo.Version}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DescribeSignalingChannel(ctx, &kv.DescribeSignalingChannelInput{ChannelARN: &arn})
	wantErr(t, err, "ResourceNotFoundException", 404, "")
}

func TestLimits(t *testing.T) {
	srv := testserver.Start(t, testserver.WithVideo(func(c *video.Config) { c.StreamLimit, c.ChannelLimit = 1, 1 }))
	c := srv.VideoClient()
	ctx := t.Context()
	c.CreateStream(ctx, &kv.CreateStreamInput{StreamName: aws.String("a")})
	_, err := c.CreateStream(ctx, &kv.CreateStreamInput{StreamName: aws.String("b")})
	wantErr(t, err, "AccountStreamLimitExceededException", 400, "")
	c.CreateSignalingChannel(ctx, &kv.CreateSignalingChannelInput{ChannelName: aws.String("a")})
	_, err = c.CreateSignalingChannel(ctx, &kv.CreateSignalingChannelInput{ChannelName: aws.String("b")})
	wantErr(t, err, "AccountChannelLimitExceededException", 400, "")
}

// TestStates: with delays, a stream is CREATING, UPDATING and DELETING in
// turn, and refuses updates until ACTIVE.
func TestStates(t *testing.T) {
	srv := testserver.Start(t, testserver.WithConfig(func(c *config.Config) {
		c.CreateDelay, c.UpdateDelay, c.DeleteDelay = 300*time.Millisecond, 300*time.Millisecond, 300*time.Millisecond
	}))
	c := srv.VideoClient()
	ctx := t.Context()
	out, _ := c.CreateStream(ctx, &kv.CreateStreamInput{StreamName: aws.String("cam")})
	d, _ := c.DescribeStream(ctx, &kv.DescribeStreamInput{StreamName: aws.String("cam")})
	if d.StreamInfo.Status != kvt.StatusCreating {
		t.Fatalf("status %s", d.StreamInfo.Status)
	}
	_, err := c.UpdateStream(ctx, &kv.UpdateStreamInput{StreamName: aws.String("cam"), CurrentVersion: d.StreamInfo.Version, DeviceName: aws.String("x")})
	wantErr(t, err, "ResourceInUseException", 400, "The stream cam is not in ACTIVE state (it is CREATING).")
	waitStatus(t, c, "cam", kvt.StatusActive)
	c.UpdateStream(ctx, &kv.UpdateStreamInput{StreamName: aws.String("cam"), CurrentVersion: d.StreamInfo.Version, DeviceName: aws.String("x")})
	waitStatus(t, c, "cam", kvt.StatusUpdating)
	waitStatus(t, c, "cam", kvt.StatusActive)
	c.DeleteStream(ctx, &kv.DeleteStreamInput{StreamARN: out.StreamARN})
	waitStatus(t, c, "cam", kvt.StatusDeleting)
	waitStatus(t, c, "cam", "")
}

func waitStatus(t *testing.T, c *kv.Client, name string, want kvt.Status) {
	t.Helper()
	for range 500 {
		d, err := c.DescribeStream(t.Context(), &kv.DescribeStreamInput{StreamName: &name})
		if (err == nil && d.StreamInfo.Status == want) || (err != nil && want == "") {
			return
		}
		if err != nil && want != "" {
			t.Fatal(err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%s never became %q", name, want)
}

// TestRestart: streams and channels come back after a restart, versions
// and all.
func TestRestart(t *testing.T) {
	dir := testserver.TempDir(t)
	srv := testserver.Start(t, testserver.WithDir(dir))
	c := srv.VideoClient()
	ctx := t.Context()
	out, _ := c.CreateStream(ctx, &kv.CreateStreamInput{StreamName: aws.String("cam"), DataRetentionInHours: aws.Int32(2), Tags: map[string]string{"a": "b"}})
	c.CreateSignalingChannel(ctx, &kv.CreateSignalingChannelInput{ChannelName: aws.String("ch")})
	before, _ := c.DescribeStream(ctx, &kv.DescribeStreamInput{StreamName: aws.String("cam")})
	srv.Stop()

	srv2 := testserver.Start(t, testserver.WithDir(dir))
	c2 := srv2.VideoClient()
	after, err := c2.DescribeStream(ctx, &kv.DescribeStreamInput{StreamARN: out.StreamARN})
	if err != nil || aws.ToString(after.StreamInfo.Version) != aws.ToString(before.StreamInfo.Version) || aws.ToInt32(after.StreamInfo.DataRetentionInHours) != 2 {
		t.Fatalf("after restart %+v %v", after, err)
	}
	if lt, _ := c2.ListTagsForStream(ctx, &kv.ListTagsForStreamInput{StreamARN: out.StreamARN}); lt.Tags["a"] != "b" {
		t.Errorf("tags %v", lt.Tags)
	}
	if _, err := c2.DescribeSignalingChannel(ctx, &kv.DescribeSignalingChannelInput{ChannelName: aws.String("ch")}); err != nil {
		t.Error(err)
	}
}

// TestWire: the raw protocol: error headers and body, an unsigned request,
// a body that is not JSON, a method other than POST, and that the
// X-Amz-Target services still answer on POST /.
func TestWire(t *testing.T) {
	srv := testserver.Start(t)
	resp, err := http.Post(srv.URL+"/describeStream", "application/json", strings.NewReader(`{"StreamName":"x"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 || resp.Header.Get("x-amzn-ErrorType") != "MissingAuthenticationTokenException" {
		t.Errorf("unsigned: %d %v", resp.StatusCode, resp.Header)
	}
	signed := func(path, body string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, srv.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		sign(t, req, body)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	resp = signed("/describeStream", `{"StreamName":"nope"}`)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 404 || resp.Header.Get("x-amzn-ErrorType") != "ResourceNotFoundException" || resp.Header.Get("x-amz-ErrorType") != "ResourceNotFoundException" ||
		!bytes.Equal(body, []byte(`{"Message":"The requested stream is not found or not active."}`)) {
		t.Errorf("not found: %d %v %s", resp.StatusCode, resp.Header, body)
	}
	resp = signed("/listStreams", `[1]`)
	resp.Body.Close()
	if resp.StatusCode != 400 || resp.Header.Get("x-amzn-ErrorType") != "SerializationException" {
		t.Errorf("not an object: %d %v", resp.StatusCode, resp.Header)
	}
	resp = signed("/listStreams", ``)
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.Equal(body, []byte(`{"StreamInfoList":[]}`)) {
		t.Errorf("empty body: %d %s", resp.StatusCode, body)
	}
	resp, _ = http.Get(srv.URL + "/listStreams")
	resp.Body.Close()
	if resp.StatusCode != 403 {
		t.Errorf("GET: %d", resp.StatusCode)
	}
	if _, err := srv.Kinesis().ListStreams(t.Context(), nil); err != nil {
		t.Errorf("Kinesis beside Video Streams: %v", err)
	}
}

// sign signs req for kinesisvideo in us-east-1 with the test key.
func sign(t *testing.T, req *http.Request, body string) {
	t.Helper()
	sum := sha256.Sum256([]byte(body))
	hash := hex.EncodeToString(sum[:])
	req.Header.Set("X-Amz-Content-Sha256", hash)
	err := v4.NewSigner().SignHTTP(t.Context(), aws.Credentials{AccessKeyID: "AKIDTEST", SecretAccessKey: "secret"}, req, hash, "kinesisvideo", "us-east-1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
}
