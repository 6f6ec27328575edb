package firehoseapi

import (
	"context"
	"strconv"

	"sluice/internal/awsproto"
	"sluice/internal/awsproto/shape"
	"sluice/internal/firehose"
)

var describeInput = shape.Struct(
	shape.Req("DeliveryStreamName", nameShape),
	shape.Opt("Limit", shape.Int().Range(1, 10000)),
	shape.Opt("ExclusiveStartDestinationId", shape.Str().Len(1, 100).Match(`[a-zA-Z0-9-]+`)),
).Named("DescribeDeliveryStreamInput")

type describeIn struct {
	DeliveryStreamName          string
	ExclusiveStartDestinationId *string
	Limit                       *int64
}

type describeOut struct {
	DeliveryStreamDescription streamDescription `json:"DeliveryStreamDescription"`
}

type streamDescription struct {
	DeliveryStreamName                    string              `json:"DeliveryStreamName"`
	DeliveryStreamARN                     string              `json:"DeliveryStreamARN"`
	DeliveryStreamStatus                  string              `json:"DeliveryStreamStatus"`
	DeliveryStreamType                    string              `json:"DeliveryStreamType"`
	DeliveryStreamEncryptionConfiguration encryptionOut       `json:"DeliveryStreamEncryptionConfiguration"`
	VersionId                             string              `json:"VersionId"`
	CreateTimestamp                       *awsproto.Timestamp `json:"CreateTimestamp"`
	LastUpdateTimestamp                   *awsproto.Timestamp `json:"LastUpdateTimestamp,omitempty"`
	Source                                *sourceOut          `json:"Source,omitempty"`
	Destinations                          []destinationOut    `json:"Destinations"`
	HasMoreDestinations                   bool                `json:"HasMoreDestinations"`
}

type encryptionOut struct {
	KeyARN             string      `json:"KeyARN,omitempty"`
	KeyType            string      `json:"KeyType,omitempty"`
	Status             string      `json:"Status"`
	FailureDescription *failureOut `json:"FailureDescription,omitempty"`
}

type failureOut struct {
	Type    string `json:"Type"`
	Details string `json:"Details"`
}

// encryptionDescription is DeliveryStreamEncryptionConfiguration: the
// status, the key type and ARN last asked for (none once DISABLED; the ARN
// of a customer managed key only), and why the last attempt failed.
func encryptionDescription(e firehose.Encryption) encryptionOut {
	out := encryptionOut{Status: e.Status, KeyType: e.KeyType, KeyARN: e.KeyARN}
	if f := e.Failure; f != nil {
		out.FailureDescription = &failureOut{Type: f.Type, Details: f.Details}
	}
	return out
}

type sourceOut struct {
	KinesisStreamSourceDescription struct {
		KinesisStreamARN       string              `json:"KinesisStreamARN"`
		RoleARN                string              `json:"RoleARN"`
		DeliveryStartTimestamp *awsproto.Timestamp `json:"DeliveryStartTimestamp"`
	} `json:"KinesisStreamSourceDescription"`
}

type destinationOut struct {
	DestinationId                                    string         `json:"DestinationId"`
	S3DestinationDescription                         *s3Out         `json:"S3DestinationDescription,omitempty"`
	ExtendedS3DestinationDescription                 *extendedOut   `json:"ExtendedS3DestinationDescription,omitempty"`
	RedshiftDestinationDescription                   *redshiftOut   `json:"RedshiftDestinationDescription,omitempty"`
	ElasticsearchDestinationDescription              *searchOut     `json:"ElasticsearchDestinationDescription,omitempty"`
	AmazonopensearchserviceDestinationDescription    *searchOut     `json:"AmazonopensearchserviceDestinationDescription,omitempty"`
	SplunkDestinationDescription                     *splunkOut     `json:"SplunkDestinationDescription,omitempty"`
	HttpEndpointDestinationDescription               *httpOut       `json:"HttpEndpointDestinationDescription,omitempty"`
	SnowflakeDestinationDescription                  *snowflakeOut  `json:"SnowflakeDestinationDescription,omitempty"`
	AmazonOpenSearchServerlessDestinationDescription *serverlessOut `json:"AmazonOpenSearchServerlessDestinationDescription,omitempty"`
	IcebergDestinationDescription                    *icebergOut    `json:"IcebergDestinationDescription,omitempty"`
}

type s3Out struct {
	RoleARN                  string         `json:"RoleARN"`
	BucketARN                string         `json:"BucketARN"`
	Prefix                   string         `json:"Prefix,omitempty"`
	ErrorOutputPrefix        string         `json:"ErrorOutputPrefix,omitempty"`
	BufferingHints           bufferingOut   `json:"BufferingHints"`
	CompressionFormat        string         `json:"CompressionFormat"`
	EncryptionConfiguration  encryptionConf `json:"EncryptionConfiguration"`
	CloudWatchLoggingOptions loggingOut     `json:"CloudWatchLoggingOptions"`
}

