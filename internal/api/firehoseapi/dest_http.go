package firehoseapi

import (
	"sluice/internal/awsproto/shape"
	"sluice/internal/firehose"
)

// The HTTP endpoint destination: HttpEndpointDestinationConfiguration, its
// Update and its Description (which never holds the access key).

var (
	httpEndpointConfiguration = shape.Struct(
		shape.Req("Url", pattern(shape.Str().Len(1, 1000), `https://.*`)),
		shape.Opt("Name", patternAs(shape.Str().Len(1, 256), nonBlankText, nonBlankTextGo)),
		shape.Opt("AccessKey", anyText(0, 4096)),
	).Named("HttpEndpointConfiguration")

	httpConfiguration = shape.Struct(
		shape.Req("EndpointConfiguration", httpEndpointConfiguration),
		shape.Opt("BufferingHints", hintsShape("HttpEndpointBufferingHints", 64, 900)),
		shape.Opt("CloudWatchLoggingOptions", cloudWatchLogging),
		shape.Opt("RequestConfiguration", shape.Struct(
			shape.Opt("ContentEncoding", shape.Str().OneOf("NONE", "GZIP")),
			shape.Opt("CommonAttributes", shape.ListOf(shape.Struct(
				shape.Req("AttributeName", patternAs(shape.Str().Len(1, 256), nonBlankText, nonBlankTextGo)),
				shape.Req("AttributeValue", anyText(0, 1024)),
			).Named("HttpEndpointCommonAttribute")).Len(0, 50)),
		).Named("HttpEndpointRequestConfiguration")),
		shape.Opt("ProcessingConfiguration", processingConfiguration),
		shape.Opt("RoleARN", roleARNShape),
		shape.Opt("RetryOptions", retryShape("HttpEndpointRetryOptions")),
		shape.Opt("S3BackupMode", shape.Str().OneOf("FailedDataOnly", "AllData")),
		shape.Req("S3Configuration", s3Configuration),
		shape.Opt("SecretsManagerConfiguration", secretsManagerConfiguration),
	).Named("HttpEndpointDestinationConfiguration")
	httpUpdate = updateOf(httpConfiguration, "HttpEndpointDestinationUpdate")
)

type httpIn struct {
	commonIn
	EndpointConfiguration *struct {
		Url       *string
		Name      *string
		AccessKey *string
	}
	RequestConfiguration *struct {
		ContentEncoding  *string
		CommonAttributes []struct {
			AttributeName  string
			AttributeValue string
		}
	}
}

func (in *httpIn) apply(_ string, d *firehose.Destinations) error {
	h := d.HTTP
	if err := in.commonIn.apply(&h.Common, &d.S3); err != nil {
		return err
	}
	if e := in.EndpointConfiguration; e != nil {
		setStr(&h.URL, e.Url)
		setStr(&h.Name, e.Name)
		setStr(&h.AccessKey, e.AccessKey)
	}
	if r := in.RequestConfiguration; r != nil {
		setStr(&h.ContentEncoding, r.ContentEncoding)
		if r.CommonAttributes != nil {
			h.CommonAttributes = make([]firehose.Attribute, len(r.CommonAttributes))
			for i, a := range r.CommonAttributes {
				h.CommonAttributes[i] = firehose.Attribute{Name: a.AttributeName, Value: a.AttributeValue}
			}
		}
	}
	return nil
}

type httpOut struct {
	EndpointConfiguration struct {
		Url  string `json:"Url"`
		Name string `json:"Name,omitempty"`
	} `json:"EndpointConfiguration"`
	BufferingHints           bufferingOut `json:"BufferingHints"`
	CloudWatchLoggingOptions loggingOut   `json:"CloudWatchLoggingOptions"`
	RequestConfiguration     struct {
		ContentEncoding  string         `json:"ContentEncoding,omitempty"`
		CommonAttributes []attributeOut `json:"CommonAttributes"`
	} `json:"RequestConfiguration"`
	ProcessingConfiguration  *processingOut `json:"ProcessingConfiguration,omitempty"`
	RoleARN                  string         `json:"RoleARN,omitempty"`
	RetryOptions             retryOut       `json:"RetryOptions"`
	S3BackupMode             string         `json:"S3BackupMode"`
	S3DestinationDescription s3Out          `json:"S3DestinationDescription"`
}

type attributeOut struct {
	AttributeName  string `json:"AttributeName"`
	AttributeValue string `json:"AttributeValue"`
}

func describeHTTP(d *firehose.Destinations) *httpOut {
	h := d.HTTP
	out := &httpOut{
		BufferingHints:           bufferingOut{SizeInMBs: h.SizeInMBs, IntervalInSeconds: h.IntervalInSeconds},
		CloudWatchLoggingOptions: loggingDescription(h.Logging),
		ProcessingConfiguration:  processingDescription(h.Processing),
		RoleARN:                  h.RoleARN,
		RetryOptions:             retryOut{DurationInSeconds: h.RetrySeconds},
		S3BackupMode:             h.S3BackupMode,
		S3DestinationDescription: s3Description(d.S3),
	}
	out.EndpointConfiguration.Url, out.EndpointConfiguration.Name = h.URL, h.Name
	out.RequestConfiguration.ContentEncoding = h.ContentEncoding
	out.RequestConfiguration.CommonAttributes = make([]attributeOut, len(h.CommonAttributes))
	for i, a := range h.CommonAttributes {
		out.RequestConfiguration.CommonAttributes[i] = attributeOut{a.Name, a.Value}
	}
	return out
}
