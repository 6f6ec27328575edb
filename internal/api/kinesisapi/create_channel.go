package kinesisapi

import (
	"context"

	"sluice/internal/awsproto/shape"
	"sluice/internal/channels"
)

// CreateChannel: a channel delivering one on-demand stream to a general
// purpose S3 bucket, CREATING until the create delay has passed. Limits:
// name 1–128 of [a-zA-Z0-9_.-] unique in the account and region, one
// stream per channel, one S3 channel per stream (LimitExceededException),
// DataFreshnessInSeconds 300–900 (default 300), 200 tags, the key template
// rules of package channels. Refused with InvalidArgumentException: both
// or neither destination, S3TablesDestinationConfiguration (Sluice has no
// S3 Tables), provisioned streams, GSR_JSON, JSON and STRING (Sluice does
// not check records against them and says so), the aws/kinesis key.
// CompressionType NONE, GZIP and ZSTD are written. The answer is the
// ChannelDescription, CREATING.

var createChannelInput = shape.Struct(
	shape.Req("ChannelName", channelNameShape),
	shape.Opt("EncryptionConfiguration", shape.Struct(
		shape.Req("EncryptionType", shape.Str().OneOf(channels.EncryptionKMS)),
		shape.Req("KeyId", shape.Str().Len(1, 2048)),
	).Named("ChannelEncryptionConfiguration")),
	shape.Opt("LoggingConfiguration", shape.Struct(
		shape.Req("CloudWatchLogs", cloudWatchLogsShape),
	).Named("ChannelLoggingConfiguration")),
	shape.Opt("S3DestinationConfiguration", shape.Struct(
		shape.Opt("DataFreshnessInSeconds", shape.Int()),
		shape.Opt("DeadLetterQueueS3Configuration", deadLetterQueueS3In),
		shape.Req("StorageConfiguration", shape.Struct(
			shape.Req("BucketARN", bucketARNShape),
			shape.Req("CompressionType", shape.Str().OneOf(channels.CompressionNone, channels.CompressionGZIP, channels.CompressionZSTD)),
			shape.Req("ExpectedBucketOwner", bucketOwnerShape),
			shape.Opt("OutputKeyTemplate", shape.Str().Len(1, 1024).Match(`[0-9A-Za-z!\-_'.*()\/=:{}]+`)),
			shape.Opt("StorageClass", shape.Str().OneOf(channels.StorageClassStandard, "INTELLIGENT_TIERING", "GLACIER_IR")),
		).Named("S3StorageConfiguration")),
	).Named("S3DestinationConfiguration")),
	shape.Opt("S3TablesDestinationConfiguration", shape.Struct(
		shape.Opt("DataFreshnessInSeconds", shape.Int()),
		shape.Req("DeadLetterQueueS3Configuration", deadLetterQueueS3In),
		shape.Req("S3TablesConfigurationList", shape.ListOf(shape.Struct(
			shape.Req("CompressionType", shape.Str().OneOf("NONE", "ZSTD", "SNAPPY")),
			shape.Req("Namespace", shape.Str().Len(1, 255).Match(`[0-9a-z_]+`)),
			shape.Opt("PartitionSpec", shape.Struct(
				shape.Req("PartitionFields", shape.ListOf(shape.Struct(
					shape.Req("SourceName", shape.Str().Len(1, 255).Match(`[a-zA-Z0-9\.\_]+`)),
					shape.Req("Transform", shape.Str().OneOf("TIME_HOUR")),
				).Named("PartitionField"))),
			).Named("PartitionSpec")),
			shape.Req("TableBucketARN", shape.Str().Len(1, 2048).Match(`arn:aws[-a-z0-9]*:s3tables:[-a-z0-9]+:\d{12}:bucket/[a-z0-9_-]{3,63}`)),
			shape.Req("TableName", shape.Str().Len(1, 255).Match(`[0-9a-z_]+`)),
		).Named("S3TablesConfiguration")).Len(1, 10000)),
	).Named("S3TablesDestinationConfiguration")),
	shape.Req("ServiceExecutionRoleARN", roleARNShape),
	shape.Req("StreamConfigurationList", shape.ListOf(shape.Struct(
		shape.Req("RecordConfiguration", shape.Struct(
			shape.Opt("GSRSchemaARN", gsrSchemaARNShape),
			shape.Req("RecordFormatType", recordFormatShape),
		).Named("RecordConfiguration")),
		shape.Req("StreamARN", streamARNShape),
	).Named("ChannelStreamConfiguration")).Len(1, 10000)),
	shape.Opt("Tags", channelTagMapShape),
).Named("CreateChannelInput")

