package eventstream

import (
	"bytes"
	"math"
	"strings"
	"testing"
	"time"
)

// TestRoundTripEveryType encodes and decodes one message per header value,
// every type at its edges, and checks the value and the bytes it took.
func TestRoundTripEveryType(t *testing.T) {
	long := strings.Repeat("x", MaxValueLen)
	cases := []struct {
		v    Value
		typ  Type
		wire int // bytes after the type byte
	}{
		{BoolValue(true), TypeTrue, 0},
		{BoolValue(false), TypeFalse, 0},
		{Int8Value(0), TypeInt8, 1},
		{Int8Value(-1), TypeInt8, 1},
		{Int8Value(math.MinInt8), TypeInt8, 1},
		{Int8Value(math.MaxInt8), TypeInt8, 1},
		{Int16Value(-1), TypeInt16, 2},
		{Int16Value(math.MinInt16), TypeInt16, 2},
		{Int16Value(math.MaxInt16), TypeInt16, 2},
		{Int32Value(-1), TypeInt32, 4},
		{Int32Value(math.MinInt32), TypeInt32, 4},
		{Int32Value(math.MaxInt32), TypeInt32, 4},
		{Int64Value(-1), TypeInt64, 8},
		{Int64Value(math.MinInt64), TypeInt64, 8},
		{Int64Value(math.MaxInt64), TypeInt64, 8},
		{BytesValue(nil), TypeBytes, 2},
		{BytesValue([]byte{0, 0xff}), TypeBytes, 4},
		{BytesValue([]byte(long)), TypeBytes, 2 + MaxValueLen},
		{StringValue(""), TypeString, 2},
		{StringValue("héllo"), TypeString, 2 + len("héllo")},
		{StringValue(long), TypeString, 2 + MaxValueLen},
		{StringValue("\xff\xfe not UTF-8"), TypeString, 2 + 12},
		{TimestampValue(time.UnixMilli(0)), TypeTimestamp, 8},
		{TimestampValue(time.UnixMilli(-1)), TypeTimestamp, 8},
		{TimestampValue(time.UnixMilli(1_700_000_000_123)), TypeTimestamp, 8},
		{TimestampValue(time.UnixMilli(math.MaxInt64)), TypeTimestamp, 8},
		{UUIDValue([16]byte{}), TypeUUID, 16},
		{UUIDValue(testUUID), TypeUUID, 16},
	}
	for _, c := range cases {
		if c.v.Type() != c.typ {
			t.Errorf("%v: Type() = %v, want %v", c.v, c.v.Type(), c.typ)
		}
		m := Message{Headers: []Header{{"h", c.v}}, Payload: []byte("p")}
		b := encode(t, m)
		if want := overhead + 1 + 1 + 1 + c.wire + 1; len(b) != want {
			t.Errorf("%v %v: encoded in %d bytes, want %d", c.typ, c.v, len(b), want)
		}
		got, err := decodeAll(bytes.NewReader(b))
		if err != nil || len(got) != 1 {
			t.Fatalf("%v %v: decoded %d messages, error %v", c.typ, c.v, len(got), err)
		}
		if !equalMessages(got[0], m) {
			t.Errorf("%v: decoded %v, want %v", c.typ, got[0].Headers[0].Value, c.v)
		}
	}
}

func TestAllTypesInOneMessage(t *testing.T) {
	m := Message{Headers: allTypes(), Payload: []byte(`{"a":1}`)}
	got, err := decodeAll(bytes.NewReader(encode(t, m, m)))
	if err != nil || len(got) != 2 {
		t.Fatalf("decoded %d messages, error %v", len(got), err)
	}
	for _, g := range got {
		if !equalMessages(g, m) {
			t.Errorf("decoded %+v, want %+v", g, m)
		}
	}
}

