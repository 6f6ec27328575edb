package firehoseapi

import (
	"maps"
	"slices"

	"sluice/internal/awsproto/awserr"
	"sluice/internal/awsproto/shape"
	"sluice/internal/firehose"
)

// Record format conversion (DataFormatConversionConfiguration) and dynamic
// partitioning (DynamicPartitioningConfiguration) of the Extended S3
// destination: their shapes, their mapping into the model and their
// descriptions. Whether Sluice runs them is the domain's decision.

var (
	proportion = (&shape.Shape{Kind: shape.Double}).Range(0, 1)

	dataFormatConversion = shape.Struct(
		shape.Opt("SchemaConfiguration", shape.Struct(
			shape.Opt("RoleARN", nonEmptyNoSpace),
			shape.Opt("CatalogId", nonEmptyNoSpace),
			shape.Opt("DatabaseName", nonEmptyNoSpace),
			shape.Opt("TableName", nonEmptyNoSpace),
			shape.Opt("Region", nonEmptyNoSpace),
			shape.Opt("VersionId", nonEmptyNoSpace),
		).Named("SchemaConfiguration")),
		shape.Opt("InputFormatConfiguration", shape.Struct(
			shape.Opt("Deserializer", shape.Struct(
				shape.Opt("OpenXJsonSerDe", shape.Struct(
					shape.Opt("ConvertDotsInJsonKeysToUnderscores", boolShape),
					shape.Opt("CaseInsensitive", boolShape),
					shape.Opt("ColumnToJsonKeyMappings", shape.MapOf(nonEmptyNoSpace, nonEmptyString)),
				).Named("OpenXJsonSerDe")),
				shape.Opt("HiveJsonSerDe", shape.Struct(
					shape.Opt("TimestampFormats", shape.ListOf(nonEmptyString)),
				).Named("HiveJsonSerDe")),
			).Named("Deserializer")),
		).Named("InputFormatConfiguration")),
		shape.Opt("OutputFormatConfiguration", shape.Struct(
			shape.Opt("Serializer", shape.Struct(
				shape.Opt("ParquetSerDe", shape.Struct(
					shape.Opt("BlockSizeBytes", shape.Int().RangeMin(64<<20)),
					shape.Opt("PageSizeBytes", shape.Int().RangeMin(64<<10)),
					shape.Opt("Compression", shape.Str().OneOf("UNCOMPRESSED", "GZIP", "SNAPPY")),
					shape.Opt("EnableDictionaryCompression", boolShape),
					shape.Opt("MaxPaddingBytes", shape.Int().RangeMin(0)),
					shape.Opt("WriterVersion", shape.Str().OneOf("V1", "V2")),
				).Named("ParquetSerDe")),
				shape.Opt("OrcSerDe", shape.Struct(
					shape.Opt("StripeSizeBytes", shape.Int().RangeMin(8<<20)),
					shape.Opt("BlockSizeBytes", shape.Int().RangeMin(64<<20)),
					shape.Opt("RowIndexStride", shape.Int().RangeMin(1000)),
					shape.Opt("EnablePadding", boolShape),
					shape.Opt("PaddingTolerance", proportion),
					shape.Opt("Compression", shape.Str().OneOf("NONE", "ZLIB", "SNAPPY")),
					shape.Opt("BloomFilterColumns", shape.ListOf(nonEmptyNoSpace)),
					shape.Opt("BloomFilterFalsePositiveProbability", proportion),
					shape.Opt("DictionaryKeyThreshold", proportion),
					shape.Opt("FormatVersion", shape.Str().OneOf("V0_11", "V0_12")),
				).Named("OrcSerDe")),
			).Named("Serializer")),
		).Named("OutputFormatConfiguration")),
		shape.Opt("Enabled", boolShape),
	).Named("DataFormatConversionConfiguration")

	dynamicPartitioning = shape.Struct(
		shape.Opt("RetryOptions", retryShape("RetryOptions")),
		shape.Opt("Enabled", boolShape),
	).Named("DynamicPartitioningConfiguration")
)

// conversionIn is DataFormatConversionConfiguration, in and out: its
// members are the wire's both ways.
type conversionIn struct {
	SchemaConfiguration *struct {
		RoleARN, CatalogId, DatabaseName, TableName, Region, VersionId *string
	}
	InputFormatConfiguration *struct {
		Deserializer *struct {
			OpenXJsonSerDe *struct {
				ConvertDotsInJsonKeysToUnderscores *bool
				CaseInsensitive                    *bool
				ColumnToJsonKeyMappings            map[string]string
			}
			HiveJsonSerDe *struct {
				TimestampFormats []string
			}
		}
	}
	OutputFormatConfiguration *struct {
		Serializer *struct {
			ParquetSerDe *struct {
				BlockSizeBytes              *int64
				PageSizeBytes               *int64
				Compression                 *string
				EnableDictionaryCompression *bool
				MaxPaddingBytes             *int64
				WriterVersion               *string
			}
			OrcSerDe *orcIn
		}
	}
	Enabled *bool
}

