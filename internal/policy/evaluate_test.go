package policy

import (
	"strings"
	"testing"
)

const (
	home     = "111122223333"
	away     = "444455556666"
	orders   = "arn:aws:kinesis:us-east-1:111122223333:stream/orders"
	payments = "arn:aws:kinesis:us-east-1:111122223333:stream/payments"
	consumer = "arn:aws:kinesis:us-east-1:111122223333:stream/orders/consumer/app:1700000000"
)

var (
	alice       = Principal{Account: home, ARN: "arn:aws:iam::111122223333:user/alice"}
	bob         = Principal{Account: home, ARN: "arn:aws:iam::111122223333:user/bob"}
	root        = Principal{Account: home, ARN: "arn:aws:iam::111122223333:root"}
	session     = Principal{Account: home, ARN: "arn:aws:sts::111122223333:assumed-role/deployer/ci-run-7"}
	stranger    = Principal{Account: away, ARN: "arn:aws:iam::444455556666:user/mallory"}
	awaySession = Principal{Account: away, ARN: "arn:aws:sts::444455556666:assumed-role/reader/s1"}
)

func mustParse(t testing.TB, text string, kind Kind) *Document {
	t.Helper()
	d, err := Parse(text, kind)
	if err != nil {
		t.Fatalf("Parse(%s): %v", text, err)
	}
	return d
}

// identityDoc wraps statements in a 2012-10-17 document.
func identityDoc(statements ...string) string {
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(statements, ",") + `]}`
}

func put(resource string) Request {
	return Request{Action: "kinesis:PutRecord", Resource: resource, Principal: alice}
}

func with(req Request, action string) Request {
	req.Action = action
	return req
}

