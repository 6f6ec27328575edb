package awsproto_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"sluice/internal/awsproto"
	"sluice/internal/awsproto/shape"
	"sluice/internal/awsproto/sigv4"
)

// authFixture is a handler with a Describe and a Delete operation, the
// pair of the attack, counting Delete's calls.
type authFixture struct {
	h       http.Handler
	deletes atomic.Int64
}

const (
	fixtureKey    = "AKIDAUTHTEST"
	fixtureSecret = "auth/test+secret"
	unsigned      = "UNSIGNED-PAYLOAD"
)

func newAuthFixture(t *testing.T, mode string) *authFixture {
	t.Helper()
	f := &authFixture{}
	describe := awsproto.Op("Describe", shape.Struct(shape.Req("Name", shape.Str())), func(ctx context.Context, in *struct{ Name string }) (*struct{ Name string }, error) {
		return &struct{ Name string }{in.Name}, nil
	})
	del := awsproto.Op("Delete", shape.Struct(shape.Req("Name", shape.Str())), func(ctx context.Context, in *struct{ Name string }) (*struct{}, error) {
		f.deletes.Add(1)
		return nil, nil
	})
	var auth awsproto.Authenticator = &awsproto.OpenAuth{AccountID: "000000000000"}
	if mode == "sigv4" {
		keys, err := sigv4.ParseKeyring(strings.NewReader(`{"keys":[{"accessKeyId":"` + fixtureKey + `","secretAccessKey":"` + fixtureSecret + `","accountId":"123456789012"}]}`))
		if err != nil {
			t.Fatal(err)
		}
		auth = &awsproto.KeyringAuth{Keys: keys, Now: time.Now}
	}
	f.h = awsproto.NewHandler(awsproto.HandlerOptions{Auth: auth}, awsproto.NewService("Test_20200101", "kinesis", describe, del))
	return f
}

// spyBody records whether the handler read the body at all.
type spyBody struct {
	r    io.Reader
	read atomic.Bool
}

func (b *spyBody) Read(p []byte) (int, error) { b.read.Store(true); return b.r.Read(p) }
func (b *spyBody) Close() error               { return nil }

// signedReq is a request as a client builds it: op in X-Amz-Target, body,
// signed over payload (the body's hash unless given) with secret.
type signedReq struct {
	op, body, payload, secret, service string
	presign, chunked                   bool
	at                                 time.Time
}

func (s signedReq) build(t *testing.T) *http.Request {
	t.Helper()
	r := httptest.NewRequest("POST", "http://127.0.0.1:4567/", strings.NewReader(s.body))
	if s.chunked {
		r.ContentLength = -1 // so the signer leaves Content-Length out
	}
	r.Header.Set("Content-Type", "application/x-amz-json-1.1")
	if s.op != "" {
		r.Header.Set("X-Amz-Target", "Test_20200101."+s.op)
	}
	payload := s.payload
	if payload == "" {
		sum := sha256.Sum256([]byte(s.body))
		payload = hex.EncodeToString(sum[:])
	} else {
		r.Header.Set("X-Amz-Content-Sha256", payload)
	}
	secret, service, at := s.secret, s.service, s.at
	if secret == "" {
		secret = fixtureSecret
	}
	if service == "" {
		service = "kinesis"
	}
	if at.IsZero() {
		at = time.Now()
	}
	creds := aws.Credentials{AccessKeyID: fixtureKey, SecretAccessKey: secret}
	if !s.presign {
		if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, payload, service, "us-east-1", at); err != nil {
			t.Fatal(err)
		}
		return r
	}
	u, hdr, err := v4.NewSigner().PresignHTTP(context.Background(), creds, r, payload, service, "us-east-1", at)
	if err != nil {
		t.Fatal(err)
	}
	out := httptest.NewRequest("POST", u, strings.NewReader(s.body))
	for k, v := range hdr {
		if k != "Host" {
			out.Header[k] = v
		}
	}
	return out
}

// serve sends r with a spying body and returns the answer and whether the
// body was read.
func serve(h http.Handler, r *http.Request, body string) (response, bool) {
	spy := &spyBody{r: strings.NewReader(body)}
	r.Body, r.ContentLength = spy, int64(len(body))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	b, _ := io.ReadAll(w.Result().Body)
	return response{status: w.Code, header: w.Result().Header, body: b}, spy.read.Load()
}

