package sigv4

import (
	"strings"
	"testing"
	"time"

	"sluice/internal/awsproto/awserr"
)

// TestHeadersThatMustBeSigned builds requests by hand whose signature
// leaves out a header that changes what the request does.
func TestHeadersThatMustBeSigned(t *testing.T) {
	header := func(signed string) string {
		return authz("AWS4-HMAC-SHA256 Credential=" + goodCred + ", SignedHeaders=" + signed + ", Signature=" + goodSig)
	}
	const target = "X-Amz-Target: Kinesis_20131202.DeleteStream"
	notSigned := func(names ...string) string {
		var s []string
		for _, n := range names {
			s = append(s, "'"+n+"' must be a 'SignedHeader' in the AWS Authorization.")
		}
		return strings.Join(s, " ")
	}
	tests := []struct {
		name string
		raw  []byte
		msg  string // "" = parses
	}{
		{"target signed", req("/", header("host;x-amz-date;x-amz-target"), amzDate, target), ""},
		{"names in any case", req("/", header("Host;X-AMZ-DATE;X-Amz-Target"), amzDate, target), ""},
		{"no target, nothing required", req("/", header("host;x-amz-date"), amzDate, "X-Custom: unsigned", "Content-Type: text/plain"), ""},
		{"target not signed", req("/", header("host;x-amz-date"), amzDate, target), notSigned("X-Amz-Target")},
		{"empty target not signed", req("/", header("host;x-amz-date"), amzDate, "X-Amz-Target:"), notSigned("X-Amz-Target")},
		{"date not signed", req("/", header("host;x-amz-target"), amzDate, target), notSigned("X-Amz-Date")},
		{"Date header need not be", req("/", header("host"), "Date: Fri, 24 May 2013 00:00:00 GMT"), ""},
		{"token not signed", req("/", header("host;x-amz-date"), amzDate, "X-Amz-Security-Token: tok"), notSigned("X-Amz-Security-Token")},
		{"payload hash not signed", req("/", header("host;x-amz-date"), amzDate, "X-Amz-Content-Sha256: UNSIGNED-PAYLOAD"),
			notSigned("X-Amz-Content-Sha256")},
		{"all four", req("/", header("host"), amzDate, target, "X-Amz-Security-Token: tok", "X-Amz-Content-Sha256: "+emptySHA256),
			notSigned("X-Amz-Target", "X-Amz-Date", "X-Amz-Security-Token", "X-Amz-Content-Sha256")},
		// The attack: a presigned URL for one operation, sent with
		// another operation's target header.
		{"presigned, target header added", req(goodQuery(""), target), notSigned("X-Amz-Target")},
		{"presigned, target signed", req(goodQuery("X-Amz-SignedHeaders", "X-Amz-SignedHeaders=host%3Bx-amz-target"), target), ""},
		{"presigned, target hoisted and repeated", req(goodQuery("", "X-Amz-Target=Kinesis_20131202.DeleteStream"), target), ""},
		{"presigned, hoisted target changed", req(goodQuery("", "X-Amz-Target=Kinesis_20131202.ListStreams"), target), notSigned("X-Amz-Target")},
		{"presigned, target repeated twice", req(goodQuery("", "X-Amz-Target=Kinesis_20131202.DeleteStream"), target, target),
			notSigned("X-Amz-Target")},
		{"presigned, date header is not read", req(goodQuery(""), amzDate), ""},
		{"presigned, token header", req(goodQuery(""), "X-Amz-Security-Token: tok"), notSigned("X-Amz-Security-Token")},
		{"presigned, token in the query", req(goodQuery("", "X-Amz-Security-Token=tok"), "X-Amz-Security-Token: tok"), ""},
		{"host first", req("/", header("x-amz-date"), amzDate, target), "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, _ := readRequest(t, tt.raw)
			_, err := Parse(r)
			if tt.msg == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantErr(t, err, awserr.InvalidSignatureException, tt.msg)
		})
	}
}

// TestSignedPayload checks the JSON and CBOR services' payload rule: the
// body's own hash, in both forms; UNSIGNED-PAYLOAD and the like refused
// before the body is read.
func TestSignedPayload(t *testing.T) {
	const body = `{"StreamName":"s"}`
	now := signTime.Add(time.Minute)
	hash := sha256Hex([]byte(body))
	headers := func(extra ...string) map[string][]string {
		h := map[string][]string{"X-Amz-Target": {"Kinesis_20131202.DeleteStream"}}
		for i := 0; i+1 < len(extra); i += 2 {
			h[extra[i]] = []string{extra[i+1]}
		}
		return h
	}
	tests := []struct {
		name    string
		c       sdkCase
		presign bool
		ok      bool // VerifyBodyHash accepts it
	}{
		{"body hash", sdkCase{method: "POST", url: "http://localhost:4567/", body: body, headers: headers()}, false, true},
		{"claimed body hash", sdkCase{method: "POST", url: "http://localhost:4567/", body: body,
			headers: headers("X-Amz-Content-Sha256", hash)}, false, true},
		{"claimed body hash, upper case", sdkCase{method: "POST", url: "http://localhost:4567/", body: body, payload: strings.ToUpper(hash),
			headers: headers("X-Amz-Content-Sha256", strings.ToUpper(hash))}, false, true},
		{"unsigned payload", sdkCase{method: "POST", url: "http://localhost:4567/", body: body, payload: unsignedPayload,
			headers: headers("X-Amz-Content-Sha256", unsignedPayload)}, false, false},
		{"streaming payload", sdkCase{method: "POST", url: "http://localhost:4567/", body: body, payload: "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
			headers: headers("X-Amz-Content-Sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD")}, false, false},
		{"presigned, body hash", sdkCase{method: "POST", url: "http://localhost:4567/", body: body, headers: headers()}, true, true},
		{"presigned, unsigned payload", sdkCase{method: "POST", url: "http://localhost:4567/", body: body, payload: unsignedPayload,
			headers: headers()}, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sign := func() (*Signature, []byte, error) {
				r, got := signSDK(t, tt.c, signTime)
				if tt.presign {
					r, got = presignSDK(t, tt.c, signTime, 0)
				}
				s := mustParse(t, r)
				if err := s.CheckSignedPayload(r); err != nil {
					return s, got, err
				}
				return s, got, s.VerifyBodyHash(r, sha256Hex(got), testSecret)
			}
			s, got, err := sign()
			if !tt.ok {
				wantErr(t, err, awserr.InvalidSignatureException, msgMismatch)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if err := s.CheckTime(now); err != nil {
				t.Fatal(err)
			}
			// The body swapped after signing.
			r, _ := signSDK(t, tt.c, signTime)
			if tt.presign {
				r, _ = presignSDK(t, tt.c, signTime, 0)
			}
			swapped := strings.Replace(string(got), `"s"`, `"t"`, 1)
			wantErr(t, mustParse(t, r).VerifyBodyHash(r, sha256Hex([]byte(swapped)), testSecret), awserr.InvalidSignatureException, msgMismatch)
		})
	}
}
