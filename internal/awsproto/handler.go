package awsproto

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"log/slog"
	"mime"
	"net/http"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"sluice/internal/awsproto/awscbor"
	"sluice/internal/awsproto/awserr"
	"sluice/internal/awsproto/awsjson"
	"sluice/internal/awsproto/shape"
)

// legacyJSON is plain application/json, which AWS answers through Coral's
// old 1.0 envelope rather than the JSON 1.1 protocol.
const legacyJSON = "application/json"

// DefaultMaxBodyBytes bounds a request body. A PutRecords of 10 MiB is about
// 14 MB as base64 JSON; a single 10 MiB record likewise.
const DefaultMaxBodyBytes = 16 << 20

// BodyTimeout bounds how long a client may take to send a request body, by
// default.
const BodyTimeout = 2 * time.Minute

// Handler serves every registered Service on `POST /`.
type Handler struct {
	services     map[string]*Service
	auth         Authenticator
	log          *slog.Logger
	maxBodyBytes int64
	bodyTimeout  time.Duration
	budget       *Budget
	cors         *CORS
	buffers      bufferPool
	skeletons    sync.Pool // of *awsjson.Skeleton
	audit        Auditor
	audited      map[*Operation]bool // the operations audit records every call of
	keys         *KeyLimiter
}

// HandlerOptions configure a Handler.
type HandlerOptions struct {
	Auth   Authenticator
	Logger *slog.Logger
	// MaxBodyBytes bounds every request body (default
	// DefaultMaxBodyBytes); a Service's own MaxBodyBytes may lower it.
	MaxBodyBytes int64
	// BodyTimeout is how long a client has to send its body, waiting for
	// room in the Budget included (default BodyTimeout).
	BodyTimeout time.Duration
	// Budget bounds the request bodies in memory; Handlers serving the
	// same server share one. Default: a Budget of DefaultMaxInflightBytes
	// of the Handler's own.
	Budget *Budget
	// CORS is the policy for browser requests (see CORS). Nil leaves
	// Origin alone: for a handler behind checks of its own, such as the
	// console's session and CSRF token.
	CORS *CORS
	// Audit, when set, records control-plane and denied calls (see
	// Auditor).
	Audit Auditor
	// KeyLimit, when set, bounds each access key's request rate; calls
	// over it are answered ThrottlingException (a REST service's
	// ThrottleCode).
	KeyLimit *KeyLimiter
}

// NewHandler returns a Handler for the services.
func NewHandler(opts HandlerOptions, services ...*Service) *Handler {
	h := &Handler{
		services:     make(map[string]*Service, len(services)),
		auth:         opts.Auth,
		log:          opts.Logger,
		maxBodyBytes: opts.MaxBodyBytes,
		bodyTimeout:  opts.BodyTimeout,
		budget:       opts.Budget,
		cors:         opts.CORS,
		audit:        opts.Audit,
		keys:         opts.KeyLimit,
	}
	h.skeletons.New = func() any { return new(awsjson.Skeleton) }
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	if h.maxBodyBytes <= 0 {
		h.maxBodyBytes = DefaultMaxBodyBytes
	}
	if h.bodyTimeout <= 0 {
		h.bodyTimeout = BodyTimeout
	}
	if h.budget == nil {
		h.budget = NewBudget(DefaultMaxInflightBytes)
	}
	if h.audit != nil {
		h.audited = map[*Operation]bool{}
	}
	for _, s := range services {
		h.services[s.TargetPrefix] = s
		if h.audit != nil {
			for _, op := range s.Operations {
				h.audited[op] = h.audit.Audits(s.SigningName, op.Name)
			}
		}
	}
	return h
}

// bodyLimit is the largest body a request to svc may have: the Handler's,
// or the service's own when that is lower.
func (h *Handler) bodyLimit(svcLimit int64) int64 {
	if svcLimit > 0 && svcLimit < h.maxBodyBytes {
		return svcLimit
	}
	return h.maxBodyBytes
}