// TestEvaluateIdentity follows AWS's evaluation logic for one identity
// policy: an applicable Deny wins, else an applicable Allow, else nothing
// (the implicit deny).
func TestEvaluateIdentity(t *testing.T) {
	const (
		allowPut     = `{"Effect":"Allow","Action":"kinesis:PutRecord","Resource":"arn:aws:kinesis:us-east-1:111122223333:stream/orders"}`
		allowAll     = `{"Effect":"Allow","Action":"*","Resource":"*"}`
		denyPayments = `{"Effect":"Deny","Action":"kinesis:*","Resource":"arn:aws:kinesis:us-east-1:111122223333:stream/payments"}`
	)
	tests := []struct {
		name   string
		policy string
		req    Request
		want   Effect
	}{
		{"allow", identityDoc(allowPut), put(orders), Allowed},
		{"other action: implicit deny", identityDoc(allowPut), with(put(orders), "kinesis:GetRecords"), NoMatch},
		{"other resource: implicit deny", identityDoc(allowPut), put(payments), NoMatch},
		{"explicit deny beats allow", identityDoc(allowAll, denyPayments), put(payments), Denied},
		{"deny elsewhere leaves the allow", identityDoc(allowAll, denyPayments), put(orders), Allowed},
		{"deny first, then allow, still deny", identityDoc(denyPayments, allowAll), put(payments), Denied},
		{"a document of one statement", `{"Version":"2012-10-17","Statement":` + allowPut + `}`, put(orders), Allowed},
		{"no Version reads as 2008-10-17", `{"Statement":` + allowPut + `}`, put(orders), Allowed},

		// Actions: case-insensitive, * and ?.
		{"action case-insensitive", identityDoc(allowPut), with(put(orders), "KINESIS:putrecord"), Allowed},
		{"action pattern case-insensitive", identityDoc(`{"Effect":"Allow","Action":"Kinesis:Put*","Resource":"*"}`), with(put(orders), "kinesis:PUTRECORDS"), Allowed},
		{"action *", identityDoc(`{"Effect":"Allow","Action":"kinesis:*","Resource":"*"}`), with(put(orders), "kinesis:ListShards"), Allowed},
		{"action * does not cross vendors", identityDoc(`{"Effect":"Allow","Action":"kinesis:*","Resource":"*"}`), with(put(orders), "firehose:PutRecord"), NoMatch},
		{"action ? is one character", identityDoc(`{"Effect":"Allow","Action":"kinesis:PutRecord?","Resource":"*"}`), with(put(orders), "kinesis:PutRecords"), Allowed},
		{"action ? is exactly one", identityDoc(`{"Effect":"Allow","Action":"kinesis:PutRecord?","Resource":"*"}`), put(orders), NoMatch},
		{"action list", identityDoc(`{"Effect":"Allow","Action":["kinesis:GetRecords","kinesis:PutRecord"],"Resource":"*"}`), put(orders), Allowed},
		{"action matched whole", identityDoc(`{"Effect":"Allow","Action":"kinesis:Put","Resource":"*"}`), put(orders), NoMatch},

		// NotAction and NotResource.
		{"NotAction allows the others", identityDoc(`{"Effect":"Allow","NotAction":"kinesis:DeleteStream","Resource":"*"}`), put(orders), Allowed},
		{"NotAction excludes its own", identityDoc(`{"Effect":"Allow","NotAction":"kinesis:DeleteStream","Resource":"*"}`), with(put(orders), "kinesis:deletestream"), NoMatch},
		{"Deny NotAction denies the others", identityDoc(allowAll, `{"Effect":"Deny","NotAction":"kinesis:Get*","Resource":"*"}`), put(orders), Denied},
		{"Deny NotAction spares its own", identityDoc(allowAll, `{"Effect":"Deny","NotAction":"kinesis:Get*","Resource":"*"}`), with(put(orders), "kinesis:GetRecords"), Allowed},
		{"NotResource allows the others", identityDoc(`{"Effect":"Allow","Action":"kinesis:*","NotResource":"` + payments + `"}`), put(orders), Allowed},
		{"NotResource excludes its own", identityDoc(`{"Effect":"Allow","Action":"kinesis:*","NotResource":"` + payments + `"}`), put(payments), NoMatch},
		{"Deny NotResource", identityDoc(allowAll, `{"Effect":"Deny","Action":"*","NotResource":"arn:aws:kinesis:*:111122223333:stream/orders*"}`), put(payments), Denied},

		// Resources: case-sensitive, * and ? over the whole ARN.
		{"resource *", identityDoc(`{"Effect":"Allow","Action":"kinesis:PutRecord","Resource":"*"}`), put(orders), Allowed},
		{"resource * matches the resourceless *", identityDoc(`{"Effect":"Allow","Action":"kinesis:ListStreams","Resource":"*"}`), with(put("*"), "kinesis:ListStreams"), Allowed},
		{"an ARN does not match the resourceless *", identityDoc(`{"Effect":"Allow","Action":"kinesis:ListStreams","Resource":"` + orders + `"}`), with(put("*"), "kinesis:ListStreams"), NoMatch},
		{"resource case-sensitive", identityDoc(`{"Effect":"Allow","Action":"*","Resource":"arn:aws:kinesis:us-east-1:111122223333:stream/Orders"}`), put(orders), NoMatch},
		{"resource wildcard in region", identityDoc(`{"Effect":"Allow","Action":"*","Resource":"arn:aws:kinesis:*:111122223333:stream/orders"}`), put(orders), Allowed},
		{"resource wildcard in name", identityDoc(`{"Effect":"Allow","Action":"*","Resource":"arn:aws:kinesis:us-east-1:111122223333:stream/ord*"}`), put(orders), Allowed},
		{"resource ?", identityDoc(`{"Effect":"Allow","Action":"*","Resource":"arn:aws:kinesis:us-east-1:111122223333:stream/order?"}`), put(orders), Allowed},
		{"resource ? is one character", identityDoc(`{"Effect":"Allow","Action":"*","Resource":"arn:aws:kinesis:us-east-1:111122223333:stream/orders?"}`), put(orders), NoMatch},
		{"stream/* covers consumers", identityDoc(`{"Effect":"Allow","Action":"*","Resource":"arn:aws:kinesis:us-east-1:111122223333:stream/*"}`), put(consumer), Allowed},
		{"stream ARN is not its consumers", identityDoc(`{"Effect":"Allow","Action":"*","Resource":"` + orders + `"}`), put(consumer), NoMatch},
		{"trailing * runs past colons", identityDoc(`{"Effect":"Allow","Action":"*","Resource":"arn:aws:kinesis:us-east-1:*"}`), put(consumer), Allowed},
		{"other account's ARN", identityDoc(`{"Effect":"Allow","Action":"*","Resource":"arn:aws:kinesis:us-east-1:444455556666:stream/orders"}`), put(orders), NoMatch},

		// Policy variables (2012-10-17 only).
		{"variable in resource", identityDoc(`{"Effect":"Allow","Action":"*","Resource":"arn:aws:kinesis:us-east-1:111122223333:stream/${aws:username}-*"}`),
			withContext(put("arn:aws:kinesis:us-east-1:111122223333:stream/alice-logs"), "aws:username", "alice"), Allowed},
		{"variable for someone else", identityDoc(`{"Effect":"Allow","Action":"*","Resource":"arn:aws:kinesis:us-east-1:111122223333:stream/${aws:username}-*"}`),
			withContext(put("arn:aws:kinesis:us-east-1:111122223333:stream/alice-logs"), "aws:username", "bob"), NoMatch},
		{"variable without a value matches nothing", identityDoc(`{"Effect":"Allow","Action":"*","Resource":"arn:aws:kinesis:us-east-1:111122223333:stream/${aws:username}"}`),
			put("arn:aws:kinesis:us-east-1:111122223333:stream/"), NoMatch},
		{"variable default", identityDoc(`{"Effect":"Allow","Action":"*","Resource":"arn:aws:kinesis:us-east-1:111122223333:stream/${aws:username, 'shared'}"}`),
			put("arn:aws:kinesis:us-east-1:111122223333:stream/shared"), Allowed},
		{"variable value is literal, not a wildcard", identityDoc(`{"Effect":"Allow","Action":"*","Resource":"arn:aws:kinesis:us-east-1:111122223333:stream/${aws:username}"}`),
			withContext(put(orders), "aws:username", "*"), NoMatch},
		{"escaped * is literal", identityDoc(`{"Effect":"Allow","Action":"*","Resource":"arn:aws:kinesis:us-east-1:111122223333:stream/a${*}"}`),
			put("arn:aws:kinesis:us-east-1:111122223333:stream/abc"), NoMatch},
		{"escaped * matches itself", identityDoc(`{"Effect":"Allow","Action":"*","Resource":"arn:aws:kinesis:us-east-1:111122223333:stream/a${*}"}`),
			put("arn:aws:kinesis:us-east-1:111122223333:stream/a*"), Allowed},
		{"2008-10-17 has no variables", `{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"arn:aws:kinesis:us-east-1:111122223333:stream/${aws:username}"}}`,
			withContext(put("arn:aws:kinesis:us-east-1:111122223333:stream/${aws:username}"), "aws:username", "alice"), Allowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := mustParse(t, tt.policy, Identity)
			if got := d.Evaluate(tt.req); got != tt.want {
				t.Errorf("Evaluate = %v, want %v", got, tt.want)
			}
		})
	}
}

