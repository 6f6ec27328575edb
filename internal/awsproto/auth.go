package awsproto

import (
	"errors"
	"net/http"
	"regexp"
	"time"

	"sluice/internal/awsproto/awserr"
	"sluice/internal/awsproto/sigv4"
	"sluice/internal/identity"
	"sluice/internal/policy"
)

// Authenticator establishes who sent a request. It runs before a byte of
// the body is read, on what the headers show, so that a request they
// condemn costs no more than its headers: it returns an *awserr.Error
// (MissingAuthenticationTokenException, IncompleteSignatureException, ...)
// when the request may not proceed. What is left to check once the body is
// in, the signature over it, it returns as a BodyCheck.
//
// signingName is the credential scope's service of the request's target
// ("kinesis"), or "" when the target is unknown (any Sluice service).
type Authenticator interface {
	Authenticate(r *http.Request, signingName string) (Caller, BodyCheck, error)
}

// BodyCheck is the part of authentication that needs the body: the
// signature, verified against the body's SHA-256 computed as it was read.
// The zero BodyCheck has nothing left to check (and the body is not
// hashed).
type BodyCheck struct {
	sig    *sigv4.Signature
	secret string
}

// SignatureCheck returns the BodyCheck that verifies sig with secret.
func SignatureCheck(sig *sigv4.Signature, secret string) BodyCheck {
	return BodyCheck{sig: sig, secret: secret}
}

func (c BodyCheck) needed() bool { return c.sig != nil }

func (c BodyCheck) verify(r *http.Request, bodySHA256 string) error {
	return c.sig.VerifyBodyHash(r, bodySHA256, c.secret)
}

// scopeFor is the credential scope a request for signingName must carry.
func scopeFor(signingName string) sigv4.Scope {
	if signingName == "" {
		return sigv4.DefaultScope()
	}
	return sigv4.Scope{Services: []string{signingName}}
}

// OpenAuth is `--auth open`: a request must carry a well-formed SigV4
// signature (header or presigned query), as AWS requires, scoped to the
// target's service, covering the headers that change the request and the
// body's own hash (not UNSIGNED-PAYLOAD); but any key and secret are
// accepted, so the signature itself is not verified, nor its time (tests
// and users move the server's clock, and a time check protects nothing when
// any key will do). The account is AccountID, or the access key ID itself
// when that is 12 digits (so tests can act as several accounts); the region
// is the signature's.
type OpenAuth struct {
	AccountID     string
	DefaultRegion string
}

var twelveDigits = regexp.MustCompile(`^\d{12}$`)

// Authenticate implements Authenticator.
func (a *OpenAuth) Authenticate(r *http.Request, signingName string) (Caller, BodyCheck, error) {
	sig, err := sigv4.Parse(r)
	if err != nil {
		return Caller{}, BodyCheck{}, err
	}
	if err := sig.CheckScope(scopeFor(signingName)); err != nil {
		return Caller{}, BodyCheck{}, err
	}
	if err := sig.CheckSignedPayload(r); err != nil {
		return Caller{}, BodyCheck{}, err
	}
	c := Caller{AccountID: a.AccountID, Region: sig.Region, AccessKeyID: sig.AccessKeyID}
	if twelveDigits.MatchString(sig.AccessKeyID) {
		c.AccountID = sig.AccessKeyID
	}
	if c.Region == "" {
		c.Region = a.DefaultRegion
	}
	// Any key is the account's root: unrestricted by identity policies,
	// still bound by resource policies.
	c.Auth = RequestFacts(r, c.Region, policy.Root(c.AccountID), time.Now())
	return c, BodyCheck{}, nil
}

// RequestFacts completes who with what the request shows, for the
// conditions of policies.
func RequestFacts(r *http.Request, region string, who policy.Caller, now time.Time) *policy.Caller {
	who.SourceIP = policy.HostIP(r.RemoteAddr)
	who.SecureTransport = r.TLS != nil
	who.Region = region
	who.Now = now
	return &who
}