// ServeHTTP implements the order of checks described in the package doc.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	requestID := newRequestID()
	rec := callRecord{takeover: errorTakeover(r.Context())}
	if h.audit != nil {
		rec.on, rec.start = true, time.Now()
		defer rec.finish(h.audit, r, requestID)
	}
	// A panic is a bug, but the client still gets an AWS error, not a reset.
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				rec.fail(awserr.Bare(awserr.RequestAbortedException))
				panic(p)
			}
			h.log.Error("panic serving request", "panic", p, "stack", string(debug.Stack()))
			h.fail(w, jsonEncoding, awserr.Bare(awserr.InternalFailure), &rec)
		}
	}()
	hdr := w.Header()
	// AWS's spelling of these names, set directly so net/http keeps it.
	hdr["x-amzn-RequestId"] = []string{requestID}
	origin := r.Header.Get("Origin")
	if r.Method != http.MethodOptions || origin == "" {
		hdr["x-amz-id-2"] = []string{newID2()}
	}
	if h.cors != nil && origin != "" && h.cors.serve(w, r, origin) {
		return
	}

	if r.Method != http.MethodPost {
		closeUnread(w, r)
		writeXMLError(w, http.StatusForbidden, "AccessDeniedException", "Unable to determine service/operation name to be authorized")
		return
	}

	contentType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	contentType = strings.ToLower(contentType)
	prefix, opName, _ := strings.Cut(r.Header.Get("X-Amz-Target"), ".")
	svc := h.services[prefix]
	var op *Operation
	signingName, limit := "", h.maxBodyBytes
	if svc != nil {
		signingName, limit = svc.SigningName, h.bodyLimit(svc.MaxBodyBytes)
		if opName != "" {
			op = svc.Operations[opName]
		}
		if rec.on {
			rec.signingName, rec.operation, rec.audited = signingName, opName, h.audited[op]
		}
	}
	enc := encodingFor(contentType)
	legacy := enc == nil && contentType == legacyJSON
	errEnc := enc
	if errEnc == nil {
		errEnc = jsonEncoding
	}

	// What the headers alone decide comes first: nothing below reads a
	// byte of the body until the request has passed them.
	if r.ContentLength > limit {
		closeUnread(w, r)
		h.fail(w, errEnc, tooLarge(limit), &rec)
		return
	}
	if r.ContentLength == 0 {
		h.writeEmptyBody(w, enc, contentType, op, &rec)
		return
	}
	if enc == nil && !legacy {
		closeUnread(w, r)
		if prefix == "" || opName == "" {
			writeXMLError(w, http.StatusForbidden, "AccessDeniedException", "Unable to determine service/operation name to be authorized")
			return
		}
		writeXML(w, http.StatusNotFound, "<UnknownOperationException/>\n")
		return
	}
	if op == nil && !legacy {
		closeUnread(w, r)
		h.fail(w, enc, awserr.Bare(awserr.UnknownOperationException), &rec)
		return
	}
	caller, check, err := h.auth.Authenticate(r, signingName)
	if err != nil {
		h.log.Debug("authentication failed", "err", err)
		closeUnread(w, r)
		e := awserr.As(err)
		rec.deny(e)
		h.writeError(w, errEnc, e)
		return
	}
	rec.caller = caller

	// A client gets bodyTimeout to send its body, waiting for room in the
	// budget included; the deadline is lifted afterwards so that streaming
	// answers are not cut.
	deadline := time.Now().Add(h.bodyTimeout)
	rc := http.NewResponseController(w)
	rc.SetReadDeadline(deadline)
	b, err := h.readBody(r, check.needed(), deadline, limit)
	if err != nil {
		// The deadline stays: what is left of the body is not read past
		// it (net/http drains a small one after the answer).
		h.bodyFailed(w, r, err, func(e *awserr.Error) { h.fail(w, errEnc, e, &rec) }, limit)
		return
	}
	rc.SetReadDeadline(time.Time{})
	// Decoders copy what they keep, so the buffer is reused once the
	// answer is written (or, for a stream, once the input is decoded).
	held := true
	defer func() {
		if held {
			h.release(b)
		}
	}()
	body := *b.buf
	if check.needed() {
		if err := check.verify(r, b.sha256); err != nil {
			h.log.Debug("authentication failed", "err", err)
			e := awserr.As(err)
			rec.caller = Caller{} // not established: the key is only claimed
			rec.deny(e)
			h.writeError(w, errEnc, e)
			return
		}
	}
	if !h.keys.Allow(caller.RateKey()) {
		e := awserr.New(awserr.ThrottlingException, msgThrottled)
		rec.deny(e)
		h.writeError(w, errEnc, e)
		return
	}

	if len(body) == 0 { // a chunked body can turn out empty
		h.writeEmptyBody(w, enc, contentType, op, &rec)
		return
	}
	if legacy {
		h.writeLegacy(w, body)
		return
	}

	var in any
	if enc == jsonEncoding && op.fastJSON != nil {
		if v, ok := op.fastJSON(body); ok {
			in = v
		}
	}
	if in == nil {
		if enc.count(body, maxValues) > maxValues {
			h.fail(w, enc, awserr.Bare(awserr.SerializationException), &rec)
			return
		}
		value, err := enc.decode(body)
		if err != nil {
			h.fail(w, enc, awserr.Bare(awserr.SerializationException), &rec)
			return
		}
		if rec.audited {
			rec.params = value
		}
		if in, err = op.decode(value); err != nil {
			h.failOp(w, enc, op, err, &rec)
			return
		}
	}
	caller.RequestID = requestID
	if e := svc.IAM.check(caller, op.Name, in, http.StatusBadRequest); e != nil {
		h.fail(w, enc, e, &rec)
		return
	}
	ctx := WithCaller(r.Context(), caller)

	if op.stream != nil {
		// A stream lasts minutes: it does not keep the body's memory.
		held = false
		h.release(b)
		h.serveStream(ctx, w, enc, op, in, &rec)
		return
	}
	out, err := op.invoke(ctx, in)
	if err != nil {
		h.failOp(w, enc, op, err, &rec)
		return
	}
	if rel, ok := out.(Releaser); ok {
		defer rel.Release() // every write below copies (or encodes) what it sends
	}
	hdr.Set("Content-Type", enc.contentType)
	if out == nil {
		hdr.Set("Content-Length", "0")
		w.WriteHeader(http.StatusOK)
		return
	}
	if s, ok := out.(awsjson.Streamer); ok && enc == jsonEncoding {
		h.stream(w, s)
		return
	}
	if a, ok := out.(awsjson.Appender); ok && enc == jsonEncoding {
		buf := h.buffers.get()
		*buf = a.AppendJSON((*buf)[:0])
		writeBody(w, http.StatusOK, *buf)
		h.buffers.put(buf)
		return
	}
	b2, err := enc.encode(out)
	if err != nil {
		h.failOp(w, enc, op, err, &rec)
		return
	}
	writeBody(w, http.StatusOK, b2)
}

