package firehose

// Destination kinds: which destination configuration a delivery stream
// was created with. DeliveryStream.Kind is "" for streams persisted before
// the field existed, which are S3 streams.
const (
	KindS3                   = "S3" // S3DestinationConfiguration or ExtendedS3DestinationConfiguration
	KindHTTPEndpoint         = "HttpEndpoint"
	KindOpenSearch           = "AmazonopensearchserviceDestinationConfiguration"
	KindElasticsearch        = "ElasticsearchDestinationConfiguration"
	KindOpenSearchServerless = "AmazonOpenSearchServerlessDestinationConfiguration"
	KindSplunk               = "Splunk"
	KindRedshift             = "Redshift"
	KindSnowflake            = "Snowflake"
	KindIceberg              = "Iceberg"
)

// Destinations is the destination part of a delivery stream: its kind and
// that kind's configuration. For every kind but S3, S3 holds the
// destination's S3Configuration (where failed or all data is backed up,
// and where Redshift, Snowflake and Iceberg stage their files); Extended
// is false there.
type Destinations struct {
	Kind      string
	S3        S3Destination
	HTTP      *HTTPDestination      `json:",omitempty"`
	Search    *SearchDestination    `json:",omitempty"` // OpenSearch, Elasticsearch, OpenSearch Serverless
	Splunk    *SplunkDestination    `json:",omitempty"`
	Redshift  *RedshiftDestination  `json:",omitempty"`
	Snowflake *SnowflakeDestination `json:",omitempty"`
	Iceberg   *IcebergDestination   `json:",omitempty"`
}

// kind is Kind with the default for streams persisted before it existed.
func (d *Destinations) kind() string {
	if d.Kind == "" {
		return KindS3
	}
	return d.Kind
}

// DestinationKind is the kind of the destination, for metrics and the
// console: S3, HttpEndpoint, Splunk, Redshift, Snowflake, Iceberg, or
// the OpenSearch configuration's name.
func (d *Destinations) DestinationKind() string { return d.kind() }

// Common holds the settings every non-S3 destination has.
type Common struct {
	RoleARN           string
	SizeInMBs         int64
	IntervalInSeconds int64 // -1 before defaults are filled
	// RetrySeconds is RetryOptions.DurationInSeconds; -1 before defaults.
	RetrySeconds int64
	// S3BackupMode is the destination's own enumeration: FailedDataOnly |
	// AllData (HTTP, Snowflake, Iceberg), FailedDocumentsOnly |
	// AllDocuments (OpenSearch), FailedEventsOnly | AllEvents (Splunk),
	// Disabled | Enabled (Redshift).
	S3BackupMode string
	Processing   Processing
	Logging      Logging
}

// AllData reports whether the backup mode backs up every record, not only
// the failed ones.
func (c Common) AllData() bool {
	switch c.S3BackupMode {
	case "AllData", "AllDocuments", "AllEvents", "Enabled":
		return true
	}
	return false
}

// Attribute is a name and value (HTTP endpoint common attributes).
type Attribute struct {
	Name, Value string
}

// HTTPDestination is HttpEndpointDestinationConfiguration.
type HTTPDestination struct {
	Common
	URL              string
	Name             string
	AccessKey        string // never described
	ContentEncoding  string // NONE or GZIP
	CommonAttributes []Attribute
}

// SearchDestination is an OpenSearch Service, Elasticsearch or OpenSearch
// Serverless destination; Kind (of the delivery stream) says which.
type SearchDestination struct {
	Common
	DomainARN          string
	ClusterEndpoint    string
	CollectionEndpoint string // Serverless
	IndexName          string
	TypeName           string
	IndexRotation      string // NoRotation | OneHour | OneDay | OneWeek | OneMonth
	DocumentIDFormat   string // FIREHOSE_DEFAULT | NO_DOCUMENT_ID
}

// SplunkDestination is SplunkDestinationConfiguration.
type SplunkDestination struct {
	Common
	HECEndpoint       string
	HECEndpointType   string // Raw | Event
	HECToken          string // never described
	AckTimeoutSeconds int64
}

// RedshiftDestination is RedshiftDestinationConfiguration, delivered into
// PostgreSQL.
type RedshiftDestination struct {
	Common
	JDBCURL     string
	Username    string
	Password    string // never described
	Table       string
	Columns     string
	CopyOptions string
	// Backup is S3BackupConfiguration (S3BackupMode Enabled).
	Backup *S3Backup `json:",omitempty"`
}

// SnowflakeDestination is SnowflakeDestinationConfiguration: described as
// given, delivered as staged files in its S3 configuration's bucket.
type SnowflakeDestination struct {
	Common
	AccountURL         string
	Database           string
	Schema             string
	Table              string
	User               string
	PrivateKey         string // never described
	KeyPassphrase      string // never described
	DataLoadingOption  string // JSON_MAPPING | VARIANT_CONTENT_MAPPING | VARIANT_CONTENT_AND_METADATA_MAPPING
	MetaDataColumnName string
	ContentColumnName  string
	RoleEnabled        bool
	Role               string
}

// IcebergDestination is IcebergDestinationConfiguration: described as
// given, delivered as staged files in its S3 configuration's bucket.
type IcebergDestination struct {
	Common
	CatalogARN        string
	WarehouseLocation string
	AppendOnly        bool
	Tables            []IcebergTable
}

// IcebergTable is one DestinationTableConfiguration.
type IcebergTable struct {
	Database            string
	Table               string
	S3ErrorOutputPrefix string
	UniqueKeys          []string
}

// FormatConversion is DataFormatConversionConfiguration (Extended S3 only).
type FormatConversion struct {
	Enabled bool
	// SchemaConfiguration: the table comes from the server's Glue table
	// file (there is no Glue here).
	CatalogID, Database, Table, Region, RoleARN, VersionID string
	// Deserializer: at most one of OpenX and Hive; neither is OpenX with
	// its defaults.
	OpenX *OpenXSerDe `json:",omitempty"`
	Hive  *HiveSerDe  `json:",omitempty"`
	// Serializer: one of Parquet and ORC.
	Parquet *ParquetSerDe `json:",omitempty"`
	ORC     *ORCSerDe     `json:",omitempty"`
}

// OpenXSerDe is the OpenX JSON SerDe's options.
type OpenXSerDe struct {
	CaseInsensitive                    *bool `json:",omitempty"`
	ColumnToJSONKeyMappings            map[string]string
	ConvertDotsInJSONKeysToUnderscores *bool `json:",omitempty"`
}

// HiveSerDe is the Hive JSON SerDe's options.
type HiveSerDe struct {
	TimestampFormats []string
}

// ParquetSerDe is ParquetSerDe's options, as given (zero: AWS's default).
type ParquetSerDe struct {
	BlockSizeBytes              int64
	PageSizeBytes               int64
	MaxPaddingBytes             int64
	Compression                 string
	EnableDictionaryCompression *bool `json:",omitempty"`
	WriterVersion               string
}

// ORCSerDe is OrcSerDe; Sluice refuses it (see package convert).
type ORCSerDe struct {
	Compression string
}

// Partitioning is DynamicPartitioningConfiguration (Extended S3 only).
type Partitioning struct {
	Enabled bool
	// RetrySeconds is RetryOptions.DurationInSeconds (default 300).
	RetrySeconds int64
}