// orcIn is OrcSerDe. The model keeps only its Compression: Sluice refuses
// ORC output (package convert says why), so the rest never matters.
type orcIn struct {
	StripeSizeBytes                     *int64
	BlockSizeBytes                      *int64
	RowIndexStride                      *int64
	EnablePadding                       *bool
	PaddingTolerance                    *float64
	Compression                         *string
	BloomFilterColumns                  []string
	BloomFilterFalsePositiveProbability *float64
	DictionaryKeyThreshold              *float64
	FormatVersion                       *string
}

// apply merges the conversion configuration given into c (nil: none yet)
// and returns it. Each of SchemaConfiguration, InputFormatConfiguration
// and OutputFormatConfiguration given replaces the one before; Enabled
// left out is true, AWS's default, even in an update.
func (in *conversionIn) apply(c *firehose.FormatConversion) (*firehose.FormatConversion, error) {
	out := firehose.FormatConversion{}
	if c != nil {
		out = *c
	}
	out.Enabled = in.Enabled == nil || *in.Enabled
	if s := in.SchemaConfiguration; s != nil {
		out.RoleARN, out.CatalogID, out.Database = deref(s.RoleARN), deref(s.CatalogId), deref(s.DatabaseName)
		out.Table, out.Region, out.VersionID = deref(s.TableName), deref(s.Region), deref(s.VersionId)
	}
	if f := in.InputFormatConfiguration; f != nil {
		out.OpenX, out.Hive = nil, nil
		if d := f.Deserializer; d != nil {
			if d.OpenXJsonSerDe != nil && d.HiveJsonSerDe != nil {
				return nil, awserr.New(awserr.InvalidArgumentException, "Deserializer: specify either OpenXJsonSerDe or HiveJsonSerDe, not both.")
			}
			if o := d.OpenXJsonSerDe; o != nil {
				out.OpenX = &firehose.OpenXSerDe{
					CaseInsensitive:                    o.CaseInsensitive,
					ColumnToJSONKeyMappings:            maps.Clone(o.ColumnToJsonKeyMappings),
					ConvertDotsInJSONKeysToUnderscores: o.ConvertDotsInJsonKeysToUnderscores,
				}
			}
			if h := d.HiveJsonSerDe; h != nil {
				out.Hive = &firehose.HiveSerDe{TimestampFormats: slices.Clone(h.TimestampFormats)}
			}
		}
	}
	if f := in.OutputFormatConfiguration; f != nil {
		out.Parquet, out.ORC = nil, nil
		if s := f.Serializer; s != nil {
			if s.ParquetSerDe != nil && s.OrcSerDe != nil {
				return nil, awserr.New(awserr.InvalidArgumentException, "Serializer: specify either ParquetSerDe or OrcSerDe, not both.")
			}
			if p := s.ParquetSerDe; p != nil {
				out.Parquet = &firehose.ParquetSerDe{
					BlockSizeBytes: derefInt(p.BlockSizeBytes), PageSizeBytes: derefInt(p.PageSizeBytes),
					MaxPaddingBytes: derefInt(p.MaxPaddingBytes), Compression: deref(p.Compression),
					EnableDictionaryCompression: p.EnableDictionaryCompression, WriterVersion: deref(p.WriterVersion),
				}
			}
			if o := s.OrcSerDe; o != nil {
				out.ORC = &firehose.ORCSerDe{Compression: deref(o.Compression)}
			}
		}
	}
	return &out, nil
}

// partitioningIn is DynamicPartitioningConfiguration.
type partitioningIn struct {
	RetryOptions *retryIn
	Enabled      *bool
}

// apply merges the members given into p (nil: none yet). RetrySeconds is
// -1 until given, for the domain to fill in its default.
func (in *partitioningIn) apply(p *firehose.Partitioning) *firehose.Partitioning {
	out := firehose.Partitioning{RetrySeconds: -1}
	if p != nil {
		out = *p
	}
	if in.Enabled != nil {
		out.Enabled = *in.Enabled
	}
	if r := in.RetryOptions; r != nil && r.DurationInSeconds != nil {
		out.RetrySeconds = *r.DurationInSeconds
	}
	return &out
}

