package eventstream

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	sdk "github.com/aws/aws-sdk-go-v2/aws/protocol/eventstream"
	smithy "github.com/aws/smithy-go/eventstream"
)

// Two independent implementations check this one: aws-sdk-go-v2's
// aws/protocol/eventstream, and smithy-go's eventstream, which is what the
// schema-based clients (service/kinesis from v1.55.0) actually decode with.

func interopMessages() []Message {
	return []Message{
		Event("initial-response", "application/json", []byte("{}")),
		Event("SubscribeToShardEvent", "application/x-amz-cbor-1.1", bytes.Repeat([]byte{0xa5}, 70_000)),
		Exception("ResourceInUseException", "application/json", []byte(`{"message":"busy"}`)),
		Error("InternalFailure", "something broke"),
		{Headers: allTypes(), Payload: []byte("all ten types")},
		{Headers: []Header{{strings.Repeat("n", MaxNameLen), StringValue(strings.Repeat("v", MaxValueLen))}}},
		{Payload: []byte("no headers")},
		{},
	}
}

func TestInteropSDKDecodesOurs(t *testing.T) {
	ms := interopMessages()
	var buf bytes.Buffer
	enc := NewEncoder(&buf)
	for _, m := range ms {
		if err := enc.Encode(m); err != nil {
			t.Fatal(err)
		}
	}
	stream := buf.Bytes()

	t.Run("aws-sdk-go-v2", func(t *testing.T) {
		dec := sdk.NewDecoder()
		r := bytes.NewReader(stream)
		for i, want := range ms {
			got, err := dec.Decode(r, nil)
			if err != nil {
				t.Fatalf("message %d: %v", i, err)
			}
			checkSame(t, i, want, fromSDKHeaders(got.Headers), got.Payload)
		}
		if r.Len() != 0 {
			t.Fatalf("%d bytes left over", r.Len())
		}
	})
	t.Run("smithy-go", func(t *testing.T) {
		dec := smithy.NewDecoder()
		r := bytes.NewReader(stream)
		for i, want := range ms {
			got, err := dec.Decode(r, nil)
			if err != nil {
				t.Fatalf("message %d: %v", i, err)
			}
			checkSame(t, i, want, fromSmithyHeaders(got.Headers), got.Payload)
		}
		if r.Len() != 0 {
			t.Fatalf("%d bytes left over", r.Len())
		}
	})
}

func TestInteropWeDecodeSDK(t *testing.T) {
	ms := interopMessages()
	encodeWith := map[string]func(io.Writer, Message) error{
		"aws-sdk-go-v2": func(w io.Writer, m Message) error {
			return sdk.NewEncoder().Encode(w, sdk.Message{Headers: toSDKHeaders(m.Headers), Payload: m.Payload})
		},
		"smithy-go": func(w io.Writer, m Message) error {
			return smithy.NewEncoder().Encode(w, smithy.Message{Headers: toSmithyHeaders(m.Headers), Payload: m.Payload})
		},
	}
	for name, enc := range encodeWith {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			for _, m := range ms {
				if err := enc(&buf, m); err != nil {
					t.Fatal(err)
				}
			}
			ours := encode(t, ms...)
			if !bytes.Equal(buf.Bytes(), ours) {
				t.Errorf("%s encodes differently from us", name)
			}
			got, err := decodeAll(&buf)
			if err != nil || len(got) != len(ms) {
				t.Fatalf("decoded %d messages of %d, error %v", len(got), len(ms), err)
			}
			for i := range ms {
				checkSame(t, i, ms[i], got[i].Headers, got[i].Payload)
			}
		})
	}
}

// TestInteropSDKRejectsCorruption: both sides agree that a flipped bit is
// an error, so a corrupt frame from either side is never taken for data.
func TestInteropSDKRejectsCorruption(t *testing.T) {
	good := encode(t, Event("SubscribeToShardEvent", "application/json", []byte(`{"Records":[]}`)))
	for i := range good {
		bad := bytes.Clone(good)
		bad[i] ^= 0x10
		if _, err := sdk.NewDecoder().Decode(bytes.NewReader(bad), nil); err == nil {
			t.Errorf("aws-sdk-go-v2 accepts a flip at byte %d", i)
		}
		if _, err := decodeAll(bytes.NewReader(bad)); err == nil {
			t.Errorf("we accept a flip at byte %d", i)
		}
	}
}

func checkSame(t *testing.T, i int, want Message, headers []Header, payload []byte) {
	t.Helper()
	got := Message{Headers: headers, Payload: payload}
	if !equalMessages(got, want) {
		t.Errorf("message %d:\n got %s\nwant %s", i, describe(got), describe(want))
	}
}

