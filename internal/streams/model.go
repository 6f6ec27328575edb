package streams

import "time"

// Limits and defaults of Kinesis Data Streams (AWS's documented quotas).
const (
	DefaultRetentionHours = 24
	MinRetentionHours     = 24
	MaxRetentionHours     = 8760
	MaxTags               = 50
	MaxPutRecords         = 500
	MaxPutRecordsBytes    = 10 << 20
	MaxGetRecords         = 10000
	MaxGetRecordsBytes    = 10 << 20
	DefaultMaxRecordKiB   = 1024
	MinMaxRecordKiB       = 1024
	MaxMaxRecordKiB       = 10240
	OnDemandInitialShards = 4
	IteratorLifetime      = 300 * time.Second
	NextTokenLifetime     = 300 * time.Second
	MaxConsumersPerStream = 20
)

// Status is a stream's lifecycle state.
type Status string

// Stream states.
const (
	StatusCreating Status = "CREATING"
	StatusActive   Status = "ACTIVE"
	StatusUpdating Status = "UPDATING"
	StatusDeleting Status = "DELETING"
)

// Mode is a stream's capacity mode.
type Mode string

// Capacity modes.
const (
	ModeProvisioned Mode = "PROVISIONED"
	ModeOnDemand    Mode = "ON_DEMAND"
)

// Encryption types.
const (
	EncryptionNone = "NONE"
	EncryptionKMS  = "KMS"
)

// Stream is the persisted state of one data stream. It is stored as JSON in
// the metadata store; fields are only ever added (with zero values that mean
// the old behaviour), so older data directories keep loading.
type Stream struct {
	// ID is unique across the node's lifetime; a stream re-created with the
	// same name gets a new ID, so old iterators and logs cannot leak into it.
	ID      string `json:"id"`
	Account string `json:"account"`
	Region  string `json:"region"`
	Name    string `json:"name"`

	Status Status `json:"status"`
	// StatusUntil is when a transitional status (CREATING, UPDATING,
	// DELETING) ends; pending transitions resume after a restart.
	StatusUntil time.Time `json:"statusUntil,omitzero"`

	Created        time.Time `json:"created"`
	RetentionHours int64     `json:"retentionHours"`
	Mode           Mode      `json:"mode"`
	MaxRecordKiB   int64     `json:"maxRecordKiB"`

	Shards []Shard `json:"shards"`
	// NextShardIndex numbers the next shard created (resharding children
	// continue the numbering).
	NextShardIndex uint32 `json:"nextShardIndex"`

	Tags               map[string]string `json:"tags,omitempty"`
	EncryptionType     string            `json:"encryptionType,omitempty"`
	KeyID              string            `json:"keyId,omitempty"`
	EnhancedMonitoring []string          `json:"enhancedMonitoring,omitempty"`
	Policy             string            `json:"policy,omitempty"`
	WarmThroughputMiBs int64             `json:"warmThroughputMiBs,omitempty"`

	// Pending is the change an UPDATING stream applies when the update
	// delay has passed.
	Pending *Change `json:"pending,omitempty"`
	// ScaleOps are the times of recent UpdateShardCount calls and
	// ModeChanges of recent UpdateStreamMode calls (AWS limits both per
	// rolling 24 hours).
	ScaleOps    []time.Time `json:"scaleOps,omitempty"`
	ModeChanges []time.Time `json:"modeChanges,omitempty"`
	// Encryption records when encryption was switched on and off, so that
	// each record reports the EncryptionType it was written under.
	Encryption []EncryptionPeriod `json:"encryption,omitempty"`
	// Distribution is the record distribution strategy of an on-demand
	// stream ("" means USER_PARTITION_KEY).
	Distribution string `json:"distribution,omitempty"`
	// Consumers are the registered enhanced fan-out consumers.
	Consumers []Consumer `json:"consumers,omitempty"`
}

// EncryptionPeriod says which encryption applies from a time on.
type EncryptionPeriod struct {
	From int64  `json:"from"` // arrival time, Unix ms
	Type string `json:"type"`
}

// EncryptionAt returns the EncryptionType of a record that arrived at ms.
func (s *Stream) EncryptionAt(ms int64) string {
	typ := EncryptionNone
	for _, p := range s.Encryption {
		if ms >= p.From {
			typ = p.Type
		}
	}
	return typ
}

// Shard is the persisted state of one shard.
type Shard struct {
	Index uint32 `json:"index"`
	// Created is the shard's creation time in whole seconds; it is part of
	// every sequence number the shard issues.
	Created   int64     `json:"created"`
	HashRange HashRange `json:"hashRange"`

	Parent         *uint32 `json:"parent,omitempty"`
	AdjacentParent *uint32 `json:"adjacentParent,omitempty"`

	// Closed is set once the shard stops taking writes (resharding); its
	// last counter is then EndCounter.
	Closed     time.Time `json:"closed,omitzero"`
	EndCounter uint64    `json:"endCounter,omitempty"`
}

// Open reports whether the shard still takes writes.
func (s *Shard) Open() bool { return s.Closed.IsZero() }

// ID is the shard's AWS identifier.
func (s *Shard) ID() string { return ShardID(s.Index) }

// StartingSeq is the first sequence number of the shard's range.
func (s *Shard) StartingSeq() SeqNum {
	return SeqNum{ShardCreated: s.Created, ShardIndex: s.Index, Counter: 0, Arrival: s.Created}
}

// EndingSeq is the last sequence number of a closed shard's range.
func (s *Shard) EndingSeq() SeqNum {
	return SeqNum{ShardCreated: s.Created, ShardIndex: s.Index, Counter: MaxCounter, Arrival: s.Closed.Unix()}
}

// ARN returns the stream's ARN.
func (s *Stream) ARN() string {
	return StreamARN(s.Region, s.Account, s.Name)
}

// StreamARN formats a stream ARN.
func StreamARN(region, account, name string) string {
	return "arn:aws:kinesis:" + region + ":" + account + ":stream/" + name
}

// OpenShards returns the open shards, in index order.
func (s *Stream) OpenShards() []*Shard {
	out := make([]*Shard, 0, len(s.Shards))
	for i := range s.Shards {
		if s.Shards[i].Open() {
			out = append(out, &s.Shards[i])
		}
	}
	return out
}

// Shard returns the shard with the index, or nil.
func (s *Stream) Shard(index uint32) *Shard {
	// Shards are kept in index order, which lets the lookup be a search.
	lo, hi := 0, len(s.Shards)
	for lo < hi {
		mid := (lo + hi) / 2
		if s.Shards[mid].Index < index {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo < len(s.Shards) && s.Shards[lo].Index == index {
		return &s.Shards[lo]
	}
	return nil
}

// clone returns a deep copy, so that a mutation can be prepared and
// persisted before it becomes visible.
func (s *Stream) clone() *Stream {
	c := *s
	c.Shards = append([]Shard(nil), s.Shards...)
	if s.Tags != nil {
		c.Tags = make(map[string]string, len(s.Tags))
		for k, v := range s.Tags {
			c.Tags[k] = v
		}
	}
	c.EnhancedMonitoring = append([]string(nil), s.EnhancedMonitoring...)
	c.ScaleOps = append([]time.Time(nil), s.ScaleOps...)
	c.ModeChanges = append([]time.Time(nil), s.ModeChanges...)
	c.Encryption = append([]EncryptionPeriod(nil), s.Encryption...)
	c.Consumers = append([]Consumer(nil), s.Consumers...)
	if s.Pending != nil {
		p := *s.Pending
		c.Pending = &p
	}
	return &c
}
