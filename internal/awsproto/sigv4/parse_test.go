package sigv4

import (
	"strings"
	"testing"
	"time"

	"sluice/internal/awsproto/awserr"
)

// req builds a raw request: the request target, then header lines.
func req(target string, headers ...string) []byte {
	return []byte("POST " + target + " HTTP/1.1\r\nHost: localhost:4567\r\n" + strings.Join(append(headers, ""), "\r\n") + "\r\n")
}

const (
	goodCred = "AKID/20130524/us-east-1/kinesis/aws4_request"
	goodSig  = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	amzDate  = "X-Amz-Date: 20130524T000000Z"
)

func authz(parts string) string { return "Authorization: " + parts }

func goodQuery(drop string, extra ...string) string {
	params := []string{
		"X-Amz-Algorithm=AWS4-HMAC-SHA256",
		"X-Amz-Credential=AKID%2F20130524%2Fus-east-1%2Fkinesis%2Faws4_request",
		"X-Amz-Signature=" + goodSig,
		"X-Amz-SignedHeaders=host",
		"X-Amz-Date=20130524T000000Z",
	}
	var out []string
	for _, p := range params {
		if !strings.HasPrefix(p, drop+"=") || drop == "" {
			out = append(out, p)
		}
	}
	return "/?" + strings.Join(append(out, extra...), "&")
}

