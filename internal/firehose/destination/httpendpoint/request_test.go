package httpendpoint

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"math/rand/v2"
	"regexp"
	"testing"
)

func TestSplit(t *testing.T) {
	recs := func(sizes ...int) [][]byte {
		r := make([][]byte, len(sizes))
		for i, n := range sizes {
			r[i] = make([]byte, n)
		}
		return r
	}
	one := entrySize(3) // a 3-byte record: {"data":"AAAA"}
	tests := []struct {
		name       string
		records    [][]byte
		maxBody    int
		maxRecords int
		want       []span
	}{
		{"none", nil, 1000, 10, nil},
		{"one", recs(3), 1000, 10, []span{{0, 1}}},
		{"by count", recs(3, 3, 3, 3, 3), 1 << 20, 2, []span{{0, 2}, {2, 2}, {4, 1}}},
		{"exactly fits", recs(3, 3, 3), bodyOverhead + 3*one + 2, 10, []span{{0, 3}}},
		{"one byte short", recs(3, 3, 3), bodyOverhead + 3*one + 1, 10, []span{{0, 2}, {2, 1}}},
		{"oversized alone", recs(3, 1000, 3), bodyOverhead + 2*one + 1, 10, []span{{0, 1}, {1, 1}, {2, 1}}},
		{"empty records", recs(0, 0), 1000, 10, []span{{0, 2}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := split(tt.records, tt.maxBody, tt.maxRecords)
			if len(got) != len(tt.want) {
				t.Fatalf("split = %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("split = %v, want %v", got, tt.want)
				}
			}
		})
	}
}

// TestSplitBodies checks, for random batches, that every request's real
// body is within the limit (unless it holds one oversized record), that
// adding the next record would pass it, and that the spans cover the batch
// in order.
func TestSplitBodies(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for iter := 0; iter < 200; iter++ {
		n := r.IntN(60)
		records := make([][]byte, n)
		for i := range records {
			records[i] = make([]byte, r.IntN(300))
		}
		maxBody := bodyOverhead + 50 + r.IntN(2000)
		maxRecords := 1 + r.IntN(20)
		spans := split(records, maxBody, maxRecords)
		next := 0
		for _, s := range spans {
			if s.first != next || s.count < 1 || s.count > maxRecords {
				t.Fatalf("span %v after %d (max %d records)", s, next, maxRecords)
			}
			next = s.first + s.count
			body := fullBody(newRequestID(), 1700000000000, records[s.first:next])
			if len(body) > maxBody && s.count > 1 {
				t.Fatalf("span %v: body of %d bytes passes %d", s, len(body), maxBody)
			}
			if next < n && s.count < maxRecords {
				bigger := fullBody(newRequestID(), -9223372036854775808, records[s.first:next+1])
				if len(bigger) <= maxBody {
					t.Fatalf("span %v stops early: %d bytes with the next record, limit %d", s, len(bigger), maxBody)
				}
			}
		}
		if next != n {
			t.Fatalf("spans cover %d of %d records", next, n)
		}
	}
}

func fullBody(id string, ts int64, records [][]byte) []byte {
	recs := encodeRecords(records)
	head, tail := bodyParts(id, ts, recs)
	return append(append(head, recs...), tail...)
}

func TestBody(t *testing.T) {
	got := string(fullBody("ed4acda5-034f-9f42-bba1-f29aea6d7d8f", 1578090901599, [][]byte{[]byte("hello"), []byte("hello world"), {}}))
	want := `{"requestId":"ed4acda5-034f-9f42-bba1-f29aea6d7d8f","timestamp":1578090901599,"records":[{"data":"aGVsbG8="},{"data":"aGVsbG8gd29ybGQ="},{"data":""}]}`
	if got != want {
		t.Fatalf("body\n got %s\nwant %s", got, want)
	}
	if !json.Valid([]byte(got)) {
		t.Fatal("body is not JSON")
	}
}

func TestGzipBody(t *testing.T) {
	z := gzipBody([]byte("head,"), []byte("records,"), []byte("tail"))
	zr, err := gzip.NewReader(bytes.NewReader(z))
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil || string(b) != "head,records,tail" {
		t.Fatalf("gunzip = %q, %v", b, err)
	}
}

func TestCommonAttributesHeader(t *testing.T) {
	tests := []struct {
		attrs []Attribute
		want  string
	}{
		{nil, `{"commonAttributes":{}}`},
		{[]Attribute{{"deployment -context", "pre-prod-gamma"}, {"device-types", ""}},
			`{"commonAttributes":{"deployment -context":"pre-prod-gamma","device-types":""}}`},
		{[]Attribute{{`q"uote\`, "<a&b>"}, {"é", "\t"}},
			`{"commonAttributes":{"q\"uote\\":"<a&b>","é":"\t"}}`},
	}
	for _, tt := range tests {
		got := commonAttributesHeader(tt.attrs)
		if got != tt.want {
			t.Errorf("commonAttributesHeader(%v) = %s, want %s", tt.attrs, got, tt.want)
		}
		var v map[string]map[string]string
		if err := json.Unmarshal([]byte(got), &v); err != nil || len(v["commonAttributes"]) != len(tt.attrs) {
			t.Errorf("%s does not decode to %d attributes: %v", got, len(tt.attrs), err)
		}
		if !validHeaderValue(got) {
			t.Errorf("%s is not a valid header value", got)
		}
	}
}

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestNewRequestID(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		id := newRequestID()
		if !uuidRE.MatchString(id) || seen[id] {
			t.Fatalf("request id %q: not a fresh UUID v4", id)
		}
		seen[id] = true
	}
}
