package server

import (
	"strings"

	"sluice/internal/awsproto"
)

// arnOf formats a service's resource ARN from a name in the input.
func arnOf(service, kind string) func(region, account, name string) string {
	return func(region, account, name string) string {
		return "arn:aws:" + service + ":" + region + ":" + account + ":" + kind + name
	}
}

// The services other than Data Streams carry no resource policies, so the
// handler authorizes their operations against identity policies alone,
// on the resource each input names.
var (
	firehoseIAM = &awsproto.IAM{Prefix: "firehose", Resource: awsproto.FieldResource(
		awsproto.AsARN("DeliveryStreamARN"),
		awsproto.ResourceField{Name: "DeliveryStreamName", ARN: arnOf("firehose", "deliverystream/")},
	)}
	analyticsIAM = &awsproto.IAM{Prefix: "kinesisanalytics", Resource: awsproto.FieldResource(
		awsproto.AsARN("ResourceARN"),
		awsproto.AsARN("ApplicationARN"),
		awsproto.ResourceField{Name: "ApplicationName", ARN: arnOf("kinesisanalytics", "application/")},
	)}
	// A video stream's or channel's ARN ends in its creation time, which a
	// name does not give: a name stands for every incarnation ("/*").
	videoIAM = &awsproto.IAM{Prefix: "kinesisvideo", Resource: awsproto.FieldResource(
		awsproto.AsARN("ResourceARN"),
		awsproto.AsARN("StreamARN"),
		awsproto.AsARN("ChannelARN"),
		awsproto.ResourceField{Name: "StreamName", ARN: func(region, account, name string) string {
			return arnOf("kinesisvideo", "stream/")(region, account, name) + "/*"
		}},
		awsproto.ResourceField{Name: "ChannelName", ARN: func(region, account, name string) string {
			return arnOf("kinesisvideo", "channel/")(region, account, name) + "/*"
		}},
	)}
	// Data Streams authorize in their domain, with the resource policies
	// of streams and consumers; the channel operations here.
	channelResource = awsproto.FieldResource(
		awsproto.AsARN("ChannelARN"),
		awsproto.ResourceField{Name: "ChannelName", ARN: arnOf("kinesis", "channel/")},
	)
	kinesisIAM = &awsproto.IAM{Prefix: "kinesis", Resource: func(c awsproto.Caller, op string, in any) string {
		if !strings.HasSuffix(op, "Channel") && op != "ListChannels" {
			return ""
		}
		return channelResource(c, op, in)
	}}
	logsIAM = &awsproto.IAM{Prefix: "logs", Resource: awsproto.FieldResource(
		awsproto.ResourceField{Name: "LogGroupIdentifier", ARN: func(region, account, id string) string {
			if strings.HasPrefix(id, "arn:") {
				return id
			}
			return arnOf("logs", "log-group:")(region, account, id)
		}},
		awsproto.ResourceField{Name: "LogGroupName", ARN: arnOf("logs", "log-group:")},
	)}
)
