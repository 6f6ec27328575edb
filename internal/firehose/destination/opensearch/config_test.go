package opensearch

import (
	"strings"
	"testing"
	"time"
)

func TestIndexFor(t *testing.T) {
	aws := time.Date(2016, 2, 25, 13, 0, 0, 0, time.UTC) // AWS's example arrival
	tests := []struct {
		rotation string
		at       time.Time
		want     string
	}{
		{NoRotation, aws, "myindex"},
		{OneHour, aws, "myindex-2016-02-25-13"},
		{OneDay, aws, "myindex-2016-02-25"},
		{"", aws, "myindex-2016-02-25"}, // AWS's default is OneDay
		{OneWeek, aws, "myindex-2016-w09"},
		{OneMonth, aws, "myindex-2016-02"},
		// UTC, whatever the location of t.
		{OneHour, time.Date(2016, 2, 25, 23, 30, 0, 0, time.FixedZone("X", -2*3600)), "myindex-2016-02-26-01"},
		{OneDay, time.Date(2016, 2, 25, 23, 30, 0, 0, time.FixedZone("X", -2*3600)), "myindex-2016-02-26"},
		{OneMonth, time.Date(2016, 12, 31, 23, 59, 59, 0, time.UTC), "myindex-2016-12"},
		// Weeks: Sunday to Saturday, week 1 holds January 1st.
		{OneWeek, time.Date(2016, 2, 20, 23, 59, 0, 0, time.UTC), "myindex-2016-w08"}, // Saturday
		{OneWeek, time.Date(2016, 2, 21, 0, 0, 0, 0, time.UTC), "myindex-2016-w09"},   // Sunday
		{OneWeek, time.Date(2015, 12, 31, 0, 0, 0, 0, time.UTC), "myindex-2016-w01"},  // the week of Jan 1st 2016
		{OneWeek, time.Date(2016, 1, 2, 0, 0, 0, 0, time.UTC), "myindex-2016-w01"},
		{OneWeek, time.Date(2016, 1, 3, 0, 0, 0, 0, time.UTC), "myindex-2016-w02"},
		{OneWeek, time.Date(2016, 12, 31, 0, 0, 0, 0, time.UTC), "myindex-2016-w53"},
		{OneWeek, time.Date(2017, 1, 1, 0, 0, 0, 0, time.UTC), "myindex-2017-w01"},
		{OneWeek, time.Date(2020, 8, 12, 0, 0, 0, 0, time.UTC), "myindex-2020-w33"},
	}
	for _, tt := range tests {
		got := IndexFor(Config{Index: "myindex", Rotation: tt.rotation}, tt.at)
		if got != tt.want {
			t.Errorf("IndexFor(%q, %v) = %q, want %q", tt.rotation, tt.at, got, tt.want)
		}
	}
	// Serverless never rotates.
	if got := IndexFor(Config{Index: "logs", Serverless: true}, aws); got != "logs" {
		t.Errorf("Serverless IndexFor = %q, want logs", got)
	}
}

// TestUSWeekContinuity checks over many years that weeks advance by one
// on every Sunday and only then, restarting at 1 in the week of January 1st.
func TestUSWeekContinuity(t *testing.T) {
	day := time.Date(1999, 12, 1, 12, 0, 0, 0, time.UTC)
	py, pw := USWeek(day)
	for range 40 * 366 {
		day = day.AddDate(0, 0, 1)
		y, w := USWeek(day)
		switch {
		case day.Weekday() != time.Sunday:
			if y != py || w != pw {
				t.Fatalf("%v: week changed on a %v: %d-w%02d after %d-w%02d", day, day.Weekday(), y, w, py, pw)
			}
		case y == py:
			if w != pw+1 {
				t.Fatalf("%v: %d-w%02d after %d-w%02d", day, y, w, py, pw)
			}
		default:
			jan1 := time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
			if y != py+1 || w != 1 || day.AddDate(0, 0, 6).Before(jan1) || pw < 52 {
				t.Fatalf("%v: %d-w%02d after %d-w%02d", day, y, w, py, pw)
			}
		}
		py, pw = y, w
	}
}

