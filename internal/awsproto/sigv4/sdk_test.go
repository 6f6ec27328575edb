package sigv4

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"sluice/internal/awsproto/awserr"
)

// These tests sign requests with aws-sdk-go-v2's signer, send them through
// the HTTP/1.1 wire format (or a real server), and check that Verify
// accepts them and rejects them once changed.

const (
	testKeyID  = "AKIDSLUICETEST"
	testSecret = "sluice/Test+Secret=Key"
	testToken  = "FwoGZXIvYXdzEBAaDDummy//Session+Token=="
)

var signTime = time.Date(2013, 5, 24, 0, 0, 0, 0, time.UTC)

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// sdkCase is one request for the SDK's signer.
type sdkCase struct {
	name    string
	method  string
	url     string
	body    string
	headers http.Header // set before signing, so signed
	service string
	token   string
	payload string // payload hash given to the signer; "" = SHA-256 of body
}

var sdkCases = []sdkCase{
	{
		name: "kinesis PutRecord", method: "POST", url: "http://localhost:4567/",
		body: `{"StreamName":"s","Data":"aGk=","PartitionKey":"p"}`,
		headers: http.Header{
			"Content-Type": {"application/x-amz-json-1.1"},
			"X-Amz-Target": {"Kinesis_20131202.PutRecord"},
		},
	},
	{
		name: "session token", method: "POST", url: "http://localhost:4567/", body: `{}`, token: testToken,
		headers: http.Header{"Content-Type": {"application/x-amz-json-1.1"}, "X-Amz-Target": {"Kinesis_20131202.ListStreams"}},
	},
	{
		name: "cbor firehose", method: "POST", url: "https://firehose.us-east-1.amazonaws.com/", body: "\xbf\x61\x61\x01\xff",
		service: ServiceFirehose,
		headers: http.Header{"Content-Type": {"application/x-amz-cbor-1.1"}, "X-Amz-Target": {"Firehose_20150804.PutRecord"}},
	},
	{
		name: "odd header spacing", method: "POST", url: "http://127.0.0.1:4567/", body: `{}`,
		headers: http.Header{
			"X-Custom":     {"  a   b    c  "},
			"X-Tab":        {"a\tb  \t c"},
			"X-Repeated":   {"one", "  two  three ", "one"},
			"X-Empty":      {""},
			"Content-Type": {"application/x-amz-json-1.1 ;  charset=utf-8"},
		},
	},
	{
		name: "query with special characters", method: "GET",
		url: "http://localhost:4567/?b=2&a=1&a=0&x=a%2Fb&x=a-b&plus=%2B&space=a+b&pct=%25&amp=%26&eq=%3D" +
			"&utf=%C3%BC&raw=a:b@c!$'()*,;&k&e=&%E2%82%AC=euro&tilde=~&ARN=arn:aws:kinesis:us-east-1:123456789012:stream/s%201",
	},
	{
		name: "path with special characters", method: "POST", body: `{}`, service: ServiceKinesisVideo,
		url: "http://localhost:4567/a%20b/%C3%BC/c+d/x%2Fy/!$&'()*,;=:@/~-._",
	},
	{
		name: "path not normalised", method: "POST", body: `{}`, service: ServiceKinesisVideo,
		url: "http://localhost:4567/a/./b/../c//d/",
	},
	{
		name: "kinesisvideo REST", method: "POST", url: "http://localhost:4567/describeStream", service: ServiceKinesisVideo,
		body: `{"StreamName":"cam"}`, headers: http.Header{"Content-Type": {"application/json"}},
	},
	{
		name: "unsigned payload", method: "POST", url: "http://localhost:4567/putMedia", service: ServiceKinesisVideo,
		body: "\x1a\x45\xdf\xa3 mkv bytes", payload: unsignedPayload,
		headers: http.Header{"X-Amz-Content-Sha256": {unsignedPayload}, "X-Amzn-Stream-Name": {"cam"}},
	},
	{
		name: "content sha256 header", method: "POST", url: "http://localhost:4567/", body: `{"a":1}`,
		headers: http.Header{"X-Amz-Content-Sha256": {sha256Hex([]byte(`{"a":1}`))}},
	},
	{
		name: "empty GET", method: "GET", url: "http://localhost:4567/",
	},
	{
		name: "default port", method: "POST", url: "http://localhost:80/", body: "x",
	},
	{
		name: "large body", method: "POST", url: "http://localhost:4567/", body: strings.Repeat("0123456789", 100_000),
	},
}

