package httpendpoint

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

const testARN = "arn:aws:firehose:us-east-1:123456789012:deliverystream/testStream"

// captured is one request as the endpoint received it.
type captured struct {
	Header http.Header
	Body   []byte // as sent (compressed when gzip)
	Path   string
}

// endpoint is a test HTTP endpoint: respond answers attempt n (from 0).
type endpoint struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []captured
}

func newEndpoint(t *testing.T, respond func(w http.ResponseWriter, r *http.Request, n int)) *endpoint {
	t.Helper()
	e := &endpoint{}
	e.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		e.mu.Lock()
		n := len(e.reqs)
		e.reqs = append(e.reqs, captured{Header: r.Header.Clone(), Body: body, Path: r.URL.RequestURI()})
		e.mu.Unlock()
		respond(w, r, n)
	}))
	t.Cleanup(e.Close)
	return e
}

func (e *endpoint) requests() []captured {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.reqs)
}

// ok answers as the specification asks.
func ok(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"requestId":%q,"timestamp":%d}`, r.Header.Get(HeaderRequestID), time.Now().UnixMilli())
}

func status(code int) func(http.ResponseWriter, *http.Request, int) {
	return func(w http.ResponseWriter, r *http.Request, _ int) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		fmt.Fprintf(w, `{"requestId":%q,"timestamp":1,"errorMessage":"status %d"}`, r.Header.Get(HeaderRequestID), code)
	}
}

// fakeClock is Now and Sleep for tests: sleeping advances the clock.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.UnixMilli(1700000000123)}
}

func (f *fakeClock) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
	f.sleeps = append(f.sleeps, d)
	return ctx.Err()
}

func (f *fakeClock) client() *Client {
	return &Client{Now: f.Now, Sleep: f.Sleep, Jitter: func() float64 { return 1 }}
}

// requestBody is a request body decoded strictly.
type requestBody struct {
	RequestID string `json:"requestId"`
	Timestamp int64  `json:"timestamp"`
	Records   []struct {
		Data string `json:"data"`
	} `json:"records"`
}

func decodeRequest(t *testing.T, b []byte) requestBody {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var v requestBody
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("request body %q: %v", b, err)
	}
	return v
}

func TestDeliverRequest(t *testing.T) {
	e := newEndpoint(t, func(w http.ResponseWriter, r *http.Request, _ int) { ok(w, r) })
	clock := newFakeClock()
	c := clock.client()
	cfg := Config{
		URL:              e.URL + "/ingest?key=v",
		Name:             "test",
		AccessKey:        "secret key/+=",
		CommonAttributes: []Attribute{{"deployment -context", "pre-prod-gamma"}, {"device-types", ""}},
		ContentEncoding:  EncodingNone,
		RetryDuration:    300 * time.Second,
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	records := [][]byte{[]byte("hello"), []byte("hello world"), {}, {0, 0xff, '\n'}}
	res := c.Deliver(context.Background(), cfg, testARN, records)
	if len(res) != 1 {
		t.Fatalf("results = %+v", res)
	}
	r := res[0]
	if !r.Delivered || r.Attempts != 1 || r.First != 0 || r.Count != 4 || r.StatusCode != 200 || r.Code != "" || !uuidRE.MatchString(r.RequestID) {
		t.Fatalf("result = %+v", r)
	}
	reqs := e.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	got := reqs[0]
	if got.Path != "/ingest?key=v" {
		t.Errorf("path %q, want the URL unchanged", got.Path)
	}
	wantHeader := http.Header{
		"X-Amz-Firehose-Protocol-Version":  {"1.0"},
		"X-Amz-Firehose-Request-Id":        {r.RequestID},
		"X-Amz-Firehose-Source-Arn":        {testARN},
		"X-Amz-Firehose-Access-Key":        {"secret key/+="},
		"X-Amz-Firehose-Common-Attributes": {`{"commonAttributes":{"deployment -context":"pre-prod-gamma","device-types":""}}`},
		"Content-Type":                     {"application/json"},
		"Content-Length":                   {fmt.Sprint(len(got.Body))},
		"User-Agent":                       {UserAgent},
	}
	if !headersEqual(got.Header, wantHeader) {
		t.Errorf("headers\n got %v\nwant %v", got.Header, wantHeader)
	}
	wantBody := `{"requestId":"` + r.RequestID + `","timestamp":1700000000123,"records":[{"data":"aGVsbG8="},{"data":"aGVsbG8gd29ybGQ="},{"data":""},{"data":"AP8K"}]}`
	if string(got.Body) != wantBody {
		t.Errorf("body\n got %s\nwant %s", got.Body, wantBody)
	}
	body := decodeRequest(t, got.Body)
	for i, rec := range body.Records {
		if d, err := base64.StdEncoding.DecodeString(rec.Data); err != nil || !bytes.Equal(d, records[i]) {
			t.Errorf("record %d = %q (%v), want %q", i, d, err, records[i])
		}
	}
}

func headersEqual(a, b http.Header) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range b {
		if !slices.Equal(a[k], v) {
			return false
		}
	}
	return true
}

func TestDeliverNoAccessKeyNoAttributes(t *testing.T) {
	e := newEndpoint(t, func(w http.ResponseWriter, r *http.Request, _ int) { ok(w, r) })
	res := (&Client{}).Deliver(context.Background(), Config{URL: e.URL}, testARN, [][]byte{[]byte("x")})
	if !res[0].Delivered {
		t.Fatalf("result = %+v", res[0])
	}
	h := e.requests()[0].Header
	if _, ok := h[HeaderAccessKey]; ok {
		t.Errorf("access key header sent without a key: %q", h.Get(HeaderAccessKey))
	}
	if got := h.Get(HeaderCommonAttributes); got != `{"commonAttributes":{}}` {
		t.Errorf("common attributes = %s", got)
	}
	if got := h.Get("Accept-Encoding"); got != "" {
		t.Errorf("Accept-Encoding %q sent: responses must not be compressed", got)
	}
}

func TestDeliverGzip(t *testing.T) {
	e := newEndpoint(t, func(w http.ResponseWriter, r *http.Request, _ int) { ok(w, r) })
	clock := newFakeClock()
	records := [][]byte{[]byte(strings.Repeat("compressible ", 1000)), []byte("b")}
	res := clock.client().Deliver(context.Background(), Config{URL: e.URL, ContentEncoding: EncodingGzip}, testARN, records)
	if !res[0].Delivered {
		t.Fatalf("result = %+v", res[0])
	}
	got := e.requests()[0]
	if got.Header.Get("Content-Encoding") != "gzip" || got.Header.Get("Content-Length") != fmt.Sprint(len(got.Body)) {
		t.Fatalf("headers %v for a %d-byte body", got.Header, len(got.Body))
	}
	zr, err := gzip.NewReader(bytes.NewReader(got.Body))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Body) >= len(plain) {
		t.Errorf("gzip body %d bytes, plain %d", len(got.Body), len(plain))
	}
	body := decodeRequest(t, plain)
	if body.RequestID != res[0].RequestID || len(body.Records) != 2 || body.Timestamp != clock.Now().UnixMilli() {
		t.Fatalf("body = %+v", body)
	}
}

func TestDeliverRetriesWithSameRequestID(t *testing.T) {
	e := newEndpoint(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 0 {
			status(500)(w, r, n)
			return
		}
		ok(w, r)
	})
	clock := newFakeClock()
	c := clock.client()
	c.Jitter = nil // the real jitter: check its bounds
	res := c.Deliver(context.Background(), Config{URL: e.URL, RetryDuration: time.Minute}, testARN, [][]byte{[]byte("a")})
	if !res[0].Delivered || res[0].Attempts != 2 || res[0].StatusCode != 200 || res[0].Code != "" {
		t.Fatalf("result = %+v", res[0])
	}
	reqs := e.requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests", len(reqs))
	}
	id0, id1 := reqs[0].Header.Get(HeaderRequestID), reqs[1].Header.Get(HeaderRequestID)
	if id0 != res[0].RequestID || id1 != id0 {
		t.Fatalf("request ids %q, %q; result %q", id0, id1, res[0].RequestID)
	}
	b0, b1 := decodeRequest(t, reqs[0].Body), decodeRequest(t, reqs[1].Body)
	if b0.RequestID != id0 || b1.RequestID != id0 {
		t.Fatalf("body request ids %q, %q", b0.RequestID, b1.RequestID)
	}
	if b1.Timestamp-b0.Timestamp != clock.sleeps[0].Milliseconds() {
		t.Errorf("timestamps %d, %d: want the second taken after the %v wait", b0.Timestamp, b1.Timestamp, clock.sleeps[0])
	}
	if len(clock.sleeps) != 1 || clock.sleeps[0] < 850*time.Millisecond || clock.sleeps[0] > 1150*time.Millisecond {
		t.Fatalf("sleeps %v, want one of 1 s ± 15 %%", clock.sleeps)
	}
}

func TestDeliverRetryDuration(t *testing.T) {
	tests := []struct {
		name     string
		retry    time.Duration
		attempts int
		sleeps   []time.Duration
	}{
		{"no retry", 0, 1, nil},
		{"10 s", 10 * time.Second, 5, []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 3 * time.Second}},
		// 1+2+…+64 = 127 s in 7 waits, then 58 waits of 120 s (7087 s) and
		// a last one of 113 s: 66 waits, 67 attempts.
		{"7200 s", MaxRetryDuration, 67, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEndpoint(t, status(503))
			clock := newFakeClock()
			start := clock.Now()
			res := clock.client().Deliver(context.Background(), Config{URL: e.URL, RetryDuration: tt.retry}, testARN, [][]byte{[]byte("a")})
			r := res[0]
			if r.Delivered || r.Permanent || r.Code != CodeDestinationException || r.StatusCode != 503 || r.ErrorMessage != "status 503" {
				t.Fatalf("result = %+v", r)
			}
			if r.Attempts != tt.attempts || len(e.requests()) != tt.attempts {
				t.Fatalf("%d attempts (%d requests), want %d; sleeps %v", r.Attempts, len(e.requests()), tt.attempts, clock.sleeps)
			}
			if tt.sleeps != nil && !slices.Equal(clock.sleeps, tt.sleeps) {
				t.Fatalf("sleeps %v, want %v", clock.sleeps, tt.sleeps)
			}
			if elapsed := clock.Now().Sub(start); elapsed != tt.retry {
				t.Fatalf("gave up after %v, want %v", elapsed, tt.retry)
			}
			for _, d := range clock.sleeps {
				if d > MaxBackoff {
					t.Fatalf("a wait of %v passes the cap", d)
				}
			}
		})
	}
}

func TestBackoff(t *testing.T) {
	tests := []struct {
		n      int
		jitter float64
		want   time.Duration
	}{
		{0, 1, time.Second},
		{0, 0.85, 850 * time.Millisecond},
		{0, 1.15, 1150 * time.Millisecond},
		{3, 1, 8 * time.Second},
		{6, 1.15, 73600 * time.Millisecond},
		{7, 0.85, 108800 * time.Millisecond},
		{7, 1, MaxBackoff},
		{100, 1.15, MaxBackoff},
	}
	for _, tt := range tests {
		if got := backoff(tt.n, tt.jitter); got != tt.want {
			t.Errorf("backoff(%d, %v) = %v, want %v", tt.n, tt.jitter, got, tt.want)
		}
	}
	c := &Client{}
	for range 1000 {
		if j := c.jitter(); j < 0.85 || j > 1.15 {
			t.Fatalf("jitter %v outside [0.85, 1.15]", j)
		}
	}
}

func TestDeliver413IsPermanent(t *testing.T) {
	e := newEndpoint(t, status(413))
	clock := newFakeClock()
	res := clock.client().Deliver(context.Background(), Config{URL: e.URL, RetryDuration: time.Hour}, testARN, [][]byte{[]byte("a")})
	r := res[0]
	if r.Delivered || !r.Permanent || r.Attempts != 1 || r.StatusCode != 413 || r.Code != CodeDestinationException || r.ErrorMessage != "status 413" {
		t.Fatalf("result = %+v", r)
	}
	want := `The following response was received from the endpoint destination. 413: {"requestId":"` + r.RequestID + `","timestamp":1,"errorMessage":"status 413"}`
	if r.Message != want {
		t.Fatalf("message\n got %s\nwant %s", r.Message, want)
	}
	if len(clock.sleeps) != 0 {
		t.Fatalf("slept %v before giving up on a 413", clock.sleeps)
	}
}

func TestDeliverInvalidResponses(t *testing.T) {
	tests := []struct {
		name    string
		respond func(http.ResponseWriter, *http.Request, int)
		code    string
		detail  string
	}{
		{"request id mismatch", func(w http.ResponseWriter, r *http.Request, _ int) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"requestId":"00000000-0000-4000-8000-000000000000","timestamp":1}`)
		}, CodeInvalidResponseFromDestination, "does not match"},
		{"no content type", func(w http.ResponseWriter, r *http.Request, _ int) {
			fmt.Fprintf(w, `{"requestId":%q,"timestamp":1}`, r.Header.Get(HeaderRequestID))
		}, CodeInvalidResponseFromDestination, "content type"},
		{"gzip response", func(w http.ResponseWriter, r *http.Request, _ int) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Encoding", "gzip")
			zw := gzip.NewWriter(w)
			fmt.Fprintf(zw, `{"requestId":%q,"timestamp":1}`, r.Header.Get(HeaderRequestID))
			zw.Close()
		}, CodeInvalidResponseFromDestination, "content-encoded"},
		{"chunked", func(w http.ResponseWriter, r *http.Request, _ int) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"requestId":%q,`, r.Header.Get(HeaderRequestID))
			w.(http.Flusher).Flush()
			fmt.Fprint(w, `"timestamp":1}`)
		}, CodeInvalidResponseFromDestination, "Content-Length"},
		{"redirect not followed", func(w http.ResponseWriter, r *http.Request, _ int) {
			if r.URL.Path == "/moved" {
				ok(w, r)
				return
			}
			http.Redirect(w, r, "/moved", http.StatusFound)
		}, CodeDestinationException, "302: "},
		{"204", func(w http.ResponseWriter, r *http.Request, _ int) { w.WriteHeader(204) }, CodeDestinationException, "204: "},
		{"body too large", func(w http.ResponseWriter, r *http.Request, _ int) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"requestId":%q,"timestamp":1,"errorMessage":"%s"}`, r.Header.Get(HeaderRequestID), strings.Repeat("x", MaxResponseBytes))
		}, CodeResponseTooLarge, ""},
		{"headers too large", func(w http.ResponseWriter, r *http.Request, _ int) {
			w.Header().Set("X-Big", strings.Repeat("x", MaxResponseBytes))
			ok(w, r)
		}, CodeResponseTooLarge, ""},
		{"1 MiB with headers", func(w http.ResponseWriter, r *http.Request, _ int) {
			// The body alone is under 1 MiB, headers included it is over.
			w.Header().Set("X-Big", strings.Repeat("x", MaxResponseBytes/2))
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"requestId":%q,"timestamp":1,"errorMessage":"%s"}`, r.Header.Get(HeaderRequestID), strings.Repeat("x", MaxResponseBytes/2))
		}, CodeResponseTooLarge, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEndpoint(t, tt.respond)
			clock := newFakeClock()
			res := clock.client().Deliver(context.Background(), Config{URL: e.URL, RetryDuration: 2 * time.Second}, testARN, [][]byte{[]byte("a")})
			r := res[0]
			if r.Delivered || r.Permanent || r.Code != tt.code || !strings.Contains(r.Message, tt.detail) {
				t.Fatalf("result = %+v, want code %s with %q", r, tt.code, tt.detail)
			}
			// Retried: attempts at 0, 1 and 2 s.
			if r.Attempts != 3 || !slices.Equal(clock.sleeps, []time.Duration{time.Second, time.Second}) {
				t.Fatalf("%d attempts, sleeps %v", r.Attempts, clock.sleeps)
			}
			for _, req := range e.requests() {
				if req.Path == "/moved" {
					t.Fatal("redirect followed")
				}
			}
		})
	}
}

// rawEndpoint serves each connection with serve (for responses net/http's
// server would not write).
func rawEndpoint(t *testing.T, serve func(conn net.Conn, requestID string)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				req, err := http.ReadRequest(bufio.NewReader(conn))
				if err != nil {
					return
				}
				io.Copy(io.Discard, req.Body)
				serve(conn, req.Header.Get(HeaderRequestID))
			}()
		}
	}()
	return "http://" + ln.Addr().String() + "/"
}

func TestDeliverTransportFailures(t *testing.T) {
	closedURL := func(t *testing.T) string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		u := "http://" + ln.Addr().String() + "/"
		ln.Close()
		return u
	}
	tests := []struct {
		name   string
		url    func(t *testing.T) string
		client func(t *testing.T, c *Client)
		code   string
	}{
		{"connection refused", closedURL, nil, CodeConnectionFailed},
		{"unknown host", func(*testing.T) string { return "http://no-such-host.invalid/" }, nil, CodeConnectionFailed},
		{"reset before response", func(t *testing.T) string {
			return rawEndpoint(t, func(conn net.Conn, _ string) {
				conn.(*net.TCPConn).SetLinger(0) // RST on close
			})
		}, nil, CodeConnectionReset},
		{"closed mid-body", func(t *testing.T) string {
			return rawEndpoint(t, func(conn net.Conn, id string) {
				fmt.Fprintf(conn, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"requestId\":%q", id)
			})
		}, nil, CodeConnectionReset},
		{"long reason phrase", func(t *testing.T) string {
			return rawEndpoint(t, func(conn net.Conn, id string) {
				// Connection: close, since the endpoint closes the connection
				// after one response: a client that reused it for its retry
				// would fail with a broken pipe instead (as it did now and
				// then under -race).
				body := fmt.Sprintf(`{"requestId":%q,"timestamp":1}`, id)
				fmt.Fprintf(conn, "HTTP/1.1 200 %s\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: %d\r\n\r\n%s", strings.Repeat("O", 65), len(body), body)
			})
		}, nil, CodeResponseReasonPhraseExceeded},
		{"slow endpoint", func(t *testing.T) string {
			e := newEndpoint(t, func(w http.ResponseWriter, r *http.Request, _ int) {
				select {
				case <-r.Context().Done():
				case <-time.After(10 * time.Second):
				}
			})
			return e.URL
		}, func(_ *testing.T, c *Client) { c.Timeout = 100 * time.Millisecond }, CodeRequestTimeout},
		{"untrusted certificate", func(t *testing.T) string {
			s := httptest.NewUnstartedServer(http.HandlerFunc(ok2))
			s.Config.ErrorLog = log.New(io.Discard, "", 0)
			s.StartTLS()
			t.Cleanup(s.Close)
			return s.URL
		}, nil, CodeSSLHandshakeFailure},
		{"TLS to plain HTTP", func(t *testing.T) string {
			e := newEndpoint(t, func(w http.ResponseWriter, r *http.Request, _ int) { ok(w, r) })
			return strings.Replace(e.URL, "http://", "https://", 1)
		}, nil, CodeSSLHandshakeFailure},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newFakeClock()
			c := clock.client()
			if tt.client != nil {
				tt.client(t, c)
			}
			res := c.Deliver(context.Background(), Config{URL: tt.url(t), RetryDuration: time.Second}, testARN, [][]byte{[]byte("a")})
			r := res[0]
			if r.Delivered || r.Code != tt.code || !strings.HasPrefix(r.Message, DocumentedMessage(tt.code)) || r.Attempts != 2 {
				t.Fatalf("result = %+v, want code %s after 2 attempts", r, tt.code)
			}
			t.Logf("%s: %s", r.Code, r.Message)
		})
	}
}

func ok2(w http.ResponseWriter, r *http.Request) { ok(w, r) }

func TestDeliverHTTPS(t *testing.T) {
	s := httptest.NewTLSServer(http.HandlerFunc(ok2))
	t.Cleanup(s.Close)
	c := &Client{HTTP: s.Client()}
	res := c.Deliver(context.Background(), Config{URL: s.URL}, testARN, [][]byte{[]byte("a")})
	if !res[0].Delivered {
		t.Fatalf("result = %+v", res[0])
	}
}

func TestDeliverSplits(t *testing.T) {
	e := newEndpoint(t, func(w http.ResponseWriter, r *http.Request, _ int) { ok(w, r) })
	clock := newFakeClock()
	t.Run("10,000 records", func(t *testing.T) {
		records := make([][]byte, MaxRecordsPerRequest+1)
		for i := range records {
			records[i] = []byte{byte(i)}
		}
		res := clock.client().Deliver(context.Background(), Config{URL: e.URL}, testARN, records)
		if len(res) != 2 || res[0].First != 0 || res[0].Count != MaxRecordsPerRequest || res[1].First != MaxRecordsPerRequest || res[1].Count != 1 {
			t.Fatalf("results %+v", res)
		}
		if !res[0].Delivered || !res[1].Delivered || res[0].RequestID == res[1].RequestID {
			t.Fatalf("results %+v", res)
		}
		reqs := e.requests()
		if n := len(decodeRequest(t, reqs[0].Body).Records); n != MaxRecordsPerRequest {
			t.Fatalf("first request has %d records", n)
		}
	})
	t.Run("body size", func(t *testing.T) {
		e.mu.Lock()
		e.reqs = nil
		e.mu.Unlock()
		records := make([][]byte, 30)
		for i := range records {
			records[i] = bytes.Repeat([]byte{byte(i)}, 100+i)
		}
		const limit = 1000
		res := clock.client().Deliver(context.Background(), Config{URL: e.URL, MaxBodyBytes: limit, ContentEncoding: EncodingGzip}, testARN, records)
		reqs := e.requests()
		if len(res) < 2 || len(reqs) != len(res) {
			t.Fatalf("%d results, %d requests", len(res), len(reqs))
		}
		next := 0
		for i, r := range res {
			if !r.Delivered || r.First != next {
				t.Fatalf("result %d = %+v", i, r)
			}
			next += r.Count
			zr, err := gzip.NewReader(bytes.NewReader(reqs[i].Body))
			if err != nil {
				t.Fatal(err)
			}
			plain, _ := io.ReadAll(zr)
			if len(plain) > limit {
				t.Fatalf("request %d: %d bytes before compression, limit %d", i, len(plain), limit)
			}
			body := decodeRequest(t, plain)
			for j, rec := range body.Records {
				d, _ := base64.StdEncoding.DecodeString(rec.Data)
				if !bytes.Equal(d, records[r.First+j]) {
					t.Fatalf("request %d record %d differs", i, j)
				}
			}
		}
		if next != len(records) {
			t.Fatalf("results cover %d of %d records", next, len(records))
		}
	})
	t.Run("empty batch", func(t *testing.T) {
		if res := clock.client().Deliver(context.Background(), Config{URL: e.URL}, testARN, nil); len(res) != 0 {
			t.Fatalf("results %+v for no records", res)
		}
	})
}

func TestDeliverContextCanceled(t *testing.T) {
	t.Run("during a request", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		e := newEndpoint(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			cancel()
			<-r.Context().Done()
		})
		records := make([][]byte, MaxRecordsPerRequest+1)
		start := time.Now()
		res := (&Client{}).Deliver(ctx, Config{URL: e.URL, RetryDuration: time.Hour}, testARN, records)
		if time.Since(start) > 5*time.Second {
			t.Fatalf("Deliver took %v after cancel", time.Since(start))
		}
		if len(res) != 2 || res[0].Delivered || res[0].Code != "" || res[0].Attempts != 1 || res[0].RequestID == "" {
			t.Fatalf("results %+v", res)
		}
		if r := res[1]; r.Delivered || r.Code != "" || r.Attempts != 0 || r.RequestID != "" || r.First != MaxRecordsPerRequest || r.Count != 1 {
			t.Fatalf("second result %+v: want not attempted", r)
		}
	})
	t.Run("during a wait", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		e := newEndpoint(t, func(w http.ResponseWriter, r *http.Request, n int) {
			status(500)(w, r, n)
			time.AfterFunc(50*time.Millisecond, cancel)
		})
		start := time.Now()
		res := (&Client{}).Deliver(ctx, Config{URL: e.URL, RetryDuration: time.Hour}, testARN, [][]byte{[]byte("a")})
		if d := time.Since(start); d > 700*time.Millisecond {
			t.Fatalf("Deliver took %v: the backoff wait did not end with ctx", d)
		}
		if r := res[0]; r.Delivered || r.Code != "" || r.Message != "" || r.Attempts != 1 {
			t.Fatalf("result %+v", r)
		}
	})
}
