package opensearch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"sluice/internal/firehose/destination/opensearch/opensearchtest"
)

var arrival = time.Date(2016, 2, 25, 13, 0, 0, 0, time.UTC)

// fakeClock is a Client whose Sleep advances Now; it records the sleeps.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func (f *fakeClock) client() *Client {
	return &Client{
		Now: func() time.Time { f.mu.Lock(); defer f.mu.Unlock(); return f.now },
		Sleep: func(ctx context.Context, d time.Duration) error {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.sleeps = append(f.sleeps, d)
			f.now = f.now.Add(d)
			return ctx.Err()
		},
	}
}

func newClock() *fakeClock { return &fakeClock{now: arrival} }

func docs(data ...string) []Doc {
	out := make([]Doc, len(data))
	for i, d := range data {
		out[i] = Doc{Data: []byte(d), ID: fmt.Sprintf("id-%d", i)}
	}
	return out
}

func sources(t *testing.T, ds []opensearchtest.Doc) string {
	t.Helper()
	var b strings.Builder
	for _, d := range ds {
		b.Write(d.Source)
	}
	return b.String()
}

func TestBulkDelivers(t *testing.T) {
	srv := opensearchtest.New()
	defer srv.Close()
	c := newClock().client()
	cfg := Config{Endpoint: srv.URL, Index: "logs", Rotation: OneDay, RetryDuration: 300 * time.Second}
	in := docs(`{"a":1}`, "{\"a\":2}\n", "  {\"a\":3}\r\n\t ")
	in[2].Arrival = arrival.Add(24 * time.Hour) // the next day's index
	res, err := c.Bulk(context.Background(), cfg, in, arrival)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		if !r.OK || r.Code != "" || r.Status != 201 || r.Attempts != 1 || r.ID != fmt.Sprintf("id-%d", i) {
			t.Errorf("result %d = %+v", i, r)
		}
	}
	if res[0].Index != "logs-2016-02-25" || res[2].Index != "logs-2016-02-26" {
		t.Errorf("indices %q %q", res[0].Index, res[2].Index)
	}
	if got := sources(t, srv.Docs("logs-2016-02-25")); got != `{"a":1}{"a":2}` {
		t.Errorf("day 1 = %s", got)
	}
	if got := srv.Docs("logs-2016-02-26"); len(got) != 1 || string(got[0].Source) != `{"a":3}` || got[0].ID != "id-2" {
		t.Errorf("day 2 = %+v", got)
	}
	// Delivering again replaces by the stable IDs: no duplicates.
	if _, err := c.Bulk(context.Background(), cfg, in[:2], arrival); err != nil {
		t.Fatal(err)
	}
	if got := srv.Docs("logs-2016-02-25"); len(got) != 2 || got[0].Version != 2 {
		t.Errorf("after redelivery: %+v", got)
	}
}

func TestBulkDocumentIDs(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		opts    opensearchtest.Options
		wantIDs bool
	}{
		{"firehose default", Config{DocumentIDs: FirehoseDefaultID}, opensearchtest.Options{}, true},
		{"default is firehose default", Config{}, opensearchtest.Options{}, true},
		{"no document id", Config{DocumentIDs: NoDocumentID}, opensearchtest.Options{}, false},
		{"serverless", Config{Serverless: true}, opensearchtest.Options{Serverless: true}, false},
	}
	for _, tt := range tests {
		srv := opensearchtest.NewWith(tt.opts)
		cfg := tt.cfg
		cfg.Endpoint, cfg.Index, cfg.Rotation = srv.URL, "i", ""
		if !cfg.Serverless {
			cfg.Rotation = NoRotation
		}
		res, err := newClock().client().Bulk(context.Background(), cfg, docs(`{"x":1}`, `{"x":2}`), arrival)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		stored := srv.Docs("i")
		if len(stored) != 2 || !res[0].OK || !res[1].OK {
			t.Fatalf("%s: results %+v, stored %+v", tt.name, res, stored)
		}
		for i, d := range stored {
			want := fmt.Sprintf("id-%d", i)
			if tt.wantIDs != (d.ID == want) || tt.wantIDs != (res[i].ID == want) {
				t.Errorf("%s: doc %d stored as %q, result ID %q", tt.name, i, d.ID, res[i].ID)
			}
		}
		srv.Close()
	}
}

