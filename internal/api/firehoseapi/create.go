package firehoseapi

import (
	"context"
	"strings"

	"sluice/internal/awsproto/awserr"
	"sluice/internal/awsproto/shape"
	"sluice/internal/firehose"
)

var createInput = func() *shape.Shape {
	members := []shape.Member{
		shape.Req("DeliveryStreamName", nameShape),
		shape.Opt("DeliveryStreamType", shape.Str().OneOf("DirectPut", "KinesisStreamAsSource", "MSKAsSource", "DatabaseAsSource")),
		shape.Opt("KinesisStreamSourceConfiguration", shape.Struct(
			shape.Req("KinesisStreamARN", arnShape),
			shape.Req("RoleARN", arnShape),
		).Named("KinesisStreamSourceConfiguration")),
		shape.Opt("DeliveryStreamEncryptionConfigurationInput", shape.Struct(
			shape.Opt("KeyARN", arnShape),
			shape.Req("KeyType", shape.Str().OneOf("AWS_OWNED_CMK", "CUSTOMER_MANAGED_CMK")),
		).Named("DeliveryStreamEncryptionConfigurationInput")),
		shape.Opt("S3DestinationConfiguration", s3Configuration),
		shape.Opt("ExtendedS3DestinationConfiguration", extendedS3Configuration),
		shape.Opt("Tags", shape.ListOf(tagShape).Len(1, 50)),
	}
	for _, name := range otherDestinations {
		members = append(members, shape.Opt(name, shape.Struct()))
	}
	return shape.Struct(members...).Named("CreateDeliveryStreamInput")
}()

type createIn struct {
	DeliveryStreamName                         string
	DeliveryStreamType                         *string
	KinesisStreamSourceConfiguration           *struct{ KinesisStreamARN, RoleARN string }
	DeliveryStreamEncryptionConfigurationInput *encryptionIn
	S3DestinationConfiguration                 *s3In
	ExtendedS3DestinationConfiguration         *s3In
	Tags                                       []tagIn

	RedshiftDestinationConfiguration                   *struct{}
	ElasticsearchDestinationConfiguration              *struct{}
	AmazonopensearchserviceDestinationConfiguration    *struct{}
	SplunkDestinationConfiguration                     *struct{}
	HttpEndpointDestinationConfiguration               *struct{}
	AmazonOpenSearchServerlessDestinationConfiguration *struct{}
	SnowflakeDestinationConfiguration                  *struct{}
	IcebergDestinationConfiguration                    *struct{}
	MSKSourceConfiguration                             *struct{}
	DatabaseSourceConfiguration                        *struct{}
}

type encryptionIn struct {
	KeyARN  *string
	KeyType string
}

type tagIn struct {
	Key   string
	Value *string
}

// s3In is S3DestinationConfiguration, ExtendedS3DestinationConfiguration
// and their Update forms (all optional there).
type s3In struct {
	RoleARN           *string
	BucketARN         *string
	Prefix            *string
	ErrorOutputPrefix *string
	BufferingHints    *struct {
		IntervalInSeconds *int64
		SizeInMBs         *int64
	}
	CompressionFormat       *string
	EncryptionConfiguration *struct {
		KMSEncryptionConfig *struct{ AWSKMSKeyARN string }
		NoEncryptionConfig  *string
	}
	CloudWatchLoggingOptions *struct {
		Enabled       *bool
		LogGroupName  *string
		LogStreamName *string
	}
	S3BackupMode                      *string
	FileExtension                     *string
	CustomTimeZone                    *string
	ProcessingConfiguration           *processingIn
	DataFormatConversionConfiguration *struct{ Enabled *bool }
	DynamicPartitioningConfiguration  *struct{ Enabled *bool }
	S3BackupConfiguration             *s3In
}

type processingIn struct {
	Enabled    *bool
	Processors []struct {
		Type       string
		Parameters []struct{ ParameterName, ParameterValue string }
	}
}

// apply merges the members given into d.
func (in *s3In) apply(d *firehose.S3Destination) {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&d.RoleARN, in.RoleARN)
	set(&d.BucketARN, in.BucketARN)
	set(&d.Prefix, in.Prefix)
	set(&d.ErrorOutputPrefix, in.ErrorOutputPrefix)
	set(&d.Compression, in.CompressionFormat)
	set(&d.S3BackupMode, in.S3BackupMode)
	set(&d.FileExtension, in.FileExtension)
	set(&d.CustomTimeZone, in.CustomTimeZone)
	if h := in.BufferingHints; h != nil {
		if h.SizeInMBs != nil {
			d.SizeInMBs = *h.SizeInMBs
		}
		if h.IntervalInSeconds != nil {
			d.IntervalInSeconds = *h.IntervalInSeconds
		}
	}
	if e := in.EncryptionConfiguration; e != nil {
		d.KMSKeyARN = ""
		if e.KMSEncryptionConfig != nil {
			d.KMSKeyARN = e.KMSEncryptionConfig.AWSKMSKeyARN
		}
	}
	if p := in.ProcessingConfiguration; p != nil {
		d.Processing = firehose.Processing{Enabled: p.Enabled != nil && *p.Enabled}
		for _, proc := range p.Processors {
			fp := firehose.Processor{Type: proc.Type}
			for _, prm := range proc.Parameters {
				fp.Params = append(fp.Params, firehose.Param{Name: prm.ParameterName, Value: prm.ParameterValue})
			}
			d.Processing.Processors = append(d.Processing.Processors, fp)
		}
	}
	if b := in.S3BackupConfiguration; b != nil {
		backup := firehose.S3Backup{}
		if d.Backup != nil {
			backup = *d.Backup
		}
		set(&backup.RoleARN, b.RoleARN)
		set(&backup.BucketARN, b.BucketARN)
		set(&backup.Prefix, b.Prefix)
		set(&backup.Compression, b.CompressionFormat)
		d.Backup = &backup
	}
	if l := in.CloudWatchLoggingOptions; l != nil {
		d.Logging = firehose.Logging{}
		if l.Enabled != nil {
			d.Logging.Enabled = *l.Enabled
		}
		set(&d.Logging.LogGroupName, l.LogGroupName)
		set(&d.Logging.LogStreamName, l.LogStreamName)
	}
}

