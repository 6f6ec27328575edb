package opensearchtest

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// TypeMode is how the server treats _type in action lines.
type TypeMode int

// Type modes, after the versions that behave so.
const (
	// TypesOptional (Elasticsearch 7, OpenSearch 1): _type may be given,
	// and an index holds documents of one type only.
	TypesOptional TypeMode = iota
	// TypesRequired (Elasticsearch 6 and earlier): every action needs one.
	TypesRequired
	// TypesRemoved (Elasticsearch 8, OpenSearch 2 and later): _type is an
	// unknown parameter and fails the whole request.
	TypesRemoved
)

// Options shape a Server.
type Options struct {
	Types TypeMode
	// Serverless refuses document IDs, as an OpenSearch Serverless time
	// series collection does.
	Serverless bool
	// NoExplicitIndex is rest.action.multi.allow_explicit_index=false:
	// actions naming their _index fail the request.
	NoExplicitIndex bool
	// Username and Password, when Username is set, are required as HTTP
	// basic authentication (the security plugin).
	Username, Password string
	// MaxContentLength is http.max_content_length; 0: 100 MB.
	MaxContentLength int
	// TLS serves HTTPS with httptest's certificate (Client trusts it):
	// Firehose's API accepts only https:// endpoints.
	TLS bool
}

// Doc is one stored document.
type Doc struct {
	Index, ID, Type string
	Source          json.RawMessage
	Version         int
}

// Server is an OpenSearch cluster that knows _bulk. Its methods are safe
// for concurrent use.
type Server struct {
	// URL is the cluster endpoint, e.g. http://127.0.0.1:41234.
	URL string

	opts Options
	srv  *httptest.Server

	mu       sync.Mutex
	indices  map[string]*index
	requests int
	failNext []int // statuses of the next requests to fail as a whole
	failDocs []docFailure
	seq      int
}

type index struct {
	docs    []*Doc
	byID    map[string]*Doc
	typ     string
	mapping map[string]string // top-level field -> long, float, boolean, text, object
}

type docFailure struct {
	n      int
	status int
	match  func(Doc) bool
}

// New starts a server with the default options (Elasticsearch 7 /
// OpenSearch 1 behaviour). Close it when done.
func New() *Server { return NewWith(Options{}) }

// NewWith starts a server with o.
func NewWith(o Options) *Server {
	if o.MaxContentLength <= 0 {
		o.MaxContentLength = 100 << 20
	}
	s := &Server{opts: o, indices: map[string]*index{}}
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

// Docs returns the documents of index in the order they were first
// indexed (a replaced document keeps its place).
func (s *Server) Docs(index string) []Doc {
	s.mu.Lock()
	defer s.mu.Unlock()
	ix := s.indices[index]
	if ix == nil {
		return nil
	}
	out := make([]Doc, len(ix.docs))
	for i, d := range ix.docs {
		out[i] = *d
	}
	return out
}

// Indices returns the names of the indices, sorted.
func (s *Server) Indices() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.indices))
	for name := range s.indices {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// Requests is the number of _bulk requests received.
func (s *Server) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

// FailNext makes the next n _bulk requests fail as a whole with status
// (429: rejected execution, 5xx: a cluster error, others as given).
func (s *Server) FailNext(n, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.failNext = append(s.failNext, status)
	}
}

// FailDocs makes the next n index actions for which match is true (nil:
// any) fail with status in an otherwise successful _bulk response.
func (s *Server) FailDocs(n, status int, match func(Doc) bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failDocs = append(s.failDocs, docFailure{n, status, match})
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if s.opts.Username != "" {
		u, p, ok := r.BasicAuth()
		if !ok || u != s.opts.Username || p != s.opts.Password {
			w.Header().Set("WWW-Authenticate", `Basic realm="OpenSearch Security"`)
			http.Error(w, "Unauthorized", http.StatusUnauthorized)
			return
		}
	}
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	switch {
	case r.URL.Path == "/" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, map[string]any{
			"name": "sluice-opensearchtest", "cluster_name": "opensearchtest",
			"version": map[string]any{"distribution": "opensearch", "number": "2.11.0"},
			"tagline": "The OpenSearch Project: https://opensearch.org/",
		})
	case parts[len(parts)-1] == "_bulk" && len(parts) <= 2 && (r.Method == http.MethodPost || r.Method == http.MethodPut):
		def := ""
		if len(parts) == 2 {
			def = parts[0]
		}
		s.bulk(w, r, def)
	default:
		writeError(w, http.StatusMethodNotAllowed, "illegal_argument_exception",
			fmt.Sprintf("Incorrect HTTP method for uri [%s] and method [%s]", r.URL.Path, r.Method))
	}
}

