package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"sluice/internal/awsproto/awserr"
)

// The signing names of the services Sluice serves.
const (
	ServiceKinesis          = "kinesis"
	ServiceFirehose         = "firehose"
	ServiceKinesisAnalytics = "kinesisanalytics"
	ServiceKinesisVideo     = "kinesisvideo"
)

// Scope is what a server accepts in a credential scope.
type Scope struct {
	// Services are the accepted signing names. The first is the one named
	// in the error ("Credential should be scoped to correct service: 'x'.").
	Services []string
	// Regions are the accepted regions; empty accepts any well-formed region
	// name (lower-case letters, digits and '-').
	Regions []string
}

// DefaultScope accepts the four Sluice signing names in any region.
func DefaultScope() Scope {
	return Scope{Services: []string{ServiceKinesis, ServiceFirehose, ServiceKinesisAnalytics, ServiceKinesisVideo}}
}

// Verify checks the request time against now, the credential scope against
// DefaultScope, then recomputes the signature of r with secret (body is the
// full request body, already read) and compares in constant time. Callers
// that know which service a request is for use CheckScope with that service
// first, or Keyring.AuthenticateScope.
func (s *Signature) Verify(r *http.Request, body []byte, secret string, now time.Time) error {
	if err := s.CheckTime(now); err != nil {
		return err
	}
	if err := s.CheckScope(DefaultScope()); err != nil {
		return err
	}
	return s.VerifySignature(r, body, secret)
}

// CheckTime checks the request time t against now. t must be no later than
// now + Skew, and no earlier than now - Skew; for a presigned request with
// X-Amz-Expires, now must instead be no later than t + X-Amz-Expires.
// Fractions of a second of now are ignored.
func (s *Signature) CheckTime(now time.Time) error {
	now = now.UTC().Truncate(time.Second)
	t := s.Time
	if late := now.Add(Skew); t.After(late) {
		return invalid(msgNotYetCurrent, t.Format(isoBasic), late.Format(isoBasic), now.Format(isoBasic))
	}
	if s.Presigned && s.HasExpires {
		if now.After(t.Add(s.Expires)) {
			return invalid(msgPresignExpired, t.Format(isoBasic), now.Add(-s.Expires).Format(isoBasic),
				now.Format(isoBasic), int64(s.Expires/time.Second))
		}
		return nil
	}
	if early := now.Add(-Skew); t.Before(early) {
		return invalid(msgExpired, t.Format(isoBasic), early.Format(isoBasic), now.Format(isoBasic))
	}
	return nil
}

// CheckScope checks the credential scope: region, service, terminator and
// date (which must be the date of the request time). All that are wrong are
// reported in one InvalidSignatureException, in that order.
func (s *Signature) CheckScope(sc Scope) error {
	var wrong []string
	if !regionOK(s.Region, sc.Regions) {
		wrong = append(wrong, fmt.Sprintf(msgRegion, s.Region))
	}
	if !slices.Contains(sc.Services, s.Service) {
		want := ""
		if len(sc.Services) > 0 {
			want = sc.Services[0]
		}
		wrong = append(wrong, fmt.Sprintf(msgService, want))
	}
	if s.Terminator != Terminator {
		wrong = append(wrong, fmt.Sprintf(msgTerminator, s.Terminator))
	}
	if day := s.Time.Format(dateStamp); s.Date != day {
		wrong = append(wrong, fmt.Sprintf(msgScopeDate, s.Date, day, s.timestamp))
	}
	if len(wrong) > 0 {
		return invalid("%s", joinSentences(wrong))
	}
	return nil
}

