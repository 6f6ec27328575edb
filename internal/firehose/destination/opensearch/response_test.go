package opensearch

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseBulkResponse(t *testing.T) {
	tests := []struct {
		name string
		body string
		n    int
		want []item
		err  string
	}{
		{
			name: "mixed",
			body: `{"took":30,"errors":true,"items":[
				{"index":{"_index":"i","_id":"1","_version":1,"result":"created","_shards":{"total":2,"successful":1,"failed":0},"status":201}},
				{"index":{"_index":"i","_id":"2","status":400,"error":{"type":"mapper_parsing_exception","reason":"failed to parse field [n] of type [long]","caused_by":{"type":"illegal_argument_exception","reason":"For input string: \"x\""}}}},
				{"index":{"_index":"i","_id":"3","status":429,"error":{"type":"rejected_execution_exception","reason":"rejected"}}},
				{"create":{"_index":"i","_id":"4","status":200}},
				{"index":{"_index":"i","_id":"5","status":500,"error":"old-style string error"}}]}`,
			n: 5,
			want: []item{
				{Status: 201},
				{Status: 400, Error: `{"type":"mapper_parsing_exception","reason":"failed to parse field [n] of type [long]","caused_by":{"type":"illegal_argument_exception","reason":"For input string: \"x\""}}`},
				{Status: 429, Error: `{"type":"rejected_execution_exception","reason":"rejected"}`},
				{Status: 200},
				{Status: 500, Error: "old-style string error"},
			},
		},
		{name: "empty items", body: `{"took":1,"errors":false,"items":[]}`, n: 0, want: []item{}},
		{name: "not json", body: `<html>502 Bad Gateway</html>`, n: 1, err: "not a JSON object"},
		{name: "array", body: `[]`, n: 0, err: "not a JSON object"},
		{name: "no items", body: `{"took":1,"errors":false}`, n: 1, err: "no items"},
		{name: "null items", body: `{"items":null}`, n: 0, err: "no items"},
		{name: "count", body: `{"items":[{"index":{"status":201}}]}`, n: 2, err: "1 items for 2"},
		{name: "two actions", body: `{"items":[{"index":{"status":201},"create":{"status":201}}]}`, n: 1, err: "2 members"},
		{name: "no action", body: `{"items":[{}]}`, n: 1, err: "0 members"},
		{name: "unknown action", body: `{"items":[{"search":{"status":200}}]}`, n: 1, err: "not an index result"},
		{name: "no status", body: `{"items":[{"index":{"_id":"1"}}]}`, n: 1, err: "no HTTP status"},
		{name: "bad status", body: `{"items":[{"index":{"status":42}}]}`, n: 1, err: "no HTTP status"},
		{name: "string status", body: `{"items":[{"index":{"status":"201"}}]}`, n: 1, err: "item 0"},
		{name: "item not object", body: `{"items":[{"index":5}]}`, n: 1, err: "item 0"},
	}
	for _, tt := range tests {
		got, err := parseBulkResponse([]byte(tt.body), tt.n)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s: error %v, want one with %q", tt.name, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if len(got) != len(tt.want) {
			t.Errorf("%s: %d items, want %d", tt.name, len(got), len(tt.want))
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("%s: item %d = %+v, want %+v", tt.name, i, got[i], tt.want[i])
			}
		}
	}
}

func TestRequestError(t *testing.T) {
	tests := []struct{ body, want string }{
		{`{"error":{"root_cause":[{"type":"x","reason":"y"}],"type":"x","reason":"y"},"status":400}`,
			`{"root_cause":[{"type":"x","reason":"y"}],"type":"x","reason":"y"}`},
		{`{"error":"Content-Type header [text/plain] is not supported","status":406}`, "Content-Type header [text/plain] is not supported"},
		{"  Unauthorized\n", "Unauthorized"},
		{`{"error":null}`, `{"error":null}`},
		{"bad \xff utf8", "bad \uFFFD utf8"},
	}
	for _, tt := range tests {
		if got := requestError([]byte(tt.body)); got != tt.want {
			t.Errorf("requestError(%q) = %q, want %q", tt.body, got, tt.want)
		}
	}
	long := requestError([]byte(strings.Repeat("é", 3000)))
	if len(long) > maxMessage+len("…") || !utf8.ValidString(long) {
		t.Errorf("long message: %d bytes, valid %v", len(long), utf8.ValidString(long))
	}
}

// FuzzParseBulkResponse: parseBulkResponse never panics; when it accepts a
// body, it returns exactly n items with HTTP statuses, and error texts that
// are valid UTF-8 within the bound; the messages of request errors are too.
func FuzzParseBulkResponse(f *testing.F) {
	f.Add([]byte(`{"took":1,"errors":true,"items":[{"index":{"status":201}},{"index":{"status":400,"error":{"type":"t","reason":"r"}}}]}`), 2)
	f.Add([]byte(`{"items":[{"create":{"status":429,"error":"busy"}}]}`), 1)
	f.Add([]byte(`{"items":[]}`), 0)
	f.Add([]byte(`{"error":{"type":"x"},"status":500}`), 0)
	f.Add([]byte("\xff"), 1)
	f.Fuzz(func(t *testing.T, body []byte, n int) {
		if n < 0 || n > 1000 {
			return
		}
		_ = requestError(body)
		items, err := parseBulkResponse(body, n)
		if err != nil {
			if items != nil {
				t.Fatal("items with an error")
			}
			return
		}
		if len(items) != n {
			t.Fatalf("%d items for %d", len(items), n)
		}
		for _, it := range items {
			if it.Status < 100 || it.Status > 599 {
				t.Fatalf("status %d", it.Status)
			}
			if !utf8.ValidString(it.Error) || len(it.Error) > maxMessage+len("…") {
				t.Fatalf("error text %q", it.Error)
			}
		}
		if !json.Valid(body) {
			t.Fatal("accepted invalid JSON")
		}
	})
}
