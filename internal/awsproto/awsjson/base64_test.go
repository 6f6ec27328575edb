package awsjson

import (
	"bytes"
	stdbase64 "encoding/base64"
	"testing"
)

var strictStd = stdbase64.StdEncoding.Strict()

// FuzzBase64MatchesStdlib: the SIMD encoding encodes and decodes exactly
// like encoding/base64, errors included.
func FuzzBase64MatchesStdlib(f *testing.F) {
	for _, s := range []string{"", "AA==", "AB==", "AAEC", "aGk=", "+/+=", "AA=", "A", "AAEC\n\r\nAAEC", "AA\r\n==",
		"=AAA", "AA=A", "////////////////////////////////////////////////////////////////////////AAAA",
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA*AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		if got, want := Base64.EncodeToString(in), stdbase64.StdEncoding.EncodeToString(in); got != want {
			t.Fatalf("encode %x: %q, encoding/base64 %q", in, got, want)
		}
		for _, pair := range []struct {
			name      string
			got, want func([]byte, []byte) (int, error)
		}{
			{"standard", Base64.Decode, stdbase64.StdEncoding.Decode},
			{"strict", StrictBase64.Decode, strictStd.Decode},
		} {
			got, want := make([]byte, len(in)), make([]byte, len(in))
			gn, gerr := pair.got(got, in)
			wn, werr := pair.want(want, in)
			if (gerr == nil) != (werr == nil) || gerr != nil && gerr.Error() != werr.Error() {
				t.Fatalf("%s decode %q: error %v, encoding/base64 %v", pair.name, in, gerr, werr)
			}
			if gerr == nil && (gn != wn || !bytes.Equal(got[:gn], want[:wn])) {
				t.Fatalf("%s decode %q: %x, encoding/base64 %x", pair.name, in, got[:gn], want[:wn])
			}
		}
	})
}