func (s *Server) bulk(w http.ResponseWriter, r *http.Request, defaultIndex string) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || (mt != "application/json" && mt != "application/x-ndjson") {
		writeJSON(w, http.StatusNotAcceptable, map[string]any{
			"error":  fmt.Sprintf("Content-Type header [%s] is not supported", r.Header.Get("Content-Type")),
			"status": http.StatusNotAcceptable,
		})
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, int64(s.opts.MaxContentLength)+1))
	if err != nil {
		return
	}
	if len(body) > s.opts.MaxContentLength {
		w.WriteHeader(http.StatusRequestEntityTooLarge)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests++
	if len(s.failNext) > 0 {
		status := s.failNext[0]
		s.failNext = s.failNext[1:]
		typ, reason := failure(status)
		writeError(w, status, typ, reason)
		return
	}
	actions, err := parseBulk(body, defaultIndex)
	if err != nil {
		writeError(w, http.StatusBadRequest, "illegal_argument_exception", err.Error())
		return
	}
	for _, a := range actions {
		var reason string
		switch {
		case a.Index == "":
			reason = "Validation Failed: 1: index is missing;"
		case a.Explicit && s.opts.NoExplicitIndex:
			reason = "explicit index in bulk is not allowed"
		case a.HasTyp && s.opts.Types == TypesRemoved:
			reason = fmt.Sprintf("Action/metadata line [%d] contains an unknown parameter [_type]", a.Line)
		case a.Type == "" && s.opts.Types == TypesRequired:
			reason = "Validation Failed: 1: type is missing;"
		case a.Op != "index":
			reason = fmt.Sprintf("opensearchtest supports only index actions, not [%s]", a.Op)
		}
		if reason != "" {
			writeError(w, http.StatusBadRequest, "action_request_validation_exception", reason)
			return
		}
	}
	items := make([]map[string]any, len(actions))
	errors := false
	for i, a := range actions {
		res := s.index(a)
		if res["error"] != nil {
			errors = true
		}
		items[i] = map[string]any{a.Op: res}
	}
	writeJSON(w, http.StatusOK, map[string]any{"took": 1, "errors": errors, "items": items})
}