const notSignedTarget = `{"__type":"InvalidSignatureException","message":"'X-Amz-Target' must be a 'SignedHeader' in the AWS Authorization."}`
const mismatch = `{"__type":"InvalidSignatureException","message":"The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."}`

// TestSignatureCoversTheRequest: signatures built by hand that leave out
// the operation or the body are refused, in both auth modes, and before
// the body is read where the headers suffice.
func TestSignatureCoversTheRequest(t *testing.T) {
	const body = `{"Name":"s"}`
	for _, mode := range []string{"open", "sigv4"} {
		t.Run(mode, func(t *testing.T) {
			f := newAuthFixture(t, mode)

			r, read := serve(f.h, signedReq{op: "Describe", body: body}.build(t), body)
			wantJSON(t, r, 200, `{"Name":"s"}`)
			if !read {
				t.Fatal("an accepted body was not read")
			}

			// X-Amz-Target added after signing: the attack, header
			// form. Refused before the body is read.
			req := signedReq{body: body}.build(t)
			req.Header.Set("X-Amz-Target", "Test_20200101.Delete")
			r, read = serve(f.h, req, body)
			wantJSON(t, r, 400, notSignedTarget)
			if read || f.deletes.Load() != 0 {
				t.Fatalf("read %v, deletes %d", read, f.deletes.Load())
			}

			// A presigned Describe URL sent with Delete's target (the
			// issue's report); the target the presigner hoisted into the
			// query, repeated as a header, is fine.
			req = signedReq{op: "Describe", body: body, presign: true}.build(t)
			req.Header.Set("X-Amz-Target", "Test_20200101.Delete")
			r, read = serve(f.h, req, body)
			wantJSON(t, r, 400, notSignedTarget)
			if read || f.deletes.Load() != 0 {
				t.Fatalf("presigned: read %v, deletes %d", read, f.deletes.Load())
			}
			req = signedReq{op: "Describe", body: body, presign: true}.build(t)
			if !strings.Contains(req.URL.RawQuery, "X-Amz-Target=Test_20200101.Describe") {
				t.Fatalf("the presigner did not hoist the target: %s", req.URL.RawQuery)
			}
			req.Header.Set("X-Amz-Target", "Test_20200101.Describe")
			r, _ = serve(f.h, req, body)
			wantJSON(t, r, 200, `{"Name":"s"}`)

			// UNSIGNED-PAYLOAD leaves the body out of the signature:
			// refused, header form and presigned, before the body is read.
			r, read = serve(f.h, signedReq{op: "Describe", body: body, payload: unsigned}.build(t), body)
			wantJSON(t, r, 400, mismatch)
			if read {
				t.Fatal("UNSIGNED-PAYLOAD: body read")
			}
			req = signedReq{op: "Describe", body: body, presign: true}.build(t)
			req.URL.RawQuery += "&X-Amz-Content-Sha256=" + unsigned
			req.Header.Set("X-Amz-Target", "Test_20200101.Describe")
			r, read = serve(f.h, req, body)
			wantJSON(t, r, 400, mismatch)
			if read {
				t.Fatal("presigned UNSIGNED-PAYLOAD: body read")
			}
			r, _ = serve(f.h, signedReq{op: "Describe", body: body, payload: "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"}.build(t), body)
			wantJSON(t, r, 400, mismatch)

			// Scoped to another service: refused before the body is read.
			r, read = serve(f.h, signedReq{op: "Describe", body: body, service: "firehose"}.build(t), body)
			wantJSON(t, r, 400, `{"__type":"InvalidSignatureException","message":"Credential should be scoped to correct service: 'kinesis'."}`)
			if read {
				t.Fatal("wrong scope: body read")
			}

			// The body swapped after signing (same length). Open mode
			// verifies no signature, so only sigv4 can see it.
			swapped := `{"Name":"t"}`
			r, read = serve(f.h, signedReq{op: "Describe", body: body}.build(t), swapped)
			if mode == "sigv4" {
				wantJSON(t, r, 400, mismatch)
			} else {
				wantJSON(t, r, 200, `{"Name":"t"}`)
			}
			if !read {
				t.Fatal("the signature over the body was checked without reading it")
			}
		})
	}
}