func (c sdkCase) serviceName() string {
	if c.service == "" {
		return ServiceKinesis
	}
	return c.service
}

// newClientRequest builds the client-side request.
func (c sdkCase) newClientRequest(t testing.TB) *http.Request {
	t.Helper()
	var body io.Reader = http.NoBody
	if c.body != "" {
		body = strings.NewReader(c.body)
	}
	req, err := http.NewRequest(c.method, c.url, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range c.headers {
		req.Header[k] = append([]string(nil), v...)
	}
	return req
}

func (c sdkCase) payloadHash() string {
	if c.payload != "" {
		return c.payload
	}
	return sha256Hex([]byte(c.body))
}

// signSDK signs c with the SDK and returns the request as a Go server
// receives it, with its body.
func signSDK(t testing.TB, c sdkCase, at time.Time) (*http.Request, []byte) {
	t.Helper()
	req := c.newClientRequest(t)
	creds := aws.Credentials{AccessKeyID: testKeyID, SecretAccessKey: testSecret, SessionToken: c.token}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, c.payloadHash(), c.serviceName(), "us-east-1", at); err != nil {
		t.Fatal(err)
	}
	return overTheWire(t, req)
}

// presignSDK presigns c with the SDK (X-Amz-Expires = expires when > 0).
func presignSDK(t testing.TB, c sdkCase, at time.Time, expires time.Duration) (*http.Request, []byte) {
	t.Helper()
	req := c.newClientRequest(t)
	if expires > 0 {
		q := req.URL.Query()
		q.Set("X-Amz-Expires", strconv.Itoa(int(expires/time.Second)))
		req.URL.RawQuery = q.Encode()
	}
	creds := aws.Credentials{AccessKeyID: testKeyID, SecretAccessKey: testSecret, SessionToken: c.token}
	u, hdr, err := v4.NewSigner().PresignHTTP(context.Background(), creds, req, c.payloadHash(), c.serviceName(), "us-east-1", at)
	if err != nil {
		t.Fatal(err)
	}
	var body io.Reader = http.NoBody
	if c.body != "" {
		body = strings.NewReader(c.body)
	}
	out, err := http.NewRequest(c.method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		if k != "Host" {
			out.Header[k] = v
		}
	}
	for k, v := range c.headers {
		if _, signed := hdr[k]; !signed {
			out.Header[k] = v
		}
	}
	return overTheWire(t, out)
}

// pathAndQuery is what follows the authority in an absolute URL.
func pathAndQuery(u string) string {
	rest := u[strings.Index(u, "://")+len("://"):]
	return rest[strings.IndexByte(rest, '/'):]
}

// overTheWire writes a client request in HTTP/1.1 form and reads it back
// as a server request.
func overTheWire(t testing.TB, req *http.Request) (*http.Request, []byte) {
	t.Helper()
	var buf bytes.Buffer
	if err := req.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return readRequest(t, buf.Bytes())
}

func TestSDKHeaderSigning(t *testing.T) {
	for _, c := range sdkCases {
		t.Run(c.name, func(t *testing.T) {
			r, body := signSDK(t, c, signTime)
			s := mustParse(t, r)
			if s.Presigned || s.AccessKeyID != testKeyID || s.Region != "us-east-1" || s.Service != c.serviceName() ||
				s.Date != "20130524" || !s.Time.Equal(signTime) || s.SecurityToken != c.token {
				t.Fatalf("parsed %+v", s)
			}
			if err := s.Verify(r, body, testSecret, signTime.Add(time.Minute)); err != nil {
				t.Fatalf("Verify: %v", err)
			}
			checkMutations(t, c, s, r, body)
		})
	}
}

