package opensearch

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// Index rotation periods (IndexRotationPeriod).
const (
	NoRotation = "NoRotation"
	OneHour    = "OneHour"
	OneDay     = "OneDay"
	OneWeek    = "OneWeek"
	OneMonth   = "OneMonth"
)

// Document ID formats (DocumentIdOptions.DefaultDocumentIdFormat).
const (
	FirehoseDefaultID = "FIREHOSE_DEFAULT"
	NoDocumentID      = "NO_DOCUMENT_ID"
)

// Bounds of the configuration (API reference).
const (
	MaxEndpointLength  = 512                // ClusterEndpoint, CollectionEndpoint
	MaxIndexNameLength = 80                 // IndexName
	MaxTypeNameLength  = 100                // TypeName
	MaxRetryDuration   = 7200 * time.Second // RetryOptions.DurationInSeconds
	// DefaultRetryDuration is AWS's RetryOptions default (300 s); the caller
	// applies it, since a zero RetryDuration means "do not retry".
	DefaultRetryDuration = 300 * time.Second
)

// Config is one OpenSearch Service, Elasticsearch or OpenSearch Serverless
// destination as the client needs it.
type Config struct {
	// Endpoint is ClusterEndpoint or CollectionEndpoint: the base URL the
	// _bulk path is appended to. Resolving a DomainARN is the caller's.
	Endpoint string
	// Index is IndexName.
	Index string
	// TypeName is sent as _type in every action line when not empty
	// (Elasticsearch before 7; AWS says to leave it empty from 7 on).
	TypeName string
	// Rotation is IndexRotationPeriod; "" is AWS's default, OneDay. Ignored
	// (no rotation) for Serverless.
	Rotation string
	// DocumentIDs is DocumentIdOptions.DefaultDocumentIdFormat; "" is AWS's
	// default, FIREHOSE_DEFAULT. Ignored (no IDs) for Serverless.
	DocumentIDs string
	// Serverless is an OpenSearch Serverless collection: its destination
	// has no IndexRotationPeriod, TypeName or DocumentIdOptions, so no
	// rotation, no _type and no _id are ever sent.
	Serverless bool
	// RetryDuration is RetryOptions.DurationInSeconds; 0: one attempt.
	RetryDuration time.Duration
	// Username and Password, when Username is set, are sent as HTTP basic
	// authentication. Sluice-specific: AWS signs with the delivery stream's
	// IAM role instead; this is for self-hosted clusters with the security
	// plugin.
	Username, Password string
}

// Defaults returns c with AWS's defaults in its empty fields: OneDay
// rotation and FIREHOSE_DEFAULT document IDs (NoRotation and
// NO_DOCUMENT_ID for Serverless). RetryDuration is left alone: zero is a
// valid setting there.
func (c Config) Defaults() Config {
	c.Rotation, c.DocumentIDs = c.rotation(), c.documentIDs()
	return c
}

func (c Config) rotation() string {
	switch {
	case c.Serverless:
		return NoRotation
	case c.Rotation == "":
		return OneDay
	}
	return c.Rotation
}

func (c Config) documentIDs() string {
	switch {
	case c.Serverless:
		return NoDocumentID
	case c.DocumentIDs == "":
		return FirehoseDefaultID
	}
	return c.DocumentIDs
}

// Validate reports the first setting AWS would refuse (the message suits an
// InvalidArgumentException), or a setting the client cannot work with.
func (c Config) Validate() error {
	if err := c.check(); err != nil {
		return err
	}
	if n := utf8.RuneCountInString(c.Index); n > MaxIndexNameLength {
		return fmt.Errorf("IndexName must have length less than or equal to %d", MaxIndexNameLength)
	}
	if utf8.RuneCountInString(c.TypeName) > MaxTypeNameLength {
		return fmt.Errorf("TypeName must have length less than or equal to %d", MaxTypeNameLength)
	}
	if c.RetryDuration < 0 || c.RetryDuration > MaxRetryDuration {
		return fmt.Errorf("RetryOptions.DurationInSeconds must be between 0 and %d", int(MaxRetryDuration/time.Second))
	}
	return nil
}

