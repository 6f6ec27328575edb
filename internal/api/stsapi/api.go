package stsapi

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"sluice/internal/awsproto"
	"sluice/internal/awsproto/awserr"
	"sluice/internal/identity"
	"sluice/internal/policy"
)

// maxBody bounds a request: AssumeRole's largest members (a 2,048-byte
// session policy, 50 tags, 10 policy ARNs) fit well within it.
const maxBody = 64 << 10

// API is the STS endpoint.
type API struct {
	auth  awsproto.Authenticator
	dir   *identity.Directory // nil under --auth open: no credentials to issue
	now   func() time.Time
	audit awsproto.Auditor
	keys  *awsproto.KeyLimiter
	// bodyTimeout is how long a client has to send its body.
	bodyTimeout time.Duration
}

// New returns the STS endpoint. dir is nil when Sluice runs with --auth
// open, where GetCallerIdentity still answers and the others refuse.
// audit, when not nil, records every call (all of STS is control plane);
// bodyTimeout bounds the time a client takes to send its body (0:
// awsproto.BodyTimeout).
//
// keys, when not nil, is the per-key rate limit the other services share.
func New(auth awsproto.Authenticator, dir *identity.Directory, now func() time.Time, audit awsproto.Auditor, keys *awsproto.KeyLimiter, bodyTimeout time.Duration) *API {
	if now == nil {
		now = time.Now
	}
	if bodyTimeout <= 0 {
		bodyTimeout = awsproto.BodyTimeout
	}
	return &API{auth: auth, dir: dir, now: now, audit: audit, keys: keys, bodyTimeout: bodyTimeout}
}

// Is reports whether r is an STS query-protocol request: a form POST
// without X-Amz-Target (which the JSON services all carry).
func Is(r *http.Request) bool {
	if r.Method != http.MethodPost || r.Header.Get("X-Amz-Target") != "" {
		return false
	}
	ct := r.Header.Get("Content-Type")
	return len(ct) >= 33 && strings.EqualFold(ct[:33], "application/x-www-form-urlencoded")
}

// ServeHTTP authenticates the request and runs its Action.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	requestID := awsproto.NewRequestID()
	w.Header()["x-amzn-RequestId"] = []string{requestID}
	call := awsproto.Call{Time: a.now(), SigningName: "sts", SourceIP: policy.HostIP(r.RemoteAddr), UserAgent: r.UserAgent(), RequestID: requestID}
	var failure *stsErr
	defer func() { a.record(call, failure) }()
	fail := func(e stsErr) {
		failure = &e
		writeError(w, requestID, e)
	}
	caller, check, err := a.auth.Authenticate(r, "sts")
	if err != nil {
		call.Denied = true
		fail(fromAuth(err))
		return
	}
	call.Caller, call.AccessKeyID = caller, caller.AccessKeyID
	// A client has the body timeout to send its (small) body; a failed
	// read aborts the connection rather than draining it at its pace.
	http.NewResponseController(w).SetReadDeadline(time.Now().Add(a.bodyTimeout))
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if len(body) > maxBody {
		fail(stsErr{http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", "Request body is larger than 65536 bytes."})
		return
	}
	sum := sha256.Sum256(body)
	if err := check.Verify(r, hex.EncodeToString(sum[:])); err != nil {
		call.Denied, call.Caller = true, awsproto.Caller{}
		fail(fromAuth(err))
		return
	}
	if !a.keys.Allow(caller.RateKey()) {
		call.Denied = true
		fail(invalid("Throttling", "Rate exceeded"))
		return
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		fail(invalid("MalformedQueryString", "The query string is malformed."))
		return
	}
	if v := form.Get("Version"); v != "2011-06-15" {
		fail(invalid("InvalidAction", "Could not find operation "+form.Get("Action")+" for version "+v))
		return
	}
	who := caller.Auth
	if who == nil {
		root := policy.Root(caller.AccountID)
		who = &root
	}
	var out any
	action := form.Get("Action")
	call.Operation = action
	if err := onlyKnown(action, form); err != nil {
		fail(*err)
		return
	}
	switch action {
	case "GetCallerIdentity":
		out = getCallerIdentity(who, requestID)
	case "GetSessionToken":
		out, err = a.getSessionToken(caller, who, form, requestID)
	case "AssumeRole":
		out, err = a.assumeRole(who, form, requestID)
	default:
		err = invalid("InvalidAction", "Could not find operation "+action+" for version 2011-06-15")
	}
	if err != nil {
		var e stsErr
		if !errors.As(err, &e) {
			e = stsErr{http.StatusInternalServerError, "InternalFailure", "We encountered an internal error. Please try again."}
		}
		call.Denied = e.code == "AccessDenied"
		fail(e)
		return
	}
	writeXML(w, http.StatusOK, out)
}

// fromAuth names an authentication failure as STS does.
func fromAuth(err error) stsErr {
	e := awserr.As(err)
	switch e.Code.Name {
	case "UnrecognizedClientException":
		return stsErr{http.StatusForbidden, "InvalidClientTokenId", e.Message}
	case "InvalidSignatureException":
		return stsErr{http.StatusForbidden, "SignatureDoesNotMatch", e.Message}
	case "MissingAuthenticationTokenException":
		return stsErr{http.StatusForbidden, "MissingAuthenticationToken", e.Message}
	case "IncompleteSignatureException":
		return stsErr{http.StatusBadRequest, "IncompleteSignature", e.Message}
	case "ExpiredTokenException":
		return stsErr{http.StatusBadRequest, "ExpiredToken", e.Message}
	}
	return stsErr{e.Code.Status, e.Code.Name, e.Message}
}

// record tells the auditor of a call (failure nil for a success).
func (a *API) record(c awsproto.Call, failure *stsErr) {
	if a.audit == nil {
		return
	}
	if failure != nil {
		c.Err = awserr.New(awserr.Code{Name: failure.code, Status: failure.status}, "%s", failure.message)
	}
	a.audit.Record(c)
}
