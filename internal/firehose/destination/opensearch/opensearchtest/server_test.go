package opensearchtest

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

type bulkResult struct {
	Errors bool                        `json:"errors"`
	Items  []map[string]map[string]any `json:"items"`
	Error  any                         `json:"error"`
	Status int                         `json:"status"`
}

func post(t *testing.T, s *Server, path, ctype, body string) (int, bulkResult) {
	t.Helper()
	resp, err := http.Post(s.URL+path, ctype, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	var r bulkResult
	_ = json.Unmarshal(b, &r)
	return resp.StatusCode, r
}

func itemStatus(r bulkResult, i int) (int, string) {
	it := r.Items[i]["index"]
	st, _ := it["status"].(float64)
	if e, ok := it["error"].(map[string]any); ok {
		typ, _ := e["type"].(string)
		return int(st), typ
	}
	return int(st), ""
}

const nd = "application/x-ndjson"

func TestServerBulk(t *testing.T) {
	s := New()
	defer s.Close()
	body := `{"index":{"_index":"a","_id":"1"}}` + "\n" + `{"n":1,"s":"x","o":{"k":1}}` + "\n" +
		"\n" + // empty lines between actions are skipped
		`{"index":{"_index":"a","_id":"1"}}` + "\n" + `{"n":"2"}` + "\n" + // replace; "2" coerces to long
		`{"index":{"_index":"a"}}` + "\n" + `{"n":"two"}` + "\n" + // conflicts with long
		`{"index":{"_index":"a"}}` + "\n" + `{"o":5}` + "\n" + // conflicts with object
		`{"index":{"_index":"a"}}` + "\n" + `[1]` + "\n" + // not an object
		`{"index":{"_index":"Bad"}}` + "\n" + `{}` + "\n" +
		`{"index":{}}` + "\n" + `{"p":1}` + "\n" // index from the path
	code, r := post(t, s, "/b/_bulk", nd, body)
	if code != 200 || !r.Errors || len(r.Items) != 7 {
		t.Fatalf("%d %+v", code, r)
	}
	want := []struct {
		status int
		typ    string
	}{{201, ""}, {200, ""}, {400, "mapper_parsing_exception"}, {400, "mapper_parsing_exception"},
		{400, "mapper_parsing_exception"}, {400, "invalid_index_name_exception"}, {201, ""}}
	for i, w := range want {
		if st, typ := itemStatus(r, i); st != w.status || typ != w.typ {
			t.Errorf("item %d: %d %s, want %d %s", i, st, typ, w.status, w.typ)
		}
	}
	if d := s.Docs("a"); len(d) != 1 || d[0].Version != 2 || string(d[0].Source) != `{"n":"2"}` {
		t.Errorf("a = %+v", d)
	}
	if d := s.Docs("b"); len(d) != 1 || len(d[0].ID) != 20 {
		t.Errorf("b = %+v", d)
	}
	if got := strings.Join(s.Indices(), ","); got != "a,b" {
		t.Errorf("indices %s", got)
	}
}

func TestServerRequestErrors(t *testing.T) {
	tests := []struct {
		name   string
		opts   Options
		ctype  string
		body   string
		status int
		reason string
	}{
		{"content type", Options{}, "text/plain", "{}\n", 406, ""},
		{"no newline", Options{}, nd, `{"index":{"_index":"a"}}` + "\n" + `{}`, 400, "terminated by a newline"},
		{"empty", Options{}, nd, "", 400, "no requests added"},
		{"no source", Options{}, nd, `{"index":{"_index":"a"}}` + "\n", 400, "no requests added"},
		{"not an object", Options{}, nd, `"index"` + "\n{}\n", 400, "Malformed action/metadata line [1]"},
		{"two actions", Options{}, nd, `{"index":{},"create":{}}` + "\n{}\n", 400, "single action"},
		{"unknown action", Options{}, nd, `{"search":{}}` + "\n{}\n", 400, "expected field"},
		{"unknown param", Options{}, nd, `{"index":{"_index":"a","_foo":1}}` + "\n{}\n", 400, "unknown parameter [_foo]"},
		{"number id", Options{}, nd, `{"index":{"_index":"a","_id":1}}` + "\n{}\n", 400, "must be a string"},
		{"no index", Options{}, nd, `{"index":{}}` + "\n{}\n", 400, "index is missing"},
		{"explicit index", Options{NoExplicitIndex: true}, nd, `{"index":{"_index":"a"}}` + "\n{}\n", 400, "explicit index"},
		{"types removed", Options{Types: TypesRemoved}, nd, `{"index":{"_index":"a","_type":"t"}}` + "\n{}\n", 400, "unknown parameter [_type]"},
		{"types required", Options{Types: TypesRequired}, nd, `{"index":{"_index":"a"}}` + "\n{}\n", 400, "type is missing"},
		{"delete", Options{}, nd, `{"delete":{"_index":"a","_id":"1"}}` + "\n", 400, "only index actions"},
		{"too large", Options{MaxContentLength: 10}, nd, `{"index":{"_index":"a"}}` + "\n{}\n", 413, ""},
	}
	for _, tt := range tests {
		s := NewWith(tt.opts)
		code, r := post(t, s, "/_bulk", tt.ctype, tt.body)
		if code != tt.status {
			t.Errorf("%s: status %d, want %d", tt.name, code, tt.status)
		}
		if tt.reason != "" {
			e, _ := r.Error.(map[string]any)
			if reason, _ := e["reason"].(string); !strings.Contains(reason, tt.reason) {
				t.Errorf("%s: error %v, want %q", tt.name, r.Error, tt.reason)
			}
		}
		if len(s.Indices()) != 0 {
			t.Errorf("%s: indexed %v", tt.name, s.Indices())
		}
		s.Close()
	}
}

func TestServerInjectedFailures(t *testing.T) {
	s := New()
	defer s.Close()
	s.FailNext(1, 429)
	s.FailDocs(1, 503, func(d Doc) bool { return d.ID == "2" })
	body := `{"index":{"_index":"a","_id":"1"}}` + "\n{}\n" + `{"index":{"_index":"a","_id":"2"}}` + "\n{}\n"
	if code, r := post(t, s, "/_bulk", nd, body); code != 429 || r.Status != 429 {
		t.Errorf("first: %d %+v", code, r)
	}
	code, r := post(t, s, "/_bulk", nd, body)
	if st, typ := itemStatus(r, 1); code != 200 || st != 503 || typ != "unavailable_shards_exception" {
		t.Errorf("second: %d %d %s", code, st, typ)
	}
	if code, r := post(t, s, "/_bulk", nd, body); code != 200 || r.Errors {
		t.Errorf("third: %d %+v", code, r)
	}
	if s.Requests() != 3 || len(s.Docs("a")) != 2 {
		t.Errorf("%d requests, docs %+v", s.Requests(), s.Docs("a"))
	}
}

func TestServerServerless(t *testing.T) {
	s := NewWith(Options{Serverless: true})
	defer s.Close()
	body := `{"index":{"_index":"a","_id":"1"}}` + "\n{}\n" + `{"index":{"_index":"a"}}` + "\n{}\n"
	_, r := post(t, s, "/_bulk", nd, body)
	if st, _ := itemStatus(r, 0); st != 400 {
		t.Errorf("with an ID: %d", st)
	}
	if st, _ := itemStatus(r, 1); st != 201 {
		t.Errorf("without an ID: %d", st)
	}
}

func TestServerAuthAndRoutes(t *testing.T) {
	s := NewWith(Options{Username: "u", Password: "p"})
	defer s.Close()
	if code, _ := post(t, s, "/_bulk", nd, "{}\n"); code != 401 {
		t.Errorf("without credentials: %d", code)
	}
	req, _ := http.NewRequest(http.MethodGet, s.URL+"/", nil)
	req.SetBasicAuth("u", "p")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET /: %v %v", err, resp)
	}
	_ = resp.Body.Close()
	req, _ = http.NewRequest(http.MethodGet, s.URL+"/a/_search", nil)
	req.SetBasicAuth("u", "p")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 405 {
		t.Errorf("GET /a/_search: %v %v", err, resp)
	} else {
		_ = resp.Body.Close()
	}
}