func describe(m Message) string {
	var b strings.Builder
	for _, h := range m.Headers {
		v := h.Value.String()
		if len(v) > 40 {
			v = v[:40] + "..."
		}
		fmt.Fprintf(&b, "%s:%v=%s ", h.Name, h.Value.Type(), v)
	}
	fmt.Fprintf(&b, "payload %d bytes", len(m.Payload))
	return b.String()
}

func toSDKHeaders(hs []Header) sdk.Headers {
	var out sdk.Headers
	for _, h := range hs {
		var v sdk.Value
		n, _ := h.Value.Int()
		switch h.Value.Type() {
		case TypeTrue, TypeFalse:
			b, _ := h.Value.Bool()
			v = sdk.BoolValue(b)
		case TypeInt8:
			v = sdk.Int8Value(n)
		case TypeInt16:
			v = sdk.Int16Value(n)
		case TypeInt32:
			v = sdk.Int32Value(n)
		case TypeInt64:
			v = sdk.Int64Value(n)
		case TypeBytes:
			b, _ := h.Value.Bytes()
			v = sdk.BytesValue(b)
		case TypeString:
			s, _ := h.Value.Str()
			v = sdk.StringValue(s)
		case TypeTimestamp:
			ts, _ := h.Value.Timestamp()
			v = sdk.TimestampValue(ts)
		case TypeUUID:
			u, _ := h.Value.UUID()
			v = sdk.UUIDValue(u)
		}
		out = append(out, sdk.Header{Name: h.Name, Value: v})
	}
	return out
}

func fromSDKHeaders(hs sdk.Headers) []Header {
	var out []Header
	for _, h := range hs {
		var v Value
		switch x := h.Value.(type) {
		case sdk.BoolValue:
			v = BoolValue(bool(x))
		case sdk.Int8Value:
			v = Int8Value(int8(x))
		case sdk.Int16Value:
			v = Int16Value(int16(x))
		case sdk.Int32Value:
			v = Int32Value(int32(x))
		case sdk.Int64Value:
			v = Int64Value(int64(x))
		case sdk.BytesValue:
			v = BytesValue(x)
		case sdk.StringValue:
			v = StringValue(string(x))
		case sdk.TimestampValue:
			v = TimestampValue(time.Time(x))
		case sdk.UUIDValue:
			v = UUIDValue(x)
		}
		out = append(out, Header{h.Name, v})
	}
	return out
}

func toSmithyHeaders(hs []Header) smithy.Headers {
	var out smithy.Headers
	for _, h := range hs {
		var v smithy.Value
		n, _ := h.Value.Int()
		switch h.Value.Type() {
		case TypeTrue, TypeFalse:
			b, _ := h.Value.Bool()
			v = smithy.BoolValue(b)
		case TypeInt8:
			v = smithy.Int8Value(n)
		case TypeInt16:
			v = smithy.Int16Value(n)
		case TypeInt32:
			v = smithy.Int32Value(n)
		case TypeInt64:
			v = smithy.Int64Value(n)
		case TypeBytes:
			b, _ := h.Value.Bytes()
			v = smithy.BytesValue(b)
		case TypeString:
			s, _ := h.Value.Str()
			v = smithy.StringValue(s)
		case TypeTimestamp:
			ts, _ := h.Value.Timestamp()
			v = smithy.TimestampValue(ts)
		case TypeUUID:
			u, _ := h.Value.UUID()
			v = smithy.UUIDValue(u)
		}
		out = append(out, smithy.Header{Name: h.Name, Value: v})
	}
	return out
}

func fromSmithyHeaders(hs smithy.Headers) []Header {
	var out []Header
	for _, h := range hs {
		var v Value
		switch x := h.Value.(type) {
		case smithy.BoolValue:
			v = BoolValue(bool(x))
		case smithy.Int8Value:
			v = Int8Value(int8(x))
		case smithy.Int16Value:
			v = Int16Value(int16(x))
		case smithy.Int32Value:
			v = Int32Value(int32(x))
		case smithy.Int64Value:
			v = Int64Value(int64(x))
		case smithy.BytesValue:
			v = BytesValue(x)
		case smithy.StringValue:
			v = StringValue(string(x))
		case smithy.TimestampValue:
			v = TimestampValue(time.Time(x))
		case smithy.UUIDValue:
			v = UUIDValue(x)
		}
		out = append(out, Header{h.Name, v})
	}
	return out
}
