package awsproto

import (
	"net/http"
	"strings"
	"time"

	"sluice/internal/awsproto/awserr"
	"sluice/internal/awsproto/shape"
	"sluice/internal/policy"
)

// Auditor records API calls once they are answered (package audit writes
// them as CloudTrail events). The handlers tell it of every call to an
// operation it Audits, whatever the outcome, and of every call that was
// Denied, whatever the operation; the rest (the data plane's hot path) costs
// it nothing.
type Auditor interface {
	// Audits reports whether every call to an operation is recorded. It is
	// asked once per operation when a handler is built.
	Audits(signingName, operation string) bool
	// Record takes one answered call. It must not fail the request: it
	// returns nothing, and must not keep Call.Params past returning.
	Record(Call)
}

// Call is what an Auditor learns of one call.
type Call struct {
	Time time.Time // when the request arrived
	// SigningName is the service ("kinesis", "firehose",
	// "kinesisanalytics", "kinesisvideo", "logs").
	SigningName string
	// Operation is the operation's name (PutMedia for its route).
	Operation string
	// Caller is who authentication found; its AccountID is empty when
	// authentication did not succeed (or did not run).
	Caller Caller
	// AccessKeyID is the key the request was signed with, as claimed,
	// even when authentication refused it.
	AccessKeyID string
	SourceIP    string
	UserAgent   string
	RequestID   string
	// Err is the AWS error the call was answered with; nil for success.
	// A request whose client went away before its answer carries
	// RequestAbortedException.
	Err *awserr.Error
	// Denied marks calls refused as unauthenticated, unauthorized or
	// throttled by the per-key rate limit.
	Denied bool
	// Params is the decoded request body (the generic tree), for audited
	// operations whose body was decoded; nil otherwise. It is borrowed.
	Params shape.Value
}

// callRecord is what a handler gathers for the Auditor while it serves one
// request. It lives on the handler's stack; only the handlers that have an
// Auditor fill it in.
type callRecord struct {
	on          bool
	start       time.Time
	signingName string
	operation   string
	audited     bool
	caller      Caller
	err         *awserr.Error
	denied      bool
	params      shape.Value
	// takeover is the request's ErrorTakeover, or nil (takeover.go).
	takeover ErrorTakeover
}

// fail notes the error a request is answered with.
func (c *callRecord) fail(e *awserr.Error) {
	if c != nil {
		c.err = e
	}
}

// deny notes an error that refuses the caller.
func (c *callRecord) deny(e *awserr.Error) {
	if c != nil {
		c.err, c.denied = e, true
	}
}

// deniedCodes are the errors that refuse a caller wherever they come from
// (an authorization check inside an operation included).
var deniedCodes = map[string]bool{
	"AccessDeniedException": true,
	"AccessDenied":          true,
}

// finish hands the call to the Auditor when it is one to record.
func (c *callRecord) finish(a Auditor, r *http.Request, requestID string) {
	if !c.on {
		return
	}
	denied := c.denied || (c.err != nil && deniedCodes[c.err.Code.Name])
	if !c.audited && !denied {
		return
	}
	key := c.caller.AccessKeyID
	if key == "" {
		key = claimedKey(r)
	}
	a.Record(Call{
		Time:        c.start,
		SigningName: c.signingName,
		Operation:   c.operation,
		Caller:      c.caller,
		AccessKeyID: key,
		SourceIP:    policy.HostIP(r.RemoteAddr),
		UserAgent:   r.UserAgent(),
		RequestID:   requestID,
		Err:         c.err,
		Denied:      denied,
		Params:      c.params,
	})
}

// claimedKey is the access key ID a request's signature names, read
// without checking anything else: for the record of a refused call.
func claimedKey(r *http.Request) string {
	cred := r.URL.Query().Get("X-Amz-Credential")
	if auth := r.Header.Get("Authorization"); auth != "" {
		_, rest, ok := strings.Cut(auth, "Credential=")
		if !ok {
			return ""
		}
		cred, _, _ = strings.Cut(rest, ",")
	}
	key, _, _ := strings.Cut(strings.TrimSpace(cred), "/")
	if len(key) > 128 {
		key = key[:128]
	}
	return key
}
