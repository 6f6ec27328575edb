package sigv4

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"sluice/internal/awsproto/awserr"
)

// Algorithm is the only signing algorithm accepted.
const Algorithm = "AWS4-HMAC-SHA256"

// Terminator ends every credential scope.
const Terminator = "aws4_request"

const (
	isoBasic  = "20060102T150405Z"
	dateStamp = "20060102"
)

// The query parameters of a presigned request.
const (
	qAlgorithm     = "X-Amz-Algorithm"
	qCredential    = "X-Amz-Credential"
	qSignature     = "X-Amz-Signature"
	qSignedHeaders = "X-Amz-SignedHeaders"
	qDate          = "X-Amz-Date"
	qExpires       = "X-Amz-Expires"
	qSecurityToken = "X-Amz-Security-Token"
	qContentSHA256 = "X-Amz-Content-Sha256"
)

// Signature is the authentication part of one request, as the client sent
// it. Parse fills it without checking anything that needs a clock, a key or
// the request body; CheckTime, CheckScope and VerifySignature (or Verify, or
// Keyring.Authenticate) do the rest.
type Signature struct {
	Algorithm   string // AWS4-HMAC-SHA256
	AccessKeyID string
	// The credential scope: Date/Region/Service/Terminator, as sent. Parse
	// only checks there are five slash-delimited elements; CheckScope checks
	// their values.
	Date       string // yyyymmdd
	Region     string
	Service    string
	Terminator string // aws4_request

	SignedHeaders []string // as sent, in the client's order
	Signature     string   // hex, as sent

	Time      time.Time // from X-Amz-Date (or Date), UTC
	Presigned bool      // query-string form
	// Expires is X-Amz-Expires of a presigned request; HasExpires tells
	// whether it was given at all. Without it the ±Skew window applies.
	Expires    time.Duration
	HasExpires bool

	// SecurityToken is X-Amz-Security-Token (header or query), for session
	// credentials. It is signed like any other header or parameter; under
	// --auth sigv4 package identity verifies it (Sluice's STS issued it).
	SecurityToken string

	// Credential is the whole credential as sent (AKID/date/region/service/term).
	Credential string

	signedHeaders string // the SignedHeaders value exactly as sent
	timestamp     string // Time in ISO 8601 basic format, for the string to sign
	payloadHash   string // X-Amz-Content-Sha256 given in a presigned query
}

// Scope returns the credential scope, date/region/service/terminator.
func (s *Signature) Scope() string {
	return s.Date + "/" + s.Region + "/" + s.Service + "/" + s.Terminator
}

// Parse reads the auth parts of r without checking the signature.
//
// Errors are *awserr.Error with the codes and wordings of AWS (see the
// package documentation for the list and the order of the checks).
func Parse(r *http.Request) (*Signature, error) {
	auth := r.Header.Get("Authorization")
	query := parseQuery(rawQuery(r))
	_, presigned := query.lookup(qAlgorithm)
	switch {
	case auth != "" && presigned:
		return nil, invalid(msgBoth)
	case auth == "" && !presigned:
		return nil, awserr.New(awserr.MissingAuthenticationTokenException, msgMissingToken)
	case auth != "":
		return parseHeader(r, auth)
	default:
		return parsePresigned(r, query)
	}
}

func parseHeader(r *http.Request, auth string) (*Signature, error) {
	alg, rest, _ := strings.Cut(strings.TrimSpace(auth), " ")
	params := make(map[string]string, 3)
	for _, pair := range strings.FieldsFunc(rest, isPairSep) {
		k, v, ok := strings.Cut(pair, "=")
		if !ok {
			return nil, incomplete(msgMissingEqual, pair, auth)
		}
		params[k] = v
	}

	var msg strings.Builder
	for _, p := range [...]string{"Credential", "Signature", "SignedHeaders"} {
		if params[p] == "" {
			fmt.Fprintf(&msg, msgHeaderRequires, p)
		}
	}
	date, fromDateHeader := r.Header.Get("X-Amz-Date"), false
	if date == "" {
		date, fromDateHeader = r.Header.Get("Date"), true
	}
	if date == "" {
		msg.WriteString(msgHeaderRequiresDate)
	}
	if msg.Len() > 0 {
		msg.WriteString(msgHeaderEcho)
		msg.WriteString(auth)
		return nil, incomplete("%s", msg.String())
	}

	t, ok := parseTime(date, fromDateHeader)
	if !ok {
		return nil, incomplete(msgDateFormat, date)
	}
	s := &Signature{
		Algorithm:     alg,
		Signature:     params["Signature"],
		Time:          t,
		timestamp:     t.Format(isoBasic),
		SecurityToken: r.Header.Get("X-Amz-Security-Token"),
	}
	if err := s.finish(r, params["Credential"], params["SignedHeaders"]); err != nil {
		return nil, err
	}
	return s, nil
}