func regionOK(region string, accepted []string) bool {
	if len(accepted) > 0 {
		return slices.Contains(accepted, region)
	}
	if region == "" {
		return false
	}
	for i := 0; i < len(region); i++ {
		c := region[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// VerifySignature recomputes the signature of r with secret and compares
// it, in constant time, with the one the client sent. It checks neither the
// time nor the scope. body is the full request body; it is not read when
// the client signed UNSIGNED-PAYLOAD or another non-hash payload value.
//
// A mismatch is an InvalidSignatureException whose Cause (for the log, never
// the client) holds the canonical request and string to sign computed (the
// first form tried; a session token in it is replaced by "<token>").
func (s *Signature) VerifySignature(r *http.Request, body []byte, secret string) error {
	payloads, ok := s.payloadHashes(r, body)
	if !ok {
		return notBodyHash(s.claimedPayload(r))
	}
	return s.verify(r, payloads, secret)
}

// CheckSignedPayload refuses a request whose X-Amz-Content-Sha256 (header,
// or query of a presigned request) is there but is not a hex SHA-256:
// UNSIGNED-PAYLOAD or S3's STREAMING-... leave the body out of the
// signature, so the body could be swapped after signing. Only S3-style
// services accept that; the other AWS services sign the body's own hash, so
// such a request fails there as a signature mismatch, and so it does here.
// It needs no body, so it runs before the body is read.
func (s *Signature) CheckSignedPayload(r *http.Request) error {
	if claimed := s.claimedPayload(r); claimed != "" && !isSHA256Hex(claimed) {
		return &awserr.Error{Code: awserr.InvalidSignatureException, Message: msgMismatch,
			Cause: fmt.Errorf("sigv4: X-Amz-Content-Sha256 %q: this service signs the body's SHA-256", claimed)}
	}
	return nil
}

// VerifyBodyHash is VerifySignature for the services whose bodies must be
// signed (every JSON and CBOR API), given the hex SHA-256 of the body as it
// was read, so that the body is hashed once, while it arrives. The payload
// line is that hash and nothing else: a claimed X-Amz-Content-Sha256 must
// be it, and UNSIGNED-PAYLOAD is refused in both forms (CheckSignedPayload).
func (s *Signature) VerifyBodyHash(r *http.Request, bodySHA256, secret string) error {
	if err := s.CheckSignedPayload(r); err != nil {
		return err
	}
	payload := bodySHA256
	if claimed := s.claimedPayload(r); claimed != "" {
		if !strings.EqualFold(claimed, bodySHA256) {
			return notBodyHash(claimed)
		}
		payload = claimed // signed as sent
	}
	return s.verify(r, []string{payload}, secret)
}

func notBodyHash(claimed string) error {
	return &awserr.Error{Code: awserr.InvalidSignatureException, Message: msgMismatch,
		Cause: fmt.Errorf("sigv4: X-Amz-Content-Sha256 %q is not the hash of the body", claimed)}
}

// verify recomputes the signature for each candidate form of the request
// (see Leniency in doc.go) and payload line, and compares in constant time.
func (s *Signature) verify(r *http.Request, payloads []string, secret string) error {
	got, err := hex.DecodeString(s.Signature)
	if err != nil || len(got) != sha256.Size {
		got = nil // compared anyway, so that a malformed signature costs the same
	}

	key := signingKey(secret, s.Date, s.Region, s.Service, s.Terminator)
	paths := canonicalURIs(rawPath(r))
	queries := canonicalQueries(rawQuery(r), s.Presigned)
	headers := canonicalHeaders(r, s.SignedHeaders)

	var first, firstSTS string
	match := false
	for _, path := range paths {
		for _, q := range queries {
			for _, hdrs := range headers {
				for _, payload := range payloads {
					creq := r.Method + "\n" + path + "\n" + q + "\n" + hdrs + "\n" + s.signedHeaders + "\n" + payload
					sts := s.stringToSign(creq)
					if first == "" {
						first, firstSTS = creq, sts
					}
					if hmac.Equal(hmacSHA256(key, sts), got) {
						match = true
					}
				}
			}
		}
	}
	if match {
		return nil
	}
	if s.SecurityToken != "" {
		// The log need not hold a session token.
		first = strings.NewReplacer(s.SecurityToken, "<token>", uriEncode(s.SecurityToken, true), "<token>").Replace(first)
	}
	return &awserr.Error{Code: awserr.InvalidSignatureException, Message: msgMismatch,
		Cause: fmt.Errorf("sigv4: signature mismatch; canonical request:\n%s\nstring to sign:\n%s", first, firstSTS)}
}

// stringToSign is the algorithm, the request time, the credential scope and
// the hex SHA-256 of the canonical request, one to a line.
func (s *Signature) stringToSign(canonicalRequest string) string {
	sum := sha256.Sum256([]byte(canonicalRequest))
	return Algorithm + "\n" + s.timestamp + "\n" + s.Scope() + "\n" + hex.EncodeToString(sum[:])
}

// signingKey derives the key of one day, region and service from the
// secret: HMAC("AWS4"+secret, date), then region, service, terminator.
func signingKey(secret, date, region, service, terminator string) []byte {
	k := hmacSHA256([]byte("AWS4"+secret), date)
	k = hmacSHA256(k, region)
	k = hmacSHA256(k, service)
	return hmacSHA256(k, terminator)
}

func hmacSHA256(key []byte, data string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(data))
	return h.Sum(nil)
}