// unsupported names a feature of the configuration Sluice does not have,
// or "".
func (in *s3In) unsupported() string {
	on := func(e *struct{ Enabled *bool }) bool { return e != nil && e.Enabled != nil && *e.Enabled }
	// A DataFormatConversionConfiguration without Enabled is on: AWS's
	// default for it is true, so accepting it would ignore a conversion
	// the caller asked for.
	conversion := in.DataFormatConversionConfiguration
	switch {
	case conversion != nil && (conversion.Enabled == nil || *conversion.Enabled):
		return "DataFormatConversionConfiguration (record format conversion)"
	case on(in.DynamicPartitioningConfiguration):
		return "DynamicPartitioningConfiguration (dynamic partitioning)"
	}
	return ""
}

func tagsIn(in []tagIn) ([]firehose.Tag, error) {
	out := make([]firehose.Tag, len(in))
	for i, t := range in {
		if strings.HasPrefix(t.Key, "aws:") {
			return nil, awserr.New(awserr.InvalidArgumentException, "Tag keys must not start with aws:, which is reserved: %s", t.Key)
		}
		out[i].Key = t.Key
		if t.Value != nil {
			out[i].Value = *t.Value
		}
	}
	return out, nil
}

type createOut struct {
	DeliveryStreamARN string `json:"DeliveryStreamARN"`
}

func (a *API) create(ctx context.Context, in *createIn) (*createOut, error) {
	p := firehose.CreateParams{Name: in.DeliveryStreamName}
	if in.DeliveryStreamType != nil {
		p.Type = *in.DeliveryStreamType
	}
	if k := in.KinesisStreamSourceConfiguration; k != nil {
		p.Source = &firehose.KinesisSource{StreamARN: k.KinesisStreamARN, RoleARN: k.RoleARN}
	}
	if e := in.DeliveryStreamEncryptionConfigurationInput; e != nil {
		p.Encryption = &firehose.Encryption{KeyType: e.KeyType}
		if e.KeyARN != nil {
			p.Encryption.KeyARN = *e.KeyARN
		}
	}
	var given []string
	for _, d := range []struct {
		name string
		in   *s3In
	}{{"S3DestinationConfiguration", in.S3DestinationConfiguration}, {"ExtendedS3DestinationConfiguration", in.ExtendedS3DestinationConfiguration}} {
		if d.in == nil {
			continue
		}
		given = append(given, d.name)
		if what := d.in.unsupported(); what != "" {
			return nil, awserr.New(awserr.InvalidArgumentException, "Sluice does not support %s yet.", what)
		}
		dest := firehose.S3Destination{Extended: d.name == "ExtendedS3DestinationConfiguration", IntervalInSeconds: -1}
		d.in.apply(&dest)
		p.S3 = &dest
	}
	for name, v := range map[string]*struct{}{
		"RedshiftDestinationConfiguration":                   in.RedshiftDestinationConfiguration,
		"ElasticsearchDestinationConfiguration":              in.ElasticsearchDestinationConfiguration,
		"AmazonopensearchserviceDestinationConfiguration":    in.AmazonopensearchserviceDestinationConfiguration,
		"SplunkDestinationConfiguration":                     in.SplunkDestinationConfiguration,
		"HttpEndpointDestinationConfiguration":               in.HttpEndpointDestinationConfiguration,
		"AmazonOpenSearchServerlessDestinationConfiguration": in.AmazonOpenSearchServerlessDestinationConfiguration,
		"SnowflakeDestinationConfiguration":                  in.SnowflakeDestinationConfiguration,
		"IcebergDestinationConfiguration":                    in.IcebergDestinationConfiguration,
		"MSKSourceConfiguration":                             in.MSKSourceConfiguration,
		"DatabaseSourceConfiguration":                        in.DatabaseSourceConfiguration,
	} {
		if v != nil {
			p.Unsupported = append(p.Unsupported, name)
		}
	}
	if len(given) > 1 {
		return nil, awserr.New(awserr.InvalidArgumentException, "Exactly one destination configuration must be specified; got %s.", strings.Join(given, " and "))
	}
	tags, err := tagsIn(in.Tags)
	if err != nil {
		return nil, err
	}
	p.Tags = tags
	arn, err := a.svc.CreateDeliveryStream(ctx, caller(ctx), p)
	if err != nil {
		return nil, wire(err)
	}
	return &createOut{DeliveryStreamARN: arn}, nil
}

var deleteInput = shape.Struct(
	shape.Opt("AllowForceDelete", shape.Bool()),
	shape.Req("DeliveryStreamName", nameShape),
).Named("DeleteDeliveryStreamInput")

type deleteIn struct {
	AllowForceDelete   *bool
	DeliveryStreamName string
}

func (a *API) delete(ctx context.Context, in *deleteIn) (*empty, error) {
	return &empty{}, wire(a.svc.DeleteDeliveryStream(ctx, caller(ctx), in.DeliveryStreamName))
}
