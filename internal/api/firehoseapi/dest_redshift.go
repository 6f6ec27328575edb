package firehoseapi

import (
	"sluice/internal/awsproto/shape"
	"sluice/internal/firehose"
)

// The Redshift destination: RedshiftDestinationConfiguration, its Update
// and its Description, which never holds the password. It has no buffering
// hints of its own: its S3 configuration's apply.

var (
	redshiftConfiguration = shape.Struct(
		shape.Req("RoleARN", roleARNShape),
		shape.Req("ClusterJDBCURL", patternAs(shape.Str().Len(1, 512), jdbcURL, jdbcURLGo)),
		shape.Req("CopyCommand", shape.Struct(
			shape.Req("DataTableName", anyText(1, 512)),
			shape.Opt("DataTableColumns", anyText(0, 10240)),
			shape.Opt("CopyOptions", anyText(0, 10240)),
		).Named("CopyCommand")),
		shape.Opt("Username", anyText(1, 512)),
		shape.Opt("Password", anyText(6, 512)),
		shape.Opt("RetryOptions", retryShape("RedshiftRetryOptions")),
		shape.Req("S3Configuration", s3Configuration),
		shape.Opt("ProcessingConfiguration", processingConfiguration),
		shape.Opt("S3BackupMode", shape.Str().OneOf("Disabled", "Enabled")),
		shape.Opt("S3BackupConfiguration", s3Configuration),
		shape.Opt("CloudWatchLoggingOptions", cloudWatchLogging),
		shape.Opt("SecretsManagerConfiguration", secretsManagerConfiguration),
	).Named("RedshiftDestinationConfiguration")
	redshiftUpdate = updateOf(redshiftConfiguration, "RedshiftDestinationUpdate")
)

type redshiftIn struct {
	commonIn
	ClusterJDBCURL *string
	CopyCommand    *struct {
		DataTableName    string
		DataTableColumns *string
		CopyOptions      *string
	}
	Username              *string
	Password              *string
	S3BackupConfiguration *s3In
	S3BackupUpdate        *s3In
}

func (in *redshiftIn) apply(_ string, d *firehose.Destinations) error {
	r := d.Redshift
	if err := in.commonIn.apply(&r.Common, &d.S3); err != nil {
		return err
	}
	setStr(&r.JDBCURL, in.ClusterJDBCURL)
	setStr(&r.Username, in.Username)
	setStr(&r.Password, in.Password)
	if c := in.CopyCommand; c != nil {
		r.Table, r.Columns, r.CopyOptions = c.DataTableName, deref(c.DataTableColumns), deref(c.CopyOptions)
	}
	for _, b := range []*s3In{in.S3BackupConfiguration, in.S3BackupUpdate} {
		if b != nil {
			r.Backup = b.backup(r.Backup)
		}
	}
	return nil
}

// redshiftOut is RedshiftDestinationDescription.
type redshiftOut struct {
	RoleARN        string `json:"RoleARN"`
	ClusterJDBCURL string `json:"ClusterJDBCURL"`
	CopyCommand    struct {
		DataTableName    string `json:"DataTableName"`
		DataTableColumns string `json:"DataTableColumns,omitempty"`
		CopyOptions      string `json:"CopyOptions,omitempty"`
	} `json:"CopyCommand"`
	Username                 string         `json:"Username,omitempty"`
	RetryOptions             retryOut       `json:"RetryOptions"`
	S3DestinationDescription s3Out          `json:"S3DestinationDescription"`
	ProcessingConfiguration  *processingOut `json:"ProcessingConfiguration,omitempty"`
	S3BackupMode             string         `json:"S3BackupMode"`
	S3BackupDescription      *s3Out         `json:"S3BackupDescription,omitempty"`
	CloudWatchLoggingOptions loggingOut     `json:"CloudWatchLoggingOptions"`
}

func describeRedshift(d *firehose.Destinations) *redshiftOut {
	r := d.Redshift
	out := &redshiftOut{
		RoleARN: r.RoleARN, ClusterJDBCURL: r.JDBCURL, Username: r.Username,
		RetryOptions:             retryOut{DurationInSeconds: r.RetrySeconds},
		S3DestinationDescription: s3Description(d.S3),
		ProcessingConfiguration:  processingDescription(r.Processing),
		S3BackupMode:             r.S3BackupMode,
		S3BackupDescription:      backupDescription(r.Backup),
		CloudWatchLoggingOptions: loggingDescription(r.Logging),
	}
	out.CopyCommand.DataTableName, out.CopyCommand.DataTableColumns, out.CopyCommand.CopyOptions = r.Table, r.Columns, r.CopyOptions
	return out
}
