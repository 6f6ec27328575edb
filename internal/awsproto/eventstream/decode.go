package eventstream

import (
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
)

// firstChunk is the most the Decoder allocates for a message before its
// bytes arrive; past it, the buffer grows as they do.
const firstChunk = 64 << 10

// Decoder reads messages from an io.Reader. It is not safe for concurrent
// use.
type Decoder struct {
	r       io.Reader
	off     int64
	err     error
	prelude [preludeLen]byte
}

// NewDecoder returns a Decoder that reads from r. It reads no more than the
// messages it returns (and the one that fails), so r may carry something
// else after the last message.
func NewDecoder(r io.Reader) *Decoder { return &Decoder{r: r} }

// Decode reads the next message. It returns io.EOF when the stream ends
// between messages, io.ErrUnexpectedEOF when it ends inside one, a
// *FormatError when a message breaks the format, and the reader's other
// errors as they are. Every error is final: later calls return it again.
//
// The returned message owns its memory: its payload and header values
// share no bytes with later messages.
func (d *Decoder) Decode() (Message, error) {
	if d.err != nil {
		return Message{}, d.err
	}
	m, n, err := d.decode()
	if err != nil {
		var fe *FormatError
		if errors.As(err, &fe) {
			fe.Offset = d.off
		}
		d.err = err
		return Message{}, err
	}
	d.off += int64(n)
	return m, nil
}

// decode reads one message and returns it with its length.
func (d *Decoder) decode() (Message, int, error) {
	p := d.prelude[:]
	if _, err := io.ReadFull(d.r, p); err != nil {
		return Message{}, 0, err // io.EOF before the first byte, else io.ErrUnexpectedEOF
	}
	total := binary.BigEndian.Uint32(p[0:])
	hlen := binary.BigEndian.Uint32(p[4:])
	if want, got := binary.BigEndian.Uint32(p[8:]), crc32.ChecksumIEEE(p[:8]); want != got {
		return Message{}, 0, formatErr(ErrChecksum, "prelude CRC is %#08x, computed %#08x", want, got)
	}
	switch {
	case total < overhead:
		return Message{}, 0, formatErr(ErrLength, "total length %d is under the minimum of %d", total, overhead)
	case total > MaxMessageLen:
		return Message{}, 0, formatErr(ErrLength, "total length %d is over the limit of %d", total, MaxMessageLen)
	case hlen > MaxHeadersLen:
		return Message{}, 0, formatErr(ErrLength, "headers length %d is over the limit of %d", hlen, MaxHeadersLen)
	case hlen > total-overhead:
		return Message{}, 0, formatErr(ErrLength, "headers length %d does not fit in total length %d", hlen, total)
	}

	rest, err := d.readFull(int(total) - preludeLen)
	if err != nil {
		return Message{}, 0, err
	}
	end := len(rest) - 4
	crc := crc32.Update(crc32.ChecksumIEEE(p), crc32.IEEETable, rest[:end])
	if want := binary.BigEndian.Uint32(rest[end:]); want != crc {
		return Message{}, 0, formatErr(ErrChecksum, "message CRC is %#08x, computed %#08x", want, crc)
	}

	var m Message
	if hlen > 0 {
		if m.Headers, err = parseHeaders(rest[:hlen]); err != nil {
			return Message{}, 0, err
		}
	}
	if int(hlen) < end {
		m.Payload = rest[hlen:end:end]
	}
	return m, int(total), nil
}

// readFull reads exactly n bytes, growing the buffer as they arrive rather
// than trusting the declared length with an allocation up front.
func (d *Decoder) readFull(n int) ([]byte, error) {
	buf := make([]byte, min(n, firstChunk))
	got := 0
	for {
		k, err := io.ReadFull(d.r, buf[got:])
		got += k
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
		if got == n {
			return buf, nil
		}
		// Double, or go straight to n when doubling twice would pass it:
		// the buffer stays under four times what has arrived.
		size := 2 * len(buf)
		if 2*size > n {
			size = n
		}
		next := make([]byte, size)
		copy(next, buf)
		buf = next
	}
}

// parseHeaders parses a headers section. Names and string values are cut
// from one string copy of the section, so a message's headers cost one
// allocation for their bytes, whatever their number.
func parseHeaders(b []byte) ([]Header, error) {
	s := string(b)
	hs := make([]Header, 0, 4)
	var names dupFinder
	for i := 0; len(s) > 0; i++ {
		at := len(b) - len(s) // offset in the section, for messages
		nlen := int(s[0])
		if nlen == 0 {
			return nil, formatErr(ErrHeader, "empty header name at byte %d of the headers", at)
		}
		if len(s) < 1+nlen+1 {
			return nil, formatErr(ErrHeader, "header at byte %d of the headers is truncated", at)
		}
		name := s[1 : 1+nlen]
		typ := Type(s[1+nlen])
		s = s[1+nlen+1:]
		v, n, ok := parseValue(typ, s)
		if !ok {
			if typ > TypeUUID {
				return nil, formatErr(ErrHeader, "header %q has unknown value type %d", name, uint8(typ))
			}
			if n > MaxValueLen {
				return nil, formatErr(ErrLength, "value of header %q is %d bytes, over the limit of %d", name, n, MaxValueLen)
			}
			return nil, formatErr(ErrHeader, "value of header %q (%v) is truncated", name, typ)
		}
		s = s[n:]
		hs = append(hs, Header{Name: name, Value: v})
		if names.dup(hs, i) {
			return nil, formatErr(ErrHeader, "duplicate header %q", name)
		}
	}
	return hs, nil
}

// parseValue parses a value of type t at the start of s and returns it with
// the number of bytes it took. When ok is false, the type is unknown, the
// value is truncated, or (n > MaxValueLen) its length is over the limit.
func parseValue(t Type, s string) (v Value, n int, ok bool) {
	v = Value{typ: t, valid: true}
	switch t {
	case TypeTrue, TypeFalse:
		return v, 0, true
	case TypeInt8:
		n = 1
	case TypeInt16:
		n = 2
	case TypeInt32:
		n = 4
	case TypeInt64, TypeTimestamp:
		n = 8
	case TypeUUID:
		n = 16
	case TypeBytes, TypeString:
		if len(s) < 2 {
			return Value{}, 0, false
		}
		l := int(s[0])<<8 | int(s[1])
		if l > MaxValueLen {
			return Value{}, l, false
		}
		if len(s) < 2+l {
			return Value{}, 0, false
		}
		v.s = s[2 : 2+l]
		return v, 2 + l, true
	default:
		return Value{}, 0, false
	}
	if len(s) < n {
		return Value{}, 0, false
	}
	switch t {
	case TypeInt8:
		v.n = int64(int8(s[0]))
	case TypeInt16:
		v.n = int64(int16(uint16(s[0])<<8 | uint16(s[1])))
	case TypeInt32:
		v.n = int64(int32(be32(s)))
	case TypeInt64, TypeTimestamp:
		v.n = int64(uint64(be32(s))<<32 | uint64(be32(s[4:])))
	case TypeUUID:
		v.s = s[:16]
	}
	return v, n, true
}

func be32(s string) uint32 {
	return uint32(s[0])<<24 | uint32(s[1])<<16 | uint32(s[2])<<8 | uint32(s[3])
}