func parsePresigned(r *http.Request, q query) (*Signature, error) {
	get := func(k string) string { v, _ := q.lookup(k); return v }
	var msg strings.Builder
	for _, p := range [...]string{qAlgorithm, qCredential, qSignature, qSignedHeaders, qDate} {
		if get(p) == "" {
			fmt.Fprintf(&msg, msgQueryMustInclude, p)
		}
	}
	if msg.Len() > 0 {
		msg.WriteString(msgQueryReexamine)
		return nil, incomplete("%s", msg.String())
	}

	date := get(qDate)
	t, ok := parseTime(date, false)
	if !ok {
		return nil, incomplete(msgDateFormat, date)
	}
	s := &Signature{
		Algorithm:   get(qAlgorithm),
		Signature:   get(qSignature),
		Time:        t,
		timestamp:   t.Format(isoBasic),
		Presigned:   true,
		payloadHash: get(qContentSHA256),
	}
	if v, ok := q.lookup(qExpires); ok {
		d, err := parseExpires(v)
		if err != nil {
			return nil, err
		}
		s.Expires, s.HasExpires = d, true
	}
	if s.SecurityToken = get(qSecurityToken); s.SecurityToken == "" {
		s.SecurityToken = r.Header.Get("X-Amz-Security-Token")
	}
	if err := s.finish(r, get(qCredential), get(qSignedHeaders)); err != nil {
		return nil, err
	}
	return s, nil
}

// finish runs the checks both forms share, in AWS's order: Host signed,
// (Sluice's) the headers that change the request signed, algorithm,
// credential shape.
func (s *Signature) finish(r *http.Request, credential, signedHeaders string) error {
	s.signedHeaders = signedHeaders
	s.SignedHeaders = strings.Split(signedHeaders, ";")
	hostSigned := false
	for _, h := range s.SignedHeaders {
		if strings.EqualFold(h, "host") || h == ":authority" {
			hostSigned = true
			break
		}
	}
	if !hostSigned {
		return invalid(msgHostNotSigned)
	}
	if err := s.checkCovered(r); err != nil {
		return err
	}
	if s.Algorithm != Algorithm {
		return incomplete(msgAlgorithm, s.Algorithm)
	}

	s.Credential = credential
	parts := strings.Split(credential, "/")
	// Trailing empty elements are dropped, as AWS does ("a/b/c/d/e//" has
	// five elements).
	for len(parts) > 0 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	if len(parts) != 5 {
		return incomplete(msgCredentialParts, credential)
	}
	s.AccessKeyID, s.Date, s.Region, s.Service, s.Terminator = parts[0], parts[1], parts[2], parts[3], parts[4]
	return nil
}

func isPairSep(c rune) bool { return c == ',' || c == ' ' || c == '\t' }

// parseTime reads X-Amz-Date (ISO 8601 basic format only) or, when the
// request has only a Date header, that header in ISO 8601 basic or HTTP
// date format.
func parseTime(v string, httpDate bool) (time.Time, bool) {
	if len(v) == len(isoBasic) {
		if t, err := time.Parse(isoBasic, v); err == nil {
			return t, true
		}
	}
	if httpDate {
		if t, err := http.ParseTime(v); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

func parseExpires(v string) (time.Duration, error) {
	n, err := strconv.ParseInt(v, 10, 64)
	switch {
	case errors.Is(err, strconv.ErrRange) && !strings.HasPrefix(v, "-"):
		return 0, incomplete(msgExpiresWeek)
	case err != nil && strings.HasPrefix(v, "-") && isDigits(v[1:]):
		return 0, incomplete(msgExpiresNegative)
	case err != nil:
		return 0, incomplete(msgExpiresNumber)
	case n < 0:
		return 0, incomplete(msgExpiresNegative)
	case n > int64(MaxExpires/time.Second):
		return 0, incomplete(msgExpiresWeek)
	}
	return time.Duration(n) * time.Second, nil
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
