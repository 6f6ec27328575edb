package eventstream

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"unicode/utf8"
)

// writes records each Write call.
type writes struct{ calls [][]byte }

func (w *writes) Write(p []byte) (int, error) {
	w.calls = append(w.calls, bytes.Clone(p))
	return len(p), nil
}

func TestOneWritePerMessage(t *testing.T) {
	w := &writes{}
	enc := NewEncoder(w)
	ms := []Message{
		Event("initial-response", "application/json", []byte("{}")),
		{Headers: allTypes(), Payload: bytes.Repeat([]byte("x"), 5<<20)}, // past maxRetained
		Error("InternalFailure", "oops"),
	}
	for _, m := range ms {
		if err := enc.Encode(m); err != nil {
			t.Fatal(err)
		}
	}
	if len(w.calls) != len(ms) {
		t.Fatalf("%d writes for %d messages", len(w.calls), len(ms))
	}
	for i, m := range ms {
		if !bytes.Equal(w.calls[i], encode(t, m)) {
			t.Errorf("write %d is not message %d", i, i)
		}
	}
}

func TestEncodeLimits(t *testing.T) {
	long := strings.Repeat("v", MaxValueLen+1)
	cases := []struct {
		name string
		m    Message
		kind error
	}{
		{"empty name", Message{Headers: []Header{{"", BoolValue(true)}}}, ErrHeader},
		{"name of 256 bytes", Message{Headers: []Header{{strings.Repeat("n", 256), BoolValue(true)}}}, ErrLength},
		{"zero value", Message{Headers: []Header{{"a", Value{}}}}, ErrHeader},
		{"duplicate", Message{Headers: []Header{{"a", BoolValue(true)}, {"b", BoolValue(true)}, {"a", Int8Value(1)}}}, ErrHeader},
		{"duplicate past the scan", Message{Headers: append(numbered(20), Header{"h7", BoolValue(true)})}, ErrHeader},
		{"string of 32768 bytes", Message{Headers: []Header{{"a", StringValue(long)}}}, ErrLength},
		{"bytes of 32768 bytes", Message{Headers: []Header{{"a", BytesValue([]byte(long))}}}, ErrLength},
		{"headers over 128 KiB", Message{Headers: bigHeaders(5)}, ErrLength},
		{"message over 16 MiB", Message{Payload: make([]byte, MaxMessageLen-overhead+1)}, ErrLength},
		{"message over 16 MiB with headers", Message{Headers: []Header{{"a", BoolValue(true)}}, Payload: make([]byte, MaxMessageLen-overhead-2)}, ErrLength},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := &writes{}
			enc := NewEncoder(w)
			if err := enc.Encode(Message{}); err != nil {
				t.Fatal(err)
			}
			err := enc.Encode(c.m)
			wantFormatError(t, err, c.kind)
			var fe *FormatError
			errors.As(err, &fe)
			if fe.Offset != overhead {
				t.Errorf("error offset %d, want %d", fe.Offset, overhead)
			}
			if len(w.calls) != 1 {
				t.Errorf("a refused message was written")
			}
			// The encoder is still usable.
			if err := enc.Encode(Message{}); err != nil || len(w.calls) != 2 {
				t.Errorf("after a refused message: %v", err)
			}

			dst := []byte("prefix")
			out, err := AppendMessage(dst, c.m)
			wantFormatError(t, err, c.kind)
			if string(out) != "prefix" {
				t.Errorf("AppendMessage changed dst on error")
			}
		})
	}

	// Exactly at the limits is fine.
	ok := []Message{
		{Headers: []Header{{strings.Repeat("n", MaxNameLen), StringValue(long[1:])}}},
		{Payload: make([]byte, MaxMessageLen-overhead)},
		{Headers: numbered(100)},
	}
	for _, m := range ok {
		b, err := AppendMessage(nil, m)
		if err != nil {
			t.Fatalf("refused a message at the limits: %v", err)
		}
		got, err := decodeAll(bytes.NewReader(b))
		if err != nil || len(got) != 1 || !equalMessages(got[0], m) {
			t.Fatalf("round trip at the limits: %v", err)
		}
	}
}

// numbered returns n headers called h0, h1, ...
func numbered(n int) []Header {
	hs := make([]Header, n)
	for i := range hs {
		hs[i] = Header{"h" + strings.Repeat("x", i/10) + string(rune('0'+i%10)), BoolValue(true)}
	}
	return hs
}

