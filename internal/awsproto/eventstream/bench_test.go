package eventstream

import (
	"bytes"
	"io"
	"testing"
)

var benchSizes = []struct {
	name string
	m    Message
}{
	// A SubscribeToShardEvent with one small record, as JSON.
	{"small", Event("SubscribeToShardEvent", "application/json",
		[]byte(`{"ContinuationSequenceNumber":"49590338271490256608559692538361571095921575989136588898","MillisBehindLatest":0,"Records":[{"Data":"aGVsbG8=","PartitionKey":"pk","SequenceNumber":"49590338271490256608559692538361571095921575989136588898"}]}`))},
	{"1MiB", Event("SubscribeToShardEvent", "application/json", bytes.Repeat([]byte("r"), 1<<20))},
}

// BenchmarkEncode is the cost of writing one event: building the frame in
// the reused buffer, both CRCs, one Write.
func BenchmarkEncode(b *testing.B) {
	for _, s := range benchSizes {
		b.Run(s.name, func(b *testing.B) {
			enc := NewEncoder(io.Discard)
			b.ReportAllocs()
			b.SetBytes(int64(len(encode(b, s.m))))
			for b.Loop() {
				if err := enc.Encode(s.m); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "messages/s")
		})
	}
}

// BenchmarkDecode is the cost of reading one event, a fresh message each
// time (the payload is the caller's to keep).
func BenchmarkDecode(b *testing.B) {
	for _, s := range benchSizes {
		b.Run(s.name, func(b *testing.B) {
			data := encode(b, s.m)
			r := bytes.NewReader(data)
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				r.Reset(data)
				if _, err := NewDecoder(r).Decode(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "messages/s")
		})
	}
}
