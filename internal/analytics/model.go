package analytics

import (
	"fmt"
	"strings"
	"time"
)

// Status is an application's state, spelt as the API spells it.
type Status string

// The states of an application. READY and RUNNING are stable; the others
// last while a transition runs.
const (
	StatusReady    Status = "READY"
	StatusStarting Status = "STARTING"
	StatusRunning  Status = "RUNNING"
	StatusUpdating Status = "UPDATING"
	StatusStopping Status = "STOPPING"
	StatusDeleting Status = "DELETING"
)

// StartingPosition is where an input starts reading when its application
// starts (InputStartingPositionConfiguration).
type StartingPosition string

// The starting positions.
const (
	PositionNow         StartingPosition = "NOW"
	PositionTrimHorizon StartingPosition = "TRIM_HORIZON"
	// PositionLastStopped resumes where the application last stopped
	// reading the input (its committed position).
	PositionLastStopped StartingPosition = "LAST_STOPPED_POINT"
)

// Record formats and the kinds of sources and destinations.
const (
	FormatJSON = "JSON"
	FormatCSV  = "CSV"

	KindKinesisStreams  = "KinesisStreams"
	KindKinesisFirehose = "KinesisFirehose"
	KindLambda          = "Lambda"

	// RuntimeSQL is the one runtime Sluice runs (v2's RuntimeEnvironment).
	RuntimeSQL = "SQL-1_0"
	// Encoding is the one record encoding (SourceSchema.RecordEncoding).
	Encoding = "UTF-8"
)

// AWS's limits.
const (
	MaxCodeBytes    = 102400 // ApplicationCode and TextContent, in characters
	MaxInputs       = 1
	MaxOutputs      = 3
	MaxReferences   = 1
	MaxParallelism  = 64
	MaxTags         = 50
	MaxApplications = 50 // per account and region
	MaxVersionID    = 999999999
)

// Application is an application's persisted state: its configuration at
// the current version, its state and its tags.
type Application struct {
	// ID tells this application from an earlier one of the same name; its
	// versions are kept under it.
	ID          string `json:"id"`
	Name        string `json:"name"`
	Account     string `json:"account"`
	Region      string `json:"region"`
	Description string `json:"description,omitempty"`
	Code        string `json:"code,omitempty"`
	Status      Status `json:"status"`
	// Version is ApplicationVersionId: 1 at creation, one more at every
	// configuration change (tags, starts and stops do not change it).
	Version int64     `json:"version"`
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
	// V2 marks an application created or changed through the v2 API,
	// which the v1 API may read but no longer change (as AWS).
	V2 bool `json:"v2,omitempty"`
	// ServiceRole is v2's ServiceExecutionRole.
	ServiceRole string `json:"serviceRole,omitempty"`
	// Mode is v2's ApplicationMode as given (STREAMING), or "".
	Mode string `json:"mode,omitempty"`

	Inputs     []Input         `json:"inputs,omitempty"`
	Outputs    []Output        `json:"outputs,omitempty"`
	References []Reference     `json:"references,omitempty"`
	Logging    []LoggingOption `json:"logging,omitempty"`
	Tags       []Tag           `json:"tags,omitempty"` // sorted by key
}

// Resource is a stream, delivery stream, function, log stream or bucket,
// with the role AWS would assume to reach it.
type Resource struct {
	ARN     string `json:"arn"`
	RoleARN string `json:"roleArn,omitempty"`
}

// Input is the streaming source.
type Input struct {
	ID         string `json:"id"`
	NamePrefix string `json:"namePrefix"`
	// Parallelism is InputParallelism.Count: the in-application streams
	// the source is spread over.
	Parallelism int      `json:"parallelism"`
	Kind        string   `json:"kind"` // KindKinesisStreams or KindKinesisFirehose
	Source      Resource `json:"source"`
	Schema      Schema   `json:"schema"`
	// Processing is the Lambda preprocessor, or nil.
	Processing *Resource `json:"processing,omitempty"`
	// Position is the starting position of the last StartApplication, ""
	// before the first.
	Position StartingPosition `json:"position,omitempty"`
	// Ran is set once the application has run with this source, so that a
	// last stopped point exists; changing the source clears it.
	Ran bool `json:"ran,omitempty"`
}

