package eventstream

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
)

func testStream(t *testing.T) ([]Message, []byte) {
	ms := []Message{
		Event("initial-response", "application/json", []byte("{}")),
		{Headers: allTypes(), Payload: bytes.Repeat([]byte("0123456789"), 10_000)},
		{},
		Exception("ResourceInUseException", "application/json", []byte(`{"message":"m"}`)),
	}
	return ms, encode(t, ms...)
}

// TestReadersInPieces decodes a stream through readers that return it in
// small and odd pieces; the messages must come out the same.
func TestReadersInPieces(t *testing.T) {
	ms, b := testStream(t)
	readers := map[string]func(io.Reader) io.Reader{
		"whole":   func(r io.Reader) io.Reader { return r },
		"onebyte": iotest.OneByteReader,
		"half":    iotest.HalfReader,
		"dataerr": iotest.DataErrReader, // io.EOF with the last bytes
		"trickle": func(r io.Reader) io.Reader { return &trickle{r: r} },
	}
	for name, wrap := range readers {
		t.Run(name, func(t *testing.T) {
			got, err := decodeAll(wrap(bytes.NewReader(b)))
			if err != nil || len(got) != len(ms) {
				t.Fatalf("decoded %d of %d messages, error %v", len(got), len(ms), err)
			}
			for i := range ms {
				if !equalMessages(got[i], ms[i]) {
					t.Errorf("message %d differs", i)
				}
			}
		})
	}
}

// trickle returns 1, 2, 3, ... 13 bytes, then again, to cut every field.
type trickle struct {
	r io.Reader
	n int
}

func (t *trickle) Read(p []byte) (int, error) {
	t.n = t.n%13 + 1
	return t.r.Read(p[:min(len(p), t.n)])
}

// TestTruncated cuts a stream at every byte: a cut between messages is a
// clean io.EOF after the whole messages, a cut inside one is
// io.ErrUnexpectedEOF, read one byte at a time or in one piece.
func TestTruncated(t *testing.T) {
	ms := []Message{
		Event("initial-response", "application/json", []byte("{}")),
		{Headers: allTypes(), Payload: []byte("xyz")},
		{},
	}
	b := encode(t, ms...)
	ends := map[int]int{0: 0} // message boundaries: offset -> messages before it
	off := 0
	for i, m := range ms {
		off += len(encode(t, m))
		ends[off] = i + 1
	}
	for cut := 0; cut <= len(b); cut++ {
		for _, r := range []io.Reader{bytes.NewReader(b[:cut]), iotest.OneByteReader(bytes.NewReader(b[:cut]))} {
			got, err := decodeAll(r)
			if n, ok := ends[cut]; ok {
				if err != nil || len(got) != n {
					t.Fatalf("cut at %d (a boundary): %d messages, error %v; want %d, io.EOF", cut, len(got), err, n)
				}
				continue
			}
			if err != io.ErrUnexpectedEOF {
				t.Fatalf("cut at %d: error %v, want io.ErrUnexpectedEOF", cut, err)
			}
		}
	}
}

// TestCorruptedCRC: flipping any bit of a message is a checksum error,
// never a different message (CRC-32 catches every single-bit error, and the
// prelude CRC is checked before its lengths are used).
func TestCorruptedCRC(t *testing.T) {
	b := encode(t, Message{Headers: allTypes(), Payload: []byte("payload")})
	for i := range b {
		for bit := range 8 {
			bad := bytes.Clone(b)
			bad[i] ^= 1 << bit
			got, err := decodeAll(bytes.NewReader(bad))
			if len(got) != 0 {
				t.Fatalf("flip at byte %d bit %d: decoded %d messages", i, bit, len(got))
			}
			if !errors.Is(err, ErrChecksum) {
				t.Fatalf("flip at byte %d bit %d: error %v, want ErrChecksum", i, bit, err)
			}
		}
	}

	// Which CRC, and where: the second message of a stream.
	first := encode(t, Event("a", "", nil))
	second := encode(t, Message{Payload: []byte("p")})
	for _, c := range []struct {
		at   int
		want string
	}{{8, "prelude CRC"}, {len(second) - 1, "message CRC"}, {13, "message CRC"}} {
		bad := bytes.Clone(second)
		bad[c.at] ^= 0xff
		got, err := decodeAll(bytes.NewReader(append(bytes.Clone(first), bad...)))
		wantFormatError(t, err, ErrChecksum)
		var fe *FormatError
		errors.As(err, &fe)
		if len(got) != 1 || fe.Offset != int64(len(first)) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("corrupt byte %d: %d messages, error %v; want 1 message, %s at offset %d", c.at, len(got), err, c.want, len(first))
		}
	}
}

