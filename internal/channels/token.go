package channels

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"sort"
	"strconv"
	"strings"
	"time"
)

// A ListChannels NextToken is
//
//	base64url( issued-ms "|" account "|" region "|" filter-digest "|" last-name ) "." base64url( HMAC-SHA256 )
//
// signed with a key of this process: it cannot be forged or moved to
// another account, region or filter, it expires after tokenLifetime, and a
// restart invalidates it (InvalidArgumentException, as for any token that
// does not open).

// filterDigest identifies a set of stream filters, in any order.
func filterDigest(filters []StreamFilter) string {
	parts := make([]string, len(filters))
	for i, f := range filters {
		parts[i] = f.ARN
		if f.Created != nil {
			parts[i] += "@" + strconv.FormatInt(f.Created.UnixMilli(), 10)
		}
	}
	sort.Strings(parts)
	sum := sha256.Sum256([]byte(strings.Join(parts, "\n")))
	return hex.EncodeToString(sum[:8])
}

func (s *Service) sign(payload string) string {
	m := hmac.New(sha256.New, s.tokenKey[:])
	m.Write([]byte(payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func (s *Service) sealToken(c Caller, digest, last string) string {
	payload := strconv.FormatInt(s.now().UnixMilli(), 10) + "|" + c.Account + "|" + c.Region + "|" + digest + "|" + last
	return base64.RawURLEncoding.EncodeToString([]byte(payload)) + "." + s.sign(payload)
}

// openToken returns the last name of the page a token follows.
func (s *Service) openToken(token string, c Caller, digest string) (string, error) {
	bad := errInvalid("Invalid NextToken.")
	enc, sig, ok := strings.Cut(token, ".")
	if !ok {
		return "", bad
	}
	raw, err := base64.RawURLEncoding.DecodeString(enc)
	if err != nil {
		return "", bad
	}
	payload := string(raw)
	if !hmac.Equal([]byte(sig), []byte(s.sign(payload))) {
		return "", bad
	}
	f := strings.SplitN(payload, "|", 5)
	if len(f) != 5 || f[1] != c.Account || f[2] != c.Region {
		return "", bad
	}
	if f[3] != digest {
		return "", errInvalid("NextToken was issued for other stream filters.")
	}
	issued, err := strconv.ParseInt(f[0], 10, 64)
	if err != nil {
		return "", bad
	}
	if s.now().Sub(time.UnixMilli(issued)) > tokenLifetime {
		return "", newErr(KindExpiredNextToken, "The NextToken has expired.")
	}
	return f[4], nil
}
