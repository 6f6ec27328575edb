package awsproto_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"sluice/internal/awsproto"
	"sluice/internal/awsproto/shape"
)

func corsHandler(cors *awsproto.CORS) http.Handler {
	echo := awsproto.Op("Describe", shape.Struct(shape.Req("Name", shape.Str())), func(_ context.Context, in *struct{ Name string }) (*struct{ Name string }, error) {
		return &struct{ Name string }{in.Name}, nil
	})
	return awsproto.NewHandler(awsproto.HandlerOptions{Auth: &awsproto.OpenAuth{AccountID: "000000000000"}, CORS: cors},
		awsproto.NewService("Test_20200101", "kinesis", echo))
}

// preflight is what a browser sends before the SDK's POST.
func preflight(h http.Handler, origin string) *httptest.ResponseRecorder {
	r := httptest.NewRequest("OPTIONS", "http://127.0.0.1:4567/", nil)
	r.Header.Set("Origin", origin)
	r.Header.Set("Access-Control-Request-Method", "POST")
	r.Header.Set("Access-Control-Request-Headers", "amz-sdk-invocation-id,amz-sdk-request,authorization,content-type,x-amz-date,x-amz-target,x-amz-user-agent")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func corsPost(t *testing.T, h http.Handler, origin string) (response, bool) {
	const body = `{"Name":"s"}`
	r := signedReq{op: "Describe", body: body}.build(t)
	if origin != "" {
		r.Header.Set("Origin", origin)
	}
	return serve(h, r, body)
}

func corsHeaders(h http.Header) []string {
	var out []string
	for k := range h {
		if strings.HasPrefix(k, "Access-Control-") {
			out = append(out, k)
		}
	}
	return out
}

// TestCORSDefault: by default no page may call the API: no CORS header is
// sent, preflights are refused, and a request carrying an Origin (a
// cross-origin page, or a DNS-rebound one) is refused unread.
func TestCORSDefault(t *testing.T) {
	h := corsHandler(&awsproto.CORS{})
	w := preflight(h, "http://evil.example")
	if w.Code != 403 || len(corsHeaders(w.Header())) != 0 || w.Header().Get("Content-Type") != "application/xml" ||
		!strings.Contains(w.Body.String(), "<AccessDeniedException>") {
		t.Fatalf("preflight: %d %v %s", w.Code, w.Header(), w.Body)
	}
	r, read := corsPost(t, h, "http://evil.example")
	if r.status != 403 || read || len(corsHeaders(r.header)) != 0 || r.header.Get("Content-Type") != "application/xml" ||
		!strings.Contains(string(r.body), "--cors-allow-origin") {
		t.Fatalf("POST with Origin: %d read=%v %v %s", r.status, read, r.header, r.body)
	}
	r, _ = corsPost(t, h, "")
	wantJSON(t, r, 200, `{"Name":"s"}`)
	if len(corsHeaders(r.header)) != 0 {
		t.Fatalf("CORS headers without Origin: %v", r.header)
	}
}

// TestCORSNil: a handler without a policy (the console's, behind its own
// session and CSRF checks) leaves Origin alone.
func TestCORSNil(t *testing.T) {
	h := corsHandler(nil)
	r, _ := corsPost(t, h, "http://127.0.0.1:4567")
	wantJSON(t, r, 200, `{"Name":"s"}`)
	if len(corsHeaders(r.header)) != 0 {
		t.Fatalf("CORS headers: %v", r.header)
	}
	if w := preflight(h, "http://evil.example"); w.Code != 403 || len(corsHeaders(w.Header())) != 0 {
		t.Fatalf("preflight: %d %v", w.Code, w.Header())
	}
}

// TestCORSAllowed: listed origins get what the browser SDK needs.
func TestCORSAllowed(t *testing.T) {
	h := corsHandler(&awsproto.CORS{AllowOrigins: []string{"http://localhost:3000", "https://app.example.com"}})
	for _, origin := range []string{"http://localhost:3000", "https://APP.example.com"} {
		w := preflight(h, origin)
		hdr := w.Header()
		if w.Code != 200 || w.Body.Len() != 0 || hdr.Get("Access-Control-Allow-Origin") != origin ||
			hdr.Get("Access-Control-Allow-Methods") != "POST" ||
			hdr.Get("Access-Control-Allow-Headers") != "amz-sdk-invocation-id,amz-sdk-request,authorization,content-type,x-amz-date,x-amz-target,x-amz-user-agent" ||
			hdr.Get("Access-Control-Max-Age") != "172800" ||
			strings.Join(hdr.Values("Vary"), ",") != "Origin,Access-Control-Request-Method,Access-Control-Request-Headers" {
			t.Fatalf("preflight from %s: %d %v", origin, w.Code, hdr)
		}
		r, _ := corsPost(t, h, origin)
		wantJSON(t, r, 200, `{"Name":"s"}`)
		if r.header.Get("Access-Control-Allow-Origin") != origin || r.header.Get("Vary") != "Origin" ||
			r.header.Get("Access-Control-Expose-Headers") != "x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,x-amz-request-id,x-amz-id-2,Date" {
			t.Fatalf("POST from %s: %v", origin, r.header)
		}
		// Errors are readable too.
		req := signedReq{op: "Nope", body: "{}"}.build(t)
		req.Header.Set("Origin", origin)
		r, _ = serve(h, req, "{}")
		if r.status != 400 || r.header.Get("Access-Control-Allow-Origin") != origin {
			t.Fatalf("error from %s: %d %v", origin, r.status, r.header)
		}
	}
	for _, origin := range []string{"http://localhost:3001", "http://app.example.com", "null"} {
		if w := preflight(h, origin); w.Code != 403 || len(corsHeaders(w.Header())) != 0 || w.Header().Get("Vary") != "Origin" {
			t.Fatalf("preflight from %s: %d %v", origin, w.Code, w.Header())
		}
		if r, read := corsPost(t, h, origin); r.status != 403 || read || len(corsHeaders(r.header)) != 0 {
			t.Fatalf("POST from %s: %d %v", origin, r.status, r.header)
		}
	}
	// A requested header list that is not one is not sent back.
	r := httptest.NewRequest("OPTIONS", "http://127.0.0.1:4567/", nil)
	r.Header.Set("Origin", "http://localhost:3000")
	r.Header.Set("Access-Control-Request-Method", "POST")
	r.Header.Set("Access-Control-Request-Headers", "x-amz-target\r\nSet-Cookie: a=b")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != 200 || w.Header().Get("Access-Control-Allow-Headers") != "" {
		t.Fatalf("odd request headers: %d %v", w.Code, w.Header())
	}
}

func TestCORSAnyOrigin(t *testing.T) {
	h := corsHandler(&awsproto.CORS{AllowOrigins: []string{"*"}})
	for _, origin := range []string{"http://a.example", "null"} {
		if w := preflight(h, origin); w.Code != 200 || w.Header().Get("Access-Control-Allow-Origin") != origin {
			t.Fatalf("preflight from %s: %d %v", origin, w.Code, w.Header())
		}
	}
}
