package splunk

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// HEC endpoint types (HECEndpointType).
const (
	Raw   = "Raw"
	Event = "Event"
)

// Bounds and defaults of the configuration (API reference).
const (
	MaxEndpointLength = 2048 // HECEndpoint
	MaxTokenLength    = 2048 // HECToken
	MinAckTimeout     = 180 * time.Second
	MaxAckTimeout     = 600 * time.Second
	DefaultAckTimeout = 180 * time.Second // HECAcknowledgmentTimeoutInSeconds
	MaxRetryDuration  = 7200 * time.Second
	// DefaultRetryDuration is the Splunk retry duration Sluice's firehose
	// model applies when RetryOptions is absent (the API reference states
	// no default); the caller applies it, zero meaning "do not retry".
	DefaultRetryDuration = 3600 * time.Second
)

// Config is one Splunk destination as the client needs it.
type Config struct {
	// Endpoint is HECEndpoint, the base URL (https://host:8088); the
	// collector paths are appended. A URL that already ends with
	// /services/collector[/event|/raw] is taken back to its base.
	Endpoint string
	// Type is HECEndpointType: Raw or Event.
	Type string
	// Token is HECToken, sent as "Authorization: Splunk <token>".
	Token string
	// AckTimeout is HECAcknowledgmentTimeoutInSeconds; 0: 180 s.
	AckTimeout time.Duration
	// RetryDuration is RetryOptions.DurationInSeconds; 0: no retries.
	RetryDuration time.Duration
}

// Defaults returns c with AWS's default acknowledgement timeout when it
// has none. RetryDuration is left alone: zero is a valid setting.
func (c Config) Defaults() Config {
	if c.AckTimeout == 0 {
		c.AckTimeout = DefaultAckTimeout
	}
	return c
}

// Validate reports the first setting AWS would refuse (the message suits an
// InvalidArgumentException), or a setting the client cannot work with.
func (c Config) Validate() error {
	if err := c.check(); err != nil {
		return err
	}
	if len(c.Endpoint) > MaxEndpointLength {
		return fmt.Errorf("HECEndpoint must have length less than or equal to %d", MaxEndpointLength)
	}
	if len(c.Token) > MaxTokenLength {
		return fmt.Errorf("HECToken must have length less than or equal to %d", MaxTokenLength)
	}
	if c.AckTimeout != 0 && (c.AckTimeout < MinAckTimeout || c.AckTimeout > MaxAckTimeout) {
		return fmt.Errorf("HECAcknowledgmentTimeoutInSeconds must be between %d and %d",
			int(MinAckTimeout/time.Second), int(MaxAckTimeout/time.Second))
	}
	if c.RetryDuration < 0 || c.RetryDuration > MaxRetryDuration {
		return fmt.Errorf("RetryOptions.DurationInSeconds must be between 0 and %d", int(MaxRetryDuration/time.Second))
	}
	return nil
}

// check is what Send needs to make a request at all.
func (c Config) check() error {
	if c.Type != Raw && c.Type != Event {
		return fmt.Errorf("HECEndpointType %q is not one of Raw, Event", c.Type)
	}
	if c.Endpoint == "" {
		return errors.New("HECEndpoint must have length greater than or equal to 1")
	}
	u, err := url.Parse(c.Endpoint)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil ||
		u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("HECEndpoint %q is not an http(s) URL of the form https://host[:port]", c.Endpoint)
	}
	return nil
}

// base is the endpoint without a trailing slash or collector path.
func (c Config) base() string {
	b := strings.TrimRight(c.Endpoint, "/")
	for _, p := range []string{"/services/collector/event", "/services/collector/raw", "/services/collector"} {
		if strings.HasSuffix(b, p) {
			return strings.TrimSuffix(b, p)
		}
	}
	return b
}

// dataURL is where records are posted for c's endpoint type.
func (c Config) dataURL() string {
	if c.Type == Raw {
		return c.base() + "/services/collector/raw"
	}
	return c.base() + "/services/collector/event"
}

// ackURL is the acknowledgement endpoint for channel.
func (c Config) ackURL(channel string) string {
	return c.base() + "/services/collector/ack?channel=" + url.QueryEscape(channel)
}