// bigHeaders returns n headers of MaxValueLen-byte strings (32 KiB each).
func bigHeaders(n int) []Header {
	hs := make([]Header, n)
	for i := range hs {
		hs[i] = Header{string(rune('a' + i)), StringValue(strings.Repeat("v", MaxValueLen))}
	}
	return hs
}

type failWriter struct {
	n   int // bytes to accept
	err error
}

func (w *failWriter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		return w.n, w.err
	}
	return len(p), nil
}

func TestWriteErrorsAreFinal(t *testing.T) {
	boom := errors.New("boom")
	enc := NewEncoder(&failWriter{n: 5, err: boom})
	if err := enc.Encode(Event("e", "", nil)); err != boom {
		t.Fatalf("got %v, want boom", err)
	}
	if err := enc.Encode(Message{}); err != boom {
		t.Fatalf("after a failed write: got %v, want boom", err)
	}

	// A writer that writes less and says nothing is a short write.
	enc = NewEncoder(&failWriter{n: 5})
	if err := enc.Encode(Event("e", "", nil)); err != io.ErrShortWrite {
		t.Fatalf("got %v, want io.ErrShortWrite", err)
	}
}

func TestEncodeReusesItsBuffer(t *testing.T) {
	enc := NewEncoder(io.Discard)
	m := Event("SubscribeToShardEvent", "application/json", bytes.Repeat([]byte("r"), 64<<10))
	if err := enc.Encode(m); err != nil {
		t.Fatal(err)
	}
	if allocs := testing.AllocsPerRun(100, func() { enc.Encode(m) }); allocs != 0 {
		t.Fatalf("%v allocations per Encode", allocs)
	}
}

func TestConventions(t *testing.T) {
	type hdr = map[string]string
	cases := []struct {
		m    Message
		want hdr
	}{
		{Event("SubscribeToShardEvent", "application/json", []byte("{}")),
			hdr{":message-type": "event", ":event-type": "SubscribeToShardEvent", ":content-type": "application/json"}},
		{Event("initial-response", "", nil),
			hdr{":message-type": "event", ":event-type": "initial-response"}},
		{Exception("ResourceInUseException", "application/x-amz-cbor-1.1", []byte{0xa0}),
			hdr{":message-type": "exception", ":exception-type": "ResourceInUseException", ":content-type": "application/x-amz-cbor-1.1"}},
		{Error("InternalFailure", "it broke"),
			hdr{":message-type": "error", ":error-code": "InternalFailure", ":error-message": "it broke"}},
	}
	for _, c := range cases {
		got := hdr{}
		for _, h := range c.m.Headers {
			s, ok := h.Value.Str()
			if !ok {
				t.Errorf("header %s is a %v", h.Name, h.Value.Type())
			}
			got[h.Name] = s
		}
		if len(got) != len(c.want) {
			t.Errorf("headers %v, want %v", got, c.want)
		}
		for k, v := range c.want {
			if got[k] != v || c.m.StringHeader(k) != v {
				t.Errorf("header %s = %q, want %q", k, got[k], v)
			}
		}
		if _, err := AppendMessage(nil, c.m); err != nil {
			t.Error(err)
		}
	}

	m := Message{Headers: []Header{{"n", Int32Value(1)}}}
	if v, ok := m.Header("n"); !ok || v != Int32Value(1) {
		t.Errorf("Header(n) = %v, %v", v, ok)
	}
	if _, ok := m.Header("missing"); ok {
		t.Error("Header(missing) found something")
	}
	if m.StringHeader("n") != "" || m.StringHeader("missing") != "" {
		t.Error("StringHeader of a non-string or missing header is not empty")
	}
}

func TestErrorMessageIsCutToFit(t *testing.T) {
	msg := strings.Repeat("é", MaxValueLen) // 2 bytes each
	m := Error("InternalFailure", msg)
	got := m.StringHeader(HeaderErrorMessage)
	if len(got) > MaxValueLen || len(got) < MaxValueLen-utf8.UTFMax || !utf8.ValidString(got) {
		t.Fatalf("cut to %d bytes, valid UTF-8 %v", len(got), utf8.ValidString(got))
	}
	if _, err := AppendMessage(nil, m); err != nil {
		t.Fatal(err)
	}
	if got := truncate("abc", 2); got != "ab" {
		t.Fatalf("truncate = %q", got)
	}
}
