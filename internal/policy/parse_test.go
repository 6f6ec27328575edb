package policy

import (
	"errors"
	"strings"
	"testing"
)

func TestParseMalformed(t *testing.T) {
	const (
		allow    = `"Effect":"Allow","Action":"kinesis:PutRecord","Resource":"*"`
		toAlice  = `"Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"}`
		resource = `"Effect":"Allow",` + toAlice + `,"Action":"kinesis:PutRecord","Resource":"*"`
	)
	wrap := func(statement string) string {
		return `{"Version":"2012-10-17","Statement":{` + statement + `}}`
	}
	withCondition := func(condition string) string {
		return wrap(allow + `,"Condition":` + condition)
	}
	tests := []struct {
		name string
		text string
		kind Kind
		want string
	}{
		{"not JSON", `{"Version":`, Identity, "Syntax errors in policy."},
		{"empty", ``, Identity, "Syntax errors in policy."},
		{"not an object", `["Statement"]`, Identity, "Syntax errors in policy."},
		{"trailing data", wrap(allow) + `{}`, Identity, "Syntax errors in policy."},
		{"unknown top-level element", `{"Version":"2012-10-17","Foo":1,"Statement":{` + allow + `}}`, Identity, "Unknown field Foo"},
		{"unknown statement element", wrap(allow + `,"Actions":"kinesis:*"`), Identity, "Unknown field Actions"},
		{"element names are case-sensitive", wrap(`"effect":"Allow","Action":"kinesis:*","Resource":"*"`), Identity, "Unknown field effect"},
		{"duplicate element", wrap(allow + `,"Effect":"Deny"`), Identity, "Duplicate field Effect"},
		{"bad version", `{"Version":"2012-10-18","Statement":{` + allow + `}}`, Identity, "The policy must contain a valid version string"},
		{"version not a string", `{"Version":2012,"Statement":{` + allow + `}}`, Identity, "The policy must contain a valid version string"},
		{"no statement", `{"Version":"2012-10-17"}`, Identity, "Missing required field Statement"},
		{"empty statement list", `{"Version":"2012-10-17","Statement":[]}`, Identity, "Missing required field Statement"},
		{"statement not an object", `{"Version":"2012-10-17","Statement":["x"]}`, Identity, "Syntax errors in policy."},
		{"principal in identity policy", wrap(allow + `,` + toAlice), Identity, "Policy document should not specify a principal."},
		{"NotPrincipal in identity policy", wrap(`"Effect":"Deny","NotPrincipal":"*","Action":"*","Resource":"*"`), Identity, "Policy document should not specify a principal."},
		{"no principal in resource policy", wrap(allow), Resource, "Missing required field Principal"},
		{"no effect", wrap(`"Action":"kinesis:*","Resource":"*"`), Identity, "Missing required field Effect"},
		{"effect is case-sensitive", wrap(`"Effect":"allow","Action":"kinesis:*","Resource":"*"`), Identity, "Invalid effect: allow"},
		{"effect null", wrap(`"Effect":null,"Action":"kinesis:*","Resource":"*"`), Identity, "Syntax errors in policy."},
		{"no action", wrap(`"Effect":"Allow","Resource":"*"`), Identity, "Policy statement must contain actions."},
		{"empty action list", wrap(`"Effect":"Allow","Action":[],"Resource":"*"`), Identity, "Policy statement must contain actions."},
		{"action without vendor", wrap(`"Effect":"Allow","Action":"PutRecord","Resource":"*"`), Identity, "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."},
		{"action with empty vendor", wrap(`"Effect":"Allow","Action":":PutRecord","Resource":"*"`), Identity, "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."},
		{"action not a string", wrap(`"Effect":"Allow","Action":7,"Resource":"*"`), Identity, "Syntax errors in policy."},
		{"action list with a number", wrap(`"Effect":"Allow","Action":["kinesis:*",7],"Resource":"*"`), Identity, "Syntax errors in policy."},
		{"Action and NotAction", wrap(allow + `,"NotAction":"kinesis:GetRecords"`), Identity, "Statement must not contain both Action and NotAction"},
		{"no resource", wrap(`"Effect":"Allow","Action":"kinesis:*"`), Identity, "Policy statement must contain resources."},
		{"no resource in resource policy", wrap(`"Effect":"Allow",` + toAlice + `,"Action":"kinesis:*"`), Resource, "Policy statement must contain resources."},
		{"resource not an ARN", wrap(`"Effect":"Allow","Action":"kinesis:*","Resource":"orders"`), Identity, "Policy has invalid resource"},
		{"resource ARN too short", wrap(`"Effect":"Allow","Action":"kinesis:*","Resource":"arn:aws:kinesis"`), Identity, "Policy has invalid resource"},
		{"resource ARN without service", wrap(`"Effect":"Allow","Action":"kinesis:*","Resource":"arn:aws::us-east-1:111122223333:stream/x"`), Identity, "Policy has invalid resource"},
		{"Resource and NotResource", wrap(allow + `,"NotResource":"*"`), Identity, "Statement must not contain both Resource and NotResource"},
		{"principal string not *", wrap(`"Effect":"Allow","Principal":"alice","Action":"*","Resource":"*"`), Resource, "Invalid principal in policy"},
		{"principal unknown type", wrap(`"Effect":"Allow","Principal":{"IAM":"111122223333"},"Action":"*","Resource":"*"`), Resource, "Invalid principal in policy"},
		{"principal empty object", wrap(`"Effect":"Allow","Principal":{},"Action":"*","Resource":"*"`), Resource, "Invalid principal in policy"},
		{"principal short account", wrap(`"Effect":"Allow","Principal":{"AWS":"11112222333"},"Action":"*","Resource":"*"`), Resource, "Invalid principal in policy"},
		{"principal wildcard ARN", wrap(`"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/*"},"Action":"*","Resource":"*"`), Resource, "Invalid principal in policy"},
		{"principal group ARN", wrap(`"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:group/admins"},"Action":"*","Resource":"*"`), Resource, "Invalid principal in policy"},
		{"principal not an ARN", wrap(`"Effect":"Allow","Principal":{"AWS":"alice"},"Action":"*","Resource":"*"`), Resource, "Invalid principal in policy"},
		{"principal session without session", wrap(`"Effect":"Allow","Principal":{"AWS":"arn:aws:sts::111122223333:assumed-role/deployer"},"Action":"*","Resource":"*"`), Resource, "Invalid principal in policy"},
		{"Principal and NotPrincipal", wrap(`"Effect":"Deny",` + toAlice + `,"NotPrincipal":"*","Action":"*","Resource":"*"`), Resource, "Statement must not contain both Principal and NotPrincipal"},
		{"NotPrincipal with Allow", wrap(`"Effect":"Allow","NotPrincipal":{"AWS":"111122223333"},"Action":"*","Resource":"*"`), Resource, `NotPrincipal must be used with "Effect":"Deny"`},
		{"unknown condition operator", withCondition(`{"StringEqualz":{"aws:username":"alice"}}`), Identity, "Invalid condition operator: StringEqualz"},
		{"condition operator is case-sensitive", withCondition(`{"stringequals":{"aws:username":"alice"}}`), Identity, "Invalid condition operator: stringequals"},
		{"unknown qualifier", withCondition(`{"ForSomeValues:StringEquals":{"aws:username":"alice"}}`), Identity, "Invalid condition operator: ForSomeValues:StringEquals"},
		{"NullIfExists", withCondition(`{"NullIfExists":{"aws:username":"true"}}`), Identity, "Invalid condition operator: NullIfExists"},
		{"ForAnyValue:Null", withCondition(`{"ForAnyValue:Null":{"aws:username":"true"}}`), Identity, "Invalid condition operator: ForAnyValue:Null"},
		{"condition key without vendor", withCondition(`{"StringEquals":{"username":"alice"}}`), Identity, "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."},
		{"condition not an object", withCondition(`"StringEquals"`), Identity, "Syntax errors in policy."},
		{"condition value null", withCondition(`{"StringEquals":{"aws:username":null}}`), Identity, "Syntax errors in policy."},
		{"condition value object", withCondition(`{"StringEquals":{"aws:username":{"a":"b"}}}`), Identity, "Syntax errors in policy."},
		{"condition without values", withCondition(`{"StringEquals":{"aws:username":[]}}`), Identity, "Condition key aws:username has no values"},
		{"bad IP", withCondition(`{"IpAddress":{"aws:SourceIp":"203.0.113.300"}}`), Identity, "Invalid IP address or CIDR in condition: 203.0.113.300"},
		{"bad CIDR", withCondition(`{"IpAddress":{"aws:SourceIp":"203.0.113.0/33"}}`), Identity, "Invalid IP address or CIDR in condition: 203.0.113.0/33"},
		{"bad IPv6", withCondition(`{"NotIpAddress":{"aws:SourceIp":"2001:db8:::1"}}`), Identity, "Invalid IP address or CIDR in condition: 2001:db8:::1"},
		{"IP with zone", withCondition(`{"IpAddress":{"aws:SourceIp":"fe80::1%eth0"}}`), Identity, "Invalid IP address or CIDR in condition: fe80::1%eth0"},
		{"bad date", withCondition(`{"DateLessThan":{"aws:CurrentTime":"next tuesday"}}`), Identity, "Invalid date in condition: next tuesday"},
		{"bad date month", withCondition(`{"DateLessThan":{"aws:CurrentTime":"2026-13-01T00:00:00Z"}}`), Identity, "Invalid date in condition: 2026-13-01T00:00:00Z"},
		{"bad number", withCondition(`{"NumericLessThan":{"kinesis:shards":"four"}}`), Identity, "Invalid number in condition: four"},
		{"NaN", withCondition(`{"NumericLessThan":{"kinesis:shards":"NaN"}}`), Identity, "Invalid number in condition: NaN"},
		{"bad bool", withCondition(`{"Bool":{"aws:SecureTransport":"yes"}}`), Identity, "Invalid boolean in condition: yes"},
		{"bad Null", withCondition(`{"Null":{"aws:username":"maybe"}}`), Identity, "Invalid boolean in condition: maybe"},
		{"duplicate condition operator", withCondition(`{"Bool":{"aws:SecureTransport":"true"},"Bool":{"aws:SecureTransport":"false"}}`), Identity, "Duplicate field Bool"},
		{"sid not a string", wrap(`"Sid":1,` + allow), Identity, "Syntax errors in policy."},
		{"unknown kind", wrap(allow), Kind(7), "unknown policy kind"},
		{"valid resource statement in identity policy", wrap(resource), Identity, "Policy document should not specify a principal."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Parse(tt.text, tt.kind)
			if err == nil {
				t.Fatalf("Parse succeeded: %+v", d)
			}
			var m *MalformedError
			if !errors.As(err, &m) {
				t.Fatalf("error %T is not *MalformedError: %v", err, err)
			}
			if m.Message != tt.want {
				t.Errorf("Message = %q, want %q", m.Message, tt.want)
			}
			if d != nil {
				t.Errorf("document returned with an error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Error() = %q does not hold the message", err.Error())
			}
		})
	}
}

