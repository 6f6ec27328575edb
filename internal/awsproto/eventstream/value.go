package eventstream

import (
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"time"
)

// Type is the wire type of a header value: the byte after the header name.
type Type uint8

// The ten value types of the format.
const (
	TypeTrue      Type = 0 // boolean true; no value bytes
	TypeFalse     Type = 1 // boolean false; no value bytes
	TypeInt8      Type = 2 // the specification's "byte": 1 byte, signed
	TypeInt16     Type = 3
	TypeInt32     Type = 4
	TypeInt64     Type = 5
	TypeBytes     Type = 6 // u16 length, then the bytes
	TypeString    Type = 7 // u16 length, then UTF-8
	TypeTimestamp Type = 8 // int64 milliseconds since the Unix epoch
	TypeUUID      Type = 9 // 16 bytes

	// TypeInvalid is the type of the zero Value. It never goes on the wire.
	TypeInvalid Type = 0xff
)

var typeNames = [...]string{"true", "false", "int8", "int16", "int32", "int64", "bytes", "string", "timestamp", "uuid"}

func (t Type) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return "type " + strconv.Itoa(int(t))
}

// Value is a header value: one of the ten types, with its content. The zero
// Value is invalid (TypeInvalid), and the Encoder refuses it. Values are
// comparable with ==, and equal when they have the same type and content.
type Value struct {
	typ   Type
	valid bool
	n     int64  // Int8 to Int64; Timestamp in milliseconds
	s     string // Bytes, String; UUID as its 16 bytes
}

// BoolValue returns a TypeTrue or TypeFalse value.
func BoolValue(b bool) Value {
	if b {
		return Value{typ: TypeTrue, valid: true}
	}
	return Value{typ: TypeFalse, valid: true}
}

// Int8Value returns a TypeInt8 value (the specification's "byte").
func Int8Value(n int8) Value { return Value{typ: TypeInt8, valid: true, n: int64(n)} }

// Int16Value returns a TypeInt16 value.
func Int16Value(n int16) Value { return Value{typ: TypeInt16, valid: true, n: int64(n)} }

// Int32Value returns a TypeInt32 value.
func Int32Value(n int32) Value { return Value{typ: TypeInt32, valid: true, n: int64(n)} }

// Int64Value returns a TypeInt64 value.
func Int64Value(n int64) Value { return Value{typ: TypeInt64, valid: true, n: n} }

// BytesValue returns a TypeBytes value holding a copy of b.
func BytesValue(b []byte) Value { return Value{typ: TypeBytes, valid: true, s: string(b)} }

// StringValue returns a TypeString value.
func StringValue(s string) Value { return Value{typ: TypeString, valid: true, s: s} }

// TimestampValue returns a TypeTimestamp value. The wire keeps
// milliseconds: t is truncated to the millisecond (toward the past).
func TimestampValue(t time.Time) Value {
	return Value{typ: TypeTimestamp, valid: true, n: t.UnixMilli()}
}

// UUIDValue returns a TypeUUID value.
func UUIDValue(u [16]byte) Value { return Value{typ: TypeUUID, valid: true, s: string(u[:])} }

// Type returns the value's wire type, or TypeInvalid for the zero Value.
func (v Value) Type() Type {
	if !v.valid {
		return TypeInvalid
	}
	return v.typ
}

// Bool returns the value of a TypeTrue or TypeFalse value; ok is false for
// any other type.
func (v Value) Bool() (b, ok bool) {
	if !v.valid || (v.typ != TypeTrue && v.typ != TypeFalse) {
		return false, false
	}
	return v.typ == TypeTrue, true
}

// Int returns the value of an integer value (TypeInt8 to TypeInt64); ok is
// false for any other type.
func (v Value) Int() (n int64, ok bool) {
	if !v.valid || v.typ < TypeInt8 || v.typ > TypeInt64 {
		return 0, false
	}
	return v.n, true
}

// Bytes returns a copy of a TypeBytes value; ok is false for any other type.
func (v Value) Bytes() (b []byte, ok bool) {
	if !v.valid || v.typ != TypeBytes {
		return nil, false
	}
	return []byte(v.s), true
}

// Str returns a TypeString value; ok is false for any other type. (String
// is the printable form of any value.)
func (v Value) Str() (s string, ok bool) {
	if !v.valid || v.typ != TypeString {
		return "", false
	}
	return v.s, true
}

// Timestamp returns a TypeTimestamp value, in UTC; ok is false for any
// other type.
func (v Value) Timestamp() (t time.Time, ok bool) {
	if !v.valid || v.typ != TypeTimestamp {
		return time.Time{}, false
	}
	return time.UnixMilli(v.n).UTC(), true
}

// UUID returns a TypeUUID value; ok is false for any other type.
func (v Value) UUID() (u [16]byte, ok bool) {
	if !v.valid || v.typ != TypeUUID {
		return u, false
	}
	copy(u[:], v.s)
	return u, true
}

// String returns the value in a printable form, for logs and tests: the
// string itself, decimal integers, base64 bytes, RFC 3339 timestamps and
// 8-4-4-4-12 hex UUIDs.
func (v Value) String() string {
	if !v.valid {
		return "<invalid>"
	}
	switch v.typ {
	case TypeTrue:
		return "true"
	case TypeFalse:
		return "false"
	case TypeInt8, TypeInt16, TypeInt32, TypeInt64:
		return strconv.FormatInt(v.n, 10)
	case TypeBytes:
		return base64.StdEncoding.EncodeToString([]byte(v.s))
	case TypeString:
		return v.s
	case TypeTimestamp:
		return time.UnixMilli(v.n).UTC().Format("2006-01-02T15:04:05.000Z07:00")
	case TypeUUID:
		h := hex.EncodeToString([]byte(v.s))
		return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
	}
	return "<invalid>"
}

// wireLen is the number of bytes the value takes after its type byte.
func (v Value) wireLen() int {
	switch v.typ {
	case TypeInt8:
		return 1
	case TypeInt16:
		return 2
	case TypeInt32:
		return 4
	case TypeInt64, TypeTimestamp:
		return 8
	case TypeBytes, TypeString:
		return 2 + len(v.s)
	case TypeUUID:
		return 16
	}
	return 0
}