func TestBulkTypeNames(t *testing.T) {
	// Elasticsearch 6 needs a type; 7 takes one per index; OpenSearch 2 refuses it.
	es6 := opensearchtest.NewWith(opensearchtest.Options{Types: opensearchtest.TypesRequired})
	defer es6.Close()
	c := newClock().client()
	cfg := Config{Endpoint: es6.URL, Index: "i", Rotation: NoRotation, TypeName: "log"}
	res, err := c.Bulk(context.Background(), cfg, docs(`{"x":1}`), arrival)
	if err != nil || !res[0].OK || res[0].Type != "log" || es6.Docs("i")[0].Type != "log" {
		t.Fatalf("ES 6 with type: %v %+v %+v", err, res, es6.Docs("i"))
	}
	cfg.TypeName = ""
	res, _ = c.Bulk(context.Background(), cfg, docs(`{"x":1}`), arrival)
	if res[0].OK || res[0].Code != "400" || !strings.Contains(res[0].Message, "type is missing") {
		t.Errorf("ES 6 without type: %+v", res[0])
	}

	es7 := opensearchtest.New()
	defer es7.Close()
	cfg = Config{Endpoint: es7.URL, Index: "i", Rotation: NoRotation, TypeName: "a"}
	if res, _ := c.Bulk(context.Background(), cfg, docs(`{"x":1}`), arrival); !res[0].OK {
		t.Fatalf("ES 7 first type: %+v", res[0])
	}
	cfg.TypeName = "b"
	res, _ = c.Bulk(context.Background(), cfg, docs(`{"x":1}`), arrival)
	if res[0].OK || res[0].Code != "400" || res[0].Attempts != 1 || !strings.Contains(res[0].Message, "more than 1 type") {
		t.Errorf("ES 7 second type: %+v", res[0])
	}

	os2 := opensearchtest.NewWith(opensearchtest.Options{Types: opensearchtest.TypesRemoved})
	defer os2.Close()
	cfg = Config{Endpoint: os2.URL, Index: "i", Rotation: NoRotation, TypeName: "log", RetryDuration: 10 * time.Second}
	clock := newClock()
	res, _ = clock.client().Bulk(context.Background(), cfg, docs(`{"x":1}`), arrival)
	// A request-level 400 is retried for the retry duration, then given up.
	if res[0].OK || res[0].Code != "400" || res[0].Status != 400 || res[0].Attempts < 2 ||
		!strings.Contains(res[0].Message, "unknown parameter [_type]") {
		t.Errorf("OpenSearch 2 with type: %+v", res[0])
	}
	if clock.now.Sub(arrival) > 10*time.Second {
		t.Errorf("retried for %v", clock.now.Sub(arrival))
	}
}

func TestBulkPerDocumentFailures(t *testing.T) {
	srv := opensearchtest.New()
	defer srv.Close()
	// x: the first document maps "n" as a number, so a string n fails (400);
	// "busy" documents are rejected with 429 twice, then indexed.
	srv.FailDocs(2, http.StatusTooManyRequests, func(d opensearchtest.Doc) bool {
		return strings.Contains(string(d.Source), "busy")
	})
	clock := newClock()
	cfg := Config{Endpoint: srv.URL, Index: "i", Rotation: NoRotation, RetryDuration: 60 * time.Second}
	res, err := clock.client().Bulk(context.Background(), cfg,
		docs(`{"n":1}`, `{"n":"not a number"}`, `{"n":2,"busy":true}`, `not json`, `{"n":3}`), arrival)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		ok       bool
		code     string
		attempts int
		msg      string
	}{
		{true, "", 1, ""},
		{false, "400", 1, "mapper_parsing_exception"},
		{true, "", 3, ""},
		{false, "400", 1, "failed to parse"},
		{true, "", 1, ""},
	}
	for i, w := range want {
		r := res[i]
		if r.OK != w.ok || r.Code != w.code || r.Attempts != w.attempts || !strings.Contains(r.Message, w.msg) {
			t.Errorf("doc %d = %+v, want %+v", i, r, w)
		}
	}
	if got := sources(t, srv.Docs("i")); got != `{"n":1}{"n":3}{"n":2,"busy":true}` {
		t.Errorf("stored %s", got)
	}
	if len(clock.sleeps) != 2 || clock.sleeps[0] != time.Second || clock.sleeps[1] != 2*time.Second {
		t.Errorf("sleeps %v", clock.sleeps)
	}
	if srv.Requests() != 3 {
		t.Errorf("%d requests, want 3 (the retries carry only the rejected document)", srv.Requests())
	}
}

