package awsproto

import (
	"net/http"
	"strings"
)

// CORS says which web pages may call the API from a browser.
//
// With no AllowOrigins (the default) none may: no Access-Control header is
// ever sent, a preflight is refused like any method but POST, and a request
// that carries an Origin header is refused. So no page the user happens to
// visit can drive a server on 127.0.0.1, neither cross-origin (its
// preflight fails, and a "simple" request cannot carry X-Amz-Target) nor by
// DNS rebinding (the page is then same-origin, but its Origin header is
// still its own). Clients other than browsers send no Origin.
//
// Listed origins (or "*", any) get what the AWS SDK for JavaScript needs in
// a browser: the preflight answered, and the answer readable with the
// headers the SDK reads exposed.
type CORS struct {
	// AllowOrigins are origins as browsers send them
	// (scheme://host[:port], no path), compared without regard to case,
	// or "*" for every origin.
	AllowOrigins []string
}

// The CORS answer headers.
const (
	corsMaxAge = "172800" // two days, as AWS answers (browsers cap it lower)
	// What the SDKs read from an answer: the request ID and error type
	// headers AWS uses, and Date for clock-skew correction.
	corsExposeHeaders = "x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,x-amz-request-id,x-amz-id-2,Date"
	corsAllowMethods  = "POST"
)

// allows reports whether a page from origin may call the API.
func (c *CORS) allows(origin string) bool {
	for _, o := range c.AllowOrigins {
		if o == "*" || strings.EqualFold(o, origin) {
			return true
		}
	}
	return false
}

// serve applies the policy to a request carrying an Origin header. It
// reports whether it answered the request (a preflight, or a refusal).
func (c *CORS) serve(w http.ResponseWriter, r *http.Request, origin string) bool {
	hdr := w.Header()
	if len(c.AllowOrigins) > 0 {
		// The answer depends on Origin (and, for a preflight, on what it
		// asks), whether or not the origin is allowed.
		hdr.Add("Vary", "Origin")
	}
	if !c.allows(origin) {
		if r.Method == http.MethodPost {
			closeUnread(w, r)
			writeXMLError(w, http.StatusForbidden, "AccessDeniedException",
				"Cross-origin requests are not allowed from this origin; start Sluice with --cors-allow-origin to allow a web page to call the API.")
			return true
		}
		return false // refused below like any other method
	}
	hdr.Set("Access-Control-Allow-Origin", origin)
	if r.Method != http.MethodOptions || r.Header.Get("Access-Control-Request-Method") == "" {
		hdr.Set("Access-Control-Expose-Headers", corsExposeHeaders)
		return false
	}
	hdr.Add("Vary", "Access-Control-Request-Method")
	hdr.Add("Vary", "Access-Control-Request-Headers")
	hdr.Set("Access-Control-Allow-Methods", corsAllowMethods)
	if asked := r.Header.Get("Access-Control-Request-Headers"); asked != "" && isTokenList(asked) {
		// The page is trusted, so whatever headers its SDK sends are
		// allowed; listing them would break the next SDK that adds one.
		hdr.Set("Access-Control-Allow-Headers", asked)
	}
	hdr.Set("Access-Control-Max-Age", corsMaxAge)
	hdr.Set("Content-Length", "0")
	w.WriteHeader(http.StatusOK)
	return true
}

// isTokenList reports whether v is a comma-separated list of header names,
// so that it is safe to send back.
func isTokenList(v string) bool {
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			strings.IndexByte("!#$%&'*+-.^_`|~, \t", c) >= 0) {
			return false
		}
	}
	return true
}