// index applies one index action and returns its item.
func (s *Server) index(a action) map[string]any {
	fail := func(status int, typ, reason string) map[string]any {
		return map[string]any{"_index": a.Index, "_id": a.ID, "status": status,
			"error": map[string]any{"type": typ, "reason": reason, "index": a.Index}}
	}
	for i := range s.failDocs {
		f := &s.failDocs[i]
		if f.n > 0 && (f.match == nil || f.match(Doc{Index: a.Index, ID: a.ID, Type: a.Type, Source: a.Source})) {
			f.n--
			typ, reason := failure(f.status)
			return fail(f.status, typ, reason)
		}
	}
	if reason := invalidIndexName(a.Index); reason != "" {
		return fail(http.StatusBadRequest, "invalid_index_name_exception", reason)
	}
	if a.ID != "" && s.opts.Serverless {
		return fail(http.StatusBadRequest, "illegal_argument_exception", "Document ID is not supported in create/index operation request")
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(a.Source, &fields); err != nil || fields == nil {
		return fail(http.StatusBadRequest, "mapper_parsing_exception", "failed to parse")
	}
	ix := s.indices[a.Index]
	if ix != nil && a.Type != "" && ix.typ != "" && ix.typ != a.Type {
		return fail(http.StatusBadRequest, "illegal_argument_exception", fmt.Sprintf(
			"Rejecting mapping update to [%s] as the final mapping would have more than 1 type: [%s, %s]", a.Index, ix.typ, a.Type))
	}
	var mapping map[string]string
	if ix != nil {
		mapping = ix.mapping
	}
	added, reason := mapFields(mapping, fields)
	if reason != "" {
		return fail(http.StatusBadRequest, "mapper_parsing_exception", reason)
	}
	if ix == nil {
		ix = &index{byID: map[string]*Doc{}, mapping: map[string]string{}}
		s.indices[a.Index] = ix
	}
	if ix.typ == "" {
		ix.typ = a.Type
	}
	for k, v := range added {
		ix.mapping[k] = v
	}
	s.seq++
	id, status, result := a.ID, http.StatusCreated, "created"
	if id == "" {
		id = newID()
	}
	d := ix.byID[id]
	if d == nil {
		d = &Doc{Index: a.Index, ID: id, Type: a.Type}
		ix.byID[id] = d
		ix.docs = append(ix.docs, d)
	} else {
		status, result = http.StatusOK, "updated"
	}
	d.Version++
	d.Source = append(json.RawMessage(nil), a.Source...)
	typ := a.Type
	if typ == "" {
		typ = "_doc"
	}
	return map[string]any{"_index": a.Index, "_type": typ, "_id": id, "_version": d.Version, "result": result,
		"_shards": map[string]int{"total": 2, "successful": 1, "failed": 0},
		"_seq_no": s.seq - 1, "_primary_term": 1, "status": status}
}

// failure is the error type and reason of an injected failure.
func failure(status int) (string, string) {
	switch {
	case status == http.StatusTooManyRequests:
		return "rejected_execution_exception", "rejected execution of coordinating operation [coordinating_and_primary_bytes=0, replica_bytes=0, all_bytes=0, coordinating_operation_bytes=1, max_coordinating_and_primary_bytes=0]"
	case status == http.StatusServiceUnavailable:
		return "unavailable_shards_exception", "primary shard is not active"
	case status >= 500:
		return "exception", "internal error"
	case status == http.StatusForbidden:
		return "cluster_block_exception", "blocked by: [FORBIDDEN/8/index write (api)];"
	}
	return "illegal_argument_exception", "rejected by opensearchtest"
}

// invalidIndexName is OpenSearch's reason for refusing name, or "".
func invalidIndexName(name string) string {
	switch {
	case name != strings.ToLower(name):
		return fmt.Sprintf("Invalid index name [%s], must be lowercase", name)
	case strings.ContainsAny(name, `\/*?"<>| ,#:`):
		return fmt.Sprintf(`Invalid index name [%s], must not contain the following characters [ , ", *, \, <, |, ,, >, /, ?, #, :]`, name)
	case name == "" || strings.IndexAny(name[:1], "-_+") == 0:
		return fmt.Sprintf("Invalid index name [%s], must not start with '_', '-', or '+'", name)
	case name == "." || name == "..":
		return fmt.Sprintf("Invalid index name [%s], must not be '.' or '..'", name)
	case len(name) > 255:
		return fmt.Sprintf("Invalid index name [%s], index name is too long, (%d > 255)", name, len(name))
	}
	return ""
}

// mapFields checks the top-level fields of a document against the index's
// dynamic mapping and returns the new fields' types, or the reason of a
// mapper_parsing_exception.
func mapFields(mapping map[string]string, fields map[string]json.RawMessage) (map[string]string, string) {
	added := map[string]string{}
	for k, raw := range fields {
		got := kindOf(raw)
		if got == "" {
			continue // null or empty array: no mapping
		}
		want, ok := mapping[k]
		if !ok {
			added[k] = got
			continue
		}
		if !compatible(want, got, raw) {
			if want == "object" || got == "object" {
				return nil, fmt.Sprintf("object mapping for [%s] tried to parse field [%s] as object, but found a concrete value", k, k)
			}
			return nil, fmt.Sprintf("failed to parse field [%s] of type [%s]", k, want)
		}
	}
	return added, ""
}

func kindOf(raw json.RawMessage) string {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return ""
	}
	if arr, ok := v.([]any); ok {
		if len(arr) == 0 {
			return ""
		}
		b, _ := json.Marshal(arr[0])
		return kindOf(b)
	}
	switch v.(type) {
	case bool:
		return "boolean"
	case float64:
		if strings.ContainsAny(string(raw), ".eE") {
			return "float"
		}
		return "long"
	case string:
		return "text"
	case map[string]any:
		return "object"
	}
	return ""
}

func compatible(want, got string, raw json.RawMessage) bool {
	switch want {
	case "text":
		return got != "object"
	case "long", "float":
		if got == "long" || got == "float" {
			return true
		}
		var s string
		if got == "text" && json.Unmarshal(raw, &s) == nil {
			_, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
			return err == nil
		}
		return false
	case "boolean":
		if got == "boolean" {
			return true
		}
		var s string
		return got == "text" && json.Unmarshal(raw, &s) == nil && (s == "true" || s == "false")
	}
	return want == got
}

func newID() string {
	b := make([]byte, 15)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func writeError(w http.ResponseWriter, status int, typ, reason string) {
	cause := map[string]any{"type": typ, "reason": reason}
	writeJSON(w, status, map[string]any{
		"error":  map[string]any{"root_cause": []any{cause}, "type": typ, "reason": reason},
		"status": status,
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
