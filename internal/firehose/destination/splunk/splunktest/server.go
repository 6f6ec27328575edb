package splunktest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
)

// DefaultToken is the token New's server accepts.
const DefaultToken = "00000000-0000-4000-8000-000000000000"

// Options shape a Server.
type Options struct {
	// Token is the HEC token to accept; "": DefaultToken.
	Token string
	// AckDisabled is a token without indexer acknowledgement: no ackIds,
	// and /ack answers code 14.
	AckDisabled bool
	// TokenDisabled answers every request with code 1.
	TokenDisabled bool
	// Indexes, when not empty, are the indexes events may name.
	Indexes []string
	// Sticky puts the server behind a load balancer with duration-based
	// sticky sessions: data responses set a cookie, and an acknowledgement
	// query without it reaches another node, which does not know the
	// channel (code 11).
	Sticky bool
	// TLS serves HTTPS with httptest's certificate (Client trusts it):
	// Firehose's API accepts only https:// endpoints.
	TLS bool
}

// Server is a Splunk HTTP Event Collector. Its methods are safe for
// concurrent use.
type Server struct {
	// URL is the HEC endpoint, e.g. http://127.0.0.1:41234.
	URL string

	opts Options
	srv  *httptest.Server

	mu       sync.Mutex
	events   []Event
	bodies   [][]byte
	requests int
	channels map[string]*channel
	failNext []int
	hold     bool
	ackAfter int
}

type channel struct {
	next    uint64
	pending map[uint64]int // ackId -> queries answered false so far
}

const stickyCookie = "AWSELB"

// New starts a server accepting DefaultToken with indexer acknowledgement
// enabled. Close it when done.
func New() *Server { return NewWith(Options{}) }

// NewWith starts a server with o.
func NewWith(o Options) *Server {
	if o.Token == "" {
		o.Token = DefaultToken
	}
	s := &Server{opts: o, channels: map[string]*channel{}}
	if o.TLS {
		s.srv = httptest.NewTLSServer(http.HandlerFunc(s.serve))
	} else {
		s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	}
	s.URL = s.srv.URL
	return s
}

// Client is an HTTP client that trusts the server's certificate.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// Close shuts the server down.
func (s *Server) Close() { s.srv.Close() }

// Events returns the accepted events in order.
func (s *Server) Events() []Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Event(nil), s.events...)
}

// Bodies returns the bodies of the accepted data requests in order.
func (s *Server) Bodies() [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([][]byte(nil), s.bodies...)
}

// Requests is the number of data requests received (accepted or not).
func (s *Server) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

// FailNext answers the next n data requests with HEC status code (8
// internal error, 9 busy, 6 invalid data, …) and its HTTP status.
func (s *Server) FailNext(n, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.failNext = append(s.failNext, code)
	}
}

// HoldAcks keeps (true) or stops keeping (false) every acknowledgement
// false, as an indexer that never catches up.
func (s *Server) HoldAcks(hold bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hold = hold
}

// AckAfter makes each ackId answer false to its first n queries (default
// 0: acknowledged at the first query).
func (s *Server) AckAfter(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ackAfter = n
}

// ForgetChannels drops every channel, as when queries reach another node.
func (s *Server) ForgetChannels() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.channels = map[string]*channel{}
}

// statuses are HEC's status codes: HTTP status and text.
var statuses = map[int]struct {
	http int
	text string
}{
	0: {200, "Success"}, 1: {403, "Token disabled"}, 2: {401, "Token is required"},
	3: {401, "Invalid authorization"}, 4: {403, "Invalid token"}, 5: {400, "No data"},
	6: {400, "Invalid data format"}, 7: {400, "Incorrect index"}, 8: {500, "Internal server error"},
	9: {503, "Server is busy"}, 10: {400, "Data channel is missing"}, 11: {400, "Invalid data channel"},
	12: {400, "Event field is required"}, 13: {400, "Event field cannot be blank"},
	14: {400, "ACK is disabled"}, 15: {400, "Error in handling indexed fields"},
	16: {400, "Query string authorization is not enabled"}, 17: {200, "HEC is healthy"},
	18: {503, "HEC is unhealthy, queues are full"}, 19: {503, "HEC is unhealthy, ack service unavailable"},
	20: {503, "HEC is unhealthy, queues are full, ack service unavailable"},
}

