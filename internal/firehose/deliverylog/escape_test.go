package deliverylog

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEscape(t *testing.T) {
	tests := []struct{ in, want string }{
		{"DestinationDelivery", "DestinationDelivery"},
		{"/aws/kinesisfirehose/orders", "%2Faws%2Fkinesisfirehose%2Forders"},
		{"..", "%2E."},
		{".", "%2E"},
		{"a.b", "a.b"},
		{"a b#c", "a%20b%23c"},
		{"~", "%7E"},
		{"é", "%C3%A9"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := escape(tt.in); got != tt.want {
			t.Errorf("escape(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if tt.in == "" {
			continue
		}
		if back, ok := unescape(tt.want); !ok || back != tt.in {
			t.Errorf("unescape(%q) = %q, %v", tt.want, back, ok)
		}
	}
	long := strings.Repeat("/", 100) // 300 escaped bytes
	enc := escape(long)
	if len(enc) > maxEscaped || !hashed(enc) || strings.Contains(enc[:len(enc)-17], "~") {
		t.Errorf("escape(long) = %q", enc)
	}
	if _, ok := unescape(enc); ok {
		t.Error("a hashed name unescaped")
	}
}

// FuzzEscape checks that escape makes one safe path component (no
// separator, never "." or "..", at most maxEscaped bytes), that distinct
// names get distinct components, and that unescape reverses it.
func FuzzEscape(f *testing.F) {
	f.Add("/aws/kinesisfirehose/x", "DestinationDelivery")
	f.Add("..", ".")
	f.Add(strings.Repeat("a", 300), strings.Repeat("a", 299))
	f.Add("%2F", "/")
	f.Fuzz(func(t *testing.T, a, b string) {
		ea, eb := escape(a), escape(b)
		for _, e := range []string{ea, eb} {
			if strings.ContainsAny(e, "/\\\x00") || e == "." || e == ".." || len(e) > maxEscaped {
				t.Fatalf("unsafe component %q", e)
			}
		}
		if a != b && ea == eb {
			t.Fatalf("%q and %q both escape to %q", a, b, ea)
		}
		if back, ok := unescape(ea); ok && back != a {
			t.Fatalf("unescape(escape(%q)) = %q", a, back)
		} else if !ok && !hashed(ea) && a != "" {
			t.Fatalf("unescape(%q) failed", ea)
		}
		unescape(a) // never panics on anything
	})
}

// FuzzReadEvents checks that a log stream file of any content reads
// without panicking, and that its whole lines that are events come back.
func FuzzReadEvents(f *testing.F) {
	f.Add([]byte("{\"timestamp\":1,\"ingestionTime\":2,\"message\":\"m\"}\n{\"timestamp\":3"))
	f.Add([]byte("\n\n{}\nnot json\n"))
	f.Add(bytes.Repeat([]byte("x"), 70<<10))
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "s.jsonl")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		events, err := readEvents(path, nil)
		if err != nil {
			t.Fatal(err)
		}
		whole := 0
		lines := bytes.Split(data, []byte("\n"))
		for _, line := range lines[:len(lines)-1] { // the last is torn or empty
			if _, ok := parseLine(line); ok {
				whole++
			}
		}
		if len(events) != whole {
			t.Fatalf("%d events read, %d whole event lines", len(events), whole)
		}
		lastEvent(path)
		firstEvent(path)
	})
}
