package streams

import (
	"errors"
	"strings"
	"sync"

	"sluice/internal/policy"
)

// sharable are the actions a resource policy can grant to another
// account: reading and writing records and using enhanced fan-out, as
// AWS's resource-based policies for Kinesis Data Streams share them.
// Everything else — a resource's policy, its encryption, its shards, its
// retention, its tags, its deletion — is its owner's alone.
var sharable = map[string]bool{
	"DescribeStream":           true,
	"DescribeStreamSummary":    true,
	"DescribeStreamConsumer":   true,
	"GetRecords":               true,
	"GetShardIterator":         true,
	"ListShards":               true,
	"ListStreamConsumers":      true,
	"PutRecord":                true,
	"PutRecords":               true,
	"RegisterStreamConsumer":   true,
	"DeregisterStreamConsumer": true,
	"SubscribeToShard":         true,
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
	if account != a.Principal.Account && !sharable[action] {
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

// Authorized answers whether c may perform action on the stream ref
// names, for a wire layer that must know before it answers anything of
// its own (DeleteStream's channel check). A stream that does not exist
// is nil here: the call itself will say so.
func (s *Service) Authorized(c Caller, ref StreamRef, action string) error {
	name, owner := ref.Name, c
	if ref.ARN != "" {
		region, account, arnName, ok := parseStreamARN(ref.ARN)
		if !ok {
			return nil
		}
		name, owner = arnName, Caller{Account: account, Region: region}
	}
	ls := s.lookup(owner, name)
	if ls == nil {
		return nil
	}
	st := ls.snapshot()
	return s.authorize(c, action, st.ARN(), st.Account, st.Policy)
}
