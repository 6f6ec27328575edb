package splunk

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sluice/internal/firehose/destination/clock"
	"sync"
	"syscall"
	"time"
	"unicode/utf8"
)

// Client defaults and backoff.
const (
	// DefaultTimeout bounds one HTTP request (data or acknowledgement
	// query); Sluice's choice, AWS documents none.
	DefaultTimeout = time.Minute
	// DefaultAckPollInterval is the pause between acknowledgement queries.
	DefaultAckPollInterval = time.Second
	InitialBackoff         = time.Second
	MaxBackoff             = time.Minute
	maxResponseBytes       = 1 << 20
	maxDetail              = 1024
)

// Result is what became of one Send.
type Result struct {
	Delivered bool
	// Attempts is the number of data requests made.
	Attempts int
	// Code and Message are AWS's error code and message of the last
	// failure (see errors.go); both "" when Delivered, and when ctx ended
	// first (the caller delivers the records again after a restart).
	Code, Message string
	// Detail says what the last failure was: HEC's response, the
	// connection error, the unacknowledged ackId.
	Detail string
}

// Client sends records to Splunk's HTTP Event Collector. The zero value is
// ready to use; a Client is safe for concurrent use once its fields are
// set.
type Client struct {
	// HTTP sends the requests; nil: a client of its own that does not
	// follow redirects.
	HTTP *http.Client
	// Sleep waits between attempts and acknowledgement queries; nil: a real
	// sleep that ends early with ctx.Err().
	Sleep func(ctx context.Context, d time.Duration) error
	// Now is the clock of the acknowledgement timeout and the retry
	// duration; nil: time.Now.
	Now func() time.Time
	// Timeout bounds one HTTP request; 0: DefaultTimeout.
	Timeout time.Duration
	// AckPollInterval is the pause between acknowledgement queries; 0:
	// DefaultAckPollInterval.
	AckPollInterval time.Duration

	once sync.Once
	def  *http.Client
}

// Send posts records as one HEC request and waits for Splunk's indexer
// acknowledgement, retrying as AWS documents ("Data Delivery Failure
// Handling", Splunk):
//
//   - The body is the records concatenated, for both endpoint types
//     ("Firehose concatenates the bytes that you send"): for Event each
//     record must be a HEC event object such as {"event":…,"sourcetype":…}
//     (usually made by a transformation Lambda), which Firehose does not
//     check — Splunk refuses anything else with "Invalid data format" or
//     "Event field is required" (Splunk.InvalidDataFormat), and that, like
//     every delivery error, is retried.
//   - Each attempt carries the same fresh channel ID (a UUID) in
//     X-Splunk-Request-Channel, "Authorization: Splunk <token>", and the
//     cookies of the data response in its acknowledgement queries (so that
//     a load balancer's duration-based sticky sessions work).
//   - A 200 with code 0 must carry an ackId (otherwise Splunk.DisabledAck);
//     /services/collector/ack is then queried until the ackId is true or
//     AckTimeout has passed since the data response (Splunk.AckTimeout).
//   - After a failure the next attempt follows after a backoff (1 s
//     doubling to 1 min) while the retry time spent is below
//     RetryDuration. That time starts at the first failure and excludes
//     the periods spent waiting for acknowledgements; an attempt under way
//     when it runs out still waits for its acknowledgement.
func (c *Client) Send(ctx context.Context, cfg Config, records [][]byte) Result {
	if err := cfg.check(); err != nil {
		return Result{Code: CodeInvalidEndpoint, Message: Message(CodeInvalidEndpoint), Detail: err.Error()}
	}
	cfg = cfg.Defaults()
	body := bytes.Join(records, nil)
	if len(body) == 0 {
		return Result{Delivered: true} // nothing to send
	}
	channel := newChannel()
	var res Result
	var firstFailure time.Time
	var ackWaits time.Duration // after the first failure
	backoff := InitialBackoff
	for {
		res.Attempts++
		code, detail, waited := c.attempt(ctx, cfg, body, channel)
		if ctx.Err() != nil {
			return Result{Attempts: res.Attempts}
		}
		if code == "" {
			return Result{Delivered: true, Attempts: res.Attempts}
		}
		res.Code, res.Message, res.Detail = code, Message(code), detail
		now := c.now()
		if firstFailure.IsZero() {
			firstFailure = now
		} else {
			ackWaits += waited
		}
		left := cfg.RetryDuration - (now.Sub(firstFailure) - ackWaits)
		if left <= 0 {
			return res
		}
		if err := c.sleep(ctx, min(backoff, left)); err != nil {
			return Result{Attempts: res.Attempts}
		}
		backoff = min(2*backoff, MaxBackoff)
	}
}

