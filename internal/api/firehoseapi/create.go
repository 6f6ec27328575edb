package firehoseapi

import (
	"context"
	"strings"

	"sluice/internal/awsproto/awserr"
	"sluice/internal/awsproto/shape"
	"sluice/internal/firehose"
)

var createInput = shape.Struct(
	shape.Req("DeliveryStreamName", nameShape),
	shape.Opt("DeliveryStreamType", shape.Str().OneOf("DirectPut", "KinesisStreamAsSource", "MSKAsSource", "DatabaseAsSource")),
	shape.Opt("KinesisStreamSourceConfiguration", shape.Struct(
		shape.Req("KinesisStreamARN", kinesisStreamARNShape),
		shape.Req("RoleARN", roleARNShape),
	).Named("KinesisStreamSourceConfiguration")),
	shape.Opt("DeliveryStreamEncryptionConfigurationInput", shape.Struct(
		shape.Opt("KeyARN", kmsKeyARNShape),
		shape.Req("KeyType", shape.Str().OneOf("AWS_OWNED_CMK", "CUSTOMER_MANAGED_CMK")),
	).Named("DeliveryStreamEncryptionConfigurationInput")),
	shape.Opt("S3DestinationConfiguration", s3Configuration),
	shape.Opt("ExtendedS3DestinationConfiguration", extendedS3Configuration),
	shape.Opt("RedshiftDestinationConfiguration", redshiftConfiguration),
	shape.Opt("ElasticsearchDestinationConfiguration", elasticsearchConfiguration),
	shape.Opt("AmazonopensearchserviceDestinationConfiguration", openSearchConfiguration),
	shape.Opt("SplunkDestinationConfiguration", splunkConfiguration),
	shape.Opt("HttpEndpointDestinationConfiguration", httpConfiguration),
	shape.Opt("Tags", shape.ListOf(tagShape).Len(1, 50)),
	shape.Opt("AmazonOpenSearchServerlessDestinationConfiguration", serverlessConfiguration),
	shape.Opt("MSKSourceConfiguration", mskSourceConfiguration),
	shape.Opt("SnowflakeDestinationConfiguration", snowflakeConfiguration),
	shape.Opt("IcebergDestinationConfiguration", icebergConfiguration),
	shape.Opt("DatabaseSourceConfiguration", databaseSourceConfiguration),
).Named("CreateDeliveryStreamInput")

type createIn struct {
	DeliveryStreamName                         string
	DeliveryStreamType                         *string
	KinesisStreamSourceConfiguration           *struct{ KinesisStreamARN, RoleARN string }
	DeliveryStreamEncryptionConfigurationInput *encryptionIn
	S3DestinationConfiguration                 *s3In
	ExtendedS3DestinationConfiguration         *s3In
	Tags                                       []tagIn

	RedshiftDestinationConfiguration                   *redshiftIn
	ElasticsearchDestinationConfiguration              *searchIn
	AmazonopensearchserviceDestinationConfiguration    *searchIn
	SplunkDestinationConfiguration                     *splunkIn
	HttpEndpointDestinationConfiguration               *httpIn
	AmazonOpenSearchServerlessDestinationConfiguration *searchIn
	SnowflakeDestinationConfiguration                  *snowflakeIn
	IcebergDestinationConfiguration                    *icebergIn
	MSKSourceConfiguration                             *mskSourceIn
	DatabaseSourceConfiguration                        *databaseSourceIn
}

