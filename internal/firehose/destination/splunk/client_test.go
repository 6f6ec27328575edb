package splunk

import (
	"context"
	"encoding/json"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"sluice/internal/firehose/destination/splunk/splunktest"
)

var epoch = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

// fakeClock makes a Client whose Sleep advances Now; it records the sleeps.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func newClock() *fakeClock { return &fakeClock{now: epoch} }

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

func (f *fakeClock) elapsed() time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now.Sub(epoch)
}

func recs(s ...string) [][]byte {
	out := make([][]byte, len(s))
	for i, r := range s {
		out[i] = []byte(r)
	}
	return out
}

func cfgFor(srv *splunktest.Server, typ string) Config {
	return Config{Endpoint: srv.URL, Type: typ, Token: splunktest.DefaultToken,
		AckTimeout: 180 * time.Second, RetryDuration: 3600 * time.Second}
}

func TestSendBodies(t *testing.T) {
	srv := splunktest.New()
	defer srv.Close()
	c := newClock().client()
	// Raw: the records concatenated; Splunk breaks lines into events.
	res := c.Send(context.Background(), cfgFor(srv, Raw), recs("line 1\n", "line 2\n", "line 3\n"))
	if !res.Delivered || res.Attempts != 1 || res.Code != "" {
		t.Fatalf("raw: %+v", res)
	}
	// Event: event objects concatenated.
	res = c.Send(context.Background(), cfgFor(srv, Event),
		recs(`{"event":"hello","sourcetype":"aws:firehose"}`, `{"event":{"a":1},"index":"main"}`))
	if !res.Delivered {
		t.Fatalf("event: %+v", res)
	}
	bodies := srv.Bodies()
	if len(bodies) != 2 || string(bodies[0]) != "line 1\nline 2\nline 3\n" ||
		string(bodies[1]) != `{"event":"hello","sourcetype":"aws:firehose"}{"event":{"a":1},"index":"main"}` {
		t.Errorf("bodies %q", bodies)
	}
	evs := srv.Events()
	if len(evs) != 5 || evs[0].Endpoint != "raw" || string(evs[2].Data) != "line 3" ||
		evs[3].Endpoint != "event" || string(evs[3].Data) != `"hello"` || string(evs[4].Meta["index"]) != `"main"` {
		t.Errorf("events %+v", evs)
	}
	if evs[0].Channel == "" || evs[0].Channel == evs[3].Channel {
		t.Errorf("channels %q %q: want one per Send", evs[0].Channel, evs[3].Channel)
	}
}

func TestSendNonJSONToEventEndpoint(t *testing.T) {
	srv := splunktest.New()
	defer srv.Close()
	clock := newClock()
	cfg := cfgFor(srv, Event)
	cfg.RetryDuration = 10 * time.Second
	res := clock.client().Send(context.Background(), cfg, recs("plain text\n"))
	// Not checked by Firehose; Splunk refuses it; retried, then given up.
	// Backoffs of 1+2+4+3 s use up the 10 s: five attempts.
	if res.Delivered || res.Code != CodeInvalidDataFormat || res.Attempts != 5 ||
		!strings.Contains(res.Detail, "Invalid data format") || res.Message != Message(CodeInvalidDataFormat) {
		t.Errorf("%+v", res)
	}
	if len(srv.Events()) != 0 || srv.Requests() != 5 {
		t.Errorf("%d requests, events %+v", srv.Requests(), srv.Events())
	}
	res = clock.client().Send(context.Background(), cfg, recs(`{"sourcetype":"x"}`))
	if res.Code != CodeInvalidDataFormat || !strings.Contains(res.Detail, "Event field is required") {
		t.Errorf("no event field: %+v", res)
	}
}

func TestSendAckFlow(t *testing.T) {
	srv := splunktest.New()
	defer srv.Close()
	srv.AckAfter(2)
	clock := newClock()
	res := clock.client().Send(context.Background(), cfgFor(srv, Raw), recs("x\n"))
	if !res.Delivered || res.Attempts != 1 {
		t.Fatalf("%+v", res)
	}
	if len(clock.sleeps) != 2 || clock.sleeps[0] != time.Second || clock.sleeps[1] != time.Second {
		t.Errorf("sleeps %v: want two 1 s pauses between three queries", clock.sleeps)
	}
}

