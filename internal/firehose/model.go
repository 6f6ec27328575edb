package firehose

import (
	"strings"
	"time"
)

// Delivery stream types, statuses and settings, spelt as the API spells them.
const (
	TypeDirectPut     = "DirectPut"
	TypeKinesisSource = "KinesisStreamAsSource"

	StatusCreating = "CREATING"
	StatusActive   = "ACTIVE"
	StatusDeleting = "DELETING"

	Uncompressed = "UNCOMPRESSED"
	GZIP         = "GZIP"
	ZIP          = "ZIP"
	Snappy       = "Snappy"
	HadoopSnappy = "HADOOP_SNAPPY"
	// ZSTD is not a Firehose CompressionFormat (the API refuses it): Data
	// Streams channels, which deliver on this engine, write it.
	ZSTD = "ZSTD"

	// DestinationID is the one destination's ID (AWS numbers them).
	DestinationID = "destinationId-000000000001"
)

// AWS's defaults and limits.
const (
	DefaultSizeInMBs         = 5
	DefaultIntervalInSeconds = 300
	MaxRecordBytes           = 1000 << 10
	MaxBatchRecords          = 500
	MaxBatchBytes            = 4 << 20
	MaxTags                  = 50
)

// DeliveryStream is a delivery stream's persisted state.
type DeliveryStream struct {
	ID      string
	Name    string
	Account string
	Region  string
	Type    string
	Status  string
	// Version is VersionId: 1 at creation, one more at every UpdateDestination.
	Version int64
	Created time.Time
	Updated time.Time
	Tags    []Tag // sorted by key

	Encryption Encryption
	Source     *KinesisSource // KinesisStreamAsSource only
	Destinations
	// Owner is CreateParams.Owner.
	Owner string `json:",omitempty"`
}

// Tag is one tag.
type Tag struct {
	Key   string
	Value string
}

// Encryption is server-side encryption of the delivery stream's records at
// rest in its log (sse.go): DeliveryStreamEncryptionConfiguration, and the
// master key the records are sealed with now.
type Encryption struct {
	Status  string // EncryptionEnabling, ...
	KeyType string // AWS_OWNED_CMK or CUSTOMER_MANAGED_CMK (the last one asked for)
	KeyARN  string // CUSTOMER_MANAGED_CMK's
	// Failure is FailureDescription: why the last attempt failed
	// (ENABLING_FAILED), nil otherwise.
	Failure *Failure `json:",omitempty"`
	// Key is the master key records are sealed with as they are written
	// ("" while they are stored as they are): the key asked for once
	// ENABLED, the previous one while a change of key is ENABLING or has
	// failed, and the key still while DISABLING, as AWS seals until
	// DISABLED.
	Key string `json:",omitempty"`
}

// Encrypts reports whether records written under e are sealed.
func (e Encryption) Encrypts() bool { return e.Key != "" }

// Failure is a FailureDescription: AWS's Type and the details.
type Failure struct {
	Type    string
	Details string
}

// Encryption statuses and key types, spelt as the API spells them.
const (
	EncryptionEnabling       = "ENABLING"
	EncryptionEnabled        = "ENABLED"
	EncryptionEnablingFailed = "ENABLING_FAILED"
	EncryptionDisabling      = "DISABLING"
	EncryptionDisabled       = "DISABLED"

	KeyAWSOwned        = "AWS_OWNED_CMK"
	KeyCustomerManaged = "CUSTOMER_MANAGED_CMK"
)

// KinesisSource is the data stream a delivery stream reads.
type KinesisSource struct {
	StreamARN string
	RoleARN   string
	Started   time.Time
}

// S3Destination is an S3 or Extended S3 destination's configuration.
type S3Destination struct {
	Extended          bool // configured as ExtendedS3DestinationConfiguration
	RoleARN           string
	BucketARN         string
	Prefix            string
	ErrorOutputPrefix string
	SizeInMBs         int64
	IntervalInSeconds int64
	Compression       string
	FileExtension     string
	CustomTimeZone    string
	S3BackupMode      string // Disabled or Enabled (Extended only)
	KMSKeyARN         string // empty: NoEncryption
	Logging           Logging
	// Processing is data transformation (Extended only).
	Processing Processing
	// Backup receives the untransformed records when S3BackupMode is
	// Enabled (source record backup).
	Backup *S3Backup
	// Conversion is record format conversion (Extended only).
	Conversion *FormatConversion `json:",omitempty"`
	// Partitioning is dynamic partitioning (Extended only).
	Partitioning *Partitioning `json:",omitempty"`
}

// S3Backup is S3BackupConfiguration: where source records are backed up.
type S3Backup struct {
	RoleARN     string
	BucketARN   string
	Prefix      string
	Compression string
}

// Logging is CloudWatchLoggingOptions, kept and reported.
type Logging struct {
	Enabled       bool
	LogGroupName  string
	LogStreamName string
}

// Bucket is the bucket name of BucketARN (arn:aws:s3:::name).
func (d S3Destination) Bucket() string {
	if i := strings.LastIndex(d.BucketARN, ":"); i >= 0 {
		return d.BucketARN[i+1:]
	}
	return d.BucketARN
}

// ARN returns a delivery stream's ARN.
func ARN(region, account, name string) string {
	return "arn:aws:firehose:" + region + ":" + account + ":deliverystream/" + name
}

// ARN is the delivery stream's ARN.
func (ds *DeliveryStream) ARN() string { return ARN(ds.Region, ds.Account, ds.Name) }

// Caller is who makes a request.
type Caller struct {
	Account string
	Region  string
}