// destinations lists the destination configurations given, in the
// model's order.
func (in *createIn) destinations() []givenDest {
	var g []givenDest
	if in.S3DestinationConfiguration != nil {
		g = append(g, givenDest{member: "S3DestinationConfiguration", kind: firehose.KindS3, s3: in.S3DestinationConfiguration})
	}
	if in.ExtendedS3DestinationConfiguration != nil {
		g = append(g, givenDest{member: "ExtendedS3DestinationConfiguration", kind: firehose.KindS3, s3: in.ExtendedS3DestinationConfiguration, extended: true})
	}
	add := func(member, kind string, ok bool, d destIn) {
		if ok {
			g = append(g, givenDest{member: member, kind: kind, in: d})
		}
	}
	add("RedshiftDestinationConfiguration", firehose.KindRedshift, in.RedshiftDestinationConfiguration != nil, in.RedshiftDestinationConfiguration)
	add("ElasticsearchDestinationConfiguration", firehose.KindElasticsearch, in.ElasticsearchDestinationConfiguration != nil, in.ElasticsearchDestinationConfiguration)
	add("AmazonopensearchserviceDestinationConfiguration", firehose.KindOpenSearch, in.AmazonopensearchserviceDestinationConfiguration != nil, in.AmazonopensearchserviceDestinationConfiguration)
	add("SplunkDestinationConfiguration", firehose.KindSplunk, in.SplunkDestinationConfiguration != nil, in.SplunkDestinationConfiguration)
	add("HttpEndpointDestinationConfiguration", firehose.KindHTTPEndpoint, in.HttpEndpointDestinationConfiguration != nil, in.HttpEndpointDestinationConfiguration)
	add("AmazonOpenSearchServerlessDestinationConfiguration", firehose.KindOpenSearchServerless, in.AmazonOpenSearchServerlessDestinationConfiguration != nil, in.AmazonOpenSearchServerlessDestinationConfiguration)
	add("SnowflakeDestinationConfiguration", firehose.KindSnowflake, in.SnowflakeDestinationConfiguration != nil, in.SnowflakeDestinationConfiguration)
	add("IcebergDestinationConfiguration", firehose.KindIceberg, in.IcebergDestinationConfiguration != nil, in.IcebergDestinationConfiguration)
	return g
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
	RoleARN                 *string
	BucketARN               *string
	Prefix                  *string
	ErrorOutputPrefix       *string
	BufferingHints          *hintsIn
	CompressionFormat       *string
	EncryptionConfiguration *struct {
		NoEncryptionConfig  *string
		KMSEncryptionConfig *struct{ AWSKMSKeyARN string }
	}
	CloudWatchLoggingOptions          *loggingIn
	ProcessingConfiguration           *processingIn
	S3BackupMode                      *string
	S3BackupConfiguration             *s3In
	S3BackupUpdate                    *s3In
	DataFormatConversionConfiguration *conversionIn
	DynamicPartitioningConfiguration  *partitioningIn
	FileExtension                     *string
	CustomTimeZone                    *string
}

type processingIn struct {
	Enabled    *bool
	Processors []struct {
		Type       string
		Parameters []struct{ ParameterName, ParameterValue string }
	}
}

// apply merges the members given into d.
func (in *s3In) apply(d *firehose.S3Destination) error {
	setStr(&d.RoleARN, in.RoleARN)
	setStr(&d.BucketARN, in.BucketARN)
	setStr(&d.Prefix, in.Prefix)
	setStr(&d.ErrorOutputPrefix, in.ErrorOutputPrefix)
	setStr(&d.Compression, in.CompressionFormat)
	setStr(&d.S3BackupMode, in.S3BackupMode)
	setStr(&d.FileExtension, in.FileExtension)
	setStr(&d.CustomTimeZone, in.CustomTimeZone)
	if h := in.BufferingHints; h != nil {
		setInt(&d.SizeInMBs, h.SizeInMBs)
		setInt(&d.IntervalInSeconds, h.IntervalInSeconds)
	}
	if e := in.EncryptionConfiguration; e != nil {
		d.KMSKeyARN = ""
		if e.KMSEncryptionConfig != nil {
			d.KMSKeyARN = e.KMSEncryptionConfig.AWSKMSKeyARN
		}
	}
	if p := in.ProcessingConfiguration; p != nil {
		d.Processing = p.model()
	}
	for _, b := range []*s3In{in.S3BackupConfiguration, in.S3BackupUpdate} {
		if b != nil {
			d.Backup = b.backup(d.Backup)
		}
	}
	if l := in.CloudWatchLoggingOptions; l != nil {
		d.Logging = l.model()
	}
	if c := in.DataFormatConversionConfiguration; c != nil {
		conv, err := c.apply(d.Conversion)
		if err != nil {
			return err
		}
		d.Conversion = conv
	}
	if p := in.DynamicPartitioningConfiguration; p != nil {
		d.Partitioning = p.apply(d.Partitioning)
	}
	return nil
}

