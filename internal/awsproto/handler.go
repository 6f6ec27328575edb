package awsproto

import (
	"bytes"
	"context"
	"errors"
	"io"
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

// BodyTimeout bounds how long a client may take to send a request body.
const BodyTimeout = 2 * time.Minute

// Authenticator establishes who sent a request. It returns an *awserr.Error
// (MissingAuthenticationTokenException, IncompleteSignatureException, ...)
// when the request may not proceed.
type Authenticator interface {
	Authenticate(r *http.Request, body []byte, signingName string) (Caller, error)
}

// Handler serves every registered Service on `POST /`.
type Handler struct {
	services     map[string]*Service
	auth         Authenticator
	log          *slog.Logger
	maxBodyBytes int64
	buffers      bufferPool
	skeletons    sync.Pool // of *awsjson.Skeleton
}

// HandlerOptions configure a Handler.
type HandlerOptions struct {
	Auth         Authenticator
	Logger       *slog.Logger
	MaxBodyBytes int64 // default DefaultMaxBodyBytes
}

// NewHandler returns a Handler for the services.
func NewHandler(opts HandlerOptions, services ...*Service) *Handler {
	h := &Handler{
		services:     make(map[string]*Service, len(services)),
		auth:         opts.Auth,
		log:          opts.Logger,
		maxBodyBytes: opts.MaxBodyBytes,
	}
	h.skeletons.New = func() any { return new(awsjson.Skeleton) }
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	if h.maxBodyBytes <= 0 {
		h.maxBodyBytes = DefaultMaxBodyBytes
	}
	for _, s := range services {
		h.services[s.TargetPrefix] = s
	}
	return h
}

// ServeHTTP implements the order of checks described in the package doc.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// A panic is a bug, but the client still gets an AWS error, not a reset.
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			h.log.Error("panic serving request", "panic", p, "stack", string(debug.Stack()))
			h.writeError(w, jsonEncoding, awserr.Bare(awserr.InternalFailure))
		}
	}()
	requestID := newRequestID()
	hdr := w.Header()
	// AWS's spelling of these names, set directly so net/http keeps it.
	hdr["x-amzn-RequestId"] = []string{requestID}
	origin := r.Header.Get("Origin")
	if r.Method != http.MethodOptions || origin == "" {
		hdr["x-amz-id-2"] = []string{newID2()}
	}
	if origin != "" {
		hdr.Set("Access-Control-Allow-Origin", "*")
		if r.Method == http.MethodOptions {
			if v := r.Header.Get("Access-Control-Request-Headers"); v != "" {
				hdr.Set("Access-Control-Allow-Headers", v)
			}
			if v := r.Header.Get("Access-Control-Request-Method"); v != "" {
				hdr.Set("Access-Control-Allow-Methods", v)
			}
			hdr.Set("Access-Control-Max-Age", "172800")
			w.WriteHeader(http.StatusOK)
			return
		}
		hdr.Set("Access-Control-Expose-Headers", "x-amzn-RequestId,x-amzn-ErrorType,x-amz-request-id,x-amz-id-2,x-amzn-ErrorMessage,Date")
	}

	if r.Method != http.MethodPost {
		writeXMLError(w, http.StatusForbidden, "AccessDeniedException", "Unable to determine service/operation name to be authorized")
		return
	}

	// A client gets BodyTimeout to send its body; the deadline is lifted
	// afterwards so that streaming answers are not cut.
	rc := http.NewResponseController(w)
	rc.SetReadDeadline(time.Now().Add(BodyTimeout))
	bodyBuf, err := h.readBody(r)
	rc.SetReadDeadline(time.Time{})
	var body []byte
	if bodyBuf != nil {
		// Decoders copy what they keep, so the buffer is reused once the
		// answer is written.
		defer h.buffers.put(bodyBuf)
		body = *bodyBuf
	}
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			hdr.Set("Connection", "close")
			w.WriteHeader(http.StatusRequestEntityTooLarge)
			return
		}
		h.log.Debug("reading request body", "err", err)
		return
	}

	contentType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	contentType = strings.ToLower(contentType)
	prefix, opName, _ := strings.Cut(r.Header.Get("X-Amz-Target"), ".")
	svc := h.services[prefix]
	var op *Operation
	if svc != nil && opName != "" {
		op = svc.Operations[opName]
	}

	enc := encodingFor(contentType)
	if len(body) == 0 {
		if enc == nil || contentType != awsjson.ContentType {
			enc = cborEncoding
		}
		code := awserr.UnknownOperationException
		if op != nil {
			code = awserr.SerializationException
		}
		h.writeError(w, enc, awserr.Bare(code))
		return
	}
	if enc == nil && contentType != legacyJSON {
		if prefix == "" || opName == "" {
			writeXMLError(w, http.StatusForbidden, "AccessDeniedException", "Unable to determine service/operation name to be authorized")
			return
		}
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, "<UnknownOperationException/>\n")
		return
	}
	if contentType == legacyJSON {
		h.writeLegacy(w, body)
		return
	}

	var in any
	if op != nil && enc == jsonEncoding && op.fastJSON != nil {
		if v, ok := op.fastJSON(body); ok {
			in = v
		}
	}
	var value shape.Value
	if in == nil {
		if value, err = enc.decode(body); err != nil {
			h.writeError(w, enc, awserr.Bare(awserr.SerializationException))
			return
		}
	}
	if op == nil {
		h.writeError(w, enc, awserr.Bare(awserr.UnknownOperationException))
		return
	}

	caller, err := h.auth.Authenticate(r, body, svc.SigningName)
	if err != nil {
		h.writeError(w, enc, awserr.As(err))
		return
	}
	caller.RequestID = requestID
	ctx := WithCaller(r.Context(), caller)

	if in == nil {
		if in, err = op.decode(value); err != nil {
			h.writeError(w, enc, h.public(op, err))
			return
		}
	}
	if op.stream != nil {
		h.serveStream(ctx, w, enc, op, in)
		return
	}
	out, err := op.invoke(ctx, in)
	if err != nil {
		h.writeError(w, enc, h.public(op, err))
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
	b, err := enc.encode(out)
	if err != nil {
		h.writeError(w, enc, h.public(op, err))
		return
	}
	writeBody(w, http.StatusOK, b)
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

func (h *Handler) serveStream(ctx context.Context, w http.ResponseWriter, enc *encoding, op *Operation, in any) {
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
	h.writeError(w, enc, h.public(op, err))
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
	body := map[string]any{"__type": e.Code.Name}
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
	if _, err := awsjson.Decode(body); err != nil {
		typ, key = "com.amazon.coral.service#SerializationException", "Message"
	}
	b, _ := awsjson.Encode(map[string]any{"Output": map[string]any{"__type": typ, key: nil}, "Version": "1.0"})
	w.Header().Set("Content-Type", legacyJSON)
	writeBody(w, http.StatusOK, b)
}

func writeXMLError(w http.ResponseWriter, status int, typ, msg string) {
	var buf bytes.Buffer
	buf.WriteString("<" + typ + ">\n  <Message>" + msg + "</Message>\n</" + typ + ">\n")
	writeBody(w, status, buf.Bytes())
}

func writeBody(w http.ResponseWriter, status int, b []byte) {
	w.Header().Set("Content-Length", itoa(len(b)))
	w.WriteHeader(status)
	w.Write(b)
}

// readBody reads the whole body into a pooled buffer.
func (h *Handler) readBody(r *http.Request) (*[]byte, error) {
	limit := h.maxBodyBytes
	if r.ContentLength > limit {
		return nil, &http.MaxBytesError{Limit: limit}
	}
	rd := http.MaxBytesReader(nil, r.Body, limit)
	buf := h.buffers.get()
	if r.ContentLength > 0 {
		if int64(cap(*buf)) < r.ContentLength {
			*buf = make([]byte, r.ContentLength)
		}
		*buf = (*buf)[:r.ContentLength]
		if _, err := io.ReadFull(rd, *buf); err != nil {
			h.buffers.put(buf)
			return nil, err
		}
		return buf, nil
	}
	b := bytes.NewBuffer((*buf)[:0])
	if _, err := b.ReadFrom(rd); err != nil {
		h.buffers.put(buf)
		return nil, err
	}
	*buf = b.Bytes()
	return buf, nil
}

// encoding is one of the two body encodings of the AWS RPC protocols.
type encoding struct {
	contentType string
	decode      func([]byte) (shape.Value, error)
	encode      func(any) ([]byte, error)
}

var (
	jsonEncoding = &encoding{contentType: awsjson.ContentType, decode: awsjson.Decode, encode: awsjson.Encode}
	cborEncoding = &encoding{contentType: awscbor.ContentType, decode: awscbor.Decode, encode: awscbor.Encode}
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