func TestSendAckTimeout(t *testing.T) {
	srv := splunktest.New()
	defer srv.Close()
	srv.HoldAcks(true)
	clock := newClock()
	c := clock.client()
	c.AckPollInterval = 30 * time.Second
	cfg := cfgFor(srv, Raw)
	cfg.RetryDuration = 300 * time.Second
	res := c.Send(context.Background(), cfg, recs("x\n"))
	// Every attempt waits the whole 180 s acknowledgement timeout, which
	// the retry duration does not count: backoffs of 1+2+4+8+16+32+60+60+
	// 60+57 s use up its 300 s after 11 attempts.
	if res.Delivered || res.Code != CodeAckTimeout || res.Attempts != 11 || !strings.Contains(res.Detail, "not acknowledged") {
		t.Errorf("%+v", res)
	}
	if got, want := clock.elapsed(), 11*180*time.Second+300*time.Second; got != want {
		t.Errorf("took %v, want %v", got, want)
	}
	if srv.Requests() != 11 || len(srv.Events()) != 11 {
		t.Errorf("%d requests", srv.Requests())
	}
	// No retries: one attempt, still waiting for its acknowledgement.
	clock = newClock()
	c = clock.client()
	cfg.RetryDuration = 0
	if res := c.Send(context.Background(), cfg, recs("x\n")); res.Attempts != 1 || res.Code != CodeAckTimeout ||
		clock.elapsed() != 180*time.Second {
		t.Errorf("no retries: %+v after %v", res, clock.elapsed())
	}
	// The acknowledgement arrives with the query made at the timeout.
	srv.HoldAcks(false)
	srv.AckAfter(6)
	clock = newClock()
	c = clock.client()
	c.AckPollInterval = 30 * time.Second
	if res := c.Send(context.Background(), cfg, recs("x\n")); !res.Delivered || res.Attempts != 1 ||
		clock.elapsed() != 180*time.Second {
		t.Errorf("acknowledged at the timeout: %+v after %v", res, clock.elapsed())
	}
}

func TestSendErrors(t *testing.T) {
	tests := []struct {
		name   string
		opts   splunktest.Options
		token  string
		detail string
		code   string
	}{
		{"invalid token", splunktest.Options{}, "wrong", "Invalid token", CodeInvalidToken},
		{"no token", splunktest.Options{}, "", "Invalid authorization", CodeInvalidToken},
		{"disabled token", splunktest.Options{TokenDisabled: true}, splunktest.DefaultToken, "Token disabled", CodeDisabledToken},
		{"ack disabled", splunktest.Options{AckDisabled: true}, splunktest.DefaultToken, "without an ackId", CodeDisabledAck},
	}
	for _, tt := range tests {
		srv := splunktest.NewWith(tt.opts)
		cfg := cfgFor(srv, Raw)
		cfg.Token, cfg.RetryDuration = tt.token, 0
		res := newClock().client().Send(context.Background(), cfg, recs("x\n"))
		if res.Delivered || res.Code != tt.code || res.Attempts != 1 || !strings.Contains(res.Detail, tt.detail) {
			t.Errorf("%s: %+v", tt.name, res)
		}
		srv.Close()
	}

	srv := splunktest.NewWith(splunktest.Options{Indexes: []string{"main"}})
	defer srv.Close()
	cfg := cfgFor(srv, Event)
	cfg.RetryDuration = 0
	if res := newClock().client().Send(context.Background(), cfg, recs(`{"event":1,"index":"other"}`)); res.Code != CodeInvalidIndex {
		t.Errorf("invalid index: %+v", res)
	}
}

func TestSendRetriesServerErrors(t *testing.T) {
	srv := splunktest.New()
	defer srv.Close()
	srv.FailNext(1, 9) // 503 server is busy
	srv.FailNext(1, 8) // 500 internal error
	clock := newClock()
	res := clock.client().Send(context.Background(), cfgFor(srv, Raw), recs("x\n"))
	if !res.Delivered || res.Attempts != 3 || res.Code != "" {
		t.Errorf("%+v", res)
	}
	if len(clock.sleeps) != 2 || clock.sleeps[0] != time.Second || clock.sleeps[1] != 2*time.Second {
		t.Errorf("sleeps %v", clock.sleeps)
	}
	if len(srv.Events()) != 1 {
		t.Errorf("events %+v", srv.Events())
	}
}

