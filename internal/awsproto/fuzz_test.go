package awsproto_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/fxamacker/cbor/v2"
)

// FuzzJSONRequest sends arbitrary bytes as a JSON 1.1 body. Properties: the
// handler never panics or hangs; it answers 200 with a JSON object, or an
// AWS error (400/500) whose body is a JSON object with a __type.
func FuzzJSONRequest(f *testing.F) {
	for _, s := range []string{
		`{"Name":"abc","Count":3,"Data":"AAE=","When":1459799926.48,"Items":["a"],"Tags":{"k":"v"},"Inner":{"Value":"x"}}`,
		`{"Name":1e400}`, `{"Count":-0.5,"Name":"a"}`, `{"Data":"=+/="}`, `[]`, `null`, `{"Name":"a"}{}`, `{"Inner":{"Value":[{}]}}`,
		`{"Name":"\ud800"}`, `{"Items":[null,"b"],"Name":"z"}`, `{"When":"x"}`, `{"Tags":{"":null}}`,
	} {
		f.Add([]byte(s))
	}
	h := newTestHandler()
	f.Fuzz(func(t *testing.T, body []byte) {
		r := send(t, h, "POST", json11, "Test_20200101.Echo", body, true)
		checkAnswer(t, r, func(b []byte, v *map[string]any) error { return json.Unmarshal(b, v) })
	})
}

// FuzzCBORRequest does the same for CBOR 1.1 bodies.
func FuzzCBORRequest(f *testing.F) {
	seeds := []any{
		map[string]any{"Name": "abc", "Count": 3, "Data": []byte{1, 2}, "When": cbor.Tag{Number: 1, Content: 1459799926480}},
		map[string]any{"Name": "a", "When": cbor.Tag{Number: 1, Content: 1.5e300}},
		map[string]any{"Name": "a", "Items": []any{"x", nil}, "Tags": map[string]any{"k": "v"}},
		map[any]any{1: "x"}, []any{}, "str", map[string]any{"Inner": map[string]any{"Value": []byte("x")}},
	}
	for _, s := range seeds {
		b, _ := cbor.Marshal(s)
		f.Add(b)
	}
	f.Add([]byte{0xbf, 0x64, 'N', 'a', 'm', 'e', 0x63, 'a', 'b', 'c', 0xff})
	f.Add([]byte{0xc1, 0xfb, 0x7f, 0xf0, 0, 0, 0, 0, 0, 0})
	h := newTestHandler()
	f.Fuzz(func(t *testing.T, body []byte) {
		r := send(t, h, "POST", "application/x-amz-cbor-1.1", "Test_20200101.Echo", body, true)
		checkAnswer(t, r, func(b []byte, v *map[string]any) error { return cbor.Unmarshal(b, v) })
	})
}

func checkAnswer(t *testing.T, r response, decode func([]byte, *map[string]any) error) {
	t.Helper()
	switch {
	case r.status == http.StatusOK:
		var v map[string]any
		if err := decode(r.body, &v); err != nil {
			t.Fatalf("200 with undecodable body %q: %v", r.body, err)
		}
	case r.status == 400 || r.status == 500:
		var v map[string]any
		if err := decode(r.body, &v); err != nil || v["__type"] == nil {
			t.Fatalf("%d with body %q (%v)", r.status, r.body, err)
		}
		if r.status == 500 {
			t.Fatalf("internal failure: %q", r.body)
		}
	default:
		t.Fatalf("status %d", r.status)
	}
}
