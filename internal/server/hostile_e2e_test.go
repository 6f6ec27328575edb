package server_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/fxamacker/cbor/v2"

	"sluice/internal/config"
	"sluice/internal/testserver"
)

// The hostile-input tests: each attacks a real server (oversize bodies,
// slow clients, many connections, HTTP/2 stream floods) while a normal
// client keeps calling it, and checks that the attack is cut off and the
// normal calls are answered.

// signedRequest builds a request signed for service (open auth accepts any
// key), with body as its payload; chunked leaves its length unknown.
func signedRequest(t *testing.T, rawURL, service, target, contentType string, body []byte, chunked bool) *http.Request {
	t.Helper()
	r, err := http.NewRequest("POST", rawURL, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Content-Type", contentType)
	if target != "" {
		r.Header.Set("X-Amz-Target", target)
	}
	creds := aws.Credentials{AccessKeyID: "AKIDHOSTILE", SecretAccessKey: "secret"}
	sum := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, hex.EncodeToString(sum[:]), service, "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	if chunked {
		r.ContentLength = -1
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	return r
}

// rawHead is a request's head as bytes, for clients that send the body
// themselves (or never).
func rawHead(r *http.Request, contentLength int64) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\nContent-Length: %d\r\n", r.Method, r.URL.RequestURI(), r.URL.Host, contentLength)
	for k, vs := range r.Header {
		for _, v := range vs {
			b.WriteString(k + ": " + v + "\r\n")
		}
	}
	b.WriteString("\r\n")
	return b.String()
}