func TestSendStickySessions(t *testing.T) {
	srv := splunktest.NewWith(splunktest.Options{Sticky: true})
	defer srv.Close()
	cfg := cfgFor(srv, Raw)
	if res := newClock().client().Send(context.Background(), cfg, recs("x\n")); !res.Delivered {
		t.Errorf("with the cookie forwarded: %+v", res)
	}
	// The acknowledgement query reaching a node that lost the channel.
	srv.AckAfter(1)
	c := newClock().client()
	c.Sleep = func(ctx context.Context, d time.Duration) error { srv.ForgetChannels(); return nil }
	cfg.RetryDuration = 0
	if res := c.Send(context.Background(), cfg, recs("x\n")); res.Code != CodeProxyWithoutStickySessions ||
		!strings.Contains(res.Detail, "Invalid data channel") {
		t.Errorf("without the channel: %+v", res)
	}
}

func TestSendRequestShape(t *testing.T) {
	type seen struct{ path, auth, channel, query, body string }
	var mu sync.Mutex
	var got []seen
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, seen{r.URL.Path, r.Header.Get("Authorization"), r.Header.Get("X-Splunk-Request-Channel"),
			r.URL.Query().Get("channel"), string(b)})
		mu.Unlock()
		if strings.HasSuffix(r.URL.Path, "/ack") {
			_, _ = io.WriteString(w, `{"acks":{"42":true}}`)
			return
		}
		_, _ = io.WriteString(w, `{"text":"Success","code":0,"ackId":42}`)
	}))
	defer srv.Close()
	cfg := Config{Endpoint: srv.URL + "/", Type: Event, Token: "tok"}
	if res := newClock().client().Send(context.Background(), cfg, recs(`{"event":1}`)); !res.Delivered {
		t.Fatalf("%+v", res)
	}
	if len(got) != 2 {
		t.Fatalf("requests %+v", got)
	}
	d, a := got[0], got[1]
	if d.path != "/services/collector/event" || d.auth != "Splunk tok" || len(d.channel) != 36 || d.body != `{"event":1}` {
		t.Errorf("data request %+v", d)
	}
	if a.path != "/services/collector/ack" || a.auth != "Splunk tok" || a.channel != d.channel || a.query != d.channel ||
		a.body != `{"acks":[42]}` {
		t.Errorf("ack request %+v", a)
	}
	if d.channel[14] != '4' || !strings.ContainsRune("89AB", rune(d.channel[19])) {
		t.Errorf("channel %s is not a version 4 UUID", d.channel)
	}
}

func TestSendUnreadableResponses(t *testing.T) {
	tests := []struct {
		status int
		body   string
		code   string
	}{
		{200, `<html>ok</html>`, CodeServerError},
		{404, `not found`, CodeInvalidEndpoint},
		{502, `bad gateway`, CodeServerError},
		{401, ``, CodeInvalidToken},
		{503, `{"text":"HEC is unhealthy, queues are full","code":18}`, CodeServerError},
	}
	for _, tt := range tests {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(tt.status)
			_, _ = io.WriteString(w, tt.body)
		}))
		res := newClock().client().Send(context.Background(), Config{Endpoint: srv.URL, Type: Raw}, recs("x"))
		if res.Delivered || res.Code != tt.code {
			t.Errorf("%d %s: %+v", tt.status, tt.body, res)
		}
		srv.Close()
	}
}

