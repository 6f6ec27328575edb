package kinesisapi

import (
	"context"
	"errors"

	"sluice/internal/awsproto"
	"sluice/internal/awsproto/awserr"
	"sluice/internal/awsproto/shape"
	"sluice/internal/channels"
	"sluice/internal/storage"
)

// The channel operations (CreateChannel, DescribeChannel, ListChannels,
// UpdateChannel, DeleteChannel; 2026-08): delivery of a stream to a
// general purpose S3 bucket by package channels, which runs it on the
// Firehose delivery engine. This file holds the shapes the five share
// (constraints from AWS's API reference, which the SDK's model does not
// carry), the ChannelDescription and the error mapping; each operation
// has its own file.

var (
	channelNameShape    = shape.Str().Len(1, 128).Match(`[a-zA-Z0-9_.-]+`)
	channelARNShape     = shape.Str().Len(1, 2048).Match(`arn:aws.*:kinesis:.*:\d{12}:channel/\S+`)
	roleARNShape        = shape.Str().Len(1, 512).Match(`arn:aws[-a-z0-9]*:iam::\d{12}:role/[a-zA-Z_0-9+=,.@\-_/]+`)
	bucketARNShape      = shape.Str().Len(1, 2048).Match(`arn:aws[-a-z0-9]*:s3:::[a-z0-9._-]{3,63}`)
	bucketOwnerShape    = shape.Str().Len(12, 12).Match(`\d{12}`)
	logGroupShape       = shape.Str().Len(1, 512).Match(`[\.\-_/#A-Za-z0-9]+`)
	logStreamShape      = shape.Str().Len(1, 512).Match(`[^:*]*`)
	channelTagMapShape  = shape.MapOf(tagKeyShape, tagValueShape).Len(-1, 200)
	recordFormatShape   = shape.Str().OneOf(channels.FormatGSRJSON, channels.FormatJSON, channels.FormatString, channels.FormatByteArray)
	gsrSchemaARNShape   = shape.Str().Len(1, 512).Match(`arn:aws[-a-z0-9]*:glue:[-a-z0-9]+:\d{12}:schema/[-a-zA-Z0-9_$#.]+/[-a-zA-Z0-9_$#.]+`)
	deadLetterQueueS3In = shape.Struct(
		shape.Req("BucketARN", bucketARNShape),
		shape.Opt("ErrorOutputPrefix", shape.Str().Len(1, 512).Match(`[0-9A-Za-z!\-_'.*()\/]+`)),
		shape.Req("ExpectedBucketOwner", bucketOwnerShape),
	).Named("DeadLetterQueueS3Configuration")
	cloudWatchLogsShape = shape.Struct(
		shape.Req("Enabled", shape.Bool()),
		shape.Opt("LogGroupName", logGroupShape),
		shape.Opt("LogStreamName", logStreamShape),
	).Named("CloudWatchLogs")
)

// Wire types of the inputs the operations share.

type deadLetterIn struct {
	BucketARN           string
	ErrorOutputPrefix   *string
	ExpectedBucketOwner string
}

type cloudWatchLogsIn struct {
	Enabled       bool
	LogGroupName  *string
	LogStreamName *string
}

type loggingIn struct {
	CloudWatchLogs cloudWatchLogsIn
}

// ChannelDescription and ChannelSummary.

type channelDescriptionOut struct {
	ChannelARN                 string                  `json:"ChannelARN"`
	ChannelCreationTimestamp   *awsproto.Timestamp     `json:"ChannelCreationTimestamp"`
	ChannelID                  string                  `json:"ChannelId"`
	ChannelName                string                  `json:"ChannelName"`
	ChannelStatus              string                  `json:"ChannelStatus"`
	ChannelStatusReason        string                  `json:"ChannelStatusReason,omitempty"`
	EncryptionConfiguration    *channelEncryptionOut   `json:"EncryptionConfiguration,omitempty"`
	LoggingConfiguration       channelLoggingOut       `json:"LoggingConfiguration"`
	S3DestinationConfiguration *s3DestinationOut       `json:"S3DestinationConfiguration,omitempty"`
	ServiceExecutionRoleARN    string                  `json:"ServiceExecutionRoleARN"`
	StreamConfigurationList    []channelStreamDescribe `json:"StreamConfigurationList"`
}

type channelEncryptionOut struct {
	EncryptionType string `json:"EncryptionType"`
	KeyID          string `json:"KeyId"`
}

type channelLoggingOut struct {
	CloudWatchLogs cloudWatchLogsOut `json:"CloudWatchLogs"`
}

type cloudWatchLogsOut struct {
	Enabled       bool   `json:"Enabled"`
	LogGroupName  string `json:"LogGroupName,omitempty"`
	LogStreamName string `json:"LogStreamName,omitempty"`
}

type s3DestinationOut struct {
	DataFreshnessInSeconds         int64               `json:"DataFreshnessInSeconds"`
	DeadLetterQueueS3Configuration deadLetterOut       `json:"DeadLetterQueueS3Configuration"`
	StorageConfiguration           s3StorageConfigJSON `json:"StorageConfiguration"`
}

