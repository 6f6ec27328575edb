package opensearch

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sluice/internal/firehose/destination/clock"
	"strconv"
	"sync"
	"time"
)

// Client defaults and backoff.
const (
	// DefaultTimeout bounds one _bulk request (Sluice's choice; AWS does
	// not document one).
	DefaultTimeout = time.Minute
	// DefaultMaxRequestBytes and DefaultMaxRequestDocs split a batch into
	// _bulk requests; OpenSearch's own http.max_content_length is 100 MB.
	DefaultMaxRequestBytes = 10 << 20
	DefaultMaxRequestDocs  = 10000
	InitialBackoff         = time.Second
	MaxBackoff             = time.Minute
	maxResponseBytes       = 64 << 20
)

// Error codes of failures that have no HTTP status from the cluster. A
// failure the cluster answered carries its HTTP status as Code instead
// ("400", "429", "503"), which is what AWS writes as errorCode in the
// failed-documents backup ("http error code returned by OpenSearch
// Service").
const (
	CodeConnectionFailed = "OS.ConnectionFailed"
	CodeRequestTimeout   = "OS.RequestTimeout"
	CodeClusterError     = "OS.ClusterError"
	CodeMalformedData    = "OS.MalformedData"
)

// Messages of those codes.
const (
	msgConnectionFailed = "Trouble connecting to the cluster. Ensure that the cluster is healthy and reachable."
	msgRequestTimeout   = "Request to the cluster timed out. Ensure that the cluster has sufficient capacity for the current workload."
	msgMalformedData    = "One or more records are malformed. Ensure that each record is a single valid JSON object and that it does not contain newlines."
)

// Doc is one record to index.
type Doc struct {
	Data []byte
	// ID is the Firehose-generated document ID (stable across attempts),
	// sent as _id when the format is FIREHOSE_DEFAULT; "" sends none.
	ID string
	// Arrival is the record's arrival time, which picks the rotated index;
	// zero: the t given to Bulk.
	Arrival time.Time
}

// DocResult is what became of one Doc.
type DocResult struct {
	OK bool
	// Code and Message describe the last failure ("" when OK): an HTTP
	// status from the cluster with its error (the item's "error" object as
	// compact JSON, or the error of the whole request), or one of the Code*
	// constants.
	Code, Message string
	// Status is the HTTP status of the document's last result: the item's
	// status, or the request's when the whole request failed; 0 if the
	// cluster never answered.
	Status int
	// Index, ID and Type are what the document was sent with (ID "" when no
	// _id was sent); the failed-documents backup records them.
	Index, ID, Type string
	// Attempts is the number of _bulk requests that carried the document.
	Attempts int
}

// Client indexes documents with the _bulk API. The zero value is ready to
// use; a Client is safe for concurrent use once its fields are set.
type Client struct {
	// HTTP sends the requests; nil: a client of its own that does not
	// follow redirects.
	HTTP *http.Client
	// Sleep waits between attempts; nil: a real sleep that ends early with
	// ctx.Err().
	Sleep func(ctx context.Context, d time.Duration) error
	// Now is the clock of the retry duration; nil: time.Now.
	Now func() time.Time
	// Timeout bounds one request; 0: DefaultTimeout.
	Timeout time.Duration
	// MaxRequestBytes and MaxRequestDocs split the batch into requests
	// (a document is never split); 0: the defaults.
	MaxRequestBytes, MaxRequestDocs int

	once sync.Once
	def  *http.Client
}

// Bulk indexes docs (each a single-line JSON object, as AWS requires) with
// the _bulk API, one "index" action per document naming its index
// explicitly, in requests of at most MaxRequestDocs documents and
// MaxRequestBytes bytes. It returns one result per doc, in order.
//
// Retries (AWS: "Firehose retries for the specified time duration and then
// skips that particular index request"): a request that fails as a whole —
// no connection, a timeout, any non-2xx status, an unreadable response — is
// retried for all its documents; within a 2xx response, documents that
// failed with 429 or 5xx are retried, other failures (400 mapping errors,
// 409, …) are final at once. Retries go on with exponential backoff
// (InitialBackoff doubling to MaxBackoff) until cfg.RetryDuration has
// passed since the first failure; what still fails then keeps its last
// failure. A document with a newline inside (or empty) would break the
// request's framing: it fails at once with OS.MalformedData and is not
// sent.
//
// The error is non-nil only when cfg cannot be used or ctx ended, in which
// case no results are returned (the caller retries the batch later: at
// least once, as AWS).
func (c *Client) Bulk(ctx context.Context, cfg Config, docs []Doc, t time.Time) ([]DocResult, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	res := make([]DocResult, len(docs))
	lines := make([][]byte, len(docs))
	var pending []int
	for i, d := range docs {
		r := &res[i]
		at := t
		if !d.Arrival.IsZero() {
			at = d.Arrival
		}
		r.Index = IndexFor(cfg, at)
		if cfg.documentIDs() == FirehoseDefaultID {
			r.ID = d.ID
		}
		if !cfg.Serverless {
			r.Type = cfg.TypeName
		}
		data := bytes.TrimRight(d.Data, " \t\r\n")
		if len(data) == 0 || bytes.IndexByte(data, '\n') >= 0 {
			r.Code, r.Message = CodeMalformedData, msgMalformedData
			continue
		}
		lines[i] = actionLines(r, data)
		pending = append(pending, i)
	}
	var firstFailure time.Time
	backoff := InitialBackoff
	for len(pending) > 0 {
		var retry []int
		for _, chunk := range c.chunks(pending, lines) {
			failed, err := c.attempt(ctx, cfg, chunk, lines, res)
			if err != nil {
				return nil, err
			}
			retry = append(retry, failed...)
		}
		if pending = retry; len(pending) == 0 {
			break
		}
		now := c.now()
		if firstFailure.IsZero() {
			firstFailure = now
		}
		left := firstFailure.Add(cfg.RetryDuration).Sub(now)
		if left <= 0 {
			break
		}
		if err := c.sleep(ctx, min(backoff, left)); err != nil {
			return nil, err
		}
		backoff = min(2*backoff, MaxBackoff)
	}
	return res, nil
}

// actionLines is a document's two lines of the request body:
//
//	{"index":{"_index":"myindex-2016-02-25","_type":"t","_id":"49..."}}
//	<data>
func actionLines(r *DocResult, data []byte) []byte {
	meta := struct {
		Index string `json:"_index"`
		Type  string `json:"_type,omitempty"`
		ID    string `json:"_id,omitempty"`
	}{r.Index, r.Type, r.ID}
	b, _ := json.Marshal(map[string]any{"index": meta}) // strings only: cannot fail
	out := make([]byte, 0, len(b)+len(data)+2)
	out = append(append(out, b...), '\n')
	return append(append(out, data...), '\n')
}

// chunks splits pending into requests within the size limits.
func (c *Client) chunks(pending []int, lines [][]byte) [][]int {
	maxBytes, maxDocs := c.MaxRequestBytes, c.MaxRequestDocs
	if maxBytes <= 0 {
		maxBytes = DefaultMaxRequestBytes
	}
	if maxDocs <= 0 {
		maxDocs = DefaultMaxRequestDocs
	}
	var out [][]int
	start, size := 0, 0
	for k, i := range pending {
		n := len(lines[i])
		if k > start && (k-start >= maxDocs || size+n > maxBytes) {
			out = append(out, pending[start:k])
			start, size = k, 0
		}
		size += n
	}
	return append(out, pending[start:])
}

// attempt sends one request for chunk, records the outcome in res and
// returns the documents to retry. Its error is ctx's.
func (c *Client) attempt(ctx context.Context, cfg Config, chunk []int, lines [][]byte, res []DocResult) ([]int, error) {
	var body bytes.Buffer
	for _, i := range chunk {
		body.Write(lines[i])
	}
	status, items, code, msg := c.send(ctx, cfg, body.Bytes(), len(chunk))
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var retry []int
	for k, i := range chunk {
		r := &res[i]
		r.Attempts++
		if items == nil { // the whole request failed
			r.Status, r.Code, r.Message = status, code, msg
			retry = append(retry, i)
			continue
		}
		it := items[k]
		r.Status = it.Status
		if it.Status >= 200 && it.Status < 300 {
			r.OK, r.Code, r.Message = true, "", ""
			continue
		}
		r.Code, r.Message = strconv.Itoa(it.Status), it.Error
		if it.Status == http.StatusTooManyRequests || it.Status >= 500 {
			retry = append(retry, i)
		}
	}
	return retry, nil
}

// send posts one _bulk request. It returns the items of a readable 2xx
// response, or else (items nil) the failure: the HTTP status (0 if none),
// code and message.
func (c *Client) send(ctx context.Context, cfg Config, body []byte, n int) (status int, items []item, code, msg string) {
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, cfg.bulkURL(), bytes.NewReader(body))
	if err != nil {
		return 0, nil, CodeConnectionFailed, err.Error()
	}
	req.Header.Set("Content-Type", "application/x-ndjson")
	req.Header.Set("User-Agent", "Sluice-Firehose/1.0")
	if cfg.Username != "" {
		req.SetBasicAuth(cfg.Username, cfg.Password)
	}
	resp, err := c.client().Do(req)
	if err != nil {
		code, msg := transportCode(err)
		return 0, nil, code, msg
	}
	defer func() { _ = resp.Body.Close() }()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		code, msg := transportCode(err)
		return resp.StatusCode, nil, code, msg
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, nil, strconv.Itoa(resp.StatusCode), requestError(data)
	}
	items, err = parseBulkResponse(data, n)
	if err != nil {
		return resp.StatusCode, nil, CodeClusterError, "The cluster returned an unreadable _bulk response: " + err.Error()
	}
	return resp.StatusCode, items, "", ""
}

// transportCode classifies an error of the connection.
func transportCode(err error) (string, string) {
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		return CodeRequestTimeout, msgRequestTimeout
	}
	return CodeConnectionFailed, fmt.Sprintf("%s (%v)", msgConnectionFailed, err)
}

func (c *Client) client() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	c.once.Do(func() {
		c.def = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	})
	return c.def
}

func (c *Client) now() time.Time { return clock.Now(c.Now) }

func (c *Client) sleep(ctx context.Context, d time.Duration) error {
	return clock.Sleep(ctx, c.Sleep, d)
}