func TestSendConnectionErrors(t *testing.T) {
	closed := httptest.NewServer(http.NotFoundHandler())
	url := closed.URL
	closed.Close()
	if res := newClock().client().Send(context.Background(), Config{Endpoint: url, Type: Raw}, recs("x")); res.Code != CodeInvalidEndpoint {
		t.Errorf("refused: %+v", res)
	}
	if res := newClock().client().Send(context.Background(), Config{Endpoint: "http://no-such-host.invalid", Type: Raw}, recs("x")); res.Code != CodeInvalidEndpoint {
		t.Errorf("unknown host: %+v", res)
	}

	hang := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		<-r.Context().Done()
	}))
	defer hang.Close()
	c := newClock().client()
	c.Timeout = 50 * time.Millisecond
	if res := c.Send(context.Background(), Config{Endpoint: hang.URL, Type: Raw}, recs("x")); res.Code != CodeConnectionTimeout {
		t.Errorf("timeout: %+v", res)
	}

	cut := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			_ = conn.Close()
		}
	}))
	defer cut.Close()
	if res := newClock().client().Send(context.Background(), Config{Endpoint: cut.URL, Type: Raw}, recs("x")); res.Code != CodeConnectionClosed {
		t.Errorf("closed connection: %+v", res)
	}

	tlsSrv := httptest.NewUnstartedServer(http.NotFoundHandler())
	tlsSrv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes
	tlsSrv.StartTLS()
	defer tlsSrv.Close()
	if res := newClock().client().Send(context.Background(), Config{Endpoint: tlsSrv.URL, Type: Raw}, recs("x")); res.Code != CodeSSLHandshake {
		t.Errorf("unknown authority: %+v", res)
	}
	// Trusted certificate (127.0.0.1, example.com), wrong host name.
	c = newClock().client()
	c.HTTP = tlsSrv.Client()
	host := strings.Replace(tlsSrv.URL, "127.0.0.1", "localhost", 1)
	if res := c.Send(context.Background(), Config{Endpoint: host, Type: Raw}, recs("x")); res.Code != CodeSSLUnverified {
		t.Errorf("host name: %+v", res)
	}
}

func TestSendContextEnds(t *testing.T) {
	srv := splunktest.New()
	defer srv.Close()
	srv.HoldAcks(true)
	ctx, cancel := context.WithCancel(context.Background())
	c := newClock().client()
	c.Sleep = func(context.Context, time.Duration) error { cancel(); return context.Canceled }
	res := c.Send(ctx, cfgFor(srv, Raw), recs("x\n"))
	if res.Delivered || res.Code != "" || res.Attempts != 1 {
		t.Errorf("%+v", res)
	}
	if res := c.Send(ctx, cfgFor(srv, Raw), recs("x\n")); res.Delivered || res.Code != "" {
		t.Errorf("after cancel: %+v", res)
	}
}

func TestSendInvalidConfig(t *testing.T) {
	res := (&Client{}).Send(context.Background(), Config{Endpoint: "https://h", Type: "Json"}, recs("x"))
	if res.Code != CodeInvalidEndpoint || res.Attempts != 0 || !strings.Contains(res.Detail, "HECEndpointType") {
		t.Errorf("%+v", res)
	}
}

func TestFailedRecord(t *testing.T) {
	r := Result{Attempts: 3, Code: CodeAckTimeout, Message: Message(CodeAckTimeout)}
	b := FailedRecord(r, []byte("2 hello\n"), "49577193928114147339600778471082492393164139877200035842.0",
		time.UnixMilli(1506035354675), time.UnixMilli(1506035454675))
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	want := `{"attemptsMade":3,"arrivalTimestamp":1506035354675,"errorCode":"Splunk.AckTimeout","errorMessage":` +
		`"Did not receive an acknowledgement from HEC before the HEC acknowledgement timeout expired. Despite the acknowledgement timeout, it's possible the data was indexed successfully in Splunk. Kinesis Data Firehose backs up in Amazon S3 data for which the acknowledgement timeout expired.",` +
		`"attemptEndingTimestamp":1506035454675,"rawData":"MiBoZWxsbwo=","EventId":"49577193928114147339600778471082492393164139877200035842.0"}`
	if string(b) != want {
		t.Errorf("FailedRecord =\n%s\nwant\n%s", b, want)
	}
}

func TestSendNothing(t *testing.T) {
	if res := (&Client{}).Send(context.Background(), Config{Endpoint: "http://127.0.0.1:1", Type: Raw}, recs("", "")); !res.Delivered || res.Attempts != 0 {
		t.Errorf("%+v", res)
	}
}
