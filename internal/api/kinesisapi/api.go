package kinesisapi

import (
	"context"

	"sluice/internal/awsproto"
	"sluice/internal/channels"
	"sluice/internal/streams"
)

// TargetPrefix and SigningName identify the service on the wire.
const (
	TargetPrefix = "Kinesis_20131202"
	SigningName  = "kinesis"
)

// API serves the Data Streams operations on top of a streams.Service
// (and the channel operations on top of a channels.Service).
type API struct {
	svc *streams.Service
	ch  *channels.Service
}

// Option adds to the API.
type Option func(*API)

// WithChannels serves the channel operations with ch; without it they
// answer that channels are not available.
func WithChannels(ch *channels.Service) Option { return func(a *API) { a.ch = ch } }

// New returns the Kinesis service description with every operation.
func New(svc *streams.Service, opts ...Option) *awsproto.Service {
	a := &API{svc: svc}
	for _, o := range opts {
		o(a)
	}
	api := awsproto.NewService(TargetPrefix, SigningName,
		awsproto.Op("AddTagsToStream", addTagsToStreamInput, a.addTagsToStream),
		awsproto.Op("CreateChannel", createChannelInput, a.createChannel),
		awsproto.Op("CreateStream", createStreamInput, a.createStream),
		awsproto.Op("DecreaseStreamRetentionPeriod", retentionInput, a.decreaseRetention),
		awsproto.Op("DeleteChannel", deleteChannelInput, a.deleteChannel),
		awsproto.Op("DeleteResourcePolicy", deleteResourcePolicyInput, a.deleteResourcePolicy),
		awsproto.Op("DeleteStream", deleteStreamInput, a.deleteStream),
		awsproto.Op("DeregisterStreamConsumer", consumerRefInput, a.deregisterStreamConsumer),
		awsproto.Op("DescribeAccountSettings", describeAccountSettingsInput, a.describeAccountSettings),
		awsproto.Op("DescribeChannel", describeChannelInput, a.describeChannel),
		awsproto.Op("DescribeLimits", describeLimitsInput, a.describeLimits),
		awsproto.Op("DescribeStream", describeStreamInput, a.describeStream),
		awsproto.Op("DescribeStreamConsumer", consumerRefInput, a.describeStreamConsumer),
		awsproto.Op("DescribeStreamSummary", describeStreamSummaryInput, a.describeStreamSummary),
		awsproto.Op("DisableEnhancedMonitoring", monitoringInput, a.disableEnhancedMonitoring),
		awsproto.Op("EnableEnhancedMonitoring", monitoringInput, a.enableEnhancedMonitoring),
		awsproto.Op("GetRecords", getRecordsInput, a.getRecords),
		awsproto.Op("GetResourcePolicy", getResourcePolicyInput, a.getResourcePolicy),
		awsproto.Op("GetShardIterator", getShardIteratorInput, a.getShardIterator),
		awsproto.Op("IncreaseStreamRetentionPeriod", retentionInput, a.increaseRetention),
		awsproto.Op("ListChannels", listChannelsInput, a.listChannels),
		awsproto.Op("ListShards", listShardsInput, a.listShards),
		awsproto.Op("ListStreamConsumers", listStreamConsumersInput, a.listStreamConsumers),
		awsproto.Op("ListStreams", listStreamsInput, a.listStreams),
		awsproto.Op("ListTagsForResource", listTagsForResourceInput, a.listTagsForResource),
		awsproto.Op("ListTagsForStream", listTagsForStreamInput, a.listTagsForStream),
		awsproto.Op("MergeShards", mergeShardsInput, a.mergeShards),
		awsproto.WithFastJSON(awsproto.Op("PutRecord", putRecordInput, a.putRecord), fastPutRecord),
		awsproto.WithFastJSON(awsproto.Op("PutRecords", putRecordsInput, a.putRecords), fastPutRecords),
		awsproto.Op("PutResourcePolicy", putResourcePolicyInput, a.putResourcePolicy),
		awsproto.Op("RegisterStreamConsumer", registerStreamConsumerInput, a.registerStreamConsumer),
		awsproto.Op("RemoveTagsFromStream", removeTagsFromStreamInput, a.removeTagsFromStream),
		awsproto.Op("SplitShard", splitShardInput, a.splitShard),
		awsproto.Op("StartStreamEncryption", encryptionInput, a.startStreamEncryption),
		awsproto.Op("StopStreamEncryption", encryptionInput, a.stopStreamEncryption),
		awsproto.StreamOp("SubscribeToShard", subscribeToShardInput, a.subscribeToShard),
		awsproto.Op("TagResource", tagResourceInput, a.tagResource),
		awsproto.Op("UntagResource", untagResourceInput, a.untagResource),
		awsproto.Op("UpdateAccountSettings", updateAccountSettingsInput, a.updateAccountSettings),
		awsproto.Op("UpdateChannel", updateChannelInput, a.updateChannel),
		awsproto.Op("UpdateMaxRecordSize", updateMaxRecordSizeInput, a.updateMaxRecordSize),
		awsproto.Op("UpdateShardCount", updateShardCountInput, a.updateShardCount),
		awsproto.Op("UpdateStreamMode", updateStreamModeInput, a.updateStreamMode),
		awsproto.Op("UpdateStreamRecordDistributionStrategy", updateStreamRecordDistributionStrategyInput, a.updateStreamRecordDistributionStrategy),
		awsproto.Op("UpdateStreamWarmThroughput", updateStreamWarmThroughputInput, a.updateStreamWarmThroughput),
	)
	api.MaxBodyBytes = MaxRequestBytes
	return api
}

// MaxRequestBytes bounds a request body: the largest request is a
// PutRecords (or a PutRecord to a stream of 10 MiB records) of 10 MiB of
// data, which is 14 MB as base64 JSON with 500 partition and hash keys.
// AWS answers a body over its own bound with a bare 413; Sluice with 413
// RequestEntityTooLargeException.
const MaxRequestBytes = 16 << 20

// caller is the domain's view of who sent the request.
func caller(ctx context.Context) streams.Caller {
	c := awsproto.CallerFrom(ctx)
	return streams.Caller{Account: c.AccountID, Region: c.Region, Auth: c.Auth}
}

// ref builds a StreamRef from the optional name and ARN members.
func ref(name, arn *string) streams.StreamRef {
	return streams.StreamRef{Name: deref(name), ARN: deref(arn)}
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func ptr[T any](v T) *T { return &v }

// empty is the output of operations that answer with an empty body.
type empty struct{}