// TestRefusedBeforeTheBody: in sigv4 mode every check the headers allow
// (time, scope, key) comes before a byte of the body is read, and an
// answer that leaves a large body unread closes the connection.
func TestRefusedBeforeTheBody(t *testing.T) {
	f := newAuthFixture(t, "sigv4")
	large := `{"Name":"` + strings.Repeat("x", 1<<20) + `"}`
	cases := []struct {
		name string
		req  *http.Request
		want string
	}{
		{"unsigned", func() *http.Request {
			r := httptest.NewRequest("POST", "http://127.0.0.1:4567/", nil)
			r.Header.Set("Content-Type", "application/x-amz-json-1.1")
			r.Header.Set("X-Amz-Target", "Test_20200101.Describe")
			return r
		}(), `{"__type":"MissingAuthenticationTokenException","message":"Missing Authentication Token"}`},
		{"expired", signedReq{op: "Describe", body: large, at: time.Now().Add(-time.Hour)}.build(t), "Signature expired"},
		{"unknown key", func() *http.Request {
			r := signedReq{op: "Describe", body: large}.build(t)
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), fixtureKey, "AKIDNOBODY", 1))
			return r
		}(), `{"__type":"UnrecognizedClientException","message":"The security token included in the request is invalid."}`},
		{"unknown operation", signedReq{op: "Nope", body: large}.build(t), `{"__type":"UnknownOperationException"}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, read := serve(f.h, tc.req, large)
			if r.status != 400 || !strings.Contains(string(r.body), tc.want) {
				t.Fatalf("got %d %s, want %s", r.status, r.body, tc.want)
			}
			if read {
				t.Fatal("the body was read")
			}
			if r.header.Get("Connection") != "close" {
				t.Fatalf("a 1 MiB unread body left the connection open: %v", r.header)
			}
		})
	}
	// The right key with the wrong secret can only be told from the body's
	// signature: the body is read (within the budget), then refused.
	r, read := serve(f.h, signedReq{op: "Describe", body: large, secret: "wrong"}.build(t), large)
	wantJSON(t, r, 400, mismatch)
	if !read {
		t.Fatal("wrong secret: body not read")
	}
	// HTTP/2 resets the stream itself; closing would cut the connection's
	// other streams.
	h2 := signedReq{op: "Nope", body: large}.build(t)
	h2.ProtoMajor, h2.ProtoMinor, h2.Proto = 2, 0, "HTTP/2.0"
	if r, read := serve(f.h, h2, large); r.status != 400 || read || r.header.Get("Connection") != "" {
		t.Fatalf("HTTP/2: %d read=%v Connection %q", r.status, read, r.header.Get("Connection"))
	}
	// A small unread body is left for Go to drain, keeping the connection.
	r, _ = serve(f.h, signedReq{op: "Nope", body: "{}"}.build(t), "{}")
	if r.header.Get("Connection") != "" {
		t.Fatalf("small body: Connection %q", r.header.Get("Connection"))
	}
}

// TestChunkedBodyIsHashed: a body without Content-Length is read, hashed
// and verified like any other.
func TestChunkedBodyIsHashed(t *testing.T) {
	f := newAuthFixture(t, "sigv4")
	body := `{"Name":"` + strings.Repeat("y", 700<<10) + `"}`
	for _, b := range []string{body, body[:len(body)-3] + `z"}`} {
		req := signedReq{op: "Describe", body: body, chunked: true}.build(t)
		req.Body, req.ContentLength = io.NopCloser(strings.NewReader(b)), -1
		w := httptest.NewRecorder()
		f.h.ServeHTTP(w, req)
		if b == body && (w.Code != 200 || !bytes.Contains(w.Body.Bytes(), []byte("yyy"))) {
			t.Fatalf("chunked body: %d %.200s", w.Code, w.Body.Bytes())
		}
		if b != body && w.Body.String() != mismatch {
			t.Fatalf("changed chunked body: %d %s", w.Code, w.Body.Bytes())
		}
	}
}
