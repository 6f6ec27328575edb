package awsproto

import (
	"net/http"
	"regexp"
	"time"

	"sluice/internal/awsproto/sigv4"
)

// OpenAuth is `--auth open`: a request must carry a well-formed SigV4
// signature (header or presigned query), as AWS requires, but any key and
// secret are accepted. The account is AccountID, or the access key ID
// itself when that is 12 digits (so tests can act as several accounts); the
// region is the signature's.
type OpenAuth struct {
	AccountID     string
	DefaultRegion string
}

var twelveDigits = regexp.MustCompile(`^\d{12}$`)

// Authenticate implements Authenticator.
func (a *OpenAuth) Authenticate(r *http.Request, _ []byte, _ string) (Caller, error) {
	sig, err := sigv4.Parse(r)
	if err != nil {
		return Caller{}, err
	}
	c := Caller{AccountID: a.AccountID, Region: sig.Region, AccessKeyID: sig.AccessKeyID}
	if twelveDigits.MatchString(sig.AccessKeyID) {
		c.AccountID = sig.AccessKeyID
	}
	if c.Region == "" {
		c.Region = a.DefaultRegion
	}
	return c, nil
}

// KeyringAuth is `--auth sigv4`: the signature is verified against the
// configured keys, and the key decides the account.
type KeyringAuth struct {
	Keys *sigv4.Keyring
	Now  func() time.Time
}

// Authenticate implements Authenticator.
func (a *KeyringAuth) Authenticate(r *http.Request, body []byte, signingName string) (Caller, error) {
	sig, err := sigv4.Parse(r)
	if err != nil {
		return Caller{}, err
	}
	key, err := a.Keys.AuthenticateScope(sigv4.Scope{Services: []string{signingName}}, r, body, sig, a.Now())
	if err != nil {
		return Caller{}, err
	}
	return Caller{AccountID: key.AccountID, Region: sig.Region, AccessKeyID: key.AccessKeyID}, nil
}
