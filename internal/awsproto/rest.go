package awsproto

import (
	"context"
	"errors"
	"net/http"
	"runtime/debug"
	"slices"
	"time"

	"sluice/internal/awsproto/awserr"
	"sluice/internal/awsproto/awsjson"
)

// RESTService is an API of AWS's REST-JSON protocol whose operations are
// all `POST /<operation>` with a JSON body and a JSON answer, such as
// Kinesis Video Streams (`POST /createStream`). Its operations are the same
// Operations as those of the X-Amz-Target services (Op, StreamOp), routed
// by path instead of by target.
type RESTService struct {
	// SigningName is the service name in the SigV4 credential scope.
	SigningName string
	// ValidationCode is what a broken constraint of the input shape is
	// answered with (AWS's message, this code): REST-JSON services such as
	// Kinesis Video Streams answer InvalidArgumentException where the
	// JSON 1.1 services answer ValidationException.
	ValidationCode awserr.Code
	// IAM, when set, authorizes every operation against the caller's
	// identity policies before it runs (PutMedia's raw route included).
	IAM *IAM

	routes map[string]*Operation
	raw    map[string]RawHandler
}

// RawHandler serves a request whose body is not a JSON document read
// whole: PutMedia's endless MKV upload. It runs after the checks the
// headers allow (CORS, Content-Length, authentication from the headers),
// with the body unread and outside the in-flight Budget; ctx carries the
// Caller. Under `--auth sigv4` the signature over the body is still to be
// checked: verify takes the hex SHA-256 of the body once it has been read
// (it is nil when nothing is left to check). The handler checks the method
// itself. An error returned before anything was written is answered as an
// AWS error.
type RawHandler func(ctx context.Context, w http.ResponseWriter, r *http.Request, verify func(bodySHA256 string) error) error

// NewRESTService returns a REST-JSON service with no operations yet.
func NewRESTService(signingName string, validationCode awserr.Code) *RESTService {
	return &RESTService{SigningName: signingName, ValidationCode: validationCode, routes: map[string]*Operation{}, raw: map[string]RawHandler{}}
}

// Handle routes `POST path` to op.
func (s *RESTService) Handle(path string, op *Operation) { s.routes[path] = op }

// HandleRaw routes requests for path to h (see RawHandler).
func (s *RESTService) HandleRaw(path string, h RawHandler) { s.raw[path] = h }

// Operations returns the operations by path (not the raw routes).
func (s *RESTService) Operations() map[string]*Operation { return s.routes }

// RESTHandler serves REST-JSON services, sharing the Authenticator, the
// body Budget and the CORS policy of the X-Amz-Target Handler. Mount it on
// each of Paths.
type RESTHandler struct {
	h      *Handler
	routes map[string]restRoute
}

type restRoute struct {
	svc *RESTService
	op  *Operation
	raw RawHandler
}

// NewRESTHandler returns a handler for the services' routes.
func NewRESTHandler(opts HandlerOptions, services ...*RESTService) *RESTHandler {
	rh := &RESTHandler{h: NewHandler(opts), routes: map[string]restRoute{}}
	for _, s := range services {
		for p, op := range s.routes {
			rh.routes[p] = restRoute{svc: s, op: op}
		}
		for p, raw := range s.raw {
			rh.routes[p] = restRoute{svc: s, raw: raw}
		}
	}
	return rh
}

