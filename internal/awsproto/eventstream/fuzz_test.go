package eventstream

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"testing"
	"testing/iotest"
)

// FuzzDecode decodes arbitrary streams. With fix set, the input's CRCs are
// first made correct (following its declared lengths), so that the fuzzer
// reaches the header parser instead of stopping at the checksums.
// Properties:
//
//   - Decode never panics, and stops with io.EOF, io.ErrUnexpectedEOF or a
//     *FormatError (the reader, a bytes.Reader, has no errors of its own);
//   - every decoded message re-encodes to exactly the bytes it came from,
//     so it decodes again to the same message;
//   - decoding one byte at a time gives the same messages and error.
func FuzzDecode(f *testing.F) {
	seeds := [][]byte{
		initialResponse,
		{},
		encode(f, Message{}),
		encode(f, Message{Headers: allTypes(), Payload: []byte("payload")}),
		encode(f, Error("InternalFailure", "boom"), Exception("ResourceInUseException", "application/json", []byte(`{"message":"x"}`))),
		prelude(MaxMessageLen+1, 0),
		prelude(16, 1),
		prelude(20, MaxHeadersLen+1),
		frame([]byte("\x01a\x07\x00\x05abc"), nil),
		frame([]byte("\x01a\x0a"), nil),
		frame([]byte("\x01a\x00\x01a\x01"), nil),
		frame([]byte("\x00\x00"), nil),
		initialResponse[:50],
	}
	for _, s := range seeds {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, data []byte, fix bool) {
		if fix {
			data = fixCRCs(bytes.Clone(data))
		}
		whole, wholeErr := fuzzDecodeAll(t, data, bytes.NewReader(data))
		bytewise, byteErr := fuzzDecodeAll(t, data, iotest.OneByteReader(bytes.NewReader(data)))
		if len(whole) != len(bytewise) || !sameError(wholeErr, byteErr) {
			t.Fatalf("whole: %d messages, %v; one byte at a time: %d messages, %v", len(whole), wholeErr, len(bytewise), byteErr)
		}
		for i := range whole {
			if !equalMessages(whole[i], bytewise[i]) {
				t.Fatalf("message %d differs when read one byte at a time", i)
			}
		}
	})
}

// fuzzDecodeAll decodes r, checking each message against the bytes it was
// read from.
func fuzzDecodeAll(t *testing.T, data []byte, r io.Reader) ([]Message, error) {
	d := NewDecoder(r)
	var ms []Message
	off := 0
	for {
		m, err := d.Decode()
		if err != nil {
			var fe *FormatError
			if err != io.EOF && err != io.ErrUnexpectedEOF && !errors.As(err, &fe) {
				t.Fatalf("unexpected error type %T: %v", err, err)
			}
			if fe != nil && fe.Offset != int64(off) {
				t.Fatalf("error offset %d, want %d", fe.Offset, off)
			}
			return ms, err
		}
		b, err := AppendMessage(nil, m)
		if err != nil {
			t.Fatalf("decoded message %d does not re-encode: %v", len(ms), err)
		}
		if !bytes.HasPrefix(data[off:], b) {
			t.Fatalf("message %d re-encodes differently:\n got % x\nwant % x", len(ms), b, data[off:min(len(data), off+len(b))])
		}
		again, err := NewDecoder(bytes.NewReader(b)).Decode()
		if err != nil || !equalMessages(again, m) {
			t.Fatalf("message %d does not decode again: %v", len(ms), err)
		}
		off += len(b)
		ms = append(ms, m)
	}
}

func sameError(a, b error) bool {
	var fa, fb *FormatError
	if errors.As(a, &fa) && errors.As(b, &fb) {
		return *fa == *fb
	}
	return a == b
}

// fixCRCs walks data as a stream and writes correct CRCs wherever the
// declared lengths put them.
func fixCRCs(data []byte) []byte {
	for off := 0; off+preludeLen <= len(data); {
		p := data[off:]
		binary.BigEndian.PutUint32(p[8:], crc32.ChecksumIEEE(p[:8]))
		total := int(binary.BigEndian.Uint32(p))
		if total < overhead || total > len(p) {
			break
		}
		binary.BigEndian.PutUint32(p[total-4:], crc32.ChecksumIEEE(p[:total-4]))
		off += total
	}
	return data
}
