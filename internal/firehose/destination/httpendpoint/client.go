package httpendpoint

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"sluice/internal/firehose/destination/clock"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Backoff parameters (appendix, "Error Response Handling").
const (
	InitialBackoff = time.Second
	MaxBackoff     = 2 * time.Minute
	BackoffJitter  = 0.15
)

// Client delivers batches to HTTP endpoints. The zero value is ready to
// use; a Client is safe for concurrent use once its fields are set.
type Client struct {
	// HTTP sends the requests; nil: a client of its own that neither
	// follows redirects nor asks for compressed responses. Redirects are
	// never followed, whichever client is used.
	HTTP *http.Client
	// Sleep waits between attempts; nil: a real sleep that returns
	// ctx.Err() when ctx ends first. Tests inject one.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now is the clock for the retry duration and the body's timestamp;
	// nil: time.Now.
	Now func() time.Time
	// Timeout is the time an endpoint has to respond to one attempt
	// (connection, request and response included); 0: DefaultTimeout,
	// AWS's 3 minutes.
	Timeout time.Duration
	// Jitter returns the backoff's random factor, in [0.85, 1.15]; nil:
	// uniformly random.
	Jitter func() float64

	once sync.Once
	def  *http.Client
}

// Result is the outcome of delivering one request: records
// [First, First+Count) of the batch given to Deliver.
type Result struct {
	First, Count int
	Delivered    bool
	// Permanent: the endpoint answered 413, which AWS does not retry (and,
	// per the appendix, does not send to the error bucket).
	Permanent bool
	Attempts  int
	RequestID string // "" when the request was never attempted
	// Code and Message are AWS's error code and message of the last
	// failure; both "" when Delivered, and when ctx ended before the
	// request was delivered or given up (the caller retries after restart).
	Code, Message string
	// ErrorMessage is the errorMessage field of the last failure response,
	// when it had one (AWS copies it to the error output).
	ErrorMessage string
	StatusCode   int // of the last response, 0 if none
}

// Deliver sends records (already processed, one data entry each) as one or
// more requests of at most 10,000 records and cfg's body limit each, in
// order, retrying each per AWS's contract until cfg.RetryDuration has
// passed since its first failure. It returns one Result per request,
// covering the records in order. When ctx ends it returns at once: the
// request under way and those after it are not delivered and have no Code.
// cfg is expected to have passed Validate.
func (c *Client) Deliver(ctx context.Context, cfg Config, sourceARN string, records [][]byte) []Result {
	spans := split(records, cfg.maxBody(), MaxRecordsPerRequest)
	results := make([]Result, len(spans))
	hc := c.httpClient()
	for i, s := range spans {
		results[i] = Result{First: s.first, Count: s.count}
		if ctx.Err() != nil {
			continue
		}
		c.deliverOne(ctx, hc, cfg, sourceARN, records[s.first:s.first+s.count], &results[i])
	}
	return results
}

// CloseIdleConnections closes the idle connections of the client's own
// HTTP client (or of HTTP's).
func (c *Client) CloseIdleConnections() {
	c.httpClient().CloseIdleConnections()
}

func (c *Client) deliverOne(ctx context.Context, hc *http.Client, cfg Config, sourceARN string, records [][]byte, res *Result) {
	res.RequestID = newRequestID()
	recs := encodeRecords(records)
	var deadline time.Time
	for retry := 0; ; retry++ {
		res.Attempts++
		o, status := c.attempt(ctx, hc, cfg, sourceARN, res.RequestID, recs)
		if status != 0 {
			res.StatusCode = status
		}
		if o.Delivered {
			res.Delivered, res.Permanent = true, false
			res.Code, res.Message, res.ErrorMessage = "", "", ""
			return
		}
		if ctx.Err() != nil {
			res.Code, res.Message, res.ErrorMessage = "", "", ""
			return
		}
		res.Code, res.Message, res.ErrorMessage, res.Permanent = o.Code, o.Message, o.ErrorMessage, o.Permanent
		if o.Permanent {
			return
		}
		now := c.now()
		if deadline.IsZero() {
			// basic-deliver.md: the retry duration counter starts when
			// an attempt fails.
			deadline = now.Add(cfg.RetryDuration)
		}
		left := deadline.Sub(now)
		if left <= 0 {
			return
		}
		if err := c.sleep(ctx, min(backoff(retry, c.jitter()), left)); err != nil || ctx.Err() != nil {
			res.Code, res.Message, res.ErrorMessage = "", "", ""
			return
		}
	}
}

// backoff is the wait before retry n (0 for the first retry):
// min(MaxBackoff, InitialBackoff × 2^n × jitter).
func backoff(n int, jitter float64) time.Duration {
	if n > 8 {
		n = 8 // 256 s: past the cap already
	}
	d := time.Duration(float64(InitialBackoff<<n) * jitter)
	return min(d, MaxBackoff)
}

