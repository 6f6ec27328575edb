package server

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"sluice/internal/awsproto"
)

func testHTTPMetrics() *httpMetrics {
	return newHTTPMetrics(awsproto.NewService("Kinesis_20131202", "kinesis", &awsproto.Operation{Name: "PutRecord"}, &awsproto.Operation{Name: "SubscribeToShard"}))
}

// TestHTTPMetricsStreaming: an answer flushed through the middleware
// reaches the client before the handler returns, over HTTP/1.1 and h2c,
// and http.ResponseController still reaches the server's writer (the
// awsproto handler sets read deadlines through it).
func TestHTTPMetricsStreaming(t *testing.T) {
	for _, h2c := range []bool{false, true} {
		t.Run(fmt.Sprintf("h2c=%v", h2c), func(t *testing.T) {
			m := testHTTPMetrics()
			release := make(chan struct{})
			srv := httptest.NewUnstartedServer(m.wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if err := http.NewResponseController(w).SetReadDeadline(time.Now().Add(time.Minute)); err != nil {
					t.Errorf("SetReadDeadline: %v", err)
				}
				f, ok := w.(http.Flusher)
				if !ok {
					t.Error("the writer is not an http.Flusher")
					return
				}
				io.WriteString(w, "first\n")
				f.Flush()
				<-release
				io.WriteString(w, "second\n")
			})))
			protocols := new(http.Protocols)
			protocols.SetHTTP1(true)
			protocols.SetUnencryptedHTTP2(true)
			srv.Config.Protocols = protocols
			srv.Start()
			defer srv.Close()

			transport := &http.Transport{Protocols: new(http.Protocols)}
			if h2c {
				transport.Protocols.SetUnencryptedHTTP2(true)
			} else {
				transport.Protocols.SetHTTP1(true)
			}
			defer transport.CloseIdleConnections()
			req, _ := http.NewRequest("POST", srv.URL+"/", strings.NewReader("{}"))
			req.Header.Set("X-Amz-Target", "Kinesis_20131202.SubscribeToShard")
			res, err := (&http.Client{Transport: transport}).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			if want := map[bool]int{false: 1, true: 2}[h2c]; res.ProtoMajor != want {
				t.Fatalf("HTTP/%d, want %d", res.ProtoMajor, want)
			}
			body := bufio.NewReader(res.Body)
			if line, err := body.ReadString('\n'); line != "first\n" {
				t.Fatalf("first line %q, %v", line, err)
			}
			s := m.byTarget["Kinesis_20131202.SubscribeToShard"]
			if n := s.inFlight.Load(); n != 1 {
				t.Errorf("in flight while streaming: %d", n)
			}
			close(release)
			if rest, _ := io.ReadAll(body); string(rest) != "second\n" {
				t.Fatalf("rest %q", rest)
			}
			// The handler has returned once the body ended; its figures
			// follow at once after.
			deadline := time.Now().Add(5 * time.Second)
			for s.codes[1].Load() != 1 && time.Now().Before(deadline) {
				time.Sleep(time.Millisecond)
			}
			if s.codes[1].Load() != 1 || s.inFlight.Load() != 0 {
				t.Errorf("2xx %d, in flight %d", s.codes[1].Load(), s.inFlight.Load())
			}
		})
	}
}

// TestHTTPMetricsStatus: the code label is the class of the final status,
// 200 when the handler wrote nothing, 5xx when it panicked first.
func TestHTTPMetricsStatus(t *testing.T) {
	m := testHTTPMetrics()
	for _, c := range []struct {
		name    string
		handler http.HandlerFunc
		class   int
	}{
		{"nothing written", func(http.ResponseWriter, *http.Request) {}, 2},
		{"body only", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "x") }, 2},
		{"flush only", func(w http.ResponseWriter, _ *http.Request) { w.(http.Flusher).Flush() }, 2},
		{"early hints, then 404", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(103); w.WriteHeader(404) }, 4},
		{"413", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(413); w.WriteHeader(500) }, 4},
		{"503", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(503) }, 5},
		{"panic", func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) }, 5},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := m.unknown.codes[c.class-1].Load()
			func() {
				defer func() { recover() }()
				m.wrap(c.handler).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("POST", "/", nil))
			}()
			if got := m.unknown.codes[c.class-1].Load() - before; got != 1 {
				t.Errorf("%dxx counted %d times", c.class, got)
			}
			if n := m.unknown.inFlight.Load(); n != 0 {
				t.Errorf("in flight %d", n)
			}
		})
	}
}

