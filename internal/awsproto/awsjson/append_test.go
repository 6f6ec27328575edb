package awsjson

import (
	"encoding/json"
	"testing"
)

// FuzzAppendString: AppendString writes what Encode writes.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "plain", "quote\"back\\slash", "ctl\x01\n\t\b\f\r", "é ü 漢字 \u2028 \u2029", "bad\xffutf8", "<html>&amp;"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := AppendString(nil, s)
		want, err := Encode(s)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Fatalf("AppendString(%q) = %s, Encode %s", s, got, want)
		}
		if !json.Valid(got) {
			t.Fatalf("AppendString(%q) = %s: not JSON", s, got)
		}
	})
}