// check is what Bulk needs to build a request at all.
func (c Config) check() error {
	if c.Endpoint == "" {
		return errors.New("an OpenSearch destination needs a ClusterEndpoint, CollectionEndpoint or DomainARN")
	}
	if len(c.Endpoint) > MaxEndpointLength {
		return fmt.Errorf("the endpoint must have length less than or equal to %d", MaxEndpointLength)
	}
	u, err := url.Parse(c.Endpoint)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil ||
		u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("the endpoint %q is not an http(s) URL of the form https://host[:port][/path]", c.Endpoint)
	}
	if c.Index == "" {
		return errors.New("IndexName must have length greater than or equal to 1")
	}
	if c.Serverless {
		if c.TypeName != "" {
			return errors.New("an OpenSearch Serverless destination has no TypeName")
		}
		if c.Rotation != "" && c.Rotation != NoRotation {
			return errors.New("an OpenSearch Serverless destination has no IndexRotationPeriod")
		}
		if c.DocumentIDs != "" && c.DocumentIDs != NoDocumentID {
			return errors.New("an OpenSearch Serverless destination has no DocumentIdOptions")
		}
		return nil
	}
	switch c.Rotation {
	case "", NoRotation, OneHour, OneDay, OneWeek, OneMonth:
	default:
		return fmt.Errorf("IndexRotationPeriod %q is not one of NoRotation, OneHour, OneDay, OneWeek, OneMonth", c.Rotation)
	}
	switch c.DocumentIDs {
	case "", FirehoseDefaultID, NoDocumentID:
	default:
		return fmt.Errorf("DefaultDocumentIdFormat %q is not one of FIREHOSE_DEFAULT, NO_DOCUMENT_ID", c.DocumentIDs)
	}
	return nil
}

// bulkURL is the endpoint with /_bulk appended.
func (c Config) bulkURL() string {
	return strings.TrimRight(c.Endpoint, "/") + "/_bulk"
}

// IndexFor is the index name for records arriving at t: Index with the
// rotation's suffix of t in UTC, as AWS documents it for IndexName "myindex"
// and 2016-02-25T13:00:00Z:
//
//	NoRotation  myindex
//	OneHour     myindex-2016-02-25-13
//	OneDay      myindex-2016-02-25
//	OneWeek     myindex-2016-w09   (see below: AWS's own table says w08)
//	OneMonth    myindex-2016-02
//
// OneWeek follows the note under AWS's table, which states the rule: weeks
// start on Sunday and week 1 is the first week with a Saturday in the year,
// i.e. the week holding January 1st; the year is that of the week (Java's
// week-based year "YYYY" with US week fields), so 2015-12-31 is in
// 2016-w01. By that rule 2016-02-25 is in week 9; the example row of the
// same table (w08) is the ISO week number, which contradicts the rule.
func IndexFor(c Config, t time.Time) string {
	t = t.UTC()
	switch c.rotation() {
	case OneHour:
		return c.Index + t.Format("-2006-01-02-15")
	case OneDay:
		return c.Index + t.Format("-2006-01-02")
	case OneWeek:
		y, w := USWeek(t)
		return fmt.Sprintf("%s-%d-w%02d", c.Index, y, w)
	case OneMonth:
		return c.Index + t.Format("-2006-01")
	}
	return c.Index
}

// USWeek returns the US week-based year and week (1–53) of t's date in
// t's location: weeks run Sunday to Saturday, week 1 is the week holding
// January 1st, and a week belongs to the year of its Saturday.
func USWeek(t time.Time) (year, week int) {
	y, m, d := t.Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	sunday := day.AddDate(0, 0, -int(day.Weekday()))
	year = sunday.AddDate(0, 0, 6).Year()
	jan1 := time.Date(year, time.January, 1, 0, 0, 0, 0, time.UTC)
	first := jan1.AddDate(0, 0, -int(jan1.Weekday()))
	return year, int(sunday.Sub(first).Hours()/24)/7 + 1
}