// TestHTTPMetricsRoutes: each route counts under its own labels, and no
// X-Amz-Target, however many different ones, adds a series.
func TestHTTPMetricsRoutes(t *testing.T) {
	m := testHTTPMetrics()
	h := m.wrap(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	for _, c := range []struct {
		method, path, target string
		want                 *opStats
	}{
		{"POST", "/", "Kinesis_20131202.PutRecord", m.byTarget["Kinesis_20131202.PutRecord"]},
		{"POST", "/anything", "Kinesis_20131202.PutRecord", m.byTarget["Kinesis_20131202.PutRecord"]},
		{"POST", "/", "Kinesis_20131202.Nope", m.byPrefix["Kinesis_20131202"]},
		{"POST", "/", "Kinesis_20131202.PutRecord.", m.byPrefix["Kinesis_20131202"]},
		{"POST", "/", "Kinesis_20131202", m.byPrefix["Kinesis_20131202"]},
		{"POST", "/", "", m.unknown},
		{"OPTIONS", "/", "", m.unknown},
		{"POST", "/metrics", "", m.unknown},
		{"GET", "/metrics", "", m.scrape},
		{"HEAD", "/healthcheck", "", m.health},
		{"GET", "/", "", m.console},
		{"POST", "/console/api", "Kinesis_20131202.PutRecord", m.console},
		{"GET", "/console/assets/app.js", "", m.console},
	} {
		r := httptest.NewRequest(c.method, c.path, nil)
		if c.target != "" {
			r.Header.Set("X-Amz-Target", c.target)
		}
		if got := m.route(r); got != c.want {
			t.Errorf("%s %s %q counts as %s/%s, want %s/%s", c.method, c.path, c.target, got.service, got.operation, c.want.service, c.want.operation)
		}
		h.ServeHTTP(httptest.NewRecorder(), r)
	}
	series := requestSeries(m)
	for i := range 1000 {
		r := httptest.NewRequest("POST", "/", nil)
		r.Header.Set("X-Amz-Target", fmt.Sprintf("Service%d.Operation%d", i, i))
		h.ServeHTTP(httptest.NewRecorder(), r)
		r.Header.Set("X-Amz-Target", fmt.Sprintf("Kinesis_20131202.Operation%d", i))
		h.ServeHTTP(httptest.NewRecorder(), r)
	}
	if got := requestSeries(m); got != series {
		t.Errorf("2,000 unknown targets made %d series of sluice_http_requests_total, were %d", got, series)
	}
	if got := m.unknown.codes[1].Load(); got != 1003 {
		t.Errorf("unknown/unknown 2xx = %d, want 1003", got)
	}
	if got := m.byPrefix["Kinesis_20131202"].codes[1].Load(); got != 1003 {
		t.Errorf("kinesis/unknown 2xx = %d, want 1003", got)
	}
}

// requestSeries counts the series of sluice_http_requests_total.
func requestSeries(m *httpMetrics) int {
	ch := make(chan prometheus.Metric, 1000)
	go func() { m.Collect(ch); close(ch) }()
	n := 0
	for metric := range ch {
		if metric.Desc() == m.requests {
			n++
		}
	}
	return n
}

// BenchmarkHTTPMetrics is the middleware's cost on a request: route
// look-up, clock reads, counters and the status-recording writer.
func BenchmarkHTTPMetrics(b *testing.B) {
	m := testHTTPMetrics()
	h := m.wrap(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(200) }))
	r := httptest.NewRequest("POST", "/", nil)
	r.Header.Set("X-Amz-Target", "Kinesis_20131202.PutRecord")
	w := httptest.NewRecorder()
	b.ReportAllocs()
	for b.Loop() {
		h.ServeHTTP(w, r)
	}
}
