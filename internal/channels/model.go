package channels

import (
	"strconv"
	"strings"
	"time"
)

// Channel statuses, destination types, record formats and compression
// types, spelt as the API spells them.
const (
	StatusCreating = "CREATING"
	StatusActive   = "ACTIVE"
	StatusUpdating = "UPDATING"
	StatusDeleting = "DELETING"
	StatusFailed   = "FAILED"

	DestinationS3       = "S3"
	DestinationS3Tables = "S3_TABLES"

	FormatJSON      = "JSON"
	FormatString    = "STRING"
	FormatByteArray = "BYTE_ARRAY"
	FormatGSRJSON   = "GSR_JSON"

	CompressionNone = "NONE"
	CompressionGZIP = "GZIP"
	CompressionZSTD = "ZSTD"

	StorageClassStandard = "STANDARD"
	EncryptionKMS        = "KMS"
)

// AWS's defaults and limits ("Delivery quotas and limits", "Data delivery
// concepts").
const (
	DefaultFreshnessSeconds = 300
	MinFreshnessSeconds     = 300
	MaxFreshnessSeconds     = 900
	// MaxListResults is the most ListChannels returns in one page.
	MaxListResults = 100
	// StreamsPerChannel: each delivery reads exactly one stream.
	StreamsPerChannel = 1
	// S3ChannelsPerStream: a stream has at most one delivery to a general
	// purpose bucket (and one to streaming tables, which Sluice refuses).
	S3ChannelsPerStream = 1
	// DefaultLogStream is the log stream of a channel's delivery logs.
	DefaultLogStream = "DestinationDelivery"
	// deliverySize is the size hint of the delivery streams: AWS batches
	// into "optimally sized objects" bounded by the data freshness only,
	// so the engine's largest buffer (128 MiB) is used.
	deliverySize = 128
	// tokenLifetime is how long a ListChannels NextToken is good for.
	tokenLifetime = 300 * time.Second
)

// Channel is a channel's persisted state.
type Channel struct {
	ID      string
	Name    string
	Account string
	Region  string
	Status  string
	// StatusReason explains a FAILED status.
	StatusReason string `json:",omitempty"`
	// StatusUntil is when a CREATING, UPDATING or DELETING status ends.
	StatusUntil time.Time `json:",omitzero"`
	Created     time.Time
	RoleARN     string
	Streams     []StreamConfig
	S3          S3Config
	Encryption  *Encryption `json:",omitempty"`
	Logging     Logging
	Tags        map[string]string `json:",omitempty"`
}

// StreamConfig is one source stream with its record format.
type StreamConfig struct {
	ARN          string
	Name         string
	Created      time.Time
	Format       string
	GSRSchemaARN string `json:",omitempty"`
}

// S3Config is a general purpose bucket destination.
type S3Config struct {
	BucketARN           string
	ExpectedBucketOwner string
	Compression         string
	// OutputKeyTemplate is the template as given, "" for the default.
	OutputKeyTemplate string `json:",omitempty"`
	// StorageClass is as given, "" when not given (STANDARD).
	StorageClass     string `json:",omitempty"`
	FreshnessSeconds int64
	// DeadLetter is the dead-letter queue: as given, or the destination
	// bucket with the default error prefix.
	DeadLetter DeadLetter
}

// DeadLetter is DeadLetterQueueS3Configuration.
type DeadLetter struct {
	BucketARN           string
	ExpectedBucketOwner string
	ErrorOutputPrefix   string `json:",omitempty"`
}

// Encryption is ChannelEncryptionConfiguration.
type Encryption struct {
	Type  string
	KeyID string
}

// Logging is the CloudWatch Logs configuration.
type Logging struct {
	Enabled       bool
	LogGroupName  string `json:",omitempty"`
	LogStreamName string `json:",omitempty"`
}

// Caller is who makes a request.
type Caller struct {
	Account string
	Region  string
}

// ARN is the channel's ARN.
func (ch *Channel) ARN() string { return ARN(ch.Region, ch.Account, ch.Name) }

// ARN returns a channel's ARN: arn:aws:kinesis:<region>:<account>:channel/<name>.
func ARN(region, account, name string) string {
	return "arn:aws:kinesis:" + region + ":" + account + ":channel/" + name
}

// ParseARN splits a channel ARN.
func ParseARN(arn string) (region, account, name string, ok bool) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || !strings.HasPrefix(parts[1], "aws") || parts[2] != "kinesis" {
		return "", "", "", false
	}
	name, ok = strings.CutPrefix(parts[5], "channel/")
	if !ok || name == "" || strings.Contains(name, "/") {
		return "", "", "", false
	}
	return parts[3], parts[4], name, true
}

// DestinationType is the channel's ChannelDestinationType.
func (ch *Channel) DestinationType() string { return DestinationS3 }

// DeliveryStreamName names the delivery stream (package firehose) that
// delivers the channel's n-th source stream. The ':' keeps it apart from
// every delivery stream an API call can name.
func DeliveryStreamName(channelID string, n int) string {
	return "channel:" + channelID + ":" + strconv.Itoa(n)
}

// Owner is the Owner of the channel's delivery streams.
func Owner(channelID string) string { return "channel/" + channelID }

// defaultErrorPrefix is the error prefix of the dead-letter queue when
// none is given. AWS documents only that it is the destination bucket
// "with an error prefix"; Sluice lays it out as the default key template
// lays out the objects.
func defaultErrorPrefix(name, id string) string {
	return "kinesis-channel-errors/" + name + "/" + id + "/"
}

// defaultLogGroup is the log group of a channel's delivery logs when none
// is given.
func defaultLogGroup(name, id string) string {
	return "/aws/kinesis/" + name + "/" + id
}

func (ch *Channel) clone() *Channel {
	c := *ch
	c.Streams = append([]StreamConfig(nil), ch.Streams...)
	if ch.Encryption != nil {
		e := *ch.Encryption
		c.Encryption = &e
	}
	if ch.Tags != nil {
		c.Tags = make(map[string]string, len(ch.Tags))
		for k, v := range ch.Tags {
			c.Tags[k] = v
		}
	}
	return &c
}
