package awsproto

import (
	"context"
	"net/http"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"sluice/internal/awsproto/awserr"
	"sluice/internal/awsproto/awsjson"
	"sluice/internal/awsproto/shape"
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
	// ThrottleCode is what a call over the per-key rate limit is answered
	// with (empty: ThrottlingException): Kinesis Video Streams answers
	// ClientLimitExceededException for calls over its limits.
	ThrottleCode awserr.Code
	// MaxBodyBytes is the largest JSON request body the service takes
	// (0: the Handler's MaxBodyBytes), as Service.MaxBodyBytes. Raw routes
	// (PutMedia's endless upload) are not bounded by it.
	MaxBodyBytes int64

	routes map[string]*Operation
	raw    map[string]RawHandler
}

// RawHandler serves a request whose body is not a JSON document read
// whole: PutMedia's endless MKV upload. It runs after the checks the
// headers allow (CORS, Content-Length, authentication from the headers),
// with the body unread and outside the in-flight Budget; ctx carries the
// Caller. Under `--auth sigv4` the signature over the body is still to be
// checked: verify takes the hex SHA-256 of the body once it has been read
// (it is nil when nothing is left to check), and then answers the
// authorization of the call too, so a handler calls it before it acts. The handler checks the method
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
	svc     *RESTService
	op      *Operation
	raw     RawHandler
	name    string // the operation's name: op.Name, or PutMedia for /putMedia
	audited bool   // the Auditor records every call
}

// NewRESTHandler returns a handler for the services' routes.
func NewRESTHandler(opts HandlerOptions, services ...*RESTService) *RESTHandler {
	rh := &RESTHandler{h: NewHandler(opts), routes: map[string]restRoute{}}
	add := func(p string, rt restRoute) {
		if opts.Audit != nil {
			rt.audited = opts.Audit.Audits(rt.svc.SigningName, rt.name)
		}
		rh.routes[p] = rt
	}
	for _, s := range services {
		for p, op := range s.routes {
			add(p, restRoute{svc: s, op: op, name: op.Name})
		}
		for p, raw := range s.raw {
			add(p, restRoute{svc: s, raw: raw, name: rawName(p)})
		}
	}
	return rh
}

// rawName names the operation of a raw route from its path: /putMedia is
// PutMedia.
func rawName(path string) string {
	name := strings.TrimPrefix(path, "/")
	if name == "" {
		return name
	}
	return strings.ToUpper(name[:1]) + name[1:]
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
	requestID := newRequestID()
	var rec callRecord
	if h.audit != nil {
		rec.on, rec.start = true, time.Now()
		defer rec.finish(h.audit, r, requestID)
	}
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				rec.fail(awserr.Bare(awserr.RequestAbortedException))
				panic(p)
			}
			h.log.Error("panic serving request", "panic", p, "stack", string(debug.Stack()))
			failREST(w, awserr.Bare(awserr.InternalFailure), &rec)
		}
	}()
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
	if rec.on {
		rec.signingName, rec.operation, rec.audited = route.svc.SigningName, route.name, route.audited
	}
	if route.raw == nil && r.Method != http.MethodPost {
		closeUnread(w, r)
		writeXMLError(w, http.StatusForbidden, "AccessDeniedException", "Unable to determine service/operation name to be authorized")
		return
	}
	limit := h.bodyLimit(route.svc.MaxBodyBytes)
	if route.raw == nil && r.ContentLength > limit {
		closeUnread(w, r)
		failREST(w, tooLarge(limit), &rec)
		return
	}
	caller, check, err := h.auth.Authenticate(r, route.svc.SigningName)
	if err != nil {
		h.log.Debug("authentication failed", "err", err)
		closeUnread(w, r)
		e := awserr.As(err)
		rec.deny(e)
		writeRESTError(w, e)
		return
	}
	rec.caller = caller
	caller.RequestID = requestID
	caller.Endpoint = "http://" + r.Host
	if r.TLS != nil {
		caller.Endpoint = "https://" + r.Host
	}
	ctx := WithCaller(r.Context(), caller)
	if route.raw != nil {
		if !h.keys.Allow(caller.RateKey()) {
			closeUnread(w, r)
			rh.throttled(w, route.svc, &rec)
			return
		}
		// A raw operation names its stream in headers (PutMedia).
		in := struct{ StreamName, StreamARN string }{r.Header.Get("X-Amzn-Stream-Name"), r.Header.Get("X-Amzn-Stream-Arn")}
		denied := route.svc.IAM.check(caller, rawOperation(r.URL.Path), &in, restAccessDenied)
		var verify func(string) error
		switch {
		case check.needed():
			// The denial waits for the signature: whoever merely names a
			// key learns nothing of its permissions.
			verify = func(sum string) error {
				if err := check.verify(r, sum); err != nil {
					return err
				}
				if denied != nil {
					return denied
				}
				return nil
			}
		case denied != nil:
			closeUnread(w, r)
			rec.deny(denied)
			writeRESTError(w, denied)
			return
		}
		sw := &streamWriter{ResponseWriter: w, contentType: "application/json"}
		if err := route.raw(ctx, sw, r, verify); err != nil {
			if sw.started {
				h.log.Debug("raw operation ended with error", "path", r.URL.Path, "err", err)
				return
			}
			rh.failOp(ctx, w, r.URL.Path, err, &rec)
		}
		return
	}

	deadline := time.Now().Add(h.bodyTimeout)
	rc := http.NewResponseController(w)
	rc.SetReadDeadline(deadline)
	b, err := h.readBody(r, check.needed(), deadline, limit)
	if err != nil {
		// The deadline stays: what is left of the body is not read past
		// it (net/http drains a small one after the answer).
		h.bodyFailed(w, r, err, func(e *awserr.Error) { failREST(w, e, &rec) }, limit)
		return
	}
	rc.SetReadDeadline(time.Time{})
	held := true
	defer func() {
		if held {
			h.release(b)
		}
	}()
	if check.needed() {
		if err := check.verify(r, b.sha256); err != nil {
			h.log.Debug("authentication failed", "err", err)
			e := awserr.As(err)
			rec.caller = Caller{} // not established: the key is only claimed
			rec.deny(e)
			writeRESTError(w, e)
			return
		}
	}
	if !h.keys.Allow(caller.RateKey()) {
		rh.throttled(w, route.svc, &rec)
		return
	}
	in, value, aerr := decodeREST(route.svc, route.op, *b.buf)
	if rec.audited {
		rec.params = value
	}
	if aerr != nil {
		failREST(w, aerr, &rec)
		return
	}
	op := route.op
	if e := route.svc.IAM.check(caller, op.Name, in, restAccessDenied); e != nil {
		failREST(w, e, &rec)
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
			rh.failOp(ctx, w, op.Name, err, &rec)
		}
		return
	}
	out, err := op.invoke(ctx, in)
	if err != nil {
		rh.failOp(ctx, w, op.Name, err, &rec)
		return
	}
	hdr.Set("Content-Type", "application/json")
	if out == nil {
		writeBody(w, http.StatusOK, []byte("{}"))
		return
	}
	body, err := awsjson.Encode(out)
	if err != nil {
		failREST(w, rh.public(op.Name, err), &rec)
		return
	}
	writeBody(w, http.StatusOK, body)
}

