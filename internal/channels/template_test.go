package channels

import (
	"strings"
	"testing"
)

var vars = templateVars{channelName: "orders", channelID: "abcd1234efgh5678", streamName: "src"}

// AWS's valid and invalid examples ("S3 output key template for Amazon S3
// delivery"), and the rules they illustrate.
func TestParseKeyTemplate(t *testing.T) {
	tests := []struct {
		tpl        string
		compressed bool   // GZIP
		wantErr    string // "" for a valid template
		sample     string // its expansion, time variables as zeros
		ext        string // extension for GZIP's ".gz"
	}{
		{tpl: DefaultKeyTemplate, compressed: true,
			sample: "kinesis-channel/orders/abcd1234efgh5678/0000/00/00/00/orders-abcd1234efgh5678-0000-00-00-00-00", ext: ".gz"},
		{tpl: "!{channel-name}/!{yyyy}/!{MM}/!{dd}/!{HH}/records!{extension}", compressed: true, sample: "orders/0000/00/00/00/records", ext: ".gz"},
		{tpl: "data/stream=!{stream-name}/!{yyyy}-!{MM}-!{dd}/!{HH}!{mm}!{extension:.json}", sample: "data/stream=src/0000-00-00/0000", ext: ".json"},
		{tpl: "!{channel-name}/!{channel-id}", sample: "orders/abcd1234efgh5678"},
		{tpl: "year=!{yyyy}/x'y*(z)!/!{yy}!{yyyy}", sample: "year=0000/x'y*(z)!/000000"},
		{tpl: "/data/!{channel-name}!{extension}", wantErr: "must not start with a forward slash"},
		{tpl: "data/../!{channel-name}!{extension}", wantErr: "path traversal"},
		{tpl: "data//!{channel-name}!{extension}", wantErr: "consecutive slashes"},
		{tpl: "!{channel-name}!{extension}/!{yyyy}", wantErr: "must be at the end"},
		{tpl: "a!{extension}!{extension:.x}", wantErr: "must be at the end"},
		{tpl: "data/!{partition-id}!{extension}", wantErr: "!{partition-id} is not a supported variable"},
		{tpl: "data/!{channel-name}", compressed: true, wantErr: "must end with an extension placeholder"},
		{tpl: "data/!{channel-name}/!{yyyy", wantErr: "unclosed variable placeholder"},
		{tpl: "data/a:b", wantErr: "contains the character ':'"},
		{tpl: "data/{x}", wantErr: "contains the character '{'"},
		{tpl: "data/!{extension:json}", wantErr: "must start with a period"},
		{tpl: "data/!{extension:.JSON}", wantErr: "must start with a period"},
		{tpl: "!{extension}", wantErr: "more than an extension placeholder"},
		{tpl: "data/./x", wantErr: "period-only path segment"},
		{tpl: strings.Repeat("a", 987), wantErr: "expands to 987 characters"},
		{tpl: strings.Repeat("a", 986), sample: strings.Repeat("a", 986)},
		{tpl: strings.Repeat("a", 983) + "!{extension}", compressed: true, sample: strings.Repeat("a", 983), ext: ".gz"},
		{tpl: strings.Repeat("a", 984) + "!{extension}", compressed: true, wantErr: "expands to 987 characters"},
	}
	for _, tc := range tests {
		t.Run(tc.tpl, func(t *testing.T) {
			ext := ""
			if tc.compressed {
				ext = ".gz"
			}
			k, err := parseKeyTemplate(tc.tpl, ext, vars)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || KindOf(err) != KindInvalidArgument {
					t.Fatalf("err = %v, want InvalidArgument with %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := k.sample(); got != tc.sample {
				t.Errorf("sample = %q, want %q", got, tc.sample)
			}
			if got := k.extension(".gz"); got != tc.ext {
				t.Errorf("extension = %q, want %q", got, tc.ext)
			}
		})
	}
}

// A channel name of ".." makes the default template traverse.
func TestTemplateTraversalByName(t *testing.T) {
	_, err := parseKeyTemplate(DefaultKeyTemplate, "", templateVars{channelName: "..", channelID: "x", streamName: "s"})
	if err == nil || !strings.Contains(err.Error(), "period-only path segment") {
		t.Fatalf("err = %v", err)
	}
}

func TestFirehosePrefix(t *testing.T) {
	tests := []struct{ tpl, want string }{
		{DefaultKeyTemplate, "kinesis-channel/orders/abcd1234efgh5678/!{timestamp:yyyy}/!{timestamp:MM}/!{timestamp:dd}/!{timestamp:HH}/" +
			"orders-abcd1234efgh5678-!{timestamp:yyyy}-!{timestamp:MM}-!{timestamp:dd}-!{timestamp:HH}-!{timestamp:mm}-"},
		// Adjacent variables stay apart; a template ending in '/' takes no '-'.
		{"!{yy}!{yyyy}/", "!{timestamp:yy}!{timestamp:yyyy}/"},
		// Without time variables the literal is quoted in a timestamp
		// expression, so the engine adds no hour folders.
		{"!{channel-name}/it's", "!{timestamp:'orders/it''s'}-"},
		{"a!!{yyyy}", "a!!{timestamp:yyyy}-"},
	}
	for _, tc := range tests {
		k, err := parseKeyTemplate(tc.tpl, "", vars)
		if err != nil {
			t.Fatal(err)
		}
		if got := k.firehosePrefix(); got != tc.want {
			t.Errorf("%s: prefix = %q, want %q", tc.tpl, got, tc.want)
		}
	}
}

// FuzzParseKeyTemplate: parsing never panics; a template it accepts
// expands to at most MaxExpandedKey characters, with no "//", no leading
// '/' and no "." or ".." segment, and its engine prefix holds as many
// timestamp expressions as it has time variables (or one, quoting the
// literal, when it has none) and no other "!{".
func FuzzParseKeyTemplate(f *testing.F) {
	for _, s := range []string{DefaultKeyTemplate, "!{channel-name}/!{channel-id}", "a/!{yy}!{yyyy}!{extension:.json}", "!{", "!{}", "x!{extension}y", "'!'{'"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, tpl string, compressed bool) {
		ext := ""
		if compressed {
			ext = ".gz"
		}
		k, err := parseKeyTemplate(tpl, ext, vars)
		if err != nil {
			return
		}
		s := k.sample()
		if len(s)+len(k.extension(".gz")) > MaxExpandedKey || strings.Contains(s, "//") || strings.HasPrefix(s, "/") {
			t.Fatalf("accepted %q expanding to %q", tpl, s)
		}
		for _, seg := range strings.Split(s, "/") {
			if seg == "." || seg == ".." {
				t.Fatalf("accepted %q with segment %q", tpl, seg)
			}
		}
		times := 0
		for _, p := range k.parts {
			if p.time != "" {
				times++
			}
		}
		prefix := k.firehosePrefix()
		want := max(times, 1)
		if got := strings.Count(prefix, "!{timestamp:"); got != want || strings.Count(prefix, "!{") != want {
			t.Fatalf("%q: prefix %q has %d timestamp expressions, want %d", tpl, prefix, got, want)
		}
	})
}
