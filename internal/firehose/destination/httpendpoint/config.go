package httpendpoint

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Limits of the configuration (API reference) and of a request (appendix).
const (
	MaxURLLength            = 1000               // HttpEndpointConfiguration.Url
	MaxNameLength           = 256                // HttpEndpointConfiguration.Name
	MaxAccessKeyBytes       = 4096               // "restricts the size of the access key to 4096 bytes"
	MaxCommonAttributes     = 50                 // HttpEndpointRequestConfiguration.CommonAttributes
	MaxAttributeNameLength  = 256                // HttpEndpointCommonAttribute.AttributeName
	MaxAttributeValueLength = 1024               // HttpEndpointCommonAttribute.AttributeValue
	MaxRetryDuration        = 7200 * time.Second // HttpEndpointRetryOptions.DurationInSeconds
	MaxRecordsPerRequest    = 10000              // records maxItems
	MaxBodyBytes            = 64 << 20           // body before compression
	DefaultTimeout          = 3 * time.Minute    // "HTTP endpoints have 3 minutes to respond"
)

// Content encodings (HttpEndpointRequestConfiguration.ContentEncoding).
const (
	EncodingNone = "NONE"
	EncodingGzip = "GZIP"
)

// Attribute is one common attribute: sent in the
// X-Amz-Firehose-Common-Attributes header, never interpreted.
type Attribute struct {
	Name, Value string
}

// Config is one HTTP endpoint destination as the client needs it.
type Config struct {
	URL       string
	Name      string // EndpointConfiguration.Name (not sent)
	AccessKey string // sent in X-Amz-Firehose-Access-Key when non-empty
	// CommonAttributes are sent, in a JSON object, with every request.
	CommonAttributes []Attribute
	ContentEncoding  string // "NONE" (or "") or "GZIP"
	// RetryDuration is RetryOptions.DurationInSeconds (AWS's default is
	// 300 s, applied by the caller); 0 makes one attempt.
	RetryDuration time.Duration
	// MaxBodyBytes bounds each request's body before compression; 0 means
	// MaxBodyBytes (64 MiB), the most AWS sends.
	MaxBodyBytes int
}

// Validate checks the configuration against AWS's API constraints, except
// that http URLs and any port are allowed too. Its error message is meant
// for InvalidArgumentException.
func (c Config) Validate() error {
	if err := validateURL(c.URL); err != nil {
		return err
	}
	if c.Name != "" {
		if n := utf8.RuneCountInString(c.Name); n > MaxNameLength {
			return fmt.Errorf("HttpEndpointConfiguration.Name is %d characters long; the most is %d", n, MaxNameLength)
		}
		if blank(c.Name) || hasLineBreak(c.Name) {
			return errors.New("HttpEndpointConfiguration.Name must not be blank or contain line breaks")
		}
	}
	if len(c.AccessKey) > MaxAccessKeyBytes {
		return fmt.Errorf("HttpEndpointConfiguration.AccessKey is %d bytes long; the most is %d", len(c.AccessKey), MaxAccessKeyBytes)
	}
	if !validHeaderValue(c.AccessKey) {
		return errors.New("HttpEndpointConfiguration.AccessKey must not contain control characters: it is sent verbatim in an HTTP header")
	}
	if n := len(c.CommonAttributes); n > MaxCommonAttributes {
		return fmt.Errorf("HttpEndpointRequestConfiguration.CommonAttributes has %d attributes; the most is %d", n, MaxCommonAttributes)
	}
	seen := make(map[string]bool, len(c.CommonAttributes))
	for _, a := range c.CommonAttributes {
		if err := validateAttribute(a); err != nil {
			return err
		}
		if seen[a.Name] {
			return fmt.Errorf("HttpEndpointRequestConfiguration.CommonAttributes has the attribute name %q more than once", a.Name)
		}
		seen[a.Name] = true
	}
	switch c.ContentEncoding {
	case "", EncodingNone, EncodingGzip:
	default:
		return fmt.Errorf("HttpEndpointRequestConfiguration.ContentEncoding %q is not one of NONE, GZIP", c.ContentEncoding)
	}
	if c.RetryDuration < 0 || c.RetryDuration > MaxRetryDuration {
		return fmt.Errorf("RetryOptions.DurationInSeconds %d is outside 0 to %d", int64(c.RetryDuration/time.Second), int64(MaxRetryDuration/time.Second))
	}
	if c.MaxBodyBytes < 0 || c.MaxBodyBytes > MaxBodyBytes {
		return fmt.Errorf("the request body limit %d is outside 0 (the default) to %d bytes", c.MaxBodyBytes, MaxBodyBytes)
	}
	return nil
}

func validateURL(s string) error {
	if s == "" {
		return errors.New("HttpEndpointConfiguration.Url is required")
	}
	if n := utf8.RuneCountInString(s); n > MaxURLLength {
		return fmt.Errorf("HttpEndpointConfiguration.Url is %d characters long; the most is %d", n, MaxURLLength)
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Hostname() == "" {
		return fmt.Errorf("HttpEndpointConfiguration.Url %q must be an https (or, in Sluice, http) URL with a host", s)
	}
	if u.User != nil {
		return fmt.Errorf("HttpEndpointConfiguration.Url %q must not carry user information; use AccessKey", s)
	}
	return nil
}

func validateAttribute(a Attribute) error {
	n := utf8.RuneCountInString(a.Name)
	if n == 0 || n > MaxAttributeNameLength {
		return fmt.Errorf("common attribute name %q must be 1 to %d characters long", a.Name, MaxAttributeNameLength)
	}
	if blank(a.Name) || hasLineBreak(a.Name) {
		return fmt.Errorf("common attribute name %q must not be blank or contain line breaks", a.Name)
	}
	if !utf8.ValidString(a.Name) || !utf8.ValidString(a.Value) {
		return fmt.Errorf("common attribute %q must be valid UTF-8", a.Name)
	}
	if n := utf8.RuneCountInString(a.Value); n > MaxAttributeValueLength {
		return fmt.Errorf("common attribute %q has a value of %d characters; the most is %d", a.Name, n, MaxAttributeValueLength)
	}
	if hasLineBreak(a.Value) {
		return fmt.Errorf("common attribute %q has a value with a line break", a.Name)
	}
	return nil
}

// blank reports whether s is only white space (AWS's ^(?!\s*$).+).
func blank(s string) bool {
	return strings.TrimFunc(s, unicode.IsSpace) == ""
}

// hasLineBreak reports whether s has a character that a regular
// expression's "." does not match (AWS's patterns are .+ and .*).
func hasLineBreak(s string) bool {
	return strings.ContainsAny(s, "\n\r\u0085\u2028\u2029")
}

// validHeaderValue reports whether s can be sent as an HTTP header value
// unchanged: no control characters other than horizontal tab.
func validHeaderValue(s string) bool {
	for i := 0; i < len(s); i++ {
		if b := s[i]; (b < 0x20 && b != '\t') || b == 0x7f {
			return false
		}
	}
	return true
}

func (c Config) maxBody() int {
	if c.MaxBodyBytes <= 0 {
		return MaxBodyBytes
	}
	return c.MaxBodyBytes
}