// failOp answers an operation's error, unless the request's
// ErrorTakeover answers it (and then nothing is audited here), as
// Handler.failOp does.
func (rh *RESTHandler) failOp(ctx context.Context, w http.ResponseWriter, name string, err error, rec *callRecord) {
	if t := errorTakeover(ctx); t != nil && t(err) {
		rec.on = false
		return
	}
	failREST(w, rh.public(name, err), rec)
}

// throttled answers a call over the per-key rate limit with the service's
// throttling error.
func (rh *RESTHandler) throttled(w http.ResponseWriter, svc *RESTService, rec *callRecord) {
	code := svc.ThrottleCode
	if code.Name == "" {
		code = awserr.ThrottlingException
	}
	e := awserr.New(code, msgThrottled)
	rec.deny(e)
	writeRESTError(w, e)
}

// decodeREST decodes a REST-JSON body (empty is {}) into op's typed input.
// A body that is not one JSON object is a SerializationException; a type
// mismatch too; a broken constraint is svc.ValidationCode with AWS's
// message.
func decodeREST(svc *RESTService, op *Operation, body []byte) (any, shape.Value, *awserr.Error) {
	if len(body) == 0 {
		body = []byte("{}")
	}
	if awsjson.CountValues(body, maxValues) > maxValues {
		return nil, nil, awserr.Bare(awserr.SerializationException)
	}
	value, err := awsjson.Decode(body)
	if err != nil {
		return nil, nil, awserr.New(awserr.SerializationException, "The request body is not a JSON object.")
	}
	in, err := op.decode(value)
	if err != nil {
		e := awserr.As(err)
		if e.Code == awserr.ValidationException && svc.ValidationCode.Name != "" {
			e = &awserr.Error{Code: svc.ValidationCode, Message: e.Message}
		}
		return nil, value, e
	}
	return in, value, nil
}

func (rh *RESTHandler) public(op string, err error) *awserr.Error {
	e := awserr.As(err)
	if e.Code.Status >= 500 {
		rh.h.log.Error("operation failed", "op", op, "err", err)
	}
	return e
}

// failREST answers e and notes it for the audit record.
func failREST(w http.ResponseWriter, e *awserr.Error, rec *callRecord) {
	rec.fail(e)
	writeRESTError(w, e)
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
