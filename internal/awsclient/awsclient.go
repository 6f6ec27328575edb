// Package awsclient builds aws-sdk-go-v2 configurations for talking to a
// Sluice endpoint: the server's tests, `sluice bench`, `sluice put` and
// `sluice tail` use it.
//
// It works around a race in the SDK (aws-sdk-go-v2 issues #1825 and #2737)
// that a fast server on loopback makes frequent: smithy-go closes a
// request's body as soon as the response headers arrive, and when net/http's
// write loop has not yet made its final read of that body, the body's
// WriteTo answers io.EOF, which net/http takes as a write error and closes
// the connection under the response being read ("use of closed network
// connection", or a SubscribeToShard stream that dies). Hiding WriteTo makes
// net/http read the closed body with Read, which ends cleanly with io.EOF.
package awsclient

import (
	"io"
	"net/http"
)

// Transport wraps rt so that request bodies do not offer WriteTo.
func Transport(rt http.RoundTripper) http.RoundTripper { return bodyReader{rt} }

type bodyReader struct{ rt http.RoundTripper }

func (b bodyReader) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil && r.Body != http.NoBody {
		if _, ok := r.Body.(io.WriterTo); ok {
			r2 := *r
			r2.Body = readCloser{r.Body}
			r = &r2
		}
	}
	return b.rt.RoundTrip(r)
}

// readCloser hides everything of a body but Read and Close.
type readCloser struct{ io.ReadCloser }