type createChannelIn struct {
	ChannelName             string
	EncryptionConfiguration *struct {
		EncryptionType string
		KeyId          string
	}
	LoggingConfiguration       *loggingIn
	S3DestinationConfiguration *struct {
		DataFreshnessInSeconds         *int64
		DeadLetterQueueS3Configuration *deadLetterIn
		StorageConfiguration           struct {
			BucketARN           string
			CompressionType     string
			ExpectedBucketOwner string
			OutputKeyTemplate   *string
			StorageClass        *string
		}
	}
	S3TablesDestinationConfiguration *s3TablesIn
	ServiceExecutionRoleARN          string
	StreamConfigurationList          []struct {
		RecordConfiguration struct {
			GSRSchemaARN     *string
			RecordFormatType string
		}
		StreamARN string
	}
	Tags map[string]string
}

type channelDescriptionResult struct {
	ChannelDescription channelDescriptionOut `json:"ChannelDescription"`
}

func (a *API) createChannel(ctx context.Context, in *createChannelIn) (*channelDescriptionResult, error) {
	svc, err := a.chans()
	if err != nil {
		return nil, err
	}
	p := channels.CreateParams{
		Name: in.ChannelName, RoleARN: in.ServiceExecutionRoleARN, Tags: in.Tags,
		S3Tables: in.S3TablesDestinationConfiguration != nil,
	}
	for _, sc := range in.StreamConfigurationList {
		p.Streams = append(p.Streams, channels.StreamParams{
			ARN: sc.StreamARN, Format: sc.RecordConfiguration.RecordFormatType, GSRSchemaARN: deref(sc.RecordConfiguration.GSRSchemaARN),
		})
	}
	if d := in.S3DestinationConfiguration; d != nil {
		st := d.StorageConfiguration
		p.S3 = &channels.S3Params{
			BucketARN: st.BucketARN, ExpectedBucketOwner: st.ExpectedBucketOwner, Compression: st.CompressionType,
			OutputKeyTemplate: deref(st.OutputKeyTemplate), StorageClass: deref(st.StorageClass),
			FreshnessSeconds: d.DataFreshnessInSeconds,
		}
		if dl := d.DeadLetterQueueS3Configuration; dl != nil {
			p.S3.DeadLetter = &channels.DeadLetter{BucketARN: dl.BucketARN, ExpectedBucketOwner: dl.ExpectedBucketOwner, ErrorOutputPrefix: deref(dl.ErrorOutputPrefix)}
		}
	}
	if e := in.EncryptionConfiguration; e != nil {
		p.Encryption = &channels.Encryption{Type: e.EncryptionType, KeyID: e.KeyId}
	}
	if l := in.LoggingConfiguration; l != nil {
		cw := l.CloudWatchLogs
		p.Logging = &channels.Logging{Enabled: cw.Enabled, LogGroupName: deref(cw.LogGroupName), LogStreamName: deref(cw.LogStreamName)}
	}
	ch, err := svc.Create(ctx, chCaller(ctx), p)
	if err != nil {
		return nil, channelWire(err)
	}
	out := toChannelDescription(ch)
	out.ChannelStatus = channels.StatusCreating // the answer is CREATING, however short the delay
	return &channelDescriptionResult{ChannelDescription: out}, nil
}

// s3TablesIn is S3TablesDestinationConfiguration: checked against its
// shape, then refused.
type s3TablesIn struct {
	DataFreshnessInSeconds         *int64
	DeadLetterQueueS3Configuration deadLetterIn
	S3TablesConfigurationList      []struct {
		CompressionType string
		Namespace       string
		PartitionSpec   *struct {
			PartitionFields []struct {
				SourceName string
				Transform  string
			}
		}
		TableBucketARN string
		TableName      string
	}
}