type extendedOut struct {
	s3Out
	ProcessingConfiguration           *processingOut   `json:"ProcessingConfiguration,omitempty"`
	S3BackupMode                      string           `json:"S3BackupMode"`
	S3BackupDescription               *s3Out           `json:"S3BackupDescription,omitempty"`
	DataFormatConversionConfiguration *conversionOut   `json:"DataFormatConversionConfiguration,omitempty"`
	DynamicPartitioningConfiguration  *partitioningOut `json:"DynamicPartitioningConfiguration,omitempty"`
	FileExtension                     string           `json:"FileExtension,omitempty"`
	CustomTimeZone                    string           `json:"CustomTimeZone,omitempty"`
}

type processingOut struct {
	Enabled    bool           `json:"Enabled"`
	Processors []processorOut `json:"Processors"`
}

type processorOut struct {
	Type       string     `json:"Type"`
	Parameters []paramOut `json:"Parameters,omitempty"`
}

type paramOut struct {
	ParameterName  string `json:"ParameterName"`
	ParameterValue string `json:"ParameterValue"`
}

type bufferingOut struct {
	SizeInMBs         int64 `json:"SizeInMBs"`
	IntervalInSeconds int64 `json:"IntervalInSeconds"`
}

type retryOut struct {
	DurationInSeconds int64 `json:"DurationInSeconds"`
}

type encryptionConf struct {
	NoEncryptionConfig  string `json:"NoEncryptionConfig,omitempty"`
	KMSEncryptionConfig *struct {
		AWSKMSKeyARN string `json:"AWSKMSKeyARN"`
	} `json:"KMSEncryptionConfig,omitempty"`
}

type loggingOut struct {
	Enabled       bool   `json:"Enabled"`
	LogGroupName  string `json:"LogGroupName,omitempty"`
	LogStreamName string `json:"LogStreamName,omitempty"`
}

// s3Description is S3DestinationDescription: an S3 destination, or the S3
// configuration of another kind.
func s3Description(d firehose.S3Destination) s3Out {
	s3 := s3Out{
		RoleARN: d.RoleARN, BucketARN: d.BucketARN, Prefix: d.Prefix, ErrorOutputPrefix: d.ErrorOutputPrefix,
		BufferingHints:           bufferingOut{SizeInMBs: d.SizeInMBs, IntervalInSeconds: d.IntervalInSeconds},
		CompressionFormat:        d.Compression,
		CloudWatchLoggingOptions: loggingDescription(d.Logging),
	}
	if d.KMSKeyARN != "" {
		s3.EncryptionConfiguration.KMSEncryptionConfig = &struct {
			AWSKMSKeyARN string `json:"AWSKMSKeyARN"`
		}{d.KMSKeyARN}
	} else {
		s3.EncryptionConfiguration.NoEncryptionConfig = "NoEncryption"
	}
	return s3
}

// backupDescription is S3BackupDescription, nil for no backup. The model
// keeps the backup's bucket, role, prefix and compression; the hints
// shown are AWS's defaults.
func backupDescription(b *firehose.S3Backup) *s3Out {
	if b == nil {
		return nil
	}
	return &s3Out{
		RoleARN: b.RoleARN, BucketARN: b.BucketARN, Prefix: b.Prefix, CompressionFormat: b.Compression,
		BufferingHints:          bufferingOut{SizeInMBs: firehose.DefaultSizeInMBs, IntervalInSeconds: firehose.DefaultIntervalInSeconds},
		EncryptionConfiguration: encryptionConf{NoEncryptionConfig: "NoEncryption"},
	}
}

// processingDescription is ProcessingConfiguration, nil when there is
// none (disabled, no processors).
func processingDescription(p firehose.Processing) *processingOut {
	if !p.Enabled && len(p.Processors) == 0 {
		return nil
	}
	out := &processingOut{Enabled: p.Enabled, Processors: []processorOut{}}
	for _, proc := range p.Processors {
		po := processorOut{Type: proc.Type}
		for _, prm := range proc.Params {
			po.Parameters = append(po.Parameters, paramOut{prm.Name, prm.Value})
		}
		out.Processors = append(out.Processors, po)
	}
	return out
}

func loggingDescription(l firehose.Logging) loggingOut {
	return loggingOut{Enabled: l.Enabled, LogGroupName: l.LogGroupName, LogStreamName: l.LogStreamName}
}

