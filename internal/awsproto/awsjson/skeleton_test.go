package awsjson

import (
	"bytes"
	"errors"
	"testing"
)

// chunkWriter records the size of every write.
type chunkWriter struct {
	bytes.Buffer
	writes []int
	failAt int // fail the write with this index (0: never)
}

func (w *chunkWriter) Write(p []byte) (int, error) {
	w.writes = append(w.writes, len(p))
	if w.failAt > 0 && len(w.writes) == w.failAt {
		return 0, errors.New("gone")
	}
	return w.Buffer.Write(p)
}

// FuzzSkeleton: whatever the blobs and the text around them, WriteTo
// writes what AppendTo appends, Size bytes, in chunks of at most 64 KiB.
func FuzzSkeleton(f *testing.F) {
	f.Add([]byte(`{"a":`), 3, 100000, 2)
	f.Add([]byte(`[`), 0, 1, 1)
	f.Add([]byte{}, 7, chunkBytes/3*4, 5)
	f.Fuzz(func(t *testing.T, text []byte, small, large, count int) {
		small, large, count = abs(small)%50, abs(large)%(300<<10), abs(count)%6
		var s Skeleton
		for i := range count {
			s.Meta = append(s.Meta, text...)
			size := small
			if i%2 == 1 {
				size = large
			}
			s.Blob(bytes.Repeat([]byte{byte(i)}, size))
		}
		s.Meta = append(s.Meta, text...)
		whole := s.AppendTo(nil)
		if len(whole) != s.Size() {
			t.Fatalf("AppendTo wrote %d bytes, Size %d", len(whole), s.Size())
		}
		var w chunkWriter
		if err := s.WriteTo(&w, nil); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(w.Bytes(), whole) {
			t.Fatal("WriteTo wrote other bytes than AppendTo")
		}
		for _, n := range w.writes {
			if n > 64<<10 || n == 0 {
				t.Fatalf("a write of %d bytes", n)
			}
		}
	})
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func TestSkeletonWriteError(t *testing.T) {
	var s Skeleton
	s.Meta = append(s.Meta, `{"Data":`...)
	s.Blob(make([]byte, 200<<10))
	s.Meta = append(s.Meta, '}')
	w := chunkWriter{failAt: 2}
	if err := s.WriteTo(&w, make([]byte, 0, 64<<10)); err == nil || len(w.writes) != 2 {
		t.Fatalf("err %v after %d writes", err, len(w.writes))
	}
	s.Reset()
	if len(s.Meta) != 0 || s.Size() != 0 || len(s.AppendTo(nil)) != 0 {
		t.Fatal("Reset left something")
	}
}