func TestParseErrors(t *testing.T) {
	const all = "AWS4-HMAC-SHA256 Credential=" + goodCred + ", SignedHeaders=host;x-amz-date, Signature=" + goodSig
	tests := []struct {
		name string
		raw  []byte
		code awserr.Code
		msg  string
	}{
		{"both", req(goodQuery(""), authz(all), amzDate), awserr.InvalidSignatureException,
			"Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header."},
		{"both, empty algorithm parameter", req("/?X-Amz-Algorithm", authz(all), amzDate), awserr.InvalidSignatureException,
			"Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header."},
		{"neither", req("/", amzDate), awserr.MissingAuthenticationTokenException, "Missing Authentication Token"},
		{"empty Authorization", req("/", "Authorization:", amzDate), awserr.MissingAuthenticationTokenException, "Missing Authentication Token"},
		{"other query only", req("/?X-Amz-Credential=a", amzDate), awserr.MissingAuthenticationTokenException, "Missing Authentication Token"},

		{"header: algorithm only, no date", req("/", authz("AWS4-HMAC-SHA256")), awserr.IncompleteSignatureException,
			"Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. " +
				"Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a " +
				"'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256"},
		{"header: credential only", req("/", authz("AWS4-HMAC-SHA256 Credential="+goodCred), amzDate), awserr.IncompleteSignatureException,
			"Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. " +
				"Authorization=AWS4-HMAC-SHA256 Credential=" + goodCred},
		{"header: empty values count as missing", req("/", authz("AWS4-HMAC-SHA256 Credential=, Signature=, SignedHeaders=host"), amzDate),
			awserr.IncompleteSignatureException,
			"Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. " +
				"Authorization=AWS4-HMAC-SHA256 Credential=, Signature=, SignedHeaders=host"},
		{"header: no date", req("/", authz(all)), awserr.IncompleteSignatureException,
			"Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=" + all},
		{"header: pair without =", req("/", authz("AWS4-HMAC-SHA256 Credential="+goodCred+", Signature"), amzDate),
			awserr.IncompleteSignatureException,
			"'Signature' not a valid key=value pair (missing equal-sign) in Authorization header: 'AWS4-HMAC-SHA256 Credential=" + goodCred + ", Signature'."},
		{"header: bearer token", req("/", authz("Bearer abc.def"), amzDate), awserr.IncompleteSignatureException,
			"'abc.def' not a valid key=value pair (missing equal-sign) in Authorization header: 'Bearer abc.def'."},
		{"header: bad X-Amz-Date", req("/", authz(all), "X-Amz-Date: 2013-05-24T00:00:00Z"), awserr.IncompleteSignatureException,
			"Date must be in ISO-8601 'basic format'. Got '2013-05-24T00:00:00Z'. See http://en.wikipedia.org/wiki/ISO_8601"},
		{"header: impossible X-Amz-Date", req("/", authz(all), "X-Amz-Date: 20130532T000000Z"), awserr.IncompleteSignatureException,
			"Date must be in ISO-8601 'basic format'. Got '20130532T000000Z'. See http://en.wikipedia.org/wiki/ISO_8601"},
		{"header: bad Date", req("/", authz(all), "Date: yesterday"), awserr.IncompleteSignatureException,
			"Date must be in ISO-8601 'basic format'. Got 'yesterday'. See http://en.wikipedia.org/wiki/ISO_8601"},
		{"header: host not signed", req("/", authz("AWS4-HMAC-SHA256 Credential="+goodCred+", SignedHeaders=x-amz-date, Signature=s"), amzDate),
			awserr.InvalidSignatureException, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."},
		{"header: algorithm", req("/", authz("AWS4-HMAC-SHA512 Credential="+goodCred+", SignedHeaders=host;x-amz-date, Signature=s"), amzDate),
			awserr.IncompleteSignatureException, "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512' (only AWS4-HMAC-SHA256 for now). "},
		{"header: credential with 4 elements", req("/", authz("AWS4-HMAC-SHA256 Credential=AKID/20130524/us-east-1/kinesis, SignedHeaders=host;x-amz-date, Signature=s"), amzDate),
			awserr.IncompleteSignatureException,
			"Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'AKID/20130524/us-east-1/kinesis'"},
		{"header: slash in key ID", req("/", authz("AWS4-HMAC-SHA256 Credential=AK/ID/20130524/us-east-1/kinesis/aws4_request, SignedHeaders=host;x-amz-date, Signature=s"), amzDate),
			awserr.IncompleteSignatureException,
			"Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'AK/ID/20130524/us-east-1/kinesis/aws4_request'"},

		{"query: algorithm only", req("/?X-Amz-Algorithm=AWS4-HMAC-SHA256"), awserr.IncompleteSignatureException,
			"AWS query-string parameters must include 'X-Amz-Credential'. AWS query-string parameters must include 'X-Amz-Signature'. " +
				"AWS query-string parameters must include 'X-Amz-SignedHeaders'. AWS query-string parameters must include 'X-Amz-Date'. " +
				"Re-examine the query-string parameters."},
		{"query: empty algorithm", req(goodQuery("X-Amz-Algorithm", "X-Amz-Algorithm=")), awserr.IncompleteSignatureException,
			"AWS query-string parameters must include 'X-Amz-Algorithm'. Re-examine the query-string parameters."},
		{"query: no date", req(goodQuery("X-Amz-Date")), awserr.IncompleteSignatureException,
			"AWS query-string parameters must include 'X-Amz-Date'. Re-examine the query-string parameters."},
		{"query: bad date", req(goodQuery("X-Amz-Date", "X-Amz-Date=20130524")), awserr.IncompleteSignatureException,
			"Date must be in ISO-8601 'basic format'. Got '20130524'. See http://en.wikipedia.org/wiki/ISO_8601"},
		{"query: expires not a number", req(goodQuery("", "X-Amz-Expires=ten")), awserr.IncompleteSignatureException,
			"X-Amz-Expires should be a number"},
		{"query: expires empty", req(goodQuery("", "X-Amz-Expires=")), awserr.IncompleteSignatureException,
			"X-Amz-Expires should be a number"},
		{"query: expires negative", req(goodQuery("", "X-Amz-Expires=-1")), awserr.IncompleteSignatureException,
			"X-Amz-Expires must be non-negative"},
		{"query: expires hugely negative", req(goodQuery("", "X-Amz-Expires=-99999999999999999999999")), awserr.IncompleteSignatureException,
			"X-Amz-Expires must be non-negative"},
		{"query: expires over a week", req(goodQuery("", "X-Amz-Expires=604801")), awserr.IncompleteSignatureException,
			"X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds"},
		{"query: expires overflows", req(goodQuery("", "X-Amz-Expires=99999999999999999999999")), awserr.IncompleteSignatureException,
			"X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds"},
		{"query: host not signed", req(goodQuery("X-Amz-SignedHeaders", "X-Amz-SignedHeaders=x-amz-date")), awserr.InvalidSignatureException,
			"'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."},
		{"query: algorithm", req(goodQuery("X-Amz-Algorithm", "X-Amz-Algorithm=AWS4-ECDSA-P256-SHA256")), awserr.IncompleteSignatureException,
			"Unsupported AWS 'algorithm': 'AWS4-ECDSA-P256-SHA256' (only AWS4-HMAC-SHA256 for now). "},
		{"query: credential", req(goodQuery("X-Amz-Credential", "X-Amz-Credential=AKID")), awserr.IncompleteSignatureException,
			"Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'AKID'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, _ := readRequest(t, tt.raw)
			s, err := Parse(r)
			if s != nil {
				t.Errorf("Parse returned a signature with an error")
			}
			wantErr(t, err, tt.code, tt.msg)
		})
	}
}