// FuzzParseBulk: parseBulk never panics; what it accepts has actions with
// an op, increasing lines and, except deletes, a source without newlines;
// the server answers any body without panicking.
func FuzzParseBulk(f *testing.F) {
	f.Add([]byte(`{"index":{"_index":"a","_id":"1"}}`+"\n"+`{"a":1}`+"\n"), "")
	f.Add([]byte(`{"delete":{"_index":"a","_id":"1"}}`+"\n"), "b")
	f.Add([]byte("\n\n{\"index\":{}}\n{}\n"), "p")
	f.Add([]byte(`{"index":{"_type":"t","routing":"r"}}`+"\n[1]\n"), "")
	s := New()
	defer s.Close()
	f.Fuzz(func(t *testing.T, body []byte, def string) {
		actions, err := parseBulk(body, def)
		if err == nil {
			line := 0
			for _, a := range actions {
				if a.Op == "" || a.Line <= line {
					t.Fatalf("bad action %+v", a)
				}
				line = a.Line
				if a.Op != "delete" && strings.Contains(string(a.Source), "\n") {
					t.Fatalf("source with a newline: %q", a.Source)
				}
			}
		}
		s.mu.Lock()
		for _, a := range actions {
			if a.Op == "index" && a.Index != "" {
				_ = s.index(a)
			}
		}
		s.mu.Unlock()
	})
}