func TestLengthLimits(t *testing.T) {
	cases := []struct {
		name        string
		total, hlen uint32
	}{
		{"total under 16", 15, 0},
		{"total zero", 0, 0},
		{"total over 16 MiB", MaxMessageLen + 1, 0},
		{"total max uint32", 1<<32 - 1, 0},
		{"headers over 128 KiB", MaxMessageLen, MaxHeadersLen + 1},
		{"headers past the end", 100, 85},
		{"headers max uint32", 100, 1<<32 - 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// The prelude alone, with a valid CRC: the lengths are refused
			// before anything more is read.
			_, err := decodeAll(bytes.NewReader(prelude(c.total, c.hlen)))
			wantFormatError(t, err, ErrLength)
		})
	}

	// The limits themselves are accepted.
	for _, c := range []struct {
		name        string
		total, hlen int
	}{{"16 MiB message", MaxMessageLen, 0}, {"128 KiB of headers", overhead + MaxHeadersLen, MaxHeadersLen}} {
		t.Run(c.name, func(t *testing.T) {
			// Headers of 204 bytes (a 200-byte name, empty bytes), the last
			// one cut to fill the section exactly.
			var headers []byte
			for i := 0; len(headers) < c.hlen; i++ {
				h := make([]byte, 0, 300)
				name := []byte(strings.Repeat("h", 200))
				binary.BigEndian.PutUint32(name, uint32(i))
				h = append(h, byte(len(name)))
				h = append(h, name...)
				h = append(h, byte(TypeBytes), 0, 0)
				if rest := c.hlen - len(headers); len(h) > rest {
					h = h[:0]
					h = append(h, byte(rest-4))
					h = append(h, name[:rest-4]...)
					h = append(h, byte(TypeBytes), 0, 0)
					h = h[:rest]
				}
				headers = append(headers, h...)
			}
			b := frame(headers, make([]byte, c.total-overhead-len(headers)))
			if len(b) != c.total {
				t.Fatalf("test built %d bytes", len(b))
			}
			got, err := decodeAll(bytes.NewReader(b))
			if err != nil || len(got) != 1 {
				t.Fatalf("%d messages, error %v", len(got), err)
			}
			if again := encode(t, got[0]); !bytes.Equal(again, b) {
				t.Fatal("re-encoding differs")
			}
		})
	}
}

// TestMalformedHeaders hands the decoder headers sections with correct
// lengths and CRCs but broken contents.
func TestMalformedHeaders(t *testing.T) {
	cases := []struct {
		name    string
		headers string
		kind    error
	}{
		{"empty name", "\x00\x00", ErrHeader},
		{"name past the end", "\x05abc", ErrHeader},
		{"no type byte", "\x01a", ErrHeader},
		{"unknown type 10", "\x01a\x0a", ErrHeader},
		{"unknown type 255", "\x01a\xff", ErrHeader},
		{"int8 truncated", "\x01a\x02", ErrHeader},
		{"int16 truncated", "\x01a\x03\x00", ErrHeader},
		{"int32 truncated", "\x01a\x04\x00\x00\x00", ErrHeader},
		{"int64 truncated", "\x01a\x05\x00\x00\x00\x00\x00\x00\x00", ErrHeader},
		{"timestamp truncated", "\x01a\x08\x00", ErrHeader},
		{"uuid truncated", "\x01a\x09" + strings.Repeat("\x00", 15), ErrHeader},
		{"string length truncated", "\x01a\x07\x00", ErrHeader},
		{"string truncated", "\x01a\x07\x00\x05abcd", ErrHeader},
		{"bytes truncated", "\x01a\x06\x00\x01", ErrHeader},
		{"string over 32767 bytes", "\x01a\x07\x80\x00" + strings.Repeat("x", 1<<15), ErrLength},
		{"bytes over 32767 bytes", "\x01a\x06\xff\xff", ErrLength},
		{"duplicate", "\x01a\x00\x01b\x00\x01a\x01", ErrHeader},
		{"duplicate past the scan", manyHeaders(20) + "\x03h05\x00", ErrHeader},
		{"garbage after a good header", "\x01a\x00\x00", ErrHeader},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := decodeAll(bytes.NewReader(frame([]byte(c.headers), []byte("payload"))))
			wantFormatError(t, err, c.kind)
		})
	}
	// Many distinct headers are fine.
	got, err := decodeAll(bytes.NewReader(frame([]byte(manyHeaders(1000)), nil)))
	if err != nil || len(got) != 1 || len(got[0].Headers) != 1000 {
		t.Fatalf("1000 headers: %d messages, error %v", len(got), err)
	}
}