func TestSDKPresigning(t *testing.T) {
	cases := []sdkCase{
		{name: "GET", method: "GET", url: "http://localhost:4567/"},
		{name: "session token", method: "GET", url: "http://localhost:4567/", token: testToken},
		{name: "unsigned payload", method: "GET", url: "http://localhost:4567/", payload: unsignedPayload},
		{
			name: "kinesisvideo signaling connect", method: "GET", service: ServiceKinesisVideo,
			url: "http://localhost:4567/?X-Amz-ChannelARN=arn%3Aaws%3Akinesisvideo%3Aus-east-1%3A123456789012%3Achannel%2Fmy%20chan%2F1234&X-Amz-ClientId=viewer+1",
		},
		{name: "POST with body", method: "POST", url: "http://localhost:4567/x", body: `{"a":1}`},
		{
			name: "hoisted header", method: "GET", url: "http://localhost:4567/",
			headers: http.Header{"X-Amz-Meta-Note": {"hello  world"}, "X-Amz-Target": {"Kinesis_20131202.ListStreams"}},
		},
	}
	for _, c := range cases {
		for _, expires := range []time.Duration{0, 300 * time.Second, 3600 * time.Second} {
			t.Run(fmt.Sprintf("%s/expires=%v", c.name, expires), func(t *testing.T) {
				r, body := presignSDK(t, c, signTime, expires)
				s := mustParse(t, r)
				if !s.Presigned || s.HasExpires != (expires > 0) || s.Expires != expires || s.SecurityToken != c.token {
					t.Fatalf("parsed %+v", s)
				}
				if err := s.Verify(r, body, testSecret, signTime.Add(time.Minute)); err != nil {
					t.Fatalf("Verify: %v", err)
				}
				wantErr(t, s.Verify(r, body, testSecret+"x", signTime), awserr.InvalidSignatureException, msgMismatch)

				// A changed query parameter.
				r2, body2 := presignSDK(t, c, signTime, expires)
				r2.URL.RawQuery = strings.Replace(r2.URL.RawQuery, "X-Amz-Date=", "Extra=1&X-Amz-Date=", 1)
				wantErr(t, mustParse(t, r2).Verify(r2, body2, testSecret, signTime), awserr.InvalidSignatureException, msgMismatch)

				// Expiry.
				if expires > 0 {
					if err := s.Verify(r, body, testSecret, signTime.Add(expires)); err != nil {
						t.Fatalf("at the expiry: %v", err)
					}
					now := signTime.Add(expires + time.Second)
					wantErr(t, s.Verify(r, body, testSecret, now), awserr.InvalidSignatureException,
						fmt.Sprintf("Signature expired: 20130524T000000Z is now earlier than %s (%s - %d sec.)",
							now.Add(-expires).Format(isoBasic), now.Format(isoBasic), int(expires/time.Second)))
				} else {
					wantErr(t, s.Verify(r, body, testSecret, signTime.Add(20*time.Minute)), awserr.InvalidSignatureException,
						"Signature expired: 20130524T000000Z is now earlier than 20130524T001500Z (20130524T002000Z - 5 min.)")
				}
				wantErr(t, s.Verify(r, body, testSecret, signTime.Add(-6*time.Minute)), awserr.InvalidSignatureException,
					"Signature not yet current: 20130524T000000Z is still later than 20130523T235900Z (20130523T235400Z + 5 min.)")
			})
		}
	}
}

