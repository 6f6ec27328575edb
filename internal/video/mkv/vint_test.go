package mkv

import "testing"

func TestVintRoundTrip(t *testing.T) {
	for _, v := range []uint64{0, 1, 126, 127, 128, 16382, 16383, 16384, 1<<21 - 2, 1<<21 - 1, 1 << 35, 1<<56 - 2} {
		b := appendSize(nil, v)
		if len(b) != sizeLen(v) {
			t.Errorf("appendSize(%d) is %d bytes, sizeLen says %d", v, len(b), sizeLen(v))
		}
		got, n := parseVint(b)
		if got != v || n != len(b) {
			t.Errorf("parseVint(appendSize(%d) = % X) = %d, %d", v, b, got, n)
		}
	}
}

func TestParseVint(t *testing.T) {
	for _, tc := range []struct {
		in   []byte
		v    uint64
		n    int
		name string
	}{
		{[]byte{0x81}, 1, 1, "one byte"},
		{[]byte{0x40, 0x02}, 2, 2, "padded"},
		{[]byte{0xFF}, unknownSize, 1, "unknown, 1 byte"},
		{[]byte{0x7F, 0xFF}, unknownSize, 2, "unknown, 2 bytes"},
		{unknownSizeBytes[:], unknownSize, 8, "unknown, 8 bytes"},
		{[]byte{0x00, 0x01}, 0, -1, "invalid"},
		{[]byte{0x40}, 0, 0, "short"},
		{nil, 0, 0, "empty"},
	} {
		v, n := parseVint(tc.in)
		if v != tc.v || n != tc.n {
			t.Errorf("%s: parseVint(% X) = %d, %d; want %d, %d", tc.name, tc.in, v, n, tc.v, tc.n)
		}
	}
}

func TestParseID(t *testing.T) {
	for _, id := range []uint32{idVoid, idTimecodeScale, idDefaultDuration, idCluster, idEBML} {
		b := appendID(nil, id)
		got, n := parseID(b)
		if got != id || n != len(b) {
			t.Errorf("parseID(% X) = %X, %d", b, got, n)
		}
	}
	if _, n := parseID([]byte{0x08, 1, 2, 3, 4}); n != -1 {
		t.Errorf("a 5-byte ID parsed: n = %d", n)
	}
}

func TestIntegers(t *testing.T) {
	for _, v := range []int64{0, 1, -1, 127, -128, 128, -129, 1 << 40, -(1 << 40)} {
		b := appendInt(nil, 0x80, v)
		got, ok := readInt(b[2:])
		if !ok || got != v {
			t.Errorf("readInt(appendInt(%d)) = %d, %v", v, got, ok)
		}
	}
	for _, v := range []uint64{0, 255, 256, 1<<64 - 1} {
		b := appendUint(nil, 0x80, v)
		got, ok := readUint(b[2:])
		if !ok || got != v {
			t.Errorf("readUint(appendUint(%d)) = %d, %v", v, got, ok)
		}
	}
	if f, ok := readFloat([]byte{0x47, 0x3B, 0x80, 0x00}); !ok || f != 48000 {
		t.Errorf("readFloat(float32 48000) = %v, %v", f, ok)
	}
}
