package firehoseapi

import (
	"sluice/internal/awsproto/shape"
	"sluice/internal/firehose"
)

// The Splunk destination: SplunkDestinationConfiguration, its Update and
// its Description, which never holds the HEC token (the model has a
// HECToken member there; Sluice leaves it out as it leaves out every
// credential).

var (
	splunkConfiguration = shape.Struct(
		shape.Req("HECEndpoint", anyText(0, 2048)),
		shape.Req("HECEndpointType", shape.Str().OneOf("Raw", "Event")),
		shape.Opt("HECToken", anyText(0, 2048)),
		shape.Opt("HECAcknowledgmentTimeoutInSeconds", shape.Int().Range(180, 600)),
		shape.Opt("RetryOptions", retryShape("SplunkRetryOptions")),
		shape.Opt("S3BackupMode", shape.Str().OneOf("FailedEventsOnly", "AllEvents")),
		shape.Req("S3Configuration", s3Configuration),
		shape.Opt("ProcessingConfiguration", processingConfiguration),
		shape.Opt("CloudWatchLoggingOptions", cloudWatchLogging),
		shape.Opt("BufferingHints", intervalFirst("SplunkBufferingHints", 5, 60)),
		shape.Opt("SecretsManagerConfiguration", secretsManagerConfiguration),
	).Named("SplunkDestinationConfiguration")
	splunkUpdate = updateOf(splunkConfiguration, "SplunkDestinationUpdate")
)

type splunkIn struct {
	commonIn
	HECEndpoint                       *string
	HECEndpointType                   *string
	HECToken                          *string
	HECAcknowledgmentTimeoutInSeconds *int64
}

func (in *splunkIn) apply(_ string, d *firehose.Destinations) error {
	s := d.Splunk
	if err := in.commonIn.apply(&s.Common, &d.S3); err != nil {
		return err
	}
	setStr(&s.HECEndpoint, in.HECEndpoint)
	setStr(&s.HECEndpointType, in.HECEndpointType)
	setStr(&s.HECToken, in.HECToken)
	setInt(&s.AckTimeoutSeconds, in.HECAcknowledgmentTimeoutInSeconds)
	return nil
}

// splunkOut is SplunkDestinationDescription.
type splunkOut struct {
	HECEndpoint                       string         `json:"HECEndpoint"`
	HECEndpointType                   string         `json:"HECEndpointType"`
	HECAcknowledgmentTimeoutInSeconds int64          `json:"HECAcknowledgmentTimeoutInSeconds,omitempty"`
	RetryOptions                      retryOut       `json:"RetryOptions"`
	S3BackupMode                      string         `json:"S3BackupMode"`
	S3DestinationDescription          s3Out          `json:"S3DestinationDescription"`
	ProcessingConfiguration           *processingOut `json:"ProcessingConfiguration,omitempty"`
	CloudWatchLoggingOptions          loggingOut     `json:"CloudWatchLoggingOptions"`
	BufferingHints                    bufferingOut   `json:"BufferingHints"`
}

func describeSplunk(d *firehose.Destinations) *splunkOut {
	s := d.Splunk
	return &splunkOut{
		HECEndpoint: s.HECEndpoint, HECEndpointType: s.HECEndpointType, HECAcknowledgmentTimeoutInSeconds: s.AckTimeoutSeconds,
		RetryOptions:             retryOut{DurationInSeconds: s.RetrySeconds},
		S3BackupMode:             s.S3BackupMode,
		S3DestinationDescription: s3Description(d.S3),
		ProcessingConfiguration:  processingDescription(s.Processing),
		CloudWatchLoggingOptions: loggingDescription(s.Logging),
		BufferingHints:           bufferingOut{SizeInMBs: s.SizeInMBs, IntervalInSeconds: s.IntervalInSeconds},
	}
}