// bodyFailed answers a body that could not be read: over the limit (413,
// in the protocol's error shape), no room in the budget (503), or cut
// short or too slow, when the client is gone or broken: then the
// connection (the stream, in HTTP/2) is aborted rather than answered,
// lest an empty 200 pass for a success.
func (h *Handler) bodyFailed(w http.ResponseWriter, r *http.Request, err error, fail func(*awserr.Error), limit int64) {
	var over *http.MaxBytesError
	switch {
	case errors.As(err, &over):
		closeUnread(w, r)
		fail(tooLarge(limit))
	case errors.Is(err, errBusy):
		closeUnread(w, r)
		fail(awserr.New(awserr.ServiceUnavailable, msgBusy))
	default:
		h.log.Debug("reading request body", "err", err)
		// Nothing more is read: net/http would otherwise drain the rest
		// of a small body before closing, at the client's pace.
		http.NewResponseController(w).SetReadDeadline(time.Now())
		panic(http.ErrAbortHandler)
	}
}

// tooLarge is the answer to a body over limit: AWS's common error for it,
// with its 413.
func tooLarge(limit int64) *awserr.Error {
	return awserr.New(awserr.RequestEntityTooLarge, "Request entity too large: the body exceeds the limit of %d bytes.", limit)
}

// fail answers e and notes it for the audit record.
func (h *Handler) fail(w http.ResponseWriter, enc *encoding, e *awserr.Error, rec *callRecord) {
	rec.fail(e)
	h.writeError(w, enc, e)
}

// failOp answers an operation's error, unless the request's
// ErrorTakeover answers it (and then nothing is logged or audited here).
func (h *Handler) failOp(w http.ResponseWriter, enc *encoding, op *Operation, err error, rec *callRecord) {
	if rec.takeover != nil && rec.takeover(err) {
		rec.on = false
		return
	}
	h.fail(w, enc, h.public(op, err), rec)
}

// msgBusy answers a request whose body found no room in the budget in
// time: a 503, which every SDK retries with backoff.
const msgBusy = "The service is busy reading other requests. Back off and retry the operation."

// writeEmptyBody answers an empty body: SerializationException for a known
// operation, else UnknownOperationException, in CBOR unless the request was
// JSON 1.1.
func (h *Handler) writeEmptyBody(w http.ResponseWriter, enc *encoding, contentType string, op *Operation, rec *callRecord) {
	if enc == nil || contentType != awsjson.ContentType {
		enc = cborEncoding
	}
	code := awserr.UnknownOperationException
	if op != nil {
		code = awserr.SerializationException
	}
	h.fail(w, enc, awserr.Bare(code), rec)
}

// stream writes a large answer from its skeleton, in chunks. Once the
// header is out, a failed write means the client went away: there is no
// one left to tell.
func (h *Handler) stream(w http.ResponseWriter, s awsjson.Streamer) {
	sk := h.skeletons.Get().(*awsjson.Skeleton)
	s.JSONSkeleton(sk)
	w.Header().Set("Content-Length", itoa(sk.Size()))
	w.WriteHeader(http.StatusOK)
	chunk := h.buffers.get()
	sk.WriteTo(w, *chunk)
	h.buffers.put(chunk)
	if cap(sk.Meta) <= maxPooled {
		sk.Reset()
		h.skeletons.Put(sk)
	}
}