// attempt sends one HTTP request and judges its response; status is the
// response's status code, 0 if there was none.
func (c *Client) attempt(ctx context.Context, hc *http.Client, cfg Config, sourceARN, requestID string, recs []byte) (o outcome, status int) {
	actx, cancel := context.WithTimeout(ctx, c.timeout())
	defer cancel()
	tr := &traceState{}
	actx = httptrace.WithClientTrace(actx, tr.trace())

	head, tail := bodyParts(requestID, c.now().UnixMilli(), recs)
	req, err := http.NewRequestWithContext(actx, http.MethodPost, cfg.URL, nil)
	if err != nil {
		return failure(CodeConnectionFailed, "("+err.Error()+")"), 0
	}
	if cfg.ContentEncoding == EncodingGzip {
		z := gzipBody(head, recs, tail)
		setBody(req, func() io.Reader { return bytes.NewReader(z) }, len(z))
		req.Header.Set("Content-Encoding", "gzip")
	} else {
		setBody(req, func() io.Reader {
			return io.MultiReader(bytes.NewReader(head), bytes.NewReader(recs), bytes.NewReader(tail))
		}, len(head)+len(recs)+len(tail))
	}
	h := req.Header
	h.Set(HeaderProtocolVersion, ProtocolVersion)
	h.Set(HeaderRequestID, requestID)
	h.Set(HeaderSourceARN, sourceARN)
	if cfg.AccessKey != "" {
		h.Set(HeaderAccessKey, cfg.AccessKey)
	}
	h.Set(HeaderCommonAttributes, commonAttributesHeader(cfg.CommonAttributes))
	h.Set("Content-Type", "application/json")
	h.Set("User-Agent", UserAgent)

	resp, err := hc.Do(req)
	if err != nil {
		return classify(actx, err, tr), 0
	}
	defer resp.Body.Close()
	r := response{
		StatusCode:    resp.StatusCode,
		Status:        resp.Status,
		Header:        resp.Header,
		ContentLength: resp.ContentLength,
		Uncompressed:  resp.Uncompressed,
	}
	limit := MaxResponseBytes - headerBytes(resp.Status, resp.Header)
	if limit < 0 {
		r.TooLarge = true
	} else {
		b, err := io.ReadAll(io.LimitReader(resp.Body, int64(limit)+1))
		if err != nil {
			return classify(actx, err, tr), resp.StatusCode
		}
		if len(b) > limit {
			r.TooLarge, b = true, b[:limit]
		}
		r.Body = b
	}
	return parseResponse(requestID, r), resp.StatusCode
}

func setBody(req *http.Request, open func() io.Reader, n int) {
	req.Body = io.NopCloser(open())
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(open()), nil }
	req.ContentLength = int64(n)
}

// traceState records how far an attempt got.
type traceState struct {
	connected atomic.Bool
	tlsFailed atomic.Bool
}

func (t *traceState) trace() *httptrace.ClientTrace {
	return &httptrace.ClientTrace{
		GotConn: func(httptrace.GotConnInfo) { t.connected.Store(true) },
		TLSHandshakeDone: func(_ tls.ConnectionState, err error) {
			if err != nil {
				t.tlsFailed.Store(true)
			}
		},
	}
}

// classify maps a transport error to AWS's error code: a TLS failure is
// SSLHandshakeFailure, no connection at all ConnectionFailed, a timeout
// once connected RequestTimeout, anything else once connected
// ConnectionReset.
func classify(ctx context.Context, err error, tr *traceState) outcome {
	detail := "(" + causeText(err) + ")"
	switch {
	case tr.tlsFailed.Load() || isTLSError(err):
		return failure(CodeSSLHandshakeFailure, detail)
	case isDialError(err) || !tr.connected.Load():
		return failure(CodeConnectionFailed, detail)
	case errors.Is(ctx.Err(), context.DeadlineExceeded) || isTimeout(err):
		return failure(CodeRequestTimeout, "")
	case strings.Contains(err.Error(), "server response headers exceeded"):
		// net/http's error when the headers alone pass
		// Transport.MaxResponseHeaderBytes (it has no type).
		return failure(CodeResponseTooLarge, "")
	}
	return failure(CodeConnectionReset, detail)
}

// causeText is err without net/http's "Post "<url>": " prefix.
func causeText(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) && ue.Err != nil {
		return ue.Err.Error()
	}
	return err.Error()
}

func isTLSError(err error) bool {
	var (
		rh tls.RecordHeaderError
		cv *tls.CertificateVerificationError
		al tls.AlertError
		ua x509.UnknownAuthorityError
		he x509.HostnameError
		ci x509.CertificateInvalidError
	)
	return errors.As(err, &rh) || errors.As(err, &cv) || errors.As(err, &al) ||
		errors.As(err, &ua) || errors.As(err, &he) || errors.As(err, &ci)
}

func isDialError(err error) bool {
	var op *net.OpError
	var dns *net.DNSError
	return (errors.As(err, &op) && op.Op == "dial") || errors.As(err, &dns)
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}

func (c *Client) httpClient() *http.Client {
	if c.HTTP != nil {
		hc := *c.HTTP
		hc.CheckRedirect = noRedirect
		return &hc
	}
	c.once.Do(func() {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.DisableCompression = true
		t.MaxResponseHeaderBytes = MaxResponseBytes
		c.def = &http.Client{Transport: t, CheckRedirect: noRedirect}
	})
	return c.def
}

// noRedirect: "The Kinesis Data Firehose server does NOT follow redirects".
func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

func (c *Client) timeout() time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	return DefaultTimeout
}

func (c *Client) now() time.Time { return clock.Now(c.Now) }

func (c *Client) jitter() float64 {
	if c.Jitter != nil {
		return c.Jitter()
	}
	return 1 - BackoffJitter + rand.Float64()*2*BackoffJitter
}

func (c *Client) sleep(ctx context.Context, d time.Duration) error {
	return clock.Sleep(ctx, c.Sleep, d)
}