func TestParseHeaderForm(t *testing.T) {
	r, _ := readRequest(t, req("/",
		authz("AWS4-HMAC-SHA256   Credential=AKID/20130524/us-east-1/kinesis/aws4_request//,SignedHeaders=HOST;x-amz-date;X-Amz-Security-Token ,  Signature="+goodSig),
		"Date: Fri, 24 May 2013 00:00:00 GMT",
		"X-Amz-Security-Token: tok"))
	s := mustParse(t, r)
	want := Signature{
		Algorithm: Algorithm, AccessKeyID: "AKID", Date: "20130524", Region: "us-east-1", Service: "kinesis",
		Terminator: "aws4_request", SignedHeaders: []string{"HOST", "x-amz-date", "X-Amz-Security-Token"}, Signature: goodSig,
		Time: time.Date(2013, 5, 24, 0, 0, 0, 0, time.UTC), SecurityToken: "tok",
		Credential: "AKID/20130524/us-east-1/kinesis/aws4_request//",
	}
	checkSignature(t, s, want)
	if s.timestamp != "20130524T000000Z" || s.Scope() != "20130524/us-east-1/kinesis/aws4_request" {
		t.Errorf("timestamp %q scope %q", s.timestamp, s.Scope())
	}
}

func TestParseQueryForm(t *testing.T) {
	r, _ := readRequest(t, req(goodQuery("", "X-Amz-Expires=300", "X-Amz-Security-Token=a%2Bb%2Fc", "Action=Connect")))
	s := mustParse(t, r)
	checkSignature(t, s, Signature{
		Algorithm: Algorithm, AccessKeyID: "AKID", Date: "20130524", Region: "us-east-1", Service: "kinesis",
		Terminator: "aws4_request", SignedHeaders: []string{"host"}, Signature: goodSig,
		Time: time.Date(2013, 5, 24, 0, 0, 0, 0, time.UTC), Presigned: true, Expires: 300 * time.Second,
		HasExpires: true, SecurityToken: "a+b/c", Credential: goodCred,
	})
}

func checkSignature(t *testing.T, got *Signature, want Signature) {
	t.Helper()
	if got.Algorithm != want.Algorithm || got.AccessKeyID != want.AccessKeyID || got.Date != want.Date ||
		got.Region != want.Region || got.Service != want.Service || got.Terminator != want.Terminator ||
		strings.Join(got.SignedHeaders, ";") != strings.Join(want.SignedHeaders, ";") || got.Signature != want.Signature ||
		!got.Time.Equal(want.Time) || got.Presigned != want.Presigned || got.Expires != want.Expires ||
		got.HasExpires != want.HasExpires || got.SecurityToken != want.SecurityToken || got.Credential != want.Credential {
		t.Errorf("got  %+v\nwant %+v", *got, want)
	}
}