func TestBulkRetriesRequests(t *testing.T) {
	tests := []struct {
		name     string
		fail     []int
		retry    time.Duration
		ok       bool
		code     string
		attempts int
	}{
		{"503 then success", []int{503, 503}, 300 * time.Second, true, "", 3},
		{"429 then success", []int{429}, 300 * time.Second, true, "", 2},
		{"403 then success", []int{403}, 300 * time.Second, true, "", 2},
		{"no retries", []int{503}, 0, false, "503", 1},
		// 1+2+4+8 s of backoff leave 0 of 15 s: five attempts.
		{"retry duration ends", []int{500, 500, 500, 500, 500, 500, 500}, 15 * time.Second, false, "500", 5},
	}
	for _, tt := range tests {
		srv := opensearchtest.New()
		for _, s := range tt.fail {
			srv.FailNext(1, s)
		}
		clock := newClock()
		cfg := Config{Endpoint: srv.URL, Index: "i", Rotation: NoRotation, RetryDuration: tt.retry}
		res, err := clock.client().Bulk(context.Background(), cfg, docs(`{"a":1}`, `{"a":2}`), arrival)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		for _, r := range res {
			if r.OK != tt.ok || r.Code != tt.code || r.Attempts != tt.attempts {
				t.Errorf("%s: %+v", tt.name, r)
			}
		}
		if !tt.ok && !strings.Contains(res[0].Message, "exception") {
			t.Errorf("%s: message %q", tt.name, res[0].Message)
		}
		if len(srv.Docs("i")) != map[bool]int{true: 2, false: 0}[tt.ok] {
			t.Errorf("%s: stored %+v", tt.name, srv.Docs("i"))
		}
		srv.Close()
	}
}

func TestBulkSplitsRequests(t *testing.T) {
	srv := opensearchtest.New()
	defer srv.Close()
	c := newClock().client()
	c.MaxRequestDocs = 2
	cfg := Config{Endpoint: srv.URL, Index: "i", Rotation: NoRotation}
	in := docs(`{"a":1}`, `{"a":2}`, `{"a":3}`, `{"a":4}`, `{"a":5}`)
	if _, err := c.Bulk(context.Background(), cfg, in, arrival); err != nil {
		t.Fatal(err)
	}
	if srv.Requests() != 3 || len(srv.Docs("i")) != 5 {
		t.Errorf("%d requests, %d docs", srv.Requests(), len(srv.Docs("i")))
	}
	// By bytes: each document's two lines are 40-odd bytes.
	c = newClock().client()
	c.MaxRequestBytes = 100
	before := srv.Requests()
	if _, err := c.Bulk(context.Background(), cfg, in, arrival); err != nil {
		t.Fatal(err)
	}
	if n := srv.Requests() - before; n != 3 {
		t.Errorf("%d requests by size, want 3", n)
	}
	// A document larger than the limit travels alone.
	c.MaxRequestBytes = 1
	before = srv.Requests()
	if _, err := c.Bulk(context.Background(), cfg, in[:2], arrival); err != nil {
		t.Fatal(err)
	}
	if n := srv.Requests() - before; n != 2 {
		t.Errorf("%d requests for oversized documents, want 2", n)
	}
}

func TestBulkMalformedRecords(t *testing.T) {
	srv := opensearchtest.New()
	defer srv.Close()
	cfg := Config{Endpoint: srv.URL, Index: "i", Rotation: NoRotation}
	res, err := newClock().client().Bulk(context.Background(), cfg,
		docs("{\"a\":\n1}", "", " \n", `{"a":1}`), arrival)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if res[i].OK || res[i].Code != CodeMalformedData || res[i].Attempts != 0 {
			t.Errorf("doc %d = %+v", i, res[i])
		}
	}
	if !res[3].OK || len(srv.Docs("i")) != 1 {
		t.Errorf("the good document: %+v", res[3])
	}
}

func TestBulkBasicAuth(t *testing.T) {
	srv := opensearchtest.NewWith(opensearchtest.Options{Username: "admin", Password: "s3cret"})
	defer srv.Close()
	cfg := Config{Endpoint: srv.URL, Index: "i", Rotation: NoRotation, Username: "admin", Password: "s3cret"}
	if res, _ := newClock().client().Bulk(context.Background(), cfg, docs(`{"a":1}`), arrival); !res[0].OK {
		t.Errorf("with credentials: %+v", res[0])
	}
	cfg.Password = "wrong"
	if res, _ := newClock().client().Bulk(context.Background(), cfg, docs(`{"a":1}`), arrival); res[0].OK ||
		res[0].Code != "401" || res[0].Message != "Unauthorized" {
		t.Errorf("with a wrong password: %+v", res[0])
	}
}

func TestBulkRequestShape(t *testing.T) {
	var got struct {
		path, ctype, body string
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got.path, got.ctype, got.body = r.URL.Path, r.Header.Get("Content-Type"), string(b)
		_, _ = io.WriteString(w, `{"took":1,"errors":false,"items":[{"index":{"status":201}},{"index":{"status":201}}]}`)
	}))
	defer srv.Close()
	cfg := Config{Endpoint: srv.URL + "/prefix/", Index: `we"ird`, TypeName: "t", Rotation: OneHour}
	in := docs(`{"a":1}`, `{"b":2}`)
	in[1].ID = `q"uote`
	if _, err := newClock().client().Bulk(context.Background(), cfg, in, arrival); err != nil {
		t.Fatal(err)
	}
	want := `{"index":{"_index":"we\"ird-2016-02-25-13","_type":"t","_id":"id-0"}}` + "\n" + `{"a":1}` + "\n" +
		`{"index":{"_index":"we\"ird-2016-02-25-13","_type":"t","_id":"q\"uote"}}` + "\n" + `{"b":2}` + "\n"
	if got.path != "/prefix/_bulk" || got.ctype != "application/x-ndjson" || got.body != want {
		t.Errorf("request %s %s\n%s\nwant\n%s", got.path, got.ctype, got.body, want)
	}
}

