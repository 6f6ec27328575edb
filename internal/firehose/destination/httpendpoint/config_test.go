package httpendpoint

import (
	"strings"
	"testing"
	"time"
)

func TestConfigValidate(t *testing.T) {
	attrs := func(n int) []Attribute {
		a := make([]Attribute, n)
		for i := range a {
			a[i] = Attribute{Name: "a" + strings.Repeat("x", i), Value: "v"}
		}
		return a
	}
	ok := Config{URL: "https://example.com/path?q=1"}
	tests := []struct {
		name    string
		mod     func(*Config)
		wantErr string // "" means valid
	}{
		{"minimal", func(*Config) {}, ""},
		{"http and port", func(c *Config) { c.URL = "http://127.0.0.1:8080/ingest" }, ""},
		{"everything", func(c *Config) {
			c.Name = "my endpoint"
			c.AccessKey = strings.Repeat("k", MaxAccessKeyBytes)
			c.CommonAttributes = attrs(MaxCommonAttributes)
			c.ContentEncoding = EncodingGzip
			c.RetryDuration = MaxRetryDuration
			c.MaxBodyBytes = MaxBodyBytes
		}, ""},
		{"encoding NONE", func(c *Config) { c.ContentEncoding = EncodingNone }, ""},
		{"empty attribute value", func(c *Config) { c.CommonAttributes = []Attribute{{Name: "n"}} }, ""},
		{"no URL", func(c *Config) { c.URL = "" }, "Url is required"},
		{"ftp", func(c *Config) { c.URL = "ftp://example.com" }, "https"},
		{"no host", func(c *Config) { c.URL = "https:///path" }, "with a host"},
		{"relative", func(c *Config) { c.URL = "/path" }, "with a host"},
		{"bad URL", func(c *Config) { c.URL = "https://exa mple.com/%zz" }, "with a host"},
		{"user info", func(c *Config) { c.URL = "https://u:p@example.com" }, "user information"},
		{"URL too long", func(c *Config) { c.URL = "https://e.com/" + strings.Repeat("a", MaxURLLength) }, "the most is 1000"},
		{"name too long", func(c *Config) { c.Name = strings.Repeat("n", MaxNameLength+1) }, "the most is 256"},
		{"blank name", func(c *Config) { c.Name = "  \t" }, "blank"},
		{"access key too long", func(c *Config) { c.AccessKey = strings.Repeat("k", MaxAccessKeyBytes+1) }, "the most is 4096"},
		{"access key newline", func(c *Config) { c.AccessKey = "a\nb" }, "control characters"},
		{"too many attributes", func(c *Config) { c.CommonAttributes = attrs(MaxCommonAttributes + 1) }, "the most is 50"},
		{"empty attribute name", func(c *Config) { c.CommonAttributes = []Attribute{{Name: ""}} }, "1 to 256"},
		{"blank attribute name", func(c *Config) { c.CommonAttributes = []Attribute{{Name: " "}} }, "blank"},
		{"long attribute name", func(c *Config) { c.CommonAttributes = []Attribute{{Name: strings.Repeat("é", 257)}} }, "1 to 256"},
		{"long attribute value", func(c *Config) { c.CommonAttributes = []Attribute{{Name: "n", Value: strings.Repeat("v", 1025)}} }, "the most is 1024"},
		{"attribute value newline", func(c *Config) { c.CommonAttributes = []Attribute{{Name: "n", Value: "a\nb"}} }, "line break"},
		{"duplicate attribute", func(c *Config) { c.CommonAttributes = []Attribute{{Name: "n"}, {Name: "n"}} }, "more than once"},
		{"bad UTF-8", func(c *Config) { c.CommonAttributes = []Attribute{{Name: "n", Value: "\xff"}} }, "UTF-8"},
		{"bad encoding", func(c *Config) { c.ContentEncoding = "gzip" }, "not one of NONE, GZIP"},
		{"negative retry", func(c *Config) { c.RetryDuration = -time.Second }, "outside 0 to 7200"},
		{"retry too long", func(c *Config) { c.RetryDuration = MaxRetryDuration + time.Second }, "outside 0 to 7200"},
		{"body too large", func(c *Config) { c.MaxBodyBytes = MaxBodyBytes + 1 }, "body limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ok
			tt.mod(&c)
			err := c.Validate()
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("Validate() = %v, want nil", err)
			case tt.wantErr != "" && err == nil:
				t.Fatalf("Validate() = nil, want an error containing %q", tt.wantErr)
			case tt.wantErr != "" && !strings.Contains(err.Error(), tt.wantErr):
				t.Fatalf("Validate() = %q, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}
