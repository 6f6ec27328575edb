package policy

import "testing"

type ctx = map[string][]string

// TestConditions evaluates one Allow statement under each condition
// operator. AWS's rules: operators AND, keys AND, values of a key OR; a
// missing key fails a positive operator and satisfies a negated one;
// IfExists satisfies any operator on a missing key; Null tests presence.
func TestConditions(t *testing.T) {
	tests := []struct {
		name      string
		condition string
		context   ctx
		want      bool
	}{
		// String.
		{"StringEquals", `{"StringEquals":{"aws:username":"alice"}}`, ctx{"aws:username": {"alice"}}, true},
		{"StringEquals case-sensitive", `{"StringEquals":{"aws:username":"alice"}}`, ctx{"aws:username": {"Alice"}}, false},
		{"StringEquals no wildcards", `{"StringEquals":{"aws:username":"al*"}}`, ctx{"aws:username": {"alice"}}, false},
		{"StringEquals values OR", `{"StringEquals":{"aws:username":["bob","alice"]}}`, ctx{"aws:username": {"alice"}}, true},
		{"StringEquals missing key", `{"StringEquals":{"aws:username":"alice"}}`, nil, false},
		{"StringEqualsIfExists missing key", `{"StringEqualsIfExists":{"aws:username":"alice"}}`, nil, true},
		{"StringEqualsIfExists present, other value", `{"StringEqualsIfExists":{"aws:username":"alice"}}`, ctx{"aws:username": {"bob"}}, false},
		{"condition key case-insensitive", `{"StringEquals":{"AWS:UserName":"alice"}}`, ctx{"aws:username": {"alice"}}, true},
		{"StringNotEquals", `{"StringNotEquals":{"aws:username":"alice"}}`, ctx{"aws:username": {"bob"}}, true},
		{"StringNotEquals equal", `{"StringNotEquals":{"aws:username":"alice"}}`, ctx{"aws:username": {"alice"}}, false},
		{"StringNotEquals values: none may match", `{"StringNotEquals":{"aws:username":["alice","bob"]}}`, ctx{"aws:username": {"bob"}}, false},
		{"StringNotEquals missing key", `{"StringNotEquals":{"aws:username":"alice"}}`, nil, true},
		{"StringNotEqualsIfExists missing key", `{"StringNotEqualsIfExists":{"aws:username":"alice"}}`, nil, true},
		{"StringEqualsIgnoreCase", `{"StringEqualsIgnoreCase":{"aws:username":"ALICE"}}`, ctx{"aws:username": {"alice"}}, true},
		{"StringNotEqualsIgnoreCase", `{"StringNotEqualsIgnoreCase":{"aws:username":"ALICE"}}`, ctx{"aws:username": {"alice"}}, false},
		{"StringNotEqualsIgnoreCase other", `{"StringNotEqualsIgnoreCase":{"aws:username":"ALICE"}}`, ctx{"aws:username": {"bob"}}, true},
		{"StringLike *", `{"StringLike":{"aws:username":"al*"}}`, ctx{"aws:username": {"alice"}}, true},
		{"StringLike ?", `{"StringLike":{"aws:username":"al?ce"}}`, ctx{"aws:username": {"alice"}}, true},
		{"StringLike case-sensitive", `{"StringLike":{"aws:username":"AL*"}}`, ctx{"aws:username": {"alice"}}, false},
		{"StringLike missing key", `{"StringLike":{"aws:username":"*"}}`, nil, false},
		{"StringNotLike", `{"StringNotLike":{"aws:username":"al*"}}`, ctx{"aws:username": {"bob"}}, true},
		{"StringNotLike matching", `{"StringNotLike":{"aws:username":"al*"}}`, ctx{"aws:username": {"alice"}}, false},
		{"StringNotLike missing key", `{"StringNotLike":{"aws:username":"al*"}}`, nil, true},
		{"string variable", `{"StringEquals":{"aws:principaltag/owner":"${aws:username}"}}`, ctx{"aws:username": {"alice"}, "aws:principaltag/owner": {"alice"}}, true},
		{"string variable mismatch", `{"StringEquals":{"aws:principaltag/owner":"${aws:username}"}}`, ctx{"aws:username": {"bob"}, "aws:principaltag/owner": {"alice"}}, false},
		{"string variable missing", `{"StringEquals":{"aws:principaltag/owner":"${aws:username}"}}`, ctx{"aws:principaltag/owner": {"alice"}}, false},

		// Multiple keys AND, multiple operators AND.
		{"keys AND: both", `{"StringEquals":{"aws:username":"alice","aws:requestedregion":"us-east-1"}}`, ctx{"aws:username": {"alice"}, "aws:requestedregion": {"us-east-1"}}, true},
		{"keys AND: one", `{"StringEquals":{"aws:username":"alice","aws:requestedregion":"us-east-1"}}`, ctx{"aws:username": {"alice"}, "aws:requestedregion": {"eu-west-1"}}, false},
		{"operators AND", `{"StringEquals":{"aws:username":"alice"},"Bool":{"aws:securetransport":"true"}}`, ctx{"aws:username": {"alice"}, "aws:securetransport": {"false"}}, false},

		// Numeric.
		{"NumericEquals", `{"NumericEquals":{"kinesis:shards":"4"}}`, ctx{"kinesis:shards": {"4.0"}}, true},
		{"NumericEquals JSON number", `{"NumericEquals":{"kinesis:shards":4}}`, ctx{"kinesis:shards": {"4"}}, true},
		{"NumericNotEquals", `{"NumericNotEquals":{"kinesis:shards":"4"}}`, ctx{"kinesis:shards": {"5"}}, true},
		{"NumericNotEquals missing key", `{"NumericNotEquals":{"kinesis:shards":"4"}}`, nil, true},
		{"NumericLessThan", `{"NumericLessThan":{"kinesis:shards":"4"}}`, ctx{"kinesis:shards": {"3"}}, true},
		{"NumericLessThan equal", `{"NumericLessThan":{"kinesis:shards":"4"}}`, ctx{"kinesis:shards": {"4"}}, false},
		{"NumericLessThanEquals", `{"NumericLessThanEquals":{"kinesis:shards":"4"}}`, ctx{"kinesis:shards": {"4"}}, true},
		{"NumericGreaterThan", `{"NumericGreaterThan":{"kinesis:shards":"4"}}`, ctx{"kinesis:shards": {"4.5"}}, true},
		{"NumericGreaterThanEquals", `{"NumericGreaterThanEquals":{"kinesis:shards":"4"}}`, ctx{"kinesis:shards": {"3"}}, false},
		{"Numeric missing key", `{"NumericLessThan":{"kinesis:shards":"4"}}`, nil, false},
		{"Numeric unreadable request value", `{"NumericLessThan":{"kinesis:shards":"4"}}`, ctx{"kinesis:shards": {"three"}}, false},
		{"NumericLessThanIfExists missing key", `{"NumericLessThanIfExists":{"kinesis:shards":"4"}}`, nil, true},

		// Date, on aws:CurrentTime.
		{"DateLessThan before", `{"DateLessThan":{"aws:CurrentTime":"2026-06-30T23:59:59Z"}}`, ctx{"aws:currenttime": {"2026-01-01T00:00:00Z"}}, true},
		{"DateLessThan after", `{"DateLessThan":{"aws:CurrentTime":"2026-06-30T23:59:59Z"}}`, ctx{"aws:currenttime": {"2026-07-01T00:00:00Z"}}, false},
		{"DateLessThan equal", `{"DateLessThan":{"aws:CurrentTime":"2026-06-30T23:59:59Z"}}`, ctx{"aws:currenttime": {"2026-06-30T23:59:59Z"}}, false},
		{"DateLessThanEquals equal", `{"DateLessThanEquals":{"aws:CurrentTime":"2026-06-30T23:59:59Z"}}`, ctx{"aws:currenttime": {"2026-06-30T23:59:59Z"}}, true},
		{"DateGreaterThan after", `{"DateGreaterThan":{"aws:CurrentTime":"2026-04-01T00:00:00Z"}}`, ctx{"aws:currenttime": {"2026-04-01T00:00:00.5Z"}}, true},
		{"DateGreaterThan before", `{"DateGreaterThan":{"aws:CurrentTime":"2026-04-01T00:00:00Z"}}`, ctx{"aws:currenttime": {"2026-03-31T23:59:59Z"}}, false},
		{"DateGreaterThanEquals zones", `{"DateGreaterThanEquals":{"aws:CurrentTime":"2026-04-01T02:00:00+02:00"}}`, ctx{"aws:currenttime": {"2026-04-01T00:00:00Z"}}, true},
		{"window inside", `{"DateGreaterThan":{"aws:CurrentTime":"2026-04-01T00:00:00Z"},"DateLessThan":{"aws:CurrentTime":"2026-06-30T23:59:59Z"}}`, ctx{"aws:currenttime": {"2026-05-05T12:00:00Z"}}, true},
		{"window outside", `{"DateGreaterThan":{"aws:CurrentTime":"2026-04-01T00:00:00Z"},"DateLessThan":{"aws:CurrentTime":"2026-06-30T23:59:59Z"}}`, ctx{"aws:currenttime": {"2026-07-05T12:00:00Z"}}, false},
		{"DateEquals date only", `{"DateEquals":{"aws:CurrentTime":"2026-04-01"}}`, ctx{"aws:currenttime": {"2026-04-01T00:00:00Z"}}, true},
		{"DateNotEquals", `{"DateNotEquals":{"aws:CurrentTime":"2026-04-01"}}`, ctx{"aws:currenttime": {"2026-04-02T00:00:00Z"}}, true},
		{"DateNotEquals missing key", `{"DateNotEquals":{"aws:CurrentTime":"2026-04-01"}}`, nil, true},
		{"Date epoch in policy", `{"DateLessThan":{"aws:CurrentTime":"1767225600"}}`, ctx{"aws:currenttime": {"2025-12-31T23:59:59Z"}}, true},
		{"Date epoch in request", `{"DateLessThan":{"aws:EpochTime":"2026-01-01T00:00:00Z"}}`, ctx{"aws:epochtime": {"1767225601"}}, false},
		{"Date missing key", `{"DateLessThan":{"aws:CurrentTime":"2026-06-30T23:59:59Z"}}`, nil, false},
		{"DateLessThanIfExists missing key", `{"DateLessThanIfExists":{"aws:CurrentTime":"2026-06-30T23:59:59Z"}}`, nil, true},

		// Bool, on aws:SecureTransport.
		{"Bool true", `{"Bool":{"aws:SecureTransport":"true"}}`, ctx{"aws:securetransport": {"true"}}, true},
		{"Bool false", `{"Bool":{"aws:SecureTransport":"true"}}`, ctx{"aws:securetransport": {"false"}}, false},
		{"Bool JSON boolean", `{"Bool":{"aws:SecureTransport":false}}`, ctx{"aws:securetransport": {"false"}}, true},
		{"Bool missing key", `{"Bool":{"aws:SecureTransport":"false"}}`, nil, false},
		{"BoolIfExists missing key", `{"BoolIfExists":{"aws:SecureTransport":"false"}}`, nil, true},

		// Binary.
		{"BinaryEquals", `{"BinaryEquals":{"kinesis:key":"QmluYXJ5"}}`, ctx{"kinesis:key": {"QmluYXJ5"}}, true},
		{"BinaryEquals other", `{"BinaryEquals":{"kinesis:key":"QmluYXJ5"}}`, ctx{"kinesis:key": {"QmluYXJ6"}}, false},

		// IP addresses, v4 and v6.
		{"IpAddress in CIDR", `{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, ctx{"aws:sourceip": {"203.0.113.7"}}, true},
		{"IpAddress outside CIDR", `{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, ctx{"aws:sourceip": {"203.0.114.7"}}, false},
		{"IpAddress single address", `{"IpAddress":{"aws:SourceIp":"203.0.113.7"}}`, ctx{"aws:sourceip": {"203.0.113.7"}}, true},
		{"IpAddress host bits in CIDR", `{"IpAddress":{"aws:SourceIp":"203.0.113.9/24"}}`, ctx{"aws:sourceip": {"203.0.113.200"}}, true},
		{"IpAddress IPv6 CIDR", `{"IpAddress":{"aws:SourceIp":"2001:db8::/32"}}`, ctx{"aws:sourceip": {"2001:db8:1234::1"}}, true},
		{"IpAddress IPv6 outside", `{"IpAddress":{"aws:SourceIp":"2001:db8::/32"}}`, ctx{"aws:sourceip": {"2001:db9::1"}}, false},
		{"IpAddress IPv6 single", `{"IpAddress":{"aws:SourceIp":"2001:DB8::1"}}`, ctx{"aws:sourceip": {"2001:db8::1"}}, true},
		{"IpAddress v4 block, v6 caller", `{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}`, ctx{"aws:sourceip": {"2001:db8::1"}}, false},
		{"IpAddress v4-mapped caller", `{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, ctx{"aws:sourceip": {"::ffff:203.0.113.7"}}, true},
		{"IpAddress list", `{"IpAddress":{"aws:SourceIp":["10.0.0.0/8","2001:db8::/32"]}}`, ctx{"aws:sourceip": {"2001:db8::1"}}, true},
		{"IpAddress missing key", `{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}`, nil, false},
		{"IpAddress unreadable request value", `{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}`, ctx{"aws:sourceip": {"localhost"}}, false},
		{"NotIpAddress outside", `{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, ctx{"aws:sourceip": {"198.51.100.1"}}, true},
		{"NotIpAddress inside", `{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, ctx{"aws:sourceip": {"203.0.113.1"}}, false},
		{"NotIpAddress missing key", `{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, nil, true},

		// ARNs: each of the six parts on its own.
		{"ArnEquals", `{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:user/alice"}}`, ctx{"aws:principalarn": {"arn:aws:iam::111122223333:user/alice"}}, true},
		{"ArnLike", `{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:user/al*"}}`, ctx{"aws:principalarn": {"arn:aws:iam::111122223333:user/alice"}}, true},
		{"ArnLike wildcard stays in its part", `{"ArnLike":{"aws:SourceArn":"arn:aws:kinesis:*:111122223333:stream/x"}}`, ctx{"aws:sourcearn": {"arn:aws:kinesis:us-east-1:999999999999:x:111122223333:stream/x"}}, false},
		{"ArnLike case-sensitive", `{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:user/Alice"}}`, ctx{"aws:principalarn": {"arn:aws:iam::111122223333:user/alice"}}, false},
		{"ArnLike *", `{"ArnLike":{"aws:PrincipalArn":"*"}}`, ctx{"aws:principalarn": {"arn:aws:iam::111122223333:user/alice"}}, true},
		{"ArnLike missing key", `{"ArnLike":{"aws:PrincipalArn":"*"}}`, nil, false},
		{"ArnNotEquals", `{"ArnNotEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:user/alice"}}`, ctx{"aws:principalarn": {"arn:aws:iam::111122223333:user/bob"}}, true},
		{"ArnNotLike matching", `{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::111122223333:*"}}`, ctx{"aws:principalarn": {"arn:aws:iam::111122223333:user/bob"}}, false},
		{"ArnNotLike missing key", `{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::111122223333:*"}}`, nil, true},
		{"ArnLikeIfExists missing key", `{"ArnLikeIfExists":{"aws:PrincipalArn":"arn:aws:iam::111122223333:*"}}`, nil, true},

		// Null.
		{"Null true, absent", `{"Null":{"aws:TokenIssueTime":"true"}}`, nil, true},
		{"Null true, present", `{"Null":{"aws:TokenIssueTime":"true"}}`, ctx{"aws:tokenissuetime": {"2026-01-01T00:00:00Z"}}, false},
		{"Null false, present", `{"Null":{"aws:TokenIssueTime":"false"}}`, ctx{"aws:tokenissuetime": {"2026-01-01T00:00:00Z"}}, true},
		{"Null false, absent", `{"Null":{"aws:TokenIssueTime":false}}`, nil, false},
		{"Null empty list is absent", `{"Null":{"aws:TagKeys":"true"}}`, ctx{"aws:tagkeys": {}}, true},

		// Set qualifiers on multivalued keys.
		{"ForAnyValue one matches", `{"ForAnyValue:StringEquals":{"aws:TagKeys":["env","team"]}}`, ctx{"aws:tagkeys": {"owner", "env"}}, true},
		{"ForAnyValue none matches", `{"ForAnyValue:StringEquals":{"aws:TagKeys":["env","team"]}}`, ctx{"aws:tagkeys": {"owner"}}, false},
		{"ForAnyValue missing key", `{"ForAnyValue:StringEquals":{"aws:TagKeys":"env"}}`, nil, false},
		{"ForAnyValue IfExists missing key", `{"ForAnyValue:StringEqualsIfExists":{"aws:TagKeys":"env"}}`, nil, true},
		{"ForAllValues all match", `{"ForAllValues:StringEquals":{"aws:TagKeys":["env","team"]}}`, ctx{"aws:tagkeys": {"team", "env"}}, true},
		{"ForAllValues one does not", `{"ForAllValues:StringEquals":{"aws:TagKeys":["env","team"]}}`, ctx{"aws:tagkeys": {"team", "owner"}}, false},
		{"ForAllValues missing key", `{"ForAllValues:StringEquals":{"aws:TagKeys":"env"}}`, nil, true},
		{"ForAllValues:StringNotLike none match", `{"ForAllValues:StringNotLike":{"aws:TagKeys":"key1*"}}`, ctx{"aws:tagkeys": {"key2:audit"}}, true},
		{"ForAllValues:StringNotLike one matches", `{"ForAllValues:StringNotLike":{"aws:TagKeys":"key1*"}}`, ctx{"aws:tagkeys": {"key1:legal"}}, false},
		{"ForAllValues:StringNotLike missing key", `{"ForAllValues:StringNotLike":{"aws:TagKeys":"key1*"}}`, nil, true},
		{"ForAnyValue:StringNotEquals one differs", `{"ForAnyValue:StringNotEquals":{"aws:TagKeys":"env"}}`, ctx{"aws:tagkeys": {"env", "team"}}, true},
		{"ForAnyValue:StringNotEquals all equal", `{"ForAnyValue:StringNotEquals":{"aws:TagKeys":"env"}}`, ctx{"aws:tagkeys": {"env"}}, false},
		{"ForAnyValue:StringNotEquals missing key", `{"ForAnyValue:StringNotEquals":{"aws:TagKeys":"env"}}`, nil, false},
		{"unqualified, multivalued: any value", `{"StringEquals":{"aws:TagKeys":"env"}}`, ctx{"aws:tagkeys": {"team", "env"}}, true},
		{"unqualified negated, multivalued: no value", `{"StringNotEquals":{"aws:TagKeys":"env"}}`, ctx{"aws:tagkeys": {"team", "env"}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := mustParse(t, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":`+tt.condition+`}}`, Identity)
			req := put(orders)
			req.Context = tt.context
			want := NoMatch
			if tt.want {
				want = Allowed
			}
			if got := d.Evaluate(req); got != want {
				t.Errorf("Evaluate = %v, want %v", got, want)
			}
		})
	}
}

// TestConditionOnDeny checks the documented reason for BoolIfExists: a
// Deny on "not over TLS" must also catch requests that do not say.
func TestConditionOnDeny(t *testing.T) {
	d := mustParse(t, identityDoc(
		`{"Effect":"Allow","Action":"*","Resource":"*"}`,
		`{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"BoolIfExists":{"aws:SecureTransport":"false"}}}`,
	), Identity)
	for _, tt := range []struct {
		context ctx
		want    Effect
	}{
		{ctx{"aws:securetransport": {"true"}}, Allowed},
		{ctx{"aws:securetransport": {"false"}}, Denied},
		{nil, Denied},
	} {
		req := put(orders)
		req.Context = tt.context
		if got := d.Evaluate(req); got != tt.want {
			t.Errorf("context %v: Evaluate = %v, want %v", tt.context, got, tt.want)
		}
	}
}
