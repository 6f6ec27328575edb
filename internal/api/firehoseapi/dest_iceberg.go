package firehoseapi

import (
	"slices"

	"sluice/internal/awsproto/awserr"
	"sluice/internal/awsproto/shape"
	"sluice/internal/firehose"
)

// The Apache Iceberg destination: IcebergDestinationConfiguration, its
// Update (which, unlike the others, keeps the name S3Configuration) and
// its Description. Schema evolution, table creation and partition specs
// are refused: the model does not keep them, and Sluice does not accept a
// setting it would then ignore.

var (
	icebergTableName = pattern(shape.Str().Len(1, 255), `[a-zA-Z0-9\.\_]+`)

	icebergConfiguration = shape.Struct(
		shape.Opt("DestinationTableConfigurationList", shape.ListOf(shape.Struct(
			shape.Req("DestinationTableName", icebergTableName),
			shape.Req("DestinationDatabaseName", icebergTableName),
			shape.Opt("UniqueKeys", shape.ListOf(nonEmptyNoSpace)),
			shape.Opt("PartitionSpec", shape.Struct(
				shape.Opt("Identity", shape.ListOf(shape.Struct(
					shape.Req("SourceName", nonEmptyNoSpace),
				).Named("PartitionField"))),
			).Named("PartitionSpec")),
			shape.Opt("S3ErrorOutputPrefix", prefixShape),
		).Named("DestinationTableConfiguration"))),
		shape.Opt("SchemaEvolutionConfiguration", shape.Struct(shape.Req("Enabled", boolShape)).Named("SchemaEvolutionConfiguration")),
		shape.Opt("TableCreationConfiguration", shape.Struct(shape.Req("Enabled", boolShape)).Named("TableCreationConfiguration")),
		shape.Opt("BufferingHints", bufferingHints),
		shape.Opt("CloudWatchLoggingOptions", cloudWatchLogging),
		shape.Opt("ProcessingConfiguration", processingConfiguration),
		shape.Opt("S3BackupMode", shape.Str().OneOf("FailedDataOnly", "AllData")),
		shape.Opt("RetryOptions", retryShape("RetryOptions")),
		shape.Req("RoleARN", roleARNShape),
		shape.Opt("AppendOnly", boolShape),
		shape.Req("CatalogConfiguration", shape.Struct(
			shape.Opt("CatalogARN", pattern(shape.Str().Len(1, 512), `arn:.*:glue:.*:\d{12}:catalog(?:(/[a-z0-9_-]+){1,2})?`)),
			shape.Opt("WarehouseLocation", pattern(shape.Str().Len(1, 2048), `s3:\/\/.*`)),
		).Named("CatalogConfiguration")),
		shape.Req("S3Configuration", s3Configuration),
	).Named("IcebergDestinationConfiguration")
	icebergUpdate = optional(icebergConfiguration.Members).Named("IcebergDestinationUpdate")
)

type icebergIn struct {
	commonIn
	DestinationTableConfigurationList []struct {
		DestinationTableName    string
		DestinationDatabaseName string
		UniqueKeys              []string
		PartitionSpec           *struct {
			Identity []struct{ SourceName string }
		}
		S3ErrorOutputPrefix *string
	}
	SchemaEvolutionConfiguration *struct{ Enabled bool }
	TableCreationConfiguration   *struct{ Enabled bool }
	AppendOnly                   *bool
	CatalogConfiguration         *struct {
		CatalogARN        *string
		WarehouseLocation *string
	}
}

