package splunktest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

const ch = "0F2A4C5E-1B3D-4E6F-8A9B-0C1D2E3F4A5B"

type answer struct {
	status int
	Text   string          `json:"text"`
	Code   *int            `json:"code"`
	AckID  *uint64         `json:"ackId"`
	Bad    *int            `json:"invalid-event-number"`
	Acks   map[string]bool `json:"acks"`
	cookie []*http.Cookie
}

func do(t *testing.T, s *Server, path, auth, channel, body string, cookies ...*http.Cookie) answer {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.URL+path, strings.NewReader(body))
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if channel != "" {
		req.Header.Set("X-Splunk-Request-Channel", channel)
	}
	for _, c := range cookies {
		req.AddCookie(c)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	var a answer
	_ = json.Unmarshal(b, &a)
	a.status, a.cookie = resp.StatusCode, resp.Cookies()
	return a
}

func code(a answer) int {
	if a.Code == nil {
		return -1
	}
	return *a.Code
}

var tok = "Splunk " + DefaultToken

func TestServerDataRequests(t *testing.T) {
	tests := []struct {
		name    string
		opts    Options
		path    string
		auth    string
		channel string
		body    string
		status  int
		code    int
		bad     int // invalid-event-number, -1 for none
	}{
		{"event", Options{}, "/services/collector/event", tok, ch, `{"event":"a"} {"event":{"b":1}}`, 200, 0, -1},
		{"collector", Options{}, "/services/collector", tok, ch, `{"event":"a"}`, 200, 0, -1},
		{"raw", Options{}, "/services/collector/raw", tok, ch, "a\nb\n", 200, 0, -1},
		{"basic auth", Options{}, "/services/collector/raw", "Basic " + base64.StdEncoding.EncodeToString([]byte("x:"+DefaultToken)), ch, "a", 200, 0, -1},
		{"no auth", Options{}, "/services/collector/raw", "", ch, "a", 401, 2, -1},
		{"bad scheme", Options{}, "/services/collector/raw", "Bearer " + DefaultToken, ch, "a", 401, 3, -1},
		{"bad token", Options{}, "/services/collector/raw", "Splunk nope", ch, "a", 403, 4, -1},
		{"disabled", Options{TokenDisabled: true}, "/services/collector/raw", tok, ch, "a", 403, 1, -1},
		{"no channel", Options{}, "/services/collector/event", tok, "", `{"event":"a"}`, 400, 10, -1},
		{"no channel, no ack", Options{AckDisabled: true}, "/services/collector/event", tok, "", `{"event":"a"}`, 200, 0, -1},
		{"raw needs a channel", Options{AckDisabled: true}, "/services/collector/raw", tok, "", "a", 400, 10, -1},
		{"bad channel", Options{}, "/services/collector/raw", tok, "nope", "a", 400, 11, -1},
		{"no data", Options{}, "/services/collector/event", tok, ch, "  \n", 400, 5, -1},
		{"no raw data", Options{}, "/services/collector/raw", tok, ch, "\n\n", 400, 5, -1},
		{"not json", Options{}, "/services/collector/event", tok, ch, `{"event":"a"} hello`, 400, 6, 1},
		{"not an object", Options{}, "/services/collector/event", tok, ch, `[1]`, 400, 6, 0},
		{"no event", Options{}, "/services/collector/event", tok, ch, `{"event":1}{"host":"h"}`, 400, 12, 1},
		{"null event", Options{}, "/services/collector/event", tok, ch, `{"event":null}`, 400, 12, 0},
		{"blank event", Options{}, "/services/collector/event", tok, ch, `{"event":""}`, 400, 13, 0},
		{"nested fields", Options{}, "/services/collector/event", tok, ch, `{"event":1,"fields":{"a":{"b":1}}}`, 400, 15, 0},
		{"flat fields", Options{}, "/services/collector/event", tok, ch, `{"event":1,"fields":{"a":[1,"x"],"b":true}}`, 200, 0, -1},
		{"index", Options{Indexes: []string{"main"}}, "/services/collector/event", tok, ch, `{"event":1,"index":"main"}{"event":2,"index":"x"}`, 400, 7, 1},
	}
	for _, tt := range tests {
		s := NewWith(tt.opts)
		a := do(t, s, tt.path, tt.auth, tt.channel, tt.body)
		if a.status != tt.status || code(a) != tt.code {
			t.Errorf("%s: %d code %d (%s), want %d code %d", tt.name, a.status, code(a), a.Text, tt.status, tt.code)
		}
		if (a.Bad == nil) != (tt.bad < 0) || (a.Bad != nil && *a.Bad != tt.bad) {
			t.Errorf("%s: invalid-event-number %v, want %d", tt.name, a.Bad, tt.bad)
		}
		if tt.status == 200 && (a.AckID == nil) != tt.opts.AckDisabled {
			t.Errorf("%s: ackId %v", tt.name, a.AckID)
		}
		if tt.status != 200 && len(s.Events()) != 0 {
			t.Errorf("%s: stored %+v", tt.name, s.Events())
		}
		s.Close()
	}
}