// backup merges a backup S3 configuration (S3BackupConfiguration or
// S3BackupUpdate) into b (nil: none yet) and returns it.
func (in *s3In) backup(b *firehose.S3Backup) *firehose.S3Backup {
	out := firehose.S3Backup{}
	if b != nil {
		out = *b
	}
	setStr(&out.RoleARN, in.RoleARN)
	setStr(&out.BucketARN, in.BucketARN)
	setStr(&out.Prefix, in.Prefix)
	setStr(&out.Compression, in.CompressionFormat)
	return &out
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
	p, err := in.params()
	if err != nil {
		return nil, err
	}
	arn, err := a.svc.CreateDeliveryStream(ctx, caller(ctx), p)
	if err != nil {
		return nil, wire(err)
	}
	return &createOut{DeliveryStreamARN: arn}, nil
}

// params maps the request into the domain's CreateParams: the S3 kinds
// into S3, the others into Dest with Kind set. What Sluice has no
// equivalent for (Secrets Manager, VPCs) is refused here; whether a kind,
// a conversion or partitioning is supported is the domain's to say.
func (in *createIn) params() (firehose.CreateParams, error) {
	p := firehose.CreateParams{Name: in.DeliveryStreamName}
	if in.DeliveryStreamType != nil {
		p.Type = *in.DeliveryStreamType
	}
	if k := in.KinesisStreamSourceConfiguration; k != nil {
		p.Source = &firehose.KinesisSource{StreamARN: k.KinesisStreamARN, RoleARN: k.RoleARN}
	}
	if e := in.DeliveryStreamEncryptionConfigurationInput; e != nil {
		p.Encryption = &firehose.Encryption{KeyType: e.KeyType, KeyARN: deref(e.KeyARN)}
	}
	if in.MSKSourceConfiguration != nil {
		p.Unsupported = append(p.Unsupported, "MSKSourceConfiguration")
	}
	if in.DatabaseSourceConfiguration != nil {
		p.Unsupported = append(p.Unsupported, "DatabaseSourceConfiguration")
	}
	given := in.destinations()
	if len(given) > 1 {
		names := make([]string, len(given))
		for i, g := range given {
			names[i] = g.member
		}
		return p, awserr.New(awserr.InvalidArgumentException, "Exactly one destination configuration must be specified; got %s.", strings.Join(names, " and "))
	}
	for _, g := range given {
		if g.s3 != nil {
			dest := firehose.S3Destination{Extended: g.extended, IntervalInSeconds: -1}
			if err := g.s3.apply(&dest); err != nil {
				return p, err
			}
			p.S3 = &dest
			continue
		}
		dest := fresh(g.kind)
		if err := g.in.apply(g.kind, &dest); err != nil {
			return p, err
		}
		p.Dest = &dest
	}
	tags, err := tagsIn(in.Tags)
	if err != nil {
		return p, err
	}
	p.Tags = tags
	return p, nil
}

var deleteInput = shape.Struct(
	shape.Req("DeliveryStreamName", nameShape),
	shape.Opt("AllowForceDelete", shape.Bool()),
).Named("DeleteDeliveryStreamInput")

type deleteIn struct {
	AllowForceDelete   *bool
	DeliveryStreamName string
}

func (a *API) delete(ctx context.Context, in *deleteIn) (*empty, error) {
	return &empty{}, wire(a.svc.DeleteDeliveryStream(ctx, caller(ctx), in.DeliveryStreamName))
}
