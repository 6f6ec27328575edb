package policy

import (
	"testing"
	"time"
)

func TestCallerCheck(t *testing.T) {
	const arn = "arn:aws:kinesis:us-east-1:111111111111:stream/s"
	puts := mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kinesis:Put*","Resource":"*"}]}`, Identity)
	onlyTLS := mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"kinesis:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`, Resource)
	fromNet := mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kinesis:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}`, Identity)
	beforeDate := mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kinesis:*","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}}]}`, Identity)
	describe := mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kinesis:Describe*","Resource":"*"}]}`, Identity)
	user := Principal{Account: "111111111111", ARN: "arn:aws:iam::111111111111:user/u"}
	at := time.Date(2029, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		c       *Caller
		action  string
		res     *Document
		allowed bool
		msg     string
	}{
		{"nil caller: Sluice itself", nil, "kinesis:PutRecord", nil, true, ""},
		{"user allowed", &Caller{Principal: user, Policies: []*Document{puts}}, "kinesis:PutRecord", nil, true, ""},
		{"user not allowed", &Caller{Principal: user, Policies: []*Document{puts}}, "kinesis:DeleteStream", nil, false,
			"User: arn:aws:iam::111111111111:user/u is not authorized to perform: kinesis:DeleteStream on resource: " + arn + " because no identity-based policy allows the kinesis:DeleteStream action"},
		{"resource deny without TLS", &Caller{Principal: user, Unrestricted: true}, "kinesis:PutRecord", onlyTLS, false,
			"User: arn:aws:iam::111111111111:user/u is not authorized to perform: kinesis:PutRecord on resource: " + arn + " with an explicit deny in a resource-based policy"},
		{"resource deny does not apply over TLS", &Caller{Principal: user, Unrestricted: true, SecureTransport: true}, "kinesis:PutRecord", onlyTLS, true, ""},
		{"source IP inside", &Caller{Principal: user, Policies: []*Document{fromNet}, SourceIP: "10.1.2.3"}, "kinesis:PutRecord", nil, true, ""},
		{"source IP outside", &Caller{Principal: user, Policies: []*Document{fromNet}, SourceIP: "127.0.0.1"}, "kinesis:PutRecord", nil, false,
			"User: arn:aws:iam::111111111111:user/u is not authorized to perform: kinesis:PutRecord on resource: " + arn + " because no identity-based policy allows the kinesis:PutRecord action"},
		{"before the date", &Caller{Principal: user, Policies: []*Document{beforeDate}, Now: at}, "kinesis:PutRecord", nil, true, ""},
		{"after the date", &Caller{Principal: user, Policies: []*Document{beforeDate}, Now: at.AddDate(2, 0, 0)}, "kinesis:PutRecord", nil, false,
			"User: arn:aws:iam::111111111111:user/u is not authorized to perform: kinesis:PutRecord on resource: " + arn + " because no identity-based policy allows the kinesis:PutRecord action"},
		{"session policy narrows", &Caller{Principal: user, Policies: []*Document{puts}, Session: describe}, "kinesis:PutRecord", nil, false,
			"User: arn:aws:iam::111111111111:user/u is not authorized to perform: kinesis:PutRecord on resource: " + arn + " because no session policy allows the kinesis:PutRecord action"},
	}
	for _, tt := range tests {
		d := tt.c.Check(tt.action, arn, "111111111111", tt.res)
		if d.Allowed != tt.allowed {
			t.Errorf("%s: allowed = %v", tt.name, d.Allowed)
			continue
		}
		if !d.Allowed {
			if msg := tt.c.DeniedMessage(tt.action, arn, "111111111111", d); msg != tt.msg {
				t.Errorf("%s: message\n got %s\nwant %s", tt.name, msg, tt.msg)
			}
		}
	}
}

func TestTrustPolicies(t *testing.T) {
	trust := mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"sts:AssumeRole"}]}`, Trust)
	req := Request{Action: "sts:AssumeRole", Resource: "arn:aws:iam::111111111111:role/r", Principal: Principal{Account: "222222222222", ARN: "arn:aws:iam::222222222222:user/u"}}
	if trust.Evaluate(req) != Allowed {
		t.Fatal("trusted account's user refused")
	}
	req.Principal = Principal{Account: "333333333333", ARN: "arn:aws:iam::333333333333:root"}
	if trust.Evaluate(req) != NoMatch {
		t.Fatal("untrusted account allowed")
	}
	for _, bad := range []string{
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Resource":"*"}]}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}`,
	} {
		if _, err := Parse(bad, Trust); err == nil {
			t.Errorf("trust policy accepted: %s", bad)
		}
	}
}

// BenchmarkCheck: a restricted user's PutRecord against a stream with a
// resource policy — the work every such call adds.
func BenchmarkCheck(b *testing.B) {
	id, err := Parse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["kinesis:Put*","kinesis:Describe*"],"Resource":"arn:aws:kinesis:*:111111111111:stream/orders-*"},{"Effect":"Deny","Action":"kinesis:Delete*","Resource":"*"}]}`, Identity)
	if err != nil {
		b.Fatal(err)
	}
	res, err := Parse(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"kinesis:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`, Resource)
	if err != nil {
		b.Fatal(err)
	}
	c := &Caller{Principal: Principal{Account: "111111111111", ARN: "arn:aws:iam::111111111111:user/u"}, Policies: []*Document{id}, SecureTransport: true, SourceIP: "10.0.0.1", Now: time.Now()}
	b.ReportAllocs()
	for b.Loop() {
		if !c.Check("kinesis:PutRecord", "arn:aws:kinesis:us-east-1:111111111111:stream/orders-eu", "111111111111", res).Allowed {
			b.Fatal("denied")
		}
	}
}