// StreamNames are the in-application streams the input feeds:
// <prefix>_001 … <prefix>_<parallelism>.
func (in *Input) StreamNames() []string {
	out := make([]string, max(in.Parallelism, 1))
	for i := range out {
		out[i] = fmt.Sprintf("%s_%03d", in.NamePrefix, i+1)
	}
	return out
}

// Schema is a SourceSchema: how records map to the columns of an
// in-application stream or reference table.
type Schema struct {
	Format   RecordFormat `json:"format"`
	Encoding string       `json:"encoding,omitempty"` // "" when not given
	Columns  []Column     `json:"columns"`
}

// RecordFormat is the record format and its mapping parameters, kept as
// given: JSON is nil or CSV is nil when the request left them out.
type RecordFormat struct {
	Type string       `json:"type"` // FormatJSON or FormatCSV
	JSON *JSONMapping `json:"json,omitempty"`
	CSV  *CSVMapping  `json:"csv,omitempty"`
}

// JSONMapping is JSONMappingParameters.
type JSONMapping struct {
	RowPath string `json:"rowPath"`
}

// CSVMapping is CSVMappingParameters.
type CSVMapping struct {
	RowDelimiter    string `json:"rowDelimiter"`
	ColumnDelimiter string `json:"columnDelimiter"`
}

// Column is a RecordColumn.
type Column struct {
	Name    string `json:"name"`
	SQLType string `json:"sqlType"`
	// Mapping is the JSONPath of a JSON column; nil when not given.
	Mapping *string `json:"mapping,omitempty"`
}

// Output sends an in-application stream to a destination.
type Output struct {
	ID   string `json:"id"`
	Name string `json:"name"` // the in-application stream
	Kind string `json:"kind"` // KindKinesisStreams, KindKinesisFirehose or KindLambda
	// Destination is the stream, delivery stream or function.
	Destination Resource `json:"destination"`
	Format      string   `json:"format"` // DestinationSchema.RecordFormatType
}

// Reference is an S3 object loaded into an in-application table.
type Reference struct {
	ID        string   `json:"id"`
	TableName string   `json:"tableName"`
	Bucket    Resource `json:"bucket"` // BucketARN and ReferenceRoleARN
	FileKey   string   `json:"fileKey"`
	Schema    Schema   `json:"schema"`
}

// BucketName is the bucket of arn:aws:s3:::name.
func BucketName(arn string) string {
	if i := strings.LastIndex(arn, ":"); i >= 0 {
		return arn[i+1:]
	}
	return arn
}

// LoggingOption is a CloudWatch log stream for the application's messages
// (kept and described).
type LoggingOption struct {
	ID        string `json:"id"`
	LogStream string `json:"logStream"`
	RoleARN   string `json:"roleArn,omitempty"`
}

// Tag is one tag.
type Tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// ARN returns an application's ARN.
func ARN(region, account, name string) string {
	return "arn:aws:kinesisanalytics:" + region + ":" + account + ":application/" + name
}

// ARN is the application's ARN.
func (a *Application) ARN() string { return ARN(a.Region, a.Account, a.Name) }

// Input returns the input with the ID, or nil.
func (a *Application) Input(id string) *Input {
	for i := range a.Inputs {
		if a.Inputs[i].ID == id {
			return &a.Inputs[i]
		}
	}
	return nil
}

// clone returns a deep copy, for changes that may fail half-way.
func (a *Application) clone() *Application {
	c := *a
	c.Inputs = make([]Input, len(a.Inputs))
	for i, in := range a.Inputs {
		in.Schema = in.Schema.clone()
		if in.Processing != nil {
			p := *in.Processing
			in.Processing = &p
		}
		c.Inputs[i] = in
	}
	c.Outputs = append([]Output(nil), a.Outputs...)
	c.References = make([]Reference, len(a.References))
	for i, r := range a.References {
		r.Schema = r.Schema.clone()
		c.References[i] = r
	}
	c.Logging = append([]LoggingOption(nil), a.Logging...)
	c.Tags = append([]Tag(nil), a.Tags...)
	return &c
}

func (s Schema) clone() Schema {
	s.Columns = append([]Column(nil), s.Columns...)
	if s.Format.JSON != nil {
		j := *s.Format.JSON
		s.Format.JSON = &j
	}
	if s.Format.CSV != nil {
		c := *s.Format.CSV
		s.Format.CSV = &c
	}
	return s
}

// Caller is who makes a request.
type Caller struct {
	Account string
	Region  string
}