func (h *Handler) serveStream(ctx context.Context, w http.ResponseWriter, enc *encoding, op *Operation, in any, rec *callRecord) {
	sw := &streamWriter{ResponseWriter: w, contentType: enc.contentType}
	err := op.stream(ctx, in, sw)
	if err == nil {
		return
	}
	if sw.started {
		// The stream carries its own error events; here we can only log.
		h.log.Debug("stream ended with error", "op", op.Name, "err", err)
		return
	}
	h.failOp(w, enc, op, err, rec)
}

// public turns a handler error into what the client may see, logging the
// cause of internal failures.
func (h *Handler) public(op *Operation, err error) *awserr.Error {
	e := awserr.As(err)
	if e.Code.Status >= 500 {
		h.log.Error("operation failed", "op", op.Name, "err", err)
	}
	return e
}

func (h *Handler) writeError(w http.ResponseWriter, enc *encoding, e *awserr.Error) {
	body := make(map[string]any, len(e.Members)+2)
	for k, v := range e.Members {
		body[k] = v
	}
	body["__type"] = e.Code.Name
	if e.Message != "" {
		if e.Code.CapitalMessage {
			body["Message"] = e.Message
		} else {
			body["message"] = e.Message
		}
	}
	b, err := enc.encode(body)
	if err != nil {
		b = nil
	}
	w.Header().Set("Content-Type", enc.contentType)
	w.Header()["x-amzn-ErrorType"] = []string{e.Code.Name}
	writeBody(w, e.Code.Status, b)
}

// writeLegacy answers plain application/json the way Coral's 1.0 envelope
// does: a body that does not parse is a SerializationException, anything
// else an UnknownOperationException, both with status 200.
func (h *Handler) writeLegacy(w http.ResponseWriter, body []byte) {
	typ := "com.amazon.coral.service#UnknownOperationException"
	key := "message"
	if awsjson.CountValues(body, maxValues) > maxValues {
		typ, key = "com.amazon.coral.service#SerializationException", "Message"
	} else if _, err := awsjson.Decode(body); err != nil {
		typ, key = "com.amazon.coral.service#SerializationException", "Message"
	}
	b, _ := awsjson.Encode(map[string]any{"Output": map[string]any{"__type": typ, key: nil}, "Version": "1.0"})
	w.Header().Set("Content-Type", legacyJSON)
	writeBody(w, http.StatusOK, b)
}

// writeXMLError answers in the XML AWS's front end uses for requests it
// cannot route (a method other than POST, an unsupported content type).
func writeXMLError(w http.ResponseWriter, status int, typ, msg string) {
	var buf bytes.Buffer
	buf.WriteString("<" + typ + ">\n  <Message>")
	xml.EscapeText(&buf, []byte(msg))
	buf.WriteString("</Message>\n</" + typ + ">\n")
	writeXML(w, status, buf.String())
}

// writeXML sends an XML answer with its content type, which Go would
// otherwise sniff as text/plain.
func writeXML(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/xml")
	writeBody(w, status, []byte(body))
}

func writeBody(w http.ResponseWriter, status int, b []byte) {
	w.Header().Set("Content-Length", itoa(len(b)))
	w.WriteHeader(status)
	w.Write(b)
}

// maxValues bounds the values of a body decoded into the generic tree,
// which costs tens of bytes a value: without it a 16 MiB body of
// "0,0,0,..." would take hundreds of MiB to decode. No request of the
// served APIs comes near it (a PutRecords of 500 records has about 2,000);
// a body past it is refused as one that does not parse.
const maxValues = 1 << 17

// encoding is one of the two body encodings of the AWS RPC protocols.
type encoding struct {
	contentType string
	decode      func([]byte) (shape.Value, error)
	encode      func(any) ([]byte, error)
	// count bounds the values of a body from above, without decoding it
	// (more than limit once past limit).
	count func(body []byte, limit int) int
}

var (
	jsonEncoding = &encoding{contentType: awsjson.ContentType, decode: awsjson.Decode, encode: awsjson.Encode, count: awsjson.CountValues}
	cborEncoding = &encoding{contentType: awscbor.ContentType, decode: awscbor.Decode, encode: awscbor.Encode, count: awscbor.CountItems}
)

func encodingFor(contentType string) *encoding {
	switch contentType {
	case awsjson.ContentType:
		return jsonEncoding
	case awscbor.ContentType:
		return cborEncoding
	}
	return nil
}

type streamWriter struct {
	http.ResponseWriter
	contentType string
	started     bool
}

func (s *streamWriter) WriteHeader(status int) {
	s.started = true
	s.ResponseWriter.WriteHeader(status)
}

func (s *streamWriter) Write(b []byte) (int, error) {
	s.started = true
	return s.ResponseWriter.Write(b)
}

func (s *streamWriter) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (s *streamWriter) ContentType() string { return s.contentType }

// Unwrap lets http.ResponseController reach the connection (PutMedia
// enables full duplex and sets read deadlines through it).
func (s *streamWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }
