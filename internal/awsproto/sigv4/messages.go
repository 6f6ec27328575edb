package sigv4

import (
	"strings"
	"time"

	"sluice/internal/awsproto/awserr"
)

// The wordings this package answers with, in one place. Where each comes
// from is noted beside it; "recorded" means the string was captured from a
// live AWS Coral service (DynamoDB or Kinesis) by kinesalite/dynalite or seen
// verbatim in public bug reports against AWS.
const (
	// kinesalite index.js (recorded).
	msgBoth         = "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header."
	msgMissingToken = "Missing Authentication Token"

	// kinesalite index.js (recorded): one sentence per missing part, then
	// the header itself.
	msgHeaderRequires     = "Authorization header requires '%s' parameter. "
	msgHeaderRequiresDate = "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
	msgHeaderEcho         = "Authorization="

	// kinesalite index.js (recorded).
	msgQueryMustInclude = "AWS query-string parameters must include '%s'. "
	msgQueryReexamine   = "Re-examine the query-string parameters."

	// Recorded from API Gateway/Coral ("'token' not a valid key=value pair
	// (missing equal-sign) in Authorization header: 'Bearer token'."), and
	// in dynalite's notes.
	msgMissingEqual = "'%s' not a valid key=value pair (missing equal-sign) in Authorization header: '%s'."

	// dynalite index.js notes (recorded from DynamoDB, same Coral stack).
	msgDateFormat      = "Date must be in ISO-8601 'basic format'. Got '%s'. See http://en.wikipedia.org/wiki/ISO_8601"
	msgAlgorithm       = "Unsupported AWS 'algorithm': '%s' (only AWS4-HMAC-SHA256 for now). "
	msgCredentialParts = "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '%s'"

	// The current Coral wording (HTTP/2 added ':authority'); dynalite
	// recorded the older "'Host' must be a 'SignedHeader' in the AWS
	// Authorization.".
	msgHostNotSigned = "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."

	// Not recorded: Kinesis does not demand these headers be signed (see
	// covered.go for why Sluice does). The wording is Coral's Host one,
	// naming the header; one sentence per header left unsigned.
	msgNotSigned = "'%s' must be a 'SignedHeader' in the AWS Authorization."

	// Recorded (dynalite notes; many bug reports against Kinesis, STS, ...).
	// Joined with a single space when more than one applies.
	msgRegion     = "Credential should be scoped to a valid region, not '%s'."
	msgService    = "Credential should be scoped to correct service: '%s'."
	msgTerminator = "Credential should be scoped with a valid terminator: 'aws4_request', not '%s'."
	msgScopeDate  = "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%s', from '%s'."

	// Recorded against Kinesis ("- 5 min."), e.g. remind101/logspout-kinesis#21
	// and serverless/enterprise#11.
	msgExpired       = "Signature expired: %s is now earlier than %s (%s - 5 min.)"
	msgNotYetCurrent = "Signature not yet current: %s is still later than %s (%s + 5 min.)"

	// Not recorded: AWS publishes no wording for a presigned request past
	// X-Amz-Date + X-Amz-Expires on a non-S3 service (S3 says "Request has
	// expired"). This is the skew message with the window in seconds.
	msgPresignExpired = "Signature expired: %s is now earlier than %s (%s - %d sec.)"

	// S3's AuthorizationQueryParametersError wordings for X-Amz-Expires.
	msgExpiresNumber   = "X-Amz-Expires should be a number"
	msgExpiresNegative = "X-Amz-Expires must be non-negative"
	msgExpiresWeek     = "X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds"

	// Recorded (dynalite notes; the AWS SigV4 troubleshooting page). AWS
	// appends the canonical request and string to sign; Sluice keeps those
	// for its log (the error's Cause).
	msgMismatch = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."

	// Recorded (dynalite notes).
	msgUnknownKey = "The security token included in the request is invalid."
)

// Skew is how far a request's time may be from the server's clock, either
// way, as Kinesis allows.
const Skew = 5 * time.Minute

// MaxExpires is the longest X-Amz-Expires accepted (a week).
const MaxExpires = 7 * 24 * time.Hour

func incomplete(format string, args ...any) *awserr.Error {
	return awserr.New(awserr.IncompleteSignatureException, format, args...)
}

func invalid(format string, args ...any) *awserr.Error {
	return awserr.New(awserr.InvalidSignatureException, format, args...)
}

// joinSentences joins complete sentences the way AWS does in the scope
// error: separated by one space, no trailing space.
func joinSentences(s []string) string { return strings.Join(s, " ") }
