package sigv4

import (
	"testing"
	"time"
)

// BenchmarkParseVerify is the per-request cost of header auth on a
// PutRecord-sized request.
func BenchmarkParseVerify(b *testing.B) {
	r, body := signSDK(b, sdkCases[0], signTime)
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		s, err := Parse(r)
		if err != nil {
			b.Fatal(err)
		}
		if err := s.Verify(r, body, testSecret, signTime.Add(time.Second)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "requests/s")
}
