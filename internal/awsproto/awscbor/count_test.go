package awscbor

import (
	"testing"

	"github.com/fxamacker/cbor/v2"
)

func nodes(v any) int {
	switch t := v.(type) {
	case map[string]any:
		n := 1
		for _, child := range t {
			n += 1 + nodes(child)
		}
		return n
	case []any:
		n := 1
		for _, child := range t {
			n += nodes(child)
		}
		return n
	}
	return 1
}

func TestCountItems(t *testing.T) {
	body, _ := cbor.Marshal(map[string]any{"a": []any{1, 2, "three"}, "b": []byte("xyz"), "c": cbor.Tag{Number: 1, Content: 5}})
	if got := CountItems(body, 100); got != 11 {
		t.Errorf("CountItems = %d, want 11", got)
	}
	zeros := append([]byte{0xa1, 0x61, 'a', 0x9a, 0x00, 0x10, 0x00, 0x00}, make([]byte, 1<<20)...)
	if got := CountItems(zeros, 1000); got != 1001 {
		t.Errorf("past the limit: %d, want 1001", got)
	}
	for _, bad := range [][]byte{{0x1c}, {0x5a, 0xff}, {0x7b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}} {
		CountItems(bad, 100) // malformed heads end the walk; no panic
	}
}

// FuzzCountItems: CountItems never counts fewer items than the decoded
// tree has, and never panics.
func FuzzCountItems(f *testing.F) {
	for _, v := range []any{
		map[string]any{"a": 1}, map[string]any{"a": []any{1, nil, true, 1.5, "s", []byte{1}}, "b": map[string]any{"c": cbor.Tag{Number: 1, Content: 2}}},
	} {
		b, _ := cbor.Marshal(v)
		f.Add(b)
	}
	f.Add([]byte{0xbf, 0x61, 'a', 0x9f, 0x01, 0xff, 0xff})
	f.Add([]byte{0xa1, 0x61, 'a', 0x5f, 0x41, 0x00, 0x41, 0x01, 0xff})
	f.Fuzz(func(t *testing.T, body []byte) {
		got := CountItems(body, 1<<30)
		v, err := Decode(body)
		if err != nil {
			return
		}
		if n := nodes(v); got < n {
			t.Fatalf("CountItems(%x) = %d, the tree has %d items", body, got, n)
		}
	})
}