// Paths lists the routed paths, sorted.
func (rh *RESTHandler) Paths() []string {
	out := make([]string, 0, len(rh.routes))
	for p := range rh.routes {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

// OperationName returns the name of the operation routed at path, or "".
func (rh *RESTHandler) OperationName(path string) string {
	if r, ok := rh.routes[path]; ok && r.op != nil {
		return r.op.Name
	}
	return ""
}

// ServeHTTP checks a request in the order of the X-Amz-Target Handler
// (CORS, method, Content-Length, authentication from the headers, the
// body within the Budget, the signature over it), then decodes the JSON
// body against the operation's shape and runs it. Errors are answered as
// REST-JSON services answer them: the HTTP status of the error, its type
// in the x-amzn-ErrorType header (the one the SDKs read) and in
// x-amz-ErrorType (the one the Kinesis Video Streams documentation names),
// and a body {"Message": "..."}.
func (rh *RESTHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := rh.h
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			h.log.Error("panic serving request", "panic", p, "stack", string(debug.Stack()))
			writeRESTError(w, awserr.Bare(awserr.InternalFailure))
		}
	}()
	requestID := newRequestID()
	hdr := w.Header()
	hdr["x-amzn-RequestId"] = []string{requestID}
	origin := r.Header.Get("Origin")
	if r.Method != http.MethodOptions || origin == "" {
		hdr["x-amz-id-2"] = []string{newID2()}
	}
	if h.cors != nil && origin != "" && h.cors.serve(w, r, origin) {
		return
	}
	route, ok := rh.routes[r.URL.Path]
	if !ok {
		closeUnread(w, r)
		writeRESTError(w, awserr.Bare(awserr.Code{Name: "UnknownOperationException", Status: http.StatusNotFound}))
		return
	}
	if route.raw == nil && r.Method != http.MethodPost {
		closeUnread(w, r)
		writeXMLError(w, http.StatusForbidden, "AccessDeniedException", "Unable to determine service/operation name to be authorized")
		return
	}
	if route.raw == nil && r.ContentLength > h.maxBodyBytes {
		closeUnread(w, r)
		hdr.Set("Content-Length", "0")
		w.WriteHeader(http.StatusRequestEntityTooLarge)
		return
	}
	caller, check, err := h.auth.Authenticate(r, route.svc.SigningName)
	if err != nil {
		h.log.Debug("authentication failed", "err", err)
		closeUnread(w, r)
		writeRESTError(w, awserr.As(err))
		return
	}
	caller.RequestID = requestID
	caller.Endpoint = "http://" + r.Host
	if r.TLS != nil {
		caller.Endpoint = "https://" + r.Host
	}
	ctx := WithCaller(r.Context(), caller)
	if route.raw != nil {
		// A raw operation names its stream in headers (PutMedia).
		in := struct{ StreamName, StreamARN string }{r.Header.Get("X-Amzn-Stream-Name"), r.Header.Get("X-Amzn-Stream-Arn")}
		if e := route.svc.IAM.check(caller, rawOperation(r.URL.Path), &in, restAccessDenied); e != nil {
			closeUnread(w, r)
			writeRESTError(w, e)
			return
		}
		var verify func(string) error
		if check.needed() {
			verify = func(sum string) error { return check.verify(r, sum) }
		}
		sw := &streamWriter{ResponseWriter: w, contentType: "application/json"}
		if err := route.raw(ctx, sw, r, verify); err != nil {
			if sw.started {
				h.log.Debug("raw operation ended with error", "path", r.URL.Path, "err", err)
				return
			}
			writeRESTError(w, rh.public(r.URL.Path, err))
		}
		return
	}

	deadline := time.Now().Add(h.bodyTimeout)
	rc := http.NewResponseController(w)
	rc.SetReadDeadline(deadline)
	b, err := h.readBody(r, check.needed(), deadline)
	rc.SetReadDeadline(time.Time{})
	if err != nil {
		var tooLarge *http.MaxBytesError
		switch {
		case errors.As(err, &tooLarge):
			closeUnread(w, r)
			hdr.Set("Content-Length", "0")
			w.WriteHeader(http.StatusRequestEntityTooLarge)
		case errors.Is(err, errBusy):
			closeUnread(w, r)
			writeRESTError(w, awserr.New(awserr.ServiceUnavailable, msgBusy))
		default:
			h.log.Debug("reading request body", "err", err)
			panic(http.ErrAbortHandler)
		}
		return
	}
	held := true
	defer func() {
		if held {
			h.release(b)
		}
	}()
	if check.needed() {
		if err := check.verify(r, b.sha256); err != nil {
			h.log.Debug("authentication failed", "err", err)
			writeRESTError(w, awserr.As(err))
			return
		}
	}
	in, aerr := decodeREST(route.svc, route.op, *b.buf)
	if aerr != nil {
		writeRESTError(w, aerr)
		return
	}
	op := route.op
	if e := route.svc.IAM.check(caller, op.Name, in, restAccessDenied); e != nil {
		writeRESTError(w, e)
		return
	}
	if op.stream != nil {
		held = false
		h.release(b)
		sw := &streamWriter{ResponseWriter: w, contentType: "application/json"}
		if err := op.stream(ctx, in, sw); err != nil {
			if sw.started {
				h.log.Debug("stream ended with error", "op", op.Name, "err", err)
				return
			}
			writeRESTError(w, rh.public(op.Name, err))
		}
		return
	}
	out, err := op.invoke(ctx, in)
	if err != nil {
		writeRESTError(w, rh.public(op.Name, err))
		return
	}
	hdr.Set("Content-Type", "application/json")
	if out == nil {
		writeBody(w, http.StatusOK, []byte("{}"))
		return
	}
	body, err := awsjson.Encode(out)
	if err != nil {
		writeRESTError(w, rh.public(op.Name, err))
		return
	}
	writeBody(w, http.StatusOK, body)
}

// decodeREST decodes a REST-JSON body (empty is {}) into op's typed input.
// A body that is not one JSON object is a SerializationException; a type
// mismatch too; a broken constraint is svc.ValidationCode with AWS's
// message.
func decodeREST(svc *RESTService, op *Operation, body []byte) (any, *awserr.Error) {
	if len(body) == 0 {
		body = []byte("{}")
	}
	if awsjson.CountValues(body, maxValues) > maxValues {
		return nil, awserr.Bare(awserr.SerializationException)
	}
	value, err := awsjson.Decode(body)
	if err != nil {
		return nil, awserr.New(awserr.SerializationException, "The request body is not a JSON object.")
	}
	in, err := op.decode(value)
	if err != nil {
		e := awserr.As(err)
		if e.Code == awserr.ValidationException && svc.ValidationCode.Name != "" {
			e = &awserr.Error{Code: svc.ValidationCode, Message: e.Message}
		}
		return nil, e
	}
	return in, nil
}

func (rh *RESTHandler) public(op string, err error) *awserr.Error {
	e := awserr.As(err)
	if e.Code.Status >= 500 {
		rh.h.log.Error("operation failed", "op", op, "err", err)
	}
	return e
}

// writeRESTError writes e as REST-JSON services do.
func writeRESTError(w http.ResponseWriter, e *awserr.Error) {
	body := []byte("{}")
	if e.Message != "" {
		body, _ = awsjson.Encode(map[string]string{"Message": e.Message})
	}
	hdr := w.Header()
	hdr.Set("Content-Type", "application/json")
	hdr["x-amzn-ErrorType"] = []string{e.Code.Name}
	hdr["x-amz-ErrorType"] = []string{e.Code.Name}
	writeBody(w, e.Code.Status, body)
}
