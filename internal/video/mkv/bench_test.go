package mkv

import (
	"bytes"
	"io"
	"testing"
)

// benchStream is n two-second clusters of 25 fps video (frames of
// frameSize bytes, a key frame first) and 50 audio frames of 200 bytes
// each: about a 2 Mbit/s camera for frameSize 10,000.
func benchStream(n, frameSize int, unknown bool) (body []byte, frames int) {
	h := testHeader()
	body = append(body, h.Raw...)
	for i := range n {
		tc := int64(i) * 2000
		var fs []Frame
		for j := range 50 {
			fs = append(fs, Frame{Track: 1, Timecode: tc + int64(40*j), Key: j == 0, Data: make([]byte, frameSize)})
			fs = append(fs, Frame{Track: 2, Timecode: tc + int64(40*j+3), Key: true, Data: make([]byte, 200)})
		}
		c := AppendCluster(nil, tc, fs)
		if unknown {
			c = unknownSized(c)
		}
		body = append(body, c...)
		frames += len(fs)
	}
	return body, frames
}

func BenchmarkReadCluster(b *testing.B) {
	for _, bc := range []struct {
		name    string
		size    int
		unknown bool
	}{
		{"2Mbps", 10_000, false},
		{"2Mbps-unknown-size", 10_000, true},
		{"small-frames", 100, false},
	} {
		b.Run(bc.name, func(b *testing.B) {
			const clusters = 10
			body, frames := benchStream(clusters, bc.size, bc.unknown)
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				r := NewReader(bytes.NewReader(body), Limits{})
				for {
					_, _, err := r.Next()
					if err == io.EOF {
						break
					}
					if err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(frames*b.N)/b.Elapsed().Seconds(), "frames/s")
			b.ReportMetric(float64(clusters*b.N)/b.Elapsed().Seconds(), "clusters/s")
		})
	}
}

func BenchmarkWriteChunk(b *testing.B) {
	body, _ := benchStream(1, 10_000, false)
	items := mustReadAll(b, body)
	h, c := items[0].h, items[1].c
	number := []SimpleTag{{TagFragmentNumber, "91343852333754009371412493862204112772176002064"}}
	after := []SimpleTag{{TagMillisBehindNow, "0"}}
	b.SetBytes(int64(len(h.Raw) + len(c.Raw)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := WriteChunk(io.Discard, h.Raw, number, c.Raw, after); err != nil {
			b.Fatal(err)
		}
	}
}
