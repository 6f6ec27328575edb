package server_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
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
	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"

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
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
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

	// drip sends prefix, then a byte every 100 ms, until the server ends
	// the connection; kept reports that it did not within 20 s (ten times
	// the timeouts above: a cut, not a race against the clock).
	drip := func(conn net.Conn, prefix string) (took time.Duration, answer []byte, kept bool) {
		start := time.Now()
		io.WriteString(conn, prefix)
		type result struct {
			b   []byte
			err error
		}
		got := make(chan result, 1)
		go func() {
			conn.SetReadDeadline(time.Now().Add(20 * time.Second))
			b, err := io.ReadAll(conn)
			got <- result{b, err}
		}()
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case r := <-got:
				return time.Since(start), r.b, errors.Is(r.err, os.ErrDeadlineExceeded)
			case <-tick.C:
				conn.Write([]byte("a")) // one byte of header name, or of body
			}
		}
	}

	// Slow headers: a header line that never ends.
	conn := dial(t, srv)
	took, answer, kept := drip(conn, "POST / HTTP/1.1\r\nHost: sluice\r\nX-Slow: ")
	conn.Close()
	if kept {
		t.Fatalf("a slow-header client was kept %v", took)
	}
	t.Logf("slow headers cut after %v (answer %q)", took, answer)

	// Slow body: signed headers, then the body a byte at a time.
	body := []byte(`{"StreamName":"` + strings.Repeat("s", 200) + `"}`)
	r := signedRequest(t, srv.URL+"/", "kinesis", "Kinesis_20131202.DescribeStreamSummary", "application/x-amz-json-1.1", body, false)
	conn = dial(t, srv)
	took, answer, kept = drip(conn, rawHead(r, int64(len(body))))
	conn.Close()
	if kept || len(answer) != 0 {
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
		c.MaxConnections, c.ReadHeaderTimeout, c.BodyTimeout = max, time.Minute, time.Minute
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
		if _, err := client.ListStreams(ctx, &kinesis.ListStreamsInput{}); err != nil {
			t.Fatalf("call %d with %d silent connections: %v", i, len(silent), err)
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
	// First every earlier connection is gone, as the server sees it:
	// otherwise one that turns idle late (the /metrics call's keep-alive)
	// could outlast a busy connection displaced before its headers were
	// read.
	srv.HTTPClient().CloseIdleConnections()
	http.DefaultClient.CloseIdleConnections()
	for i := 0; ; i++ {
		if open, _ := srv.Connections(); open == 0 {
			break
		}
		if i == 300 {
			open, busy := srv.Connections()
			t.Fatalf("earlier connections never closed: %d open, %d busy", open, busy)
		}
		time.Sleep(100 * time.Millisecond)
	}
	body := []byte(`{"StreamName":"busy"}`)
	r := signedRequest(t, srv.URL+"/", "kinesis", "Kinesis_20131202.DescribeStreamSummary", "application/x-amz-json-1.1", body, false)
	var busy []net.Conn
	for range max {
		c := dial(t, srv)
		io.WriteString(c, rawHead(r, 1000))
		busy = append(busy, c)
	}
	// Wait until the server has read every one of them (it reads their
	// headers asynchronously, slowly under -race).
	// (Asked of the server directly: a /metrics request would take a slot.)
	for i := 0; ; i++ {
		if _, busy := srv.Connections(); busy == max {
			break
		}
		if i == 300 {
			open, busy := srv.Connections()
			t.Fatalf("the busy connections never were: %d open, %d busy", open, busy)
		}
		time.Sleep(100 * time.Millisecond)
	}
	// Closed, not left waiting: the read ends well before the busy
	// requests' body timeout (a minute) could free a slot.
	c := dial(t, srv)
	c.SetReadDeadline(time.Now().Add(20 * time.Second))
	_, err := c.Read(make([]byte, 1))
	c.Close()
	if err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("a connection over the bound was not closed: %v\n%s", err, grepLines(metricsText(t, srv), "sluice_http_connections"))
	}
	// Once the busy connections go, calls are served again.
	for _, c := range busy {
		c.Close()
	}
	var after error
	for range 50 {
		if _, after = client.ListStreams(ctx, &kinesis.ListStreamsInput{}); after == nil {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if after != nil {
		t.Fatalf("after the busy connections: %v", after)
	}
	if m := metricsText(t, srv); strings.Contains(m, "sluice_http_connections_refused_total 0\n") {
		t.Fatalf("no connection was refused:\n%s", grepLines(m, "sluice_http_connections"))
	}
}

// h2Flooder speaks raw HTTP/2 (h2c with prior knowledge) to the server:
// it writes what a test tells it and reads every frame the server sends,
// acknowledging SETTINGS and PINGs, counting stream resets by code.
type h2Flooder struct {
	conn   net.Conn
	mu     sync.Mutex // writes
	fr     *http2.Framer
	enc    *hpack.Encoder
	hbuf   bytes.Buffer
	resets sync.Map // http2.ErrCode -> *atomic.Int64
	goAway atomic.Bool
	done   chan struct{}
	header []hpack.HeaderField
}

func newH2Flooder(t *testing.T, srv *testserver.Server, r *http.Request, contentLength int) *h2Flooder {
	t.Helper()
	f := &h2Flooder{conn: dial(t, srv), done: make(chan struct{})}
	f.fr = http2.NewFramer(f.conn, f.conn)
	f.enc = hpack.NewEncoder(&f.hbuf)
	f.header = []hpack.HeaderField{
		{Name: ":method", Value: "POST"}, {Name: ":scheme", Value: "http"},
		{Name: ":authority", Value: r.URL.Host}, {Name: ":path", Value: r.URL.Path},
		{Name: "content-length", Value: fmt.Sprint(contentLength)},
	}
	for k, vs := range r.Header {
		f.header = append(f.header, hpack.HeaderField{Name: strings.ToLower(k), Value: vs[0]})
	}
	f.conn.Write([]byte(http2.ClientPreface))
	f.write(func() error { return f.fr.WriteSettings() })
	go f.read()
	t.Cleanup(func() { f.conn.Close(); <-f.done })
	return f
}

func (f *h2Flooder) write(w func() error) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return w()
}

func (f *h2Flooder) read() {
	defer close(f.done)
	for {
		fr, err := f.fr.ReadFrame()
		if err != nil {
			return
		}
		switch fr := fr.(type) {
		case *http2.SettingsFrame:
			if !fr.IsAck() {
				f.write(func() error { return f.fr.WriteSettingsAck() })
			}
		case *http2.PingFrame:
			if !fr.IsAck() {
				f.write(func() error { return f.fr.WritePing(true, fr.Data) })
			}
		case *http2.RSTStreamFrame:
			v, _ := f.resets.LoadOrStore(fr.ErrCode, new(atomic.Int64))
			v.(*atomic.Int64).Add(1)
		case *http2.GoAwayFrame:
			f.goAway.Store(true)
		}
	}
}

// open starts stream id with the request's headers and no body yet.
func (f *h2Flooder) open(id uint32) error {
	return f.write(func() error {
		f.hbuf.Reset()
		for _, h := range f.header {
			f.enc.WriteField(h)
		}
		return f.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: f.hbuf.Bytes(), EndHeaders: true})
	})
}