func withContext(req Request, kv ...string) Request {
	ctx := make(map[string][]string, len(req.Context)+len(kv)/2)
	for k, v := range req.Context {
		ctx[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		ctx[kv[i]] = append(ctx[kv[i]], kv[i+1])
	}
	req.Context = ctx
	return req
}

// TestEvaluatePrincipals covers the Principal forms of resource policies.
func TestEvaluatePrincipals(t *testing.T) {
	resourceDoc := func(principal string) string {
		return `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":` + principal + `,"Action":"kinesis:*","Resource":"*"}}`
	}
	tests := []struct {
		name      string
		principal string
		caller    Principal
		want      Effect
	}{
		{"* is everyone", `"*"`, stranger, Allowed},
		{"AWS * is everyone", `{"AWS":"*"}`, stranger, Allowed},
		{"account id: its user", `{"AWS":"111122223333"}`, alice, Allowed},
		{"account id: its root", `{"AWS":"111122223333"}`, root, Allowed},
		{"account id: its sessions", `{"AWS":"111122223333"}`, session, Allowed},
		{"account id: not others", `{"AWS":"111122223333"}`, stranger, NoMatch},
		{"root ARN is the whole account", `{"AWS":"arn:aws:iam::111122223333:root"}`, alice, Allowed},
		{"root ARN: not others", `{"AWS":"arn:aws:iam::111122223333:root"}`, stranger, NoMatch},
		{"user ARN", `{"AWS":"arn:aws:iam::111122223333:user/alice"}`, alice, Allowed},
		{"user ARN: not another user", `{"AWS":"arn:aws:iam::111122223333:user/alice"}`, bob, NoMatch},
		{"user ARN: not the account root", `{"AWS":"arn:aws:iam::111122223333:user/alice"}`, root, NoMatch},
		{"list", `{"AWS":["arn:aws:iam::111122223333:user/bob","444455556666"]}`, stranger, Allowed},
		{"role ARN matches its sessions", `{"AWS":"arn:aws:iam::111122223333:role/deployer"}`, session, Allowed},
		{"role ARN with a path matches its sessions", `{"AWS":"arn:aws:iam::111122223333:role/ci/deployer"}`, session, Allowed},
		{"role ARN: not another role's sessions", `{"AWS":"arn:aws:iam::111122223333:role/reader"}`, session, NoMatch},
		{"role ARN: not a same-named role elsewhere", `{"AWS":"arn:aws:iam::444455556666:role/deployer"}`, session, NoMatch},
		{"role ARN: not a user", `{"AWS":"arn:aws:iam::111122223333:role/deployer"}`, alice, NoMatch},
		{"session ARN", `{"AWS":"arn:aws:sts::111122223333:assumed-role/deployer/ci-run-7"}`, session, Allowed},
		{"session ARN: not another session", `{"AWS":"arn:aws:sts::111122223333:assumed-role/deployer/ci-run-8"}`, session, NoMatch},
		{"service matches no caller", `{"Service":"lambda.amazonaws.com"}`, alice, NoMatch},
		{"cross-account role", `{"AWS":"arn:aws:iam::444455556666:role/reader"}`, awaySession, Allowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := mustParse(t, resourceDoc(tt.principal), Resource)
			req := put(orders)
			req.Principal = tt.caller
			if got := d.Evaluate(req); got != tt.want {
				t.Errorf("Evaluate = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestEvaluateNotPrincipal: a Deny with NotPrincipal denies everyone but
// those it names, literally: AWS's NotPrincipal examples list the user
// beside its account, and a role's session ARN beside the role and the
// account, because neither covers the other.
func TestEvaluateNotPrincipal(t *testing.T) {
	d := mustParse(t, `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Principal":"*","Action":"kinesis:*","Resource":"*"},
		{"Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::111122223333:root","arn:aws:iam::111122223333:role/deployer"]},"Action":"kinesis:DeleteStream","Resource":"*"}
	]}`, Resource)
	for _, tt := range []struct {
		caller Principal
		want   Effect
	}{
		{root, Allowed},
		{alice, Denied},   // the account's root ARN names the root only
		{session, Denied}, // the role's ARN does not name its sessions
		{stranger, Denied},
		{awaySession, Denied},
	} {
		req := with(put(orders), "kinesis:DeleteStream")
		req.Principal = tt.caller
		if got := d.Evaluate(req); got != tt.want {
			t.Errorf("%s: Evaluate = %v, want %v", tt.caller.ARN, got, tt.want)
		}
	}
	narrow := mustParse(t, `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Principal":"*","Action":"kinesis:*","Resource":"*"},
		{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"*","Resource":"*"}
	]}`, Resource)
	for _, tt := range []struct {
		caller Principal
		want   Effect
	}{{alice, Allowed}, {bob, Denied}, {root, Denied}} {
		req := put(orders)
		req.Principal = tt.caller
		if got := narrow.Evaluate(req); got != tt.want {
			t.Errorf("%s: Evaluate = %v, want %v", tt.caller.ARN, got, tt.want)
		}
	}
}

func TestEvaluateNilDocument(t *testing.T) {
	var d *Document
	if got := d.Evaluate(put(orders)); got != NoMatch {
		t.Fatalf("nil document: %v", got)
	}
}

// TestEvaluateConcurrently shares one document between goroutines; run
// with -race it shows that evaluation writes nothing into the document.
func TestEvaluateConcurrently(t *testing.T) {
	d := mustParse(t, identityDoc(
		`{"Effect":"Allow","Action":"kinesis:*","Resource":"arn:aws:kinesis:*:111122223333:stream/${aws:username}-*","Condition":{"StringLike":{"aws:principalarn":"*/${aws:username}"}}}`,
	), Identity)
	done := make(chan Effect)
	for i := range 8 {
		go func() {
			name := []string{"alice", "bob"}[i%2]
			req := put("arn:aws:kinesis:us-east-1:111122223333:stream/alice-logs")
			req = withContext(req, "aws:username", name, "aws:principalarn", "arn:aws:iam::111122223333:user/"+name)
			var last Effect
			for range 200 {
				last = d.Evaluate(req)
			}
			done <- last
		}()
	}
	allowed := 0
	for range 8 {
		if <-done == Allowed {
			allowed++
		}
	}
	if allowed != 4 {
		t.Fatalf("%d of 8 goroutines allowed, want the 4 for alice", allowed)
	}
}