func TestBulkUnreadableResponse(t *testing.T) {
	for _, body := range []string{`<html>ok</html>`, `{"items":[]}`} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			_, _ = io.WriteString(w, body)
		}))
		cfg := Config{Endpoint: srv.URL, Index: "i", Rotation: NoRotation}
		res, err := newClock().client().Bulk(context.Background(), cfg, docs(`{"a":1}`), arrival)
		if err != nil || res[0].OK || res[0].Code != CodeClusterError || res[0].Status != 200 {
			t.Errorf("%s: %v %+v", body, err, res)
		}
		srv.Close()
	}
}

func TestBulkConnectionFailures(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	cfg := Config{Endpoint: url, Index: "i", Rotation: NoRotation, RetryDuration: 3 * time.Second}
	res, err := newClock().client().Bulk(context.Background(), cfg, docs(`{"a":1}`), arrival)
	if err != nil || res[0].OK || res[0].Code != CodeConnectionFailed || res[0].Status != 0 || res[0].Attempts != 3 {
		t.Errorf("closed server: %v %+v", err, res)
	}

	hang := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body) // so that the server notices the client leaving
		<-r.Context().Done()
	}))
	defer hang.Close()
	c := newClock().client()
	c.Timeout = 50 * time.Millisecond
	cfg.Endpoint, cfg.RetryDuration = hang.URL, 0
	res, err = c.Bulk(context.Background(), cfg, docs(`{"a":1}`), arrival)
	if err != nil || res[0].Code != CodeRequestTimeout {
		t.Errorf("hanging server: %v %+v", err, res)
	}
}

func TestBulkContextEnds(t *testing.T) {
	srv := opensearchtest.New()
	defer srv.Close()
	srv.FailNext(5, 503)
	ctx, cancel := context.WithCancel(context.Background())
	c := newClock().client()
	c.Sleep = func(context.Context, time.Duration) error { cancel(); return context.Canceled }
	cfg := Config{Endpoint: srv.URL, Index: "i", Rotation: NoRotation, RetryDuration: time.Hour}
	res, err := c.Bulk(ctx, cfg, docs(`{"a":1}`), arrival)
	if !errors.Is(err, context.Canceled) || res != nil {
		t.Errorf("Bulk = %v, %v", res, err)
	}
	if _, err := c.Bulk(ctx, cfg, docs(`{"a":1}`), arrival); !errors.Is(err, context.Canceled) {
		t.Errorf("Bulk after cancel: %v", err)
	}
}

func TestBulkInvalidConfig(t *testing.T) {
	if _, err := (&Client{}).Bulk(context.Background(), Config{Index: "i"}, docs(`{}`), arrival); err == nil {
		t.Error("no error without an endpoint")
	}
}

func TestFailedRecord(t *testing.T) {
	d := Doc{Data: []byte(`{"a":1}`), ID: "id-0"}
	r := DocResult{Code: "400", Message: `{"type":"mapper_parsing_exception"}`, Status: 400,
		Index: "logs-2016-02-25", ID: "id-0", Type: "t", Attempts: 2}
	end := arrival.Add(time.Minute)
	got := string(FailedRecord(Config{}, d, r, arrival, end))
	want := `{"attemptsMade":2,"arrivalTimestamp":1456405200000,"errorCode":"400",` +
		`"errorMessage":"{\"type\":\"mapper_parsing_exception\"}","attemptEndingTimestamp":1456405260000,` +
		`"esDocumentId":"id-0","esIndexName":"logs-2016-02-25","esTypeName":"t","rawData":"eyJhIjoxfQ=="}`
	if got != want {
		t.Errorf("FailedRecord =\n%s\nwant\n%s", got, want)
	}
	r.Type, r.ID = "", ""
	got = string(FailedRecord(Config{Serverless: true}, d, r, arrival, end))
	want = `{"attemptsMade":2,"arrivalTimestamp":1456405200000,"errorCode":"400",` +
		`"errorMessage":"{\"type\":\"mapper_parsing_exception\"}","attemptEndingTimestamp":1456405260000,` +
		`"osDocumentId":"","osIndexName":"logs-2016-02-25","rawData":"eyJhIjoxfQ=="}`
	if got != want {
		t.Errorf("Serverless FailedRecord =\n%s\nwant\n%s", got, want)
	}
	if !json.Valid([]byte(got)) {
		t.Error("invalid JSON")
	}
}