// checkMutations checks that a verified request is rejected, with the exact
// message, once its body, a header, the secret or the clock changes.
func checkMutations(t *testing.T, c sdkCase, s *Signature, r *http.Request, body []byte) {
	t.Helper()
	now := signTime.Add(time.Minute)

	wantErr(t, s.Verify(r, body, testSecret+"x", now), awserr.InvalidSignatureException, msgMismatch)

	if len(body) > 0 && c.payload != unsignedPayload {
		changed := append([]byte(nil), body...)
		changed[len(changed)/2] ^= 1
		wantErr(t, s.Verify(r, changed, testSecret, now), awserr.InvalidSignatureException, msgMismatch)
	}
	if c.payload == unsignedPayload {
		if err := s.Verify(r, []byte("another body"), testSecret, now); err != nil {
			t.Fatalf("UNSIGNED-PAYLOAD with another body: %v", err)
		}
	}

	for _, h := range s.SignedHeaders {
		if h == "host" || h == "content-length" {
			continue
		}
		r2, body2 := signSDK(t, c, signTime)
		key := http.CanonicalHeaderKey(h)
		r2.Header.Set(key, r2.Header.Get(key)+"x")
		wantErr(t, s.Verify(r2, body2, testSecret, now), awserr.InvalidSignatureException, msgMismatch)
	}
	r2, body2 := signSDK(t, c, signTime)
	r2.Host = "other.example"
	wantErr(t, s.Verify(r2, body2, testSecret, now), awserr.InvalidSignatureException, msgMismatch)
	r2.Host = r.Host
	r2.Method = "PUT"
	wantErr(t, s.Verify(r2, body2, testSecret, now), awserr.InvalidSignatureException, msgMismatch)

	// An unsigned header may be added or changed.
	r2.Method = r.Method
	r2.Header.Set("User-Agent", "something else")
	r2.Header.Set("X-Unsigned", "1")
	if err := s.Verify(r2, body2, testSecret, now); err != nil {
		t.Fatalf("unsigned header changed: %v", err)
	}

	wantErr(t, s.Verify(r, body, testSecret, signTime.Add(20*time.Minute)), awserr.InvalidSignatureException,
		"Signature expired: 20130524T000000Z is now earlier than 20130524T001500Z (20130524T002000Z - 5 min.)")
	wantErr(t, s.Verify(r, body, testSecret, signTime.Add(-10*time.Minute)), awserr.InvalidSignatureException,
		"Signature not yet current: 20130524T000000Z is still later than 20130523T235500Z (20130523T235000Z + 5 min.)")
	// The window is inclusive, and sub-second clock parts do not count.
	for _, d := range []time.Duration{5 * time.Minute, 5*time.Minute + 999*time.Millisecond, -5 * time.Minute} {
		if err := s.Verify(r, body, testSecret, signTime.Add(d)); err != nil {
			t.Fatalf("now = t%+v: %v", d, err)
		}
	}
}

// TestSDKThroughServers sends SDK-signed requests to real servers, over
// HTTP/1.1 and over HTTP/2 with TLS (where Host arrives as :authority).
func TestSDKThroughServers(t *testing.T) {
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		s, err := Parse(r)
		if err == nil {
			err = s.Verify(r, body, testSecret, signTime.Add(time.Minute))
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusForbidden)
			return
		}
		fmt.Fprintf(w, "ok %s", r.Proto)
	})
	h1 := httptest.NewServer(handler)
	defer h1.Close()
	h2 := httptest.NewUnstartedServer(handler)
	h2.EnableHTTP2 = true
	h2.StartTLS()
	defer h2.Close()

	for _, srv := range []*httptest.Server{h1, h2} {
		for _, c := range sdkCases {
			if c.name == "default port" {
				continue
			}
			t.Run(srv.URL+"/"+c.name, func(t *testing.T) {
				c.url = srv.URL + pathAndQuery(c.url)
				for _, presign := range []bool{false, true} {
					req := c.newClientRequest(t)
					creds := aws.Credentials{AccessKeyID: testKeyID, SecretAccessKey: testSecret, SessionToken: c.token}
					signer := v4.NewSigner()
					if presign {
						u, hdr, err := signer.PresignHTTP(context.Background(), creds, req, c.payloadHash(), c.serviceName(), "us-east-1", signTime)
						if err != nil {
							t.Fatal(err)
						}
						req = c.newClientRequest(t)
						if req.URL, err = url.Parse(u); err != nil {
							t.Fatal(err)
						}
						for k, v := range hdr {
							if k != "Host" {
								req.Header[k] = v
							}
						}
					} else if err := signer.SignHTTP(context.Background(), creds, req, c.payloadHash(), c.serviceName(), "us-east-1", signTime); err != nil {
						t.Fatal(err)
					}
					resp, err := srv.Client().Do(req)
					if err != nil {
						t.Fatal(err)
					}
					got, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					if resp.StatusCode != 200 {
						t.Fatalf("presign=%v: %s", presign, got)
					}
					if want := map[*httptest.Server]string{h1: "ok HTTP/1.1", h2: "ok HTTP/2.0"}[srv]; string(got) != want {
						t.Fatalf("got %q, want %q", got, want)
					}
				}
			})
		}
	}
}