func TestCheckScope(t *testing.T) {
	parse := func(cred string) *Signature {
		r, _ := readRequest(t, req("/", authz("AWS4-HMAC-SHA256 Credential="+cred+", SignedHeaders=host;x-amz-date, Signature=s"), amzDate))
		return mustParse(t, r)
	}
	tests := []struct {
		cred  string
		scope Scope
		msg   string // "" = accepted
	}{
		{goodCred, DefaultScope(), ""},
		{"AKID/20130524/eu-west-3/firehose/aws4_request", DefaultScope(), ""},
		{"AKID/20130524/local/kinesisanalytics/aws4_request", DefaultScope(), ""},
		{"AKID/20130524/us-east-1/kinesisvideo/aws4_request", DefaultScope(), ""},
		{"AKID/20130523/C_1/d/e", DefaultScope(),
			"Credential should be scoped to a valid region, not 'C_1'. Credential should be scoped to correct service: 'kinesis'. " +
				"Credential should be scoped with a valid terminator: 'aws4_request', not 'e'. Date in Credential scope does not " +
				"match YYYYMMDD from ISO-8601 version of date from HTTP: '20130523' != '20130524', from '20130524T000000Z'."},
		{"AKID/20130524/US-EAST-1/kinesis/aws4_request", DefaultScope(), "Credential should be scoped to a valid region, not 'US-EAST-1'."},
		{"AKID/20130524//kinesis/aws4_request", DefaultScope(), "Credential should be scoped to a valid region, not ''."},
		{"AKID/20130524/us-east-1/s3/aws4_request", DefaultScope(), "Credential should be scoped to correct service: 'kinesis'."},
		{"AKID/20130524/us-east-1/Kinesis/aws4_request", DefaultScope(), "Credential should be scoped to correct service: 'kinesis'."},
		{goodCred, Scope{Services: []string{ServiceFirehose}}, "Credential should be scoped to correct service: 'firehose'."},
		{goodCred, Scope{Services: []string{ServiceKinesis}, Regions: []string{"eu-west-1"}},
			"Credential should be scoped to a valid region, not 'us-east-1'."},
		{"AKID/20130524/us-east-1/kinesis/aws5_request", DefaultScope(),
			"Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'."},
		{"AKID/2013-05-24/us-east-1/kinesis/aws4_request", DefaultScope(),
			"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '2013-05-24' != '20130524', from '20130524T000000Z'."},
	}
	for _, tt := range tests {
		err := parse(tt.cred).CheckScope(tt.scope)
		if tt.msg == "" {
			if err != nil {
				t.Errorf("%s: %v", tt.cred, err)
			}
			continue
		}
		wantErr(t, err, awserr.InvalidSignatureException, tt.msg)
	}
}

// TestVerifyOrder checks that the cheaper, AWS-first checks win when a
// request has several faults.
func TestVerifyOrder(t *testing.T) {
	r, body := signSDK(t, sdkCases[0], signTime)
	s := mustParse(t, r)
	s.Region = "Bad"
	wantErr(t, s.Verify(r, body, "wrong", signTime.Add(time.Hour)), awserr.InvalidSignatureException,
		"Signature expired: 20130524T000000Z is now earlier than 20130524T005500Z (20130524T010000Z - 5 min.)")
	wantErr(t, s.Verify(r, body, "wrong", signTime), awserr.InvalidSignatureException,
		"Credential should be scoped to a valid region, not 'Bad'.")
}

func TestContentSHA256Mismatch(t *testing.T) {
	c := sdkCase{name: "claimed hash", method: "POST", url: "http://localhost/", body: "abc",
		headers: map[string][]string{"X-Amz-Content-Sha256": {sha256Hex([]byte("abc"))}}}
	r, body := signSDK(t, c, signTime)
	s := mustParse(t, r)
	if err := s.Verify(r, body, testSecret, signTime); err != nil {
		t.Fatal(err)
	}
	err := s.Verify(r, []byte("abd"), testSecret, signTime)
	wantErr(t, err, awserr.InvalidSignatureException, msgMismatch)
	if !strings.Contains(err.Error(), "is not the hash of the body") {
		t.Errorf("cause = %v", err)
	}
}

func TestMismatchCauseHidesToken(t *testing.T) {
	r, body := signSDK(t, sdkCases[1], signTime) // session token
	err := mustParse(t, r).Verify(r, body, "wrong", signTime)
	wantErr(t, err, awserr.InvalidSignatureException, msgMismatch)
	if msg := err.Error(); strings.Contains(msg, testToken) || !strings.Contains(msg, "x-amz-security-token:<token>") {
		t.Errorf("cause = %s", msg)
	}
}
