package splunk

import (
	"strings"
	"testing"
	"time"
)

func TestValidate(t *testing.T) {
	ok := Config{Endpoint: "https://http-inputs-firehose-x.splunkcloud.com:443", Type: Raw, Token: "t",
		AckTimeout: 180 * time.Second, RetryDuration: 3600 * time.Second}
	tests := []struct {
		name   string
		change func(*Config)
		want   string
	}{
		{"valid", func(*Config) {}, ""},
		{"event", func(c *Config) { c.Type = Event }, ""},
		{"http", func(c *Config) { c.Endpoint = "http://127.0.0.1:8088/" }, ""},
		{"no token", func(c *Config) { c.Token = "" }, ""},
		{"default ack timeout", func(c *Config) { c.AckTimeout = 0 }, ""},
		{"max ack timeout", func(c *Config) { c.AckTimeout = 600 * time.Second }, ""},
		{"no retries", func(c *Config) { c.RetryDuration = 0 }, ""},
		{"bad type", func(c *Config) { c.Type = "raw" }, "HECEndpointType"},
		{"no endpoint", func(c *Config) { c.Endpoint = "" }, "HECEndpoint must have length"},
		{"not a url", func(c *Config) { c.Endpoint = "splunk:8088" }, "not an http(s) URL"},
		{"query", func(c *Config) { c.Endpoint = "https://x/?token=1" }, "not an http(s) URL"},
		{"long endpoint", func(c *Config) { c.Endpoint = "https://x/" + strings.Repeat("a", 2048) }, "2048"},
		{"long token", func(c *Config) { c.Token = strings.Repeat("a", 2049) }, "HECToken"},
		{"short ack timeout", func(c *Config) { c.AckTimeout = 179 * time.Second }, "between 180 and 600"},
		{"long ack timeout", func(c *Config) { c.AckTimeout = 601 * time.Second }, "between 180 and 600"},
		{"negative retry", func(c *Config) { c.RetryDuration = -1 }, "between 0 and 7200"},
		{"long retry", func(c *Config) { c.RetryDuration = 7201 * time.Second }, "between 0 and 7200"},
	}
	for _, tt := range tests {
		c := ok
		tt.change(&c)
		err := c.Validate()
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: Validate() = %v", tt.name, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: Validate() = %v, want %q", tt.name, err, tt.want)
		}
	}
	if d := (Config{}).Defaults(); d.AckTimeout != DefaultAckTimeout || d.RetryDuration != 0 {
		t.Errorf("Defaults() = %+v", d)
	}
}

func TestURLs(t *testing.T) {
	tests := []struct{ endpoint, typ, data, ack string }{
		{"https://h:8088", Event, "https://h:8088/services/collector/event", "https://h:8088/services/collector/ack?channel=c"},
		{"https://h:8088/", Raw, "https://h:8088/services/collector/raw", "https://h:8088/services/collector/ack?channel=c"},
		{"https://h/p/services/collector", Raw, "https://h/p/services/collector/raw", "https://h/p/services/collector/ack?channel=c"},
		{"https://h/services/collector/event/", Event, "https://h/services/collector/event", "https://h/services/collector/ack?channel=c"},
		{"https://h/services/collector/raw", Event, "https://h/services/collector/event", "https://h/services/collector/ack?channel=c"},
	}
	for _, tt := range tests {
		c := Config{Endpoint: tt.endpoint, Type: tt.typ}
		if got := c.dataURL(); got != tt.data {
			t.Errorf("dataURL(%s) = %s, want %s", tt.endpoint, got, tt.data)
		}
		if got := c.ackURL("c"); got != tt.ack {
			t.Errorf("ackURL(%s) = %s, want %s", tt.endpoint, got, tt.ack)
		}
	}
}

func TestMessages(t *testing.T) {
	for _, code := range []string{CodeProxyWithoutStickySessions, CodeDisabledToken, CodeInvalidToken,
		CodeInvalidDataFormat, CodeInvalidIndex, CodeServerError, CodeDisabledAck, CodeAckTimeout,
		CodeMaxRetriesFailed, CodeConnectionTimeout, CodeInvalidEndpoint, CodeConnectionClosed,
		CodeSSLUnverified, CodeSSLHandshake} {
		if Message(code) == "" {
			t.Errorf("no message for %s", code)
		}
	}
	for code, want := range hecCodes {
		if Message(want) == "" || code < 1 || code > 16 {
			t.Errorf("HEC code %d -> %s", code, want)
		}
	}
}
