package firehoseapi

import (
	"sluice/internal/awsproto/shape"
	"sluice/internal/firehose"
)

// The Snowflake destination: SnowflakeDestinationConfiguration, its Update
// and its Description, which never holds the private key or its
// passphrase. SnowflakeVpcConfiguration (PrivateLink) is refused: Sluice
// has no VPCs.

var (
	snowflakeConfiguration = shape.Struct(
		shape.Req("AccountUrl", pattern(shape.Str().Len(24, 2048), `.+?\.snowflakecomputing\.com`)),
		shape.Opt("PrivateKey", pattern(shape.Str().Len(256, 4096), `^(?:[A-Za-z0-9+\/]{4})*(?:[A-Za-z0-9+\/]{2}==|[A-Za-z0-9+\/]{3}=)?$`)),
		shape.Opt("KeyPassphrase", shape.Str().Len(7, 255)),
		shape.Opt("User", shape.Str().Len(1, 255)),
		shape.Req("Database", shape.Str().Len(1, 255)),
		shape.Req("Schema", shape.Str().Len(1, 255)),
		shape.Req("Table", shape.Str().Len(1, 255)),
		shape.Opt("SnowflakeRoleConfiguration", shape.Struct(
			shape.Opt("Enabled", boolShape),
			shape.Opt("SnowflakeRole", shape.Str().Len(1, 255)),
		).Named("SnowflakeRoleConfiguration")),
		shape.Opt("DataLoadingOption", shape.Str().OneOf("JSON_MAPPING", "VARIANT_CONTENT_MAPPING", "VARIANT_CONTENT_AND_METADATA_MAPPING")),
		shape.Opt("MetaDataColumnName", shape.Str().Len(1, 255)),
		shape.Opt("ContentColumnName", shape.Str().Len(1, 255)),
		shape.Opt("SnowflakeVpcConfiguration", shape.Struct(
			shape.Req("PrivateLinkVpceId", pattern(shape.Str().Len(47, 255), `([a-zA-Z0-9\-\_]+\.){2,3}vpce\.[a-zA-Z0-9\-]*\.vpce-svc\-[a-zA-Z0-9\-]{17}$`)),
		).Named("SnowflakeVpcConfiguration")),
		shape.Opt("CloudWatchLoggingOptions", cloudWatchLogging),
		shape.Opt("ProcessingConfiguration", processingConfiguration),
		shape.Req("RoleARN", roleARNShape),
		shape.Opt("RetryOptions", retryShape("SnowflakeRetryOptions")),
		shape.Opt("S3BackupMode", shape.Str().OneOf("FailedDataOnly", "AllData")),
		shape.Req("S3Configuration", s3Configuration),
		shape.Opt("SecretsManagerConfiguration", secretsManagerConfiguration),
		shape.Opt("BufferingHints", hintsShape("SnowflakeBufferingHints", 128, 900)),
	).Named("SnowflakeDestinationConfiguration")
	snowflakeUpdate = updateOf(snowflakeConfiguration, "SnowflakeDestinationUpdate", "SnowflakeVpcConfiguration")
)

type snowflakeIn struct {
	commonIn
	AccountUrl                 *string
	PrivateKey                 *string
	KeyPassphrase              *string
	User                       *string
	Database                   *string
	Schema                     *string
	Table                      *string
	SnowflakeRoleConfiguration *struct {
		Enabled       *bool
		SnowflakeRole *string
	}
	DataLoadingOption         *string
	MetaDataColumnName        *string
	ContentColumnName         *string
	SnowflakeVpcConfiguration *struct {
		PrivateLinkVpceId string
	}
}

func (in *snowflakeIn) apply(_ string, d *firehose.Destinations) error {
	if in.SnowflakeVpcConfiguration != nil {
		return errNoVPC("SnowflakeVpcConfiguration")
	}
	s := d.Snowflake
	if err := in.commonIn.apply(&s.Common, &d.S3); err != nil {
		return err
	}
	setStr(&s.AccountURL, in.AccountUrl)
	setStr(&s.PrivateKey, in.PrivateKey)
	setStr(&s.KeyPassphrase, in.KeyPassphrase)
	setStr(&s.User, in.User)
	setStr(&s.Database, in.Database)
	setStr(&s.Schema, in.Schema)
	setStr(&s.Table, in.Table)
	setStr(&s.DataLoadingOption, in.DataLoadingOption)
	setStr(&s.MetaDataColumnName, in.MetaDataColumnName)
	setStr(&s.ContentColumnName, in.ContentColumnName)
	if r := in.SnowflakeRoleConfiguration; r != nil {
		s.RoleEnabled, s.Role = r.Enabled != nil && *r.Enabled, deref(r.SnowflakeRole)
	}
	return nil
}

// snowflakeOut is SnowflakeDestinationDescription.
type snowflakeOut struct {
	AccountUrl                 string `json:"AccountUrl"`
	User                       string `json:"User,omitempty"`
	Database                   string `json:"Database"`
	Schema                     string `json:"Schema"`
	Table                      string `json:"Table"`
	SnowflakeRoleConfiguration *struct {
		Enabled       bool   `json:"Enabled"`
		SnowflakeRole string `json:"SnowflakeRole,omitempty"`
	} `json:"SnowflakeRoleConfiguration,omitempty"`
	DataLoadingOption        string         `json:"DataLoadingOption,omitempty"`
	MetaDataColumnName       string         `json:"MetaDataColumnName,omitempty"`
	ContentColumnName        string         `json:"ContentColumnName,omitempty"`
	CloudWatchLoggingOptions loggingOut     `json:"CloudWatchLoggingOptions"`
	ProcessingConfiguration  *processingOut `json:"ProcessingConfiguration,omitempty"`
	RoleARN                  string         `json:"RoleARN"`
	RetryOptions             retryOut       `json:"RetryOptions"`
	S3BackupMode             string         `json:"S3BackupMode"`
	S3DestinationDescription s3Out          `json:"S3DestinationDescription"`
	BufferingHints           bufferingOut   `json:"BufferingHints"`
}

func describeSnowflake(d *firehose.Destinations) *snowflakeOut {
	s := d.Snowflake
	out := &snowflakeOut{
		AccountUrl: s.AccountURL, User: s.User, Database: s.Database, Schema: s.Schema, Table: s.Table,
		DataLoadingOption: s.DataLoadingOption, MetaDataColumnName: s.MetaDataColumnName, ContentColumnName: s.ContentColumnName,
		CloudWatchLoggingOptions: loggingDescription(s.Logging),
		ProcessingConfiguration:  processingDescription(s.Processing),
		RoleARN:                  s.RoleARN,
		RetryOptions:             retryOut{DurationInSeconds: s.RetrySeconds},
		S3BackupMode:             s.S3BackupMode,
		S3DestinationDescription: s3Description(d.S3),
		BufferingHints:           bufferingOut{SizeInMBs: s.SizeInMBs, IntervalInSeconds: s.IntervalInSeconds},
	}
	if s.RoleEnabled || s.Role != "" {
		out.SnowflakeRoleConfiguration = &struct {
			Enabled       bool   `json:"Enabled"`
			SnowflakeRole string `json:"SnowflakeRole,omitempty"`
		}{s.RoleEnabled, s.Role}
	}
	return out
}
