package policy

import (
	"errors"
	"strings"
	"testing"
)

var seedPolicies = []string{
	`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"kinesis:*","Resource":"*"}}`,
	`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","NotAction":"kinesis:Get*","NotResource":"arn:aws:kinesis:*:111122223333:stream/orders*"}]}`,
	`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":["111122223333","arn:aws:iam::444455556666:role/reader"]},"Action":"kinesis:PutRecord","Resource":"arn:aws:kinesis:us-east-1:111122223333:stream/orders"}}`,
	`{"Version":"2012-10-17","Statement":{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"*","Resource":"*"}}`,
	`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"arn:aws:kinesis:*:*:stream/${aws:username, 'x'}-*","Condition":{"IpAddress":{"aws:SourceIp":["10.0.0.0/8","2001:db8::/32"]},"BoolIfExists":{"aws:SecureTransport":true},"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}}}`,
	`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ForAllValues:StringNotLike":{"aws:TagKeys":"key1*"},"Null":{"aws:username":"false"},"NumericLessThanEquals":{"kinesis:shards":4},"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:user/*"}}}}`,
	`{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`,
	`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Effect":"Deny"}}`,
	`{"Version":"2012-10-17","Statement":[]}`,
	`not json`,
}

// FuzzParse: Parse never panics; it returns either a document or a
// *MalformedError with a message, never both; and a document it returns
// evaluates without panicking.
func FuzzParse(f *testing.F) {
	for _, p := range seedPolicies {
		f.Add(p, false)
		f.Add(p, true)
	}
	f.Fuzz(func(t *testing.T, text string, resourceKind bool) {
		kind := Identity
		if resourceKind {
			kind = Resource
		}
		d, err := Parse(text, kind)
		if err != nil {
			var m *MalformedError
			if !errors.As(err, &m) || m.Message == "" {
				t.Fatalf("error %T %v is not a *MalformedError with a message", err, err)
			}
			if d != nil {
				t.Fatal("document and error both returned")
			}
			return
		}
		if d == nil {
			t.Fatal("neither document nor error")
		}
		for _, req := range []Request{
			{},
			{Action: "kinesis:PutRecord", Resource: orders, Principal: alice},
			{Action: "kinesis:ListStreams", Resource: "*", Principal: session, Context: map[string][]string{"aws:username": {"alice"}}},
		} {
			d.Evaluate(req)
		}
	})
}

// FuzzAuthorize parses a fuzzed policy on both sides and asks fuzzed
// questions of it. Properties: nothing panics; a document with a Deny-all
// statement added always denies, so it can only turn answers into denials;
// a Deny-all policy on either side denies whatever else allows; and
// Authorize agrees with Evaluate for a lone identity policy in its own
// account.
func FuzzAuthorize(f *testing.F) {
	for _, p := range seedPolicies {
		f.Add(p, "kinesis:PutRecord", orders, alice.ARN, home, "aws:SourceIp", "10.1.2.3", false)
		f.Add(p, "KINESIS:getrecords", "*", awaySession.ARN, away, "aws:username", "alice", true)
	}
	denyAllIdentity := mustParse(f, `{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"*","Resource":"*"}}`, Identity)
	denyAllResource := mustParse(f, `{"Version":"2012-10-17","Statement":{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*"}}`, Resource)

	f.Fuzz(func(t *testing.T, text, action, resource, arn, account, key, value string, unrestricted bool) {
		req := Request{
			Action:    action,
			Resource:  resource,
			Principal: Principal{Account: account, ARN: arn},
			Context: map[string][]string{
				strings.ToLower(key):  {value},
				"aws:currenttime":     {"2026-05-05T12:00:00Z"},
				"aws:securetransport": {"true"},
			},
		}
		identity, _ := Parse(text, Identity)
		resourceDoc, _ := Parse(text, Resource)

		for _, d := range []*Document{identity, resourceDoc} {
			if d == nil {
				continue
			}
			effect := d.Evaluate(req)
			withDeny := &Document{kind: d.kind, statements: append(append([]statement(nil), d.statements...), denyAllIdentity.statements...)}
			if got := withDeny.Evaluate(req); got != Denied {
				t.Fatalf("adding a Deny-all statement gave %v (was %v)", got, effect)
			}
		}
		var identities []*Document
		if identity != nil {
			identities = append(identities, identity)
			got := Authorize(req, identities, false, nil, account)
			want := identity.Evaluate(req)
			if (account != "" && got.Allowed != (want == Allowed)) || got.Explicit != (want == Denied) {
				t.Fatalf("Authorize %+v disagrees with Evaluate %v", got, want)
			}
		}
		for _, resourceAccount := range []string{account, home, ""} {
			base := Authorize(req, identities, unrestricted, resourceDoc, resourceAccount)
			if base.Allowed && base.Explicit {
				t.Fatalf("allowed and explicitly denied: %+v", base)
			}
			if got := Authorize(req, append(identities[:len(identities):len(identities)], denyAllIdentity), unrestricted, resourceDoc, resourceAccount); got.Allowed || !got.Explicit {
				t.Fatalf("Deny-all identity policy gave %+v (was %+v)", got, base)
			}
			if got := Authorize(req, identities, unrestricted, denyAllResource, resourceAccount); got.Allowed || !got.Explicit {
				t.Fatalf("Deny-all resource policy gave %+v (was %+v)", got, base)
			}
		}
	})
}