// manyHeaders returns n boolean headers called h00, h01, ...
func manyHeaders(n int) string {
	var b strings.Builder
	for i := range n {
		name := []byte{'h', byte('0' + i/100%10), byte('0' + i/10%10), byte('0' + i%10)}
		if n <= 100 {
			name = append(name[:1], name[2:]...)
		}
		b.WriteByte(byte(len(name)))
		b.Write(name)
		b.WriteByte(byte(TypeTrue))
	}
	return b.String()
}

// TestErrorsAreFinal: after an error, Decode keeps returning it without
// reading again; io.EOF too.
func TestErrorsAreFinal(t *testing.T) {
	good := encode(t, Message{})
	bad := bytes.Clone(good)
	bad[15] ^= 1
	d := NewDecoder(bytes.NewReader(append(bad, good...)))
	_, err1 := d.Decode()
	_, err2 := d.Decode()
	if err1 == nil || err1 != err2 {
		t.Fatalf("errors %v then %v, want the same", err1, err2)
	}

	d = NewDecoder(bytes.NewReader(good))
	if _, err := d.Decode(); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := d.Decode(); err != io.EOF {
			t.Fatalf("got %v, want io.EOF", err)
		}
	}
}

// TestReaderErrors: the reader's own errors come back as they are.
func TestReaderErrors(t *testing.T) {
	boom := errors.New("boom")
	if _, err := NewDecoder(iotest.ErrReader(boom)).Decode(); err != boom {
		t.Fatalf("got %v, want boom", err)
	}
	b := encode(t, Event("e", "", []byte("payload")))
	r := io.MultiReader(bytes.NewReader(b[:20]), iotest.ErrReader(boom))
	if _, err := NewDecoder(r).Decode(); err != boom {
		t.Fatalf("got %v, want boom", err)
	}
	// TimeoutReader fails its second read: the error is kept, and final.
	d := NewDecoder(iotest.TimeoutReader(iotest.OneByteReader(bytes.NewReader(b))))
	if _, err := d.Decode(); err != iotest.ErrTimeout {
		t.Fatalf("got %v, want ErrTimeout", err)
	}
	if _, err := d.Decode(); err != iotest.ErrTimeout {
		t.Fatalf("second call: got %v, want ErrTimeout", err)
	}
}

// TestDecoderReadsNoFurther: the decoder consumes exactly the messages.
func TestDecoderReadsNoFurther(t *testing.T) {
	b := append(encode(t, Event("e", "", []byte("x"))), "trailer"...)
	r := bytes.NewReader(b)
	if _, err := NewDecoder(r).Decode(); err != nil {
		t.Fatal(err)
	}
	if rest, _ := io.ReadAll(r); string(rest) != "trailer" {
		t.Fatalf("left %q", rest)
	}
}

// TestAllocationFollowsData: a prelude that declares 16 MiB, followed by
// little, costs the first chunk, not 16 MiB.
func TestAllocationFollowsData(t *testing.T) {
	b := append(prelude(MaxMessageLen, 0), make([]byte, 1000)...)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range 10 {
		if _, err := decodeAll(bytes.NewReader(b)); err != io.ErrUnexpectedEOF {
			t.Fatalf("got %v", err)
		}
	}
	runtime.ReadMemStats(&after)
	if perCall := (after.TotalAlloc - before.TotalAlloc) / 10; perCall > 2*firstChunk {
		t.Fatalf("%d bytes allocated per truncated 16 MiB message", perCall)
	}
}

// TestDecodedMessagesOwnTheirMemory: a message's payload is not overwritten
// by the next one.
func TestDecodedMessagesOwnTheirMemory(t *testing.T) {
	d := NewDecoder(bytes.NewReader(encode(t, Message{Payload: []byte("first")}, Message{Payload: []byte("other")})))
	m1, _ := d.Decode()
	m2, _ := d.Decode()
	if string(m1.Payload) != "first" || string(m2.Payload) != "other" {
		t.Fatalf("payloads %q, %q", m1.Payload, m2.Payload)
	}
	if cap(m1.Payload) != len(m1.Payload) {
		t.Fatal("the payload's capacity reaches into the CRC")
	}
}