type deadLetterOut struct {
	BucketARN           string `json:"BucketARN"`
	ErrorOutputPrefix   string `json:"ErrorOutputPrefix,omitempty"`
	ExpectedBucketOwner string `json:"ExpectedBucketOwner"`
}

type s3StorageConfigJSON struct {
	BucketARN           string `json:"BucketARN"`
	CompressionType     string `json:"CompressionType"`
	ExpectedBucketOwner string `json:"ExpectedBucketOwner"`
	OutputKeyTemplate   string `json:"OutputKeyTemplate,omitempty"`
	StorageClass        string `json:"StorageClass,omitempty"`
}

type recordConfigurationOut struct {
	GSRSchemaARN     string `json:"GSRSchemaARN,omitempty"`
	RecordFormatType string `json:"RecordFormatType"`
}

type channelStreamDescribe struct {
	RecordConfiguration     recordConfigurationOut `json:"RecordConfiguration"`
	StreamARN               string                 `json:"StreamARN"`
	StreamCreationTimestamp *awsproto.Timestamp    `json:"StreamCreationTimestamp"`
}

// toChannelDescription shapes a channel as AWS describes one. The storage
// class is described as STANDARD when none was given (AWS's default).
func toChannelDescription(ch *channels.Channel) channelDescriptionOut {
	out := channelDescriptionOut{
		ChannelARN: ch.ARN(), ChannelCreationTimestamp: awsproto.TimeOf(ch.Created), ChannelID: ch.ID,
		ChannelName: ch.Name, ChannelStatus: ch.Status, ChannelStatusReason: ch.StatusReason,
		LoggingConfiguration: channelLoggingOut{CloudWatchLogs: cloudWatchLogsOut{
			Enabled: ch.Logging.Enabled, LogGroupName: ch.Logging.LogGroupName, LogStreamName: ch.Logging.LogStreamName,
		}},
		ServiceExecutionRoleARN: ch.RoleARN,
		StreamConfigurationList: make([]channelStreamDescribe, len(ch.Streams)),
	}
	if e := ch.Encryption; e != nil {
		out.EncryptionConfiguration = &channelEncryptionOut{EncryptionType: e.Type, KeyID: e.KeyID}
	}
	sc := ch.S3
	class := sc.StorageClass
	if class == "" {
		class = channels.StorageClassStandard
	}
	out.S3DestinationConfiguration = &s3DestinationOut{
		DataFreshnessInSeconds: sc.FreshnessSeconds,
		DeadLetterQueueS3Configuration: deadLetterOut{
			BucketARN: sc.DeadLetter.BucketARN, ErrorOutputPrefix: sc.DeadLetter.ErrorOutputPrefix, ExpectedBucketOwner: sc.DeadLetter.ExpectedBucketOwner,
		},
		StorageConfiguration: s3StorageConfigJSON{
			BucketARN: sc.BucketARN, CompressionType: sc.Compression, ExpectedBucketOwner: sc.ExpectedBucketOwner,
			OutputKeyTemplate: sc.OutputKeyTemplate, StorageClass: class,
		},
	}
	for i, s := range ch.Streams {
		out.StreamConfigurationList[i] = channelStreamDescribe{
			RecordConfiguration: recordConfigurationOut{GSRSchemaARN: s.GSRSchemaARN, RecordFormatType: s.Format},
			StreamARN:           s.ARN, StreamCreationTimestamp: awsproto.TimeOf(s.Created),
		}
	}
	return out
}

// channelCodes maps the channel domain's error kinds to AWS error codes.
var channelCodes = map[channels.Kind]awserr.Code{
	channels.KindNotFound:         awserr.ResourceNotFoundException,
	channels.KindInUse:            awserr.ResourceInUseException,
	channels.KindInvalidArgument:  awserr.InvalidArgumentException,
	channels.KindLimitExceeded:    awserr.LimitExceededException,
	channels.KindExpiredNextToken: awserr.ExpiredNextTokenException,
	channels.KindAccessDenied:     awserr.AccessDeniedException,
}

// channelWire maps an error from package channels to the AWS error.
func channelWire(err error) error {
	if err == nil {
		return nil
	}
	var ce *channels.Error
	if errors.As(err, &ce) {
		if code, ok := channelCodes[ce.Kind]; ok {
			return &awserr.Error{Code: code, Message: ce.Msg}
		}
	}
	if msg, ok := storage.ClientMessage(err); ok {
		return &awserr.Error{Code: awserr.InternalFailure, Message: msg, Cause: err}
	}
	return awserr.Internal(err)
}

// chCaller is the channel domain's view of who sent the request.
func chCaller(ctx context.Context) channels.Caller {
	c := awsproto.CallerFrom(ctx)
	return channels.Caller{Account: c.AccountID, Region: c.Region}
}

// chans returns the channel service, or the error every channel operation
// answers on a server built without one.
func (a *API) chans() (*channels.Service, error) {
	if a.ch == nil {
		return nil, awserr.New(awserr.InvalidArgumentException, "Channels are not available on this server.")
	}
	return a.ch, nil
}
