package media

import (
	"io"
	"testing"
)

func benchSegment(b *testing.B, build func(*fixture, Segment) (int, error)) {
	fx := loadFixture(b, "h264aac")
	seg := fx.segments()[0]
	frames := len(seg.Frames)
	n, err := build(fx, seg)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(n))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := build(fx, seg); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(frames)*float64(b.N)/b.Elapsed().Seconds(), "frames/s")
}

func BenchmarkMediaSegment(b *testing.B) {
	benchSegment(b, func(fx *fixture, seg Segment) (int, error) {
		out, err := fx.stream.MediaSegment(seg)
		return len(out), err
	})
}

func BenchmarkTSSegment(b *testing.B) {
	benchSegment(b, func(fx *fixture, seg Segment) (int, error) {
		out, err := fx.stream.TSSegment(seg)
		return len(out), err
	})
}

func BenchmarkClip(b *testing.B) {
	benchSegment(b, func(fx *fixture, seg Segment) (int, error) {
		cw := &countWriter{}
		err := fx.stream.WriteClip(cw, seg)
		return cw.n, err
	})
}

type countWriter struct{ n int }

func (c *countWriter) Write(p []byte) (int, error) { c.n += len(p); return len(p), nil }

var _ io.Writer = (*countWriter)(nil)