// keepCalling makes a normal client call the server until stop, counting
// failures; it returns once stopped.
func keepCalling(t *testing.T, srv *testserver.Server, stop <-chan struct{}) (done func() (ok, failed int)) {
	t.Helper()
	client := srv.Kinesis()
	var ok, failed atomic.Int64
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			_, err := client.ListStreams(ctx, &kinesis.ListStreamsInput{})
			cancel()
			if err != nil {
				failed.Add(1)
				t.Logf("normal call: %v", err)
			} else {
				ok.Add(1)
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
	return func() (int, int) {
		wg.Wait()
		return int(ok.Load()), int(failed.Load())
	}
}

// TestOversizeBodies: a body over its service's limit gets 413 with AWS's
// RequestEntityTooLargeException in the request's protocol, from its
// Content-Length before a byte of it is read, or as soon as a chunked
// body passes the limit; PutMedia's upload is not bounded; the server
// answers normal calls throughout.
func TestOversizeBodies(t *testing.T) {
	srv := testserver.Start(t)
	stop := make(chan struct{})
	normal := keepCalling(t, srv, stop)
	big := bytes.Repeat([]byte("x"), 16<<20+64<<10)
	cases := []struct {
		name, service, path, target, contentType string
		limit                                    int
	}{
		{"kinesis JSON 1.1", "kinesis", "/", "Kinesis_20131202.PutRecords", "application/x-amz-json-1.1", 16 << 20},
		{"kinesis CBOR", "kinesis", "/", "Kinesis_20131202.PutRecords", "application/x-amz-cbor-1.1", 16 << 20},
		{"firehose JSON 1.1", "firehose", "/", "Firehose_20150804.PutRecordBatch", "application/x-amz-json-1.1", 8 << 20},
		{"video REST-JSON", "kinesisvideo", "/createStream", "", "application/json", 1 << 20},
		{"logs JSON 1.1", "logs", "/", "Logs_20140328.FilterLogEvents", "application/x-amz-json-1.1", 1 << 20},
	}
	for _, c := range cases {
		for _, chunked := range []bool{false, true} {
			name := c.name + " Content-Length"
			if chunked {
				name = c.name + " chunked"
			}
			t.Run(name, func(t *testing.T) {
				body := big[:c.limit+64<<10]
				var status int
				var hdr http.Header
				var payload []byte
				if chunked {
					resp, err := srv.HTTPClient().Do(signedRequest(t, srv.URL+c.path, c.service, c.target, c.contentType, body, true))
					if err != nil {
						t.Fatal(err)
					}
					payload, _ = io.ReadAll(resp.Body)
					resp.Body.Close()
					status, hdr = resp.StatusCode, resp.Header
				} else {
					// Only the head is sent: the answer must not wait for
					// the body.
					status, hdr, payload = headOnly(t, srv, signedRequest(t, srv.URL+c.path, c.service, c.target, c.contentType, body[:10], false), int64(len(body)))
				}
				if status != http.StatusRequestEntityTooLarge || hdr.Get("X-Amzn-Errortype") != "RequestEntityTooLargeException" {
					t.Fatalf("status %d, error type %q, body %.200q", status, hdr.Get("X-Amzn-Errortype"), payload)
				}
				var e map[string]any
				switch c.contentType {
				case "application/x-amz-cbor-1.1":
					if err := cbor.Unmarshal(payload, &e); err != nil || e["__type"] != "RequestEntityTooLargeException" {
						t.Fatalf("CBOR error %x: %v %v", payload, e, err)
					}
				case "application/json": // REST-JSON: the type travels in the header
					if err := json.Unmarshal(payload, &e); err != nil || !strings.Contains(fmt.Sprint(e["Message"]), fmt.Sprint(c.limit)) {
						t.Fatalf("REST-JSON error %q: %v", payload, err)
					}
				default:
					if err := json.Unmarshal(payload, &e); err != nil || e["__type"] != "RequestEntityTooLargeException" || e["message"] == nil {
						t.Fatalf("JSON error %q: %v", payload, err)
					}
				}
			})
		}
	}
	// PutMedia streams: a body far larger than any limit is not refused
	// for its size (here it is refused for naming no stream).
	put := signedRequest(t, srv.URL+"/putMedia", "kinesisvideo", "", "application/octet-stream", []byte("x"), false)
	if status, hdr, payload := headOnly(t, srv, put, 1<<30); status == http.StatusRequestEntityTooLarge || hdr.Get("X-Amzn-Errortype") != "InvalidArgumentException" {
		t.Fatalf("PutMedia of 1 GiB: %d %q %s", status, hdr.Get("X-Amzn-Errortype"), payload)
	}
	close(stop)
	if ok, failed := normal(); failed > 0 || ok == 0 {
		t.Fatalf("normal calls during the oversize bodies: %d answered, %d failed", ok, failed)
	}
}

// headOnly sends r's head claiming contentLength bytes of body, sends none
// of it, and reads the answer.
func headOnly(t *testing.T, srv *testserver.Server, r *http.Request, contentLength int64) (int, http.Header, []byte) {
	t.Helper()
	conn := dial(t, srv)
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	io.WriteString(conn, rawHead(r, contentLength))
	resp, err := http.ReadResponse(bufio.NewReader(conn), r)
	if err != nil {
		t.Fatalf("no answer before the body: %v", err)
	}
	defer resp.Body.Close()
	payload, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, payload
}

func dial(t *testing.T, srv *testserver.Server) net.Conn {
	t.Helper()
	u, _ := url.Parse(srv.URL)
	conn, err := net.DialTimeout("tcp", u.Host, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	return conn
}

// TestOversizeBodiesMemory: a flood of oversize bodies, declared and
// chunked, leaves the heap where it was (within a generous bound): nothing
// past a service's limit is read, and what is read stays within
// --max-inflight-bytes.
func TestOversizeBodiesMemory(t *testing.T) {
	srv := testserver.Start(t, testserver.WithConfig(func(c *config.Config) { c.MaxInflightBytes = 32 << 20 }))
	body := bytes.Repeat([]byte("y"), 17<<20)
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	var peak atomic.Uint64
	sample := make(chan struct{})
	go func() {
		defer close(sample)
		for range 100 {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
	var wg sync.WaitGroup
	for i := range 24 {
		wg.Go(func() {
			if i%2 == 0 {
				headOnly(t, srv, signedRequest(t, srv.URL+"/", "kinesis", "Kinesis_20131202.PutRecords", "application/x-amz-json-1.1", body[:10], false), int64(len(body)))
				return
			}
			resp, err := srv.HTTPClient().Do(signedRequest(t, srv.URL+"/", "kinesis", "Kinesis_20131202.PutRecords", "application/x-amz-json-1.1", body, true))
			if err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		})
	}
	wg.Wait()
	<-sample
	// The test itself holds the 17 MiB body and each chunked sender's
	// buffers; the server adds at most its 32 MiB budget and pooled
	// buffers.
	grown := int64(peak.Load()) - int64(before.HeapInuse)
	t.Logf("heap in use grew by at most %d MiB", grown>>20)
	if grown > 160<<20 {
		t.Fatalf("the heap grew by %d MiB during 24 oversize bodies", grown>>20)
	}
	if _, err := srv.Kinesis().ListStreams(context.Background(), &kinesis.ListStreamsInput{}); err != nil {
		t.Fatalf("after the flood: %v", err)
	}
}

// TestSlowClients: a client that drips its headers is cut off after
// --read-header-timeout, one that drips its body after --body-timeout
// (the connection aborted, nothing answered), while normal calls are
// answered throughout.
func TestSlowClients(t *testing.T) {
	srv := testserver.Start(t, testserver.WithConfig(func(c *config.Config) {
		c.ReadHeaderTimeout, c.BodyTimeout = time.Second, time.Second
	}))
	stop := make(chan struct{})
	normal := keepCalling(t, srv, stop)

	drip := func(conn net.Conn, prefix string) (time.Duration, []byte) {
		start := time.Now()
		io.WriteString(conn, prefix)
		got := make(chan []byte, 1)
		go func() {
			conn.SetReadDeadline(time.Now().Add(10 * time.Second))
			b, _ := io.ReadAll(conn)
			got <- b
		}()
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case b := <-got:
				return time.Since(start), b
			case <-tick.C:
				conn.Write([]byte("a")) // one byte of header name, or of body
			}
		}
	}

	// Slow headers: a header line that never ends.
	conn := dial(t, srv)
	took, answer := drip(conn, "POST / HTTP/1.1\r\nHost: sluice\r\nX-Slow: ")
	conn.Close()
	if took > 4*time.Second {
		t.Fatalf("a slow-header client was kept %v", took)
	}
	t.Logf("slow headers cut after %v (answer %q)", took, answer)

	// Slow body: signed headers, then the body a byte at a time.
	body := []byte(`{"StreamName":"` + strings.Repeat("s", 200) + `"}`)
	r := signedRequest(t, srv.URL+"/", "kinesis", "Kinesis_20131202.DescribeStreamSummary", "application/x-amz-json-1.1", body, false)
	conn = dial(t, srv)
	took, answer = drip(conn, rawHead(r, int64(len(body))))
	conn.Close()
	if took > 4*time.Second || len(answer) != 0 {
		t.Fatalf("a slow-body client was kept %v, answered %q", took, answer)
	}
	close(stop)
	if ok, failed := normal(); failed > 0 || ok == 0 {
		t.Fatalf("normal calls during the slow clients: %d answered, %d failed", ok, failed)
	}
}

// TestManyConnections: at --max-connections, connections that send
// nothing (or sit idle) are displaced by new ones, so normal clients are
// served; when every connection is busy with a request a new one is
// closed at once rather than left hanging, and served again once the
// busy ones end.
func TestManyConnections(t *testing.T) {
	const max = 16
	srv := testserver.Start(t, testserver.WithConfig(func(c *config.Config) {
		c.MaxConnections, c.ReadHeaderTimeout, c.BodyTimeout = max, time.Minute, 2*time.Second
	}))
	client := srv.Kinesis()
	ctx := context.Background()

	// Silent connections fill every slot; normal calls still get through.
	var silent []net.Conn
	for range max + 8 {
		silent = append(silent, dial(t, srv))
	}
	time.Sleep(100 * time.Millisecond)
	for i := range 5 {
		start := time.Now()
		if _, err := client.ListStreams(ctx, &kinesis.ListStreamsInput{}); err != nil {
			t.Fatalf("call %d with %d silent connections: %v", i, len(silent), err)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("call %d took %v", i, d)
		}
	}
	for _, c := range silent {
		c.Close()
	}
	m := metricsText(t, srv)
	if !strings.Contains(m, "sluice_http_connections_displaced_total") || strings.Contains(m, "sluice_http_connections_displaced_total 0\n") {
		t.Fatalf("no connection was displaced:\n%s", grepLines(m, "sluice_http_connections"))
	}

	// Busy connections (a request whose body never comes) fill every slot:
	// a new connection is closed at once.
	srv.HTTPClient().CloseIdleConnections()
	body := []byte(`{"StreamName":"busy"}`)
	r := signedRequest(t, srv.URL+"/", "kinesis", "Kinesis_20131202.DescribeStreamSummary", "application/x-amz-json-1.1", body, false)
	var busy []net.Conn
	for range max {
		c := dial(t, srv)
		io.WriteString(c, rawHead(r, 1000))
		busy = append(busy, c)
	}
	time.Sleep(300 * time.Millisecond)
	c := dial(t, srv)
	c.SetReadDeadline(time.Now().Add(time.Second))
	start := time.Now()
	_, err := c.Read(make([]byte, 1))
	c.Close()
	if err == nil || time.Since(start) > 900*time.Millisecond {
		t.Fatalf("a connection over the bound was not closed at once: %v after %v", err, time.Since(start))
	}
	// Once the busy requests time out, calls are served again.
	time.Sleep(2500 * time.Millisecond)
	for _, c := range busy {
		c.Close()
	}
	if _, err := client.ListStreams(ctx, &kinesis.ListStreamsInput{}); err != nil {
		t.Fatalf("after the busy connections: %v", err)
	}
	if m := metricsText(t, srv); strings.Contains(m, "sluice_http_connections_refused_total 0\n") {
		t.Fatalf("no connection was refused:\n%s", grepLines(m, "sluice_http_connections"))
	}
}
