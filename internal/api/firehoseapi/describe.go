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
	shape.Opt("ExclusiveStartDestinationId", shape.Str().Len(1, 100).Match(`[a-zA-Z0-9-]+`)),
	shape.Opt("Limit", shape.Int().Range(1, 10000)),
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
	KeyARN  string `json:"KeyARN,omitempty"`
	KeyType string `json:"KeyType,omitempty"`
	Status  string `json:"Status"`
}

type sourceOut struct {
	KinesisStreamSourceDescription struct {
		KinesisStreamARN       string              `json:"KinesisStreamARN"`
		RoleARN                string              `json:"RoleARN"`
		DeliveryStartTimestamp *awsproto.Timestamp `json:"DeliveryStartTimestamp"`
	} `json:"KinesisStreamSourceDescription"`
}

type destinationOut struct {
	DestinationId                    string       `json:"DestinationId"`
	S3DestinationDescription         *s3Out       `json:"S3DestinationDescription,omitempty"`
	ExtendedS3DestinationDescription *extendedOut `json:"ExtendedS3DestinationDescription,omitempty"`
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
	S3BackupMode            string         `json:"S3BackupMode"`
	FileExtension           string         `json:"FileExtension,omitempty"`
	CustomTimeZone          string         `json:"CustomTimeZone,omitempty"`
	ProcessingConfiguration *processingOut `json:"ProcessingConfiguration,omitempty"`
	S3BackupDescription     *s3Out         `json:"S3BackupDescription,omitempty"`
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

func describe(ds *firehose.DeliveryStream) streamDescription {
	d := ds.S3
	s3 := s3Out{
		RoleARN: d.RoleARN, BucketARN: d.BucketARN, Prefix: d.Prefix, ErrorOutputPrefix: d.ErrorOutputPrefix,
		BufferingHints:           bufferingOut{SizeInMBs: d.SizeInMBs, IntervalInSeconds: d.IntervalInSeconds},
		CompressionFormat:        d.Compression,
		CloudWatchLoggingOptions: loggingOut{Enabled: d.Logging.Enabled, LogGroupName: d.Logging.LogGroupName, LogStreamName: d.Logging.LogStreamName},
	}
	if d.KMSKeyARN != "" {
		s3.EncryptionConfiguration.KMSEncryptionConfig = &struct {
			AWSKMSKeyARN string `json:"AWSKMSKeyARN"`
		}{d.KMSKeyARN}
	} else {
		s3.EncryptionConfiguration.NoEncryptionConfig = "NoEncryption"
	}
	dest := destinationOut{DestinationId: firehose.DestinationID, S3DestinationDescription: &s3}
	if d.Extended {
		ext := &extendedOut{s3Out: s3, S3BackupMode: d.S3BackupMode, FileExtension: d.FileExtension, CustomTimeZone: d.CustomTimeZone}
		if p := d.Processing; p.Enabled || len(p.Processors) > 0 {
			ext.ProcessingConfiguration = &processingOut{Enabled: p.Enabled, Processors: []processorOut{}}
			for _, proc := range p.Processors {
				po := processorOut{Type: proc.Type}
				for _, prm := range proc.Params {
					po.Parameters = append(po.Parameters, paramOut{prm.Name, prm.Value})
				}
				ext.ProcessingConfiguration.Processors = append(ext.ProcessingConfiguration.Processors, po)
			}
		}
		if b := d.Backup; b != nil {
			ext.S3BackupDescription = &s3Out{
				RoleARN: b.RoleARN, BucketARN: b.BucketARN, Prefix: b.Prefix, CompressionFormat: b.Compression,
				BufferingHints:          bufferingOut{SizeInMBs: firehose.DefaultSizeInMBs, IntervalInSeconds: firehose.DefaultIntervalInSeconds},
				EncryptionConfiguration: encryptionConf{NoEncryptionConfig: "NoEncryption"},
			}
		}
		dest.ExtendedS3DestinationDescription = ext
	}
	out := streamDescription{
		DeliveryStreamName:   ds.Name,
		DeliveryStreamARN:    ds.ARN(),
		DeliveryStreamStatus: ds.Status,
		DeliveryStreamType:   ds.Type,
		DeliveryStreamEncryptionConfiguration: encryptionOut{
			KeyARN: ds.Encryption.KeyARN, KeyType: ds.Encryption.KeyType, Status: ds.Encryption.Status,
		},
		VersionId:       strconv.FormatInt(ds.Version, 10),
		CreateTimestamp: awsproto.TimeOf(ds.Created),
		Destinations:    []destinationOut{dest},
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
	shape.Opt("DeliveryStreamType", shape.Str().OneOf("DirectPut", "KinesisStreamAsSource", "MSKAsSource", "DatabaseAsSource")),
	shape.Opt("ExclusiveStartDeliveryStreamName", nameShape),
	shape.Opt("Limit", shape.Int().Range(1, 10000)),
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