var guid = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimRight(r.URL.Path, "/")
	if path == "/services/collector/health" || path == "/services/collector/health/1.0" {
		status(w, 17, nil)
		return
	}
	var kind string
	switch path {
	case "/services/collector", "/services/collector/event", "/services/collector/event/1.0":
		kind = "event"
	case "/services/collector/raw", "/services/collector/raw/1.0":
		kind = "raw"
	case "/services/collector/ack":
		kind = "ack"
	default:
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodPost {
		w.WriteHeader(http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<30))
	if err != nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if kind != "ack" {
		s.requests++
	}
	if code := s.auth(r); code != 0 {
		status(w, code, nil)
		return
	}
	ch := r.Header.Get("X-Splunk-Request-Channel")
	if ch == "" {
		ch = r.URL.Query().Get("channel")
	}
	switch {
	case ch == "" && (kind == "raw" || !s.opts.AckDisabled):
		status(w, 10, nil)
		return
	case ch != "" && !guid.MatchString(ch):
		status(w, 11, nil)
		return
	}
	if kind == "ack" {
		s.ack(w, r, ch, body)
		return
	}
	if len(s.failNext) > 0 {
		code := s.failNext[0]
		s.failNext = s.failNext[1:]
		status(w, code, nil)
		return
	}
	var events []Event
	if kind == "raw" {
		if events = rawEvents(body); len(events) == 0 {
			status(w, 5, nil)
			return
		}
	} else {
		evs, code, bad := parseEvents(body)
		if code == 0 {
			code, bad = s.checkIndexes(evs)
		}
		if code != 0 {
			extra := map[string]any{}
			if code != 5 {
				extra["invalid-event-number"] = bad
			}
			status(w, code, extra)
			return
		}
		events = evs
	}
	for i := range events {
		events[i].Channel = ch
	}
	s.events = append(s.events, events...)
	s.bodies = append(s.bodies, body)
	if s.opts.AckDisabled {
		status(w, 0, nil)
		return
	}
	c := s.channels[ch]
	if c == nil {
		c = &channel{pending: map[uint64]int{}}
		s.channels[ch] = c
	}
	id := c.next
	c.next++
	c.pending[id] = 0
	if s.opts.Sticky {
		http.SetCookie(w, &http.Cookie{Name: stickyCookie, Value: "node-1"})
	}
	status(w, 0, map[string]any{"ackId": id})
}

// auth checks the Authorization header ("Splunk <token>", or basic
// authentication with the token as password) and returns HEC's code.
func (s *Server) auth(r *http.Request) int {
	h := r.Header.Get("Authorization")
	if h == "" {
		return 2
	}
	tok, ok := strings.CutPrefix(h, "Splunk ")
	if !ok {
		if _, p, basic := r.BasicAuth(); basic {
			tok, ok = p, true
		}
	}
	switch {
	case !ok:
		return 3
	case strings.TrimSpace(tok) != s.opts.Token:
		return 4
	case s.opts.TokenDisabled:
		return 1
	}
	return 0
}

// checkIndexes returns code 7 and the event's number if an event names an
// index not in Options.Indexes.
func (s *Server) checkIndexes(evs []Event) (int, int) {
	if len(s.opts.Indexes) == 0 {
		return 0, 0
	}
	for i, e := range evs {
		raw, ok := e.Meta["index"]
		if !ok {
			continue
		}
		var name string
		if json.Unmarshal(raw, &name) != nil || !contains(s.opts.Indexes, name) {
			return 7, i
		}
	}
	return 0, 0
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// ack answers an acknowledgement query {"acks":[0,1]} with
// {"acks":{"0":true,"1":false}}; an ackId reported true is forgotten.
func (s *Server) ack(w http.ResponseWriter, r *http.Request, ch string, body []byte) {
	if s.opts.AckDisabled {
		status(w, 14, nil)
		return
	}
	c := s.channels[ch]
	if s.opts.Sticky {
		if ck, err := r.Cookie(stickyCookie); err != nil || ck.Value != "node-1" {
			c = nil // another node
		}
	}
	if c == nil {
		status(w, 11, nil)
		return
	}
	var q struct {
		Acks *[]uint64 `json:"acks"`
	}
	if json.Unmarshal(body, &q) != nil || q.Acks == nil {
		status(w, 6, nil)
		return
	}
	out := map[string]bool{}
	for _, id := range *q.Acks {
		n, ok := c.pending[id]
		done := ok && !s.hold && n >= s.ackAfter
		switch {
		case done:
			delete(c.pending, id)
		case ok:
			c.pending[id] = n + 1
		}
		out[jsonKey(id)] = done
	}
	writeJSON(w, http.StatusOK, map[string]any{"acks": out})
}

func jsonKey(id uint64) string {
	b, _ := json.Marshal(id)
	return string(b)
}

// status writes HEC's answer for code, with extra members.
func status(w http.ResponseWriter, code int, extra map[string]any) {
	st, ok := statuses[code]
	if !ok {
		st.http, st.text = http.StatusInternalServerError, "Internal server error"
	}
	body := map[string]any{"text": st.text, "code": code}
	for k, v := range extra {
		body[k] = v
	}
	writeJSON(w, st.http, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