func (in *icebergIn) apply(_ string, d *firehose.Destinations) error {
	switch {
	case in.SchemaEvolutionConfiguration != nil && in.SchemaEvolutionConfiguration.Enabled:
		return awserr.New(awserr.InvalidArgumentException, "Sluice does not support SchemaEvolutionConfiguration (Iceberg schema evolution).")
	case in.TableCreationConfiguration != nil && in.TableCreationConfiguration.Enabled:
		return awserr.New(awserr.InvalidArgumentException, "Sluice does not support TableCreationConfiguration (Iceberg table creation).")
	}
	for _, t := range in.DestinationTableConfigurationList {
		if t.PartitionSpec != nil && len(t.PartitionSpec.Identity) > 0 {
			return awserr.New(awserr.InvalidArgumentException, "Sluice does not support PartitionSpec (Iceberg partitioning) on table %s.", t.DestinationTableName)
		}
	}
	ib := d.Iceberg
	if err := in.commonIn.apply(&ib.Common, &d.S3); err != nil {
		return err
	}
	setBool(&ib.AppendOnly, in.AppendOnly)
	if c := in.CatalogConfiguration; c != nil {
		ib.CatalogARN, ib.WarehouseLocation = deref(c.CatalogARN), deref(c.WarehouseLocation)
	}
	if in.DestinationTableConfigurationList != nil {
		ib.Tables = make([]firehose.IcebergTable, len(in.DestinationTableConfigurationList))
		for i, t := range in.DestinationTableConfigurationList {
			ib.Tables[i] = firehose.IcebergTable{
				Database: t.DestinationDatabaseName, Table: t.DestinationTableName,
				S3ErrorOutputPrefix: deref(t.S3ErrorOutputPrefix), UniqueKeys: slices.Clone(t.UniqueKeys),
			}
		}
	}
	return nil
}

// icebergOut is IcebergDestinationDescription.
type icebergOut struct {
	DestinationTableConfigurationList []icebergTableOut `json:"DestinationTableConfigurationList"`
	BufferingHints                    bufferingOut      `json:"BufferingHints"`
	CloudWatchLoggingOptions          loggingOut        `json:"CloudWatchLoggingOptions"`
	ProcessingConfiguration           *processingOut    `json:"ProcessingConfiguration,omitempty"`
	S3BackupMode                      string            `json:"S3BackupMode"`
	RetryOptions                      retryOut          `json:"RetryOptions"`
	RoleARN                           string            `json:"RoleARN"`
	AppendOnly                        bool              `json:"AppendOnly"`
	CatalogConfiguration              struct {
		CatalogARN        string `json:"CatalogARN,omitempty"`
		WarehouseLocation string `json:"WarehouseLocation,omitempty"`
	} `json:"CatalogConfiguration"`
	S3DestinationDescription s3Out `json:"S3DestinationDescription"`
}

type icebergTableOut struct {
	DestinationTableName    string   `json:"DestinationTableName"`
	DestinationDatabaseName string   `json:"DestinationDatabaseName"`
	UniqueKeys              []string `json:"UniqueKeys,omitempty"`
	S3ErrorOutputPrefix     string   `json:"S3ErrorOutputPrefix,omitempty"`
}

func describeIceberg(d *firehose.Destinations) *icebergOut {
	ib := d.Iceberg
	out := &icebergOut{
		DestinationTableConfigurationList: make([]icebergTableOut, len(ib.Tables)),
		BufferingHints:                    bufferingOut{SizeInMBs: ib.SizeInMBs, IntervalInSeconds: ib.IntervalInSeconds},
		CloudWatchLoggingOptions:          loggingDescription(ib.Logging),
		ProcessingConfiguration:           processingDescription(ib.Processing),
		S3BackupMode:                      ib.S3BackupMode,
		RetryOptions:                      retryOut{DurationInSeconds: ib.RetrySeconds},
		RoleARN:                           ib.RoleARN,
		AppendOnly:                        ib.AppendOnly,
		S3DestinationDescription:          s3Description(d.S3),
	}
	for i, t := range ib.Tables {
		out.DestinationTableConfigurationList[i] = icebergTableOut{t.Table, t.Database, t.UniqueKeys, t.S3ErrorOutputPrefix}
	}
	out.CatalogConfiguration.CatalogARN, out.CatalogConfiguration.WarehouseLocation = ib.CatalogARN, ib.WarehouseLocation
	return out
}