// attempt makes one data request and waits for its acknowledgement. It
// returns "" on success, or an error code and detail, and the time spent
// waiting for the acknowledgement.
func (c *Client) attempt(ctx context.Context, cfg Config, body []byte, channel string) (code, detail string, waited time.Duration) {
	status, data, cookies, err := c.post(ctx, cfg, cfg.dataURL(), channel, nil, body)
	if err != nil {
		code, detail := transportCode(err)
		return code, detail, 0
	}
	r, perr := parseHECResponse(data)
	switch {
	case perr != nil && status == http.StatusOK:
		return CodeServerError, fmt.Sprintf("HTTP 200 with %s: %s", perr, clip(data)), 0
	case perr != nil:
		return hecStatus(status), fmt.Sprintf("HTTP %d: %s", status, clip(data)), 0
	case status != http.StatusOK || r.Code != 0:
		return hecCode(r.Code, status), fmt.Sprintf("HTTP %d: %s", status, clip(data)), 0
	case !r.HasID:
		return CodeDisabledAck, "HEC answered without an ackId: " + clip(data), 0
	}
	start := c.now()
	code, detail = c.awaitAck(ctx, cfg, channel, cookies, r.AckID, start)
	return code, detail, c.now().Sub(start)
}

// awaitAck queries the acknowledgement of id until it is true or the
// acknowledgement timeout since start has passed. Transport errors and
// server errors of a query are retried with the next query; other HEC
// errors end the wait.
func (c *Client) awaitAck(ctx context.Context, cfg Config, channel string, cookies []*http.Cookie, id uint64, start time.Time) (string, string) {
	interval := c.AckPollInterval
	if interval <= 0 {
		interval = DefaultAckPollInterval
	}
	query := fmt.Appendf(nil, `{"acks":[%d]}`, id)
	last := "no acknowledgement query answered"
	for {
		status, data, _, err := c.post(ctx, cfg, cfg.ackURL(channel), channel, cookies, query)
		if ctx.Err() != nil {
			return "", ""
		}
		switch {
		case err != nil:
			_, last = transportCode(err)
		case status == http.StatusOK:
			ok, perr := parseAckResponse(data, id)
			if ok {
				return "", ""
			}
			last = fmt.Sprintf("ackId %d not acknowledged on channel %s", id, channel)
			if perr != nil {
				last = fmt.Sprintf("HTTP 200 with %s: %s", perr, clip(data))
			}
		default:
			r, perr := parseHECResponse(data)
			last = fmt.Sprintf("acknowledgement query: HTTP %d: %s", status, clip(data))
			if perr == nil && status < 500 {
				if code := hecCode(r.Code, status); code != CodeServerError {
					return code, last
				}
			}
		}
		left := cfg.AckTimeout - c.now().Sub(start)
		if left <= 0 {
			return CodeAckTimeout, last
		}
		if err := c.sleep(ctx, min(interval, left)); err != nil {
			return "", ""
		}
	}
}

// post makes one request and returns the response's status, body (at most
// maxResponseBytes) and cookies.
func (c *Client) post(ctx context.Context, cfg Config, url, channel string, cookies []*http.Cookie, body []byte) (int, []byte, []*http.Cookie, error) {
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header.Set("Authorization", "Splunk "+cfg.Token)
	req.Header.Set("X-Splunk-Request-Channel", channel)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Sluice-Firehose/1.0")
	for _, ck := range cookies {
		req.AddCookie(ck)
	}
	resp, err := c.client().Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer func() { _ = resp.Body.Close() }()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return 0, nil, nil, err
	}
	return resp.StatusCode, data, resp.Cookies(), nil
}

// hecCode is AWS's code for a HEC error code, or for the HTTP status when
// the HEC code is unknown.
func hecCode(code, status int) string {
	if c, ok := hecCodes[code]; ok {
		return c
	}
	return hecStatus(status)
}

// transportCode classifies a connection error (a detail is the error).
func transportCode(err error) (string, string) {
	var (
		ne       net.Error
		hostErr  x509.HostnameError
		certErr  *tls.CertificateVerificationError
		unknown  x509.UnknownAuthorityError
		invalid  x509.CertificateInvalidError
		recErr   tls.RecordHeaderError
		alertErr tls.AlertError
		dnsErr   *net.DNSError
		opErr    *net.OpError
	)
	detail := err.Error()
	switch {
	case errors.As(err, &hostErr):
		return CodeSSLUnverified, detail
	case errors.As(err, &certErr), errors.As(err, &unknown), errors.As(err, &invalid),
		errors.As(err, &recErr), errors.As(err, &alertErr):
		return CodeSSLHandshake, detail
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return CodeConnectionTimeout, detail
	case errors.As(err, &dnsErr), errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.EHOSTUNREACH),
		errors.Is(err, syscall.ENETUNREACH), errors.As(err, &opErr) && opErr.Op == "dial":
		return CodeInvalidEndpoint, detail
	}
	return CodeConnectionClosed, detail
}

// newChannel is a random (version 4) UUID, as HEC channels are.
func newChannel() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%X-%X-%X-%X-%X", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// clip bounds a response body for a detail.
func clip(b []byte) string {
	s := string(bytes.ToValidUTF8(bytes.TrimSpace(b), []byte("\uFFFD")))
	if len(s) <= maxDetail {
		return s
	}
	cut := maxDetail
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
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