// TestParseAccepts lists forms AWS accepts that a strict parser could
// easily refuse.
func TestParseAccepts(t *testing.T) {
	tests := []struct {
		name string
		text string
		kind Kind
	}{
		{"2008-10-17", `{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"kinesis:*","Resource":"*"}}`, Identity},
		{"no Version", `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`, Identity},
		{"Id and Sid", `{"Version":"2012-10-17","Id":"writePolicy","Statement":[{"Sid":"w","Effect":"Allow","Action":"*","Resource":"*"}]}`, Identity},
		{"empty Condition", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{}}}`, Identity},
		{"JSON values in conditions", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":true},"NumericLessThan":{"kinesis:shards":[4,5.5]}}}}`, Identity},
		{"Kinesis writePolicy", `{"Version":"2012-10-17","Id":"writePolicy","Statement":[{"Sid":"writestatement","Effect":"Allow","Principal":{"AWS":"123456789456"},"Action":["kinesis:DescribeStreamSummary","kinesis:ListShards","kinesis:PutRecord","kinesis:PutRecords"],"Resource":"arn:aws:kinesis:us-east-1:111122223333:stream/orders"}]}`, Resource},
		{"every principal type", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":["*","111122223333","arn:aws:iam::111122223333:root","arn:aws:iam::111122223333:user/a/b","arn:aws:iam::111122223333:role/r","arn:aws:sts::111122223333:assumed-role/r/s","arn:aws:sts::111122223333:federated-user/f"],"Service":"lambda.amazonaws.com","Federated":"cognito-identity.amazonaws.com","CanonicalUser":"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"},"Action":"*","Resource":"*"}}`, Resource},
		{"NotPrincipal with Deny", `{"Version":"2012-10-17","Statement":{"Effect":"Deny","NotPrincipal":{"AWS":"111122223333"},"Action":"*","Resource":"*"}}`, Resource},
		{"malformed variable kept literally", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"arn:aws:kinesis:us-east-1:111122223333:stream/${aws:username"}}`, Identity},
		{"dates of every form", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":["2026-01","2026-01-02","2026-01-02T03:04Z","2026-01-02T03:04+01:00","2026-01-02T03:04:05Z","2026-01-02T03:04:05.123-05:00","2026-01-02T03:04:05","1767225600"]}}}}`, Identity},
		{"statement keys in any order", `{"Statement":{"Resource":"*","Action":"*","Effect":"Deny"},"Version":"2012-10-17"}`, Identity},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Parse(tt.text, tt.kind); err != nil {
				t.Fatalf("Parse: %v", err)
			}
		})
	}
}