// Descriptions.

type conversionOut struct {
	SchemaConfiguration       *schemaOut       `json:"SchemaConfiguration,omitempty"`
	InputFormatConfiguration  *inputFormatOut  `json:"InputFormatConfiguration,omitempty"`
	OutputFormatConfiguration *outputFormatOut `json:"OutputFormatConfiguration,omitempty"`
	Enabled                   bool             `json:"Enabled"`
}

type schemaOut struct {
	RoleARN      string `json:"RoleARN,omitempty"`
	CatalogId    string `json:"CatalogId,omitempty"`
	DatabaseName string `json:"DatabaseName,omitempty"`
	TableName    string `json:"TableName,omitempty"`
	Region       string `json:"Region,omitempty"`
	VersionId    string `json:"VersionId,omitempty"`
}

type inputFormatOut struct {
	Deserializer struct {
		OpenXJsonSerDe *openXOut `json:"OpenXJsonSerDe,omitempty"`
		HiveJsonSerDe  *hiveOut  `json:"HiveJsonSerDe,omitempty"`
	} `json:"Deserializer"`
}

type openXOut struct {
	ConvertDotsInJsonKeysToUnderscores *bool             `json:"ConvertDotsInJsonKeysToUnderscores,omitempty"`
	CaseInsensitive                    *bool             `json:"CaseInsensitive,omitempty"`
	ColumnToJsonKeyMappings            map[string]string `json:"ColumnToJsonKeyMappings,omitempty"`
}

type hiveOut struct {
	TimestampFormats []string `json:"TimestampFormats,omitempty"`
}

type outputFormatOut struct {
	Serializer struct {
		ParquetSerDe *parquetOut `json:"ParquetSerDe,omitempty"`
		OrcSerDe     *orcOut     `json:"OrcSerDe,omitempty"`
	} `json:"Serializer"`
}

type parquetOut struct {
	BlockSizeBytes              int64  `json:"BlockSizeBytes,omitempty"`
	PageSizeBytes               int64  `json:"PageSizeBytes,omitempty"`
	Compression                 string `json:"Compression,omitempty"`
	EnableDictionaryCompression *bool  `json:"EnableDictionaryCompression,omitempty"`
	MaxPaddingBytes             int64  `json:"MaxPaddingBytes,omitempty"`
	WriterVersion               string `json:"WriterVersion,omitempty"`
}

type orcOut struct {
	Compression string `json:"Compression,omitempty"`
}

type partitioningOut struct {
	RetryOptions *retryOut `json:"RetryOptions,omitempty"`
	Enabled      bool      `json:"Enabled"`
}

// conversionDescription describes a conversion configuration, nil for none.
func conversionDescription(c *firehose.FormatConversion) *conversionOut {
	if c == nil {
		return nil
	}
	out := &conversionOut{Enabled: c.Enabled}
	if s := (schemaOut{c.RoleARN, c.CatalogID, c.Database, c.Table, c.Region, c.VersionID}); s != (schemaOut{}) {
		out.SchemaConfiguration = &s
	}
	if c.OpenX != nil || c.Hive != nil {
		out.InputFormatConfiguration = &inputFormatOut{}
		d := &out.InputFormatConfiguration.Deserializer
		if o := c.OpenX; o != nil {
			d.OpenXJsonSerDe = &openXOut{o.ConvertDotsInJSONKeysToUnderscores, o.CaseInsensitive, o.ColumnToJSONKeyMappings}
		}
		if h := c.Hive; h != nil {
			d.HiveJsonSerDe = &hiveOut{h.TimestampFormats}
		}
	}
	if c.Parquet != nil || c.ORC != nil {
		out.OutputFormatConfiguration = &outputFormatOut{}
		s := &out.OutputFormatConfiguration.Serializer
		if p := c.Parquet; p != nil {
			s.ParquetSerDe = &parquetOut{p.BlockSizeBytes, p.PageSizeBytes, p.Compression, p.EnableDictionaryCompression, p.MaxPaddingBytes, p.WriterVersion}
		}
		if o := c.ORC; o != nil {
			s.OrcSerDe = &orcOut{o.Compression}
		}
	}
	return out
}

// partitioningDescription describes dynamic partitioning, nil for none.
func partitioningDescription(p *firehose.Partitioning) *partitioningOut {
	if p == nil {
		return nil
	}
	out := &partitioningOut{Enabled: p.Enabled}
	if p.RetrySeconds >= 0 {
		out.RetryOptions = &retryOut{DurationInSeconds: p.RetrySeconds}
	}
	return out
}

func derefInt(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}
