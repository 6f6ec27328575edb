package video

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"maps"
	"strconv"
	"time"
)

// Caller is who acts: the account and region of the request.
type Caller struct {
	Account string
	Region  string
}

// Statuses of streams and channels, spelt as the API spells them.
const (
	StatusCreating = "CREATING"
	StatusActive   = "ACTIVE"
	StatusUpdating = "UPDATING"
	StatusDeleting = "DELETING"
)

// AWS's values and limits.
const (
	MaxRetentionHours    = 87600
	MaxTags              = 50
	DefaultStreamLimit   = 10000
	DefaultChannelLimit  = 10000
	DefaultMessageTTL    = 60
	ChannelSingleMaster  = "SINGLE_MASTER"
	StorageTierHot       = "HOT"
	ConfigurationEnabled = "ENABLED"
	// MappedResourceType is the Type DescribeMappedResourceConfiguration
	// gives a signaling channel mapped to the stream (AWS documents no
	// value).
	MappedResourceType = "KinesisVideoSignalingChannel"
	// SyncInSync is the SyncStatus of a stored edge configuration.
	SyncInSync = "IN_SYNC"
)

// LogPrefix starts the RecordStore IDs of video stream logs, so that the
// other services leave them alone.
const LogPrefix = "video-"

// Stream is a video stream's persisted state.
type Stream struct {
	ID             string
	Name           string
	Account        string
	Region         string
	Created        time.Time
	DeviceName     string `json:",omitempty"`
	MediaType      string `json:",omitempty"`
	KmsKeyID       string
	RetentionHours int64
	Version        string
	Status         string
	StorageTier    string
	Tags           map[string]string `json:",omitempty"`

	ImageGeneration *ImageGeneration `json:",omitempty"`
	Notification    *Notification    `json:",omitempty"`
	Edge            *Edge            `json:",omitempty"`

	// Remote is set, in memory only, on a stream another node owns
	// (placement.go): its metadata is followed here and its fragment log
	// is the owner's, which the data plane must not open.
	Remote bool `json:"-"`
}

// ARN is the stream's ARN.
func (s *Stream) ARN() string {
	return arn(s.Region, s.Account, "stream", s.Name, s.Created)
}

// LogID is the RecordStore ID of the stream's fragment log.
func (s *Stream) LogID() string { return LogPrefix + s.ID }

func (s *Stream) clone() *Stream {
	c := *s
	c.Tags = maps.Clone(s.Tags)
	if s.ImageGeneration != nil {
		ig := *s.ImageGeneration
		ig.FormatConfig = maps.Clone(ig.FormatConfig)
		c.ImageGeneration = &ig
	}
	if s.Notification != nil {
		n := *s.Notification
		c.Notification = &n
	}
	if s.Edge != nil {
		e := *s.Edge
		c.Edge = &e
	}
	return &c
}

// ImageGeneration is a stream's ImageGenerationConfiguration.
type ImageGeneration struct {
	Status            string
	ImageSelectorType string
	DestinationURI    string
	DestinationRegion string
	SamplingInterval  int64
	Format            string
	FormatConfig      map[string]string `json:",omitempty"`
	WidthPixels       int64             `json:",omitempty"`
	HeightPixels      int64             `json:",omitempty"`
}

// Notification is a stream's NotificationConfiguration.
type Notification struct {
	Status         string
	DestinationURI string
}

// Edge is a stream's edge configuration: the EdgeConfig as given (its
// wire JSON, which the control plane stores and describes without acting
// on it) and its hub device, for ListEdgeAgentConfigurations.
type Edge struct {
	HubDeviceArn string
	Config       json.RawMessage
	SyncStatus   string
	Created      time.Time
	Updated      time.Time
}

// Channel is a signaling channel's persisted state.
type Channel struct {
	ID         string
	Name       string
	Account    string
	Region     string
	Created    time.Time
	Type       string
	MessageTTL int64
	Version    string
	Status     string
	Tags       map[string]string `json:",omitempty"`
	// MediaStorage: ENABLED with the stream it records to, or DISABLED.
	MediaStorageStatus string
	MediaStorageStream string `json:",omitempty"`
}

// ARN is the channel's ARN.
func (c *Channel) ARN() string {
	return arn(c.Region, c.Account, "channel", c.Name, c.Created)
}

func (c *Channel) clone() *Channel {
	d := *c
	d.Tags = maps.Clone(c.Tags)
	return &d
}

// Partition returns the ARN partition of a region.
func Partition(region string) string {
	switch {
	case len(region) >= 3 && region[:3] == "cn-":
		return "aws-cn"
	case len(region) >= 7 && region[:7] == "us-gov-":
		return "aws-us-gov"
	}
	return "aws"
}

func arn(region, account, kind, name string, created time.Time) string {
	return "arn:" + Partition(region) + ":kinesisvideo:" + region + ":" + account + ":" + kind + "/" + name + "/" +
		strconv.FormatInt(created.UnixMilli(), 10)
}

// DefaultKmsKeyID is the key AWS describes for a stream created without
// KmsKeyId: the account's Kinesis Video Streams managed key.
func DefaultKmsKeyID(c Caller) string {
	return "arn:" + Partition(c.Region) + ":kms:" + c.Region + ":" + c.Account + ":alias/aws/kinesisvideo"
}

const versionAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// newVersion returns a fresh Version: 20 random letters and digits.
func newVersion() string {
	var b [20]byte
	rand.Read(b[:])
	for i := range b {
		b[i] = versionAlphabet[int(b[i])%len(versionAlphabet)]
	}
	return string(b[:])
}

func newID() string {
	var b [12]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