func TestServerAcks(t *testing.T) {
	s := New()
	defer s.Close()
	s.AckAfter(1)
	a0 := do(t, s, "/services/collector/raw", tok, ch, "a")
	a1 := do(t, s, "/services/collector/raw", tok, ch, "b")
	if *a0.AckID != 0 || *a1.AckID != 1 {
		t.Fatalf("ackIds %d %d", *a0.AckID, *a1.AckID)
	}
	if other := do(t, s, "/services/collector/raw", tok, strings.ToLower(ch[:35])+"C", "c"); *other.AckID != 0 {
		t.Errorf("another channel starts at %d", *other.AckID)
	}
	q := do(t, s, "/services/collector/ack", tok, ch, `{"acks":[0,1,7]}`)
	if q.status != 200 || q.Acks["0"] || q.Acks["1"] || q.Acks["7"] || len(q.Acks) != 3 {
		t.Errorf("first query %+v", q)
	}
	q = do(t, s, "/services/collector/ack?channel="+ch, tok, "", `{"acks":[0,1,7]}`)
	if !q.Acks["0"] || !q.Acks["1"] || q.Acks["7"] {
		t.Errorf("second query %+v", q)
	}
	if q = do(t, s, "/services/collector/ack", tok, ch, `{"acks":[0]}`); q.Acks["0"] {
		t.Errorf("reported twice: %+v", q)
	}
	s.HoldAcks(true)
	a2 := do(t, s, "/services/collector/raw", tok, ch, "d")
	for range 3 {
		if q = do(t, s, "/services/collector/ack", tok, ch, `{"acks":[2]}`); q.Acks["2"] || *a2.AckID != 2 {
			t.Errorf("held: %+v", q)
		}
	}
	if q = do(t, s, "/services/collector/ack", tok, ch, `{"ack":[2]}`); code(q) != 6 {
		t.Errorf("bad query: %+v", q)
	}
	if q = do(t, s, "/services/collector/ack", tok, "11111111-2222-4333-8444-555555555555", `{"acks":[0]}`); code(q) != 11 {
		t.Errorf("unknown channel: %+v", q)
	}
	s.ForgetChannels()
	if q = do(t, s, "/services/collector/ack", tok, ch, `{"acks":[2]}`); code(q) != 11 {
		t.Errorf("forgotten channel: %+v", q)
	}
	if q = do(t, s, "/services/collector/ack", "Splunk x", ch, `{"acks":[2]}`); code(q) != 4 {
		t.Errorf("ack with a bad token: %+v", q)
	}

	d := NewWith(Options{AckDisabled: true})
	defer d.Close()
	if q = do(t, d, "/services/collector/ack", tok, ch, `{"acks":[0]}`); q.status != 400 || code(q) != 14 {
		t.Errorf("ack disabled: %+v", q)
	}
}

func TestServerSticky(t *testing.T) {
	s := NewWith(Options{Sticky: true})
	defer s.Close()
	a := do(t, s, "/services/collector/raw", tok, ch, "a")
	if len(a.cookie) != 1 {
		t.Fatalf("cookies %v", a.cookie)
	}
	if q := do(t, s, "/services/collector/ack", tok, ch, `{"acks":[0]}`); code(q) != 11 {
		t.Errorf("without the cookie: %+v", q)
	}
	if q := do(t, s, "/services/collector/ack", tok, ch, `{"acks":[0]}`, a.cookie...); !q.Acks["0"] {
		t.Errorf("with the cookie: %+v", q)
	}
}

func TestServerMisc(t *testing.T) {
	s := New()
	defer s.Close()
	s.FailNext(1, 9)
	if a := do(t, s, "/services/collector/raw", tok, ch, "a"); a.status != 503 || code(a) != 9 || a.Text != "Server is busy" {
		t.Errorf("FailNext: %+v", a)
	}
	if a := do(t, s, "/services/collector/raw", tok, ch, "a"); a.status != 200 {
		t.Errorf("after FailNext: %+v", a)
	}
	if s.Requests() != 2 || len(s.Bodies()) != 1 {
		t.Errorf("%d requests, %d bodies", s.Requests(), len(s.Bodies()))
	}
	resp, err := http.Get(s.URL + "/services/collector/health")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("health: %v %v", err, resp)
	}
	_ = resp.Body.Close()
	for path, want := range map[string]int{"/services/collector/raw": 405, "/nope": 404} {
		resp, err := http.Get(s.URL + path)
		if err != nil || resp.StatusCode != want {
			t.Errorf("GET %s: %v %v", path, err, resp)
		} else {
			_ = resp.Body.Close()
		}
	}
}

// FuzzParseEvents: parseEvents never panics; it returns events or an error
// code, never both; every event has a non-null, non-blank event; raw
// splitting keeps every non-blank line.
func FuzzParseEvents(f *testing.F) {
	f.Add([]byte(`{"event":"a","sourcetype":"s"}{"event":{"b":1},"fields":{"f":[1]}}`))
	f.Add([]byte(`{"event":""}`))
	f.Add([]byte("line\r\nline 2\n\n"))
	f.Add([]byte(`{"event":1} {"event":2`))
	f.Fuzz(func(t *testing.T, body []byte) {
		evs, code, bad := parseEvents(body)
		if code != 0 {
			if evs != nil || bad < 0 {
				t.Fatalf("code %d with events %v, bad %d", code, evs, bad)
			}
		} else {
			for _, e := range evs {
				if len(e.Data) == 0 || string(e.Data) == "null" || string(e.Data) == `""` {
					t.Fatalf("bad event %q", e.Data)
				}
			}
		}
		for _, e := range rawEvents(body) {
			if len(bytes.TrimSpace(e.Data)) == 0 || bytes.ContainsRune(e.Data, '\n') {
				t.Fatalf("bad raw event %q", e.Data)
			}
		}
	})
}