func (f *h2Flooder) reset(id uint32) error {
	return f.write(func() error { return f.fr.WriteRSTStream(id, http2.ErrCodeCancel) })
}

func (f *h2Flooder) resetsOf(code http2.ErrCode) int64 {
	if v, ok := f.resets.Load(code); ok {
		return v.(*atomic.Int64).Load()
	}
	return 0
}

// TestHTTP2StreamFloods: a client opening far more streams than
// --http2-max-concurrent-streams has the excess refused, and one opening
// and resetting streams as fast as it can (rapid reset) costs the server
// nothing lasting; a normal client, over HTTP/1.1 and over h2c, is served
// throughout, and goroutines and memory come back down.
func TestHTTP2StreamFloods(t *testing.T) {
	const maxStreams = 20
	srv := testserver.Start(t, testserver.WithConfig(func(c *config.Config) {
		c.HTTP2MaxConcurrentStreams, c.BodyTimeout = maxStreams, 3*time.Second
	}))
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	goroutines := runtime.NumGoroutine()
	stop := make(chan struct{})
	normal := keepCalling(t, srv, stop)
	body := []byte(`{"StreamName":"` + strings.Repeat("f", 100) + `"}`)
	r := signedRequest(t, srv.URL+"/", "kinesis", "Kinesis_20131202.DescribeStreamSummary", "application/x-amz-json-1.1", body, false)

	// Too many streams: each waits for a body that never comes.
	many := newH2Flooder(t, srv, r, len(body))
	time.Sleep(100 * time.Millisecond) // the SETTINGS exchange
	for i := range 200 {
		if err := many.open(uint32(2*i + 1)); err != nil {
			t.Fatalf("stream %d: %v", i, err)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for many.resetsOf(http2.ErrCodeProtocol)+many.resetsOf(http2.ErrCodeRefusedStream) < 200-maxStreams && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if refused := many.resetsOf(http2.ErrCodeProtocol) + many.resetsOf(http2.ErrCodeRefusedStream); refused < 200-maxStreams {
		t.Fatalf("%d of 200 streams over the limit of %d were refused", refused, maxStreams)
	}

	// Rapid reset: open and cancel, as fast as the socket takes it.
	rapid := newH2Flooder(t, srv, r, len(body))
	time.Sleep(100 * time.Millisecond)
	start := time.Now()
	var sent int
	for i := range 20000 {
		id := uint32(2*i + 1)
		if rapid.open(id) != nil || rapid.reset(id) != nil {
			break // the server closed the connection (ENHANCE_YOUR_CALM)
		}
		sent++
	}
	t.Logf("rapid reset: %d streams in %v, GOAWAY %v", sent, time.Since(start), rapid.goAway.Load())

	// An h2c client is served beside the flood.
	protocols := new(http.Protocols)
	protocols.SetUnencryptedHTTP2(true)
	cfg := srv.AWSConfig("us-east-1", "AKIDH2C", "secret")
	cfg.HTTPClient = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{Protocols: protocols}}
	if _, err := kinesis.NewFromConfig(cfg).ListStreams(context.Background(), &kinesis.ListStreamsInput{}); err != nil {
		t.Fatalf("h2c call beside the floods: %v", err)
	}
	close(stop)
	if ok, failed := normal(); failed > 0 || ok == 0 {
		t.Fatalf("normal calls during the floods: %d answered, %d failed", ok, failed)
	}
	m := metricsText(t, srv)
	if !strings.Contains(m, "over_max_streams") {
		t.Errorf("the refused streams are not counted:\n%s", grepLines(m, "sluice_http2"))
	}

	// Once the flooders go, what they cost goes with them.
	many.conn.Close()
	rapid.conn.Close()
	// Thousands of streams were opened: a leak would leave thousands of
	// goroutines; a few dozen come and go with the normal client and the
	// server's own work.
	var after runtime.MemStats
	n := runtime.NumGoroutine()
	for range 400 {
		runtime.GC()
		if n = runtime.NumGoroutine(); n < goroutines+100 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	runtime.ReadMemStats(&after)
	if n >= goroutines+100 {
		t.Errorf("%d goroutines after the floods, %d before", n, goroutines)
	}
	if grown := int64(after.HeapInuse) - int64(before.HeapInuse); grown > 64<<20 {
		t.Errorf("the heap grew by %d MiB over the floods", grown>>20)
	}
}
