package firehoseapi

import (
	"sluice/internal/awsproto/awserr"
	"sluice/internal/firehose"
)

// The members every destination but S3 shares, and the dispatch from the
// wire's destination members to the model's destination kinds. Each kind's
// own members are in dest_<kind>.go.

// destIn is a destination configuration or update of a kind other than S3.
type destIn interface {
	// apply merges the members given into d, whose Kind is kind; for a
	// new destination d holds fresh() of the kind. It refuses what Sluice
	// does not have (Secrets Manager, VPCs).
	apply(kind string, d *firehose.Destinations) error
}

// givenDest is a destination member of a request.
type givenDest struct {
	member string // the wire's member name
	kind   string // firehose.Kind*
	in     destIn // nil for the S3 kinds
	s3     *s3In  // the S3 kinds
	// extended: ExtendedS3DestinationConfiguration or its Update.
	extended bool
}

// fresh returns an empty destination of a kind: integers AWS has a default
// for are -1 (intervals, retry durations) or 0 (sizes), for the domain to
// fill in.
func fresh(kind string) firehose.Destinations {
	d := firehose.Destinations{Kind: kind, S3: firehose.S3Destination{IntervalInSeconds: -1}}
	c := firehose.Common{IntervalInSeconds: -1, RetrySeconds: -1}
	switch kind {
	case firehose.KindHTTPEndpoint:
		d.HTTP = &firehose.HTTPDestination{Common: c}
	case firehose.KindOpenSearch, firehose.KindElasticsearch, firehose.KindOpenSearchServerless:
		d.Search = &firehose.SearchDestination{Common: c}
	case firehose.KindSplunk:
		d.Splunk = &firehose.SplunkDestination{Common: c}
	case firehose.KindRedshift:
		d.Redshift = &firehose.RedshiftDestination{Common: c}
	case firehose.KindSnowflake:
		d.Snowflake = &firehose.SnowflakeDestination{Common: c}
	case firehose.KindIceberg:
		d.Iceberg = &firehose.IcebergDestination{Common: c}
	}
	return d
}

type hintsIn struct {
	SizeInMBs         *int64
	IntervalInSeconds *int64
}

type retryIn struct {
	DurationInSeconds *int64
}

type loggingIn struct {
	Enabled       *bool
	LogGroupName  *string
	LogStreamName *string
}

type secretsIn struct {
	SecretARN *string
	RoleARN   *string
	Enabled   *bool
}

type vpcIn struct {
	SubnetIds        []string
	RoleARN          *string
	SecurityGroupIds []string
}

// commonIn holds the members the destinations other than S3 share. The
// Create forms name the S3 configuration S3Configuration, the Update forms
// S3Update (Iceberg's Update keeps S3Configuration).
type commonIn struct {
	RoleARN                     *string
	BufferingHints              *hintsIn
	RetryOptions                *retryIn
	S3BackupMode                *string
	ProcessingConfiguration     *processingIn
	CloudWatchLoggingOptions    *loggingIn
	SecretsManagerConfiguration *secretsIn
	S3Configuration             *s3In
	S3Update                    *s3In
}

// errNoSecretsManager and errNoVPC refuse what a self-hosted server cannot
// have, rather than accept it and deliver without it.
func errNoSecretsManager() error {
	return awserr.New(awserr.InvalidArgumentException, "Sluice has no Secrets Manager: give the credentials in the destination configuration and leave SecretsManagerConfiguration out, or set its Enabled to false.")
}

func errNoVPC(member string) error {
	return awserr.New(awserr.InvalidArgumentException, "Sluice has no VPCs: %s is not supported; the destination is reached over the server's own network.", member)
}

// apply merges the shared members into c and the S3 configuration into s3.
func (in *commonIn) apply(c *firehose.Common, s3 *firehose.S3Destination) error {
	if sm := in.SecretsManagerConfiguration; sm != nil && sm.Enabled != nil && *sm.Enabled {
		return errNoSecretsManager()
	}
	setStr(&c.RoleARN, in.RoleARN)
	setStr(&c.S3BackupMode, in.S3BackupMode)
	if h := in.BufferingHints; h != nil {
		setInt(&c.SizeInMBs, h.SizeInMBs)
		setInt(&c.IntervalInSeconds, h.IntervalInSeconds)
	}
	if r := in.RetryOptions; r != nil {
		setInt(&c.RetrySeconds, r.DurationInSeconds)
	}
	if p := in.ProcessingConfiguration; p != nil {
		c.Processing = p.model()
	}
	if l := in.CloudWatchLoggingOptions; l != nil {
		c.Logging = l.model()
	}
	for _, conf := range []*s3In{in.S3Configuration, in.S3Update} {
		if conf != nil {
			if err := conf.apply(s3); err != nil {
				return err
			}
		}
	}
	return nil
}

func (p *processingIn) model() firehose.Processing {
	out := firehose.Processing{Enabled: p.Enabled != nil && *p.Enabled}
	for _, proc := range p.Processors {
		fp := firehose.Processor{Type: proc.Type}
		for _, prm := range proc.Parameters {
			fp.Params = append(fp.Params, firehose.Param{Name: prm.ParameterName, Value: prm.ParameterValue})
		}
		out.Processors = append(out.Processors, fp)
	}
	return out
}

func (l *loggingIn) model() firehose.Logging {
	out := firehose.Logging{}
	if l.Enabled != nil {
		out.Enabled = *l.Enabled
	}
	setStr(&out.LogGroupName, l.LogGroupName)
	setStr(&out.LogStreamName, l.LogStreamName)
	return out
}

func setStr(dst *string, v *string) {
	if v != nil {
		*dst = *v
	}
}

func setInt(dst *int64, v *int64) {
	if v != nil {
		*dst = *v
	}
}

func setBool(dst *bool, v *bool) {
	if v != nil {
		*dst = *v
	}
}
