package awsjson

import "io"

// Skeleton is a JSON document with its large blobs left out: Meta holds
// every other byte, and each blob goes, base64-encoded, at its hole in
// Meta. A GetRecords answer is up to 14 MB of JSON, almost all of it record
// data; as a skeleton it is ~150 bytes per record beside the data the
// answer already holds, its exact size is known before a byte is sent (for
// Content-Length), and WriteTo encodes the blobs chunk by chunk, so no
// 14 MB buffer is ever built.
type Skeleton struct {
	Meta  []byte
	holes []int // offsets in Meta
	blobs [][]byte
}

// Blob appends b as a JSON string (base64), to be encoded when written.
func (s *Skeleton) Blob(b []byte) {
	s.Meta = append(s.Meta, '"')
	s.holes = append(s.holes, len(s.Meta))
	s.blobs = append(s.blobs, b)
	s.Meta = append(s.Meta, '"')
}

// Size is the length of the whole document.
func (s *Skeleton) Size() int {
	n := len(s.Meta)
	for _, b := range s.blobs {
		n += Base64.EncodedLen(len(b))
	}
	return n
}

// AppendTo appends the whole document to dst.
func (s *Skeleton) AppendTo(dst []byte) []byte {
	prev := 0
	for i, at := range s.holes {
		dst = append(dst, s.Meta[prev:at]...)
		dst = Base64.AppendEncode(dst, s.blobs[i])
		prev = at
	}
	return append(dst, s.Meta[prev:]...)
}

// chunkBytes is how much WriteTo gathers before a Write: enough that
// writes are few, and with the few bytes a chunk may run over, within a
// 64 KiB buffer.
const chunkBytes = 60 << 10

// WriteTo writes the document to w in chunks of about 60 KiB, in scratch
// when it has room for a chunk (64 KiB).
func (s *Skeleton) WriteTo(w io.Writer, scratch []byte) error {
	buf := scratch[:0]
	if cap(buf) < chunkBytes+8 {
		buf = make([]byte, 0, chunkBytes+8)
	}
	flush := func() error {
		if len(buf) == 0 {
			return nil
		}
		_, err := w.Write(buf)
		buf = buf[:0]
		return err
	}
	// put appends p, flushing whenever the chunk is full.
	put := func(p []byte) error {
		for len(p) > 0 {
			n := min(len(p), chunkBytes-len(buf))
			buf = append(buf, p[:n]...)
			p = p[n:]
			if len(buf) >= chunkBytes {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		return nil
	}
	prev := 0
	for i, at := range s.holes {
		if err := put(s.Meta[prev:at]); err != nil {
			return err
		}
		prev = at
		// Encode 3-byte quanta in pieces that fit the chunk's room.
		for b := s.blobs[i]; len(b) > 0; {
			room := max((chunkBytes-len(buf))/4*3, 3)
			n := min(len(b), room)
			if n < len(b) {
				n -= n % 3 // only the last piece may end in padding
			}
			buf = Base64.AppendEncode(buf, b[:n])
			b = b[n:]
			if len(buf) >= chunkBytes-3 {
				if err := flush(); err != nil {
					return err
				}
			}
		}
	}
	if err := put(s.Meta[prev:]); err != nil {
		return err
	}
	return flush()
}

// Reset empties s for reuse, keeping its buffers but no blob.
func (s *Skeleton) Reset() {
	s.Meta = s.Meta[:0]
	s.holes = s.holes[:0]
	clear(s.blobs)
	s.blobs = s.blobs[:0]
}

// Streamer is implemented by answers written as a Skeleton.
type Streamer interface {
	JSONSkeleton(s *Skeleton)
}
