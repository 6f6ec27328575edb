package server

import (
	"strings"

	"sluice/internal/awsproto"
	"sluice/internal/video"
)

// arnOf formats a service's resource ARN from a name in the input.
func arnOf(service, kind string) func(region, account, name string) string {
	return func(region, account, name string) string {
		return "arn:aws:" + service + ":" + region + ":" + account + ":" + kind + name
	}
}

// The services other than Data Streams carry no resource policies, so the
// handler authorizes their operations against identity policies alone,
// on the resource each input names. Their ARN parsers take any partition
// beginning with "aws", so ARNs are evaluated in partition aws.
var (
	firehoseIAM = &awsproto.IAM{Prefix: "firehose", Resource: awsproto.FieldResource(
		awsproto.AsAWSARN("DeliveryStreamARN"),
		awsproto.ResourceField{Name: "DeliveryStreamName", ARN: arnOf("firehose", "deliverystream/")},
	), Uses: usesFor("firehose")}
	analyticsIAM = &awsproto.IAM{Prefix: "kinesisanalytics", Resource: awsproto.FieldResource(
		awsproto.AsAWSARN("ResourceARN"),
		awsproto.AsAWSARN("ApplicationARN"),
		awsproto.ResourceField{Name: "ApplicationName", ARN: arnOf("kinesisanalytics", "application/")},
	), Uses: usesFor("kinesisanalytics")}
	// Data Streams authorize in their domain, with the resource policies
	// of streams and consumers; the channel operations here.
	channelResource = awsproto.FieldResource(
		awsproto.AsAWSARN("ChannelARN"),
		awsproto.ResourceField{Name: "ChannelName", ARN: arnOf("kinesis", "channel/")},
	)
	kinesisIAM = &awsproto.IAM{Prefix: "kinesis", Resource: func(c awsproto.Caller, op string, in any) string {
		if !strings.HasSuffix(op, "Channel") && op != "ListChannels" {
			return ""
		}
		return channelResource(c, op, in)
	}, Uses: usesFor("")} // a channel reads a stream of its own service
	logsIAM = &awsproto.IAM{Prefix: "logs", Resource: awsproto.FieldResource(
		awsproto.ResourceField{Name: "LogGroupIdentifier", ARN: func(region, account, id string) string {
			if strings.HasPrefix(id, "arn:") {
				return awsproto.AsAWSARN("").ARN(region, account, id)
			}
			return arnOf("logs", "log-group:")(region, account, id)
		}},
		awsproto.ResourceField{Name: "LogGroupName", ARN: arnOf("logs", "log-group:")},
	)}
)

// videoIAM evaluates Video Streams calls on their resources' exact ARNs:
// a stream's or channel's ARN ends in its creation time, which a name
// does not give, so a name is looked up (a resource that does not exist
// stands for every incarnation of the name, ".../NAME/*").
func videoIAM(vid *video.Service) *awsproto.IAM {
	byName := func(kind string, lookup func(c video.Caller, name string) (string, bool)) awsproto.ResourceField {
		return awsproto.ResourceField{Name: kind + "Name", ARN: func(region, account, name string) string {
			if arn, ok := lookup(video.Caller{Account: account, Region: region}, name); ok {
				return arn
			}
			return "arn:" + video.Partition(region) + ":kinesisvideo:" + region + ":" + account + ":" + strings.ToLower(kind) + "/" + name + "/*"
		}}
	}
	return &awsproto.IAM{Prefix: "kinesisvideo", Resource: awsproto.FieldResource(
		awsproto.AsARN("ResourceARN"),
		awsproto.AsARN("StreamARN"),
		awsproto.AsARN("ChannelARN"),
		byName("Stream", func(c video.Caller, name string) (string, bool) {
			st, err := vid.Stream(c, video.Ref{Name: name})
			if err != nil {
				return "", false
			}
			return st.ARN(), true
		}),
		byName("Channel", func(c video.Caller, name string) (string, bool) {
			ch, err := vid.Channel(c, video.Ref{Name: name})
			if err != nil {
				return "", false
			}
			return ch.ARN(), true
		}),
	)}
}

// usesFor is the Uses of a service whose own resources are of service
// own ("" for none: a channel's stream is a resource to read, though of
// Kinesis too): the other resources its input names, and what Sluice
// will do to them on the caller's behalf — read a source stream, write
// an output, read reference data, invoke a processor.
func usesFor(own string) func(c awsproto.Caller, op string, in any) []awsproto.Need {
	return func(_ awsproto.Caller, _ string, in any) []awsproto.Need {
		var needs []awsproto.Need
		for _, u := range awsproto.UsesOf(in) {
			parts := strings.SplitN(u.ARN, ":", 6)
			if len(parts) != 6 || parts[2] == own {
				continue
			}
			arn := "arn:aws:" + strings.Join(parts[2:], ":")
			switch service := parts[2]; {
			case service == "kinesis" && strings.HasPrefix(parts[5], "stream/"):
				needs = append(needs, awsproto.Need{Action: pick(u.Write, "kinesis:PutRecords", "kinesis:GetRecords"), Resource: arn})
			case service == "firehose":
				needs = append(needs, awsproto.Need{Action: pick(u.Write, "firehose:PutRecordBatch", "firehose:DescribeDeliveryStream"), Resource: arn})
			case service == "s3":
				bucket, _, _ := strings.Cut(parts[5], "/")
				needs = append(needs, awsproto.Need{Action: pick(u.Write, "s3:PutObject", "s3:GetObject"), Resource: "arn:aws:s3:::" + bucket + "/*"})
			case service == "lambda":
				needs = append(needs, awsproto.Need{Action: "lambda:InvokeFunction", Resource: arn})
			}
		}
		return needs
	}
}

func pick(write bool, ifWrite, ifRead string) string {
	if write {
		return ifWrite
	}
	return ifRead
}
