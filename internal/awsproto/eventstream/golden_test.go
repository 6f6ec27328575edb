package eventstream

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"testing"
)

// initialResponse is the message that opens a SubscribeToShard stream,
// written out byte by byte from the format's description.
var initialResponse = bytes.Join([][]byte{
	// Prelude. Headers: 22 + 31 + 33 = 86 bytes; total: 12 + 86 + 2 + 4 = 104.
	{0x00, 0x00, 0x00, 0x68}, // total length 104
	{0x00, 0x00, 0x00, 0x56}, // headers length 86
	{0x4e, 0x68, 0x17, 0x24}, // CRC-32 of the 8 bytes above

	// :message-type = "event": 1 + 13 + 1 + 2 + 5 = 22 bytes.
	{0x0d}, []byte(":message-type"), {0x07}, {0x00, 0x05}, []byte("event"),
	// :event-type = "initial-response": 1 + 11 + 1 + 2 + 16 = 31 bytes.
	{0x0b}, []byte(":event-type"), {0x07}, {0x00, 0x10}, []byte("initial-response"),
	// :content-type = "application/json": 1 + 13 + 1 + 2 + 16 = 33 bytes.
	{0x0d}, []byte(":content-type"), {0x07}, {0x00, 0x10}, []byte("application/json"),

	[]byte("{}"),             // payload
	{0xfe, 0x94, 0x2c, 0x1d}, // CRC-32 of the 100 bytes above
}, nil)

func TestGoldenInitialResponse(t *testing.T) {
	// The two CRCs above are what CRC-32/IEEE gives for their bytes.
	if got := crc32.ChecksumIEEE(initialResponse[:8]); got != binary.BigEndian.Uint32(initialResponse[8:]) {
		t.Fatalf("the golden prelude CRC should be %#08x", got)
	}
	if got := crc32.ChecksumIEEE(initialResponse[:100]); got != binary.BigEndian.Uint32(initialResponse[100:]) {
		t.Fatalf("the golden message CRC should be %#08x", got)
	}
	if len(initialResponse) != 104 {
		t.Fatalf("the golden message is %d bytes, want 104", len(initialResponse))
	}

	m := Event("initial-response", "application/json", []byte("{}"))
	var buf bytes.Buffer
	if err := NewEncoder(&buf).Encode(m); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), initialResponse) {
		t.Fatalf("Encode:\n got % x\nwant % x", buf.Bytes(), initialResponse)
	}

	got, err := NewDecoder(bytes.NewReader(initialResponse)).Decode()
	if err != nil {
		t.Fatal(err)
	}
	if !equalMessages(got, m) {
		t.Fatalf("Decode = %+v, want %+v", got, m)
	}
	if got.StringHeader(HeaderMessageType) != "event" || got.StringHeader(HeaderEventType) != "initial-response" ||
		got.StringHeader(HeaderContentType) != "application/json" || string(got.Payload) != "{}" {
		t.Fatalf("Decode = %+v", got)
	}
}

// TestEmptyMessage: the smallest message is 16 bytes, and decodes to no
// headers and no payload (nil, not empty).
func TestEmptyMessage(t *testing.T) {
	b := encode(t, Message{})
	want := []byte{
		0x00, 0x00, 0x00, 0x10, // total length 16
		0x00, 0x00, 0x00, 0x00, // headers length 0
		0x05, 0xc2, 0x48, 0xeb, // CRC-32 of the 8 bytes above
		0x7d, 0x98, 0xc8, 0xff, // CRC-32 of the 12 bytes above
	}
	if !bytes.Equal(b, want) {
		t.Fatalf("got % x, want % x", b, want)
	}
	if crc32.ChecksumIEEE(want[:8]) != 0x05c248eb || crc32.ChecksumIEEE(want[:12]) != 0x7d98c8ff {
		t.Fatal("wrong CRC in the test")
	}
	m, err := NewDecoder(bytes.NewReader(b)).Decode()
	if err != nil || m.Headers != nil || m.Payload != nil {
		t.Fatalf("Decode = %#v, %v", m, err)
	}
}