// KeyringAuth is `--auth sigv4`: the signature is verified against the
// configured keys, and the key decides the account. The time, the scope,
// the key and the payload claim are checked from the headers; the
// signature once the body has been read and hashed.
type KeyringAuth struct {
	Keys *sigv4.Keyring
	// Directory, when set, gives each key its principal and policies and
	// verifies session tokens; without it every key is its account's
	// root and a session token is refused.
	Directory *identity.Directory
	Now       func() time.Time
}

// Authenticate implements Authenticator, in AWS's order: time, scope, key
// (UnrecognizedClientException), then the signature.
func (a *KeyringAuth) Authenticate(r *http.Request, signingName string) (Caller, BodyCheck, error) {
	sig, err := sigv4.Parse(r)
	if err != nil {
		return Caller{}, BodyCheck{}, err
	}
	if err := sig.CheckTime(a.Now()); err != nil {
		return Caller{}, BodyCheck{}, err
	}
	if err := sig.CheckScope(scopeFor(signingName)); err != nil {
		return Caller{}, BodyCheck{}, err
	}
	key, who, limitKey, err := a.principal(sig)
	if err != nil {
		return Caller{}, BodyCheck{}, err
	}
	if err := sig.CheckSignedPayload(r); err != nil {
		return Caller{}, BodyCheck{}, err
	}
	c := Caller{AccountID: key.AccountID, Region: sig.Region, AccessKeyID: key.AccessKeyID, LimitKey: limitKey}
	c.Auth = RequestFacts(r, c.Region, who, a.Now())
	return c, SignatureCheck(sig, key.SecretAccessKey), nil
}

// msgExpiredToken is AWS's answer to an expired session token.
const msgExpiredToken = "The security token included in the request is expired"

// principal finds the key a request is signed with, who that is (a
// long-term key, or the session its token carries), and what the per-key
// rate limit charges for it.
func (a *KeyringAuth) principal(sig *sigv4.Signature) (sigv4.Key, policy.Caller, string, error) {
	invalid := awserr.New(awserr.UnrecognizedClientException, "The security token included in the request is invalid.")
	if sig.SecurityToken == "" || a.Directory == nil {
		key, err := a.Keys.KeyFor(sig.AccessKeyID)
		if err != nil {
			return sigv4.Key{}, policy.Caller{}, "", err
		}
		if sig.SecurityToken != "" {
			return sigv4.Key{}, policy.Caller{}, "", invalid
		}
		if a.Directory == nil {
			return key, policy.Root(key.AccountID), key.AccessKeyID, nil
		}
		return key, a.Directory.KeyCaller(key), key.AccessKeyID, nil
	}
	s, secret, err := a.Directory.Open(sig.AccessKeyID, sig.SecurityToken, a.Now())
	if errors.Is(err, identity.ErrExpired) {
		return sigv4.Key{}, policy.Caller{}, "", awserr.New(awserr.ExpiredTokenException, msgExpiredToken)
	}
	if err != nil {
		return sigv4.Key{}, policy.Caller{}, "", invalid
	}
	who, err := a.Directory.SessionCaller(s)
	if err != nil {
		return sigv4.Key{}, policy.Caller{}, "", invalid
	}
	limitKey := s.SourceKey
	if s.Role != "" {
		limitKey = s.Role
	}
	return sigv4.Key{AccessKeyID: s.AccessKeyID, SecretAccessKey: secret, AccountID: s.Account}, who, limitKey, nil
}

// RateKey is what the per-key rate limit charges for c.
func (c Caller) RateKey() string {
	if c.LimitKey != "" {
		return c.LimitKey
	}
	return c.AccessKeyID
}

// Verify checks the signature over a body whose SHA-256 is bodySHA256
// (hex), for handlers that read their own bodies; the zero BodyCheck has
// nothing to check.
func (c BodyCheck) Verify(r *http.Request, bodySHA256 string) error {
	if !c.needed() {
		return nil
	}
	return c.verify(r, bodySHA256)
}
