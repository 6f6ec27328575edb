package streams

import (
	"errors"
	"strings"
	"sync"

	"sluice/internal/policy"
)

// ownerOnly are the actions no resource policy can grant to another
// account: a resource's policy is its owner's to read and change.
var ownerOnly = map[string]bool{
	"PutResourcePolicy":    true,
	"GetResourcePolicy":    true,
	"DeleteResourcePolicy": true,
}

// authorize answers whether c may perform kinesis:<action> on the resource
// arn (a stream or a consumer) owned by account, whose resource policy is
// pol ("" for none), as AWS evaluates identity and resource policies.
func (s *Service) authorize(c Caller, action, arn, account, pol string) error {
	a := c.Auth
	if a == nil {
		// Sluice acting for the account itself, within it only.
		if account != c.Account {
			return errAccessDenied(c.Account, action, arn)
		}
		return nil
	}
	if pol == "" && a.Unrestricted && a.Session == nil && account == a.Principal.Account {
		return nil // the common case costs no evaluation
	}
	full := "kinesis:" + action
	if account != a.Principal.Account && ownerOnly[action] {
		return newErr(KindAccessDenied, "%s", a.DeniedMessage(full, arn, account, policy.Decision{}))
	}
	d := a.Check(full, arn, account, s.policies.parsed(pol))
	if d.Allowed {
		return nil
	}
	return newErr(KindAccessDenied, "%s", a.DeniedMessage(full, arn, account, d))
}

// authorizeAccount checks an action on no particular resource
// (ListStreams, DescribeLimits, ...), which IAM matches against "*".
func (s *Service) authorizeAccount(c Caller, action string) error {
	return s.authorize(c, action, "*", c.Account, "")
}

// policyCache keeps resource policies parsed: they are checked on every
// call, PutRecord included, and change rarely.
type policyCache struct {
	mu   sync.RWMutex
	docs map[string]*policy.Document
}

// maxCachedPolicies bounds the cache; past it the cache starts over.
const maxCachedPolicies = 4096

func (p *policyCache) parsed(text string) *policy.Document {
	if text == "" {
		return nil
	}
	p.mu.RLock()
	doc, ok := p.docs[text]
	p.mu.RUnlock()
	if ok {
		return doc
	}
	// A stored policy was checked when it was put; one stored by an older
	// Sluice that does not parse now denies everything rather than being
	// ignored.
	doc, err := policy.Parse(text, policy.Resource)
	if err != nil {
		doc = denyAll
	}
	p.mu.Lock()
	if p.docs == nil || len(p.docs) >= maxCachedPolicies {
		p.docs = map[string]*policy.Document{}
	}
	p.docs[text] = doc
	p.mu.Unlock()
	return doc
}

var denyAll = func() *policy.Document {
	doc, err := policy.Parse(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*"}]}`, policy.Resource)
	if err != nil {
		panic(err)
	}
	return doc
}()

// owner is Sluice acting for the account that owns st: for the follow-up
// changes of a call already authorized (a consumer's CREATING ending).
func owner(st *Stream) Caller { return Caller{Account: st.Account, Region: st.Region} }

// deniedAs makes a cross-account denial name the resource the request
// named (a consumer) rather than the stream it was looked up by, so that
// the message does not tell whether that stream exists.
func (s *Service) deniedAs(err error, c Caller, action, arn string) error {
	var e *Error
	if !errors.As(err, &e) || e.Kind != KindAccessDenied {
		return err
	}
	if parts := strings.SplitN(arn, ":", 6); len(parts) == 6 && parts[4] != c.Account {
		return s.crossAccountMissing(c, action, arn, parts[4])
	}
	return err
}
