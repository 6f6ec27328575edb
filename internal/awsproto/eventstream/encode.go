package eventstream

import (
	"encoding/binary"
	"hash/crc32"
	"io"
	"slices"
)

// maxRetained is the largest buffer an Encoder keeps between messages; a
// larger message gets a buffer of its own, dropped after the write, so that
// many long-lived streams do not each pin up to 16 MiB.
const maxRetained = 4 << 20

// Encoder writes messages to an io.Writer, each with exactly one Write call
// (so that a caller that flushes after Encode sends each message as one
// HTTP/2 DATA frame, or one chunk). It is not safe for concurrent use.
type Encoder struct {
	w   io.Writer
	buf []byte
	off int64
	err error
}

// NewEncoder returns an Encoder that writes to w.
func NewEncoder(w io.Writer) *Encoder { return &Encoder{w: w} }

// Encode writes m. A message that breaks the format's limits is refused
// with a *FormatError before anything is written, and the Encoder stays
// usable. A write error is returned as it is and is final: the stream may
// hold part of a message, so every later call returns the same error.
func (e *Encoder) Encode(m Message) error {
	if e.err != nil {
		return e.err
	}
	b, err := AppendMessage(e.buf[:0], m)
	if err != nil {
		if fe, ok := err.(*FormatError); ok {
			fe.Offset = e.off
		}
		return err
	}
	n, err := e.w.Write(b)
	if err == nil && n < len(b) {
		err = io.ErrShortWrite
	}
	if cap(b) <= maxRetained {
		e.buf = b[:0]
	} else {
		e.buf = nil
	}
	if err != nil {
		e.err = err
		return err
	}
	e.off += int64(n)
	return nil
}

// AppendMessage appends the encoding of m to dst and returns the extended
// slice. It refuses a message that breaks the format's limits with a
// *FormatError, returning dst unchanged.
func AppendMessage(dst []byte, m Message) ([]byte, error) {
	hlen, err := headersLen(m.Headers)
	if err == nil && len(m.Payload) > MaxMessageLen-overhead-hlen {
		err = formatErr(ErrLength, "message of %d bytes is over the limit of %d",
			overhead+hlen+len(m.Payload), MaxMessageLen)
	}
	if err != nil {
		err.Offset = int64(len(dst))
		return dst, err
	}
	total := overhead + hlen + len(m.Payload)
	start := len(dst)
	dst = slices.Grow(dst, total)
	dst = binary.BigEndian.AppendUint32(dst, uint32(total))
	dst = binary.BigEndian.AppendUint32(dst, uint32(hlen))
	dst = binary.BigEndian.AppendUint32(dst, crc32.ChecksumIEEE(dst[start:]))
	for _, h := range m.Headers {
		dst = append(dst, byte(len(h.Name)))
		dst = append(dst, h.Name...)
		dst = appendValue(dst, h.Value)
	}
	dst = append(dst, m.Payload...)
	return binary.BigEndian.AppendUint32(dst, crc32.ChecksumIEEE(dst[start:])), nil
}

// headersLen checks hs against the limits and returns the length of its
// encoding.
func headersLen(hs []Header) (int, *FormatError) {
	n := 0
	var names dupFinder
	for i, h := range hs {
		if err := checkName(h.Name); err != nil {
			return 0, err
		}
		if names.dup(hs, i) {
			return 0, formatErr(ErrHeader, "duplicate header %q", h.Name)
		}
		if !h.Value.valid {
			return 0, formatErr(ErrHeader, "header %q has no value", h.Name)
		}
		if (h.Value.typ == TypeBytes || h.Value.typ == TypeString) && len(h.Value.s) > MaxValueLen {
			return 0, formatErr(ErrLength, "value of header %q is %d bytes, over the limit of %d",
				h.Name, len(h.Value.s), MaxValueLen)
		}
		n += 1 + len(h.Name) + 1 + h.Value.wireLen()
		if n > MaxHeadersLen {
			return 0, formatErr(ErrLength, "headers are over the limit of %d bytes", MaxHeadersLen)
		}
	}
	return n, nil
}

func checkName(name string) *FormatError {
	if name == "" {
		return formatErr(ErrHeader, "empty header name")
	}
	if len(name) > MaxNameLen {
		return formatErr(ErrLength, "header name of %d bytes is over the limit of %d", len(name), MaxNameLen)
	}
	return nil
}

// appendValue appends the type byte and the content of a valid value.
func appendValue(dst []byte, v Value) []byte {
	dst = append(dst, byte(v.typ))
	switch v.typ {
	case TypeInt8:
		dst = append(dst, byte(v.n))
	case TypeInt16:
		dst = binary.BigEndian.AppendUint16(dst, uint16(v.n))
	case TypeInt32:
		dst = binary.BigEndian.AppendUint32(dst, uint32(v.n))
	case TypeInt64, TypeTimestamp:
		dst = binary.BigEndian.AppendUint64(dst, uint64(v.n))
	case TypeBytes, TypeString:
		dst = binary.BigEndian.AppendUint16(dst, uint16(len(v.s)))
		dst = append(dst, v.s...)
	case TypeUUID:
		dst = append(dst, v.s...)
	}
	return dst
}

// dupFinder finds repeated header names: by scanning while a message has a
// few headers, and with a map beyond, so that a headers section packed with
// tiny headers costs linear time.
type dupFinder struct{ seen map[string]struct{} }

const dupScanMax = 8

// dup reports whether hs[i].Name is among hs[:i]. It must be called for
// i = 0, 1, 2, ... in order.
func (d *dupFinder) dup(hs []Header, i int) bool {
	name := hs[i].Name
	if i < dupScanMax {
		for j := range i {
			if hs[j].Name == name {
				return true
			}
		}
		return false
	}
	if d.seen == nil {
		d.seen = make(map[string]struct{}, 2*dupScanMax)
		for _, h := range hs[:i] {
			d.seen[h.Name] = struct{}{}
		}
	}
	if _, ok := d.seen[name]; ok {
		return true
	}
	d.seen[name] = struct{}{}
	return false
}