// destinationDescription is Destinations[0]: the member of the delivery
// stream's destination kind. An S3 destination is described twice, as
// S3DestinationDescription and (Extended) ExtendedS3DestinationDescription,
// as AWS does.
func destinationDescription(d *firehose.Destinations) destinationOut {
	out := destinationOut{DestinationId: firehose.DestinationID}
	switch d.Kind {
	case firehose.KindHTTPEndpoint:
		out.HttpEndpointDestinationDescription = describeHTTP(d)
	case firehose.KindOpenSearch:
		out.AmazonopensearchserviceDestinationDescription = describeSearch(d)
	case firehose.KindElasticsearch:
		out.ElasticsearchDestinationDescription = describeSearch(d)
	case firehose.KindOpenSearchServerless:
		out.AmazonOpenSearchServerlessDestinationDescription = describeServerless(d)
	case firehose.KindSplunk:
		out.SplunkDestinationDescription = describeSplunk(d)
	case firehose.KindRedshift:
		out.RedshiftDestinationDescription = describeRedshift(d)
	case firehose.KindSnowflake:
		out.SnowflakeDestinationDescription = describeSnowflake(d)
	case firehose.KindIceberg:
		out.IcebergDestinationDescription = describeIceberg(d)
	default: // S3, and "" for streams persisted before Kind existed
		s3 := s3Description(d.S3)
		out.S3DestinationDescription = &s3
		if e := d.S3; e.Extended {
			out.ExtendedS3DestinationDescription = &extendedOut{
				s3Out: s3, S3BackupMode: e.S3BackupMode, FileExtension: e.FileExtension, CustomTimeZone: e.CustomTimeZone,
				ProcessingConfiguration:           processingDescription(e.Processing),
				S3BackupDescription:               backupDescription(e.Backup),
				DataFormatConversionConfiguration: conversionDescription(e.Conversion),
				DynamicPartitioningConfiguration:  partitioningDescription(e.Partitioning),
			}
		}
	}
	return out
}

func describe(ds *firehose.DeliveryStream) streamDescription {
	out := streamDescription{
		DeliveryStreamName:                    ds.Name,
		DeliveryStreamARN:                     ds.ARN(),
		DeliveryStreamStatus:                  ds.Status,
		DeliveryStreamType:                    ds.Type,
		DeliveryStreamEncryptionConfiguration: encryptionDescription(ds.Encryption),
		VersionId:                             strconv.FormatInt(ds.Version, 10),
		CreateTimestamp:                       awsproto.TimeOf(ds.Created),
		Destinations:                          []destinationOut{destinationDescription(&ds.Destinations)},
	}
	if ds.Version > 1 {
		out.LastUpdateTimestamp = awsproto.TimeOf(ds.Updated)
	}
	if src := ds.Source; src != nil {
		out.Source = &sourceOut{}
		k := &out.Source.KinesisStreamSourceDescription
		k.KinesisStreamARN, k.RoleARN, k.DeliveryStartTimestamp = src.StreamARN, src.RoleARN, awsproto.TimeOf(src.Started)
	}
	return out
}

func (a *API) describe(ctx context.Context, in *describeIn) (*describeOut, error) {
	ds, err := a.svc.DescribeDeliveryStream(caller(ctx), in.DeliveryStreamName)
	if err != nil {
		return nil, wire(err)
	}
	out := &describeOut{DeliveryStreamDescription: describe(ds)}
	if in.ExclusiveStartDestinationId != nil && *in.ExclusiveStartDestinationId >= firehose.DestinationID {
		out.DeliveryStreamDescription.Destinations = []destinationOut{}
	}
	return out, nil
}

var listInput = shape.Struct(
	shape.Opt("Limit", shape.Int().Range(1, 10000)),
	shape.Opt("DeliveryStreamType", shape.Str().OneOf("DirectPut", "KinesisStreamAsSource", "MSKAsSource", "DatabaseAsSource")),
	shape.Opt("ExclusiveStartDeliveryStreamName", nameShape),
).Named("ListDeliveryStreamsInput")

type listIn struct {
	DeliveryStreamType               *string
	ExclusiveStartDeliveryStreamName *string
	Limit                            *int64
}

type listOut struct {
	DeliveryStreamNames    []string `json:"DeliveryStreamNames"`
	HasMoreDeliveryStreams bool     `json:"HasMoreDeliveryStreams"`
}

func (a *API) list(ctx context.Context, in *listIn) (*listOut, error) {
	typ, start, limit := deref(in.DeliveryStreamType), deref(in.ExclusiveStartDeliveryStreamName), 10
	if in.Limit != nil {
		limit = int(*in.Limit)
	}
	names, more := a.svc.ListDeliveryStreams(caller(ctx), typ, start, limit)
	if names == nil {
		names = []string{}
	}
	return &listOut{DeliveryStreamNames: names, HasMoreDeliveryStreams: more}, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
