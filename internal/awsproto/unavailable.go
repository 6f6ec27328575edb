package awsproto

import (
	"net/http"

	"sluice/internal/awsproto/awserr"
)

// WriteUnavailable answers r with 503 ServiceUnavailableException and msg,
// in the request's encoding (CBOR for a CBOR request, JSON otherwise), for
// a front that cannot hand the request to a service just now (a cluster
// node between owners). SDKs retry it. The body is left unread and the
// connection closed, as for a busy server.
func WriteUnavailable(w http.ResponseWriter, r *http.Request, msg string) {
	enc := encodingFor(r.Header.Get("Content-Type"))
	if enc == nil {
		enc = jsonEncoding
	}
	closeUnread(w, r)
	h := &Handler{}
	h.writeError(w, enc, &awserr.Error{Code: awserr.ServiceUnavailable, Message: msg})
}