func TestAccessors(t *testing.T) {
	ts := time.Date(2024, 2, 29, 12, 30, 45, 678_999_999, time.FixedZone("x", 3600))
	vals := map[Type]Value{
		TypeTrue:      BoolValue(true),
		TypeFalse:     BoolValue(false),
		TypeInt8:      Int8Value(-5),
		TypeInt16:     Int16Value(-300),
		TypeInt32:     Int32Value(-70000),
		TypeInt64:     Int64Value(-1 << 40),
		TypeBytes:     BytesValue([]byte("ab")),
		TypeString:    StringValue("s"),
		TypeTimestamp: TimestampValue(ts),
		TypeUUID:      UUIDValue(testUUID),
		TypeInvalid:   {},
	}
	for typ, v := range vals {
		b, ok := v.Bool()
		if wantOK := typ == TypeTrue || typ == TypeFalse; ok != wantOK || b != (typ == TypeTrue) {
			t.Errorf("%v: Bool() = %v, %v", typ, b, ok)
		}
		n, ok := v.Int()
		if wantOK := typ >= TypeInt8 && typ <= TypeInt64; ok != wantOK || (!ok && n != 0) {
			t.Errorf("%v: Int() = %v, %v", typ, n, ok)
		}
		if by, ok := v.Bytes(); ok != (typ == TypeBytes) || (ok && string(by) != "ab") {
			t.Errorf("%v: Bytes() = %q, %v", typ, by, ok)
		}
		if s, ok := v.Str(); ok != (typ == TypeString) || (ok && s != "s") {
			t.Errorf("%v: Str() = %q, %v", typ, s, ok)
		}
		want := time.Date(2024, 2, 29, 11, 30, 45, 678_000_000, time.UTC)
		if tm, ok := v.Timestamp(); ok != (typ == TypeTimestamp) || (ok && (!tm.Equal(want) || tm.Location() != time.UTC)) {
			t.Errorf("%v: Timestamp() = %v, %v", typ, tm, ok)
		}
		if u, ok := v.UUID(); ok != (typ == TypeUUID) || (ok && u != testUUID) {
			t.Errorf("%v: UUID() = %x, %v", typ, u, ok)
		}
	}
	for _, c := range []struct {
		v    Value
		want int64
	}{{Int8Value(-5), -5}, {Int16Value(-300), -300}, {Int32Value(-70000), -70000}, {Int64Value(-1 << 40), -1 << 40}} {
		if n, _ := c.v.Int(); n != c.want {
			t.Errorf("%v: Int() = %d, want %d", c.v.Type(), n, c.want)
		}
	}
}

func TestValueString(t *testing.T) {
	cases := []struct {
		v    Value
		want string
	}{
		{BoolValue(true), "true"},
		{BoolValue(false), "false"},
		{Int8Value(-128), "-128"},
		{Int64Value(math.MaxInt64), "9223372036854775807"},
		{BytesValue([]byte{0xfb, 0xff}), "+/8="},
		{StringValue("event"), "event"},
		{TimestampValue(time.UnixMilli(1_700_000_000_123)), "2023-11-14T22:13:20.123Z"},
		{UUIDValue(testUUID), "919108f7-52d1-4320-9bac-f847db4148a8"},
		{Value{}, "<invalid>"},
	}
	for _, c := range cases {
		if got := c.v.String(); got != c.want {
			t.Errorf("%v String() = %q, want %q", c.v.Type(), got, c.want)
		}
	}
	if got := Type(10).String(); got != "type 10" {
		t.Errorf("Type(10).String() = %q", got)
	}
}

func TestValuesAreComparable(t *testing.T) {
	a, b := StringValue("a"), StringValue("a")
	if a != b || BytesValue([]byte("a")) == a {
		t.Error("== compares type and content")
	}
	if Int8Value(1) == Int16Value(1) {
		t.Error("integers of different types are different values")
	}
	if (Value{}) == BoolValue(true) {
		t.Error("the zero Value is not boolean true")
	}
	raw := []byte("ab")
	v := BytesValue(raw)
	raw[0] = 'x'
	if got, _ := v.Bytes(); string(got) != "ab" {
		t.Error("BytesValue keeps a copy")
	}
}