func TestValidate(t *testing.T) {
	ok := Config{Endpoint: "https://search-x.us-east-1.es.amazonaws.com", Index: "logs", RetryDuration: 300 * time.Second}
	tests := []struct {
		name   string
		change func(*Config)
		want   string // substring of the error; "" for valid
	}{
		{"valid", func(*Config) {}, ""},
		{"http endpoint", func(c *Config) { c.Endpoint = "http://127.0.0.1:9200/" }, ""},
		{"endpoint with path", func(c *Config) { c.Endpoint = "https://proxy.example/es" }, ""},
		{"all options", func(c *Config) {
			c.TypeName, c.Rotation, c.DocumentIDs = "doc", OneWeek, NoDocumentID
		}, ""},
		{"no endpoint", func(c *Config) { c.Endpoint = "" }, "needs a ClusterEndpoint"},
		{"ftp endpoint", func(c *Config) { c.Endpoint = "ftp://x" }, "not an http(s) URL"},
		{"endpoint without host", func(c *Config) { c.Endpoint = "https://" }, "not an http(s) URL"},
		{"endpoint with query", func(c *Config) { c.Endpoint = "https://x/?a=b" }, "not an http(s) URL"},
		{"endpoint with user", func(c *Config) { c.Endpoint = "https://u:p@x" }, "not an http(s) URL"},
		{"long endpoint", func(c *Config) { c.Endpoint = "https://x/" + strings.Repeat("a", 510) }, "less than or equal to 512"},
		{"no index", func(c *Config) { c.Index = "" }, "IndexName"},
		{"long index", func(c *Config) { c.Index = strings.Repeat("a", 81) }, "IndexName"},
		{"long type", func(c *Config) { c.TypeName = strings.Repeat("a", 101) }, "TypeName"},
		{"bad rotation", func(c *Config) { c.Rotation = "OneYear" }, "IndexRotationPeriod"},
		{"bad id format", func(c *Config) { c.DocumentIDs = "UUID" }, "DefaultDocumentIdFormat"},
		{"negative retry", func(c *Config) { c.RetryDuration = -time.Second }, "DurationInSeconds"},
		{"long retry", func(c *Config) { c.RetryDuration = 7201 * time.Second }, "DurationInSeconds"},
		{"serverless", func(c *Config) { c.Serverless = true }, ""},
		{"serverless explicit defaults", func(c *Config) {
			c.Serverless, c.Rotation, c.DocumentIDs = true, NoRotation, NoDocumentID
		}, ""},
		{"serverless type", func(c *Config) { c.Serverless, c.TypeName = true, "t" }, "no TypeName"},
		{"serverless rotation", func(c *Config) { c.Serverless, c.Rotation = true, OneDay }, "no IndexRotationPeriod"},
		{"serverless ids", func(c *Config) { c.Serverless, c.DocumentIDs = true, FirehoseDefaultID }, "no DocumentIdOptions"},
	}
	for _, tt := range tests {
		c := ok
		tt.change(&c)
		err := c.Validate()
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: Validate() = %v, want nil", tt.name, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: Validate() = %v, want an error with %q", tt.name, err, tt.want)
		}
	}
}

func TestDefaults(t *testing.T) {
	got := Config{Index: "i"}.Defaults()
	if got.Rotation != OneDay || got.DocumentIDs != FirehoseDefaultID || got.RetryDuration != 0 {
		t.Errorf("Defaults() = %+v", got)
	}
	got = Config{Index: "i", Rotation: NoRotation, DocumentIDs: NoDocumentID}.Defaults()
	if got.Rotation != NoRotation || got.DocumentIDs != NoDocumentID {
		t.Errorf("Defaults() changed set fields: %+v", got)
	}
	got = Config{Index: "i", Serverless: true}.Defaults()
	if got.Rotation != NoRotation || got.DocumentIDs != NoDocumentID {
		t.Errorf("Serverless Defaults() = %+v", got)
	}
}
